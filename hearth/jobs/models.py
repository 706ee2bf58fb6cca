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


class Progress(models.Model):
    """A long job's page: who started it, what it is, how far it has got and where its result is."""

    task_id = models.UUIDField(primary_key=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    title = models.CharField(max_length=200)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(null=True)
    stage = models.CharField(max_length=200, blank=True)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class ScheduleRun(models.Model):
    """One row per schedule and time slot: the unique key is what makes a schedule run once per slot however
    many workers are running or however often the scheduler looks."""

    name = models.CharField(max_length=100)
    slot = models.CharField(max_length=40)
    task_id = models.UUIDField(null=True)
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="jobs_schedule_once_per_slot")]
