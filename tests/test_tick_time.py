"""The daily tick's time: 06:00, plus an offset fixed for the council, so councils on one server do not all tick at once.

Twenty councils, each in its own schema of one PostgreSQL database, each
with its own ``qaf serve`` leader: if every one of them ticked at 06:00:00,
all twenty would plan, escalate and write at the same moment, and every
council's pages and feeds would wait on the cores and the database they
share. ``QAF_TICK_SPREAD_MINUTES`` (default 60) moves each council's tick to
its own moment of the hour after 06:00, the same every day and for every
instance of that council.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qaf import service
from qaf.engine.businesstime import tick_time
from qaf.rules.problems import QafError
from qaf.store.db import store_name
from tests.test_service_priority import built as server
from tests.test_service_priority import stopped

COUNCILS = [f"db.example:5432/qaf/council_{n}" for n in range(20)]


def seconds_after_six(at: time) -> int:
    return (at.hour - 6) * 3600 + at.minute * 60 + at.second


def test_with_no_spread_every_council_ticks_at_six_sharp():
    assert {tick_time(name, 0) for name in COUNCILS} == {time(6, 0)}


@settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=80), spread=st.integers(min_value=1, max_value=180))
def test_a_councils_tick_is_within_the_spread_after_six(name, spread):
    at = tick_time(name, spread)
    assert 0 <= seconds_after_six(at) < spread * 60
    assert tick_time(name, spread) == at  # the same every day and in every instance


def test_twenty_councils_on_one_server_tick_through_the_hour_never_more_than_two_at_once():
    """A hash, not a rota: two councils may meet (here two start in the same second), but not twenty, nor three
    within the ten seconds a large council's tick takes at most on a busy day."""
    offsets = sorted(seconds_after_six(tick_time(name, 60)) for name in COUNCILS)
    assert max(sum(1 for o in offsets if start <= o < start + 10) for start in offsets) == 2
    assert offsets[0] < 15 * 60 and offsets[-1] >= 45 * 60  # spread through the hour, not bunched at its start
    assert all(t.hour == 6 for t in (tick_time(name, 60) for name in COUNCILS))


def test_the_store_is_named_the_same_however_its_url_is_spelt(tmp_path, monkeypatch):
    assert store_name("postgresql://alice:secret@db.example/qaf?schema=east_sussex") == \
        store_name("postgresql+psycopg://bob@db.example:5432/qaf?schema=east_sussex") == "db.example:5432/qaf/east_sussex"  # fmt: skip
    assert store_name("postgresql://db.example/qaf") == "db.example:5432/qaf/public"
    assert store_name("postgresql://db.example/qaf?schema=a") != store_name("postgresql://db.example/qaf?schema=b")
    assert "secret" not in store_name("postgresql://alice:secret@db.example/qaf")
    monkeypatch.chdir(tmp_path)
    assert store_name("qaf.db") == store_name(f"sqlite:///{tmp_path}/qaf.db") == str((tmp_path / "qaf.db").resolve())


def built(tmp_path, monkeypatch, spread: str | None, url: str | None = None):
    """A server (its background process not started: the tick's time is the scheduler's), the spread set or not."""
    if spread is None:
        monkeypatch.delenv("QAF_TICK_SPREAD_MINUTES", raising=False)
    else:
        monkeypatch.setenv("QAF_TICK_SPREAD_MINUTES", spread)
    return server(tmp_path, monkeypatch, url=url, start=False)


def next_tick(scheduler) -> datetime:
    """When the scheduler would next fire the daily job, from midnight of a day in the council's timezone."""
    trigger = scheduler.get_job("tick").trigger
    return trigger.get_next_fire_time(None, datetime(2027, 1, 4, tzinfo=trigger.timezone))


def test_the_server_ticks_each_day_at_its_councils_own_time(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/qaf.db"
    app, scheduler, leadership, store = built(tmp_path, monkeypatch, None, url)
    try:
        at = tick_time(store_name(url), 60)
        assert app.state.tick_at == at
        fires = next_tick(scheduler)
        assert fires.date().isoformat() == "2027-01-04" and fires.time() == at
        assert scheduler.get_job("tick").trigger.get_next_fire_time(fires, fires + timedelta(seconds=1)) == fires + timedelta(days=1)
        from fastapi.testclient import TestClient

        assert TestClient(app).get("/health").json()["tick_at"] == at.isoformat()
    finally:
        stopped(app, leadership, store)


def test_a_council_can_tick_at_six_sharp(tmp_path, monkeypatch):
    app, scheduler, leadership, store = built(tmp_path, monkeypatch, "0")
    try:
        assert next_tick(scheduler).time() == time(6, 0)
    finally:
        stopped(app, leadership, store)


def test_two_instances_of_one_council_tick_at_the_same_time(pg_url, tmp_path, monkeypatch):
    first = built(tmp_path, monkeypatch, "180", pg_url)
    try:
        second = built(tmp_path, monkeypatch, "180", pg_url.replace("postgresql://", "postgresql+psycopg://"))
        try:
            assert first[0].state.tick_at == second[0].state.tick_at
            assert next_tick(first[1]) == next_tick(second[1])
        finally:
            stopped(second[0], second[2], second[3])
    finally:
        stopped(first[0], first[2], first[3])


@pytest.mark.parametrize("bad", ["181", "-1", "an hour"])
def test_a_bad_spread_stops_the_start_and_names_the_setting(tmp_path, monkeypatch, bad):
    monkeypatch.setenv("QAF_TICK_SPREAD_MINUTES", bad)
    with pytest.raises(QafError, match=r"QAF_TICK_SPREAD_MINUTES=.*a whole number from 0 to 180"):
        service.build(f"sqlite:///{tmp_path}/qaf.db", "test")
    assert not (tmp_path / "qaf.db").exists()  # refused before anything was opened
