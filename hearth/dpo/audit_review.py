"""The data protection officer's audit review: who accessed a family, a person or a user's records and why, and the
audit chain check (the unusual-access reports are `hearth.dpo.unusual_access`). Scoped by `hearth.access.policy`
and audited.

The audit review pages read the audit log of any family or person of the council (never the record itself: a
family is named by its number). Each look is itself recorded in the audit log. Every function loads what it returns
in a fixed number of queries; the unusual-access reports aggregate in SQL.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Max,
    Min,
    Q,
)
from django.utils import timezone

from hearth.access import governance
from hearth.access.models import BreakGlass, Involvement
from hearth.accounts.models import Role, User
from hearth.audit import trail
from hearth.audit.models import (
    ACCESS_REVIEW,
    AuditAction,
    AuditChainHead,
    AuditEvent,
)
from hearth.core import personal_data
from hearth.core.errors import NotPermitted
from hearth.dpo.selectors import require_governance
from hearth.people.models import Family, FamilyMember

PAGE_SIZE = 50


# ---------------------------------------------------------------------------------------------------------
# Audit review: who accessed a family or a person, and why


VERBS = {
    AuditAction.VIEW: "looked at",
    AuditAction.SEARCH: "searched",
    AuditAction.CREATE: "created",
    AuditAction.UPDATE: "changed",
    AuditAction.DELETE: "deleted",
    AuditAction.EXPORT: "exported",
    AuditAction.DISCLOSE: "sent or handed over",
    AuditAction.DENIED: "was refused access to",
    AuditAction.LOGIN: "signed in",
    AuditAction.LOGIN_FAILED: "failed to sign in",
    AuditAction.LOGOUT: "signed out",
    AuditAction.ADMIN: "administered",
}

OBJECTS = {
    "people.family": "the family's record",
    "people.person": "a person's details",
    "sharing.register": "the information-sharing register",
    "sharing.transparency": "what the family is shown about sharing",
    "access.breakglass": "break-glass access",
    ACCESS_REVIEW: "who has accessed the record (as data protection officer)",
    "rights.rightsrequest": "a request to correct, erase or restrict",
    "breaches.incident": "the breach log",
    # The same, as the audit log named them before the models moved out of the dpo app (decision record 0010).
    "dpo.rightsrequest": "a request to correct, erase or restrict",
    "dpo.incident": "the breach log",
    "page": "a page",
    # Pages and work that are not a record of the register: named as a reader would, never by their label.
    "dpo": "the data protection pages",
    "dpo.unusual_access": "the unusual-access report",
    "breaches": "the breach log",
    "rights": "the requests to correct, erase or restrict",
    "rights.person_search": "people, for a request to correct, erase or restrict",
    "retention": "the retention and disposal pages",
    "subject_access.dashboard": "the subject access requests",
    "plans.due_work": "the reviews and actions due",
    "governance.auditchain": "the audit log, to check it has not been changed",
    "jobs.job": "a job in the background queue",
}


def describe_object(object_type: str) -> str:
    if object_type in OBJECTS:
        return OBJECTS[object_type]
    record = personal_data.record_for(object_type)
    if record is not None:
        return record.one
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return "a record" if not object_type else personal_data.with_article(
            object_type.rsplit(".", 1)[-1].replace("_", " "))
    return personal_data.with_article(str(model._meta.verbose_name))


def describe(event: AuditEvent) -> str:
    """'Looked at the family's record', 'Changed a person's details (date of birth)'."""
    verb = VERBS.get(event.action, event.get_action_display().lower())
    text = f"{verb} {describe_object(event.object_type)}"
    fields = event.detail.get("fields") if isinstance(event.detail, dict) else None
    if fields:
        text += " (" + ", ".join(str(f).replace("_", " ") for f in fields) + ")"
    return text[0].upper() + text[1:]


@dataclass
class DateRange:
    date_from: date | None = None
    date_to: date | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.date_from, time.min, tzinfo=tz) if self.date_from else None
        end = datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=tz) if self.date_to else None
        return start, end

    def apply(self, events):
        start, end = self.bounds()
        if start:
            events = events.filter(at__gte=start)
        if end:
            events = events.filter(at__lt=end)
        return events

    def detail(self) -> dict:
        return {k: str(v) for k, v in vars(self).items() if v}


@dataclass
class Accessor:
    """Someone who accessed the record in the period, how often, and the reasons the records give."""

    user: User | None
    count: int
    first: datetime
    last: datetime
    reasons: list[str] = field(default_factory=list)

    @property
    def unexplained(self) -> bool:
        return not self.reasons


ROLE_REASONS = {
    Role.DPO: "Data protection officer",
    Role.SYSADMIN: "System administrator (no access to case records)",
    Role.ANALYST: "Analyst (no access to case records)",
}


def _reasons(family_ids: list[int], users: list[User]) -> dict[int, list[str]]:
    """Why each user could see the families: their involvements (current or ended), break-glass uses, the locality
    they coordinate, the team members they manage, their role. Three queries, whatever the number of users."""
    reasons: dict[int, list[str]] = defaultdict(list)
    ids = [u.pk for u in users]
    for inv in (Involvement.objects.filter(family_id__in=family_ids, user_id__in=ids)
                .order_by("started_at", "pk")):
        text = f"{inv.get_relationship_display()} (family {inv.family_id}) from {inv.started_at:%-d %B %Y}"
        if inv.ended_at:
            text += f" to {inv.ended_at:%-d %B %Y}"
        reasons[inv.user_id].append(text)
    for use in BreakGlass.objects.filter(family_id__in=family_ids, user_id__in=ids).order_by("started_at", "pk"):
        reviewed = "reviewed" if use.reviewed_at else "not yet reviewed"
        reasons[use.user_id].append(f"Break-glass access to family {use.family_id} on "
                                    f"{timezone.localtime(use.started_at):%-d %B %Y at %H:%M} ({reviewed})")
    managed = (Involvement.objects.filter(family_id__in=family_ids, user__team__manager_id__in=ids)
               .values_list("user__team__manager_id", "user__full_name").distinct())
    for manager_id, member in managed:
        reasons[manager_id].append(f"Manages {member}, who works with the family")
    return reasons


def _family_localities(family_ids: list[int]) -> set[int]:
    return set(Family.objects.filter(pk__in=family_ids, locality__isnull=False).values_list("locality_id", flat=True))


def _accessors(events, family_ids: list[int]) -> list[Accessor]:
    rows = list(events.order_by().values("actor_id").annotate(n=Count("id"), first=Min("at"), last=Max("at")))
    actor_ids = [r["actor_id"] for r in rows if r["actor_id"]]
    users = {u.pk: u for u in User.objects.filter(pk__in=actor_ids).select_related("agency", "team")
             .prefetch_related("roles")}
    for u in users.values():
        u._role_cache = frozenset(r.role for r in u.roles.all())
    reasons = _reasons(family_ids, list(users.values())) if users else {}
    localities = _family_localities(family_ids) if users else set()
    out = []
    for r in rows:
        user = users.get(r["actor_id"])
        why = list(reasons.get(r["actor_id"], [])) if user else []
        if user is not None:
            if user.has_role(Role.COORDINATOR) and user.team_id and user.team.locality_id in localities:
                why.append("Early Help coordinator of the family's locality")
            why.extend(text for role, text in ROLE_REASONS.items() if user.has_role(role))
        out.append(Accessor(user=user, count=r["n"], first=r["first"], last=r["last"], reasons=why))
    return sorted(out, key=lambda a: (not a.unexplained, -a.count))


def _events():
    return AuditEvent.objects.select_related("actor__agency")


def access_log(user, *, family_id: int | None = None, person_id: int | None = None, user_id: int | None = None,
               dates: DateRange | None = None, page: str | int | None = 1) -> dict:
    """Who accessed a family (or a person, or what one user accessed), when, from where and why, filtered by date.
    A fixed number of queries: the subject, a page of events, their count, and the reasons."""
    require_governance(user)
    dates = dates or DateRange()
    council_id = user.agency.council_id
    subject: dict = {}
    family_ids: list[int] = []
    if family_id is not None:
        if not governance.governance_families(user).filter(pk=family_id).exists():
            raise NotPermitted(object_type="people.family", object_id=family_id)
        family_ids = [family_id]
        scope = Q(family_id=family_id)
        subject = {"kind": "family", "id": family_id}
    elif person_id is not None:
        if not governance.governance_people(user).filter(pk=person_id).exists():
            raise NotPermitted(object_type="people.person", object_id=person_id)
        family_ids = list(FamilyMember.objects.filter(person_id=person_id).values_list("family_id", flat=True))
        scope = Q(person_id=person_id) | Q(family_id__in=family_ids, person_id__isnull=True)
        subject = {"kind": "person", "id": person_id, "family_ids": family_ids}
    else:
        target = User.objects.filter(pk=user_id, agency__council_id=council_id).select_related("agency").first()
        if target is None:
            raise NotPermitted(object_type="accounts.user", object_id=user_id or "")
        scope = Q(actor_id=target.pk)
        subject = {"kind": "user", "id": target.pk, "user": target}
    events = dates.apply(_events().filter(scope))
    paginator = Paginator(events.order_by("-at", "-id"), PAGE_SIZE)
    page_obj = paginator.get_page(page)
    for event in page_obj.object_list:
        event.description = describe(event)
    accessors = _accessors(events, family_ids) if subject["kind"] != "user" else []
    trail.record(actor=user, action=AuditAction.VIEW, object_type=ACCESS_REVIEW,
                 object_id=subject["id"], family_id=family_id, person_id=person_id,
                 detail={"access_review": subject["kind"], **({"user": user_id} if user_id else {}), **dates.detail()})
    return {"subject": subject, "page": page_obj, "accessors": accessors, "dates": dates}


# ---------------------------------------------------------------------------------------------------------
# The audit chain


@dataclass
class ChainCheck:
    result: trail.VerifyResult
    broken: AuditEvent | None
    unsealed: int
    head_seq: int

    @property
    def ok(self) -> bool:
        return self.result.ok


def audit_chain_check(user) -> ChainCheck:
    """Walk the audit log's hash chain (`hearth.audit.trail.verify_chain`, as `audit_verify` does) and name the
    first row that does not match. Rows not yet sealed are counted, not checked: the sealer beside the web server
    (`hearth audit-seal --every 5`) seals them within seconds, and `audit_verify` seals them before it checks. The
    check itself is recorded."""
    require_governance(user)
    result = trail.verify_chain()
    broken = None
    if result.first_broken_id and result.first_broken_id > 0:
        broken = AuditEvent.objects.select_related("actor__agency").filter(pk=result.first_broken_id).first()
        if broken is not None:
            broken.description = describe(broken)
    head = AuditChainHead.objects.filter(pk=1).first()
    check = ChainCheck(result=result, broken=broken, unsealed=AuditEvent.objects.filter(seq__isnull=True).count(),
                       head_seq=head.last_seq if head else 0)
    trail.record(actor=user, action=AuditAction.ADMIN, object_type="governance.auditchain",
                 detail={"verified": result.checked, "first_broken_id": result.first_broken_id})
    return check
