"""People search without the access policy: the candidates worth ranking for what was typed, ranked by the match
model (`hearth.people.match_model`), best first. The caller narrows the people considered (the access policy for
people search, the council for find-before-create and subject access) and loads what it shows
(`hearth.families.selectors`)."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, FloatField, QuerySet
from django.db.models.expressions import RawSQL

from hearth.core import identifiers
from hearth.people import comparisons as cmp
from hearth.people import match_model, search_sql
from hearth.people.models import Address, NameKind, Person, PersonName
from hearth.people.search_sql import SearchQuery

__all__ = ["MAX_RESULTS", "RANK_LIMIT", "Ranked", "SearchQuery", "rank_people"]

MAX_RESULTS = 50

# People search, in the database, in a fixed number of statements whatever the size of the council:
#
# 1. Candidates: the routes of `search_sql.candidates`, each an indexed lookup, combined by one UNION that the
#    ranking statement reads as a subquery (no list of ids travels to Python and back).
# 2. One statement keeps the council's candidates the caller may consider (for people search, the access policy row
#    by row: a member of a family the user may see), weighs each coarsely with the model on the indexed keys
#    (`search_sql.coarse_weight`), and returns the best RANK_LIMIT people; a second statement reads their names,
#    and a third their postcodes when a postcode was typed.
# 3. Python weighs those few exactly with the model (`match_model.score`), with the reasons, and keeps the best
#    MAX_RESULTS; their current addresses and families are loaded by the caller.

# The coarse weight only orders candidates; the exact weight of the best RANK_LIMIT of them decides the page.
RANK_LIMIT = 3 * MAX_RESULTS


@dataclass
class Ranked:
    """A person found by `rank_people`: their id, the match weight and probability, and the reasons for and
    against, in plain English."""

    pk: int
    score: float
    probability: float
    strength: str
    reasons: list[str]
    against: list[str]
    family_name: str
    given_name: str
    on_current_name: bool = True


@dataclass
class _Candidate:
    pk: int
    date_of_birth: date | None
    nhs_number: str
    family_name: str
    given_name: str
    names: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, given name, family name)
    postcode: str = ""
    former_postcodes: list[str] = field(default_factory=list)


def rank_people(query: SearchQuery, people: QuerySet[Person], model: match_model.Model | None = None) -> list[Ranked]:
    """The best MAX_RESULTS matches for the query among `people` (the caller's scope, such as the council's people
    or those the user may see), best first. Two statements, three with a postcode: the ranking (candidates, scope and
    coarse weight in the database, RANK_LIMIT rows of plain values), the names of those rows and their postcodes."""
    model = model or match_model.default()
    candidates = None if query.is_empty else search_sql.candidates(query, model)
    if candidates is None:
        return []
    weight, gap = search_sql.coarse_weight(query, model), search_sql.length_gap(query)
    # A record merged into another is found as the one it was merged into (its names went there too).
    rows = people.filter(pk__in=RawSQL(candidates.text, candidates.params),  # noqa: S611 (search_sql: parameters)
                         merged_into__isnull=True).annotate(
        _coarse=RawSQL(weight.text, weight.params, output_field=FloatField()),  # noqa: S611
        _gap=RawSQL(gap.text, gap.params, output_field=FloatField()))  # noqa: S611
    found = {row[0]: _Candidate(*row) for row in (
        rows.order_by(F("_coarse").desc(), "_gap", "family_name", "given_name", "pk")
        .values_list("pk", "date_of_birth", "nhs_number", "family_name", "given_name")[:RANK_LIMIT])}
    if not found:
        return []
    for person_id, kind, given, family in (PersonName.objects.filter(person_id__in=list(found)).order_by("pk")
                                           .values_list("person_id", "kind", "given_name", "family_name")):
        found[person_id].names.append((kind, given, family))
    if query.postcode:
        for person_id, key, ended in (Address.objects.filter(person_id__in=list(found)).order_by()
                                      .values_list("person_id", "postcode_key", "to_date")):
            if ended is None:
                found[person_id].postcode = key
            else:
                found[person_id].former_postcodes.append(key)
    typed = match_model.Typed.of(query.given_name, query.family_name, query.date_of_birth, query.nhs_number,
                                 identifiers.postcode_key(query.postcode) if query.postcode else "")
    matches = [m for m in (_exact(model, typed, c) for c in found.values()) if m is not None]
    # Of equal weights, a person whose current name agrees comes before one whose former name does: a name is typed
    # as the person is known now far more often.
    matches.sort(key=lambda m: (-m.score, not m.on_current_name, m.family_name, m.given_name, m.pk))
    return matches[:MAX_RESULTS]


def _exact(model: match_model.Model, typed: match_model.Typed, candidate: _Candidate) -> Ranked | None:
    """The model's weight of one candidate, with the reasons; None when the evidence is too weak to show."""
    held = match_model.Held(
        names=[(kind, cmp.Name.of(g, given=True), cmp.Name.of(f, given=False)) for kind, g, f in candidate.names],
        date_of_birth=candidate.date_of_birth, nhs_number=candidate.nhs_number or "",
        postcode=candidate.postcode, former_postcodes=tuple(candidate.former_postcodes))
    scored = match_model.score(model, typed, held)
    if scored.evidence < model.show_from or not scored.reasons:
        return None
    return Ranked(candidate.pk, scored.weight, scored.probability, scored.strength, scored.reasons, scored.against,
                  candidate.family_name, candidate.given_name, scored.name_kind == NameKind.CURRENT)
