"""Learning the match model (`hearth.people.match_model`) from records, as Fellegi–Sunter m and u probabilities.

- u, the chance of each level between two different people, from the council's records: counted exactly for the
  levels that are plain equality (the same date of birth, the same postcode; how common each name is), and from
  random pairs for the others (almost every random pair is two different people).
- Households: two people of one family at one address are not a random pair. Their family name and postcode agree
  together far more often than the two chances multiplied, and a shared date of birth there is a twin as often as a
  slip. Both are counted from the records (`household_shares`), and the model weighs them together.
- m, the chance of each level between two records of the same person, from pairs known to be the same person: the
  matching benchmark's labelled copies for the shipped model. Expectation maximisation over blocked pairs, the
  unlabelled alternative, was tried and rejected: on records in households it takes twins and children named after a
  parent for the same person (decision record 0018).

Everything here is plain data: the records come from the council's database (`hearth.people.tasks`) or from the
matching benchmark's synthetic corpus.
"""

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from hearth.people import comparisons as cmp
from hearth.people.match_model import Held, Model, Typed, compare

ORDER = tuple(cmp.COMPARISONS)
MISSING = -1
TF_NAMES = 3_000  # the commonest names kept in the model's table, per part

# Where m starts, and what it is drawn towards (PRIOR_PAIRS pairs' worth) when it is learned from labelled pairs:
# for each level, a guess of its chance between two records of the same person.
START_M = {
    "family": [0.85, 0.06, 0.02, 0.02, 0.01, 0.04],
    "given": [0.80, 0.03, 0.06, 0.06, 0.02, 0.01, 0.02],
    "order": [0.97, 0.03],
    "dob": [0.85, 0.02, 0.10, 0.03],
    "nhs": [0.99, 0.01],
    "postcode": [0.70, 0.10, 0.05, 0.15],
}
PRIOR_PAIRS = 200


def _current(record: Held):
    return record.names[0] if record.names else ("current", None, None)


def levels_of(a: Held, b: Held) -> list[int]:
    """The comparison levels of record a (its current name, as if typed) against record b (every name)."""
    _, given, family = _current(a)
    _, levels = compare(Typed(given, family, a.date_of_birth, a.nhs_number, a.postcode), b)
    return [MISSING if levels[c] is None else levels[c] for c in ORDER]


def _shares(counts: np.ndarray) -> list[float]:
    smoothed = counts + 0.5  # half a pair at every level, so no level's chance is zero
    return [float(x) for x in smoothed / smoothed.sum()]


def _pair_share(same: int, n: int) -> float:
    """The chance that two different records drawn at random share a detail: `same` ordered pairs share it, of the
    n records that have it."""
    return same / (n * (n - 1)) if n > 1 else 0.0


@dataclass
class Counts:
    """What training counts exactly over all of a council's records: for the details that agree by plain equality,
    the pairs of people who share one and the people who have one; and how many people have each name (the first
    given name as its key, the family name)."""

    people: int
    dob: tuple[int, int]
    postcode: tuple[int, int]
    homes: tuple[int, int]  # a family name and a current postcode
    home_births: tuple[int, int]  # a family name, a current postcode and a date of birth
    given: Counter
    family: Counter
    # How many different names there are, by part (for the share of a name the table does not list).
    distinct: dict[str, int] = field(default_factory=dict)


def _pairs(counter: Counter) -> tuple[int, int]:
    return sum(k * (k - 1) for k in counter.values()), sum(counter.values())


def counts_of(records: Sequence[Held]) -> Counts:
    """The counts of records held in memory (the benchmark's; the worker counts in the database)."""
    dob, postcode, homes, births, given, family = (Counter() for _ in range(6))
    for record in records:
        _, g, f = _current(record)
        if record.date_of_birth:
            dob[record.date_of_birth] += 1
        if record.postcode:
            postcode[record.postcode] += 1
        if g:
            given[g.key] += 1
        if f:
            family[f.norm] += 1
            if record.postcode:
                homes[(f.norm, record.postcode)] += 1
                if record.date_of_birth:
                    births[(f.norm, record.postcode, record.date_of_birth)] += 1
    return Counts(len(records), _pairs(dob), _pairs(postcode), _pairs(homes), _pairs(births), given, family,
                  {"given": len(given), "family": len(family)})


def estimate_u(sample: Sequence[Held], counts: Counts, rng: random.Random, pairs: int = 200_000
               ) -> dict[str, list[float]]:
    """u for every level from random pairs of the sample; then the exact levels of the date of birth and the
    postcode from the counts, and of the NHS number as one in the number of people squared (it is unique), the rest
    of each comparison's chance shared as the random pairs found it."""
    tallies = {c: np.zeros(len(cmp.COMPARISONS[c])) for c in ORDER}
    n = len(sample)
    for _ in range(pairs if n > 1 else 0):
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            for c, level in zip(ORDER, levels_of(sample[i], sample[j]), strict=True):
                if level != MISSING:
                    tallies[c][level] += 1
    u = {c: _shares(tallies[c]) for c in ORDER}
    people = max(counts.people, 2)
    for c, share in (("dob", _pair_share(*counts.dob)), ("postcode", _pair_share(*counts.postcode)),
                     ("nhs", 0.0)):
        share = max(share, 1 / people ** 2)
        rest = sum(u[c][1:])
        u[c] = [share] + [x / rest * (1 - share) for x in u[c][1:]]
    return u


# A name goes into the model's table only when at least this many people have it: the table says how common names
# are, never who has a rare one.
MIN_NAME_PEOPLE = 10


def name_shares(counts: Counts) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """The share of people with each of the commonest first given names (as their key) and family names, for names
    at least MIN_NAME_PEOPLE people have; and the share counted for any other name: the average of the names not
    listed. A counter's "" counts the people whose names it does not list."""
    tf, floor = {}, {}
    for part, counter in (("given", counts.given), ("family", counts.family)):
        total = max(sum(counter.values()), 1)
        tf[part] = {name: round(count / total, 8) for name, count in counter.most_common(TF_NAMES + 1)
                    if name and count >= MIN_NAME_PEOPLE}
        unlisted_people = total - sum(counter[name] for name in tf[part])
        unlisted_names = max(counts.distinct.get(part, 0) - len(tf[part]), 1)
        floor[part] = round(max(unlisted_people, 1) / unlisted_names / total, 10)
    return tf, floor


def household_shares(counts: Counts) -> dict[str, float]:
    """u of a family name and a current postcode agreeing together, and of a date of birth agreeing as well, given
    that they do (twins and slips within a household)."""
    same_home, same_birth = counts.homes[0], counts.home_births[0]
    return {"u": max(_pair_share(*counts.homes), 1e-12),
            "u_dob": (same_birth + 0.5) / (same_home + 1) if same_home else 0.0}


def estimate_m(pairs: Sequence[tuple[Held, Held]], prior: dict[str, list[float]]) -> dict[str, list[float]]:
    """m from pairs of records known to be the same person (the first as typed, the second as held), drawn towards
    `prior` (PRIOR_PAIRS pairs' worth): a comparison a pair cannot make (a detail missing) leaves m as it was."""
    counts = {c: np.zeros(len(cmp.COMPARISONS[c])) for c in ORDER}
    for a, b in pairs:
        for c, level in zip(ORDER, levels_of(a, b), strict=True):
            if level != MISSING:
                counts[c][level] += 1
    m = {}
    for c in ORDER:
        totals = counts[c] + PRIOR_PAIRS * np.array(prior[c], dtype=float)
        m[c] = [float(x) for x in totals / totals.sum()]
    return m


def train(sample: Sequence[Held], counts: Counts, *, start: Model, same_person: Sequence[tuple[Held, Held]] = (),
          seed: int = 1, u_pairs: int = 200_000) -> Model:
    """A model learned from a council's records: u from the random sample and the counts of them all, the name
    shares and the households from the counts; m from pairs of records known to be the same person, drawn towards
    `start`'s m, or `start`'s m where there are none."""
    rng = random.Random(seed)
    u = estimate_u(sample, counts, rng, u_pairs)
    tf, tf_floor = name_shares(counts)
    m = estimate_m(same_person, start.m) if same_person else {c: list(v) for c, v in start.m.items()}
    about = {"people": counts.people, "sample": len(sample), "same_person_pairs": len(same_person)}
    return Model(m=m, u=u, tf=tf, tf_floor=tf_floor, household=household_shares(counts), people=counts.people,
                 show_from=start.show_from, about=about)
