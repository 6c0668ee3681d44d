"""Idempotent writes for both dialects: insert, and on a duplicate key do nothing or update."""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from sqlalchemy import Connection, Table


def _insert(conn: Connection, table: Table):
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def upsert(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, object]],
    keys: Iterable[str],
    update: Iterable[str] | None = None,
) -> None:
    """Insert ``rows``; where a key exists, update the ``update`` columns (default: all others)."""
    if not rows:
        return
    keys = list(keys)
    stmt = _insert(conn, table)
    columns = list(update) if update is not None else [c for c in rows[0] if c not in keys]
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_={c: stmt.excluded[c] for c in columns})
    conn.execute(stmt, list(rows))


_DO_NOTHING: dict[tuple, object] = {}  # built once per table: see store.outcomes on why


def insert_new(conn: Connection, table: Table, rows: Sequence[Mapping[str, object]], keys: Iterable[str]) -> int:
    """Insert ``rows`` whose keys are new; existing keys are left exactly as they are.

    Returns how many rows were inserted where the driver reports it (SQLite);
    psycopg's batched inserts do not, and RETURNING makes them seven times
    slower, so there the count assumes the caller's lock kept other writers
    of these keys out (every caller holds one).
    """
    if not rows:
        return 0
    key = (conn.dialect.name, table.name, tuple(keys))
    stmt = _DO_NOTHING.get(key)
    if stmt is None:
        stmt = _DO_NOTHING[key] = _insert(conn, table).on_conflict_do_nothing(index_elements=list(keys))
    result = conn.execute(stmt, list(rows))
    return result.rowcount if result.rowcount >= 0 else len(rows)
