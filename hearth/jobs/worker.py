"""`hearth worker`: the queue library's database worker, plus what a service needs around it.

Beside the loop that claims and runs jobs, a housekeeping thread
- writes this worker's heartbeat (readiness and the metrics read it);
- puts back in the queue any job claimed by a worker that has stopped beating (killed mid-job): the job runs
  again, which is why every job must do its work once however often it runs;
- enqueues the schedules that are due (hearth.jobs.schedules).
"""

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from hearth.jobs import queue, schedules
from hearth.jobs.models import Heartbeat

logger = logging.getLogger(__name__)



def beat(worker_id: str, started_at) -> None:
    now = timezone.now()
    Heartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": socket.gethostname()[:255], "pid": os.getpid(), "started_at": started_at, "seen_at": now})


def recover_stalled(now=None) -> int:
    """Put back (or, with no retries left, fail) every running job whose worker has stopped beating."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.HEARTH_WORKER_STALE_SECONDS)
    alive = set(Heartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True))
    recovered = 0
    for row in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("id", "task_path", "worker_ids"):
        if row.worker_ids and row.worker_ids[-1] in alive:
            continue
        stalled = DBTaskResult.objects.filter(pk=row.pk, status=TaskResultStatus.RUNNING)
        if len(row.worker_ids) <= queue.kind_of(row.task_path).retries:
            recovered += stalled.update(status=TaskResultStatus.READY, run_after=now, started_at=None)
        else:
            recovered += stalled.update(status=TaskResultStatus.FAILED, finished_at=now,
                                        exception_class_path=queue.STOPPED_MID_JOB,
                                        traceback="The worker stopped during the last attempt.")
    if recovered:
        logger.warning("Put %s jobs of stopped workers back in the queue", recovered)
    Heartbeat.objects.filter(seen_at__lt=cutoff).delete()
    return recovered


class Housekeeping(threading.Thread):
    def __init__(self, worker_id: str, started_at, *, schedules_on: bool):
        super().__init__(name="hearth-worker-housekeeping", daemon=True)
        self.worker_id, self.started_at, self.schedules_on = worker_id, started_at, schedules_on
        self.stopping = threading.Event()

    def round(self) -> None:
        beat(self.worker_id, self.started_at)
        recover_stalled()
        if self.schedules_on:
            schedules.run_due()

    def run(self) -> None:
        while not self.stopping.wait(settings.HEARTH_WORKER_HEARTBEAT_SECONDS):
            try:
                close_old_connections()
                self.round()
            except Exception:  # noqa: BLE001 - a missed round is retried next time; the worker carries on
                logger.exception("Worker housekeeping round failed")
        connection.close()

    def stop(self) -> None:
        self.stopping.set()


class HearthWorker(Worker):
    def __init__(self, *, interval: float = 1.0, batch: bool = False, max_tasks: int | None = None,
                 schedules_on: bool = True, worker_id: str | None = None):
        super().__init__(queue_names=["*"], interval=interval, batch=batch, backend_name="default",
                         startup_delay=not batch, max_tasks=max_tasks,
                         worker_id=worker_id or get_random_string(32), excluded_queue_names=[])
        self.schedules_on = schedules_on

    def run(self) -> None:
        started_at = timezone.now()
        beat(self.worker_id, started_at)
        recover_stalled()
        housekeeping = Housekeeping(self.worker_id, started_at, schedules_on=self.schedules_on)
        if self.schedules_on:
            schedules.run_due()
        housekeeping.start()
        try:
            super().run()
        finally:
            housekeeping.stop()
            Heartbeat.objects.filter(worker_id=self.worker_id).delete()
