"""The reports benchmark's extract worker (benchmarks/reports.py): one extract made in its own process as the job
makes it, with its time, its size and the process's peak memory."""

import json
import os
import sys
import time

from benchmarks.reports import _load, _synthetic_referrals
from benchmarks.reports_settings import EXTRACT_KINDS
from benchmarks.settings import ROOT


def _code() -> str:
    """The commit measured, and whether hearth/ had changes not yet committed."""
    import subprocess

    def git(*a):
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True,  # noqa: S603, S607
                              check=False).stdout.strip()

    changed = git("status", "--porcelain", "--", "hearth")
    return git("rev-parse", "--short", "HEAD") + (" with uncommitted changes to hearth/" if changed else "")


def _rss_mb(kilobytes: int) -> int:
    return round(kilobytes / 1024)  # Linux: ru_maxrss is in kilobytes


def extract_worker(args) -> None:
    """Make an extract (`--extract-kind`: the Standard Safeguarding Dataset's, as the demo data protection officer;
    the pseudonymised analysis extract, as the demo analyst, with `--referrals` synthetic referrals) with the job's
    own function; print its figures as JSON."""
    import resource

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    import django

    django.setup()
    import pyarrow  # noqa: F401 - imported before the baseline, as the worker has it imported

    from hearth.accounts.models import User
    from hearth.core.models import Council
    from hearth.jobs import queue
    from hearth.reports import extract_files, pseudonymised, ssd, tasks

    kind = args.extract_kind
    council = Council.objects.get(code="hearthshire")
    officer = User.objects.get(email=EXTRACT_KINDS[kind][2])
    if kind == "pseudonymised" and args.referrals:
        from django.db import connection

        _synthetic_referrals(connection, council, args.referrals)
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    # Each object's rows timed: the whole object from its first row asked for to the next object's, and the time
    # spent inside its row generator (the SQL, fetched in chunks, and making each row).
    objects: dict[str, dict] = {}
    original_rows = dict(ssd.ROWS)

    def timed(name, fn):
        def rows(*a):
            entry = objects.setdefault(name, {"name": name, "read_s": 0.0, "load": [_load(), None]})
            entry["started"] = time.perf_counter()
            iterator = iter(fn(*a))
            while True:
                started = time.perf_counter()
                try:
                    row = next(iterator)
                except StopIteration:
                    entry["read_s"] += time.perf_counter() - started
                    return
                entry["read_s"] += time.perf_counter() - started
                yield row
        return rows

    zips = []
    original_write = extract_files.write

    def recording_write(path, *a, **kw):
        counts = original_write(path, *a, **kw)
        zips.append({"bytes": path.stat().st_size, "counts": counts})
        return counts

    stages = []

    def progress(done, total, stage):
        if not stages or stages[-1][1] != done:
            stages.append((time.perf_counter(), done, stage))

    original_extract = tasks.EXTRACTS.get("pseudonymised")
    if kind == "ssd":
        ssd.ROWS.update({name: timed(name, fn) for name, fn in original_rows.items()})
        names = list(ssd.OBJECTS)
    else:
        import dataclasses

        def timed_rows(council):
            return {name: timed(name, fn) for name, fn in pseudonymised.rows(council).items()}

        tasks.EXTRACTS["pseudonymised"] = dataclasses.replace(original_extract, rows=timed_rows)
        names = list(pseudonymised.OBJECTS)
    extract_files.write = recording_write
    profiler = None
    if args.profile_extract:
        import cProfile

        profiler = cProfile.Profile()
    load_before = _load()
    started = time.perf_counter()
    try:
        with queue.reporting_to(progress):
            if profiler:
                profiler.enable()
            if kind != "ssd":
                function = f'tasks.make_extract("{kind}", …)'
                outcome = queue.call_now(tasks.make_extract, kind, council.pk, officer.pk)
            elif hasattr(tasks, "ssd_extract"):
                function = "tasks.ssd_extract"
                outcome = queue.call_now(tasks.ssd_extract, council.pk, officer.pk)
            else:  # one job for every extract, the SSD's named by its kind
                function = 'tasks.make_extract("ssd", …)'
                outcome = queue.call_now(tasks.make_extract, "ssd", council.pk, officer.pk)
            if profiler:
                profiler.disable()
    finally:
        ssd.ROWS.update(original_rows)
        if original_extract is not None:
            tasks.EXTRACTS["pseudonymised"] = original_extract
        extract_files.write = original_write
    wall_s = time.perf_counter() - started
    load_after = _load()
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if profiler:
        import io
        import pstats

        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
        print(out.getvalue(), file=sys.stderr, flush=True)

    # Each object ends where the next stage (the next object, or "Written") begins.
    ends = {names[done - 1]: at for at, done, _ in stages if done >= 1}
    (written,) = zips
    try:
        from hearth.reports.left_out import left_out as leaving_out

        left = leaving_out(council)
        left_text = ", ".join(f"{k} {v:,}" for k, v in left.as_dict().items())
    except ImportError:  # before hearth.reports.left_out
        left = ssd.left_out(council)
        left_text = f"erased {left.erased:,}, restricted {left.restricted:,}"
    rows = []
    for name in names:
        entry = objects[name]
        end = ends.get(name, entry["started"])
        rows.append({"name": name, "rows": written["counts"][name], "s": round(end - entry["started"], 2),
                     "read_s": round(entry["read_s"], 2), "load": [entry["load"][0], None], "end": end})
    # the load average at each object's end: the next object's start (the last: the end of the run)
    for i, row in enumerate(rows):
        row["load"][1] = rows[i + 1]["load"][0] if i + 1 < len(rows) else load_after
        del row["end"]
    print(json.dumps({"kind": kind, "who": officer.email, "referrals_made": args.referrals if kind != "ssd" else 0,
                      "outcome": outcome, "function": function, "code": _code(), "wall_s": round(wall_s, 2),
                      "peak_rss_mb": _rss_mb(peak_rss), "base_rss_mb": _rss_mb(base_rss), "zip_bytes": written["bytes"],
                      "zip_mb": round(written["bytes"] / 1024 / 1024, 1), "objects": rows, "left_out": left_text,
                      "load": [load_before, load_after]}))
