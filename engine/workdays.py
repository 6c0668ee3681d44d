"""Working days: Monday to Friday, not a bank holiday of the framework's calendar.

Due dates are "the last working day on or before" a date. England and Wales
share one bank-holiday calendar (``holidays`` GB/ENG); Scotland and Northern
Ireland have their own; ``weekdays`` ignores holidays.

>>> wd = WorkingDays("england-and-wales")
>>> from datetime import date
>>> wd.last_on_or_before(date(2024, 8, 31))  # Sat 31st; Mon 26th is a bank holiday, Fri 30th is not
datetime.date(2024, 8, 30)
>>> wd.last_on_or_before(date(2026, 12, 28))  # Boxing Day observed on Monday 28 December 2026
datetime.date(2026, 12, 24)
>>> wd.add(date(2024, 8, 23), 1)  # Friday + 1 working day skips the bank holiday Monday
datetime.date(2024, 8, 27)
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

_SUBDIVISIONS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}


@lru_cache(maxsize=None)
def _holidays(calendar: str, year: int) -> frozenset[date]:
    subdiv = _SUBDIVISIONS.get(calendar)
    if subdiv is None:
        return frozenset()
    return frozenset(holidays.country_holidays("GB", subdiv=subdiv, years=year))


class WorkingDays:
    """A working-day calendar; every method is a pure function of its dates."""

    def __init__(self, calendar: str = "england-and-wales") -> None:
        self.calendar = calendar

    def is_working(self, day: date) -> bool:
        return day.weekday() < 5 and day not in _holidays(self.calendar, day.year)

    def last_on_or_before(self, day: date) -> date:
        while not self.is_working(day):
            day -= timedelta(days=1)
        return day

    def first_on_or_after(self, day: date) -> date:
        while not self.is_working(day):
            day += timedelta(days=1)
        return day

    def add(self, day: date, n: int) -> date:
        """``n`` working days after ``day`` (before, for negative ``n``)."""
        step = timedelta(days=1 if n >= 0 else -1)
        remaining = abs(n)
        while remaining:
            day += step
            if self.is_working(day):
                remaining -= 1
        return day

    def between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_working(day):
                count += 1
        return count


@lru_cache(maxsize=8)
def calendar(name: str) -> WorkingDays:
    return WorkingDays(name)
