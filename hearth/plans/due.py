"""What falls due in the plan, for the reminders (`hearth.reminders`): reviews within a week or overdue, and open
actions overdue. Reads for the system, not for a user, so not scoped by the access policy and not audited: they
return record numbers, dates and who is responsible, and the reminders that use them name no one in the family.

Each is one set-based statement walked from a partial index over open work (`episode_due_idx`,
`action_open_due_idx`), whatever the size of the council. Each row carries `due` (the date it falls due),
`family_ref` and `council_ref`."""

from datetime import date, timedelta

from django.db.models import F, QuerySet

from hearth.cases.models import Episode, EpisodeStatus
from hearth.plans.models import OPEN_ACTION_STATUSES, Action

REVIEW_SOON_DAYS = 7


def _episodes() -> QuerySet[Episode]:
    return Episode.objects.exclude(status=EpisodeStatus.CLOSED).annotate(
        due=F("next_review_due"), family_ref=F("family_id"), council_ref=F("family__council_id"),
        lead_ref=F("lead_professional_id"))


def reviews_due_soon(today: date) -> QuerySet[Episode]:
    """Open episodes whose next review is today or within the next `REVIEW_SOON_DAYS` days."""
    return _episodes().filter(next_review_due__gte=today, next_review_due__lte=today + timedelta(REVIEW_SOON_DAYS))


def reviews_overdue(today: date) -> QuerySet[Episode]:
    """Open episodes whose next review date has passed (`cases.review_dates.is_overdue`)."""
    return _episodes().filter(next_review_due__lt=today)


def actions_overdue(today: date) -> QuerySet[Action]:
    """Open actions past their date in open episodes, with the practitioner who owns each (if a practitioner
    does) and the episode's lead professional."""
    return (Action.objects.filter(status__in=OPEN_ACTION_STATUSES, due_on__lt=today)
            .exclude(episode__status=EpisodeStatus.CLOSED)
            .annotate(due=F("due_on"), family_ref=F("episode__family_id"), council_ref=F("episode__family__council_id"),
                      owner_ref=F("owner_user_id"), lead_ref=F("episode__lead_professional_id")))
