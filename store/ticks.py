"""The daily tick's bookkeeping: one row per business date, escalations once per rung.

A tick claims its business date with a lease (:data:`TICK_LEASE`, 10
minutes), renewed before each of its phases and each batch of email, and
every minute inside its phases (:func:`renew_tick`), so only a runner that
stopped renewing it loses it; a finished date is never run again, and a date
whose runner died (lease expired) is taken over. All the
tick's steps are idempotent, so running one again after a crash only does
what was left.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Iterable

from sqlalchemy import Connection, and_, select, update

from qaf.engine.model import LIVE, Obligation
from qaf.store.obligations import OBLIGATIONS, Changed, from_row
from qaf.store.outbox import OUTBOX, alive
from qaf.store.outcomes import outbox_rows
from qaf.store.tables import ESCALATIONS, NOT_ESCALATED, TICK_RUNS
from qaf.store.upsert import chunked, insert_new, update_rows

if TYPE_CHECKING:  # the records it writes; the store never works out an escalation
    from qaf.engine.escalation import Escalation

log = logging.getLogger("qaf.store")
TICKS = TICK_RUNS
# short, so that a runner that died mid-tick (a leader on another host) holds its day only minutes: its
# claim is renewed every minute as it goes (qaf.usecases.dayclaim.RENEW_EVERY), and a batch of email, the
# longest step between two renewals, ends within the outbox's lease (5 minutes) of its renewal
TICK_LEASE = timedelta(minutes=10)


def claim_tick(conn: Connection, day: date, runner: str, wall: datetime) -> str:
    """``run`` (this runner has the date), ``done`` (finished before) or ``busy`` (another runner is at it).

    A claim is taken over when its lease has expired (its runner renews it as
    it goes: :func:`renew_tick`) or when its runner is a process on this host
    that no longer exists; never while it is live: a live claim is a runner at
    work (a `qaf tick` from cron beside the service, a leader before this one
    whose tick goes on), and the service's leader tries that day again later
    (:data:`qaf.service.BUSY_RETRY`).
    """
    # held as read (PostgreSQL): two runners taking over one expired claim at once each read it expired and
    # each ran the day; the second waits for the first's claim and reads it, live (SQLite: the write lock)
    row = conn.execute(select(TICKS).where(TICKS.c.business_date == day).with_for_update()).first()
    if row is None:
        mine = {"business_date": day, "started_at": wall, "runner": runner, "claimed_until": wall + TICK_LEASE, "summary": {}}
        if insert_new(conn, TICKS, [mine], ["business_date"]):
            return "run"
        # another runner claimed the date since the read (PostgreSQL: two ticks of one day starting together;
        # the insert waited for its commit): its claim, read now, decides
        row = conn.execute(select(TICKS).where(TICKS.c.business_date == day)).one()
    if row.finished_at is not None:
        return "done"
    held = row.claimed_until is not None and row.claimed_until > wall and row.runner != runner
    if held and alive(row.runner):
        return "busy"
    conn.execute(update(TICKS).where(TICKS.c.business_date == day).values(runner=runner, claimed_until=wall + TICK_LEASE, started_at=wall))
    return "run"


def renew_tick(conn: Connection, day: date, runner: str, wall: datetime) -> bool:
    """Hold ``runner``'s claim on ``day`` until ``wall`` + :data:`TICK_LEASE`; False if it holds it no more
    (another runner took the day over, its lease having run out): the caller stops.

    A tick renews its claim as it goes (before each phase, each batch of email),
    so a tick that runs longer than one lease is not taken over while it runs.
    """
    return conn.execute(_held(day, runner).values(claimed_until=wall + TICK_LEASE)).rowcount == 1


def finish_tick(conn: Connection, day: date, runner: str, wall: datetime, summary: dict[str, Any]) -> bool:
    """Mark ``day`` finished by ``runner``; False if another runner holds it now (nothing is written)."""
    return conn.execute(_held(day, runner).values(finished_at=wall, claimed_until=None, summary=summary)).rowcount == 1


def _held(day: date, runner: str):
    """An update of ``day``'s tick row only while ``runner`` holds it unfinished (no row: another runner took it)."""
    c = TICKS.c
    return update(TICKS).where(c.business_date == day, c.runner == runner, c.finished_at.is_(None))


def finished_between(conn: Connection, first: date, last: date) -> set[date]:
    c = TICKS.c
    return {r.business_date for r in conn.execute(select(c.business_date).where(c.business_date >= first, c.business_date <= last, c.finished_at.is_not(None)))}


def last_finished(conn: Connection, by: date | None = None) -> date | None:
    """The latest business date whose tick finished; on or before ``by`` when given."""
    from sqlalchemy import func

    c = TICKS.c
    query = select(func.max(c.business_date)).where(c.finished_at.is_not(None))
    return conn.execute(query if by is None else query.where(c.business_date <= by)).scalar()


@dataclass(frozen=True, slots=True)
class Ahead:
    """What ticks for days after today had done, found once the clock was put right (:func:`reopen_ahead`)."""

    days: tuple[tuple[date, dict[str, Any]], ...]  # the ticks finished ahead, each with its summary, reopened
    raised: int  # escalations and reminders dated after today not told: taken back, raised again on their days
    withdrawn: int  # their emails not sent (nor in a digest sent or being sent): withdrawn
    stand: int  # emails sent, being sent or failed, alone or in a digest: they stand, and so do their rungs
    kept: int = 0  # the escalations and reminders those emails told (or told at a higher rung): they stand


def reopen_ahead(conn: Connection, today: date, since: datetime) -> Ahead | None:
    """Undo the bookkeeping of ticks run for days after ``today`` (the clock was ahead, and is right now;
    or it is a day behind, and the tick it found is today's, run before it went wrong).

    Their tick rows are made unfinished: a day still to come has not been
    done, and is ticked when it comes. Of the notices they queued (``esc/``
    keys created at or after ``since``, the start of tomorrow in business
    time) those not sent are withdrawn (nobody was told; their keys given up,
    ``KEY/ahead/ID``), with the digests gathered ahead and not sent (what else
    those hold waits for the next digest), and their escalations and reminders
    (dated after today) are taken back, their obligations' ladder marks reset,
    so each rung is raised on its day, as the work then stands, and emailed
    then. What was sent, is being sent or failed stands, and so does its
    rung, under its key: nobody is told of one rung twice, whichever way the
    clock was wrong (qaf cannot tell "was ahead" from "is behind"). None when
    there is nothing of the kind to undo (the first call finds it; later ones,
    until the day comes, only an unfinished tick row waiting for it and the
    rungs that stand).
    """
    from sqlalchemy import delete, func

    t = TICKS.c
    if conn.execute(select(func.count()).select_from(TICKS).where(t.business_date > today)).scalar() == 0:
        return None
    rows = conn.execute(select(t.business_date, t.summary).where(t.business_date > today, t.finished_at.is_not(None))
                        .order_by(t.business_date)).all()  # fmt: skip
    e = ESCALATIONS.c
    ahead = conn.execute(select(e.id, e.obligation, e.level, e.due, e.on, e.to_person).where(e.on > today)).all()
    if not rows and not ahead:  # already done: a tick for a day to come, unfinished, waits for its day
        return None
    o = OUTBOX.c
    # digests gathered ahead and not sent yet are withdrawn; their items wait to be gathered again (those
    # queued ahead are withdrawn below), so nothing they hold is lost and nothing ahead of its day goes
    # held as read (PostgreSQL): a sender's claim of one waits, or, claimed first, it is read as being sent and stands
    # (SQLite writes no FOR UPDATE: its write transaction holds the whole file already)
    digests = conn.execute(select(o.id, o.key).where(o.key.like("digest/%"), o.created_at >= since, o.status == "pending").with_for_update()).all()
    for keys in chunked([r.key for r in digests]):
        conn.execute(update(OUTBOX).where(o.digest_key.in_(keys), o.status == "digested").values(status="pending", digest_key=None))
    update_rows(conn, OUTBOX, "id", [{"id": r.id, "key": f"{r.key}/ahead/{r.id}", "status": "withdrawn"} for r in digests])
    queued = conn.execute(select(o.id, o.key, o.status, o.cause)
                          .where(o.key.like("esc/%"), o.created_at >= since, o.status != "withdrawn").with_for_update()).all()  # fmt: skip
    withdrawn = [r for r in queued if r.status == "pending"]
    told = [r for r in queued if r.status != "pending"]
    kept = _told(ahead, told)
    taken = [r for r in ahead if r.id not in kept]
    if not rows and not taken and not withdrawn and not digests:  # only rungs that stand, dated ahead
        return None
    conn.execute(update(TICKS).where(t.business_date > today, t.finished_at.is_not(None)).values(finished_at=None, claimed_until=None))
    for part in chunked([r.id for r in taken]):
        conn.execute(delete(ESCALATIONS).where(e.id.in_(part)))
    for part in chunked(sorted({r.obligation for r in taken})):
        conn.execute(update(OBLIGATIONS).where(OBLIGATIONS.c.id.in_(part)).values(escalated=NOT_ESCALATED))
    update_rows(conn, OUTBOX, "id", [{"id": r.id, "key": f"{r.key}/ahead/{r.id}", "status": "withdrawn"} for r in withdrawn])
    days = tuple((r.business_date, dict(r.summary or {})) for r in rows)
    return Ahead(days, len(taken), len(withdrawn), len(told), len(kept))


def _told(ahead: list, told: list) -> set[int]:
    """The escalations (ids) among ``ahead`` whose person was told: by its own notice among ``told``
    (``esc/ID/LEVEL``, or ``esc/ID/LEVEL/DUE`` on a ladder started again), or, carrying none, at a higher rung
    of the same tick that was (:func:`qaf.engine.escalation.once_each`)."""
    keyed: set[tuple[str, int, str | None]] = set()
    for r in told:
        level, _, due = r.key.removeprefix(f"esc/{r.cause}/").partition("/")
        if level.lstrip("-").isdigit():
            keyed.add((r.cause, int(level), due or None))
    first: dict[tuple[str, int], Any] = {}  # the plain key is the first ladder's: the earliest due date raised ahead
    for r in sorted(ahead, key=lambda r: r.due):
        first.setdefault((r.obligation, r.level), r)
    kept = {r.id for r in ahead if (r.obligation, r.level, r.due.isoformat()) in keyed
            or ((r.obligation, r.level, None) in keyed and first[(r.obligation, r.level)] is r)}  # fmt: skip
    heard = {(r.obligation, r.to_person, r.on): r.level for r in ahead if r.id in kept and r.to_person is not None}
    return kept | {r.id for r in ahead if r.to_person is not None and heard.get((r.obligation, r.to_person, r.on), r.level) > r.level}


def candidates(
    conn: Connection, framework: str, today: date, ahead: date, cutoffs: list[tuple[int, date]]
) -> tuple[list[Obligation], set[tuple[str, int]], set[str]]:
    """Live obligations that may need a reminder or a rung today, the rungs they already had, and those
    of them whose ladder started again (a rung raised against an earlier due date: their new rungs' emails
    are keyed by the new date, :func:`qaf.engine.escalation.notice_key`).

    ``cutoffs`` holds, for each rung in order, its number and the latest due
    date overdue enough for it: only work due by then and not yet at that
    rung is read, so a year of never-done work already at the top of the
    ladder is not read again every day. That needs the numbers to rise up
    the ladder (an obligation's ``escalated`` is the highest it reached); an
    amendment that put a rung in between gave it a new, higher number, and
    then each rung reads all work overdue enough for it.
    """
    c = OBLIGATIONS.c
    numbers = [n for n, _ in cutoffs]
    rising = numbers == sorted(numbers)
    wanted = [and_(c.escalated < -1, c.due >= today, c.due <= ahead)]
    wanted += [and_(c.escalated < level, c.due <= cutoff) if rising else c.due <= cutoff for level, cutoff in cutoffs]
    found: dict[str, Obligation] = {}
    for condition in wanted:  # one narrow query a rung: each walks the (escalated, due) index
        query = select(OBLIGATIONS).where(condition, c.framework == framework, c.status.in_(LIVE), c.assignee.is_not(None))
        for r in conn.execute(query):
            if r.id not in found:
                found[r.id] = from_row(r)
    live = list(found.values())
    if not live:
        return [], set(), set()
    done: set[tuple[str, int]] = set()
    restarted: set[str] = set()
    # a rung counts for the due date it was raised against or an earlier one (the framework shortened the
    # period: the late work's ladder goes on); raised against an earlier date, before more time was given
    # (or the period grew), it does not, and the ladder starts again from the new date
    due = {o.id: o.due for o in live}
    ids = list(due)
    c = ESCALATIONS.c
    for part in chunked(ids, 5000):
        for r in conn.execute(select(c.obligation, c.level, c.due).where(c.obligation.in_(part))):
            if r.due >= due[r.obligation]:
                done.add((r.obligation, r.level))
            else:
                restarted.add(r.obligation)
    return live, done, restarted


def hold(conn: Connection, read: Iterable[Obligation]) -> None:
    """Hold the obligations about to be escalated as they were read, until the transaction ends; raise
    :class:`~qaf.store.obligations.Changed` if any was written since (an outcome recorded, more time given).

    On PostgreSQL the tick's read does not wait for a recording: work done in
    the instant it was read would still be told overdue. Their rows are locked
    (in id order), the lock waiting for a recording under way, and each must
    still be at the ``sequence`` it was read at; the caller rolls back and
    works the escalation out again. A recording that comes after waits for
    the tick to commit.
    """
    c = OBLIGATIONS.c
    sequences = {o.id: o.sequence for o in read}
    ids = sorted(sequences)
    changed = 0
    for part in chunked(ids):
        found = conn.execute(select(c.id, c.sequence).where(c.id.in_(part)).order_by(c.id).with_for_update()).all()
        changed += len(part) - len(found) + sum(1 for r in found if r.sequence != sequences[r.id])
    if changed:
        raise Changed(changed)


def record_escalations(conn: Connection, escalations: Iterable[Escalation], now: datetime) -> int:
    items = list(escalations)
    rows = [{"obligation": e.obligation, "level": e.level, "to_person": e.to, "on": e.on, "reason": e.reason, "due": e.due} for e in items]
    made = insert_new(conn, ESCALATIONS, rows, ["obligation", "level", "due"])
    notices = [e.notice for e in items if e.notice is not None]
    if insert_new(conn, OUTBOX, outbox_rows(notices, now), ["key"]) != len(notices):
        # an escalation that names someone as told whose email the outbox already held under its key (a key
        # that does not tell this rung and due date from one raised before: see notice_key): those keys, the
        # rows not queued just now
        o = OUTBOX.c
        held = {k for keys in chunked(sorted(n.key for n in notices))
                for k in conn.execute(select(o.key).where(o.key.in_(keys), o.created_at != now)).scalars()}  # fmt: skip
        log.warning("escalation notices not queued, their keys already in the outbox: %s", ", ".join(sorted(held)[:10]))
    highest: dict[str, int] = {}
    for e in items:
        highest[e.obligation] = max(highest.get(e.obligation, -2), e.level)
    update_rows(conn, OBLIGATIONS, "id", [{"id": oid, "escalated": level} for oid, level in highest.items()],
                guard=lambda target, given: target.escalated < given["escalated"])  # a rung is never taken back  # fmt: skip
    return made


def rung_told(conn: Connection, obligation: str, level: int, due: date | None, was: str):
    """The rung ``level`` of ``obligation`` (raised against ``due``; None: its first ladder, the earliest) that
    names ``was`` (``id`` and ``reason``: why it was raised, "overdue by 5 working days (due ...)"), or None."""
    e = ESCALATIONS.c
    where = [e.obligation == obligation, e.level == level, e.to_person == was] + ([e.due == due] if due is not None else [])
    return conn.execute(select(e.id, e.reason).where(*where).order_by(e.due).limit(1)).first()


def told_instead(conn: Connection, rung: int, now_: str) -> int:
    """Rung ``rung`` (:func:`rung_told`'s id) names ``now_``, to whom its email went instead (its person left
    before it was sent)."""
    e = ESCALATIONS.c
    return conn.execute(update(ESCALATIONS).where(e.id == rung).values(to_person=now_)).rowcount
