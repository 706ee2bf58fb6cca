"""Periods the reports count over: the council's financial year (1 April to 31 March) and its quarters, as the
national returns use them."""

import datetime
from dataclasses import dataclass


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
