"""The obligations' version: a counter the database bumps in every transaction that writes an obligation.

Feed caches key on :func:`qaf.store.feeds.version`. It used to count the
obligations and take their latest change: two scans of the table on every
probe (14-16 ms at 20,000 rows on PostgreSQL, growing with history). Now a
trigger keeps ``meta.obligations_version``, and the probe reads one row.

- PostgreSQL: a deferred constraint trigger, so the counter's row is locked
  only at commit (a transaction holding it never waits for another's
  obligation rows: no deadlock with a tick or a recording), and bumped once
  per transaction however many rows it wrote.
- SQLite: a row trigger (SQLite has no other kind); writers already queue
  one at a time, and the update costs about a microsecond a row.

The counter changes with the data, in the same transaction: a reader that
reads the version first and the rows after never caches old rows under a
new version. Nothing is ever deleted from ``obligations``.
"""

from __future__ import annotations

from sqlalchemy import Connection

KEY = "obligations_version"

_SQLITE = [
    f"INSERT INTO meta (key, value) SELECT '{KEY}', '0' WHERE NOT EXISTS (SELECT 1 FROM meta WHERE key = '{KEY}')",
    *(
        f"CREATE TRIGGER IF NOT EXISTS qaf_obligations_version_{what.lower()} AFTER {what} ON obligations "
        f"BEGIN UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = '{KEY}'; END"
        for what in ("INSERT", "UPDATE")
    ),
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
    "DROP TRIGGER IF EXISTS qaf_obligations_version ON obligations",
    "CREATE CONSTRAINT TRIGGER qaf_obligations_version AFTER INSERT OR UPDATE ON obligations "
    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION qaf_bump_obligations_version()",
]


def install(conn: Connection) -> None:
    """Create the counter and its triggers (idempotent): on a new store and by migration 0005."""
    for statement in _POSTGRESQL if conn.dialect.name == "postgresql" else _SQLITE:
        conn.exec_driver_sql(statement)


def uninstall(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("DROP TRIGGER IF EXISTS qaf_obligations_version ON obligations")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS qaf_bump_obligations_version()")
    else:
        for what in ("insert", "update"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS qaf_obligations_version_{what}")
    conn.exec_driver_sql(f"DELETE FROM meta WHERE key = '{KEY}'")
