"""Schema migrations (Alembic), on SQLite and PostgreSQL alike.

Every change to the store's tables is a revision in ``versions/``, applied
in order. :data:`REVISIONS` lists them, oldest first; :data:`HEAD` is the
schema this qaf writes (``store/tables.py`` describes the same tables, and
``tests/test_migrations.py`` checks that the two agree on both databases).

What :func:`qaf.store.db.ensure_schema` does on opening a store:

- an empty database: the tables are created as at :data:`HEAD` and stamped
  with it (no migration to run, and Alembic is not even imported);
- a store at an older revision, or one made before migrations existed (it
  has the ``schema_version`` table, version 1, which is revision 0001): it is
  upgraded in place, every row kept, and the caller is told once;
- a store at a revision this qaf does not know (a newer qaf wrote it): refused,
  with a message saying so, before anything is read or written.

Alembic is imported only to upgrade, so opening an up-to-date store costs one
query. ``qaf db upgrade`` runs the same upgrade explicitly; ``qaf db status``
says where a store stands.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, inspect, text

FOLDER = Path(__file__).parent
REVISIONS = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012", "0013", "0014")  # oldest first; each is versions/<revision>_*.py
HEAD = REVISIONS[-1]
VERSION_TABLE = "alembic_version"
LEGACY_TABLE = "schema_version"  # before migrations: one row, version 1 (= revision 0001)
EMPTY = "empty"


def current(conn: Connection) -> str:
    """The store's revision: :data:`EMPTY` for a database without qaf's tables, else a revision id.

    A store made before migrations reads as ``0001``; a legacy version above 1
    reads as ``legacy-N`` (unknown to this qaf).
    """
    names = set(inspect(conn).get_table_names())
    if VERSION_TABLE in names:
        found = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
        return found[0] if len(found) == 1 else ",".join(sorted(found)) or EMPTY
    if LEGACY_TABLE in names:
        version = conn.execute(text(f"SELECT max(version) FROM {LEGACY_TABLE}")).scalar()
        return "0001" if version == 1 else f"legacy-{version}"
    return EMPTY if "obligations" not in names else "unknown"


def stamp(conn: Connection, revision: str = HEAD) -> None:
    """Mark a store built from ``store/tables.py`` as being at ``revision`` (Alembic's own table and row)."""
    conn.execute(text(
        f"CREATE TABLE {VERSION_TABLE} (version_num VARCHAR(32) NOT NULL, "
        f"CONSTRAINT {VERSION_TABLE}_pkc PRIMARY KEY (version_num))"
    ))  # fmt: skip
    conn.execute(text(f"INSERT INTO {VERSION_TABLE} (version_num) VALUES (:r)"), {"r": revision})


def upgrade(conn: Connection, to: str = HEAD) -> None:
    """Run every revision after the store's own, up to ``to``, on the caller's transaction."""
    from alembic import command
    from alembic.config import Config

    if current(conn) == "0001" and VERSION_TABLE not in inspect(conn).get_table_names():
        stamp(conn, "0001")  # a store made before migrations: its schema is revision 0001
    config = Config()
    config.set_main_option("script_location", str(FOLDER))
    config.attributes["connection"] = conn
    command.upgrade(config, to)
