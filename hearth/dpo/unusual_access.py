"""The unusual-access reports for the data protection officer: many records in a short time, colleagues' records,
records holding the user's own family name, break-glass use. Scoped by `hearth.access.policy` and audited; they
aggregate in SQL."""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from itertools import groupby

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Lower, Trim
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hearth.access import governance, policy
from hearth.access.models import BreakGlass, Involvement
from hearth.accounts.models import User
from hearth.core.errors import NotPermitted
from hearth.dpo.audit_review import DateRange
from hearth.governance import audit
from hearth.governance import summary as view_summary
from hearth.governance.models import (
    AuditAction,
    AuditEvent,
    RecordViewDay,
    ViewerDay,
)
from hearth.people.models import FamilyMember, PersonName

# ACCESS_REVIEW (governance.models) is the object type of the DPO's own look at an access log: left out of the
# unusual-access reports, where a DPO reviewing logs would otherwise show up as someone opening many records.
REPORT_ROW_LIMIT = 2000
DEFAULT_RECORDS, DEFAULT_MINUTES, DEFAULT_DAYS = 20, 10, 7
NO_LONGER_MATCHES = "no longer in the record"  # a look matched when sealed; the record has changed since
MAX_READS = 1000  # time ranges read from the audit log by "many records", before they are merged per user
MAX_REPORT_DAYS = 92


# ---------------------------------------------------------------------------------------------------------
# Unusual access reports
#
# The reports read the record-view summary (governance.RecordViewDay: per user, record and day, how many looks,
# when first and last, and whether the record held a colleague's or the user's family name when sealed;
# governance.ViewerDay: per user and day), which the sealer keeps equal to the sealed audit rows, and the audit log
# itself only for what the summary cannot answer: rows not yet sealed (a partial index finds them), a part-day at
# either end of the period, and, for "many records in a short time", the minutes around a possible burst. So their
# cost depends on the period and the users reviewed, not on the size of the log (decision record 0004).


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


class _Words(Func):
    """The first or last space-separated word of a text column, lower-cased (as `_name_parts` splits a user's
    full name), in SQL that PostgreSQL and SQLite both run."""

    output_field = CharField()
    LAST = "LOWER(SUBSTR({e}, LENGTH(RTRIM({e}, REPLACE({e}, ' ', ''))) + 1))"
    FIRST = {"postgresql": "LOWER(SUBSTR({e}, 1, STRPOS({e} || ' ', ' ') - 1))",
             "sqlite": "LOWER(SUBSTR({e}, 1, INSTR({e} || ' ', ' ') - 1))"}

    def __init__(self, expression, *, last: bool):
        super().__init__(Trim(expression))
        self.last = last

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        template = self.LAST if self.last else self.FIRST[connection.vendor]
        return template.format(e=sql), [*params] * template.count("{e}")


def _last_word(column: str) -> _Words:
    return _Words(F(column), last=True)


def _first_word(column: str) -> _Words:
    return _Words(F(column), last=False)


def _reviewed(user):
    """The users whose access the reviewer reviews, as a subquery."""
    return User.objects.filter(governance.access_reviewed_users(user)).values("pk")


def _record_views(user):
    """Audit rows that are looks at a family or person record, by the users the reviewer oversees."""
    return AuditEvent.objects.filter(view_summary.summarised_q(), actor__in=_reviewed(user))


def _day_start(day: date) -> datetime:
    """The council's midnight starting `day`, in UTC (so adding minutes to it adds elapsed time)."""
    return _midnight(day, timezone.get_default_timezone())


@lru_cache(maxsize=4096)
def _midnight(day: date, tz) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz).astimezone(UTC)


def _local_day(at: datetime) -> date:
    return view_summary.local_day(at)


@dataclass
class _Span:
    """A period split into the whole days the summary answers and the audit rows read directly: those not yet
    sealed, and those in a part-day at either end (none when the period runs midnight to midnight)."""

    first_day: date | None
    last_day: date | None
    raw: Q

    @classmethod
    def of(cls, start: datetime, end: datetime) -> "_Span":
        first, last = _local_day(start), _local_day(end) - timedelta(days=1)
        if _day_start(first) < start:
            first += timedelta(days=1)
        within = Q(at__gte=start, at__lt=end)
        if first > last:
            return cls(None, None, within)
        direct = Q(seq__isnull=True)
        if start < _day_start(first):
            direct |= Q(at__lt=_day_start(first))
        if _day_start(last + timedelta(days=1)) < end:
            direct |= Q(at__gte=_day_start(last + timedelta(days=1)))
        return cls(first, last, within & direct)


def _no_jit() -> None:
    """For the rest of this transaction only, on PostgreSQL: no JIT compiler (triggered by the reports' large cost
    estimates, it spent seconds compiling queries that run in tens of milliseconds), and room to join and group
    the period's summary rows in memory rather than in batches on disk."""
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '64MB'")


def _grouped(user, params: UnusualParams, *, family_rows: tuple[Q, Q], person_rows: tuple[Q, Q],
             raw_annotations: dict | None = None) -> list[dict]:
    """Looks at records in the period, one row per user, family and person: how many, first and last; the most
    recent first, at most REPORT_ROW_LIMIT. `family_rows` and `person_rows` are (summary filter, audit log filter)
    for looks at a family and at a person alone. One query: the summary's whole days and the audit rows read
    directly, each grouped, then merged, ordered and cut in the database. Each filter is its own part of the query
    (never two joined by OR, which would keep PostgreSQL from joining them as sets)."""
    span = _Span.of(*params.period())
    columns = ("actor_id", "fam", "per")
    parts = []
    for whose, (summary_filter, raw_filter) in (("family", family_rows), ("person", person_rows)):
        raw = _record_views(user).filter(span.raw, family_id__isnull=whose == "person")
        parts.append(raw.annotate(**(raw_annotations or {})).filter(raw_filter)
                     .annotate(fam=Coalesce("family_id", 0), per=Coalesce("person_id", 0)).order_by()
                     .values_list(*columns).annotate(n=Count("id"), first=Min("at"), last=Max("at")))
        if span.first_day is None:
            continue
        days = RecordViewDay.objects.filter(actor__in=_reviewed(user), day__gte=span.first_day,
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
    return [{"actor_id": a, "family_id": f or None, "person_id": p or None, "n": int(n), "first": _aware(first),
             "last": _aware(last)} for a, f, p, n, first, last in found]


def _aware(value) -> datetime:
    """A datetime from a raw query: PostgreSQL gives one; SQLite gives its UTC text."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
    return parse_datetime(value).replace(tzinfo=UTC)


# Many records in a short time ------------------------------------------------------------------------------
#
# Exact, as before: for every look in the period, the distinct records the same user looked at in the `minutes`
# starting then. But only where that could exceed the threshold, found from the summary in three narrowing steps:
# 1. per user and day (`ViewerDay`), the number of records (or, for a window of an hour or less, the most in three
#    clock hours) bounds every window starting that day (with the following day for a window that crosses
#    midnight); most days are below the threshold;
# 2. for the days left, each record's first-to-last span that day bounds the windows starting at each moment (a
#    running count in the database);
# 3. only within the moments left are the user's audit rows read and the windows counted exactly.


def _record_of(family_id: int | None, person_id: int | None) -> tuple[str, int]:
    return ("f", family_id) if family_id else ("p", person_id)


def _reach(day: date, window: timedelta) -> list[date]:
    """The days after `day` that a window starting on `day` can reach."""
    if window <= timedelta(hours=22):  # every day is at least 23 hours long
        return [day + timedelta(days=1)]
    out, end = [], _day_start(day + timedelta(days=1)) + window
    following = day + timedelta(days=1)
    while _day_start(following) < end:
        out.append(following)
        following += timedelta(days=1)
    return out


def _candidate_days(per_day: dict, raw: list, params: UnusualParams, start: datetime, end: datetime,
                    cap: int) -> dict[int, set[date]]:
    """Step 1. `per_day` {(actor, day): (records, minutes to the first look, minutes from the last look to
    midnight)} holds the days that may have more records than the threshold in a window (by their number, or for
    windows of an hour or less their `peak`), and the days with more than `cap` with a look within `minutes` of
    midnight; every other day has at most `cap` records in a window, or none near midnight. Returns, per
    user, the days on which a window may start that could hold more than the threshold: a day with more records
    than that, or one whose last look is close enough to midnight for a window to reach the next day's first
    looks, together more than that. Looks not yet sealed count one record each, at their moment."""
    window = timedelta(minutes=params.minutes)
    minutes = params.minutes
    raw_count: dict[tuple[int, date], int] = defaultdict(int)
    for actor_id, at, _family, _person in raw:
        day = _local_day(at)
        raw_count[(actor_id, day)] += 1
        early, late = view_summary.edge_minutes(day, at, at)
        if early < minutes or late <= minutes:  # near midnight: the day is taken as unknown, below
            raw_count[(actor_id, day, "edge")] = 1

    def records(key, *, reached: bool = False) -> int:
        """At most this many records in the windows starting on the day, or (reached) in their part on a following
        day. A day not read has at most `cap` records, or at most the threshold and no sealed look near midnight:
        then only its unsealed looks can be near midnight, and a window starting on it holds at most the
        threshold plus those."""
        unknown = cap if reached or not raw_count.get(key) else params.records
        return (per_day[key][0] if key in per_day else unknown) + raw_count.get(key, 0)

    first_start, last_start = _local_day(start), _local_day(end - timedelta(microseconds=1))
    out: dict[int, set[date]] = defaultdict(set)
    for actor_id, day in set(per_day) | {k[:2] for k in raw_count}:
        # Windows starting this day, or on one of the two days before it (a window reaches at most two days on).
        for start_day in (day, day - timedelta(days=1), day - timedelta(days=2)):
            if not first_start <= start_day <= last_start or start_day in out[actor_id]:
                continue
            key = (actor_id, start_day)
            if records(key, reached=False) > params.records:
                out[actor_id].add(start_day)
                continue
            late = per_day[key][2] <= minutes if key in per_day else True
            if not late and not raw_count.get((actor_id, start_day, "edge")):
                continue  # no look late enough for a window to cross midnight
            reached = [d for d in _reach(start_day, window)
                       if (actor_id, d) not in per_day or per_day[(actor_id, d)][1] < minutes
                       or raw_count.get((actor_id, d, "edge"))]
            if reached and records(key) + sum(records((actor_id, d), reached=True) for d in reached) > params.records:
                out[actor_id].add(start_day)
    return {actor_id: days for actor_id, days in out.items() if days}


def _ranges_q(reads: dict[int, list[tuple[datetime, datetime]]]) -> Q:
    """Each user's looks in the given time ranges (from inclusive, to exclusive)."""
    q = Q(pk__in=[])
    for actor_id, ranges in reads.items():
        for low, high in ranges:
            q |= Q(actor_id=actor_id, at__gte=low, at__lt=high)
    return q


def _pairs_filter(pairs: list[tuple[int, date]]) -> RawSQL:
    """(actor_id, day) among `pairs`, passed as two arrays (PostgreSQL) or one JSON list (SQLite), whatever their
    number."""
    if connection.vendor == "postgresql":
        return RawSQL("(actor_id, day) IN (SELECT * FROM unnest(%s::bigint[], %s::date[]))",
                      ([a for a, _ in pairs], [d for _, d in pairs]), output_field=BooleanField())
    return RawSQL("(actor_id, day) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') "
                  "FROM json_each(%s))", (json.dumps([[a, d.isoformat()] for a, d in pairs]),),
                  output_field=BooleanField())


def _dense_moments(user, candidates: dict[int, set[date]], params: UnusualParams, start: datetime,
                   end: datetime) -> dict[int, list[tuple[datetime, datetime]]]:
    """Step 2, in the database. A window starting at t can hold a record looked at from `first` to `last` in a day
    only if t lies in [first - minutes, last]; counting those spans as they open and close (a running sum over the
    candidate users' summary rows and unsealed looks, in time order) gives the moments at which more than the
    threshold of records could fall in the window. Returns them per user, within the candidate days and the
    period. One query, returning only the dense moments."""
    window = timedelta(minutes=params.minutes)
    actors = list(candidates)
    first_day = min(min(days) for days in candidates.values())
    last_day = _local_day(max(_day_start(max(days) + timedelta(days=1)) for days in candidates.values()) + window)
    # The candidate days and the days their windows reach, as (user, day) pairs the database joins.
    pairs = sorted({(actor_id, d) for actor_id, days in candidates.items() for day in days
                    for d in (day, *_reach(day, window))})
    summary = (RecordViewDay.objects.filter(actor_id__in=actors, day__gte=first_day, day__lte=last_day)
               .filter(_pairs_filter(pairs)).order_by())
    unsealed = _record_views(user).filter(actor_id__in=actors, seq__isnull=True, at__gte=_day_start(first_day),
                                          at__lt=_day_start(last_day + timedelta(days=1))).order_by()
    sources = [summary.annotate(opens=ExpressionWrapper(F("first_at") - window, output_field=DateTimeField()),
                                closes=F("last_at")),
               unsealed.annotate(opens=ExpressionWrapper(F("at") - window, output_field=DateTimeField()),
                                 closes=F("at"))]
    compiled = [q.values_list("actor_id", "opens", "closes").query.get_compiler(using=q.db).as_sql()
                for q in sources]
    # Each span read once (a common table expression), then as the moment it opens and the moment it closes.
    spans = " UNION ALL ".join(f"SELECT * FROM ({sql}) s{i}" for i, (sql, _) in enumerate(compiled))  # noqa: S608
    order = "PARTITION BY actor_id ORDER BY t, d DESC ROWS UNBOUNDED PRECEDING"
    sql = (f"WITH spans AS MATERIALIZED ({spans}) "  # noqa: S608
           f"SELECT actor_id, t, nxt FROM (SELECT actor_id, t, SUM(d) OVER ({order}) AS n, "
           f"LEAD(t) OVER ({order}) AS nxt FROM (SELECT actor_id, opens AS t, 1 AS d FROM spans "
           "UNION ALL SELECT actor_id, closes AS t, -1 AS d FROM spans) e) s WHERE n > %s ORDER BY actor_id, t")
    with connection.cursor() as cursor:
        cursor.execute(sql, [p for _, part in compiled for p in part] + [params.records])
        dense = cursor.fetchall()
    allowed = {actor_id: [(max(start, _day_start(d)), min(end, _day_start(d + timedelta(days=1))))
                          for d in sorted(days)] for actor_id, days in candidates.items()}
    out: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for actor_id, low, high in dense:
        low, high = _aware(low), _aware(high) if high is not None else _aware(low)
        for a, b in allowed[actor_id]:
            if max(low, a) <= min(high, b) and max(low, a) < b:
                out[actor_id].append((max(low, a), min(high, b)))
    return out


def _exact_starts(rows: list[tuple[datetime, tuple]], params: UnusualParams, start: datetime, end: datetime):
    """Step 3, for one user: `rows` are their looks (moment, record) in time order, complete for every window
    starting in the moments kept by step 2. Yields (moment, distinct records) for each look in the period that
    starts a window with more than the threshold."""
    window = timedelta(minutes=params.minutes)
    counts: dict[tuple, int] = defaultdict(int)
    i = j = 0
    while i < len(rows):
        at = rows[i][0]
        k = i
        while k < len(rows) and rows[k][0] == at:  # looks at the same moment start the same window
            k += 1
        while j < len(rows) and rows[j][0] < at + window:
            counts[rows[j][1]] += 1
            j += 1
        if start <= at < end and len(counts) > params.records:
            for _ in range(i, k):
                yield at, len(counts)
        for _, record in rows[i:k]:
            counts[record] -= 1
            if not counts[record]:
                del counts[record]
        i = k


def many_records(user, params: UnusualParams) -> tuple[list[Burst], bool]:
    """Users who looked at more than `records` different family (or person) records within `minutes` minutes.
    For every look, the distinct records the same user looked at in the window starting then; the looks that start
    an unusual window are merged into bursts. At most six queries, whatever the size of the log."""
    start, end = params.period()
    window = timedelta(minutes=params.minutes)
    reach_end = end + window
    _no_jit()
    # A window touches at most two days (three if it is nearly a day long, across a clock change), so a window
    # over the threshold has more than 1/2 (1/3) of it on one day: days with fewer summary rows need not be read.
    cap = params.records // (3 if params.minutes > 22 * 60 else 2)
    # Within a window of an hour or less, a day's `peak` bounds its records as well as their number does.
    within_hour = params.minutes <= 60
    near_midnight = Q(late_minutes__lte=params.minutes) | Q(early_minutes__lt=params.minutes)
    busy = Q(records__gt=params.records, peak__gt=params.records) if within_hour else Q(records__gt=params.records)
    per_day = {(a, d): (min(records, peak) if within_hour else records, early, late)
               for a, d, records, early, late, peak in
               ViewerDay.objects.filter(actor__in=_reviewed(user), day__gte=_local_day(start),
                                        day__lte=_local_day(reach_end))
               .filter(busy | Q(near_midnight, records__gt=cap))
               .values_list("actor_id", "day", "records", "early_minutes", "late_minutes", "peak")}
    unsealed = list(_record_views(user).filter(seq__isnull=True, at__gte=start, at__lt=reach_end)
                    .order_by().values_list("actor_id", "at", "family_id", "person_id"))
    candidates = _candidate_days(per_day, unsealed, params, start, end, cap)
    starts: list[tuple[int, datetime, int]] = []
    if candidates:
        reads = {actor_id: _merge_reads([(low, high + window) for low, high in moments])
                 for actor_id, moments in _dense_moments(user, candidates, params, start, end).items()}
        if sum(len(ranges) for ranges in reads.values()) > MAX_READS:  # keep the query short: one span a user
            reads = {actor_id: [(ranges[0][0], ranges[-1][1])] for actor_id, ranges in reads.items()}
        if reads:
            looks = (AuditEvent.objects.filter(view_summary.summarised_q())
                     .filter(_ranges_q(reads))
                     .order_by("actor_id", "at", "id").values_list("actor_id", "at", "family_id", "person_id"))
            for actor_id, group in groupby(looks.iterator(chunk_size=5000), key=lambda r: r[0]):
                rows = [(at, _record_of(f, p)) for _, at, f, p in group]
                starts += [(actor_id, at, n) for at, n in _exact_starts(rows, params, start, end)]
                if len(starts) > REPORT_ROW_LIMIT:
                    break
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


def _merge_reads(ranges: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    ranges = sorted(ranges)
    merged = [list(ranges[0])]
    for low, high in ranges[1:]:
        if low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return [tuple(r) for r in merged]


# Colleagues' records and shared family names -----------------------------------------------------------------


_name_parts = view_summary.name_parts  # the sealer matches names by the same rule


def _involved_pairs(rows: list[dict]) -> set[tuple[int, int]]:
    family_ids = {r["family_id"] for r in rows if r["family_id"]}
    actor_ids = {r["actor_id"] for r in rows}
    if not family_ids:
        return set()
    return set(Involvement.objects.filter(family_id__in=family_ids, user_id__in=actor_ids)
               .values_list("user_id", "family_id"))


def colleagues_records(user, params: UnusualParams) -> list[RecordRow]:
    """Looks at a family or person record in which someone has the name (given and family name) or email address of
    a user of the council: a colleague's record, or the user's own. Sealed looks were matched when they were sealed
    (the summary's `colleague`); looks not yet sealed are matched in the database now. The names shown are the
    record's now. Five queries."""
    start, end = params.period()
    council_id = user.agency.council_id
    staff = list(User.objects.filter(agency__council_id=council_id).values_list("pk", "full_name", "email"))
    if not staff:
        return []
    by_name: dict[tuple[str, str], list[tuple[int, str]]] = defaultdict(list)
    by_email: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pk, full_name, email in staff:
        given, family = _name_parts(full_name)
        if family:
            by_name[(given, family)].append((pk, full_name))
        if email:
            by_email[email.lower()].append((pk, full_name))
    council_staff = User.objects.filter(agency__council_id=council_id)
    same_name = (council_staff.filter(full_name__contains=" ")
                 .annotate(g=_first_word("full_name"), f=_last_word("full_name"))
                 .filter(g=OuterRef("g"), f=OuterRef("f")))
    same_email = council_staff.annotate(e=Lower("email")).filter(e=OuterRef("e"))
    # Looks not yet sealed are matched against the records now; sealed ones were matched when they were sealed.
    members = (FamilyMember.objects.filter(person__council_id=council_id)
               .annotate(g=Lower("person__given_name"), f=Lower("person__family_name"), e=Lower("person__email"))
               .filter(Exists(same_name) | (~Q(e="") & Exists(same_email))))
    _no_jit()
    rows = _grouped(user, params,
                    family_rows=(Q(colleague=True), Q(family_id__in=members.values("family_id"))),
                    person_rows=(Q(colleague=True), Q(person_id__in=members.values("person_id"))))
    if not rows:
        return []
    matched_family: dict[int, set[tuple[int, str]]] = defaultdict(set)
    matched_person: dict[int, set[tuple[int, str]]] = defaultdict(set)
    shown = (FamilyMember.objects.filter(Q(family_id__in={r["family_id"] for r in rows if r["family_id"]})
                                         | Q(person_id__in={r["person_id"] for r in rows if not r["family_id"]}))
             .annotate(g=Lower("person__given_name"), f=Lower("person__family_name"), e=Lower("person__email"))
             .values_list("family_id", "person_id", "g", "f", "e"))
    for family_id, person_id, g, f, e in shown:
        hits = set(by_name.get((g, f), [])) | set(by_email.get(e or "", []))
        matched_family[family_id] |= hits
        matched_person[person_id] |= hits
    users = User.objects.select_related("agency").in_bulk({r["actor_id"] for r in rows})
    involved = _involved_pairs(rows)
    out = []
    for r in rows:
        hits = matched_family[r["family_id"]] if r["family_id"] else matched_person[r["person_id"]]
        own = any(pk == r["actor_id"] for pk, _ in hits)
        whose = sorted({name if pk != r["actor_id"] else f"{name} (their own)" for pk, name in hits}) or [
            NO_LONGER_MATCHES]
        out.append(RecordRow(user=users[r["actor_id"]], family_id=r["family_id"], person_id=r["person_id"],
                             count=r["n"], first=r["first"], last=r["last"], whose=whose, own=own,
                             involved=(r["actor_id"], r["family_id"]) in involved))
    return out


def shared_surname_records(user, params: UnusualParams) -> list[RecordRow]:
    """Looks at a family or person record in which someone has (or had) the viewer's own family name (the last word
    of their name). Sealed looks were matched when they were sealed (the summary's `same_surname`); looks not yet
    sealed are matched against every name of the record's people in the database now. Five queries."""
    council_id = user.agency.council_id
    reviewed = list(User.objects.filter(governance.access_reviewed_users(user)).values_list("pk", "full_name"))
    surname_of = {pk: _name_parts(name)[1] for pk, name in reviewed if _name_parts(name)[1]}
    if not surname_of:
        return []
    names = PersonName.objects.filter(person__council_id=council_id).annotate(f=Lower("family_name"))
    in_family = names.filter(person__memberships__family_id=OuterRef("family_id"), f=OuterRef("surname"))
    of_person = names.filter(person_id=OuterRef("person_id"), person__memberships__isnull=False,
                             f=OuterRef("surname"))
    surname = {"surname": _last_word("actor__full_name")}
    actors = Q(actor_id__in=list(surname_of))
    _no_jit()
    rows = _grouped(user, params, raw_annotations=surname,
                    family_rows=(actors & Q(same_surname=True), actors & Q(Exists(in_family))),
                    person_rows=(actors & Q(same_surname=True), actors & Q(Exists(of_person))))
    if not rows:
        return []
    users = User.objects.select_related("agency").in_bulk({r["actor_id"] for r in rows})
    involved = _involved_pairs(rows)
    return [RecordRow(user=users[r["actor_id"]], family_id=r["family_id"], person_id=r["person_id"], count=r["n"],
                      first=r["first"], last=r["last"], whose=[surname_of[r["actor_id"]].title()],
                      involved=(r["actor_id"], r["family_id"]) in involved)
            for r in rows]


def break_glass_uses(user, params: UnusualParams) -> list[BreakGlass]:
    start, end = params.period()
    return list(BreakGlass.objects.filter(policy.break_glass_overseen_by(user), started_at__gte=start,
                                          started_at__lt=end)
                .select_related("user__agency", "reviewed_by").order_by("-started_at", "-pk")[:REPORT_ROW_LIMIT])


def unusual_access(user, params: UnusualParams) -> dict:
    """The four unusual-access reports for the council (the DPO) or the reviewer's teams (a manager)."""
    if not governance.can_review_unusual_access(user):
        raise NotPermitted("Only the data protection officer and managers can see this report.",
                           object_type="dpo.unusual_access")
    bursts, truncated = many_records(user, params)
    report = {
        "bursts": bursts, "bursts_truncated": truncated,
        "colleagues": colleagues_records(user, params),
        "surnames": shared_surname_records(user, params),
        "break_glass": break_glass_uses(user, params),
        "start": params.period()[0], "end": params.period()[1] - timedelta(microseconds=1),
        "is_dpo": governance.can_do_governance(user),
    }
    audit.record(actor=user, action=AuditAction.VIEW, object_type="dpo.unusual_access",
                 detail={"records": params.records, "minutes": params.minutes,
                         "bursts": len(bursts), "colleagues": len(report["colleagues"]),
                         "surnames": len(report["surnames"]), "break_glass": len(report["break_glass"])})
    return report
