"""Periods of a council's year, and due dates.

The rules, as SPEC §5 sets them:

- **Monthly** is the calendar month, whatever the year start.
- **N months** (2, 3, 4, 6, 12) are blocks counted from the framework's year
  start (default 1 April): quarters are Apr–Jun, Jul–Sep, Oct–Dec, Jan–Mar;
  half-years Apr–Sep and Oct–Mar; "every two months" Apr–May ... Feb–Mar;
  a year is the financial year.
- **N weeks** are whole blocks of N×7 days counted from the year start; the
  last block of a year takes in the days left over and ends the day before
  the next year starts, so blocks never straddle two years and none is
  shorter than N weeks: "every 26 weeks" is twice a year (2029/30: 1 April to
  29 September, 30 September to 31 March), "weekly" 52 times.
- An obligation is **due on the last working day of its period** (see
  :mod:`qaf.engine.workdays`): August 2024 is due Friday 30 August. Never
  before the period starts: a period with no working day would be due on the
  first working day after it.
- Dates only: no times, so clock changes cannot move a due date.

>>> from qaf.rules.model import Every
>>> [str(p) for p in periods(Every(months=3), (4, 1), date(2024, 4, 1), date(2025, 3, 31))]
['2024-04-01..2024-06-30', '2024-07-01..2024-09-30', '2024-10-01..2024-12-31', '2025-01-01..2025-03-31']
>>> [str(p) for p in periods(Every(months=1), (4, 1), date(2024, 2, 10), date(2024, 3, 5))]
['2024-02-01..2024-02-29', '2024-03-01..2024-03-31']
>>> due_date(Period(date(2024, 8, 1), date(2024, 8, 31)), calendar("england-and-wales"))
datetime.date(2024, 8, 30)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from qaf.engine.workdays import WorkingDays, calendar
from qaf.rules.model import Every, Span

__all__ = ["Period", "periods", "due_date", "year_start_of", "after", "anniversaries", "months_after", "working_day_by", "calendar", "FIRST_DAY", "LAST_DAY", "outside"]


# The days qaf works with: business dates, schedule windows and report months fall in this century. A date
# outside it is a slip of the keyboard (0001-01-01, 9999-12-31), and refused where it is typed, not left to
# overflow the date arithmetic of a horizon or a year start.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def outside(day: date) -> str | None:
    """Why ``day`` is not a date qaf works with (None: it is one)."""
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return f"{day.isoformat()} is outside the dates qaf works with ({FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()})"


@dataclass(frozen=True, slots=True, order=True)
class Period:
    start: date
    end: date  # inclusive
    ordinal: int = 0  # counts periods of this length from a fixed epoch: rotations use it

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def months(self) -> tuple[int, ...]:
        """The calendar months (1-12) the period touches."""
        out, day = [], self.start.replace(day=1)
        while day <= self.end:
            out.append(day.month)
            day += relativedelta(months=1)
        return tuple(out)


def year_start_of(day: date, year_start: tuple[int, int]) -> date:
    """The first day of the council's year that contains ``day``."""
    month, dom = year_start
    start = date(day.year, month, dom)
    return start if start <= day else date(day.year - 1, month, dom)


def _month_blocks(n: int, year_start: tuple[int, int], first: date, last: date) -> list[Period]:
    if n == 1:  # monthly is the calendar month
        anchor = first.replace(day=1)
    else:
        anchor = year_start_of(first, year_start)
    out: list[Period] = []
    start = anchor
    while start <= last:
        end = start + relativedelta(months=n) - timedelta(days=1)
        if end >= first:
            ordinal = ((start.year - 2000) * 12 + start.month - 1) // n
            out.append(Period(start, end, ordinal))
        start = start + relativedelta(months=n)
    return out


def _week_blocks(n: int, year_start: tuple[int, int], first: date, last: date) -> list[Period]:
    """Whole blocks of ``n`` weeks from each year start; the days left over (a year is 52 weeks and a day or
    two) go in the year's last block, never in a block of their own shorter than the cadence."""
    out: list[Period] = []
    length = timedelta(weeks=n)
    year = year_start_of(first, year_start)
    while year <= last:
        next_year = year + relativedelta(years=1)
        blocks = (next_year - year) // length  # at least one: a cadence is at most 52 weeks
        for index in range(blocks):
            start = year + index * length
            if start > last:
                break
            end = next_year - timedelta(days=1) if index == blocks - 1 else start + length - timedelta(days=1)
            if end >= first:
                out.append(Period(start, end, (year.year - 2000) * 60 + index))
        year = next_year
    return out


def periods(every: Every, year_start: tuple[int, int], first: date, last: date) -> list[Period]:
    """The periods of length ``every`` that overlap ``first``..``last`` (inclusive), in order."""
    return list(_periods(every, tuple(year_start), first, last))


@lru_cache(maxsize=1024)
def _periods(every: Every, year_start: tuple[int, int], first: date, last: date) -> tuple[Period, ...]:
    """:func:`periods`, once per question: a schedule asks the same for every cadence of a length, and its fingerprint again."""
    if first > last:
        return ()
    if every.weeks:
        return tuple(_week_blocks(every.weeks, year_start, first, last))
    return tuple(_month_blocks(every.months, year_start, first, last))


def due_date(period: Period, workdays: WorkingDays) -> date:
    """The last working day of the period; never before the period starts. A period with no working day in
    it (none qaf makes: every period is at least a week) is due on the first working day after it."""
    return working_day_by(period.end, period.start - timedelta(days=1), workdays)


def after(day: date, span: Span, workdays: WorkingDays) -> date:
    """The working day ``span`` after ``day`` ("within three months", "within 2 days of a case being opened").

    The day itself if it is a working day, else the last working day before it,
    unless going back would reach ``day`` or go before it: then the next working
    day after it. Work is never due before the day it counts from, nor on it:
    a case opened on Saturday 26 December 2026, "within 2 days", lands on
    Monday 28th (the Boxing Day holiday); Thursday 24th is before the case was
    opened, so it is due Tuesday 29th. Months clip to the month's end (31
    January + 1 month is 28 or 29 February). ``N working days`` counts working
    days.

    >>> from qaf.rules.model import Span
    >>> wd = calendar("england-and-wales")
    >>> after(date(2024, 7, 31), Span(1, "months"), wd)  # Saturday 31 August: back to Friday 30th
    datetime.date(2024, 8, 30)
    >>> after(date(2026, 12, 26), Span(2, "days"), wd)  # back would be Thursday 24th, before the event
    datetime.date(2026, 12, 29)
    """
    return working_day_by(_on(day, span, workdays), day, workdays)


def _on(day: date, span: Span, workdays: WorkingDays) -> date:
    """The day ``span`` after ``day``, as written (working days counted; months clipped to the month's end)."""
    if span.unit == "working days":
        return workdays.add(day, span.n)
    if span.unit == "days":
        return day + timedelta(days=span.n)
    if span.unit == "weeks":
        return day + timedelta(weeks=span.n)
    if span.unit == "months":
        return months_after(day, span.n)
    raise KeyError(span.unit)


@lru_cache(maxsize=4096)
def months_after(day: date, n: int) -> date:
    """``day`` plus ``n`` months (a negative ``n``: before), clipped to the month's end as
    :class:`~dateutil.relativedelta.relativedelta` clips it. Once per day and length: every
    follow-up, review and case history of a recording asks it, and dateutil's arithmetic costs
    about 10 us a time."""
    return day + relativedelta(months=n)


def anniversaries(day: date, first: Span, then: Every, workdays: WorkingDays, since: date, until: date) -> list[date]:
    """Due dates of work ``first`` after ``day``, then every ``then`` after that, from ``since`` to ``until``.

    "6 months after the case is opened, then every year": the first is due as
    :func:`after` gives it, each later one on the working day by that date a
    ``then`` on (9 July 2024, 9 July 2025, ...), counted from the first's date
    as written, not from a due date moved off a weekend, so none drifts.

    >>> from qaf.rules.model import Span, Every
    >>> anniversaries(date(2024, 2, 3), Span(6, "months"), Every(months=12), calendar("england-and-wales"),
    ...               date(2024, 1, 1), date(2026, 12, 31))  # 3 August: Saturday 2024, Sunday 2025, Monday 2026
    [datetime.date(2024, 8, 2), datetime.date(2025, 8, 1), datetime.date(2026, 8, 3)]
    """
    base = _on(day, first, workdays)
    longest = 31 * then.months if then.months else 7 * then.weeks  # the most days one step can span
    out: list[date] = []
    k = max(0, (since - base).days // longest - 1)  # never past the first one due from ``since``
    while True:
        nominal = base + (relativedelta(months=k * then.months) if then.months else relativedelta(weeks=k * then.weeks))
        due = working_day_by(nominal, day, workdays)
        if due > until:
            return out
        if due >= since:
            out.append(due)
        k += 1


def working_day_by(target: date, since: date, workdays: WorkingDays) -> date:
    """The last working day on or before ``target``, if it is after ``since``; else the next one on or after ``target``."""
    back = workdays.last_on_or_before(target)
    return back if back > since else workdays.first_on_or_after(target)
