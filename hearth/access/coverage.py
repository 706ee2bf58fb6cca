"""Whether an agency may receive a family's information for delivering Early Help, and until when.

The one statement of the consent rule (decision record 0007). An agency is covered by a confirmed, unexpired
lawful basis naming it or all agencies; otherwise, unless an active consent excludes it or its kind, by an active
consent for assessment and planning or for the named partners whose scope names it or its kind, or by the
council's public-task model. A lawful basis overrides an exclusion ("not with the school" does not stop a
safeguarding share).

The rule is here, over facts; the facts are the consent app's records, which it loads for many families at once
(`hearth.consent.coverage.load_facts`, registered with `facts_source`), so the stored access decisions
(`hearth.access.grants`) can be recomputed for a whole council in batches, a page can ask about every agency
working with a family in one pass, and the information-sharing register can say which consent or basis covers a
share (`cover_for`).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from hearth.core.hooks import Hook


@dataclass(frozen=True)
class Scope:
    agency_id: int | None
    agency_kind: str
    excluded: bool
    for_sharing: bool  # the consent's purposes include assessment and planning or the named partners
    consent_id: int | None = None
    person_id: int | None = None  # whose consent it is
    given_on: date | None = None

    def names(self, agency_id: int, agency_kind: str) -> bool:
        return self.agency_id == agency_id if self.agency_id else self.agency_kind == agency_kind


@dataclass(frozen=True)
class Basis:
    all_agencies: bool
    agency_ids: frozenset[int]
    ends_on: date | None
    basis_id: int | None = None
    person_id: int | None = None  # None: the whole family's
    confirmed_at: datetime | None = None

    def covers(self, agency_id: int, today: date) -> bool:
        return (self.all_agencies or agency_id in self.agency_ids) and (self.ends_on is None or self.ends_on >= today)


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
    ends = [b.ends_on for b in facts.bases if b.covers(agency_id, today)]
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
    """Confirmed lawful bases from rows of (basis id, all agencies, ends on, an agency named or None[, person id,
    confirmed at]): one row per agency a basis names, as a join of the bases with their agencies gives them."""
    by_basis: dict[int, tuple] = {}
    for pk, all_agencies, ends_on, agency_id, *more in rows:
        entry = by_basis.setdefault(pk, (all_agencies, ends_on, set(), *(more or (None, None))))
        if agency_id is not None:
            entry[2].add(agency_id)
    return [Basis(all_agencies, frozenset(named), ends_on, pk, person_id, confirmed_at)
            for pk, (all_agencies, ends_on, named, person_id, confirmed_at) in by_basis.items()]


@dataclass(frozen=True)
class Cover:
    """Which record covers a share with an agency: a lawful basis, a consent, or the council's public task."""

    basis_id: int | None = None
    consent_id: int | None = None
    public_task: bool = False


def cover_for(facts: FamilyFacts, agency_id: int, agency_kind: str, *, person_id: int | None = None,
              today: date | None = None) -> Cover | None:
    """The same rule as `agency_coverage`, naming what covers: the latest confirmed lawful basis covering the agency
    (the family's, or this person's), else, unless a consent excludes the agency, the latest consent for sharing
    naming it (this person's, when the information is about one person), else the public task. None: nothing."""
    today = today or timezone.localdate()
    bases = [b for b in facts.bases if b.covers(agency_id, today) and b.person_id in (None, person_id)]
    if bases:
        latest = max(bases, key=lambda b: (b.confirmed_at.timestamp() if b.confirmed_at else 0, b.basis_id or 0))
        return Cover(basis_id=latest.basis_id)
    mine = [s for s in facts.scopes if s.names(agency_id, agency_kind)]
    if any(s.excluded for s in mine):
        return None
    consents = [s for s in mine if s.for_sharing and (person_id is None or s.person_id == person_id)]
    if consents:
        return Cover(consent_id=max(consents, key=lambda s: (s.given_on or date.min, s.consent_id or 0)).consent_id)
    return Cover(public_task=True) if facts.public_task else None


# The consent app loads the facts: `load_facts(family_ids) -> {family id: FamilyFacts}`, three queries however many.
facts_source = Hook("the facts of the consent rule", expects=("consent",))


def load(family_ids) -> dict[int, FamilyFacts]:
    (load_facts,) = facts_source.items()
    return load_facts(family_ids)


def is_agency_covered(family, agency) -> bool:
    return agency_coverage(load([family.pk])[family.pk], agency.pk, agency.kind).covered

