"""Schedules live in code: each app registers its own from its AppConfig.ready(), and the worker enqueues each
one once per time slot.

    schedules.daily("reminders.daily", reminders_tasks.send_due, at=time(7, 0))
    schedules.every("audit.anchor", anchors_tasks.write, minutes=15)

A slot is claimed by inserting a ScheduleRun row under a unique key, so however many workers look, and however
often, each slot is enqueued once. The job is given the slot it runs for, so that what it sends can be keyed on
it too. A worker that was stopped when a daily slot came round enqueues it when it next looks, the same day.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.jobs import queue
from hearth.jobs.models import ScheduleRun


@dataclass(frozen=True)
class Schedule:
    name: str
    task: object
    every: timedelta | None = None
    at: time | None = None

    def slot(self, now: datetime) -> str | None:
        """The slot due at `now`, or None when a daily schedule's time has not yet come today."""
        local = timezone.localtime(now)
        if self.at is not None:
            return local.date().isoformat() if local.time() >= self.at else None
        seconds = int(self.every.total_seconds())
        start = int(now.timestamp()) // seconds * seconds
        return datetime.fromtimestamp(start, tz=timezone.get_current_timezone()).strftime("%Y-%m-%dT%H:%M")


SCHEDULES: dict[str, Schedule] = {}


def daily(name: str, task, *, at: time) -> None:
    SCHEDULES[name] = Schedule(name, task, at=at)


def every(name: str, task, *, minutes: float) -> None:
    SCHEDULES[name] = Schedule(name, task, every=timedelta(minutes=minutes))


def run_due(now: datetime | None = None) -> list[str]:
    """Enqueue every schedule whose current slot has not been enqueued yet. Returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for schedule in SCHEDULES.values():
        slot = schedule.slot(now)
        if slot is None or ScheduleRun.objects.filter(name=schedule.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = ScheduleRun.objects.create(name=schedule.name, slot=slot)
                run.task_id = queue.enqueue(schedule.task, slot=slot)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # another worker claimed this slot first
        enqueued.append(schedule.name)
    return enqueued
