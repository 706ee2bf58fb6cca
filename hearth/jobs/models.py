"""What the queue library does not keep: which workers are alive, how far a long job has got and who started it,
and which scheduled slots have been enqueued. The jobs themselves are django_tasks_db's DBTaskResult rows."""

from django.conf import settings
from django.db import models


class Heartbeat(models.Model):
    """One row per running `hearth worker`, touched every few seconds. A job claimed by a worker whose heartbeat
    has gone stale is put back in the queue."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.worker_id


class Progress(models.Model):
    """A long job's page: who started it, what it is, how far it has got and where its result is."""

    task_id = models.UUIDField(primary_key=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True)
    stage = models.CharField(max_length=200, blank=True)
    result_url = models.CharField(max_length=500, blank=True)
    # What the job works on, as "<app>:<what>:<id>" (identifiers only): the app's page finds its job by it, and the
    # app says who besides the owner may see the job's page (hearth.jobs.access).
    about = models.CharField(max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.title


class ResultFile(models.Model):
    """A file a job made for the person who started it (an export, a document bundle), downloaded from the job's
    page by its owner alone, while the app that made it still allows them (hearth.jobs.access), until it expires.
    The worker deletes expired files every hour."""

    task_id = models.UUIDField(primary_key=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    about = models.CharField(max_length=100)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.filename


class ScheduleRun(models.Model):
    """One row per schedule and time slot: the unique key is what makes a schedule run once per slot however
    many workers are running or however often the scheduler looks."""

    name = models.CharField(max_length=100)
    slot = models.CharField(max_length=40)
    task_id = models.UUIDField(null=True)
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="jobs_schedule_once_per_slot")]

    def __str__(self) -> str:
        return f"{self.name} {self.slot}"
