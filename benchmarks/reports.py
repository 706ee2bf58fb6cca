"""Benchmark: the caseload report (`/reports/caseload`), the reports counted over a period (`/reports/flow`,
`/reports/timeliness`, `/reports/outcomes`, `/reports/equality`), the Standard Safeguarding Dataset extract and the
pseudonymised analysis extract at 250,000 families on PostgreSQL (issue 15: each management-information page within 1 s
at p95; an extract within 60 s and 300 MB).

    .venv/bin/python -m benchmarks.reports                          # 250,000 families, 30 requests a page
    .venv/bin/python -m benchmarks.reports --families 2000 --no-doc # quick, printed only
    .venv/bin/python -m benchmarks.reports --explain                # also EXPLAIN ANALYZE the report's statements
    .venv/bin/python -m benchmarks.reports --no-extract             # the pages only (the extract's figures kept)

1. The database is the load benchmark's (benchmarks/load_data.py): `hearth_load` for 250,000 families,
   `hearth_load_small` for any other size. It is reused when it holds the demo council with exactly `--families`
   generated families and the code's migrations; otherwise it is dropped and made again with `hearth demo-up` and
   `hearth generate --families N --seed 1 --with-work` (every family with a lead professional gets an episode,
   most of them open).
2. In a subprocess, Django's test client signs in as the demo analyst (`analyst@demo.hearth.test`) and requests
   the caseload report counted by each breakdown (team, agency, locality, level, lead professional) and with a
   filter (a locality, a team, an agency, a level), and the flow report for the financial year to date (its
   default), the 12 months to today, the last full quarter, and with a locality (and a level) filter, the
   timeliness and outcomes reports and the equality report by each breakdown (ethnicity, sex, age band,
   disability) for the financial year to date and the 12 months to today, through the whole request path
   (middleware, the request's transaction, the session; no network, no web server); then the flow and timeliness
   pages again with `--referrals` synthetic referrals (see `_synthetic_referrals`). Each page:
   `--warm-up` untimed requests, one request with its SQL statements counted (and the time of its SQL and of the
   suppression of its tables), then `--runs` timed requests, with the machine's load average (1 minute) before and
   after.
3. `hearth.reports.suppression.protect` is then timed alone on the largest table the caseload pages produced, with
   the number of linear programmes (SciPy's `linprog`) one call solves, to show how much of a page is suppression.
4. In another subprocess, the Standard Safeguarding Dataset extract is made as the worker makes it: the job's own
   function (`queue.call_now(tasks.ssd_extract, council, user)`) as the demo data protection officer
   (`dpo@demo.hearth.test`), with `extract_files.write` wrapped to keep the zip's size and each object's rows
   timed (reading the rows from the database, and the whole object with its CSV and Parquet). Its wall time, the
   subprocess's peak resident memory (`getrusage` `ru_maxrss`), rows per object and the zip's size are reported,
   with the load average before and after. The pseudonymised analysis extract is made the same way in a third
   subprocess (`tasks.make_extract("pseudonymised", …)`, as the demo analyst), with `--referrals` synthetic
   referrals in that process's session (its `referrals` object reads them). Outside a job the file is not kept
   (`keep_file` answers False); the EXPORT audit record is written, as the job writes it. `--profile-extract`
   prints each extract's cProfile (the 25 costliest functions by cumulative time) to stderr.

The results are printed as Markdown and, for a 250,000-family run (or with `--write-doc`), written into
docs/performance.md as the section "Reports at 250,000 families"; the rest of the page is left as it is. With
`--no-extract` the extracts' figures of the section's last run are kept (they are marked with their own date).
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from datetime import datetime
from urllib.parse import urlencode

from benchmarks import fresh_db
from benchmarks.load_data import ensure_database, json_from, pg_parts
from benchmarks.load_report import FULL_SIZE
from benchmarks.load_settings import Failed
from benchmarks.report import get_section, write_section
from benchmarks.reports_settings import (
    ANALYST,
    CASELOAD,
    EQUALITY,
    EXPLAINED,
    EXTRACT_KINDS,
    EXTRACT_TIMEOUT_S,
    FLOW,
    HEADING,
    OUTCOMES,
    PAGES,
    PG_BASE,
    READ_REFERRALS,
    REFERRALS,
    REPORT_TABLES,
    RUNS,
    TIMELINESS,
    WARM_UP,
    WORKER_TIMEOUT_S,
)
from benchmarks.reports_text import previous_extract, section
from benchmarks.run import log, machine
from benchmarks.search import _stats
from benchmarks.settings import BENCH_DIR, DOC, ROOT

# ---------------------------------------------------------------------------------------------
# The orchestrating process: the database (the load benchmark's), the worker, the report.


def run(args) -> dict:
    pg = pg_parts(args.pg_url)
    env = fresh_db.db_env("postgres", args.pg_url, BENCH_DIR / "unused.sqlite3")
    database = ensure_database(env, pg, args)
    log(f"{len(PAGES)} pages of /reports/caseload, flow, timeliness, outcomes and equality, {args.warm_up} warm-up "
        f"and {args.runs} timed "
        f"requests each, as {ANALYST}")
    command = [sys.executable, "-m", "benchmarks.reports", "--worker", "--runs", str(args.runs),
               "--warm-up", str(args.warm_up), "--protect-runs", str(args.protect_runs),
               "--referrals", str(args.referrals)]
    if args.explain:
        command.append("--explain")
    result = json_from(env, command, "the reports worker", timeout=WORKER_TIMEOUT_S)
    extracts = {}
    for kind, (key, title, who) in EXTRACT_KINDS.items():
        if args.no_extract:
            extracts[key] = previous_extract(key)
            if extracts[key]:
                log(f"--no-extract: keeping {title}'s figures of {extracts[key]['date']}")
            continue
        log(f"{title}, as {who}, in its own process")
        command = [sys.executable, "-m", "benchmarks.reports", "--extract-worker", "--extract-kind", kind,
                   "--referrals", str(args.referrals if kind == "pseudonymised" else 0)]
        if args.profile_extract:
            command.append("--profile-extract")
        extracts[key] = {"date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
                         "command": " ".join(["python -m benchmarks.reports", *args.argv]),
                         **json_from(env, command, f"the {kind} extract worker", timeout=EXTRACT_TIMEOUT_S)}
        e = extracts[key]
        log(f"{kind} extract: {e['wall_s']} s, peak {e['peak_rss_mb']} MB, zip {e['zip_mb']} MB")
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "command": " ".join(["python -m benchmarks.reports", *args.argv]),
        "database": {"name": pg["name"], **database}, "generated": args.families,
        **result, **extracts,
    }




# ---------------------------------------------------------------------------------------------
# The worker process: Django set up against the load benchmark's database, pages requested in-process.


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _size(cells: list[list[int]]) -> int:
    return sum(len(row) for row in cells)


def _report_rows(report) -> int:
    """The rows of a period report's tables (outcomes: also its outcome areas)."""
    if hasattr(report, "measures"):  # timeliness
        return sum(len(m.table.rows) for m in report.measures)
    if hasattr(report, "table"):  # equality
        return len(report.table.rows)
    return sum(len(t.rows) for t in report.tables) + len(getattr(report, "areas", ()))


def _own(sql: str) -> bool:
    return any(table in sql for table in REPORT_TABLES)


def _period_query(period: str | None, today: dt.date) -> dict:
    """The flow report's date fields for a named period: "year", the 12 months to today; "quarter", the last full
    quarter of the financial year (April to June, July to September, October to December, January to March)."""
    if period is None:
        return {}
    if period == "year":
        start, end = today.replace(year=today.year - 1) + dt.timedelta(days=1), today
    elif period == "quarter":
        end = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1) - dt.timedelta(days=1)
        start = end.replace(month=end.month - 2, day=1)
    else:
        raise ValueError(period)
    return {f"{field}-{part}": getattr(day, part) for field, day in (("date_from", start), ("date_to", end))
            for part in ("day", "month", "year")}


def _explain(connection, name: str, captured: list[dict]) -> None:
    """EXPLAIN ANALYZE the report's statements (those reading cases_episode or referrals_referral) of one counted
    request, to stderr."""
    for q in captured:
        if not _own(q["sql"]):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"\n--- {name}: {q['sql']}\n{plan}", file=sys.stderr, flush=True)


def _synthetic_referrals(connection, council, n: int) -> None:
    """`n` made-up referrals in a temporary table of this process's own session that stands in for
    referrals_referral (PostgreSQL looks in the session's temporary schema first): the shared database is left as it
    is, and the table goes when the session ends. `hearth generate` makes no referrals, so without them the flow
    report's requests, decisions, step-ups and re-referrals count a handful of rows. Spread over the last 900 days
    (as the generated episodes are), 5% step-ups, 70% linked to a family, 90% screened with a decision, requesters
    the council's users, parents and young people."""
    from django.db.backends.signals import connection_created

    from hearth.accounts.models import User

    users = list(User.objects.filter(agency__council=council).values_list("pk", flat=True))
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM people_family WHERE council_id = %s", [council.pk])
        low, high = cursor.fetchone()
        cursor.execute("CREATE TEMPORARY TABLE referrals_referral (LIKE public.referrals_referral INCLUDING ALL)")
        cursor.execute("SELECT setseed(0.15)")
        cursor.execute("""
            INSERT INTO referrals_referral (reference, kind, status, requester_kind, requester_name, requester_email,
                requester_phone, requester_relationship, family_details, address, postcode, concerns, tried_already,
                hoped_for, agreement_method, agreement_given_by, consent_not_sought_reason, received_at, screened_at,
                level, level_reasons, decision, decision_notes, outcome_message, outcome_told_how, version,
                council_id, family_id, requester_user_id, requester_agency, same_day_triggers, urgency)
            SELECT 'BENCH-' || g, CASE WHEN r1 < 0.05 THEN 'step_up' ELSE 'request' END, 'screened',
                CASE WHEN r2 < 0.75 THEN 'practitioner' WHEN r2 < 0.95 THEN 'parent' ELSE 'young_person' END,
                '', '', '', '', '', '', '', '', '', '', 'written', '', '',
                at, CASE WHEN r3 < 0.9 AND at + interval '2 days' < now() THEN at + interval '2 days' END,
                CASE WHEN r3 < 0.8 THEN 1 + floor(r4 * 4)::int END, '',
                CASE WHEN r3 < 0.9 THEN (ARRAY['advice', 'consent_first', 'early_help_plan',
                    'social_work_assessment', 'emergency'])[1 + floor(r4 * 5)::int] ELSE '' END,
                '', '', '', 1, %(council)s,
                CASE WHEN r5 < 0.7 THEN %(low)s + floor(random() * (%(high)s - %(low)s + 1))::bigint END,
                CASE WHEN r2 < 0.75 THEN (%(users)s::bigint[])[1 + floor(random() * %(n_users)s)::int] END,
                '', '[]', 3
            FROM (SELECT g, now() - random() * interval '900 days' AS at, random() AS r1, random() AS r2,
                         random() AS r3, random() AS r4, random() AS r5
                  FROM generate_series(1, %(n)s) g) made
        """, {"council": council.pk, "low": low, "high": high, "users": users, "n_users": len(users), "n": n})
        cursor.execute("ANALYZE referrals_referral")
    connection.close_at = None  # keep this session (and its temporary table) for the pages that follow

    def reconnected(**kwargs):
        raise SystemExit("the database connection was made again: the synthetic referrals are gone")

    connection_created.connect(reconnected, weak=False)
    log(f"{n:,} synthetic referrals in a temporary table, made in {time.perf_counter() - started:.1f} s")


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from hearth.accounts.models import Agency, Team, User
    from hearth.cases.models import Episode
    from hearth.core.models import Council, Locality
    from hearth.people.models import Family
    from hearth.referrals.models import Referral
    from hearth.reports import caseload, equality, flow, outcomes, suppression, timeliness

    council = Council.objects.get(code="hearthshire")
    analyst = User.objects.get(email=ANALYST)
    ids = {"locality": {x.code: x.pk for x in Locality.objects.filter(council=council)},
           "team": {t.name: t.pk for t in Team.objects.filter(agency__council=council)},
           "agency": {a.name: a.pk for a in Agency.objects.filter(council=council)}}
    today = timezone.localdate()
    pages = []
    for name, path, query in PAGES:
        query = dict(query)
        params = {k: ids[k][v] if k in ids else v for k, v in query.items() if k != "period"}
        params.update(_period_query(query.get("period"), today))
        pages.append((name, path, path + ("?" + urlencode(params) if params else "")))

    # protect (and one_way) as the reports call them, wrapped to keep the tables they were given and how long they
    # took; each period report's function (flow.flow, …) wrapped to keep its period and the rows of its tables.
    tables, flows = [], []
    builds = {FLOW: (flow, "flow"), TIMELINESS: (timeliness, "timeliness"), OUTCOMES: (outcomes, "outcomes"),
              EQUALITY: (equality, "equality")}
    patched = [(caseload, "protect"), (flow, "protect"), (flow, "one_way"), (timeliness, "one_way"),
               (outcomes, "one_way"), (equality, "protect")] + list(builds.values())
    originals = {(module, attr): getattr(module, attr) for module, attr in patched}

    def recording(module, attr):
        original = originals[(module, attr)]
        if (module, attr) in builds.values():
            def build(*a, **kw):
                out = original(*a, **kw)
                flows.append(out)
                return out
            return build

        def protecting(cells, **kw):
            started = time.perf_counter()
            out = original(cells, **kw)
            tables.append({"cells": cells if module is caseload else None, "threshold": kw.get("threshold"),
                           "ms": _ms_since(started)})
            return out
        return protecting

    recorders = {key: recording(*key) for key in patched}

    def record(on: bool) -> None:
        for (module, attr), original in originals.items():
            setattr(module, attr, recorders[(module, attr)] if on else original)

    client = Client(HTTP_HOST="localhost")
    client.force_login(analyst)

    def get(url):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}, not 200")
        return response

    # The database as it is, before any synthetic referrals (which would count in its size and its referrals).
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), pg_database_size(current_database())")
        version, size = cursor.fetchone()
    database = {
        "server": f"PostgreSQL {version}", "db_size_mb": round(size / 1024 / 1024),
        "families": Family.objects.filter(council=council).count(),
        "open_episodes": caseload.open_episodes(council, {}).count(),
        "episodes": Episode.objects.filter(family__council=council).count(),
        "referrals": Referral.objects.filter(council=council).count(),
    }

    results, largest, periods = [], None, {}
    synthetic = [(f"{name}, with {args.referrals:,} referrals", path, url) for name, path, url in pages
                 if path in READ_REFERRALS] if args.referrals else []
    for name, path, url in [*pages, *synthetic]:
        if synthetic and name == synthetic[0][0]:
            _synthetic_referrals(connection, council, args.referrals)
        load_before = _load()
        for _ in range(args.warm_up):
            get(url)
        record(True)
        tables.clear()
        flows.clear()
        try:
            with CaptureQueriesContext(connection) as ctx:
                get(url)
        finally:
            record(False)
        captured = list(ctx.captured_queries)
        if path == CASELOAD:
            table = tables[-1]
            rows = len(table["cells"])
            if largest is None or _size(table["cells"]) > _size(largest["cells"]):
                largest = {**table, "page": name}
        else:
            report = flows[-1]
            rows = _report_rows(report)
            periods[str(report.period)] = None
        protect_ms = sum(t["ms"] for t in tables)
        if args.explain and (name in EXPLAINED or (synthetic and name == synthetic[1][0])):
            _explain(connection, name, captured)
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            get(url)
            timings.append(_ms_since(started))
        results.append({
            "page": name, "path": url, "queries": len(captured), "rows": rows,
            "sql_ms": round(sum(float(q["time"]) for q in captured) * 1000, 1),
            "report_sql_ms": [round(float(q["time"]) * 1000, 1) for q in captured if _own(q["sql"])],
            "protect_ms": round(protect_ms, 1), "load": [load_before, _load()],
            **_stats(timings), "mean": round(statistics.mean(timings), 1)})
        log(f"{name}: median {results[-1]['median']} ms, p95 {results[-1]['p95']} ms")

    # protect alone on the largest table, counting the linear programmes one call solves.
    solved = [0]
    original_linprog = suppression.linprog

    def counting_linprog(*a, **kw):
        solved[0] += 1
        return original_linprog(*a, **kw)

    suppression.linprog = counting_linprog
    try:
        protected = suppression.protect(largest["cells"], threshold=largest["threshold"])
    finally:
        suppression.linprog = original_linprog
    hidden = (sum(v is None for row in protected.cells for v in row) + protected.row_totals.count(None)
              + protected.column_totals.count(None) + (protected.total is None))
    load_before, protect_ms = _load(), []
    for _ in range(args.protect_runs):
        started = time.perf_counter()
        suppression.protect(largest["cells"], threshold=largest["threshold"])
        protect_ms.append(_ms_since(started))

    out = {
        **database,
        "periods": "; ".join(periods), "referrals_made": args.referrals, "warm_up": args.warm_up, "pages": results,
        "protect": {"page": largest["page"], "rows": len(largest["cells"]), "columns": _size(largest["cells"][:1]),
                    "hidden": hidden, "linprogs": solved[0], "load": [load_before, _load()], **_stats(protect_ms)},
    }
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reports", description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=FULL_SIZE, help=f"generated families (default {FULL_SIZE:,})")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed requests of each page (default {RUNS})")
    parser.add_argument("--warm-up", type=int, default=WARM_UP, help=f"untimed requests first (default {WARM_UP})")
    parser.add_argument("--protect-runs", type=int, default=RUNS,
                        help=f"calls of protect timed alone (default {RUNS})")
    parser.add_argument("--explain", action="store_true",
                        help="print EXPLAIN ANALYZE of the report's statements (by team, by lead) to stderr")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default=os.environ.get("HEARTH_LOAD_PG_URL"),
                        help="default: …/hearth_load for 250,000 families, …/hearth_load_small otherwise")
    parser.add_argument("--regenerate", action="store_true", help="make the database again even if it could be reused")
    parser.add_argument("--no-progress", action="store_true", help="hide hearth generate's progress bar")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument("--write-doc", action="store_true",
                        help=f"write docs/performance.md even when --families is not {FULL_SIZE:,}")
    parser.add_argument("--referrals", type=int, default=REFERRALS,
                        help=f"the flow pages again with this many synthetic referrals (default {REFERRALS:,}; 0: not)")
    parser.add_argument("--no-extract", action="store_true",
                        help="leave out the extract (a written section keeps the extract's figures of its last run)")
    parser.add_argument("--profile-extract", action="store_true",
                        help="print the extract's cProfile (the 25 costliest functions) to stderr")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--extract-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--extract-kind", choices=tuple(EXTRACT_KINDS), default="ssd", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = argv
    if args.runs < 1 or args.warm_up < 0 or args.protect_runs < 1 or args.families < 1:
        raise Failed("--runs, --protect-runs and --families must be 1 or more, --warm-up 0 or more")
    if args.worker:
        worker(args)
        return
    if args.extract_worker:
        from benchmarks.reports_extract import extract_worker  # it imports this module's worker helpers

        extract_worker(args)
        return
    args.pg_url = args.pg_url or PG_BASE + ("hearth_load" if args.families == FULL_SIZE else "hearth_load_small")

    result = run(args)
    text = "\n".join(section(result))
    print(text)
    if args.no_doc or (args.families != FULL_SIZE and not args.write_doc):
        log("docs/performance.md left as it is.")
        return
    write_section(text, HEADING)
    assert get_section(DOC.read_text(), HEADING)  # noqa: S101
    log(f"wrote the section \"{HEADING}\" of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
