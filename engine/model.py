"""Obligations, outcomes and notices: the engine's frozen records.

An obligation's identity is derived from what it is (framework, row,
cadence, period, subject, kind, sequence), never from who does it, so
generating twice never duplicates, a new line manager inherits the same
obligation, and its iCalendar UID never changes.

>>> key = ObligationKey("east-sussex-2013", "3.16", 0, date(2024, 8, 1), "worker", "P12", "audit", 0)
>>> key.id == ObligationKey("east-sussex-2013", "3.16", 0, date(2024, 8, 1), "worker", "P12", "audit", 0).id
True
>>> len(key.id), key.uid == f"{key.id}@qaf"
(16, True)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

# statuses as stored; "overdue" is shown for open obligations past their due date
OPEN, DONE, CANCELLED, WAIVED, RESCHEDULED = "open", "done", "cancelled", "waived", "rescheduled"
OVERDUE = "overdue"
STATUSES = (OPEN, OVERDUE, DONE, RESCHEDULED, CANCELLED, WAIVED)
LIVE = (OPEN, RESCHEDULED)  # still to be done


def id_prefix(framework: str, row: str, cadence: int, period_start: date, subject_kind: str, subject: str, kind: str) -> str:
    """What the ids of one subject's obligations of a cadence and period share: every field but ``seq``
    (the planner makes it once for all of a count's obligations)."""
    return "\x1f".join((framework, row, str(cadence), period_start.isoformat(), subject_kind, subject, kind, ""))


def id_with(prefix: str, seq: int) -> str:
    """The id of the obligation numbered ``seq`` among those sharing ``prefix`` (:func:`id_prefix`)."""
    return hashlib.sha256(f"{prefix}{seq}".encode("utf-8")).hexdigest()[:16]


def kind_words(kind: str) -> str:
    """A kind of work as people write it: "follow-up audit", "QA sign-off", "audit"."""
    return {"qa_signoff": "QA sign-off", "follow_up_audit": "follow-up audit"}.get(kind, kind.replace("_", " "))


def status_words(status: str) -> str:
    """A status as people say it: work given more time is "extended" (stored as ``rescheduled``).

    >>> status_words("rescheduled"), status_words("overdue")
    ('extended', 'overdue')
    """
    return "extended" if status == RESCHEDULED else status


def a_kind(kind: str) -> str:
    """A kind of work as a sentence says it: "an audit", "a follow-up audit", "a QA sign-off".

    >>> a_kind("audit"), a_kind("follow_up_audit"), a_kind("qa_signoff"), a_kind("action")
    ('an audit', 'a follow-up audit', 'a QA sign-off', 'an action')
    """
    words = kind_words(kind)
    return ("an " if words[:1].lower() in "aeiou" and words[:2] != "QA" else "a ") + words


def is_obligation_id(text: str) -> bool:
    """Whether ``text`` has an obligation id's shape: 16 lower-case hexadecimal digits (a link or a request may hold anything)."""
    return len(text) == 16 and all(ch in "0123456789abcdef" for ch in text)


def obligation_id(framework: str, row: str, cadence: int, period_start: date, subject_kind: str, subject: str, kind: str, seq: int) -> str:
    """An :class:`ObligationKey`'s id, from its fields."""
    return id_with(id_prefix(framework, row, cadence, period_start, subject_kind, subject, kind), seq)


@dataclass(frozen=True, slots=True)
class ObligationKey:
    framework: str
    row: str
    cadence: int  # index of the cadence in its row; -1 for follow-ups created by triggers
    period_start: date
    subject_kind: str  # assignee | worker | team | service | area | case_holder | body | case
    subject: str
    kind: str
    seq: int = 0  # the n-th of a count, or the n-th attendee of a joint visit

    @property
    def id(self) -> str:
        return obligation_id(self.framework, self.row, self.cadence, self.period_start, self.subject_kind, self.subject, self.kind, self.seq)

    @property
    def uid(self) -> str:
        return f"{self.id}@qaf"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an audit found, and later what moderation and the triple lock said."""

    grade: str
    concerns: bool = False
    by: str | None = None
    date: date | None = None
    areas: tuple[tuple[str, str], ...] = ()  # key area -> grade
    notes: str = ""
    contested: bool = False
    moderated_grade: str | None = None
    moderated_by: str | None = None
    moderated_areas: tuple[tuple[str, str], ...] = ()  # key area -> grade, as moderated
    moderated_on: date | None = None
    signoff_by: str | None = None
    signoff_on: date | None = None


@dataclass(frozen=True, slots=True)
class Obligation:
    """One dated piece of work for one owner (the assignee), which others may attend or be copied into.

    It counts once in every figure, whoever attends; only the owner (or
    someone acting for them) marks it done, and only the owner's line hears
    when it is overdue.
    """

    id: str
    framework: str
    row: str
    cadence: int
    kind: str
    title: str
    assignee: str | None
    subject_kind: str
    subject: str
    period_start: date
    period_end: date
    due: date
    case: str | None = None
    team: str | None = None
    status: str = OPEN
    status_reason: str | None = None
    cause: str | None = None
    seq: int = 0
    sample_reason: str | None = None
    sequence: int = 0  # iCalendar SEQUENCE: grows with every change
    attendees: tuple[str, ...] = ()  # person ids who attend the owner's (the assignee's) work; it is never theirs to do
    copies: tuple[str, ...] = ()  # person ids who get the report or alert as a copy
    outcome: Outcome | None = field(default=None, compare=False)

    @property
    def uid(self) -> str:
        return f"{self.id}@qaf"

    @property
    def authors(self) -> frozenset[str]:
        """Who answered for this work and who did it (the outcome's ``by``: a manager covering): none of
        them moderates it, settles its contested grade or signs it off."""
        return frozenset(p for p in (self.assignee, self.outcome.by if self.outcome else None) if p)

    def role_of(self, person: str) -> str | None:
        """``owner``, ``attending``, ``copy`` or None: what ``person`` is to this obligation."""
        if person == self.assignee:
            return "owner"
        if person in self.attendees:
            return "attending"
        return "copy" if person in self.copies else None

    def shown_status(self, today: date) -> str:
        """``overdue`` for live obligations past their due date, else the stored status."""
        if self.status in LIVE and self.due < today:
            return OVERDUE
        return self.status


@dataclass(frozen=True, slots=True)
class Completed:
    """A completed audit, as moderation samples it."""

    id: str
    row: str
    done_on: date
    assignee: str | None
    case: str | None
    team: str | None
    by: str | None = None  # who did it, when not its assignee (a manager covering): never its moderator either
    moderated: bool = False  # its grade moderated, or a moderation of it done or still to do: never drawn again

    @property
    def authors(self) -> frozenset[str]:
        """Whoever answered for the audit or did it: none of them moderates it."""
        return frozenset(p for p in (self.assignee, self.by) if p)


@dataclass
class CaseHistory:
    """When each case was audited, or chosen for an audit still to be done."""

    audits: dict[str, list[date]] = field(default_factory=dict)

    def add(self, ref: str, day: date) -> None:
        self.audits.setdefault(ref, []).append(day)

    def last_before(self, ref: str, day: date) -> date:
        return max((d for d in self.audits.get(ref, ()) if d <= day), default=date.min)
