"""The framework as data: frozen, slotted records that each carry their Source.

A council's framework is a table of rows (role, QA task, frequency, purpose).
Each :class:`Row` keeps that verbatim text and its structured meaning: the
:class:`Cadence` s that schedule it and the :class:`Trigger` s that fire when an
outcome is recorded. A row that cannot be scheduled ("As required") keeps its
reason in ``unschedulable``.

A record's ``defaults`` names the keys its file marked ``# default`` (a number
or reading qaf chose where the council's paper leaves it open), each with the
comment's explanation; the printer writes them back.

Equality ignores ``source`` and ``defaults`` so that a framework printed and loaded again
compares equal to the original (the round-trip test relies on this).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qaf.rules.problems import NO_SOURCE, Source

GRADES: tuple[str, ...] = ("outstanding", "good", "requires_improvement", "inadequate")

KINDS: tuple[str, ...] = (
    "audit",
    "follow_up_audit",
    "review",
    "moderation",
    "qa_signoff",
    "report",
    "visit",
    "meeting",
    "task",
    "action",  # what an audit said must be done: raised when an outcome is recorded, never scheduled by a row
)

# who or what one obligation is about ("for each worker", "each team", ...)
PER: tuple[str, ...] = (
    "assignee",  # the assignee's own piece of work (a report, a meeting, own workload)
    "worker",  # each person the assignee line-manages ("one case per month for each worker")
    "team",  # each team in scope ("one case file for each team per month")
    "service",  # each service in scope
    "area",  # each area in scope ("one review per area per annum")
    "case_holder",  # each person holding one of `roles` ("one case for each IRO and CPA")
    "body",  # each governance body named in `to`
)

# which teams/services/areas are in scope, relative to the assignee
WITHIN: tuple[str, ...] = ("own_service", "own_team", "own_area", "all")

# peer audits: the assignee is a role-holder from elsewhere, in rotation
PEER: tuple[str, ...] = ("different_service", "different_team", "different_area")

ROTATE: tuple[str, ...] = ("team", "service", "area")

TEAM_KINDS: tuple[str, ...] = ("social_care", "early_help")

# whose cases an assignee's own case audit samples: their line's (their teams' and their workers'), or only their own
CASELOADS: tuple[str, ...] = ("line", "own")
COPY_OF: tuple[str, ...] = ("assignee",)  # a copy to the holder nearest up the line of the assignee
# which teams a per-team cadence is about: every team, or only the teams a holder of the role
# manages (works in, or line-manages one of its members at any level)
TEAMS: tuple[str, ...] = ("all", "managed")

EVENTS: tuple[str, ...] = ("case_opened", "case_closing", "case_transfer")

ACTIONS: tuple[str, ...] = ("follow_up_audits", "review", "alert", "moderation", "qa_signoff")

# where follow-up audits take their cases from
CASES_FROM: tuple[str, ...] = ("same_worker", "same_team", "same_case")

# whose line a relative role is found on ("the worker's Operations Manager")
RELATIVE_TO: tuple[str, ...] = ("assignee", "worker", "team")

TRIGGER_EVENTS: tuple[str, ...] = ("outcome", "moderation", "contest")

# who moderates: shared out among the moderating role's holders (a pool), or the nearest above the auditor
MODERATORS: tuple[str, ...] = ("pool", "up_the_line")


@dataclass(frozen=True, slots=True)
class Every:
    """A period length: whole months that divide a year, or whole weeks.

    >>> Every.parse("quarter"), Every.parse("6 months").text, Every.parse("fortnight").text
    (Every(months=3, weeks=0), 'half-year', '2 weeks')
    """

    months: int = 0
    weeks: int = 0

    _MONTH_NAMES = {1: "month", 3: "quarter", 6: "half-year", 12: "year"}

    @property
    def text(self) -> str:
        if self.weeks:
            return "week" if self.weeks == 1 else f"{self.weeks} weeks"
        return self._MONTH_NAMES.get(self.months, f"{self.months} months")

    @classmethod
    def parse(cls, text: str) -> "Every":
        if text.strip().startswith("-"):
            raise ValueError(f"a period is never negative: {text!r}")
        t = " ".join(text.strip().lower().replace("-", " ").split())
        named = {
            "month": 1, "monthly": 1, "calendar month": 1,
            "quarter": 3, "quarterly": 3,
            "half year": 6, "half yearly": 6, "six months": 6,
            "year": 12, "annual": 12, "annually": 12, "financial year": 12,
            "two months": 2, "four months": 4,
        }  # fmt: skip
        if t in named:
            return cls(months=named[t])
        if t in {"week", "weekly"}:
            return cls(weeks=1)
        if t in {"fortnight", "fortnightly"}:
            return cls(weeks=2)
        m = re.fullmatch(r"(\d+) (months?|weeks?)", t)
        if not m:
            raise ValueError(f"unknown period {text!r} (one of: week, fortnight, month, two months, quarter, four months, "
                             "half-year, year; or N weeks, N months)")
        n = int(m.group(1))
        if m.group(2).startswith("week"):
            if not 1 <= n <= 52:
                raise ValueError(f"weeks must be 1 to 52, got {n}")
            return cls(weeks=n)
        if n not in (1, 2, 3, 4, 6, 12):
            raise ValueError(f"{n} months does not divide a year (use 1, 2, 3, 4, 6 or 12)")
        return cls(months=n)


@dataclass(frozen=True, slots=True)
class Span:
    """A length of time after an event: ``3 months``, ``5 working days``, ``2 weeks``.

    >>> Span.parse("three months").text, Span.parse("5 working days").text
    ('3 months', '5 working days')
    """

    n: int
    unit: str  # days | working days | weeks | months

    UNITS = ("days", "working days", "weeks", "months")

    @property
    def text(self) -> str:
        unit = self.unit if self.n != 1 else self.unit[:-1]
        return f"{self.n} {unit}"

    @classmethod
    def parse(cls, text: str) -> "Span":
        t = " ".join(text.strip().lower().split())
        m = re.fullmatch(r"([a-z]+|\d+) (days?|working days?|weeks?|months?)", t)
        if not m:
            raise ValueError(f"expected a length such as '3 months' or '5 working days', got {text!r}")
        n = number_word(m.group(1))
        unit = m.group(2) if m.group(2).endswith("s") else m.group(2) + "s"
        limit = SPAN_LIMITS[unit]
        if not 1 <= n <= limit:
            raise ValueError(f"{n} {unit}: a length is 1 to {limit} {unit}")
        return cls(n, unit)


SPAN_LIMITS = {"days": 730, "working days": 520, "weeks": 104, "months": 24}  # two years, however it is said

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip


def number_word(text: str) -> int:
    """``'3'`` or ``'three'`` -> 3."""
    if text.isdigit():
        return int(text)
    if text in _NUMBER_WORDS:
        return _NUMBER_WORDS[text]
    raise ValueError(f"not a number: {text!r}")


@dataclass(frozen=True, slots=True)
class Variation:
    """A different cadence for teams of one kind: "(twice a year for early help teams)"."""

    team_kind: str
    every: Every
    count: int = 1
    source: Source = field(default=NO_SOURCE, compare=False)


@dataclass(frozen=True, slots=True)
class Sample:
    """Moderation: a sample of another row's completed audits ("a sample of these cases")."""

    row: str
    count: int | None = None
    percent: float | None = None
    moderator: str = "pool"  # or "up_the_line": the nearest holder above the auditor
    each: bool = False  # up_the_line: each moderator's own sample (count or percent) of the audits up her line
    source: Source = field(default=NO_SOURCE, compare=False)


@dataclass(frozen=True, slots=True)
class Anniversary:
    """A date from the organisation data, then a repeat ("6 months after the first panel, then yearly")."""

    date: str  # the case column that holds the date
    first: Span
    then: Every | None = None


def written_at(source: Source, lines: tuple[tuple[str, int], ...], keys: tuple[str, ...]) -> Source:
    """Where a file writes the first of ``keys`` it writes, by the ``lines`` read with its part (a cadence's, a
    trigger's condition's, an action's); the part's own ``source`` when it writes none of them."""
    found = dict(lines)
    line = next((found[k] for k in keys if k in found), None)
    return source if line is None else Source(source.file, line)


@dataclass(frozen=True, slots=True)
class Cadence:
    """One schedule within a row: how often, for whom, about what, for whose audience."""

    kind: str
    every: Every | None = None
    count: int = 1
    count_max: int | None = None  # "two or three times a year": schedule `count`, note the range
    per: str = "assignee"
    roles: tuple[str, ...] = ()  # for per=case_holder (or to narrow per=worker)
    within: str = "all"
    peer: str | None = None
    rotate: str | None = None
    rota: bool = False  # one holder per period, in turn ("monthly visiting rota")
    joint: bool = False  # one obligation a period for all the role's holders: the first owns it, the rest attend
    team_kind: str | None = None
    case: bool = False  # each obligation samples one open case of its subject
    caseload: str = "line"  # per=assignee: the line's cases (a manager's teams and workers), or "own" caseload only
    share: float | None = None  # percent of the subject's open cases per period
    by: tuple[str, ...] = ()  # who does it, when not the row's roles ("Head of Service should scrutinise")
    to: tuple[str, ...] = ()  # audience: bodies or roles a report or meeting goes to
    with_: tuple[str, ...] = ()  # others invited (meetings, joint visits)
    copy: tuple[str, ...] = ()  # copied to
    copy_of: str | None = None  # 'assignee': each copy role's holder nearest up the assignee's line (else every holder)
    unannounced: bool = False  # not in the feed of the team or service it is about ("not usually announced to staff beforehand")
    except_months: tuple[int, ...] = ()  # calendar months left out (8 = August)
    variations: tuple[Variation, ...] = ()
    sample: Sample | None = None
    on: str | None = None  # event-driven ("before a case is closed")
    due_within: Span | None = None  # event-driven rows: due this long after the event
    anniversary: Anniversary | None = None
    note: str = ""
    hours: float | None = None  # time one obligation takes, for the workload forecast
    teams: str = "all"  # which teams are subjects: all, or only those the role manages ("managed")
    defaults: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # keys marked '# default' (qaf's choice), with why
    source: Source = field(default=NO_SOURCE, compare=False)
    # the line of each field written ('with'), of each text of a list ('with[1]'), of each field of its sample
    # ('sample.percent') and of its variations ('variations[0].team_kind'): a field's problem is said at its own line
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    @property
    def event_driven(self) -> bool:
        return self.on is not None or self.anniversary is not None

    def field_source(self, *keys: str) -> Source:
        """Where the file writes the first of ``keys`` it writes ('with', 'with[1]', 'sample.percent'); the cadence's
        own line when it writes none of them (a field left to its default)."""
        return written_at(self.source, self.lines, keys)


@dataclass(frozen=True, slots=True)
class Condition:
    """When a trigger fires: on which event and for which outcomes.

    Empty sets match anything; ``concerns`` None matches either way.
    """

    on: str = "outcome"
    concerns: bool | None = None
    grades: frozenset[str] = frozenset()
    areas: tuple[tuple[str, frozenset[str]], ...] = ()  # key area -> grades that match
    kinds: frozenset[str] = frozenset()
    source: Source = field(default=NO_SOURCE, compare=False)
    # the line of each field written ('grades'), of each grade and kind named ('grades=terrible', 'kinds=audit')
    # and of each key area ('areas.Planning'): a problem is said at its own line
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    def field_source(self, *keys: str) -> Source:
        """Where the file writes the first of ``keys`` it writes; the condition's own line when none."""
        return written_at(self.source, self.lines, keys)


@dataclass(frozen=True, slots=True)
class Action:
    """What a trigger does.

    - ``follow_up_audits``: ``count`` audits of cases ``cases`` (same_worker / same_team),
      due ``within``;
    - ``review``: a review of the same case, due ``within``;
    - ``alert``: a notice to ``role`` found up the line of ``of``;
    - ``moderation``: a re-audit by ``role``, due ``within``; ``moderator`` says how the
      holder is found: shared out among the role's holders (``pool``) or ``up_the_line``;
    - ``qa_signoff``: the triple lock, a sign-off by ``role``, due ``within``.
    """

    do: str
    count: int = 1
    cases: str | None = None
    within: Span | None = None
    role: str | None = None
    of: str = "assignee"
    note: str = ""
    moderator: str = "pool"  # for moderation: shared out among the role's holders, or up_the_line
    defaults: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # keys marked '# default' (qaf's choice), with why
    source: Source = field(default=NO_SOURCE, compare=False)
    # keys the file gives a value it could not read (reported where read): wrong, not missing
    unreadable: tuple[str, ...] = field(default=(), compare=False, repr=False)
    # the line of each parameter written ('role', 'of'): a parameter's problem is said at its own line
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    def field_source(self, key: str) -> Source:
        """Where the file writes the parameter ``key``; the action's own line when it is not written."""
        return written_at(self.source, self.lines, (key,))


@dataclass(frozen=True, slots=True)
class Trigger:
    when: Condition
    then: tuple[Action, ...]
    id: str = ""
    # keys marked '# default' (qaf's choice), with why: 'when' where the paper does not say which outcomes set it off
    defaults: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    source: Source = field(default=NO_SOURCE, compare=False)


WAS_NEW = "new"  # a row's ``was`` saying it is new work under a number another row had (rules/numbering.py)


@dataclass(frozen=True, slots=True)
class Row:
    id: str
    role: str
    task: str
    frequency: str
    purpose: str
    by: tuple[str, ...]  # the row's roles resolved onto the vocabulary
    cadences: tuple[Cadence, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    unschedulable: str | None = None  # the reason, when the row cannot be scheduled
    section: str = ""
    notes: tuple[str, ...] = ()
    # each cadence's number, kept when the framework is amended (rules/numbering.py); empty: their places
    numbers: tuple[int, ...] = ()
    # the row's identity, what its obligations' ids are made of: the number it was first loaded under, kept
    # when the council renumbers it (rules/numbering.py); empty: its id
    key: str = ""
    # the number the council gave this row in the version loaded before, where it renumbered the row and
    # changed its words in one amendment (rules/numbering.py follows a row renumbered alone by its words);
    # its own number: the same row whatever its words; WAS_NEW: new work, whatever row its number held
    was: str = ""
    defaults: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # keys marked '# default' (qaf's choice), with why
    source: Source = field(default=NO_SOURCE, compare=False)
    by_source: Source = field(default=NO_SOURCE, compare=False)  # the 'by:' line, where a role it names is said wrong

    @property
    def schedulable(self) -> bool:
        return self.unschedulable is None and bool(self.cadences)

    @property
    def identity(self) -> str:
        """The ``row`` an obligation's id is made of (:class:`qaf.engine.model.ObligationKey`)."""
        return self.key or self.id

    def numbered(self) -> tuple[tuple[int, Cadence], ...]:
        """Each cadence with its number, the ``cadence`` of the obligations it makes."""
        return tuple(zip(self.numbers or range(len(self.cadences)), self.cadences))

    def cadence_of(self, number: int) -> Cadence | None:
        """The cadence numbered ``number``; None if the row no longer has it (or for a trigger's work, -1)."""
        if not self.numbers:
            return self.cadences[number] if 0 <= number < len(self.cadences) else None
        return next((c for n, c in zip(self.numbers, self.cadences) if n == number), None)


@dataclass(frozen=True, slots=True)
class Role:
    """One entry of the role vocabulary; ``body`` marks a governance body (CSCMT, LSCB)."""

    name: str
    aliases: tuple[str, ...] = ()
    body: bool = False
    source: Source = field(default=NO_SOURCE, compare=False)


@dataclass(frozen=True, slots=True)
class Step:
    """One rung of the escalation ladder: after N working days overdue, tell `to`."""

    after: int  # working days overdue (0: on the day it becomes overdue)
    to: str  # assignee | line_manager | a role name
    digest: bool = False
    source: Source = field(default=NO_SOURCE, compare=False)


# qaf's default escalation ladder, for a framework that sets none
DEFAULT_LADDER = (Step(0, "assignee"), Step(5, "line_manager"), Step(20, "Head of Service", True), Step(40, "Director of Children's Services", True))


@dataclass(frozen=True, slots=True)
class Target:
    """A figure the monthly report checks: "no more than 10% inadequate a month"."""

    grade: str
    max_percent: float
    source: Source = field(default=NO_SOURCE, compare=False)


@dataclass(frozen=True, slots=True)
class Framework:
    id: str
    title: str
    version: str
    rows: tuple[Row, ...]
    roles: tuple[Role, ...]
    council: str = ""
    timezone: str = "Europe/London"
    year_start: tuple[int, int] = (4, 1)  # (month, day)
    working_days: str = "england-and-wales"
    grades: tuple[str, ...] = GRADES
    areas: tuple[str, ...] = ()  # key areas of practice judged beside the overall grade
    lookback_months: int = 0  # audits look back over this many months of practice (0: the framework does not say)
    recent_audit_months: int = 6  # a case audited this recently is not sampled again
    when_all_recent: str = "least_recent"  # or "waive"
    horizon_months: int = 3
    reminder_days: int = 5  # working days before due
    escalation: tuple[Step, ...] = ()
    # each rung's number, kept when the ladder is amended (rules/numbering.py); empty: their places
    ladder_numbers: tuple[int, ...] = ()
    escalate_grades: tuple[str, ...] = ("inadequate",)
    notify_on_grade: tuple[str, ...] = ()  # roles told of an escalated grade
    digest_roles: tuple[str, ...] = ()
    extension_days: int = 5  # working days a line manager may extend by; longer needs a senior
    extension_roles: tuple[str, ...] = ("Head of Service", "Director of Children's Services")
    contest_moderator: str = "Head of Service"
    case_reference: str = ""  # the council's own pattern for case references; empty: qaf's rule
    targets: tuple[Target, ...] = ()
    defaults: tuple[tuple[str, str], ...] = field(default=(), compare=False)  # keys marked '# default' (qaf's choice), with why
    source: Source = field(default=NO_SOURCE, compare=False)
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False)  # each setting written, with its line
    # each row by its number, the first of that number: a report asks it for each of a year's obligations
    by_id: dict[str, Row] = field(init=False, repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.rows:
            self.by_id.setdefault(row.id, row)

    def setting_source(self, name: str) -> Source:
        """Where the setting ``name`` is written (the framework's own line when it is not: its default)."""
        return written_at(self.source, self.lines, (name,))

    def row(self, row_id: str) -> Row:
        return self.by_id[row_id]

    def identity(self, row_id: str) -> str:
        """The identity of the row numbered ``row_id`` (:attr:`Row.identity`); a row no longer in the
        framework is known by its number."""
        row = self.by_id.get(row_id)
        return row.identity if row is not None else row_id

    @property
    def schedulable_count(self) -> int:
        return sum(1 for row in self.rows if row.schedulable)

    @property
    def ladder(self) -> tuple[Step, ...]:
        """The escalation ladder: the framework's own, else qaf's default."""
        return self.escalation or DEFAULT_LADDER

    def rungs(self) -> tuple[tuple[int, Step], ...]:
        """Each rung of the ladder with its number, the ``level`` its escalations are recorded at."""
        return tuple(zip(self.ladder_numbers or range(len(self.ladder)), self.ladder))
