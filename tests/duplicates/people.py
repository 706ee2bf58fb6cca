"""Synthetic people for the de-duplication tests: households sharing a family name and a postcode, twins, and
planted copies of some people with the slips a second record carries (a typo in a name, day and month swapped, a
new postcode, no NHS number). Made-up names; NHS numbers in the 999 range; postcodes with outward codes HS1 to HS9.
Repeatable: the same seed gives the same people."""

import random
from dataclasses import dataclass
from datetime import date, timedelta

GIVEN = (
    "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Freya", "Florence", "Grace", "Willow", "Rosie",
    "Sophia", "Evie", "Poppy", "Ella", "Noah", "Oliver", "George", "Arthur", "Leo", "Muhammad", "Harry", "Oscar",
    "Archie", "Henry", "Theo", "Jack", "Charlie", "Jacob", "Freddie", "Alfie", "Finley", "Thomas", "Joshua",
    "James", "Daniel", "Samuel", "Amira", "Zara", "Hana", "Yusuf", "Idris", "Kofi", "Ama", "Tomasz", "Zofia",
    "Aleksander"
)
FAMILY = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright", "Robinson",
    "Wood", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Thomas", "Clarke", "Jackson",
    "Wright", "Hughes", "Edwards", "Khan", "Ahmed", "Begum", "Hussain", "Lewis", "Harris", "Martin", "Cooper",
    "Ward", "Morris", "Turner", "King", "Baker", "Moore", "Allen", "Bell", "Shaw", "Kowalski", "Nowak", "Mensah",
    "Okafor", "Ferreira", "Murphy", "Kelly"
)


@dataclass(frozen=True)
class Row:
    key: int
    given: str
    family: str
    dob: date | None
    nhs: str
    postcode: str


@dataclass
class Synthetic:
    rows: list[Row]
    copies: list[tuple[int, int]]  # (original key, copy key): the same person recorded twice
    twins: list[tuple[int, int]]  # two people: twins of one household


def _zipf(rng, names):
    return rng.choices(names, weights=[1 / (i + 1) for i in range(len(names))])[0]


def _typo(rng, name: str) -> str:
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1] + name[i] + name[i + 2:] if rng.random() < 0.5 else name[:i] + name[i + 1:]


def make(people: int = 300, copies: int = 15, seed: int = 7) -> Synthetic:
    rng = random.Random(seed)
    rows: list[Row] = []
    twins = []
    nhs_counter = iter(range(100_000, 999_999))

    def nhs() -> str:
        return f"9990{next(nhs_counter):06d}" if rng.random() < 0.75 else ""

    def add(given, family, dob, postcode, number=None):
        rows.append(Row(len(rows), given, family, dob, nhs() if number is None else number, postcode))
        return rows[-1]

    while len(rows) < people - copies:
        family = _zipf(rng, FAMILY)
        postcode = f"HS{rng.randint(1, 9)} {rng.randint(0, 9)}{rng.choice('ABDEFGHJLN')}{rng.choice('PQRSTUWXYZ')}"
        for _ in range(rng.choice((1, 2, 2, 3, 4))):
            dob = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 70))
            add(_zipf(rng, GIVEN), family, dob, postcode)
        if rng.random() < 0.04:  # twins: same family name, date of birth and home, different given names
            dob = date(2010, 1, 1) + timedelta(days=rng.randrange(365 * 12))
            first = add(rng.choice(GIVEN[:16]), family, dob, postcode, f"9990{next(nhs_counter):06d}")
            second = add(rng.choice(GIVEN[16:32]), family, dob, postcode, f"9990{next(nhs_counter):06d}")
            twins.append((first.key, second.key))
    planted = []
    originals = rng.sample([r for r in rows if r.dob and r.dob.day <= 12 and r.dob.day != r.dob.month],
                           copies)
    for i, original in enumerate(originals):
        given, family, dob, postcode = original.given, original.family, original.dob, original.postcode
        slip = i % 5
        if slip == 0:
            given = _typo(rng, given)
        elif slip == 1:
            family = _typo(rng, family)
        elif slip == 2:
            dob = date(dob.year, dob.day, dob.month)
        elif slip == 3:
            postcode = f"HS{rng.randint(1, 9)} {rng.randint(0, 9)}ZZ"
        copy = add(given, family, dob, postcode, "")  # a second record: no NHS number (it is unique)
        planted.append((original.key, copy.key))
    return Synthetic(rows, planted, twins)
