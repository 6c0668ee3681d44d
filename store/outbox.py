"""The outbox: notices claimed with a lease, sent once, retried with back-off.

- A sender claims due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's
  ``BEGIN IMMEDIATE`` serialises claimers) by writing its name and a lease
  expiry; it sends outside the transaction, then marks each row sent only if
  it still holds the claim. Rows whose claimer died are claimed again once
  the lease expires.
- A send the server refuses for now (a 4xx reply, or no server to reach) is
  retried with back-off (``next_attempt_at``), daily after the first day, for
  ``MAX_ATTEMPTS`` (about a month: a mail server down over a fortnight's
  holiday loses no escalation), then marked failed with the error; one it
  refuses for good (a 5xx reply to the recipient or the message) is marked
  failed at once.
- Digest items (for roles that read one email a day) are gathered once per
  business date into one digest row per recipient, keyed by recipient and
  date, so a repeated tick gathers nothing twice.

Two clocks, both passed in: ``now`` is the business time (back-off, digests:
a replayed year runs on it); ``wall`` is real time (leases: whether a process
is alive is a matter of real time).
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets
import socket
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Iterable

from sqlalchemy import Connection, and_, bindparam, or_, select, update

from qaf.engine.notices import NOBODY_ANSWERS
from qaf.store.outcomes import FIRST_CHANCE
from qaf.store.tables import OUTBOX
from qaf.store.upsert import chunked, insert_new, update_rows

LEASE = timedelta(minutes=5)
# a claimed row is sent only this soon after its claim: the rest of the lease is for the send to finish and
# be marked. A row not begun by then (a slow server held the batch) is handed back, never sent by a holder
# whose lease another sender may already have taken over
SEND_WITHIN = timedelta(minutes=3)
# a send begun in time is not waited on past this after its claim: its lease holds while it is marked
FINISH_WITHIN = LEASE - timedelta(seconds=30)
MAX_ATTEMPTS = 35  # 5 within the first day, then daily: about a month
BACKOFF = (timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2), timedelta(hours=6),
           timedelta(hours=12), timedelta(days=1), timedelta(days=1), timedelta(days=1))  # fmt: skip


@functools.cache
def _place() -> str:
    """Where this process's pids are pids: its kernel's boot and its pid namespace, as 8 hex digits (Linux);
    '' where that cannot be told. Containers on one machine share the boot, each has its own namespace."""
    try:
        boot = open("/proc/sys/kernel/random/boot_id").read().strip()
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""
    return hashlib.sha256(f"{boot}/{namespace}".encode()).hexdigest()[:8]


def runner_name() -> str:
    """A name for a runner of ticks and senders, made as it starts: "host:pid:PLACE.TOKEN".

    Unique to it (the random token): two containers with one hostname, each
    qaf the first process of its own (pid 1), are two runners, not one. The
    place says where its pid can be asked after (:func:`alive`).
    """
    return f"{socket.gethostname()}:{os.getpid()}:{_place()}.{secrets.token_hex(4)}"


def alive(runner: str) -> bool:
    """Whether a runner (:func:`runner_name`) may still be running: a process of this host, kernel and pid
    namespace can be asked; any other (another machine, another container on this one, a runner named by an
    older qaf as "host:pid") only its lease tells."""
    host, pid, token = (runner.split(":") + ["", ""])[:3]
    place = token.partition(".")[0]
    if host != socket.gethostname() or not pid.isdigit() or not place or place != _place():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    key: str
    recipient: str | None
    recipient_email: str
    subject: str
    body_text: str
    body_html: str
    reason: str
    cause: str | None
    attempts: int
    cc: tuple[str, ...] = ()
    send_by: datetime | None = None  # the claim's wall time plus SEND_WITHIN: not begun by then, it is not sent
    finish_by: datetime | None = None  # the claim's wall time plus FINISH_WITHIN: not answered by then, it may have gone


def claim(conn: Connection, runner: str, now: datetime, wall: datetime, limit: int = 100) -> list[Claimed]:
    """Claim up to ``limit`` sendable rows for ``runner`` until ``wall`` + :data:`LEASE`.

    A row is free when nobody holds it, its holder's lease has expired, or
    its holder is a process on this host that is gone (a killed tick: its
    email goes now, not when its lease runs out). A live holder's row is
    never taken.
    """
    c = OUTBOX.c
    free = [c.claimed_until.is_(None), *_let_go(conn, runner, wall)]
    due = and_(
        c.digest.is_(False),
        c.status.in_(("pending", "sending")),
        c.next_attempt_at <= now,
        or_(*free),
    )
    query = select(OUTBOX).where(due).order_by(c.id).limit(limit)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = conn.execute(query).all()
    if not rows:
        return []
    ids = [r.id for r in rows]
    conn.execute(update(OUTBOX).where(c.id.in_(ids)).values(status="sending", claimed_by=runner, claimed_until=wall + LEASE))
    send_by, finish_by = wall + SEND_WITHIN, wall + FINISH_WITHIN
    return [Claimed(r.id, r.key, r.recipient, r.recipient_email, r.subject, r.body_text, r.body_html, r.reason, r.cause,
                    r.attempts, tuple(r.cc.split(",")) if r.cc else (), send_by, finish_by) for r in rows]  # fmt: skip


def _let_go(conn: Connection, runner: str, wall: datetime) -> list:
    """The conditions of a claim its holder can no longer be sending under: its lease expired at ``wall``, or
    its holder a process of this host that is gone (never ``runner``'s own)."""
    c = OUTBOX.c
    gone = [c.claimed_until < wall]
    holders = conn.execute(select(c.claimed_by).where(c.status == "sending", c.claimed_until >= wall).distinct()).scalars()
    dead = sorted(h for h in holders if h and h != runner and not alive(h))
    if dead:
        gone.append(c.claimed_by.in_(dead))
    return gone


def stale_claims(conn: Connection, runner: str, wall: datetime) -> bool:
    """Whether a sender that died (or whose lease ran out) left rows claimed, as :func:`release_stale` frees them."""
    c = OUTBOX.c
    return conn.execute(select(c.id).where(c.status == "sending", or_(*_let_go(conn, runner, wall))).limit(1)).first() is not None


def release_stale(conn: Connection, runner: str, wall: datetime) -> int:
    """Rows a sender that died (or whose lease ran out) left claimed, waiting again (``pending``, as they were
    before the claim): readdressing sees them before a sender claims them again, so they never go to someone
    who left meanwhile. A claim taken so sends the same (:func:`claim` takes such rows as free)."""
    c = OUTBOX.c
    done = conn.execute(update(OUTBOX).where(c.status == "sending", or_(*_let_go(conn, runner, wall)))
                        .values(status="pending", claimed_by=None, claimed_until=None))  # fmt: skip
    return done.rowcount


def in_time(item: Claimed, wall: datetime) -> bool:
    """Whether ``item`` may still be sent at ``wall``: its lease holds for a send begun now to finish."""
    return item.send_by is None or wall < item.send_by


def withdraw_claimed(conn: Connection, ids: list[int], runner: str, why: str) -> int:
    """Rows ``ids`` that ``runner`` claimed, withdrawn unsent (only those it still holds), saying ``why``."""
    c = OUTBOX.c
    result = conn.execute(update(OUTBOX).where(c.id.in_(ids), c.claimed_by == runner, c.status == "sending")
                          .values(status="withdrawn", claimed_until=None, last_error=why))  # fmt: skip
    return result.rowcount


def hand_back(conn: Connection, items: list[Claimed], runner: str) -> int:
    """Release ``runner``'s claim on rows it did not send in time (only those it still holds): due again now."""
    c = OUTBOX.c
    ids = [i.id for i in items]
    if not ids:
        return 0
    result = conn.execute(update(OUTBOX).where(c.id.in_(ids), c.claimed_by == runner, c.status == "sending")
                          .values(status="pending", claimed_until=None))  # fmt: skip
    return result.rowcount


_SENT = (
    update(OUTBOX)
    .where(OUTBOX.c.id == bindparam("oid"), OUTBOX.c.claimed_by == bindparam("runner"), OUTBOX.c.status == "sending")
    .values(status="sent", sent_at=bindparam("b_at"), attempts=bindparam("b_attempts"), claimed_until=None, last_error=None)
)
# by digest_key alone (only digested rows carry one): with a status test too, SQLite's planner,
# lacking statistics, may walk the status index over every digested row instead
_DIGESTED_SENT = update(OUTBOX).where(OUTBOX.c.digest_key == bindparam("b_key")).values(sent_at=bindparam("b_at"))


def mark_sent(conn: Connection, item: Claimed, runner: str, at: datetime) -> bool:
    result = conn.execute(_SENT, {"oid": item.id, "runner": runner, "b_at": at, "b_attempts": item.attempts + 1})
    if result.rowcount == 1 and item.reason == "digest":
        conn.execute(_DIGESTED_SENT, {"b_key": item.key, "b_at": at})
    return result.rowcount == 1


def _copy_of(row: Any, key: str, person: str | None, email: str, body: str, **when: Any) -> dict[str, Any]:
    """A pending email ``key`` to ``person`` (None: an address alone) at ``email``, a copy of outbox row ``row``
    (its subject, kind and cause) with ``body`` its text; ``when``: its tries, time to try, when it was made."""
    return {"key": key, "recipient": person, "recipient_email": email, "cc": None, "subject": row.subject, "body_text": body,
            "body_html": row.body_html, "reason": row.reason, "cause": row.cause, "digest": False, "status": "pending", **when}  # fmt: skip


def copies_refused(conn: Connection, item: Claimed, refused: dict[str, tuple[int, Any]], now: datetime) -> list[str]:
    """``item`` went to its own recipient, and the server refused some of its copies: each refused for now
    (4xx) is an email of its own (``KEY/cc/ADDRESS``), tried again with back-off; each refused for good is
    named, with the server's words, on the sent row, as everything refused is. The keys queued."""
    c = OUTBOX.c
    words = "; ".join(f"copy to {a} refused: {code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
                      for a, (code, reply) in sorted(refused.items()))  # fmt: skip
    conn.execute(update(OUTBOX).where(c.id == item.id).values(last_error=words[:2000]))
    again = [_copy_of(item, f"{item.key}/cc/{a}", None, a, item.body_text, attempts=1, next_attempt_at=now + BACKOFF[0], created_at=now,
                      last_error=words[:2000]) for a, (code, _) in sorted(refused.items()) if code < 500]  # fmt: skip
    insert_new(conn, OUTBOX, again, ["key"])
    return [r["key"] for r in again]


def copies_sent(conn: Connection, item: Claimed, runner: str, copied: tuple[str, ...]) -> None:
    """The server took ``item``'s copies to ``copied`` and refused its own recipient: those copies are not
    sent again when it is tried again; its text says who has it (its Cc line goes with them)."""
    c = OUTBOX.c
    told = {a.lower() for a in copied}
    rest = [a for a in item.cc if a.strip() and a.strip().lower() not in told]
    note = f"\n\nCopied to {', '.join(copied)}, who had it {'' if len(copied) == 1 else 'each '}when it was first sent."
    conn.execute(update(OUTBOX).where(c.id == item.id, c.claimed_by == runner)
                 .values(cc=",".join(rest) or None, body_text=item.body_text + note))  # fmt: skip


def mark_failed(conn: Connection, item: Claimed, runner: str, now: datetime, error: str, permanent: bool = False) -> str:
    c = OUTBOX.c
    attempts = item.attempts + 1
    final = permanent or attempts >= MAX_ATTEMPTS
    status = "failed" if final else "pending"
    conn.execute(
        update(OUTBOX)
        .where(c.id == item.id, c.claimed_by == runner)
        .values(status=status, attempts=attempts, claimed_until=None, last_error=error[:2000],
                next_attempt_at=now + BACKOFF[min(attempts, len(BACKOFF)) - 1])  # fmt: skip
    )
    return status


def send_again(conn: Connection, ids: list[int]) -> tuple[list[Any], dict[int, str]]:
    """Put the failed rows ``ids`` back to be sent, due at once, with a month of tries again, or nothing at
    all: (the rows put back, as they were; what each id that is not a failed row is: ``missing`` or its status).

    Only a failed row with an address is ever put back (one failed as 'may have been sent' once
    someone has checked that it did not arrive): a row pending, being sent or
    sent is never handed to a sender by this. Held as read (PostgreSQL): a
    change to one of them meanwhile waits, and the guarded update puts back
    exactly the rows read failed.
    """
    c = OUTBOX.c
    wanted = sorted(set(ids))
    found = {r.id: r for part in chunked(wanted) for r in conn.execute(select(OUTBOX).where(c.id.in_(part)).order_by(c.id).with_for_update())}
    wrong = {i: (found[i].status if i in found else "missing") for i in wanted if i not in found or found[i].status != "failed"}
    wrong |= {i: "nobody's" for i in wanted if i in found and found[i].status == "failed" and not found[i].recipient_email}  # held: no address
    if wrong:
        return [], wrong
    for part in chunked(wanted):
        conn.execute(update(OUTBOX).where(c.id.in_(part), c.status == "failed")
                     .values(status="pending", attempts=0, next_attempt_at=FIRST_CHANCE, claimed_by=None, claimed_until=None))  # fmt: skip
    return [found[i] for i in wanted], {}


def gather_digests(conn: Connection, day: date, now: datetime, compose) -> int:
    """One digest row per recipient of the pending digest items; ``compose(items) -> (subject, text)``.

    Every pending item goes into exactly one digest, and the digest lists
    exactly the items linked to it. A date gathered a second time (a tick
    that crashed after gathering, a leader that took over) finds only the
    items that arrived since: they get a digest of their own, keyed by the
    date and their first item (``digest/PERSON/DATE/+ID``), never folded into
    the first one, whose text is already written and may be sent. Two
    gatherers at once never put one item in two digests.
    """
    c = OUTBOX.c
    # PostgreSQL: two gatherers at once (ticks of two dates, a catch-up beside today's): the second waits for
    # the first's items, and reads them digested once it commits, not pending as it began (read committed).
    # SQLite writes no FOR UPDATE: its write transaction holds the whole file already
    rows = conn.execute(select(OUTBOX).where(c.digest.is_(True), c.status == "pending").order_by(c.recipient, c.id).with_for_update()).all()
    by_person: dict[str, list[Any]] = {}
    for r in rows:
        by_person.setdefault(r.recipient or r.recipient_email, []).append(r)
    keys = {f"digest/{person}/{day.isoformat()}" for person in by_person}
    taken = set(conn.execute(select(c.key).where(c.key.in_(sorted(keys)))).scalars()) if keys else set()
    digests, links = [], []
    for person, items in by_person.items():
        key = f"digest/{person}/{day.isoformat()}"
        if key in taken:
            key = f"{key}/+{items[0].id}"
        subject, text = compose(items, day)
        digests.append({
            "key": key, "recipient": items[0].recipient, "recipient_email": items[0].recipient_email,
            "subject": subject, "body_text": text, "body_html": "", "reason": "digest", "cause": None,
            "digest": False, "status": "pending", "attempts": 0, "next_attempt_at": FIRST_CHANCE, "created_at": now,
        })  # fmt: skip
        links += [{"id": i.id, "digest_key": key} for i in items]
    made = insert_new(conn, OUTBOX, digests, ["key"])
    if made != len(digests):  # an item linked to a digest that was not written would be lost: undo it all
        raise RuntimeError(f"{len(digests) - made} digest(s) already existed for {day}: nothing gathered")
    update_rows(conn, OUTBOX, "id", links, constants={"status": "digested"})
    return made


def waiting_for(conn: Connection) -> set[str]:
    """The people notices not yet sent are addressed to: pending emails, digest items not yet gathered, digests."""
    c = OUTBOX.c
    return set(conn.execute(select(c.recipient).where(c.status == "pending", c.recipient.is_not(None)).distinct()).scalars())


def waiting_copied(conn: Connection, lock: bool = False) -> list[Any]:
    """The pending rows copied to someone (an alert's ``cc``), in id order; ``lock``: held as read."""
    c = OUTBOX.c
    query = select(c.id, c.key, c.cause, c.recipient_email, c.cc).where(c.status == "pending", c.cc.is_not(None)).order_by(c.id)
    return list(conn.execute(query.with_for_update() if lock else query))


def recopied(conn: Connection, rid: int, cc: tuple[str, ...]) -> bool:
    """Pending row ``rid`` copied to ``cc`` instead."""
    c = OUTBOX.c
    return conn.execute(update(OUTBOX).where(c.id == rid, c.status == "pending").values(cc=",".join(cc) or None)).rowcount == 1


def copies_alone(conn: Connection, lock: bool = False) -> list[Any]:
    """The pending copies of a notice tried again as emails of their own (``KEY/cc/ADDRESS``,
    :func:`copies_refused`: to an address, for no person), in id order; ``lock``: held as read."""
    c = OUTBOX.c
    query = select(OUTBOX).where(c.status == "pending", c.recipient.is_(None), c.key.contains("/cc/", autoescape=True)).order_by(c.id)
    return list(conn.execute(query.with_for_update() if lock else query))


def addressed(conn: Connection, key: str | None, starting: str, but: Iterable[int] = ()) -> frozenset[str]:
    """The addresses (lower case) the notices keyed ``key`` or starting ``starting`` went to or wait to go to:
    their recipients' and those they are copied to, wherever they now go; ``but``: the ids of rows left out."""
    c = OUTBOX.c
    which = c.key.startswith(starting, autoescape=True)
    which = which if key is None else or_(c.key == key, which)
    left_out = sorted(set(but))
    rows = conn.execute(select(c.recipient_email, c.cc).where(which, *([c.id.not_in(left_out)] if left_out else [])))
    return frozenset(a.strip().lower() for r in rows for a in (r.recipient_email, *(r.cc or "").split(",")) if a and a.strip())


def copy_again(conn: Connection, row: Any, key: str, person: str | None, email: str, body: str) -> bool:
    """A pending email ``key`` to ``person`` at ``email``, a copy of outbox row ``row`` (its subject, kind,
    cause and time to try) with ``body`` its text; False if ``key`` is queued already."""
    return insert_new(conn, OUTBOX, [_copy_of(row, key, person, email, body, attempts=0, next_attempt_at=row.next_attempt_at,
                                              created_at=row.created_at)], ["key"]) == 1  # fmt: skip


def waiting_to(conn: Connection, people: set[str]) -> list[Any]:
    """The pending rows addressed to ``people``, in id order, held as read (PostgreSQL: a sender's claim skips them)."""
    c = OUTBOX.c
    return [r for part in chunked(sorted(people)) for r in conn.execute(
        select(OUTBOX).where(c.status == "pending", c.recipient.in_(part)).order_by(c.id).with_for_update())]  # fmt: skip


def ungather(conn: Connection, digests: list[Any]) -> list[Any]:
    """Withdraw the pending ``digests`` (their keys given up, ``KEY/left/ID``) and put the items each lists back
    as pending, to be gathered again; those items, as they now are."""
    c = OUTBOX.c
    keys = [d.key for d in digests]
    ids = [i for part in chunked(keys) for i in conn.execute(
        select(c.id).where(c.digest_key.in_(part), c.status == "digested").order_by(c.id).with_for_update()).scalars()]  # fmt: skip
    for part in chunked(ids):
        conn.execute(update(OUTBOX).where(c.id.in_(part)).values(status="pending", digest_key=None))
    update_rows(conn, OUTBOX, "id", [{"id": d.id, "key": f"{d.key}/left/{d.id}", "status": "withdrawn"} for d in digests])
    return [r for part in chunked(ids) for r in conn.execute(select(OUTBOX).where(c.id.in_(part)).order_by(c.id))]


def readdress(conn: Connection, rid: int, person: str | None, email: str, body: str, subject: str | None = None,
              reason: str | None = None) -> bool:  # fmt: skip
    """Pending row ``rid`` to ``person`` (None: an address alone, a copy) at ``email`` instead, ``body`` its text
    (its greeting theirs), and where given ``subject`` its subject and ``reason`` its kind (an overdue rung
    written again for them)."""
    c = OUTBOX.c
    more = {k: v for k, v in (("subject", subject), ("reason", reason)) if v is not None}
    done = conn.execute(update(OUTBOX).where(c.id == rid, c.status == "pending")
                        .values(recipient=person, recipient_email=email, body_text=body, **more))  # fmt: skip
    return done.rowcount == 1


def held(conn: Connection, since: datetime, lock: bool = False) -> list[Any]:
    """The rows failed because nobody in post answered for their work (their reason says
    :data:`~qaf.engine.notices.NOBODY_ANSWERS`), raised since ``since``, in id order; ``lock``: held as read."""
    query = _held(OUTBOX.c.created_at >= since)
    return list(conn.execute(query.with_for_update() if lock else query))


def _held(*where: Any):
    """The rows failed because nobody in post answered for their work, and ``where``, in id order."""
    c = OUTBOX.c
    return (select(c.id, c.key, c.cause, c.recipient, c.body_text, c.subject, c.created_at, c.last_error)
            .where(c.status == "failed", c.last_error.contains(NOBODY_ANSWERS, autoescape=True), *where).order_by(c.id))  # fmt: skip


def rows(conn: Connection, ids: list[int]) -> list[Any]:
    """The outbox rows ``ids`` as they are, in id order."""
    c = OUTBOX.c
    return [r for part in chunked(sorted(set(ids))) for r in conn.execute(select(OUTBOX).where(c.id.in_(part)).order_by(c.id))]


def held_unaddressed(conn: Connection, ids: list[int]) -> list[Any]:
    """Those of the rows ``ids`` held for nobody with no address (raised while nobody held the post), however
    long ago, in id order, held as read: as :func:`held` reads them."""
    c = OUTBOX.c
    return [r for part in chunked(sorted(set(ids)))
            for r in conn.execute(_held(c.id.in_(part), or_(c.recipient_email.is_(None), c.recipient_email == "")).with_for_update())]


def addressed_to(conn: Connection, rid: int, person: str, email: str, body: str, put_back: bool = False, digest: bool = False) -> bool:
    """Failed row ``rid``, held for nobody, to ``person`` at ``email`` with ``body`` (its reason kept: what it
    waited for); ``put_back``: due at once with a month of tries (``digest``: in their next daily digest), else
    still failed, for :func:`send_again`."""
    c = OUTBOX.c
    again = {"status": "pending", "attempts": 0, "next_attempt_at": FIRST_CHANCE, "claimed_by": None, "claimed_until": None,
             "digest": digest} if put_back else {}  # fmt: skip
    done = conn.execute(update(OUTBOX).where(c.id == rid, c.status == "failed").values(recipient=person, recipient_email=email, body_text=body, **again))
    return done.rowcount == 1


def copies_now(conn: Connection, row: Any, cc: tuple[str, ...], body: str) -> int:
    """Failed row ``row`` (held for nobody) copied to ``cc`` now: an email of its own to each (``KEY/cc/ADDRESS``,
    due at once; one queued already is left as it is) with ``body`` its text, and ``row`` copied to nobody (its
    copies are had: it goes alone to whoever holds the post). How many were queued."""
    c = OUTBOX.c
    made = insert_new(conn, OUTBOX, [_copy_of(row, f"{row.key}/cc/{a}", None, a, body, attempts=0, next_attempt_at=FIRST_CHANCE,
                                              created_at=row.created_at) for a in cc], ["key"])  # fmt: skip
    conn.execute(update(OUTBOX).where(c.id == row.id, c.status == "failed").values(cc=None))
    return made


def not_sent(conn: Connection, rid: int, why: str) -> bool:
    """Pending row ``rid`` failed without being tried, saying ``why`` (``qaf outbox --status failed`` lists it)."""
    c = OUTBOX.c
    done = conn.execute(update(OUTBOX).where(c.id == rid, c.status == "pending").values(status="failed", last_error=why[:2000]))
    return done.rowcount == 1


def pending(conn: Connection) -> int:
    from sqlalchemy import func

    return conn.execute(select(func.count()).select_from(OUTBOX).where(OUTBOX.c.status == "pending")).scalar_one()


def counts(conn: Connection) -> dict[str, int]:
    from sqlalchemy import func

    return {r.status: r.n for r in conn.execute(select(OUTBOX.c.status, func.count().label("n")).group_by(OUTBOX.c.status))}


PURGE_BATCH = 1000  # rows deleted per transaction: a purge never holds the outbox for long
# what the retention purge removes once it is older than the cut-off: (status, the time it is dated by)
_PURGED = (("sent", "sent_at"), ("digested", "sent_at"), ("withdrawn", "created_at"))


def purge_batch(conn: Connection, before: datetime, batch: int = PURGE_BATCH) -> int:
    """Delete up to ``batch`` rows that finished before ``before``; how many went.

    Gone after the retention: emails sent (``sent_at``), digest items whose
    digest was sent (they carry its ``sent_at``, so a digest and the items it
    lists go together), and digest items withdrawn before they were gathered.
    Kept whatever their age: anything pending or being sent, a digest item
    whose digest is not sent yet, and failures (someone should read why).
    Each status is found through ``ix_outbox_status_sent`` or by its age.
    """
    from sqlalchemy import delete

    c = OUTBOX.c
    ids: list[int] = []
    for status, column in _PURGED:
        if len(ids) >= batch:
            break
        at = c[column]
        found = select(c.id).where(c.status == status, at.is_not(None), at < before).order_by(at).limit(batch - len(ids))
        ids += conn.execute(found).scalars().all()
    if ids:
        conn.execute(delete(OUTBOX).where(c.id.in_(ids)))
    return len(ids)
