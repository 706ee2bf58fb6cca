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
import math
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
SQLITE_PATH = BENCH_DIR / "hearth-bench.sqlite3"
DOC = ROOT / "docs" / "performance.md"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/hearth_bench"
FULL_SIZE = 100_000

TARGET_MEDIAN_MS = 100
TARGET_P95_MS = 250
TARGET_GENERATE_S = 300

COORDINATOR = "coordinator@demo.hearth.test"
FINDER = "practitioner@demo.hearth.test"
KINDS = (
    "exact name",
    "name with a typo",
    "nickname",
    "family name and date of birth",
    "NHS number",
    "postcode",
)
WARM_UP = 20
DB_LABELS = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


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


def _typo(rng: random.Random, word: str) -> str:
    """One adjacent pair of letters swapped or one letter dropped, never the first letter."""
    for _ in range(10):
        i = rng.randrange(1, len(word) - 1)
        if rng.random() < 0.5 and word[i] != word[i + 1]:
            changed = word[:i] + word[i + 1] + word[i] + word[i + 2:]
        else:
            changed = word[:i] + word[i + 1:]
        if changed.lower() != word.lower():
            return changed
    return word[:-1]


def build_queries(rng: random.Random, council, count: int) -> list[tuple[str, int, object]]:
    """(kind, target person id, SearchQuery), drawn repeatably from the generated people."""
    from hearth.people.matching import NICKNAMES
    from hearth.people.models import Address, Person
    from hearth.people.selectors import SearchQuery

    people = Person.objects.filter(council=council)
    ids = list(people.order_by("pk").values_list("pk", flat=True))
    short_forms: dict[str, list[str]] = {}
    for short, canonical in NICKNAMES.items():
        if short != canonical:
            short_forms.setdefault(canonical, []).append(short)
    nickname_ids = list(people.filter(given_name__in=[n.title() for n in short_forms]).order_by("pk")
                        .values_list("pk", flat=True))

    def pick(pool, ok=lambda p: True):
        while True:
            person = Person.objects.get(pk=rng.choice(pool))
            if ok(person):
                return person

    queries = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        if kind == "exact name":
            p = pick(ids)
            q = SearchQuery(given_name=p.given_name, family_name=p.family_name)
        elif kind == "name with a typo":
            p = pick(ids, lambda p: len(p.family_name) >= 4 and len(p.given_name) >= 4)
            if (i // len(KINDS)) % 2:
                q = SearchQuery(given_name=_typo(rng, p.given_name), family_name=p.family_name)
            else:
                q = SearchQuery(given_name=p.given_name, family_name=_typo(rng, p.family_name))
        elif kind == "nickname":
            p = pick(nickname_ids)
            q = SearchQuery(given_name=rng.choice(sorted(short_forms[p.given_name.lower()])).title(),
                            family_name=p.family_name)
        elif kind == "family name and date of birth":
            p = pick(ids, lambda p: p.date_of_birth is not None)
            q = SearchQuery(family_name=p.family_name, date_of_birth=p.date_of_birth)
        elif kind == "NHS number":
            p = pick(ids, lambda p: bool(p.nhs_number))
            q = SearchQuery(nhs_number=p.nhs_number)
        else:
            p = pick(ids, lambda p: Address.objects.filter(person=p, to_date__isnull=True).exists())
            address = Address.objects.filter(person=p, to_date__isnull=True).first()
            q = SearchQuery(postcode=address.postcode)
        queries.append((kind, p.pk, q))
    return queries


def _stats(values: list[float]) -> dict:
    ordered = sorted(values)
    if not ordered:
        return {"n": 0, "median": None, "p95": None, "max": None}
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]  # nearest rank
    return {"n": len(ordered), "median": round(statistics.median(ordered), 1), "p95": round(p95, 1),
            "max": round(ordered[-1], 1)}


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from hearth.access import policy
    from hearth.accounts.models import User
    from hearth.core.models import Council
    from hearth.people import selectors
    from hearth.people.models import Family, Person

    council = Council.objects.get(code="hearthshire")
    coordinator = User.objects.select_related("agency", "team").get(email=COORDINATOR)
    finder = User.objects.select_related("agency", "team").get(email=FINDER)
    rng = random.Random(args.seed)
    queries = build_queries(rng, council, args.queries)
    targets = [target for _, target, _ in queries]
    visible_to_coordinator = set(
        policy.people_visible_to(coordinator).filter(pk__in=targets).values_list("pk", flat=True))
    visible_families = policy.families_visible_to(coordinator).count()

    def call(fn, user, query):
        started = time.perf_counter()
        with transaction.atomic():  # as in a request: the audit row commits, then is sealed
            matches = fn(user, query)
        return (time.perf_counter() - started) * 1000, matches

    for _kind, _target, query in queries[:WARM_UP]:
        call(selectors.search_people, coordinator, query)
        call(selectors.find_existing, finder, query)

    timings = {"search": {k: [] for k in KINDS}, "find": {k: [] for k in KINDS}}
    found = {"search": {k: [0, 0] for k in KINDS}, "find": {k: [0, 0] for k in KINDS}}
    results = {"search": [], "find": []}
    for kind, target, query in queries:
        for label, fn, user in (("search", selectors.search_people, coordinator),
                                ("find", selectors.find_existing, finder)):
            ms, matches = call(fn, user, query)
            timings[label][kind].append(ms)
            results[label].append(len(matches))
            if label == "find" or target in visible_to_coordinator:
                found[label][kind][1] += 1
                found[label][kind][0] += any(m.person.pk == target for m in matches)

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version'), pg_database_size(current_database())")
            version, size = cursor.fetchone()
        server = f"PostgreSQL {version}"
    else:
        import sqlite3

        server = f"SQLite {sqlite3.sqlite_version}"
        size = sum(p.stat().st_size for p in Path(connection.settings_dict["NAME"]).parent.glob(
            Path(connection.settings_dict["NAME"]).name + "*"))
    out = {
        "server": server,
        "db_size_mb": round(size / 1024 / 1024),
        "families": Family.objects.filter(council=council).count(),
        "people": Person.objects.filter(council=council).count(),
        "coordinator_families": visible_families,
        "queries": len(queries),
        "search": {
            label: {"all": _stats([t for k in KINDS for t in timings[label][k]]),
                    "by_kind": {k: _stats(timings[label][k]) for k in KINDS},
                    "found": found[label],
                    "mean_results": round(statistics.mean(results[label]), 1) if results[label] else 0}
            for label in ("search", "find")
        },
    }
    print(json.dumps(out))


# ---------------------------------------------------------------------------------------------
# The report.

DATA_RE = re.compile(r"<!-- bench-data (\{.*\}) -->")


def read_doc_data() -> dict[str, dict]:
    if not DOC.exists():
        return {}
    data = {}
    for match in DATA_RE.finditer(DOC.read_text()):
        try:
            item = json.loads(match.group(1))
        except json.JSONDecodeError:
            continue
        data[item["db"]] = item
    return data


def _ms(value) -> str:
    return "–" if value is None else f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _duration(seconds) -> str:
    if seconds is None:
        return "–"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def summary_table(results: dict[str, dict]) -> list[str]:
    lines = [
        "| Database | Families | People | `hearth generate` | Peak memory | People search median / p95 / max "
        "| Find-before-create median / p95 / max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for db in ("sqlite", "postgres"):
        r = results.get(db)
        if not r:
            continue
        g = r.get("generation") or {}
        s, f = r["search"]["search"]["all"], r["search"]["find"]["all"]
        lines.append(
            f"| {r['server']} | {r['families']:,} | {r['people']:,} | {_duration(g.get('wall_s'))} "
            f"| {g.get('peak_rss_mb', '–')} MB | {_ms(s['median'])} / {_ms(s['p95'])} / {_ms(s['max'])} "
            f"| {_ms(f['median'])} / {_ms(f['p95'])} / {_ms(f['max'])} |"
        )
    return lines


def section(r: dict) -> list[str]:
    m, g = r["machine"], r.get("generation") or {}
    label = DB_LABELS[r["db"]]
    s_all, f_all = r["search"]["search"]["all"], r["search"]["find"]["all"]
    lines = [
        f"## {label}",
        "",
        f"<!-- bench-data {json.dumps(r, sort_keys=True)} -->",
        "",
        f"Measured {r['date']} with {r['server']} on {m['cores']} cores ({m['cpu'] or 'CPU not known'}), "
        f"{m['memory_gb']} GB memory, {m['os']}, Python {m['python']}. Command: `{r['command']}`.",
        "",
    ]
    if g:
        rate = g["families"] / g["wall_s"] if g.get("wall_s") else 0
        within = g["wall_s"] <= TARGET_GENERATE_S
        lines += [
            f"- `{g['command']}`: {_duration(g['wall_s'])} wall time ({rate:,.0f} families a second, "
            f"{g['people']:,} people), peak resident memory {g['peak_rss_mb']} MB; the target of under "
            f"{TARGET_GENERATE_S // 60} minutes is {_verdict(within)}. "
            f"Database size afterwards: {r['db_size_mb']:,} MB.",
        ]
    else:
        lines += ["- Generation was not re-measured in this run (`--reuse`)."]
    search_ok = s_all["median"] < TARGET_MEDIAN_MS and s_all["p95"] < TARGET_P95_MS
    find_ok = f_all["median"] < TARGET_MEDIAN_MS and f_all["p95"] < TARGET_P95_MS
    lines += [
        f"- People search by the North locality coordinator (who may see {r['coordinator_families']:,} "
        f"of the {r['families']:,} families), {s_all['n']} searches: median {_ms(s_all['median'])}, "
        f"95th percentile "
        f"{_ms(s_all['p95'])}, slowest {_ms(s_all['max'])}; the target (median under {TARGET_MEDIAN_MS} ms, "
        f"95th percentile under {TARGET_P95_MS} ms) is {_verdict(search_ok)}.",
        f"- Find-before-create across the whole council, the same {f_all['n']} searches: median "
        f"{_ms(f_all['median'])}, 95th percentile {_ms(f_all['p95'])}, slowest {_ms(f_all['max'])}; "
        f"the same target is {_verdict(find_ok)}.",
        "",
        "| Search by | Searches | People search: median | p95 | max | found* "
        "| Find-before-create: median | p95 | max | found* |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind in KINDS:
        s = r["search"]["search"]["by_kind"][kind]
        f = r["search"]["find"]["by_kind"][kind]
        sf, ff = r["search"]["search"]["found"][kind], r["search"]["find"]["found"][kind]
        lines.append(
            f"| {kind} | {s['n']} | {_ms(s['median'])} | {_ms(s['p95'])} | {_ms(s['max'])} | {sf[0]}/{sf[1]} "
            f"| {_ms(f['median'])} | {_ms(f['p95'])} | {_ms(f['max'])} | {ff[0]}/{ff[1]} |"
        )
    lines.append(
        f"| **all** | {s_all['n']} | **{_ms(s_all['median'])}** | **{_ms(s_all['p95'])}** "
        f"| {_ms(s_all['max'])} | | **{_ms(f_all['median'])}** | **{_ms(f_all['p95'])}** "
        f"| {_ms(f_all['max'])} | |"
    )
    lines += [""]
    return lines


INTRO = """\
# Performance

Measured speed of Hearth, written by `benchmarks/run.py`: run it again to update this page.
Benchmarks print figures; they are not timed tests, so a slow machine does not fail the build.

## Targets

- The family page and the search results page issue a fixed number of SQL queries whatever the
  size of the family or the number of results. `hearth/people/tests/test_query_counts.py` proves
  it (2 members against 10 with their relationships; 1 result against 30, and the same for
  find-before-create), and runs with every `make test`.
- People search over {full:,} generated families: median under {median} ms and 95th percentile
  under {p95} ms, on PostgreSQL and on SQLite.
- `hearth generate --families {full}` (with its progress bar) in under {minutes} minutes, on SQLite
  and on PostgreSQL.

## Summary

"""

NOTES = """\
Times are for one call of `search_people` or `find_existing` in a transaction, as in a request,
including the audit row written for every search and its sealing into the audit chain; page
rendering is not included. p95 is the 95th percentile (nearest rank).

"""

METHOD = """\
\\* found: how often the person a search was drawn from is among its results. For people search,
out of the searches whose person the coordinator may see; for find-before-create, out of all.

## What is measured

Each database starts empty: `hearth migrate`, `hearth load-demo` (the demo council and its
users), then `hearth generate --families 100000` is timed in a subprocess, as a person would run
it (with its progress bar). Peak memory is the maximum resident set size of that subprocess.

The searches are drawn repeatably (seed 1) from the generated people, in equal numbers of six
kinds: an exact given and family name; the name with one letter dropped or two adjacent letters
swapped (in the family name or the given name, never the first letter); a known short form of
the given name (Bob for Robert, Liz for Elizabeth) with the family name; the family name with the
date of birth; an NHS number; a postcode. Each is run as people search by the demo North locality
coordinator (`coordinator@demo.hearth.test`, who sees the families of one of three localities)
and as find-before-create across the whole council by the demo practitioner
(`practitioner@demo.hearth.test`, so most matches are records they may not see). The first
{warm_up} searches are run once, untimed, to warm caches. The SQLite database is
`var/bench/hearth-bench.sqlite3`; the PostgreSQL database is `{pg_name}` on the local server.
Neither is the demo database.

## How to reproduce

```
make bench                     # both databases, 100,000 families (about 6 minutes)
.venv/bin/python -m benchmarks.run --db sqlite --families 100000
.venv/bin/python -m benchmarks.run --db postgres --pg-url postgres://postgres@127.0.0.1:5432/hearth_bench
.venv/bin/python -m benchmarks.run --db sqlite --families 2000    # quick: printed, this page untouched
.venv/bin/python -m benchmarks.run --db sqlite --reuse            # search again, no new data
```

PostgreSQL must be running and reachable; the benchmark creates its database with `createdb`.
After editing the text of this page in `benchmarks/run.py`, `--render-only` rewrites it from the
figures already recorded here.

## History

Before people search was reworked (November 2026), the same searches over the same 100,000
families (the first 60 of them, with planner statistics) took, on SQLite, a median of 169 ms with
a 95th percentile of 14.7 s and a slowest of 41 s for the coordinator (a family name with a date of
birth took seconds), and a median of 122 ms and a 95th percentile of 372 ms for find-before-create;
on PostgreSQL, 95th percentiles of 191 ms and 214 ms (slowest 370 ms).
Searches of a common family name also stopped at the first 400 candidates in alphabetical order,
so a family name with a date of birth found the person 1 time in 10.
"""


def render(results: dict[str, dict]) -> str:
    lines = [
        INTRO.format(full=FULL_SIZE, median=TARGET_MEDIAN_MS, p95=TARGET_P95_MS,
                     minutes=TARGET_GENERATE_S // 60).rstrip("\n"),
        "",
        *summary_table(results),
        "",
        NOTES.rstrip("\n"),
        "",
    ]
    for db in ("sqlite", "postgres"):
        if db in results:
            lines += section(results[db])
    lines.append(METHOD.format(warm_up=WARM_UP, pg_name=urlsplit(DEFAULT_PG_URL).path.lstrip("/")))
    return "\n".join(lines)


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
