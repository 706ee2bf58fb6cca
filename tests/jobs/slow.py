"""A job for the worker-process tests: it marks a file when it starts and when it has done its work, and does that
work once however often it runs."""

import time
from pathlib import Path

from hearth.jobs import queue


@queue.job("A slow test job", retries=3, backoff_seconds=0, atomic=False)
def slow_once(marker: str, seconds: float) -> str:
    path = Path(marker)
    if "done" in path.read_text().split() if path.exists() else False:
        return "already done"
    with path.open("a") as f:
        f.write("started\n")
    time.sleep(seconds)
    with path.open("a") as f:
        f.write("done\n")
    return "done"
