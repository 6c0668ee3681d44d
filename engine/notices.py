"""Notices: what qaf tells a person (an alert, a grade, an overdue step), before it is an email.

A notice is written to the outbox in the transaction that caused it, under a
key that names its cause, so it is queued once however often the cause is
replayed. Text names staff and case references only: the store holds no
child's name to name. Subjects are single lines (no header injection).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from qaf.engine.model import Obligation, a_kind, kind_words
from qaf.engine.org import Org, Person
from qaf.engine.rules_ref import Event
from qaf.rules.model import Framework


@dataclass(frozen=True, slots=True)
class Notice:
    key: str  # one notice per cause and reason, ever
    recipient: str
    email: str
    subject: str
    body: str
    reason: str
    cause: str | None
    digest: bool = False  # goes in the recipient's daily digest rather than at once
    cc: tuple[str, ...] = ()  # addresses copied ("copied to the Head of Safeguarding"): sent at once, never digested
    held: str | None = None  # why it cannot go yet (nobody holds the post it is for): kept failed, saying so, until someone does


# The mark of a notice failed because nobody in post answers for its work (the Operations Manager's post
# empty, or its holder gone with nobody in her place): the outbox keeps it, and it goes to whoever holds the
# post within HELD_DAYS of being raised (qaf.usecases.readdress). Every such reason says it in these words.
NOBODY_ANSWERS = "nobody in post now answers for this work"
HELD_DAYS = 92  # qaf's default (no paper says): the three months the frameworks give the work an alert sets off


_TOLD_AS, _FOR_THIS = "You are told as the ", " for this work."
_WHOSE = {"worker": "worker's ", "assignee": "auditor's ", "team": "team's "}  # an alert's 'of': whose post it is (the
# assignee of the audit, follow-up or review whose outcome told them: the auditor, in the councils' words)
# and as read back: alerts written for a while said "the assignee's" (an outbox may hold them still, waiting)
_READ_WHOSE = (*_WHOSE.items(), ("assignee", "assignee's "))


def told_as(role: str, of: str | None = None) -> str:
    """The line of a notice saying which post it is for, and whose (an alert's ``of``: "the worker's Operations
    Manager", where a row may alert the assignee's too): what :func:`post_of` and :func:`whose_of` read back."""
    return f"{_TOLD_AS}{_WHOSE.get(of or '', '')}{role}{_FOR_THIS}"


def whose_of(body: str) -> str | None:
    """Whose post a notice's ``body`` says it is for (an alert's ``of``: worker, assignee, team), or None (a grade's
    notice, or an alert written before notices said it).

    >>> whose_of("You are told as the worker's Operations Manager for this work."), whose_of(told_as("Head of Safeguarding"))
    ('worker', None)
    """
    said = _told_line(body)
    return next((of for of, words in _READ_WHOSE if said and said.startswith(words)), None)


def post_of(body: str) -> str | None:
    """The post a notice's ``body`` says it is for (:func:`told_as`), as the framework named it when the notice was
    written (its key numbers a trigger, which an amendment moves: the text it was written with stays), or None.

    >>> post_of("Dear Oscar New,\\n\\nAudit: ...\\nYou are told as the Head of Safeguarding for this work.\\n")
    'Head of Safeguarding'
    """
    said = _told_line(body)
    whose = next((words for _, words in _READ_WHOSE if said and said.startswith(words)), "")
    return said[len(whose):] if said is not None else None


def _told_line(body: str) -> str | None:
    """What the body's line of :func:`told_as` says between "You are told as the " and " for this work."."""
    for line in body.split("\n"):
        if line.startswith(_TOLD_AS) and line.endswith(_FOR_THIS):
            return line[len(_TOLD_AS) : -len(_FOR_THIS)]
    return None


def one_line(text: str, limit: int = 200) -> str:
    """A header-safe single line: control characters and line breaks become spaces."""
    # most text is printable already: one scan in C, and the character-by-character pass only when it is not
    cleaned = text if text.isprintable() else "".join(ch if ch.isprintable() else " " for ch in text)
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def _what(org: Org, ob: Obligation, worker: Person | None = None) -> str:
    """``case CS-000123 (Tom Fairley)``: the case and ``worker``, else the worker who holds the case; work
    about a worker with no case (3.3's supervision records) names the worker: ``Paul Practice``."""
    if worker is None:
        found = org.case(ob.case) if ob.case else None
        worker = org.person(found.worker) if found and found.worker else None
    if not ob.case:
        return worker.name if worker is not None else ob.subject
    return f"case {ob.case} ({worker.name})" if worker else f"case {ob.case}"


def notice_for(fw: Framework, org: Org, ob: Obligation, event: Event, to: Person, reason: str, key: str, role: str | None = None,
               worker: Person | None = None, of: str | None = None) -> Notice:  # fmt: skip
    """An alert or a grade's notice about ``ob`` to ``to``; ``worker``: the worker whose work it graded (the
    subject names him, though the case has passed to another worker since)."""
    auditor = org.person(ob.assignee or "")
    what = _what(org, ob, worker)
    grade = (event.grade or "").replace("_", " ")
    work = kind_words(ob.kind)  # an audit, a follow-up audit, a review (3.16's of the file of concern)
    if reason == "alert":
        finding = "significant concerns" if event.concerns else f"a grade of {grade}"
        subject = f"Alert: {finding} in the {ob.row} {work} of {what}"
    else:
        subject = f"{grade.capitalize()} {'moderated ' if event.on == 'moderation' else ''}grade: {ob.row} {work} of {what}"
    lines = [
        f"Dear {to.name},",
        "",
        f"{'The moderation' if event.on == 'moderation' else a_kind(ob.kind).capitalize()} under row {ob.row} of {fw.title} found "
        f"{'significant concerns' if event.concerns else 'no significant concerns'}; the grade is {grade or 'not given'}.",
        f"{work.capitalize()}: {ob.title}",
        f"Auditor: {auditor.name if auditor else ob.assignee or 'unassigned'}",
        f"Obligation: {ob.id}",
    ]
    if role:
        lines.append(told_as(role, of))
    lines += ["", "qaf — quality assurance schedule"]
    digest = reason != "alert" and reads_digest(fw, org, to)
    cc = copied(org, ob, to) if reason == "alert" else ()
    return Notice(key, to.id, to.email, one_line(subject), "\n".join(lines), reason, ob.id, digest and not cc, cc)


def held_for_nobody(fw: Framework, org: Org, ob: Obligation, event: Event, role: str, of: str, key: str,
                    worker: Person | None = None, reason: str = "alert") -> list[Notice]:  # fmt: skip
    """An alert (or a grade's notice: ``reason``) to ``role`` for the ``of`` of ``ob`` that nobody holds on the
    day (the Operations Manager's post empty): written as it would be, to nobody ("Dear Operations Manager,"),
    and held, failed and saying why, so the outbox shows it and it goes to whoever holds the post when someone
    does. Those an alert's work is copied to (the Head of Service) are not kept waiting with it: each has the
    copy now, an email of its own (``KEY/cc/ADDRESS``), saying nobody holds the post."""
    written = notice_for(fw, org, ob, event, Person("", role, ""), reason, key, role=role, worker=worker,
                         of=of if reason == "alert" else None)  # fmt: skip
    held = replace(written, recipient=None, email="", digest=False, cc=(), held=f"not sent: no {role} found for the {of}: {NOBODY_ANSWERS}")
    body = held_copy(f"No {role} is in post for this work", written.body)
    return [held] + [replace(written, key=f"{key}/cc/{a}", recipient=None, email=a, body=body, digest=False, cc=()) for a in written.cc]


def held_copy(why: str, body: str) -> str:
    """The text of the copy of a held alert (nobody in post answers for its work: ``why``), sent now."""
    why = why.removeprefix("not sent: ")
    return f"{why[:1].upper()}{why[1:]}: this copy comes to you now, and the alert goes to whoever holds the post.\n\n{body}"


def copied(org: Org, ob: Obligation, to: Person | None = None) -> tuple[str, ...]:
    """The addresses of those an obligation's work is copied to (its ``copies``), but not ``to`` themselves."""
    found = (org.person(p) for p in ob.copies)
    return tuple(dict.fromkeys(p.email for p in found if p is not None and p.email and (to is None or p.id != to.id)))


def copy_notices(fw: Framework, org: Org, ob: Obligation, done_on, by: str | None) -> list[Notice]:
    """A copy of finished work for each person it is copied to: what, when, by whom; never the notes."""
    who = org.person(by or ob.assignee or "")
    out = []
    for pid in ob.copies:
        to = org.person(pid)
        if to is None or not to.email:
            continue
        subject = f"Copy: {ob.row} {ob.kind.replace('_', ' ')} done: {_what(org, ob) if ob.case else ob.title.split(' — ')[0]}"
        lines = [
            f"Dear {to.name},",
            "",
            f"This is your copy: row {ob.row} of {fw.title} says the work is copied to you.",
            f"Done: {ob.title}",
            f"On {done_on.isoformat() if done_on else 'the date recorded'} by {who.name if who else by or 'its assignee'}.",
            f"Obligation: {ob.id}",
            "",
            "qaf — quality assurance schedule",
        ]
        out.append(Notice(f"copy/{ob.id}/{pid}", to.id, to.email, one_line(subject), "\n".join(lines), "copy", ob.id))
    return out


def reads_digest(fw: Framework, org: Org, person: Person) -> bool:
    """Whether ``person`` holds a role whose notices (all but alerts) go in the daily digest (``digest_roles``)."""
    return any(r in fw.digest_roles for r in _roles(fw, org, person))


def _roles(fw: Framework, org: Org, person: Person) -> frozenset[str]:
    from qaf.engine.scope import people_of
    from qaf.rules.roles import vocabulary_of

    return people_of(org, vocabulary_of(fw)).roles.get(person.id, frozenset())
