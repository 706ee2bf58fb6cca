"""Working days in England from the bank-holiday list bundled with govuk-bank-holidays (never the network), and the
ICO's subject access deadline built on them."""

import socket
from datetime import date, timedelta

import pytest
from django.core import checks
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth.access.due import last_start_overdue
from hearth.core import working_days
from hearth.core.working_days import add_working_days, is_working_day, sar_deadline
from hearth.referrals import urgency


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket fails the test; the list is read again from scratch."""

    def refuse(*args, **kwargs):
        raise AssertionError("the bank-holiday list must not be fetched from the network")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    working_days._bank_holidays.cache_clear()
    yield
    working_days._bank_holidays.cache_clear()


def test_the_bank_holidays_are_read_from_the_bundled_list_without_the_network(no_network):
    assert not is_working_day(date(2026, 12, 25))
    assert working_days.list_ends() >= date(2028, 12, 31)


@pytest.mark.parametrize(("day", "working"), [
    (date(2026, 12, 4), True),  # a Friday
    (date(2026, 12, 5), False),  # Saturday
    (date(2026, 12, 25), False),  # Christmas Day
    (date(2026, 12, 28), False),  # Boxing Day's substitute, the Monday
    (date(2026, 12, 29), True),
    (date(2026, 4, 3), False),  # Good Friday
    (date(2026, 4, 6), False),  # Easter Monday
    (date(2026, 8, 31), False),  # the summer bank holiday in England (Scotland's is earlier)
    (date(2026, 8, 3), True),  # Scotland's summer bank holiday is not England's
    (date(2027, 1, 1), False),
])
def test_is_working_day(day, working):
    assert is_working_day(day) is working


@pytest.mark.parametrize(("start", "days", "end"), [
    (date(2026, 12, 4), 1, date(2026, 12, 7)),  # Friday + 1 = Monday
    (date(2026, 12, 5), 1, date(2026, 12, 7)),  # from a Saturday
    (date(2026, 12, 4), 5, date(2026, 12, 11)),
    (date(2026, 12, 23), 2, date(2026, 12, 29)),  # over Christmas: 24th, then the 29th
    (date(2026, 4, 2), 1, date(2026, 4, 7)),  # the Thursday before Easter + 1 = the Tuesday after
    (date(2026, 12, 4), 0, date(2026, 12, 4)),
])
def test_add_working_days(start, days, end):
    assert add_working_days(start, days) == end


def test_add_working_days_counts_forward_only():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 12, 4), -1)


@pytest.mark.parametrize(("received", "due"), [
    (date(2026, 9, 3), date(2026, 10, 5)),  # 3 October 2026 is a Saturday: Monday 5th
    (date(2027, 1, 31), date(2027, 3, 1)),  # no 31 February: the month's last day, a Sunday, so Monday 1 March
    (date(2026, 11, 25), date(2026, 12, 29)),  # Christmas Day (Friday), the weekend, Boxing Day's Monday
    (date(2026, 3, 3), date(2026, 4, 7)),  # Good Friday, the weekend, Easter Monday
    (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
    (date(2026, 10, 3), date(2026, 11, 3)),  # received on a Saturday: the day of receipt counts all the same
])
def test_sar_deadline(received, due):
    assert sar_deadline(received) == due


def test_after_the_list_ends_only_weekends_count(no_network):
    end = working_days.list_ends()
    christmas = date(end.year + 2, 12, 25)
    assert not working_days.covers(christmas)
    assert is_working_day(christmas) is (christmas.weekday() < 5)  # not known as a bank holiday


def test_a_warning_when_the_list_does_not_reach_the_end_of_next_year(time_machine):
    end = working_days.list_ends()
    time_machine.move_to(date(end.year - 1, 6, 1))
    assert working_days.bank_holidays_known() == []
    time_machine.move_to(date(end.year, 1, 2))
    [warning] = working_days.bank_holidays_known()
    assert warning.id == "hearth.W001" and warning.level == checks.WARNING
    assert "govuk-bank-holidays" in warning.hint


@pytest.mark.parametrize(("today", "last_start"), [
    (date(2026, 12, 11), date(2026, 12, 6)),  # by Friday 11th: uses begun by Friday 4th (or that weekend)
    (date(2026, 12, 12), date(2026, 12, 6)),  # a Saturday adds no working day
    (date(2026, 4, 10), date(2026, 4, 1)),  # over Easter: Wednesday 1 April + 5 working days = Friday 10th
])
def test_break_glass_is_due_its_reminder_after_five_working_days(today, last_start):
    assert last_start_overdue(today) == last_start
    assert add_working_days(last_start, 5) <= today
    assert add_working_days(last_start + timedelta(days=1), 5) > today


@settings(max_examples=300, deadline=None)
@given(first=st.dates(min_value=date(2015, 1, 1), max_value=date(2027, 12, 31)), gap=st.integers(-10, 240))
def test_counting_many_at_once_agrees_with_counting_one_day_at_a_time(first, gap):
    """Up to 240 days apart: the one-at-a-time count stops at 250 working days."""
    later = first + timedelta(days=gap)
    assert working_days.working_days_after([(first, later)]) == [urgency.working_days_since(first, later)]
