"""Break-glass uses still unreviewed five working days after they began, for the reminders (`hearth.reminders`).
A read for the system: the use's reference, its council, its user and their manager; never the reason or the
family. One statement from the partial index over unreviewed uses (`breakglass_unreviewed_idx`)."""

from datetime import date, datetime, time, timedelta

from django.db.models import F, QuerySet
from django.utils import timezone

from hearth.access.models import BreakGlass
from hearth.core.working_days import add_working_days

REVIEW_WORKING_DAYS = 5


def last_start_overdue(today: date, working_days: int = REVIEW_WORKING_DAYS) -> date:
    """The last day a use may have begun and be `working_days` working days old by `today`."""
    day = today
    while add_working_days(day, working_days) > today:
        day -= timedelta(days=1)
    return day


def break_glass_unreviewed(today: date) -> QuerySet[BreakGlass]:
    """Uses not yet reviewed that began `REVIEW_WORKING_DAYS` or more working days before `today` (a use begun on
    a Friday is due its reminder on the following Friday, and a week and a day later over Easter)."""
    cutoff = timezone.make_aware(datetime.combine(last_start_overdue(today) + timedelta(days=1), time.min))
    return BreakGlass.objects.filter(reviewed_at__isnull=True, started_at__lt=cutoff).annotate(
        council_ref=F("family__council_id"), user_ref=F("user_id"), manager_ref=F("user__team__manager_id"),
        active_manager=F("user__team__manager__is_active"))
