"""SQLModel ``table=True`` rows. Nothing outside ``store/`` sees these classes.

Conversion to and from the engine's frozen records happens in the store
modules (:mod:`qaf.store.frameworks`, :mod:`qaf.store.org`, ...). ``table=True``
models do not validate: input is validated at the boundary (the loaders)
before it reaches here. Timestamps are UTC.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Optional

from sqlalchemy import JSON, Column, DateTime, Index, Text, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel

SCHEMA_VERSION = 1


class UTCDateTime(TypeDecorator):
    """Timestamps stored as UTC and read back timezone-aware, on both databases.

    SQLite keeps no offset: an aware 06:00 Europe/London would be stored as
    "06:00" and compared as text with UTC times. Everything is converted to
    UTC on the way in, and marked UTC on the way out.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: qaf stores timezone-aware times only")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _ts(nullable: bool = True) -> Column:
    return Column(UTCDateTime(), nullable=nullable)


class SchemaVersion(SQLModel, table=True):
    __tablename__ = "schema_version"
    version: int = Field(primary_key=True)
    applied_at: datetime = Field(sa_column=_ts(False))


class FrameworkRecord(SQLModel, table=True):
    """A loaded framework: its source text is kept whole and parsed again on use."""

    __tablename__ = "frameworks"
    id: str = Field(primary_key=True, max_length=100)
    version: str = Field(max_length=100)
    title: str = Field(sa_column=Column(Text, nullable=False))
    council: str = Field(default="", sa_column=Column(Text, nullable=False))
    content_hash: str = Field(max_length=64)
    filename: str = Field(sa_column=Column(Text, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    loaded_at: datetime = Field(sa_column=_ts(False))


class RuleRecord(SQLModel, table=True):
    """One framework row, verbatim text beside whether it can be scheduled."""

    __tablename__ = "rules"
    framework: str = Field(primary_key=True, max_length=100)
    row: str = Field(primary_key=True, max_length=50)
    position: int
    role: str = Field(sa_column=Column(Text, nullable=False))
    task: str = Field(sa_column=Column(Text, nullable=False))
    frequency: str = Field(sa_column=Column(Text, nullable=False))
    purpose: str = Field(sa_column=Column(Text, nullable=False))
    schedulable: bool
    reason: Optional[str] = Field(default=None, sa_column=Column(Text))
    cadences: int = 0
    triggers: int = 0


class PersonRecord(SQLModel, table=True):
    __tablename__ = "people"
    id: str = Field(primary_key=True, max_length=100)
    name: str = Field(sa_column=Column(Text, nullable=False))
    email: str = Field(sa_column=Column(Text, nullable=False))
    roles: str = Field(default="", sa_column=Column(Text, nullable=False))  # as written, joined by ';'
    team: Optional[str] = Field(default=None, max_length=100)
    manager: Optional[str] = Field(default=None, max_length=100, index=True)
    start: Optional[date] = None
    end: Optional[date] = None
    present: bool = True  # False once a later snapshot no longer lists them (kept for history)


class TeamRecord(SQLModel, table=True):
    __tablename__ = "teams"
    id: str = Field(primary_key=True, max_length=100)
    name: str = Field(sa_column=Column(Text, nullable=False))
    service: str = Field(max_length=200)
    kind: str = Field(max_length=20)
    area: str = Field(default="", max_length=200)
    present: bool = True


class CaseRecord(SQLModel, table=True):
    """A case: its reference only, never a child's name or details."""

    __tablename__ = "cases"
    ref: str = Field(primary_key=True, max_length=64)
    worker: Optional[str] = Field(default=None, max_length=100, index=True)
    team: str = Field(max_length=100, index=True)
    opened: date
    closed: Optional[date] = None
    present: bool = True


class BodyRecord(SQLModel, table=True):
    __tablename__ = "bodies"
    id: str = Field(primary_key=True, max_length=100)
    name: str = Field(sa_column=Column(Text, nullable=False))
    chair: Optional[str] = Field(default=None, max_length=100)
    present: bool = True


class ObligationRecord(SQLModel, table=True):
    """One dated piece of work for one assignee; ``id`` is derived from what it is."""

    __tablename__ = "obligations"
    __table_args__ = (
        Index("ix_obligations_assignee_due", "assignee", "due"),
        Index("ix_obligations_status_due", "status", "due"),
        Index("ix_obligations_rule", "framework", "row"),
        Index("ix_obligations_ladder", "escalated", "due"),
    )
    id: str = Field(primary_key=True, max_length=40)
    framework: str = Field(max_length=100)
    row: str = Field(max_length=50)
    cadence: int = 0
    kind: str = Field(max_length=20)
    title: str = Field(sa_column=Column(Text, nullable=False))
    assignee: Optional[str] = Field(default=None, max_length=100)
    subject_kind: str = Field(default="", max_length=20)
    subject: str = Field(default="", max_length=200)
    case_ref: Optional[str] = Field(default=None, max_length=64, index=True)
    team: Optional[str] = Field(default=None, max_length=100)
    period_start: date
    period_end: date
    due: date
    status: str = Field(default="open", max_length=20)
    status_reason: Optional[str] = Field(default=None, sa_column=Column(Text))
    cause: Optional[str] = Field(default=None, max_length=40, index=True)
    seq: int = 0
    sequence: int = 0  # iCalendar SEQUENCE: grows on every change
    escalated: int = -2  # the highest rung of the overdue ladder reached (-1: reminded; -2: nothing yet)
    sample_reason: Optional[str] = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_column=_ts(False))
    updated_at: datetime = Field(sa_column=_ts(False))


class OutcomeRecord(SQLModel, table=True):
    __tablename__ = "outcomes"
    obligation: str = Field(primary_key=True, max_length=40)
    grade: Optional[str] = Field(default=None, max_length=40)  # None: work done that takes no grade
    concerns: bool = False
    areas: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    by: Optional[str] = Field(default=None, max_length=100)
    audit_date: date  # the date the audit was done
    notes: Optional[str] = Field(default=None, sa_column=Column(Text))
    contested: bool = False
    moderated_grade: Optional[str] = Field(default=None, max_length=40)
    moderated_by: Optional[str] = Field(default=None, max_length=100)
    moderated_on: Optional[date] = None
    signoff_by: Optional[str] = Field(default=None, max_length=100)
    signoff_on: Optional[date] = None
    recorded_at: datetime = Field(sa_column=_ts(False))


class EscalationRecord(SQLModel, table=True):
    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("obligation", "level", name="uq_escalation_level"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    obligation: str = Field(max_length=40)
    level: int
    to_person: Optional[str] = Field(default=None, max_length=100)
    on: date
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))


class OutboxRecord(SQLModel, table=True):
    """A notice to send: written in the transaction that caused it, sent once."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)  # idempotency: one notice per cause and reason
    recipient: Optional[str] = Field(default=None, max_length=100)
    recipient_email: str = Field(sa_column=Column(Text, nullable=False))
    subject: str = Field(sa_column=Column(Text, nullable=False))
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(default="", sa_column=Column(Text, nullable=False))
    reason: str = Field(max_length=40)
    cause: Optional[str] = Field(default=None, max_length=40)
    digest: bool = False
    digest_key: Optional[str] = Field(default=None, max_length=200, index=True)  # the digest email this item went out in
    status: str = Field(default="pending", max_length=20)  # pending | sending | sent | failed | digested
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_column=_ts(False))
    claimed_by: Optional[str] = Field(default=None, max_length=100)
    claimed_until: Optional[datetime] = Field(default=None, sa_column=_ts())
    created_at: datetime = Field(sa_column=_ts(False))
    sent_at: Optional[datetime] = Field(default=None, sa_column=_ts())
    last_error: Optional[str] = Field(default=None, sa_column=Column(Text))


class EventRecord(SQLModel, table=True):
    """The event log: what was loaded, recorded, sent, and by whom."""

    __tablename__ = "events"
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=_ts(False))
    kind: str = Field(max_length=40, index=True)
    ref: str = Field(default="", max_length=200)
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class FeedTokenRecord(SQLModel, table=True):
    """A secret feed URL token, stored only as its hash."""

    __tablename__ = "feed_tokens"
    token_hash: str = Field(primary_key=True, max_length=64)
    person: str = Field(max_length=100)
    scope: str = Field(default="person", max_length=20)
    purpose: str = Field(default="feed", max_length=20)  # feed | api
    created_at: datetime = Field(sa_column=_ts(False))
    revoked_at: Optional[datetime] = Field(default=None, sa_column=_ts())


class MetaRecord(SQLModel, table=True):
    """Small named values the store keeps: the organisation's version, ..."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(sa_column=Column(Text, nullable=False))


class ScheduleRunRecord(SQLModel, table=True):
    """The last schedule of a window: what it depended on, so a repeat with no change is skipped."""

    __tablename__ = "schedule_runs"
    framework: str = Field(primary_key=True, max_length=100)
    first: date = Field(primary_key=True)
    last: date = Field(primary_key=True)
    part: str = Field(primary_key=True, max_length=20)  # calendar | samples
    fingerprint: str = Field(max_length=64)  # everything the plan of this part depends on
    planned: int = 0
    notes: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    at: datetime = Field(sa_column=_ts(False))


class TickRecord(SQLModel, table=True):
    """One row per business date: the daily tick runs once per date."""

    __tablename__ = "tick_runs"
    business_date: date = Field(primary_key=True)
    started_at: datetime = Field(sa_column=_ts(False))
    finished_at: Optional[datetime] = Field(default=None, sa_column=_ts())
    runner: str = Field(default="", max_length=100)
    claimed_until: Optional[datetime] = Field(default=None, sa_column=_ts())  # a runner that died lets go
    summary: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
