"""Periods the reports count over: the council's financial year (1 April to 31 March) and its quarters, as the
national returns use them."""

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # included

    def __str__(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


def financial_year_to_date(today: datetime.date) -> Period:
    year = today.year if today.month >= 4 else today.year - 1
    return Period(datetime.date(year, 4, 1), today)


def window(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as times in the council's time zone: from the start of its first day to the start of the day
    after its last."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end
