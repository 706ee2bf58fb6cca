"""The reminders' job, enqueued by the worker once a day (`reminders.daily`, registered in apps.py)."""

from datetime import date

from django.utils import timezone

from hearth.jobs import queue
from hearth.reminders import services


@queue.job("Send the day's reminders")
def send_due(slot: str = "") -> dict:
    """Send the reminders newly due on the slot's day (today when run by hand). One transaction: run again, it
    sends nothing twice."""
    today = date.fromisoformat(slot[:10]) if slot else timezone.localdate()
    return services.remind(today=today, slot=slot or today.isoformat())
