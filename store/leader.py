"""Leadership: which one of several ``qaf serve`` instances ticks and sends email.

The leader holds a PostgreSQL session advisory lock (a file lock beside the
database on SQLite). The lock goes with the process (or its database
session), so when the leader dies another instance takes it at its next
check.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from qaf.rules.problems import QafError
from qaf.store.db import make_engine, pooler, schema_of
from qaf.store.sql import SqlStore

# the advisory lock every qaf instance of one council contends for: keyed by the council's schema,
# so each council sharing a PostgreSQL server has its own leader
LOCK = "SELECT pg_try_advisory_lock(hashtext(current_schema() || '/qaf.leader'))"


def lock_file(url: str) -> Path:
    """The file a SQLite database's leader locks: the database file's own name (its links followed) with
    ``.leader`` added, ``qaf.db.leader``; one a database, so ``qaf.db`` and ``qaf.sqlite`` in one folder
    each have their own leader (named ``qaf.leader`` by its stem, they shared one)."""
    return Path(str(Path(make_url(url).database or "qaf.db").resolve()) + ".leader")


class Leadership:
    """Who ticks for a council: one holder of a lock (per council schema) that dies with its process or session."""

    def __init__(self, store: SqlStore, url: str) -> None:
        self.store = store
        self.url = url
        self._session = None  # behind a transaction pooler: an engine of one connection straight to PostgreSQL
        if store.dialect == "postgresql" and pooler():
            direct = os.environ.get("QAF_DB_SESSION_URL")
            if not direct:
                raise QafError(
                    "QAF_DB_POOLER=transaction: a pooler hands each transaction to any server connection, so the "
                    "leader's lock cannot live there. Set QAF_DB_SESSION_URL to PostgreSQL itself (or a PgBouncer "
                    "in session mode), with the same ?schema=: the leader keeps one connection there"
                )  # fmt: skip
            if schema_of(direct) != schema_of(url):  # the lock is the schema's: another schema's lock leads nobody here
                raise QafError(
                    f"QAF_DB_SESSION_URL names the schema {schema_of(direct) or 'public'!r} and the store's (--db or QAF_DB) {schema_of(url) or 'public'!r}: "
                    "the leader's lock is kept in the council's schema, so give QAF_DB_SESSION_URL the same ?schema= (a council "
                    "on the server without it shares one lock, and one leader, with every other)"
                )  # fmt: skip
            self._session = make_engine(direct, "qaf leader", session=True)
        self.held = False
        self._conn = None
        self._file = None

    def try_acquire(self) -> bool:
        if self.held:
            return True
        if self.store.dialect == "postgresql":
            conn = (self._session or self.store.engine).connect()
            got = conn.execute(text(LOCK)).scalar()
            conn.commit()
            if got:
                self._conn = conn  # the lock lives as long as this session
            else:
                conn.close()
            self.held = bool(got)
        else:
            handle = open(lock_file(self.url), "a+")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                return False
            self._file, self.held = handle, True
        return self.held

    def still_held(self) -> bool:
        """Whether this instance still leads: on PostgreSQL its session (and so its lock) must still be there.

        A session the server dropped (a restart, a network cut, an idle timeout)
        takes its advisory lock with it, and another instance may already lead:
        asked before every tick and send, so two leaders never act at once.
        """
        if not self.held:
            return False
        if self._conn is None:
            return True  # the file lock lives as long as this process
        try:
            self._conn.execute(text("SELECT 1")).scalar()
            self._conn.commit()
            return True
        except Exception:  # the session is gone: so is the lock
            self.release()
            return False

    def release(self) -> None:
        if self._conn is not None:
            try:  # unlocked now: the server ends a closed session's backend (and its lock) only some time later
                self._conn.execute(text("SELECT pg_advisory_unlock_all()"))
                self._conn.commit()
            except Exception:  # a session the server already dropped: its lock went with it
                pass
            try:  # and the session ended, not handed back to the pool
                self._conn.invalidate()
                self._conn.close()
            except Exception:
                pass
        if self._file is not None:
            self._file.close()
        self.held, self._conn, self._file = False, None, None
