"""Working days in England, and the deadline of a subject access request: one statement of each rule.

English bank holidays come from the list bundled with the govuk-bank-holidays package (its copy of
https://www.gov.uk/bank-holidays.json for England and Wales), read with `use_cached_holidays=True`: the package
then reads its own file and never asks the network. A new list arrives with a new version of the package.

The list covers a few years ahead (2012 to 2028 in version 0.19). A day after the list's last year counts only
weekends as non-working days: a bank holiday not yet in the list is treated as a working day. The system check
`hearth.W001` warns when the list does not reach the end of next year, so that the package is updated in time.

The subject access deadline follows the Information Commissioner's guidance (UK GDPR Article 12(3)): count from
the day the request is received (whether or not it is a working day) to the corresponding calendar date in the
next month; when that month has no such date, the last day of that month; when the date falls on a weekend or a
bank holiday, the next working day. An extension of one or two further months is counted the same way from the
day of receipt.
"""

import calendar
from datetime import date, timedelta
from functools import cache

import numpy as np
from django.core import checks
from django.utils import timezone
from govuk_bank_holidays.bank_holidays import BankHolidays

WEEKEND = (5, 6)  # Saturday, Sunday


@cache
def _bank_holidays() -> frozenset[date]:
    """England and Wales bank holidays from the package's bundled file (never downloaded)."""
    holidays = BankHolidays(use_cached_holidays=True)
    return frozenset(h["date"] for h in holidays.get_holidays(division=BankHolidays.ENGLAND_AND_WALES))


def list_ends() -> date:
    """The last day the bundled bank-holiday list speaks for: 31 December of its last year."""
    return date(max(d.year for d in _bank_holidays()), 12, 31)


def covers(day: date) -> bool:
    """Whether the bank-holiday list knows `day`'s year (after it, only weekends are known)."""
    return day <= list_ends()


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays()


def is_working_day(day: date) -> bool:
    """Not a Saturday, a Sunday or an English bank holiday."""
    return day.weekday() not in WEEKEND and day not in _bank_holidays()


def working_days_after(pairs: list[tuple[date, date]]) -> list[int]:
    """For each (day, later day): how many working days begin after the first, up to and including the second (0
    when the second is not later). The same count as `referrals.urgency.working_days_since`, for many pairs at once:
    NumPy's business-day count over Monday to Friday less the bank holidays (a report's 100,000 requests in a few
    milliseconds, not a loop over each day of each)."""
    if not pairs:
        return []
    days = np.array(pairs, dtype="datetime64[D]")
    counts = np.busday_count(days[:, 0] + 1, days[:, 1] + 1, holidays=sorted(_bank_holidays()))
    return np.maximum(counts, 0).tolist()


def next_working_day(day: date) -> date:
    """`day` itself when it is a working day, otherwise the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, days: int) -> date:
    """The working day `days` working days after `day` (`day` itself need not be a working day): Friday + 1 is
    Monday; the Thursday before Easter + 1 is the Tuesday after it. `days` must not be negative."""
    if days < 0:
        raise ValueError("Count forward: days must not be negative")
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def add_months(day: date, months: int) -> date:
    """The corresponding day `months` calendar months later, or that month's last day when it has none
    (31 January + 1 month = 28 or 29 February)."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month_index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def sar_deadline(received: date, months: int = 1) -> date:
    """When a subject access request received on `received` must be answered (the ICO's rule, above): the
    corresponding date `months` calendar months on (the month's last day when there is none), moved to the next
    working day when it is a weekend or an English bank holiday."""
    return next_working_day(add_months(received, months))


@checks.register(checks.Tags.compatibility)
def bank_holidays_known(app_configs=None, **kwargs):
    """Warn when the bundled bank-holiday list does not reach the end of next year."""
    today = timezone.localdate()
    if list_ends() >= date(today.year + 1, 12, 31):
        return []
    return [checks.Warning(
        f"The bank-holiday list bundled with govuk-bank-holidays ends on {list_ends():%-d %B %Y}: after that "
        "date only weekends are counted as non-working days, so subject access deadlines and working-day "
        "reminders ignore bank holidays.",
        hint="Update the govuk-bank-holidays package (uv lock --upgrade-package govuk-bank-holidays).",
        id="hearth.W001")]
