"""SQLite's log is copied back into the database by a thread of its own, never lost on the way.

Whoever records an outcome should not wait for the disk to be synced: the
writer's connections checkpoint only as a safety net (far less often than
SQLite's default of every 1,000 pages), and the store's checkpoint thread
does the copying. Nothing written is lost or duplicated by it, a reader
sees every committed row while it runs, and it leaves nothing running once
the store is closed or quiet.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

from qaf.store import checkpoint
from qaf.store.sql import SqlStore
from tests.test_service import wait_for
from tests.threads import running


def _threads(path: Path) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"qaf checkpoint {path}" and t.is_alive()]


def _log(store: SqlStore, n: int, kind: str = "test.written") -> None:
    for i in range(n):
        store.log(kind, f"ref-{i}", {"i": i, "day": date(2026, 12, 4).isoformat()})


def test_the_writers_leave_the_checkpoint_to_the_thread(tmp_path):
    path = tmp_path / "qaf.db"
    store = SqlStore.open(f"sqlite:///{path}")
    try:
        with store.engine.connect() as conn:
            every = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        assert every == checkpoint.WRITER_CHECKPOINT_PAGES > 1000
        keeper = store.engine.qaf_checkpointer
        before = keeper.checkpoints
        _log(store, 40)
        assert wait_for(lambda: keeper.checkpoints > before, 10, 0.02), "the checkpoint thread copied nothing"
        assert _threads(path), "no checkpoint thread is running for the store"
    finally:
        store.close()


def test_every_row_written_while_it_checkpoints_is_kept_once(tmp_path):
    path = tmp_path / "qaf.db"
    store = SqlStore.open(f"sqlite:///{path}")
    seen: list[int] = []
    stop = threading.Event()

    def reader() -> None:  # a reader beside the writer and the checkpoint: counts only ever grow
        while not stop.is_set():
            with store.read() as conn:
                seen.append(conn.exec_driver_sql("SELECT count(*) FROM events WHERE kind = 'test.kept'").scalar())

    # a read that failed (the database locked) is kept in failures: readers must never queue
    with running(reader, stop=stop) as failures:
        _log(store, 600, "test.kept")
    assert wait_for(lambda: store.engine.qaf_checkpointer.checkpoints > 0, 10, 0.02)
    store.close()
    assert not failures, failures[:1]
    assert seen == sorted(seen) and seen[-1] <= 600
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT ref FROM events WHERE kind = 'test.kept' ORDER BY id").fetchall()
    finally:
        conn.close()
    assert [r for (r,) in rows] == [f"ref-{i}" for i in range(600)]


def test_a_closed_store_leaves_no_checkpoint_thread(tmp_path):
    path = tmp_path / "qaf.db"
    store = SqlStore.open(f"sqlite:///{path}")
    _log(store, 3)
    assert wait_for(lambda: bool(_threads(path)), 10, 0.02)
    store.close()
    assert not _threads(path)


def test_a_quiet_store_stops_its_thread_and_empties_its_log(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoint, "IDLE_SECONDS", 0.5)
    path = tmp_path / "qaf.db"
    store = SqlStore.open(f"sqlite:///{path}")
    keeper = store.engine.qaf_checkpointer
    try:
        _log(store, 30)
        assert os.path.getsize(f"{path}-wal") > 0
        # only the quiet thread's last checkpoint empties the log (the store's own connection stays open)
        assert wait_for(lambda: not _threads(path) and os.path.getsize(f"{path}-wal") == 0, 10, 0.02), "the thread outlived a quiet store"
        before = keeper.checkpoints
        _log(store, 2, "test.again")  # the next write starts it again
        assert wait_for(lambda: keeper.checkpoints > before, 10, 0.02)
        with store.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM events WHERE kind LIKE 'test.%'").scalar() == 32
    finally:
        store.close()


def test_a_database_in_memory_has_no_checkpoint_thread():
    store = SqlStore.open("sqlite://")
    try:
        assert getattr(store.engine, "qaf_checkpointer", None) is None
        _log(store, 2)
        assert not [t for t in threading.enumerate() if t.name.startswith("qaf checkpoint :memory:")]
    finally:
        store.close()


def test_a_failing_checkpoint_is_logged_and_the_writers_carry_on(tmp_path, caplog, monkeypatch):
    path = tmp_path / "qaf.db"
    store = SqlStore.open(f"sqlite:///{path}")
    keeper = store.engine.qaf_checkpointer
    try:
        monkeypatch.setattr(keeper, "path", str(tmp_path / "missing" / "qaf.db"))  # its own connection cannot open
        keeper.stop()
        with caplog.at_level("WARNING", logger="qaf.store"):
            _log(store, 5)
            assert wait_for(lambda: any("checkpoint" in r.getMessage() for r in caplog.records), 10, 0.02)
        with store.read() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM events WHERE kind = 'test.written'").scalar() == 5
    finally:
        store.close()


def test_what_a_single_command_wrote_is_in_the_database_file(tmp_path):
    """A CLI command writes once and closes the store: what it wrote is in the database file, not only the log."""
    path = tmp_path / "qaf.db"
    store = SqlStore.open(f"sqlite:///{path}")
    _log(store, 1, "test.once")
    store.close()
    assert not Path(f"{path}-wal").exists() or os.path.getsize(f"{path}-wal") == 0
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM events WHERE kind = 'test.once'").fetchone() == (1,)
    finally:
        conn.close()


def test_a_command_leaves_the_database_whole_and_no_log_beside_it(tmp_path):
    """``qaf framework load`` then ``qaf framework list``, each its own process: afterwards ``qaf.db`` alone
    holds everything (safe to copy on its own), as it did before the checkpoint thread."""
    path = tmp_path / "qaf.db"
    for args in (["framework", "load", "east-sussex-2013"], ["framework", "list"]):
        done = subprocess.run([sys.executable, "-m", "qaf.cli.main", "--db", f"sqlite:///{path}", *args],
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert not Path(f"{path}-wal").exists(), f"qaf {' '.join(args)} left its log beside the database"
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT id FROM frameworks").fetchall() == [("east-sussex-2013",)]
    finally:
        conn.close()
