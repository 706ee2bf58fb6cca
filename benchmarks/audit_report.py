"""Benchmark: the data protection officer's unusual-access report over 10 million audit rows, on PostgreSQL.

    .venv/bin/python -m benchmarks.audit_report                     # 250,000 families, 10 million rows; the doc
    .venv/bin/python -m benchmarks.audit_report --rows 1000000 --families 20000 --no-doc   # quick, printed only
    .venv/bin/python -m benchmarks.audit_report --keep              # keep the database; then --reuse to re-time

A fresh PostgreSQL database (hearth_bench_audit; never the demo database or another benchmark's), `hearth migrate`,
`hearth load-demo`, `hearth generate --families N`. A worker then adds 2,000 staff to the demo council (names drawn
from the same pools as the families', so some share a name or a family name with people on record; twelve of them in
the demo manager's team) and fills the audit log with synthetic rows in the database (`INSERT ... SELECT` over
`generate_series`, not the ORM): a year of working days, in sessions of four rows by one user about one family
(mostly looks at the family or a person in it, some searches, changes and sign-ins); most users work a caseload of
about 30 families, one in ten (screeners, coordinators) looks across the whole council five times as often; a few
bursts of 35 families in seven minutes are added in the last 92 days. The rows are sealed (sequence numbers and
stand-in hashes: the chain is not what is measured here) and the record-view summary is built from them as the
sealer would have (`governance.summary.rebuild`, then VACUUM ANALYZE as autovacuum would). Then 2,000 new rows are
sealed by the real sealer (timed) and 300 more are left unsealed, as the report would find them between two rounds
of the sealer.

Timed, each in a transaction as in a request (rolled back after): `dpo.unusual_access.unusual_access` (all four
reports) for the demo data protection officer (every user of the council) and the demo manager (their team), over 7
and 92 days, several times each, with the machine's load average (1 minute) read beside each run. The results are
printed as Markdown and written into docs/performance.md as the section "Unusual-access report over 10 million audit
rows".
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime

from benchmarks import audit_fill, audit_timing, fresh_db
from benchmarks.audit_section import HEADING, read_data, section
from benchmarks.report import write_section
from benchmarks.run import hearth_command, log, machine, postgres_available
from benchmarks.settings import BENCH_DIR, DOC, ROOT

DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/hearth_bench_audit"
FULL_ROWS = 10_000_000


# ---------------------------------------------------------------------------------------------
# The orchestrating process.


def timed(env: dict[str, str], *args: str) -> dict:
    cmd = [*hearth_command(), *args]
    started = time.perf_counter()
    out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout  # noqa: S603
    return {"command": " ".join(["hearth", *args]), "wall_s": round(time.perf_counter() - started, 1), "output": out}


def worker_call(env: dict[str, str], step: str, args) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.audit_report", "--worker", step, "--rows", str(args.rows),
           "--days", str(args.days), "--staff", str(args.staff), "--runs", str(args.runs)]
    out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout  # noqa: S603
    return json.loads(out.strip().splitlines()[-1])


def bench(args) -> dict:
    env = fresh_db.db_env("postgres", args.pg_url, BENCH_DIR / "unused.sqlite3")
    generate = fill = None
    if not args.reuse:
        log("PostgreSQL: a fresh benchmark database, migrating, loading the demo council")
        fresh_db.create_database("postgres", args.pg_url, BENCH_DIR / "unused.sqlite3")
        fresh_db.run_hearth(env, "migrate", "-v0")
        fresh_db.run_hearth(env, "load-demo")
        log(f"hearth generate --families {args.families}")
        generate = timed(env, "generate", "--families", str(args.families), "--seed", "1", "--no-progress")
        generate.pop("output")
        log(f"generated in {generate['wall_s']} s; filling the audit log with {args.rows:,} rows")
        fill = worker_call(env, "fill", args)
        log(f"filled in {fill['fill_s']} s")
    try:
        log("timing the report")
        timing = worker_call(env, "time", args)
    finally:
        if args.keep or args.reuse:
            log("benchmark database kept")
        else:
            fresh_db.drop_database("postgres", args.pg_url, BENCH_DIR / "unused.sqlite3")
    previous = read_data()
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), "machine": machine(),
        "command": " ".join(["python -m benchmarks.audit_report", *args.argv]) or "python -m benchmarks.audit_report",
        "families": args.families if generate else previous.get("families"),
        "generate": generate or previous.get("generate"), "fill": fill or previous.get("fill"), **timing,
    }


# ---------------------------------------------------------------------------------------------
# The worker process: Django set up against the benchmark database; the data in benchmarks/audit_fill.py, the
# timing in benchmarks/audit_timing.py.


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    import django

    django.setup()


def worker(step: str, args) -> None:
    _django()
    if step == "fill":
        print(json.dumps(audit_fill.fill(args.rows, args.days, args.staff)))
    else:
        print(json.dumps(audit_timing.time_report(args.runs)))


# ---------------------------------------------------------------------------------------------
# The command line; the report's section of docs/performance.md is written by benchmarks/audit_section.py.


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m benchmarks.audit_report", description=__doc__.split("\n\n")[0])
    parser.add_argument("--families", type=int, default=250_000)
    parser.add_argument("--rows", type=int, default=FULL_ROWS)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--staff", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pg-url", default=os.environ.get("HEARTH_BENCH_AUDIT_PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--reuse", action="store_true", help="time again over a database kept with --keep")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument("--render-only", action="store_true",
                        help="rewrite the section of docs/performance.md from the figures recorded there")
    parser.add_argument("--worker", choices=["fill", "time"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = argv
    if args.worker:
        worker(args.worker, args)
        return
    if args.render_only:
        write_section("\n".join(section(read_data())), HEADING)
        return
    if not postgres_available(args.pg_url):
        raise SystemExit(f"PostgreSQL is not reachable at {args.pg_url}")
    result = bench(args)
    print("\n".join(section(result)))
    if args.no_doc or args.rows != FULL_ROWS:
        log("docs/performance.md left as it is.")
        return
    write_section("\n".join(section(result)), HEADING)
    log(f"wrote the section \"{HEADING}\" of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
