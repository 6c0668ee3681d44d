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

from qaf.engine.query import Filters
from qaf.engine.readdress import NOT_WORKED_OUT, greeted, in_post, named_today, nobody
from qaf.store import obligations as ob_store
from qaf.store import outbox as outbox_store
from qaf.store import ticks
from qaf.store.outcomes import log_many
from qaf.store.protocols import Store


def readdress(store: Store, today: date) -> tuple[int, int]:
    """Address again what waits for people who have left by ``today``: (readdressed, failed as nobody's)."""
    with store.read() as conn:  # most minutes nobody has left: a read, no write lock taken
        org = store.org_in(conn)
        if all(in_post(org, p, today) for p in outbox_store.waiting_for(conn)):
            return 0, 0
    with store.write() as conn:
        org = store.org_in(conn)
        gone = {p for p in outbox_store.waiting_for(conn) if not in_post(org, p, today)}
        rows = outbox_store.waiting_to(conn, gone) if gone else []
        items = [r for r in rows if r.reason != "digest"] + outbox_store.ungather(conn, [r for r in rows if r.reason == "digest"])
        items = [r for r in items if r.recipient in gone and r.cause]
        found = {o.id: o for o in ob_store.find(conn, Filters(ids=frozenset(r.cause for r in items), statuses=None))} if items else {}
        frameworks: dict = {}
        moved = failed = 0
        events = []
        for r in items:
            ob = found.get(r.cause)
            if ob is None:
                continue
            if ob.framework not in frameworks:
                frameworks[ob.framework] = store.framework_in(conn, ob.framework)
            who = named_today(frameworks[ob.framework], org, ob, r.key, today)
            if who is NOT_WORKED_OUT:
                continue
            if who is None or who.id == r.recipient:
                failed += outbox_store.not_sent(conn, r.id, nobody(org.person(r.recipient), r.recipient))
                events.append(("notice.not_sent", ob.id, {"key": r.key, "recipient": r.recipient, "why": "left"}))
                continue
            owner = org.person(ob.assignee or "") if r.key.startswith("esc/") else None  # the work may have passed on too
            moved += outbox_store.readdress(conn, r.id, who.id, who.email, greeted(r.body_text, who.name, owner.name if owner else None))
            if r.key.startswith("esc/"):
                parts = r.key.split("/")
                due = date.fromisoformat(parts[3]) if len(parts) == 4 else None
                ticks.told_instead(conn, ob.id, int(parts[2]), due, r.recipient, who.id)
            events.append(("notice.readdressed", ob.id, {"key": r.key, "was": r.recipient, "to": who.id}))
        log_many(conn, events)
    return moved, failed
