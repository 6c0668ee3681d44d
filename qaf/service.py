"""``qaf serve``: the HTTP app, and the daily tick under APScheduler 3.11 on one leader.

Every instance serves HTTP. Only the leader ticks and sends email: it holds
a PostgreSQL session advisory lock (a file lock beside the database on
SQLite). The lock goes with the process, so when the leader dies another
instance takes it at its next check and catches up the days missed.

APScheduler 3 has no coordination between processes (two processes sharing
a job store both run the job), so jobs are defined in code, kept in memory,
and guarded by leadership:

- ``lead`` (every few seconds): try to become leader; on success, catch up;
- ``tick`` (cron, daily, in the framework's timezone, coalesced, misfire grace of hours):
  the day's tick (itself idempotent per business date). It fires at 06:00 plus
  an offset of under ``QAF_TICK_SPREAD_MINUTES`` (default 60) that is fixed
  for the council's store (:func:`qaf.engine.businesstime.tick_time`), so
  councils sharing one database server tick one after another through the
  hour instead of all at 06:00:00;
- ``send`` (every minute): alerts go at once, not at the next tick.

The tick and the sender run in a background process of their own (one, started
with the server and dying with it), at a lower CPU priority than the process
answering requests (``QAF_BACKGROUND_NICE``, default 10): when many councils'
servers share a machine and some of their ticks still meet, their pages and
feeds are answered first and the ticks take the cores that are left. Not a
thread: a thread planning a council's year holds the interpreter's lock in
the serving process, and a request waits for it at every query it makes (at a
lower priority the planning thread is descheduled while holding it, and the
request waits longer still). The scheduler's threads in the server only hand
the jobs over and wait.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from typing import Any, Callable

from qaf.clock import utc_now
from qaf.engine.businesstime import business_date, tick_time
from qaf.store.collector import HeapSettler
from qaf.store.db import database_url, store_name
from qaf.store.leader import Leadership
from qaf.store.settings import whole
from qaf.store.sql import SqlStore
from qaf.usecases.mail import read_settings
from qaf.usecases.readdress import readdress
from qaf.usecases.tick import catch_up, retention_days, send_outbox

log = logging.getLogger("qaf.service")

# a tick that failed (the database away, a statement refused) is tried again after these waits, then
# hourly, at the leader's checks: the day's escalations and digests go out that day, not the next
TICK_RETRY = (60.0, 300.0, 900.0, 3600.0)
# a day another runner holds (a `qaf tick` run from cron, a leader before this one still at it) is tried
# again this often, at the leader's checks: once that runner finishes it is done; once it dies, its lease
# runs out (its claim renewed no more: store.ticks.TICK_LEASE, 10 minutes) and this leader takes the day.
# A minute, so a failover waits the lease and not much more: a try is a few queries
BUSY_RETRY = 60.0


def lower_priority(nice: int) -> None:
    """Lower the calling thread's CPU priority by ``nice`` (Linux; elsewhere nothing).

    On Linux ``setpriority`` on a thread id changes that thread alone, and the
    threads it starts inherit it: called first thing in the background process,
    it covers the tick and its sender pool. It can only be lowered without
    privileges.
    """
    if nice <= 0 or not hasattr(os, "setpriority") or not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    try:
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
    except OSError as error:  # a container that forbids it: run at the usual priority
        log.warning("could not lower the background jobs' priority: %s", error)


class Background:
    """The process the tick and the sender run in: one, at ``nice`` below the server, started with it.

    Its own store (the same database), opened when it starts; its connections
    are closed after each job, so at idle it holds none. It dies with the
    server (Linux's parent-death signal), so a leader killed outright takes its
    tick with it, as a thread's would go. If it dies on its own, the job that
    was running fails and the next one starts a fresh process.
    """

    def __init__(self, url: str, runner: str, nice: int) -> None:
        self._args = (url, runner, nice, logging.getLogger().getEffectiveLevel())
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._closed = False  # the server is stopping: no process is started again
        self.last_cpu = 0.0  # the CPU seconds the last job took in the background process

    def start(self) -> None:
        """Start the process now (from the thread that lives as long as the server: the parent-death
        signal follows the thread that started it), and wait until it is ready."""
        self.run(_ready)

    def run(self, job: Callable[..., Any], *args: Any) -> Any:
        """``job(*args)`` in the background process (a module-level function: it is sent by name); its result."""
        with self._lock:
            if self._closed:  # a scheduled job that came a moment after the stop: a process started now dies with the server, mid-job
                raise Stopping(f"{job.__name__}: not run, the server is stopping")
            if self._pool is None:
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=_background_start, initargs=self._args)  # fmt: skip
            pool = self._pool
        try:
            result, self.last_cpu = pool.submit(_timed, job, *args).result()
        except BrokenProcessPool:
            log.error("the background process stopped; the next job starts a fresh one")
            with self._lock:
                if self._pool is pool:
                    self._pool = None
            pool.shutdown(wait=False)
            raise
        return result

    def close(self) -> None:
        """Let the job under way finish, and end the process; a job asked for after this is not run (:class:`Stopping`)."""
        with self._lock:
            pool, self._pool, self._closed = self._pool, None, True
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


_here: dict[str, Any] = {}  # in the background process: its store, mail settings and runner


def _background_start(url: str, runner: str, nice: int, level: int) -> None:
    _die_with_parent()
    _left_to_the_server()
    lower_priority(nice)
    logging.basicConfig(level=level, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    # its connections show in pg_stat_activity beside the server's, told apart by the name
    store = SqlStore.open(url, application_name=background_name(runner))
    _here.update(store=store, settings=read_settings(), runner=runner, settle=HeapSettler(store))


BACKGROUND = " (background)"  # after the server's name, the background process's


def background_name(runner: str) -> str:
    """What PostgreSQL's ``pg_stat_activity`` shows for the background process's connections."""
    return f"qaf serve {runner}{BACKGROUND}"


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when the server that started it dies (it would wait for work for ever)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError) as error:  # pragma: no cover - no libc prctl
        log.warning("the background process cannot follow its server's death: %s", error)
    if os.getppid() == 1:  # the server died before the signal was set
        os._exit(1)


def _left_to_the_server() -> None:
    """Ctrl-C and a service manager's SIGTERM reach the whole process group: the background process leaves
    them to its server, which lets the job under way (a tick, a send) finish before it stops the process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


class _Terminated(Exception):
    """SIGTERM, raised where uvicorn hands the signal back once its requests are answered."""


def _on_sigterm(signum: int, _frame) -> None:
    raise _Terminated


class BackgroundError(Exception):
    """A job failed in the background process (its traceback is in the log, written there)."""


class Stopping(Exception):
    """A job asked of the background process after the server closed it (:meth:`Background.close`): not run."""


def _timed(job: Callable[..., Any], *args: Any) -> tuple[Any, float]:
    cpu = time.process_time()
    try:
        return job(*args), time.process_time() - cpu
    except Exception as error:  # sent back as plain text: not every error can be rebuilt from a pickle
        log.exception("the background job %s failed", job.__name__)
        raise BackgroundError(f"{job.__name__}: {type(error).__name__}: {error}") from None
    finally:
        _here["store"].close()  # no connection held between jobs
        _here["settle"]()  # the process idle: what its store keeps between jobs out of the collector's scans


def _ready() -> int:
    return os.getpid()


def _tick_job(today: date, first: date | None) -> tuple[str | None, str | None]:
    """The days not yet ticked up to ``today`` (each tick logs what it did): the last day ticked, and the
    first another runner holds (None: none).

    A day another runner holds, its claim live, is left to it, never taken
    over: that runner is at it (it renews its claim as it goes), whether a
    `qaf tick` run from cron on the same store or a leader before this one
    whose lock went and whose tick goes on. A runner that died stops renewing:
    its lease runs out and the day is taken then (:data:`BUSY_RETRY`), or at
    once if it was a process of this host.
    """
    store = _here["store"]  # leases on the database's clock: every runner's the same, whichever host's is off
    results = catch_up(store, today, _here["settings"], _here["runner"], first=first, limit=366, wall=store.wall(utc_now))
    held = next((r.day.isoformat() for r in results if r.status in ("busy", "taken over")), None)
    return (results[-1].day.isoformat() if results else None), held


def _send_job(today: date) -> tuple[int, int, int]:
    store = _here["store"]
    wall = store.wall(utc_now)
    readdress(store, today, _here["runner"], wall())  # an organisation loaded since the tick: what waits for a leaver goes to who answers now
    return send_outbox(store, _here["settings"], _here["runner"], wall(), wall)  # stamped on the database's clock, as its leases


def build(
    db_url: str | None,
    runner: str,
    catch_up_from: date | None = None,
    check_every: float = 15.0,
    today: Callable[[], date] | None = None,
):
    """The app and a scheduler (not started) for one instance.

    The business date is today in the framework's timezone (``today`` replaces
    it in tests), and the daily tick fires there at the council's own time,
    06:00 plus its offset (``app.state.tick_at``; :func:`tick_time`). The background
    process is ``app.state.background``: the caller starts it (from the thread
    that lives as long as the server) before the scheduler, and closes it after.
    """
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    from qaf.web import oidc
    from qaf.web.api import create_app

    settings = read_settings()  # before the store is opened: a database written in the QAF_SETTINGS file is refused there
    url = database_url(db_url)
    retention_days()  # a bad QAF_OUTBOX_RETENTION_DAYS stops the start, not the first tick
    oidc.read_settings()  # so does a QAF_OIDC_* setting without the others it needs
    nice = whole("QAF_BACKGROUND_NICE")
    tick_at = tick_time(store_name(url), whole("QAF_TICK_SPREAD_MINUTES"))
    # one engine (one bounded pool) for the server process: the app and the leader's lock
    store = SqlStore.open(url, application_name=f"qaf serve {runner}")
    background = Background(url, runner, nice)
    app = create_app(url, freeze_heap=True, store=store)  # no full-collection pauses over a large council's objects
    leadership = Leadership(store, url)
    busy = threading.Lock()  # one tick or send at a time in this process
    state: dict[str, Any] = {"last": None, "failed": 0, "again_at": None}
    zone = store.timezone()
    # the business date on the database's clock, as the leases are: a host whose clock is a day out would
    # tick tomorrow early, or read the leader's today as a day ahead and take back what it raised
    today = today or (lambda: business_date(store.wall(utc_now)(), zone))

    def ticks() -> None:
        with busy:
            if not leadership.still_held():
                log.warning("%s lost the lead (its database session ended): not ticking", runner)
                return
            if not store.stored_frameworks():
                log.info("no framework loaded: nothing to tick")
                return
            try:
                last, held = background.run(_tick_job, today(), state.get("from"))
            except Stopping:
                log.info("%s is stopping: the tick is left to the next leader", runner)
                return
            except Exception as error:  # noqa: BLE001 - whatever stopped it, the day is ticked again later
                wait = TICK_RETRY[min(state["failed"], len(TICK_RETRY) - 1)]
                state["failed"] += 1
                state["again_at"] = time.monotonic() + wait
                log.error("the tick failed (%s): it is tried again in %d minutes", str(error).split(":")[1].strip() if ":" in str(error) else type(error).__name__, wait // 60)
                return
            state.update(failed=0, again_at=None)
            state.pop("from", None)
            if last:
                state["last"] = last
            if held:  # another runner's, live: tried again from that day, once it may have finished (or died)
                state.update({"from": date.fromisoformat(held), "again_at": time.monotonic() + BUSY_RETRY})
                log.info("the tick of %s is another runner's, under way: tried again in %d seconds", held, BUSY_RETRY)

    def lead() -> None:
        if leadership.still_held():
            if state["again_at"] is not None and time.monotonic() >= state["again_at"]:
                ticks()  # a failed tick, tried again: it catches up the days it did not finish
            return
        if leadership.try_acquire():
            log.info("%s is the leader: it ticks daily at %s %s and sends email", runner, tick_at.isoformat(), zone)
            if catch_up_from is not None:
                state["from"] = catch_up_from
            ticks()

    def daily() -> None:
        if leadership.still_held():
            ticks()

    def send() -> None:
        if settings.configured and leadership.still_held():
            with busy:
                try:
                    sent, failed, retrying = background.run(_send_job, today())
                except Stopping:  # what waits is sent by the next leader
                    return
                if sent or failed or retrying:
                    log.info("email: %d sent, %d to retry, %d failed for good", sent, retrying, failed)

    scheduler = BackgroundScheduler(
        timezone=zone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
    )
    scheduler.add_job(lead, IntervalTrigger(seconds=check_every), id="lead", next_run_time=utc_now())
    scheduler.add_job(daily, CronTrigger(hour=tick_at.hour, minute=tick_at.minute, second=tick_at.second, timezone=zone), id="tick")
    scheduler.add_job(send, IntervalTrigger(minutes=1), id="send")
    # a newer organisation (a nightly import) kept out of the collector's scans as the first one was at start
    scheduler.add_job(app.state.settle, IntervalTrigger(minutes=1), id="settle")

    @app.get("/health", include_in_schema=False)
    def health() -> dict:
        return {"ok": True, "runner": runner, "leader": leadership.held, "last_tick": state["last"],
                "tick_at": tick_at.isoformat()}  # fmt: skip

    app.state.background = background
    app.state.tick_at = tick_at
    return app, scheduler, leadership, store


def server_config(app, host: str, port: int):
    """How uvicorn serves ``app`` for ``qaf serve``: HTTP parsed by httptools and the event loop uvloop's, both
    dependencies of qaf (uvicorn's "auto" picks them, and falls back to h11 and asyncio where they are missing);
    warnings only, no line a request (a log never holds a feed's token)."""
    import uvicorn

    return uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False, http="auto", loop="auto")


def serve(db_url: str | None, host: str, port: int, runner: str, catch_up_from: date | None = None, check_every: float = 15.0) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line a job run drowns what the ticks say
    serve_app(*build(db_url, runner, catch_up_from, check_every), host, port)


def serve_app(app, scheduler, leadership, store, host: str, port: int) -> None:
    """Serve what :func:`build` made until the server stops: the background process and the scheduler started
    first, and everything released after, the leadership included; exit 3 if the server did not start."""
    import uvicorn

    app.state.background.start()
    scheduler.start()
    # uvicorn stops on SIGTERM (a service manager's stop, a deploy) as on Ctrl-C, then raises the signal again
    # under the handler it found: under the default one the process died there, before the release below (the
    # background process killed in mid-tick, the day's claim held until its lease ran out, the lock left to
    # the database to notice). This one turns it into an exception, so the release runs, then the process
    # ends by the signal as it would have
    main = threading.current_thread() is threading.main_thread()  # signals are only handled there
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if main else None
    terminated = False
    try:
        server = uvicorn.Server(server_config(app, host, port))
        server.run()
        if not server.started:  # as uvicorn.run exits when the app's start-up failed (a port taken exits in uvicorn)
            raise SystemExit(3)
    except _Terminated:
        terminated = True
    finally:
        if main:  # a second SIGTERM while the job under way finishes would skip the release (SIGKILL still stops it)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        scheduler.shutdown(wait=False)
        app.state.background.close()  # the job under way finishes first
        leadership.release()
        store.close()
        if main:
            signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
        log.info("stopped%s: the background process, the leadership and the connections released", " on SIGTERM" if terminated else "")
    if terminated:
        signal.raise_signal(signal.SIGTERM)
