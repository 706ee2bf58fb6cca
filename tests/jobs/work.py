"""Jobs for the queue's tests."""

from hearth.jobs import queue
from hearth.outbox.models import Message

RUNS: list = []


@queue.job("Count a test run", retries=2, backoff_seconds=10)
def count(slot: str = "") -> str:
    RUNS.append(slot)
    return slot


@queue.job("Report progress", atomic=False)
def halfway() -> None:
    queue.report(50, 100, "Checked half of the records")


@queue.job("Always fails", retries=1, backoff_seconds=1)
def broken() -> None:
    raise RuntimeError(Message.objects.count())
