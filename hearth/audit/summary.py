"""The record-view summary: per user, family or person record and local day, how many looks and when first and last
(`RecordViewDay`), and per user and day, how many records (`ViewerDay`). The sealer adds each batch of sealed audit
rows in the same transaction (`add`), so the counts always equal the sealed rows; `rebuild` recomputes everything
from the whole sealed log (after a migration, or if it were ever in doubt) and `differences` compares.

Each summary row also says whether, when the looks were sealed, someone in the record had the name or email
address of a user of the council (`colleague`) or had, or had had, the family name of the user who looked
(`same_surname`): the unusual-access reports list those rows without joining the period's looks to everyone's names.

Days are dates in the council's time zone (settings.TIME_ZONE), so that a report over whole days reads whole
summary rows. Identifiers, counts and flags only.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.apps import apps
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from hearth.audit.models import ACCESS_REVIEW, AuditAction, AuditEvent, RecordViewDay, ViewerDay

Key = tuple[int, object, int, int]  # actor, day, family (0: none), person (0: none)
BATCH = 2000
# A record looked at over more than this is counted apart in a day's `peak` (the rest began within the hour
# before any moment they were looked at; a minute short of an hour leaves room for SQLite's arithmetic).
LONG_SPAN = timedelta(minutes=59)


def summarised(event: AuditEvent) -> bool:
    """Whether an audit row counts as a look at a record: a view, by a user, of a family or a person."""
    return (event.action == AuditAction.VIEW and event.actor_id is not None
            and (event.family_id is not None or event.person_id is not None) and event.object_type != ACCESS_REVIEW)


def summarised_q(prefix: str = "") -> Q:
    """The same test as a filter over audit rows."""
    return (Q(**{f"{prefix}action": AuditAction.VIEW, f"{prefix}actor__isnull": False})
            & (Q(**{f"{prefix}family_id__isnull": False}) | Q(**{f"{prefix}person_id__isnull": False}))
            & ~Q(**{f"{prefix}object_type": ACCESS_REVIEW}))


def local_day(at: datetime):
    return timezone.localtime(at, timezone.get_default_timezone()).date()


def name_parts(full_name: str) -> tuple[str, str]:
    """A user's given and family name as the reports compare them: the first and last word, in lower case."""
    parts = (full_name or "").lower().split()
    return (parts[0], parts[-1]) if len(parts) >= 2 else ("", "")


def aggregate(events: Iterable[AuditEvent]) -> dict[Key, list]:
    """Group audit rows into summary rows: {key: [views, first_at, last_at]}."""
    rows: dict[Key, list] = {}
    for event in events:
        if not summarised(event):
            continue
        key = (event.actor_id, local_day(event.at), event.family_id or 0, event.person_id or 0)
        row = rows.get(key)
        if row is None:
            rows[key] = [1, event.at, event.at]
        else:
            row[0] += 1
            row[1] = min(row[1], event.at)
            row[2] = max(row[2], event.at)
    return rows


def flags(keys: Iterable[Key], models=None) -> dict[Key, tuple[bool, bool]]:
    """For each summary key, (colleague, same_surname) from the records as they are now. Three queries, whatever
    the number of keys (a batch). `models` (FamilyMember, PersonName, User) lets a migration pass its own."""
    member_model, name_model, user_model = models or (
        apps.get_model("people", "FamilyMember"), apps.get_model("people", "PersonName"),
        apps.get_model("accounts", "User"))
    keys = list(keys)
    family_ids = {f for _, _, f, _ in keys if f}
    person_ids = {p for _, _, f, p in keys if not f and p}
    members = list(member_model.objects.filter(Q(family_id__in=family_ids) | Q(person_id__in=person_ids))
                   .values_list("family_id", "person_id", "person__council_id", "person__given_name",
                                "person__family_name", "person__email"))
    surnames_of: dict[int, set[str]] = defaultdict(set)
    for person_id, family_name in name_model.objects.filter(
            person_id__in={m[1] for m in members}).values_list("person_id", "family_name"):
        surnames_of[person_id].add((family_name or "").lower())
    councils = {m[2] for m in members}
    actors = {a for a, _, _, _ in keys}
    names: set[tuple[int, str, str]] = set()
    emails: set[tuple[int, str]] = set()
    surname_of: dict[int, str] = {}
    for pk, council_id, full_name, email in user_model.objects.filter(
            Q(agency__council_id__in=councils) | Q(pk__in=actors)).values_list(
            "pk", "agency__council_id", "full_name", "email"):
        given, family = name_parts(full_name)
        if family:
            names.add((council_id, given, family))
        if email:
            emails.add((council_id, email.lower()))
        surname_of[pk] = family
    colleague_in: dict[tuple[str, int], bool] = defaultdict(bool)
    record_surnames: dict[tuple[str, int], set[str]] = defaultdict(set)
    for family_id, person_id, council_id, given, family, email in members:
        colleague = ((council_id, (given or "").lower(), (family or "").lower()) in names
                     or bool(email) and (council_id, email.lower()) in emails)
        for record in (("f", family_id), ("p", person_id)):
            colleague_in[record] = colleague_in[record] or colleague
            record_surnames[record] |= surnames_of[person_id]
    out = {}
    for key in keys:
        actor_id, _, family_id, person_id = key
        record = ("f", family_id) if family_id else ("p", person_id)
        surname = surname_of.get(actor_id, "")
        out[key] = (colleague_in[record], bool(surname) and surname in record_surnames[record])
    return out


def _upsert_sql(count: int) -> str:
    table = RecordViewDay._meta.db_table
    least, greatest = ("LEAST", "GREATEST") if connection.vendor == "postgresql" else ("MIN", "MAX")
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s, %s)"] * count)
    # The table's name and placeholders only, no input.
    return (
        f"INSERT INTO {table} (actor_id, day, family_id, person_id, views, first_at, last_at, colleague, "  # noqa: S608
        f"same_surname) VALUES {values} ON CONFLICT (actor_id, day, family_id, person_id) DO UPDATE SET "
        f"views = {table}.views + excluded.views, "
        f"first_at = {least}({table}.first_at, excluded.first_at), "
        f"last_at = {greatest}({table}.last_at, excluded.last_at), "
        f"colleague = ({table}.colleague OR excluded.colleague), "
        f"same_surname = ({table}.same_surname OR excluded.same_surname)"
    )


def _viewer_days(pairs: list[tuple[int, object]]) -> list[tuple]:
    """(actor, day, records, first look, last look, peak) for the given user-days, from their summary rows."""
    ops = connection.ops
    values = ", ".join(["(%s, %s)"] * len(pairs))
    hour = {"postgresql": "date_trunc('hour', first_at)", "sqlite": "strftime('%%Y-%%m-%%d %%H', first_at)"}
    long = "last_at > first_at + interval '59 minutes'" if connection.vendor == "postgresql" else (
        "julianday(last_at) > julianday(first_at) + 59.0 / 1440")
    sql = (f"SELECT actor_id, day, {hour[connection.vendor]}, SUM(CASE WHEN {long} THEN 0 ELSE 1 END), "  # noqa: S608
           f"SUM(CASE WHEN {long} THEN 1 ELSE 0 END), MIN(first_at), MAX(last_at) "
           f"FROM {RecordViewDay._meta.db_table} WHERE (actor_id, day) IN (VALUES {values}) GROUP BY 1, 2, 3")
    with connection.cursor() as cursor:
        cursor.execute(sql, [v for actor_id, day in pairs for v in (actor_id, ops.adapt_datefield_value(day))])
        found = cursor.fetchall()
    days: dict[tuple, dict] = {}
    for actor_id, day, hour_start, short, long_, first, last in found:
        row = days.setdefault((actor_id, _as_date(day)), {"hours": {}, "long": 0, "first": None, "last": None})
        row["hours"][_hour_number(hour_start)] = short
        row["long"] += long_
        first, last = _as_datetime(first), _as_datetime(last)
        row["first"] = first if row["first"] is None else min(row["first"], first)
        row["last"] = last if row["last"] is None else max(row["last"], last)
    out = []
    for (actor_id, day), row in days.items():
        hours = row["hours"]
        peak = max(sum(hours.get(h + i, 0) for i in (-1, 0, 1)) for h in hours) + row["long"]
        out.append((actor_id, day, sum(hours.values()) + row["long"], row["first"], row["last"], peak))
    return out


def _hour_number(value) -> int:
    """Hours since the epoch of a clock hour's start (a datetime, or SQLite's "YYYY-MM-DD HH")."""
    if not isinstance(value, datetime):
        value = datetime.strptime(value, "%Y-%m-%d %H").replace(tzinfo=UTC)
    return int(value.timestamp() // 3600)


def _viewer_upsert_sql(count: int) -> str:
    values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * count)
    return (
        f"INSERT INTO {ViewerDay._meta.db_table} (actor_id, day, records, first_at, last_at, early_minutes, "  # noqa: S608
        f"late_minutes, peak) VALUES {values} ON CONFLICT (actor_id, day) DO UPDATE SET records = excluded.records, "
        "first_at = excluded.first_at, last_at = excluded.last_at, early_minutes = excluded.early_minutes, "
        "late_minutes = excluded.late_minutes, peak = excluded.peak"
    )


def day_bounds(day) -> tuple[datetime, datetime]:
    """The council's midnight starting `day` and the next one, in UTC."""
    tz = timezone.get_default_timezone()
    return (datetime.combine(day, datetime.min.time(), tzinfo=tz).astimezone(UTC),
            datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz).astimezone(UTC))


def edge_minutes(day, first: datetime, last: datetime) -> tuple[int, int]:
    """Whole minutes from the day's start to its first look, and from its last look to the next day's start."""
    start, end = day_bounds(day)
    return max(0, int((first - start).total_seconds() // 60)), max(0, int((end - last).total_seconds() // 60))


def _as_datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
    return parse_datetime(value).replace(tzinfo=UTC)


def _as_date(value):
    return value if isinstance(value, date) else date.fromisoformat(value)


def add(events: Iterable[AuditEvent], models=None) -> int:
    """Add audit rows being sealed to the summary (inside the sealing transaction). Returns the summary rows
    touched."""
    rows = aggregate(events)
    if not rows:
        return 0
    ops = connection.ops
    marks = flags(rows, models)
    params: list = []
    for key, (views, first, last) in rows.items():
        actor_id, day, family_id, person_id = key
        params += [actor_id, ops.adapt_datefield_value(day), family_id, person_id, views,
                   ops.adapt_datetimefield_value(first), ops.adapt_datetimefield_value(last), *marks[key]]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(len(rows)), params)
    totals = _viewer_days(sorted({(actor_id, day) for actor_id, day, _, _ in rows}))
    values = []
    for actor_id, day, records, first, last, peak in totals:
        values += [actor_id, ops.adapt_datefield_value(day), records, ops.adapt_datetimefield_value(first),
                   ops.adapt_datetimefield_value(last), *edge_minutes(day, first, last), peak]
    with connection.cursor() as cursor:
        cursor.execute(_viewer_upsert_sql(len(totals)), values)
    return len(rows)


def _sealed_views():
    return AuditEvent.objects.filter(summarised_q(), seq__isnull=False)


# Rebuilding on PostgreSQL: the same rules as `flags`, in set-based SQL over the whole log.
_PG_REBUILD = [
    "SET LOCAL work_mem = '256MB'",
    "DELETE FROM governance_viewerday",
    "DELETE FROM governance_recordviewday",
    """INSERT INTO governance_recordviewday (actor_id, day, family_id, person_id, views, first_at, last_at,
                                             colleague, same_surname)
       SELECT actor_id, (at AT TIME ZONE %(tz)s)::date, COALESCE(family_id, 0), COALESCE(person_id, 0), count(*),
              min(at), max(at), false, false
       FROM governance_auditevent
       WHERE seq IS NOT NULL AND action = %(view)s AND actor_id IS NOT NULL
         AND (family_id IS NOT NULL OR person_id IS NOT NULL) AND object_type <> %(review)s
       GROUP BY 1, 2, 3, 4""",
    """CREATE TEMP TABLE summary_staff ON COMMIT DROP AS
       SELECT u.id, g.council_id, lower(u.email) AS email, trim(u.full_name) ~ '\\s' AS two_words,
              lower(substring(trim(u.full_name) from '^(\\S+)')) AS given,
              lower(substring(trim(u.full_name) from '(\\S+)$')) AS family
       FROM accounts_user u JOIN accounts_agency g ON g.id = u.agency_id""",
    "ANALYZE summary_staff",
    """CREATE TEMP TABLE summary_colleagues ON COMMIT DROP AS
       SELECT m.family_id, m.person_id FROM people_familymember m JOIN people_person p ON p.id = m.person_id
       JOIN summary_staff s ON s.council_id = p.council_id AND s.two_words AND s.given = lower(p.given_name)
                           AND s.family = lower(p.family_name)
       UNION
       SELECT m.family_id, m.person_id FROM people_familymember m JOIN people_person p ON p.id = m.person_id
       JOIN summary_staff s ON s.council_id = p.council_id AND p.email <> '' AND s.email = lower(p.email)""",
    "ANALYZE summary_colleagues",
    """UPDATE governance_recordviewday SET colleague = true
       WHERE family_id > 0 AND family_id IN (SELECT family_id FROM summary_colleagues)""",
    """UPDATE governance_recordviewday SET colleague = true
       WHERE family_id = 0 AND person_id IN (SELECT person_id FROM summary_colleagues)""",
    """UPDATE governance_recordviewday r SET same_surname = true FROM summary_staff s
       WHERE s.id = r.actor_id AND s.two_words AND r.family_id > 0 AND EXISTS (
         SELECT 1 FROM people_familymember m JOIN people_personname n ON n.person_id = m.person_id
         WHERE m.family_id = r.family_id AND lower(n.family_name) = s.family)""",
    """UPDATE governance_recordviewday r SET same_surname = true FROM summary_staff s
       WHERE s.id = r.actor_id AND s.two_words AND r.family_id = 0 AND EXISTS (
         SELECT 1 FROM people_familymember m JOIN people_personname n ON n.person_id = m.person_id
         WHERE m.person_id = r.person_id AND lower(n.family_name) = s.family)""",
    """INSERT INTO governance_viewerday (actor_id, day, records, first_at, last_at, early_minutes, late_minutes,
                                         peak)
       WITH hours AS (
         SELECT actor_id, day, date_trunc('hour', first_at) AS hour,
                count(*) FILTER (WHERE last_at <= first_at + interval '59 minutes') AS short,
                count(*) FILTER (WHERE last_at > first_at + interval '59 minutes') AS long,
                min(first_at) AS first_at, max(last_at) AS last_at
         FROM governance_recordviewday GROUP BY 1, 2, 3),
       spread AS (
         SELECT *, sum(short) OVER (PARTITION BY actor_id, day ORDER BY hour
                                    RANGE BETWEEN interval '1 hour' PRECEDING AND interval '1 hour' FOLLOWING) AS three
         FROM hours)
       SELECT actor_id, day, sum(short + long), min(first_at), max(last_at),
              greatest(0, floor(extract(epoch FROM min(first_at) - (day::timestamp AT TIME ZONE %(tz)s)) / 60)),
              greatest(0, floor(extract(epoch FROM ((day + 1)::timestamp AT TIME ZONE %(tz)s) - max(last_at)) / 60)),
              max(three) + sum(long)
       FROM spread GROUP BY actor_id, day""",
]


def rebuild() -> int:
    """Recompute the whole summary from the sealed audit rows, flags from the records as they are now. Runs in one
    transaction, so the sealer (which adds to the summary as it seals) waits for it or sees it whole. Returns the
    number of summary rows."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            params = {"tz": str(timezone.get_default_timezone()), "view": AuditAction.VIEW, "review": ACCESS_REVIEW}
            with connection.cursor() as cursor:
                for sql in _PG_REBUILD:
                    cursor.execute(sql, params if "%(" in sql else None)
            return RecordViewDay.objects.count()
        ViewerDay.objects.all().delete()
        RecordViewDay.objects.all().delete()
        last_id = 0
        while True:
            events = list(_sealed_views().filter(id__gt=last_id).order_by("id")[:BATCH])
            if not events:
                break
            add(events)
            last_id = events[-1].id
        return RecordViewDay.objects.count()


def differences(limit: int = 20) -> list[str]:
    """Where the summary's counts and the sealed audit rows disagree (empty when they agree), and any user's day
    whose record count does not match its summary rows: for tests and checks. (The flags depend on the records at
    sealing time, so they are not compared.)"""
    expected = aggregate(_sealed_views().iterator(chunk_size=5000))
    found = {(r.actor_id, r.day, r.family_id, r.person_id): [r.views, r.first_at, r.last_at]
             for r in RecordViewDay.objects.all().iterator(chunk_size=5000)}
    out = []
    for key in sorted(set(expected) | set(found), key=str):
        if expected.get(key) != found.get(key):
            out.append(f"user {key[0]} on {key[1]}, family {key[2]}, person {key[3]}: "
                       f"log {expected.get(key)}, summary {found.get(key)}")
    per_day: dict[tuple, list] = {}
    hours: dict[tuple, dict] = defaultdict(lambda: defaultdict(int))
    longs: dict[tuple, int] = defaultdict(int)
    for (actor_id, day, _, _), (_, first, last) in expected.items():
        row = per_day.setdefault((actor_id, day), [0, first, last])
        row[0] += 1
        row[1], row[2] = min(row[1], first), max(row[2], last)
        if last > first + LONG_SPAN:
            longs[(actor_id, day)] += 1
        else:
            hours[(actor_id, day)][int(first.timestamp() // 3600)] += 1
    for key, row in per_day.items():
        counts = hours[key]
        peak = max([sum(counts.get(h + i, 0) for i in (-1, 0, 1)) for h in counts] or [0]) + longs[key]
        row += [*edge_minutes(key[1], row[1], row[2]), peak]
    viewers = {(v.actor_id, v.day): [v.records, v.first_at, v.last_at, v.early_minutes, v.late_minutes, v.peak]
               for v in ViewerDay.objects.all()}
    for key in sorted(set(per_day) | set(viewers), key=str):
        if per_day.get(key) != viewers.get(key):
            out.append(f"user {key[0]} on {key[1]}: log {per_day.get(key)}, per-day summary {viewers.get(key)}")
    return out[:limit]
