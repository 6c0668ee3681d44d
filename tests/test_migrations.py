"""Migrations: a store made by an older qaf upgrades in place and keeps every row; a newer one is refused.

``tests/data/landed/`` holds a store written by qaf as it landed before
migrations existed (commit 5009ce4): a SQLite dump (east-sussex-2013 on the
small organisation, two months scheduled, an outcome, a tick, a token) and
the PostgreSQL schema that version created. Every test runs on both
databases: on PostgreSQL the landed schema is created from its DDL and the
dump's rows copied into it.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, insert, inspect, select, text

from qaf.engine.query import Filters
from qaf.store import migrations
from qaf.store.db import SchemaError, make_engine
from qaf.store.sql import SqlStore
from qaf.store.tables import METADATA
from tests.conftest import snapshot

LANDED = Path(__file__).parent / "data" / "landed"
DROPPED = {"schema_version"}  # replaced by alembic_version in revision 0002


def landed_rows() -> dict[str, list[dict]]:
    """Every row of the landed store, table by table, read from its dump."""
    conn = sqlite3.connect(":memory:")
    conn.executescript((LANDED / "store-sqlite.sql").read_text())
    conn.row_factory = sqlite3.Row
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {name: [dict(r) for r in conn.execute(f'SELECT * FROM "{name}"')] for name in names}


def make_landed_store(url: str) -> None:
    """A store exactly as the landed qaf left it, at ``url``."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        conn.executescript((LANDED / "store-sqlite.sql").read_text())
        conn.close()
        return
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            ddl = "\n".join(line for line in (LANDED / "schema-postgresql.sql").read_text().splitlines() if not line.startswith("--"))
            for statement in ddl.split(";"):
                if statement.strip():
                    conn.exec_driver_sql(statement)
            meta = MetaData()
            meta.reflect(conn)
            copy_rows(conn, meta)
    finally:
        engine.dispose()


def copy_rows(conn, meta: MetaData) -> None:
    """The landed dump's rows into the reflected PostgreSQL tables, typed as the columns want them."""
    sqlite_meta = MetaData()
    source = create_engine("sqlite://")  # one in-memory database per thread: the script and the reads share it
    raw = source.raw_connection()
    raw.driver_connection.executescript((LANDED / "store-sqlite.sql").read_text())
    raw.close()
    # read through a copy of the PostgreSQL tables bound to SQLite, so dates, booleans and JSON convert
    for table in meta.sorted_tables:
        typed = table.to_metadata(sqlite_meta)
        with source.connect() as src:
            rows = [dict(r._mapping) for r in src.execute(select(typed))]
        if rows:
            conn.execute(insert(table), rows)
        if "id" in table.c and table.c.id.autoincrement is True and rows:
            conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), {max(r['id'] for r in rows)})")
    source.dispose()


def schema_of(url: str) -> dict:
    """Tables, columns (type, nullable), primary keys, indexes and unique constraints, as the database reports them."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            found = inspect(conn)
            out = {}
            for name in sorted(found.get_table_names()):
                if name == migrations.VERSION_TABLE:
                    continue
                columns = {c["name"]: (str(c["type"]).split("(")[0], str(c["type"]), c["nullable"]) for c in found.get_columns(name)}
                indexes = sorted((i["name"], tuple(i["column_names"]), bool(i["unique"])) for i in found.get_indexes(name))
                uniques = sorted(tuple(u["column_names"]) for u in found.get_unique_constraints(name))
                out[name] = (columns, tuple(found.get_pk_constraint(name)["constrained_columns"]), indexes, uniques)
            return out
    finally:
        engine.dispose()


def revision_of(url: str) -> str:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return migrations.current(conn)
    finally:
        engine.dispose()


def test_the_revisions_listed_are_alembics_own_chain():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(migrations.FOLDER))
    chain = [s.revision for s in ScriptDirectory.from_config(config).walk_revisions()]
    assert tuple(reversed(chain)) == migrations.REVISIONS
    assert ScriptDirectory.from_config(config).get_current_head() == migrations.HEAD


def test_migrations_from_nothing_build_the_tables_the_store_declares(db_url, tmp_path):
    """store/tables.py (what a new store is made from) and the migrations (what an old one is upgraded by) agree."""
    engine = make_engine(db_url)
    with engine.begin() as conn:
        migrations.upgrade(conn)
    engine.dispose()
    migrated = schema_of(db_url)
    assert revision_of(db_url) == migrations.HEAD
    fresh_url = f"sqlite:///{tmp_path / 'fresh.db'}" if db_url.startswith("sqlite") else None
    if fresh_url is None:  # PostgreSQL: a second schema beside the first
        from qaf.store.db import temporary_schema
        from tests.conftest import PG_URL

        with temporary_schema(PG_URL, "qaf_test") as fresh_url:
            SqlStore.open(fresh_url).close()
            declared = schema_of(fresh_url)
    else:
        SqlStore.open(fresh_url).close()
        declared = schema_of(fresh_url)
    assert set(migrated) == set(declared) == {t.name for t in METADATA.sorted_tables}
    for name in declared:
        assert migrated[name] == declared[name], name


def test_a_store_made_before_migrations_upgrades_in_place_and_keeps_every_row(db_url):
    make_landed_store(db_url)
    before = landed_rows()
    assert revision_of(db_url) == "0001"
    store = SqlStore.open(db_url)
    try:
        assert store.upgraded == ("0001", migrations.HEAD)
        after = snapshot(store)
        for name, rows in before.items():
            if name in DROPPED:
                assert name not in after
                continue
            added = [r for r in after[name] if name == "meta" and r[0] == repr("obligations_version")]  # 0005's counter
            assert len(after[name]) - len(added) == len(rows), name
        # the rows are the same rows: obligations by id, with their status and due date
        kept = {o.id: (o.status, o.due) for o in store.obligations(Filters(statuses=None))}
        assert kept == {r["id"]: (r["status"], date.fromisoformat(str(r["due"]))) for r in before["obligations"]}
        [outcome] = before["outcomes"]
        [done] = store.obligations(Filters(ids=frozenset({outcome["obligation"]}), statuses=None))
        assert done.outcome is not None and done.outcome.grade == outcome["grade"]
        assert [fw.id for fw in store.frameworks()] == ["east-sussex-2013"]
        assert store.timezone() == "Europe/London"
        assert len(store.outbox()) == len(before["outbox"])
    finally:
        store.close()
    again = SqlStore.open(db_url)  # said once: the second opening has nothing to upgrade
    assert again.upgraded is None
    again.close()


def test_upgrading_reads_each_frameworks_own_timezone(db_url):
    make_landed_store(db_url)
    engine = make_engine(db_url)
    with engine.begin() as conn:
        fw_text = conn.execute(text("SELECT text FROM frameworks")).scalar_one()
        changed = fw_text.replace("\ntitle:", "\ntimezone: Europe/Dublin\ntitle:", 1)
        conn.execute(text("UPDATE frameworks SET text = :t"), {"t": changed})
    engine.dispose()
    store = SqlStore.open(db_url)
    try:
        assert store.timezone() == "Europe/Dublin"
    finally:
        store.close()


def test_a_store_written_by_a_newer_qaf_is_refused_and_left_untouched(db_url):
    SqlStore.open(db_url).close()
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {migrations.VERSION_TABLE} SET version_num = '9999'"))
    engine.dispose()
    probe = SqlStore(make_engine(db_url))
    before = snapshot(probe)
    with pytest.raises(SchemaError, match="newer qaf"):
        SqlStore.open(db_url)
    assert snapshot(probe) == before
    probe.close()
    done = qaf("--db", db_url, "due")
    assert done.returncode == 1 and "written by a newer qaf" in done.stderr and "Traceback" not in done.stderr
    assert qaf("--db", db_url, "db", "status").returncode == 1


def qaf(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qaf", *args], capture_output=True, text=True, timeout=120)


def test_qaf_db_status_and_upgrade_on_a_landed_store(db_url):
    make_landed_store(db_url)
    status = qaf("--db", db_url, "db", "status")
    assert status.returncode == 0 and "at revision 0001" in status.stdout and "qaf db upgrade" in status.stdout
    upgrade = qaf("--db", db_url, "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stderr
    assert f"upgraded from revision 0001 to {migrations.HEAD}" in upgrade.stdout
    assert "up to date" in qaf("--db", db_url, "db", "status").stdout
    assert "up to date" in qaf("--db", db_url, "db", "upgrade").stdout


def test_any_command_upgrades_a_landed_store_and_says_so_once(db_url):
    make_landed_store(db_url)
    first = qaf("--db", db_url, "due", "--today", "2024-05-14")
    assert first.returncode == 0, first.stderr
    assert first.stderr.count("upgraded the store's schema from revision 0001") == 1
    second = qaf("--db", db_url, "due", "--today", "2024-05-14")
    assert second.returncode == 0 and "upgraded" not in second.stderr
    assert second.stdout == first.stdout


def test_a_store_at_0009_upgraded_moves_its_counter_when_an_outcome_alone_is_written(db_url):
    """Revision 0010: moderating or contesting writes an outcome and no obligation; the API's kept answers
    show both, so the obligations' counter must move with outcomes too, on an upgraded store as on a new one."""
    from qaf.engine.outcomes import Recording
    from qaf.store import outcomes as oc
    from qaf.store import versioning
    from qaf.usecases import recording
    from tests.test_outcomes import april_audit, scheduled

    def counter(store: SqlStore) -> int:
        with store.read() as conn:
            return store.state_in(conn)[1]

    def contested(store: SqlStore, audit_id: str) -> None:  # what contesting writes while a moderation is open
        with store.write() as conn:
            oc.update_outcome(conn, audit_id, {"contested": True})

    store = SqlStore.open(db_url)
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    recording.record(store, Recording(audit.id, "inadequate", date=date(2024, 4, 23)), date(2024, 6, 10))
    before = counter(store)
    contested(store, audit.id)
    assert counter(store) == before + 1  # a new store has the outcomes' triggers
    with store.write() as conn:  # as 0009 left it
        versioning.uninstall_outcomes(conn)
        conn.execute(text(f"UPDATE {migrations.VERSION_TABLE} SET version_num = '0009'"))
    contested(store, audit.id)
    assert counter(store) == before + 1  # without them, an outcome alone goes unseen
    store.close()
    upgraded = SqlStore.open(db_url)
    assert upgraded.upgraded == ("0009", migrations.HEAD)
    contested(upgraded, audit.id)
    assert counter(upgraded) == before + 2
    upgraded.close()


def test_escalations_upgraded_take_their_obligations_due_date(db_url):
    """Revision 0012: each escalation remembers the due date it was raised against (more time given starts
    the ladder again); those a landed store holds take their obligation's due date as it stands."""
    from qaf.store.tables import ESCALATIONS, OBLIGATIONS

    make_landed_store(db_url)
    store = SqlStore.open(db_url)
    try:
        with store.read() as conn:
            rows = conn.execute(select(ESCALATIONS.c.obligation, ESCALATIONS.c.due, OBLIGATIONS.c.due.label("held"))
                                .join(OBLIGATIONS, OBLIGATIONS.c.id == ESCALATIONS.c.obligation)).all()  # fmt: skip
    finally:
        store.close()
    assert len(rows) == 2 and all(r.due == r.held for r in rows), rows


def test_frameworks_upgraded_are_in_use_and_can_be_retired(db_url):
    """Revision 0013: each framework may be retired (``retired_on``); those a landed store holds are in use."""
    from qaf.usecases.frameworkload import retire

    make_landed_store(db_url)
    store = SqlStore.open(db_url)
    try:
        assert [(f.id, f.retired_on) for f in store.stored_frameworks()] == [("east-sussex-2013", None)]
        done = retire(store, "east-sussex-2013", date(2024, 5, 14))
        assert sum(done.cancelled.values()) > 0 and store.frameworks() == []
        assert store.stored_frameworks()[0].retired_on == date(2024, 5, 14)
    finally:
        store.close()


def _event_indexes(store: SqlStore) -> dict[str, str]:
    """The event log's indexes, each with the SQL that defines it, as the database keeps it."""
    with store.read() as conn:
        if store.dialect == "sqlite":
            found = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL")
        else:
            found = conn.exec_driver_sql("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events' AND schemaname = current_schema() "
                                         "AND indexname <> 'events_pkey'")  # fmt: skip
        return {name: sql for name, sql in found}


def _plan(store: SqlStore, query) -> str:
    """How the database would run ``query`` (PostgreSQL told to scan a table only if no index will do, as a
    table of a few rows would be scanned anyway)."""
    with store.read() as conn:
        compiled = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
        if store.dialect == "sqlite":
            return " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        return " ".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled}"))


def test_the_event_log_indexes_only_more_time_given_and_both_its_readers_use_that_index(db_url):
    """Revision 0014: an outcome's event line wrote an entry in an index of every line's kind, read only for
    extensions. A new store and an upgraded one index the ``obligation.extended`` lines alone, and the two
    reads of them (an extension's first "from", the report's list) use it."""
    from sqlalchemy import select as select_

    from qaf.store.tables import EVENTS, EXTENDED
    from qaf.usecases import recording
    from tests.test_outcomes import find, scheduled

    make_landed_store(db_url)
    upgraded = SqlStore.open(db_url)
    try:
        assert upgraded.upgraded == ("0001", migrations.HEAD)
        as_upgraded = _event_indexes(upgraded)
    finally:
        upgraded.close()
    with migrations_fresh(db_url) as fresh:
        as_new = _event_indexes(fresh)
        for indexes in (as_upgraded, as_new):
            assert list(indexes) == ["ix_events_extended"], indexes
            assert "obligation.extended" in indexes["ix_events_extended"] and "ref" in indexes["ix_events_extended"]
        scheduled(fresh, "east-sussex-2013")
        may = next(o for o in find(fresh, row="3.16", subject="SW1") if o.period_start == date(2024, 5, 1))
        recording.extend(fresh, may.id, date(2024, 6, 7), "OM1", "worker on leave", date(2024, 5, 20))
        recording.extend(fresh, may.id, date(2024, 6, 14), "H1", "", date(2024, 5, 21))
        with fresh.read() as conn:
            from qaf.store import reports
            from qaf.store.outcomes import original_due

            [moved] = fresh.obligations(Filters(ids=frozenset({may.id}), statuses=None))
            assert original_due(conn, moved) == date(2024, 5, 31)  # the first extension's "from", not the second's
            assert [(e.obligation, e.first, e.to) for e in reports.extensions(conn)] == [
                (may.id, date(2024, 5, 31), date(2024, 6, 7)), (may.id, date(2024, 6, 7), date(2024, 6, 14))]
        first_from = select_(EVENTS.c.payload).where(EXTENDED, EVENTS.c.ref == may.id).order_by(EVENTS.c.id).limit(1)
        every = select_(EVENTS.c.ref, EVENTS.c.payload).where(EXTENDED).order_by(EVENTS.c.id)
        for query in (first_from, every):
            assert "ix_events_extended" in _plan(fresh, query), query


class migrations_fresh:
    """A new store beside ``db_url`` (another file, another schema), as ``SqlStore.open`` makes one."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url

    def __enter__(self) -> SqlStore:
        import tempfile

        from qaf.store.db import temporary_schema
        from tests.conftest import PG_URL

        if self.db_url.startswith("sqlite"):
            self._dir = tempfile.TemporaryDirectory()
            url = f"sqlite:///{self._dir.name}/fresh.db"
        else:
            self._schema = temporary_schema(PG_URL, "qaf_test")
            url = self._schema.__enter__()
        self.store = SqlStore.open(url)
        return self.store

    def __exit__(self, *exc) -> None:
        self.store.close()
        if self.db_url.startswith("sqlite"):
            self._dir.cleanup()
        else:
            self._schema.__exit__(*exc)
