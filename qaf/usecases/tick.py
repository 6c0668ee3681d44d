"""The daily tick: schedule the horizon, escalate what is late, gather digests, send the outbox.

``run_tick(store, today, ...)`` is idempotent per business date: a finished
date is not run again; a date whose runner died is taken over; every step
is safe to repeat (schedule upserts, escalations are unique per rung,
digests per recipient and date, the outbox is claimed with leases). Time
comes in as arguments: ``today`` and ``now`` (business time) and ``wall``
(real time, for leases), so a whole year can be replayed in seconds.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import smtplib
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Callable

from dateutil.relativedelta import relativedelta

from qaf.engine.businesstime import business_now, zone
from qaf.engine.escalation import cutoffs, due_escalations
from qaf.engine.org import Org
from qaf.engine.report_words import plural
from qaf.engine.workdays import calendar
from qaf.rules.model import Framework
from qaf.store import outbox as ob_store
from qaf.store import ticks
from qaf.store.outcomes import log_many
from qaf.store.protocols import Store
from qaf.store.settings import whole as settings_whole
from qaf.usecases import scheduling
from qaf.usecases.dayclaim import DayClaim, TakenOver
from qaf.usecases.mail import MailSettings, MayHaveGone, Sender, Unreachable, compose, refused_its_person
from qaf.usecases.readdress import readdress, standing

if TYPE_CHECKING:
    from sqlalchemy import Connection

log = logging.getLogger("qaf.tick")


def failpoint(name: str) -> None:
    """Fault injection for the crash tests: ``QAF_CRASH_AT=name`` kills the process here, hard."""
    if os.environ.get("QAF_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def horizon(today: date, months: int) -> tuple[date, date]:
    """The tick's window: from the first of this month to the end of the month ``months`` ahead.

    Whole months, so the window (and so the plan's fingerprint) changes once a
    month, not every day: a quiet day's schedule costs a query.
    """
    first = today.replace(day=1)
    last = first + relativedelta(months=months + 1) - timedelta(days=1)
    return first, last


@dataclass
class TickResult:
    day: date
    status: str  # ran | done before | busy | taken over
    scheduled: dict[str, str] = field(default_factory=dict)
    escalated: int = 0
    digests: int = 0
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    pending: int = 0
    purged: int = 0
    mail: bool = False
    later: bool = False  # a day caught up before today: its email is sent by today's tick

    def summary(self) -> dict:
        return {
            "scheduled": self.scheduled, "escalated": self.escalated, "digests": self.digests,
            "sent": self.sent, "failed": self.failed, "retrying": self.retrying, "pending": self.pending,
            "purged": self.purged,
        }  # fmt: skip

    def lines(self) -> list[str]:
        if self.status == "taken over":
            return [f"tick {self.day}: stopped: another runner took the day over, this one's lease having run out; it finishes the day"]
        if self.status != "ran":
            left = f"; email left claimed by a stopped run: {self.sent} sent, {self.retrying} to retry" if self.sent or self.retrying else ""
            return [f"tick {self.day}: {self.status}: nothing to do{left}"]
        out = [f"tick {self.day}:"]
        out += [f"  schedule {fw}: {what}" for fw, what in self.scheduled.items()]
        out.append(f"  escalations and reminders queued: {self.escalated}; digests gathered: {self.digests}")
        if self.later:
            out.append(f"  email: {self.pending} {plural(self.pending, 'notice', 'notices')} pending, sent by today's tick of the catch-up")
        elif self.mail:
            out.append(f"  email: {self.sent} sent, {self.retrying} to retry, {self.failed} failed for good")
        else:
            stay = plural(self.pending, "notice stays", "notices stay")
            out.append(f"  email: QAF_SMTP_HOST is not set, so {self.pending} {stay} pending in the outbox")
        if self.purged:
            out.append(f"  outbox: {self.purged} sent notices past their retention deleted")
        return out


DIGEST_LISTED = 100  # lines in a digest; the rest are counted and pointed to
DIGEST_IN_FULL = 10  # a short digest also gives each item in full


def digest_text(items, day: date) -> tuple[str, str]:
    """One email for a day's digest items: what needs attention first, a line each, capped.

    A senior manager's digest on a bad day can name thousands of late items;
    nobody reads that in an email, so the first hundred are listed (overdue
    escalations before reminders) and the rest counted, with where to see them.
    """
    order = {"escalation": 0, "overdue": 1, "grade": 2, "reminder": 3}
    items = sorted(items, key=lambda i: (order.get(i.reason, 9), i.id))
    name_line = items[0].body_text.splitlines()[0] if items and items[0].body_text else ""
    n = len(items)
    subject = f"qaf daily digest for {day.isoformat()}: {n} item{'s' if n != 1 else ''}"
    counts: dict[str, int] = {}
    for i in items:
        counts[i.reason] = counts.get(i.reason, 0) + 1
    lines = [name_line, "", f"{n} item{'s' if n != 1 else ''} for your attention: "
             + ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: order.get(kv[0], 9))), ""]  # fmt: skip
    lines += [f"- {i.subject}" for i in items[:DIGEST_LISTED]]
    if n > DIGEST_LISTED:
        lines += ["", f"... and {n - DIGEST_LISTED} more: see them all with 'qaf due' or in your calendar feed."]
    if n <= DIGEST_IN_FULL:
        lines += ["", "In full:", ""]
        for i in items:
            body = [ln for ln in i.body_text.splitlines()[1:] if ln.strip() and not ln.startswith("qaf — ")]
            lines += [f"* {i.subject}", *[f"  {ln}" for ln in body], ""]
    lines += ["", "qaf — quality assurance schedule"]
    return subject, "\n".join(lines)


MAY_HAVE_GONE = ("may have been sent: the server had the whole message and the connection failed before it answered ({}). "
                 "Not sent again, so nobody receives it twice: check with its recipient")
SMTP_CONNECTIONS = 4  # messages go out over a few connections at once: SMTP is round trips, not work


def refused_for_good(exc: Exception) -> bool:
    """Whether the server refused this message for good: a 5xx reply to its recipient or to the message
    itself. Anything else (a 4xx "try again later", no server to reach, our login or sender address
    refused, which an administrator puts right) is tried again."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def send_outbox(
    store: Store, settings: MailSettings, runner: str, now: datetime, wall: Callable[[], datetime],
    renew: Callable[[], datetime] | None = None,
) -> tuple[int, int, int]:
    """Send what is due: (sent, failed for good, to retry). Each row is sent at most once per claim.

    Each message is marked sent in its own transaction straight after the
    server accepts it, so a crash can repeat at most the messages in flight.
    A message not begun within :data:`~qaf.store.outbox.SEND_WITHIN` of its
    claim (a slow server held the batch) is not sent on that claim, whose
    lease may run out mid-send and be taken over by another sender: it is
    handed back and claimed again, with a lease of its own. A fault in one
    message (a bug, one qaf cannot encode) holds no other: that one is tried
    again with back-off, its reason kept; one the server may have taken when
    the connection failed is failed, saying so, not sent twice.

    Bounded in time: a server that does not answer in time is given up on
    once (:data:`~qaf.usecases.mail.CONNECT_TIMEOUT`), and every message due
    is counted as tried then, not waited on one by one; a message is not
    waited on past its claim's lease (less the time to mark it). ``renew`` (a
    tick's: it renews the tick's claim, raising :class:`TakenOver` once another
    runner holds it) is called before each batch is claimed, and gives the time
    (the tick's own lease, less a message's) at or after which nothing is
    begun: the rest is left pending for the next sender. A server that takes fewer
    connections from qaf than :data:`SMTP_CONNECTIONS` (refusing one at once)
    is sent to over those it takes.
    """
    senders = [Sender(settings, wall) for _ in range(SMTP_CONNECTIONS)]  # each opens its connection when first used
    idle: queue.SimpleQueue[Sender] = queue.SimpleQueue()
    for s in senders:
        idle.put(s)
    lock, kept = threading.Lock(), [len(senders)]

    def send(item, msg) -> dict | None:
        """``msg`` sent on a sender of the pool; None if it was not begun in time. One whose connection the
        server refused at once (it takes only so many from one client) is given up, and the message sent
        on another, down to the last."""
        while True:
            sender = idle.get()
            keep = True
            try:
                if not ob_store.in_time(item, wall()):  # waited for a sender past its claim's time to begin
                    return None
                return sender.send(msg, begin_by=item.send_by, finish_by=item.finish_by) or {}
            except Unreachable as exc:
                with lock:  # refused at once: the next sender tries (the last one kept fails its message)
                    if exc.timed_out or kept[0] == 1:
                        raise
                    kept[0] -= 1
                    keep = False
                log.info("the mail server refused another connection (%s): %d kept", type(exc.__cause__).__name__, kept[0])
            finally:
                if keep:
                    idle.put(sender)

    def failed(item, why: str, permanent: bool = False) -> str:
        """``item`` failed for ``why``, in a transaction of its own: tried again with back-off, or (``permanent``,
        or its tries used up) for good; its status now."""
        with store.write() as conn:
            return ob_store.mark_failed(conn, item, runner, now, why, permanent=permanent)

    def one(item) -> str:
        at = wall()
        if not ob_store.in_time(item, at) or (until is not None and at >= until):
            late.append(item)
            return "late"
        try:
            msg = compose(settings, item.key, item.recipient_email, item.subject, item.body_text, item.cause, now, item.cc)
        except ValueError as exc:  # a malformed address will not get better
            return failed(item, str(exc), permanent=True)
        if down:  # the server could not be reached in this send: not waited on again for each message
            return failed(item, f"not tried: the server could not be used in this send: {down[0]}")
        try:
            answer = send(item, msg)
            if answer is None:
                late.append(item)
                return "late"
        except Unreachable as exc:
            if exc.timed_out:  # every message would wait as long, or be refused alike (one refused at once is its own)
                down.append(str(exc))
            return failed(item, str(exc))
        except MayHaveGone as exc:  # sent again it may be received twice: not sent again, and the outbox says why
            log.warning("outbox %s may have been sent (%s): failed, not sent again", item.key, type(exc.__cause__).__name__)
            return failed(item, MAY_HAVE_GONE.format(exc), permanent=True)
        except (smtplib.SMTPException, OSError) as exc:
            return failed(item, f"{type(exc).__name__}: {exc}", permanent=refused_for_good(exc))
        accepted.add(item.id)
        try:
            refused, copied = refused_its_person(msg, answer)
        except Exception as exc:  # noqa: BLE001 - the server took it: marked sent, whatever went wrong here
            log.error("outbox %s: sent, its refused recipients not read: %s", item.key, type(exc).__name__)
            refused, answer = None, {}
        if refused is not None:  # its copies went, its own recipient was refused: not sent to its person
            with store.write() as conn:
                ob_store.copies_sent(conn, item, runner, copied)  # they have it: tried again for the rest only
                return ob_store.mark_failed(conn, item, runner, now, f"{type(refused).__name__}: {refused}", permanent=refused_for_good(refused))
        answer = {**msg.left_out, **answer}  # copies never tried are named with those refused
        failpoint("after-smtp")
        with store.write() as conn:
            if not ob_store.mark_sent(conn, item, runner, now):
                return "lost claim"
            if answer:  # copies refused (or left out) while its own recipient took it
                ob_store.copies_refused(conn, item, answer, now)
            return "sent"

    def each(item) -> str:
        """``one``, a fault of qaf's own (a bug, a message it cannot encode, the store away) kept to its
        message: the rest of the batch goes on. Not taken by the server, it is tried again with back-off;
        taken, it is marked sent."""
        try:
            return one(item)
        except Exception as exc:  # noqa: BLE001
            log.error("outbox %s: %s", item.key, type(exc).__name__)  # its words may quote the message: not logged
            try:
                with store.write() as conn:
                    if item.id in accepted:
                        return "sent" if ob_store.mark_sent(conn, item, runner, now) else "lost claim"
                    return ob_store.mark_failed(conn, item, runner, now, f"not sent: {type(exc).__name__}: {exc}")
            except Exception as again:  # noqa: BLE001 - the store away: the row stays claimed, claimed again as its lease ends
                log.error("outbox %s: not marked: %s", item.key, type(again).__name__)
                return "pending"

    counts = {"sent": 0, "failed": 0, "pending": 0}
    late: list = []
    accepted: set[int] = set()  # rows the server took
    down: list[str] = []  # why the server could not be reached, once it could not
    until: datetime | None = None  # nothing begun at or after it (``renew``'s answer)
    try:
        with ThreadPoolExecutor(max_workers=SMTP_CONNECTIONS, thread_name_prefix="qaf-smtp") as pool:
            while True:
                if renew is not None:  # the tick's claim renewed (or found taken: raised) before each batch
                    until = renew()
                if until is not None and wall() >= until:
                    break
                with store.write() as conn:
                    batch = standing(conn, ob_store.claim(conn, runner, now, wall()), runner)
                if not batch:
                    break
                failpoint("after-claim-mail")
                for outcome in pool.map(each, batch):
                    counts[outcome] = counts.get(outcome, 0) + 1
                if late:  # handed back, and claimed again at once by the loop, with a fresh lease
                    with store.write() as conn:
                        ob_store.hand_back(conn, late, runner)
                    stalled = len(late) == len(batch)  # none of it sent in time: left for the next send
                    late.clear()
                    if stalled:
                        break
    finally:
        for s in senders:
            s.close()
    return counts["sent"], counts["failed"], counts["pending"]


PURGE_BATCHES = 200  # a tick deletes at most this many batches (200,000 rows); the rest wait for the next


def retention_days() -> int:
    """``QAF_OUTBOX_RETENTION_DAYS``: how long a sent email stays in the outbox (default 400, 30 to 3650).

    The outbox is the audit trail of who was told what and when: a year and a
    month by default, so a year-on-year question can still be answered. A
    bad value stops the tick with a message naming the variable.
    """
    return settings_whole("QAF_OUTBOX_RETENTION_DAYS")


def purge_outbox(store: Store, now: datetime, days: int, batch: int = ob_store.PURGE_BATCH,
                 pulse: Callable[[], None] | None = None, wall: datetime | None = None) -> int:  # fmt: skip
    """Delete what was sent more than ``days`` before ``now`` (business time), one short transaction a batch;
    ``pulse()`` (a tick's: :meth:`DayClaim.pulse`) before each.

    ``wall`` (the database's clock, a tick's): the retention counts back from it when ``now`` is later. A tick
    for a day ahead (``--today`` a year out by a slip) is reopened once the clock comes back, but what a purge
    deletes is gone: counted from that day it deleted the record of every email sent in the months before.
    A replayed year (business time behind the clock) purges by its own days, as before."""
    start = now if wall is None else min(now, wall)
    before, purged = start - timedelta(days=days), 0
    for _ in range(PURGE_BATCHES):
        if pulse is not None:
            pulse()
        with store.write() as conn:
            gone = ob_store.purge_batch(conn, before, batch)
        purged += gone
        if gone < batch:
            break
    return purged


def escalate(store: Store, fw: Framework, org: Org, today: date, now: datetime,
             pulse: Callable[[Connection], None] | None = None) -> int:  # fmt: skip
    """The day's rungs and reminders for ``fw``'s late work, in one transaction; how many were raised.

    Only work still as it was read is escalated (:func:`qaf.store.ticks.hold`):
    work done (or given more time) in the instant it was read is read again,
    not told overdue (:class:`qaf.store.obligations.Changed`: the caller works it out again).
    ``pulse(conn)`` (a tick's: :meth:`DayClaim.pulse`) between its steps.
    """
    pulse = pulse or (lambda conn: None)
    with store.write() as conn:
        reminders_to = calendar(fw.working_days).add(today, fw.reminder_days)
        live, done, restarted = ticks.candidates(conn, fw.id, today, reminders_to, cutoffs(fw, today))
        pulse(conn)
        rungs = due_escalations(fw, org, live, done, today, restarted)
        pulse(conn)
        raised = {e.obligation for e in rungs}
        ticks.hold(conn, [o for o in live if o.id in raised])
        return ticks.record_escalations(conn, rungs, now)


def run_tick(
    store: Store,
    today: date,
    settings: MailSettings,
    runner: str,
    *,
    wall: Callable[[], datetime],
    now: datetime | None = None,
    send: bool = True,
) -> TickResult:
    """The day's tick. ``wall`` is the real clock, for leases (the interfaces pass
    :func:`qaf.clock.utc_now`); ``now`` the business time (default 06:00 in the
    framework's timezone). ``send=False``: the outbox is left for a later tick to send
    (a catch-up's days before today)."""
    keep_days = retention_days()  # a bad setting stops the tick before it does anything
    now = now or business_now(today, store.timezone())
    with store.write() as conn:
        status = ticks.claim_tick(conn, today, runner, wall())
    result = TickResult(today, {"run": "ran", "done": "done before", "busy": "busy"}[status], mail=settings.configured,
                        later=settings.configured and not send)  # fmt: skip
    if status != "run":
        # the date's work is done (or another runner is doing it), but email a dead sender left
        # claimed is sent now that its lease has expired, not at the next date's tick
        if settings.configured and send:
            readdress(store, today, runner, wall())  # an organisation loaded since the day's tick
            result.sent, result.failed, result.retrying = send_outbox(store, settings, runner, now, wall)
        log.info("tick %s: %s", today, result.status)
        return result
    failpoint("after-claim-tick")

    try:
        return _run(store, today, settings, runner, wall, now, send, keep_days, DayClaim(store, today, runner, wall), result)
    except TakenOver:
        log.warning("tick %s: another runner took the day over (this one's lease had run out): stopped", today)
        result.status = "taken over"
        return result


def _run(store: Store, today: date, settings: MailSettings, runner: str, wall: Callable[[], datetime], now: datetime,
         send: bool, keep_days: int, claim: DayClaim, result: TickResult) -> TickResult:  # fmt: skip
    """The tick's phases, its claim renewed before each and, as they go, every minute of the database's clock
    (``claim``: :meth:`DayClaim.pulse`)."""
    keep = claim.renew
    org = store.org()
    frameworks = store.frameworks()
    for fw in frameworks:
        keep()
        first, last = horizon(today, fw.horizon_months)
        r = scheduling.schedule(store, fw, org, first, last, today, pulse=claim.pulse)
        reopened = f", {r.reopened} reopened" if r.reopened else ""  # work cancelled out of scope, in scope again (a framework brought back)
        result.scheduled[fw.id] = "unchanged" if r.skipped else f"{r.created} created, {r.updated} updated, {r.cancelled} cancelled{reopened}"
    failpoint("after-schedule")
    for fw in frameworks:
        keep()
        result.escalated += scheduling.again_if_changed(lambda: escalate(store, fw, org, today, now, claim.pulse))
    failpoint("after-escalate")
    keep()
    moved, unsent = readdress(store, today, runner, wall())  # what waits for someone who has left goes to who takes their place
    if moved or unsent:
        log.info("tick %s: %d notices waiting for people who have left sent to who answers now, %d to nobody (failed)", today, moved, unsent)
    with store.write() as conn:  # gathered only on a claim still held
        if not ticks.renew_tick(conn, today, runner, wall()):
            raise TakenOver(today)
        result.digests = ob_store.gather_digests(conn, today, now, digest_text)
    failpoint("after-digests")
    if settings.configured and send:  # done within the day's claim, renewed each batch: a message begun by then ends within it
        def renew() -> datetime:
            return keep() + ticks.TICK_LEASE - ob_store.LEASE

        result.sent, result.failed, result.retrying = send_outbox(store, settings, runner, now, wall, renew=renew)
    keep()
    result.purged = purge_outbox(store, now, keep_days, pulse=claim.pulse, wall=wall())
    failpoint("after-purge")
    with store.write() as conn:
        result.pending = ob_store.pending(conn)
        failpoint("before-finish")
        if not ticks.finish_tick(conn, today, runner, wall(), result.summary()):
            raise TakenOver(today)
    for line in result.lines():
        log.info(line)
    return result


def reopen_ahead(store: Store, today: date) -> list[date]:
    """Ticks recorded for days after ``today``, run while the clock was ahead: no longer done (the dates).

    A tick does its day's work as it finds the state; a day still to come
    has not been done, so it is ticked when it comes, and does then what the
    work needs. What those ticks raised (rungs and reminders dated after
    today, told as if that day had come) and not emailed is taken back, to be
    raised on its day and emailed then; what they emailed stands, and so do
    the rungs it told, never told again (:func:`qaf.store.ticks.reopen_ahead`).
    Each is logged as a warning, and in the event log (``tick.reopened``).
    """
    since = datetime.combine(today + timedelta(days=1), time(0), zone(store.timezone()))
    with store.write() as conn:
        found = ticks.reopen_ahead(conn, today, since)
        if found is None:
            return []
        taken = {"raised": found.raised, "withdrawn": found.withdrawn, "stand": found.stand, "kept": found.kept}
        events = [("tick.reopened", day.isoformat(), {"found_on": today.isoformat(), "summary": summary, **taken}) for day, summary in found.days]
        log_many(conn, events or [("tick.ahead", today.isoformat(), {"found_on": today.isoformat(), **taken})])  # a tick ahead that never finished
    for day, _ in found.days:
        log.warning("a tick was recorded for %s, a day still to come (today is %s: the clock was ahead when it ran): "
                    "%s is ticked when it comes", day, today, day)  # fmt: skip
    if found.raised or found.kept:
        log.warning("%d escalations and reminders raised for days after %s taken back, to be raised on their days, their %d emails "
                    "not sent withdrawn; %d emails sent (or being sent) stand, and the %d escalations and reminders they told",
                    found.raised, today, found.withdrawn, found.stand, found.kept)  # fmt: skip
    return [day for day, _ in found.days]


REACH = 31  # days: how far back a catch-up ticks, and a day given to ``qaf tick`` may lie before the last tick


def last_tick_after(store: Store, day: date) -> date | None:
    """The last finished tick, if ``day`` lies more than :data:`REACH` days before it (else None).

    Such a day is not a missed day ticked late but a slip (a year typed wrong): its tick plans that month,
    long past, for everyone in post today, and the next tick escalates all of it up every line.
    """
    with store.read() as conn:
        last = ticks.last_finished(conn)
    return last if last is not None and (last - day).days > REACH else None


def catch_up(
    store: Store, today: date, settings: MailSettings, runner: str, first: date | None = None, limit: int = REACH, **kwargs
) -> list[TickResult]:
    """Every business date not yet ticked, from ``first`` (default: after the last tick finished on or
    before ``today``, at most ``limit`` days back) up to ``today``.

    A tick finished for a day after ``today`` (the clock was ahead, and has been put right) holds no day
    back: it is reopened (:func:`reopen_ahead`), and its day ticked when it comes.

    Only today's tick sends email: each day's would try what is due as of that
    day (its back-off runs on business time), so a mail server unreachable for
    the catch-up's few seconds would have each email tried once a day caught
    up, a month of attempts used up by a month caught up.
    """
    reopen_ahead(store, today)
    with store.read() as conn:
        last = ticks.last_finished(conn, today)
        start = first or (last + timedelta(days=1) if last else today)
        start = max(start, today - timedelta(days=limit - 1))
        finished = ticks.finished_between(conn, start, today)
    out = []
    day = start
    while day <= today:
        if day not in finished:
            out.append(run_tick(store, day, settings, runner, send=day == today, **kwargs))
        day += timedelta(days=1)
    return out
