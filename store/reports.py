"""What the monthly report reads besides obligations: extensions (from the event log) and escalations.

Both come back as the engine's records (:class:`qaf.engine.report.Extension`,
:class:`qaf.engine.report.Raised`); the figures are worked out in
:mod:`qaf.engine.report`, which is pure.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, select

from qaf.engine.report_model import Extension, Raised
from qaf.store.tables import ESCALATIONS, EVENTS, EXTENDED, OUTCOMES


def extensions(conn: Connection) -> list[Extension]:
    """Every ``obligation.extended`` event, oldest first."""
    query = select(EVENTS.c.ref, EVENTS.c.payload).where(EXTENDED)  # in the partial index's own words, so both databases use it.order_by(EVENTS.c.id)
    out = []
    for r in conn.execute(query):
        p = r.payload or {}
        try:
            first, to = date.fromisoformat(p["from"]), date.fromisoformat(p["to"])
        except (KeyError, TypeError, ValueError):
            continue  # not an extension this version of qaf wrote
        out.append(Extension(r.ref, first, to, int(p.get("working_days") or 0), p.get("by")))
    return out


def raised(conn: Connection, first: date, last: date) -> list[Raised]:
    """Rungs of the overdue ladder (and reminders) raised from ``first`` to ``last``."""
    c = ESCALATIONS.c
    query = select(c.obligation, c.level, c.on, c.to_person).where(c.on >= first, c.on <= last).order_by(c.id)
    return [Raised(r.obligation, r.level, r.on, r.to_person) for r in conn.execute(query)]


def done_dates(conn: Connection) -> dict[str, date]:
    """When each piece of work with an outcome was done, graded or not (a report, a meeting)."""
    return {r.obligation: r.audit_date for r in conn.execute(select(OUTCOMES.c.obligation, OUTCOMES.c.audit_date))}


def stamp(conn: Connection) -> str:
    """A digest that changes whenever a report's figures could: the obligations' and organisation's
    versions (:func:`qaf.store.feeds.version`), the newest event and the newest escalation."""
    from sqlalchemy import func

    from qaf.store.feeds import version

    newest = conn.execute(select(select(func.max(EVENTS.c.id)).scalar_subquery(), select(func.max(ESCALATIONS.c.id)).scalar_subquery())).one()
    return f"{version(conn)}|{newest[0]}|{newest[1]}"
