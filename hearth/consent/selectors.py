"""Every read of a family's consent record, scoped by the access policy.

The consent page keeps the kinds apart (agreement to Early Help, consent to share, lawful bases, decisions not
to seek consent) and shows which agencies working with the family are covered. Whether an agency is covered is
always the policy's answer (`hearth.access.coverage`), evaluated for every involved agency and practitioner
from one load of the family's consents and lawful bases. The family-page panel and the re-consent prompts
load in a fixed number of queries, however long the family's history.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from hearth.access import coverage, policy
from hearth.access.models import Involvement
from hearth.accounts.models import Agency, AgencyKind, Role, User
from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.consent.models import (
    Agreement,
    ConsentScope,
    LawfulBasis,
    ShareConsent,
)
from hearth.consent.prompts import reconsent_reasons
from hearth.consent.services import PURPOSES
from hearth.consent.state import ConsentState, load_record, uk_date, uses_consent_model
from hearth.core.dates import age_on
from hearth.core.errors import NotPermitted
from hearth.people.models import Family, FamilyMember, Person

PURPOSE_LABELS = {
    "for_assessment_planning": "Assessment and planning",
    "for_named_partners": "Sharing with the partners named",
    "for_council_storage": "Storage on the council's systems",
    "for_supporting_families": "The national {programme} programme",
}
# Involvements that reach only the practitioner's own part of the assessment, never the family's record.
PART_ONLY = getattr(policy, "PART_ONLY", frozenset())


def programme_name(council) -> str:
    return (council.consent_questions or {}).get("supporting_families_programme_name") or "Supporting Families"


def asks(council, question: str) -> bool:
    """Whether the council's profile asks this consent question (research_opt_out, supporting_families,
    storage_on_council_systems)."""
    return bool((council.consent_questions or {}).get(question))


def purpose_labels(consent: ShareConsent, council) -> list[str]:
    return [PURPOSE_LABELS[p].format(programme=programme_name(council)) for p in PURPOSES if getattr(consent, p)]


def _scope_name(scope: ConsentScope) -> str:
    return scope.agency.name if scope.agency_id else f"{AgencyKind(scope.agency_kind).label} (any)"


def scope_summary(consent: ShareConsent) -> tuple[list[str], list[str]]:
    """(who it covers, who it must not reach) in plain words, from prefetched scopes."""
    scopes = list(consent.scopes.all())
    return [_scope_name(s) for s in scopes if not s.excluded], [_scope_name(s) for s in scopes if s.excluded]




def reconsent_prompts(family: Family) -> list[str]:
    """Plain-English reasons to go back to the family about consent (councils that seek consent only): a new
    family member, a practitioner of an agency not covered in the team, a change of level, a review-by date
    passed; or that no consent to share has been recorded."""
    return reconsent_reasons(load_record(family))


# --- coverage person by person ----------------------------------------------------------------------------


@dataclass
class PersonCoverage:
    """What covers sharing one family member's information: their own active consents to share (never another
    person's), a confirmed lawful basis for the whole family or for them, or the council's public task; and which of
    the agencies working with the family that reaches (the rule's `cover_for`, for this person)."""

    person: Person
    role: str
    age: int | None
    consents: list[ShareConsent]
    covers: list[str]
    excluded: list[str]
    team_covered: list[str]
    team_not_covered: list[str]
    by_basis: bool
    public_task: bool

    @property
    def covered(self) -> bool:
        return bool(self.consents) or self.by_basis or self.public_task

    @property
    def given_on(self) -> date | None:
        return max((c.given_on for c in self.consents), default=None)

    @property
    def status(self) -> str:
        """One line in plain words: what covers this person, with whom, and who working with the family it does not
        reach yet."""
        if self.consents:
            text = f"Consent to share given on {uk_date(self.given_on)}, for {', '.join(self.covers) or 'no agency'}"
            if self.excluded:
                text += f" (not with {', '.join(self.excluded)})"
            text += "."
        elif self.public_task:
            text = "Consent to share is not needed: the council shares under its public task."
        elif self.by_basis:
            text = "No consent to share. A confirmed lawful basis covers sharing without consent."
        else:
            return "Not yet covered: no consent to share has been recorded."
        if self.team_not_covered:
            text += f" Not covered for {', '.join(self.team_not_covered)}."
        return text


def _family_order(members) -> list[FamilyMember]:
    """Adults first, then children, each oldest first (a date of birth not recorded last)."""
    return sorted(members, key=lambda m: (m.role == "child", m.person.date_of_birth or date.max, m.person.pk))


def _people_coverage(state: ConsentState) -> list[PersonCoverage]:
    """Each current member's coverage, from the state already loaded (no query)."""
    today = timezone.localdate()
    public_task = not uses_consent_model(state.family.council)
    agencies = {}
    for inv in state.involvements:
        if inv.relationship in policy.CONSENT_GATED:
            agencies.setdefault(inv.user.agency_id, inv.user.agency)
    result = []
    for member in _family_order(m for m in state.members if m.left_on is None):
        person = member.person
        mine = [c for c in state.active_share_consents if c.person_id == person.pk]
        covers: list[str] = []
        excluded: list[str] = []
        for consent in mine:
            included, left_out = scope_summary(consent)
            covers += [n for n in included if n not in covers]
            excluded += [n for n in left_out if n not in excluded]
        reached, not_reached = [], []
        for agency in sorted(agencies.values(), key=lambda a: a.name):
            cover = coverage.cover_for(state.facts, agency.pk, agency.kind, person_id=person.pk, today=today)
            (reached if cover else not_reached).append(agency.name)
        by_basis = any(b.person_id in (None, person.pk) and (b.ends_on is None or b.ends_on >= today)
                       for b in state.facts.bases)
        result.append(PersonCoverage(
            person=person, role=member.get_role_display(), age=age_on(person.date_of_birth, today), consents=mine,
            covers=covers, excluded=excluded, team_covered=reached, team_not_covered=not_reached,
            by_basis=by_basis, public_task=public_task))
    return result


# --- the family page panel ---------------------------------------------------------------------------------


def _summary(state: ConsentState, people: list[PersonCoverage]) -> str:
    """One line for the family: how many of its members are covered, never "covered" for the whole family when only
    some consented."""
    council = state.family.council
    if not uses_consent_model(council):
        return ("Consent to share: not needed to share with the partners delivering Early Help "
                f"({council.short_name} works under its public task); the family is told who is involved.")
    consented = [p for p in people if p.consents]
    if not consented:
        return "Consent to share: none in place for anyone in the family."
    if len(consented) == len(people):
        return f"Consent to share: in place for everyone in the family ({len(people)} of {len(people)})."
    waiting = [p.person.full_name for p in people if not p.consents]
    return (f"Consent to share: in place for {len(consented)} of {len(people)} people. "
            f"Not yet covered by their own consent: {', '.join(waiting)}.")


def family_panel(user, family: Family) -> dict:
    """The consent panel on the family page: prompts and a one-line summary. Three queries when `family` comes
    from `families.selectors.family_detail`, with its members and active involvements."""
    if not policy.can_view_family(user, family):
        raise NotPermitted(object_type="people.family", object_id=family.pk)
    loaded = getattr(family, "_prefetched_objects_cache", {})  # family_detail's members, when it loaded them
    state = load_record(family, members=list(family.members.all()) if "members" in loaded else None,
                  involvements=getattr(family, "active_involvements", None))
    not_covered = sorted({inv.user.agency.name for inv in state.involvements
                          if inv.relationship in policy.CONSENT_GATED
                          and not state.agency_covered.get(inv.user.agency_id, True)})
    people = _people_coverage(state)
    return {
        "prompts": reconsent_reasons(state),
        "summary": _summary(state, people),
        "people": people,
        "not_covered": not_covered,
        "consent_model": family.council.consent_model,
    }


# --- the consent page --------------------------------------------------------------------------------------


def _visible_family(user, family_id: int) -> Family:
    family = policy.families_visible_to(user).select_related("council", "locality").filter(pk=family_id).first()
    if family is None:
        raise NotPermitted(object_type="people.family", object_id=family_id)
    return family


@dataclass
class AgencyCoverage:
    agency: Agency
    covered: bool
    practitioners: list[dict]
    covered_for: list[str] = field(default_factory=list)  # whose information it may receive
    not_covered_for: list[str] = field(default_factory=list)


def family_consent(user, family_id: int) -> dict:
    """The family's consent record for the consent page, with coverage of the agencies involved."""
    family = _visible_family(user, family_id)
    state = load_record(family, full=True)
    agencies: dict[int, AgencyCoverage] = {}
    for inv in state.involvements:
        agency = inv.user.agency
        entry = agencies.setdefault(agency.pk, AgencyCoverage(agency, state.agency_covered[agency.pk], []))
        gated = inv.relationship in policy.CONSENT_GATED
        entry.practitioners.append({
            "user": inv.user, "relationship": inv.get_relationship_display(), "gated": gated,
            "can_see": state.user_covered.get(inv.user_id, False) if gated else True,
            "own_part_only": inv.relationship in PART_ONLY,
            "started_record": inv.user_id == family.created_by_id,
        })
    is_manager = user.has_role(Role.MANAGER)
    for basis in state.bases:
        basis.can_confirm = (is_manager and basis.confirmed_by_id is None and basis.decided_by_id != user.pk)
        basis.is_current = basis.ends_on is None or basis.ends_on >= timezone.localdate()
    today = timezone.localdate()
    for consent in state.consents:
        consent.purpose_list = purpose_labels(consent, family.council)
        consent.covers, consent.excluded = scope_summary(consent)
        consent.review_overdue = bool(consent.is_active and consent.review_by and consent.review_by < today)
    people = _people_coverage(state)
    for entry in agencies.values():
        name = entry.agency.name
        entry.covered_for = [p.person.full_name for p in people if name in p.team_covered or p.public_task]
        entry.not_covered_for = [p.person.full_name for p in people if name in p.team_not_covered]
    trail.record(actor=user, action=AuditAction.VIEW, obj=family, family_id=family.pk, detail={"page": "consent"})
    return {
        "people": people,
        "summary": _summary(state, people),
        "family": family,
        "council": family.council,
        "public_task": not uses_consent_model(family.council),
        "agreements": state.agreements,
        "share_consents": state.share_consents,
        "opt_outs": [c for c in state.consents if c.research_opt_out and c.is_active],
        "bases": state.bases,
        "not_sought": state.not_sought,
        "covered": [a for a in agencies.values() if a.covered],
        "not_covered": [a for a in agencies.values() if not a.covered],
        "agencies": list(agencies.values()),
        "prompts": reconsent_reasons(state),
        "is_manager": is_manager,
    }


def family_for_consent_form(user, family_id: int) -> Family:
    """A family the user may see, with its current members, for the consent forms (the services check what the
    user may record)."""
    family = _visible_family(user, family_id)
    family.current_members = list(FamilyMember.objects.filter(family=family, left_on__isnull=True)
                                  .select_related("person").order_by("role", "person__date_of_birth", "person__pk"))
    trail.record(actor=user, action=AuditAction.VIEW, obj=family, family_id=family.pk,
                 detail={"page": "consent form"})
    return family


@dataclass(frozen=True)
class Member:
    """A current family member as the consent forms offer them: their role and their age today."""

    person: Person
    role: str
    age: int | None

    @property
    def is_child(self) -> bool:
        return self.role == "child"

    @property
    def is_carer(self) -> bool:
        return self.role in ("parent_pr", "parent_no_pr")

    @property
    def described(self) -> str:
        role = MEMBER_ROLE_WORDS.get(self.role, self.role)
        return f"{role}, age {self.age}" if self.age is not None else f"{role}, date of birth not recorded"


MEMBER_ROLE_WORDS = {"parent_pr": "Parent or carer with parental responsibility",
                     "parent_no_pr": "Parent or carer without parental responsibility",
                     "child": "Child or young person", "other_adult": "Other adult in the household"}


def members_for_form(family: Family) -> list[Member]:
    """The family's current members (loaded by `family_for_consent_form`), each with their role and age today."""
    today = timezone.localdate()
    return [Member(m.person, m.role, age_on(m.person.date_of_birth, today))
            for m in _family_order(family.current_members)]


def team_agencies(family: Family) -> list[Agency]:
    """The agencies of the practitioners now working with the family (the Team Around the Family), by name."""
    rows = (Involvement.objects.filter(family=family, ended_at__isnull=True)
            .values_list("user__agency_id", flat=True).distinct())
    return list(Agency.objects.filter(pk__in=rows).order_by("name"))


def council_managers(council):
    """The council's active managers, whose advice a decision not to seek consent may be taken with."""
    return list(User.objects.filter(agency__council=council, is_active=True, roles__role=Role.MANAGER)
                .select_related("agency").distinct().order_by("full_name"))


def withdrawal_contact(council) -> str:
    """The council's mailbox for withdrawing consent (its profile's referral panel mailbox), or "" when it has none."""
    return council.contact("referral_panel_email")


def council_agencies(council) -> list[Agency]:
    return list(Agency.objects.filter(council=council, is_active=True).order_by("name"))


def agreement_for_action(user, family: Family, agreement_id: int) -> Agreement:
    agreement = Agreement.objects.select_related("given_by", "family").filter(family=family, pk=agreement_id).first()
    if agreement is None:
        raise NotPermitted(object_type="consent.agreement", object_id=agreement_id)
    return agreement


def share_consent_for_action(user, family: Family, consent_id: int) -> ShareConsent:
    consent = (ShareConsent.objects.select_related("person", "given_by", "family")
               .prefetch_related(Prefetch("scopes", queryset=ConsentScope.objects.select_related("agency")))
               .filter(family=family, pk=consent_id).first())
    if consent is None:
        raise NotPermitted(object_type="consent.shareconsent", object_id=consent_id)
    consent.covers, consent.excluded = scope_summary(consent)
    return consent


def basis_for_action(user, family: Family, basis_id: int) -> LawfulBasis:
    basis = LawfulBasis.objects.select_related("family").filter(family=family, pk=basis_id).first()
    if basis is None:
        raise NotPermitted(object_type="consent.lawfulbasis", object_id=basis_id)
    return basis
