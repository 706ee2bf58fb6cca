"""Subject access requests coming due, for the reminders (`hearth.reminders`): open requests at day 21 and day 28
of their first month (the day of receipt is day 1, as the ICO counts it) and at their deadline. A read for the
system: references and dates only. Open requests are few; one statement each."""

from datetime import date, timedelta

from django.db.models import F, QuerySet

from hearth.subject_access.models import SarStatus, SubjectAccessRequest


def _open() -> QuerySet[SubjectAccessRequest]:
    return SubjectAccessRequest.objects.filter(status=SarStatus.OPEN).annotate(council_ref=F("council_id"))


def requests_at_day(today: date, day: int) -> QuerySet[SubjectAccessRequest]:
    """Open requests not extended that have reached day `day` (21 or 28) since receipt. `due` is the day of
    receipt (a request's reminder for a day is keyed on it)."""
    return _open().filter(extension_months=0, received_on__lte=today - timedelta(days=day - 1)).annotate(
        due=F("received_on"))


def requests_at_deadline(today: date) -> QuerySet[SubjectAccessRequest]:
    """Open requests whose deadline is today or has passed. `due` is the deadline (an extension moves it, and the
    new deadline has a reminder of its own)."""
    return _open().filter(due_on__lte=today).annotate(due=F("due_on"))
