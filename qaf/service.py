"""``qaf serve``: the HTTP app, and the daily tick under APScheduler 3.11 on one leader.

Every instance serves HTTP. Only the leader ticks and sends email: it holds
a PostgreSQL session advisory lock (a file lock beside the database on
SQLite). The lock goes with the process, so when the leader dies another
instance takes it at its next check and catches up the days missed.

APScheduler 3 has no coordination between processes (two processes sharing
a job store both run the job), so jobs are defined in code, kept in memory,
and guarded by leadership:

- ``lead`` (every few seconds): try to become leader; on success, catch up;
- ``tick`` (cron 06:00 in the framework's timezone, coalesced, misfire grace of hours):
  the day's tick (itself idempotent per business date);
- ``send`` (every minute): alerts go at once, not at the next tick.

The jobs run on the scheduler's own threads at a lower CPU priority than the
threads answering requests (``QAF_BACKGROUND_NICE``, default 10, on Linux where
the nice value is a thread's own): when many councils' servers share a
machine and every one of them ticks at 06:00, their pages and feeds are
answered first and the ticks take the cores that are left.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import date
from typing import Callable

from qaf.clock import today_in, utc_now
from qaf.engine.businesstime import TICK_HOUR
from qaf.store.db import database_url
from qaf.store.leader import Leadership
from qaf.store.settings import whole
from qaf.store.sql import SqlStore
from qaf.usecases.mail import read_settings
from qaf.usecases.tick import catch_up, retention_days, send_outbox

log = logging.getLogger("qaf.service")


def background_priority(nice: int) -> Callable[[], None]:
    """A thread initializer that lowers the calling thread's CPU priority by ``nice`` (Linux; elsewhere nothing).

    On Linux ``setpriority`` on a thread id changes that thread alone, and the
    threads it starts inherit it (the tick's own sender pool included). It can
    only be lowered without privileges, so the scheduler's threads keep it.
    """

    def lower() -> None:
        if nice <= 0 or not hasattr(os, "setpriority") or not os.uname().sysname == "Linux":
            return
        tid = threading.get_native_id()
        try:
            os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + nice))
        except OSError as error:  # a container that forbids it: run at the usual priority
            log.warning("could not lower the background jobs' priority: %s", error)

    return lower


def build(
    db_url: str | None,
    runner: str,
    catch_up_from: date | None = None,
    check_every: float = 15.0,
    today: Callable[[], date] | None = None,
):
    """The app and a scheduler (not started) for one instance.

    The business date is today in the framework's timezone (``today`` replaces
    it in tests), and the daily tick fires at 06:00 there.
    """
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    from qaf.web.api import create_app

    url = database_url(db_url)
    retention_days()  # a bad QAF_OUTBOX_RETENTION_DAYS stops the start, not the first tick
    nice = whole("QAF_BACKGROUND_NICE")
    # one engine (one bounded pool) for the whole process: the app, the leader's lock, the tick and the sender
    store = SqlStore.open(url, application_name=f"qaf serve {runner}")
    app = create_app(url, freeze_heap=True, store=store)  # no full-collection pauses over a large council's objects
    leadership = Leadership(store, url)
    settings = read_settings()
    busy = threading.Lock()  # one tick or send at a time in this process
    state = {"last": None}
    zone = store.timezone()
    today = today or (lambda: today_in(zone))

    def ticks() -> None:
        with busy:
            if not leadership.still_held():
                log.warning("%s lost the lead (its database session ended): not ticking", runner)
                return
            if not store.stored_frameworks():
                log.info("no framework loaded: nothing to tick")
                return
            results = catch_up(store, today(), settings, runner, first=state.pop("from", None), limit=366, takeover=True, wall=utc_now)
            for r in results:
                for line in r.lines():
                    log.info(line)
            if results:
                state["last"] = results[-1].day.isoformat()

    def lead() -> None:
        if leadership.still_held():
            return
        if leadership.try_acquire():
            log.info("%s is the leader: it ticks and sends email", runner)
            if catch_up_from is not None:
                state["from"] = catch_up_from
            ticks()

    def daily() -> None:
        if leadership.still_held():
            ticks()

    def send() -> None:
        if settings.configured and leadership.still_held():
            with busy:
                sent, failed, retrying = send_outbox(store, settings, runner, utc_now(), utc_now)
                if sent or failed or retrying:
                    log.info("email: %d sent, %d to retry, %d failed for good", sent, retrying, failed)

    scheduler = BackgroundScheduler(
        timezone=zone,
        # three jobs, each at most one at a time: three threads, each below the request threads' priority
        executors={"default": ThreadPoolExecutor(3, pool_kwargs={"initializer": background_priority(nice)})},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 6 * 3600},
    )
    scheduler.add_job(lead, IntervalTrigger(seconds=check_every), id="lead", next_run_time=utc_now())
    scheduler.add_job(daily, CronTrigger(hour=TICK_HOUR, minute=0, timezone=zone), id="tick")
    scheduler.add_job(send, IntervalTrigger(minutes=1), id="send")

    @app.get("/health", include_in_schema=False)
    def health() -> dict:
        return {"ok": True, "runner": runner, "leader": leadership.held, "last_tick": state["last"]}

    return app, scheduler, leadership, store


def serve(db_url: str | None, host: str, port: int, runner: str, catch_up_from: date | None = None, check_every: float = 15.0) -> None:
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line a job run drowns what the ticks say
    app, scheduler, leadership, store = build(db_url, runner, catch_up_from, check_every)
    scheduler.start()
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    finally:
        scheduler.shutdown(wait=False)
        leadership.release()
        store.close()
