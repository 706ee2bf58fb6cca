"""Benchmark: the episode page of a family with five years of Early Help history, on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.episode                           # both databases, 100 requests a page
    .venv/bin/python -m benchmarks.episode --db postgres --runs 30   # quicker
    .venv/bin/python -m benchmarks.episode --no-doc                  # print only; docs/performance.md untouched

For each database: a fresh benchmark database (SQLite: var/bench/hearth-bench-episode.sqlite3; PostgreSQL:
hearth_bench_episode, created with `createdb` and dropped afterwards; never the demo database), `hearth
migrate`, `hearth load-demo`, then, in a separate process, one family with five years of history
(`hearth.demo.history.build_long_history`: 30 reviews with outcome scores, 200 case notes, 10 members)
led by the demo practitioner. Each page is requested through django.test.Client, signed in as that
practitioner, through the whole request path (middleware, ATOMIC_REQUESTS, the audit row and its sealing,
the session save): a few warm-up requests, one request with its SQL queries counted, then the timed
requests, the pages taking turns so that a busy moment of the machine falls on all of them alike. The
episode page's own parts are then timed one by one (the episode's selector, each app's panel selector,
rendering the template) to show where its time goes. The results are printed as Markdown and written
into docs/performance.md as the section "Episode page with five years of history".
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime

from benchmarks import fresh_db
from benchmarks.report import episode_section, read_episode_data, write_section
from benchmarks.run import log, machine, postgres_available
from benchmarks.search import _stats
from benchmarks.settings import BENCH_DIR, DB_LABELS, DOC, EPISODE_HEADING, ROOT

SQLITE_EPISODE_PATH = BENCH_DIR / "hearth-bench-episode.sqlite3"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/hearth_bench_episode"
LEAD = "practitioner@demo.hearth.test"
RUNS = 100
WARM_UP = 5
PARTS_RUNS = 30
# Statements Django counts with the queries since 4.2: the request's transaction, savepoints, commits.
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"}
HISTORY = {"years": 5, "reviews": 30, "notes": 200, "members": 10}
PAGES = (
    ("Episode", "/episodes/{episode}"),
    ("Outcomes", "/episodes/{episode}/outcomes"),
    ("Family", "/families/{family}"),
    ("Chronology", "/families/{family}/chronology"),
)


# ---------------------------------------------------------------------------------------------
# The orchestrating process: a fresh database for each, the worker in a subprocess, the report.


def bench_database(db: str, args) -> dict:
    env = fresh_db.db_env(db, args.pg_url, SQLITE_EPISODE_PATH)
    log(f"{DB_LABELS[db]}: creating a fresh benchmark database, migrating, loading the demo council")
    fresh_db.create_database(db, args.pg_url, SQLITE_EPISODE_PATH)
    try:
        fresh_db.run_hearth(env, "migrate", "-v0")
        fresh_db.run_hearth(env, "load-demo")
        log(f"{DB_LABELS[db]}: building the five-year history, then {args.runs} requests of each page")
        cmd = [sys.executable, "-m", "benchmarks.episode", "--worker", "--runs", str(args.runs)]
        out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE,  # noqa: S603
                             text=True).stdout
        result = json.loads(out.strip().splitlines()[-1])
    finally:
        if args.keep:
            log(f"{DB_LABELS[db]}: benchmark database kept (--keep)")
        else:
            fresh_db.drop_database(db, args.pg_url, SQLITE_EPISODE_PATH)
    return {
        "db": db,
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "command": " ".join(["python -m benchmarks.episode", *args.argv]),
        **result,
    }


# ---------------------------------------------------------------------------------------------
# The worker process: Django set up against one benchmark database, pages timed in-process.


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _episode_parts(lead, episode_id: int, runs: int) -> list[dict]:
    """The episode page's parts one by one, each in a transaction as in a request: time and queries."""
    from django.db import connection, transaction
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from hearth.access import policy
    from hearth.cases import selectors, services, views

    request = RequestFactory().get(f"/episodes/{episode_id}", HTTP_HOST="localhost")
    request.user = lead
    request.session = {}
    request._messages = []
    request.csp_nonce = "benchmark"

    def episode():
        return selectors.episode_detail(lead, episode_id)

    parts = [("Episode record (cases.selectors.episode_detail)", lambda ep: episode())]
    for app in views.PANEL_APPS:
        try:
            selector = __import__(f"hearth.{app}.selectors", fromlist=["episode_panel"]).episode_panel
        except (ImportError, AttributeError):
            continue
        parts.append((f"{app} panel selector", lambda ep, s=selector: s(lead, ep)))

    def context_for(ep):
        return {
            "episode": ep, "family": ep.family, "council": ep.family.council, "panels": views._panels(lead, ep),
            "can_manage": policy.can_manage_episode(lead, ep),
            "manual_transitions": [t for t in services.allowed_transitions(ep)
                                   if t.name in views.MANUAL_TRANSITIONS],
            "planned_handover": next((h for h in ep.handovers.all() if h.status == "planned"), None),
            "title": f"Early Help for {ep.family.name}"}

    def render(context):
        started = time.perf_counter()
        render_to_string("cases/episode.html", context, request=request)
        return _ms_since(started)

    timings = {name: [] for name, _ in parts}
    counts = {}
    render_ms, render_queries = [], 0
    for i in range(runs + 2):
        with transaction.atomic():
            ep = episode()
            for name, part in parts:
                if i == 0:  # warm-up, with the queries counted; the timed runs are not slowed by counting
                    with CaptureQueriesContext(connection) as ctx:
                        part(ep)
                    counts[name] = len(ctx.captured_queries)
                    continue
                started = time.perf_counter()
                part(ep)
                if i >= 2:
                    timings[name].append(_ms_since(started))
            context = context_for(ep)
            if i == 0:
                with CaptureQueriesContext(connection) as ctx:
                    render(context)
                render_queries = len(ctx.captured_queries)
            elif i >= 2:
                render_ms.append(render(context))
    rows = [{"part": name, "queries": counts[name], **_stats(timings[name])} for name, _ in parts]
    rows.append({"part": "Rendering cases/episode.html (its panels' selectors apart)", "queries": render_queries,
                 **_stats(render_ms)})
    return rows


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from hearth.accounts.models import User
    from hearth.core.models import Council
    from hearth.demo.history import build_long_history

    council = Council.objects.get(code="hearthshire")
    lead = User.objects.get(email=LEAD)
    started = time.perf_counter()
    episode = build_long_history(council=council, lead=lead, **HISTORY)
    build_s = time.perf_counter() - started
    client = Client(HTTP_HOST="localhost")
    client.force_login(lead)
    urls = [(name, url.format(episode=episode.pk, family=episode.family_id)) for name, url in PAGES]
    paths = {name: url.format(episode="<id>", family="<family_id>") for name, url in PAGES}

    def get(url):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url} answered {response.status_code}, not 200")
        return response

    sizes, queries, control = {}, {}, {}
    load_before = os.getloadavg()[0]
    for name, url in urls:
        for _ in range(WARM_UP):
            get(url)
        with CaptureQueriesContext(connection) as ctx:
            sizes[name] = len(get(url).content)
        queries[name] = len(ctx.captured_queries)
        control[name] = sum(q["sql"].split(" ", 1)[0].upper() in TRANSACTION_CONTROL for q in ctx.captured_queries)
    timings = {name: [] for name, _ in urls}
    for _ in range(args.runs):
        for name, url in urls:
            t = time.perf_counter()
            get(url)
            timings[name].append(_ms_since(t))

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version')")
            server = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        server = f"SQLite {sqlite3.sqlite_version}"
    out = {
        "server": server,
        "history": HISTORY,
        "build_s": round(build_s, 1),
        "warm_up": WARM_UP,
        "load": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "pages": [{"page": name, "path": paths[name], "queries": queries[name],
                   "transaction_control": control[name], "kb": round(sizes[name] / 1024),
                   **_stats(timings[name]), "mean": round(statistics.mean(timings[name]), 1)}
                  for name, url in urls],
        "parts": _episode_parts(lead, episode.pk, min(args.runs, PARTS_RUNS)),
    }
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m benchmarks.episode", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"timed requests of each page (default {RUNS})")
    parser.add_argument("--pg-url", default=os.environ.get("HEARTH_BENCH_EPISODE_PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--keep", action="store_true", help="keep the benchmark databases afterwards")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = argv
    if args.worker:
        worker(args)
        return

    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in databases and not postgres_available(args.pg_url):
        if args.db == "postgres":
            raise SystemExit(f"PostgreSQL is not reachable at {args.pg_url}")
        log("PostgreSQL is not running here: benchmarking SQLite only")
        databases.remove("postgres")
    results = {db: bench_database(db, args) for db in databases}
    print("\n".join(episode_section(results)))
    if args.no_doc:
        log("docs/performance.md left as it is (--no-doc).")
        return
    write_section("\n".join(episode_section({**read_episode_data(), **results})))
    log(f"wrote the section \"{EPISODE_HEADING}\" of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
