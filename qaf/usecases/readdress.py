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
gathered again. Notices this does not work out (a copy of finished work)
are left as they were.
"""

from __future__ import annotations

from datetime import date

from qaf.engine.escalation import rung_text
from qaf.engine.query import Filters
from qaf.engine.readdress import NOT_WORKED_OUT, copied_today, greeted, in_post, leavers_addresses, left_of, named_today, nobody
from qaf.store import obligations as ob_store
from qaf.store import outbox as outbox_store
from qaf.store import ticks
from qaf.store.outcomes import log_many
from qaf.store.protocols import Store


def readdress(store: Store, today: date) -> tuple[int, int]:
    """Address again what waits for people who have left by ``today``: (readdressed or copied anew, failed as nobody's)."""
    with store.read() as conn:  # most minutes nobody has left: a read, no write lock taken
        org = store.org_in(conn)
        leavers = leavers_addresses(org, today)
        if all(in_post(org, p, today) for p in outbox_store.waiting_for(conn)) and \
                not any(left_of(org, _cc(r), today, leavers) for r in outbox_store.waiting_copied(conn)):  # fmt: skip
            return 0, 0
    with store.write() as conn:
        org = store.org_in(conn)
        frameworks: dict = {}

        def framework(name: str):
            if name not in frameworks:
                frameworks[name] = store.framework_in(conn, name)
            return frameworks[name]

        events: list = []
        moved, failed = _addressed_again(conn, org, today, framework, events)
        moved += _copied_again(conn, org, today, framework, events)
        log_many(conn, events)
    return moved, failed


def _addressed_again(conn, org, today: date, framework, events: list) -> tuple[int, int]:
    """Each notice waiting for someone not in post to whoever its key names today, or failed as nobody's."""
    gone = {p for p in outbox_store.waiting_for(conn) if not in_post(org, p, today)}
    rows = outbox_store.waiting_to(conn, gone) if gone else []
    items = [r for r in rows if r.reason != "digest"] + outbox_store.ungather(conn, [r for r in rows if r.reason == "digest"])
    items = [r for r in items if r.recipient in gone and r.cause]
    found = _obligations(conn, {r.cause for r in items})
    moved = failed = 0
    for r in items:
        ob = found.get(r.cause)
        if ob is None:
            continue
        who = named_today(framework(ob.framework), org, ob, r.key, today)
        if who is NOT_WORKED_OUT:
            continue
        if who is None or who.id == r.recipient:
            failed += outbox_store.not_sent(conn, r.id, nobody(org.person(r.recipient), r.recipient))
            events.append(("notice.not_sent", ob.id, {"key": r.key, "recipient": r.recipient, "why": "left"}))
            continue
        if r.key.startswith("esc/"):
            moved += _rung_again(conn, framework(ob.framework), org, ob, r, who)
        else:
            moved += outbox_store.readdress(conn, r.id, who.id, who.email, greeted(r.body_text, who.name))
        events.append(("notice.readdressed", ob.id, {"key": r.key, "was": r.recipient, "to": who.id}))
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


def _copied_again(conn, org, today: date, framework, events: list) -> int:
    """Each notice waiting to go whose copies name someone not in post copied to who is copied in their place."""
    leavers = leavers_addresses(org, today)
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


def _cc(row) -> tuple[str, ...]:
    return tuple(a for a in (row.cc or "").split(",") if a.strip())


def _obligations(conn, ids: set[str]) -> dict:
    return {o.id: o for o in ob_store.find(conn, Filters(ids=frozenset(ids), statuses=None))} if ids else {}
