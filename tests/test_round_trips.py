"""Recording an outcome costs the round trips the work needs (issue 16): one transaction, one read of the
obligation (with the versions), one batch of writes, one commit; no ping before it."""

from __future__ import annotations

from collections import Counter
from typing import Iterator

import pytest
from sqlalchemy import event

from qaf.engine.outcomes import Recording
from qaf.engine.query import Filters
from qaf.store import prepared
from qaf.store.sql import SqlStore
from qaf.usecases import recording
from tests.test_feeds import TODAY, year


class Statements:
    """What reaches the driver while in the block: SQLAlchemy's statements (its events) and qaf's prepared
    writes (run on the driver's cursor, so counted where they run), by their first word; and the commits."""

    def __init__(self, store: SqlStore, monkeypatch: pytest.MonkeyPatch) -> None:
        self.store, self.monkeypatch = store, monkeypatch
        self.words: Counter[str] = Counter()
        self.begun = self.commits = 0
        self.pings = 0

    def _execute(self, _conn, _cursor, statement, *_args) -> None:
        word = statement.split(None, 1)[0].upper()
        self.words[word] += 1
        if statement.strip().upper() in ("SELECT 1", "SELECT 1;"):
            self.pings += 1

    def _begin(self, _conn) -> None:
        self.begun += 1

    def _commit(self, _conn) -> None:
        self.commits += 1

    def __enter__(self) -> "Statements":
        original = prepared.Prepared._execute

        def counted(conn, spec, call):
            self.words[spec[0].split(None, 1)[0].upper()] += 1
            return original(conn, spec, call)

        self.monkeypatch.setattr(prepared.Prepared, "_execute", staticmethod(counted))
        event.listen(self.store.engine, "before_cursor_execute", self._execute)
        event.listen(self.store.engine, "begin", self._begin)
        event.listen(self.store.engine, "commit", self._commit)
        self.store.engine.dialect.do_ping = self._ping  # a pre-ping would show here
        return self

    def _ping(self, _dbapi_connection) -> bool:
        self.pings += 1
        return True

    def __exit__(self, *_exc) -> None:
        event.remove(self.store.engine, "before_cursor_execute", self._execute)
        event.remove(self.store.engine, "begin", self._begin)
        event.remove(self.store.engine, "commit", self._commit)
        del self.store.engine.dialect.do_ping
        self.monkeypatch.undo()

    @property
    def reads(self) -> int:
        return self.words["SELECT"]

    @property
    def writes(self) -> int:
        return self.words["INSERT"] + self.words["UPDATE"] + self.words["DELETE"]


@pytest.fixture
def council(db_url: str) -> Iterator[SqlStore]:
    store = SqlStore.open(db_url)
    year(store)
    yield store
    store.close()


def open_audits(store: SqlStore) -> list:
    return [o for o in store.obligations(Filters(kind="audit", statuses=frozenset({"open"}))) if o.case and o.assignee]


def test_a_good_outcome_is_one_read_three_writes_and_one_commit(council: SqlStore, monkeypatch: pytest.MonkeyPatch):
    audits = open_audits(council)
    recording.record(council, Recording(audits[0].id, "good", date=audits[0].period_start), TODAY)  # warm
    with Statements(council, monkeypatch) as seen:
        result = recording.record(council, Recording(audits[1].id, "good", date=audits[1].period_start), TODAY)
    assert not result.created
    assert seen.begun == 1 and seen.commits == 1 and seen.pings == 0
    assert seen.reads == 1, seen.words  # the obligation, its outcome and the versions, in one SELECT
    # the outcome, the status, the event lines (one executemany): nothing read back, nothing written twice
    assert seen.writes == 3 and seen.words["INSERT"] == 2 and seen.words["UPDATE"] == 1, seen.words


def test_an_outcome_with_concerns_adds_only_the_case_history_and_what_it_sets_off(council: SqlStore, monkeypatch):
    audits = open_audits(council)
    recording.record(council, Recording(audits[0].id, "good", date=audits[0].period_start), TODAY)
    target = audits[2]
    with Statements(council, monkeypatch) as seen:
        result = recording.record(council, Recording(target.id, "inadequate", concerns=True, date=target.period_start), TODAY)
    assert result.created, "concerns set off follow-ups"
    assert seen.begun == 1 and seen.commits == 1 and seen.pings == 0
    assert seen.reads <= 2, seen.words  # the obligation; the case history the follow-ups are chosen from
    # the outcome, the status, the new obligations, their notices and attendance, the event lines: each one statement
    assert seen.writes <= 6, seen.words


def test_a_recording_refused_reads_and_writes_nothing_more(council: SqlStore, monkeypatch: pytest.MonkeyPatch):
    audit = open_audits(council)[3]
    recording.record(council, Recording(audit.id, "good", date=audit.period_start), TODAY)
    with Statements(council, monkeypatch) as seen:
        with pytest.raises(Exception, match="nothing recorded"):
            recording.record(council, Recording(audit.id, "good", date=audit.period_start), TODAY)
    assert seen.writes == 0 and seen.commits == 0 and seen.reads <= 2


def _block_seen(store: SqlStore) -> tuple[bool, int]:
    """(whether a read's driver connection was in a transaction block after its statement, the rows it read)."""
    from psycopg.pq import TransactionStatus

    with store.read() as conn:
        rows = conn.execute(select_count_of_obligations()).scalar_one()
        return conn.connection.dbapi_connection.info.transaction_status != TransactionStatus.IDLE, rows


def select_count_of_obligations():
    from sqlalchemy import func, select

    from qaf.store.tables import OBLIGATIONS

    return select(func.count()).select_from(OBLIGATIONS)


def test_a_read_on_postgresql_sends_no_begin_and_no_rollback(pg_url: str, monkeypatch: pytest.MonkeyPatch):
    """READ COMMITTED gives each statement its own moment inside a block or not: the block was two round trips of five."""
    from psycopg.pq import TransactionStatus

    monkeypatch.delenv("QAF_DB_POOLER", raising=False)
    store = SqlStore.open(pg_url)
    try:
        year(store)
        in_block, rows = _block_seen(store)
        assert rows > 0 and not in_block
        with store.write() as conn:  # a write keeps its transaction: all or nothing
            conn.execute(select_count_of_obligations())
            assert conn.connection.dbapi_connection.info.transaction_status == TransactionStatus.INTRANS
        with store.one_read():  # a page's one read shares the connection, still without a block
            assert not _block_seen(store)[0]
    finally:
        store.close()


def test_behind_a_transaction_pooler_a_read_keeps_its_block(pg_url: str, monkeypatch: pytest.MonkeyPatch):
    """PgBouncer in transaction mode keeps a read's statements on one server session only inside a block."""
    monkeypatch.setenv("QAF_DB_POOLER", "transaction")
    store = SqlStore.open(pg_url)
    try:
        assert _block_seen(store)[0]
    finally:
        store.close()
