"""Many records in a short time: users who looked at more than a number of different family (or person) records
within a number of minutes, one of the unusual-access reports (`hearth.dpo.unusual_access`).

Exact, as before: for every look in the period, the distinct records the same user looked at in the `minutes`
starting then. But only where that could exceed the threshold, found from the summary in three narrowing steps:
1. per user and day (`ViewerDay`), the number of records (or, for a window of an hour or less, the most in three
   clock hours) bounds every window starting that day (with the following day for a window that crosses
   midnight); most days are below the threshold;
2. for the days left, each record's first-to-last span that day bounds the windows starting at each moment (a
   running count in the database);
3. only within the moments left are the user's audit rows read and the windows counted exactly.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import groupby

from django.db import connection
from django.db.models import BooleanField, DateTimeField, ExpressionWrapper, F, Q
from django.db.models.expressions import RawSQL

from hearth.accounts.models import User
from hearth.audit import summary as view_summary
from hearth.audit.models import AuditEvent, RecordViewDay, ViewerDay
from hearth.dpo.looks import (
    REPORT_ROW_LIMIT,
    UnusualParams,
    aware,
    day_start,
    local_day,
    no_jit,
    record_views,
    reviewed,
)

MAX_READS = 1000  # time ranges read from the audit log by "many records", before they are merged per user


@dataclass
class Burst:
    user: User
    started: datetime
    ended: datetime
    peak: int


def _record_of(family_id: int | None, person_id: int | None) -> tuple[str, int]:
    return ("f", family_id) if family_id else ("p", person_id)


def _reach(day: date, window: timedelta) -> list[date]:
    """The days after `day` that a window starting on `day` can reach."""
    if window <= timedelta(hours=22):  # every day is at least 23 hours long
        return [day + timedelta(days=1)]
    out, end = [], day_start(day + timedelta(days=1)) + window
    following = day + timedelta(days=1)
    while day_start(following) < end:
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
        day = local_day(at)
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

    first_start, last_start = local_day(start), local_day(end - timedelta(microseconds=1))
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
    last_day = local_day(max(day_start(max(days) + timedelta(days=1)) for days in candidates.values()) + window)
    # The candidate days and the days their windows reach, as (user, day) pairs the database joins.
    pairs = sorted({(actor_id, d) for actor_id, days in candidates.items() for day in days
                    for d in (day, *_reach(day, window))})
    summary = (RecordViewDay.objects.filter(actor_id__in=actors, day__gte=first_day, day__lte=last_day)
               .filter(_pairs_filter(pairs)).order_by())
    unsealed = record_views(user).filter(actor_id__in=actors, seq__isnull=True, at__gte=day_start(first_day),
                                          at__lt=day_start(last_day + timedelta(days=1))).order_by()
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
    allowed = {actor_id: [(max(start, day_start(d)), min(end, day_start(d + timedelta(days=1))))
                          for d in sorted(days)] for actor_id, days in candidates.items()}
    out: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for actor_id, low, high in dense:
        low, high = aware(low), aware(high) if high is not None else aware(low)
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
    no_jit()
    # A window touches at most two days (three if it is nearly a day long, across a clock change), so a window
    # over the threshold has more than 1/2 (1/3) of it on one day: days with fewer summary rows need not be read.
    cap = params.records // (3 if params.minutes > 22 * 60 else 2)
    # Within a window of an hour or less, a day's `peak` bounds its records as well as their number does.
    within_hour = params.minutes <= 60
    near_midnight = Q(late_minutes__lte=params.minutes) | Q(early_minutes__lt=params.minutes)
    busy = Q(records__gt=params.records, peak__gt=params.records) if within_hour else Q(records__gt=params.records)
    per_day = {(a, d): (min(records, peak) if within_hour else records, early, late)
               for a, d, records, early, late, peak in
               ViewerDay.objects.filter(actor__in=reviewed(user), day__gte=local_day(start),
                                        day__lte=local_day(reach_end))
               .filter(busy | Q(near_midnight, records__gt=cap))
               .values_list("actor_id", "day", "records", "early_minutes", "late_minutes", "peak")}
    unsealed = list(record_views(user).filter(seq__isnull=True, at__gte=start, at__lt=reach_end)
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
