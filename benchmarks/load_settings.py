"""Names, time limits and the error shared by the modules of the load benchmark (benchmarks/load.py)."""

from benchmarks.settings import BENCH_DIR, COORDINATOR, FINDER

PASSWORD = "hearth-demo-2026"  # noqa: S105 - the published password of the synthetic demo accounts
ACCOUNTS = {"coordinator": COORDINATOR, "practitioner": FINDER}
WORK_DIR = BENCH_DIR / "load"

# Time limits, in seconds.
PSQL_S = 60
DEMO_UP_S = 900
WORKER_S = 900
SERVER_START_S = 90
REQUEST_S = 120
DRAIN_S = 180


class Failed(SystemExit):
    pass

