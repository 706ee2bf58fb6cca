"""The due date: one calendar month from receipt (the corresponding day, or the month's last day when there is none),
and an extension of one or two further months counted the same way from the date of receipt."""

import calendar
import datetime

import pytest

from hearth.subject_access.services import due_date

START, END = datetime.date(2024, 1, 1), datetime.date(2030, 12, 31)


def _independent(received: datetime.date, months: int) -> datetime.date:
    """Walk forward month by month from the first of the month, then take the same day or the month's last day."""
    first = received.replace(day=1)
    for _ in range(months):
        first = (first + datetime.timedelta(days=31)).replace(day=1)
    last_day = calendar.monthrange(first.year, first.month)[1]
    return first.replace(day=min(received.day, last_day))


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
    ("2024-01-31", 0, "2024-02-29"),  # a leap year: the last day of February
    ("2025-01-31", 0, "2025-02-28"),
    ("2025-01-29", 0, "2025-02-28"),  # no 29 February in 2025
    ("2028-01-29", 0, "2028-02-29"),
    ("2024-01-30", 1, "2024-03-30"),  # the extension counts from receipt, not from the first due date (29 Feb)
    ("2024-01-31", 1, "2024-03-31"),
    ("2024-03-31", 0, "2024-04-30"),
    ("2024-08-31", 0, "2024-09-30"),
    ("2024-12-31", 0, "2025-01-31"),  # across the year end
    ("2024-12-15", 2, "2025-03-15"),
    ("2027-11-30", 2, "2028-02-29"),
    ("2026-11-30", 2, "2027-02-28"),
    ("2030-10-31", 2, "2031-01-31"),
    ("2026-03-03", 0, "2026-04-03"),
])
def test_month_ends_and_leap_years(received, extension, due):
    assert due_date(datetime.date.fromisoformat(received), extension) == datetime.date.fromisoformat(due)


def test_an_extension_never_makes_the_due_date_earlier():
    for received in _every_day():
        assert due_date(received) < due_date(received, 1) < due_date(received, 2)


@pytest.mark.parametrize("months", [-1, 3, 12])
def test_an_extension_of_more_than_two_months_is_refused(months):
    with pytest.raises(ValueError, match="one or two months"):
        due_date(datetime.date(2026, 1, 1), months)
