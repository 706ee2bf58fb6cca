"""How two records of a person compare, field by field, as the levels the match model weighs.

Each comparison puts a pair of values at one level, from the strongest agreement to none ("other"); a value missing
on either side is no evidence (None). The same functions classify a typed search against a held record and two held
records against each other, so the weights learned from the council's records (`hearth.people.match_model`) are the
weights people search uses.

A name is compared as typed and with its two parts the other way round; the order whose levels agree more is kept
(by the levels alone, not the weights, so training and search choose alike).
"""

import functools
from dataclasses import dataclass
from datetime import date

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from hearth.people import matching

FAMILY_LEVELS = ("exact", "close", "part", "sounds", "similar", "other")
GIVEN_LEVELS = ("exact", "part", "short form", "close", "sounds", "similar", "other")
DOB_LEVELS = ("exact", "swapped", "one part", "other")
NHS_LEVELS = ("exact", "other")
POSTCODE_LEVELS = ("current", "former", "sector", "other")
ORDER_LEVELS = ("as typed", "swapped")

COMPARISONS = {
    "family": FAMILY_LEVELS,
    "given": GIVEN_LEVELS,
    "order": ORDER_LEVELS,
    "dob": DOB_LEVELS,
    "nhs": NHS_LEVELS,
    "postcode": POSTCODE_LEVELS,
}


@dataclass(frozen=True, slots=True)
class Name:
    """One name, prepared once for comparing with many: letters only, its first word, its words, the nickname key and
    its phonetic codes."""

    norm: str
    first: str
    words: frozenset
    key: str
    meta: str
    sound: str

    @classmethod
    def of(cls, text: str, *, given: bool) -> "Name | None":
        return _prepared(text or "", given)

    @classmethod
    def _make(cls, text: str, given: bool) -> "Name | None":
        norm = matching.normalise(text)
        if not norm:
            return None
        words = frozenset(w for w in (matching.normalise(p) for p in matching.name_words(text)) if len(w) >= 2)
        first = matching.normalise(matching.name_words(text)[0]) or norm
        key = matching.given_key(text) if given else norm
        return cls(norm, first, words, key, matching.metaphone(first if given else norm),
                   matching.sound(first if given else norm))


@functools.lru_cache(maxsize=100_000)
def _prepared(text: str, given: bool) -> Name | None:
    """Names repeat (a council has a few thousand common ones): each is prepared once per process."""
    return Name._make(text, given)


def _close(a: str, b: str) -> bool:
    return DamerauLevenshtein.distance(a, b, score_cutoff=1) <= 1 or JaroWinkler.similarity(a, b) >= 0.92


def family_level(query: Name | None, held: Name | None) -> int | None:
    if query is None or held is None:
        return None
    if query.norm == held.norm:
        return 0
    if _close(query.norm, held.norm):
        return 1
    if query.words & held.words:  # one part of a double-barrelled name, or the parts joined
        return 2
    if query.meta == held.meta or query.sound == held.sound:
        return 3
    if JaroWinkler.similarity(query.norm, held.norm) >= 0.8:
        return 4
    return 5


def given_level(query: Name | None, held: Name | None) -> int | None:
    if query is None or held is None:
        return None
    if query.norm == held.norm:  # Mary Jane, Mary-Jane and Maryjane alike
        return 0
    if query.first == held.first or query.words & held.words:  # Mary and Mary Jane
        return 1
    if query.key == held.key:
        return 2
    if _close(query.norm, held.norm) or _close(query.first, held.first):
        return 3
    if query.meta == held.meta or query.sound == held.sound:
        return 4
    if JaroWinkler.similarity(query.first, held.first) >= 0.8:
        return 5
    return 6


def dob_level(query: date | None, held: date | None) -> int | None:
    if query is None or held is None:
        return None
    if query == held:
        return 0
    if query.year == held.year and query.day == held.month and query.month == held.day:
        return 1
    same = (query.year == held.year) + (query.month == held.month) + (query.day == held.day)
    if same == 2 or DamerauLevenshtein.distance(query.strftime("%Y%m%d"), held.strftime("%Y%m%d")) <= 1:
        return 2
    return 3


def nhs_level(query: str, held: str) -> int | None:
    if not query or not held:
        return None
    return 0 if query == held else 1


def postcode_level(query: str, current: str, former: tuple[str, ...] = ()) -> int | None:
    """Postcodes as keys (no spaces, upper case). The sector is all but the last two characters."""
    if not query or not (current or former):
        return None
    if query == current:
        return 0
    if query in former:
        return 1
    if any(p and p[:-2] == query[:-2] for p in (current, *former)):
        return 2
    return 3


def names_level(qg: Name | None, qf: Name | None, hg: Name | None, hf: Name | None) -> tuple[int | None, ...]:
    """(given level, family level, order level): the typed names against one held name, as typed and swapped."""
    direct = (given_level(qg, hg), family_level(qf, hf), 0)
    if qg is None or qf is None:
        return direct
    swapped = (given_level(qf, hg), family_level(qg, hf), 1)
    return swapped if _rank(swapped) < _rank(direct) else direct


def _rank(levels: tuple[int | None, ...]) -> float:
    """How far from full agreement the names are, by level: the smaller the closer."""
    given, family = levels[0], levels[1]
    return (given / (len(GIVEN_LEVELS) - 1) if given is not None else 1) + \
        (family / (len(FAMILY_LEVELS) - 1) if family is not None else 1)


def best_name(qg: Name | None, qf: Name | None, names) -> tuple[int, tuple[int | None, ...]]:
    """The index of the held name (an iterable of (given Name, family Name)) the typed names agree with most, and
    the levels against it."""
    best, best_levels = 0, None
    for i, (hg, hf) in enumerate(names):
        levels = names_level(qg, qf, hg, hf)
        if best_levels is None or _rank(levels) < _rank(best_levels):
            best, best_levels = i, levels
    return best, best_levels or (None, None, 0)
