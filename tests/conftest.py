"""Shared fixtures: every store test runs on SQLite and on PostgreSQL.

PostgreSQL comes from ``QAF_TEST_POSTGRES_URL`` (default: the local server,
``postgresql+psycopg://postgres@127.0.0.1:5432/test``; see DEVELOPERS.md).
Each test gets a fresh schema, dropped afterwards. Where no server answers,
the PostgreSQL half is skipped with the reason; ``.ci/run`` starts the server
first so CI runs both halves.
"""

from __future__ import annotations

import os
import weakref
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import Engine, MetaData, create_engine, event, inspect, select, text

from qaf.store.db import temporary_schema
from qaf.store.sql import SqlStore

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
PG_URL = os.environ.get("QAF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

_pg_reason: list[str] = []

# What the tests check is what each commit leaves, never whether it reached the disk before the next
# (durability is the databases' own; bench/ measures with it): the suite's stores do not wait for the
# disk's syncs, 3 ms each on this machine and far more while it is busy. SQLite files go in memory
# (tmpfs, where a sync costs nothing) unless the runner names another place; PostgreSQL commits
# without waiting for its log's sync (``synchronous_commit`` off for the tests' own connections only:
# what a commit shows every other connection is unchanged).
if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
    os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", "/dev/shm")


@event.listens_for(Engine, "connect")
def _commit_without_waiting_for_the_disk(dbapi_connection, _record) -> None:
    if type(dbapi_connection).__module__.startswith("psycopg"):
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        dbapi_connection.execute("SET synchronous_commit TO off")
        dbapi_connection.autocommit = autocommit


def _postgres_reachable() -> str | None:
    """None when PostgreSQL answers, else why not (checked once per session)."""
    if not _pg_reason:
        try:
            engine = create_engine(PG_URL)
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            engine.dispose()
            _pg_reason.append("")
        except Exception as exc:  # any failure to reach the server skips the PostgreSQL half
            _pg_reason.append(f"PostgreSQL not reachable at {PG_URL}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    return _pg_reason[0] or None


def _postgres_or_skip() -> None:
    reason = _postgres_reachable()
    if reason and os.environ.get("QAF_REQUIRE_POSTGRES") == "1":
        pytest.fail(reason + " (QAF_REQUIRE_POSTGRES=1: CI runs both databases)")
    if reason:
        pytest.skip(reason)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for an empty store: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'qaf.db'}"
        return
    _postgres_or_skip()
    with temporary_schema(PG_URL, "qaf_test") as url:
        yield url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """PostgreSQL only, for tests whose SQLite half is written separately."""
    _postgres_or_skip()
    with temporary_schema(PG_URL, "qaf_test") as url:
        yield url


@pytest.fixture
def store(db_url: str) -> Iterator[SqlStore]:
    s = SqlStore.open(db_url)
    try:
        yield s
    finally:
        s.close()


_REFLECTED: "weakref.WeakKeyDictionary[Engine, tuple[tuple[str, ...], MetaData]]" = weakref.WeakKeyDictionary()


def _every_table(engine: Engine, conn) -> MetaData:
    """Every table the store has, reflected once per engine while their names stay the same: a test's
    snapshots before and after read the same tables (reflecting them is most of a snapshot's time)."""
    names = tuple(sorted(inspect(conn).get_table_names()))
    held = _REFLECTED.get(engine)
    if held is None or held[0] != names:
        meta = MetaData()
        meta.reflect(conn)
        held = _REFLECTED[engine] = (names, meta)
    return held[1]


def snapshot(store: SqlStore) -> dict[str, list[tuple]]:
    """Every row of every table, for 'the store is exactly as it was' checks."""
    out: dict[str, list[tuple]] = {}
    with store.engine.connect() as conn:
        meta = _every_table(store.engine, conn)
        for name, table in sorted(meta.tables.items()):
            out[name] = sorted((tuple(map(repr, row)) for row in conn.execute(select(table))))
    return out


@pytest.fixture
def example_council() -> Path:
    return ROOT / "examples" / "council"


@pytest.fixture
def frameworks_dir() -> Path:
    return ROOT / "rules" / "frameworks"
