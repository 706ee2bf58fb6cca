"""Disposal runs that are due, for the reminders (`hearth.reminders`): prepared or approved runs whose as-of date
has come, waiting for a second officer's approval or to be run. Counts and run references only."""

from datetime import date

from django.db.models import F, QuerySet

from hearth.retention.models import DisposalRun, RunStatus


def disposals_due(today: date) -> QuerySet[DisposalRun]:
    return DisposalRun.objects.filter(status__in=(RunStatus.PREPARED, RunStatus.APPROVED), as_of__lte=today).annotate(
        due=F("as_of"), council_ref=F("council_id"))
