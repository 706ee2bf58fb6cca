"""Benchmarks: generating 100,000 families, then people search over them, on SQLite and PostgreSQL.

    .venv/bin/python -m benchmarks.run                              # both databases, 100,000 families
    .venv/bin/python -m benchmarks.run --db sqlite --families 2000  # a quick run (printed, docs untouched)

For each database: a fresh benchmark database (never the demo database var/hearth.sqlite3), `hearth
migrate`, `hearth load-demo`, then `hearth generate --families N` timed in a subprocess (wall time
and its peak resident memory). Then, in a separate process, about 200 searches drawn repeatably
from the generated people are timed, each call of `search_people` (as the demo locality
coordinator, who sees about a third of the families) and of `find_existing` (find-before-create,
across the whole council, as the demo practitioner), inside a transaction as a request would be,
including the audit row. The results are printed as Markdown and, for a full-size run, written
into docs/performance.md.
"""

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from benchmarks.report import read_doc_data, render, section, summary_table
from benchmarks.search import worker
from benchmarks.settings import BENCH_DIR, DB_LABELS, DEFAULT_PG_URL, DOC, FULL_SIZE, ROOT, SQLITE_PATH


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# The orchestrating process: databases, subprocesses, the report.


def hearth_command() -> list[str]:
    script = Path(sys.executable).parent / "hearth"
    return [str(script)] if script.exists() else [sys.executable, "-m", "hearth.cli"]


def db_env(db: str, pg_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("HEARTH_DEMO", None)
    env["HEARTH_VAR_DIR"] = str(BENCH_DIR)
    env["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}" if db == "sqlite" else pg_url
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("HEARTH_LOG_LEVEL", "WARNING")
    return env


def _pg_parts(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    if not name or "bench" not in name:
        raise SystemExit(f"Refusing to use {name!r}: the benchmark database's name must contain 'bench'.")
    return {"host": parts.hostname or "127.0.0.1", "port": str(parts.port or 5432), "name": name,
            "user": unquote(parts.username or "postgres"), "password": unquote(parts.password or "")}


def _pg_env(pg: dict[str, str]) -> dict[str, str]:
    env = dict(os.environ)
    if pg["password"]:
        env["PGPASSWORD"] = pg["password"]
    return env


def postgres_available(url: str) -> bool:
    pg = _pg_parts(url)
    if not shutil.which("pg_isready"):
        return False
    command = ["pg_isready", "-q", "-h", pg["host"], "-p", pg["port"]]
    return subprocess.run(command, check=False).returncode == 0  # noqa: S603


def recreate_database(db: str, pg_url: str) -> None:
    if db == "sqlite":
        BENCH_DIR.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            SQLITE_PATH.with_name(SQLITE_PATH.name + suffix).unlink(missing_ok=True)
        return
    pg = _pg_parts(pg_url)
    conn = ["-h", pg["host"], "-p", pg["port"], "-U", pg["user"]]
    drop = ["psql", *conn, "-d", "postgres", "-q", "-v", "ON_ERROR_STOP=1", "-c",
            f'DROP DATABASE IF EXISTS "{pg["name"]}" WITH (FORCE)']
    subprocess.run(drop, check=True, env=_pg_env(pg))  # noqa: S603
    subprocess.run(["createdb", *conn, pg["name"]], check=True, env=_pg_env(pg))  # noqa: S603, S607


def database_exists(db: str, pg_url: str) -> bool:
    if db == "sqlite":
        return SQLITE_PATH.exists()
    pg = _pg_parts(pg_url)
    command = ["psql", "-h", pg["host"], "-p", pg["port"], "-U", pg["user"], "-d", "postgres", "-tA",
               "-v", f"name={pg['name']}"]
    out = subprocess.run(command, input="SELECT 1 FROM pg_database WHERE datname = :'name';", check=True,  # noqa: S603
                         capture_output=True, text=True, env=_pg_env(pg)).stdout
    return out.strip() == "1"


def run_hearth(env: dict[str, str], *args: str) -> None:
    subprocess.run([*hearth_command(), *args], check=True, env=env, cwd=ROOT,  # noqa: S603
                   stdout=subprocess.DEVNULL)


def timed_generate(env: dict[str, str], families: int, seed: int, progress: bool) -> dict:
    """Run `hearth generate` in a subprocess; its wall time and peak resident memory (from wait4)."""
    cmd = [*hearth_command(), "generate", "--families", str(families), "--seed", str(seed)]
    if not progress:
        cmd.append("--no-progress")
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)  # noqa: S603
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stdout.close()
    if proc.returncode != 0:
        raise SystemExit(f"hearth generate failed ({proc.returncode}): {output}")
    people = re.search(r"\((\d+) people\)", output)
    return {
        "command": " ".join(["hearth", *cmd[len(hearth_command()):]]),
        "families": families,
        "people": int(people.group(1)) if people else None,
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux reports kilobytes
    }


def run_worker(env: dict[str, str], args) -> dict:
    cmd = [sys.executable, "-m", "benchmarks.run", "--worker", "--queries", str(args.queries),
           "--seed", str(args.seed)]
    out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout  # noqa: S603
    return json.loads(out.strip().splitlines()[-1])


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory_gb = round(kb / 1024 / 1024)
    except (OSError, AttributeError):
        pass
    return {"cores": os.cpu_count(), "cpu": model, "memory_gb": memory_gb,
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version()}


def bench_database(db: str, args) -> dict:
    env = db_env(db, args.pg_url)
    previous = read_doc_data().get(db, {})
    if args.reuse and database_exists(db, args.pg_url):
        log(f"{DB_LABELS[db]}: reusing the existing benchmark database (generation not re-measured)")
        generation = previous.get("generation")
        if (generation or {}).get("families") != args.families:
            generation = None
    else:
        log(f"{DB_LABELS[db]}: creating a fresh benchmark database, migrating, loading the demo council")
        recreate_database(db, args.pg_url)
        run_hearth(env, "migrate", "-v0")
        run_hearth(env, "load-demo")
        log(f"{DB_LABELS[db]}: timing hearth generate --families {args.families}")
        generation = timed_generate(env, args.families, args.seed, progress=not args.no_progress)
        log(f"{DB_LABELS[db]}: generated in {generation['wall_s']} s, peak {generation['peak_rss_mb']} MB")
    log(f"{DB_LABELS[db]}: timing {args.queries} searches of each kind of user")
    search = run_worker(env, args)
    return {
        "db": db,
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "command": " ".join(["python -m benchmarks.run", *args.argv]) or "python -m benchmarks.run",
        "generation": generation,
        **search,
    }


# ---------------------------------------------------------------------------------------------
# The worker process: Django set up against one benchmark database, searches timed in-process.


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--families", type=int, default=FULL_SIZE)
    parser.add_argument("--queries", type=int, default=204, help="searches by each user (default 204)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pg-url", default=os.environ.get("HEARTH_BENCH_PG_URL", DEFAULT_PG_URL))
    parser.add_argument("--reuse", action="store_true",
                        help="search the existing benchmark database instead of generating a new one")
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar of hearth generate")
    parser.add_argument("--write-doc", action="store_true",
                        help=f"write docs/performance.md even when --families is not {FULL_SIZE}")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument("--render-only", action="store_true",
                        help="rewrite docs/performance.md from the figures it already holds; measure nothing")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.argv = argv
    if args.worker:
        worker(args)
        return
    if args.render_only:
        DOC.write_text(render(read_doc_data()))
        log(f"rewrote {DOC.relative_to(ROOT)}")
        return

    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if "postgres" in databases and not postgres_available(args.pg_url):
        if args.db == "postgres":
            raise SystemExit(f"PostgreSQL is not reachable at {args.pg_url}")
        log("PostgreSQL is not running here: benchmarking SQLite only")
        databases.remove("postgres")

    results = {db: bench_database(db, args) for db in databases}
    print("\n".join(summary_table(results)))
    print()
    for db in databases:
        print("\n".join(section(results[db])))
    if args.no_doc:
        log("docs/performance.md left as it is (--no-doc).")
        return
    if args.families != FULL_SIZE and not args.write_doc:
        log(f"docs/performance.md left as it is ({args.families:,} families; it records {FULL_SIZE:,}).")
        return
    merged = {**read_doc_data(), **results}
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(render(merged))
    log(f"wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
