"""Scheduling in the store: plan a window and reconcile it, one part at a time.

Two parts, each with its own fingerprint so that a repeat with nothing
changed costs a query, not a plan:

- the **calendar** (periods and events) depends on the framework, the
  organisation, the window and which periods have begun (cases are chosen as
  a period begins);
- **samples** (moderation of completed audits) depend on those and on the
  completed audits of the sampled rows, which change whenever an outcome is
  recorded; a sample once drawn is kept and only topped up.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone

from sqlalchemy import Connection, func, select

from qaf.engine.org import Org
from qaf.engine.sampling import CaseHistory
from qaf.engine.fingerprint import fingerprint
from qaf.engine.schedule import CALENDAR, SAMPLES, part_of, plan
from qaf.rules.model import Framework
from qaf.store import obligations as ob_store
from qaf.store.tables import ScheduleRunRecord
from qaf.store.upsert import upsert

RUNS = ScheduleRunRecord.__table__
OBLIGATIONS = ob_store.OBLIGATIONS


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def done_state(conn: Connection, framework: str, rows: list[str]) -> str:
    """A digest of the completed audits of ``rows``: recording one changes it."""
    c = OBLIGATIONS.c
    query = select(func.count(), func.max(c.updated_at)).where(c.framework == framework, c.row.in_(rows), c.status == "done")
    n, latest = conn.execute(query).one()
    return f"{n}|{latest}"


def schedule(store, fw: Framework, org: Org, first: date, last: date, today: date, force: bool = False) -> ob_store.ScheduleResult:
    parts = [CALENDAR]
    sampled = sorted({c.sample.row for r in fw.rows for c in r.cadences if c.sample is not None})
    if sampled:
        parts.append(SAMPLES)
    with store.engine.begin() as conn:
        store._lock(conn, f"schedule.{fw.id}")
        results = [_part(conn, store, fw, org, first, last, today, part, sampled, force) for part in parts]
    return _combine(fw.id, results)


def _part(conn, store, fw: Framework, org: Org, first: date, last: date, today: date, part: str, sampled: list[str], force: bool):
    inputs = fingerprint(fw, org, first, last, today, part)
    if part == SAMPLES:
        inputs = _digest(inputs, done_state(conn, fw.id, sampled))
    c = RUNS.c
    run = conn.execute(select(RUNS).where(c.framework == fw.id, c.first == first, c.last == last, c.part == part)).first()
    if not force and run is not None and run.fingerprint == inputs:
        return ob_store.ScheduleResult(fw.id, run.planned, unchanged=run.planned, notes=tuple(run.notes), skipped=True)
    mine = {(r.id, i) for r in fw.rows for i, cad in enumerate(r.cadences) if part_of(cad) == part}
    # the samples part reads only its own few rows
    existing = ob_store.planned_window(conn, fw.id, first, last, mine if part == SAMPLES else None)
    existing = {k: o for k, o in existing.items() if (o.row, o.cadence) in mine}
    if part == CALENDAR:
        history, completed = ob_store.case_history(conn, first, last, fw.recent_audit_months), []
    else:
        history, completed = CaseHistory(), ob_store.completed_audits(conn, fw.id, first, last)
    planned = plan(fw, org, first, last, today, existing, history, completed, parts=(part,))
    result = ob_store.reconcile(conn, planned, fw, org, existing)
    if result.created or result.updated or result.cancelled or result.reopened:
        store._log(conn, "schedule", fw.id, {
            "part": part, "first": first.isoformat(), "last": last.isoformat(), "created": result.created,
            "updated": result.updated, "reassigned": result.reassigned, "cancelled": result.cancelled,
            "reopened": result.reopened,
        })  # fmt: skip
    row = {"framework": fw.id, "first": first, "last": last, "part": part, "fingerprint": inputs,
           "planned": result.planned, "notes": list(result.notes), "at": datetime.now(timezone.utc)}  # fmt: skip
    upsert(conn, RUNS, [row], ["framework", "first", "last", "part"])
    return result


def _combine(framework: str, results: list[ob_store.ScheduleResult]) -> ob_store.ScheduleResult:
    def total(name: str) -> int:
        return sum(getattr(r, name) for r in results)

    notes = tuple(n for r in results for n in r.notes)
    return ob_store.ScheduleResult(
        framework, total("planned"), total("created"), total("updated"), total("reassigned"), total("cancelled"),
        total("reopened"), total("waived"), total("unchanged"), notes, all(r.skipped for r in results),
    )  # fmt: skip
