"""Working days: the running-count arithmetic agrees with counting day by day."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from qaf.engine.escalation import cutoffs
from qaf.engine.workdays import WorkingDays
from qaf.rules import bundled
from qaf.rules.loader import load_framework

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
