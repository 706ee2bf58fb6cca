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


@dataclass(frozen=True)
class Quarter:
    """A quarter of the financial year: 2026 Q1 is April to June 2026, Q4 is January to March 2027."""

    year: int  # the year the financial year starts in
    number: int  # 1 to 4

    @property
    def period(self) -> Period:
        month = 4 + 3 * (self.number - 1)
        year = self.year + (month > 12)
        month = (month - 1) % 12 + 1
        start = datetime.date(year, month, 1)
        after = datetime.date(year + (month == 10), (month + 2) % 12 + 1, 1)
        return Period(start, after - datetime.timedelta(days=1))

    @property
    def code(self) -> str:
        return f"{self.year}-q{self.number}"

    def __str__(self) -> str:
        return f"Quarter {self.number} of {self.year} to {(self.year + 1) % 100:02d} ({self.period})"

    def before(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @classmethod
    def of(cls, day: datetime.date) -> "Quarter":
        year = day.year if day.month >= 4 else day.year - 1
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    @classmethod
    def parse(cls, code: str) -> "Quarter | None":
        """"2026-q3" as a quarter; None for anything else."""
        year, _, number = (code or "").lower().partition("-q")
        if not (year.isdigit() and len(year) == 4 and number in ("1", "2", "3", "4")):
            return None
        return cls(int(year), int(number))
