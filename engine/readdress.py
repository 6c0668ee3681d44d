"""Who a notice still waiting in the outbox names today, when the person it was addressed to has left. Pure.

A notice is addressed when it is raised: an alert to the worker's Operations
Manager as the audit is recorded, an overdue rung to the line manager on its
day. Email may wait days to go (the mail server down, ``QAF_SMTP_HOST`` not
yet set), and the organisation moves on meanwhile: the Operations Manager
leaves, a successor takes her post. Sent as addressed, the alert would reach
a leaver's mailbox, which nobody reads, and the manager now answering for the
work would never hear of it. So before the tick sends, each notice waiting
for someone no longer in post is worked out again as its key says it was
made (:func:`named_today`), and goes to whoever that names today; nobody
(no holder of the role, nobody above in the line) and it is not sent, saying
why.

Keys this reads (the others, a digest, are left as they are):
``alert/ON/ID/TRIGGER/ACTION`` (:func:`qaf.engine.outcomes.consequences`: its trigger numbered across the
framework as it stood, which an amendment moves; the post its text says it is for tells which of the row's
alerts it was, or, one post alerted for two people's work, whoever holds it for both today),
``grade/ON/ID/ROLE``, ``esc/ID/LEVEL[/DUE]`` (:func:`qaf.engine.escalation.notice_key`) and
``action/ID/safeguarding`` (:func:`qaf.engine.actions.safeguarding_alert`).
A copy waiting for a leaver, of finished work (``copy/ID/PERSON``,
:func:`qaf.engine.notices.copy_notices`) or of an alert its server turned away for now
(``KEY/cc/ADDRESS``, an email of its own), goes to everyone the work is copied to today who does
not have it (:func:`copied_instead`: each holder of the role now, as the schedule copies them: two
sharing a Head of Safeguarding's post each have one).
The addresses a notice is copied to (an alert's ``cc``) are worked out again too (:func:`copied_today`).

>>> greeted("Dear Kelly Ward,\\n\\nAn audit ...", "Owen Newcomb")
'Dear Owen Newcomb,\\n\\nAn audit ...'
>>> greeted("Dear Pat Practice,\\nAssigned to: Pat Practice", "Nina New", "Nina New")
'Dear Nina New,\\nAssigned to: Nina New'
"""

from __future__ import annotations

from datetime import date

from qaf.engine.actions import alerted_for
from qaf.engine.escalation import REMINDER, recipient
from qaf.engine.model import Obligation
from qaf.engine.notices import NOBODY_ANSWERS, post_of, whose_of
from qaf.engine.org import Org, Person
from qaf.engine.outcomes import holder_for
from qaf.engine.rules_ref import numbered
from qaf.engine.schedule import copied_on
from qaf.rules.model import Framework
from qaf.rules.roles import vocabulary_of

NOT_WORKED_OUT = object()  # a key this module does not read: the notice is left as it is


def in_post(org: Org, person: str | None, day: date) -> bool:
    """Whether ``person`` is in the organisation and in post on ``day`` (a notice with no person: yes)."""
    if person is None:
        return True
    found = org.person(person)
    return found is not None and found.active_on(day)


def named_today(fw: Framework, org: Org, ob: Obligation, key: str, day: date, body: str = ""):
    """The person ``key``'s notice about ``ob`` names on ``day`` (None: nobody), or :data:`NOT_WORKED_OUT`;
    ``body``: its text, which says the post an alert is for (:func:`~qaf.engine.notices.post_of`)."""
    parts = key.split("/")
    try:
        if parts[0] == "alert" and len(parts) == 5 and parts[2] == ob.id:
            index, at = int(parts[3]), int(parts[4])
            trigger = next((t for n, row, t in numbered(fw) if n == index and row == ob.row), None)
            action = trigger.then[at] if trigger is not None and at < len(trigger.then) else None
            said, whose = post_of(body), whose_of(body)
            if (action is None or action.do != "alert" or (said is not None and not _same_post(fw, action.role or "", said))
                    or (whose is not None and action.of != whose)):
                # the framework amended since (rows or triggers added or moved: every trigger's number from there on
                # shifts, and may name another alert of the row): the posts the row's alerts go to that the text says
                # it is for (written as the Operations Manager); one post alerted for two people's work (the worker's
                # Operations Manager and the assignee's) by whose the text says it is for (written since notices say
                # it), else when both name the same person today (one Operations Manager answers for both); else, or
                # with no such post now (renamed with no alias for its old name, or struck), it is not worked out
                row = fw.by_id.get(ob.row)
                posts = {(a.role or "", a.of) for t in (row.triggers if row else ()) for a in t.then
                         if a.do == "alert" and (said is None or _same_post(fw, a.role or "", said))}  # fmt: skip
                # whose the text says it is for, where the row still alerts that post for them; the row alerting the
                # post now for another's work alone (its 'of' amended), the post the text names, still whose it says
                posts = {(role, of) for role, of in posts if whose in (None, of)} or {(role, whose) for role, _ in posts if whose}
                named = {getattr(p, "id", None): p for p in (holder_for(fw, org, ob, role, of, day) for role, of in sorted(posts))}
                return next(iter(named.values())) if len(named) == 1 else NOT_WORKED_OUT
            return holder_for(fw, org, ob, action.role or "", action.of, day)
        if parts[0] == "grade" and len(parts) >= 4 and parts[2] == ob.id:
            return holder_for(fw, org, ob, "/".join(parts[3:]), "assignee", day)
        if parts[0] == "action" and len(parts) == 3 and parts[1] == ob.id and parts[2] == "safeguarding":
            if ob.row not in fw.by_id:  # its row struck since: nothing says whom its alerts go to
                return NOT_WORKED_OUT
            return alerted_for(fw, org, ob, day)
        if parts[0] == "esc" and len(parts) in (3, 4) and parts[1] == ob.id:
            level = int(parts[2])
            if level == REMINDER:
                return recipient(fw, org, ob, "assignee", day)
            step = dict(fw.rungs()).get(level)
            return NOT_WORKED_OUT if step is None else recipient(fw, org, ob, step.to, day)
    except ValueError:
        return NOT_WORKED_OUT
    return NOT_WORKED_OUT


def _same_post(fw: Framework, role: str, written: str) -> bool:
    """Whether ``role``, as the framework names it now, is the post ``written`` (as a notice named it), its
    aliases and spelling aside."""
    vocab = vocabulary_of(fw)
    return (vocab.resolve(role) or role).casefold() == (vocab.resolve(written) or written).casefold()


def copied_instead(fw: Framework, org: Org, ob: Obligation, had: frozenset[str], day: date) -> tuple[Person, ...]:
    """Those ``ob``'s work is copied to on ``day``, as the schedule names them (:func:`copied_on`: every holder
    of each role it is copied to, a body's members, the nearest up the owner's line where the row says so),
    who do not have the copy a leaver was to have: none of ``had``, the addresses (lower case) it went to or
    waits for already. Whom a copy waiting for people who have left goes to in their place, each once."""
    found = (org.person(pid) for pid in copied_on(fw, org, ob, day))
    out = {p.email.strip().lower(): p for p in found if p is not None and p.email and p.email.strip().lower() not in had}
    return tuple(out.values())


def leavers_addresses(org: Org, day: date) -> frozenset[str]:
    """The addresses (lower case) of people no longer in post on ``day`` that nobody in post has: read once
    for all the notices a pass looks at, not once a notice (a council is thousands of people)."""
    known: dict[str, bool] = {}
    for p in org.people:
        if p.email:
            key = p.email.strip().lower()
            known[key] = known.get(key, False) or p.active_on(day)
    return frozenset(a for a, in_post in known.items() if not in_post)


def left_of(org: Org, addresses: tuple[str, ...], day: date, leavers: frozenset[str] | None = None) -> list[str]:
    """Those of ``addresses`` that are people's who are no longer in post on ``day`` (an address the
    organisation does not list, or one someone in post still has, is nobody's who has left); ``leavers``:
    :func:`leavers_addresses` for ``org`` and ``day``, if the caller has it."""
    leavers = leavers_addresses(org, day) if leavers is None else leavers
    return [a for a in addresses if a.strip().lower() in leavers]


def copied_today(fw: Framework, org: Org, ob: Obligation, cc: tuple[str, ...], to: str, day: date,
                 leavers: frozenset[str] | None = None) -> tuple[str, ...]:  # fmt: skip
    """``cc``, the addresses a notice about ``ob`` still waiting to go is copied to, on ``day``: the address
    of each person no longer in post given up for whoever the work is copied to now, as the schedule names
    them (the Head of Service's successor); the rest kept as they were, and never ``to``, its own recipient."""
    gone = left_of(org, cc, day, leavers)
    if not gone:
        return cc
    now = (org.person(pid) for pid in copied_on(fw, org, ob, day))
    kept = [a for a in cc if a not in gone] + [p.email for p in now if p is not None and p.email]
    out: dict[str, str] = {to.strip().lower(): ""}  # each address once, whatever its case; never the recipient's
    for a in kept:
        out.setdefault(a.strip().lower(), a)
    return tuple(a for a in out.values() if a)


def whose(org: Org, address: str, day: date) -> Person | None:
    """Whose address ``address`` is: the person who has left by ``day`` (a shared mailbox: the leaver among
    its holders), else the one who holds it in post; None when nobody the organisation lists holds it."""
    found = [p for p in org.people if p.email and p.email.strip().lower() == address.strip().lower()]
    return next((p for p in found if not p.active_on(day)), found[0] if found else None)


def greeted(body: str, name: str, assignee: str | None = None) -> str:
    """``body`` with its opening "Dear NAME," addressed to ``name``, and its "Assigned to:" line naming
    ``assignee`` (where given: the work passed to a successor); the rest as it was written."""
    lines = body.split("\n")
    for i, line in enumerate(lines):
        if i == 0 and line.startswith("Dear "):
            lines[i] = f"Dear {name},"
        elif assignee and line.startswith("Assigned to: "):
            lines[i] = f"Assigned to: {assignee}"
    return "\n".join(lines)


WAITED = "This waited while nobody in post answered for this work; it comes to you now that you do."


def held_greeted(body: str, name: str) -> str:
    """A held notice's ``body`` for ``name``, who now holds the post: greeted by name, and saying it waited (an
    alert weeks old must not read as news of today's)."""
    lines = greeted(body, name).split("\n")
    at = 2 if len(lines) > 1 and lines[0].startswith("Dear ") and lines[1] == "" else 0
    return "\n".join(lines[:at] + [WAITED, ""] + lines[at:])


def nobody(left: Person | None, person: str) -> str:
    """Why a notice to ``person``, who has left, is not sent (nobody in post takes their place for it)."""
    who = f"{left.name} left on {left.end}" if left is not None and left.end else f"{left.name if left else person} is not in post"
    return f"not sent: {who}, and {NOBODY_ANSWERS} in their place"
