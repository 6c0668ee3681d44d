"""Two ``qaf serve`` instances on one PostgreSQL: one leader ticks, nothing twice, the other takes over."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, select

from qaf.clock import today_in
from qaf.store.sql import SqlStore
from qaf.store.tables import OUTBOX, TICK_RUNS
from tests.smtp import Inbox, free_port, smtp_server
from tests.test_tick import set_up

MONTH = 31  # the service runs on the wall clock; the test gives it a month to catch up


def health(port: int) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
            return json.loads(r.read())
    except OSError:
        return None


def wait_for(what, timeout: float = 60.0, every: float = 0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"gave up waiting after {timeout} s")


def one_run_each_day(ticks, first: date, zone: str) -> list[date]:
    """The days ticked, after checking each ran once and none between ``first`` and the last was skipped.

    The last is the business date when the catch-up began, or a day later if
    midnight in the council's timezone passed while the test ran.
    """
    days = sorted(t.business_date for t in ticks)
    assert len(days) == len(set(days)), "a day was ticked twice"
    assert days == [first + timedelta(days=n) for n in range(len(days))], "a day was skipped"
    assert days[-1] <= today_in(zone)
    return days


def finished_ticks(store: SqlStore) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(TICK_RUNS).where(TICK_RUNS.c.finished_at.is_not(None))).scalar()


def served_here(monkeypatch, url: str, runner: str, **build):
    """``qaf serve``'s service on ``url`` as ``runner``, mail down, its background jobs run in this process as they
    are called: its scheduler, its leadership (to release) and its store (to close)."""
    from qaf import service
    from qaf.usecases.mail import MailSettings

    app, scheduler, leadership, served = service.build(url, runner, **build)
    for key, value in {"store": served, "settings": MailSettings(), "runner": runner}.items():
        monkeypatch.setitem(service._here, key, value)
    monkeypatch.setattr(app.state.background, "run", lambda job, *args: job(*args))
    return scheduler, leadership, served


def test_two_instances_one_leader_nothing_twice_and_a_takeover(pg_url: str, tmp_path):
    store = SqlStore.open(pg_url)
    set_up(store)
    inbox, smtp_port = Inbox(), free_port()
    env = {**os.environ, "QAF_DB": pg_url, "QAF_SMTP_HOST": "127.0.0.1", "QAF_SMTP_PORT": str(smtp_port)}
    env.pop("QAF_CRASH_AT", None)
    ports = [free_port(), free_port()]
    zone = store.timezone()
    first = today_in(zone) - timedelta(days=MONTH - 1)
    procs = []
    with smtp_server(inbox, smtp_port):
        try:
            for port in ports:
                procs.append(subprocess.Popen(
                    [sys.executable, "-m", "qaf.cli.main", "serve", "--port", str(port), "--leader-check", "1", "--catch-up-from", first.isoformat()],
                    env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / f"serve-{port}.log", "w"),
                ))  # fmt: skip
            states = wait_for(lambda: all(health(p) for p in ports) and [health(p) for p in ports], timeout=40)
            wait_for(lambda: finished_ticks(store) >= MONTH, timeout=120)
            states = [health(p) for p in ports]
            leaders = [i for i, s in enumerate(states) if s["leader"]]
            assert len(leaders) == 1, states
            time.sleep(2)  # let the leader finish sending
            with store.read() as conn:
                rows = list(conn.execute(select(OUTBOX)))
                ticks = list(conn.execute(select(TICK_RUNS)))
            ticked = one_run_each_day(ticks, first, zone)
            assert len(ticked) in (MONTH, MONTH + 1)  # a month, and a day more if midnight passed
            assert {t.runner for t in ticks} == {states[leaders[0]]["runner"]}  # only the leader ticked
            sent = [r for r in rows if r.status == "sent"]
            assert sorted(inbox.keys()) == sorted(r.key for r in sent) and len(set(inbox.ids())) == len(inbox.ids())
            # kill the leader: the other takes over
            procs[leaders[0]].send_signal(signal.SIGKILL)
            procs[leaders[0]].wait()
            follower = ports[1 - leaders[0]]
            wait_for(lambda: (health(follower) or {}).get("leader"), timeout=20)
            time.sleep(2)  # the new leader's catch-up tick, if midnight passed, has run
            with store.read() as conn:
                after = list(conn.execute(select(TICK_RUNS)))
            # nothing left to catch up, nothing run twice: the new leader ticks only a day that has begun since
            assert one_run_each_day(after, first, zone)[: len(ticked)] == ticked
            assert len(after) - len(ticked) <= today_in(zone).toordinal() - ticked[-1].toordinal()
        finally:
            for p in procs:
                if p.poll() is None:
                    p.terminate()
                    p.wait(timeout=10)
    store.close()


def test_on_sqlite_a_second_instance_waits_for_the_file_lock(tmp_path):
    from qaf.store.leader import Leadership

    url = f"sqlite:///{tmp_path / 'qaf.db'}"
    a, b = SqlStore.open(url), SqlStore.open(url)
    first, second = Leadership(a, url), Leadership(b, url)
    assert first.try_acquire() and not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()


def test_two_sqlite_databases_in_one_folder_each_have_their_own_leader(tmp_path):
    """``qaf.db`` and ``qaf.sqlite`` side by side shared the lock file ``qaf.leader`` (named by the stem): one
    council's leader kept the other's from ever ticking. The lock file is now the database's own name with
    ``.leader`` added; two instances of one database still share it."""
    from qaf.store.leader import Leadership

    urls = [f"sqlite:///{tmp_path / 'qaf.db'}", f"sqlite:///{tmp_path / 'qaf.sqlite'}", f"sqlite:///{tmp_path / 'qaf.db'}"]
    stores = [SqlStore.open(u) for u in urls]
    leads = [Leadership(s, u) for s, u in zip(stores, urls)]
    try:
        assert [lead.try_acquire() for lead in leads] == [True, True, False]
    finally:
        for lead, s in zip(leads, stores):
            lead.release()
            s.close()


def test_the_leader_leaves_a_live_qaf_tick_its_day_and_takes_the_day_once_its_lease_runs_out(db_url: str, monkeypatch):
    """The service's leader ticked with takeover: it took over the live claim of a `qaf tick` run from cron on
    the same store (a process alive, its claim renewed as it goes) and both ran the day. A live claim is now
    left to its runner, and the leader tries the day again at its checks: here the cron run hangs and its
    lease runs out, and the leader then ticks the day, once."""
    from types import SimpleNamespace

    from qaf import service
    from qaf.store import ticks
    from qaf.store.outbox import runner_name

    day = date(2026, 5, 11)
    store = SqlStore.open(db_url)
    set_up(store)
    cron = runner_name()  # this process: alive
    with store.write() as conn:
        assert ticks.claim_tick(conn, day, cron, store.wall(service.utc_now)()) == "run"
    scheduler, leadership, served = served_here(monkeypatch, db_url, "serve.example:1", check_every=3600, today=lambda: day)

    def the_day():
        with store.read() as conn:
            return conn.execute(select(TICK_RUNS.c.runner, TICK_RUNS.c.finished_at)).one()

    try:
        lead = scheduler.get_job("lead").func
        lead()  # leads, and finds the day the cron run's
        assert leadership.held and the_day() == (cron, None)
        with store.write() as conn:  # the cron run hung: its claim renewed no more, its lease ran out
            conn.execute(TICK_RUNS.update().values(claimed_until=store.wall(service.utc_now)() - timedelta(minutes=1)))
        monkeypatch.setattr(service, "time", SimpleNamespace(monotonic=lambda: 1e12))  # the leader's next check, later
        lead()
        runner, finished = the_day()
        assert runner == "serve.example:1" and finished is not None
    finally:
        leadership.release()
        served.close()
        store.close()


def test_a_host_whose_clock_is_a_day_out_ticks_the_databases_today(pg_url: str, monkeypatch):
    """Hosts sharing one PostgreSQL: the leader ticked today; a `qaf tick` from cron on a host whose clock was
    a day behind read today as yesterday, ticked yesterday again and reopened the leader's today as 'ticked
    ahead' (its emails not sent withdrawn, its rungs taken back); a leader a day ahead ticked tomorrow early.
    The tick's business date is now read on the database's clock, as its leases are."""
    import qaf.clock
    from qaf import service
    from qaf.store.outbox import runner_name

    from qaf.cli.main import main

    store = SqlStore.open(pg_url)
    set_up(store)
    real, today = qaf.clock.utc_now, today_in(store.timezone())
    for where in (qaf.clock, service):  # the leader's host: a day ahead
        monkeypatch.setattr(where, "utc_now", lambda: real() + timedelta(days=1))
    scheduler, leadership, served = served_here(monkeypatch, pg_url, runner_name(), check_every=3600)
    try:
        scheduler.get_job("lead").func()
    finally:
        leadership.release()
        served.close()
    monkeypatch.setattr(qaf.clock, "utc_now", lambda: real() - timedelta(days=1))  # cron's host: a day behind
    assert main(["--db", pg_url, "tick"]) == 0
    with store.read() as conn:
        ticked = [(r.business_date, r.finished_at is not None) for r in conn.execute(select(TICK_RUNS))]
    assert ticked and all(done for _, done in ticked)
    assert {day for day, _ in ticked} <= {today, today + timedelta(days=1)}  # today (and the next, if midnight passed)
    store.close()


def test_a_leader_that_died_mid_tick_on_another_host_has_its_day_ticked_by_the_next_leader_within_minutes(db_url: str, monkeypatch):
    """The leader on another host died mid-tick (its session, and so its lock, went with it): the next
    instance took the lead at once, found the day's claim live and waited for its 30-minute lease to run out,
    trying again every 5 minutes: the day's escalations and digests went out 35 minutes late. The claim is
    now renewed every minute as the tick goes (qaf.usecases.dayclaim), so its lease can be short (10
    minutes), and a day held is tried again every minute. Time here is the database's clock, injected."""
    from types import SimpleNamespace

    from qaf import service
    from qaf.store import ticks

    day, start = date(2026, 5, 11), datetime(2026, 5, 11, 6, 20, tzinfo=timezone.utc)
    clock, checks = [start], [0.0]  # the database's clock; the new leader's monotonic clock
    store = SqlStore.open(db_url)
    set_up(store)
    with store.write() as conn:  # the old leader, on another host, claimed the day and died
        assert ticks.claim_tick(conn, day, "old-leader.example:7:0a1b2c3d.e", start) == "run"
    monkeypatch.setattr(SqlStore, "wall", lambda self, local: lambda: clock[0])
    monkeypatch.setattr(service, "time", SimpleNamespace(monotonic=lambda: checks[0]))
    scheduler, leadership, served = served_here(monkeypatch, db_url, "new-leader.example:1", check_every=15, today=lambda: day)

    def ticked_by() -> str | None:
        with store.read() as conn:
            runner, finished = conn.execute(select(TICK_RUNS.c.runner, TICK_RUNS.c.finished_at)).one()
        return runner if finished is not None else None

    try:
        lead = scheduler.get_job("lead").func
        while ticked_by() is None and clock[0] - start < timedelta(hours=1):
            lead()  # the leader's check, every 15 seconds
            clock[0] += timedelta(seconds=15)
            checks[0] += 15
        assert ticked_by() == "new-leader.example:1"
        assert clock[0] - start <= timedelta(minutes=12)
    finally:
        leadership.release()
        served.close()
        store.close()


def test_a_service_manager_stopping_qaf_serve_in_mid_catch_up_lets_the_catch_up_finish_and_releases_everything(tmp_path):
    """systemd's stop, a deploy, Ctrl-C: the signal goes to the server and its background process. The
    server used to die where uvicorn hands SIGTERM back, before its release ran, and the background process
    died at once, in whatever tick or send it was doing: a month's catch-up stopped part way, and the log
    said nothing. Now the background process leaves the signal to its server, which lets the job under way
    finish, releases it, the leadership and the store, says so, and ends by the signal as before. No warning
    is printed on the way up or down."""
    url = f"sqlite:///{tmp_path / 'qaf.db'}"
    store = SqlStore.open(url)
    set_up(store)
    first = today_in(store.timezone()) - timedelta(days=MONTH - 1)
    port = free_port()
    env = {**os.environ, "QAF_DB": url}
    for name in ("QAF_CRASH_AT", "QAF_SMTP_HOST"):
        env.pop(name, None)
    err = tmp_path / "serve.log"
    with open(err, "w") as log_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "qaf.cli.main", "serve", "--port", str(port), "--leader-check", "1", "--catch-up-from", first.isoformat()],
            env=env, stdout=subprocess.DEVNULL, stderr=log_file, start_new_session=True,
        )  # fmt: skip
    try:
        wait_for(lambda: finished_ticks(store) >= 1, timeout=60, every=0.05)
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        os.killpg(proc.pid, signal.SIGTERM)  # as a service manager does: the whole group
        stopped_at = finished_ticks(store)
        time.sleep(0.2)
        os.killpg(proc.pid, signal.SIGTERM)  # an impatient operator: the second changes nothing
        assert proc.wait(timeout=120) == -signal.SIGTERM
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert stopped_at < MONTH, "the catch-up was still under way when the signal came"
    with store.read() as conn:
        ticked = one_run_each_day(list(conn.execute(select(TICK_RUNS))), first, store.timezone())
    assert len(ticked) in (MONTH, MONTH + 1)  # every day of the month, once (and a day more if midnight passed)
    store.close()
    log = err.read_text()
    assert "stopped on SIGTERM: the background process, the leadership and the connections released" in log
    assert "Warning" not in log and "Traceback" not in log and "ERROR" not in log, log
    wait_for(lambda: not [pid for pid in children if _alive(pid)], timeout=10)  # the background process too


def _alive(pid: str) -> bool:
    """A process that has not ended (a zombie has: it waits only to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
