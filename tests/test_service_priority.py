"""``qaf serve``'s background jobs (tick, sender, leader check) run below the priority of the requests it answers.

Twenty councils' servers on one machine all tick at 06:00: their pages and
feeds must still be answered first.
"""

from __future__ import annotations

import os
import sys
import threading
from datetime import datetime, timezone

import pytest

from qaf import service
from qaf.rules.problems import QafError

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the nice value is a thread's own on Linux only")


def own_priority() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def priority_of_a_job(tmp_path, monkeypatch, nice: str | None) -> tuple[int, int]:
    """(this thread's priority, the priority a job of the built scheduler ran at)."""
    if nice is None:
        monkeypatch.delenv("QAF_BACKGROUND_NICE", raising=False)
    else:
        monkeypatch.setenv("QAF_BACKGROUND_NICE", nice)
    app, scheduler, leadership, store = service.build(f"sqlite:///{tmp_path}/qaf.db", "test", check_every=3600)
    seen: list[int] = []
    ran = threading.Event()

    def probe() -> None:
        seen.append(own_priority())
        ran.set()

    # an hourly job run now (a one-off job is removed after it runs, racing the scheduler's shutdown)
    scheduler.add_job(probe, "interval", hours=1, id="probe", next_run_time=datetime.now(timezone.utc))
    scheduler.start()
    try:
        assert ran.wait(30), "the probe job never ran"
    finally:
        scheduler.shutdown(wait=True)
        leadership.release()
        store.close()
    return own_priority(), seen[0]


def test_the_jobs_run_ten_below_the_requests_by_default(tmp_path, monkeypatch):
    mine, job = priority_of_a_job(tmp_path, monkeypatch, None)
    assert job == min(19, mine + 10)
    assert own_priority() == mine, "the caller's own priority is left alone"


def test_a_council_can_set_how_far_below(tmp_path, monkeypatch):
    mine, job = priority_of_a_job(tmp_path, monkeypatch, "3")
    assert job == min(19, mine + 3)


def test_zero_runs_them_level_with_the_requests(tmp_path, monkeypatch):
    mine, job = priority_of_a_job(tmp_path, monkeypatch, "0")
    assert job == mine


def test_a_bad_value_stops_the_start_and_names_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("QAF_BACKGROUND_NICE", "20")
    with pytest.raises(QafError, match=r"QAF_BACKGROUND_NICE='20': a whole number from 0 to 19"):
        service.build(f"sqlite:///{tmp_path}/qaf.db", "test")
