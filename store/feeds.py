"""What a calendar feed reads: obligations with their last change, and a cheap store version.

:func:`items` gives :class:`FeedItem` records: an obligation (as
:func:`qaf.store.obligations.find` builds it, with the same statement for the
same filters, but of its outcome only what a feed shows), when it last
changed (``updated_at``: a feed's ``DTSTAMP`` and ``LAST-MODIFIED``) and the
title of the obligation whose outcome set it off. Its filters are
:class:`qaf.engine.query.Filters`, applied exactly as ``find`` applies them
(tests hold the two to the same obligations), plus the done window: finished work
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

from datetime import date, datetime, timezone

from sqlalchemy import Connection, func, select

from qaf.calendars.events import FeedItem
from qaf.engine.query import Filters
from qaf.store import obligations as ob_store
from qaf.store.tables import FEED_STATES, FEED_TOKENS, FRAMEWORKS, META
from qaf.store import versioning
from qaf.store.upsert import upsert

TOKENS = FEED_TOKENS


def utc(moment: datetime) -> datetime:
    """SQLite hands back naive timestamps (the store writes UTC); PostgreSQL aware ones."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def items(conn: Connection, f: Filters, finished_since: date | None = None) -> list[FeedItem]:
    """The obligations ``f`` selects, in due order, each with its last change and its cause's title.

    An obligation's outcome here carries what a feed shows (grade, concerns,
    by whom, when), graded or not; notes, key areas and moderation are not
    even read.

    The statement is :func:`qaf.store.obligations.find`'s for the same
    filters (built once per shape of filters, a person's own work and what
    they attend as two selects on their own indexes), with the cause's title
    and the last change beside each row; inside a transaction it runs, as
    ``find``'s does, on the driver's cursor, and its rows are made into
    obligations by the same builder (a Head of Service's 532 rows: 8 ms
    through SQLAlchemy's rows and the constructor, 5 ms so).
    """
    statement, values = ob_store.feed_statement(f, finished_since)
    fetched = ob_store.fetch(conn, statement, values, feed=True)
    n = ob_store.FED
    if fetched is None:  # SQLAlchemy's path: its rows already converted
        return [FeedItem(ob_store.build_fed(r[:n]), utc(r[n]), r[n + 1]) for r in conn.execute(statement, values)]
    rows, made = fetched
    stamp, title = ob_store.result_processors(statement, conn.dialect)[n:]  # each takes None as None
    return [FeedItem(made(r[:n]), utc(stamp(r[n]) if stamp else r[n]), title(r[n + 1]) if title else r[n + 1]) for r in rows]


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
