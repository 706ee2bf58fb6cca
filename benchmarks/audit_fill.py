"""The data of the unusual-access report benchmark (benchmarks/audit_report.py), made in its worker process: 2,000
staff added to the demo council, a year of synthetic audit rows written in the database, the record-view summary
built from them, then a tail of rows sealed by the real sealer and another left unsealed."""

import time
from datetime import datetime, timedelta

from benchmarks.run import log

MANAGER, COUNCIL = "manager@demo.hearth.test", "hearthshire"
SESSION = 4  # audit rows per session (one user, one family)
CASELOAD = 30
TEAM_SIZE = 12
SEALED_TAIL, UNSEALED_TAIL = 2000, 300
BURSTS, BURST_LOOKS = 40, 35


def _staff(count: int) -> list[int]:
    """Users of the demo council with names from the families' pools; the first TEAM_SIZE in the demo manager's
    team, one in ten a screener or coordinator. Returns their ids."""
    import random

    from hearth.accounts.models import Agency, Role, Team, User, UserRole
    from hearth.demo.names import FAMILY, FEMALE, MALE

    rng = random.Random(7)
    agencies = list(Agency.objects.filter(council__code=COUNCIL).order_by("pk"))
    team = Team.objects.get(manager__email=MANAGER)
    users = []
    for i in range(count):
        given = rng.choice(FEMALE + MALE)
        family = rng.choice(FAMILY)
        user = User(email=f"staff{i}@bench.hearth.test", full_name=f"{given} {family}", job_title="Practitioner",
                    agency=team.agency if i < TEAM_SIZE else agencies[i % len(agencies)],
                    team=team if i < TEAM_SIZE else None)
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users, batch_size=1000)
    roles = [UserRole(user=u, role=Role.MASH_SCREENER if i % 10 == 0 and i >= TEAM_SIZE else Role.PRACTITIONER)
             for i, u in enumerate(users)]
    UserRole.objects.bulk_create(roles, batch_size=1000)
    return [u.pk for u in users]


FILL_SQL = """
INSERT INTO governance_auditevent (at, actor_id, action, object_type, object_id, family_id, person_id, ip_address,
                                   detail, seq, prev_hash, hash)
SELECT at, user_id, action, object_type, object_id, family_id, person_id, ip_address, '{}'::jsonb,
       i + 1, CASE WHEN i = 0 THEN '' ELSE md5((i - 1)::text) || md5(i::text) END, md5(i::text) || md5((i + 1)::text)
FROM (
  SELECT g.i,
         %(t0)s::timestamptz + (ses.day * interval '1 day') + interval '8 hours'
           + (ses.frac * interval '10 hours') + ((g.i %% %(session)s) * interval '40 seconds') AS at,
         s.user_id,
         CASE WHEN k.r < 80 THEN 'view' WHEN k.r < 88 THEN 'search' WHEN k.r < 95 THEN 'update' ELSE 'login' END
           AS action,
         CASE WHEN k.r < 60 THEN 'people.family' WHEN k.r < 88 THEN 'people.person'
              WHEN k.r < 95 THEN 'cases.casenote' ELSE 'accounts.user' END AS object_type,
         CASE WHEN k.r < 60 OR (k.r >= 88 AND k.r < 95) THEN f.family_id::text WHEN k.r < 80 THEN f.person_id::text
              ELSE '' END AS object_id,
         CASE WHEN k.r < 60 OR (k.r >= 88 AND k.r < 95) THEN f.family_id END AS family_id,
         CASE WHEN k.r >= 60 AND k.r < 80 THEN f.person_id END AS person_id,
         ('10.' || (s.user_id %% 200) || '.' || (ses.day %% 250) || '.1')::inet AS ip_address
  FROM generate_series(%(lo)s::bigint, %(hi)s::bigint - 1) AS g(i)
  CROSS JOIN LATERAL (
    SELECT g.i / %(session)s AS n,
           ((g.i / %(session)s) * %(days)s) / %(sessions)s AS day,
           (((g.i / %(session)s) * %(days)s) %% %(sessions)s)::float8 / %(sessions)s AS frac
  ) ses
  JOIN bench_slot s ON s.slot = abs(hashint8extended(ses.n, 1)) %% %(slots)s
  JOIN bench_family f ON f.idx = CASE
      WHEN s.heavy THEN abs(hashint8extended(ses.n, 2)) %% %(families)s
      ELSE (s.base + floor(power((abs(hashint8extended(ses.n, 3)) %% 10000) / 10000.0, 2) * %(caseload)s)::int)
           %% %(families)s END
  CROSS JOIN LATERAL (SELECT abs(hashint8extended(g.i, 4)) %% 100 AS r) k
) rows
"""

BURST_SQL = """
INSERT INTO governance_auditevent (at, actor_id, action, object_type, object_id, family_id, person_id, ip_address,
                                   detail, seq, prev_hash, hash)
SELECT %(t_end)s::timestamptz - ((1 + abs(hashint8extended(b, 5)) %% 90) * interval '1 day')
         + ((abs(hashint8extended(b, 6)) %% 480) * interval '1 minute') + (k * interval '12 seconds'),
       s.user_id, 'view', 'people.family', f.family_id::text, f.family_id, NULL, '10.9.9.9'::inet, '{}'::jsonb,
       %(seq0)s + b * %(looks)s + k + 1, md5('b' || b || k), md5('b' || b || k) || md5('b' || k || b)
FROM generate_series(0, %(bursts)s - 1) b
CROSS JOIN generate_series(0, %(looks)s - 1) k
JOIN bench_slot s ON s.slot = abs(hashint8extended(b, 7)) %% %(slots)s
JOIN bench_family f ON f.idx = abs(hashint8extended(b * 100 + k, 8)) %% %(families)s
"""

TAIL_SQL = """
INSERT INTO governance_auditevent (at, actor_id, action, object_type, object_id, family_id, person_id, ip_address,
                                   detail, hash, prev_hash)
SELECT now() - ((abs(hashint8extended(i, 9)) %% 600) * interval '1 second'), s.user_id, 'view', 'people.family',
       f.family_id::text, f.family_id, NULL, '10.8.8.8'::inet, '{}'::jsonb, '', ''
FROM generate_series(1, %(n)s) i
JOIN bench_slot s ON s.slot = abs(hashint8extended(i, 10)) %% %(slots)s
JOIN bench_family f ON f.idx = abs(hashint8extended(i, 11)) %% %(families)s
"""


def fill(rows: int, days: int, staff: int) -> dict:
    """The staff, the audit rows, the summary, the chain's head, then the sealer's tail and the unsealed rows."""
    from django.db import connection
    from django.utils import timezone

    from hearth.audit import sealer, summary
    from hearth.audit.models import AuditChainHead

    started = time.perf_counter()
    staff_ids = _staff(staff)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM accounts_user WHERE email LIKE %s", ["%@demo.hearth.test"])
        demo_ids = cursor.fetchall()
    slots = []
    for i, user_id in enumerate(staff_ids):
        heavy = i % 10 == 0 and i >= TEAM_SIZE
        slots += [(user_id, heavy)] * (5 if heavy else 1)
    slots += [(user_id, False) for (user_id,) in demo_ids]
    today = timezone.localdate()
    t0 = datetime.combine(today - timedelta(days=days), datetime.min.time(),
                          tzinfo=timezone.get_default_timezone())
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_slot (slot int PRIMARY KEY, user_id bigint, heavy bool, base int)")
        cursor.executemany("INSERT INTO bench_slot VALUES (%s, %s, %s, %s)",
                           [(n, u, h, (u * 7919) % 1_000_003) for n, (u, h) in enumerate(slots)])
        cursor.execute("CREATE TEMP TABLE bench_family AS SELECT (row_number() OVER (ORDER BY f.id) - 1)::int AS idx, "
                       "f.id AS family_id, (SELECT min(m.person_id) FROM people_familymember m "
                       "WHERE m.family_id = f.id) AS person_id FROM people_family f")
        cursor.execute("ALTER TABLE bench_family ADD PRIMARY KEY (idx)")
        cursor.execute("ANALYZE bench_slot")
        cursor.execute("ANALYZE bench_family")
        families = cursor.execute("SELECT count(*) FROM bench_family").fetchone()[0]
        # Load without the secondary indexes, then build them once.
        indexes = cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'governance_auditevent' "
            "AND indexname NOT LIKE '%%pkey' AND indexdef NOT LIKE 'CREATE UNIQUE%%'").fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        insert_started = time.perf_counter()
        sessions = rows // SESSION
        chunk = 1_000_000
        for lo in range(0, rows, chunk):
            cursor.execute(FILL_SQL, {"t0": t0, "lo": lo, "hi": min(rows, lo + chunk), "days": days,
                                      "sessions": sessions, "slots": len(slots), "families": families,
                                      "session": SESSION, "caseload": CASELOAD})
            log(f"  {min(rows, lo + chunk):,} rows")
        cursor.execute(BURST_SQL, {"t_end": timezone.now(), "seq0": rows, "looks": BURST_LOOKS, "bursts": BURSTS,
                                   "slots": len(slots) - len(demo_ids), "families": families})
        insert_s = time.perf_counter() - insert_started
        index_started = time.perf_counter()
        for _, definition in indexes:
            cursor.execute(definition)
        index_s = time.perf_counter() - index_started
        last_seq, last_hash = cursor.execute(
            "SELECT seq, hash FROM governance_auditevent WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1").fetchone()
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_seq": last_seq, "last_hash": last_hash})
    summary_started = time.perf_counter()
    summary_rows = summary.rebuild()
    summary_s = time.perf_counter() - summary_started
    with connection.cursor() as cursor:
        # As autovacuum would have by now: the visibility map lets the summary's covering index answer alone.
        cursor.execute("VACUUM ANALYZE governance_recordviewday")
        cursor.execute("VACUUM ANALYZE governance_viewerday")
        cursor.execute("ANALYZE")
        cursor.execute(TAIL_SQL, {"n": SEALED_TAIL, "slots": len(slots), "families": families})
    seal_started = time.perf_counter()
    sealed = sealer.seal_round().sealed
    seal_s = time.perf_counter() - seal_started
    with connection.cursor() as cursor:
        cursor.execute(TAIL_SQL, {"n": UNSEALED_TAIL, "slots": len(slots), "families": families})
        cursor.execute(
            "SELECT pg_total_relation_size('governance_auditevent'), "
            "pg_total_relation_size('governance_recordviewday') + pg_total_relation_size('governance_viewerday'), "
            "(SELECT count(*) FROM governance_auditevent), "
            "(SELECT count(*) FROM governance_auditevent WHERE action = 'view'), pg_database_size(current_database()),"
            "(SELECT count(*) FROM governance_recordviewday WHERE colleague), "
            "(SELECT count(*) FROM governance_recordviewday WHERE same_surname), "
            "(SELECT count(*) FROM governance_viewerday)")
        sizes = cursor.fetchone()
    return {
        "fill_s": round(time.perf_counter() - started, 1), "insert_s": round(insert_s, 1),
        "index_s": round(index_s, 1), "summary_s": round(summary_s, 1), "summary_rows": summary_rows,
        "sealed_tail": sealed, "seal_tail_s": round(seal_s, 2), "unsealed_tail": UNSEALED_TAIL,
        "staff": staff, "days": days, "audit_rows": sizes[2], "view_rows": sizes[3],
        "audit_mb": sizes[0] // 2**20, "summary_mb": sizes[1] // 2**20, "db_mb": sizes[4] // 2**20,
        "families": families, "colleague_rows": sizes[5], "surname_rows": sizes[6], "viewer_days": sizes[7],
    }
