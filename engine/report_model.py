"""The monthly report's records: what :func:`qaf.engine.report.figures` returns, and the events it reads.

Frozen and plain, so the renderers (:mod:`qaf.render.report`,
:mod:`qaf.render.html`) and the JSON and CSV for a council's BI read the
same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from qaf.engine.report_words import Month, percent


@dataclass(frozen=True, slots=True)
class Extension:
    """One ``obligation.extended`` event."""

    obligation: str
    first: date  # the due date before this extension
    to: date
    working_days: int = 0
    by: str | None = None
    by_name: str = ""  # filled in by the report from the organisation
    what: str = ""  # what was extended, in words (row, kind, case or subject, assignee), never the id: filled in by the report


@dataclass(frozen=True, slots=True)
class Raised:
    """One rung of the overdue ladder raised (an ``escalations`` row)."""

    obligation: str
    level: int
    on: date
    to: str | None


@dataclass(frozen=True, slots=True)
class Counts:
    scheduled: int = 0
    completed: int = 0
    completed_late: int = 0
    rescheduled: int = 0
    overdue: int = 0
    open: int = 0
    waived: int = 0
    cancelled: int = 0

    @property
    def remaining(self) -> dict[str, int]:
        return {"rescheduled": self.rescheduled, "overdue": self.overdue, "open": self.open,
                "waived": self.waived, "cancelled": self.cancelled}  # fmt: skip


COUNT_FIELDS = ("scheduled", "completed", "completed_late", "rescheduled", "overdue", "open", "waived", "cancelled")


@dataclass(frozen=True, slots=True)
class Group:
    key: str
    label: str
    counts: Counts


@dataclass(frozen=True, slots=True)
class Completion:
    audits: Counts  # graded case work: the sentence
    sentence: str
    total: Counts
    by_kind: tuple[Group, ...] = ()
    by_row: tuple[Group, ...] = ()
    by_team: tuple[Group, ...] = ()
    by_service: tuple[Group, ...] = ()
    by_assignee: tuple[Group, ...] = ()
    others: tuple[Group, ...] = ()  # graded work that is not a case-file audit (supervision records, themes, areas, reviews), by row
    since: int = 0  # case-file audits of the month completed after it ended (the sentence reports the month as it stood)


@dataclass(frozen=True, slots=True)
class GradeRow:
    grade: str
    label: str
    primary: int
    moderated: int
    primary_percent: int | None
    moderated_percent: int | None


@dataclass(frozen=True, slots=True)
class Share:
    grade: str
    label: str
    count: int
    percent: int | None


@dataclass(frozen=True, slots=True)
class Grades:
    graded: int  # audits and follow-up audits with a primary grade dated in the month, each once (never a review)
    shares: tuple[Share, ...]  # of all of them, best grade first
    concerns: int
    moderated: int  # of them, moderated by now
    table: tuple[GradeRow, ...]  # Tameside's layout: moderated audits, primary against moderated
    upscaled: int = 0
    downscaled: int = 0
    agreed: int = 0
    agreement_percent: int | None = None  # of the moderations compared (not those across a change of scale)
    contested: int = 0
    contested_settled: int = 0
    signed: int | None = None  # of the moderated audits, QA-signed (Tameside's triple lock); None: the framework has no QA sign-off
    areas: tuple[AreaRow, ...] = ()  # each key area, then the overall grade: primary against moderated
    area_grades: tuple[str, ...] = ()  # the columns of ``areas``: grades given in either column, worst first
    across: int = 0  # of the moderated, graded on a scale the framework no longer has: neither up, down nor agreed
    reviews: int = 0  # reviews graded in the month (3.16's file of concern read again, 4.13's peer review): counted apart
    review_concerns: int = 0  # of them, with significant concerns: the file of concern still of concern
    reviews_moderated: int = 0  # of them, moderated by now: never in ``moderated`` (audits only)
    reviews_contested: int = 0  # of them, contested: never in ``contested`` (audits only)
    reviews_contested_settled: int = 0  # of those contested, settled by moderation


@dataclass(frozen=True, slots=True)
class AreaRow:
    area: str  # a key area of practice, or "Overall grade"
    primary_percent: tuple[int | None, ...]  # whole per cent, one a grade of ``Grades.area_grades``
    moderated_percent: tuple[int | None, ...]
    primary_n: int = 0
    moderated_n: int = 0


@dataclass(frozen=True, slots=True)
class FollowUps:
    created: tuple[tuple[str, int], ...]  # kind -> created in the month
    outstanding: int
    overdue: int


@dataclass(frozen=True, slots=True)
class ReviewDue:
    id: str
    case: str | None
    team: str
    assignee: str
    due: date


@dataclass(frozen=True, slots=True)
class Rung:
    level: int
    label: str
    count: int  # raised with someone to tell
    nobody: int = 0  # raised with nobody to tell (the top of the organisation, or an owner who has left)


@dataclass(frozen=True, slots=True)
class TargetResult:
    grade: str
    label: str
    max_percent: float
    count: int
    of: int
    percent: float | None  # one decimal place
    met: bool | None  # None: no audit graded (on the scale the target is on)
    off_scale: int = 0  # audits graded on the scale before an amendment: left out of the target


@dataclass(frozen=True, slots=True)
class Actions:
    """What the audits asked to be done (obligations of kind ``action``)."""

    raised: int = 0  # raised in the month
    done: int = 0  # of them, done by the report date
    overdue: int = 0  # actions overdue on the report date, whenever raised
    open: int = 0  # actions still to do on the report date (overdue included), whenever raised


@dataclass(frozen=True, slots=True)
class Rate:
    """Case-file audits completed of those scheduled, over a month or a span of months, each as it stood at its end."""

    label: str
    scheduled: int
    completed: int

    @property
    def percent(self) -> int | None:
        return percent(self.completed, self.scheduled)


@dataclass(frozen=True, slots=True)
class MonthGrades:
    month: Month
    primary: tuple[tuple[str, int], ...]  # grade -> audits graded that month
    moderated: tuple[tuple[str, int], ...]  # grade -> moderated grades of those moderated


@dataclass(frozen=True, slots=True)
class Report:
    framework: str
    title: str
    council: str
    month: Month
    as_of: date
    grades_scale: tuple[str, ...]  # the framework's scale, then any grade given before it was amended (grades_off_scale)
    completion: Completion
    grades: Grades
    follow_ups: FollowUps
    reviews_due: tuple[ReviewDue, ...]
    reminders: int
    escalations: tuple[Rung, ...]
    extensions: tuple[Extension, ...]
    targets: tuple[TargetResult, ...]
    history: tuple[MonthGrades, ...] = field(default=())
    actions: Actions = Actions()
    last_month: Rate | None = None  # the completion rate of the month before
    year: Rate | None = None  # of the financial year so far (April to the month), each month as it stood at its end
    trend: tuple[Rate, ...] = ()  # the completion rate of each of the last 12 months, oldest first
    top_level: int = -2  # the ladder's top rung (the DCS by default), and who it tells
    top_who: str = ""
    # grades the audits were given that the framework's scale no longer has (the council amended it): they stand
    # as given, at the end of grades_scale
    grades_off_scale: tuple[str, ...] = ()

    @property
    def reached_top(self) -> int:
        """Escalations raised in the month at the ladder's top rung with someone to tell (the DCS, by default)."""
        return sum(e.count for e in self.escalations if e.level == self.top_level)

    @property
    def nobody(self) -> int:
        """Escalations raised in the month that found nobody to send to (nobody above the assignee, or an owner who has left): counted apart."""
        return sum(e.nobody for e in self.escalations)

    @property
    def empty(self) -> bool:
        """Nothing recorded yet: no work scheduled, graded, escalated or raised in the month or the year before."""
        return (not self.completion.total.scheduled and not self.grades.graded and not self.escalations and not self.reminders
                and not self.actions.raised and not self.actions.open and not any(t.scheduled for t in self.trend)
                and not any(n for m in self.history for _, n in m.primary))  # fmt: skip
