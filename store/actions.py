"""Actions in the store: what an audit said must be done, beside the action's obligation.

The free text stays here and on the action's own record; feeds and emails
read obligations (whose title says only "Action from the 3.16 audit of case
CS-...") and never this table.
"""

from __future__ import annotations

from typing import Any, Iterable

from sqlalchemy import Connection, insert, select, update

from qaf.store.obligations import OBLIGATIONS, from_row
from qaf.store.tables import ACTIONS, OUTBOX


def save(conn: Connection, rows: Iterable[dict[str, Any]]) -> None:
    rows = list(rows)
    if rows:
        conn.execute(insert(ACTIONS), rows)


def detail(conn: Connection, oid: str) -> dict[str, Any] | None:
    """What the store keeps beside one action (None: not an action)."""
    r = conn.execute(select(ACTIONS).where(ACTIONS.c.obligation == oid)).first()
    return None if r is None else _detail(r)


def _detail(r) -> dict[str, Any]:
    return {"what": r.what, "safeguarding": r.safeguarding, "raised_by": r.raised_by, "note": r.note,
            "checked_by": r.checked_by, "carried_out": r.carried_out}  # fmt: skip


def of_audit(conn: Connection, audit: str) -> list[tuple[Any, dict[str, Any]]]:
    """The audit's actions, as (Obligation, detail), in the order they were raised."""
    query = (
        select(OBLIGATIONS, *[c.label(f"a_{c.name}") for c in ACTIONS.columns])
        .select_from(ACTIONS.join(OBLIGATIONS, OBLIGATIONS.c.id == ACTIONS.c.obligation))
        .where(ACTIONS.c.audit == audit)
        .order_by(OBLIGATIONS.c.seq)
    )
    out = []
    for r in conn.execute(query):
        d = {"what": r.a_what, "safeguarding": r.a_safeguarding, "raised_by": r.a_raised_by, "note": r.a_note,
             "checked_by": r.a_checked_by, "carried_out": r.a_carried_out}  # fmt: skip
        out.append((from_row(r), d))
    return out


def close(conn: Connection, oid: str, note: str | None) -> None:
    conn.execute(update(ACTIONS).where(ACTIONS.c.obligation == oid).values(note=note))


def checked(conn: Connection, oid: str, review: str, carried_out: bool) -> None:
    conn.execute(update(ACTIONS).where(ACTIONS.c.obligation == oid).values(checked_by=review, carried_out=carried_out))


def withdraw_digest_items(conn: Connection, cause: str) -> int:
    """Reminders and overdue notices about work now closed, still waiting for a digest, leave it.

    Only items not yet gathered: a digest already written keeps its items
    (its text may be on its way), so nothing gathered is ever lost or sent twice.
    """
    c = OUTBOX.c
    query = update(OUTBOX).where(c.cause == cause, c.digest.is_(True), c.status == "pending").values(status="withdrawn")
    return conn.execute(query).rowcount
