"""The sealer: chains committed audit rows into the hash chain in batches, away from the requests that wrote them
(decision record 0004). `hearth audit-seal` runs it once; `hearth audit-seal --every 5` keeps running beside the
web server (`hearth serve` starts it as a child process and stops it with the server) until a job worker takes it
over (`hearth.audit.beside_server` starts it). Two sealers at once are safe: on PostgreSQL the second skips a
batch the first is sealing.

Logs carry counts and error classes only, never the content of an audit row.
"""

import logging
import os
import signal
import threading
import time
from dataclasses import dataclass

from django.db import DatabaseError, close_old_connections, connection

from hearth.audit import trail

log = logging.getLogger(__name__)

@dataclass
class Round:
    sealed: int
    skipped: bool  # another sealer held the chain's head
    failed: bool = False


def seal_round(batch: int = trail.DEFAULT_BATCH) -> Round:
    """Seal everything pending now, a batch per transaction; stop early when another sealer holds the head."""
    sealed = 0
    while True:
        done = trail.seal_batch(batch, wait=False)
        if done is None:
            return Round(sealed, skipped=True)
        sealed += done
        if done < batch:
            return Round(sealed, skipped=False)


def run(*, every: float | None = None, batch: int = trail.DEFAULT_BATCH, exit_with_parent: bool = False,
        rounds: int | None = None) -> int:
    """Seal once (`every` None), or every `every` seconds until SIGTERM or SIGINT (or, with `exit_with_parent`,
    until the process that started this one has gone). Returns how many rows were sealed in all. A database error
    is logged and the next round tries again on a fresh connection. `rounds` limits the loop (for tests)."""
    if every is None:
        return seal_round(batch).sealed
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)}
    parent = os.getppid()
    total, done_rounds = 0, 0
    own_connection = not connection.in_atomic_block  # a test runs the loop inside its transaction
    try:
        while not stop.is_set():
            if own_connection:
                close_old_connections()
            started = time.monotonic()
            try:
                result = seal_round(batch)
            except DatabaseError as exc:
                if not own_connection:
                    raise
                # The class only: a database error's message can quote values from the row.
                log.warning("Audit sealing failed (%s); trying again in %s s", type(exc).__name__, every)
                connection.close()
                result = Round(0, skipped=False, failed=True)
            total += result.sealed
            if result.sealed:
                log.debug("Sealed %d audit rows in %.0f ms", result.sealed, (time.monotonic() - started) * 1000)
            done_rounds += 1
            if rounds is not None and done_rounds >= rounds:
                break
            while not stop.wait(min(1.0, every)):
                if exit_with_parent and os.getppid() != parent:
                    stop.set()
                elif time.monotonic() - started >= every:
                    break
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if own_connection:
            connection.close()
    return total
