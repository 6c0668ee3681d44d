"""Reconciling a plan with what the store holds: what to create, change, cancel or reopen. Pure.

The planner says what the window should hold; the store says what it holds.
:func:`reconcile` decides, obligation by obligation:

- done work is never touched;
- live (or waived) work the plan no longer holds is cancelled, with the
  reason it left scope (a leaver, a closed case, a team gone);
- work cancelled only because it left scope is reopened when it is back;
- otherwise the assignee, team, title, period's end and due date (a framework
  amended from quarterly to monthly: the visit begun on 1 October is now
  October's; more time once given stands) and (until a case is chosen) the
  case, status and sampling reason follow the plan. A case once chosen is
  never re-chosen.

The store applies the answer (:func:`qaf.store.obligations.apply`) in the
same transaction it read ``existing`` in.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Iterable

from qaf.engine.actions import worker_of
from qaf.engine.model import CANCELLED, DONE, LIVE, OPEN, RESCHEDULED, WAIVED, Obligation
from qaf.engine.org import Org
from qaf.engine.schedule import Plan
from qaf.engine.scope import OUT_OF_SCOPE, out_of_scope_reason, people_of
from qaf.rules.model import Framework
from qaf.rules.roles import vocabulary_of


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
    # the framework changed the period (quarterly to monthly: October's visit, begun on the 1st as the
    # quarter's was, now ends with the month) or its due date: the work follows; more time once given stands
    want["period_end"] = new.period_end
    want["due"] = max(old.due, new.due) if old.status == RESCHEDULED else new.due
    current = {"assignee": old.assignee, "team": old.team, "title": old.title, "case_ref": old.case,
               "status": old.status, "status_reason": old.status_reason, "sample_reason": old.sample_reason,
               "attendees": old.attendees, "copies": old.copies, "period_end": old.period_end, "due": old.due}  # fmt: skip
    return {k: v for k, v in want.items() if current[k] != v}


def retitled(old: Obligation, new: Obligation) -> str | None:
    """The title cancelled work takes from the plan, when only its title differs, or None.

    Cancelled work stays cancelled: its status, reason, dates and people are as they were; only its title follows
    the plan (1.6's monthly one-to-one and quarterly review, both called off, say which each was in a feed, not
    "CANCELLED: Meeting with ..." twice). Never when the plan names another case than the one it was for."""
    return new.title if new.title != old.title and new.case == old.case else None


def reconcile(plan: Plan, fw: Framework, org: Org, existing: dict[str, Obligation], done: Iterable[Obligation] = ()) -> Changes:
    """What the store must do so that the window holds what ``plan`` says (``existing``: what it holds;
    ``done``: done work besides, whose periods may lie within the plan's, see :func:`done_counts`)."""
    planned = {o.id: o for o in plan.obligations}
    surplus = done_counts(plan.obligations, fw, [o for o in (*existing.values(), *done) if o.status == DONE])
    updates: list[tuple[Obligation, dict[str, Any]]] = []
    reassigned = reopened = cancelled = unchanged = 0
    for oid, old in existing.items():
        new = planned.get(oid)
        if old.status == DONE:
            unchanged += new is not None
            continue
        if oid in surplus:  # done work answers for it: not asked for (nor reopened)
            if old.status in (*LIVE, WAIVED):
                updates.append((old, {"status": CANCELLED, "status_reason": surplus[oid]}))
                cancelled += 1
            continue
        if new is None:
            if old.status in (*LIVE, WAIVED):
                why = SHARED if was_a_participants_copy(old) else out_of_scope_reason(old, fw, org)
                updates.append((old, {"status": CANCELLED, "status_reason": why}))
                cancelled += 1
            continue
        if old.status == CANCELLED:
            if (old.status_reason or "").startswith(OUT_OF_SCOPE):
                # back as the plan has it; more time given before it left scope stands (the same period, a later day)
                due = max(old.due, new.due) if old.period_end == new.period_end else new.due
                fields = {"status": RESCHEDULED if due > new.due else new.status, "status_reason": new.status_reason,
                          "assignee": new.assignee, "team": new.team, "title": new.title, "case_ref": old.case or new.case,
                          "period_end": new.period_end, "due": due}  # fmt: skip
                updates.append((old, fields))
                reopened += 1
            elif (title := retitled(old, new)) is not None:
                updates.append((old, {"title": title}))
            continue
        fields = changes(old, new)
        if not fields:
            unchanged += 1
            continue
        reassigned += "assignee" in fields
        updates.append((old, fields))
    fresh = tuple(o for o in plan.obligations if o.id not in existing and o.id not in surplus)
    waived = sum(1 for o in plan.obligations if o.status == WAIVED)
    return Changes(fresh, tuple(updates), len(planned), reassigned, cancelled, reopened, unchanged, waived, plan.notes)


def done_counts(obligations: Iterable[Obligation], fw: Framework, done: Iterable[Obligation]) -> dict[str, str]:
    """The planned obligations that work done already answers for, each with the reason it is not asked for.

    Work done within a period counts towards it, whatever the framework asked when it was done: 3.16 made
    quarterly in December, a worker whose November audit is done has had the quarter's one audit, and
    October's, open and relabelled as the quarter's, is not asked for too; 4.11 cut from five audits a
    quarter to three after two were done, the quarter asks for one more, not three. Only done work the plan
    does not hold by id counts here (what it holds is the plan's own); the first of a count are kept.
    """
    by_subject: dict[tuple, dict[str, Obligation]] = {}
    for d in done:
        if d.cadence >= 0 and d.subject_kind not in _OWN_RULES:
            by_subject.setdefault((d.row, d.cadence, d.subject_kind, d.subject, d.kind), {})[d.id] = d
    if not by_subject:
        return {}
    groups: dict[tuple, list[Obligation]] = {}
    for o in obligations:
        key = (o.row, o.cadence, o.subject_kind, o.subject, o.kind)
        if key in by_subject:
            groups.setdefault((key, o.period_start, o.period_end), []).append(o)
    out: dict[str, str] = {}
    for (key, start, end), group in groups.items():
        held = by_subject[key]
        ids = {o.id for o in group}
        others = sorted((d for d in held.values() if d.id not in ids and start <= d.period_start and d.period_end <= end),
                        key=lambda d: (d.period_start, d.seq, d.id))  # fmt: skip
        if not others:
            continue
        todo = sorted((o for o in group if o.id not in held), key=lambda o: o.seq)
        room = max(0, len(todo) - len(others))
        for o in todo[room:]:
            out[o.id] = _answered(fw, o, len(group), others)
    return out


ANSWERED = f"{OUT_OF_SCOPE}the framework now asks for "  # how a reason begins when done work answers for the obligation


_OWN_RULES = ("case", "obligation")  # a case's events and moderation samples keep their own rules on work done


def _answered(fw: Framework, ob: Obligation, asked: int, done: list[Obligation]) -> str:
    row = fw.row(ob.row)
    cadence = row.cadence_of(ob.cadence)
    per = f"a {cadence.every.text}" if cadence is not None and cadence.every is not None and not cadence.variations else (
        f"for {ob.period_start.isoformat()} to {ob.period_end.isoformat()}")  # fmt: skip
    kind = ob.kind.replace("_", " ")
    many = f"one {kind}" if asked == 1 else f"{asked} {kind}s"
    which = ", ".join(f"{d.id} (for {d.period_start.isoformat()} to {d.period_end.isoformat()})" for d in done)
    return f"{ANSWERED}{many} {per} of row {ob.row}, and done work counts towards it: {which}"


# --- work a trigger created (cadence < 0) ----------------------------------------------------------

FOLLOWS_THE_ROW = ("follow_up_audit", "review")  # the trigger gave them to whoever does the row's work for the subject


def reconcile_follow_ups(
    fw: Framework, org: Org, live: dict[str, Obligation], causes: dict[str, Obligation], today: date
) -> tuple[tuple[Obligation, dict[str, Any]], ...]:
    """The updates that keep live trigger-made work with whoever answers for it today.

    ``live`` is the framework's live trigger-made obligations; ``causes``
    every obligation up their chains of causes. Each one's assignee is worked
    out again by the rule the trigger used: follow-up audits and reviews go to
    whoever does the causing row's work for the subject (the worker's Practice
    Manager for 3.16), so a new line manager inherits them; moderation and
    sign-off stay with their holder while they are in the organisation, and
    pass to another holder of the trigger's role when they leave (a contested
    grade's moderation, made by no trigger: of ``contest_moderator``); an action
    whose owner leaves passes to whoever holds its case now, else up the
    leaver's line. When nobody answers any more, the work is cancelled and
    the reason says so (never an action: it stays with its owner then); work
    so cancelled (``live`` may hold it) is open again for whoever answers for
    it once someone does (the Head of QA's successor takes up the sign-offs).
    """
    people = _Holders(people_of(org, vocabulary_of(fw)))
    out: list[tuple[Obligation, dict[str, Any]]] = []
    for was in sorted(live.values(), key=lambda o: o.id):
        if was.status == CANCELLED:
            out += _taken_up(fw, org, people, was, causes, today)
            continue
        moved = _rehomed(org, was)
        ob = replace(was, **moved) if moved else was
        found = _answerer(fw, org, people, ob, causes, today)
        if found is _KEEP or found == ob.assignee:
            if moved:
                out.append((was, moved))
            continue
        if found is None:
            out.append((was, {**moved, "status": CANCELLED, "status_reason": f"{OUT_OF_SCOPE}{_nobody(fw, org, ob, causes)}"}))
        else:
            out.append((was, {**moved, "assignee": found}))
    return tuple(out)


def _taken_up(fw: Framework, org: Org, people, ob: Obligation, causes: dict[str, Obligation], today: date) -> list:
    """Work cancelled because nobody answered for it (:func:`_nobody`: the Head of QA left, the post empty),
    open again for whoever answers for it now (her successor): [] while nobody does, or it was cancelled
    for another reason."""
    if not for_want_of_anyone(ob.status_reason):
        return []
    found = _answerer(fw, org, people, ob, causes, today)
    if found is _KEEP and _root(ob, causes) is not None:  # its holder in post again (a leaving date taken back)
        holder = org.person(ob.assignee or "")
        found = holder.id if holder is not None and holder.active_on(today) else None
    if found is None or found is _KEEP:
        return []
    return [(ob, {"status": RESCHEDULED if ob.due > ob.period_end else OPEN, "status_reason": None, "assignee": found})]


def for_want_of_anyone(reason: str | None) -> bool:
    """Whether trigger-made work was cancelled because nobody answered for it any more (:func:`_nobody`'s words)."""
    said = (reason or "").removeprefix(OUT_OF_SCOPE)
    return said != (reason or "") and (" left and nobody else can do this " in said or
                                       (said.startswith("nobody holding ") and said.endswith(" any more")))  # fmt: skip


def _rehomed(org: Org, ob: Obligation) -> dict[str, Any]:
    """Work a trigger made for a team that has since closed (a restructure) follows its case to the team that
    holds it now: an action on a case of Eastbourne's, merged into Hastings, is Hastings' work."""
    if ob.team is None or org.team(ob.team) is not None:
        return {}
    case = org.case(ob.case) if ob.case else None
    now = case.team if case is not None and org.team(case.team) is not None else None
    if now is None:
        worker = org.person(ob.subject) if ob.subject_kind in ("worker", "case_holder") else None
        now = worker.team if worker is not None and worker.team and org.team(worker.team) is not None else None
    if now is None:
        return {}
    return {"team": now, **({"subject": now} if ob.subject_kind == "team" else {})}


class _Holders:
    """The organisation's people, with each set of roles' holders on a day found once."""

    def __init__(self, people) -> None:
        self.people = people
        self._found: dict[tuple, list] = {}

    def holders(self, roles: tuple[str, ...], start: date, due: date) -> list:
        key = (roles, start, due)
        if key not in self._found:
            self._found[key] = self.people.holders(roles, start, due)
        return self._found[key]

    def __getattr__(self, name: str):
        return getattr(self.people, name)


_KEEP = object()  # the rule cannot be worked out again (its row or cadence is gone): leave it as it is


def _root(ob: Obligation, causes: dict[str, Obligation]) -> Obligation | None:
    seen = {ob.id}
    while ob.cadence < 0:
        cause = causes.get(ob.cause or "")
        if cause is None or cause.id in seen:
            return None
        seen.add(cause.id)
        ob = cause
    return ob


def _cadence(fw: Framework, root: Obligation):
    try:
        row = fw.row(root.row)
    except KeyError:
        return None, None
    return row, row.cadence_of(root.cadence)


def _answerer(fw: Framework, org: Org, people, ob: Obligation, causes: dict[str, Obligation], today: date):
    root = _root(ob, causes)
    if root is None:
        return _KEEP
    if ob.kind not in FOLLOWS_THE_ROW:
        return _holder_of_action(fw, org, people, ob, root, today)
    row, cadence = _cadence(fw, root)
    if cadence is None:
        return _KEEP
    holders = people.holders(cadence.by or row.by, today, today)
    ids = {h.id for h in holders}
    if cadence.peer or cadence.rotate or cadence.rota or ob.subject_kind not in ("worker", "case_holder", "team"):
        return ob.assignee if ob.assignee in ids else None  # a rotation is not worked out again: its holder, while they hold it
    if ob.subject_kind == "team":
        team = org.team(ob.subject)
        found = people.responsible_for_team(team, holders, cadence.within) if team else None
    else:
        found = people.nearest_up_line(ob.subject, holders)
    return found.id if found else None


def _holder_of_action(fw: Framework, org: Org, people, ob: Obligation, root: Obligation, today: date):
    current = org.person(ob.assignee or "")
    if current is not None and current.active_on(today):
        return _KEEP
    roles = {a.role for r in fw.rows if r.id == ob.row for t in r.triggers for a in t.then if a.do == ob.kind and a.role}
    if not roles and ob.kind == "moderation":  # no trigger's: a contested grade's, settled by the framework's contest_moderator
        roles = {fw.contest_moderator}
    if not roles:  # an action a manager raised, its owner gone: the case's worker now, else the nearest manager
        return _action_inheritor(org, ob, today) if ob.kind == "action" else _KEEP
    holders = [h for h in people.holders(tuple(sorted(roles)), today, today) if h.id not in root.authors]
    above = people.nearest_up_line(root.assignee or "", holders)
    if above is not None:
        return above.id
    author = org.person(root.assignee or "")
    same = [h for h in holders if author is not None and people.service(h) == people.service(author)]
    pool = same or holders
    return pool[0].id if pool else None


def _action_inheritor(org: Org, ob: Obligation, today: date):
    """Who takes on an action whose owner has left: whoever the case is allocated to now (the owner an
    action is given when nobody is named), else the nearest of the leaver's managers still in post. Never
    cancelled: an action, a safeguarding one above all, stays someone's until it is closed."""
    allocated = worker_of(org, ob)  # an action's case and subject are its audit's
    if allocated is not None and allocated.active_on(today):
        return allocated.id
    manager = org.manager_on(ob.assignee or "", today)
    return manager.id if manager else _KEEP


def _nobody(fw: Framework, org: Org, ob: Obligation, causes: dict[str, Obligation]) -> str:
    root = _root(ob, causes)
    row, cadence = _cadence(fw, root) if root is not None else (None, None)
    roles = " or ".join((cadence.by or row.by) if row is not None and cadence is not None else ())
    subject = org.person(ob.subject) if ob.subject_kind in ("worker", "case_holder", "assignee") else None
    team = org.team(ob.subject) if ob.subject_kind == "team" else None
    what = subject.name if subject else f"team {team.name}" if team else ob.subject
    if ob.kind not in FOLLOWS_THE_ROW or not roles:
        left = org.person(ob.assignee or "")
        return f"{left.name if left else ob.assignee} left and nobody else can do this {ob.kind.replace('_', ' ')}"
    return f"nobody holding {roles} answers for {what} any more"
