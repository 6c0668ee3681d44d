"""Issue 16: the fast paths store exactly what the plain ones did, and keep their refusals (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.pool import NullPool

from qaf.engine.model import DONE
from qaf.engine.outcomes import Recording
from qaf.rules.problems import QafError
from qaf.store import outcomes as oc
from qaf.store.sql import SqlStore
from qaf.store.tables import EVENTS, OUTCOMES
from qaf.usecases import recording
from tests.test_outcomes import april_audit, scheduled


def _raw(conn, table: str, where: str) -> list[tuple]:
    """Rows as the database holds them (no type processing on the way out)."""
    return [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {table} WHERE {where}")]


def test_issue16_prepared_writes_store_what_sqlalchemy_would(store: SqlStore):
    at = datetime(2024, 6, 10, 7, 30, 1, 250000, tzinfo=timezone.utc)
    payload = {"grade": "good", "areas": {"Plan": "good"}, "n": 3, "none": None}
    with store.write() as conn:
        conn.execute(insert(EVENTS), {"at": at, "kind": "k.plain", "ref": "r", "payload": payload})
        oc._LOG.run(conn, {"at": at, "kind": "k.fast", "ref": "r", "payload": payload})
        oc._LOG.run_many(conn, [{"at": at, "kind": "k.many", "ref": "r", "payload": payload}])
    with store.read() as conn:
        plain, fast, many = (_raw(conn, "events", f"kind = 'k.{k}'") for k in ("plain", "fast", "many"))
        read_back = [r.at for r in conn.execute(select(EVENTS.c.at).where(EVENTS.c.ref == "r"))]
    assert [r[1:2] + r[3:] for r in fast] == [r[1:2] + r[3:] for r in plain] == [r[1:2] + r[3:] for r in many]
    assert read_back == [at, at, at]


def test_issue16_an_outcome_recorded_on_the_fast_path_reads_back_whole(store: SqlStore):
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    recording.record(store, Recording(audit.id, "good", concerns=True, date=date(2024, 4, 23), notes="n"), date(2024, 6, 10))
    with store.read() as conn:
        row = conn.execute(select(OUTCOMES).where(OUTCOMES.c.obligation == audit.id)).one()
        ob = oc.load(conn, audit.id)
    assert (row.grade, row.concerns, row.audit_date, row.notes, row.contested, row.by) == ("good", True, date(2024, 4, 23), "n", False, audit.assignee)
    assert row.recorded_at.tzinfo is not None and ob.status == DONE and ob.sequence == audit.sequence + 1


def test_issue16_moving_on_an_obligation_someone_else_finished_is_refused(store: SqlStore):
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    recording.record(store, Recording(audit.id, "good", concerns=False, date=date(2024, 4, 23)), date(2024, 6, 10))
    with pytest.raises(QafError, match="changed while this was being recorded"):
        with store.write() as conn:
            oc.set_status(conn, audit, DONE)  # the stale copy, read before the outcome was recorded
    with store.read() as conn:
        assert conn.execute(text("SELECT count(*) FROM events WHERE ref = :r"), {"r": audit.id}).scalar() >= 1


def _kill_pooled_session(store: SqlStore) -> None:
    """The server drops the session the store's pool holds (a restart, a cut), and it has gone."""
    import time

    with store.read() as conn:
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
    # the bare database (the engine's URL has no schema in it): an engine, not a store, or a store's tables land in public
    admin = create_engine(store.engine.url.render_as_string(hide_password=False), poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            conn.commit()
            for _ in range(100):
                if not conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": pid}).scalar():
                    break
                conn.commit()
                time.sleep(0.05)
    finally:
        admin.dispose()


def test_issue16_a_pooled_connection_that_died_while_idle_is_replaced_before_use(pg_url: str, monkeypatch):
    from qaf.store import db

    store = SqlStore.open(pg_url)
    try:
        _kill_pooled_session(store)
        monkeypatch.setattr(db, "IDLE_PING_SECONDS", 0.0)  # it sat idle: pinged at checkout, found dead, replaced
        assert store.stored_frameworks() == []
    finally:
        store.close()


def test_issue16_a_connection_the_server_closed_is_replaced_at_checkout_without_a_ping(pg_url: str):
    """Used a moment ago (so not pinged), then killed: the socket says so at checkout, and a fresh one is used."""
    store = SqlStore.open(pg_url)
    try:
        _kill_pooled_session(store)
        assert store.stored_frameworks() == []  # no failure: the dead connection never reached a transaction
    finally:
        store.close()


def test_issue16_a_connection_that_died_while_busy_fails_once_and_the_next_transaction_recovers(pg_url: str):
    from sqlalchemy.exc import OperationalError

    store = SqlStore.open(pg_url)
    try:
        with pytest.raises(OperationalError):
            with store.read() as conn:  # the session dies in the middle of a transaction: that one fails
                pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
                admin = create_engine(store.engine.url.render_as_string(hide_password=False), poolclass=NullPool)
                with admin.connect() as other:
                    other.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
                admin.dispose()
                conn.execute(text("SELECT 1"))
        assert store.stored_frameworks() == []  # and the next transaction starts on a fresh connection
    finally:
        store.close()


def test_issue16_insert_new_stores_what_sqlalchemy_would_and_counts_only_the_new(store: SqlStore):
    """Past COPY_AT rows PostgreSQL takes them by COPY, SQLite by one executemany: the same bytes as a plain insert."""
    import dataclasses
    import uuid

    from sqlalchemy import Column, MetaData, Table

    from qaf.engine.query import Filters
    from qaf.store.obligations import OBLIGATIONS, to_row
    from qaf.store.upsert import COPY_AT, insert_new

    scheduled(store, "east-sussex-2013")
    obs = store.obligations(Filters(statuses=None))
    at = datetime(2024, 6, 10, 7, 30, 1, 250000, tzinfo=timezone.utc)
    obs = [dataclasses.replace(obs[i % len(obs)], id=f"{i:016x}") for i in range(COPY_AT + 100)]
    rows = [to_row(o, at) for o in obs]
    meta = MetaData()
    fast, plain = (Table(f"t16_{name}_{uuid.uuid4().hex[:6]}", meta, *[Column(c.name, c.type, primary_key=c.primary_key) for c in OBLIGATIONS.columns])
                   for name in ("fast", "plain"))  # fmt: skip
    meta.create_all(store.engine)
    try:
        with store.write() as conn:
            conn.execute(insert(plain), rows)
            assert insert_new(conn, fast, rows[: COPY_AT + 50], ["id"]) == COPY_AT + 50
            assert insert_new(conn, fast, rows, ["id"]) == 50  # the first COPY_AT + 50 are there already: left alone
            assert insert_new(conn, fast, rows[:3], ["id"]) == 0  # a few rows: the driver's executemany, its count exact
        with store.read() as conn:
            assert _raw(conn, fast.name, "1 = 1 ORDER BY id") == _raw(conn, plain.name, "1 = 1 ORDER BY id")
    finally:
        meta.drop_all(store.engine)


def test_issue16_a_schedule_that_created_many_rows_leaves_statistics_behind(store: SqlStore, monkeypatch):
    from qaf.store import obligations as ob_store

    monkeypatch.setattr(ob_store, "ANALYZE_AT", 1)
    scheduled(store, "east-sussex-2013")
    with store.read() as conn:
        count = conn.execute(text("SELECT count(*) FROM obligations")).scalar()
        if store.dialect == "postgresql":  # never analysed reads -1
            assert conn.execute(text("SELECT reltuples FROM pg_class WHERE oid = 'obligations'::regclass")).scalar() == count > 0
        else:  # sqlite_stat1 exists only after an ANALYZE; its first number is the table's rows
            stat = conn.execute(text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'obligations' AND idx = 'ix_obligations_status_due'")).scalar()
            assert int(stat.split()[0]) == count > 0


def test_issue16_councils_sharing_a_server_never_wait_for_each_others_schedule(pg_url: str):
    """The schedule's lock is keyed by council (schema) and purpose: another council's schedule goes ahead at once."""
    from sqlalchemy.exc import OperationalError

    from qaf.store.db import temporary_schema
    from tests.conftest import PG_URL

    with temporary_schema(PG_URL, "qaf_test") as other_url:
        a, a2, b = SqlStore.open(pg_url), SqlStore.open(pg_url), SqlStore.open(other_url)
        try:
            with a.write() as held:
                a.lock(held, "schedule.east-sussex-2013")
                with b.write() as conn:  # another council, the same framework: not kept waiting
                    conn.execute(text("SET LOCAL lock_timeout = '2s'"))
                    b.lock(conn, "schedule.east-sussex-2013")
                with pytest.raises(OperationalError, match="lock timeout"):
                    with a2.write() as conn:  # the same council: waits its turn
                        conn.execute(text("SET LOCAL lock_timeout = '200ms'"))
                        a2.lock(conn, "schedule.east-sussex-2013")
        finally:
            for s in (a, a2, b):
                s.close()


def test_issue16_the_feed_version_is_one_row_that_moves_with_every_obligation_written(store: SqlStore):
    from qaf.store import feeds as feed_store

    def version() -> str:
        with store.read() as conn:
            return feed_store.version(conn)

    empty = version()
    scheduled(store, "east-sussex-2013")
    after_schedule = version()
    assert after_schedule != empty
    with store.write() as conn:
        feed_store.served_since(conn, "some-feed", "etag", datetime(2024, 6, 10, tzinfo=timezone.utc))
    assert version() == after_schedule  # serving a feed writes, but no obligation: the caches stay good
    audit = april_audit(store, "3.16", "SW1")
    with store.write() as conn:  # a change not yet committed is not seen ...
        oc.set_status(conn, audit, "waived", "test")
        with store.read() as other:
            assert feed_store.version(other) == after_schedule
    after = version()  # ... and is seen once it is
    assert after != after_schedule
    with store.read() as conn:
        counter = conn.execute(text("SELECT value FROM meta WHERE key = 'obligations_version'")).scalar()
    assert int(counter) > 0
