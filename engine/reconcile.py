"""Reconciling a plan with what the store holds: what to create, change, cancel or reopen. Pure.

The planner says what the window should hold; the store says what it holds.
:func:`reconcile` decides, obligation by obligation:

- done work is never touched;
- live (or waived) work the plan no longer holds is cancelled, with the
  reason it left scope (a leaver, a closed case, a team gone);
- work cancelled only because it left scope is reopened when it is back;
- otherwise the assignee, team, title and (until a case is chosen) the case,
  status and sampling reason follow the plan. A case once chosen is never
  re-chosen.

The store applies the answer (:func:`qaf.store.obligations.apply`) in the
same transaction it read ``existing`` in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qaf.engine.model import CANCELLED, DONE, LIVE, OPEN, WAIVED, Obligation
from qaf.engine.org import Org
from qaf.engine.schedule import Plan
from qaf.engine.scope import OUT_OF_SCOPE, out_of_scope_reason
from qaf.rules.model import Framework


@dataclass(frozen=True, slots=True)
class ScheduleResult:
    framework: str
    planned: int
    created: int = 0
    updated: int = 0
    reassigned: int = 0
    cancelled: int = 0
    reopened: int = 0
    waived: int = 0
    unchanged: int = 0
    notes: tuple[str, ...] = ()
    skipped: bool = False  # nothing it depends on changed since the last run of this window


@dataclass(frozen=True, slots=True)
class Changes:
    """What a plan asks of the store: new obligations, and (obligation, columns) to update."""

    new: tuple[Obligation, ...]
    updates: tuple[tuple[Obligation, dict[str, Any]], ...]
    planned: int
    reassigned: int
    cancelled: int
    reopened: int
    unchanged: int
    waived: int
    notes: tuple[str, ...]

    def result(self, framework: str, created: int) -> ScheduleResult:
        """The counts, once the store says how many of the new ones it inserted."""
        updated = len(self.updates) - self.cancelled - self.reopened
        return ScheduleResult(
            framework, self.planned, created, updated, self.reassigned, self.cancelled, self.reopened,
            self.waived, self.unchanged, self.notes,
        )  # fmt: skip


SHARED = "shared work counts once: this participant now attends the owner's obligation"


def was_a_participants_copy(ob: Obligation) -> bool:
    """One of the copies qaf once made for each participant of a meeting or visit, or each member of a body.

    The owner's copy kept its key (attendee 0); the others were numbered from
    100 up (or below zero past a hundred), and a body's meeting was keyed by
    ``body/person``. They are cancelled with :data:`SHARED` as the reason,
    unless done (a done one keeps its history).
    """
    if ob.cadence < 0:
        return False
    if ob.kind in ("meeting", "visit") and (ob.seq >= 100 or ob.seq < 0):
        return True
    return ob.subject_kind == "body" and "/" in ob.subject


def changes(old: Obligation, new: Obligation) -> dict[str, Any]:
    """The columns to update on a live or waived obligation, given what the plan now says."""
    want: dict[str, Any] = {"assignee": new.assignee, "team": new.team, "title": new.title,
                            "attendees": new.attendees, "copies": new.copies}  # fmt: skip
    if old.case is None:  # a case once chosen is never re-chosen
        want.update(case_ref=new.case, status=new.status, status_reason=new.status_reason, sample_reason=new.sample_reason)
        if old.status not in (OPEN, WAIVED):  # rescheduled keeps its status
            want.pop("status"), want.pop("status_reason")
    elif new.case is None:  # the plan kept no case for it (not started): keep the chosen one and its title
        want.pop("title")
    elif new.sample_reason is not None:  # a sample's reason follows its totals ("1 of 5 audits ...")
        want["sample_reason"] = new.sample_reason
    current = {"assignee": old.assignee, "team": old.team, "title": old.title, "case_ref": old.case,
               "status": old.status, "status_reason": old.status_reason, "sample_reason": old.sample_reason,
               "attendees": old.attendees, "copies": old.copies}  # fmt: skip
    return {k: v for k, v in want.items() if current[k] != v}


def reconcile(plan: Plan, fw: Framework, org: Org, existing: dict[str, Obligation]) -> Changes:
    """What the store must do so that the window holds what ``plan`` says (``existing``: what it holds)."""
    planned = {o.id: o for o in plan.obligations}
    updates: list[tuple[Obligation, dict[str, Any]]] = []
    reassigned = reopened = cancelled = unchanged = 0
    for oid, old in existing.items():
        new = planned.get(oid)
        if old.status == DONE:
            unchanged += new is not None
            continue
        if new is None:
            if old.status in (*LIVE, WAIVED):
                why = SHARED if was_a_participants_copy(old) else out_of_scope_reason(old, fw, org)
                updates.append((old, {"status": CANCELLED, "status_reason": why}))
                cancelled += 1
            continue
        if old.status == CANCELLED:
            if (old.status_reason or "").startswith(OUT_OF_SCOPE):
                fields = {"status": new.status, "status_reason": new.status_reason, "assignee": new.assignee,
                          "team": new.team, "title": new.title, "case_ref": old.case or new.case}  # fmt: skip
                updates.append((old, fields))
                reopened += 1
            continue
        fields = changes(old, new)
        if not fields:
            unchanged += 1
            continue
        reassigned += "assignee" in fields
        updates.append((old, fields))
    fresh = tuple(o for o in plan.obligations if o.id not in existing)
    waived = sum(1 for o in plan.obligations if o.status == WAIVED)
    return Changes(fresh, tuple(updates), len(planned), reassigned, cancelled, reopened, unchanged, waived, plan.notes)
