"""Every read of a family's consent record, scoped by the access policy.

The consent page keeps the kinds apart (agreement to Early Help, consent to share, lawful bases, decisions not
to seek consent) and shows which agencies working with the family are covered. Whether an agency is covered is
always the policy's answer (`hearth.access.coverage`), evaluated for every involved agency and practitioner
from one load of the family's consents and lawful bases. The family-page panel and the re-consent prompts
load in a fixed number of queries, however long the family's history.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import BooleanField, DateField, DateTimeField, IntegerField, Prefetch, Value
from django.db.models.functions import Cast
from django.utils import timezone

from hearth.access import coverage, policy
from hearth.access.models import InvolvedAs, Involvement
from hearth.accounts.models import Agency, AgencyKind, Role, User
from hearth.audit import trail
from hearth.audit.models import AuditAction
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
from hearth.core.dates import age_on
from hearth.core.errors import NotPermitted
from hearth.core.models import ConsentModel
from hearth.people.models import Family, FamilyMember, Person

PURPOSE_LABELS = {
    "for_assessment_planning": "Assessment and planning",
    "for_named_partners": "Sharing with the partners named",
    "for_council_storage": "Storage on the council's systems",
    "for_supporting_families": "The national {programme} programme",
}
NO_CONSENT = "No consent to share has been recorded"
# Involvements that reach only the practitioner's own part of the assessment, never the family's record.
PART_ONLY = getattr(policy, "PART_ONLY", frozenset())


def _uk(d: date) -> str:
    return d.strftime("%-d %B %Y")


def uses_consent_model(council) -> bool:
    return council.consent_model == ConsentModel.CONSENT


def programme_name(council) -> str:
    return (council.consent_questions or {}).get("supporting_families_programme_name") or "Supporting Families"


def asks(council, question: str) -> bool:
    """Whether the council's profile asks this consent question (research_opt_out, supporting_families,
    storage_on_council_systems)."""
    return bool((council.consent_questions or {}).get(question))


def purpose_labels(consent: ShareConsent, council) -> list[str]:
    return [PURPOSE_LABELS[p].format(programme=programme_name(council)) for p in PURPOSES if getattr(consent, p)]


def is_share_consent(consent: ShareConsent) -> bool:
    """A consent to share has at least one purpose; a record with none holds only a research opt-out."""
    return any(getattr(consent, p) for p in PURPOSES)


def _scope_name(scope: ConsentScope) -> str:
    return scope.agency.name if scope.agency_id else f"{AgencyKind(scope.agency_kind).label} (any)"


def scope_summary(consent: ShareConsent) -> tuple[list[str], list[str]]:
    """(who it covers, who it must not reach) in plain words, from prefetched scopes."""
    scopes = list(consent.scopes.all())
    return [_scope_name(s) for s in scopes if not s.excluded], [_scope_name(s) for s in scopes if s.excluded]


# --- loading -----------------------------------------------------------------------------------------------


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


def _load(family: Family, *, members: list[FamilyMember] | None = None,
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


# --- re-consent prompts ------------------------------------------------------------------------------------


def _consent_moment(consent: ShareConsent) -> date:
    """The day after which a change is 'since consent': the later of the day it was given and the day it was
    recorded (people added to the record while the consent was being written up are not 'new')."""
    return max(consent.given_on, timezone.localdate(consent.recorded_at))


def _prompts(state: ConsentState) -> list[str]:
    council = state.family.council
    if not uses_consent_model(council):
        return []
    latest = state.latest_active
    if latest is None:
        last_decision = max((d.decided_at for d in state.not_sought), default=None)
        last_consent = max((c.recorded_at for c in state.share_consents), default=None)
        if last_decision and (last_consent is None or last_decision > last_consent):
            return []  # seeking consent would increase the risk; that decision is recorded
        withdrawn = [c.withdrawn_on for c in state.share_consents if c.withdrawn_on]
        if withdrawn:
            return [f"No consent to share is in place: it was withdrawn on {_uk(max(withdrawn))}"]
        return [NO_CONSENT]
    prompts: list[str] = []
    since = _consent_moment(latest)
    consented_people = {c.person_id for c in state.active_share_consents}
    for member in state.members:
        if (member.left_on is None and member.joined_on and member.joined_on > since
                and member.person_id not in consented_people):
            prompts.append(f"{member.person.full_name} joined the family on {_uk(member.joined_on)}, after consent "
                           f"to share was given on {_uk(latest.given_on)}. Ask whether the family's consent "
                           f"covers them.")
    reported: set[int] = set()
    for inv in state.involvements:
        agency = inv.user.agency
        if inv.relationship not in policy.CONSENT_GATED or state.agency_covered.get(agency.pk, True):
            continue
        if agency.pk in reported:
            continue
        reported.add(agency.pk)
        joined = ("is in the team around the family" if inv.relationship == InvolvedAs.TAF_MEMBER
                  else "has been invited to contribute to the assessment")
        prompts.append(f"{inv.user.full_name} of {agency.name} {joined}, but no consent or lawful basis covers "
                       f"{agency.name}. Ask the family whether they agree to share with {agency.name}, or record "
                       f"a lawful basis.")
    changed = _level_change_since(state.level_changes, latest)
    if changed:
        before, after, when = changed
        prompts.append(f"The level of need changed from {council.level_name(before)} to "
                       f"{council.level_name(after)} on {_uk(when)}, after consent to share was given on "
                       f"{_uk(latest.given_on)}. Check the family still agree to what is shared.")
    today = timezone.localdate()
    for consent in sorted(state.active_share_consents, key=lambda c: (c.review_by or today, c.pk)):
        if consent.review_by and consent.review_by < today:
            prompts.append(f"{consent.person.full_name}'s consent to share was due for review on "
                           f"{_uk(consent.review_by)}. Check it with the family and record it again.")
    return prompts


def _level_change_since(changes: list[Dated], consent: ShareConsent) -> tuple[int, int, date] | None:
    """The latest change, after the consent was recorded, to a level different from the one in force then."""
    baseline = None
    result = None
    for change in changes:  # oldest first
        if change.decided_at <= consent.recorded_at:
            baseline = change.level
            continue
        if baseline is not None and change.level != baseline:
            result = (baseline, change.level, timezone.localdate(change.decided_at))
        if baseline is None:
            baseline = change.level  # the first level set after consent is not a change
    return result


def reconsent_prompts(family: Family) -> list[str]:
    """Plain-English reasons to go back to the family about consent (councils that seek consent only): a new
    family member, a practitioner of an agency not covered in the team, a change of level, a review-by date
    passed; or that no consent to share has been recorded."""
    return _prompts(_load(family))


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
            text = f"Consent to share given on {_uk(self.given_on)}, for {', '.join(self.covers) or 'no agency'}"
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
    state = _load(family, members=list(family.members.all()) if "members" in loaded else None,
                  involvements=getattr(family, "active_involvements", None))
    not_covered = sorted({inv.user.agency.name for inv in state.involvements
                          if inv.relationship in policy.CONSENT_GATED
                          and not state.agency_covered.get(inv.user.agency_id, True)})
    people = _people_coverage(state)
    return {
        "prompts": _prompts(state),
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
    state = _load(family, full=True)
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
        "prompts": _prompts(state),
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
