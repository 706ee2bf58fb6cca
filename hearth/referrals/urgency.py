"""How urgent a request for support or a step-up referral is, when the front door should have responded, and how
long it has waited: one statement of each rule.

The scheme (`Urgency`, highest first):

- **Same working day**: the referrer said one of the situations in Oxfordshire's guidance applies
  (`SameDayTrigger`: "Response on same working day if:", its Early Help Assessment guidance, section 1.5). Due by
  the end of the working day it arrived, or of the next working day when it arrived on a weekend or a bank holiday.
- **Within 1 working day**: a step-up referral to MASH with none of those situations. A step-up is a referral to
  children's social care, and *Working Together to Safeguard Children* (2023) asks for a decision on the response
  within one working day of a referral arriving. Due by the end of the next working day.
- **Routine**: a request for support with none of those situations. The councils' documents set no timescale
  for screening it, so it has no deadline; the queue shows how long it has waited.

Working days are England's (`hearth.core.working_days`). Dates are the council's local dates (Europe/London). A
referral has waited one working day for each working day that has begun since the day it arrived: Friday's
referral has waited 1 working day on Monday. One that arrived today has waited hours, counted on the clock.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from hearth.core import working_days
from hearth.referrals.models import ReferralKind, SameDayTrigger, Urgency

# The working days after the day of arrival by which each urgency is due (None: no deadline).
DUE_AFTER: dict[int, int | None] = {Urgency.SAME_DAY: 0, Urgency.NEXT_WORKING_DAY: 1, Urgency.ROUTINE: None}
# Beyond this many working days the count stops (a referral left that long is overdue whatever its urgency), so
# that a very old referral costs no more to show than a recent one.
MAX_COUNTED = 250


# The same situations in a family's own words, for the public request form: a parent or a young person is asked
# whether one is happening now; the screener sees the guidance's words.
IN_A_FAMILYS_WORDS: dict[str, str] = {
    SameDayTrigger.ABUSE: "Someone has hurt a child or touched them sexually, or you are worried this is happening",
    SameDayTrigger.SEVERE_NEGLECT: "A child is not getting the food, care or medical help they need, and it is "
                                   "serious",
    SameDayTrigger.FRIGHTENED: "A child is frightened to go home",
    SameDayTrigger.IMMEDIATE_RISK: "A child is, or will soon be, somewhere they are not safe",
    SameDayTrigger.ABANDONED: "A child has been left with no parent or carer to look after them",
}


def clean_triggers(values) -> list[str]:
    """The same-working-day situations as stored: known values only, once each, in the guidance's order. ValueError
    for anything else."""
    given = set(values or ())
    unknown = given - set(SameDayTrigger.values)
    if unknown:
        raise ValueError("Choose only from the situations listed")
    return [value for value in SameDayTrigger.values if value in given]


def urgency_for(kind: str, triggers) -> Urgency:
    """The rule: any same-working-day situation makes it same working day; otherwise a step-up is within one
    working day and a request for support is routine."""
    if triggers:
        return Urgency.SAME_DAY
    if kind == ReferralKind.STEP_UP:
        return Urgency.NEXT_WORKING_DAY
    return Urgency.ROUTINE


def due_on(urgency: int, received_at: datetime) -> date | None:
    """The last day on which the response is in time, or None for a routine request."""
    after = DUE_AFTER.get(urgency)
    if after is None:
        return None
    first = working_days.next_working_day(timezone.localdate(received_at))
    return working_days.add_working_days(first, after)


def working_days_since(day: date, today: date) -> int:
    """How many working days have begun after `day`, up to and including `today` (0 when `today` is `day`)."""
    count, current = 0, day
    while current < today and count < MAX_COUNTED:
        current += timedelta(days=1)
        if working_days.is_working_day(current):
            count += 1
    return count


@dataclass(frozen=True)
class Waiting:
    """How long a referral has waited and whether it is late, as the queue shows it."""

    text: str  # "Waiting 2 working days", "Waiting 3 hours"
    due: date | None
    overdue: bool


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def waiting(received_at: datetime, urgency: int, now: datetime | None = None) -> Waiting:
    now = now or timezone.now()
    today = timezone.localdate(now)
    arrived = timezone.localdate(received_at)
    days = working_days_since(arrived, today)
    if days:
        text = f"Waiting {_plural(days, 'working day')}" + (" or more" if days >= MAX_COUNTED else "")
    else:
        hours = int((now - received_at).total_seconds() // 3600)
        text = f"Waiting {_plural(hours, 'hour')}" if hours >= 1 else "Waiting less than an hour"
    due = due_on(urgency, received_at)
    return Waiting(text=text, due=due, overdue=due is not None and today > due)
