"""Working days: the running-count arithmetic agrees with counting day by day."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from qaf.engine.escalation import cutoffs
from qaf.engine.periods import after, months_after
from qaf.engine.workdays import WorkingDays
from qaf.rules import bundled
from qaf.rules.loader import load_framework
from qaf.rules.model import Span

WD = WorkingDays()


def counted(start: date, end: date) -> int:
    n, day = 0, start
    while day < end:
        day += timedelta(days=1)
        n += WD.is_working(day)
    return n


@settings(max_examples=300, deadline=None)
@given(st.dates(date(2015, 1, 1), date(2035, 12, 31)), st.integers(-40, 900))
def test_between_counts_the_working_days_after_start_up_to_end(start, length):
    end = start + timedelta(days=length)
    assert WD.between(start, end) == counted(start, end)


@settings(max_examples=200, deadline=None)
@given(st.dates(date(2015, 1, 1), date(2035, 12, 31)), st.integers(0, 60))
def test_add_and_between_agree(start, n):
    assert WD.between(start, WD.add(start, n)) == n


def test_bank_holidays_are_not_working_days():
    assert not WD.is_working(date(2024, 8, 26)) and not WD.is_working(date(2026, 12, 28))
    assert WD.between(date(2024, 8, 23), date(2024, 8, 27)) == 1  # Friday to Tuesday over the August bank holiday


@settings(max_examples=100, deadline=None)
@given(st.dates(date(2024, 1, 1), date(2027, 12, 31)))
def test_a_rungs_cutoff_is_the_latest_due_date_late_enough_for_it(today):
    fw, _ = load_framework(bundled.path("east-sussex-2013"))
    for step, (_, cutoff) in zip(fw.escalation, cutoffs(fw, today)):
        assert cutoff < today and WD.between(cutoff, today) >= step.after
        later = cutoff + timedelta(days=1)
        assert later >= today or WD.between(later, today) < step.after


# --- "within N days" of an event on a non-working day: never due before the event ------------------


def test_within_two_days_of_a_case_opened_on_saturday_26_december_2026_is_due_tuesday_29th():
    """Two days after Saturday 26 December 2026 is Monday 28th, the Boxing Day holiday; the last working day
    before it, Thursday 24th, is before the case was opened: it is due the next working day instead."""
    assert after(date(2026, 12, 26), Span(2, "days"), WD) == date(2026, 12, 29)


def test_within_two_days_of_easter_saturday_2027_is_due_the_tuesday_after_easter_monday():
    assert after(date(2027, 3, 27), Span(2, "days"), WD) == date(2027, 3, 30)


def test_within_a_day_of_a_friday_is_due_the_monday_not_the_friday_itself():
    """Rolling back from Saturday reaches the Friday it counts from: no time at all, so the next working day."""
    assert after(date(2024, 6, 7), Span(1, "days"), WD) == date(2024, 6, 10)


def test_within_a_month_still_rolls_back_to_the_last_working_day_on_or_before():
    """31 July 2024 + 1 month is Saturday 31 August: Friday 30th, as ever."""
    assert after(date(2024, 7, 31), Span(1, "months"), WD) == date(2024, 8, 30)


@settings(max_examples=300, deadline=None)
@given(st.dates(date(2015, 1, 1), date(2035, 12, 31)), st.integers(1, 40), st.sampled_from(["days", "weeks", "months"]))
def test_within_a_span_is_a_working_day_after_the_event_and_the_last_one_on_or_before_when_it_can_be(day, n, unit):
    due = after(day, Span(n, unit), WD)
    target = day + relativedelta(**{unit: n})
    assert WD.is_working(due) and due > day
    back = WD.last_on_or_before(target)
    assert due == (back if back > day else min(d for d in (target + timedelta(days=i) for i in range(10)) if WD.is_working(d)))


@settings(max_examples=300, deadline=None)
@given(st.dates(date(2015, 1, 1), date(2035, 12, 31)), st.integers(-40, 40))
def test_months_after_clips_to_the_month_s_end_as_dateutil_does_either_way(day, n):
    """Kept once per day and length (a recording asks it for every follow-up and case history): the same date
    dateutil gives, 31 March less one month is the last of February."""
    assert months_after(day, n) == day + relativedelta(months=n)
    assert months_after(date(2024, 3, 31), -1) == date(2024, 2, 29) and months_after(date(2023, 3, 31), -1) == date(2023, 2, 28)
