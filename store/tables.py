"""The store's tables, as SQLAlchemy Core tables. Nothing outside ``store/`` sees them.

Conversion to and from the engine's frozen records happens in the store
modules (:mod:`qaf.store.frameworks`, :mod:`qaf.store.org`, ...). Nothing
here validates: input is validated at the boundary (the loaders) before it
reaches the store. Timestamps are UTC.

Why Core and not SQLModel ``table=True`` classes: the store only ever used
their ``__table__``, and declaring them through SQLModel (pydantic) cost
about 200 ms at every start of every command (``qaf due`` included:
bench/bench_startup.py). The tables are the same, column for column and
index for index (tests/test_migrations.py compares them with the schema
the migrations build). SQLModel stays where pydantic models belong: the
API's request and response models (:mod:`qaf.web.api`).

The schema changes only through migrations (``store/migrations``,
``qaf db upgrade``): a change here needs a migration beside it.
"""

from __future__ import annotations

from datetime import timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)  # fmt: skip

METADATA = MetaData()


_SQLITE_DATETIME = "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"


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

    def bind_processor(self, dialect):
        """On SQLite, the two steps (to UTC, then SQLite's DATETIME text ``YYYY-MM-DD HH:MM:SS.ffffff``) in one
        function: the same text, for half the time (a recording writes three timestamps)."""
        if dialect.name != "sqlite" or getattr(self.impl_instance, "_storage_format", None) != _SQLITE_DATETIME:
            return super().bind_processor(dialect)
        utc = timezone.utc

        def process(value):
            if value is None:
                return None
            if value.tzinfo is None:
                raise ValueError(f"naive datetime {value!r}: qaf stores timezone-aware times only")
            v = value.astimezone(utc)
            return "%04d-%02d-%02d %02d:%02d:%02d.%06d" % (v.year, v.month, v.day, v.hour, v.minute, v.second, v.microsecond)

        return process

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _ts(name: str, nullable: bool = True) -> Column:
    return Column(name, UTCDateTime(), nullable=nullable)


def _s(name: str, length: int, nullable: bool = False, **kw) -> Column:
    """A bounded string column (VARCHAR(length))."""
    return Column(name, String(length), nullable=nullable, **kw)


def _text(name: str, nullable: bool = False) -> Column:
    return Column(name, Text, nullable=nullable)


def _int(name: str, default: int | None = None) -> Column:
    return Column(name, Integer, nullable=False, default=default)


def _bool(name: str, default: bool | None = None) -> Column:
    return Column(name, Boolean, nullable=False, default=default)


FRAMEWORKS = Table(
    "frameworks", METADATA,  # a loaded framework: its source text is kept whole and parsed again on use
    _s("id", 100, primary_key=True),
    _s("version", 100),
    _text("title"),
    _text("council"),
    _s("content_hash", 64),
    _text("filename"),
    _text("text"),
    _ts("loaded_at", False),
    _s("timezone", 64, default="Europe/London", server_default="Europe/London"),  # the business date is read in it
    _text("cadences", True),  # JSON: each row's cadence numbers and what they were given to (rules/numbering.py); NULL: places
    Column("retired_on", Date, nullable=True),  # the business date `qaf framework retire` retired it on; NULL: in use
)

RULES = Table(
    "rules", METADATA,  # one framework row, verbatim text beside whether it can be scheduled
    _s("framework", 100, primary_key=True),
    _s("row", 50, primary_key=True),
    _int("position"),
    _text("role"),
    _text("task"),
    _text("frequency"),
    _text("purpose"),
    _bool("schedulable"),
    _text("reason", True),
    _int("cadences", 0),
    _int("triggers", 0),
)

PEOPLE = Table(
    "people", METADATA,
    _s("id", 100, primary_key=True),
    _text("name"),
    _text("email"),
    _text("roles"),  # as written, joined by ';'
    _s("team", 100, True),
    _s("manager", 100, True, index=True),
    Column("start", Date, nullable=True),
    Column("end", Date, nullable=True),
    _bool("present", True),  # False once a later snapshot no longer lists them (kept for history)
)

TEAMS = Table(
    "teams", METADATA,
    _s("id", 100, primary_key=True),
    _text("name"),
    _s("service", 200),
    _s("kind", 20),
    _s("area", 200, default=""),
    _bool("present", True),
)

CASES = Table(
    "cases", METADATA,  # a case: its reference only, never a child's name or details
    _s("ref", 64, primary_key=True),
    _s("worker", 100, True, index=True),
    _s("team", 100, index=True),
    Column("opened", Date, nullable=False),
    Column("closed", Date, nullable=True),
    Column("transferred", Date, nullable=True),  # when the case last moved team or worker
    _bool("present", True),
)

BODIES = Table(
    "bodies", METADATA,
    _s("id", 100, primary_key=True),
    _text("name"),
    _s("chair", 100, True),
    _text("members", True),  # person ids joined by ";"
    _bool("present", True),
)

NOT_ESCALATED = -2  # an obligation's mark before any rung or reminder, and again once its due date moves later

OBLIGATIONS = Table(
    "obligations", METADATA,  # one dated piece of work for one assignee; id is derived from what it is
    _s("id", 40, primary_key=True),
    _s("framework", 100),
    _s("row", 50),
    _int("cadence", 0),
    _s("kind", 20),
    _text("title"),
    _s("assignee", 100, True),
    _s("subject_kind", 20, default=""),
    _s("subject", 200, default=""),
    _s("case_ref", 64, True, index=True),
    _s("team", 100, True),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("due", Date, nullable=False),
    _s("status", 20, default="open"),
    _text("status_reason", True),
    _s("cause", 40, True, index=True),
    _int("seq", 0),
    _int("sequence", 0),  # iCalendar SEQUENCE: grows on every change
    _int("escalated", NOT_ESCALATED),  # the highest rung of the overdue ladder reached (-1: reminded; -2: nothing yet)
    _text("sample_reason", True),
    _text("attendees", True),  # person ids joined by ";": they attend the owner's work (ATTENDANCE indexes them)
    _text("copies", True),  # person ids joined by ";": they get it as a copy
    _ts("created_at", False),
    _ts("updated_at", False),
    Index("ix_obligations_assignee_due", "assignee", "due"),
    Index("ix_obligations_status_due", "status", "due"),
    Index("ix_obligations_rule", "framework", "row"),
    Index("ix_obligations_ladder", "escalated", "due"),
)

ATTENDANCE = Table(
    "attendance", METADATA,  # who attends, or is copied into, whose obligation: the index behind "my feed"
    _s("obligation", 40, primary_key=True),
    _s("person", 100, primary_key=True),
    _s("role", 20),  # attending | copy
    Index("ix_attendance_person", "person"),
)

OUTCOMES = Table(
    "outcomes", METADATA,
    _s("obligation", 40, primary_key=True),
    _s("grade", 40, True),  # None: work done that takes no grade
    _bool("concerns", False),
    Column("areas", JSON, nullable=False, default=dict),
    _s("by", 100, True),
    Column("audit_date", Date, nullable=False),  # the date the audit was done
    _text("notes", True),
    _bool("contested", False),
    _s("moderated_grade", 40, True),
    _s("moderated_by", 100, True),
    Column("moderated_areas", JSON, nullable=True),  # key area -> grade, as the moderator judged them (Tameside's tables)
    Column("moderated_on", Date, nullable=True),
    _s("signoff_by", 100, True),
    Column("signoff_on", Date, nullable=True),
    _ts("recorded_at", False),
)

ACTIONS = Table(
    "actions", METADATA,  # beside an obligation of kind "action": what must be done (the manager's words: never in a feed or email)
    _s("obligation", 40, primary_key=True),
    _s("audit", 40, index=True),  # the audit that raised it (the obligation's cause)
    _text("what"),
    _bool("safeguarding", False),
    _s("raised_by", 100, True),
    _text("note", True),  # what the owner said on closing it
    _s("checked_by", 40, True),  # the review that checked it
    Column("carried_out", Boolean, nullable=True),  # what that review found: None until a review says
)

ESCALATIONS = Table(
    "escalations", METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    _s("obligation", 40),
    _int("level"),
    _s("to_person", 100, True),
    Column("on", Date, nullable=False),
    _text("reason"),
    Column("due", Date, nullable=False),  # the due date it was raised against: more time given starts the ladder again
    UniqueConstraint("obligation", "level", "due", name="uq_escalation_level_due"),
)

OUTBOX = Table(
    "outbox", METADATA,  # a notice to send: written in the transaction that caused it, sent once
    Column("id", Integer, primary_key=True, autoincrement=True),
    _s("key", 200, unique=True),  # idempotency: one notice per cause and reason
    _s("recipient", 100, True),
    _text("recipient_email"),
    _text("cc", True),  # addresses copied, joined by ","
    _text("subject"),
    _text("body_text"),
    _text("body_html"),
    _s("reason", 40),
    _s("cause", 40, True),
    _bool("digest", False),
    _s("digest_key", 200, True, index=True),  # the digest email this item went out in
    _s("status", 20, default="pending"),  # pending | sending | sent | failed | digested
    _int("attempts", 0),
    _ts("next_attempt_at", False),
    _s("claimed_by", 100, True),
    _ts("claimed_until"),
    _ts("created_at", False),
    _ts("sent_at"),
    _text("last_error", True),
    Index("ix_outbox_status_next", "status", "next_attempt_at"),  # the sender's claim, the pending count
    Index("ix_outbox_digest_pending", "digest", "status", "recipient", "id"),  # the daily gather, in its order
    Index("ix_outbox_status_sent", "status", "sent_at"),  # the retention purge: what was sent before a date
)

EXTENDED = text("kind = 'obligation.extended'")  # the partial index's condition, and the queries' own words

EVENTS = Table(
    "events", METADATA,  # the event log: what was loaded, recorded, sent, and by whom
    Column("id", Integer, primary_key=True, autoincrement=True),
    _ts("at", False),
    _s("kind", 40),
    _s("ref", 200, default=""),
    Column("payload", JSON, nullable=False, default=dict),
    # the one kind read back by what it is (an extension's first "from", the report's list): the other lines,
    # an outcome's among them, write no index entry (migration 0014)
    Index("ix_events_extended", "kind", "ref", sqlite_where=EXTENDED, postgresql_where=EXTENDED),
)

FEED_TOKENS = Table(
    "feed_tokens", METADATA,  # a secret feed URL or API token, stored only as its hash
    _s("token_hash", 64, primary_key=True),
    _s("person", 100),
    _s("scope", 20, default="person"),
    _s("purpose", 20, default="feed"),  # feed | api
    _ts("created_at", False),
    _ts("revoked_at"),
)

FEED_STATES = Table(
    "feed_states", METADATA,  # each feed URL's last ETag and when its bytes last changed (its Last-Modified)
    _s("feed", 64, primary_key=True),
    _s("etag", 80),
    _ts("changed_at", False),
)

META = Table(
    "meta", METADATA,  # small named values the store keeps: the organisation's version, ...
    _s("key", 100, primary_key=True),
    _text("value"),
)

SCHEDULE_RUNS = Table(
    "schedule_runs", METADATA,  # the last schedule of a window: what it depended on, so a repeat with no change is skipped
    _s("framework", 100, primary_key=True),
    Column("first", Date, primary_key=True),
    Column("last", Date, primary_key=True),
    _s("part", 20, primary_key=True),  # calendar | samples
    _s("fingerprint", 64),  # everything the plan of this part depends on
    _int("planned", 0),
    Column("notes", JSON, nullable=False, default=list),
    _ts("at", False),
)

TICK_RUNS = Table(
    "tick_runs", METADATA,  # one row per business date: the daily tick runs once per date
    Column("business_date", Date, primary_key=True),
    _ts("started_at", False),
    _ts("finished_at"),
    _s("runner", 100, default=""),
    _ts("claimed_until"),  # a runner that died lets go
    Column("summary", JSON, nullable=False, default=dict),
)

SIGNIN_LINKS = Table(
    "signin_links", METADATA,  # an emailed one-time sign-in link, stored only as its hash; used once, then dead
    _s("link_hash", 64, primary_key=True),
    _s("person", 100),
    _ts("created_at", False),
    _ts("expires_at", False),
    _ts("used_at"),
)

WEB_SESSIONS = Table(
    "web_sessions", METADATA,  # a signed-in browser, stored only as its cookie's hash, with its CSRF token
    _s("session_hash", 64, primary_key=True),
    _s("person", 100),
    _s("csrf", 64),
    _ts("created_at", False),
    _ts("seen_at", False),  # the last request: a session idle longer than a working day has ended
)

EXTENSION_REQUESTS = Table(
    "extension_requests", METADATA,  # more time asked for; the framework's approver approves (and extends) or refuses
    Column("id", Integer, primary_key=True, autoincrement=True),
    _s("obligation", 40, index=True),
    _s("asked_by", 100),
    _ts("asked_at", False),
    Column("to_date", Date, nullable=False),
    _text("reason"),  # free text: the obligation's page only, never a feed, an email or a log
    _s("status", 20, index=True),  # pending | approved | refused
    _s("decided_by", 100, True),
    _ts("decided_at"),
    _text("answer", True),  # a refusal's reason, as free as the request's
)
