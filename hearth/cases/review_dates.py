"""When a family's plan is next reviewed: the one statement of the rule, used by the episode, the Team Around the
Family meeting, the plan review, step down and the due-work lists.

- The next review is set at the council's interval (`review_interval_weeks` in its profile, six weeks unless the
  council says otherwise) from the day it is set, and a practitioner may choose another date.
- A next review date is always after today: a review held today sets the one after it.
- A review is overdue from the day after its date, and "due soon" within `DUE_SOON_DAYS` of today.
- A next review later than the council's interval from the day it is set (the plan agreed at the meeting, or the
  review held) needs a reason, which is kept and shown on the episode (`reason_problem`); one recorded on a later
  day counts the interval from the day it is recorded."""

from datetime import date, timedelta

from django.utils import timezone

DEFAULT_INTERVAL_WEEKS = 6
DUE_SOON_DAYS = 14
NOT_IN_FUTURE = "The next review date must be in the future"
MISSING = "Enter the date of the next review"


def default_date(council, from_date: date | None = None) -> date:
    weeks = council.review_interval_weeks or DEFAULT_INTERVAL_WEEKS
    return (from_date or timezone.localdate()) + timedelta(weeks=weeks)


def date_problem(due: date | None, *, required: bool = True, today: date | None = None) -> str:
    """What is wrong with a next review date, in plain English; "" if nothing."""
    if due is None:
        return MISSING if required else ""
    return NOT_IN_FUTURE if due <= (today or timezone.localdate()) else ""


def latest_without_reason(council, from_date: date | None = None, today: date | None = None) -> date:
    """The latest next review date that needs no reason: the council's interval from `from_date` (the meeting or
    review); for one recorded on a later day, the interval from the day it is recorded (a date must be in the
    future, so a meeting recorded late cannot keep to its own interval)."""
    today = today or timezone.localdate()
    return max(default_date(council, from_date or today), default_date(council, today))


def reason_problem(council, due: date | None, reason: str, *, from_date: date | None = None,
                   today: date | None = None) -> str:
    """A next review later than the council's interval needs a reason; what to say when it has none ("" if fine)."""
    if due is None or (reason or "").strip():
        return ""
    latest = latest_without_reason(council, from_date, today)
    if due <= latest:
        return ""
    weeks = council.review_interval_weeks or DEFAULT_INTERVAL_WEEKS
    return (f"The review should be within {weeks} weeks, by {latest.day} {latest:%B %Y}. Choose an earlier date, "
            "or give the reason it needs to be later")


def is_overdue(due: date | None, today: date | None = None) -> bool:
    return due is not None and due < (today or timezone.localdate())


def due_soon_horizon(today: date | None = None) -> date:
    """Reviews on or before this day are listed as due (overdue ones included)."""
    return (today or timezone.localdate()) + timedelta(days=DUE_SOON_DAYS)
