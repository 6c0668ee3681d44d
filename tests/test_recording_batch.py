"""A recording's writes are held back and sent together (one round trip on PostgreSQL): what is kept,
and what is refused, is what it was when each was written at once (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest

from qaf.engine.outcomes import CLI, Recording
from qaf.rules.problems import InputError
from qaf.store import outcomes as oc
from qaf.store.sql import SqlStore
from qaf.usecases import recording
from tests.conftest import snapshot
from tests.test_outcomes import april_audit, scheduled

TODAY = date(2024, 6, 10)


def test_a_recording_that_read_the_obligation_before_someone_else_recorded_it_is_refused_whole(store: SqlStore, monkeypatch):
    """Two people record one audit at once: the second read it open, but the first wrote first."""
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    with store.read() as conn:
        stale = oc.load_versioned(conn, audit.id)
    recording.record(store, Recording(audit.id, "good", concerns=True, date=date(2024, 4, 23)), TODAY)
    before = snapshot(store)
    monkeypatch.setattr(oc, "load_versioned", lambda conn, oid, lock=False: stale)
    with pytest.raises(Exception):  # the outcome's key or the status guard: either way nothing of it is kept
        recording.record(store, Recording(audit.id, "inadequate", concerns=True, date=date(2024, 4, 24)), TODAY)
    assert snapshot(store) == before


def test_a_batch_naming_one_obligation_twice_is_refused_naming_both_lines(store: SqlStore):
    """The first line's writes reach the database before the second line reads: it found the audit done, and said
    '... is done: nothing to record' of an audit the store still held open (nothing was recorded)."""
    from qaf.rules.problems import Source, format_problem

    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    before = snapshot(store)
    line = Recording(audit.id, "good", concerns=False, date=date(2024, 4, 23))
    with pytest.raises(InputError) as exc:
        recording.record_many(store, [(Source("april.csv", 2), line), (Source("april.csv", 5), line)], TODAY)
    assert [format_problem(p) for p in exc.value.problems] == [
        f"april.csv:5: obligation: {audit.id} is on line 2 too: one outcome an obligation, one line"]
    assert snapshot(store) == before


def test_a_batch_of_two_keeps_both_with_every_event_line(store: SqlStore):
    scheduled(store, "east-sussex-2013")
    a, b = april_audit(store, "3.16", "SW1"), april_audit(store, "3.16", "SW2")
    done = recording.record_many(store, [(CLI, Recording(a.id, "good", date=date(2024, 4, 23))),
                                         (CLI, Recording(b.id, "inadequate", concerns=True, date=date(2024, 4, 23)))], TODAY)  # fmt: skip
    assert [r.obligation for r in done] == [a.id, b.id] and done[1].created
    with store.read() as conn:
        assert oc.load(conn, a.id).status == oc.load(conn, b.id).status == "done"
        kinds = [r[0] for r in conn.exec_driver_sql(f"SELECT kind FROM events WHERE ref IN ('{a.id}', '{b.id}') ORDER BY id")]
    assert kinds[0] == "outcome.recorded" and kinds.count("outcome.recorded") == 2 and "trigger.fired" in kinds
