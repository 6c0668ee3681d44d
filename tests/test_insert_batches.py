"""Issue 16, item 6: new rows in batches, without SQLAlchemy's per-row processing (SQLite and PostgreSQL).

``insert_new`` takes a driver ``executemany`` (and, on PostgreSQL from
``COPY_AT`` rows, COPY into a temporary table then ``INSERT ... ON CONFLICT DO
NOTHING``). Whatever the path: a re-run inserts nothing twice, a key already
there is left exactly as it was, the count is of the rows really inserted, and
the bytes stored are those a plain SQLAlchemy insert stores.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import Column, MetaData, Table, func, insert, select

from qaf.engine.model import Obligation
from qaf.engine.org import Case
from qaf.engine.sampling import CaseHistory, open_refs, pick_among, pick_case
from qaf.store.obligations import OBLIGATIONS, to_row
from qaf.store.prepared import converted
from qaf.store.sql import SqlStore
from qaf.store.tables import ATTENDANCE, EVENTS
from qaf.store.upsert import COPY_AT, insert_new

AT = datetime(2026, 4, 1, 6, 0, 0, 125000, tzinfo=timezone.utc)


def _obligations(n: int, prefix: str = "") -> list[Obligation]:
    """``n`` distinct obligations sharing few dates (as a year's schedule does)."""
    return [
        Obligation(
            id=f"{prefix}{i:015x}", framework="fw", row=f"R{i % 7}", cadence=i % 2, kind="audit",
            title=f"Audit {i}: tab\there, line\nthere, back\\slash, a written \\n, return\r\n", assignee=f"P{i % 13}", subject_kind="worker",
            subject=f"P{i % 13}", period_start=date(2026, 4 + i % 3, 1), period_end=date(2026, 4 + i % 3, 28),
            due=date(2026, 4 + i % 3, 28), case=None if i % 5 else f"CS-{i:06d}", team="T1" if i % 4 else None,
            attendees=("P1", "P2") if i % 9 == 0 else (), sample_reason=None if i % 3 else "random pick",
        )  # fmt: skip
        for i in range(n)
    ]


def _scratch(store: SqlStore, *names: str) -> tuple[MetaData, list[Table]]:
    meta = MetaData()
    tables = [Table(f"t16b_{n}_{uuid.uuid4().hex[:6]}", meta, *[Column(c.name, c.type, primary_key=c.primary_key, default=c.default)
              for c in OBLIGATIONS.columns]) for n in names]  # fmt: skip
    meta.create_all(store.engine)
    return meta, tables


def _raw(conn, table: str) -> list[tuple]:
    return [tuple(r) for r in conn.exec_driver_sql(f'SELECT * FROM "{table}" ORDER BY id')]


def _count(store: SqlStore, table) -> int:
    with store.read() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.mark.parametrize("n", [1, 3, COPY_AT + 250])
def test_a_rerun_inserts_nothing_twice_and_counts_exactly(store: SqlStore, n: int):
    rows = [to_row(o, AT) for o in _obligations(n)]
    meta, (table,) = _scratch(store, "rerun")
    try:
        with store.write() as conn:
            assert insert_new(conn, table, rows, ["id"]) == n
        with store.write() as conn:
            assert insert_new(conn, table, rows, ["id"]) == 0  # the same batch again: every key is there
        assert _count(store, table) == n
    finally:
        meta.drop_all(store.engine)


@pytest.mark.parametrize("n", [40, COPY_AT * 3])
def test_a_key_already_there_is_left_exactly_as_it_was(store: SqlStore, n: int):
    first = [to_row(o, AT) for o in _obligations(n // 2)]
    changed = [dict(r, title="CHANGED", assignee="SOMEONE ELSE", updated_at=datetime(2027, 1, 1, tzinfo=timezone.utc)) for r in first]
    more = [to_row(o, AT) for o in _obligations(n - n // 2, prefix="f")]
    meta, (table,) = _scratch(store, "conflict")
    try:
        with store.write() as conn:
            insert_new(conn, table, first, ["id"])
        with store.read() as conn:
            before = _raw(conn, table.name)
        with store.write() as conn:  # half conflict (ignored), half new (inserted), interleaved
            mixed = [r for pair in zip(changed, more) for r in pair] + more[len(changed):]
            assert insert_new(conn, table, mixed, ["id"]) == len(more)
        with store.read() as conn:
            after = _raw(conn, table.name)
            titles = {r.title for r in conn.execute(select(table.c.title).where(table.c.id.in_([r["id"] for r in first])))}
        assert [r for r in after if r[0] in {x["id"] for x in first}] == before
        assert "CHANGED" not in titles
        assert len(after) == n
    finally:
        meta.drop_all(store.engine)


def test_a_large_batch_stores_the_bytes_a_plain_insert_stores(store: SqlStore):
    """Tabs, newlines, backslashes, NULLs, dates, aware timestamps and omitted defaults, past COPY_AT rows."""
    obs = _obligations(COPY_AT * 4)
    rows = [to_row(o, AT) for o in obs]
    for r in rows:
        del r["seq"]  # left out: the column's default fills it, on every path
    meta, (fast, plain) = _scratch(store, "fast", "plain")
    try:
        with store.write() as conn:
            conn.execute(insert(plain), rows)
            assert insert_new(conn, fast, rows, ["id"]) == len(rows)
        with store.read() as conn:
            stored = _raw(conn, fast.name)
            assert stored == _raw(conn, plain.name)
            back = conn.execute(select(fast).where(fast.c.id == obs[1].id)).one()
        assert back.title == obs[1].title and back.created_at == AT and back.due == obs[1].due
    finally:
        meta.drop_all(store.engine)


def test_one_row_stores_what_a_plain_insert_stores(store: SqlStore):
    """A batch of one (a recording's one alert, its one event line) goes the way of a single row: the same bytes,
    its default filled, a JSON document and an aware timestamp converted, and counted once."""
    row = to_row(_obligations(9)[0], AT)  # a case, no team, attendees: NULLs and text
    del row["seq"]
    meta, (fast, plain) = _scratch(store, "onefast", "oneplain")
    try:
        with store.write() as conn:
            conn.execute(insert(plain), [row])
            assert insert_new(conn, fast, [row], ["id"]) == 1
            assert insert_new(conn, fast, [dict(row, title="CHANGED")], ["id"]) == 0
            insert_new(conn, EVENTS, [{"at": AT, "kind": "k.one", "ref": "r1", "payload": {"areas": {"Plan": "good"}}}], ["id"])
        with store.read() as conn:
            assert _raw(conn, fast.name) == _raw(conn, plain.name)
            event = conn.execute(select(EVENTS.c.at, EVENTS.c.payload).where(EVENTS.c.kind == "k.one")).one()
        assert tuple(event) == (AT, {"areas": {"Plan": "good"}})
    finally:
        meta.drop_all(store.engine)


def test_the_schedule_tables_take_a_batch_whole_and_a_rerun_adds_nothing(store: SqlStore):
    """The real tables (with their triggers): obligations, then their attendance, in one transaction."""
    obs = _obligations(COPY_AT + 10)
    attending = [{"obligation": o.id, "person": p, "role": "attending"} for o in obs for p in o.attendees]
    for _ in range(2):
        with store.write() as conn:
            made = insert_new(conn, OBLIGATIONS, [to_row(o, AT) for o in obs], ["id"])
            seated = insert_new(conn, ATTENDANCE, attending, ["obligation", "person"])
    assert (made, seated) == (0, 0)
    assert _count(store, OBLIGATIONS) == len(obs) and _count(store, ATTENDANCE) == len(attending)


def test_a_composite_key_batch_goes_into_an_empty_table_once_each_and_then_adds_only_what_is_new(store: SqlStore):
    """Attendance (key: obligation and person), past COPY_AT rows: into an empty table (PostgreSQL: straight
    in by COPY) a pair the batch repeats goes in once; into the table holding them (PostgreSQL: by the
    scratch table) only the new pairs go in, and the pairs already there keep their role."""
    obs = _obligations(COPY_AT * 2)
    pairs = [{"obligation": o.id, "person": p, "role": "attending"} for o in obs for p in ("P1", "P2")]
    first, second = pairs[: len(pairs) // 2], pairs[len(pairs) // 4 :]
    with store.write() as conn:
        insert_new(conn, OBLIGATIONS, [to_row(o, AT) for o in obs], ["id"])
        assert insert_new(conn, ATTENDANCE, first + [dict(r, role="copy") for r in first[:10]], ["obligation", "person"]) == len(first)
    with store.write() as conn:
        assert insert_new(conn, ATTENDANCE, [dict(r, role="copy") for r in second], ["obligation", "person"]) == len(pairs) - len(first)
    with store.read() as conn:
        roles = {(r.obligation, r.person): r.role for r in conn.execute(select(ATTENDANCE))}
    assert len(roles) == len(pairs)
    assert all(roles[(r["obligation"], r["person"])] == "attending" for r in first)
    assert all(roles[(r["obligation"], r["person"])] == "copy" for r in pairs[len(first) :])


def test_json_values_are_converted_each_on_its_own(store: SqlStore):
    """A column whose values cannot be hashed (JSON documents) is still converted, value by value."""
    payloads = [{"n": i % 3, "areas": {"Plan": "good"}} for i in range(10)]
    with store.write() as conn:
        insert_new(conn, EVENTS, [{"at": AT, "kind": "k.batch", "ref": f"r{i}", "payload": p} for i, p in enumerate(payloads)], ["id"])
    with store.read() as conn:
        got = [r.payload for r in conn.execute(select(EVENTS.c.payload).where(EVENTS.c.kind == "k.batch").order_by(EVENTS.c.ref))]
    assert got == payloads


def test_a_timestamp_goes_to_sqlite_as_the_text_sqlalchemys_two_steps_wrote():
    """UTCDateTime's one-step SQLite conversion writes what its UTC step and SQLite's DATETIME wrote one after the
    other (any zone, any year, whole seconds included), and refuses a naive time the same way."""
    import random
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from sqlalchemy.dialects import sqlite

    from qaf.store.tables import UTCDateTime

    dialect = sqlite.dialect()
    decorated = UTCDateTime().dialect_impl(dialect)
    one_step = decorated.bind_processor(dialect)
    text = decorated.impl_instance.bind_processor(dialect)

    def two_steps(value):
        return text(decorated.process_bind_param(value, dialect))

    rng = random.Random(16)
    zones = [timezone.utc, ZoneInfo("Europe/London"), ZoneInfo("Pacific/Kiritimati"), timezone(timedelta(hours=-9, minutes=-30))]
    for _ in range(5000):
        value = datetime(rng.randint(2, 9998), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59),
                         rng.randint(0, 59), rng.choice([0, 7, rng.randint(0, 999999)]), tzinfo=rng.choice(zones))  # fmt: skip
        assert one_step(value) == two_steps(value), value
    assert one_step(AT) == "2026-04-01 06:00:00.125000" and one_step(None) is None
    with pytest.raises(ValueError, match="naive datetime"):
        one_step(datetime(2026, 4, 1, 6, 0))


def test_converted_calls_the_processor_once_per_distinct_value():
    calls: list[object] = []

    def processor(v):
        calls.append(v)
        return str(v)

    values = [date(2026, 4, 1), None, date(2026, 4, 1), date(2026, 5, 1), None, date(2026, 4, 1)]
    assert converted(values, processor) == ["2026-04-01", None, "2026-04-01", "2026-05-01", None, "2026-04-01"]
    assert calls == [date(2026, 4, 1), date(2026, 5, 1)]
    assert converted(values, None) is values


def test_picking_among_open_references_chooses_what_pick_case_chose():
    """The planner keeps each subject's open cases for the day; the pick is the same as from the cases."""
    day = date(2026, 6, 1)
    cases = [Case(f"CS-{i:04d}", "T1", date(2025, 1, 1) if i % 4 else date(2026, 7, 1), closed=date(2026, 5, 1) if i % 7 == 0 else None)
             for i in range(60, 0, -1)]  # fmt: skip
    history = CaseHistory()
    for i in range(1, 60, 3):
        history.add(f"CS-{i:04d}", date(2026, 3, 1) if i % 2 else date(2024, 1, 1))
    refs = open_refs(cases, day)
    assert list(refs) == sorted(refs) and all(c.opened <= day and (c.closed is None or c.closed >= day) for c in cases if c.ref in refs)
    for seed in ("a", "b", "c", "d"):
        for taken in (frozenset(), {refs[0], refs[5]}):
            for waive in (False, True):
                for months in (0, 6, 48):
                    assert pick_among(seed, refs, day, history, months, "worker X", taken, waive) == \
                        pick_case(seed, cases, day, history, months, "worker X", taken, waive)  # fmt: skip


def test_the_planners_cache_of_open_cases_chooses_what_reading_the_cases_each_time_chose():
    """Every period begun (every case chosen): the cached open cases give the plan uncached reads give."""
    from qaf.demo.synthetic import make_council
    from qaf.engine.schedule import CALENDAR, _Planner, plan
    from qaf.rules import bundled
    from qaf.rules.loader import load_framework

    fw, _ = load_framework(bundled.path("east-sussex-2013"))
    org = make_council(seed=3, size="small")
    first, last = date(2026, 4, 1), date(2026, 9, 30)
    fast = plan(fw, org, first, last, last, parts=(CALENDAR,))
    planner = _Planner(fw, org, first, last, last, {}, CaseHistory(), (), (CALENDAR,))
    planner.open_refs = lambda s, c, day: open_refs(planner.cases_of(s, c), day)  # no cache: every pick reads the cases
    slow = planner.run()
    assert [dataclasses.astuple(o) for o in fast.obligations] == [dataclasses.astuple(o) for o in slow.obligations]
    assert sum(1 for o in fast.obligations if o.case) > 50


@pytest.mark.parametrize("n", [1, 5, COPY_AT + 5])
def test_rows_given_as_tuples_store_what_dicts_store(store: SqlStore, n: int):
    """The schedule hands rows as tuples of ROW_COLUMNS (no dict a row): the same bytes, the same count."""
    from qaf.store.obligations import ROW_COLUMNS, to_values

    obs = _obligations(n)
    meta, (tuples, dicts) = _scratch(store, "tuples", "dicts")
    try:
        with store.write() as conn:
            assert insert_new(conn, tuples, [to_values(o, AT) for o in obs], ["id"], ROW_COLUMNS) == n
            assert insert_new(conn, dicts, [to_row(o, AT) for o in obs], ["id"]) == n
            assert insert_new(conn, tuples, [to_values(o, AT) for o in obs], ["id"], ROW_COLUMNS) == 0
        with store.read() as conn:
            assert _raw(conn, tuples.name) == _raw(conn, dicts.name)
    finally:
        meta.drop_all(store.engine)


def test_a_tuple_row_short_of_its_columns_is_refused_naming_the_table(store: SqlStore):
    from qaf.store.obligations import ROW_COLUMNS, to_values

    rows = [to_values(o, AT) for o in _obligations(3)]
    rows[1] = rows[1][:-1]
    with pytest.raises(ValueError, match="obligations: every row must give the 24 columns"):
        with store.write() as conn:
            insert_new(conn, OBLIGATIONS, rows, ["id"], ROW_COLUMNS)
    assert _count(store, OBLIGATIONS) == 0


def test_postgresql_a_key_written_after_the_probe_sends_the_batch_the_scratch_table_way(pg_url: str, monkeypatch):
    """The direct COPY leaves out keys the table holds; one that arrives after that probe (another
    writer's) fails the COPY, whose savepoint is rolled back, and ON CONFLICT skips it instead."""
    from qaf.store import upsert

    store = SqlStore.open(pg_url)
    try:
        first = [to_row(o, AT) for o in _obligations(COPY_AT)]
        more = [to_row(o, AT) for o in _obligations(COPY_AT, prefix="f")]
        with store.write() as conn:
            assert insert_new(conn, OBLIGATIONS, first, ["id"]) == COPY_AT
        with store.read() as conn:
            before = _raw(conn, "obligations")
        probed: list[int] = []

        def blind(cursor, table, key, values):  # as if the first batch were committed by another writer after the probe
            probed.append(len(values))
            return set()

        monkeypatch.setattr(upsert, "existing_keys", blind)
        changed = [dict(r, title="CHANGED") for r in first]
        with store.write() as conn:
            assert insert_new(conn, OBLIGATIONS, changed + more, ["id"]) == COPY_AT
        assert probed == [2 * COPY_AT]
        with store.read() as conn:
            after = _raw(conn, "obligations")
        assert [r for r in after if not r[0].startswith("f")] == before
        assert len(after) == 2 * COPY_AT
    finally:
        store.close()
