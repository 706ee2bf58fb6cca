"""A labelled synthetic corpus for measuring person matching: find the person before creating a new record.

`population(size, seed)` builds people already on record, in households, with heavy-tailed name frequencies and
the hard cases a matcher must not merge: twins, a child named after a parent, cousins with the same name.
`probes(people, count, seed)` builds what a practitioner types when searching, each labelled with the kind of
mistake it carries (KINDS) and the true person's key, or None for a person who is truly new (NEW_KINDS).

Everything is synthetic and repeatable: the same arguments always give the same corpus. NHS numbers are in the
999 range, set aside for test data; postcodes use made-up outward codes HS1 to HS9 and HT1 to HT5.
Run it as a script for timings: `python -m benchmarks.matching_corpus 100000`.
"""

import random
import re
import string
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from benchmarks.matching_names import NICKNAMES as NICKNAME_GROUPS
from benchmarks.matching_names import drawer, osa_distance
from hearth.core.identifiers import nhs_check_digit

TODAY = date(2026, 4, 1)  # the corpus's own "today", so ages never drift between runs
OUTWARD_CODES = tuple(f"HS{n}" for n in range(1, 10)) + tuple(f"HT{n}" for n in range(1, 6))
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

# Kinds of probe and how often each is drawn: the weights are relative.
KIND_WEIGHTS = {
    "exact": 23, "typo in given name": 8, "typo in family name": 8, "typos in both names": 4,
    "two typos in one name": 3, "names swapped": 3, "nickname or short form": 7, "family name changed": 4,
    "previous family name typed": 3, "given name missing, family name misspelt": 2,
    "family name missing, given name misspelt": 2, "date of birth missing": 6, "day and month swapped": 4,
    "a digit of the date of birth mistyped": 5, "year of birth out by one": 3, "moved address": 6,
    "multi-word name joined or split": 3, "name typo and date of birth mistyped": 4,
    "family name changed and date of birth missing": 2,
}
NEW_KIND_WEIGHTS = {
    "new person, common names": 40, "new baby or sibling in a held household": 30, "twin not yet recorded": 10,
    "same name, different person": 20,
}
KINDS = tuple(KIND_WEIGHTS)
# The typos each name-typo kind makes in the (given, family) names, one plan drawn at random; None leaves it out.
TYPO_PLANS = {
    "typo in given name": ((1, 0),), "typo in family name": ((0, 1),), "typos in both names": ((1, 1),),
    "two typos in one name": ((2, 0), (0, 2)), "given name missing, family name misspelt": ((None, 1),),
    "family name missing, given name misspelt": ((1, None),), "name typo and date of birth mistyped": ((1, 0), (0, 1)),
}
NEW_KINDS = tuple(NEW_KIND_WEIGHTS)

NICKNAMES: dict[str, tuple[str, ...]] = {}
for _group in NICKNAME_GROUPS:
    for _name in _group:
        NICKNAMES[_name] = tuple(dict.fromkeys(NICKNAMES.get(_name, ()) + tuple(n for n in _group if n != _name)))

_ROWS = "q:wa w:qeas e:wrsd r:etdf t:ryfg y:tugh u:yihj i:uojk o:ipkl p:ol a:qwsz s:awedxz d:serfcx f:drtgvc g:ftyhbv"
_ROWS += " h:gyujnb j:huikmn k:jiolm l:kop z:asx x:zsdc c:xdfv v:cfgb b:vghn n:bhjm m:njk"
KEYBOARD_NEIGHBOURS = dict(pair.split(":") for pair in _ROWS.split())


@dataclass(frozen=True, slots=True)
class Held:
    """A person already on record."""

    key: int
    household: int
    given_name: str
    family_name: str
    previous_family_name: str
    date_of_birth: date | None
    sex: str
    nhs_number: str
    postcode: str
    previous_postcode: str


@dataclass(frozen=True, slots=True)
class Probe:
    """What a practitioner typed when searching before creating a record, and who they were looking for."""

    kind: str
    given_name: str
    family_name: str
    date_of_birth: date | None
    postcode: str
    nhs_number: str
    truth: int | None


def name_parts(name: str) -> list[str]:
    """The words of a multi-word or hyphenated name."""
    return [part for part in re.split(r"[ -]", name) if part]


def _dob(rng: random.Random, age: int) -> date:
    """A date of birth for someone `age` years old on the corpus's today."""
    return TODAY - timedelta(days=int((age + rng.random()) * 365.25))


def _postcode(rng: random.Random) -> str:
    """A postcode in a valid UK format from the made-up outward codes."""
    letters = INWARD_LETTERS
    return f"{rng.choice(OUTWARD_CODES)} {rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"


class _Population:
    """Builds households one at a time, keeping the counters that make keys and NHS numbers unique."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.names = drawer()
        self.people: list[Held] = []
        self.nhs_index = 0

    def nhs_number(self) -> str:
        """A unique NHS number in the 999 range, walking a fixed permutation of its six free digits; "" once used up."""
        while self.nhs_index < 1_000_000:
            first_nine = f"999{self.nhs_index * 738_541 % 1_000_000:06d}"
            self.nhs_index += 1
            check = nhs_check_digit(first_nine)
            if check is not None:
                return f"{first_nine}{check}"
        return ""

    def household(self, number: int) -> None:
        """One household: one or two parents or carers, up to five children, now and then a grandparent."""
        rng, draw = self.rng, self.names
        origin = draw.origins.draw(rng)
        postcode = _postcode(rng)
        shared_previous = _postcode(rng) if rng.random() < 0.15 else ""
        members = []  # [given, family, previous family, age, date of birth, sex]

        def add(sex, age, family, previous="", given=None, dob=None, namesake=False):
            # No two members share a given name, unless a child is named after a parent on purpose.
            while not namesake and (given is None or any(m[0] == given for m in members)):
                given = draw.given_name(rng, origin, sex, age)
            members.append([given, family, previous, age, dob or _dob(rng, age), sex])
            return members[-1]

        children = rng.choices(range(6), weights=(12, 26, 30, 18, 9, 5))[0]
        ages = [rng.randrange(18)] if children else []
        while len(ages) < children and ages[-1] > 0:
            ages.append(max(0, ages[-1] - rng.choice((1, 1, 2, 2, 3, 4))))
        parent_age = min(60, ages[0] + rng.randint(17, 38)) if ages else rng.randint(18, 45)
        partnered = rng.random() < 0.62
        birth_name = draw.family_name(rng, origin, "female")
        if partnered:
            family = draw.family_name(rng, origin)
            if rng.random() < 0.55:
                mother = add("female", parent_age, family, birth_name if birth_name != family else "")
            else:
                mother = add("female", parent_age, birth_name)
            father = add("male", max(18, min(60, parent_age + rng.randint(-3, 8))), family)
            parents = [mother, father]
        else:
            sex = "female" if rng.random() < 0.88 else "male"
            own = birth_name if sex == "female" else draw.family_name(rng, origin)
            previous = draw.family_name(rng, origin, sex) if sex == "female" and rng.random() < 0.3 else ""
            previous = "" if previous == own else previous
            parents = [add(sex, parent_age, own, previous)]
            family = parents[0][1] if rng.random() < 0.6 else draw.family_name(rng, origin)
        if rng.random() < 0.06:
            sex = rng.choice(("female", "male"))
            add(sex, max(60, min(90, parent_age + rng.randint(20, 32))), parents[0][2] or parents[0][1])
        for age in ages:
            sex = rng.choice(("female", "male"))
            roll = rng.random()
            child_family = family
            if partnered and roll < 0.12:
                child_family = parents[0][1]
            elif partnered and roll < 0.15:
                child_family = f"{parents[0][2] or parents[0][1]}-{family}"
            elif roll < 0.2:
                child_family = draw.family_name(rng, origin)
            namesake = next((p for p in parents if p[5] == sex and p[1] == child_family), None)
            junior = bool(namesake) and rng.random() < 0.035
            child = add(sex, age, child_family, given=namesake[0] if junior else None, namesake=junior)
            if rng.random() < 0.011:
                self.twin(child, add)
        self.cousin(members)
        births = [m[4] for m in members]
        for given, family, previous, age, dob, sex in members:
            if rng.random() < (0.04 if age >= 18 else 0.02) and births.count(dob) == 1:
                dob = None  # unknown, but never for a twin
            nhs = self.nhs_number() if rng.random() < 0.75 else ""
            moved = shared_previous or (_postcode(rng) if rng.random() < 0.06 else "")
            self.people.append(
                Held(len(self.people), number, given, family, previous, dob, sex, nhs, postcode, moved)
            )

    def twin(self, child, add) -> None:
        """A second child with the same date of birth and a different given name, sometimes one letter apart."""
        rng = self.rng
        sex = child[5] if rng.random() < 0.6 else rng.choice(("female", "male"))
        near = self.names.near[sex].get(child[0])
        add(sex, child[3], child[1], given=rng.choice(near) if near and rng.random() < 0.4 else None, dob=child[4])

    def cousin(self, members) -> None:
        """Now and then a member takes the given and family name of someone in an earlier household."""
        rng = self.rng
        if not self.people or rng.random() >= 0.035:
            return
        other = self.people[rng.randrange(len(self.people))]
        same_sex = [m for m in members if m[5] == other.sex and m[4] != other.date_of_birth]
        if same_sex:
            cousin = rng.choice(same_sex)
            cousin[0], cousin[1] = other.given_name, other.family_name


def population(size: int, seed: int = 1) -> list[Held]:
    """`size` people on record, in households, keyed 0 to size - 1; the same seed always gives the same people."""
    builder = _Population(seed)
    number = 0
    while len(builder.people) < size:
        builder.household(number)
        number += 1
    del builder.people[size:]
    return builder.people


def typo(rng: random.Random, word: str, edits: int = 1) -> str | None:
    """The word with `edits` slips of the keyboard anywhere, the first letter too, or None when none fits."""
    if len(word) < 2 * edits:
        return None
    for _ in range(30):
        out = word
        for _ in range(edits):
            letters = [i for i, c in enumerate(out) if c.isalpha()]
            out = _one_edit(rng, out, letters) if letters else out
        if any(c.isalpha() for c in out) and osa_distance(out.lower(), word.lower()) == edits:
            return out
    return None


def _one_edit(rng: random.Random, word: str, letters: list[int]) -> str:
    """One substitution (mostly a neighbouring key), deletion, insertion or swap of adjacent letters."""
    i = rng.choice(letters)
    c, roll = word[i], rng.random()
    if roll < 0.35:
        new = rng.choice(KEYBOARD_NEIGHBOURS.get(c.lower(), "e")) if rng.random() < 0.8 else rng.choice(
            string.ascii_lowercase)
        return word[:i] + (new.upper() if c.isupper() else new) + word[i + 1:]
    if roll < 0.6:
        out = word[:i] + word[i + 1:]
        return out[:1].upper() + out[1:] if i == 0 and c.isupper() else out
    if roll < 0.8:
        new = c.lower() if rng.random() < 0.5 else rng.choice(KEYBOARD_NEIGHBOURS.get(c.lower(), "e"))
        if rng.random() < 0.5:
            return word[:i + 1] + new + word[i + 1:]
        return new.upper() + c.lower() + word[1:] if i == 0 and c.isupper() else word[:i] + new + word[i:]
    if i + 1 >= len(word) or not word[i + 1].isalpha():
        return word
    a, b = word[i + 1], c
    a, b = (a.upper() if c.isupper() else a.lower()), (b.upper() if word[i + 1].isupper() else b.lower())
    return word[:i] + a + b + word[i + 2:]


def mistyped_date(rng: random.Random, dob: date) -> date | None:
    """The date with one digit of DDMMYYYY changed, still a real date in the past, or None when none is found."""
    digits = f"{dob.day:02d}{dob.month:02d}{dob.year:04d}"
    for _ in range(30):
        i = rng.randrange(8)
        changed = digits[:i] + rng.choice(string.digits.replace(digits[i], "")) + digits[i + 1:]
        try:
            new = date(int(changed[4:]), int(changed[2:4]), int(changed[:2]))
        except ValueError:
            continue
        if date(1900, 1, 1) <= new <= TODAY:
            return new
    return None


class _Probes:
    """Draws probes for held and new people from one random stream."""

    def __init__(self, people: list[Held], seed: int):
        self.people, self.rng, self.names = people, random.Random(seed), drawer()

    @cached_property
    def households(self) -> dict[int, list[Held]]:
        """Each household's members, by household number."""
        households = {}
        for person in self.people:
            households.setdefault(person.household, []).append(person)
        return households

    @cached_property
    def known(self) -> set[tuple]:
        """Held people's names and dates of birth: a 'new' probe matching one exactly would be mislabelled."""
        return {(p.given_name.lower(), p.family_name.lower(), p.date_of_birth) for p in self.people}

    @cached_property
    def nhs_numbers(self) -> set[str]:
        """The NHS numbers on record."""
        return {p.nhs_number for p in self.people if p.nhs_number}

    def new_postcode(self, person: Held) -> str:
        """A postcode that is neither the person's current nor their previous one."""
        while (postcode := _postcode(self.rng)) in (person.postcode, person.previous_postcode):
            pass
        return postcode

    def held(self) -> Probe:
        """A search for someone on record: a kind drawn by weight, then people drawn until the kind applies."""
        rng = self.rng
        kind = rng.choices(KINDS, weights=KIND_WEIGHTS.values())[0]
        for _ in range(10_000):
            person = self.people[rng.randrange(len(self.people))]
            typed = self.corrupt(kind, person)
            if typed is not None:
                break
        else:
            kind, typed = "exact", (person.given_name, person.family_name, person.date_of_birth)
        given, family, dob, *moved = typed
        postcode = moved[0] if moved else (person.postcode if rng.random() < 0.5 else "")
        nhs = person.nhs_number if person.nhs_number and rng.random() < 0.15 else ""
        return Probe(kind, given, family, dob, postcode, nhs, person.key)

    def corrupt(self, kind: str, p: Held) -> tuple | None:
        """The names and date of birth typed for `p` with the mistake `kind`, or None where it cannot apply."""
        rng, g, f, dob = self.rng, p.given_name, p.family_name, p.date_of_birth
        if kind == "exact":
            return g, f, dob
        if kind in TYPO_PLANS:
            plan = rng.choice(TYPO_PLANS[kind])
            typed = [
                name if n == 0 else "" if n is None else typo(rng, name, n)
                for name, n in zip((g, f), plan, strict=True)
            ]
            if kind.endswith("mistyped"):
                dob = mistyped_date(rng, dob) if dob else None
            return None if None in typed or (dob is None and kind.endswith("mistyped")) else (*typed, dob)
        if kind == "names swapped":
            return (f, g, dob) if g.lower() != f.lower() else None
        if kind == "nickname or short form":
            first, _, rest = g.partition(" ")
            alternatives = NICKNAMES.get(first)
            return (" ".join(filter(None, (rng.choice(alternatives), rest))), f, dob) if alternatives else None
        if kind in ("family name changed", "family name changed and date of birth missing"):
            new = self.names.family_name(rng, "british" if rng.random() < 0.7 else "south_asian", p.sex)
            if new in (f, p.previous_family_name) or (kind.endswith("missing") and dob is None):
                return None
            return g, new, None if kind.endswith("missing") else dob
        if kind == "previous family name typed":
            return (g, p.previous_family_name, dob) if p.previous_family_name else None
        if dob is None and kind not in ("moved address", "multi-word name joined or split"):
            return None
        if kind == "date of birth missing":
            return g, f, None
        if kind == "day and month swapped":
            return (g, f, date(dob.year, dob.day, dob.month)) if dob.day <= 12 and dob.day != dob.month else None
        if kind == "a digit of the date of birth mistyped":
            return (g, f, new) if (new := mistyped_date(rng, dob)) else None
        if kind == "year of birth out by one":
            for year in rng.sample((dob.year - 1, dob.year + 1), 2):
                if not (dob.month == 2 and dob.day == 29) and date(year, dob.month, dob.day) <= TODAY:
                    return g, f, date(year, dob.month, dob.day)
            return None
        if kind == "moved address":
            return g, f, dob, self.new_postcode(p)
        if kind == "multi-word name joined or split":
            return self.rejoined(p)
        raise ValueError(f"Unknown kind of probe: {kind}")

    def rejoined(self, p: Held) -> tuple | None:
        """A multi-word or hyphenated name typed joined up, with the other separator, or as one of its words."""
        rng = self.rng
        which = [i for i, name in enumerate((p.given_name, p.family_name)) if len(name_parts(name)) > 1]
        if not which:
            return None
        i = rng.choice(which)
        name = (p.given_name, p.family_name)[i]
        parts = name_parts(name)
        forms = [parts[0] + "".join(w.lower() for w in parts[1:]), parts[0], name.translate(str.maketrans(" -", "- "))]
        forms += [parts[-1]] if i == 1 else []
        new = rng.choice(forms)
        return (new, p.family_name, p.date_of_birth) if i == 0 else (p.given_name, new, p.date_of_birth)

    def new(self) -> Probe:
        """A search for someone not on record, now and then with an NHS number that nobody on record holds."""
        rng = self.rng
        kind = rng.choices(NEW_KINDS, weights=NEW_KIND_WEIGHTS.values())[0]
        for _ in range(10_000):
            if (typed := self.invent(kind)) is not None:
                break
        else:
            raise ValueError(f"Too few people on record to invent a probe of the kind {kind!r}")
        nhs = f"999{rng.randrange(1_000_000):06d}" if rng.random() < 0.1 else ""  # nobody on record holds it
        nhs = f"{nhs}{nhs_check_digit(nhs)}" if nhs and nhs_check_digit(nhs) is not None else ""
        return Probe(kind, *typed, "" if nhs in self.nhs_numbers else nhs, None)

    def invent(self, kind: str) -> tuple | None:
        """Names, date of birth and postcode for someone not on record, or None to try again."""
        rng, draw = self.rng, self.names
        p = self.people[rng.randrange(len(self.people))]
        age = rng.randrange(18) if rng.random() < 0.6 else rng.randint(18, 60)
        if kind == "new person, common names":
            origin, sex = draw.origins.draw(rng), rng.choice(("female", "male"))
            given, family = draw.given_name(rng, origin, sex, age), draw.family_name(rng, origin, sex)
            dob, postcode = _dob(rng, age), (_postcode(rng) if rng.random() < 0.5 else "")
        elif kind == "new baby or sibling in a held household":
            dob = TODAY - timedelta(days=rng.randrange(240)) if rng.random() < 0.6 else _dob(rng, rng.randrange(18))
            given = draw.given_name(rng, "british", rng.choice(("female", "male")), 0)
            if any(m.given_name == given or m.date_of_birth == dob for m in self.households[p.household]):
                return None
            family, postcode = p.family_name, p.postcode
        elif kind == "twin not yet recorded":
            if p.date_of_birth is None or (TODAY - p.date_of_birth).days > 17 * 365:
                return None
            given, family, dob, postcode = (
                draw.given_name(rng, "british", p.sex, 0), p.family_name, p.date_of_birth, p.postcode)
            if any(m.given_name == given for m in self.households[p.household]):
                return None
        else:
            dob, given, family, postcode = _dob(rng, age), p.given_name, p.family_name, self.new_postcode(p)
            if p.date_of_birth and abs((dob - p.date_of_birth).days) <= 366:
                return None
        return None if (given.lower(), family.lower(), dob) in self.known else (given, family, dob, postcode)


def probes(people: list[Held], count: int, seed: int = 2, new_share: float = 0.2) -> list[Probe]:
    """`count` searches, a share `new_share` for people not on record; the same arguments give the same probes."""
    maker = _Probes(people, seed)
    new = round(count * new_share)
    order = [True] * new + [False] * (count - new)
    maker.rng.shuffle(order)
    return [maker.new() if is_new else maker.held() for is_new in order]


if __name__ == "__main__":
    import sys
    import time

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    started = time.perf_counter()
    held = population(size)
    built = time.perf_counter()
    searches = probes(held, max(1, size // 10))
    finished = time.perf_counter()
    print(f"{size:,} people in {built - started:.1f} s; {len(searches):,} probes in {finished - built:.1f} s")
