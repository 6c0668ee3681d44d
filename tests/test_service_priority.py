"""``qaf serve``'s tick and sender run in a background process of their own, below the priority of the requests.

Twenty councils' servers on one machine all tick at 06:00: their pages and
feeds must still be answered first. A thread would not do: planning a
council's year holds the interpreter's lock in the process answering the
requests, so the tick runs in another process, started with the server, dying
with it, and replaced if it dies on its own.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from datetime import date
from typing import Iterator

import pytest
from sqlalchemy import select

from qaf import service
from qaf.rules.problems import QafError
from qaf.store.sql import SqlStore
from qaf.store.tables import TICK_RUNS
from tests.test_service import wait_for
from tests.test_tick import set_up

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the nice value and the parent-death signal are Linux's")

DAY = date(2026, 4, 1)


def own_priority() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead: it only waits for its parent to notice
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def built(tmp_path, monkeypatch, nice: str | None = None, url: str | None = None, start: bool = True):
    """A server over ``url`` (default a SQLite file in ``tmp_path``); ``start``: its background process started."""
    if nice is None:
        monkeypatch.delenv("QAF_BACKGROUND_NICE", raising=False)
    else:
        monkeypatch.setenv("QAF_BACKGROUND_NICE", nice)
    app, scheduler, leadership, store = service.build(url or f"sqlite:///{tmp_path}/qaf.db", "test", check_every=3600, today=lambda: DAY)
    if start:
        app.state.background.start()
    return app, scheduler, leadership, store


def stopped(app, leadership, store) -> None:
    app.state.background.close()
    leadership.release()
    store.close()


@contextmanager
def council_served(tmp_path, monkeypatch) -> Iterator[tuple]:
    """A council's store (East Sussex and the test council) and a server over it: (app, scheduler, the store)."""
    url = f"sqlite:///{tmp_path}/qaf.db"
    setup = SqlStore.open(url)
    set_up(setup)
    app, scheduler, leadership, store = built(tmp_path, monkeypatch, url=url)
    try:
        yield app, scheduler, setup
    finally:
        stopped(app, leadership, store)
        setup.close()


def test_the_days_tick_runs_in_the_background_process_and_the_server_learns_what_it_did(tmp_path, monkeypatch):
    with council_served(tmp_path, monkeypatch) as (app, scheduler, setup):
        background = app.state.background
        assert background.run(os.getpid) != os.getpid()
        scheduler.get_job("lead").func()  # becomes the leader and catches up: today's tick, in the background
        with setup.read() as conn:
            ticked = list(conn.execute(select(TICK_RUNS)))
        assert [(t.business_date, t.runner) for t in ticked] == [(DAY, "test")] and ticked[0].finished_at is not None
        assert background.last_cpu > 0  # the planning's CPU was the background process's
        from fastapi.testclient import TestClient

        assert TestClient(app).get("/health").json()["last_tick"] == DAY.isoformat()


def test_the_background_process_runs_ten_below_the_server_by_default(tmp_path, monkeypatch):
    app, scheduler, leadership, store = built(tmp_path, monkeypatch)
    try:
        mine = own_priority()
        assert app.state.background.run(own_priority) == min(19, mine + 10)
        assert own_priority() == mine, "the server's own priority is left alone"
    finally:
        stopped(app, leadership, store)


def test_a_council_can_set_how_far_below(tmp_path, monkeypatch):
    app, scheduler, leadership, store = built(tmp_path, monkeypatch, "3")
    try:
        assert app.state.background.run(own_priority) == min(19, own_priority() + 3)
    finally:
        stopped(app, leadership, store)


def test_zero_runs_it_level_with_the_requests(tmp_path, monkeypatch):
    app, scheduler, leadership, store = built(tmp_path, monkeypatch, "0")
    try:
        assert app.state.background.run(own_priority) == own_priority()
    finally:
        stopped(app, leadership, store)


def test_the_background_process_holds_no_connection_between_jobs(pg_url, tmp_path, monkeypatch):
    app, scheduler, leadership, store = built(tmp_path, monkeypatch, url=pg_url)
    try:
        background = app.state.background
        assert background.run(reads) == 1  # the job had its connection
        assert background.run(held) == 0  # and it was closed after, not kept in the pool
    finally:
        stopped(app, leadership, store)


def test_the_background_process_keeps_the_organisation_it_read_out_of_the_collectors_scans(tmp_path, monkeypatch):
    with council_served(tmp_path, monkeypatch) as (app, _scheduler, _setup):
        background = app.state.background
        before = background.run(frozen)
        cases = background.run(reads_the_organisation)
        assert cases > 0 and background.run(frozen) >= before + cases  # settled after the job that read it


def test_the_server_settles_a_newer_organisation_every_minute(tmp_path, monkeypatch):
    app, scheduler, leadership, store = built(tmp_path, monkeypatch)
    try:
        job = scheduler.get_job("settle")
        assert job.func is app.state.settle and job.trigger.interval.total_seconds() == 60
        assert app.state.settle.store is store
    finally:
        stopped(app, leadership, store)


def frozen() -> int:
    import gc

    return gc.get_freeze_count()


def reads_the_organisation() -> int:
    from qaf import service as in_background

    return len(in_background._here["store"].org().cases)


def reads() -> int:
    from qaf import service as in_background

    store = in_background._here["store"]
    with store.read() as conn:
        return conn.exec_driver_sql("SELECT 1").scalar()


def held() -> int:
    from qaf import service as in_background

    pool = in_background._here["store"].engine.pool
    return pool.checkedin() + pool.checkedout()


def test_a_background_process_that_dies_is_replaced_by_the_next_job(tmp_path, monkeypatch):
    app, scheduler, leadership, store = built(tmp_path, monkeypatch)
    try:
        background = app.state.background
        first = background.run(os.getpid)
        with pytest.raises(BrokenProcessPool):
            background.run(os._exit, 3)
        second = background.run(os.getpid)
        assert second != first and alive(second) and not alive(first)
    finally:
        stopped(app, leadership, store)


def test_a_job_that_fails_says_why_and_the_background_process_carries_on(tmp_path, monkeypatch):
    app, scheduler, leadership, store = built(tmp_path, monkeypatch)
    try:
        background = app.state.background
        first = background.run(os.getpid)
        with pytest.raises(service.BackgroundError, match=r"refuse: InputError: a framework file was refused\n"):
            background.run(refuse)  # an error that cannot be rebuilt from a pickle still comes back, as text
        assert background.run(os.getpid) == first
    finally:
        stopped(app, leadership, store)


def refuse() -> None:
    from qaf.rules.problems import InputError, Problem, Source

    raise InputError([Problem(Source("framework.yaml", 3), "frequency", "not a frequency")], "a framework file was refused")


def test_a_server_killed_outright_takes_its_background_process_with_it(tmp_path):
    """A leader killed with SIGKILL must not leave a tick running on in an orphan (the lead moves on)."""
    script = textwrap.dedent(f"""
        import os, sys, time
        from qaf import service
        app, scheduler, leadership, store = service.build("sqlite:///{tmp_path}/qaf.db", "test", check_every=3600)
        app.state.background.start()
        print(app.state.background.run(os.getpid), flush=True)
        time.sleep(600)
    """)
    server = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=os.getcwd())
    try:
        child = int(server.stdout.readline())
        assert alive(child)
        server.send_signal(signal.SIGKILL)
        server.wait()
        wait_for(lambda: not alive(child), timeout=30, every=0.1)  # the background process does not outlive its server
    finally:
        if server.poll() is None:
            server.kill()


def test_a_bad_value_stops_the_start_and_names_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("QAF_BACKGROUND_NICE", "20")
    with pytest.raises(QafError, match=r"QAF_BACKGROUND_NICE='20': a whole number from 0 to 19"):
        service.build(f"sqlite:///{tmp_path}/qaf.db", "test")


def test_a_tick_that_fails_is_tried_again_that_day_and_finishes_it(tmp_path, monkeypatch, caplog):
    """The database refusing a statement at the end of the 06:00 tick (a full disk, a restart) left the day
    unticked until the next morning: its escalations and digests a day late. It is tried again at the
    leader's checks, after a minute, then longer, and the day is ticked."""
    monkeypatch.setattr(service, "TICK_RETRY", (0.0,))
    with council_served(tmp_path, monkeypatch) as (app, scheduler, setup):
        with setup.write() as conn:  # the tick's last step, marking the day finished, refused
            conn.exec_driver_sql("CREATE TRIGGER refused BEFORE UPDATE ON tick_runs BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        with caplog.at_level("ERROR", logger="qaf.service"):
            scheduler.get_job("lead").func()  # becomes the leader; its tick fails
        assert "the tick failed (IntegrityError): it is tried again in 0 minutes" in caplog.text
        with setup.read() as conn:
            assert [t.finished_at for t in conn.execute(select(TICK_RUNS))] in ([], [None])
        scheduler.get_job("lead").func()  # still failing: tried, and to be tried again
        with setup.write() as conn:
            conn.exec_driver_sql("DROP TRIGGER refused")
        scheduler.get_job("lead").func()  # the leader's next check: the day ticked
        with setup.read() as conn:
            ticked = list(conn.execute(select(TICK_RUNS)))
        assert [(t.business_date, t.finished_at is not None) for t in ticked] == [(DAY, True)]
        scheduler.get_job("lead").func()  # nothing left to try again
        with setup.read() as conn:
            assert len(list(conn.execute(select(TICK_RUNS)))) == 1


def test_a_job_that_comes_to_the_background_process_after_the_server_closed_it_starts_no_new_one(tmp_path, monkeypatch):
    """On a stop (a service manager's SIGTERM, Ctrl-C) the server closes its background process, letting the job
    under way finish, then releases the leadership and ends. A scheduled job that came to it a moment later (the
    leader's check still reading the database) started a fresh process from its scheduler thread, which the
    server's end then killed in mid-tick, the leadership gone already. Once closed, it starts none."""
    app, scheduler, leadership, store = built(tmp_path, monkeypatch)
    stopped(app, leadership, store)
    with pytest.raises(service.Stopping):
        app.state.background.run(os.getpid)
