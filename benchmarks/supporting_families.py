"""Benchmark: the Supporting Families pages and the National Impact Study share at 250,000 families on PostgreSQL
(issue 15: each management-information page within 1 s at p95; an extract within 60 s and 300 MB).

    .venv/bin/python -m benchmarks.supporting_families                 # 25,000 programme families, 20 requests a page
    .venv/bin/python -m benchmarks.supporting_families --no-doc        # printed only

1. The database is the load benchmark's `hearth_load` (250,060 families; benchmarks/load_data.py makes it). Its
   migrations are brought up to date (`migrate`, as an upgrade would), and the demo council is given the demo
   profile's `supporting_families` section.
2. Programme data is added once, and reused while it is there: `--programme` families (the first of the generated
   families with an episode, by id) each get three or four headline needs identified over the last two years; those
   whose latest episode is closed get progress judged at closure and sustained for every need; a fifth of those get
   an accepted claim. The claims list then holds the rest of them.
3. In a subprocess, Django's test client signs in as the demo analyst (the return, protected) and the demo
   coordinator (the return as submitted, and the claims list), and requests each page `--warm-up` times untimed
   and `--runs` times timed, through the whole request path, with the load average (1 minute) before and after.
4. In another subprocess, the share is made as the worker makes it (`tasks.make_share`, its body: who is left out,
   the zip of CSV and Parquet, a register entry and a DISCLOSE audit row for each family sent) as the demo data
   protection officer, inside a transaction that is then rolled back so that runs do not pile up register entries.
   Its wall time, the subprocess's peak resident memory (`ru_maxrss`), the rows and the zip's size are reported.

The results are printed as Markdown and, for the 250,000-family database, written into docs/performance.md as the
section "Supporting Families at 250,000 families" (not with `--no-doc`). `--pg-url` names another load database
(`hearth_load_…`, made with `hearth demo-up` and `hearth generate --with-work`) for a quick run.
"""

import argparse
import datetime as dt
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import fresh_db
from benchmarks.load_data import json_from, pg_parts
from benchmarks.report import _ms, _verdict, write_section
from benchmarks.run import log, machine
from benchmarks.search import _stats
from benchmarks.settings import BENCH_DIR

HEADING = "Supporting Families at 250,000 families"
PG_URL = "postgres://postgres@127.0.0.1:5432/hearth_load"
PROGRAMME = 25_000
RUNS, WARM_UP = 20, 3
TARGET_P95_MS, TARGET_S, TARGET_MB = 1000, 60, 300
ANALYST, COORDINATOR, OFFICER = ("analyst@demo.hearth.test", "coordinator@demo.hearth.test",
                                 "dpo@demo.hearth.test")


def _load() -> float:
    return round(os.getloadavg()[0], 2)


# ---------------------------------------------------------------------------------------------
# The workers (subprocesses, with Django set up on the load database).


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    import django

    django.setup()


def _prepare(programme: int) -> dict:
    """Migrations up to date, the demo council taking part, and the programme's data (added once)."""
    import yaml
    from django.core.management import call_command
    from django.db import transaction

    from hearth.cases.models import Episode, EpisodeStatus
    from hearth.core.models import Council
    from hearth.core.programme import HEADLINE_NEEDS
    from hearth.demo.generator import DEMO_PROFILE
    from hearth.supporting_families.models import Claim, Need, Progress

    call_command("migrate", verbosity=0)
    council = Council.objects.get(code="hearthshire")
    council.supporting_families = yaml.safe_load(Path(DEMO_PROFILE).read_text())["councils"][0][
        "supporting_families"]
    council.save(update_fields=["supporting_families"])
    held = Need.objects.filter(family__council=council).values("family").distinct().count()
    if held >= programme:
        return {"programme_families": held, "added": False}
    started = time.perf_counter()
    rng = random.Random(15)
    today = dt.date.today()
    latest = {}
    for family_id, status, closed_on in (Episode.objects.filter(family__council=council)
                                         .order_by("family_id", "started_on", "pk")
                                         .values_list("family_id", "status", "closed_on").iterator(chunk_size=10_000)):
        latest[family_id] = (status, closed_on)
    chosen = sorted(latest)[:programme]
    codes = list(HEADLINE_NEEDS)
    with transaction.atomic():
        Need.objects.filter(family__council=council).delete()
        Claim.objects.filter(family__council=council).delete()
        needs, ready = [], []
        for family_id in chosen:
            status, closed_on = latest[family_id]
            judged = status == EpisodeStatus.CLOSED and closed_on is not None
            sustained_on = min(today, closed_on + dt.timedelta(days=200)) if judged else None
            for code in rng.sample(codes, rng.choice((3, 3, 4))):
                needs.append(Need(family_id=family_id, need=code, evidence="Synthetic evidence",
                                  identified_on=today - dt.timedelta(days=rng.randrange(30, 730)),
                                  progress_at_closure=True if judged else None,
                                  progress_sustained=True if judged else None, sustained_on=sustained_on,
                                  judged_at=dt.datetime.combine(sustained_on, dt.time(12), tzinfo=dt.UTC)
                                  if judged else None))
            if judged:
                ready.append(family_id)
        Need.objects.bulk_create(needs, batch_size=5_000)
        progress = []
        for need in Need.objects.filter(family_id__in=ready).only("pk", "family_id", "sustained_on").iterator(
                chunk_size=10_000):
            closed_on = latest[need.family_id][1]
            progress += [Progress(need_id=need.pk, stage="closure", made=True, evidence="Synthetic",
                                  confirmed_by="Synthetic", judged_on=closed_on),
                         Progress(need_id=need.pk, stage="sustained", made=True, evidence="Synthetic",
                                  confirmed_by="Synthetic", judged_on=need.sustained_on)]
        Progress.objects.bulk_create(progress, batch_size=5_000)
        claimed = ready[: len(ready) // 5]
        Claim.objects.bulk_create([
            Claim(family_id=f, needs=[], decision="accepted",
                  checked_on=today - dt.timedelta(days=rng.randrange(0, 200))) for f in claimed], batch_size=5_000)
    return {"programme_families": len(chosen), "added": True, "needs": len(needs), "judged": len(ready),
            "claimed": len(claimed), "add_s": round(time.perf_counter() - started, 1)}


def worker_pages(args) -> dict:
    _django()
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from hearth.accounts.models import User
    from hearth.reports.periods import Quarter

    prepared = _prepare(args.programme)
    quarter = Quarter.of(dt.date.today()).before()
    pages = [
        ("The quarterly return, protected (analyst)", ANALYST, "/supporting-families", {"quarter": quarter.code}),
        ("The quarterly return as submitted (coordinator)", COORDINATOR, "/supporting-families",
         {"quarter": quarter.code}),
        ("The quarterly return for this quarter (coordinator)", COORDINATOR, "/supporting-families",
         {"quarter": Quarter.of(dt.date.today()).code}),
        ("The claims list (coordinator)", COORDINATOR, "/supporting-families/claims", {}),
    ]
    results = []
    for name, email, path, query in pages:
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(email=email))
        for _ in range(args.warm_up):
            assert client.get(path, query).status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            client.get(path, query)
        statements = len(ctx.captured_queries)
        reset_queries()
        before = _load()
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(path, query)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        results.append({"name": name, "statements": statements, **_stats(times), "load": [before, _load()]})
        log(f"{name}: p95 {results[-1]['p95']} ms")
    return {"prepared": prepared, "pages": results}


def worker_share(args) -> dict:
    _django()
    from django.db import transaction
    from django.utils import timezone

    from hearth.accounts.models import User
    from hearth.audit import trail
    from hearth.audit.models import AuditAction
    from hearth.reports import extract_files
    from hearth.sharing.models import DisclosureKind
    from hearth.sharing.services import disclosures_record
    from hearth.supporting_families import impact_study

    user = User.objects.select_related("agency__council").get(email=OFFICER)
    council = user.agency.council
    before = _load()
    started = time.perf_counter()
    with transaction.atomic():
        left_out = impact_study.left_out(council)
        with tempfile.TemporaryDirectory() as work:
            path = Path(work) / "share.zip"
            counts = extract_files.write(path, impact_study.OBJECTS, impact_study.rows(council),
                                         about={"left_out": left_out.as_dict(), "made_at": timezone.now().isoformat()})
            size = path.stat().st_size
        sent = [(f, f"Identifying details of {n} people") for f, n in impact_study.families_sent(council)]
        disclosures_record(actor=user, kind=DisclosureKind.RESEARCH_SHARE, sent=sent,
                           recipient=impact_study.RECIPIENT, purpose=impact_study.PURPOSE, basis=impact_study.BASIS,
                           object_type="supporting_families.impact_study", object_id=str(council.pk))
        trail.record(actor=user, action=AuditAction.EXPORT, object_type="supporting_families.impact_study",
                     object_id=council.pk, detail={"benchmark": True})
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": round(seconds, 1), "peak_mb": round(peak_mb), "rows": counts["national_impact_study"],
            "families": len(sent), "zip_mb": round(size / 1e6, 1), "left_out": left_out.as_dict(),
            "load": [before, _load()]}


# ---------------------------------------------------------------------------------------------
# The orchestrating process.


def section(r: dict) -> str:
    m, prepared = r["machine"], r["pages"]["prepared"]
    lines = [f"## {HEADING}", "",
             f"Measured {r['date']} on {m['cores']} cores ({m['cpu'] or 'CPU not known'}), {m['memory_gb']} GB memory, "
             f"PostgreSQL, the load benchmark's database (`{r['database']}`). Command: `{r['command']}`.", "",
             f"{prepared['programme_families']:,} of its families are on the programme (three or four headline needs "
             "each; those whose latest episode is closed have progress judged at closure and sustained, and a fifth "
             "of those a claim accepted). Each page: "
             f"{r['runs']} timed requests after {r['warm_up']} untimed, through Django's whole request path.", "",
             "| Page | Statements | Median (ms) | p95 (ms) | Slowest (ms) | Load average before, after | "
             f"Within {TARGET_P95_MS:,} ms at p95 |",
             "|---|---:|---:|---:|---:|---|---|"]
    for p in r["pages"]["pages"]:
        lines.append(f"| {p['name']} | {p['statements']} | {_ms(p['median'])} | {_ms(p['p95'])} | {_ms(p['max'])} | "
                     f"{p['load'][0]}, {p['load'][1]} | {_verdict(p['p95'] <= TARGET_P95_MS)} |")
    s = r["share"]
    lines += ["", "| The National Impact Study share | Result | Target |", "|---|---|---|",
              f"| People (rows) and families sent | {s['rows']:,} people in {s['families']:,} families | |",
              f"| Made, with a register entry and an audit row per family | {s['seconds']} s "
              f"(load average {s['load'][0]}, {s['load'][1]}) | {TARGET_S} s: {_verdict(s['seconds'] <= TARGET_S)} |",
              f"| Peak memory of the process | {s['peak_mb']} MB | {TARGET_MB} MB: "
              f"{_verdict(s['peak_mb'] <= TARGET_MB)} |",
              f"| Zip (CSV and Parquet) | {s['zip_mb']} MB | |",
              f"| Left out | {json.dumps(s['left_out'])} | |", ""]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--worker", choices=("pages", "share"))
    parser.add_argument("--programme", type=int, default=PROGRAMME)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--warm-up", type=int, default=WARM_UP)
    parser.add_argument("--no-doc", action="store_true")
    parser.add_argument("--pg-url", default=PG_URL, help="a load benchmark database (hearth_load…)")
    args = parser.parse_args(argv)
    if args.worker:
        result = (worker_pages if args.worker == "pages" else worker_share)(args)
        print(json.dumps(result))
        return
    pg = pg_parts(args.pg_url)
    env = fresh_db.db_env("postgres", args.pg_url, BENCH_DIR / "unused.sqlite3")
    common = ["--programme", str(args.programme), "--runs", str(args.runs), "--warm-up", str(args.warm_up)]
    log("the Supporting Families pages")
    pages = json_from(env, [sys.executable, "-m", "benchmarks.supporting_families", "--worker", "pages", *common],
                      "the pages worker", timeout=3600)
    log("the National Impact Study share")
    share = json_from(env, [sys.executable, "-m", "benchmarks.supporting_families", "--worker", "share", *common],
                      "the share worker", timeout=1800)
    result = {"date": dt.date.today().isoformat(), "machine": machine(), "database": pg["name"], "runs": args.runs,
              "warm_up": args.warm_up,
              "command": "python -m benchmarks.supporting_families", "pages": pages, "share": share}
    text = section(result)
    print(text)
    if not args.no_doc and args.pg_url == PG_URL:  # the section is for the 250,000-family database only
        write_section(text, HEADING)


if __name__ == "__main__":
    main()
