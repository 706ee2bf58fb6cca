"""Rendering benchmark results as Markdown into docs/performance.md."""

import json
import re
from urllib.parse import urlsplit

from benchmarks.settings import (
    DB_LABELS,
    DEFAULT_PG_URL,
    DOC,
    EPISODE_HEADING,
    FULL_SIZE,
    KINDS,
    TARGET_EPISODE_MEDIAN_MS,
    TARGET_GENERATE_S,
    TARGET_MEDIAN_MS,
    TARGET_P95_MS,
    WARM_UP,
)

DATA_RE = re.compile(r"<!-- bench-data (\{.*\}) -->")
EPISODE_DATA_RE = re.compile(r"<!-- episode-bench-data (\{.*\}) -->")
# Sections written by other benchmarks (benchmarks/episode.py): render() keeps them as they are.
KEPT_SECTIONS = (EPISODE_HEADING, "Subject access bundle", "Disposal run over 100,000 families",
                 "Before and after the layers work (issue 11)", "Mixed reads under load",
                 "Unusual-access report over 10 million audit rows", "Reports at 250,000 families",
                 "Supporting Families at 250,000 families", "Batch de-duplication", "Finding the same person")


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
  size of the family or the number of results. `tests/people/test_query_counts.py` proves
  it (2 members against 10 with their relationships; 1 result against 30, and the same for
  find-before-create), and runs with every `make test`. The family and episode pages send at most
  15 statements each, the same for an empty record as for a full one (the same test, and
  `tests/cases/test_query_counts.py`).
- At a large county's size (250,000 families, about 940,000 people, PostgreSQL, 2 cores): the
  dashboard, family and episode pages under 150, 100 and 100 ms at p95, each page's time within 3
  times its own SQL, people search and find-before-create under 50 and 75 ms at p95, and 150
  mixed page requests a second at 50 concurrent users with p95 under 250 ms. The section "Mixed
  reads under load" (`python -m benchmarks.load`) measures them.
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
    text = "\n".join(lines)
    current = DOC.read_text() if DOC.exists() else ""
    for heading in KEPT_SECTIONS:
        kept = get_section(current, heading)
        if kept:
            text = replace_section(text, heading, kept)
    return text


# ---------------------------------------------------------------------------------------------
# Sections of the page owned by one benchmark each: "## Heading" up to the next "## " or the end.


def _section_bounds(text: str, heading: str) -> tuple[int, int] | None:
    match = re.search(rf"^## {re.escape(heading)}[ \t]*$", text, flags=re.MULTILINE)
    if not match:
        return None
    following = re.search(r"^## ", text[match.end():], flags=re.MULTILINE)
    return match.start(), match.end() + following.start() if following else len(text)


def get_section(text: str, heading: str) -> str:
    """The section under "## heading", heading included, or "" if the page has none."""
    bounds = _section_bounds(text, heading)
    return text[bounds[0]:bounds[1]] if bounds else ""


def replace_section(text: str, heading: str, section_text: str) -> str:
    """The page with its "## heading" section replaced by section_text, or section_text added at the end."""
    section_text = section_text.rstrip("\n") + "\n"
    bounds = _section_bounds(text, heading)
    if bounds is None:
        return text.rstrip("\n") + "\n\n" + section_text
    start, end = bounds
    return text[:start] + section_text + ("\n" + text[end:] if end < len(text) else "")


def write_section(section_text: str, heading: str = EPISODE_HEADING) -> None:
    current = DOC.read_text() if DOC.exists() else ""
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(replace_section(current, heading, section_text))


# ---------------------------------------------------------------------------------------------
# The episode page benchmark's section.


def read_episode_data() -> dict[str, dict]:
    if not DOC.exists():
        return {}
    data = {}
    for match in EPISODE_DATA_RE.finditer(get_section(DOC.read_text(), EPISODE_HEADING)):
        try:
            item = json.loads(match.group(1))
        except json.JSONDecodeError:
            continue
        data[item["db"]] = item
    return data


def _machine_line(r: dict) -> str:
    m = r["machine"]
    return (f"Measured {r['date']} with {r['server']} on {m['cores']} cores ({m['cpu'] or 'CPU not known'}), "
            f"{m['memory_gb']} GB memory, {m['os']}, Python {m['python']}. Command: `{r['command']}`.")


def episode_section(results: dict[str, dict]) -> list[str]:
    """The "Episode page with five years of history" section, from one result per database."""
    dbs = [db for db in ("sqlite", "postgres") if db in results]
    lines = [f"## {EPISODE_HEADING}", ""]
    lines += [f"<!-- episode-bench-data {json.dumps(results[db], sort_keys=True)} -->" for db in dbs]
    lines.append("")
    pg = results.get("postgres")
    if pg:
        page = next(p for p in pg["pages"] if p["page"] == "Episode")
        ok = page["median"] is not None and page["median"] < TARGET_EPISODE_MEDIAN_MS
        lines += [f"Target: the episode page of a family with five years of history in a median under "
                  f"{TARGET_EPISODE_MEDIAN_MS} ms on PostgreSQL. Measured: {_ms(page['median'])}; the target "
                  f"is {_verdict(ok)}.", ""]
    for db in dbs:
        load = results[db].get("load")
        busy = (f" The machine's load average (1 minute) was {load[0]} before the timed requests and {load[1]} "
                "after them." if load else "")
        lines += [_machine_line(results[db]) + busy, ""]
    h = (results[dbs[0]]["history"] if dbs else {})
    lines += [
        "| Page | Database | Queries* | Median | p95 | Requests |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    names = [p["page"] for p in results[dbs[0]]["pages"]] if dbs else []
    for name in names:
        for db in dbs:
            p = next(p for p in results[db]["pages"] if p["page"] == name)
            lines.append(f"| {name} (`{p['path']}`) | {DB_LABELS[db]} | {p['queries']} | {_ms(p['median'])} "
                         f"| {_ms(p['p95'])} | {p['n']} |")
    control = {p.get("transaction_control") for db in dbs for p in results[db]["pages"]}
    if dbs and None not in control:
        lines += [
            "",
            "\\* SQL statements in one request, as Django counts them (`CaptureQueriesContext`), including "
            "BEGIN, COMMIT and SAVEPOINT statements (" + ", ".join(
                f"{p['page'].lower()} page {p['transaction_control']}" for p in results[dbs[0]]["pages"]) + "). "
            "Besides the page's own reads: loading the session and the signed-in user, the audit row, "
            "sealing it into the audit chain after the commit, and saving the session.",
        ]
    if dbs and all(results[db].get("parts") for db in dbs):
        lines += [
            "",
            "Where the episode page's time goes: each part timed on its own, "
            f"{results[dbs[0]]['parts'][0]['n']} times, inside a transaction (median; queries in brackets).",
            "",
            "| Part | " + " | ".join(DB_LABELS[db] for db in dbs) + " |",
            "| --- | " + " | ".join("---:" for _ in dbs) + " |",
        ]
        for i, part in enumerate(results[dbs[0]]["parts"]):
            cells = []
            for db in dbs:
                other = results[db]["parts"][i] if i < len(results[db]["parts"]) else None
                cells.append(f"{_ms(other['median'])} ({other['queries']})" if other else "–")
            lines.append(f"| {part['part']} | " + " | ".join(cells) + " |")
        cells = []
        for db in dbs:
            page = next(p for p in results[db]["pages"] if p["page"] == "Episode")
            parts = results[db]["parts"]
            rest_ms = page["median"] - sum(p["median"] for p in parts)
            cells.append(f"{_ms(max(rest_ms, 0))} ({page['queries'] - sum(p['queries'] for p in parts)})")
        lines.append("| The rest of the request, by difference from the page's median: middleware, session, "
                     "access checks, audit sealing, commit | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"One family (`hearth.demo.history.build_long_history`): {h.get('years')} years of Early Help, "
        f"{h.get('reviews')} reviews each with outcome scores, {h.get('notes')} case notes, "
        f"{h.get('members')} members, led by the demo practitioner (`practitioner@demo.hearth.test`), in a fresh "
        "database with the demo council (`hearth migrate`, `hearth load-demo`): SQLite "
        "`var/bench/hearth-bench-episode.sqlite3`, PostgreSQL `hearth_bench_episode`, both removed afterwards "
        "(`--keep` keeps them). "
        "Each page is requested with Django's test client signed in as the lead, through the whole request "
        "path: middleware, the request's transaction, the audit row and its sealing, the session save; "
        "page time is from the request to the full response, in the same process (no network, no web server). "
        f"After {results[dbs[0]]['warm_up'] if dbs else 5} warm-up requests of each page, one request has its "
        "SQL queries counted, then the pages take turns for the timed requests. p95 is the 95th percentile "
        "(nearest rank).",
        "",
        "```",
        ".venv/bin/python -m benchmarks.episode                      # both databases, 100 requests a page",
        ".venv/bin/python -m benchmarks.episode --db postgres --runs 30 --no-doc   # quick, printed only",
        "```",
        "",
    ]
    return lines
