"""A family's consent record loaded once (`load_record`): its consents, lawful bases and decisions, dated, with the
policy's coverage of every agency working with the family; what the consent selectors read from.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import BooleanField, DateField, DateTimeField, IntegerField, Prefetch, Value
from django.db.models.functions import Cast

from hearth.access import coverage, policy
from hearth.access.models import Involvement
from hearth.accounts.models import Agency
from hearth.cases.models import LevelChange
from hearth.consent.coverage import scopes_of
from hearth.consent.models import (
    Agreement,
    ConsentScope,
    LawfulBasis,
    NotSoughtDecision,
    ShareConsent,
)
from hearth.consent.services import PURPOSES
from hearth.core.models import ConsentModel
from hearth.people.models import Family, FamilyMember

NO_CONSENT = "No consent to share has been recorded"


def uk_date(d: date) -> str:
    return d.strftime("%-d %B %Y")


def uses_consent_model(council) -> bool:
    return council.consent_model == ConsentModel.CONSENT


def is_share_consent(consent: ShareConsent) -> bool:
    """A consent to share has at least one purpose; a record with none holds only a research opt-out."""
    return any(getattr(consent, p) for p in PURPOSES)


@dataclass(frozen=True)
class Dated:
    """A level of need decided, or a decision not to seek consent, as the prompts need it."""

    level: int | None
    decided_at: datetime


@dataclass
class ConsentState:
    """Everything known about a family's consent, loaded once."""

    family: Family
    consents: list[ShareConsent]
    members: list[FamilyMember]
    involvements: list[Involvement]
    agency_covered: dict[int, bool]
    user_covered: dict[int, bool]
    level_changes: list[Dated]  # oldest first
    not_sought: list  # NotSoughtDecision (the consent page) or Dated (the panel)
    agreements: list[Agreement] = field(default_factory=list)
    bases: list[LawfulBasis] = field(default_factory=list)
    facts: coverage.FamilyFacts | None = None

    @property
    def share_consents(self) -> list[ShareConsent]:
        return [c for c in self.consents if is_share_consent(c)]

    @property
    def active_share_consents(self) -> list[ShareConsent]:
        return [c for c in self.share_consents if c.is_active]

    @property
    def latest_active(self) -> ShareConsent | None:
        active = self.active_share_consents
        return max(active, key=lambda c: (c.given_on, c.recorded_at, c.pk)) if active else None


def _consents(family: Family) -> list[ShareConsent]:
    """The family's consents, newest first, each with its scopes: two queries, the second run even when there are
    no consents, so a page's query count does not depend on the record."""
    consents = list(ShareConsent.objects.filter(family=family)
                    .select_related("person", "given_by", "recorded_by", "own_decision_by")
                    .order_by("-given_on", "-pk"))
    scopes: dict[int, list[ConsentScope]] = {c.pk: [] for c in consents}
    for scope in ConsentScope.objects.filter(consent__family=family).select_related("agency").order_by("pk"):
        scopes[scope.consent_id].append(scope)
    for consent in consents:
        consent._prefetched_objects_cache = {"scopes": scopes[consent.pk]}  # consent.scopes.all() asks nothing
    return consents


def _dated_facts(family: Family) -> tuple[list[Dated], list[Dated], list[coverage.Basis]]:
    """(levels of need decided, oldest first; decisions not to seek consent; confirmed lawful bases) in one query:
    the facts the family page's consent prompts and coverage need beside the consents themselves."""
    # Typed NULLs, so that PostgreSQL can match the columns of the three parts.
    null_int, null_flag = Cast(Value(None), IntegerField()), Cast(Value(None), BooleanField())
    null_day, null_at = Cast(Value(None), DateField()), Cast(Value(None), DateTimeField())
    levels = LevelChange.objects.filter(episode__family=family).values_list(
        Value("level"), "pk", "level", null_flag, null_day, "decided_at", null_int)
    not_sought = NotSoughtDecision.objects.filter(family=family).values_list(
        Value("not_sought"), "pk", null_int, null_flag, null_day, "decided_at", null_int)
    bases = LawfulBasis.objects.filter(family=family, confirmed_by__isnull=False).values_list(
        Value("basis"), "pk", "agencies", "all_agencies", "ends_on", null_at, "person_id")
    rows = list(levels.order_by().union(not_sought.order_by(), bases.order_by(), all=True))
    dated = sorted((r for r in rows if r[0] != "basis"), key=lambda r: (r[5], r[1]))
    return ([Dated(r[2], r[5]) for r in dated if r[0] == "level"],
            [Dated(None, r[5]) for r in dated if r[0] == "not_sought"],
            coverage.bases_of((r[1], r[3], r[4], r[2], r[6], None) for r in rows if r[0] == "basis"))


def _coverage(family: Family, involvements: list[Involvement], facts: coverage.FamilyFacts
              ) -> tuple[dict[int, bool], dict[int, bool]]:
    """(covered by agency id, covered by user id for consent-gated practitioners): the policy's rule
    (`hearth.access.coverage`)."""
    agencies = {inv.user.agency_id: inv.user.agency for inv in involvements}
    by_agency = {pk: coverage.agency_coverage(facts, pk, a.kind).covered for pk, a in agencies.items()}
    by_user = {inv.user_id: by_agency[inv.user.agency_id] or family.created_by_id == inv.user_id
               for inv in involvements if inv.relationship in policy.CONSENT_GATED}
    return by_agency, by_user


def _in_page_order(involvements) -> list[Involvement]:
    return sorted(involvements, key=lambda inv: (inv.user.agency.name, inv.user.full_name, inv.pk))


def load_record(family: Family, *, members: list[FamilyMember] | None = None,
          involvements: list[Involvement] | None = None, full: bool = False) -> ConsentState:
    """The family's consent state. The family page passes the members and active involvements it has loaded;
    the family's council must be loaded with it."""
    consents = _consents(family)
    if members is None:
        members = list(FamilyMember.objects.filter(family=family).select_related("person")
                       .order_by("role", "person__date_of_birth", "person__pk"))
    if involvements is None:
        involvements = Involvement.objects.filter(family=family, ended_at__isnull=True).select_related("user__agency")
    involvements = _in_page_order(involvements)
    level_changes, not_sought, bases = _dated_facts(family)
    facts = coverage.FamilyFacts(
        public_task=family.council.consent_model == ConsentModel.PUBLIC_TASK,
        scopes=[scope for c in consents for scope in scopes_of(c, c.scopes.all())], bases=bases)
    agency_covered, user_covered = _coverage(family, involvements, facts)
    state = ConsentState(family=family, consents=consents, members=members, involvements=involvements,
                         agency_covered=agency_covered, user_covered=user_covered, level_changes=level_changes,
                         not_sought=not_sought, facts=facts)
    if full:
        state.not_sought = list(NotSoughtDecision.objects.filter(family=family).select_related("decided_by", "manager"))
        state.agreements = list(Agreement.objects.filter(family=family)
                                .select_related("given_by", "recorded_by", "own_decision_by"))
        state.bases = list(
            LawfulBasis.objects.filter(family=family)
            .select_related("person", "decided_by__agency", "confirmed_by")
            .prefetch_related(Prefetch("agencies", queryset=Agency.objects.order_by("name")))
        )
    return state
