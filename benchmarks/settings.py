"""Paths, targets and labels shared by the benchmark modules."""

from pathlib import Path

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

# The episode page benchmark (benchmarks/episode.py).
EPISODE_HEADING = "Episode page with five years of history"
TARGET_EPISODE_MEDIAN_MS = 150
