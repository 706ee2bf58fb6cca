"""Working out who is due which reminder today, and sending each once: at once to the users who chose that, or in
one digest a day to everyone else (the default).

What falls due is read by the app that owns it (`<app>/due.py`), one set-based statement a kind, from an index;
reminders already sent are left out by the same statement (NOT EXISTS on `Reminder`'s unique key), so the day's
work is only what is new. Who gets which reminder is the table `KINDS` below. The reminders are written and their
emails queued in the job's one transaction: if anything fails, nothing is kept and the job's retry starts again;
a second run for the same day finds nothing new and sends nothing.

An email names no child and no family member, and says nothing about the family: how many of what, with record
numbers and where to find them in Hearth.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from hearth.access import due as access_due
from hearth.accounts.models import ReminderDelivery, Role, User
from hearth.consent import due as consent_due
from hearth.core.working_days import add_working_days
from hearth.outbox import services as outbox
from hearth.plans import due as plans_due
from hearth.reminders.models import Reminder
from hearth.retention import due as retention_due
from hearth.subject_access import due as sar_due

CHUNK = 1000


@dataclass
class Row:
    """One record that is due, as the owning app's query returned it (ids and dates only)."""

    values: dict

    def __getitem__(self, key):
        return self.values.get(key)


@dataclass(frozen=True)
class Kind:
    code: str
    about_type: str
    find: Callable[[date], QuerySet]
    fields: tuple[str, ...]
    who: Callable[[Row, "Context"], Iterable[int]]
    one: str  # "review due within 7 days"
    many: str  # "reviews due within 7 days"
    record: Callable[[Row], str]  # "family record 1234"
    link: Callable[[Row], str]
    keyed_on_due: bool = True  # False: one reminder per record, whatever its dates
    key_date: Callable[[Row, date], date] | None = None


class Context:
    """The users the day's reminders may go to, loaded once: active ones, and the data protection officers of
    each council."""

    def __init__(self, dpos_by_council: dict[int, list[int]], active: set[int]):
        self.dpos_by_council, self.active = dpos_by_council, active

    def dpos(self, council_id) -> list[int]:
        return self.dpos_by_council.get(council_id, [])


def _lead(row, ctx):
    return [row["lead_ref"]]


def _owner_and_lead(row, ctx):
    return [row["owner_ref"], row["lead_ref"]]


def _recorder_or_lead(row, ctx):
    """The practitioner who recorded the consent while they are still active; otherwise the lead professional."""
    return [row["recorder_ref"] if row["recorder_ref"] in ctx.active else row["lead_ref"]]


def _dpos(row, ctx):
    return ctx.dpos(row["council_ref"])


def _break_glass_reviewers(row, ctx):
    """The council's data protection officers and the user's manager (as `access.services.
    break_glass_alert_recipients`, without the council's mailbox, which has no preference); never the user."""
    return [u for u in [*ctx.dpos(row["council_ref"]), row["manager_ref"]] if u != row["user_ref"]]


def _family(row) -> str:
    return f"family record {row['family_ref']}"


def _family_link(row) -> str:
    return reverse("families:family", args=[row["family_ref"]])


def _consent_link(row) -> str:
    return reverse("consent:family", args=[row["family_ref"]])


def _sar(row) -> str:
    return f"request {row['reference']}"


def _sar_link(row) -> str:
    return reverse("subject_access:workbench", args=[row["id"]])


def _break_glass_due(row, today) -> date:
    return add_working_days(timezone.localdate(row["started_at"]), access_due.REVIEW_WORKING_DAYS)


FAMILY = ("family_ref", "council_ref")
SOON = f"within {plans_due.REVIEW_SOON_DAYS} days"
SAR = ("reference", "council_ref")

KINDS: tuple[Kind, ...] = (
    Kind("review_due_soon", "cases.episode", plans_due.reviews_due_soon, (*FAMILY, "lead_ref"), _lead,
         f"review due {SOON}", f"reviews due {SOON}",
         _family, _family_link),
    Kind("review_overdue", "cases.episode", plans_due.reviews_overdue, (*FAMILY, "lead_ref"), _lead,
         "review overdue", "reviews overdue", _family, _family_link),
    Kind("action_overdue", "plans.action", plans_due.actions_overdue, (*FAMILY, "owner_ref", "lead_ref"),
         _owner_and_lead, "action overdue", "actions overdue", _family, _family_link),
    Kind("consent_review", "consent.shareconsent", consent_due.consents_past_review,
         (*FAMILY, "recorder_ref", "lead_ref"), _recorder_or_lead,
         "consent to share past its review-by date", "consents to share past their review-by date",
         _family, _consent_link),
    Kind("sar_day_21", "subject_access.subjectaccessrequest", lambda today: sar_due.requests_at_day(today, 21), SAR,
         _dpos, "subject access request at day 21", "subject access requests at day 21", _sar, _sar_link),
    Kind("sar_day_28", "subject_access.subjectaccessrequest", lambda today: sar_due.requests_at_day(today, 28), SAR,
         _dpos, "subject access request at day 28", "subject access requests at day 28", _sar, _sar_link),
    Kind("sar_deadline", "subject_access.subjectaccessrequest", sar_due.requests_at_deadline, SAR, _dpos,
         "subject access request at or past its deadline", "subject access requests at or past their deadline",
         _sar, _sar_link),
    Kind("break_glass_unreviewed", "access.breakglass", access_due.break_glass_unreviewed,
         ("council_ref", "user_ref", "manager_ref", "started_at"), _break_glass_reviewers,
         "break-glass use not reviewed after 5 working days", "break-glass uses not reviewed after 5 working days",
         lambda row: f"break-glass reference {row['id']}", lambda row: reverse("access:break_glass_reviews"),
         keyed_on_due=False, key_date=_break_glass_due),
    Kind("disposal_due", "retention.disposalrun", retention_due.disposals_due, ("council_ref", "status"), _dpos,
         "disposal run due", "disposal runs due", lambda row: f"disposal run DR-{row['id']}",
         lambda row: reverse("retention:run", args=[row["id"]])),
)
KIND_BY_CODE = {k.code: k for k in KINDS}


def _due_rows(kind: Kind, today: date) -> list[Row]:
    """The kind's records due today that have not had this reminder yet: one statement."""
    sent = Reminder.objects.filter(kind=kind.code, about_id=OuterRef("pk"))
    if kind.keyed_on_due:
        sent = sent.filter(due_on=OuterRef("due"))
    fields = ("id", *(("due",) if kind.keyed_on_due else ()), *kind.fields)
    return [Row(v) for v in kind.find(today).exclude(Exists(sent)).order_by("pk").values(*fields)]


def _chunks(values: list, size: int = CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _context(found: dict[str, list[Row]]) -> Context:
    councils = {row["council_ref"] for rows in found.values() for row in rows}
    dpos: dict[int, list[int]] = defaultdict(list)
    for council_id in _chunks(sorted(c for c in councils if c is not None)):
        for pk, council in (User.objects.filter(is_active=True, roles__role=Role.DPO,
                                                agency__council_id__in=council_id)
                            .order_by("pk").values_list("pk", "agency__council_id").distinct()):
            dpos[council].append(pk)
    candidates = {row[f] for rows in found.values() for row in rows
                  for f in ("recorder_ref",) if row[f] is not None}
    active = set()
    for ids in _chunks(sorted(candidates)):
        active |= set(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    return Context(dict(dpos), active)


@dataclass
class Due:
    kind: Kind
    row: Row
    due_on: date

    @property
    def record(self) -> str:
        return self.kind.record(self.row)

    @property
    def link(self) -> str:
        return self.kind.link(self.row)


def remind(*, today: date | None = None, slot: str = "") -> dict:
    """Find everything newly due on `today`, record a reminder for each of its recipients and queue the emails.
    Returns counts: reminders, emails."""
    today = today or timezone.localdate()
    slot = slot or today.isoformat()
    found = {kind.code: _due_rows(kind, today) for kind in KINDS}
    ctx = _context(found)
    per_user: dict[int, list[Due]] = defaultdict(list)
    for kind in KINDS:
        for row in found[kind.code]:
            due_on = kind.key_date(row, today) if kind.key_date else row["due"]
            for user_id in dict.fromkeys(u for u in kind.who(row, ctx) if u is not None):
                per_user[user_id].append(Due(kind, row, due_on))
    users = {}
    for ids in _chunks(sorted(per_user)):
        users.update({u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True)
                      .select_related("agency__council").only("pk", "email", "reminder_delivery",
                                                              "agency__council__service_name")})
    now = timezone.now()
    reminders, emails = [], 0
    for user_id, dues in per_user.items():
        user = users.get(user_id)
        if user is None:  # no longer active: nobody is told in their place
            continue
        delivery = user.reminder_delivery or ReminderDelivery.DIGEST
        reminders += [Reminder(user_id=user_id, kind=d.kind.code, about_type=d.kind.about_type,
                               about_id=d.row["id"], due_on=d.due_on, slot=slot, delivery=delivery, sent_at=now)
                      for d in dues]
        if delivery == ReminderDelivery.IMMEDIATE:
            for d in dues:
                subject, body = immediate_email(user, d)
                outbox.send(to=user.email, subject=subject, body=body, kind=f"reminder.{d.kind.code}")
                emails += 1
        else:
            subject, body = digest_email(user, dues, today)
            outbox.send(to=user.email, subject=subject, body=body, kind="reminder.digest")
            emails += 1
    # Plain inserts: a second run racing this one fails on the unique key and is retried, finding nothing new.
    Reminder.objects.bulk_create(reminders, batch_size=CHUNK)
    return {"reminders": len(reminders), "emails": emails}


# Emails: record numbers and counts, never a name ----------------------------------------------------------------


def _service(user) -> str:
    return user.agency.council.service_name


def immediate_email(user, due: Due) -> tuple[str, str]:
    kind = due.kind
    subject = f"Reminder: {kind.one}"
    body = (
        f"Reminder: {kind.one}: {due.record}.\n\n"
        f"Sign in to {_service(user)} and go to {due.link}\n\n"
        "You get a separate email for each reminder. To get one email a day instead, change this on your "
        f"account page: {reverse('accounts:security')}"
    )
    return subject, body


def _count(n: int, kind: Kind) -> str:
    return f"{n} {kind.one if n == 1 else kind.many}"


def digest_email(user, dues: list[Due], today: date) -> tuple[str, str]:
    """'2 reviews due within 7 days: family records 1234, 1240 (/families/1234, /families/1240)' for each kind."""
    by_kind: dict[str, list[Due]] = defaultdict(list)
    for d in dues:
        by_kind[d.kind.code].append(d)
    lines = [f"Your reminders from {_service(user)} for {today:%-d %B %Y}:", ""]
    for kind in KINDS:
        items = by_kind.get(kind.code)
        if not items:
            continue
        lines.append(f"{_count(len(items), kind)}:")
        lines += [f"- {d.record}: {d.link}" for d in items]
        lines.append("")
    lines += [f"Sign in to {_service(user)} to see them.", "",
              "You get one email a day listing what is newly due. To get a separate email for each reminder "
              f"instead, change this on your account page: {reverse('accounts:security')}"]
    total = len(dues)
    return f"Your reminders: {total} thing{'s' if total != 1 else ''} due", "\n".join(lines)
