"""SQLite: the store keeps one connection for its reads and writes (store.sql.SqlStore._kept), and that changes
nothing a caller can tell: a write still takes SQLite's write lock when it begins, a read still never holds it,
a failed write leaves nothing, another thread's write waits its turn on a connection of its own, and a closed
store holds no connection."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from qaf.store.sql import SqlStore
from tests.threads import running


@pytest.fixture
def sqlite_store(tmp_path):
    store = SqlStore.open(f"sqlite:///{tmp_path / 'qaf.db'}")
    yield store, tmp_path / "qaf.db"
    store.close()


def _events(store: SqlStore, kind: str) -> int:
    with store.read() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM events WHERE kind = ?", (kind,)).scalar()


def _locked(path) -> bool:
    """Whether another process's connection would have to wait for the write lock now."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        other.close()


def test_reads_and_writes_on_one_thread_share_one_connection_and_each_write_still_takes_the_lock_at_once(sqlite_store):
    store, path = sqlite_store
    store.log("test.first", "", {})
    with store.read() as conn:
        reading = conn.connection.driver_connection
        assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar() >= 1
        assert not _locked(path)  # a read never holds the write lock
    with store.write() as conn:
        assert conn.connection.driver_connection is reading  # the page cache kept: the same connection
        assert _locked(path)  # BEGIN IMMEDIATE, not the read's deferred BEGIN: taken before any statement
    assert not _locked(path)
    with store.read() as conn:
        conn.exec_driver_sql("SELECT 1").scalar()
        assert not _locked(path)


def test_a_failed_write_leaves_nothing_and_the_next_one_is_kept(sqlite_store):
    store, _ = sqlite_store
    with pytest.raises(RuntimeError):
        with store.write() as conn:
            store.log_in(conn, "test.lost", "", {})
            raise RuntimeError("a rule failed")
    store.log("test.kept", "", {})
    assert (_events(store, "test.lost"), _events(store, "test.kept")) == (0, 1)


def test_a_write_on_another_thread_meanwhile_takes_a_connection_of_its_own_and_waits_its_turn(sqlite_store):
    store, _ = sqlite_store
    inside, done = threading.Event(), threading.Event()

    def other() -> None:
        inside.wait(10)
        store.log("test.other", "", {})  # the kept connection is busy: a pooled one, queued behind SQLite's lock
        done.set()

    with running(other) as failures:
        with store.write() as conn:
            store.log_in(conn, "test.first", "", {})
            inside.set()
            assert not done.wait(0.3)  # still waiting for the write lock this block holds
    assert failures == [] and done.is_set()
    assert (_events(store, "test.first"), _events(store, "test.other")) == (1, 1)


def test_a_closed_store_holds_no_connection_even_if_closed_inside_a_block(tmp_path):
    store = SqlStore.open(f"sqlite:///{tmp_path / 'qaf.db'}")
    store.log("test.one", "", {})
    assert store.engine.pool.checkedout() == 1  # the kept connection
    store.close()
    assert store.engine.pool.checkedout() == 0
    with store.read() as conn:  # a store used after close() works as before, and is given back when closed inside
        conn.exec_driver_sql("SELECT 1").scalar()
        store.close()
    assert store.engine.pool.checkedout() == 0
