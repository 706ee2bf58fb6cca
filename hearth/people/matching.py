"""Name keys and scoring for finding people: tolerant of typos, nicknames and previous names.

Search narrows candidates with indexed keys (a phonetic code of each name and exact identifiers),
then ranks them with a fuzzy string score. Each match carries the reasons it matched, in plain English.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

import jellyfish
from django.db.models import Case, ExpressionWrapper, FloatField, Q, Value, When
from django.db.models.functions import Abs, Greatest, Length
from rapidfuzz import fuzz

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


def given_key(name: str) -> str:
    first = (name or "").strip().split(" ")[0] if name else ""
    key = normalise(first)
    return NICKNAMES.get(key, key)


def family_key(name: str) -> str:
    return normalise(name)


def sound(key: str) -> str:
    return jellyfish.soundex(key) if key else ""


@dataclass
class Candidate:
    person_id: int
    score: float
    reasons: list[str] = field(default_factory=list)


def score_name(query_given: str, query_family: str, given: str, family: str) -> tuple[float, list[str]]:
    """0-100 similarity of a name, with the reason it matched."""
    return NameScorer(query_given, query_family).score(given, family)


class NameScorer:
    """`score_name` for one query against many names.

    The family-name and given-name parts of the score are independent, so each distinct family name
    and each distinct given name among the candidates is compared with the query once.
    """

    def __init__(self, query_given: str, query_family: str):
        self.qf = family_key(query_family)
        self.qf_sound = sound(self.qf)
        self.qg_raw = normalise(query_given.split(" ")[0] if query_given else "")
        self.qg_key = given_key(self.qg_raw)
        self.qg_sound = sound(self.qg_raw)
        self._family: dict[str, tuple[float, list[str]]] = {}
        self._given: dict[str, tuple[float, list[str]]] = {}

    def _family_part(self, family: str) -> tuple[float, list[str]]:
        cached = self._family.get(family)
        if cached is None:
            qf, cf = self.qf, family_key(family)
            fam, reasons = (fuzz.ratio(qf, cf) if qf else 0.0), []
            if qf and qf == cf:
                reasons.append("same family name")
            elif qf and fam >= 75:
                reasons.append("similar family name")
            elif qf and self.qf_sound == sound(cf):
                fam = max(fam, 75.0)
                reasons.append("family name sounds alike")
            cached = self._family[family] = (fam, reasons)
        return cached

    def _given_part(self, given: str) -> tuple[float, list[str]]:
        cached = self._given.get(given)
        if cached is None:
            giv, reasons = 0.0, []
            if self.qg_raw:
                qg_raw, cg_raw = self.qg_raw, normalise(given.split(" ")[0])
                giv = fuzz.ratio(qg_raw, cg_raw)
                if qg_raw == cg_raw:
                    reasons.append("same given name")
                elif self.qg_key == given_key(cg_raw):
                    giv = max(giv, 90.0)
                    reasons.append("given name is a known short form")
                elif giv >= 75:
                    reasons.append("similar given name")
                elif self.qg_sound == sound(cg_raw):
                    giv = max(giv, 70.0)
                    reasons.append("given name sounds alike")
            cached = self._given[given] = (giv, reasons)
        return cached

    def score(self, given: str, family: str) -> tuple[float, list[str]]:
        fam, family_reasons = self._family_part(family)
        giv, given_reasons = self._given_part(given)
        reasons = family_reasons + given_reasons
        if self.qf and self.qg_raw:
            return 0.55 * fam + 0.45 * giv, reasons
        return (fam if self.qf else giv), reasons


def dob_variants(query: date | None) -> list[date]:
    """The date of birth as given and, where it is a real date, with day and month swapped."""
    if not query:
        return []
    if query.day <= 12 and query.day != query.month:
        return [query, date(query.year, query.day, query.month)]
    return [query]


def dob_reason(query: date | None, dob: date | None) -> tuple[float, str | None]:
    if not query or not dob:
        return 0.0, None
    if query == dob:
        return 30.0, "same date of birth"
    # Day and month swapped, or one part mistyped.
    if (query.year, query.month, query.day) == (dob.year, dob.day, dob.month):
        return 20.0, "date of birth with day and month swapped"
    same = sum([query.year == dob.year, query.month == dob.month, query.day == dob.day])
    if same == 2:
        return 12.0, "date of birth differs by one part"
    return 0.0, None


# The coarse score, in SQL. People search ranks every candidate in the database with these expressions, which mirror
# NameScorer's tiers and dob_reason's points on the indexed key and sound columns, and hands only the best few rows to
# NameScorer and dob_reason for the exact score and the reasons. Within the sound-alike and same-first-letter tiers a
# name of the query's length comes first: a typo (a letter dropped, two swapped) keeps the length, and so a high
# fuzzy score.


def _closeness(column: str, key: str, top: float, floor: float):
    """`top` for a key as long as the query's, 5 points fewer for each letter of difference, never below `floor`."""
    return Greatest(Value(floor), Value(top) - Value(5.0) * Abs(Length(column) - len(key)),
                    output_field=FloatField())


def coarse_name_points(query_given: str, query_family: str):
    """An expression over a PersonName row: about what NameScorer.score gives that name (0-100); None when the
    query has no name."""
    qf = family_key(query_family)
    qg_raw = normalise(query_given.split(" ")[0] if query_given else "")
    qg_key = given_key(qg_raw)
    family = given = None
    if qf:
        family = Case(
            When(family_key=qf, then=Value(100.0)),
            When(family_sound=sound(qf), then=_closeness("family_key", qf, 90.0, 75.0)),
            When(family_key__startswith=qf[0], then=_closeness("family_key", qf, 60.0, 30.0)),
            default=Value(0.0), output_field=FloatField())
    if qg_key:
        given = Case(
            When(given_key=qg_key, given_name__iexact=qg_raw, then=Value(100.0)),
            When(given_key=qg_key, then=Value(90.0)),  # a known short form
            When(given_sound=sound(qg_key), then=_closeness("given_key", qg_key, 85.0, 70.0)),
            When(given_key__startswith=qg_key[0], then=_closeness("given_key", qg_key, 60.0, 30.0)),
            default=Value(0.0), output_field=FloatField())
    if family is not None and given is not None:
        return ExpressionWrapper(Value(0.55) * family + Value(0.45) * given, output_field=FloatField())
    return family if family is not None else given


def coarse_dob_points(query: date | None):
    """An expression over a Person row: the points dob_reason gives its date of birth."""
    if not query:
        return Value(0.0)
    swapped = [When(date_of_birth=variant, then=Value(20.0)) for variant in dob_variants(query)[1:]]
    one_part = (Q(date_of_birth__year=query.year, date_of_birth__month=query.month)
                | Q(date_of_birth__year=query.year, date_of_birth__day=query.day)
                | Q(date_of_birth__month=query.month, date_of_birth__day=query.day))
    return Case(When(date_of_birth=query, then=Value(30.0)), *swapped, When(one_part, then=Value(12.0)),
                default=Value(0.0), output_field=FloatField())
