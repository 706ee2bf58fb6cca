"""Benchmark: preparing and running a disposal over 100,000 families, with wall time and peak memory.

    .venv/bin/python -m benchmarks.disposal                      # SQLite, 100,000 families; writes docs/performance.md
    .venv/bin/python -m benchmarks.disposal --families 2000      # quick: printed, docs/performance.md untouched
    .venv/bin/python -m benchmarks.disposal --db postgres        # PostgreSQL (a fresh database, dropped afterwards)

A fresh benchmark database (SQLite: var/bench/hearth-bench-disposal.sqlite3; PostgreSQL: hearth_bench_disposal;
never the demo database or the search benchmark's), `hearth migrate`, `hearth load-demo`, then `hearth generate
--families N` (about 4 people each, with names, addresses, relationships). A worker process then gives the
families their histories quickly with `bulk_create`: most (85%) an episode closed six to ten years ago, so they are
due for disposal, with a case note and a status change; 5% an episode closed two years ago (not yet due); 5% an
open episode; the rest none (recorded today, not due). A legal hold covers 1% of the families, and a second data
protection officer is added to approve. Then, each in its own subprocess, as a person would run them:

1. `hearth disposal --council hearthshire --prepare --user dpo@demo.hearth.test` (the dry run: counts only);
2. `hearth disposal --council hearthshire --approve RUN --user dpo2@demo.hearth.test` (not timed);
3. `hearth disposal --council hearthshire --run RUN` (deletes, in batches, each in its own transaction).

Each timed step's wall time and peak resident memory (`ru_maxrss` from `wait4`) are recorded, with the peak of a
`hearth disposal --run-due` that has nothing to do as the baseline of a process with Django loaded. Afterwards the
worker checks that what was due is gone, that held and undue families remain, that no row points at a deleted
one (SQLite `PRAGMA foreign_key_check`), and that no audit row was lost. The results are printed as Markdown and
written into docs/performance.md as the section "Disposal run over 100,000 families".
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from datetime import datetime

from benchmarks import fresh_db
from benchmarks.report import _duration, get_section, write_section
from benchmarks.run import hearth_command, log, machine, postgres_available
from benchmarks.settings import BENCH_DIR, DB_LABELS, DOC, FULL_SIZE, ROOT

HEADING = "Disposal run over 100,000 families"
SQLITE_PATH = BENCH_DIR / "hearth-bench-disposal.sqlite3"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/hearth_bench_disposal"
COUNCIL = "hearthshire"
DPO = "dpo@demo.hearth.test"
SECOND_DPO = "dpo2@demo.hearth.test"
DATA_PREFIX = "<!-- disposal-bench-data "
SHARES = {"due": 0.85, "recent": 0.05, "open": 0.05}  # the rest have no episode
HELD_SHARE = 0.01


# ---------------------------------------------------------------------------------------------
# The orchestrating process: a fresh database, subprocesses timed, the report.


def timed(env: dict[str, str], *args: str) -> dict:
    """Run `hearth <args>` in a subprocess: its output, wall time and peak resident memory (from wait4)."""
    cmd = [*hearth_command(), *args]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)  # noqa: S603
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.stdout.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"hearth {' '.join(args)} failed: {output}")
    return {"command": " ".join(["hearth", *args]), "wall_s": round(wall, 1),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1), "output": output}


def worker_call(env: dict[str, str], step: str, args) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.disposal", "--worker", step, "--seed", str(args.seed)]
    out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout  # noqa: S603
    return json.loads(out.strip().splitlines()[-1])


def bench_database(db: str, args) -> dict:
    env = fresh_db.db_env(db, args.pg_url, SQLITE_PATH)
    log(f"{DB_LABELS[db]}: creating a fresh benchmark database, migrating, loading the demo council")
    fresh_db.create_database(db, args.pg_url, SQLITE_PATH)
    quiet = ["--no-progress"] if args.no_progress else []
    try:
        fresh_db.run_hearth(env, "migrate", "-v0")
        fresh_db.run_hearth(env, "load-demo")
        log(f"{DB_LABELS[db]}: hearth generate --families {args.families} (about 2 minutes for 100,000)")
        generate = timed(env, "generate", "--families", str(args.families), "--seed", str(args.seed), "--no-progress")
        log(f"{DB_LABELS[db]}: generated in {generate['wall_s']} s; giving the families their histories")
        setup = worker_call(env, "setup", args)
        log(f"{DB_LABELS[db]}: histories in {setup['setup_s']} s; timing the baseline, the dry run and the run")
        baseline = timed(env, "disposal", "--run-due", "--no-progress")
        prepare = timed(env, "disposal", "--council", COUNCIL, "--prepare", "--user", DPO, *quiet)
        run_id = re.search(r"Prepared disposal (\d+)", prepare["output"]).group(1)
        log(f"{DB_LABELS[db]}: prepared in {prepare['wall_s']} s, peak {prepare['peak_rss_mb']} MB; approving, "
            "then running")
        fresh_db.run_hearth(env, "disposal", "--council", COUNCIL, "--approve", run_id, "--user", SECOND_DPO)
        run = timed(env, "disposal", "--council", COUNCIL, "--run", run_id, *quiet)
        log(f"{DB_LABELS[db]}: run in {run['wall_s']} s, peak {run['peak_rss_mb']} MB; checking the result")
        check = worker_call(env, "check", args)
    finally:
        if args.keep:
            log(f"{DB_LABELS[db]}: benchmark database kept (--keep)")
        else:
            fresh_db.drop_database(db, args.pg_url, SQLITE_PATH)
    for step in (generate, baseline, prepare, run):
        step.pop("output", None)
    return {
        "db": db, "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"), "machine": machine(),
        "command": " ".join(["python -m benchmarks.disposal", *args.argv]) or "python -m benchmarks.disposal",
        "families": args.families, "generate": generate, "setup": setup, "baseline": baseline, "prepare": prepare,
        "run": run, "check": check,
    }


# ---------------------------------------------------------------------------------------------
# The worker process: Django set up against the benchmark database.


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    import django

    django.setup()


def setup(seed: int) -> dict:
    """Histories for the generated families, written with bulk_create a chunk at a time; a legal hold; a second
    data protection officer."""
    import random
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from hearth.accounts.models import Role, User, UserRole
    from hearth.cases.models import CaseNote, Episode, EpisodeOrigin, EpisodeStatus, StatusChange
    from hearth.core.models import Council
    from hearth.people.models import Family
    from hearth.retention import services
    from hearth.retention.rules import add_years

    started = time.perf_counter()
    rng = random.Random(seed)
    today = timezone.localdate()
    council = Council.objects.get(code=COUNCIL)
    dpo = User.objects.get(email=DPO)
    if not User.objects.filter(email=SECOND_DPO).exists():
        second = User(email=SECOND_DPO, full_name="Devi Patel", job_title="Deputy data protection officer",
                      agency=dpo.agency)
        second.set_unusable_password()
        second.save()
        UserRole.objects.create(user=second, role=Role.DPO)
    counts = {"due": 0, "recent": 0, "open": 0, "none": 0}
    held = []
    last = 0
    while True:
        chunk = list(Family.objects.filter(council=council, pk__gt=last).order_by("pk")
                     .values_list("pk", flat=True)[:2000])
        if not chunk:
            break
        last = chunk[-1]
        # The demo council's own families (hearth load-demo) keep the histories they have.
        chunk = list(Family.objects.filter(pk__in=chunk, episodes__isnull=True).order_by("pk")
                     .values_list("pk", flat=True))
        episodes, starts = [], []
        for family_id in chunk:
            draw = rng.random()
            if draw < SHARES["due"]:
                kind, closed = "due", add_years(today, -6) - timedelta(days=rng.randint(1, 4 * 365))
            elif draw < SHARES["due"] + SHARES["recent"]:
                kind, closed = "recent", today - timedelta(days=rng.randint(365, 3 * 365))
            elif draw < SHARES["due"] + SHARES["recent"] + SHARES["open"]:
                kind, closed = "open", None
            else:
                counts["none"] += 1
                continue
            counts[kind] += 1
            if rng.random() < HELD_SHARE:
                held.append(family_id)
            start = (closed or today) - timedelta(days=rng.randint(60, 700))
            episodes.append(Episode(family_id=family_id, status=EpisodeStatus.CLOSED if closed else EpisodeStatus.PLAN,
                                    origin=EpisodeOrigin.REQUEST, reason=rng.choice(["N1", "N3", "N4", "N5", "N7"]),
                                    level=rng.randint(2, 3), started_on=start, closed_on=closed,
                                    end_reason="outcomes_achieved" if closed else ""))
            starts.append(start)
        with transaction.atomic():
            Episode.objects.bulk_create(episodes, batch_size=1000)
            CaseNote.objects.bulk_create([CaseNote(family_id=e.family_id, episode=e, note_type="home_visit",
                                                   occurred_on=s, summary="Home visit", body="Talked about routines")
                                          for e, s in zip(episodes, starts, strict=True)], batch_size=1000)
            StatusChange.objects.bulk_create([StatusChange(episode=e, transition="opened", to_status="assessment")
                                              for e in episodes], batch_size=1000)
    services.legal_hold_place(actor=dpo, name="Benchmark inquiry", reason="Families named by a public inquiry",
                              family_ids=held)
    return {"setup_s": round(time.perf_counter() - started, 1), "families_by_history": counts, "held": len(held)}


def check() -> dict:
    from django.db import connection

    from hearth.audit.models import AuditAction, AuditEvent
    from hearth.core.models import Council
    from hearth.people.models import Family, Person
    from hearth.retention.models import DisposalCertificate, DisposalRun

    council = Council.objects.get(code=COUNCIL)
    run = DisposalRun.objects.filter(council=council).latest("pk")
    certificate = DisposalCertificate.objects.get(run=run)
    broken = None
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_check")
            broken = len(cursor.fetchall())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version')")
            server = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        server = f"SQLite {sqlite3.sqlite_version}"
    return {
        "server": server,
        "status": run.status,
        "prepared": run.counts,
        "results": run.results,
        "certificate": certificate.totals,
        "families_left": Family.objects.filter(council=council).count(),
        "people_left": Person.objects.filter(council=council).count(),
        "batch_audit_rows": AuditEvent.objects.filter(action=AuditAction.ADMIN, object_type="retention.disposalrun",
                                                      detail__step="batch").count(),
        "audit_rows": AuditEvent.objects.count(),
        "dangling_references": broken,
    }


def worker(step: str, seed: int) -> None:
    _django()
    print(json.dumps(setup(seed) if step == "setup" else check()))


# ---------------------------------------------------------------------------------------------
# The report.


def read_data() -> dict[str, dict]:
    if not DOC.exists():
        return {}
    data = {}
    for line in get_section(DOC.read_text(), HEADING).splitlines():
        if line.startswith(DATA_PREFIX):
            item = json.loads(line[len(DATA_PREFIX):].removesuffix(" -->"))
            data[item["db"]] = item
    return data


def _n(value) -> str:
    return f"{value:,}"


def section(results: dict[str, dict]) -> list[str]:
    dbs = [db for db in ("sqlite", "postgres") if db in results]
    lines = [f"## {HEADING}", ""]
    lines += [f"{DATA_PREFIX}{json.dumps(results[db], sort_keys=True)} -->" for db in dbs]
    lines += [""]
    for db in dbs:
        r = results[db]
        m, c = r["machine"], r["check"]
        prepared, done = c["prepared"], c["results"]
        fam, people = done["families"], done["people"]
        records = sum(done["records"].values())
        lines += [
            f"### {DB_LABELS[db]}",
            "",
            f"Measured {r['date']} with {c['server']} on {m['cores']} cores ({m['cpu'] or 'CPU not known'}), "
            f"{m['memory_gb']} GB memory, {m['os']}, Python {m['python']}. Command: `{r['command']}`.",
            "",
            "| Step | Families | Wall time | Peak memory (RSS) |",
            "| --- | ---: | ---: | ---: |",
            f"| `{r['generate']['command']}` (setting up) | {_n(r['families'])} | "
            f"{_duration(r['generate']['wall_s'])} | {r['generate']['peak_rss_mb']} MB |",
            f"| Baseline: `hearth disposal --run-due` with nothing to run (Django loaded) | – | "
            f"{_duration(r['baseline']['wall_s'])} | {r['baseline']['peak_rss_mb']} MB |",
            f"| Dry run: `{r['prepare']['command']}` | {_n(prepared['families']['total'])} judged, "
            f"{_n(prepared['families']['disposed'])} due | {_duration(r['prepare']['wall_s'])} | "
            f"**{r['prepare']['peak_rss_mb']} MB** |",
            f"| Run: `{r['run']['command']}` | {_n(fam['disposed'])} disposed of | "
            f"{_duration(r['run']['wall_s'])} | **{r['run']['peak_rss_mb']} MB** |",
            "",
            f"The run deleted {_n(fam['disposed'])} families, {_n(people['disposed'])} people and "
            f"{_n(records)} rows in all, in {_n(done['batches'])} batches of 200 families (one transaction and, when "
            f"it deleted something, one audit row each: {_n(c['batch_audit_rows'])}). It kept "
            f"{_n(fam['held'])} families under the legal hold, {_n(fam['by_state']['not_yet_due'])} not yet due, "
            f"{_n(fam['by_state']['open'])} open and {_n(fam['by_state']['undetermined'])} that cannot be worked "
            f"out; {_n(c['families_left'])} families and {_n(c['people_left'])} people remain. The dry run's "
            f"forecast was {_n(prepared['families']['disposed'])} families, {_n(prepared['people']['disposed'])} "
            f"people and {_n(sum(prepared['records'].values()))} rows. Rows pointing at a deleted row afterwards: "
            f"{c['dangling_references'] if c['dangling_references'] is not None else 'not checked'}; audit rows "
            f"afterwards: {_n(c['audit_rows'])} (none deleted).",
            "",
        ]
        by_type = done.get("by_record_type") or {}
        if by_type:
            lines += ["| Records deleted, by record type | Rows |", "| --- | ---: |"]
            lines += [f"| `{kind}` | {_n(n)} |" for kind, n in sorted(by_type.items())]
            lines += [""]
    lines += [
        "Peak memory is the maximum resident set size of each subprocess. It stays near the baseline because the "
        "disposal never holds the council's families: it reads family ids a chunk of 200 at a time (keyset "
        "pagination), judges and disposes of that chunk in one transaction, and keeps only the ids of that batch's "
        "rows. The generated families have four people each on average, with names, addresses, relationships "
        "and memberships; before timing, 85% were given an episode closed six to ten years ago (due under "
        "\"6 years from the close of the episode\"), each with a case note and a status change, 5% an episode "
        "closed two years ago, 5% an open episode, and the rest no episode; a legal hold covers 1% of them. Families "
        "with a member recorded as disabled are kept until their youngest member is 25 (the `send_records` rule).",
        "",
        "```",
        ".venv/bin/python -m benchmarks.disposal                       # SQLite, 100,000 families",
        ".venv/bin/python -m benchmarks.disposal --families 2000 --no-doc   # quick, printed only",
        "```",
        "",
    ]
    return lines


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m benchmarks.disposal", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--families", type=int, default=FULL_SIZE)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default=os.environ.get("HEARTH_BENCH_DISPOSAL_PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bars of hearth disposal")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument("--write-doc", action="store_true",
                        help=f"write docs/performance.md even when --families is not {FULL_SIZE:,}")
    parser.add_argument("--worker", choices=["setup", "check"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = argv
    if args.worker:
        worker(args.worker, args.seed)
        return
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in databases and not postgres_available(args.pg_url):
        if args.db == "postgres":
            raise SystemExit(f"PostgreSQL is not reachable at {args.pg_url}")
        log("PostgreSQL is not running here: benchmarking SQLite only")
        databases.remove("postgres")
    results = {db: bench_database(db, args) for db in databases}
    print("\n".join(section(results)))
    if args.no_doc or (args.families != FULL_SIZE and not args.write_doc):
        log("docs/performance.md left as it is.")
        return
    write_section("\n".join(section({**read_data(), **results})), HEADING)
    log(f"wrote the section \"{HEADING}\" of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
