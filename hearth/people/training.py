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
from collections.abc import Iterable, Sequence

import numpy as np

from hearth.people import comparisons as cmp
from hearth.people.match_model import Held, Model, Typed

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
    typed = Typed(given, family, a.date_of_birth, a.nhs_number, a.postcode)
    _, (g, f, order) = cmp.best_name(typed.given, typed.family, ((hg, hf) for _, hg, hf in b.names))
    levels = {
        "given": g, "family": f, "order": order if (g is not None and f is not None) else None,
        "dob": cmp.dob_level(typed.date_of_birth, b.date_of_birth),
        "nhs": cmp.nhs_level(typed.nhs_number, b.nhs_number),
        "postcode": cmp.postcode_level(typed.postcode, b.postcode, b.former_postcodes),
    }
    return [MISSING if levels[c] is None else levels[c] for c in ORDER]


def _shares(counts: np.ndarray) -> list[float]:
    smoothed = counts + 0.5  # half a pair at every level, so no level's chance is zero
    return [float(x) for x in smoothed / smoothed.sum()]


def _pair_share(groups: Iterable[int], n: int) -> float:
    """The chance that two different records drawn at random fall in the same group, from the groups' sizes."""
    same = sum(k * (k - 1) for k in groups)
    return same / (n * (n - 1)) if n > 1 else 0.0


def estimate_u(records: Sequence[Held], rng: random.Random, pairs: int = 200_000) -> dict[str, list[float]]:
    """u for every level from random pairs; then the exact levels of the date of birth, the NHS number and the
    postcode counted exactly, the rest of each comparison's chance shared as the random pairs found it."""
    counts = {c: np.zeros(len(cmp.COMPARISONS[c])) for c in ORDER}
    n = len(records)
    for _ in range(pairs):
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            for c, level in zip(ORDER, levels_of(records[i], records[j]), strict=True):
                if level != MISSING:
                    counts[c][level] += 1
    u = {c: _shares(counts[c]) for c in ORDER}
    exact = {
        "dob": [r.date_of_birth for r in records if r.date_of_birth],
        "nhs": [r.nhs_number for r in records if r.nhs_number],
        "postcode": [r.postcode for r in records if r.postcode],
    }
    for c, values in exact.items():
        share = max(_pair_share(Counter(values).values(), len(values)), 1 / max(len(values), 2) ** 2)
        rest = sum(u[c][1:])
        u[c] = [share] + [x / rest * (1 - share) for x in u[c][1:]]
    return u


def name_shares(records: Sequence[Held]) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """The share of people with each of the commonest first given names and family names, and the share counted for
    every other name (that of the rarest name kept)."""
    given, family = Counter(), Counter()
    for record in records:
        _, g, f = _current(record)
        if g:
            given[g.first] += 1
        if f:
            family[f.norm] += 1
    tf, floor = {}, {}
    for part, counter in (("given", given), ("family", family)):
        total = max(sum(counter.values()), 1)
        common = counter.most_common(TF_NAMES)
        tf[part] = {name: round(count / total, 8) for name, count in common}
        floor[part] = round(max(min((c for _, c in common), default=1), 1) / total, 8)
    return tf, floor


def household_shares(records: Sequence[Held]) -> dict[str, float]:
    """u of a family name and a current postcode agreeing together, and of a date of birth agreeing as well, given
    that they do (twins and slips within a household)."""
    homes, births = Counter(), Counter()
    n = 0
    for record in records:
        _, _, family = _current(record)
        if family and record.postcode:
            n += 1
            homes[(family.norm, record.postcode)] += 1
            if record.date_of_birth:
                births[(family.norm, record.postcode, record.date_of_birth)] += 1
    same_home = sum(k * (k - 1) for k in homes.values())
    same_birth = sum(k * (k - 1) for k in births.values())
    return {"u": max(_pair_share(homes.values(), n), 1e-12),
            "u_dob": (same_birth + 0.5) / (same_home + 1) if same_home else 0.0}


def estimate_m(records: Sequence[Held], pairs: Sequence[tuple[int, int]], prior: dict[str, list[float]]
               ) -> dict[str, list[float]]:
    """m from pairs known to be the same person (record a as typed, record b as held), drawn towards `prior`."""
    counts = {c: np.zeros(len(cmp.COMPARISONS[c])) for c in ORDER}
    for a, b in pairs:
        for c, level in zip(ORDER, levels_of(records[a], records[b]), strict=True):
            if level != MISSING:
                counts[c][level] += 1
    m = {}
    for c in ORDER:
        totals = counts[c] + PRIOR_PAIRS * np.array(prior[c], dtype=float)
        m[c] = [float(x) for x in totals / totals.sum()]
    return m


def train(records: Sequence[Held], *, start: Model, same_person: Sequence[tuple[int, int]] = (), seed: int = 1,
          u_pairs: int = 200_000, people: int | None = None) -> Model:
    """A model learned from the records: u, the name shares and the households from them; m from the pairs known to
    be the same person (indexes into `records`), or `start`'s m where there are none."""
    rng = random.Random(seed)
    u = estimate_u(records, rng, u_pairs)
    tf, tf_floor = name_shares(records)
    m = estimate_m(records, same_person, start.m) if same_person else {c: list(v) for c, v in start.m.items()}
    about = {"records": len(records), "same_person_pairs": len(same_person)}
    return Model(m=m, u=u, tf=tf, tf_floor=tf_floor, household=household_shares(records),
                 people=people or len(records), show_from=start.show_from, about=about)
