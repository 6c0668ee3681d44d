"""The monthly report's arithmetic and words: months, rounding, numbers, and the completion sentence.

A column of grade shares is rounded to whole per cent by the largest
remainder, so it adds up to 100%: each share is rounded down, and the points
left over go to the shares with the largest remainders, a tie to the row
listed first (the worse grade, in Tameside's order). It is the one rule that
reproduces all three of Tameside's tables: September's 17 audits (29.4, 52.9,
17.6 -> 29, 53, 18) and October's 21 (19.0, 42.9, 38.1 -> 19, 43, 38) round
either way, but November's 8 (12.5, 37.5, 50 -> 13, 37, 50 and 12.5, 62.5,
25 -> 13, 62, 25) only this way: rounding each half up would print 38 and 63.
A single rate (the agreement rate) rounds half up. Numbers under ten are
written as words and larger ones as digits, as the Rotherham minutes write
them:

>>> completion_sentence(Month(2016, 2), 27, 24, {"rescheduled": 3})
'27 cases were scheduled for audit in February 2016 and 24 audits were completed; the three remaining cases had to be scheduled at a later date.'
>>> shares([5, 9, 3]), shares([7, 10, 0]), shares([1, 3, 4]), shares([1, 5, 2]), shares([0, 0])
([29, 53, 18], [41, 59, 0], [13, 37, 50], [13, 62, 25], [None, None])
>>> percent(10, 17), percent(1, 8), percent(3, 0)
(59, 13, None)
>>> Month.parse("2016-02").label, Month.parse("2016-02").last
('February 2016', datetime.date(2016, 2, 29))
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from qaf.engine.periods import FIRST_DAY, LAST_DAY

WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

# what became of the cases that were not completed, in the order the sentence names them
REMAINING = ("rescheduled", "overdue", "open", "waived", "cancelled")
_PHRASES = {  # (plural, singular)
    "rescheduled": ("had to be scheduled at a later date", "had to be scheduled at a later date"),
    "overdue": ("are overdue", "is overdue"),
    "open": ("are not yet due", "is not yet due"),
    "waived": ("were waived (no open case to audit)", "was waived (no open case to audit)"),
    "cancelled": ("were cancelled", "was cancelled"),
}


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month, as the report is asked for it: ``YYYY-MM``."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> "Month":
        m = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text.strip())  # not \d: "２０２４" is digits to it
        if not m or not 1 <= int(m.group(2)) <= 12:
            raise ValueError(f"not a month: {text!r} (expected YYYY-MM, e.g. 2026-02)")
        if not FIRST_DAY.year <= int(m.group(1)) <= LAST_DAY.year:
            raise ValueError(f"{text.strip()} is outside the months qaf works with ({FIRST_DAY:%Y-%m} to {LAST_DAY:%Y-%m})")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{calendar.month_name[self.month]} {self.year}"

    @property
    def short(self) -> str:
        return f"{calendar.month_abbr[self.month]} {self.year % 100:02d}"

    def plus(self, months: int) -> "Month":
        n = self.year * 12 + self.month - 1 + months
        return Month(n // 12, n % 12 + 1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and (day.year, day.month) == (self.year, self.month)


def percent(n: int, of: int) -> int | None:
    """``n`` of ``of`` as a whole per cent, half up; None when there is nothing to divide by."""
    if of <= 0:
        return None
    return (200 * n + of) // (2 * of)


def shares(counts: list[int] | tuple[int, ...]) -> list[int | None]:
    """Whole-per-cent shares of ``counts`` adding up to 100, by the largest remainder (ties: first listed)."""
    total = sum(counts)
    if total <= 0:
        return [None] * len(counts)
    floors = [100 * n // total for n in counts]
    order = sorted(range(len(counts)), key=lambda i: (-(100 * counts[i] % total), i))
    for i in order[: 100 - sum(floors)]:
        floors[i] += 1
    return list(floors)


def tenths(n: int, of: int) -> float | None:
    """``n`` of ``of`` as a per cent to one decimal place, half up (for targets)."""
    if of <= 0:
        return None
    return ((2000 * n + of) // (2 * of)) / 10


def reviews_moderation_words(g) -> str:
    """What became of the month's graded reviews, counted apart from the audits' moderations and contests (a
    :class:`~qaf.engine.report_model.Grades`); "" when no review was graded.

    >>> from qaf.engine.report_model import Grades
    >>> reviews_moderation_words(Grades(0, (), 0, 0, (), reviews=2, reviews_moderated=1, reviews_contested=1, reviews_contested_settled=1))
    'Reviews, counted apart: 1 of 2 moderated; contested: 1 (1 settled by moderation)'
    """
    if not g.reviews:
        return ""
    return (f"Reviews, counted apart: {g.reviews_moderated} of {g.reviews} moderated; contested: {g.reviews_contested} "
            f"({g.reviews_contested_settled} settled by moderation)")


def reviews_words(n: int, audits: int, concerns: int = 0) -> str:
    """"one review was graded as well, counted apart" (after ``audits`` graded; "graded, counted apart" after none),
    saying how many found significant concerns: a review reads again a file (or a service) audited before, never an
    audit of its own, and a file of concern still of concern is the Board's to know.

    >>> reviews_words(1, 0, 1), reviews_words(2, 3)
    ('one review was graded (1 with significant concerns), counted apart', 'two reviews were graded as well, counted apart')
    """
    said = f" ({concerns} with significant concerns)" if concerns else ""
    return f"{number(n)} {'review was' if n == 1 else 'reviews were'} graded{' as well' if audits else ''}{said}, counted apart"


def number(n: int, start: bool = False) -> str:
    """Words under ten, digits from ten: "three", "27"; capitalised at the start of a sentence."""
    text = WORDS[n] if 0 <= n < len(WORDS) else f"{n:,}"
    return text[0].upper() + text[1:] if start else text


def plural(n: int, one: str, many: str) -> str:
    """``one`` for a count of one, else ``many``: "1 notice", "2 notices" (reports, the tick's and the command line's lines)."""
    return one if n == 1 else many


def completion_sentence(month: Month, scheduled: int, completed: int, remaining: dict[str, int]) -> str:
    """The Rotherham sentence: "27 cases were scheduled for audit in February 2016 and 24 audits were completed; ..."."""
    if scheduled == 0:
        return f"No cases were scheduled for audit in {month.label}."
    head = (f"{number(scheduled, start=True)} {plural(scheduled, 'case was', 'cases were')} scheduled for audit "
            f"in {month.label} and {number(completed)} {plural(completed, 'audit was', 'audits were')} completed")  # fmt: skip
    parts = [(k, remaining.get(k, 0)) for k in REMAINING if remaining.get(k, 0)]
    if not parts:
        return head + "."
    left = sum(n for _, n in parts)
    if len(parts) == 1:
        kind, n = parts[0]
        cases = plural(n, "the one remaining case", f"the {number(n)} remaining cases")
        return f"{head}; {cases} {_PHRASES[kind][n == 1]}."
    said = [f"{number(n)} {_PHRASES[kind][n == 1]}" for kind, n in parts]
    listed = ", ".join(said[:-1]) + " and " + said[-1]
    return f"{head}; of the {number(left)} remaining cases, {listed}."


KIND_LABELS = {"follow_up_audit": "follow-up audit", "qa_signoff": "QA sign-off"}


def kind_label(kind: str, n: int = 1) -> str:
    """``follow_up_audit`` -> ``follow-up audit`` (``follow-up audits`` for ``n`` other than one)."""
    text = KIND_LABELS.get(kind, kind.replace("_", " "))
    return text if n == 1 else text + "s"


def grade_label(grade: str) -> str:
    """``requires_improvement`` -> ``Requires Improvement``."""
    return " ".join(w.capitalize() for w in grade.split("_"))
