"""The reports benchmark's section of docs/performance.md (benchmarks/reports.py): the tables and findings, in
Markdown, from a run's results."""

import json
import re

from benchmarks.report import _machine_line, _ms, _verdict, get_section
from benchmarks.reports_settings import (
    ANALYST,
    DATA_MARK,
    EQUALITY,
    FLOW,
    HEADING,
    OUTCOMES,
    TARGET_EXTRACT_MB,
    TARGET_EXTRACT_S,
    TARGET_P95_MS,
    TIMELINESS,
)
from benchmarks.settings import DOC


def previous_extract(key: str = "extract") -> dict | None:
    """An extract's figures of the section's last run (from its data mark), kept by a run with --no-extract."""
    match = re.search(rf"<!-- {DATA_MARK} (.*) -->", get_section(DOC.read_text(), HEADING) if DOC.exists() else "")
    if not match:
        return None
    try:
        return json.loads(match.group(1)).get(key)
    except json.JSONDecodeError:
        return None


def _lower(name: str) -> str:
    return name[:1].lower() + name[1:]


def _flow_time(pages: list[dict]) -> list[str]:
    """Where the slowest flow page's time goes, from its counted request."""
    flows = [p for p in pages if p["path"].startswith(FLOW)]
    if not flows:
        return []
    page = max(flows, key=lambda p: p["p95"])
    own = page["report_sql_ms"]
    return [
        f"Where the slowest flow page's time goes ({_lower(page['page'])}, its counted request): the report's own "
        f"{len(own)} statements {_ms(sum(own))} ({', '.join(_ms(v) for v in own)}, in the order of the footnote), "
        f"all {page['queries']} statements {_ms(page['sql_ms'])}, suppression {_ms(page['protect_ms'])}; the rest "
        f"of its {_ms(page['median'])} median is Python, most of it the re-referrals' join of the period's requests "
        "linked to a family to those families' closures, done in Python (`flow._re_referrals`: about 27,000 linked "
        "requests in the 12 months with 100,000 referrals, each request's time made a local date twice through "
        "`timezone.localdate`, about 300 ms of the page when timed alone). The two episode statements "
        "(opened, closed) each read every episode and every family of the council (parallel sequential scans, "
        "`--explain`); the referral statements read the whole referrals table.",
        "",
    ]


def _period_time(pages: list[dict]) -> list[str]:
    """Where the slowest page of each of timeliness, outcomes and equality spends its time, from its counted
    request."""
    lines = []
    for path, name in ((TIMELINESS, "timeliness"), (OUTCOMES, "outcomes"), (EQUALITY, "equality")):
        chosen = [p for p in pages if p["path"].startswith(path)]
        if not chosen:
            continue
        page = max(chosen, key=lambda p: p["p95"])
        own = page["report_sql_ms"]
        lines.append(
            f"The slowest {name} page, {_lower(page['page'])}: {_ms(page['p95'])} at p95, median "
            f"{_ms(page['median'])}; in its counted request the report's own {len(own)} statements "
            f"{_ms(sum(own))} ({', '.join(_ms(v) for v in own)}), all {page['queries']} statements "
            f"{_ms(page['sql_ms'])}, suppression {_ms(page['protect_ms'])}.")
    if lines:
        lines.append(
            "Statements read with `.iterator()` (timeliness's, the outcomes' scores) are server-side cursors on "
            "PostgreSQL: Django times their declaration, and their rows are fetched in the rest of the page's time. "
            "With the synthetic referrals most of a timeliness page is its first measure, each of the period's "
            "decisions read and its wait counted in working days in Python (`urgency.working_days_since`).")
    return [" ".join(lines), ""] if lines else []


def _equality_finding(pages: list[dict]) -> list[str]:
    """Where the equality pages' time goes and what would fix it, when one of them is over the target (from
    `--explain` and a statement written by hand, 6 December 2026, on this database)."""
    over = [p for p in pages if p["path"].startswith(EQUALITY) and p["p95"] > TARGET_P95_MS]
    if not over:
        return []
    return [
        f"The equality pages over the target ({', '.join(_lower(p['page']) for p in over)}): almost all of their "
        "time is SQL, the report's four statements, one for each column (in the table's column order, about "
        "350–540 ms, 170–440 ms, 130–210 ms and 11–14 ms in the counted requests). EXPLAIN ANALYZE (`--explain`, "
        "equality by age band over the 12 months to today) shows each statement joining the council's children "
        "(`people_familymember` with role child, 512,000 rows; in the first a parallel sequential scan) to their "
        "families, the families' episodes and each child's person (an index lookup a row: 179,204 rows for \"in "
        "Early Help now\", 99,181 for started in the period), with `people_included` as an `IN` subquery that reads "
        "all 937,343 people again in every statement (a parallel sequential scan, 65–80 ms), then sorting the joined "
        "rows by the group for `COUNT(DISTINCT person_id)` (for \"in Early Help now\" the sort spills to disk, "
        "`external merge`); 490 ms, 350 ms and 160 ms of execution for the first three. The two workers of each "
        "parallel statement also take both of the machine's cores (the load average rose from 1.5 to 2.9 over the "
        "equality pages). What would fix it, in `hearth/reports/equality.py` (not changed here): one statement for "
        "the four columns instead of four, `Count(\"person_id\", distinct=True, filter=…)` a column over the episodes "
        "that match any of them, with the people left out as conditions on the person already joined (`erased_at IS "
        "NULL` and no restriction not lifted, `NOT EXISTS`) instead of the `IN` subquery. Written by hand for the "
        "age band over the 12 months, that statement gives the same counts (checked against the report's) in 490 ms "
        "of execution against 700–850 ms for the four, which would bring the page to about 550 ms; an index on "
        "`people_familymember (family_id, person_id) WHERE role = 'child'` would let the join skip the members who "
        "are not children.",
        "",
    ]


def section(r: dict) -> list[str]:
    pages = r["pages"]
    worst = max(pages, key=lambda p: p["p95"])
    ok = all(p["p95"] <= TARGET_P95_MS for p in pages)
    p = r["protect"]
    lines = [
        f"## {HEADING}",
        "",
        f"<!-- {DATA_MARK} {json.dumps(r, sort_keys=True)} -->",
        "",
        f"Target (issue 15): each management-information page within {TARGET_P95_MS / 1000:.0f} s at p95 with "
        f"250,000 families on PostgreSQL. Measured: the slowest page of the caseload, flow, timeliness, outcomes "
        f"and equality reports, "
        f"{_lower(worst['page'])}, {_ms(worst['p95'])} at p95; the target is {_verdict(ok)}.",
        "",
        _machine_line(r),
        "",
        f"{r['families']:,} families ({r['generated']:,} from `hearth generate --families {r['generated']} --seed 1 "
        f"--with-work`, the rest the demo council's), {r['open_episodes']:,} open Early Help episodes of "
        f"{r.get('episodes', 0):,}, {r.get('referrals', 0):,} referrals; database "
        f"{r['db_size_mb']:,} MB (`{r['database']['name']}`, the load benchmark's, "
        f"{'reused' if r['database'].get('reused') else 'made for this run'}).",
        "",
        "| Page | Statements* | Rows | Median | p95 | Max | SQL / protect in one request | "
        "Load average (1 min) start → end |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in pages:
        lines.append(
            f"| {page['page']} (`{page['path']}`) | {page['queries']} | {page['rows']} | {_ms(page['median'])} "
            f"| {_ms(page['p95'])} | {_ms(page['max'])} | {_ms(page['sql_ms'])} / {_ms(page['protect_ms'])} "
            f"| {page['load'][0]} → {page['load'][1]} |")
    lines += [
        "",
        "\\* SQL statements in one request, as Django counts them: the session, the signed-in user, BEGIN, the "
        "filter form's localities, teams and agencies, the report's own (caseload: two, the table and the key "
        "figures, by lead professional also the leads' names; flow: seven, requests by who asked, the front "
        "door's decisions, episodes opened, episodes closed, step-ups, and the re-referrals' two; timeliness: "
        "eight for its five measures, the front door's decisions, first assessments, first meetings (two), reviews "
        "(three), episodes closed; outcomes: three, episodes closed by why, their scores, their plans' outcomes; "
        "equality: four, one for each column), COMMIT. Rows: the rows of the report's tables (flow: its four; "
        "timeliness: its five measures' bands; outcomes: its two tables and its outcome areas; equality: its one "
        "table). SQL: the time of the request's statements as "
        "Django times them; protect: small-number suppression of the report's tables (`suppression.protect`, "
        "and `one_way`), both in the request whose statements were counted.",
        "",
        f"The flow report's periods, as its date fields give them: {r.get('periods', '–')}. `hearth generate` "
        "makes Early Help episodes (opened and closed over the last two and a half years) but no referrals, so "
        "in the first flow and timeliness rows the reports' episode statements count over a county's numbers while "
        "their requests, decisions, step-ups and re-referrals count the demo council's few referrals. The rows "
        "\"with "
        f"{r.get('referrals_made', 0):,} referrals\" are the same pages again after the worker made that many "
        "referrals up, in a temporary table of its own database session that stands in for `referrals_referral` "
        "(PostgreSQL looks in the session's temporary schema first; the shared database is not changed): received "
        "over the last 900 days (about 40,000 in a year), 5% step-ups, 70% linked to one of the families, 90% "
        "screened with a decision, three quarters from practitioners.",
        "",
        *_flow_time(pages),
        *_period_time(pages),
        *_equality_finding(pages),
        f"`hearth.reports.suppression.protect` alone on the largest table the caseload pages produced "
        f"({_lower(p['page'])}: "
        f"{p['rows']} rows × {p['columns']} columns, {p['hidden']} counts hidden, {p['linprogs']} linear "
        f"programmes a call), {p['n']} calls: median {_ms(p['median'])}, p95 {_ms(p['p95'])}, max {_ms(p['max'])} "
        f"(load average {p['load'][0]} → {p['load'][1]}).",
        "",
        f"Each page is requested with Django's test client signed in as the demo analyst (`{ANALYST}`), through the "
        "whole request path (middleware, the request's transaction, the session), in one process with no web "
        f"server: {r['warm_up']} warm-up requests, one with its statements counted, then {pages[0]['n']} timed "
        "requests, from the request to the full response; p95 is the 95th percentile (nearest rank). The filters "
        "are the demo council's records named in each page's name (their ids in this database). `hearth generate` "
        "makes the demo council's practitioners (three) the lead professionals, so the tables have a few rows; a "
        "council with hundreds of lead professionals has a table by lead professional of hundreds of rows.",
        "",
        "```",
        ".venv/bin/python -m benchmarks.reports                 # 250,000 families (the load benchmark's database)",
        ".venv/bin/python -m benchmarks.reports --explain       # also EXPLAIN ANALYZE the reports' statements",
        ".venv/bin/python -m benchmarks.reports --no-extract    # the pages only, the extract's figures kept",
        ".venv/bin/python -m benchmarks.reports --profile-extract   # also the extract's cProfile, to stderr",
        ".venv/bin/python -m benchmarks.reports --families 2000 --no-doc   # quick, printed only",
        "```",
        "",
    ]
    if r.get("extract"):
        lines += extract_lines(r["extract"])
    if r.get("extract_pseudonymised"):
        lines += extract_lines(r["extract_pseudonymised"])
    return lines


def extract_lines(e: dict) -> list[str]:
    if e.get("kind", "ssd") == "pseudonymised":
        title, holds = "The pseudonymised analysis extract", "its six objects, no direct identifier, pseudonyms"
        made = (f"the job's function `{e['function']}` called with `queue.call_now` as the demo analyst "
                f"(`{e['who']}`), with {e['referrals_made']:,} synthetic referrals in its process's session (as for "
                "the pages)")
    else:
        title, holds = "The Standard Safeguarding Dataset extract", "its Early Help objects"
        made = f"the job's function `{e.get('function', 'tasks.ssd_extract')}` called with `queue.call_now`"
    ok = e["wall_s"] <= TARGET_EXTRACT_S and e["peak_rss_mb"] < TARGET_EXTRACT_MB
    load = f"{e['load'][0]} → {e['load'][1]}"
    lines = [
        f"### {title}",
        "",
        f"Target: the extract ({holds}, CSV and Parquet in one zip) made within {TARGET_EXTRACT_S} s "
        f"with less than {TARGET_EXTRACT_MB} MB of peak memory at 250,000 families. Measured: {e['wall_s']:.1f} s, "
        f"peak resident memory {e['peak_rss_mb']} MB (load average {load}); the target is {_verdict(ok)}. "
        f"Measured {e['date']}, same machine and database, code {e.get('code', '–')}, {made}; command: "
        f"`{e['command']}`.",
        "",
        "| Object | Rows | Time | of which reading the rows (SQL and building them) | Load average (1 min) "
        "start → end |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for o in e["objects"]:
        lines.append(f"| `{o['name']}` | {o['rows']:,} | {o['s']:.1f} s | {o['read_s']:.1f} s "
                     f"| {o['load'][0]} → {o['load'][1]} |")
    lines += [
        f"| The whole extract (the job's function, in its own process) | {sum(o['rows'] for o in e['objects']):,} "
        f"| {e['wall_s']:.1f} s | – | {load} |",
        "",
        f"Zip {e['zip_mb']} MB ({e['zip_bytes']:,} bytes); peak resident memory of the process "
        f"{e['peak_rss_mb']} MB, of which {e['base_rss_mb']} MB before the extract began (Python, Django, "
        f"pyarrow imported). Left out: {e['left_out']}. The time is the job's function from its start to its "
        "return: the check that the person may make it, counting who is left out, writing each object (its rows "
        "read in chunks, each batch written as CSV into the zip and as Parquet, the Parquet file added to the zip), "
        "reading the zip back as the job does to keep it, and the EXPORT audit record; the job's page and keeping "
        "the file in the database are not timed (outside a job `keep_file` keeps nothing). Reading the rows: the "
        "time spent inside the object's row generator (its SQL, fetched in chunks, and making each row)"
        + (" (here also each record's HMAC-SHA256 pseudonyms)." if e.get("kind") == "pseudonymised" else "."),
        "",
    ]
    if e.get("kind") == "pseudonymised":
        return lines + ([e["finding"], ""] if e.get("finding") else [])
    lines += [
        "```",
        ".venv/bin/python -m benchmarks.reports                   # the pages, then the extract in its own process",
        ".venv/bin/python -m benchmarks.reports --profile-extract # also the extract's cProfile, to stderr",
        "```",
        "",
    ]
    if e.get("finding"):
        lines += [e["finding"], ""]
    return lines
