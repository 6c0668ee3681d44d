"""Schedule runs: per framework, window and part, the fingerprint of what the last run planned from.

A repeat whose inputs have the same fingerprint is skipped (a quiet day's
schedule costs a query, not a plan).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Connection, func, select

from qaf.store.obligations import OBLIGATIONS
from qaf.store.tables import SCHEDULE_RUNS
from qaf.store.upsert import upsert

RUNS = SCHEDULE_RUNS


def done_state(conn: Connection, framework: str, rows: list[str]) -> str:
    """A digest of the completed audits of ``rows``: recording one changes it."""
    c = OBLIGATIONS.c
    query = select(func.count(), func.max(c.updated_at)).where(c.framework == framework, c.row.in_(rows), c.status == "done")
    n, latest = conn.execute(query).one()
    return f"{n}|{latest}"


def last(conn: Connection, framework: str, first: date, last: date, part: str) -> Any | None:
    """The last run of this window and part (``fingerprint``, ``planned``, ``notes``), or None."""
    c = RUNS.c
    return conn.execute(select(RUNS).where(c.framework == framework, c.first == first, c.last == last, c.part == part)).first()


def save(conn: Connection, framework: str, first: date, last: date, part: str, fingerprint: str, planned: int, notes: list[str]) -> None:
    row = {"framework": framework, "first": first, "last": last, "part": part, "fingerprint": fingerprint,
           "planned": planned, "notes": notes, "at": datetime.now(timezone.utc)}  # fmt: skip
    upsert(conn, RUNS, [row], ["framework", "first", "last", "part"])
