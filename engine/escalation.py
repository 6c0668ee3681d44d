"""The overdue ladder: who hears about late work, and when. Pure.

Computed from current state, never from "what happened yesterday": an
obligation overdue by at least N working days that has not yet been
escalated to rung k is escalated now. A missed day therefore catches up, and
nothing escalates twice (the store keeps one row per obligation, rung and due
date). More time given starts the ladder again from the new due date: a
reminder before it, the owner told when it passes, the line manager five
working days later; what was raised before stays raised, in the history.
The same happens whenever the due date moves later for any cause (a case's
closing date corrected, an amended framework's longer period).

Each notice's outbox key names the obligation and rung (``esc/ID/LEVEL``),
and the due date it was raised against (``esc/ID/LEVEL/DUE``) once the
ladder has started again (``restarted``: a rung was raised against an
earlier due date) or more time was given. A ladder run again is emailed
again, once; the first ladder's keys are those it always had, so an upgrade
sends nothing twice.

Reminders and the assignee's own overdue notices are gathered into one email
a person a day (the digest); notices to managers whose role reads digests
(``digest_roles``, or a rung marked ``digest``) are too; everything else goes
at once.

Rungs come from the framework (``escalation``); the defaults in SPEC §3.7 are
a notice to the assignee when work becomes overdue, the line manager after
5 working days, the Head of Service after 20 and the DCS after 40. Rung -1 is
the reminder to the assignee ``reminder_days`` working days before the due
date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Collection, Iterable

from qaf.engine.model import LIVE, RESCHEDULED, Obligation
from qaf.engine.notices import Notice, one_line
from qaf.engine.org import Org, Person
from qaf.engine.scope import people_of
from qaf.engine.workdays import calendar
from qaf.rules.model import Framework
from qaf.rules.roles import vocabulary_of

REMINDER = -1


@dataclass(frozen=True, slots=True)
class Escalation:
    obligation: str
    level: int  # -1 reminder; else the rung's number (its place when first loaded, kept through amendments)
    to: str | None  # the person told (None: nobody holds the role: recorded, not sent)
    on: date
    reason: str
    notice: Notice | None
    due: date  # the due date it was raised against: more time given, the ladder starts again from the new one


def cutoffs(fw: Framework, today: date) -> list[tuple[int, date]]:
    """For each rung (by its number), the latest due date that is overdue enough for it today."""
    workdays = calendar(fw.working_days)
    out = []
    for number, step in fw.rungs():
        day = today - timedelta(days=1)
        while workdays.between(day, today) < step.after:
            day -= timedelta(days=1)
        while day + timedelta(days=1) < today and workdays.between(day + timedelta(days=1), today) >= step.after:
            day += timedelta(days=1)
        out.append((number, day))
    return out


def recipient(fw: Framework, org: Org, ob: Obligation, to: str, day: date) -> Person | None:
    """The person a rung names: the assignee, or someone in the assignee's line above them.

    A rung above the assignee is never the assignee and never anyone below
    them: walking the ``manager`` links up from the assignee, it is the line
    manager (``line_manager``), or the nearest holder of the rung's role. When
    nobody above holds that role (the assignee holds it, or ranks above it:
    the DCS's own work at the Head of Service rung), it is the next active
    person up the line. At the top of the organisation nobody is above: the
    rung is recorded with nobody to tell (see :func:`nobody_above`).
    """
    assignee = org.person(ob.assignee or "")
    if to == "assignee":  # a leaver's mailbox reads nothing: the rung is recorded, with nobody told
        return assignee if assignee is not None and assignee.active_on(day) else None
    if assignee is None:
        return None
    above = [p for p in org.line(assignee.id) if p.active_on(day)]
    if to != "line_manager":
        holders = {h.id for h in people_of(org, vocabulary_of(fw)).holders((to,), day, day)}
        found = next((p for p in above if p.id in holders), None)
        if found is not None:
            return found
    return above[0] if above else None


def nobody_above(org: Org, ob: Obligation, to: str, day: date) -> str:
    """The words for a rung ``to`` that found nobody to tell on ``day``."""
    assignee = org.person(ob.assignee or "")
    if assignee is None:
        return "the assignee is not in the organisation"
    if to == "assignee":
        return f"{assignee.name} left on {assignee.end}" if assignee.end and assignee.end < day else f"{assignee.name} starts on {assignee.start}"
    return f"nobody above {assignee.name} in the line to tell"


def due_escalations(
    fw: Framework, org: Org, live: Iterable[Obligation], done: set[tuple[str, int]], today: date,
    restarted: Collection[str] = frozenset(),
) -> list[Escalation]:
    """Every rung (and reminder) that is due today and not yet sent, for live obligations.

    ``done``: the (obligation, rung) pairs already raised against the due date
    as it stands (or a later one); ``restarted``: the obligations that had rungs
    raised against an earlier due date, whose ladder runs again from the new one
    (their notices are keyed by that date: see :func:`notice_key`).
    """
    workdays = calendar(fw.working_days)
    steps = fw.rungs()
    digest_roles = set(fw.digest_roles)
    people = people_of(org, vocabulary_of(fw))
    out: list[Escalation] = []
    for ob in live:
        if ob.due >= today:
            if (ob.id, REMINDER) not in done and fw.reminder_days and workdays.between(today, ob.due) <= fw.reminder_days:
                who = recipient(fw, org, ob, "assignee", today)
                reason = f"due on {ob.due.isoformat()}"
                digest = True  # reminders come as one email a person a day, not one per obligation
                out.append(Escalation(ob.id, REMINDER, who.id if who else None, today, reason,
                                      _notice(fw, org, ob, who, REMINDER, reason, digest, ob.id in restarted) if who else None,
                                      ob.due))  # fmt: skip
            continue
        late = workdays.between(ob.due, today)
        rungs: list[Escalation] = []
        for level, step in steps:
            if step.after > late or (ob.id, level) in done:
                continue
            who = recipient(fw, org, ob, step.to, today)
            reason = f"overdue by {late} working day{'s' if late != 1 else ''} (due {ob.due.isoformat()})"
            if who is None:
                reason += f": {nobody_above(org, ob, step.to, today)}"
            # the assignee's own overdue notices are gathered into their daily email like reminders;
            # a manager's are too when their role reads digests (SPEC: the DCS gets a digest, not a flood)
            to_assignee = who is not None and who.id == ob.assignee
            digest = to_assignee or step.digest or bool(who and people.roles.get(who.id, frozenset()) & digest_roles)
            notice = _notice(fw, org, ob, who, level, reason, digest, ob.id in restarted) if who else None
            rungs.append(Escalation(ob.id, level, who.id if who else None, today, reason, notice, ob.due))
        out += once_each(rungs)
    return out


def once_each(rungs: list[Escalation]) -> list[Escalation]:
    """One obligation's rungs due on one tick, with one notice a person: the highest rung's.

    After skipped dates several rungs fall due at once, and one person may
    hold two of them (the line manager who is also the Head of Service).
    Every rung is still recorded (so none is raised again tomorrow), each
    naming who was told; only the highest rung that names a person carries
    the notice to them.
    """
    last = {e.to: e.level for e in rungs if e.to is not None}
    out = []
    for e in rungs:
        if e.to is not None and e.level != last[e.to]:
            e = replace(e, notice=None, reason=f"{e.reason}; told once, at rung {last[e.to]}")
        out.append(e)
    return out


def notice_key(ob: Obligation, level: int, restarted: bool) -> str:
    """The outbox key of rung ``level``'s notice for ``ob``: one email a rung and a due date.

    ``esc/ID/LEVEL`` on the obligation's first ladder; ``esc/ID/LEVEL/DUE`` once
    that ladder has started again from a later due date (``restarted``), or
    more time was given (``rescheduled``): the same rung again, for the new
    date, is a new email, not one the outbox already holds and would skip.
    """
    if restarted or ob.status == RESCHEDULED:
        return f"esc/{ob.id}/{level}/{ob.due.isoformat()}"
    return f"esc/{ob.id}/{level}"


def rung_stands(key: str, ob: Obligation) -> bool:
    """Whether the notice keyed ``key`` (an overdue rung's or a reminder's, :func:`notice_key`; or a copy of one,
    ``KEY/cc/ADDRESS``) still says something true of ``ob``: its work still to do, at the due date the rung was
    raised against. Done, waived or given more time since, the ladder has moved on and the email would tell
    someone of late work that is not late. Any other notice (an alert, a grade's) stands whatever became of it.
    """
    parts = key.partition("/cc/")[0].split("/")
    if parts[0] != "esc":
        return True
    if ob.status not in LIVE:
        return False
    if len(parts) >= 4:  # raised against a later due date: standing while that is still the date
        return parts[3] == ob.due.isoformat()
    return ob.status != RESCHEDULED  # the first ladder's: given more time since, its date has moved


def _notice(fw: Framework, org: Org, ob: Obligation, to: Person, level: int, reason: str, digest: bool, restarted: bool) -> Notice:
    subject, body, kind = rung_text(fw, org, ob, to, level, reason)
    return Notice(notice_key(ob, level, restarted), to.id, to.email, subject, body, kind, ob.id, digest)


def rung_text(fw: Framework, org: Org, ob: Obligation, to: Person, level: int, reason: str) -> tuple[str, str, str]:
    """Rung ``level``'s email to ``to`` about ``ob`` as it stands (its owner now), raised for ``reason``:
    its subject, its text and its kind (``reminder``, ``overdue`` to the owner, ``escalation`` above them)."""
    assignee = org.person(ob.assignee or "")
    whose = "" if to.id == ob.assignee else f" ({assignee.name if assignee else 'unassigned'})"
    if level == REMINDER:
        subject = f"Reminder: {ob.title} is {reason}"
        kind = "reminder"
        opening = f"This is due on {ob.due.isoformat()}."
    else:
        subject = f"Overdue{whose}: {ob.title}"
        kind = "overdue" if to.id == ob.assignee else "escalation"
        opening = f"This is {reason}."
    body = "\n".join([
        f"Dear {to.name},",
        "",
        opening,
        f"Work: {ob.title}",
        f"Assigned to: {assignee.name if assignee else 'nobody'}",
        f"Framework row: {ob.row} ({fw.title})",
        f"Obligation: {ob.id}",
        "",
        "qaf — quality assurance schedule",
    ])  # fmt: skip
    return one_line(subject), body, kind
