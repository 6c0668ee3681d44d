"""Leadership: which one of several ``qaf serve`` instances ticks and sends email.

The leader holds a PostgreSQL session advisory lock (a file lock beside the
database on SQLite). The lock goes with the process (or its database
session), so when the leader dies another instance takes it at its next
check.
"""

from __future__ import annotations

import fcntl
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from qaf.store.sql import SqlStore

LOCK_KEY = 7241450  # the advisory lock every qaf instance of one database contends for


class Leadership:
    """Who ticks: one holder of a database-wide lock that dies with its process."""

    def __init__(self, store: SqlStore, url: str) -> None:
        self.store = store
        self.url = url
        self.held = False
        self._conn = None
        self._file = None

    def try_acquire(self) -> bool:
        if self.held:
            return True
        if self.store.dialect == "postgresql":
            conn = self.store.engine.connect()
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar()
            conn.commit()
            if got:
                self._conn = conn  # the lock lives as long as this session
            else:
                conn.close()
            self.held = bool(got)
        else:
            path = Path(make_url(self.url).database or "qaf.db").with_suffix(".leader")
            handle = open(path, "a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                return False
            self._file, self.held = handle, True
        return self.held

    def release(self) -> None:
        if self._conn is not None:
            self._conn.close()  # closing the session releases the advisory lock
        if self._file is not None:
            self._file.close()
        self.held, self._conn, self._file = False, None, None
