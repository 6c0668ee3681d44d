"""The obligations' version: a counter the database bumps in every transaction that writes an obligation
or an outcome.

Feed caches, "My work" and the API's answers key on it (:func:`qaf.store.feeds.version`). It used to count the
obligations and take their latest change: two scans of the table on every
probe (14-16 ms at 20,000 rows on PostgreSQL, growing with history). Now a
trigger keeps ``meta.obligations_version``, and the probe reads one row.

Outcomes have their own triggers (migration 0010): moderating an audit, or
contesting its grade while a moderation is already open, writes the outcome
and no obligation, and the API's records show the moderated grade and that
it is contested.

- PostgreSQL: a deferred constraint trigger, so the counter's row is locked
  only at commit (a transaction holding it never waits for another's
  obligation or outcome rows: no deadlock with a tick or a recording), and bumped once
  per transaction however many rows it wrote.
- SQLite: a row trigger (SQLite has no other kind); writers already queue
  one at a time, and the update costs about a microsecond a row.

The counter changes with the data, in the same transaction: a reader that
reads the version first and the rows after never caches old rows under a
new version. Nothing is ever deleted from ``obligations`` or ``outcomes``.
"""

from __future__ import annotations

from sqlalchemy import Connection

KEY = "obligations_version"

TABLES = ("obligations", "outcomes")  # a write to either moves the counter


def _sqlite_triggers(table: str) -> list[str]:
    return [
        f"CREATE TRIGGER IF NOT EXISTS qaf_{table}_version_{what.lower()} AFTER {what} ON {table} "
        f"BEGIN UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = '{KEY}'; END"
        for what in ("INSERT", "UPDATE")
    ]


def _postgresql_trigger(table: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS qaf_{table}_version ON {table}",
        f"CREATE CONSTRAINT TRIGGER qaf_{table}_version AFTER INSERT OR UPDATE ON {table} "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION qaf_bump_obligations_version()",
    ]


_SQLITE = [
    f"INSERT INTO meta (key, value) SELECT '{KEY}', '0' WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = '{KEY}')",
    *(statement for table in TABLES for statement in _sqlite_triggers(table)),
]

_POSTGRESQL = [
    f"INSERT INTO meta (key, value) VALUES ('{KEY}', '0') ON CONFLICT (key) DO NOTHING",
    f"""CREATE OR REPLACE FUNCTION qaf_bump_obligations_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('qaf.obligations_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        PERFORM set_config('qaf.obligations_bumped', txid_current()::text, true);
        UPDATE meta SET value = (value::bigint + 1)::text WHERE key = '{KEY}';
    END IF;
    RETURN NULL;
END $$""",
    *(statement for table in TABLES for statement in _postgresql_trigger(table)),
]


def install(conn: Connection) -> None:
    """Create the counter and all its triggers (idempotent): on a new store, and by migration 0005 (0010 then
    finds the outcomes' in place)."""
    for statement in _POSTGRESQL if conn.dialect.name == "postgresql" else _SQLITE:
        conn.exec_driver_sql(statement)


def install_outcomes(conn: Connection) -> None:
    """The outcomes' triggers alone (idempotent): migration 0010, on a store whose counter 0005 made."""
    triggers = _postgresql_trigger if conn.dialect.name == "postgresql" else _sqlite_triggers
    for statement in triggers("outcomes"):
        conn.exec_driver_sql(statement)


def uninstall_outcomes(conn: Connection) -> None:
    _drop(conn, "outcomes")


def _drop(conn: Connection, table: str) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS qaf_{table}_version ON {table}")
    else:
        for what in ("insert", "update"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS qaf_{table}_version_{what}")


def uninstall(conn: Connection) -> None:
    for table in TABLES:
        _drop(conn, table)
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS qaf_bump_obligations_version()")
    conn.exec_driver_sql(f"DELETE FROM meta WHERE key = '{KEY}'")
