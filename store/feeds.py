"""What a calendar feed reads: obligations with their last change, and a cheap store version.

:func:`items` gives :class:`FeedItem` records: an obligation (as
:func:`qaf.store.obligations.find` builds it, outcome included), when it last
changed (``updated_at``: a feed's ``DTSTAMP`` and ``LAST-MODIFIED``) and the
title of the obligation whose outcome set it off. Its filters are
:class:`qaf.engine.query.Filters`, applied exactly as ``find`` applies them
(a test holds the two to the same obligations), plus the done window: finished work
(done, cancelled, waived) is read only if it was due, or done, on or after
``finished_since``.

:func:`version` is one cheap query whose answer changes whenever anything a
feed shows or a token decides may have changed: the obligations (a counter a
trigger bumps in every transaction that writes one: :mod:`qaf.store.versioning`),
the organisation's version, the frameworks loaded and the
tokens issued or revoked. Feed caches key on it, so a revalidation does not
re-render.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, timezone

from sqlalchemy import Connection, and_, func, or_, select

from qaf.calendars.events import FeedItem
from qaf.engine.model import LIVE, Obligation, Outcome
from qaf.engine.query import Filters
from qaf.store.obligations import OBLIGATIONS, OUTCOMES, PEOPLE_COLUMNS, conditions, split
from qaf.store.tables import FEED_STATES, FEED_TOKENS, FRAMEWORKS, META
from qaf.store import versioning
from qaf.store.upsert import upsert

TOKENS = FEED_TOKENS
CAUSE = OBLIGATIONS.alias("cause_ob")


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive timestamps (the store writes UTC); PostgreSQL aware ones."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


# the obligation's columns in the order of its fields, so a row becomes an Obligation positionally
# (four times faster than by name: a large council's feed reads 30,000 of them)
_NAMES = [f.name for f in fields(Obligation) if f.name not in ("outcome", *PEOPLE_COLUMNS)]
_SELECTED = [OBLIGATIONS.c[{"case": "case_ref"}.get(n, n)] for n in _NAMES]
_N = len(_NAMES)
_EXTRA = [OBLIGATIONS.c.updated_at, CAUSE.c.title, OUTCOMES.c.grade, OUTCOMES.c.concerns, OUTCOMES.c.by, OUTCOMES.c.audit_date,
          OBLIGATIONS.c.attendees, OBLIGATIONS.c.copies]  # fmt: skip


def items(conn: Connection, f: Filters, finished_since: date | None = None) -> list[FeedItem]:
    """The obligations ``f`` selects, in due order, each with its last change and its cause's title.

    An obligation's outcome here carries what a feed shows (grade, concerns,
    by whom, when); notes, key areas and moderation stay in the store.
    """
    c = OBLIGATIONS.c
    wanted = conditions(f)
    if finished_since is not None:
        wanted.append(or_(c.status.in_(LIVE), c.due >= finished_since, OUTCOMES.c.audit_date >= finished_since))
    query = (
        select(*_SELECTED, *_EXTRA)
        .select_from(
            OBLIGATIONS.outerjoin(OUTCOMES, OUTCOMES.c.obligation == c.id).outerjoin(CAUSE, CAUSE.c.id == c.cause)
        )
        .where(and_(True, *wanted))
        .order_by(c.due, c.row, c.id)
    )
    out = []
    for r in conn.execute(query):
        updated, cause_title, grade, concerns, by, done_on, attendees, copies = r[_N:]
        outcome = Outcome(grade, bool(concerns), by, done_on) if done_on is not None else None
        ob = Obligation(*r[:_N], attendees=split(attendees), copies=split(copies), outcome=outcome)
        out.append(FeedItem(ob, utc(updated), cause_title))
    return out


_VERSION = select(
    select(META.c.value).where(META.c.key == versioning.KEY).scalar_subquery(),  # one row: store.versioning
    select(META.c.value).where(META.c.key == "org_version").scalar_subquery(),
    select(func.max(FRAMEWORKS.c.loaded_at)).scalar_subquery(),
    select(func.count()).select_from(TOKENS).scalar_subquery(),
    select(func.count(TOKENS.c.revoked_at)).scalar_subquery(),
)


def last_served(conn: Connection, feed: str) -> tuple[str, datetime] | None:
    """The ETag the feed ``feed`` (a hash naming its URL) last served, and since when; None if never."""
    row = conn.execute(select(FEED_STATES.c.etag, FEED_STATES.c.changed_at).where(FEED_STATES.c.feed == feed)).first()
    return (row.etag, utc(row.changed_at)) if row is not None else None


def served_since(conn: Connection, feed: str, etag: str, moment: datetime) -> None:
    """Record that the feed ``feed`` now serves ``etag``, changed at ``moment``."""
    upsert(conn, FEED_STATES, [{"feed": feed, "etag": etag, "changed_at": moment}], ["feed"])


def version(conn: Connection) -> str:
    """A digest that changes when obligations, the organisation, frameworks or tokens change."""
    row = conn.execute(_VERSION).one()
    return "|".join("" if v is None else str(v) for v in row)
