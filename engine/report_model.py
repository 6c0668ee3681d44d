"""The monthly report's records: what :func:`qaf.engine.report.figures` returns, and the events it reads.

Frozen and plain, so the renderers (:mod:`qaf.render.report`,
:mod:`qaf.render.html`) and the JSON and CSV for a council's BI read the
same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from qaf.engine.report_words import Month


@dataclass(frozen=True, slots=True)
class Extension:
    """One ``obligation.extended`` event."""

    obligation: str
    first: date  # the due date before this extension
    to: date
    working_days: int = 0
    by: str | None = None
    by_name: str = ""  # filled in by the report from the organisation


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
    graded: int  # audits with a primary grade dated in the month
    shares: tuple[Share, ...]  # of all of them, best grade first
    concerns: int
    moderated: int  # of them, moderated by now
    table: tuple[GradeRow, ...]  # Tameside's layout: moderated audits, primary against moderated
    upscaled: int = 0
    downscaled: int = 0
    agreed: int = 0
    agreement_percent: int | None = None
    contested: int = 0
    contested_settled: int = 0
    signed: int | None = None  # of the moderated audits, QA-signed (Tameside's triple lock); None: the framework has no QA sign-off
    areas: tuple[AreaRow, ...] = ()  # each key area, then the overall grade: primary against moderated
    area_grades: tuple[str, ...] = ()  # the columns of ``areas``: grades given in either column, worst first


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
    nobody: int = 0  # raised with nobody above the assignee to tell (the top of the organisation)


@dataclass(frozen=True, slots=True)
class TargetResult:
    grade: str
    label: str
    max_percent: float
    count: int
    of: int
    percent: float | None  # one decimal place
    met: bool | None  # None: no audit graded


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
    grades_scale: tuple[str, ...]
    completion: Completion
    grades: Grades
    follow_ups: FollowUps
    reviews_due: tuple[ReviewDue, ...]
    reminders: int
    escalations: tuple[Rung, ...]
    extensions: tuple[Extension, ...]
    targets: tuple[TargetResult, ...]
    history: tuple[MonthGrades, ...] = field(default=())
