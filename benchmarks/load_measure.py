"""The load benchmark's measurements (benchmarks/load.py, steps 3 to 6): what to request, checked page by page;
the load steps under wrk; server time against SQL time; people search timed in-process."""

import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.load_data import json_from
from benchmarks.load_server import drain, get
from benchmarks.load_settings import WORK_DIR, Failed
from benchmarks.run import log

PAGE_TYPES = ("Dashboard", "People search (typo)", "Family", "Episode", "Outcomes")
PATHS = {"Dashboard": "/", "People search (typo)": "/people/search?given_name=…&family_name=…",
         "Family": "/families/<id>", "Episode": "/episodes/<id>", "Outcomes": "/episodes/<id>/outcomes"}
LUA = Path(__file__).resolve().parent / "load.lua"
TIMING_RE = re.compile(r"(\w+);(?:dur|desc)=([\d.]+)")


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


SETTLE_LOAD, SETTLE_S = 1.0, 120


def settle() -> None:
    """Wait, up to SETTLE_S, for the load the load steps left to die down (the 1-minute load average under
    SETTLE_LOAD), so that a one-at-a-time measurement is not timed while the machine is still busy."""
    deadline = time.monotonic() + SETTLE_S
    while os.getloadavg()[0] >= SETTLE_LOAD and time.monotonic() < deadline:
        time.sleep(5)


def search_times(env: dict[str, str], args) -> dict | None:
    """People search and find-before-create timed in-process on the benchmark's database (benchmarks/search.py),
    once the machine has settled."""
    if not args.searches:
        return None
    settle()
    before = os.getloadavg()[0]
    result = json_from(env, [sys.executable, "-m", "benchmarks.run", "--worker", "--queries", str(args.searches),
                              "--seed", str(args.seed)], "the searches")["search"]
    return {**result, "load": [round(before, 2), round(os.getloadavg()[0], 2)]}
