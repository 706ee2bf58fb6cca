"""Dates and ages, computed one way everywhere (a person's age, a date some years on, 29 February)."""

import calendar
from datetime import date, datetime

from django.utils import timezone

ADULT_AGE = 18


def add_years(day: date, years: int) -> date:
    """The same day `years` later (or earlier, for a negative number); 29 February becomes 28 February in a year
    that has none."""
    year = day.year + years
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return day.replace(year=year)


def add_months(day: date, months: int) -> date:
    """The same day `months` later; a day the later month lacks becomes its last (31 August + 6 months is 28 or 29
    February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def age_on(date_of_birth: date | None, on: date) -> int | None:
    """Age in whole years on a day; None when the date of birth is not known. Someone born on 29 February turns a
    year older on 1 March in a year without one."""
    if date_of_birth is None:
        return None
    return on.year - date_of_birth.year - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))


def born_after_for_under(age: int, on: date) -> date:
    """People born after this day are under `age` on `on`."""
    return add_years(on, -age)


def now_or(now: datetime | None) -> datetime:
    """`now` if given (a test or a replayed action), else the current time."""
    return now or timezone.now()
