"""People search without the access policy: the candidates worth ranking for what was typed, ranked by the evidence,
best first. The caller narrows the people considered (the access policy for people search, the council for
find-before-create and subject access) and loads what it shows (`hearth.families.selectors`)."""

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    FloatField,
    Max,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from hearth.core import identifiers
from hearth.people import matching
from hearth.people.models import Address, Person, PersonName

# A family name or a given name on its own: at most this many people are ranked, the closest names first.
BROAD_ROUTE_LIMIT = 1_000
MAX_RESULTS = 50


@dataclass
class SearchQuery:
    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    nhs_number: str = ""
    postcode: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.given_name or self.family_name or self.date_of_birth or self.nhs_number or self.postcode)


# People search, in the database, in a fixed number of statements whatever the size of the council:
#
# 1. Candidates: the routes of `_candidates`, each an indexed lookup, combined by one UNION that the ranking
#    statement reads as a subquery (no list of ids travels to Python and back).
# 2. One statement keeps the council's candidates the caller may consider (for people search, the access policy row
#    by row: a member of a family the user may see), scores each coarsely from the evidence (`_coarse_score`: the
#    matching.coarse_* expressions), and returns the best RANK_LIMIT people, with their names (a second statement).
# 3. Python scores those few exactly, with the reasons (matching.NameScorer, matching.dob_reason), and keeps the best
#    MAX_RESULTS; their current addresses and families are loaded (two statements).

# The coarse score only orders candidates; the exact score of the best RANK_LIMIT of them decides the page.
RANK_LIMIT = 3 * MAX_RESULTS


def _letter_range(key: str) -> tuple[str, str]:
    """Keys starting with the same letter, as an index range."""
    return key[0], chr(ord(key[0]) + 1)


def _candidates(query: SearchQuery) -> QuerySet | None:
    """The ids of the people worth ranking (any council: the ranking statement keeps the caller's), as one UNION of
    indexed lookups; None when nothing was searched for that could find anyone.

    Names are narrowed by their phonetic codes (typos that sound alike, previous names, nicknames as their full form),
    and by one name exactly with the other starting with the same letter (a typo that changes how the other name
    sounds). A date of birth is tried as given and with day and month swapped. A family or given name on its own keeps
    the BROAD_ROUTE_LIMIT names that sound alike and are closest to it (same key first, then the nearest length).
    """
    gk, fk = matching.given_key(query.given_name), matching.family_key(query.family_name)
    gs, fs = matching.sound(gk), matching.sound(fk)
    dobs = matching.dob_variants(query.date_of_birth)
    people, names = Person.objects.order_by(), PersonName.objects.order_by()
    routes = []
    if query.nhs_number:
        routes.append(people.filter(nhs_number=query.nhs_number).values("pk"))
    if query.postcode:
        routes.append(Address.objects.order_by().filter(postcode_key=identifiers.postcode_key(query.postcode),
                                                        to_date__isnull=True).values("person_id"))
    if dobs:
        born = people.filter(date_of_birth__in=dobs)
        named = names.filter(person=OuterRef("pk"))
        if gk:  # a changed family name: the given name and date of birth
            routes.append(born.filter(Exists(named.filter(given_sound=gs))).values("pk"))
        if fk:
            routes.append(born.filter(Exists(named.filter(family_sound=fs))).values("pk"))
        if not (gk or fk):
            routes.append(born.values("pk"))
    if fk and gk:
        g_low, g_high = _letter_range(gk)
        f_low, f_high = _letter_range(fk)
        routes += [
            names.filter(family_sound=fs, given_sound=gs).values("person_id"),
            names.filter(family_key=fk, given_key__gte=g_low, given_key__lt=g_high).values("person_id"),
            names.filter(given_key=gk, family_key__gte=f_low, family_key__lt=f_high).values("person_id"),
        ]
    elif fk or gk:
        column = "family_sound" if fk else "given_sound"
        closest = matching.coarse_name_points(query.given_name, query.family_name)
        broad = names.filter(**{column: fs or gs}).order_by(closest.desc(), "pk")
        if connection.features.supports_slicing_ordering_in_compound:
            routes.append(broad.values("person_id")[:BROAD_ROUTE_LIMIT])
        else:  # SQLite allows no LIMIT in a part of a UNION: there the bounded names are a subquery
            routes.append(names.filter(pk__in=broad.values("pk")[:BROAD_ROUTE_LIMIT]).values("person_id"))
    if not routes:
        return None
    return routes[0].union(*routes[1:])


def _coarse_score(query: SearchQuery):
    """An expression over Person: about the score `_exact` will give, from the same evidence."""
    has_name = bool(query.given_name or query.family_name)
    score = matching.coarse_dob_points(query.date_of_birth)
    name = matching.coarse_name_points(query.given_name, query.family_name)
    if has_name and name is not None:
        best = (PersonName.objects.filter(person_id=OuterRef("pk")).order_by().values("person_id")
                .annotate(best=Max(name)).values("best"))
        score = score + Value(0.6) * Coalesce(Subquery(best, output_field=FloatField()), Value(0.0))
    if query.nhs_number:
        score = score + Case(When(nhs_number=query.nhs_number, then=Value(100.0)), default=Value(0.0))
    if query.postcode:
        score = score + Case(When(_at_postcode(query), then=Value(15.0)), default=Value(0.0))
    return ExpressionWrapper(score, output_field=FloatField())


def _at_postcode(query: SearchQuery) -> Exists:
    return Exists(Address.objects.filter(person_id=OuterRef("pk"), to_date__isnull=True,
                                         postcode_key=identifiers.postcode_key(query.postcode)))


@dataclass
class Ranked:
    """A person found by `rank_people`: their id, the exact score and the reasons, in plain English."""

    pk: int
    score: float
    reasons: list[str]
    family_name: str
    given_name: str


@dataclass
class _Candidate:
    """What the exact score reads of one of the best RANK_LIMIT candidates (plain values: no model instances)."""

    pk: int
    date_of_birth: date | None
    nhs_number: str
    family_name: str
    given_name: str
    at_postcode: bool
    names: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, given name, family name)


def rank_people(query: SearchQuery, people: QuerySet[Person]) -> list[Ranked]:
    """The best MAX_RESULTS matches for the query among `people` (the caller's scope, such as the council's people
    or those the user may see), best first. Two statements: the ranking (candidates, scope and coarse score in the
    database, RANK_LIMIT rows of plain values) and the names of those rows."""
    candidates = None if query.is_empty else _candidates(query)
    if candidates is None:
        return []
    rows = people.filter(pk__in=candidates).annotate(
        _coarse=_coarse_score(query),
        _at_postcode=_at_postcode(query) if query.postcode else Value(False, output_field=BooleanField()))
    found = {row[0]: _Candidate(*row) for row in (
        rows.order_by("-_coarse", "family_name", "given_name", "pk")
        .values_list("pk", "date_of_birth", "nhs_number", "family_name", "given_name", "_at_postcode")[:RANK_LIMIT])}
    if not found:
        return []
    for person_id, kind, given, family in (PersonName.objects.filter(person_id__in=list(found)).order_by("pk")
                                           .values_list("person_id", "kind", "given_name", "family_name")):
        found[person_id].names.append((kind, given, family))
    scorer = matching.NameScorer(query.given_name, query.family_name)
    matches = [m for m in (_exact(query, scorer, c) for c in found.values()) if m is not None]
    matches.sort(key=lambda m: (-m.score, m.family_name, m.given_name, m.pk))
    return matches[:MAX_RESULTS]


def _exact(query: SearchQuery, scorer: matching.NameScorer, candidate: _Candidate) -> Ranked | None:
    """The exact score of one candidate on every name they have been known by, with the reasons; None when the
    evidence is too weak to show."""
    name_score, reasons = 0.0, []
    for kind, given, family in candidate.names:
        s, r = scorer.score(given, family)
        if s > name_score:
            label = {"previous": " (a previous name)", "other": " (another name they use)"}.get(kind, "")
            name_score, reasons = s, [reason + label for reason in r]
    has_name = bool(query.given_name or query.family_name)
    score = name_score * 0.6 if has_name else 0.0
    dob_points, dob_why = matching.dob_reason(query.date_of_birth, candidate.date_of_birth)
    score += dob_points
    if dob_why:
        reasons.append(dob_why)
    if query.nhs_number and candidate.nhs_number == query.nhs_number:
        score += 100
        reasons.insert(0, "same NHS number")
    if candidate.at_postcode:
        score += 15
        reasons.append("same postcode")
    strong = (has_name and name_score >= 70) or "same NHS number" in reasons
    if strong or (not has_name and (dob_why or "same postcode" in reasons)):
        return Ranked(candidate.pk, round(score, 1), reasons, candidate.family_name, candidate.given_name)
    return None
