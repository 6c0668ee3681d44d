"""Idempotent writes for both dialects: insert, and on a duplicate key do nothing or update."""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError

from qaf.store.prepared import Prepared


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
_PREPARED: dict[tuple, Prepared] = {}
COPY_AT = 500  # from this many rows, PostgreSQL gets them by COPY (a temporary table costs a few catalog writes)


def insert_new(conn: Connection, table: Table, rows: Sequence[Mapping[str, object]], keys: Iterable[str]) -> int:
    """Insert ``rows`` whose keys are new; existing keys are left exactly as they are; how many were inserted.

    Rows that all name the same columns (every caller's do) skip SQLAlchemy's
    per-row processing: on SQLite one driver ``executemany`` with SQLAlchemy's
    own bind processors (:mod:`qaf.store.prepared`); on PostgreSQL, from
    :data:`COPY_AT` rows, COPY into a temporary table and one ``INSERT ...
    SELECT ... ON CONFLICT DO NOTHING``, whose count is exact. Fewer rows on
    PostgreSQL go through SQLAlchemy's batched insert, whose count assumes the
    caller's lock kept other writers of these keys out (every caller holds one):
    psycopg's batches do not report it, and RETURNING makes them seven times slower.
    """
    if not rows:
        return 0
    keys = list(keys)
    columns = tuple(rows[0])
    uniform = all(len(r) == len(columns) and r.keys() == rows[0].keys() for r in rows)
    dialect = conn.dialect.name
    if uniform and dialect == "sqlite":
        key = (table.name, tuple(keys), columns)
        prepared = _PREPARED.get(key)
        if prepared is None:
            prepared = _PREPARED[key] = Prepared(_insert(conn, table).on_conflict_do_nothing(index_elements=keys), columns)
        return prepared.run_many(conn, rows)
    if uniform and dialect == "postgresql" and len(rows) >= COPY_AT:
        return _copy_new(conn, table, rows, keys, columns)
    key = (dialect, table.name, tuple(keys))
    stmt = _DO_NOTHING.get(key)
    if stmt is None:
        stmt = _DO_NOTHING[key] = _insert(conn, table).on_conflict_do_nothing(index_elements=keys)
    result = conn.execute(stmt, list(rows))
    return result.rowcount if result.rowcount >= 0 else len(rows)


def _copy_new(conn: Connection, table: Table, rows: Sequence[Mapping[str, object]], keys: list[str], columns: tuple[str, ...]) -> int:
    """PostgreSQL: COPY the rows into a scratch table (types only), then insert those whose keys are new."""
    # columns the rows leave out get their Python-side defaults, as SQLAlchemy's insert would give them
    filled = [c for c in table.c if c.name not in columns and c.default is not None and (c.default.is_scalar or c.default.is_callable)]
    columns = (*columns, *(c.name for c in filled))
    defaults = [(c.default.is_callable, c.default.arg) for c in filled]
    processors = [table.c[c].type._cached_bind_processor(conn.dialect) for c in columns]
    names = ", ".join(f'"{c}"' for c in columns)
    scratch = f"qaf_new_{table.name}"
    statement = f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM {scratch} ON CONFLICT ({", ".join(keys)}) DO NOTHING'
    cursor = conn.connection.cursor()
    try:
        cursor.execute(f'CREATE TEMPORARY TABLE {scratch} ON COMMIT DROP AS SELECT {names} FROM "{table.name}" WITH NO DATA')
        with cursor.copy(f"COPY {scratch} ({names}) FROM STDIN") as copy:
            for row in rows:
                values = [*row.values(), *(arg(None) if call else arg for call, arg in defaults)]
                copy.write_row([v if p is None or v is None else p(v) for v, p in zip(values, processors)])
        cursor.execute(statement)
        inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {scratch}")
        return inserted
    except conn.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(statement, None, exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect) from exc
    finally:
        cursor.close()
