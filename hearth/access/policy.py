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
from datetime import datetime

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from hearth.access import coverage, grants, routes
from hearth.access.held import Held, HeldGrants
from hearth.access.models import BreakGlass, Grant, InvolvedAs, Route
from hearth.accounts.models import Role
from hearth.core.errors import NotPermitted
from hearth.people.models import Family, Person


@dataclass(frozen=True)
class Rule:
    """One row of the policy table."""

    name: str
    description: str
    roles: frozenset[str] | None  # roles that may use this route to a family; None = any role


# The policy table. `hearth.access.grants` stores each row's decisions; tests are generated from it. No route gives
# more than what it derives from.
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
        "The manager of a practitioner involved with the family (their team's caseload), with exactly what that "
        "practitioner's own access gives: nothing through a team member whose agency no consent covers, and only "
        "the contribution of a team member invited to contribute a part.",
        frozenset({Role.MANAGER}),
    ),
    Rule(
        "break_glass",
        "A user with a safeguarding role who opened the family outside the policy, with a reason, for a "
        "limited time; reviewed by the data protection officer and the user's manager. It reads and never "
        "writes.",
        frozenset({Role.MASH_SCREENER, Role.SOCIAL_WORKER}),
    ),
)

# Involvements whose access also needs the user's agency covered by consent or a lawful basis.
CONSENT_GATED = frozenset({InvolvedAs.TAF_MEMBER, InvolvedAs.CONTRIBUTOR})

# Involvements that reach only the user's own part, never the family's record: an invited contributor
# sees and writes their own professional view (`can_write_contribution`), nothing else.
PART_ONLY = grants.PART_ONLY

# Roles that may open a family outside the policy (break-glass).
BREAK_GLASS_ROLES = grants.BREAK_GLASS_ROLES

# Roles that never see identifiable case records by virtue of the role alone.
NO_CASE_ACCESS_ROLES = frozenset({Role.SYSADMIN, Role.ANALYST})

# Roles that may see an address marked "must not be disclosed".
SAFE_ADDRESS_ROLES = frozenset({Role.MASH_SCREENER, Role.SOCIAL_WORKER, Role.DPO})


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _routes_held(user) -> list[str]:
    """The stored routes the user's roles let them use now (a role taken away stops its route at once)."""
    routes = [Route.INVOLVED, Route.CONTRIBUTOR]
    if user.has_role(Role.MANAGER):
        routes.append(Route.MANAGER)
    if user.has_role(*BREAK_GLASS_ROLES):
        routes.append(Route.BREAK_GLASS)
    return routes


def _live() -> Q:
    return Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())


def grants_of(user) -> QuerySet[Grant]:
    """The user's stored grants that are in force now."""
    return Grant.objects.filter(_live(), user_id=user.pk, route__in=_routes_held(user))


def _coordinated_locality(user) -> int | None:
    if user.has_role(Role.COORDINATOR) and user.team_id and user.team.locality_id:
        return user.team.locality_id
    return None


def family_filter(user, *, break_glass: bool = True) -> Q:
    """The policy as a Q over Family: the stored grants (one indexed join) and the coordinator's locality. An empty
    Q() is never returned: no user sees everything. `break_glass=False` leaves out read-only grants (break-glass),
    for changes."""
    if not _signed_in(user):
        return Q(pk__in=[])
    held = grants_of(user).filter(part_only=False)
    if not break_glass:
        held = held.filter(read_only=False)
    routes = Q(pk__in=held.values("family_id"))
    locality = _coordinated_locality(user)
    if locality:
        routes |= Q(locality_id=locality)
    return Q(council_id=user.agency.council_id) & routes


def families_visible_to(user) -> QuerySet[Family]:
    return Family.objects.filter(family_filter(user))


def visible_through(user, family_field: str) -> Q:
    """A Q for a model that points at a family (`family_field`, such as "family_id" or "episode__family_id"): the
    user may see that family. Checked row by row on the family's key and the grants index, so a short list (due
    work, invitations) never builds the whole set of families a coordinator may see."""
    return Q(Exists(Family.objects.filter(family_filter(user), pk=OuterRef(family_field))))


def people_visible_to(user) -> QuerySet[Person]:
    """People who belong to a family the user may see."""
    return Person.objects.filter(Exists(families_visible_to(user).filter(members__person=OuterRef("pk"))))


@dataclass(frozen=True)
class Decision:
    """What the user may do with one family now, and by which routes; asked once per request and family."""

    view: bool
    edit: bool
    part_only: bool  # reaches only their own (or their team member's) part of the assessment
    routes: frozenset[str]
    until: datetime | None  # when the earliest time-limited grant behind it ends

    def stale(self, now: datetime) -> bool:
        return self.until is not None and self.until <= now


NO_ACCESS = Decision(False, False, False, frozenset(), None)


def decision(user, family: Family) -> Decision:
    """The user's access to the family, from the stored grants and the family's locality: one query (none when the
    page loaded the family `with_decision`), then cached on the user object (one request) until grants change in
    this process or one of them expires."""
    if not _signed_in(user) or family is None or family.pk is None:
        return NO_ACCESS
    now = timezone.now()
    cache = _decisions(user)
    key = _key(family)
    held = cache.get(key)
    if held is not None and not held.stale(now):
        return held
    result = _decide(user, family, Held.from_rows(
        grants_of(user).filter(family_id=family.pk).values_list("route", "part_only", "read_only", "expires_at")))
    cache[key] = result
    return result


def _decisions(user) -> dict:
    cache = user.__dict__.get("_access_decisions")
    if cache is None or cache[0] != grants.generation():
        cache = (grants.generation(), {})
        user.__dict__["_access_decisions"] = cache
    return cache[1]


def _key(family: Family) -> tuple:
    return (family.pk, family.council_id, family.locality_id)  # the coordinator's route reads the locality


def _decide(user, family: Family, held: Held) -> Decision:
    if family.council_id != user.agency.council_id:
        return NO_ACCESS
    view, edit, routes = held.full, held.writable, set(held.routes)
    locality = _coordinated_locality(user)
    if locality and family.locality_id == locality:
        view = edit = True
        routes.add("locality_coordinator")
    return Decision(view, edit, held.any and not view, frozenset(routes), held.until)


def with_decision(queryset: QuerySet, user, family_field: str = "pk") -> QuerySet:
    """The queryset with what `decision` needs from the user's grants for the family at `family_field`, so a
    detail page loads its object and the user's access to it in one statement; then `remember_decision`."""
    held = {"user_id": user.pk, "routes": _routes_held(user), "now": timezone.now()}
    return queryset.annotate(_grant_codes=HeldGrants(family_field, what="codes", **held),
                             _grant_until=HeldGrants(family_field, what="until", **held))


def remember_decision(user, family: Family, row) -> Decision:
    """The decision for a family whose row was loaded `with_decision`, kept for the rest of the request."""
    if not _signed_in(user):
        return NO_ACCESS
    result = _decide(user, family, Held.from_codes(row._grant_codes, row._grant_until))
    _decisions(user)[_key(family)] = result
    return result


def is_agency_covered(family: Family, agency) -> bool:
    """Whether consent or a lawful basis covers the agency for this family now (`hearth.access.coverage`)."""
    return coverage.is_agency_covered(family, agency)


def is_covered(user, family: Family) -> bool:
    """Whether the user's agency is covered for this family, or the user started the record (and must be able to
    record the family's consent)."""
    return family.created_by_id == user.pk or is_agency_covered(family, user.agency)


def can_view_family(user, family: Family) -> bool:
    return decision(user, family).view


def can_view_person(user, person: Person) -> bool:
    return people_visible_to(user).filter(pk=person.pk).exists()


def can_edit_person(user, person: Person) -> bool:
    """Changing a person's details: a family they belong to that the user may change (not by break-glass)."""
    if not _signed_in(user):
        return False
    return Family.objects.filter(family_filter(user, break_glass=False), members__person=person).exists()


def require_edit_family(user, family: Family) -> None:
    """For a service or view that changes a family's record: refuses (NotPermitted, a 403 page) unless the user may."""
    if not can_edit_family(user, family):
        raise NotPermitted(object_type="people.family", object_id=family.pk)


def can_edit_family(user, family: Family) -> bool:
    """Editing the family record: the same relationships as seeing it, except break-glass access, which is
    for reading in an emergency."""
    return decision(user, family).edit


READ_ONLY_REFUSAL = ("Break-glass access lets you read this family's record in an emergency, not change it. Ask the "
                     "family's lead professional to make the change.")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def read_only_refusal(user, method: str, view_name: str, kwargs: dict) -> NotPermitted | None:
    """The one place that keeps read-only access read-only: a request that could change a family's record (any
    method but GET, HEAD and OPTIONS, to a FAMILY-scope URL) from a user who may see the family only through
    read-only access (break-glass) is refused before the view reads what was sent. Only users with a break-glass
    role can hold read-only grants, so nobody else pays for the check."""
    if method not in UNSAFE_METHODS or not _signed_in(user) or not user.has_role(*BREAK_GLASS_ROLES):
        return None
    if routes.ROUTES.get(view_name) != routes.FAMILY:
        return None
    for argument, model, path in routes.FAMILY_KEYS:
        if argument not in kwargs:
            continue
        if model is None:
            ids = [kwargs[argument]]
        else:
            lookup = "person_id" if argument == "person_id" else "pk"
            ids = list(apps.get_model(model).objects.filter(**{lookup: kwargs[argument]})
                       .values_list(path, flat=True))
        families = Family.objects.filter(pk__in=ids).only("pk", "council_id", "locality_id")
        if any(decision(user, f).view and not decision(user, f).edit for f in families):
            return NotPermitted(READ_ONLY_REFUSAL, object_type="people.family", object_id=ids[0] if ids else "")
        return None
    return None


def can_create_records(user) -> bool:
    return user.is_authenticated and not user.role_set <= NO_CASE_ACCESS_ROLES


def can_see_withheld_address(user) -> bool:
    return user.has_role(*SAFE_ADDRESS_ROLES)


def can_administer(user) -> bool:
    return user.is_authenticated and user.is_administrator


def can_manage_episode(user, episode) -> bool:
    """Changing an episode's status, level, lead or closing it: its lead professional, the locality's
    Early Help coordinator, or the manager of the lead professional, where they may change the family."""
    if not can_edit_family(user, episode.family):
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
    held = decision(user, family)
    if not held.edit:
        return False
    return Route.INVOLVED in held.routes or can_manage_episode(user, episode)


def contribution_filter(user) -> Q:
    """A Q over assessments.Contribution: every part of an assessment the user may see as part of the family's
    record, and the parts a part-only grant reaches: an invited contributor's own part (while their agency is
    covered), and that contribution for their manager."""
    if not _signed_in(user):
        return Q(pk__in=[])
    visible = visible_through(user, "assessment__family_id")
    part = grants_of(user).filter(part_only=True, family_id=OuterRef("assessment__family_id"),
                                  via_user_id=OuterRef("author_id"))
    return visible | Q(Exists(part))


def can_write_contribution(user, contribution) -> bool:
    """Only the practitioner asked for a view writes it, while they may reach it (asked of the contribution's own
    table, which `contribution_filter` describes)."""
    return (contribution.author_id == user.pk
            and type(contribution)._default_manager.filter(contribution_filter(user), pk=contribution.pk).exists())


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
