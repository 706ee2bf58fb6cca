"""The Markdown section "Mixed reads under load" of docs/performance.md, from a run of benchmarks/load.py."""

import json

from benchmarks.search import KINDS

HEADING = "Mixed reads under load"
FULL_SIZE = 250_000
DATA_PREFIX = "<!-- load-bench-data "


def search_lines(search: dict) -> list[str]:
    lines = [
        "",
        f"People search (by the coordinator, only people they may see) and find-before-create (by the practitioner, "
        f"across the council), timed in-process on the same database: {search['search']['all']['n']} searches of "
        f"six kinds, each inside a transaction with its audit row (load average before → after "
        f"{search['load'][0]:.2f} → {search['load'][1]:.2f}).",
        "",
        "| Search by | People search: median | p95 | slowest | found* | Find-before-create: median | p95 | slowest "
        "| found* |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    people, find = search["search"], search["find"]
    for kind in [*KINDS, "all"]:  # in the order benchmarks/search.py draws them (the stored data is sorted)
        a = people["all"] if kind == "all" else people["by_kind"][kind]
        b = find["all"] if kind == "all" else find["by_kind"][kind]
        if kind == "all":
            fa = [sum(v[i] for v in people["found"].values()) for i in (0, 1)]
            fb = [sum(v[i] for v in find["found"].values()) for i in (0, 1)]
        else:
            fa, fb = people["found"][kind], find["found"][kind]
        label = "**All**" if kind == "all" else kind
        lines.append(f"| {label} | {_num(a['median'])} ms | {_num(a['p95'])} ms | {_num(a['max'])} ms "
                     f"| {fa[0]}/{fa[1]} | {_num(b['median'])} ms | {_num(b['p95'])} ms | {_num(b['max'])} ms "
                     f"| {fb[0]}/{fb[1]} |")
    lines += ["", "\\* found: how often the person a search was drawn from is among its results; for people search, "
              "out of the searches whose person the coordinator may see."]
    return lines


def _num(value) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def section(r: dict) -> list[str]:
    m = r["machine"]
    users = r["users"]
    seen = ", ".join(f"the {k} {'–' if v['visible_families'] is None else format(v['visible_families'], ',')}"
                     for k, v in users.items())
    lines = [
        f"## {HEADING}",
        "",
        f"{DATA_PREFIX}{json.dumps(r, sort_keys=True)} -->",
        "",
        f"Measured {r['date']} with {r['server']} on {m['cores']} cores ({m['cpu'] or 'CPU not known'}), "
        f"{m['memory_gb']} GB memory, {m['os']}, Python {m['python']}. Command: `{r['command']}`.",
        "",
        f"{r['families']:,} families ({r['generated']:,} from `hearth generate --families {r['generated']} --seed 1`, "
        f"the rest the demo council's), {r['people']:,} people; database {r['db_size_mb']:,} MB. Families each "
        f"signed-in user may see: {seen}. Server: `hearth serve` (gunicorn, {r['workers']} sync workers) on "
        f"127.0.0.1, with the load generator (wrk) on the same machine. Each step ran {r['duration']} s."
        + ("" if r["generated"] >= FULL_SIZE else f" This run is smaller than the {FULL_SIZE:,} families the "
           "targets are set for: it shows the benchmark working, not whether the targets are met."),
        "",
        "| Concurrent users | Requests answered | Requests/s | p50 | p95 | p99 | Errors | Unanswered at the end* "
        "| Load average (1 min) before → after |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for s in r["steps"]:
        lines.append(f"| {s['users']} | {s['requests']:,} | {_num(s['rps'])} | {_num(s['p50_ms'])} ms "
                     f"| {_num(s['p95_ms'])} ms | {_num(s['p99_ms'])} ms | {s['errors']} | {s['unanswered']} "
                     f"| {s['load'][0]:.2f} → {s['load'][1]:.2f} |")
    errors = [f"{s['users']} users: " + ", ".join(f"{n} × {k}" for k, n in {**s['not_ok'], **s['socket_errors']}
                                                   .items()) for s in r["steps"] if s["errors"]]
    if errors:
        lines += ["", "Errors by status or socket error: " + "; ".join(errors) + "."]
    lines += ["", "\\* Requests sent but not yet answered when the step's time ran out: about one a user. wrk "
              "records only answered requests, so the percentiles leave these out; when they are many beside the "
              "requests answered, the server is behind and the real waits are longer than p99 says (a longer "
              "`--duration` shows them)."]
    lines += [
        "",
        f"Server time against its own SQL, from the `Server-Timing` header (HEARTH_SERVER_TIMING=1, "
        f"hearth/core/timing.py): each page type requested {r['timing'][0]['n']} times by one client, one request "
        "at a time (medians).",
        "",
        "| Page | Requests | Server time (app) | SQL time (db) | app ÷ db | SQL statements | Round trip at the client "
        "| Load average (1 min) before → after |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for t in r["timing"]:
        q = t["queries"]
        count = str(q[0]) if q[0] == q[1] else f"{q[0]}–{q[1]}"
        ratio = "–" if t["ratio"] is None else f"{t['ratio']:.1f}×"
        lines.append(f"| {t['page']} (`{t['path']}`) | {t['n']} | {_num(t['app_ms'])} ms | {_num(t['db_ms'])} ms "
                     f"| {ratio} | {count} | {_num(t['client_ms'])} ms | {t['load'][0]:.2f} → {t['load'][1]:.2f} |")
    if r.get("search"):
        lines += search_lines(r["search"])
    if r.get("dropped"):
        lines += ["", "Left out because they did not answer 200 when checked before the load: "
                  + ", ".join(f"{k} ({n})" for k, n in r["dropped"].items()) + "."]
    lines += [
        "",
        "The mix: a fifth each of the dashboard, people search with a typo (a letter dropped or two swapped in the "
        "family or given name of a member of a family the user may see), a family page, an episode page and that "
        "episode's outcomes page, by the demo coordinator (`coordinator@demo.hearth.test`, Hearthshire North) and "
        f"the demo practitioner (`practitioner@demo.hearth.test`), each signed in {r['sessions']} times through the "
        "sign-in form. Families and episodes are drawn from those each may see. Each wrk "
        "connection is one user sending its next request when the last is answered; p50, p95 and p99 are wrk's "
        "latency percentiles over the step, from sending a request to the whole answer. Errors are every answer "
        "other than 200 and every socket error or timeout (30 s). Each step starts once the server has finished "
        "what the previous one left queued. The server-time table is measured afterwards, the server started again "
        "with the timing middleware: `app` is the whole request inside Django (middleware, session, view, "
        "transaction, audit row, rendering; requests never seal the audit log), `db` the time in SQL statements "
        "sent through a cursor (commits excluded), counted by `connection.execute_wrapper`. Every request also "
        "writes its audit row, so a reused database grows by one audit row a request.",
        "",
        "```",
        ".venv/bin/python -m benchmarks.load                 # 250,000 families (generated once, then reused)",
        "make bench-load                                     # the same",
        ".venv/bin/python -m benchmarks.load --families 267000   # about 1,000,000 people",
        ".venv/bin/python -m benchmarks.load --families 2000 --duration 5 --no-doc   # quick, printed only",
        "```",
        "",
    ]
    return lines
