"""The administrator's actions on failed jobs: try again, or discard. Both are audited."""

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from hearth.audit import trail
from hearth.audit.models import AuditAction
from hearth.core.errors import Conflict, NotPermitted

GONE = "That job is no longer failed: it has been tried again or discarded already."


def _failed(actor, task_id):
    if not actor.is_administrator:
        raise NotPermitted("Only a system administrator can retry or discard jobs.", object_type="jobs.job",
                           object_id=str(task_id))
    row = DBTaskResult.objects.select_for_update().filter(pk=task_id, status=TaskResultStatus.FAILED).first()
    if row is None:
        raise Conflict(GONE)
    return row


@transaction.atomic
def retry(*, actor, task_id) -> None:
    """Put a failed job back in the queue now, with its retries counted afresh."""
    row = _failed(actor, task_id)
    row.status, row.run_after, row.worker_ids = TaskResultStatus.READY, timezone.now(), []
    row.started_at = row.finished_at = None
    row.save(update_fields=["status", "run_after", "worker_ids", "started_at", "finished_at"])
    trail.record(actor=actor, action=AuditAction.ADMIN, object_type="jobs.job", object_id=str(row.pk),
                 detail={"retried": row.task_path})


@transaction.atomic
def discard(*, actor, task_id) -> None:
    """Remove a failed job: it will not run again."""
    row = _failed(actor, task_id)
    trail.record(actor=actor, action=AuditAction.ADMIN, object_type="jobs.job", object_id=str(row.pk),
                 detail={"discarded": row.task_path})
    row.delete()
