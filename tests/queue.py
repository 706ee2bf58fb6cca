"""Running queued jobs in tests through the real queue and worker code: `run_jobs()` claims and runs every job that
is due, as `hearth worker --batch` does, inside the test's database transaction."""

from unittest import mock

from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hearth.jobs.worker import HearthWorker


def run_jobs(max_jobs: int | None = None) -> int:
    """Run every job due now (and any it queues that are due now). Returns how many ran."""
    before = DBTaskResult.objects.exclude(status=TaskResultStatus.READY).count()
    # The library's worker closes stale connections between jobs: inside a test transaction that would end it.
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        HearthWorker(batch=True, max_tasks=max_jobs, schedules_on=False, interval=0).run()
    return DBTaskResult.objects.exclude(status=TaskResultStatus.READY).count() - before


def queued(task_name: str = "") -> list[DBTaskResult]:
    rows = DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by("enqueued_at")
    return [r for r in rows if r.task_path.endswith(task_name)]
