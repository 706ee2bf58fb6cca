"""Name keys for finding people: tolerant of typos, nicknames and previous names.

Search narrows candidates with the indexed keys of each name a person has been known by (`name_keys`); the match
model weighs them (`hearth.people.comparisons`, `hearth.people.match_model`).
"""

import re
import unicodedata

import jellyfish

# Common British nicknames and short forms, mapped to a canonical given name.
_NICKNAME_GROUPS = [
    ("alexander", "alex", "alec", "sandy", "xander"),
    ("alexandra", "alex", "lexi", "sandra"),
    ("anthony", "tony", "ant"),
    ("benjamin", "ben", "benny", "benji"),
    ("catherine", "cathy", "cath", "kate", "katie", "kat", "katherine", "kathryn"),
    ("charles", "charlie", "chas", "chuck"),
    ("charlotte", "lottie", "charlie"),
    ("christopher", "chris", "kit"),
    ("daniel", "dan", "danny"),
    ("david", "dave", "davy"),
    ("deborah", "debbie", "debs", "debra"),
    ("edward", "ed", "eddie", "ted", "ned"),
    ("elizabeth", "liz", "lizzie", "beth", "betty", "eliza", "libby", "elise"),
    ("eleanor", "ellie", "nell", "nelly", "elly"),
    ("frederick", "fred", "freddie", "freddy"),
    ("henry", "harry", "hal", "hank"),
    ("isabella", "bella", "izzy", "isabelle", "isobel"),
    ("jacob", "jake"),
    ("james", "jim", "jimmy", "jamie", "jamey"),
    ("jennifer", "jen", "jenny", "jenna"),
    ("jessica", "jess", "jessie"),
    ("john", "jack", "johnny", "jon"),
    ("jonathan", "jon", "jonny"),
    ("joseph", "joe", "joey"),
    ("joshua", "josh"),
    ("katherine", "kate", "katie", "kath", "kathy"),
    ("lawrence", "laurence", "larry", "laurie"),
    ("margaret", "maggie", "meg", "peggy", "madge", "greta"),
    ("matthew", "matt", "matty"),
    ("michael", "mike", "mick", "mickey", "micky"),
    ("nicholas", "nick", "nicky", "nico"),
    ("oliver", "ollie", "olly"),
    ("patricia", "pat", "patty", "trish", "tricia"),
    ("patrick", "pat", "paddy"),
    ("rebecca", "becky", "becca", "bex"),
    ("richard", "rich", "rick", "ricky", "dick"),
    ("robert", "rob", "bob", "bobby", "robbie", "bert"),
    ("samantha", "sam", "sammy"),
    ("samuel", "sam", "sammy"),
    ("sarah", "sara", "sally"),
    ("stephen", "steve", "steven", "stevie"),
    ("susan", "sue", "susie", "suzy"),
    ("thomas", "tom", "tommy"),
    ("victoria", "vicky", "vicki", "tori"),
    ("william", "will", "bill", "billy", "liam", "willie"),
    ("zachary", "zach", "zack"),
]
NICKNAMES: dict[str, str] = {}
for _group in _NICKNAME_GROUPS:
    for _name in _group:
        # A short form shared by two names (alex, sam) keeps the first canonical name listed;
        # the fuzzy score still compares the names as typed.
        NICKNAMES.setdefault(_name, _group[0])


def normalise(name: str) -> str:
    """Lower case, accents removed, only letters kept (O'Brien -> obrien, Smith-Jones -> smithjones)."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z]", "", letters.lower())


def name_words(name: str) -> list[str]:
    """The words of a name, split at spaces and hyphens (Mary-Jane Smith-Jones: four words); [""] for no name."""
    return re.split(r"[\s\-]+", (name or "").strip()) or [""]


def given_key(name: str) -> str:
    first = (name or "").strip().split(" ")[0] if name else ""
    key = normalise(first)
    return NICKNAMES.get(key, key)


def family_key(name: str) -> str:
    return normalise(name)


def sound(key: str) -> str:
    return jellyfish.soundex(key) if key else ""


def metaphone(key: str) -> str:
    """A phonetic code that does not keep the first letter as typed (Catherine and Katherine: K0RN)."""
    return jellyfish.metaphone(key)[:12] if key else ""


def given_first(name: str) -> str:
    """The first word of a given name, letters only: what the given-name keys are made from."""
    return normalise((name or "").strip().split(" ")[0]) if name else ""


def name_keys(given: str, family: str) -> dict[str, str]:
    """The search keys of a PersonName row (see `hearth.people.models.PersonName`)."""
    g_first, f_key = given_first(given), family_key(family)
    g_key = NICKNAMES.get(g_first, g_first)
    return {
        "given_key": g_key, "family_key": f_key,
        "given_sound": sound(g_key), "family_sound": sound(f_key),
        "given_meta": metaphone(g_first), "family_meta": metaphone(f_key),
        "given_rev": g_first[::-1], "family_rev": f_key[::-1],
    }
