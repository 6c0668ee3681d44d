"""The SQL store: one implementation of :class:`qaf.store.protocols.Store` for SQLite and PostgreSQL.

Every method is one transaction: a framework or an organisation is applied
whole or not at all.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from typing import Any, Callable, Iterator

from sqlalchemy import Connection, Engine, insert, or_, select
from sqlalchemy.pool import QueuePool

from qaf.engine.model import Obligation
from qaf.engine.org import Org
from qaf.engine.query import Filters
from qaf.rules.model import Framework
from qaf.rules.roles import Vocabulary
from qaf.store import frameworks as fw_store
from qaf.store import obligations as ob_store
from qaf.store import org as org_store
from qaf.store import versioning
from qaf.store import outcomes as oc_store
from qaf.store.db import open_engine, pooler
from qaf.store.protocols import FrameworkChange, OrgChange, Snapshot, StoredFramework
from qaf.store.tables import EVENTS, FRAMEWORKS, META, OBLIGATIONS, OUTCOMES


def _elapsed() -> float:
    """Seconds on a steady clock, which nobody sets: the host's time since boot (Linux: its sleep included), else
    Python's monotonic clock. What :meth:`SqlStore.wall` measures time gone by on."""
    boot = getattr(time, "CLOCK_BOOTTIME", None)
    return time.clock_gettime(boot) if boot is not None else time.monotonic()


# the organisation's version beside each framework's hash: one round trip says whether a snapshot still holds
# (and the obligations' counter, qaf.store.versioning, for what is kept by it)
_ORG_VERSION = select(META.c.value).where(META.c.key == "org_version").scalar_subquery()
_COUNTER = select(META.c.value).where(META.c.key == versioning.KEY).scalar_subquery()
_STATE = (
    select(FRAMEWORKS.c.id, FRAMEWORKS.c.content_hash, _ORG_VERSION.label("v_org"), _COUNTER.label("v_obligations"))
    .order_by(FRAMEWORKS.c.id)
)
_NO_FRAMEWORKS = select(_ORG_VERSION.label("v_org"), _COUNTER.label("v_obligations"))


class SqlStore:
    def __init__(self, engine: Engine, upgraded: tuple[str, str] | None = None) -> None:
        self.engine = engine
        self.upgraded = upgraded  # (from, to) when opening it upgraded the schema: the caller says so once
        self._org: tuple[int, Org] | None = None
        self._snapshot: Snapshot | None = None  # what every read asks for, kept while its versions hold
        self._pinned = threading.local()  # this thread's read connection inside one_read(), if any
        # PostgreSQL reads at READ COMMITTED, where every statement sees its own moment whether or not it is in a
        # transaction block: without one, a read saves BEGIN and ROLLBACK (two of an API call's five round trips).
        # Behind a transaction pooler the block stays: it is what keeps a read's statements on one server session.
        self._autocommit_reads = engine.dialect.name == "postgresql" and not pooler()
        # SQLite (a file, whose pool keeps connections): one connection kept between reads and writes (_kept)
        self._keeps = engine.dialect.name == "sqlite" and isinstance(engine.pool, QueuePool)
        self._kept_conn: Connection | None = None
        self._kept_free = threading.Lock()
        self._close_kept = False  # close() came while it was in use: closed when it is given back

    @classmethod
    def open(cls, url: str | None = None, application_name: str = "qaf") -> "SqlStore":
        """The store at ``url`` (default: ``QAF_DB``, else ``qaf.db``), its schema made this qaf's.

        ``application_name``: what PostgreSQL's ``pg_stat_activity`` shows for its connections.
        """
        return cls(*open_engine(url, application_name))

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read-only connection: on SQLite a deferred transaction, so readers never queue behind writers;
        on PostgreSQL no transaction block (each statement at READ COMMITTED, as inside one), unless behind a pooler.

        Inside :meth:`one_read` on the same thread, the block's one connection
        (and transaction) is handed back instead of a new one.
        """
        pinned = getattr(self._pinned, "conn", None)
        if pinned is not None:
            yield pinned
            return
        with self._kept() as kept:
            if kept is not None:  # its next transaction a deferred BEGIN (store.db), ended here as the pool would
                kept.execution_options(qaf_read=True)
                try:
                    yield kept
                finally:
                    try:
                        if kept.in_transaction():
                            kept.rollback()
                    finally:
                        kept.execution_options(qaf_read=False)
                return
        with self.engine.connect() as conn:
            if self._autocommit_reads:
                conn.execution_options(qaf_read=True, isolation_level="AUTOCOMMIT")  # no round trip: a driver flag
            else:
                conn.execution_options(qaf_read=True)
            yield conn

    @contextmanager
    def one_read(self) -> Iterator[None]:
        """Every :meth:`read` on this thread inside the block shares one read transaction.

        A page reads the session, the organisation, the obligation, its cause
        and its history through many small functions, each asking for a read:
        in one block they see one moment of the store and cost one transaction
        (three round trips on PostgreSQL each, else). Writes are not affected:
        :meth:`write` always takes its own transaction, so a block that writes
        must not rely on reading what it wrote (pages that act do not use it).
        """
        if getattr(self._pinned, "conn", None) is not None:  # already inside one: share it
            yield
            return
        with self.read() as conn:
            self._pinned.conn = conn
            try:
                yield
            finally:
                self._pinned.conn = None

    def framework_in(self, conn: Connection, framework_id: str) -> Framework:
        """A framework, read on the caller's connection (inside its transaction)."""
        return fw_store.parse(conn, framework_id)[0]

    def numbered_in(self, conn: Connection, framework: Framework) -> Framework:
        """``framework`` with the cadence numbers the store keeps for it (they survive an amendment)."""
        return fw_store.numbered(conn, framework)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        if self._kept_free.acquire(blocking=False):
            try:
                self._drop_kept()
            finally:
                self._kept_free.release()
        else:  # in use (a block on some thread): closed when that block gives it back
            self._close_kept = True
        self.engine.dispose()

    @contextmanager
    def _kept(self) -> Iterator[Connection | None]:
        """SQLite: the connection this store keeps for its reads and writes, while no other block on any thread
        is using it (None then: that block takes one from the pool, as every block did before).

        Checking a connection out of SQLAlchemy's pool and back in cost about 25 us a transaction, a tenth of
        recording an outcome. Keeping one connection also keeps SQLite's page cache: a connection's cache is
        thrown away whenever another connection wrote since its last transaction, so reads and writes share
        it (a read right after a write on a second connection reads its pages again). The transactions are
        SQLAlchemy's as before: ``BEGIN IMMEDIATE`` for a write, a deferred ``BEGIN`` for a read (store.db),
        each ended when its block ends. Giving it back wakes the checkpoint thread, as a check-in does.
        """
        if not self._keeps or not self._kept_free.acquire(blocking=False):
            yield None
            return
        try:
            conn = self._kept_conn
            if conn is None or conn.closed or conn.invalidated:
                self._drop_kept()
                conn = self._kept_conn = self.engine.connect()
            yield conn
        finally:
            try:
                if self._close_kept:
                    self._close_kept = False
                    self._drop_kept()
            finally:
                self._kept_free.release()
            keeper = getattr(self.engine, "qaf_checkpointer", None)
            if keeper is not None:
                keeper.wake()

    def _drop_kept(self) -> None:
        """Close the kept connection (back to the pool, or away if it is dead); the next block keeps another."""
        conn, self._kept_conn = self._kept_conn, None
        if conn is not None:
            conn.close()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back whole on any exception (on
        SQLite on the connection the store keeps, when it is free: :meth:`_kept`)."""
        with self._kept() as kept:
            if kept is not None:
                with kept.begin():
                    yield kept
                return
        with self.engine.begin() as conn:
            yield conn

    def log_in(self, conn: Connection, kind: str, ref: str, payload: dict[str, Any]) -> None:
        conn.execute(insert(EVENTS), {"at": datetime.now(timezone.utc), "kind": kind, "ref": ref, "payload": payload})

    def log(self, kind: str, ref: str, payload: dict[str, Any]) -> None:
        with self.write() as conn:
            self.log_in(conn, kind, ref, payload)

    # --- frameworks -------------------------------------------------------------

    def save_framework(self, framework: Framework, text: str) -> FrameworkChange:
        with self.write() as conn:
            # not while a schedule of it runs (PostgreSQL): the work it writes under the rows as they were is
            # renamed with the rest, and the next schedule plans this version
            self.lock(conn, f"schedule.{framework.id}")
            shown = fw_store.shown(conn, framework.id)
            change = fw_store.save(conn, framework, text, framework.source.file)
            if shown is not None:  # its events quote the framework's title and each row's purpose
                title, purposes = fw_store.shown(conn, framework.id)
                c = OBLIGATIONS.c
                moved = {new for _, new in change.renumbered}  # marked changed as it took its new number (fw_store.save)
                if title != shown[0]:
                    ob_store.touch(conn, c.framework == framework.id)
                elif rows := sorted(r for r in shown[1].keys() | purposes.keys() if shown[1].get(r) != purposes.get(r) and r not in moved):
                    ob_store.touch(conn, c.framework == framework.id, c.row.in_(rows))
            if change.action != "unchanged" or change.retired is not None:
                self.log_in(conn, "framework." + change.action, framework.id,
                          {"version": framework.version, "rows": len(framework.rows), "file": framework.source.file,
                           **({"retired_on": change.retired.isoformat()} if change.retired is not None else {})})  # fmt: skip
            return change

    def stored_frameworks(self) -> list[StoredFramework]:
        with self.read() as conn:
            return fw_store.stored(conn)

    def frameworks(self) -> list[Framework]:
        """The frameworks in use (not retired): what is scheduled, escalated and reported on by default."""
        with self.read() as conn:
            return fw_store.parse(conn, in_use=True)

    def framework(self, framework_id: str) -> Framework:
        with self.read() as conn:
            return fw_store.parse(conn, framework_id)[0]

    def wall(self, local: Callable[[], datetime]) -> Callable[[], datetime]:
        """The clock leases are kept on: the database's, as ``local`` (this host's real clock) reads it
        moved by how far the database's is from it, measured now (one query), and from then on gone on by
        the time that passes on this host's steady clock (:func:`_elapsed`): a host clock set while a
        runner works (put back, or on) moves none of its leases. Measure again for a new job.

        Every runner writes and reads the outbox's and the tick's leases against
        one clock, whichever host it runs on: on its own, a runner whose clock
        was minutes ahead read another's live claim as run out and took it, and
        both sent its emails. SQLite's clock is this machine's, read by SQLite.
        """
        query = "SELECT clock_timestamp()" if self.dialect == "postgresql" else "SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')"
        with self.read() as conn:
            before, started = local(), _elapsed()
            theirs = conn.exec_driver_sql(query).scalar()
            after, ended = local(), _elapsed()
        if isinstance(theirs, str):  # SQLite: UTC, as text
            theirs = datetime.fromisoformat(theirs).replace(tzinfo=timezone.utc)
        off = theirs - (before + (after - before) / 2)
        # read once, then gone on by the time that passes (a steady clock): a host clock put back (or on) while a
        # runner works moves none of its leases. Read at every call, one put back ten minutes in a slow batch read
        # its claims as ten minutes younger, and began emails another runner, reading the lease run out, had sent
        at = before + (after - before) / 2 + (off if abs(off) >= timedelta(seconds=1) else timedelta(0))  # within the time it took to ask: the host's
        mid = (started + ended) / 2
        return lambda: at + timedelta(seconds=_elapsed() - mid)

    def timezone(self, default: str = "Europe/London") -> str:
        """The council's timezone: its frameworks' ``timezone`` setting (the first framework's, by id).

        The business date ("today") is read in it. One query, no parsing: cheap
        enough for every command to ask.
        """
        with self.read() as conn:
            found = fw_store.zones(conn)
        return found[0] if found else default

    def vocabulary(self) -> Vocabulary:
        with self.read() as conn:
            return self.snapshot_in(conn).vocabulary

    # --- organisation -----------------------------------------------------------

    def save_org(self, org: Org) -> OrgChange:
        with self.write() as conn:
            before = org_store.names(conn)
            change = org_store.save(conn, org)
            after = org_store.names(conn)
            renamed = sorted(p for p, name in before.items() if after.get(p) != name)
            if renamed:  # their events say "Assigned to" and "Done by" them: a client must see the new name
                ob_store.touch(conn, or_(OBLIGATIONS.c.assignee.in_(renamed), OBLIGATIONS.c.id.in_(
                    select(OUTCOMES.c.obligation).where(OUTCOMES.c.by.in_(renamed)))))
            self.log_in(conn, "org.loaded", "", {
                name: {"new": c.new, "changed": c.changed, "unchanged": c.unchanged, "gone": c.gone}
                for name, c in (("people", change.people), ("teams", change.teams), ("cases", change.cases), ("bodies", change.bodies))
            })  # fmt: skip
            return change

    def org(self) -> Org:
        """The organisation, read once per version (a large council is 40,000 cases)."""
        with self.read() as conn:
            return self.org_in(conn)

    def snapshot(self) -> Snapshot:
        with self.read() as conn:
            return self.snapshot_in(conn)

    def kept(self) -> tuple:
        """What this store keeps in memory between calls, by version: the organisation's, the snapshot's key
        (None for what it has not read yet). It changes when and only when something new is kept."""
        return (self._org[0] if self._org else None, self._snapshot.key if self._snapshot else None)

    def org_in(self, conn: Connection, version: int | None = None) -> Org:
        """The organisation as the caller's transaction sees it (``version`` if the caller read it)."""
        version = org_store.version(conn) if version is None else version
        if self._org is None or self._org[0] != version:
            self._org = (version, org_store.load(conn))
        return self._org[1]

    def snapshot_in(self, conn: Connection) -> Snapshot:
        """The organisation, the frameworks and their role vocabulary, as the caller's transaction sees them.

        One query reads the versions (the organisation's, each framework's
        content hash); while they are unchanged the same objects are handed
        back, with no further read and no vocabulary rebuilt.
        """
        return self.state_in(conn)[0]

    def state_in(self, conn: Connection) -> tuple[Snapshot, int]:
        """:meth:`snapshot_in`, and the obligations' counter (:mod:`qaf.store.versioning`) read in the same query:
        read first in a transaction, it keys what is kept of the rows read after it."""
        rows = conn.execute(_STATE).all()
        versions = rows[0] if rows else conn.execute(_NO_FRAMEWORKS).one()
        org_version, counter = int(versions.v_org or 0), int(versions.v_obligations or 0)
        key = (org_version, tuple((r.id, r.content_hash) for r in rows if r.id is not None))
        found = self._snapshot
        if found is not None and found.key == key:
            return found, counter
        org = self.org_in(conn, org_version)
        frameworks = tuple(fw_store.parsed(conn, fid, content_hash) for fid, content_hash in key[1])
        found = self._snapshot = Snapshot(key, org, frameworks, Vocabulary(role for fw in frameworks for role in fw.roles))
        return found, counter

    def overdue_by_holder(self, framework: str, today: date) -> list[tuple[str | None, int, date]]:
        """Who holds ``framework``'s overdue work on ``today``: (holder, how many, oldest due), counted in the database."""
        with self.read() as conn:
            return ob_store.overdue_by_holder(conn, framework, today)

    def obligations_in(self, conn: Connection, filters: Filters) -> list[Obligation]:
        """Obligations read on the caller's connection (inside its transaction)."""
        return ob_store.find(conn, filters)

    def context_in(self, conn: Connection, framework_id: str, versions: tuple[int, str] | None = None) -> tuple[Org, Framework]:
        """The organisation and one framework, checked for newer versions (read here unless given)."""
        version, content_hash = versions or fw_store.versions(conn, framework_id)
        return self.org_in(conn, version), fw_store.parsed(conn, framework_id, content_hash)

    # --- outbox -------------------------------------------------------------------

    def outbox(self, status: str | None = None) -> list:
        with self.read() as conn:
            return oc_store.outbox(conn, status)

    # --- obligations ------------------------------------------------------------

    def lock(self, conn: Connection, name: str) -> None:
        """Serialise writers of one kind across processes (SQLite's BEGIN IMMEDIATE already does)."""
        if self.dialect == "postgresql":
            from sqlalchemy import text

            # keyed by the council's schema too: councils sharing a server never wait for each other
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/qaf.' || :name))"), {"name": name})

    def obligations(self, filters: Filters | None = None) -> list[Obligation]:
        with self.read() as conn:
            return ob_store.find(conn, filters or Filters())

