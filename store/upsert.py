"""Idempotent writes for both dialects: insert, and on a duplicate key do nothing or update."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable, Iterable, Mapping, Sequence

from sqlalchemy import Connection, Table, bindparam, cast, func, update
from sqlalchemy.exc import DBAPIError

from qaf.store.prepared import Prepared, columns_converted


IN_LIST = 500  # values in one IN (...): SQLite's bound-parameter limit is far above it, and the plans stay small


def chunked(items: Sequence, size: int = IN_LIST) -> Iterable[Sequence]:
    """``items`` in slices of at most ``size``, for statements that take a list of them (``IN``)."""
    return (items[start : start + size] for start in range(0, len(items), size))


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


def insert_new(
    conn: Connection, table: Table, rows: Sequence[Mapping[str, object]] | Sequence[Sequence[object]], keys: Iterable[str],
    columns: Sequence[str] | None = None,
) -> int:
    """Insert ``rows`` whose keys are new; existing keys are left exactly as they are; how many were inserted.

    Rows that all name the same columns (every caller's do) skip SQLAlchemy's
    per-row processing: one driver ``executemany`` of the ``ON CONFLICT DO
    NOTHING`` insert with SQLAlchemy's own bind processors, applied a column at
    a time and once per distinct value (:mod:`qaf.store.prepared`); on
    PostgreSQL, from :data:`COPY_AT` rows, COPY: of the rows whose (single)
    key the table does not hold, straight in (:func:`_copy_direct`); else
    into a temporary table and one ``INSERT ... SELECT ... ON CONFLICT DO
    NOTHING``. The count is exact every way (both drivers sum an
    executemany's rows). Rows naming different columns
    go through SQLAlchemy's batched insert. With ``columns``, each row is a
    sequence of those columns' values in that order (a large caller's rows
    need no dict each).
    """
    if not rows:
        return 0
    keys = list(keys)
    given = tuple(columns) if columns is not None else None
    if given is not None:
        if any(len(r) != len(given) for r in rows):
            raise ValueError(f"{table.name}: every row must give the {len(given)} columns {', '.join(given)}")
        uniform = True
    else:
        first = rows[0].keys()  # type: ignore[union-attr]
        uniform = all(r.keys() == first for r in rows)  # type: ignore[union-attr]
    names = given or tuple(rows[0])  # type: ignore[arg-type]
    dialect = conn.dialect.name
    if uniform and dialect == "postgresql" and len(rows) >= COPY_AT:
        return _copy_new(conn, table, rows, keys, names, given)
    if uniform:
        key = (dialect, table.name, tuple(keys), names)
        prepared = _PREPARED.get(key)
        if prepared is None:
            prepared = _PREPARED[key] = Prepared(_insert(conn, table).on_conflict_do_nothing(index_elements=keys), names)
        return prepared.run_many(conn, rows, given)
    key = (dialect, table.name, tuple(keys))
    stmt = _DO_NOTHING.get(key)
    if stmt is None:
        stmt = _DO_NOTHING[key] = _insert(conn, table).on_conflict_do_nothing(index_elements=keys)
    result = conn.execute(stmt, list(rows))
    return result.rowcount if result.rowcount >= 0 else len(rows)


def existing_keys(cursor, table: Table, key: str | tuple[str, ...], values: list) -> set | None:
    """Which of ``values`` the table's ``key`` column holds already, in one statement (the server
    probes the key's index for each, or scans the table once against a hash of them: its choice).

    An empty table (a fresh council's first schedule) holds none of them: one cheap question
    first saves sending every key (22,000 for a large council's year) to find that out. A
    composite ``key`` (a tuple of columns; ``values`` are tuples) is answered only for an empty
    table: None otherwise (the caller cannot tell which are there).
    """
    cursor.execute(f'SELECT EXISTS (SELECT FROM "{table.name}")')
    if not cursor.fetchone()[0]:
        return set()
    if not isinstance(key, str):
        return None
    cursor.execute(f'SELECT "{key}" FROM "{table.name}" WHERE "{key}" = ANY(%s)', (values,))
    return {r[0] for r in cursor.fetchall()}


def _copy_text(value: object) -> str | None:
    """A value as COPY's text format writes it, or None for a type left to the driver."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:  # most text needs no escape: four scans in C tell
        if "\\" in value or "\n" in value or "\r" in value or "\t" in value:  # type: ignore[operator]
            # the backslash first, so the escapes' own are not doubled; four replaces in C, 15x translate's lookups
            return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")  # type: ignore[attr-defined]
        return value  # type: ignore[return-value]
    if kind is bool:
        return "t" if value else "f"
    if kind is int or kind is float:
        return repr(value)
    if kind is date or kind is datetime:
        return value.isoformat()  # type: ignore[attr-defined]
    return None


def _copy_lines(columns: list[Sequence]) -> list[str] | None:
    """Each row as one line of COPY text, each column's distinct values rendered once; None when a
    value's type is not one of the plain ones (the driver then writes the rows itself).

    A column's distinct values are found, and its values looked up, by loops in C (``set``,
    ``map``): a large council's year is 22,000 rows of 24 columns.
    """
    rendered = []
    for values in columns:
        try:
            memo = {v: _copy_text(v) for v in set(values)}  # equal values share the text of the first seen, as before
        except TypeError:  # unhashable: not a plain value
            return None
        if None in memo.values():
            return None
        rendered.append(map(memo.__getitem__, values))
    return list(map("\t".join, zip(*rendered)))


def _write(cursor, statement: str, rows: list[tuple] | None, lines: list[str] | None, chosen: list[int] | None = None) -> None:
    """COPY ``rows`` (only those at ``chosen``, when given): as prepared text lines, or row by row by the driver."""
    with cursor.copy(statement) as copy:
        if lines is not None:
            _put(copy, None, lines if chosen is None else [lines[i] for i in chosen])
        else:
            _put(copy, rows if chosen is None else [rows[i] for i in chosen], None)  # type: ignore[index]


def _put(copy, rows: Sequence[tuple] | None, lines: list[str] | None) -> None:
    """Into an open COPY: the text ``lines`` (5,000 to a write), or else the ``rows``, for the driver to write."""
    if lines is None:
        for row in rows or ():
            copy.write_row(row)
        return
    for part in chunked(lines, 5000):
        copy.write(("\n".join(part) + "\n").encode("utf-8"))


def _copy_direct(
    cursor, table: Table, names: str, keyed: Sequence, key: str | tuple[str, ...], values: list[tuple] | None, lines: list[str] | None
) -> int | None:
    """COPY straight into the table the rows whose key it does not hold; None when a writer got there
    first, or when the key is composite and the table not empty (:func:`existing_keys` cannot tell).

    The rows whose keys are there already (or repeat an earlier row's) are
    left out, then the rest go in by one COPY inside a savepoint. A key
    another transaction committed after the probe makes the COPY fail: the
    savepoint is rolled back, nothing of it stays, and the caller takes the
    scratch-table path, whose ``ON CONFLICT DO NOTHING`` skips such keys.
    Writing the rows once, not into a scratch table and then again, is half
    the database's work for a fresh council's year.
    """
    there = existing_keys(cursor, table, key, list(keyed))
    if there is None:
        return None
    fresh = []
    for i, v in enumerate(keyed):
        if v not in there:
            there.add(v)
            fresh.append(i)
    if not fresh:
        return 0
    from psycopg.errors import UniqueViolation

    cursor.execute("SAVEPOINT qaf_copy_new")
    try:
        _write(cursor, f'COPY "{table.name}" ({names}) FROM STDIN', values, lines, None if len(fresh) == len(keyed) else fresh)
    except UniqueViolation:
        cursor.execute("ROLLBACK TO SAVEPOINT qaf_copy_new")
        return None
    cursor.execute("RELEASE SAVEPOINT qaf_copy_new")
    return len(fresh)


def _copied_columns(conn: Connection, table: Table, columns: tuple[str, ...]) -> tuple[tuple[str, ...], list, dict]:
    """The columns a COPY names (those given, then those with a Python-side default, which the rows
    get as SQLAlchemy's insert would give them), their bind processors, and those defaults."""
    filled = [c for c in table.c if c.name not in columns and c.default is not None and (c.default.is_scalar or c.default.is_callable)]
    defaults = {c.name: (c.default.is_callable, c.default.arg) for c in filled}
    columns = (*columns, *defaults)
    return columns, [table.c[c].type._cached_bind_processor(conn.dialect) for c in columns], defaults


class CopyStream:
    """PostgreSQL: rows COPYed into a table as they are made, while the caller goes on making more.

    For a table the caller knows holds none of the keys to come (a council's
    first year): one COPY inside a savepoint, fed a chunk at a time, so the
    server inserts each chunk while the next is made instead of after the
    last. :meth:`close` ends it and says how many went in; a key another
    transaction committed meanwhile fails the COPY, and then the savepoint is
    rolled back, nothing of it stays, and :meth:`close` says None: the caller
    inserts the rows the usual way, which skips such keys. Any other error
    is raised by :meth:`close` (the transaction is then failed, as after any
    failed statement).
    """

    CHUNK = 1_000  # rows held before they are sent: fewer, larger writes; the server is never far behind

    def __init__(self, conn: Connection, table: Table, columns: tuple[str, ...]) -> None:
        self._given = columns
        self._columns, self._processors, self._defaults = _copied_columns(conn, table, columns)
        names = ", ".join(f'"{c}"' for c in self._columns)
        self._cursor = conn.connection.cursor()
        self._cursor.execute("SAVEPOINT qaf_copy_stream")
        self._copying = self._cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN')
        self._copy = self._copying.__enter__()
        self._held: list[Sequence] = []
        self._failed: BaseException | None = None
        self.count = 0

    def add(self, rows: Sequence[Sequence]) -> None:
        """Rows, each the values of the columns given, in that order (after a failure, ignored)."""
        if self._failed is not None:
            return
        self._held += rows
        if len(self._held) >= self.CHUNK:
            self._send()

    def _send(self) -> None:
        rows, self._held = self._held, []
        if not rows:
            return
        try:
            converted = columns_converted(rows, self._columns, self._processors, self._defaults, self._given)
            lines = _copy_lines(converted)
            _put(self._copy, list(zip(*converted)) if lines is None else None, lines)
        except Exception as error:  # the server refused (it is told at the end), or a value could not be written
            self._failed = error
            return
        self.count += len(rows)

    def abort(self) -> None:
        """Give the COPY up (the caller failed): the connection leaves it, and its transaction is failed."""
        error = RuntimeError("the rows' maker failed")
        try:
            self._copying.__exit__(RuntimeError, error, None)
        except Exception:  # the COPY is over either way
            pass
        finally:
            self._cursor.close()

    def close(self) -> int | None:
        """End the COPY: how many rows went in, or None when a key was there first (nothing went in)."""
        from psycopg.errors import UniqueViolation

        self._send()
        failed = self._failed
        try:
            try:
                self._copying.__exit__(*((type(failed), failed, failed.__traceback__) if failed else (None, None, None)))
            except Exception as error:  # the server's own error, unless the COPY had already failed
                failed = failed or error
            if failed is None:
                self._cursor.execute("RELEASE SAVEPOINT qaf_copy_stream")
                return self.count
            if isinstance(failed, UniqueViolation):
                self._cursor.execute("ROLLBACK TO SAVEPOINT qaf_copy_stream")
                return None
            raise failed
        finally:
            self._cursor.close()


def _copy_new(conn: Connection, table: Table, rows: Sequence, keys: list[str], columns: tuple[str, ...], given: tuple[str, ...] | None) -> int:
    """PostgreSQL: COPY the rows whose keys are new straight in (:func:`_copy_direct`), or, for a
    composite key into a table already holding rows, or when a concurrent writer got a key in
    first, into a scratch table (types only) and then insert those whose keys are new with
    ``ON CONFLICT DO NOTHING``."""
    columns, processors, defaults = _copied_columns(conn, table, columns)
    converted = columns_converted(rows, columns, processors, defaults, given)
    lines = _copy_lines(converted)
    values = list(zip(*converted)) if lines is None else None  # rows for the driver to write, when not as text
    names = ", ".join(f'"{c}"' for c in columns)
    scratch = f"qaf_new_{table.name}"
    statement = f'INSERT INTO "{table.name}" ({names}) SELECT {names} FROM {scratch} ON CONFLICT ({", ".join(keys)}) DO NOTHING'
    cursor = conn.connection.cursor()
    try:
        at = [columns.index(k) for k in keys]  # a composite key's values are tuples of its columns
        keyed = converted[at[0]] if len(at) == 1 else list(zip(*(converted[i] for i in at)))
        inserted = _copy_direct(cursor, table, names, keyed, keys[0] if len(keys) == 1 else tuple(keys), values, lines)
        if inserted is not None:
            return inserted
        cursor.execute(f'CREATE TEMPORARY TABLE {scratch} ON COMMIT DROP AS SELECT {names} FROM "{table.name}" WITH NO DATA')
        _write(cursor, f"COPY {scratch} ({names}) FROM STDIN", values, lines)
        cursor.execute(statement)
        inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {scratch}")
        return inserted
    except conn.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(statement, None, exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect) from exc
    finally:
        cursor.close()


def update_rows(
    conn: Connection, table: Table, key: str, rows: Sequence[Mapping[str, object]],
    guard: Callable[[Any, Any], Any] | None = None, constants: Mapping[str, object] | None = None,
) -> int:
    """Set each row's columns on the row of ``table`` whose ``key`` it names (every row names the same
    columns, each key once); ``constants``: columns set alike on all of them; ``guard(target, given)``: a
    further condition on the target row and the given values (each a mapping of columns by name).

    PostgreSQL: one ``UPDATE ... FROM unnest(...)``, the columns sent as arrays, parsed and planned once (a
    month's 2,336 escalation marks: 80-93 ms, against 100-232 ms as an executemany through the driver's
    pipeline; most of either is the server keeping the table's indexes). SQLite: the driver's executemany
    of the one-row statement, as before. Returns how many rows were changed.
    """
    if not rows:
        return 0
    names = list(rows[0])
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import ARRAY  # here: a command on SQLite does not import the dialect (20 ms)

        arrays = [cast(bindparam(f"a_{n}", [r[n] for r in rows]), ARRAY(table.c[n].type)) for n in names]
        given, params = func.unnest(*arrays).table_valued(*names).render_derived(name="given").c, None
    else:
        given, params = {n: bindparam(f"b_{n}") for n in names}, [{f"b_{n}": r[n] for n in names} for r in rows]
    stmt = update(table).where(table.c[key] == given[key], *([guard(table.c, given)] if guard is not None else []))
    return conn.execute(stmt.values({**{n: given[n] for n in names if n != key}, **(constants or {})}), params).rowcount
