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
    bases = list(LawfulBasis.objects.filter(family_id__in=family_ids, confirmed_by__isnull=False)
                 .values_list("pk", "family_id", "all_agencies", "ends_on"))
    named = defaultdict(set)
    through = LawfulBasis.agencies.through.objects.filter(lawfulbasis__family_id__in=family_ids,
                                                          lawfulbasis__confirmed_by__isnull=False)
    for basis_id, agency_id in through.values_list("lawfulbasis_id", "agency_id"):
        named[basis_id].add(agency_id)
    for pk, family_id, all_agencies, ends_on in bases:
        facts[family_id].bases.append(Basis(all_agencies, frozenset(named[pk]), ends_on))
    return facts


def is_agency_covered(family, agency) -> bool:
    return agency_coverage(load([family.pk])[family.pk], agency.pk, agency.kind).covered

