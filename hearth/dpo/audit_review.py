"""The data protection officer's audit review: who accessed a family, a person or a user's records and why, the
unusual-access reports, and the audit chain check. Scoped by `hearth.access.policy` and audited.

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
    CharField,
    Count,
    DateTimeField,
    ExpressionWrapper,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, Lower
from django.utils import timezone

from hearth.access import policy
from hearth.access.models import BreakGlass, Involvement
from hearth.accounts.models import Role, User
from hearth.core.errors import NotPermitted
from hearth.dpo.selectors import require_governance
from hearth.governance import audit
from hearth.governance.models import AuditAction, AuditChainHead, AuditEvent
from hearth.people.models import Family, FamilyMember

# The object type of the DPO's own look at an access log: left out of the "many records" report, where a DPO
# reviewing logs would otherwise show up as someone opening many records.
ACCESS_REVIEW = "dpo.access_review"
PAGE_SIZE = 50
REPORT_ROW_LIMIT = 2000
DEFAULT_RECORDS, DEFAULT_MINUTES, DEFAULT_DAYS = 20, 10, 7
MAX_REPORT_DAYS = 92


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
    "dpo.rightsrequest": "a request to correct, erase or restrict",
    "dpo.incident": "the breach log",
    "page": "a page",
}


def describe_object(object_type: str) -> str:
    if object_type in OBJECTS:
        return OBJECTS[object_type]
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return object_type.replace("_", " ").replace(".", ": ") or "a record"
    return f"a {model._meta.verbose_name}"


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
        if not policy.governance_families(user).filter(pk=family_id).exists():
            raise NotPermitted(object_type="people.family", object_id=family_id)
        family_ids = [family_id]
        scope = Q(family_id=family_id)
        subject = {"kind": "family", "id": family_id}
    elif person_id is not None:
        if not policy.governance_people(user).filter(pk=person_id).exists():
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
    audit.record(actor=user, action=AuditAction.VIEW, object_type=ACCESS_REVIEW,
                 object_id=subject["id"], family_id=family_id, person_id=person_id,
                 detail={"access_review": subject["kind"], **({"user": user_id} if user_id else {}), **dates.detail()})
    return {"subject": subject, "page": page_obj, "accessors": accessors, "dates": dates}


# ---------------------------------------------------------------------------------------------------------
# Unusual access reports


@dataclass
class UnusualParams:
    records: int = DEFAULT_RECORDS
    minutes: int = DEFAULT_MINUTES
    date_from: date | None = None
    date_to: date | None = None

    def period(self) -> tuple[datetime, datetime]:
        today = timezone.localdate()
        date_to = self.date_to or today
        date_from = self.date_from or (date_to - timedelta(days=DEFAULT_DAYS - 1))
        return DateRange(date_from, date_to).bounds()


@dataclass
class Burst:
    user: User
    started: datetime
    ended: datetime
    peak: int


@dataclass
class RecordRow:
    user: User
    family_id: int | None
    person_id: int | None
    count: int
    first: datetime
    last: datetime
    whose: list[str] = field(default_factory=list)
    involved: bool = False
    own: bool = False


def _record_views(user, start: datetime, end: datetime):
    """Views of family and person records by the users the reviewer oversees, in the period."""
    return (AuditEvent.objects.filter(action=AuditAction.VIEW, at__gte=start, at__lt=end)
            .filter(Q(family_id__isnull=False) | Q(person_id__isnull=False))
            .filter(actor__in=User.objects.filter(policy.access_reviewed_users(user)))
            .exclude(object_type=ACCESS_REVIEW))


def _record_key():
    """One key per record: the family, or the person where the view was of a person alone."""
    return Coalesce(
        Concat(Value("f"), Cast("family_id", CharField())),
        Concat(Value("p"), Cast("person_id", CharField())),
        output_field=CharField(),
    )


def many_records(user, params: UnusualParams) -> tuple[list[Burst], bool]:
    """Users who looked at more than `records` different family (or person) records within `minutes` minutes.
    For every view, the database counts the distinct records the same user viewed in the window starting then; the
    views that start an unusual window are merged into bursts here. Two queries."""
    start, end = params.period()
    window = timedelta(minutes=params.minutes)
    views = _record_views(user, start, end)
    in_window = (
        AuditEvent.objects.filter(action=AuditAction.VIEW, actor_id=OuterRef("actor_id"), at__gte=OuterRef("at"),
                                  at__lt=ExpressionWrapper(OuterRef("at") + window, output_field=DateTimeField()))
        .filter(Q(family_id__isnull=False) | Q(person_id__isnull=False))
        .exclude(object_type=ACCESS_REVIEW)
        .order_by().values("actor_id").annotate(n=Count(_record_key(), distinct=True)).values("n")[:1]
    )
    starts = list(views.order_by().annotate(records=Subquery(in_window))
                  .filter(records__gt=params.records)
                  .values_list("actor_id", "at", "records").order_by("actor_id", "at")[:REPORT_ROW_LIMIT + 1])
    truncated = len(starts) > REPORT_ROW_LIMIT
    starts = starts[:REPORT_ROW_LIMIT]
    users = User.objects.select_related("agency").in_bulk({a for a, _, _ in starts})
    bursts: list[Burst] = []
    for actor_id, at, records in starts:
        last = bursts[-1] if bursts else None
        if last and last.user.pk == actor_id and at <= last.ended:
            last.ended = max(last.ended, at + window)
            last.peak = max(last.peak, records)
        else:
            bursts.append(Burst(user=users[actor_id], started=at, ended=at + window, peak=records))
    return sorted(bursts, key=lambda b: -b.peak), truncated


def _name_parts(full_name: str) -> tuple[str, str]:
    parts = full_name.lower().split()
    return (parts[0], parts[-1]) if len(parts) >= 2 else ("", "")


def _grouped(events) -> list[dict]:
    return list(events.order_by().values("actor_id", "family_id", "person_id")
                .annotate(n=Count("id"), first=Min("at"), last=Max("at"))
                .order_by("-last")[:REPORT_ROW_LIMIT])


def _involved_pairs(rows: list[dict]) -> set[tuple[int, int]]:
    family_ids = {r["family_id"] for r in rows if r["family_id"]}
    actor_ids = {r["actor_id"] for r in rows}
    if not family_ids:
        return set()
    return set(Involvement.objects.filter(family_id__in=family_ids, user_id__in=actor_ids)
               .values_list("user_id", "family_id"))


def colleagues_records(user, params: UnusualParams) -> list[RecordRow]:
    """Views of a family or person record in which someone has the name (given and family name) or email address of
    a user of the council: a colleague's record, or the user's own. Four queries."""
    start, end = params.period()
    council_id = user.agency.council_id
    staff = list(User.objects.filter(agency__council_id=council_id).values_list("pk", "full_name", "email"))
    by_name: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    by_email: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, full_name, email in staff:
        given, family = _name_parts(full_name)
        if family:
            by_name[(given, family)].append((pk, full_name))
        if email:
            by_email[email.lower()].append((pk, full_name))
    if not staff:
        return []
    givens = {g for g, _ in by_name}
    families = {f for _, f in by_name}
    members = (FamilyMember.objects.filter(person__council_id=council_id)
               .annotate(g=Lower("person__given_name"), f=Lower("person__family_name"), e=Lower("person__email"))
               .filter(Q(g__in=givens, f__in=families) | Q(e__in=list(by_email)))
               .values_list("family_id", "person_id", "g", "f", "e"))
    matched_family: dict[int, set[tuple[int, str]]] = defaultdict(set)
    matched_person: dict[int, set[tuple[int, str]]] = defaultdict(set)
    for family_id, person_id, g, f, e in members:
        hits = set(by_name.get((g, f), [])) | set(by_email.get(e or "", []))
        matched_family[family_id] |= hits
        matched_person[person_id] |= hits
    if not matched_family:
        return []
    views = _record_views(user, start, end).filter(Q(family_id__in=list(matched_family))
                                                   | Q(family_id__isnull=True, person_id__in=list(matched_person)))
    rows = _grouped(views)
    users = User.objects.select_related("agency").in_bulk({r["actor_id"] for r in rows})
    involved = _involved_pairs(rows)
    out = []
    for r in rows:
        hits = matched_family.get(r["family_id"], set()) if r["family_id"] else matched_person.get(r["person_id"],
                                                                                                 set())
        own = any(pk == r["actor_id"] for pk, _ in hits)
        whose = sorted({name if pk != r["actor_id"] else f"{name} (their own)" for pk, name in hits})
        out.append(RecordRow(user=users[r["actor_id"]], family_id=r["family_id"], person_id=r["person_id"],
                             count=r["n"], first=r["first"], last=r["last"], whose=whose, own=own,
                             involved=(r["actor_id"], r["family_id"]) in involved))
    return out


def shared_surname_records(user, params: UnusualParams) -> list[RecordRow]:
    """Views of a family or person record in which someone has (or had) the viewer's own family name. Four queries:
    the names are matched in the database; only the rows found are checked here."""
    start, end = params.period()
    council_id = user.agency.council_id
    reviewed = list(User.objects.filter(policy.access_reviewed_users(user)).values_list("pk", "full_name"))
    surname_of = {pk: _name_parts(name)[1] for pk, name in reviewed if _name_parts(name)[1]}
    if not surname_of:
        return []
    surnames = set(surname_of.values())
    members = (FamilyMember.objects.filter(person__council_id=council_id)
               .annotate(f=Lower("person__names__family_name")).filter(f__in=surnames))
    views = _record_views(user, start, end).filter(actor_id__in=list(surname_of)).filter(
        Q(family_id__in=members.values("family_id"))
        | Q(family_id__isnull=True, person_id__in=members.values("person_id")))
    rows = _grouped(views)
    if not rows:
        return []
    family_ids = {r["family_id"] for r in rows if r["family_id"]}
    person_ids = {r["person_id"] for r in rows if not r["family_id"]}
    names_in_family: dict[int, set[str]] = defaultdict(set)
    names_of_person: dict[int, set[str]] = defaultdict(set)
    for family_id, person_id, f in (members.filter(Q(family_id__in=family_ids) | Q(person_id__in=person_ids))
                                    .values_list("family_id", "person_id", "f")):
        names_in_family[family_id].add(f)
        names_of_person[person_id].add(f)
    users = User.objects.select_related("agency").in_bulk({r["actor_id"] for r in rows})
    involved = _involved_pairs(rows)
    out = []
    for r in rows:
        surname = surname_of[r["actor_id"]]
        names = names_in_family[r["family_id"]] if r["family_id"] else names_of_person[r["person_id"]]
        if surname not in names:
            continue
        out.append(RecordRow(user=users[r["actor_id"]], family_id=r["family_id"], person_id=r["person_id"],
                             count=r["n"], first=r["first"], last=r["last"], whose=[surname.title()],
                             involved=(r["actor_id"], r["family_id"]) in involved))
    return out


def break_glass_uses(user, params: UnusualParams) -> list[BreakGlass]:
    start, end = params.period()
    return list(BreakGlass.objects.filter(policy.break_glass_overseen_by(user), started_at__gte=start,
                                          started_at__lt=end)
                .select_related("user__agency", "reviewed_by").order_by("-started_at", "-pk")[:REPORT_ROW_LIMIT])


def unusual_access(user, params: UnusualParams) -> dict:
    """The four unusual-access reports for the council (the DPO) or the reviewer's teams (a manager)."""
    if not policy.can_review_unusual_access(user):
        raise NotPermitted("Only the data protection officer and managers can see this report.",
                           object_type="dpo.unusual_access")
    bursts, truncated = many_records(user, params)
    report = {
        "bursts": bursts, "bursts_truncated": truncated,
        "colleagues": colleagues_records(user, params),
        "surnames": shared_surname_records(user, params),
        "break_glass": break_glass_uses(user, params),
        "start": params.period()[0], "end": params.period()[1] - timedelta(microseconds=1),
        "is_dpo": policy.can_do_governance(user),
    }
    audit.record(actor=user, action=AuditAction.VIEW, object_type="dpo.unusual_access",
                 detail={"records": params.records, "minutes": params.minutes,
                         "bursts": len(bursts), "colleagues": len(report["colleagues"]),
                         "surnames": len(report["surnames"]), "break_glass": len(report["break_glass"])})
    return report


# ---------------------------------------------------------------------------------------------------------
# The audit chain


@dataclass
class ChainCheck:
    result: audit.VerifyResult
    broken: AuditEvent | None
    unsealed: int
    head_seq: int

    @property
    def ok(self) -> bool:
        return self.result.ok


def audit_chain_check(user) -> ChainCheck:
    """Walk the audit log's hash chain (`hearth.governance.audit.verify_chain`, as `audit_verify` does) and name the
    first row that does not match. Rows not yet sealed are counted, not checked: they are sealed after each request
    and by the `audit_verify` command. The check itself is recorded."""
    require_governance(user)
    result = audit.verify_chain()
    broken = None
    if result.first_broken_id and result.first_broken_id > 0:
        broken = AuditEvent.objects.select_related("actor__agency").filter(pk=result.first_broken_id).first()
        if broken is not None:
            broken.description = describe(broken)
    head = AuditChainHead.objects.filter(pk=1).first()
    check = ChainCheck(result=result, broken=broken, unsealed=AuditEvent.objects.filter(seq__isnull=True).count(),
                       head_seq=head.last_seq if head else 0)
    audit.record(actor=user, action=AuditAction.ADMIN, object_type="governance.auditchain",
                 detail={"verified": result.checked, "first_broken_id": result.first_broken_id})
    return check
