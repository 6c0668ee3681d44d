"""Notices waiting to be sent to someone who has left go to whoever takes their place for the work.

The tick calls :func:`readdress` after escalating and before gathering
digests and sending. Each notice still pending for a person no longer in
post on the business date (an alert to an Operations Manager who left while
the mail server was down) is worked out again as it was made
(:func:`qaf.engine.readdress.named_today`): it goes to the person that names
today, greeted by name, and an overdue rung records them as told; where it
names nobody it is failed without being tried, saying why, so it is seen
(``qaf outbox --status failed``) rather than sent to a mailbox nobody reads.
A digest gathered for a leaver and not sent is withdrawn and its items
gathered again. A copy the mail server turned away for now, waiting as an
email of its own for a leaver's address, goes to everyone the work is
copied to today who does not have it, or is failed, saying why. Notices
this does not work out (a key the framework no longer explains) are left
as they were.

A notice failed because nobody in post answered for its work (an alert
raised while the Operations Manager's post was empty, or one whose reader
left with nobody in her place) is held: when someone holds the post, within
:data:`~qaf.engine.notices.HELD_DAYS` of its being raised, it goes to them
(:func:`_revived`), greeted by name (a grade's notice in their daily digest, where
their role reads one), and the event log says so. An overdue
rung is held only while its work is still open at the due date it was
raised against; a copy is not held (the others copied have theirs).

The same holds for one merely waiting: as the sender claims an overdue
rung or a reminder whose work has since been done, waived or given more
time, it is withdrawn in the claim's transaction, never sent late
(:func:`standing`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from qaf.engine.escalation import rung_stands, rung_text
from qaf.engine.notices import HELD_DAYS, NOBODY_ANSWERS, held_copy, reads_digest
from qaf.engine.query import Filters
from qaf.engine.readdress import (NOT_WORKED_OUT, copied_instead, copied_today, greeted, held_greeted, in_post, leavers_addresses, left_of, named_today,
                                  nobody, whose)
from qaf.store import obligations as ob_store
from qaf.store import outbox as outbox_store
from qaf.store import ticks
from qaf.store.outcomes import log_many
from qaf.store.protocols import Store


def readdress(store: Store, today: date, runner: str, wall: datetime) -> tuple[int, int]:
    """Address again what waits for people who have left by ``today``: (readdressed or copied anew, failed as
    nobody's). First, what a sender that died left claimed (its lease run out by ``wall``, the database's
    time; or a process of this host that is gone, never ``runner``) waits again, so it is readdressed too before
    a sender claims it."""
    with store.read() as conn:  # most minutes nobody has left: a read, no write lock taken
        org = store.org_in(conn)
        leavers = leavers_addresses(org, today)
        stale = outbox_store.stale_claims(conn, runner, wall)
        held = _revivable(conn, org, today, _frameworks(store, conn), outbox_store.held(conn, _held_since(wall)))
        if not stale and not held and all(in_post(org, p, today) for p in outbox_store.waiting_for(conn)) and \
                not any(left_of(org, _cc(r), today, leavers) for r in outbox_store.waiting_copied(conn)) and \
                not any(left_of(org, (r.recipient_email,), today, leavers) for r in outbox_store.copies_alone(conn)):  # fmt: skip
            return 0, 0
    with store.write() as conn:
        if stale:
            outbox_store.release_stale(conn, runner, wall)
        org = store.org_in(conn)
        framework = _frameworks(store, conn)
        events: list = []
        revived = _revived(conn, org, today, wall, framework, events) if held else 0
        leavers = leavers_addresses(org, today)  # once a pass, for both kinds of copy
        moved, failed = _addressed_again(conn, org, today, framework, leavers, events)
        moved += revived + _copied_again(conn, org, today, framework, leavers, events)
        alone, nobodys = _copies_alone_again(conn, org, today, framework, leavers, events)
        log_many(conn, events)
    return moved + alone, failed + nobodys


@dataclass(frozen=True)
class Held:
    """A notice held because nobody in post answers for its work, as the Director's page lists it."""

    raised: datetime
    subject: str  # staff names and a case reference: never a child's details, never what anyone typed
    obligation: str | None
    why: str  # "no Operations Manager found for the worker", "Olive Ops left on 2024-04-24"


def held_notices(store: Store, today: date, wall: datetime) -> list[Held]:
    """The notices held for nobody that still go to whoever holds the post (raised within
    :data:`~qaf.engine.notices.HELD_DAYS` of ``wall``), the latest first: not a copy, nor one whose work or
    key is gone or has moved on (a rung whose work is done), which readdressing never sends."""
    with store.read() as conn:
        org = store.org_in(conn)
        rows = [r for r, _, _ in _worked_out(conn, org, today, _frameworks(store, conn), outbox_store.held(conn, _held_since(wall)))]
    return [Held(r.created_at, r.subject, r.cause, _why(r.last_error or "")) for r in reversed(rows)]


def _why(reason: str) -> str:
    """A held notice's reason, as a person reads it: who is missing, without the words every one of them shares."""
    why = reason.removeprefix("not sent: ")
    for tail in (f", and {NOBODY_ANSWERS} in their place", f": {NOBODY_ANSWERS}"):
        why = why.removesuffix(tail)
    return why[:1].upper() + why[1:]


def _frameworks(store: Store, conn):
    """``framework(name)``: each framework read once a pass, in ``conn``."""
    found: dict = {}

    def framework(name: str):
        if name not in found:
            found[name] = store.framework_in(conn, name)
        return found[name]

    return framework


def _held_since(wall: datetime) -> datetime:
    """The first moment a notice held for nobody may have been raised (``created_at``, on the clock ``wall`` is)
    and still go to whoever holds the post now."""
    return wall - timedelta(days=HELD_DAYS)


def _worked_out(conn, org, today: date, framework, rows: list) -> list[tuple]:
    """``rows``, notices held for nobody, each readdressing can still send, with its work and whom its key
    names on ``today`` (None: nobody yet): ``(row, obligation, person)``. An overdue rung only while its work
    is open at the due date it was raised against (a reminder: while it is open); an alert or a grade's
    notice whatever became of the work; never a copy (the others copied have theirs) nor a key the
    framework no longer explains."""
    found = _obligations(conn, {r.cause for r in rows if r.cause})
    out = []
    for r in rows:
        ob = found.get(r.cause)
        if ob is None:
            continue
        if not rung_stands(r.key, ob):
            continue  # the ladder has moved on: its next rung is raised on its own day
        who = named_today(framework(ob.framework), org, ob, r.key, today, r.body_text or "")
        if who is not NOT_WORKED_OUT:
            out.append((r, ob, who))
    return out


def _revivable(conn, org, today: date, framework, rows: list) -> list[tuple]:
    """``rows``, notices held for nobody, each that someone in post on ``today`` now answers for, with its work
    and them: ``(row, obligation, person)`` (:func:`_worked_out`)."""
    # its own reader too, back in post (a leaving date HR entered in error, put right)
    return [(r, ob, who) for r, ob, who in _worked_out(conn, org, today, framework, rows) if who is not None and in_post(org, who.id, today)]


def _revived(conn, org, today: date, wall: datetime, framework, events: list) -> int:
    """Each notice held for nobody that someone in post now answers for, to them (worked out again in the write
    transaction, its rows held as read)."""
    return _to_holders(conn, org, today, framework, outbox_store.held(conn, _held_since(wall), lock=True), events, put_back=True)


def held_by_hand(store: Store, conn, today: date, ids: list[int], events: list) -> None:
    """Those of the notices ``ids`` held for nobody with no address (raised while nobody held the post), each
    addressed to whoever in post answers for it on ``today``, however long it has waited, greeted by name, and
    still failed: ``qaf outbox --send-again`` puts it back (past :data:`~qaf.engine.notices.HELD_DAYS`, only
    someone sending it by hand does). One nobody in post answers for yet is left as it is."""
    rows = outbox_store.held_unaddressed(conn, ids)
    if rows:
        _to_holders(conn, store.org_in(conn), today, _frameworks(store, conn), rows, events, put_back=False)


def _to_holders(conn, org, today: date, framework, rows: list, events: list, put_back: bool) -> int:
    """``rows``, held for nobody, each that someone in post now answers for addressed to them (``put_back``: and
    due at once; else by hand, still failed, for ``send_again`` to put back); how many."""
    done = 0
    for r, ob, who in _revivable(conn, org, today, framework, rows):
        # a grade's notice to one whose notices go in the daily digest (a Head of Service) joins it, as it would have
        digest = put_back and r.key.startswith("grade/") and reads_digest(framework(ob.framework), org, who)
        if not outbox_store.addressed_to(conn, r.id, who.id, who.email, held_greeted(r.body_text, who.name), put_back, digest):
            continue
        if put_back and r.key.startswith("esc/"):  # written again for its new reader, and recorded as told
            _rung_again(conn, framework(ob.framework), org, ob, r, who)
        done += 1
        events.append(("notice.revived", ob.id, {"key": r.key, "was": r.recipient, "to": who.id, **({} if put_back else {"by": "hand"})}))
    return done


def put_back_for_leavers(store: Store, conn, today: date, ids: list[int], events: list) -> dict[int, str]:
    """The notices ``ids``, just put back by hand (``qaf outbox --send-again``), worked out again in the same
    transaction as a pass does for what waits for people who have left: one for a leaver goes to whoever answers
    for it now, never waiting for a sender to mail her old mailbox before the next pass. Each that nobody in post
    answers for now, with why (the caller refuses them all)."""
    org = store.org_in(conn)
    leavers = leavers_addresses(org, today)
    rows = outbox_store.rows(conn, ids)
    if all(in_post(org, r.recipient, today) and not left_of(org, (r.recipient_email, *_cc(r)), today, leavers) for r in rows):
        return {}
    framework = _frameworks(store, conn)
    _addressed_again(conn, org, today, framework, leavers, events)
    _copied_again(conn, org, today, framework, leavers, events)
    _copies_alone_again(conn, org, today, framework, leavers, events)
    return {r.id: _left_for(org, r, today) for r in outbox_store.rows(conn, ids) if r.status == "failed"}


def _left_for(org, row, today: date) -> str:
    left = org.person(row.recipient) if row.recipient else whose(org, row.recipient_email, today)
    return f"is for {left.name if left else row.recipient or row.recipient_email}, who has left, and nobody in post answers for it now"


def _addressed_again(conn, org, today: date, framework, leavers: frozenset[str], events: list) -> tuple[int, int]:
    """Each notice waiting for someone not in post to whoever its key names today, or failed as nobody's (held:
    those it is copied to have their copies now, as for one raised while nobody held the post)."""
    gone = {p for p in outbox_store.waiting_for(conn) if not in_post(org, p, today)}
    rows = outbox_store.waiting_to(conn, gone) if gone else []
    items = [r for r in rows if r.reason != "digest"] + outbox_store.ungather(conn, [r for r in rows if r.reason == "digest"])
    items = [r for r in items if r.recipient in gone and r.cause]
    found = _obligations(conn, {r.cause for r in items})
    moved, failed = _copies_in_their_place(conn, org, today, framework, [r for r in items if r.key.startswith("copy/")], found, events)
    for r in items:
        if r.key.startswith("copy/"):
            continue
        ob = found.get(r.cause)
        if ob is None:
            continue
        who = named_today(framework(ob.framework), org, ob, r.key, today, r.body_text or "")
        if who is NOT_WORKED_OUT:
            continue
        if who is None or who.id == r.recipient:
            why = nobody(org.person(r.recipient), r.recipient)
            held = outbox_store.not_sent(conn, r.id, why)
            failed += held
            events.append(("notice.not_sent", ob.id, {"key": r.key, "recipient": r.recipient, "why": "left"}))
            cc = copied_today(framework(ob.framework), org, ob, _cc(r), r.recipient_email, today, leavers) if held and r.cc else ()
            if cc:  # the Head of Service is not kept waiting for the empty post
                outbox_store.copies_now(conn, r, cc, held_copy(why, r.body_text))
            continue
        if r.key.startswith("esc/"):
            moved += _rung_again(conn, framework(ob.framework), org, ob, r, who)
        else:
            moved += outbox_store.readdress(conn, r.id, who.id, who.email, greeted(r.body_text, who.name))
        events.append(("notice.readdressed", ob.id, {"key": r.key, "was": r.recipient, "to": who.id}))
    return moved, failed


def _copies_in_their_place(conn, org, today: date, framework, rows: list, found: dict, events: list) -> tuple[int, int]:
    """Each copy of finished work (``copy/ID/PERSON``) waiting for someone not in post to everyone the work is
    copied to today who does not have a copy, greeted by name (one successor each, or several sharing the role)."""
    copies: dict[str, list] = {}  # each obligation's, by its id
    for r in rows:
        if r.cause in found:
            copies.setdefault(r.cause, []).append(r)
    moved = failed = 0
    for oid, waiting in copies.items():
        ob = found[oid]
        # the addresses the copies waiting for leavers would go to are not had: a successor may read the same (a role's mailbox)
        left = {r.recipient for r in waiting}
        had = outbox_store.addressed(conn, None, f"copy/{oid}/", but=[r.id for r in waiting]) | \
            {p.email.strip().lower() for p in map(org.person, ob.copies) if p and p.email and p.id not in left}  # fmt: skip
        instead = copied_instead(framework(ob.framework), org, ob, had, today)
        m, f = _in_their_place(conn, org, today, ob, waiting, instead,
                               lambda r, p, oid=oid: (f"copy/{oid}/{p.id}", p.id, greeted(r.body_text, p.name)), events)  # fmt: skip
        moved, failed = moved + m, failed + f
    return moved, failed


def _rung_again(conn, fw, org, ob, r, who) -> int:
    """Overdue rung ``r`` (or a reminder) to ``who`` instead, written for them about the work as it stands
    (passed on with its owner's post: "Overdue (Nina New)", not the leaver's name), and recorded as told."""
    parts = r.key.split("/")
    level, due = int(parts[2]), (date.fromisoformat(parts[3]) if len(parts) == 4 else None)
    rung = ticks.rung_told(conn, ob.id, level, due, r.recipient)  # read once: its reason, and the row to name who was told
    if rung is None:  # its rung not found (nothing says why it was raised): its own text, greeted and reassigned
        owner = org.person(ob.assignee or "")
        moved = outbox_store.readdress(conn, r.id, who.id, who.email, greeted(r.body_text, who.name, owner.name if owner else None))
    else:
        subject, body, kind = rung_text(fw, org, ob, who, level, rung.reason)
        moved = outbox_store.readdress(conn, r.id, who.id, who.email, body, subject, kind)
        ticks.told_instead(conn, rung.id, who.id)
    return int(moved)


def _copied_again(conn, org, today: date, framework, leavers: frozenset[str], events: list) -> int:
    """Each notice waiting to go whose copies name someone not in post copied to who is copied in their place
    (``leavers``: :func:`~qaf.engine.readdress.leavers_addresses` for ``org`` and ``today``)."""
    rows = [r for r in outbox_store.waiting_copied(conn, lock=True) if r.cause and left_of(org, _cc(r), today, leavers)]
    found = _obligations(conn, {r.cause for r in rows})
    changed = 0
    for r in rows:
        ob = found.get(r.cause)
        if ob is None:
            continue
        cc = copied_today(framework(ob.framework), org, ob, _cc(r), r.recipient_email, today, leavers)
        if cc != _cc(r) and outbox_store.recopied(conn, r.id, cc):
            changed += 1
            events.append(("notice.recopied", ob.id, {"key": r.key, "left": len(left_of(org, _cc(r), today, leavers)), "copies": len(cc)}))
    return changed


def _copies_alone_again(conn, org, today: date, framework, leavers: frozenset[str], events: list) -> tuple[int, int]:
    """Each copy of a notice tried again as an email of its own (``KEY/cc/ADDRESS``: the server turned it away
    for now) waiting for someone not in post to everyone the work is copied to today who does not have it."""
    rows = [r for r in outbox_store.copies_alone(conn, lock=True) if r.cause and left_of(org, (r.recipient_email,), today, leavers)]
    found = _obligations(conn, {r.cause for r in rows})
    notices: dict[str, list] = {}  # each notice's copies, by its key
    for r in rows:
        if r.cause in found:
            notices.setdefault(r.key.partition("/cc/")[0], []).append(r)
    moved = failed = 0
    for key, copies in notices.items():
        ob = found[copies[0].cause]
        instead = copied_instead(framework(ob.framework), org, ob, outbox_store.addressed(conn, key, f"{key}/cc/"), today)
        m, f = _in_their_place(conn, org, today, ob, copies, instead, lambda r, p, key=key: (f"{key}/cc/{p.email}", None, r.body_text), events)
        moved, failed = moved + m, failed + f
    return moved, failed


def _in_their_place(conn, org, today: date, ob, rows: list, instead: tuple, copy, events: list) -> tuple[int, int]:
    """``rows``, copies of one notice about ``ob`` waiting for people who have left, to ``instead`` in their
    place: each row to one of them, and a copy of its own for each more (``copy(row, person)``: its key,
    recipient and text); a row nobody is left for (more left than took their place, or nobody did) is
    failed, saying why. (readdressed or copied anew, failed)."""
    moved = failed = 0
    for r, p in zip(rows, instead):
        _, person, body = copy(r, p)
        moved += outbox_store.readdress(conn, r.id, person, p.email, body)
        events.append(("notice.readdressed", ob.id, {"key": r.key, "was": _left(org, r, today), "to": p.id}))
    for r in rows[len(instead):]:
        left = whose(org, r.recipient_email, today)
        names = ", ".join(p.name for p in instead)
        why = f"not sent: {left.name if left else r.recipient_email} has left; it goes to {names} in their place" if instead else \
            nobody(left, r.recipient or r.recipient_email)  # fmt: skip
        failed += outbox_store.not_sent(conn, r.id, why)
        events.append(("notice.not_sent", ob.id, {"key": r.key, "recipient": r.recipient or getattr(left, "id", None), "why": "left"}))
    for p in instead[len(rows):]:
        key, person, body = copy(rows[0], p)
        if outbox_store.copy_again(conn, rows[0], key, person, p.email, body):
            moved += 1
            events.append(("notice.copied", ob.id, {"key": key, "was": _left(org, rows[0], today), "to": p.id}))
    return moved, failed


def _left(org, row, today: date) -> str | None:
    """The id of the person who has left that outbox ``row`` waited for."""
    return row.recipient or getattr(whose(org, row.recipient_email, today), "id", None)


def _cc(row) -> tuple[str, ...]:
    return tuple(a for a in (row.cc or "").split(",") if a.strip())


MOVED_ON = "not sent: the work was done, waived or given more time before this could go (the ladder moved on)"


def standing(conn, batch: list, runner: str) -> list:
    """Of ``batch``, the emails just claimed for sending, those that still say something true: an overdue rung
    or a reminder waiting while the mail server was away (or a leaver's was worked out again) whose work has
    since been done, waived or given more time is withdrawn, in the claim's transaction, never sent late; its
    rung stays recorded as raised, as the ladder reached it (:func:`qaf.engine.escalation.rung_stands`)."""
    found = _obligations(conn, {i.cause for i in batch if i.cause and i.key.startswith("esc/")})
    gone = [i for i in batch if i.cause in found and not rung_stands(i.key, found[i.cause])]
    if not gone:
        return batch
    outbox_store.withdraw_claimed(conn, [i.id for i in gone], runner, MOVED_ON)
    log_many(conn, [("notice.withdrawn", i.cause, {"key": i.key, "to": i.recipient, "why": "moved on"}) for i in gone])
    ids = {i.id for i in gone}
    return [i for i in batch if i.id not in ids]


def _obligations(conn, ids: set[str]) -> dict:
    return {o.id: o for o in ob_store.find(conn, Filters(ids=frozenset(ids), statuses=None))} if ids else {}
