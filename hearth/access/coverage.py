"""Whether an agency may receive a family's information for delivering Early Help, and until when.

The one statement of the consent rule (decision record 0007). An agency is covered by a confirmed, unexpired
lawful basis naming it or all agencies; otherwise, unless an active consent excludes it or its kind, by an active
consent for assessment and planning or for the named partners whose scope names it or its kind, or by the
council's public-task model. A lawful basis overrides an exclusion ("not with the school" does not stop a
safeguarding share).

The facts are loaded for many families at once (`load`), so the stored access decisions (`hearth.access.grants`)
can be recomputed for a whole council in batches, and a page can ask about every agency working with a family
in one pass.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from hearth.core.models import ConsentModel


@dataclass(frozen=True)
class Scope:
    agency_id: int | None
    agency_kind: str
    excluded: bool
    for_sharing: bool  # the consent's purposes include assessment and planning or the named partners

    def names(self, agency_id: int, agency_kind: str) -> bool:
        return self.agency_id == agency_id if self.agency_id else self.agency_kind == agency_kind


@dataclass(frozen=True)
class Basis:
    all_agencies: bool
    agency_ids: frozenset[int]
    ends_on: date | None


@dataclass
class FamilyFacts:
    """What decides coverage for one family: its active consent scopes, its confirmed lawful bases, and its
    council's consent model."""

    public_task: bool
    scopes: list[Scope] = field(default_factory=list)
    bases: list[Basis] = field(default_factory=list)


@dataclass(frozen=True)
class Coverage:
    covered: bool
    until: datetime | None = None  # when a covering lawful basis ends; None = no end


NOT_COVERED = Coverage(False)
COVERED = Coverage(True)


def end_of(day: date) -> datetime:
    """The moment a date-bounded basis stops covering: the start of the next day, local time."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def agency_coverage(facts: FamilyFacts, agency_id: int, agency_kind: str, *, today: date | None = None) -> Coverage:
    today = today or timezone.localdate()
    ends = [b.ends_on for b in facts.bases
            if (b.all_agencies or agency_id in b.agency_ids) and (b.ends_on is None or b.ends_on >= today)]
    if ends and None in ends:
        return COVERED
    mine = [s for s in facts.scopes if s.names(agency_id, agency_kind)]
    excluded = any(s.excluded for s in mine)
    consented = any(s.for_sharing and not s.excluded for s in mine)
    if (consented or facts.public_task) and not excluded:
        return COVERED
    if ends:
        return Coverage(True, end_of(max(ends)))
    return NOT_COVERED


def consent_scopes(consent, scopes) -> list[Scope]:
    """What one consent contributes to coverage: its scopes while it stands, nothing once withdrawn (as `load`
    reads them from the database)."""
    if not consent.is_active:
        return []
    sharing = consent.for_assessment_planning or consent.for_named_partners
    return [Scope(s.agency_id, s.agency_kind, s.excluded, sharing) for s in scopes]


def bases_of(rows) -> list[Basis]:
    """Confirmed lawful bases from rows of (basis id, all agencies, ends on, an agency named or None): one row per
    agency a basis names, as a join of the bases with their agencies gives them."""
    by_basis: dict[int, tuple[bool, date | None, set[int]]] = {}
    for pk, all_agencies, ends_on, agency_id in rows:
        entry = by_basis.setdefault(pk, (all_agencies, ends_on, set()))
        if agency_id is not None:
            entry[2].add(agency_id)
    return [Basis(all_agencies, frozenset(named), ends_on) for all_agencies, ends_on, named in by_basis.values()]


def load(family_ids) -> dict[int, FamilyFacts]:
    """The coverage facts of each family, in three queries however many families."""
    from hearth.consent.models import ConsentScope, LawfulBasis
    from hearth.people.models import Family

    family_ids = list(family_ids)
    facts = {
        pk: FamilyFacts(public_task=model == ConsentModel.PUBLIC_TASK)
        for pk, model in Family.objects.filter(pk__in=family_ids).values_list("pk", "council__consent_model")
    }
    scopes = ConsentScope.objects.filter(consent__family_id__in=family_ids, consent__withdrawn_on__isnull=True)
    for family_id, agency_id, kind, excluded, planning, partners in scopes.values_list(
            "consent__family_id", "agency_id", "agency_kind", "excluded", "consent__for_assessment_planning",
            "consent__for_named_partners"):
        facts[family_id].scopes.append(Scope(agency_id, kind, excluded, planning or partners))
    rows = defaultdict(list)
    for family_id, *row in (LawfulBasis.objects.filter(family_id__in=family_ids, confirmed_by__isnull=False)
                            .values_list("family_id", "pk", "all_agencies", "ends_on", "agencies")):
        rows[family_id].append(row)
    for family_id, basis_rows in rows.items():
        facts[family_id].bases = bases_of(basis_rows)
    return facts


def is_agency_covered(family, agency) -> bool:
    return agency_coverage(load([family.pk])[family.pk], agency.pk, agency.kind).covered

