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

The results are printed as Markdown and, for a 250,000-family run (or with `--write-doc`), written into
docs/performance.md as the section "Mixed reads under load", with the machine's load average (1 minute) before
and after each step. All traffic goes to 127.0.0.1. Every step has a time limit, and the server started here is
stopped on the way out, also after an error or Ctrl-C.
"""

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit

from benchmarks import fresh_db
from benchmarks.load_report import FULL_SIZE, HEADING, section
from benchmarks.report import write_section
from benchmarks.run import hearth_command, log, machine
from benchmarks.settings import BENCH_DIR, COORDINATOR, DOC, FINDER, ROOT

PG_BASE = "postgres://postgres@127.0.0.1:5432/"
USERS = (10, 50, 100, 200)
DURATION_S = 20
REQUESTS = 30
SEARCHES = 204
SESSIONS = 10
PASSWORD = "hearth-demo-2026"  # noqa: S105 - the published password of the synthetic demo accounts
ACCOUNTS = {"coordinator": COORDINATOR, "practitioner": FINDER}
PAGE_TYPES = ("Dashboard", "People search (typo)", "Family", "Episode", "Outcomes")
PATHS = {"Dashboard": "/", "People search (typo)": "/people/search?given_name=…&family_name=…",
         "Family": "/families/<id>", "Episode": "/episodes/<id>", "Outcomes": "/episodes/<id>/outcomes"}
SAMPLE = 60  # families drawn for each user
LUA = Path(__file__).resolve().parent / "load.lua"
WORK_DIR = BENCH_DIR / "load"
TIMING_RE = re.compile(r"(\w+);(?:dur|desc)=([\d.]+)")

# Time limits, in seconds.
PSQL_S = 60
DEMO_UP_S = 900
WORKER_S = 900
SERVER_START_S = 90
REQUEST_S = 120
DRAIN_S = 180


class Failed(SystemExit):
    pass


# ---------------------------------------------------------------------------------------------
# The database: reused when it is the right size with the code's migrations, else made again.


def _pg_parts(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    name = unquote(parts.path.lstrip("/"))
    if not re.fullmatch(r"hearth_load\w*", name):
        raise Failed(f"Refusing to use the database {name!r}: the load benchmark's must be named hearth_load….")
    return {"host": parts.hostname or "127.0.0.1", "port": str(parts.port or 5432), "name": name,
            "user": unquote(parts.username or "postgres"), "password": unquote(parts.password or "")}


def _psql(pg: dict[str, str], sql: str, database: str = "postgres") -> str:
    env = {**os.environ, "PGOPTIONS": "-c client_min_messages=warning"}
    if pg["password"]:
        env["PGPASSWORD"] = pg["password"]
    command = ["psql", "-h", pg["host"], "-p", pg["port"], "-U", pg["user"], "-d", database, "-tAq",
               "-v", "ON_ERROR_STOP=1", "-c", sql]
    return subprocess.run(command, check=True, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=PSQL_S).stdout.strip()


def _database_exists(pg) -> bool:
    # The name matched hearth_load\w* in _pg_parts: letters, digits and underscores only.
    return _psql(pg, f"SELECT 1 FROM pg_database WHERE datname = '{pg['name']}'") == "1"  # noqa: S608


def _recreate_database(pg) -> None:
    _psql(pg, f'DROP DATABASE IF EXISTS "{pg["name"]}" WITH (FORCE)')
    _psql(pg, f'CREATE DATABASE "{pg["name"]}"')


def _hearth(env: dict[str, str], *args: str, timeout: float, quiet: bool = True) -> str:
    try:
        return subprocess.run([*hearth_command(), *args], check=True, env=env, cwd=ROOT, timeout=timeout,  # noqa: S603
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE if quiet else None, text=True).stdout
    except subprocess.TimeoutExpired as e:
        raise Failed(f"`hearth {args[0]}` did not finish within {timeout:.0f} s") from e
    except subprocess.CalledProcessError as e:
        raise Failed(f"`hearth {args[0]}` failed ({e.returncode}): {(e.stderr or '')[-2000:]}") from e


def _json_from(env: dict[str, str], command: list[str], what: str, timeout: float = WORKER_S) -> dict:
    """Run a Python subprocess of the benchmark and read the JSON its last line prints."""
    try:
        out = subprocess.run(command, env=env, cwd=ROOT, check=True, timeout=timeout,  # noqa: S603
                             stdout=subprocess.PIPE, text=True).stdout
    except subprocess.TimeoutExpired as e:
        raise Failed(f"{what} did not finish within {timeout:.0f} s") from e
    except subprocess.CalledProcessError as e:
        raise Failed(f"{what} failed ({e.returncode})") from e
    return json.loads(out.strip().splitlines()[-1])


def _worker(env: dict[str, str], task: str, args) -> dict:
    return _json_from(env, [sys.executable, "-m", "benchmarks.load", "--worker", task, "--families",
                            str(args.families), "--seed", str(args.seed)], f"the {task} step")


def ensure_database(env: dict[str, str], pg: dict[str, str], args) -> dict:
    """Reuse the database when it is the wanted size with the code's migrations; else drop it, demo-up, generate."""
    if _database_exists(pg) and not args.regenerate:
        try:
            state = _worker(env, "state", args)
        except Failed as e:
            state = {"reason": str(e)}
        if state.get("reusable"):
            log(f"reusing {pg['name']}: {state['generated']:,} generated families, migrations current")
            return {"reused": True}
        log(f"not reusing {pg['name']}: {state.get('reason')}; making it again")
    log(f"creating {pg['name']}: hearth demo-up (migrate, load-profiles, load-demo, collectstatic)")
    _recreate_database(pg)
    _hearth(env, "demo-up", timeout=DEMO_UP_S)
    log(f"hearth generate --families {args.families} --seed 1 --with-work")
    generate = ["generate", "--families", str(args.families), "--seed", "1", "--with-work"]
    if args.no_progress or not sys.stderr.isatty():
        generate.append("--no-progress")
    started = time.perf_counter()
    _hearth(env, *generate, timeout=max(600.0, args.families * 0.03), quiet=False)
    generate_s = round(time.perf_counter() - started, 1)
    state = _worker(env, "state", args)
    if not state.get("reusable"):
        raise Failed(f"the new database is not what was asked for: {state.get('reason')}")
    return {"reused": False, "generate_s": generate_s}


# ---------------------------------------------------------------------------------------------
# Django subprocesses: the state of the database, and the pages to request.


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    import django

    django.setup()


def worker_state(families: int) -> dict:
    _django()
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    from hearth.accounts.models import User
    from hearth.demo.management.commands.load_demo import DEMO_FAMILIES
    from hearth.people.models import Family

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied, on_disk = set(loader.applied_migrations), set(loader.disk_migrations)
    generated = Family.objects.filter(council__code="hearthshire").count() - DEMO_FAMILIES
    users = User.objects.filter(email__in=ACCOUNTS.values(), is_active=True).count()
    reason = None
    if applied != on_disk:
        def names(keys):
            return ", ".join(f"{app}.{name}" for app, name in sorted(keys)[:3]) + (" …" if len(keys) > 3 else "")

        missing, gone = on_disk - applied, applied - on_disk
        parts = [f"not applied {names(missing)}"] if missing else []
        parts += [f"applied but not in the code {names(gone)}"] if gone else []
        reason = "migrations differ from the code's: " + "; ".join(parts)
    elif users != len(ACCOUNTS):
        reason = "the demo coordinator and practitioner are not both there"
    elif generated != families:
        reason = f"it holds {generated:,} generated families, not {families:,}"
    return {"reusable": reason is None, "reason": reason, "generated": generated}


def _typo_search(rng: random.Random, person) -> str:
    from benchmarks.search import _typo

    given, family = person.given_name, person.family_name
    if rng.random() < 0.5:
        family = _typo(rng, family)
    else:
        given = _typo(rng, given)
    return "/people/search?" + urlencode({"given_name": given, "family_name": family})


def worker_targets(seed: int) -> dict:
    """For each user: the families they may see (a sample), their episodes and searches with a typo; and the
    database's size. Printed as JSON to the orchestrating process, which keeps the paths (the searches hold
    generated names) to itself: they are never logged."""
    _django()
    from django.db import connection

    from hearth.accounts.models import User
    from hearth.cases.models import Episode
    from hearth.core.models import Council
    from hearth.people.models import Family, FamilyMember, Person

    try:
        from hearth.access.policy import families_visible_to
    except ImportError:  # the access storage is being redesigned: fall back on asking the server page by page
        families_visible_to = None
    rng = random.Random(seed)
    council = Council.objects.get(code="hearthshire")
    out = {"users": {}, "families": Family.objects.filter(council=council).count(),
           "people": Person.objects.filter(council=council).count()}
    for key, email in ACCOUNTS.items():
        user = User.objects.select_related("agency", "team").get(email=email)
        visible = families_visible_to(user) if families_visible_to else Family.objects.filter(council=council)
        ids = list(visible.order_by("pk").values_list("pk", flat=True))
        sample = sorted(rng.sample(ids, min(SAMPLE if families_visible_to else SAMPLE * 6, len(ids))))
        episode_ids = list(Episode.objects.filter(family__in=visible).order_by("pk").values_list("pk", flat=True))
        episodes = sorted(rng.sample(episode_ids, min(SAMPLE, len(episode_ids))))
        searches = []
        members = (FamilyMember.objects.filter(family_id__in=sample).select_related("person")
                   .order_by("family_id", "pk"))
        for member in members:
            p = member.person
            if len(p.given_name) >= 4 and len(p.family_name) >= 4 and len(searches) < SAMPLE:
                searches.append(_typo_search(rng, p))
        out["users"][key] = {
            "visible_families": len(ids) if families_visible_to else None,
            "families": [f"/families/{pk}" for pk in sample],
            "episodes": [f"/episodes/{pk}" for pk in episodes],
            "outcomes": [f"/episodes/{pk}/outcomes" for pk in episodes],
            "searches": searches,
        }
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version'), pg_database_size(current_database())")
        version, size = cursor.fetchone()
    out["server"] = f"PostgreSQL {version}"
    out["db_size_mb"] = round(size / 1024 / 1024)
    return out


# ---------------------------------------------------------------------------------------------
# The server and HTTP against it (127.0.0.1 only).


def _die_with_parent() -> None:
    """In the server's process, before it runs: be sent SIGTERM if this benchmark's process dies, even by SIGKILL
    (Linux's PR_SET_PDEATHSIG; elsewhere nothing). Runs in the child between fork and exec."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`hearth serve` in its own process group, stopped (the whole group) by stop() or on the way out."""

    def __init__(self, env: dict[str, str], *, timing: bool, workers: int | None):
        self.port = _free_port()
        self.env = {**env, "HEARTH_DEMO": "1", "HEARTH_DEFAULT_COUNCIL": "hearthshire",
                    "HEARTH_BIND": f"127.0.0.1:{self.port}"}
        if workers:
            self.env["HEARTH_WORKERS"] = str(workers)
        if timing:
            self.env["HEARTH_SERVER_TIMING"] = "1"
        else:
            self.env.pop("HEARTH_SERVER_TIMING", None)
        self.workers = int(self.env.get("HEARTH_WORKERS", "3"))
        self.log_path = WORK_DIR / ("server-timing.log" if timing else "server.log")
        self.process = None

    def start(self) -> "Server":
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("w") as errors:  # gunicorn's error log; the access log (stdout) is discarded
            self.process = subprocess.Popen([*hearth_command(), "serve"], env=self.env, cwd=ROOT,  # noqa: S603
                                            stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True,
                                            preexec_fn=_die_with_parent)  # noqa: PLW1509
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise Failed(f"hearth serve stopped ({self.process.returncode}); see {self.log_path}")
            try:
                if get(self.port, "/healthz", timeout=5)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise Failed(f"hearth serve did not answer /healthz within {SERVER_START_S} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.process.pid, sig)  # the group of the process started above: gunicorn and its workers
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def get(port: int, path: str, cookie: str = "", timeout: float = REQUEST_S) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def _cookies(headers, jar: dict[str, str]) -> dict[str, str]:
    for header in headers.get_all("Set-Cookie") or []:
        name, _, value = header.split(";", 1)[0].partition("=")
        jar[name.strip()] = value.strip()
    return jar


def sign_in(port: int, email: str) -> str:
    """Sign in through the form as a browser would: GET for the CSRF cookie and token, POST; the Cookie header."""
    status, headers, body = get(port, "/sign-in")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or token is None:
        raise Failed(f"GET /sign-in answered {status} without a CSRF token")
    jar = _cookies(headers, {})
    form = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), "email": email, "password": PASSWORD})
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_S)
    try:
        conn.request("POST", "/sign-in", body=form, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{port}",
            "Referer": f"http://127.0.0.1:{port}/sign-in", "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
        response = conn.getresponse()
        response.read()
        _cookies(response.headers, jar)
        location = response.headers.get("Location", "")
    finally:
        conn.close()
    if response.status != 302 or location.rstrip("/") not in ("", f"http://127.0.0.1:{port}") or "sessionid" not in jar:
        raise Failed(f"signing in as {email} did not reach the dashboard ({response.status} to {location or '-'}); "
                     "is HEARTH_DEMO on and the demo account there?")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def drain(port: int) -> None:
    """Wait until the server answers /healthz quickly: the previous step's queued requests are done."""
    deadline = time.monotonic() + DRAIN_S
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            if get(port, "/healthz", timeout=DRAIN_S)[0] == 200 and time.perf_counter() - started < 0.2:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise Failed(f"the server was still busy {DRAIN_S} s after a step")


# ---------------------------------------------------------------------------------------------
# What to request, checked page by page; the load steps; server time against SQL time.


def checked_targets(port: int, sessions: dict[str, list[str]], picked: dict) -> tuple[dict, dict]:
    """{page type: [(user, path)]} of pages each user's first session got a 200 for; and what was left out."""
    lists = {"Dashboard": "dashboard", "People search (typo)": "searches", "Family": "families",
             "Episode": "episodes", "Outcomes": "outcomes"}
    targets, dropped = {t: [] for t in PAGE_TYPES}, {}
    for user, cookies in sessions.items():
        mine = {**picked["users"][user], "dashboard": ["/"]}
        for page_type, key in lists.items():
            for path in mine[key]:
                status = get(port, path, cookies[0])[0]
                if status == 200:
                    targets[page_type].append((user, path))
                else:
                    dropped.setdefault(f"{page_type}: {status}", 0)
                    dropped[f"{page_type}: {status}"] += 1
    missing = [t for t in PAGE_TYPES if not targets[t]]
    if missing:
        raise Failed(f"no page of these kinds answered 200 for either user: {', '.join(missing)}")
    return targets, dropped


def write_requests(targets: dict, sessions: dict[str, list[str]], seed: int, count: int = 5000) -> Path:
    """The shuffled request list wrk goes round: each page type a fifth; users and sessions drawn at random."""
    rng = random.Random(seed)
    lines = []
    for i in range(count):
        user, path = rng.choice(targets[PAGE_TYPES[i % len(PAGE_TYPES)]])
        lines.append(f"{path}\t{rng.choice(sessions[user])}")
    rng.shuffle(lines)
    WORK_DIR.mkdir(parents=True, exist_ok=True)
    path = WORK_DIR / "requests.txt"
    path.touch(mode=0o600)
    path.write_text("\n".join(lines) + "\n")
    return path


def wrk(port: int, requests_file: Path, users: int, duration: int) -> dict:
    threads = max(1, min(users, os.cpu_count() or 1))
    command = ["wrk", f"-t{threads}", f"-c{users}", f"-d{duration}s", "--timeout", "30s", "-s", str(LUA),
               f"http://127.0.0.1:{port}", "--", str(requests_file)]
    try:
        out = subprocess.run(command, check=True, capture_output=True, text=True,  # noqa: S603
                             timeout=duration + 90).stdout
    except subprocess.TimeoutExpired as e:
        raise Failed(f"wrk did not finish within {duration + 90} s") from e
    except subprocess.CalledProcessError as e:
        raise Failed(f"wrk failed ({e.returncode}): {e.stderr[-1000:]}") from e
    line = next((x for x in out.splitlines() if x.startswith("LOADJSON ")), None)
    if line is None:
        raise Failed(f"wrk printed no result: {out[-1000:]}")
    return json.loads(line[len("LOADJSON "):])


def load_steps(port: int, requests_file: Path, args) -> list[dict]:
    log(f"warming up: {min(5, args.duration)} s at {args.users[0]} users (not recorded)")
    wrk(port, requests_file, args.users[0], min(5, args.duration))
    steps = []
    for users in args.users:
        drain(port)
        before = os.getloadavg()[0]
        r = wrk(port, requests_file, users, args.duration)
        after = os.getloadavg()[0]
        seconds = r["duration_us"] / 1e6
        socket_errors = r["connect"] + r["read"] + r["write"] + r["timeout"]
        step = {"users": users, "seconds": round(seconds, 1), "requests": r["requests"],
                "rps": round(r["requests"] / seconds, 1) if seconds else 0.0,
                "p50_ms": round(r["p50_us"] / 1000, 1), "p95_ms": round(r["p95_us"] / 1000, 1),
                "p99_ms": round(r["p99_us"] / 1000, 1), "max_ms": round(r["max_us"] / 1000, 1),
                "errors": r["not_ok"] + socket_errors, "not_ok": r["statuses"],
                "unanswered": max(0, r["sent"] - r["answered"]),
                "socket_errors": {k: r[k] for k in ("connect", "read", "write", "timeout") if r[k]},
                "load": [round(before, 2), round(after, 2)]}
        log(f"{users:>4} users: {step['rps']:>7.1f} req/s, p50 {step['p50_ms']} ms, p95 {step['p95_ms']} ms, "
            f"p99 {step['p99_ms']} ms, {step['errors']} errors, {step['unanswered']} unanswered at the end; "
            f"load {before:.2f} -> {after:.2f}")
        steps.append(step)
    drain(port)
    return steps


def server_timing(port: int, sessions: dict[str, list[str]], targets: dict, runs: int) -> list[dict]:
    """Each page type `runs` times, one request at a time, taking turns: the Server-Timing figures' medians."""
    figures = {t: {"app": [], "db": [], "queries": [], "client": []} for t in PAGE_TYPES}
    before = os.getloadavg()[0]
    for i in range(runs + 3):  # the first three rounds warm up
        for page_type in PAGE_TYPES:
            user, path = targets[page_type][i % len(targets[page_type])]
            started = time.perf_counter()
            status, headers, _ = get(port, path, sessions[user][0])
            client_ms = (time.perf_counter() - started) * 1000
            timing = dict(TIMING_RE.findall(headers.get("Server-Timing", "")))
            if status != 200 or not {"app", "db", "queries"} <= timing.keys():
                raise Failed(f"{page_type} answered {status} with Server-Timing {timing or 'missing'}")
            if i >= 3:
                figures[page_type]["app"].append(float(timing["app"]))
                figures[page_type]["db"].append(float(timing["db"]))
                figures[page_type]["queries"].append(int(float(timing["queries"])))
                figures[page_type]["client"].append(client_ms)
    after = os.getloadavg()[0]
    rows = []
    for page_type in PAGE_TYPES:
        f = figures[page_type]
        app, db = statistics.median(f["app"]), statistics.median(f["db"])
        rows.append({"page": page_type, "path": PATHS[page_type], "n": len(f["app"]), "app_ms": round(app, 1),
                     "db_ms": round(db, 1), "ratio": round(app / db, 1) if db else None,
                     "queries": [min(f["queries"]), max(f["queries"])],
                     "client_ms": round(statistics.median(f["client"]), 1),
                     "app_p95_ms": round(sorted(f["app"])[max(0, -(-len(f["app"]) * 95 // 100) - 1)], 1),
                     "load": [round(before, 2), round(after, 2)]})
    return rows


# ---------------------------------------------------------------------------------------------
# The report.


def search_times(env: dict[str, str], args) -> dict | None:
    """People search and find-before-create timed in-process on the benchmark's database (benchmarks/search.py)."""
    if not args.searches:
        return None
    before = os.getloadavg()[0]
    result = _json_from(env, [sys.executable, "-m", "benchmarks.run", "--worker", "--queries", str(args.searches),
                              "--seed", str(args.seed)], "the searches")["search"]
    return {**result, "load": [round(before, 2), round(os.getloadavg()[0], 2)]}


# ---------------------------------------------------------------------------------------------


def _stop_on_signal(signum, _frame):
    raise Failed(f"stopped by signal {signum}")


def run(args) -> dict:
    pg = _pg_parts(args.pg_url)
    for tool, package in (("wrk", "wrk"), ("psql", "postgresql-client")):
        if not shutil.which(tool):
            raise Failed(f"{tool} is not installed (apt-get install -y {package})")
    if subprocess.run(["pg_isready", "-q", "-h", pg["host"], "-p", pg["port"]], check=False,  # noqa: S603, S607
                      timeout=PSQL_S).returncode != 0:
        raise Failed(f"PostgreSQL is not reachable at {pg['host']}:{pg['port']}")
    env = fresh_db.db_env("postgres", args.pg_url, BENCH_DIR / "unused.sqlite3")
    database = ensure_database(env, pg, args)
    picked = _worker(env, "targets", args)
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
                        help=f"write docs/performance.md even when --families is not {FULL_SIZE:,}")
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
    args.pg_url = args.pg_url or PG_BASE + ("hearth_load" if args.families == FULL_SIZE else "hearth_load_small")

    signal.signal(signal.SIGTERM, _stop_on_signal)
    signal.signal(signal.SIGHUP, _stop_on_signal)
    result = run(args)
    text = "\n".join(section(result))
    print(text)
    if args.no_doc or (args.families != FULL_SIZE and not args.write_doc):
        log("docs/performance.md left as it is.")
        return
    write_section(text, HEADING)
    log(f"wrote the section \"{HEADING}\" of {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
