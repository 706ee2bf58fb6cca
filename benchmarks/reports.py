"""Benchmark: the caseload report (`/reports/caseload`) at 250,000 families on PostgreSQL (issue 15: each
management-information page within 1 s at p95).

    .venv/bin/python -m benchmarks.reports                          # 250,000 families, 30 requests a page
    .venv/bin/python -m benchmarks.reports --families 2000 --no-doc # quick, printed only
    .venv/bin/python -m benchmarks.reports --explain                # also EXPLAIN ANALYZE the report's statements

1. The database is the load benchmark's (benchmarks/load_data.py): `hearth_load` for 250,000 families,
   `hearth_load_small` for any other size. It is reused when it holds the demo council with exactly `--families`
   generated families and the code's migrations; otherwise it is dropped and made again with `hearth demo-up` and
   `hearth generate --families N --seed 1 --with-work` (every family with a lead professional gets an episode,
   most of them open).
2. In a subprocess, Django's test client signs in as the demo analyst (`analyst@demo.hearth.test`) and requests
   the report counted by each breakdown (team, agency, locality, level, lead professional) and with a filter (a
   locality, a team, an agency, a level), through the whole request path (middleware, the request's transaction,
   the session; no network, no web server). Each page: `--warm-up` untimed requests, one request with its SQL
   statements counted (and the time of its SQL and of `suppression.protect` on the report's table), then `--runs`
   timed requests, with the machine's load average (1 minute) before and after.
3. `hearth.reports.suppression.protect` is then timed alone on the largest table the pages produced, with the
   number of linear programmes (SciPy's `linprog`) one call solves, to show how much of a page is suppression.

The results are printed as Markdown and, for a 250,000-family run (or with `--write-doc`), written into
docs/performance.md as the section "Reports at 250,000 families"; the rest of the page is left as it is.
"""

import argparse
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
from benchmarks.report import _machine_line, _ms, _verdict, get_section, write_section
from benchmarks.run import log, machine
from benchmarks.search import _stats
from benchmarks.settings import BENCH_DIR, DOC, ROOT

HEADING = "Reports at 250,000 families"
DATA_MARK = "reports-bench-data"
PG_BASE = "postgres://postgres@127.0.0.1:5432/"
ANALYST = "analyst@demo.hearth.test"
TARGET_P95_MS = 1000
RUNS = 30
WARM_UP = 3
WORKER_TIMEOUT_S = 3600
# The pages: (name, query). Filters name the demo council's records by what they are, looked up in the worker.
PAGES = (
    ("By team", {"by": "team"}),
    ("By agency", {"by": "agency"}),
    ("By locality", {"by": "locality"}),
    ("By level", {"by": "level"}),
    ("By lead professional", {"by": "lead"}),
    ("By team, the North locality", {"by": "team", "locality": "north"}),
    ("By lead professional, the Family Support North team", {"by": "lead", "team": "Family Support North"}),
    ("By locality, the Hearthshire Early Help agency", {"by": "locality", "agency": "Hearthshire Early Help"}),
    ("By team, level 3", {"by": "team", "level": "3"}),
)
EXPLAINED = ("By team", "By lead professional")  # the pages whose statements --explain shows


# ---------------------------------------------------------------------------------------------
# The orchestrating process: the database (the load benchmark's), the worker, the report.


def run(args) -> dict:
    pg = pg_parts(args.pg_url)
    env = fresh_db.db_env("postgres", args.pg_url, BENCH_DIR / "unused.sqlite3")
    database = ensure_database(env, pg, args)
    log(f"{len(PAGES)} pages of /reports/caseload, {args.warm_up} warm-up and {args.runs} timed requests each, "
        f"as {ANALYST}")
    command = [sys.executable, "-m", "benchmarks.reports", "--worker", "--runs", str(args.runs),
               "--warm-up", str(args.warm_up), "--protect-runs", str(args.protect_runs)]
    if args.explain:
        command.append("--explain")
    result = json_from(env, command, "the reports worker", timeout=WORKER_TIMEOUT_S)
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "command": " ".join(["python -m benchmarks.reports", *args.argv]),
        "database": {"name": pg["name"], **database}, "generated": args.families,
        **result,
    }


def _lower(name: str) -> str:
    return name[:1].lower() + name[1:]


def section(r: dict) -> list[str]:
    pages = r["pages"]
    worst = max(pages, key=lambda p: p["p95"])
    ok = all(p["p95"] <= TARGET_P95_MS for p in pages)
    p = r["protect"]
    lines = [
        f"## {HEADING}",
        "",
        f"<!-- {DATA_MARK} {json.dumps(r, sort_keys=True)} -->",
        "",
        f"Target (issue 15): each management-information page within {TARGET_P95_MS / 1000:.0f} s at p95 with "
        f"250,000 families on PostgreSQL. Measured: the caseload report's slowest page, {_lower(worst['page'])}, "
        f"{_ms(worst['p95'])} at p95; the target is {_verdict(ok)}.",
        "",
        _machine_line(r),
        "",
        f"{r['families']:,} families ({r['generated']:,} from `hearth generate --families {r['generated']} --seed 1 "
        f"--with-work`, the rest the demo council's), {r['open_episodes']:,} open Early Help episodes; database "
        f"{r['db_size_mb']:,} MB (`{r['database']['name']}`, the load benchmark's, "
        f"{'reused' if r['database'].get('reused') else 'made for this run'}).",
        "",
        "| Page | Statements* | Rows | Median | p95 | Max | SQL / protect in one request | "
        "Load average (1 min) start → end |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in pages:
        lines.append(
            f"| {page['page']} (`{page['path']}`) | {page['queries']} | {page['rows']} | {_ms(page['median'])} "
            f"| {_ms(page['p95'])} | {_ms(page['max'])} | {_ms(page['sql_ms'])} / {_ms(page['protect_ms'])} "
            f"| {page['load'][0]} → {page['load'][1]} |")
    lines += [
        "",
        "\\* SQL statements in one request, as Django counts them: the session, the signed-in user, BEGIN, the "
        "filter form's localities, teams and agencies, the report's own two (the table, the key figures; by lead "
        "professional also the leads' names), COMMIT. Rows: the rows of the report's table. SQL: the time of "
        "the request's statements as Django times them; protect: `suppression.protect` on the report's table, "
        "both in the request whose statements were counted.",
        "",
        f"`hearth.reports.suppression.protect` alone on the largest table the pages produced ({_lower(p['page'])}: "
        f"{p['rows']} rows × {p['columns']} columns, {p['hidden']} counts hidden, {p['linprogs']} linear "
        f"programmes a call), {p['n']} calls: median {_ms(p['median'])}, p95 {_ms(p['p95'])}, max {_ms(p['max'])} "
        f"(load average {p['load'][0]} → {p['load'][1]}).",
        "",
        f"Each page is requested with Django's test client signed in as the demo analyst (`{ANALYST}`), through the "
        "whole request path (middleware, the request's transaction, the session), in one process with no web "
        f"server: {r['warm_up']} warm-up requests, one with its statements counted, then {pages[0]['n']} timed "
        "requests, from the request to the full response; p95 is the 95th percentile (nearest rank). The filters "
        "are the demo council's records named in each page's name (their ids in this database). `hearth generate` "
        "makes the demo council's practitioners (three) the lead professionals, so the tables have a few rows; a "
        "council with hundreds of lead professionals has a table by lead professional of hundreds of rows.",
        "",
        "```",
        ".venv/bin/python -m benchmarks.reports                 # 250,000 families (the load benchmark's database)",
        ".venv/bin/python -m benchmarks.reports --explain       # also EXPLAIN ANALYZE the report's two statements",
        ".venv/bin/python -m benchmarks.reports --families 2000 --no-doc   # quick, printed only",
        "```",
        "",
    ]
    return lines


# ---------------------------------------------------------------------------------------------
# The worker process: Django set up against the load benchmark's database, pages requested in-process.


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _size(cells: list[list[int]]) -> int:
    return sum(len(row) for row in cells)


def _explain(connection, name: str, captured: list[dict]) -> None:
    """EXPLAIN ANALYZE the report's statements (those reading cases_episode) of one counted request, to stderr."""
    for q in captured:
        if 'FROM "cases_episode"' not in q["sql"]:
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"\n--- {name}: {q['sql']}\n{plan}", file=sys.stderr, flush=True)


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from hearth.accounts.models import Agency, Team, User
    from hearth.core.models import Council, Locality
    from hearth.people.models import Family
    from hearth.reports import caseload, suppression

    council = Council.objects.get(code="hearthshire")
    analyst = User.objects.get(email=ANALYST)
    ids = {"locality": {x.code: x.pk for x in Locality.objects.filter(council=council)},
           "team": {t.name: t.pk for t in Team.objects.filter(agency__council=council)},
           "agency": {a.name: a.pk for a in Agency.objects.filter(council=council)}}
    pages = [(name, "/reports/caseload?" + urlencode({k: ids[k][v] if k in ids else v for k, v in query.items()}))
             for name, query in PAGES]

    # protect as the report calls it, wrapped to keep the table it was given and how long it took.
    tables = []
    original = caseload.protect

    def recording_protect(cells, *, threshold):
        started = time.perf_counter()
        out = original(cells, threshold=threshold)
        tables.append({"cells": cells, "threshold": threshold, "ms": _ms_since(started)})
        return out

    client = Client(HTTP_HOST="localhost")
    client.force_login(analyst)

    def get(url):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}, not 200")
        return response

    results, largest = [], None
    for name, url in pages:
        load_before = _load()
        for _ in range(args.warm_up):
            get(url)
        caseload.protect = recording_protect
        tables.clear()
        try:
            with CaptureQueriesContext(connection) as ctx:
                get(url)
        finally:
            caseload.protect = original
        captured = list(ctx.captured_queries)
        table = tables[-1]
        if largest is None or _size(table["cells"]) > _size(largest["cells"]):
            largest = {**table, "page": name}
        if args.explain and name in EXPLAINED:
            _explain(connection, name, captured)
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            get(url)
            timings.append(_ms_since(started))
        results.append({
            "page": name, "path": url, "queries": len(captured), "rows": len(table["cells"]),
            "sql_ms": round(sum(float(q["time"]) for q in captured) * 1000, 1),
            "report_sql_ms": [round(float(q["time"]) * 1000, 1) for q in captured
                              if 'FROM "cases_episode"' in q["sql"]],
            "protect_ms": round(table["ms"], 1), "load": [load_before, _load()],
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

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), pg_database_size(current_database())")
        version, size = cursor.fetchone()
    out = {
        "server": f"PostgreSQL {version}", "db_size_mb": round(size / 1024 / 1024),
        "families": Family.objects.filter(council=council).count(),
        "open_episodes": caseload.open_episodes(council, {}).count(),
        "warm_up": args.warm_up, "pages": results,
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
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = argv
    if args.runs < 1 or args.warm_up < 0 or args.protect_runs < 1 or args.families < 1:
        raise Failed("--runs, --protect-runs and --families must be 1 or more, --warm-up 0 or more")
    if args.worker:
        worker(args)
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
