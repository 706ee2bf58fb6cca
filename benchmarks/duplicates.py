"""Batch de-duplication at a county's size: the project's matching corpus with planted copies, through Splink on
DuckDB as the data protection officer's job runs it (`hearth.duplicates.batch`).

    python -m benchmarks.duplicates --people 1000000 [--copies 0.03] [--threshold 0.5] [--no-doc]

The people are built in memory (benchmarks/matching_corpus.py: households with heavy-tailed names, twins, children
named after a parent, cousins with the same name), then a share of them (`--copies`) is recorded a second time with
the slips a second record carries: a name mistyped, a family name changed, day and month swapped, a digit of the date
of birth mistyped, a move, and no NHS number (Hearth holds an NHS number once). The table goes straight into the
batch functions: no database is needed, as Splink reads the same table the job reads from the database
(`batch.people_frame`); Django is set up only for the model's imports. Prints the wall time of each stage, the peak
memory (ru_maxrss) and the load average, and precision and recall of the pairs against the planted copies, and
writes the section "Batch de-duplication" into docs/performance.md (one part per size).
"""

import argparse
import json
import os
import random
import resource
import sys
import time
from datetime import date

from benchmarks.matching_corpus import mistyped_date, population, typo
from benchmarks.run import log, machine

HEADING = "Batch de-duplication"
TARGET_SECONDS = 600
SLIPS = ("given name mistyped", "family name mistyped", "family name changed", "day and month swapped",
         "date of birth mistyped", "moved", "moved and given name mistyped")


def _peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)  # KiB on Linux


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def corpus(people: int, share: float, seed: int = 5) -> tuple[list[tuple], set[tuple[int, int]], dict]:
    """(rows, the planted pairs, how many copies of each slip): rows are (key, given, family, date of birth, NHS
    number, postcode), copies keyed after the people they copy."""
    originals = round(people / (1 + share))
    held = population(originals, seed=seed)
    rng = random.Random(seed)
    rows = [(p.key, p.given_name, p.family_name, p.date_of_birth, p.nhs_number, p.postcode) for p in held]
    planted, slips = set(), dict.fromkeys(SLIPS, 0)
    for p in rng.sample(held, people - originals):
        given, family, dob, postcode = p.given_name, p.family_name, p.date_of_birth, p.postcode
        slip = rng.choice(SLIPS)
        if slip == "given name mistyped":
            given = typo(rng, given) or given
        elif slip == "family name mistyped":
            family = typo(rng, family) or family
        elif slip == "family name changed":
            family = p.previous_family_name or rng.choice(held).family_name
        elif slip == "day and month swapped" and dob and dob.day <= 12 and dob.day != dob.month:
            dob = date(dob.year, dob.day, dob.month)
        elif slip == "date of birth mistyped" and dob:
            dob = mistyped_date(rng, dob) or dob
        elif slip.startswith("moved"):
            postcode = p.previous_postcode or rng.choice(held).postcode
            if slip.endswith("mistyped"):
                given = typo(rng, given) or given
        slips[slip] += 1
        key = len(rows)
        rows.append((key, given, family, dob, "", postcode))
        planted.add((p.key, key))
    return rows, planted, slips


def measure(people: int, share: float, threshold: float) -> dict:
    import django  # noqa: PLC0415

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hearth.settings")
    django.setup()
    from hearth.duplicates import batch  # noqa: PLC0415

    load_before = _load()
    laps, started = {}, time.perf_counter()
    mark = [started]

    def lap(name):
        now = time.perf_counter()
        laps[name] = round(now - mark[0], 1)
        mark[0] = now
        log(f"{name}: {laps[name]} s, peak memory {_peak_mb():.0f} MB")

    rows, planted, slips = corpus(people, share)
    lap("corpus")
    corpus_mb = _peak_mb()
    table = batch.rows_table(iter(rows))
    del rows
    lap("table")
    linker = batch.duckdb_linker(table)
    trained = batch.train(linker, people=len(table))
    lap("learning the model")
    pairs = batch.predict(linker, threshold, household=trained["household"])
    lap("finding pairs")
    dedupe = round(laps["table"] + laps["learning the model"] + laps["finding pairs"], 1)
    found = {(p.a, p.b) for p in pairs}
    accuracy = {}
    for at in (threshold, 0.9, 0.99):
        kept = {(p.a, p.b) for p in pairs if p.probability >= at}
        hits = len(kept & planted)
        accuracy[str(at)] = {"pairs": len(kept), "precision": round(hits / max(len(kept), 1), 4),
                             "recall": round(hits / max(len(planted), 1), 4)}
    missed = sorted(planted - found)
    return {
        "people": len(table), "copies": len(planted), "slips": slips, "threshold": threshold,
        "threads": int(os.environ.get("HEARTH_DEDUP_THREADS") or batch.DEFAULT_THREADS),
        "memory_limit": os.environ.get("HEARTH_DEDUP_MEMORY") or batch.DEFAULT_MEMORY,
        "laps_s": laps, "dedupe_s": dedupe, "peak_mb": _peak_mb(), "corpus_peak_mb": corpus_mb,
        "load_before": load_before, "load_after": _load(), "accuracy": accuracy, "missed": len(missed),
        "lambda": trained["probability_two_random_records_match"],
        "date": time.strftime("%Y-%m-%d"), "machine": machine(),
        "command": f"python -m benchmarks.duplicates --people {people}",
    }


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def part(r: dict) -> str:
    a = r["accuracy"]
    m = r["machine"]
    lines = [
        f"### {r['people']:,} people",
        "",
        f"<!-- dedup-bench-data {json.dumps(r, sort_keys=True)} -->",
        f"{r['copies']:,} of them planted copies. Measured {r['date']} on {m['cores']} cores "
        f"({m['cpu'] or 'CPU not known'}), {m['memory_gb']} GB memory; DuckDB with {r['threads']} threads and a "
        f"{r['memory_limit']} memory limit. Load average {r['load_before']} before, {r['load_after']} after.",
        "",
        "| | |",
        "|---|---|",
        f"| de-duplication (table, learning, pairs) | **{_duration(r['dedupe_s'])}** (target ≤ "
        f"{TARGET_SECONDS // 60} min: {'met' if r['dedupe_s'] <= TARGET_SECONDS else '**missed**'}) |",
        f"| of which learning the model / finding pairs | {r['laps_s']['learning the model']} s / "
        f"{r['laps_s']['finding pairs']} s |",
        f"| building the corpus (not part of a run) | {r['laps_s']['corpus']} s |",
        f"| peak memory (ru_maxrss, whole process) | {r['peak_mb']:,.0f} MB, of which the corpus in Python "
        f"{r['corpus_peak_mb']:,.0f} MB |",
        f"| λ learned (chance two records are one person) | {r['lambda']:.2e} |",
        "",
        "| probability at least | pairs | precision | recall |",
        "|---|---|---|---|",
        *[f"| {at} | {v['pairs']:,} | {v['precision']:.3f} | {v['recall']:.3f} |" for at, v in a.items()],
        "",
    ]
    return "\n".join(lines)


def render(results: list[dict]) -> str:
    intro = (f"## {HEADING}\n\nThe data protection officer's job that finds people recorded twice "
             "(`hearth.duplicates`, decision record 0019), measured by `python -m benchmarks.duplicates --people N` "
             "on the project's matching corpus (benchmarks/matching_corpus.py) with a share of people recorded a "
             "second time, each copy with one slip (a name mistyped or changed, day and month swapped, a digit of the "
             "date of birth mistyped, a move) and no NHS number. The table goes straight into the batch functions, "
             "in memory: no database, since the job's one query (`batch.people_frame`) is not what is measured. "
             "Precision and recall are of pairs: a pair is right when it is a planted copy and its original. The "
             "model is learned from the corpus itself on every run, as the job learns it from the council's "
             "people.\n\n")
    return intro + "\n".join(part(r) for r in sorted(results, key=lambda r: r["people"]))


def write_doc(result: dict, doc_text: str) -> str:
    """The section with this size's part replaced (other sizes kept), as written into docs/performance.md."""
    import re  # noqa: PLC0415

    from benchmarks.report import get_section  # noqa: PLC0415

    kept = [json.loads(m.group(1)) for m in re.finditer(r"<!-- dedup-bench-data (\{.*\}) -->",
                                                         get_section(doc_text, HEADING))]
    return render([r for r in kept if r["people"] != result["people"]] + [result])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--copies", type=float, default=0.03, help="the share of people recorded twice")
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/performance.md")
    args = parser.parse_args(argv)
    result = measure(args.people, args.copies, args.threshold)
    print(part(result))
    if not args.no_doc:
        from benchmarks.report import write_section  # noqa: PLC0415
        from benchmarks.settings import DOC  # noqa: PLC0415

        write_section(write_doc(result, DOC.read_text() if DOC.exists() else ""), HEADING)
        log(f"wrote the section {HEADING!r} into {DOC}")


if __name__ == "__main__":
    sys.exit(main())
