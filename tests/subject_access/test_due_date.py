"""The due date, the ICO's rule: one calendar month from the day of receipt (the corresponding day, or the month's
last day when there is none), moved to the next working day when it falls on a weekend or an English bank holiday;
an extension of one or two further months counted the same way from the date of receipt."""

import calendar
import datetime

import pytest
from govuk_bank_holidays.bank_holidays import BankHolidays

from hearth.subject_access.services import due_date

HOLIDAYS = BankHolidays(use_cached_holidays=True)

START, END = datetime.date(2024, 1, 1), datetime.date(2030, 12, 31)


def _independent(received: datetime.date, months: int) -> datetime.date:
    """Walk forward month by month from the first of the month, then take the same day or the month's last day."""
    first = received.replace(day=1)
    for _ in range(months):
        first = (first + datetime.timedelta(days=31)).replace(day=1)
    last_day = calendar.monthrange(first.year, first.month)[1]
    due = first.replace(day=min(received.day, last_day))
    # the package's own test of a working day (weekends, and England and Wales bank holidays in its list)
    while not HOLIDAYS.is_work_day(due, division=BankHolidays.ENGLAND_AND_WALES):
        due += datetime.timedelta(days=1)
    return due


def _every_day():
    day = START
    while day <= END:
        yield day
        day += datetime.timedelta(days=1)


@pytest.mark.parametrize("extension", [0, 1, 2])
def test_every_receipt_date_from_2024_to_2030_matches_an_independent_calendar_computation(extension):
    checked = 0
    for received in _every_day():
        assert due_date(received, extension) == _independent(received, 1 + extension), (received, extension)
        checked += 1
    assert checked == (END - START).days + 1 == 2557


@pytest.mark.parametrize(("received", "extension", "due"), [
    ("2024-01-31", 0, "2024-02-29"),  # a leap year: the last day of February (a Thursday)
    ("2025-01-31", 0, "2025-02-28"),
    ("2025-01-29", 0, "2025-02-28"),  # no 29 February in 2025
    ("2028-01-29", 0, "2028-02-29"),
    ("2024-01-30", 1, "2024-04-02"),  # from receipt, 30 March: Easter Saturday, then Sunday and Easter Monday
    ("2024-01-31", 1, "2024-04-02"),  # 31 March 2024 is Easter Sunday
    ("2024-03-31", 0, "2024-04-30"),
    ("2024-08-31", 0, "2024-09-30"),
    ("2024-12-31", 0, "2025-01-31"),  # across the year end
    ("2024-12-15", 2, "2025-03-17"),  # 15 March 2025 is a Saturday
    ("2027-11-30", 2, "2028-02-29"),
    ("2026-11-30", 2, "2027-03-01"),  # 28 February 2027 is a Sunday
    ("2030-10-31", 2, "2031-01-31"),  # beyond the bank-holiday list: weekends only
    ("2026-03-03", 0, "2026-04-07"),  # 3 April 2026 is Good Friday; 6 April Easter Monday
    ("2026-03-06", 0, "2026-04-07"),  # Easter Monday
    ("2025-03-18", 0, "2025-04-22"),  # Good Friday 2025
    ("2026-11-25", 0, "2026-12-29"),  # Christmas Day 2026 is a Friday; Boxing Day moves to Monday 28th
    ("2026-11-26", 0, "2026-12-29"),  # Saturday 26 December
    ("2026-11-28", 0, "2026-12-29"),  # Monday 28 December, the Boxing Day substitute
    ("2025-11-25", 0, "2025-12-29"),  # Christmas Day 2025 (Thursday), Boxing Day, the weekend
    ("2025-12-01", 0, "2026-01-02"),  # New Year's Day
    ("2026-07-31", 0, "2026-09-01"),  # the last day of August is the summer bank holiday
])
def test_month_ends_and_leap_years(received, extension, due):
    assert due_date(datetime.date.fromisoformat(received), extension) == datetime.date.fromisoformat(due)


def test_the_day_of_receipt_counts_even_when_it_is_not_a_working_day():
    # received on Saturday 3 October 2026: due on Tuesday 3 November, whatever the day of receipt was
    assert due_date(datetime.date(2026, 10, 3)) == datetime.date(2026, 11, 3)
    assert due_date(datetime.date(2026, 12, 25)) == datetime.date(2027, 1, 25)


def test_an_extension_never_makes_the_due_date_earlier():
    for received in _every_day():
        assert due_date(received) < due_date(received, 1) < due_date(received, 2)


@pytest.mark.parametrize("months", [-1, 3, 12])
def test_an_extension_of_more_than_two_months_is_refused(months):
    with pytest.raises(ValueError, match="one or two months"):
        due_date(datetime.date(2026, 1, 1), months)
