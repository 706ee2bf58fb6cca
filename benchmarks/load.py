"""Benchmark: mixed page reads under load against the production server (gunicorn), on PostgreSQL.

    .venv/bin/python -m benchmarks.load                                     # 250,000 families, 20 s a step
    .venv/bin/python -m benchmarks.load --families 2000 --duration 5 --no-doc   # quick, printed only
    make bench-load

1. The database (PostgreSQL only): `hearth_load` for 250,000 families, `hearth_load_small` for any other size
   (`--pg-url` to choose; the name must start with `hearth_load`, so the demo and test databases are never
   touched). It is reused when it holds the demo council with exactly `--families` generated families and its
   django_migrations table lists exactly the code's migrations; otherwise it is dropped and made again with the
   project's own commands: `hearth demo-up` (migrate, load-profiles, load-demo: the demo council with its users,
   60 staged families and their episodes), then `hearth generate --families N --seed 1 --with-work`, which spreads the
   families over the demo council's three localities (so the North coordinator sees about a third of them) and
   makes one of the council's practitioners lead professional of half of them (the demo practitioner of about a
   sixth), with an episode (most open, with a review date) and up to eight plan actions for each family led.
2. The pages to request, drawn repeatably (`--seed`) in a Django subprocess: families each user may see (asked of
   `access.policy.families_visible_to` where it exists, and in any case checked by requesting each page once
   below), the episodes of those families, and people searches with a typo (a letter dropped or two swapped, as
   in benchmarks/search.py) in the family name or the given name of a member of one of those families.
3. The server: `hearth serve` (gunicorn with the configuration production uses: `hearth.wsgi`, HEARTH_WORKERS
   sync workers, the access log) on a free loopback port, with HEARTH_DEMO=1 so the demo accounts skip the
   security code. The demo coordinator and practitioner sign in through the sign-in form (GET for the CSRF
   token, POST, the session cookie kept), `--sessions` times each, so the simulated users do not all share one
   session row. Every page to be requested is fetched once: anything but a 200 is left out (and counted).
4. The load: wrk (https://github.com/wg/wrk, from Debian's `wrk` package) with benchmarks/load.lua, at 10, 50,
   100 and 200 connections (`--users`), `--duration` seconds each, one step after another, each after the
   server has drained the previous step's queue. Each connection is a user: it sends its next request as soon as
   the last is answered. The mix is the same fifth each of the dashboard `/`, people search with a typo, a family
   page, an episode page and its outcomes page, by both users. wrk was chosen over a Python load generator
   (locust) because the machine is small: wrk's event loop in C drives 200 connections with a few percent of one
   core, where locust's Python workers would take CPU from the gunicorn workers being measured and cap the
   figures at their own speed. It counts errors, and load.lua counts every status other than 200 as one.
5. Server time against SQL time: the server is started again with HEARTH_SERVER_TIMING=1, which adds
   hearth/core/timing.py's middleware; it returns `Server-Timing: app;dur=…, db;dur=…, queries;desc=…`. With one
   client, one request at a time, each page type is requested `--requests` times (taking turns) and the medians
   of its app and SQL time, their ratio and its SQL statement count are reported.
6. People search and find-before-create on the same database, in-process (benchmarks/search.py, as
   `python -m benchmarks.run` times them): `--searches` searches of six kinds (exact name, a typo, a nickname,
   family name and date of birth, NHS number, postcode), each as people search by the coordinator and as
   find-before-create by the practitioner, inside a transaction with its audit row; median, p95 and the slowest.
   They start once the load the steps left has died down (`load_measure.settle`: the 1-minute load average under
   1, or two minutes).

The results are printed as Markdown and, for a run of 250,000 families or more (or with `--write-doc`), written into
docs/performance.md as the section "Mixed reads under load", with the machine's load average (1 minute) before
and after each step. All traffic goes to 127.0.0.1. Every step has a time limit, and the server started here is
stopped on the way out, also after an error or Ctrl-C.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
from datetime import datetime

from benchmarks import fresh_db
from benchmarks.load_data import ensure_database, pg_parts, worker, worker_state, worker_targets
from benchmarks.load_measure import PAGE_TYPES, checked_targets, load_steps, search_times, server_timing, write_requests
from benchmarks.load_report import FULL_SIZE, HEADING, section
from benchmarks.load_server import Server, sign_in
from benchmarks.load_settings import ACCOUNTS, PSQL_S, Failed
from benchmarks.report import write_section
from benchmarks.run import log, machine
from benchmarks.settings import BENCH_DIR, DOC, ROOT

PG_BASE = "postgres://postgres@127.0.0.1:5432/"
USERS = (10, 50, 100, 200)
DURATION_S = 20
REQUESTS = 30
SEARCHES = 204
SESSIONS = 10


def _stop_on_signal(signum, _frame):
    raise Failed(f"stopped by signal {signum}")


def run(args) -> dict:
    pg = pg_parts(args.pg_url)
    for tool, package in (("wrk", "wrk"), ("psql", "postgresql-client")):
        if not shutil.which(tool):
            raise Failed(f"{tool} is not installed (apt-get install -y {package})")
    if subprocess.run(["pg_isready", "-q", "-h", pg["host"], "-p", pg["port"]], check=False,  # noqa: S603, S607
                      timeout=PSQL_S).returncode != 0:
        raise Failed(f"PostgreSQL is not reachable at {pg['host']}:{pg['port']}")
    env = fresh_db.db_env("postgres", args.pg_url, BENCH_DIR / "unused.sqlite3")
    database = ensure_database(env, pg, args)
    picked = worker(env, "targets", args)
    for user, u in picked["users"].items():
        log(f"the {user} may see {u['visible_families'] or 'an unknown number of'} families; "
            f"{len(u['families'])} drawn, {len(u['episodes'])} episodes, {len(u['searches'])} searches")

    with Server(env, timing=False, workers=args.workers) as server:
        log(f"hearth serve on 127.0.0.1:{server.port} ({server.workers} workers); signing in "
            f"{args.sessions} sessions each")
        sessions = {user: [sign_in(server.port, email) for _ in range(args.sessions)]
                    for user, email in ACCOUNTS.items()}
        targets, dropped = checked_targets(server.port, sessions, picked)
        if dropped:
            log(f"left out (not 200): {dropped}")
        requests_file = write_requests(targets, sessions, args.seed)
        try:
            steps = load_steps(server.port, requests_file, args)
        finally:
            requests_file.unlink(missing_ok=True)  # it holds session cookies
        workers = server.workers

    with Server(env, timing=True, workers=args.workers) as server:
        log(f"server time against SQL time: {len(PAGE_TYPES)} page types x {args.requests} requests, one at a time")
        timing = server_timing(server.port, sessions, targets, args.requests)
    log(f"people search and find-before-create: {args.searches} searches each, in-process")
    search = search_times(env, args)

    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "command": " ".join(["python -m benchmarks.load", *args.argv]),
        "server": picked["server"], "db_size_mb": picked["db_size_mb"], "families": picked["families"],
        "people": picked["people"], "generated": args.families, "database": {"name": pg["name"], **database},
        "workers": workers, "sessions": args.sessions, "duration": args.duration,
        "users": {k: {"visible_families": v["visible_families"]} for k, v in picked["users"].items()},
        "dropped": dropped, "steps": steps, "timing": timing, "search": search,
    }


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=FULL_SIZE, help=f"generated families (default {FULL_SIZE:,})")
    parser.add_argument("--duration", type=int, default=DURATION_S, help=f"seconds a step (default {DURATION_S})")
    parser.add_argument("--users", default=",".join(map(str, USERS)),
                        help="concurrent users of each step (default " + ",".join(map(str, USERS)) + ")")
    parser.add_argument("--requests", type=int, default=REQUESTS,
                        help=f"requests of each page type for server against SQL time (default {REQUESTS})")
    parser.add_argument("--searches", type=int, default=SEARCHES,
                        help=f"searches timed in-process after the load, 0 for none (default {SEARCHES})")
    parser.add_argument("--sessions", type=int, default=SESSIONS, help=f"sign-ins of each user (default {SESSIONS})")
    parser.add_argument("--workers", type=int, help="gunicorn workers (HEARTH_WORKERS; default hearth serve's, 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default=os.environ.get("HEARTH_LOAD_PG_URL"),
                        help="default: …/hearth_load for 250,000 families, …/hearth_load_small otherwise")
    parser.add_argument("--regenerate", action="store_true", help="make the database again even if it could be reused")
    parser.add_argument("--no-progress", action="store_true", help="hide hearth generate's progress bar")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument("--write-doc", action="store_true",
                        help=f"write docs/performance.md even when --families is under {FULL_SIZE:,}")
    parser.add_argument("--worker", choices=["state", "targets"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = argv
    if args.worker == "state":
        print(json.dumps(worker_state(args.families)))
        return
    if args.worker == "targets":
        print(json.dumps(worker_targets(args.seed)))
        return
    try:
        args.users = [int(u) for u in args.users.split(",") if u.strip()]
    except ValueError as e:
        raise Failed("--users takes numbers separated by commas, like 10,50,100,200") from e
    if args.families < 1 or args.duration < 1 or args.requests < 1 or args.sessions < 1 or not args.users:
        raise Failed("--families, --duration, --requests, --sessions and --users must be 1 or more")
    args.pg_url = args.pg_url or PG_BASE + ("hearth_load" if args.families == FULL_SIZE else
                                            f"hearth_load_{args.families}" if args.families > FULL_SIZE else
                                            "hearth_load_small")

    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGHUP, _stop_on_signal)
    result = run(args)
    text = "\n".join(section(result))
    print(text)
    if args.no_doc or (args.families < FULL_SIZE and not args.write_doc):
        log("docs/performance.md left as it is.")
        return
    write_section(text, HEADING)
    log(f"wrote the section \"{HEADING}\" of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
