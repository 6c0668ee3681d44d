"""Working days: Monday to Friday, not a bank holiday of the framework's calendar.

Due dates are "the last working day on or before" a date, or the first working
day on or after it where going back would reach the day the work counts from
(:func:`qaf.engine.periods.after`). England and Wales share one bank-holiday
calendar (``holidays`` GB/ENG); Scotland and Northern Ireland have their own;
``weekdays`` ignores holidays.

>>> wd = WorkingDays("england-and-wales")
>>> from datetime import date
>>> wd.last_on_or_before(date(2024, 8, 31))  # Sat 31st; Mon 26th is a bank holiday, Fri 30th is not
datetime.date(2024, 8, 30)
>>> wd.last_on_or_before(date(2026, 12, 28))  # Boxing Day observed on Monday 28 December 2026
datetime.date(2026, 12, 24)
>>> wd.first_on_or_after(date(2026, 12, 26))  # Saturday; Monday 28th is the Boxing Day holiday
datetime.date(2026, 12, 29)
>>> wd.add(date(2024, 8, 23), 1)  # Friday + 1 working day skips the bank holiday Monday
datetime.date(2024, 8, 27)
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

_SUBDIVISIONS = {"england-and-wales": "ENG", "scotland": "SCT", "northern-ireland": "NIR"}


@lru_cache(maxsize=None)
def _holidays(calendar: str, year: int) -> frozenset[date]:
    subdiv = _SUBDIVISIONS.get(calendar)
    if subdiv is None:
        return frozenset()
    import holidays  # 60-90 ms to import: only when a working day is first asked for

    return frozenset(holidays.country_holidays("GB", subdiv=subdiv, years=year))


class WorkingDays:
    """A working-day calendar; every method is a pure function of its dates."""

    def __init__(self, calendar: str = "england-and-wales") -> None:
        self.calendar = calendar
        self._years: dict[int, tuple[int, ...]] = {}

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
        """Working days after ``start`` up to and including ``end`` (0 if end <= start).

        One subtraction per year spanned, from running counts kept per year.
        """
        if end <= start:
            return 0
        first, last = self._year(start.year), self._year(end.year)
        if start.year == end.year:
            return first[_yday(end)] - first[_yday(start)]
        middle = sum(self._year(y)[-1] for y in range(start.year + 1, end.year))
        return (first[-1] - first[_yday(start)]) + middle + last[_yday(end)]

    def _year(self, year: int) -> tuple[int, ...]:
        """Running count of working days from 1 January: entry i is the count up to day i + 1."""
        counts = self._years.get(year)
        if counts is None:
            out, running, day = [], 0, date(year, 1, 1)
            while day.year == year:
                running += self.is_working(day)
                out.append(running)
                day += timedelta(days=1)
            counts = self._years[year] = tuple(out)
        return counts


def _yday(day: date) -> int:
    return day.timetuple().tm_yday - 1


@lru_cache(maxsize=8)
def calendar(name: str) -> WorkingDays:
    return WorkingDays(name)
