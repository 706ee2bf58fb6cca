"""What the queue holds, for the administrator's page, readiness and the metrics. Counts and ages only."""

from django.db.models import Max, Min, Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from hearth.jobs import access, queue
from hearth.jobs.models import Heartbeat, Progress, ResultFile


def _waiting():
    now = timezone.now()
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).filter(
        Q(run_after__lte=now) | Q(run_after=get_date_max()))


def waiting_count() -> int:
    """Jobs due to run now and not yet claimed (retries waiting for their back-off are not counted)."""
    return _waiting().count()


def oldest_waiting_seconds() -> float | None:
    """How long the job waiting longest has been due (since it was enqueued, or since its back-off ended), or None
    when nothing waits."""
    waiting = _waiting()
    firsts = [waiting.filter(run_after=get_date_max()).aggregate(t=Min("enqueued_at"))["t"],
              waiting.exclude(run_after=get_date_max()).aggregate(t=Min("run_after"))["t"]]
    due = [t for t in firsts if t is not None]
    return max((timezone.now() - min(due)).total_seconds(), 0.0) if due else None


def retrying_count() -> int:
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY, run_after__gt=timezone.now()).exclude(
        run_after=get_date_max()).count()


def running_count() -> int:
    return DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count()


def failed_count() -> int:
    return DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count()


def worker_last_seen_seconds() -> float | None:
    """Seconds since any worker last beat, or None when no worker has."""
    seen = Heartbeat.objects.aggregate(seen=Max("seen_at"))["seen"]
    return None if seen is None else max((timezone.now() - seen).total_seconds(), 0.0)


def failed_jobs(limit: int = 200) -> list[dict]:
    rows = (DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).order_by("-finished_at")
            .only("id", "task_path", "worker_ids", "enqueued_at", "finished_at", "exception_class_path",
                  "traceback")[:limit])
    return [{"id": str(row.id), "label": queue.kind_of(row.task_path).label, "attempts": len(row.worker_ids),
             "enqueued_at": row.enqueued_at, "failed_at": row.finished_at, "error": _why(row)} for row in rows]


def _why(row) -> str:
    """A job's own reason for giving up (plain English, written by Hearth), or the kind of error."""
    if row.exception_class_path == queue.GIVE_UP:
        return row.traceback.rstrip().splitlines()[-1].split(": ", 1)[-1]
    if row.exception_class_path == queue.STOPPED_MID_JOB:
        return "The worker stopped while running it"
    return f"Unexpected error ({row.exception_class_path.rsplit('.', 1)[-1]})"


def _state(progress: Progress) -> dict:
    row = (DBTaskResult.objects.filter(pk=progress.task_id)
           .only("status", "worker_ids", "run_after", "finished_at").first())
    status = row.status if row is not None else TaskResultStatus.SUCCESSFUL
    return {"progress": progress, "task_id": str(progress.task_id), "status": status,
            "attempts": len(row.worker_ids) if row else 0,
            "finished": status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED),
            "failed": status == TaskResultStatus.FAILED}


def job_for(user, task_id) -> dict | None:
    """A long job's page, for the user who started it, an administrator, or whoever the app it works for allows
    (hearth.jobs.access). A file it made is offered to its owner alone."""
    progress = Progress.objects.filter(task_id=task_id).first()
    if progress is None or not access.may_view(user, progress):
        return None
    job = _state(progress)
    has_file = (ResultFile.objects.filter(task_id=task_id, expires_at__gt=timezone.now())
                .only("task_id", "filename", "expires_at"))
    job["own"] = progress.owner_id == user.pk
    job["file"] = has_file.first() if job["own"] else None
    job["expired"] = job["own"] and job["finished"] and not job["failed"] and job["file"] is None and (
        progress.result_url.endswith("/download"))
    return job


def latest_about(about: str) -> dict | None:
    """The latest long job about this thing ("<app>:<what>:<id>"), with its state, or None. For the app's own page,
    which has already checked who is looking."""
    progress = Progress.objects.filter(about=about).order_by("-created_at").first()
    return _state(progress) if progress is not None else None


def latest_owned(user, about: str) -> dict | None:
    """`latest_about`, when the user asked for it; None otherwise (someone else's extract is not shown)."""
    job = latest_about(about)
    return job if job is not None and job["progress"].owner_id == user.pk else None


def result_file(user, task_id) -> ResultFile | None:
    """The file a job made, for its owner while unexpired and while the app that made it allows them."""
    result = ResultFile.objects.filter(task_id=task_id, expires_at__gt=timezone.now()).first()
    if result is None or not access.may_download(user, result):
        return None
    return result
