"""PostgreSQL: a council's first year is written while it is planned, and ends exactly as if written after.

The planner hands each obligation to the store as it is made (its ``sink``);
into a window the store holds nothing of, the store COPYs them in a chunk at a
time inside a savepoint, while the planner goes on. Nothing may differ from
the year written after planning, a key another writer got in first must not
lose the rest of the year, and a planner that fails must leave nothing behind.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from qaf.rules import bundled
from qaf.store import obligations as ob_store
from qaf.store.db import temporary_schema
from qaf.store.sql import SqlStore
from qaf.store.tables import ATTENDANCE, OBLIGATIONS
from qaf.store.upsert import CopyStream
from qaf.usecases import scheduling
from tests.conftest import PG_URL, snapshot
from tests.council import council
from tests.test_outcomes import FRAMEWORKS, YEAR

TODAY = date(2024, 6, 10)  # a quarter in: the begun periods' cases are chosen (after the rest are planned)
STAMPS = {"created_at", "updated_at"}


def year(store: SqlStore, name: str = "east-sussex-2013"):
    fw = FRAMEWORKS[name]
    store.save_framework(fw, bundled.path(name).read_text())
    store.save_org(council())
    return scheduling.schedule(store, fw, council(), *YEAR, TODAY)


def stored(store: SqlStore) -> tuple[list[tuple], list[tuple]]:
    """Every obligation (but its timestamps) and every attendance row, in key order."""
    columns = [c for c in OBLIGATIONS.c if c.name not in STAMPS]
    with store.read() as conn:
        obligations = [tuple(r) for r in conn.execute(select(*columns).order_by(OBLIGATIONS.c.id))]
        attendance = [tuple(r) for r in conn.execute(select(ATTENDANCE).order_by(ATTENDANCE.c.obligation, ATTENDANCE.c.person))]
    return obligations, attendance


def streams(monkeypatch) -> list[ob_store.Streamed]:
    """Every stream a schedule opens, as it is opened."""
    opened: list[ob_store.Streamed] = []
    real = ob_store.Streamed.__init__

    def init(self, conn):
        real(self, conn)
        opened.append(self)

    monkeypatch.setattr(ob_store.Streamed, "__init__", init)
    return opened


@pytest.mark.parametrize("name", sorted(FRAMEWORKS))
def test_a_year_written_while_planned_is_the_year_written_after(pg_url, monkeypatch, name):
    monkeypatch.setattr(CopyStream, "CHUNK", 7)  # many chunks, each sent while the next is planned
    opened = streams(monkeypatch)
    with temporary_schema(PG_URL, "qaf_test") as after_url:
        streamed, after = SqlStore.open(pg_url), SqlStore.open(after_url)
        try:
            got = year(streamed, name)
            assert len(opened) == 1 and len(opened[0].ids) == got.created > 0
            with monkeypatch.context() as m:
                m.setattr(scheduling.ob_store, "Streamed", lambda conn: None)  # the plan written after, as before
                want = year(after, name)
            assert (got.created, got.planned, got.notes) == (want.created, want.planned, want.notes)
            assert stored(streamed) == stored(after)
        finally:
            streamed.close()
            after.close()


def test_a_window_that_holds_anything_is_written_after_planning(pg_url, monkeypatch):
    opened = streams(monkeypatch)
    store = SqlStore.open(pg_url)
    try:
        first = year(store)
        assert len(opened) == 1
        fw = FRAMEWORKS["east-sussex-2013"]
        again = scheduling.schedule(store, fw, council(), *YEAR, date(2024, 9, 10), force=True)
        assert len(opened) == 1 and again.created == 0 and first.created > 0  # no second stream: the window holds the year
    finally:
        store.close()


def test_a_key_another_writer_got_in_first_loses_nothing_of_the_rest(pg_url, monkeypatch):
    """The stream's COPY fails on the key; its savepoint is rolled back and the year is inserted the usual way."""
    store = SqlStore.open(pg_url)
    try:
        with temporary_schema(PG_URL, "qaf_test") as other_url:  # the year, to take one obligation of it from
            other = SqlStore.open(other_url)
            year(other)
            theirs, _ = stored(other)
            one = theirs[len(theirs) // 2]
            other.close()
        columns = [c.name for c in OBLIGATIONS.c if c.name not in STAMPS]
        fw = FRAMEWORKS["east-sussex-2013"]
        store.save_framework(fw, bundled.path("east-sussex-2013").read_text())
        store.save_org(council())
        with store.write() as conn:  # got in first, and unseen by the window's read (as if committed just after it)
            conn.execute(OBLIGATIONS.insert().values({**dict(zip(columns, one)), "created_at": ob_store._now(), "updated_at": ob_store._now()}))
        real = ob_store.planned_window

        def unseen(conn, framework, first, last, rows=None):  # the calendar's window read misses it
            return {} if rows is None else real(conn, framework, first, last, rows)

        monkeypatch.setattr(scheduling.ob_store, "planned_window", unseen)
        opened = streams(monkeypatch)
        got = scheduling.schedule(store, fw, council(), *YEAR, TODAY)
        assert len(opened) == 1
        obligations, _ = stored(store)
        assert one in obligations and len(obligations) == len({o[0] for o in obligations})
        assert got.created == len(obligations) - 1  # every other obligation of the year went in
    finally:
        store.close()


def test_a_planner_that_fails_mid_stream_leaves_the_store_as_it_was(pg_url, monkeypatch):
    from qaf.engine import schedule as planner

    monkeypatch.setattr(CopyStream, "CHUNK", 7)  # chunks already sent when it fails
    store = SqlStore.open(pg_url)
    try:
        fw = FRAMEWORKS["east-sussex-2013"]
        store.save_framework(fw, bundled.path("east-sussex-2013").read_text())
        store.save_org(council())
        before = snapshot(store)

        def broken(self):
            raise RuntimeError("the planner failed")

        with monkeypatch.context() as m:
            m.setattr(planner._Planner, "choose_cases", broken)
            with pytest.raises(RuntimeError, match="the planner failed"):
                scheduling.schedule(store, fw, council(), *YEAR, TODAY)
        assert snapshot(store) == before
        assert scheduling.schedule(store, fw, council(), *YEAR, TODAY).created > 0  # the store (and its pool) carry on
    finally:
        store.close()
