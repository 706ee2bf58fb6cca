"""THE access policy: who may see which family, and so which people and records.

Written once, as a table, and applied as a queryset filter so that detail pages, lists, search,
counts and exports all scope by the same function (`families_visible_to`). Every other module asks
here; none writes its own rule.

A user sees a family when one of the relationships below holds. For the partner agencies working with
the family (the team around the family and invited contributors), the relationship is not enough: their
agency must also be covered by an active consent to share, by a lawful basis confirmed by a manager, or by
the council's standing public-task basis where its profile says it delivers Early Help that way; and
not excluded by a consent ("not with the school") unless a lawful basis overrides it. Withdrawing consent
removes that access at once. The lead professional keeps access to close safely, the practitioner who
started the record keeps it to record consent, and MASH and social work hold it under their statutory
duties. The locality coordinator and managers oversee the council's own service under its public task.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from hearth.access.models import BreakGlass, Involvement, Relationship
from hearth.accounts.models import Role
from hearth.people.models import Family, Person


@dataclass(frozen=True)
class Rule:
    """One row of the policy table."""

    name: str
    description: str
    roles: frozenset[str] | None  # roles that may use this route to a family; None = any role


# The policy table. `families_visible_to` implements each row; tests are generated from it.
POLICY: tuple[Rule, ...] = (
    Rule(
        "involved",
        "Lead professional, Team Around the Family member, or MASH or social work holding a referral or "
        "step-down for the family (an active involvement). Team members need their agency covered by consent "
        "or a lawful basis. An invited contributor reaches only their own part of the assessment.",
        None,
    ),
    Rule(
        "locality_coordinator",
        "The Early Help coordinator of the family's locality.",
        frozenset({Role.COORDINATOR}),
    ),
    Rule(
        "manager_of_involved",
        "The manager of a practitioner involved with the family (their team's caseload).",
        frozenset({Role.MANAGER}),
    ),
    Rule(
        "break_glass",
        "A user with a safeguarding role who opened the family outside the policy, with a reason, for a "
        "limited time; reviewed by the data protection officer and the user's manager.",
        frozenset({Role.MASH_SCREENER, Role.SOCIAL_WORKER}),
    ),
)

# Involvements whose access also needs the user's agency covered by consent or a lawful basis.
CONSENT_GATED = frozenset({Relationship.TAF_MEMBER, Relationship.CONTRIBUTOR})

# Involvements that reach only the user's own part, never the family's record: an invited contributor
# sees and writes their own professional view (`can_write_contribution`), nothing else.
PART_ONLY = frozenset({Relationship.CONTRIBUTOR})

# Roles that may open a family outside the policy (break-glass).
BREAK_GLASS_ROLES = frozenset({Role.MASH_SCREENER, Role.SOCIAL_WORKER})

# Roles that never see identifiable case records by virtue of the role alone.
NO_CASE_ACCESS_ROLES = frozenset({Role.SYSADMIN, Role.ANALYST})

# Roles that may see an address marked "must not be disclosed".
SAFE_ADDRESS_ROLES = frozenset({Role.MASH_SCREENER, Role.SOCIAL_WORKER, Role.DPO})


def _active_involvement(**filters) -> QuerySet:
    return Involvement.objects.filter(ended_at__isnull=True, **filters)


def agency_coverage(agency) -> Q:
    """A Q over Family: the agency may receive the family's information for delivering Early Help, by an
    active consent to share (not excluded), a confirmed lawful basis, or the council's public-task model."""
    from hearth.consent.models import ConsentScope, LawfulBasis

    mine = Q(agency=agency) | Q(agency__isnull=True, agency_kind=agency.kind)
    active = Q(consent__family=OuterRef("pk"), consent__withdrawn_on__isnull=True)
    purpose = Q(consent__for_assessment_planning=True) | Q(consent__for_named_partners=True)
    consented = Exists(ConsentScope.objects.filter(active, purpose, mine, excluded=False))
    excluded = Exists(ConsentScope.objects.filter(active, mine, excluded=True))
    basis = Exists(
        LawfulBasis.objects.filter(family=OuterRef("pk"), confirmed_by__isnull=False)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=timezone.localdate()))
        .filter(Q(all_agencies=True) | Q(agencies=agency))
    )
    public_task = Q(council__consent_model="public_task")
    return Q(basis) | ((Q(consented) | public_task) & ~Q(excluded))


def coverage(user) -> Q:
    """A Q over Family: the user's agency is covered, or the user started the record (and must be able to
    record the family's consent)."""
    return agency_coverage(user.agency) | Q(created_by=user)


def is_agency_covered(family: Family, agency) -> bool:
    return Family.objects.filter(pk=family.pk).filter(agency_coverage(agency)).exists()


def is_covered(user, family: Family) -> bool:
    """Whether consent or a lawful basis covers the user's agency for this family (see `coverage`)."""
    return Family.objects.filter(pk=family.pk).filter(coverage(user)).exists()


def family_filter(user, *, break_glass: bool = True) -> Q:
    """The policy as a Q over Family. An empty Q() is never returned: no user sees everything.
    `break_glass=False` leaves out break-glass access, which lets a user read but not change the record."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    council_id = user.agency.council_id
    ungated = _active_involvement(family=OuterRef("pk"), user=user).exclude(
        relationship__in=CONSENT_GATED | PART_ONLY)
    gated = _active_involvement(family=OuterRef("pk"), user=user, relationship__in=CONSENT_GATED - PART_ONLY)
    routes = Q(Exists(ungated)) | (Q(Exists(gated)) & coverage(user))
    if break_glass and user.has_role(*BREAK_GLASS_ROLES):
        routes |= Q(Exists(BreakGlass.objects.filter(family=OuterRef("pk"), user=user,
                                                     expires_at__gt=timezone.now())))
    if user.has_role(Role.COORDINATOR) and user.team_id and user.team.locality_id:
        routes |= Q(locality_id=user.team.locality_id)
    if user.has_role(Role.MANAGER):
        routes |= Q(Exists(_active_involvement(family=OuterRef("pk"), user__team__manager=user)))
    return Q(council_id=council_id) & routes


def families_visible_to(user) -> QuerySet[Family]:
    return Family.objects.filter(family_filter(user))


def people_visible_to(user) -> QuerySet[Person]:
    """People who belong to a family the user may see."""
    return Person.objects.filter(Exists(families_visible_to(user).filter(members__person=OuterRef("pk"))))


def can_view_family(user, family: Family) -> bool:
    return families_visible_to(user).filter(pk=family.pk).exists()


def can_view_person(user, person: Person) -> bool:
    return people_visible_to(user).filter(pk=person.pk).exists()


def can_edit_family(user, family: Family) -> bool:
    """Editing the family record: the same relationships as seeing it, except break-glass access, which is
    for reading in an emergency."""
    return Family.objects.filter(family_filter(user, break_glass=False), pk=family.pk).exists()


def can_create_records(user) -> bool:
    return user.is_authenticated and not user.role_set <= NO_CASE_ACCESS_ROLES


def can_see_withheld_address(user) -> bool:
    return user.has_role(*SAFE_ADDRESS_ROLES)


def can_administer(user) -> bool:
    return user.is_authenticated and user.has_role(Role.SYSADMIN)


def can_manage_episode(user, episode) -> bool:
    """Changing an episode's status, level, lead or closing it: its lead professional, the locality's
    Early Help coordinator, or the manager of the lead professional, where they can see the family."""
    if not can_view_family(user, episode.family):
        return False
    if episode.lead_professional_id == user.pk:
        return True
    if user.has_role(Role.COORDINATOR) and user.team_id and user.team.locality_id == episode.family.locality_id:
        return True
    lead = episode.lead_professional
    return bool(user.has_role(Role.MANAGER) and lead and lead.team_id and lead.team.manager_id == user.pk)


def can_screen_referrals(user) -> bool:
    """MASH and the Early Help front door screen requests for support and step-up referrals."""
    return user.is_authenticated and user.has_role(Role.MASH_SCREENER, Role.COORDINATOR)


def can_step_down(user) -> bool:
    return user.is_authenticated and user.has_role(Role.SOCIAL_WORKER)


def can_screen_referral(user, referral) -> bool:
    """A request for support or a step-up referral: the MASH screeners and Early Help coordinators of the
    council it was made to (the front door's queue)."""
    return can_screen_referrals(user) and user.agency.council_id == referral.council_id


def can_have_step_up_bundle(user, referral) -> bool:
    """The step-up bundle goes to the people screening it, and to whoever manages the episode it came from
    (its lead professional, the locality coordinator, the lead's manager)."""
    if can_screen_referral(user, referral):
        return True
    return referral.episode_id is not None and can_manage_episode(user, referral.episode)


def can_write_assessment(user, family, episode) -> bool:
    """The assessment's shared sections, children's views and scores, completing it and new versions:
    someone who may edit the family and works with it other than only as an invited contributor
    (contributors write only their own part), or who manages the episode."""
    if not getattr(user, "is_authenticated", False) or not can_edit_family(user, family):
        return False
    involved = _active_involvement(family=family, user=user).exclude(relationship=Relationship.CONTRIBUTOR).exists()
    return involved or can_manage_episode(user, episode)


def contribution_filter(user) -> Q:
    """A Q over assessments.Contribution: every part of an assessment the user may see as part of the family's
    record, and, for an invited contributor whose agency is covered, their own part."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    visible = Q(assessment__family__in=families_visible_to(user))
    own = Q(author=user) & Q(Exists(_active_involvement(family=OuterRef("assessment__family"), user=user,
                                                         relationship=Relationship.CONTRIBUTOR)))
    covered = Q(assessment__family__in=Family.objects.filter(coverage(user)))
    return visible | (own & covered)


def can_write_contribution(user, contribution) -> bool:
    """Only the practitioner asked for a view writes it, while they may reach it."""
    from hearth.assessments.models import Contribution

    return (contribution.author_id == user.pk
            and Contribution.objects.filter(contribution_filter(user), pk=contribution.pk).exists())


# Break-glass: opening a family outside the policy in an emergency, and who oversees those uses.


def can_break_glass(user, family: Family | None = None) -> bool:
    """May open a family outside the policy in an emergency: a user with a BREAK_GLASS_ROLES role, and only
    for a family of their own council."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.has_role(*BREAK_GLASS_ROLES):
        return False
    return family is None or family.council_id == user.agency.council_id


def active_break_glass(user, family: Family) -> BreakGlass | None:
    """The user's own unexpired break-glass access to the family, if any."""
    return BreakGlass.objects.filter(family=family, user=user, expires_at__gt=timezone.now()).first()


def can_oversee_break_glass(user) -> bool:
    """The data protection officer (every use in the council) and managers (their team members' uses)."""
    return getattr(user, "is_authenticated", False) and user.is_active and user.has_role(Role.DPO, Role.MANAGER)


def break_glass_overseen_by(user) -> Q:
    """A Q over BreakGlass: the uses the user oversees. The council's data protection officer sees every use
    in the council; a manager sees the uses of the members of the teams they manage."""
    if not can_oversee_break_glass(user):
        return Q(pk__in=[])
    council = Q(family__council_id=user.agency.council_id)
    if user.has_role(Role.DPO):
        return council
    return council & Q(user__team__manager=user)


def can_review_break_glass(user, break_glass: BreakGlass) -> bool:
    """Reviewing a use: someone who oversees it (see `break_glass_overseen_by`), never the user who opened it."""
    if break_glass.user_id == getattr(user, "pk", None) or not can_oversee_break_glass(user):
        return False
    return BreakGlass.objects.filter(break_glass_overseen_by(user), pk=break_glass.pk).exists()


# Information governance (hearth.subject_access, hearth.dpo, hearth.retention): the data protection officer's work
# crosses the family policy by design. The DPO of a council may find any person of the council to log a subject
# access request or a request to correct, erase or restrict, compile everything held about a person for a subject
# access release, correct or erase a person's details when such a request is accepted, and read the audit log (not
# the record) of any family or person of the council. Those apps audit every such look. Managers may see the
# unusual-access report for the members of their own teams.


def can_do_governance(user, council=None) -> bool:
    """Subject access requests, the breach log, rights requests and audit review of a council: its data protection
    officer. `council` (a Council or its id) defaults to the user's own."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.has_role(Role.DPO):
        return False
    return council is None or getattr(council, "pk", council) == user.agency.council_id


def governance_people(user) -> QuerySet[Person]:
    """People the user may find as the subject of a subject access request or of a rectification, erasure or
    restriction request, or whose access log they may read: every person of the council, for its data protection
    officer; no one for anyone else."""
    if not can_do_governance(user):
        return Person.objects.none()
    return Person.objects.filter(council_id=user.agency.council_id)


def governance_families(user) -> QuerySet[Family]:
    """Families whose access log (not their record) the user may read: every family of the council, for its data
    protection officer; none for anyone else."""
    if not can_do_governance(user):
        return Family.objects.none()
    return Family.objects.filter(council_id=user.agency.council_id)


def can_rectify_person(user, person: Person) -> bool:
    """Correcting or erasing a person's details after an accepted request for rectification or erasure: the data
    protection officer of the person's council, whether or not the family policy lets them see the family."""
    return can_do_governance(user, person.council_id)


def can_review_unusual_access(user) -> bool:
    """The unusual-access report: the data protection officer (everyone in the council) and managers (their teams)."""
    return getattr(user, "is_authenticated", False) and user.is_active and user.has_role(Role.DPO, Role.MANAGER)


def access_reviewed_users(user) -> Q:
    """A Q over accounts.User: whose access the user reviews in the unusual-access report. The data protection
    officer: every user of the council; a manager: the members of the teams they manage; anyone else: no one."""
    if not can_review_unusual_access(user):
        return Q(pk__in=[])
    council = Q(agency__council_id=user.agency.council_id)
    if user.has_role(Role.DPO):
        return council
    return council & Q(team__manager=user)


# Retention and disposal (hearth.retention): the council's retention rules, legal holds, and disposal runs. A
# disposal is prepared by one data protection officer and approved by another (the retention services refuse an
# approval by the preparer); the retention pages show counts only, never a family's record.


def can_manage_retention(user, council=None) -> bool:
    """Retention rules, legal holds and disposal runs of a council: its data protection officer. `council` (a
    Council or its id) defaults to the user's own."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.has_role(Role.DPO):
        return False
    return council is None or getattr(council, "pk", council) == user.agency.council_id
