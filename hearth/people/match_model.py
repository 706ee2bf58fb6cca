"""The match model: how much each level of each comparison (`hearth.people.comparisons`) says that two records are
the same person, as Fellegi–Sunter weights learned from the data (`hearth.people.training`).

For each level, m is the chance of it among pairs that are the same person, u among pairs that are not; the weight
is log2(m / u). An exact name weighs by how rare the name is: u is the share of people with that name (a name not in
the model's table counts as rare as the rarest it holds). The weights add up, with the prior odds that a held record
is the one typed (one in the number of people held), to the match weight; its probability is 2^w / (1 + 2^w).

The model is the council's own, trained on its records in the worker, or until then the one shipped with Hearth
(`match_model.json`, trained on synthetic records by `python -m benchmarks.matching train`).
"""

import json
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hearth.people import comparisons as cmp
from hearth.people import matching
from hearth.people.models import MatchModel

DEFAULT_PATH = Path(__file__).with_name("match_model.json")

# What the pages say of a match, by its probability.
LIKELY = 0.8
VERY_LIKELY = 0.99

_REASONS = {
    "family": ("same family name", "family name spelt a little differently", "part of the family name",
               "family name sounds alike", "similar family name", None),
    "given": ("same given name", "one of their given names", "given name is a known short form",
              "given name spelt a little differently", "given name sounds alike", "similar given name", None),
    "order": (None, "given and family names typed the other way round"),
    "dob": ("same date of birth", "date of birth with day and month swapped", "date of birth differs by one part",
            None),
    "nhs": ("same NHS number", None),
    "postcode": ("same postcode", "a postcode they lived at before", "a nearby postcode", None),
}
_AGAINST = {
    "family": "a different family name",
    "given": "a different given name",
    "dob": "a different date of birth",
    "nhs": "a different NHS number",
}
_NAME_KIND = {"previous": " (a previous name)", "other": " (another name they use)"}


@dataclass
class Model:
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    # The share of people with each of the commonest names, by part ("given": the first given name's key, "family"),
    # and the share counted for any other name.
    tf: dict[str, dict[str, float]] = field(default_factory=dict)
    tf_floor: dict[str, float] = field(default_factory=dict)
    # Households (`training.household_shares`): "u", the chance that two different people share a family name and a
    # current postcode; "u_dob", the chance that two such people share a date of birth too.
    household: dict[str, float] = field(default_factory=dict)
    people: int = 1_000
    # Evidence (bits, without the prior) below which a held record is not shown as a match at all.
    show_from: float = 4.0
    about: dict = field(default_factory=dict)

    def __post_init__(self):
        self._weights = {c: [_log2(m, u) for m, u in zip(self.m[c], self.u[c], strict=True)]
                         for c in cmp.COMPARISONS}
        # The order of the names weighs only its m: for two different people, names agreeing the other way round are
        # already as rare as the names' own weights say (each name's u counts both orders), so the order's u would
        # count that rarity twice, and a name typed the wrong way round would weigh more than one typed right.
        self._weights["order"] = [_log2(m, 1.0) for m in self.m["order"]]

    @classmethod
    def from_dict(cls, data: dict) -> "Model":
        return cls(m=data["m"], u=data["u"], tf=data.get("tf", {}), tf_floor=data.get("tf_floor", {}),
                   household=data.get("household", {}), people=data.get("people", 1_000),
                   show_from=data.get("show_from", 4.0), about=data.get("about", {}))

    def as_dict(self) -> dict:
        return {"m": self.m, "u": self.u, "tf": self.tf, "tf_floor": self.tf_floor, "household": self.household,
                "people": self.people,
                "show_from": self.show_from, "about": self.about}

    def weight(self, comparison: str, level: int | None, value: str = "") -> float:
        """The weight of one comparison at one level; an exact name weighs by how common it is."""
        if level is None:
            return 0.0
        if level == 0 and comparison in self.tf and value:
            share = self.tf[comparison].get(value, self.tf_floor.get(comparison))
            if share:
                return _log2(self.m[comparison][0], share)
        return self._weights[comparison][level]

    def weights(self, levels: dict[str, int | None], tf_values: dict[str, str],
                typed_values: dict[str, str] | None = None) -> dict[str, float]:
        """The weight of each comparison at its level. A name that agrees only in part, or sounds alike, never
        weighs more than the name typed would if it agreed exactly (`typed_values`): a name a little different from
        a common one is no better evidence than the common one itself. Where the family name and the current
        postcode both agree, the two weigh together, as often as people of one household share them; a date of
        birth agreeing there too weighs as often as two of a household share one (twins)."""
        w = {c: self.weight(c, level, tf_values.get(c, "")) for c, level in levels.items()}
        for c, value in (typed_values or {}).items():
            if levels.get(c) and value:
                w[c] = min(w[c], self.weight(c, 0, value))
        if self.household.get("u") and levels.get("family") == 0 and levels.get("postcode") == 0:
            home = _log2(self.m["family"][0] * self.m["postcode"][0], self.household["u"])
            w["family"], w["postcode"] = min(home, w["family"] + w["postcode"]), 0.0
            if levels.get("dob") == 0 and self.household.get("u_dob"):
                w["dob"] = min(w["dob"], _log2(self.m["dob"][0], self.household["u_dob"]))
        return w

    def prior(self, people: int | None = None) -> float:
        n = max(people or self.people, 2)
        return math.log2(1 / (n - 1))

    @staticmethod
    def probability(match_weight: float) -> float:
        return 1 / (1 + 2 ** -match_weight) if match_weight > -60 else 0.0


def _log2(m: float, u: float) -> float:
    return math.log2(max(m, 1e-6) / max(u, 1e-9))


@dataclass(frozen=True)
class Typed:
    """What was typed, prepared for comparing with many held records."""

    given: cmp.Name | None
    family: cmp.Name | None
    date_of_birth: date | None
    nhs_number: str
    postcode: str  # as a key

    @classmethod
    def of(cls, given: str, family: str, date_of_birth: date | None, nhs_number: str = "", postcode: str = ""):
        return cls(cmp.Name.of(given, given=True), cmp.Name.of(family, given=False), date_of_birth,
                   nhs_number or "", (postcode or "").replace(" ", "").upper())


@dataclass
class Held:
    """A held record as the model compares it: every name it has been known by (kind, given, family)."""

    names: list[tuple[str, cmp.Name | None, cmp.Name | None]]
    date_of_birth: date | None
    nhs_number: str
    postcode: str
    former_postcodes: tuple[str, ...] = ()


@dataclass
class Scored:
    weight: float  # the match weight, prior included
    evidence: float  # the weights of the comparisons alone
    probability: float
    levels: dict[str, int | None]
    reasons: list[str]
    against: list[str]
    name_kind: str = "current"  # the kind of the held name the typed names agree with most

    @property
    def strength(self) -> str:
        if self.probability >= VERY_LIKELY:
            return "Very likely the same person"
        if self.probability >= LIKELY:
            return "Likely the same person"
        return "Possibly the same person"


def compare(typed: Typed, held: Held) -> tuple[int, dict[str, int | None]]:
    """Which of the held record's names the typed names agree with most, and each comparison's level (None where
    a value is missing on either side): what `score` weighs and what training counts."""
    index, (g, f, order) = cmp.best_name(typed.given, typed.family, ((hg, hf) for _, hg, hf in held.names))
    return index, {
        "given": g, "family": f, "order": order if (g is not None and f is not None) else None,
        "dob": cmp.dob_level(typed.date_of_birth, held.date_of_birth),
        "nhs": cmp.nhs_level(typed.nhs_number, held.nhs_number),
        "postcode": cmp.postcode_level(typed.postcode, held.postcode, held.former_postcodes),
    }


def weighed(model: Model, typed: Typed, held: Held) -> tuple[int, dict[str, int | None], dict[str, float]]:
    """`compare`'s name and levels, with the weight of each comparison at its level."""
    index, levels = compare(typed, held)
    _, held_given, held_family = held.names[index] if held.names else ("current", None, None)
    # An exact name weighs by how common the name is among the council's people.
    tf_values = {"given": held_given.key if held_given else "", "family": held_family.norm if held_family else ""}
    return index, levels, model.weights(levels, tf_values, _typed_values(typed, swapped=levels["order"] == 1))


def score(model: Model, typed: Typed, held: Held, *, people: int | None = None) -> Scored:
    """How the typed details compare with one held record: the levels, the weight and the reasons."""
    index, levels, weights = weighed(model, typed, held)
    kind = held.names[index][0] if held.names else "current"
    evidence = sum(weights.values())
    reasons, against = [], []
    for c, level in levels.items():
        if level is None:
            continue
        text = _REASONS[c][level]
        if text:
            reasons.append(text + (_NAME_KIND.get(kind, "") if c in ("given", "family") else ""))
        elif c in _AGAINST:
            against.append(_AGAINST[c])
    if levels["nhs"] == 0:
        reasons.insert(0, reasons.pop(reasons.index("same NHS number")))
    weight = evidence + model.prior(people)
    return Scored(round(weight, 2), round(evidence, 2), model.probability(weight), levels, reasons, against, kind)


def _typed_values(typed: Typed, *, swapped: bool) -> dict[str, str]:
    """The typed names as the model's name tables hold them, each against the held name it was compared with."""
    given, family = (typed.family, typed.given) if swapped else (typed.given, typed.family)
    return {"given": (given.key if not swapped else matching.given_key(given.first)) if given else "",
            "family": family.norm if family else ""}


_default: Model | None = None
_councils: dict[int, tuple[object, Model]] = {}


def default() -> Model:
    """The model shipped with Hearth, read once."""
    global _default
    if _default is None:
        _default = Model.from_dict(json.loads(DEFAULT_PATH.read_text()))
    return _default


def for_council(council_id: int) -> Model:
    """The council's own model if it has learned one, else the shipped one. One small query; the weights are read
    again only when the council's model has been learned again since."""
    trained_at = MatchModel.objects.filter(council_id=council_id).values_list("trained_at", flat=True).first()
    if trained_at is None:
        return default()
    cached = _councils.get(council_id)
    if cached is None or cached[0] != trained_at:
        parameters = MatchModel.objects.filter(council_id=council_id).values_list("parameters", flat=True).first()
        if parameters is None:
            return default()
        cached = _councils[council_id] = (trained_at, Model.from_dict(parameters))
    return cached[1]


def forget(council_id: int) -> None:
    _councils.pop(council_id, None)
