"""Extension requests in the store: asked, then approved or refused once.

:mod:`qaf.usecases.extensions` decides who may ask and who may decide; this
module keeps the rows. Every function takes the caller's connection, so a
request's decision and the extension it grants are written in one
transaction. Deciding is one conditional UPDATE (still ``pending``), so two
managers clicking at once cannot both decide the same request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Connection, insert, select, update

from qaf.store.tables import EXTENSION_REQUESTS
from qaf.store.upsert import chunked

R = EXTENSION_REQUESTS.c
PENDING, APPROVED, REFUSED = "pending", "approved", "refused"
MAX_ID = 2**31 - 1  # the id column is PostgreSQL's integer: a larger number is no request's (and PostgreSQL refuses to compare it)


@dataclass(frozen=True, slots=True)
class ExtensionRequest:
    id: int
    obligation: str
    asked_by: str
    asked_at: datetime
    to: date
    reason: str  # free text: shown on the obligation's page and to its approver, nowhere else
    status: str
    decided_by: str | None = None
    decided_at: datetime | None = None
    answer: str | None = None  # a refusal's reason


def _request(r) -> ExtensionRequest:
    return ExtensionRequest(r.id, r.obligation, r.asked_by, r.asked_at, r.to_date, r.reason, r.status, r.decided_by, r.decided_at, r.answer)


def add(conn: Connection, obligation: str, asked_by: str, at: datetime, to: date, reason: str) -> int:
    """A new pending request; its id."""
    found = conn.execute(insert(EXTENSION_REQUESTS), {
        "obligation": obligation, "asked_by": asked_by, "asked_at": at, "to_date": to, "reason": reason, "status": PENDING,
    })  # fmt: skip
    return int(found.inserted_primary_key[0])


def get(conn: Connection, rid: int) -> ExtensionRequest | None:
    if not 0 < rid <= MAX_ID:
        return None
    row = conn.execute(select(EXTENSION_REQUESTS).where(R.id == rid)).first()
    return None if row is None else _request(row)


def of_obligation(conn: Connection, obligation: str) -> list[ExtensionRequest]:
    """Every request for one obligation, newest first."""
    rows = conn.execute(select(EXTENSION_REQUESTS).where(R.obligation == obligation).order_by(R.id.desc()))
    return [_request(r) for r in rows]


def pending(conn: Connection, asked_by: frozenset[str] | None = None) -> list[ExtensionRequest]:
    """The requests still waiting for a decision, oldest first: every one, or (``asked_by``) only those these
    people asked (a manager's line: the requests that may wait for them), read an IN list's worth at a time
    (:func:`qaf.store.upsert.chunked`: a Director's whole line is read in a few)."""
    query = select(EXTENSION_REQUESTS).where(R.status == PENDING)
    if asked_by is None:
        return [_request(r) for r in conn.execute(query.order_by(R.id))]
    found = [_request(r) for part in chunked(sorted(asked_by)) for r in conn.execute(query.where(R.asked_by.in_(part)))]
    return sorted(found, key=lambda r: r.id)


def decide(conn: Connection, rid: int, status: str, by: str, at: datetime, answer: str | None) -> bool:
    """Mark a pending request approved or refused; False (nothing changed) if it was no longer pending."""
    assert status in (APPROVED, REFUSED)
    done = conn.execute(
        update(EXTENSION_REQUESTS).where(R.id == rid, R.status == PENDING)
        .values(status=status, decided_by=by, decided_at=at, answer=answer)
    )  # fmt: skip
    return done.rowcount == 1
