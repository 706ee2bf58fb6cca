"""Looks at family and person records in a period, as the unusual-access reports read them: the reports'
parameters, whose looks a reviewer reviews, and the reads the reports share.

The reports read the record-view summary (governance.RecordViewDay: per user, record and day, how many looks,
when first and last, and whether the record held a colleague's or the user's family name when sealed;
governance.ViewerDay: per user and day), which the sealer keeps equal to the sealed audit rows, and the audit log
itself only for what the summary cannot answer: rows not yet sealed (a partial index finds them), a part-day at
either end of the period, and, for "many records in a short time", the minutes around a possible burst. So their
cost depends on the period and the users reviewed, not on the size of the log (decision record 0004).

ACCESS_REVIEW (audit.models) is the object type of the DPO's own look at an access log: left out of the
unusual-access reports, where a DPO reviewing logs would otherwise show up as someone opening many records.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from django.db import connection
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hearth.access import governance
from hearth.accounts.models import User
from hearth.audit import summary as view_summary
from hearth.audit.models import AuditEvent, RecordViewDay
from hearth.dpo.audit_review import DateRange

REPORT_ROW_LIMIT = 2000
DEFAULT_RECORDS, DEFAULT_MINUTES, DEFAULT_DAYS = 20, 10, 7
MAX_REPORT_DAYS = 92


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


def reviewed(user):
    """The users whose access the reviewer reviews, as a subquery."""
    return User.objects.filter(governance.access_reviewed_users(user)).values("pk")


def record_views(user):
    """Audit rows that are looks at a family or person record, by the users the reviewer oversees."""
    return AuditEvent.objects.filter(view_summary.summarised_q(), actor__in=reviewed(user))


def day_start(day: date) -> datetime:
    """The council's midnight starting `day`, in UTC (so adding minutes to it adds elapsed time)."""
    return _midnight(day, timezone.get_default_timezone())


@lru_cache(maxsize=4096)
def _midnight(day: date, tz) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def local_day(at: datetime) -> date:
    return view_summary.local_day(at)


@dataclass
class Span:
    """A period split into the whole days the summary answers and the audit rows read directly: those not yet
    sealed, and those in a part-day at either end (none when the period runs midnight to midnight)."""

    first_day: date | None
    last_day: date | None
    raw: Q

    @classmethod
    def of(cls, start: datetime, end: datetime) -> "Span":
        first, last = local_day(start), local_day(end) - timedelta(days=1)
        if day_start(first) < start:
            first += timedelta(days=1)
        within = Q(at__gte=start, at__lt=end)
        if first > last:
            return cls(None, None, within)
        direct = Q(seq__isnull=True)
        if start < day_start(first):
            direct |= Q(at__lt=day_start(first))
        if day_start(last + timedelta(days=1)) < end:
            direct |= Q(at__gte=day_start(last + timedelta(days=1)))
        return cls(first, last, within & direct)


def no_jit() -> None:
    """For the rest of this transaction only, on PostgreSQL: no JIT compiler (triggered by the reports' large cost
    estimates, it spent seconds compiling queries that run in tens of milliseconds), and room to join and group
    the period's summary rows in memory rather than in batches on disk."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")


def grouped(user, params: UnusualParams, *, family_rows: tuple[Q, Q], person_rows: tuple[Q, Q],
             raw_annotations: dict | None = None) -> list[dict]:
    """Looks at records in the period, one row per user, family and person: how many, first and last; the most
    recent first, at most REPORT_ROW_LIMIT. `family_rows` and `person_rows` are (summary filter, audit log filter)
    for looks at a family and at a person alone. One query: the summary's whole days and the audit rows read
    directly, each grouped, then merged, ordered and cut in the database. Each filter is its own part of the query
    (never two joined by OR, which would keep PostgreSQL from joining them as sets)."""
    span = Span.of(*params.period())
    columns = ("actor_id", "fam", "per")
    parts = []
    for whose, (summary_filter, raw_filter) in (("family", family_rows), ("person", person_rows)):
        raw = record_views(user).filter(span.raw, family_id__isnull=whose == "person")
        parts.append(raw.annotate(**(raw_annotations or {})).filter(raw_filter)
                     .annotate(fam=Coalesce("family_id", 0), per=Coalesce("person_id", 0)).order_by()
                     .values_list(*columns).annotate(n=Count("id"), first=Min("at"), last=Max("at")))
        if span.first_day is None:
            continue
        days = RecordViewDay.objects.filter(actor__in=reviewed(user), day__gte=span.first_day,
                                            day__lte=span.last_day)
        days = days.filter(family_id=0) if whose == "person" else days.filter(family_id__gt=0)
        parts.append(days.filter(summary_filter)
                     .annotate(fam=F("family_id"), per=F("person_id")).order_by()
                     .values_list(*columns).annotate(n=Sum("views"), first=Min("first_at"), last=Max("last_at")))
    compiled = [part.query.get_compiler(using=part.db).as_sql() for part in parts]
    # Only the querysets' own SQL, with their parameters passed separately.
    union = " UNION ALL ".join(f"SELECT * FROM ({part}) p{i}" for i, (part, _) in enumerate(compiled))  # noqa: S608
    sql = (f"SELECT actor_id, fam, per, SUM(n), MIN(first), MAX(last) FROM ({union}) u "  # noqa: S608
           "GROUP BY actor_id, fam, per ORDER BY MAX(last) DESC, actor_id DESC, fam DESC, per DESC LIMIT %s")
    params_ = [p for _, part_params in compiled for p in part_params] + [REPORT_ROW_LIMIT]
    with connection.cursor() as cursor:
        cursor.execute(sql, params_)
        found = cursor.fetchall()
    return [{"actor_id": a, "family_id": f or None, "person_id": p or None, "n": int(n), "first": aware(first),
             "last": aware(last)} for a, f, p, n, first, last in found]


def aware(value) -> datetime:
    """A datetime from a raw query: PostgreSQL gives one; SQLite gives its UTC text."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
    return parse_datetime(value).replace(tzinfo=UTC)
