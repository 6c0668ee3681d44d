"""Extension requests: the owner of a piece of work asks for more time; the framework's approver decides.

- :func:`ask`: the obligation's owner asks for a new due date with a reason;
  the request waits (``pending``). One pending request an obligation.
- :func:`approve`: someone the framework lets move that deadline (the
  owner's line, and past ``extension_days`` working days one of its
  ``extension_roles``: :func:`qaf.usecases.recording.may_extend`) approves;
  the extension itself is :func:`qaf.usecases.recording.extend_in`, written
  in the same transaction as the decision, so either both happen or neither.
- :func:`refuse`: the same person refuses, saying why.
- A request still pending when its work is done (or cancelled, or waived),
  or when the work has passed to another owner (its worker moved to another
  manager's line), waits for nobody: it is shown :data:`WITHDRAWN`, deciding
  it is refused, and the new owner may ask for their own.

Anyone else deciding gets :class:`NotAllowed` and the store is unchanged.
The reasons people type stay in the store and on the obligation's page: the
status feeds and emails show says only who moved the date to when.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from qaf.calendars import access
from qaf.engine import typed
from qaf.engine.model import LIVE, Obligation
from qaf.rules.problems import InputError, Problem, QafError, Source
from qaf.store import extensions as requests
from qaf.store import outcomes as oc
from qaf.store.extensions import APPROVED, PENDING, REFUSED, ExtensionRequest
from qaf.store.protocols import Store
from qaf.usecases.recording import MAX_EXTENSION, extend_in, extension_days, may_extend

__all__ = ["APPROVED", "PENDING", "REFUSED", "WITHDRAWN", "ExtensionRequest", "NotAllowed", "Waiting", "approve", "ask", "refuse"]

ASKED = Source("extension request", 0)
WITHDRAWN = "withdrawn"  # shown, never stored: a request still pending when its work stopped being open
MAX_REASON = typed.REASON


class NotAllowed(QafError, PermissionError):
    """The person may not do this (ask for someone else's work, decide what the framework gives another)."""


class NoSuchRequest(QafError, LookupError):
    pass


@dataclass(frozen=True, slots=True)
class Waiting:
    """A pending request with its obligation, and who may decide it."""

    request: ExtensionRequest
    obligation: Obligation
    days: int  # working days in all from the due date before any extension
    approvers: tuple[str, ...]


def _bad(field: str, message: str) -> Problem:
    return Problem(ASKED, field, message)


def withdrawn(r: ExtensionRequest, ob: Obligation) -> bool:
    """Whether pending ``r`` waits for nobody: its work is no longer open, or no longer its asker's."""
    return r.status == PENDING and (ob.status not in LIVE or r.asked_by != ob.assignee)


def approvers(conn, store: Store, ob: Obligation, to: date, today: date) -> tuple[tuple[str, ...], int]:
    """Who may approve moving ``ob`` to ``to`` (nearest manager in post on ``today`` first: never someone who has
    left, or not yet started), and the working days it adds in all."""
    fw = store.framework_in(conn, ob.framework)
    org = store.org_in(conn)
    days = extension_days(conn, fw, ob, to)
    line = (p for p in org.line(ob.assignee or "") if p.active_on(today))
    return tuple(p.id for p in line if may_extend(fw, org, ob, p.id, days)), days


def ask(store: Store, oid: str, by: str, to: date | None, reason: str, now: datetime, today: date) -> ExtensionRequest:
    """``by`` (the owner) asks on ``today`` to move ``oid``'s due date to ``to`` because of ``reason``."""
    with store.write() as conn:
        ob = oc.load(conn, oc.resolve(conn, oid), lock=True)
        if ob.assignee != by:
            raise NotAllowed("only the work's owner may ask for more time for it")
        problems: list[Problem] = []
        reason = reason.strip()
        if ob.status not in LIVE:
            problems.append(_bad("obligation", f"this is {ob.status}: only open work can be extended"))
        if any(r.status == PENDING and not withdrawn(r, ob) for r in requests.of_obligation(conn, ob.id)):
            problems.append(_bad("obligation", "a request for more time is already waiting for a decision"))
        if to is None:
            problems.append(_bad("to", "Enter the new due date as a day, month and year, for example 1/7/2024 or 1 July 2024"))
        elif to <= ob.due:
            problems.append(_bad("to", f"The new due date must be after the current one ({ob.due:%d %B %Y})"))
        elif to < today:
            problems.append(_bad("to", f"The new due date must be today ({today:%d %B %Y}) or later"))
        elif to > oc.original_due(conn, ob) + MAX_EXTENSION:
            problems.append(_bad("to", "The new due date must be within a year of the original one"))
        elif not approvers(conn, store, ob, to, today)[0]:
            problems.append(_bad("to", "Nobody in your line may give that much more time: choose an earlier date"))
        if typed.blank(reason):
            problems.append(_bad("reason", "Say why more time is needed"))
        elif len(reason) > MAX_REASON:
            problems.append(_bad("reason", f"The reason must be {MAX_REASON:,} characters or fewer"))
        elif why := typed.why_not(reason):
            problems.append(_bad("reason", f"The reason holds {why}"))
        if problems:
            raise InputError(problems, f"{ob.id}: no request made, the store is unchanged")
        assert to is not None
        rid = requests.add(conn, ob.id, by, now, to, reason)
        found = requests.get(conn, rid)
        assert found is not None
        return found


def _deciding(conn, store: Store, rid: int, by: str, today: date) -> tuple[ExtensionRequest, Obligation]:
    """The pending request ``by`` may decide, locked with its obligation; else NotAllowed or an InputError."""
    found = requests.get(conn, rid)
    if found is None:
        raise NoSuchRequest(f"no extension request {rid}")
    ob = oc.load(conn, found.obligation, lock=True)
    if by not in approvers(conn, store, ob, found.to, today)[0]:
        raise NotAllowed("only the person the framework says may approve this extension can decide it")
    if found.status != PENDING:
        raise InputError([_bad("request", f"this request was already {found.status}")], f"request {rid}: nothing changed")
    if ob.status not in LIVE:
        raise InputError([_bad("request", f"the work is {ob.status}, no longer open: there is nothing to decide")], f"request {rid}: nothing changed")
    if withdrawn(found, ob):
        org = store.org_in(conn)
        now_, then = (org.person(p) for p in (ob.assignee or "", found.asked_by))
        raise InputError([_bad("request", f"the work is now {now_.name if now_ else ob.assignee}'s, no longer {then.name if then else found.asked_by}'s, "
                                          "who asked: there is nothing to decide")], f"request {rid}: nothing changed")  # fmt: skip
    return found, ob


def approve(store: Store, rid: int, by: str, today: date, now: datetime) -> Obligation:
    """Approve and extend, in one transaction; the extension's checks are ``qaf extend``'s."""
    with store.write() as conn:
        found, ob = _deciding(conn, store, rid, by, today)
        extended = extend_in(conn, store, ob.id, found.to, by, found.reason, today)
        if not requests.decide(conn, rid, APPROVED, by, now, None):
            raise InputError([_bad("request", "this request was decided by someone else meanwhile")], f"request {rid}: nothing changed")
        return extended


def refuse(store: Store, rid: int, by: str, answer: str, now: datetime, today: date) -> ExtensionRequest:
    """Refuse on ``today``, saying why (kept with the request, shown on the obligation's page)."""
    with store.write() as conn:
        found, _ = _deciding(conn, store, rid, by, today)
        answer = answer.strip()
        wrong = ("Say why the request is refused" if typed.blank(answer) else
                 f"The reason must be {MAX_REASON:,} characters or fewer" if len(answer) > MAX_REASON else
                 (why := typed.why_not(answer)) and f"The reason holds {why}")  # fmt: skip
        if wrong:
            raise InputError([_bad("answer", wrong)], f"request {rid}: nothing changed")
        if not requests.decide(conn, rid, REFUSED, by, now, answer):
            raise InputError([_bad("request", "this request was decided by someone else meanwhile")], f"request {rid}: nothing changed")
        done = requests.get(conn, rid)
        assert done is not None
        return done


def of_obligation(store: Store, ob: Obligation, today: date) -> tuple[list[ExtensionRequest], tuple[str, ...]]:
    """An obligation's requests (newest first), and who may decide the pending one (if any) on ``today``."""
    with store.read() as conn:
        found = requests.of_obligation(conn, ob.id)
        # done, cancelled or waived, or passed to another owner: nobody is asked to decide what its asker asked
        found = [replace(r, status=WITHDRAWN) if withdrawn(r, ob) else r for r in found]
        waiting = next((r for r in found if r.status == PENDING), None)
        who = approvers(conn, store, ob, waiting.to, today)[0] if waiting else ()
    return found, who


def waiting_for(store: Store, person: str, today: date) -> list[Waiting]:
    """The pending requests ``person`` may decide on ``today``, oldest first. Only those asked by someone in
    their line are read: a request waits only for managers above the work's owner (:func:`approvers`), and one
    asked by anyone else than the owner is withdrawn; someone with nobody below reads none."""
    out: list[Waiting] = []
    with store.read() as conn:
        below = access.line_below(store.org_in(conn), person)
        for r in requests.pending(conn, below) if below else ():
            ob = oc.load(conn, r.obligation)
            if withdrawn(r, ob):
                continue
            who, days = approvers(conn, store, ob, r.to, today)
            if person in who:
                out.append(Waiting(r, ob, days, who))
    return out
