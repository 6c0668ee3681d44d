"""SQLite: the write-ahead log copied back into the database by a thread of its own, not by the writer.

In WAL mode SQLite's default is that the connection whose commit takes the
log past 1,000 pages copies the log into the database there and then, and
syncs the file to disk: about 6 ms on this machine's disk, nearly all of it
the sync. The person recording an outcome waited for it once every 30 to 120
commits. Here:

- each :class:`Checkpointer` has its own connection and thread, woken each
  time one of the engine's connections goes back to its pool (after a commit,
  or a read). It runs a PASSIVE checkpoint (never blocks a reader or a
  writer), at most one every :data:`MIN_GAP_SECONDS`, and only when the log
  holds pages not yet copied; the sync happens on its thread, which the
  driver lets run beside the interpreter;
- the engine's own connections still checkpoint, as a safety net, once the
  log reaches :data:`WRITER_CHECKPOINT_PAGES` (a log that writers keep
  appending to never empties under a passive checkpoint alone; the writer's
  checkpoint then has little left to copy, and lets the log start over);
- the thread stops after :data:`IDLE_SECONDS` without a wake (a store a
  test forgot to close), emptying the log first if nobody is using it; when
  the engine is disposed; and when the process exits, so that a command
  leaves no log beside ``qaf.db`` (the last connection to close folds it in).
  The next wake starts it again.

Durability is SQLite's ``synchronous=NORMAL`` as before: what is synced is
what the last checkpoint copied. With the thread that is at most a fraction
of a second behind the last commit, where the default could be 1,000 pages
behind on a quiet store.
"""

from __future__ import annotations

import atexit
import logging
import sqlite3
import threading
import time
import weakref

from sqlalchemy import Engine, event

WRITER_CHECKPOINT_PAGES = 10000  # the engine's connections checkpoint themselves past this (40 MB of log)
MIN_GAP_SECONDS = 0.1  # at most ten syncs a second
IDLE_SECONDS = 10.0

log = logging.getLogger("qaf.store")
_LIVE: "weakref.WeakSet[Checkpointer]" = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    """At exit, before the interpreter drops its daemon threads: each thread closes its connection, so the
    store's last connection to close can fold the log into the database and remove it (a command leaves
    ``qaf.db`` whole, safe to copy on its own)."""
    for checkpointer in list(_LIVE):
        checkpointer.stop(timeout=2.0)


class Checkpointer:
    """Checkpoints one SQLite file's log on a thread of its own (see the module's text)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()  # set while stop() waits: the thread leaves at once, even mid-pause
        self.checkpoints = 0  # checkpoints that copied pages (for tests and benches)
        _LIVE.add(self)

    def wake(self) -> None:
        """A connection went back to the pool: there may be log to copy. Starts the thread if it is not running."""
        if not self._wake.is_set():  # set already while the thread pauses between checkpoints: nothing to add
            self._wake.set()
        thread = self._thread
        if thread is None or not thread.is_alive():
            with self._lock:
                if self._stopping.is_set() or (self._thread is not None and self._thread.is_alive()):
                    return
                self._thread = threading.Thread(target=self._run, name=f"qaf checkpoint {self.path}", daemon=True)
                self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (after the checkpoint it may be running); a later :meth:`wake` starts it again."""
        with self._lock:
            self._stopping.set()
            thread = self._thread
        self._wake.set()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        with self._lock:
            self._stopping.clear()

    def _run(self) -> None:
        conn = None
        try:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA synchronous=NORMAL")
            last, seen = 0.0, (0, 0)
            while True:
                if not self._wake.wait(IDLE_SECONDS):  # quiet: give the log's disk space back if nobody is using it
                    conn.execute("PRAGMA busy_timeout=0")
                    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                    return
                gap = MIN_GAP_SECONDS - (time.monotonic() - last)
                if self._stopping.is_set() or (gap > 0 and self._stopping.wait(gap)):
                    return
                self._wake.clear()
                _busy, pages, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                last = time.monotonic()
                if copied > 0 and (pages, copied) != seen:
                    self.checkpoints += 1
                seen = (pages, copied)
        except sqlite3.Error as exc:  # the writers' own checkpoints carry on; the next wake starts a fresh thread
            log.warning("SQLite background checkpoint of %s stopped: %s", self.path, exc)
        finally:
            if conn is not None:
                conn.close()


def attach(engine: Engine, path: str) -> Checkpointer:
    """Give ``engine`` (a SQLite file's) a checkpointer: woken at each check-in, stopped when the engine is disposed."""
    checkpointer = Checkpointer(path)

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection, _record) -> None:  # pragma: no cover - pool callback
        checkpointer.wake()

    @event.listens_for(engine, "engine_disposed")
    def _disposed(_engine) -> None:  # pragma: no cover - engine callback
        checkpointer.stop()

    engine.qaf_checkpointer = checkpointer  # type: ignore[attr-defined]
    return checkpointer
