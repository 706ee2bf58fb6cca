"""When a family's plan is next reviewed: the one statement of the rule, used by the episode, the Team Around the
Family meeting, the plan review, step down and the due-work lists.

- The next review is set at the council's interval (`review_interval_weeks` in its profile, six weeks unless the
  council says otherwise) from the day it is set, and a practitioner may choose another date.
- A next review date is always after today: a review held today sets the one after it.
- A review is overdue from the day after its date, and "due soon" within `DUE_SOON_DAYS` of today.
- A next review later than the council's interval from the day it is set (the plan agreed at the meeting, or the
  review held) needs a reason, which is kept and shown on the episode (`reason_problem`); one recorded on a later
  day counts the interval from the day it is recorded.
- A council may review a disabled child's plan less often after a step down from a Child in Need plan
  (Gloucestershire: six-monthly, the profile's rule `disabled_child_step_down_review_weeks`): the interval of an
  episode that began with a step down, in a family with a child recorded as disabled (`interval_weeks`)."""

from datetime import date, timedelta

from django.utils import timezone

from hearth.people.models import Disability, FamilyMember, MemberRole

DEFAULT_INTERVAL_WEEKS = 6
STEP_DOWN = "step_down"  # cases.models.EpisodeOrigin.STEP_DOWN (the models read this module, so not imported here)
DUE_SOON_DAYS = 14
NOT_IN_FUTURE = "The next review date must be in the future"
MISSING = "Enter the date of the next review"


def interval_weeks(council, episode=None) -> int:
    """Weeks between reviews: the council's interval, or its longer one for a disabled child's plan after a step down
    from a Child in Need plan."""
    if (episode is not None and episode.origin == STEP_DOWN
            and (longer := council.rule("disabled_child_step_down_review_weeks"))
            and FamilyMember.objects.filter(family_id=episode.family_id, role=MemberRole.CHILD, left_on__isnull=True,
                                            person__disability=Disability.YES).exists()):
        return longer
    return council.review_interval_weeks or DEFAULT_INTERVAL_WEEKS


def default_date(council, from_date: date | None = None, *, episode=None) -> date:
    return (from_date or timezone.localdate()) + timedelta(weeks=interval_weeks(council, episode))


def date_problem(due: date | None, *, required: bool = True, today: date | None = None) -> str:
    """What is wrong with a next review date, in plain English; "" if nothing."""
    if due is None:
        return MISSING if required else ""
    return NOT_IN_FUTURE if due <= (today or timezone.localdate()) else ""


def latest_without_reason(council, from_date: date | None = None, today: date | None = None, *,
                          episode=None) -> date:
    """The latest next review date that needs no reason: the council's interval from `from_date` (the meeting or
    review); for one recorded on a later day, the interval from the day it is recorded (a date must be in the
    future, so a meeting recorded late cannot keep to its own interval)."""
    today = today or timezone.localdate()
    return max(default_date(council, from_date or today, episode=episode),
               default_date(council, today, episode=episode))


def reason_problem(council, due: date | None, reason: str, *, from_date: date | None = None,
                   today: date | None = None, episode=None) -> str:
    """A next review later than the council's interval needs a reason; what to say when it has none ("" if fine)."""
    if due is None or (reason or "").strip():
        return ""
    latest = latest_without_reason(council, from_date, today, episode=episode)
    if due <= latest:
        return ""
    weeks = interval_weeks(council, episode)
    return (f"The review should be within {weeks} weeks, by {latest.day} {latest:%B %Y}. Choose an earlier date, "
            "or give the reason it needs to be later")


def is_overdue(due: date | None, today: date | None = None) -> bool:
    return due is not None and due < (today or timezone.localdate())


def due_soon_horizon(today: date | None = None) -> date:
    """Reviews on or before this day are listed as due (overdue ones included)."""
    return (today or timezone.localdate()) + timedelta(days=DUE_SOON_DAYS)
