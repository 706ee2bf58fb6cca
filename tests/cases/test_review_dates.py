"""When a review is due: one rule (hearth/cases/review_dates.py) for the episode, meetings, plan reviews and due
work."""

import datetime

import pytest

from hearth.cases import review_dates

TODAY = datetime.date(2030, 3, 14)


class Council:
    def __init__(self, weeks):
        self.review_interval_weeks = weeks


@pytest.mark.parametrize(("weeks", "expected"), [(None, datetime.date(2030, 4, 25)), (4, datetime.date(2030, 4, 11))])
def test_the_default_is_the_councils_interval_or_six_weeks(weeks, expected):
    assert review_dates.default_date(Council(weeks), TODAY) == expected


@pytest.mark.parametrize(("due", "required", "problem"), [
    (TODAY - datetime.timedelta(days=1), True, "The next review date must be in the future"),
    (TODAY, True, "The next review date must be in the future"),
    (TODAY + datetime.timedelta(days=1), True, ""),
    (None, True, "Enter the date of the next review"),
    (None, False, ""),
])
def test_a_next_review_date_is_after_today(due, required, problem):
    assert review_dates.date_problem(due, required=required, today=TODAY) == problem


def test_overdue_from_the_day_after_and_due_soon_within_fourteen_days():
    assert not review_dates.is_overdue(TODAY, TODAY)
    assert review_dates.is_overdue(TODAY - datetime.timedelta(days=1), TODAY)
    assert not review_dates.is_overdue(None, TODAY)
    assert review_dates.due_soon_horizon(TODAY) == datetime.date(2030, 3, 28)
