"""Defining, enqueuing and retrying jobs, and reporting a long job's progress.

    @queue.job("Send an email", retries=6)
    def deliver(message_id: int): ...

    queue.enqueue(deliver, message.pk)                     # inside the caller's transaction
    queue.start(compile_bundle, request.pk, owner=user,    # a long job with a page of its own
                title="Compile a subject access bundle")

A job is enqueued by inserting a row in the same database transaction as the work that asked for it, so it is
visible to the worker only once that work has committed, and never if it rolls back (decision record 0012).

A failed attempt is put back in the queue with exponential back-off until the job's retries are used up; only
then is it failed, and it waits on the administrator's failed-jobs page. What a failure keeps is the exception's
class and the stack: never its message, which may quote personal data.
"""

import contextvars
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks import task as library_task
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from hearth.jobs import access
from hearth.jobs.models import Progress, ResultFile

DEFAULT_RETRIES = 5
DEFAULT_BACKOFF_SECONDS = 30.0
MAX_BACKOFF_SECONDS = 6 * 3600.0


@dataclass(frozen=True)
class Kind:
    """What a job is, for people: its label on the failed-jobs page, and how it is retried."""

    path: str
    label: str
    retries: int
    backoff_seconds: float


KINDS: dict[str, Kind] = {}

_current_task_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("hearth_job", default=None)
_last_attempt: contextvars.ContextVar[bool] = contextvars.ContextVar("hearth_job_last", default=True)
_progress_sink: contextvars.ContextVar[Callable | None] = contextvars.ContextVar("hearth_job_sink", default=None)


class GiveUp(Exception):
    """Raised by a job when trying again will not help: the job fails at once, for the administrator to see. Its
    message is plain English written by Hearth, never personal data: the failed-jobs page shows it."""


GIVE_UP = f"{GiveUp.__module__}.{GiveUp.__qualname__}"
STOPPED_MID_JOB = "hearth.jobs.worker.WorkerStopped"


def job(label: str, *, retries: int = DEFAULT_RETRIES, backoff_seconds: float = DEFAULT_BACKOFF_SECONDS,
        queue_name: str = "default", priority: int = 0, atomic: bool = True):
    """Make a module-level function a job. `retries` is how many times a failed attempt is tried again. The job
    runs in one transaction unless `atomic=False` (a long job that commits as it goes and reports progress)."""

    def wrap(fn):
        def runner(context, *args, **kwargs):
            token = _current_task_id.set(str(context.task_result.id))
            last = _last_attempt.set(context.attempt > KINDS[task.module_path].retries)
            try:
                if not atomic:
                    return fn(*args, **kwargs)
                with transaction.atomic():
                    return fn(*args, **kwargs)
            finally:
                _current_task_id.reset(token)
                _last_attempt.reset(last)

        # The queue finds the job again by its module path: the runner takes the function's name.
        runner.__module__, runner.__name__, runner.__qualname__ = fn.__module__, fn.__name__, fn.__qualname__
        runner.__doc__ = fn.__doc__
        runner.function = fn
        task = library_task(takes_context=True, queue_name=queue_name, priority=priority)(runner)
        KINDS[task.module_path] = Kind(task.module_path, label, retries, backoff_seconds)
        return task

    return wrap


def enqueue(task, *args, run_after=None, **kwargs) -> str:
    """Queue the job with these arguments (identifiers only). Returns the job's id."""
    if run_after is not None:
        task = task.using(run_after=run_after)
    return str(task.enqueue(*args, **kwargs).id)


def start(task, *args, owner, title: str, result_url: str = "", about: str = "", **kwargs) -> str:
    """Queue a long job that has a page of its own (`jobs:job`) for `owner`, who can leave and come back. `about`
    ("<app>:<what>:<id>") lets the app find the job again and say who else may see its page (hearth.jobs.access)."""
    task_id = enqueue(task, *args, **kwargs)
    Progress.objects.create(task_id=task_id, owner=owner, title=title, result_url=result_url, about=about)
    return task_id


def kept_already() -> bool:
    """Inside a long job: whether an earlier attempt of this job kept its file already (so it is done)."""
    task_id = _current_task_id.get()
    return task_id is not None and ResultFile.objects.filter(task_id=task_id).exists()


def keep_file(data: bytes, *, filename: str, content_type: str) -> bool:
    """Inside a long job: keep the file it made for the job's owner to download from the job's page, until it
    expires (hearth.jobs.access.RESULT_KEEP). Kept once: a job run again keeps the first file. False outside a job
    with a page."""
    task_id = _current_task_id.get()
    progress = Progress.objects.filter(task_id=task_id).first() if task_id else None
    if progress is None or progress.owner_id is None:
        return False
    ResultFile.objects.get_or_create(task_id=task_id, defaults={
        "owner_id": progress.owner_id, "about": progress.about, "filename": filename, "content_type": content_type,
        "data": data, "sha256": hashlib.sha256(data).hexdigest(), "expires_at": timezone.now() + access.RESULT_KEEP})
    Progress.objects.filter(task_id=task_id).update(result_url=reverse("jobs:download", kwargs={"task_id": task_id}))
    return True


def last_attempt() -> bool:
    """Whether the running job will not be tried again if this attempt fails."""
    return _last_attempt.get()


def call_now(task, *args, **kwargs):
    """Run a job's function in this process (commands that show their own progress bar)."""
    return task.func.function(*args, **kwargs)


# Progress ------------------------------------------------------------------------------------------------------


def report(done: int, total: int | None = None, stage: str = "", *, result_url: str | None = None) -> None:
    """Say how far the running job has got. In the worker this updates the job's page; in a command running the
    job's function itself (`reporting_to`) it moves the progress bar. Stage text names no person."""
    if (sink := _progress_sink.get()) is not None:
        sink(done, total, stage)
        return
    if (task_id := _current_task_id.get()) is None:
        return
    changes = {"done": done, "total": total, "stage": stage[:200], "updated_at": timezone.now()}
    if result_url is not None:
        changes["result_url"] = result_url
    Progress.objects.filter(task_id=task_id).update(**changes)


class reporting_to:  # noqa: N801 - used as a context manager, like a function
    """`with queue.reporting_to(callback):` sends report() calls to callback(done, total, stage)."""

    def __init__(self, callback: Callable[[int, int | None, str], None]):
        self.callback = callback

    def __enter__(self):
        self.token = _progress_sink.set(self.callback)
        return self

    def __exit__(self, *exc):
        _progress_sink.reset(self.token)


# Retries -------------------------------------------------------------------------------------------------------


def kind_of(task_path: str) -> Kind:
    return KINDS.get(task_path) or Kind(task_path, task_path.rsplit(".", 1)[-1].replace("_", " "),
                                         DEFAULT_RETRIES, DEFAULT_BACKOFF_SECONDS)


def backoff(kind: Kind, attempts: int) -> timedelta:
    """Wait before attempt `attempts + 1`: the back-off doubles each time, with up to a fifth added at random
    so that jobs failing together do not retry together."""
    seconds = min(kind.backoff_seconds * (2 ** max(attempts - 1, 0)), MAX_BACKOFF_SECONDS)
    return timedelta(seconds=seconds * (1 + random.random() / 5))  # noqa: S311 - jitter, not security


def safe_traceback(exc_class_path: str, text: str) -> str:
    """The stack of a failure without the exception's message (which may quote personal data)."""
    lines = text.rstrip("\n").splitlines()
    frames = [line for line in lines if line.startswith("  ")]
    own = exc_class_path == GIVE_UP and lines
    last = lines[-1] if own else f"{exc_class_path} (message not kept)"
    return "\n".join(["Traceback (most recent call last):", *frames, last])


def _after_attempt(sender, task_result, **kwargs):
    if task_result.status != TaskResultStatus.FAILED:
        return
    row = DBTaskResult.objects.filter(pk=task_result.id).first()
    if row is None:
        return
    kind = kind_of(row.task_path)
    attempts = len(row.worker_ids)
    row.traceback = safe_traceback(row.exception_class_path, row.traceback)
    fields = ["traceback"]
    if attempts <= kind.retries and row.exception_class_path != GIVE_UP:
        row.status, row.finished_at = TaskResultStatus.READY, None
        row.run_after = timezone.now() + backoff(kind, attempts)
        fields += ["status", "finished_at", "run_after"]
    row.save(update_fields=fields)


def connect() -> None:
    task_finished.connect(_after_attempt, dispatch_uid="hearth.jobs.retry")
