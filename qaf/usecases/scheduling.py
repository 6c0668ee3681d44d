"""Scheduling: plan a window and reconcile the store with it, one part at a time, in one transaction.

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

import dataclasses
import hashlib
from datetime import date, timedelta
from typing import TYPE_CHECKING, Callable

from qaf.engine.fingerprint import fingerprint, framework_digest
from qaf.engine.model import CANCELLED, LIVE, WAIVED
from qaf.engine.org import Org
from qaf.engine.reconcile import ANSWERED, ScheduleResult, reconcile, reconcile_follow_ups
from qaf.engine.sampling import CaseHistory
from qaf.engine.schedule import CALENDAR, SAMPLES, part_of, plan
from qaf.engine.scope import OUT_OF_SCOPE
from qaf.rules.model import Framework
from qaf.store import frameworks as fw_store
from qaf.store.frameworks import UnknownFrameworkError
from qaf.store import obligations as ob_store
from qaf.store import runs
from qaf.store.collector import collector_paused
from qaf.store.protocols import Store

if TYPE_CHECKING:
    from sqlalchemy import Connection


FOLLOW_UPS = "follow_ups"  # its own run row: trigger-made work has no window, so one row a framework
FOLLOW_UPS_KEY = date(1970, 1, 1)  # the window of a part that has none
EARLIER = "earlier"  # its own run row too: live work of periods that ended before the window


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


ATTEMPTS = 5  # a schedule that met work written meanwhile is worked out again, from what then stands


def schedule(store: Store, fw: Framework, org: Org, first: date, last: date, today: date, force: bool = False,
             pulse: Callable[[Connection], None] | None = None) -> ScheduleResult:  # fmt: skip
    """Plan the window and reconcile the store with it, in one transaction.

    ``pulse(conn)`` (a tick's: :meth:`qaf.usecases.dayclaim.DayClaim.pulse`) is
    called as it goes, the planner's cadences included: a large council's
    schedule keeps the tick's claim on its day.

    Work recorded (or moved on) while the plan was worked out is never
    overwritten with what the plan read before (on PostgreSQL a recording
    does not wait for a schedule's reads): the store refuses such an update
    (:class:`qaf.store.obligations.Changed`), and the whole schedule is rolled
    back and worked out again, up to :data:`ATTEMPTS` times.
    """
    return again_if_changed(lambda: _schedule(store, fw, org, first, last, today, force, pulse))


def again_if_changed(work):
    """``work()``, done again (it is one transaction, rolled back) while it met obligations written
    meanwhile (:class:`qaf.store.obligations.Changed`), up to :data:`ATTEMPTS` times in all."""
    attempt = 1
    while True:
        try:
            return work()
        except ob_store.Changed:
            if attempt == ATTEMPTS:
                raise
            attempt += 1


def _schedule(store: Store, fw: Framework, org: Org, first: date, last: date, today: date, force: bool,
              pulse: Callable[[Connection], None] | None) -> ScheduleResult:  # fmt: skip
    with collector_paused(), store.write() as conn:
        store.lock(conn, f"schedule.{fw.id}")
        beat = (lambda: pulse(conn)) if pulse is not None else _still
        beat()  # the lock may have been waited for
        retired = fw_store.retired_on(conn, fw.id)
        if retired is not None:  # retired since the caller read it in use (`qaf framework retire` as the tick began)
            return ScheduleResult(fw.id, 0, notes=(f"{fw.id} was retired on {retired.isoformat()}: it is scheduled no more",), skipped=True)
        fw = _as_stored(conn, store, fw)
        fw = store.numbered_in(conn, fw)  # each cadence's number as the store keeps it: an amendment does not renumber
        parts = [CALENDAR]
        sampled = sorted({c.sample.row for r in fw.rows for c in r.cadences if c.sample is not None})
        if sampled:
            parts.append(SAMPLES)
        results = [_part(conn, store, fw, org, first, last, today, part, sampled, force, beat) for part in parts]
        beat()
        results.append(_follow_ups(conn, store, fw, org, today))
        beat()
        results.append(_earlier(conn, store, fw, org, first, today, beat))
    return _combine(fw.id, results)


def _still() -> None:
    """No pulse: scheduling outside a tick."""


def _as_stored(conn, store: Store, fw: Framework) -> Framework:
    """``fw`` as the store holds it now: the caller read it before the schedule took its lock, and an amendment
    loaded since (rows renumbered, their work renamed with them) is what the store's work now follows. A
    framework the store does not hold is planned as given."""
    try:
        held = store.framework_in(conn, fw.id)
    except UnknownFrameworkError:
        return fw
    return fw if held is fw or held == fw else held


def _follow_ups(conn, store, fw: Framework, org: Org, today: date) -> ScheduleResult:
    """Live work a trigger created follows the organisation too: a new line manager inherits it,
    a leaver's passes on, and work nobody answers for any more is cancelled with the reason.

    Skipped while the framework, the organisation and who is in it today are as
    they were at the last run: work a trigger creates meanwhile is given to
    whoever answers for it then.
    """
    active = ",".join(p.id for p in org.people if p.active_on(today))

    def updates():
        live, causes = ob_store.trigger_made(conn, fw.id, OUT_OF_SCOPE)  # with what nobody answered for: someone may now
        return reconcile_follow_ups(fw, org, live, causes, today)

    return _windowless(conn, store, fw, FOLLOW_UPS, _digest(framework_digest(fw), org.fingerprint, active), updates)


def _earlier(conn, store, fw: Framework, org: Org, first: date, today: date, beat: Callable[[], None]) -> ScheduleResult:
    """Live work of periods that ended before the window follows the organisation too.

    HR's news often comes late: a worker who left on the 2nd, loaded on the
    5th of the next month, leaves last month's audit of them overdue, and it
    climbs the escalation ladder to the Director for work nobody can do. Such
    work is planned again over its own periods, and reconciled as the window
    is: cancelled with the reason when its subject is out of scope, given to
    whoever the plan now names (a worker's overdue audits to her line manager
    now, even one who came after they were due). Nothing is created for past
    periods. News withdrawn is followed too, for last month's work: HR's
    leaving date given in error and taken back brings back the audit it
    cancelled. Older work cancelled as out of scope stays cancelled (a
    leaver's record re-opened years later must not bring back every audit
    of the months she was away).

    Skipped while the framework and the organisation are as they were at the
    last run: work that leaves the window as the month turns was reconciled
    with them while it was in it.
    """

    def updates():
        calendar = _cadences(fw, CALENDAR)
        last_month = (first - timedelta(days=1)).replace(day=1)
        gone = _struck_out(fw)
        live = {k: o for k, o in ob_store.live_before(conn, fw.id, first, (last_month, OUT_OF_SCOPE), ANSWERED).items()
                if (o.row, o.cadence) in calendar or gone(o)}  # fmt: skip
        if not live:
            return ()
        since, until = min(o.period_start for o in live.values()), first - timedelta(days=1)
        history = ob_store.case_history(conn, since, until, fw.recent_audit_months)
        planned = plan(fw, org, since, until, today, live, history, parts=(CALENDAR,), inherit=True, pulse=beat)
        done = _done_within(conn, fw.id, planned.obligations)
        return reconcile(planned, fw, org, live, done).updates  # its new work is for periods gone by: none is made

    inputs = _digest(framework_digest(fw), org.fingerprint)
    return _windowless(conn, store, fw, EARLIER, inputs, updates, {"before": first.isoformat()})


def _windowless(conn, store, fw: Framework, part: str, inputs: str, updates_of, logged: dict | None = None) -> ScheduleResult:
    """A part with no window of its own (follow-ups, earlier work): skipped while ``inputs`` are as at
    its last run; else the updates ``updates_of()`` gives are applied, the run kept, the change logged."""
    run = runs.last(conn, fw.id, FOLLOW_UPS_KEY, FOLLOW_UPS_KEY, part)
    if run is not None and run.fingerprint == inputs:
        return ScheduleResult(fw.id, 0, skipped=True)
    updates = updates_of()
    if updates:
        ob_store.apply(conn, (), updates)
    runs.save(conn, fw.id, FOLLOW_UPS_KEY, FOLLOW_UPS_KEY, part, inputs, 0, [])
    if not updates:
        return ScheduleResult(fw.id, 0, skipped=True)
    cancelled = sum(1 for _, fields in updates if fields.get("status") == CANCELLED)
    reassigned = sum(1 for _, fields in updates if "assignee" in fields)
    store.log_in(conn, "schedule", fw.id, {"part": part, **(logged or {}), "reassigned": reassigned, "cancelled": cancelled})
    return ScheduleResult(fw.id, 0, updated=len(updates) - cancelled, reassigned=reassigned, cancelled=cancelled)


def _cadences(fw: Framework, part: str | None = None) -> set[tuple[str, int]]:
    """The (row, cadence) pairs of ``fw`` that ``part`` plans (every part: None)."""
    return {(r.id, i) for r in fw.rows if r.schedulable for i, cad in r.numbered() if part is None or part_of(cad) == part}


def _struck_out(fw: Framework):
    """Whether an obligation comes from a row or cadence the framework no longer has (the council struck it
    out): no part plans it, and the calendar part cancels it, from the window on, with the reason."""
    kept = _cadences(fw)
    return lambda o: o.cadence >= 0 and (o.row, o.cadence) not in kept


def _part(conn, store, fw: Framework, org: Org, first: date, last: date, today: date, part: str, sampled: list[str], force: bool,
          beat: Callable[[], None]):  # fmt: skip
    inputs = fingerprint(fw, org, first, last, today, part)
    if part == SAMPLES:
        inputs = _digest(inputs, runs.done_state(conn, fw.id, sampled))
    run = runs.last(conn, fw.id, first, last, part)
    if not force and run is not None and run.fingerprint == inputs:
        return ScheduleResult(fw.id, run.planned, unchanged=run.planned, notes=tuple(run.notes), skipped=True)
    mine = _cadences(fw, part)
    # the samples part reads only its own few rows
    held = ob_store.planned_window(conn, fw.id, first, last, mine if part == SAMPLES else None)
    gone = _struck_out(fw) if part == CALENDAR else (lambda o: False)
    existing = {k: o for k, o in held.items() if (o.row, o.cadence) in mine or gone(o)}
    if part == CALENDAR:
        history, completed = ob_store.case_history(conn, first, last, fw.recent_audit_months), []
    else:
        history, completed = CaseHistory(), ob_store.completed_audits(conn, fw.id, first, last)
    # PostgreSQL, a window the store holds nothing of (a council's first year): every planned obligation is
    # new, so each is written as it is planned, the server inserting while the planner goes on
    streamed = ob_store.Streamed(conn) if part == CALENDAR and not held and conn.dialect.name == "postgresql" else None
    try:
        planned = plan(fw, org, first, last, today, existing, history, completed, parts=(part,), sink=streamed, pulse=beat)
    except BaseException:
        if streamed is not None:
            streamed.abort()  # the connection out of its COPY, so the transaction can be rolled back
        raise
    streamed = streamed and streamed.close()
    begun = _begun_before(planned, existing, first) if part == CALENDAR else {}
    done = _done_within(conn, fw.id, [o for o in planned.obligations if o.period_start < first], first - timedelta(days=1)) if part == CALENDAR else []
    wanted = reconcile(planned, fw, org, {k: o for k, o in existing.items() if k not in begun}, done)
    beat()
    if begun:
        wanted = _with(wanted, _over_their_own_periods(conn, fw, org, first, today, begun, beat))
    result = wanted.result(fw.id, ob_store.apply(conn, wanted.new, wanted.updates, streamed))
    beat()
    retitled = sorted(old.id for old, fields in wanted.updates if fields.get("title", old.title) != old.title)
    if retitled:  # a follow-up's events name what set it off: "Set off by: <its title>"
        ob_store.touch_set_off_by(conn, retitled)
    if result.created or result.updated or result.cancelled or result.reopened:
        store.log_in(conn, "schedule", fw.id, {
            "part": part, "first": first.isoformat(), "last": last.isoformat(), "created": result.created,
            "updated": result.updated, "reassigned": result.reassigned, "cancelled": result.cancelled,
            "reopened": result.reopened,
        })  # fmt: skip
    runs.save(conn, fw.id, first, last, part, inputs, result.planned, list(result.notes))
    return result


def _begun_before(planned, existing: dict, first: date) -> dict:
    """Work the window holds, begun before it, that the window's plan does not hold (a period the framework no
    longer has, or one the window cannot see from its first day: see :func:`_over_their_own_periods`): live
    or waived, or cancelled because work done answered for it (the amendment withdrawn, it is back). Not other
    cancelled work: a leaver's would have every later run plan the months before the window again, for nothing."""
    ids = {o.id for o in planned.obligations}
    return {k: o for k, o in existing.items() if o.period_start < first and k not in ids and (
        o.status in (*LIVE, WAIVED) or (o.status == CANCELLED and (o.status_reason or "").startswith(ANSWERED)))}  # fmt: skip


def _over_their_own_periods(conn, fw: Framework, org: Org, first: date, today: date, begun: dict, beat: Callable[[], None]):
    """Work begun before the window, planned again over its own start, as :func:`_earlier` plans the work of
    periods gone by: what the plan keeps follows it, the rest is cancelled with the reason; nothing is made.

    A window plans from its first day: 3.16 made quarterly in December relabels October's overdue audit as
    the October-December quarter's; the amendment withdrawn, the monthly plan from December has no period
    beginning on 1 October, yet the framework does (October), and the audit is October's again, overdue as
    it was, not cancelled as "no longer one of its periods".
    """
    since, until = min(o.period_start for o in begun.values()), first - timedelta(days=1)
    history = ob_store.case_history(conn, since, until, fw.recent_audit_months)
    planned = plan(fw, org, since, until, today, begun, history, parts=(CALENDAR,), inherit=True, pulse=beat)
    return reconcile(planned, fw, org, begun, _done_within(conn, fw.id, planned.obligations))


def _done_within(conn, framework: str, obligations, until: date | None = None) -> list:
    """Done work whose periods lie within those of ``obligations`` (it counts towards them), ending by
    ``until`` if given: the window's own done work it holds already, so for the window only the work of
    periods that ended before it is read (3.16 made quarterly in December: November's audit done counts
    towards the October-December quarter)."""
    periodic = [o for o in obligations if o.subject_kind != "case"]
    if not periodic:
        return []
    since, last = min(o.period_start for o in periodic), until or max(o.period_end for o in periodic)
    return ob_store.done_within(conn, framework, since, last, {(o.row, o.cadence) for o in periodic})


def _with(window, earlier):
    """The window's changes with the updates of the work begun before it (its new work, for periods gone by, is not made)."""
    return dataclasses.replace(
        window, updates=window.updates + earlier.updates, reassigned=window.reassigned + earlier.reassigned,
        cancelled=window.cancelled + earlier.cancelled, reopened=window.reopened + earlier.reopened,
        unchanged=window.unchanged + earlier.unchanged,
    )  # fmt: skip


def _combine(framework: str, results: list[ScheduleResult]) -> ScheduleResult:
    def total(name: str) -> int:
        return sum(getattr(r, name) for r in results)

    notes = tuple(n for r in results for n in r.notes)
    return ScheduleResult(
        framework, total("planned"), total("created"), total("updated"), total("reassigned"), total("cancelled"),
        total("reopened"), total("waived"), total("unchanged"), notes, all(r.skipped for r in results),
    )  # fmt: skip
