"""Writers meeting: two senders, two ticks, a schedule and a recording at once. Nothing lost, nothing twice.

Each race is made to happen, not hoped for: the first writer is stopped
where the other could come between (a hook on the step it is at), the other
runs to its end there, and then the first goes on. On SQLite a writer holds
the write lock from its first statement, so the other waits its turn and the
race cannot happen; on PostgreSQL (read committed) each of these lost or
doubled something before it was mended.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timedelta, timezone


from sqlalchemy import select

from qaf.engine.notices import Notice
from qaf.store import outbox as ob_store
from qaf.store.sql import SqlStore
from qaf.usecases import tick
from qaf.usecases.mail import MailSettings
from tests.test_hardening import NOW, outbox_rows_of, queue

WALL = datetime(2026, 5, 11, 6, 0, tzinfo=timezone.utc)


def alert(n: int) -> Notice:
    return Notice(f"alert/{n}", "P1", "pat@example-council.gov.uk", f"Alert {n}", "Pat\nAn alert.", "alert", f"ob{n}")


def test_a_sender_whose_lease_ran_out_mid_batch_sends_no_more_of_it(store: SqlStore, monkeypatch):
    """A slow server held sender A's batch past its lease; sender B claimed the rest and sent them. A sent
    them again (a second email each, not a crash's repeat). Now a message not begun within SEND_WITHIN of its
    claim is not sent on it: each of the rest reaches its person once."""
    queue(store, *(alert(n) for n in range(3)))
    delivered: Counter = Counter()
    clock = {"wall": WALL}

    class SlowServer:  # the first message takes longer than the lease; meanwhile B sends what is due
        def __init__(self, settings, *_) -> None:
            pass

        def send(self, msg, **_) -> None:
            delivered[msg["X-Qaf-Key"]] += 1
            if clock["wall"] == WALL:
                clock["wall"] = WALL + ob_store.LEASE + timedelta(minutes=1)
                tick.send_outbox(store, MailSettings(host="127.0.0.1"), "elsewhere.example:2", NOW, lambda: clock["wall"])

        def close(self) -> None:
            pass

    monkeypatch.setattr(tick, "Sender", SlowServer)
    monkeypatch.setattr(tick, "SMTP_CONNECTIONS", 1)
    tick.send_outbox(store, MailSettings(host="127.0.0.1"), "elsewhere.example:1", NOW, lambda: clock["wall"])
    # alert/0 was in flight as its lease ran out: sent by both (the one repeat SMTP cannot rule out)
    assert {k: n for k, n in delivered.items() if k != "alert/0"} == {"alert/1": 1, "alert/2": 1}
    assert [r.status for r in outbox_rows_of(store)] == ["sent"] * 3


def test_a_batch_not_begun_in_time_is_handed_back_and_sent_on_a_claim_of_its_own(store: SqlStore, monkeypatch):
    """Alone, a sender slowed past SEND_WITHIN sends the rest of its batch on a fresh claim: nothing is left."""
    queue(store, *(alert(n) for n in range(3)))
    delivered: Counter = Counter()
    clock = {"wall": WALL, "claims": 0}

    class SlowServer:
        def __init__(self, settings, *_) -> None:
            pass

        def send(self, msg, **_) -> None:
            delivered[msg["X-Qaf-Key"]] += 1
            clock["wall"] += ob_store.SEND_WITHIN  # each message takes all the time a claim gives

        def close(self) -> None:
            pass

    monkeypatch.setattr(tick, "Sender", SlowServer)
    monkeypatch.setattr(tick, "SMTP_CONNECTIONS", 1)
    sent, failed, _ = tick.send_outbox(store, MailSettings(host="127.0.0.1"), "elsewhere.example:1", NOW, lambda: clock["wall"])
    assert (sent, failed) == (3, 0) and delivered == {"alert/0": 1, "alert/1": 1, "alert/2": 1}
    assert [(r.status, r.claimed_until) for r in outbox_rows_of(store)] == [("sent", None)] * 3


def meanwhile(url: str, job) -> tuple[threading.Thread, list]:
    """``job(store)`` on a store of its own (another process, as far as the database can tell), in a thread,
    started now; returns once it has finished or is waiting for a lock the caller holds (PostgreSQL shows
    it waiting; SQLite's writer waits in its busy handler, unseen: there it is given a moment)."""
    import time

    name = f"qaf race {threading.get_ident()}"
    failures: list = []

    def run() -> None:
        other = SqlStore.open(url, application_name=name)  # here: on SQLite opening waits for the caller's lock
        try:
            job(other)
        except Exception as exc:  # kept for the test to assert on
            failures.append(exc)
        finally:
            other.close()

    thread = threading.Thread(target=run)
    if not url.startswith("postgresql"):
        thread.start()
        thread.join(0.2)
        return thread, failures
    from sqlalchemy import text

    # opened before the job starts: opening a store takes the schema's advisory lock for a moment, and the job's
    # own opening, waiting for the watcher's, read as the job waiting for the caller (this returned too early)
    watcher = SqlStore.open(url)
    thread.start()
    with watcher.engine.connect() as conn:
        while thread.is_alive():
            waiting = conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :n AND wait_event_type = 'Lock'"),
                                   {"n": name}).scalar()  # fmt: skip
            conn.commit()
            if waiting:
                break
            time.sleep(0.01)
    watcher.close()
    return thread, failures


def digest_item(n: int) -> Notice:
    return Notice(f"reminder/{n}", "P1", "pat@example-council.gov.uk", f"Reminder {n}", "Pat\nA reminder.", "reminder", f"ob{n}", True)


def test_two_ticks_gathering_digests_at_once_put_each_item_in_one_digest(db_url: str):
    """A catch-up ticking yesterday beside today's tick, on PostgreSQL: both read the same pending items, and
    each put them in a digest of its own (two emails of the same items). Now the second waits for the first's
    items and finds them gathered."""
    store = SqlStore.open(db_url)
    queue(store, *(digest_item(n) for n in range(3)))
    other: list = []

    def compose(items, day):
        if not other:  # the first gatherer has read its items: today's tick gathers now
            def gather(s: SqlStore) -> None:
                with s.write() as conn:
                    ob_store.gather_digests(conn, date(2026, 5, 11), NOW, tick.digest_text)
            other.append(meanwhile(db_url, gather))
        return tick.digest_text(items, day)

    with store.write() as conn:
        ob_store.gather_digests(conn, date(2026, 5, 10), NOW, compose)
    thread, failures = other[0]
    thread.join()
    assert failures == []
    rows = outbox_rows_of(store)
    digests = [r for r in rows if r.reason == "digest"]
    assert len(digests) == 1, [d.key for d in digests]
    assert [(r.status, r.digest_key) for r in rows if r.digest] == [("digested", digests[0].key)] * 3
    assert all(f"Reminder {n}" in digests[0].body_text for n in range(3))
    store.close()


def moved_to_another_line(store: SqlStore) -> None:
    """SW1 moves to Priya's team: the next schedule gives SW1's open audits to PM2."""
    import dataclasses

    from tests.council import council

    org = council()
    people = tuple(dataclasses.replace(p, manager="PM2", team="T2") if p.id == "SW1" else p for p in org.people)
    store.save_org(dataclasses.replace(org, people=people))


def recorded_meanwhile(db_url: str, monkeypatch, day: date, pick) -> dict:
    """As the store is about to write the updates a schedule worked out, an outcome is recorded (by another
    store) for the obligation ``pick(updates)`` names; what was recorded, once the thread is done."""
    from qaf.engine.outcomes import Recording
    from qaf.store import obligations
    from qaf.usecases import recording

    original, seen = obligations._apply_updates, {}

    def racing(conn, updates):
        oid = None if seen else pick(updates)
        if oid is not None:
            seen["id"] = oid
            seen["thread"], seen["failures"] = meanwhile(db_url, lambda s: recording.record(s, Recording(oid, "good", date=day), day))
        return original(conn, updates)

    monkeypatch.setattr(obligations, "_apply_updates", racing)
    return seen


def open_audit_begun_by(store: SqlStore, day: date):
    from qaf.engine.model import LIVE
    from qaf.engine.query import Filters

    held = {o.id: o for o in store.obligations(Filters(statuses=frozenset(LIVE)))}
    return lambda updates: next((u["id"] for u in updates if u["id"] in held and held[u["id"]].kind == "audit"
                                 and held[u["id"]].period_start <= day), None)  # fmt: skip


def test_an_outcome_recorded_while_the_schedule_plans_is_not_overwritten(db_url: str, monkeypatch):
    """The tick reconciling a line manager's change wrote back every column of the audits it gave to the new
    manager, as it had read them: on PostgreSQL an audit recorded meanwhile was open again (its outcome kept,
    chased by the ladder, recordable twice). The store now refuses to overwrite work written meanwhile, and
    the schedule is worked out again from what then stands."""
    from qaf.engine.query import Filters
    from qaf.usecases import scheduling
    from tests.test_tick import FW, set_up

    day = date(2024, 5, 1)
    store = SqlStore.open(db_url)
    set_up(store)
    first, last = tick.horizon(day, FW.horizon_months)
    scheduling.schedule(store, FW, store.org(), first, last, day)
    moved_to_another_line(store)
    seen = recorded_meanwhile(db_url, monkeypatch, day, open_audit_begun_by(store, day))
    scheduling.schedule(store, FW, store.org(), first, last, day)
    seen["thread"].join()
    assert seen["failures"] == []
    ob = next(o for o in store.obligations(Filters()) if o.id == seen["id"])
    assert (ob.status, ob.outcome.grade if ob.outcome else None) == ("done", "good")
    # and the schedule did the rest of its work: SW1's other open audits are PM2's
    from qaf.engine.model import LIVE

    sw1 = [o for o in store.obligations(Filters(statuses=frozenset(LIVE))) if o.kind == "audit" and o.subject == "SW1"]
    assert sw1 and {o.assignee for o in sw1} == {"PM2"}
    store.close()


def test_an_outcome_recorded_while_a_framework_is_retired_stays_done(db_url: str, monkeypatch):
    """Retiring a framework cancelled its open work as read: an audit recorded meanwhile was cancelled over
    its outcome (PostgreSQL). Now it stays done, and the rest is cancelled."""
    from qaf.engine.query import Filters
    from qaf.usecases import frameworkload, scheduling
    from tests.test_tick import FW, set_up

    day = date(2024, 5, 1)
    store = SqlStore.open(db_url)
    set_up(store)
    first, last = tick.horizon(day, FW.horizon_months)
    scheduling.schedule(store, FW, store.org(), first, last, day)
    seen = recorded_meanwhile(db_url, monkeypatch, day, open_audit_begun_by(store, day))
    retired = frameworkload.retire(store, FW.id, day)
    seen["thread"].join()
    assert sum(retired.cancelled.values()) > 0
    statuses = {o.id: o.status for o in store.obligations(Filters(framework=FW.id))}
    # recorded and done, or (SQLite: the recording waits for the retirement) refused as retired
    assert [str(f) for f in seen["failures"] if "was retired" not in str(f)] == []
    assert statuses.pop(seen["id"]) == ("cancelled" if seen["failures"] else "done")
    assert set(statuses.values()) <= {"cancelled", "done"}
    store.close()


def two_claims_at_once(db_url: str, store: SqlStore, day: date) -> list[str]:
    """Two runners claim ``day``'s tick, the second the moment the first has read the day's claim; the answers."""
    from sqlalchemy import event

    from qaf.store import ticks

    answers, others = [], []

    def claim(s: SqlStore, runner: str) -> None:
        with s.write() as conn:
            answers.append(ticks.claim_tick(conn, day, runner, WALL))

    def after(conn, cursor, statement, *args) -> None:  # the first runner has read the day's claim: the second claims now
        if not others and statement.lstrip().upper().startswith("SELECT") and "tick_runs" in statement:
            others.append(meanwhile(db_url, lambda s: claim(s, "elsewhere.example:2")))

    event.listen(store.engine, "after_cursor_execute", after)
    claim(store, "elsewhere.example:1")
    event.remove(store.engine, "after_cursor_execute", after)
    thread, failures = others[0]
    thread.join()
    assert [str(f) for f in failures] == []
    return sorted(answers)


def test_two_ticks_of_one_day_starting_together_one_runs_the_other_is_told_busy(db_url: str):
    """Both read no tick for the day and both inserted one: on PostgreSQL the second failed with a
    duplicate-key error (a traceback from `qaf tick`). Now it waits for the first's claim and is told busy."""
    store = SqlStore.open(db_url)
    assert two_claims_at_once(db_url, store, date(2026, 5, 11)) == ["busy", "run"]  # whichever claimed first runs
    store.close()


def test_two_runners_taking_over_one_days_expired_claim_at_once_one_runs_the_other_is_told_busy(db_url: str):
    """The day's runner died on another host and its lease ran out; two runners came for the day at once
    and on PostgreSQL each read the claim expired and took it: both ran the day's tick. Now the second waits
    for the first's claim, reads it live and is told busy."""
    from qaf.store import ticks

    store = SqlStore.open(db_url)
    day = date(2026, 5, 11)
    with store.write() as conn:
        assert ticks.claim_tick(conn, day, "far.example:9:0.dead", WALL - ticks.TICK_LEASE - timedelta(minutes=1)) == "run"
    assert two_claims_at_once(db_url, store, day) == ["busy", "run"]
    store.close()


def test_an_outcome_recorded_as_the_tick_reads_late_work_gets_no_overdue_email(db_url: str, monkeypatch):
    """The tick read an overdue audit as live, an outcome was recorded for it (another store) before the tick
    wrote its rungs, and on PostgreSQL the tick escalated it anyway: the line manager and the Assistant
    Director were emailed that finished work was overdue. Now the rungs are written only for work still as the
    tick read it (its rows held until they are): the escalation is worked out again, and the done audit is left
    alone. On SQLite the recording waits for the tick, and the audit is escalated before it is done."""
    from sqlalchemy import select

    from qaf.engine.businesstime import business_now
    from qaf.engine.outcomes import Recording
    from qaf.engine.query import Filters
    from qaf.store.tables import ESCALATIONS, OUTBOX
    from qaf.usecases import recording
    from tests.test_tick import set_up

    store = SqlStore.open(db_url)
    set_up(store)
    tick.run_tick(store, date(2024, 5, 1), MailSettings(), "elsewhere.example:1", now=business_now(date(2024, 5, 1)), wall=lambda: WALL)
    day, original, seen = date(2024, 7, 15), tick.due_escalations, {}

    def racing(fw, org, live, done, today, restarted):
        if not seen:  # the tick has read the late work: its worker records the first late audit now
            late = next(o for o in live if o.kind == "audit" and o.due < today)
            seen["id"] = late.id
            seen["thread"], seen["failures"] = meanwhile(db_url, lambda s: recording.record(s, Recording(late.id, "good", date=today), today))
        return original(fw, org, live, done, today, restarted)

    monkeypatch.setattr(tick, "due_escalations", racing)
    tick.run_tick(store, day, MailSettings(), "elsewhere.example:1", now=business_now(day), wall=lambda: WALL + timedelta(days=75))
    seen["thread"].join()
    assert seen["failures"] == []
    assert next(o for o in store.obligations(Filters()) if o.id == seen["id"]).status == "done"
    with store.read() as conn:
        rungs = conn.execute(select(ESCALATIONS.c.level).where(ESCALATIONS.c.obligation == seen["id"])).scalars().all()
        told = conn.execute(select(OUTBOX.c.key).where(OUTBOX.c.cause == seen["id"])).scalars().all()
    if store.dialect == "postgresql":
        assert (rungs, told) == ([], [])
    else:  # escalated while it was late, then recorded
        assert rungs and told
    store.close()


def as_the_tick_begins(store: SqlStore, monkeypatch, then) -> None:
    """``then()`` once the tick has read the frameworks in use, before it schedules them."""
    original = store.frameworks

    def frameworks():
        found = original()
        then()
        return found

    monkeypatch.setattr(store, "frameworks", frameworks)


def tick_on(store: SqlStore, day: date) -> tick.TickResult:
    from qaf.engine.businesstime import business_now

    return tick.run_tick(store, day, MailSettings(), "elsewhere.example:1", now=business_now(day), wall=lambda: WALL)


def test_a_framework_retired_as_the_tick_begins_stays_retired(db_url: str, monkeypatch):
    """`qaf framework retire` ran as the 06:00 tick began: the tick scheduled the framework it had read in
    use, and opened again every obligation of the window the retirement had cancelled (171 on the test
    council), in people's lists and feeds for good (a retired framework is scheduled no more). The schedule
    now reads, under its lock, whether the framework is still in use."""
    from qaf.engine.model import LIVE
    from qaf.engine.query import Filters
    from qaf.usecases import frameworkload
    from tests.test_tick import FW, set_up

    store = SqlStore.open(db_url)
    set_up(store)
    tick_on(store, date(2024, 10, 1))
    as_the_tick_begins(store, monkeypatch, lambda: frameworkload.retire(store, FW.id, date(2024, 11, 4)))
    tick_on(store, date(2024, 11, 4))
    monkeypatch.undo()
    tick_on(store, date(2024, 11, 5))
    assert store.obligations(Filters(framework=FW.id, statuses=frozenset(LIVE))) == []
    store.close()


def rows_1_6_and_1_7_swapped(text: str) -> str:
    """East Sussex amended: the Chief Executive's six-monthly meeting put first, as 1.6, the monthly
    monitoring after it, as 1.7 (each row keeps its identity: its work is renamed with it)."""
    return text.replace('id: "1.6"', 'id: "X"').replace('id: "1.7"', 'id: "1.6"').replace('id: "X"', 'id: "1.7"')


def ticked_with_row_1_6_monthly(db_url: str, tmp_path):
    """A store ticked on 1 October 2024 under the published framework (1.6 the monthly monitoring meeting):
    the store, and the amendment that swaps rows 1.6 and 1.7 (the framework and its text)."""
    from tests.council import council
    from tests.test_reconcile import amended

    store = SqlStore.open(db_url)
    published, text = amended(tmp_path, "published", lambda t: t)
    swapped, swapped_text = amended(tmp_path, "amended", rows_1_6_and_1_7_swapped)
    store.save_framework(published, text)
    store.save_org(council())
    tick_on(store, date(2024, 10, 1))
    return store, swapped, swapped_text


def monitoring_rows(store: SqlStore) -> set[str]:
    """The rows the Chief Executive's monthly monitoring meetings are filed under."""
    from qaf.engine.query import Filters

    return {o.row for o in store.obligations(Filters(statuses=None)) if "Monitoring via one-to-one" in o.title}


def test_a_framework_amended_as_the_tick_begins_is_scheduled_as_amended(db_url: str, monkeypatch, tmp_path):
    """An amendment renumbering rows 1.6 and 1.7 was loaded as the tick began: the tick scheduled the
    version it had read, so the monthly monitoring meeting it made for the horizon's new month was filed
    under 1.6 (the amendment's six-monthly meeting), titled 1.7, for good. The schedule now plans the
    framework as the store holds it when it takes its lock."""
    store, swapped, swapped_text = ticked_with_row_1_6_monthly(db_url, tmp_path)
    assert monitoring_rows(store) == {"1.6"}
    as_the_tick_begins(store, monkeypatch, lambda: store.save_framework(swapped, swapped_text))
    tick_on(store, date(2024, 11, 4))
    monkeypatch.undo()
    tick_on(store, date(2024, 11, 5))
    assert monitoring_rows(store) == {"1.7"}
    store.close()


def test_an_amendment_loaded_while_the_tick_schedules_waits_for_it(db_url: str, monkeypatch, tmp_path):
    """The same amendment loaded (another process) while the tick's schedule was planning: on PostgreSQL it
    renamed the row's work as it stood and committed, and the schedule then wrote the work it had planned
    under the old number. Loading a framework now waits for a schedule of it, and renames what it wrote."""
    from qaf.usecases import scheduling

    store, swapped, swapped_text = ticked_with_row_1_6_monthly(db_url, tmp_path)
    original, seen = scheduling.plan, {}

    def planning(*args, **kwargs):
        if not seen:
            seen["thread"], seen["failures"] = meanwhile(db_url, lambda s: s.save_framework(swapped, swapped_text))
        return original(*args, **kwargs)

    monkeypatch.setattr(scheduling, "plan", planning)
    tick_on(store, date(2024, 11, 4))
    seen["thread"].join()
    assert seen["failures"] == []
    monkeypatch.undo()
    tick_on(store, date(2024, 11, 5))
    assert monitoring_rows(store) == {"1.7"}
    store.close()


def test_an_email_claimed_as_a_tick_ahead_is_taken_back_is_sent_or_withdrawn_not_both(db_url: str, monkeypatch):
    """The clock put right, a tick run ahead was taken back: its escalation emails not sent were withdrawn as
    read, and on PostgreSQL one a sender (another process) claimed meanwhile was withdrawn while it went out,
    so the rung raised again on its day was emailed a second time. The rows are now held as they are read:
    the sender's claim waits for them, or the email, claimed first, stands."""
    from sqlalchemy import insert

    from qaf.store import ticks
    from qaf.store.outcomes import outbox_rows
    from qaf.store.tables import OUTBOX, TICK_RUNS
    from qaf.store.upsert import insert_new

    store = SqlStore.open(db_url)
    today, ahead = date(2026, 5, 11), datetime(2026, 5, 12, 5, 0, tzinfo=timezone.utc)
    notice = Notice("esc/ob1/1", "M1", "manager@example-council.gov.uk", "Overdue", "Manager\nOverdue.", "escalation", "ob1")
    with store.write() as conn:
        conn.execute(insert(TICK_RUNS), {"business_date": date(2026, 5, 12), "started_at": WALL, "finished_at": WALL, "runner": "r", "summary": {}})
        insert_new(conn, OUTBOX, outbox_rows([notice], ahead), ["key"])
    original, claims, sender = ticks.update_rows, [], []

    def withdrawing(conn, table, key, rows, **kwargs):
        if rows and not sender and any(r.get("status") == "withdrawn" for r in rows):  # read as pending: a sender claims it now
            def claim(s: SqlStore) -> None:
                with s.write() as c:
                    claims.extend(ob_store.claim(c, "elsewhere.example:2", ahead, WALL))
            sender.append(meanwhile(db_url, claim))
        return original(conn, table, key, rows, **kwargs)

    monkeypatch.setattr(ticks, "update_rows", withdrawing)
    with store.write() as conn:
        found = ticks.reopen_ahead(conn, today, datetime(2026, 5, 12, 0, 0, tzinfo=timezone.utc))
    thread, failures = sender[0]
    thread.join()
    assert failures == []
    [row] = outbox_rows_of(store)
    if claims:  # the sender claimed it first: it is being sent, and stands, under its key
        assert (row.status, row.key, found.withdrawn, found.stand) == ("sending", "esc/ob1/1", 0, 1)
    else:  # withdrawn first: no sender has it, and its key is given up for the rung raised again on its day
        assert (row.status, row.key, row.claimed_by, found.withdrawn) == ("withdrawn", f"esc/ob1/1/ahead/{row.id}", None, 1)
    store.close()


def test_an_outcome_being_recorded_as_the_tick_escalates_gets_no_overdue_email(db_url: str):
    """An audit's outcome was being recorded (its row written, not yet committed) as the tick escalated the
    late work: on PostgreSQL the tick read the audit as the store last committed it, still late, and its
    manager was emailed that finished work was overdue. The tick's escalation now waits for the work it
    escalates to be free, reads it as it then stands, and leaves the done audit alone; every other rung the
    tick owed that day is raised, each once."""
    from contextlib import contextmanager

    from sqlalchemy import select

    from qaf.engine.escalation import cutoffs, due_escalations
    from qaf.engine.outcomes import Recording
    from qaf.engine.query import Filters
    from qaf.engine.workdays import calendar
    from qaf.store import ticks
    from qaf.store.tables import ESCALATIONS, OUTBOX
    from qaf.usecases import recording, scheduling
    from tests.test_tick import FW, set_up
    from tests.threads import running

    store = SqlStore.open(db_url)
    set_up(store)
    tick_on(store, date(2024, 5, 1))
    day = date(2024, 7, 15)
    scheduling.schedule(store, FW, store.org(), *tick.horizon(day, FW.horizon_months), day)  # the tick's schedule has nothing to write
    with store.read() as conn:  # what the tick owes today, the audit still late
        live, done, restarted = ticks.candidates(conn, FW.id, day, calendar(FW.working_days).add(day, FW.reminder_days), cutoffs(FW, day))
    owed = {(e.obligation, e.level) for e in due_escalations(FW, store.org(), live, done, day, restarted)}
    late = min(o.id for o in live if o.kind == "audit" and o.due < day and any(oid == o.id for oid, _ in owed))
    in_flight, commit, ticked = threading.Event(), threading.Event(), []

    def record_in_flight() -> None:  # the audit's outcome written and held, uncommitted, until the block ends
        s = SqlStore.open(db_url, application_name="qaf recording")
        write = s.write

        @contextmanager
        def held():
            with write() as conn:
                yield conn
                in_flight.set()
                commit.wait()

        s.write = held
        try:
            recording.record(s, Recording(late, "good", date=day), day)
        finally:
            in_flight.set()
            s.close()

    with running(record_in_flight, stop=commit) as recorded:
        in_flight.wait()
        # the tick runs to its end, or to where it waits for the recording to finish
        thread, failures = meanwhile(db_url, lambda s: ticked.append(tick_on(s, day)))
    thread.join()
    assert (recorded, failures) == ([], [])
    assert next(o for o in store.obligations(Filters()) if o.id == late).status == "done"
    with store.read() as conn:
        raised = {(r.obligation, r.level) for r in conn.execute(select(ESCALATIONS.c.obligation, ESCALATIONS.c.level).where(ESCALATIONS.c.on == day))}
        told = conn.execute(select(OUTBOX.c.key).where(OUTBOX.c.cause == late)).scalars().all()
    assert (sorted(level for oid, level in raised if oid == late), told) == ([], [])  # nobody told the done audit is late
    assert raised == {(oid, level) for oid, level in owed if oid != late}  # and nothing else the tick owed is lost
    assert ticked[0].escalated == len(raised)
    store.close()


def test_a_month_of_outcomes_from_a_csv_and_the_tick_lock_the_work_in_one_order_and_both_finish(db_url: str):
    """A month's outcomes arrived as a CSV as the tick escalated: the recording locked each obligation as its
    line came (file order), the tick locked the late work in id order. The tick held the first and wanted the
    second; the recording held the second and waited for the first: PostgreSQL ended one of them as a
    deadlock. The recording now locks all it names in id order before it reads any, so it waits behind the
    tick holding nothing, and both finish."""
    from sqlalchemy import select, text

    from qaf.engine.model import LIVE
    from qaf.engine.outcomes import Recording
    from qaf.engine.query import Filters
    from qaf.rules.problems import Source
    from qaf.store.tables import OBLIGATIONS
    from qaf.usecases import recording
    from tests.test_tick import set_up

    store = SqlStore.open(db_url)
    set_up(store)
    day = date(2024, 7, 15)
    tick_on(store, date(2024, 5, 1))
    first, second = sorted(o.id for o in store.obligations(Filters()) if o.kind == "audit" and o.status in LIVE and o.due < day)[:2]
    lines = [(Source("outcomes.csv", 2), Recording(second, "good", date=day)), (Source("outcomes.csv", 3), Recording(first, "good", date=day))]
    c = OBLIGATIONS.c
    with store.write() as conn:  # the tick: the first of its late work locked, in id order
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL lock_timeout = '5s'"))
        conn.execute(select(c.id).where(c.id == first).with_for_update()).all()
        thread, failures = meanwhile(db_url, lambda s: recording.record_many(s, lines, day))
        conn.execute(select(c.id).where(c.id == second).with_for_update()).all()  # ... and now the next
    thread.join()
    assert failures == []
    assert {o.id: o.status for o in store.obligations(Filters()) if o.id in (first, second)} == {first: "done", second: "done"}
    store.close()


def test_two_senders_whose_clocks_differ_by_minutes_do_not_both_send_one_email(store: SqlStore, monkeypatch):
    """Leases were written and read on each runner's own clock: a sender on a host whose clock ran six
    minutes ahead read the leader's live claim as run out, took it, and both sent the email. The service and
    'qaf tick' now keep leases on the database's clock (SqlStore.wall): one clock for every runner."""
    from qaf import service

    queue(store, alert(0))
    delivered: Counter = Counter()
    right = service.utc_now
    here = {"store": store, "settings": MailSettings(host="127.0.0.1"), "runner": "leader.example:1:0.a"}

    class SlowServer:  # while the leader sends, a runner on a host whose clock is ahead sends what is due
        def __init__(self, *_) -> None:
            pass

        def send(self, msg, **_) -> None:
            delivered[msg["X-Qaf-Key"]] += 1
            if sum(delivered.values()) == 1:
                with monkeypatch.context() as m:
                    m.setattr(service, "utc_now", lambda: right() + timedelta(minutes=6))
                    m.setitem(here, "runner", "ahead.example:2:0.b")
                    service._send_job(date(2026, 5, 1))

        def close(self) -> None:
            pass

    monkeypatch.setattr(service, "_here", here)
    monkeypatch.setattr(tick, "Sender", SlowServer)
    service._send_job(date(2026, 5, 1))
    assert delivered == {"alert/0": 1}
    assert [r.status for r in outbox_rows_of(store)] == ["sent"]


def test_the_leaders_minute_send_stamps_what_it_sent_on_the_databases_clock(store: SqlStore, monkeypatch):
    """A leader on a host whose clock runs three hours ahead sends an alert: the outbox records it sent at the
    database's time, as every lease is kept (the retention purge and the Date header read it), not the host's."""
    from qaf import service

    queue(store, alert(0))
    right = service.utc_now

    class Server:
        def __init__(self, *_) -> None:
            pass

        def send(self, msg, **_) -> None:
            return None

        def close(self) -> None:
            pass

    monkeypatch.setattr(service, "_here", {"store": store, "settings": MailSettings(host="127.0.0.1"), "runner": "ahead.example:1:0.a"})
    monkeypatch.setattr(service, "utc_now", lambda: right() + timedelta(hours=3))
    monkeypatch.setattr(tick, "Sender", Server)
    service._send_job(date(2026, 5, 1))
    [row] = outbox_rows_of(store)
    assert row.status == "sent" and abs(row.sent_at - right()) < timedelta(minutes=5)


def set_up_to_tick(db_url: str) -> SqlStore:
    """A store at ``db_url`` holding test_tick's framework and council, nothing ticked yet."""
    from tests.test_tick import set_up

    store = SqlStore.open(db_url)
    set_up(store)
    return store


def tick_here(store: SqlStore, day: date, clock: list) -> tick.TickResult:
    """``here.example:1`` ticks ``day``, mail down, on the wall clock ``clock``."""
    return tick.run_tick(store, day, MailSettings(), "here.example:1", now=NOW, wall=lambda: clock[0])


def the_days_tick(store: SqlStore) -> tuple[str, datetime | None]:
    """Who holds the one day's tick, and when it finished (None: not yet)."""
    from qaf.store import ticks

    with store.read() as conn:
        [row] = conn.execute(select(ticks.TICKS)).all()
    return row.runner, row.finished_at


def slow_phases(monkeypatch, clock: list, minutes: dict[str, int], then) -> None:
    """Each named phase of the tick (``schedule``, ``escalate``, ``purge``) takes ``minutes`` of the wall
    clock ``clock``; ``then()`` runs after each."""
    from qaf.usecases import scheduling

    for owner, name, phase in ((scheduling, "schedule", "schedule"), (tick, "escalate", "escalate"), (tick, "purge_outbox", "purge")):
        def slowly(*args, _f=getattr(owner, name), _phase=phase, **kwargs):
            found = _f(*args, **kwargs)
            clock[0] += timedelta(minutes=minutes.get(_phase, 0))
            then()
            return found

        monkeypatch.setattr(owner, name, slowly)


def test_a_tick_longer_than_its_lease_renews_it_and_no_second_runner_takes_the_day(db_url: str, monkeypatch):
    """The tick's 30-minute lease was never renewed: a tick whose phases took 12 minutes each (a large
    council's schedule, a slow mail server) let a second runner take the day over at 36 minutes while the
    first still ran, and both ran the day. The claim is now renewed before each phase: the second is told
    busy each time it comes, and the first finishes the day. (Each phase here is one step of 8 minutes: the
    lease is 10 minutes since the claim is also renewed inside the phases, every minute.)"""
    from qaf.store import ticks
    store, day, clock, seen = set_up_to_tick(db_url), date(2026, 5, 11), [WALL], []

    def another() -> None:
        with store.write() as conn:
            seen.append(ticks.claim_tick(conn, day, "there.example:2", clock[0]))

    slow_phases(monkeypatch, clock, {"schedule": 8, "escalate": 8, "purge": 8}, another)
    result = tick_here(store, day, clock)
    assert (seen, result.status) == (["busy"] * 3, "ran")
    assert the_days_tick(store) == ("here.example:1", clock[0])
    store.close()


def test_a_tick_whose_day_was_taken_over_stops_and_writes_no_more(db_url: str, monkeypatch):
    """A phase that ran past the whole lease (40 minutes): another runner took the day over, and the first
    went on to gather the digests and finish the day as its own beside it. It now finds its claim taken
    before its next phase and stops: the day is the other's, unfinished, its digests left to it."""
    from qaf.store import ticks
    store, day, clock, seen = set_up_to_tick(db_url), date(2026, 5, 11), [WALL], []

    def another() -> None:
        if not seen:
            with store.write() as conn:
                seen.append(ticks.claim_tick(conn, day, "there.example:2", clock[0]))

    slow_phases(monkeypatch, clock, {"schedule": 40}, another)
    gathered = []
    monkeypatch.setattr(ob_store, "gather_digests", lambda *a, **k: gathered.append(1) or 0)
    result = tick_here(store, day, clock)
    assert (seen, result.status, gathered) == (["run"], "taken over", [])
    assert "another runner took the day over" in result.lines()[0]
    assert the_days_tick(store) == ("there.example:2", None)
    store.close()


def a_minute_a_cadence(monkeypatch, clock: list, at: timedelta, then) -> list:
    """The planner takes a minute of the wall clock ``clock`` for each cadence (East Sussex has 78: a large
    council's schedule); ``then()`` once, when ``at`` has passed since :data:`WALL`. What it returned, once called."""
    from qaf.engine import schedule as engine_schedule

    cadence, done = engine_schedule._Planner.cadence, []

    def slowly(self, *args, **kwargs):
        clock[0] += timedelta(minutes=1)
        if clock[0] - WALL >= at and not done:
            done.append(then())
        return cadence(self, *args, **kwargs)

    monkeypatch.setattr(engine_schedule._Planner, "cadence", slowly)
    return done


def test_a_schedule_longer_than_the_ticks_lease_keeps_the_day_and_no_second_runner_takes_it(db_url: str, monkeypatch):
    """The claim was renewed only between phases: a schedule of 78 minutes (a minute a cadence) ran past the
    30-minute lease, a second runner coming 40 minutes in took the day and ran it beside the first, which
    was stopped as taken over once its schedule was done. The planner now renews the claim as it goes, every
    minute of the database's clock: the second runner is told busy, and the first finishes the day."""
    from qaf.store import ticks
    store, day, clock, seen = set_up_to_tick(db_url), date(2026, 5, 11), [WALL], []

    def claim(s: SqlStore) -> None:
        with s.write() as conn:
            seen.append(ticks.claim_tick(conn, day, "there.example:2", clock[0]))

    other = a_minute_a_cadence(monkeypatch, clock, timedelta(minutes=40), lambda: meanwhile(db_url, claim))
    result = tick_here(store, day, clock)
    [(thread, failures)] = other
    thread.join()
    assert failures == []
    assert clock[0] - WALL > ticks.TICK_LEASE * 2
    assert result.status == "ran"
    assert the_days_tick(store) == ("here.example:1", clock[0])
    assert seen in (["busy"], ["done"])  # SQLite: it waited for a write of the first, perhaps the finish
    store.close()


def test_the_days_claim_is_renewed_by_time_gone_by_not_by_steps(store: SqlStore):
    """A pulse renews the claim once a minute of the database's clock has passed since the last renewal,
    whether one step or a thousand came between; a pulse finding the day another's stops the runner."""
    from qaf.store import ticks
    from qaf.usecases.dayclaim import RENEW_EVERY, DayClaim, TakenOver

    day, clock = date(2026, 5, 11), [WALL]
    with store.write() as conn:
        ticks.claim_tick(conn, day, "here.example:1", WALL)
    claim = DayClaim(store, day, "here.example:1", lambda: clock[0])

    def lease() -> datetime:
        with store.read() as conn:
            return conn.execute(select(ticks.TICKS.c.claimed_until)).scalar_one().replace(tzinfo=timezone.utc)

    for _ in range(1000):
        claim.pulse()
    assert lease() == WALL + ticks.TICK_LEASE
    clock[0] += RENEW_EVERY
    claim.pulse()
    assert lease() == WALL + RENEW_EVERY + ticks.TICK_LEASE
    clock[0] += ticks.TICK_LEASE * 2  # hung: its lease ran out, and another runner took the day
    with store.write() as conn:
        assert ticks.claim_tick(conn, day, "there.example:2", clock[0]) == "run"
    import pytest

    with pytest.raises(TakenOver):
        claim.pulse()


def tameside_leaving_meanwhile(db_url: str, monkeypatch, leaver: str, successor, act) -> tuple[SqlStore, str]:
    """Tameside scheduled, ``successor`` (a person) in post from 1 June; ``act(store, audit)`` (a recording, a
    moderation: its id) run with HR's file saying ``leaver`` left on 5 June, and the year scheduled again on it,
    coming in by another store the moment ``act`` has read the work and the organisation. The store, and the
    id of what ``act`` made for the leaver's post, once a schedule after both (the next tick's) has run."""
    import dataclasses

    from qaf.rules import bundled
    from qaf.usecases import recording, scheduling
    from tests.council import PEOPLE, council
    from tests.test_outcomes import FRAMEWORKS, YEAR, april_audit

    fw = FRAMEWORKS["tameside-2023"]
    people = (*PEOPLE, successor)
    store = SqlStore.open(db_url)
    store.save_framework(fw, bundled.path("tameside-2023").read_text())
    store.save_org(council(people=people))
    scheduling.schedule(store, fw, store.org(), *YEAR, date(2024, 6, 10))
    audit = april_audit(store, "T1", "SW1")
    gone = council(people=tuple(dataclasses.replace(p, end=date(2024, 6, 5)) if p.id == leaver else p for p in people))

    def hr_file(s: SqlStore) -> None:
        s.save_org(gone)
        scheduling.schedule(s, fw, s.org(), *YEAR, date(2024, 6, 10))

    others: list = []

    def hooked(checked):
        def checking(*args, **kwargs):  # the work and the organisation are read: HR's file comes now
            if not others:
                others.append(meanwhile(db_url, hr_file))
            return checked(*args, **kwargs)
        return checking

    for name in ("check_recording", "_check_moderation"):
        monkeypatch.setattr(recording, name, hooked(getattr(recording, name)))
    made = act(store, audit, others)
    thread, failures = others[0]
    thread.join()
    assert failures == []
    scheduling.schedule(store, fw, store.org(), *YEAR, date(2024, 6, 10))  # the next tick's schedule
    return store, made


def test_a_moderation_made_as_its_moderator_leaves_passes_on_at_the_next_schedule(db_url: str, monkeypatch):
    """Tameside: every primary audit is moderated, by a moderator of the pool. Pat's audit was being recorded
    (Moira Moderator read as in post) as HR's file saying Moira left was loaded and the year scheduled again. On
    PostgreSQL the recording did not wait for either: its moderation was Moira's, made after the schedule
    had passed her work on, and every later schedule (skipped: the organisation as it last planned) left it
    with her, open and climbing her old line, until HR's next file. It passes to Mina, as any of Moira's
    moderations does."""
    from qaf.engine.outcomes import Recording
    from qaf.engine.query import Filters
    from qaf.usecases import recording
    from tests.council import person

    def record(store, audit, _):
        made = recording.record(store, Recording(audit.id, "good", date=date(2024, 4, 22)), date(2024, 6, 10)).created
        return next(o.id for o in made if o.kind == "moderation")

    mina = person("MOD3", "Mina Third", "Moderator", "T3", "H2", start=date(2024, 6, 1))
    store, made = tameside_leaving_meanwhile(db_url, monkeypatch, "MOD1", mina, record)
    now = {o.id: o for o in store.obligations(Filters(statuses=None))}[made]
    assert (now.status, now.assignee) == ("open", "MOD3")
    store.close()


def test_a_sign_off_made_as_the_head_of_qa_leaves_passes_to_her_successor_at_the_next_schedule(db_url: str, monkeypatch):
    """The triple lock: a moderated audit is signed off by the Head of QA. Moira moderated Pat's audit as HR's
    file saying Quinn Quality left (Quentin Next in post) was loaded and the year scheduled again: on PostgreSQL
    the sign-off was Quinn's, and stayed hers. It is Quentin's."""
    from qaf.engine.outcomes import Recording
    from qaf.engine.query import Filters
    from qaf.usecases import recording
    from tests.council import person

    def moderate(store, audit, others):
        others.append(None)  # the recording is not the race: the moderation is
        [moderation] = [o for o in recording.record(store, Recording(audit.id, "good", date=date(2024, 4, 22)), date(2024, 6, 10)).created
                        if o.kind == "moderation"]  # fmt: skip
        others.clear()
        made = recording.moderate(store, moderation.id, "good", None, date(2024, 5, 2), date(2024, 6, 10)).created
        return next(o.id for o in made if o.kind == "qa_signoff")

    quentin = person("HQ2", "Quentin Next", "Head of QA", None, "AD1", date(2024, 6, 1))
    store, made = tameside_leaving_meanwhile(db_url, monkeypatch, "HQA", quentin, moderate)
    now = {o.id: o for o in store.obligations(Filters(statuses=None))}[made]
    assert (now.status, now.assignee) == ("open", "HQ2")
    store.close()


def test_an_outcome_recorded_as_a_retirement_cancels_the_work_waits_for_it_and_neither_deadlocks(db_url: str, monkeypatch):
    """A recording holds its framework's version (shared) before the work it records; retiring the framework
    cancelled the work, then marked the framework: with the recording between the two, each waited for the
    other and PostgreSQL ended one. The framework is marked first; the recording waits, and is refused."""
    from qaf.engine.outcomes import Recording
    from qaf.engine.query import Filters
    from qaf.store import obligations
    from qaf.usecases import frameworkload, recording, scheduling
    from tests.test_tick import FW, set_up

    day = date(2024, 5, 1)
    store = SqlStore.open(db_url)
    set_up(store)
    scheduling.schedule(store, FW, store.org(), *tick.horizon(day, FW.horizon_months), day)
    audit = open_audit_begun_by(store, day)([{"id": o.id} for o in store.obligations(Filters())])
    applied, seen = obligations.apply, []

    def apply(conn, *args, **kwargs):  # the work cancelled, in the retirement's transaction: the audit is recorded now
        done = applied(conn, *args, **kwargs)
        if not seen:
            seen.append(meanwhile(db_url, lambda s: recording.record(s, Recording(audit, "good", date=day), day)))
        return done

    monkeypatch.setattr(frameworkload.ob_store, "apply", apply)
    retired = frameworkload.retire(store, FW.id, day)
    thread, failures = seen[0]
    thread.join()
    assert sum(retired.cancelled.values()) > 0
    assert [str(f) for f in failures if "retired" not in str(f) and "no longer open" not in str(f)] == []
    assert {o.id: o.status for o in store.obligations(Filters(framework=FW.id))}[audit] == ("cancelled" if failures else "done")
    store.close()


def test_a_sender_whose_hosts_clock_is_put_back_mid_batch_begins_nothing_past_its_claims_time(store: SqlStore, monkeypatch):
    """The leases are kept on the database's clock as this host reads it (SqlStore.wall): its offset was
    measured once, and the host's clock read at every call. A host whose clock was put back ten minutes while
    it sent a slow batch (an NTP step, someone setting the time) read its claims as six minutes younger than
    they were: six real minutes on, it still began the batch's next email, which another runner, reading the
    lease run out, had taken and sent. The clock now goes on from the measurement by the time that passes."""
    import qaf.store.sql as sql

    passed = [0.0]  # seconds gone by on the host's steady clock
    shift = [timedelta(0)]  # how far the host's wall clock has been moved
    monkeypatch.setattr(sql, "_elapsed", lambda: passed[0])
    wall = store.wall(lambda: datetime.now(timezone.utc) + shift[0])
    queue(store, alert(0), alert(1))
    with store.write() as conn:
        first, second = ob_store.claim(conn, "leader.example:1:0.a", wall(), wall())
    claimed = wall()
    passed[0] += 6 * 60  # the first email took six minutes to go...
    shift[0] = -timedelta(minutes=10)  # ...and meanwhile the host's clock was put back ten minutes
    assert wall() - claimed >= timedelta(minutes=6)
    assert not ob_store.in_time(second, wall())  # its lease has run out: another runner may be sending it
    with store.read() as conn:
        assert ob_store.stale_claims(conn, "other.example:2:0.b", wall())
