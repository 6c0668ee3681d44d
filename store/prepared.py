"""Statements on the hottest write paths, compiled once per dialect and run on the driver's cursor.

SQLAlchemy spends about 0.2 ms a statement (on this machine) preparing an
execution: cache lookup, parameter construction, result set-up, events. The
driver's own work for a one-row insert is a tenth of that. A
:class:`Prepared` statement is compiled once per dialect, with the column
keys the caller always passes; each run converts the values with the *same*
bind processors SQLAlchemy would use (timestamps to UTC, JSON to text,
dates and booleans as the dialect stores them), fills the columns' scalar
defaults, and executes on the caller's connection, inside the caller's
transaction. What reaches the database is what SQLAlchemy would have sent.

Only plain INSERT and UPDATE statements with literal values (no expanding
``IN``) are accepted; a column default that is not a scalar is refused when
the statement is compiled. A callable default must take no arguments (``default=dict``).
"""

from __future__ import annotations

from contextlib import nullcontext
from operator import itemgetter
from functools import partial
from typing import Any, Mapping, NamedTuple, NoReturn, Sequence

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError


def _default(spec: tuple[bool, Any]) -> Any:
    call, value = spec
    return value(None) if call else value


class Prepared:
    def __init__(self, statement, keys: Sequence[str]) -> None:
        self.statement = statement
        self.keys = list(keys)
        self._compiled: dict[str, tuple] = {}

    def _for(self, conn: Connection) -> tuple:
        dialect = conn.dialect
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect, column_keys=self.keys)
            defaults = {}  # column: (value, or a function of no arguments giving it)
            for col in getattr(compiled, "insert_prefetch", ()) + getattr(compiled, "update_prefetch", ()):
                if col.default is not None and col.default.is_scalar:
                    defaults[col.key] = (False, col.default.arg)
                elif col.default is not None and col.default.is_callable:
                    defaults[col.key] = (True, col.default.arg)  # SQLAlchemy's wrapper: takes a context, ignored here
                else:
                    raise TypeError(f"{col}: only scalar and plain callable defaults can be prefetched by a Prepared statement")
            names = list(compiled.positiontup) if compiled.positional else list(compiled.bind_names.values())
            processors = [compiled._bind_processors.get(n) for n in names]
            converting = tuple((i, p) for i, p in enumerate(processors) if p is not None)  # most columns need none
            found = (compiled.string, names, processors, defaults, compiled.positional, converting)
            self._compiled[dialect.name] = found
        return found

    def _values(self, spec: tuple, params: Mapping[str, Any]):
        _sql, names, _processors, defaults, positional, converting = spec
        values = [params[n] if n in params else _default(defaults[n]) for n in names]
        _convert_some(values, converting)  # only the columns with a bind processor (a few of a row's dozen)
        return tuple(values) if positional else dict(zip(names, values))

    def run(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """Execute once; the rows it touched."""
        spec = self._for(conn)
        return self._execute(conn, spec, lambda cur: cur.execute(spec[0], self._values(spec, params)))

    def run_many(self, conn: Connection, rows: Sequence[Any], given: Sequence[str] | None = None) -> int:
        """Execute for each of ``rows`` (the driver's executemany); the rows touched (both drivers sum them).

        The values are converted a column at a time, each distinct value once
        (:func:`columns_converted`): a year's obligations share a few hundred
        dates and one timestamp; a single row is converted as :meth:`run` converts
        its row, and executed once. ``rows`` are mappings, or sequences of the
        ``given`` columns (which must be the statement's keys).
        """
        if not rows:
            return 0
        if len(rows) == 1:  # one row (a recording's one alert): converted as a row, half the time of a column at a time
            return self.run(conn, rows[0] if given is None else dict(zip(given, rows[0])))
        spec = self._for(conn)
        _sql, names, processors, defaults, positional, _converting = spec
        columns = columns_converted(rows, names, processors, defaults, given)
        params = list(zip(*columns)) if positional else [dict(zip(names, values)) for values in zip(*columns)]
        return self._execute(conn, spec, lambda cur: cur.executemany(spec[0], params))

    @staticmethod
    def _execute(conn: Connection, spec: tuple, call) -> int:
        """``call(cursor)`` on a cursor of the driver's opened and closed here, or a :class:`_Turn` of a batch
        run on the batch's own cursor; the rows it touched. Every prepared statement runs through here."""
        turn = call if type(call) is _Turn else None
        cursor = conn.connection.cursor() if turn is None else turn.cursor
        try:
            if turn is None:
                call(cursor)
            elif turn.many:
                cursor.executemany(turn.sql, turn.params)
            else:
                cursor.execute(turn.sql, turn.params)
            return cursor.rowcount
        except conn.dialect.loaded_dbapi.Error as exc:
            _raise_as_sqlalchemy(conn, spec[0], exc, cursor)
        finally:
            if turn is None:
                cursor.close()


def _raise_as_sqlalchemy(conn: Connection, sql: str, exc: Exception, cursor) -> NoReturn:
    """Raise the driver's ``exc`` as SQLAlchemy would raise it (a dead connection invalidated)."""
    handle = getattr(conn, "_handle_dbapi_exception", None)
    if handle is not None:
        handle(exc, sql, None, cursor, None)
    raise DBAPIError.instance(sql, None, exc, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect) from exc


def _convert_some(values: list[Any], converting: Sequence[tuple[int, Any]]) -> None:
    """Convert, in place, the values at the indexes ``converting`` names with their processors (None stays None)."""
    for i, processor in converting:
        if values[i] is not None:
            values[i] = processor(values[i])


def converted(values: Sequence[Any], processor) -> Sequence[Any]:
    """``processor`` applied to each of ``values`` (None stays None), once per distinct value."""
    if processor is None:
        return values
    if len(values) == 1:  # one row (a recording's event line): nothing to share
        return [None if values[0] is None else processor(values[0])]
    memo: dict[Any, Any] = {None: None}
    out = []
    append = out.append
    for v in values:
        try:
            append(memo[v])
        except KeyError:
            append(memo.setdefault(v, processor(v)))
        except TypeError:  # unhashable (a JSON document): converted on its own
            append(processor(v))
    return out


def columns_converted(
    rows: Sequence[Any],
    names: Sequence[str],
    processors: Sequence[Any],
    defaults: Mapping[str, tuple[bool, Any]],
    given: Sequence[str] | None = None,
) -> list[Sequence[Any]]:
    """The rows' values column by column, each through its column's bind processor; columns the rows
    leave out get their default (a callable default is called once a row, as SQLAlchemy would).

    ``rows`` are mappings that all name the same columns, or, with ``given``,
    sequences of those columns' values in that order (no dict a row to build).
    """
    if given is None:
        given = tuple(rows[0])
        pick = itemgetter(*given)
        rows = list(map(pick, rows)) if len(given) > 1 else [(pick(r),) for r in rows]
    by_name = dict(zip(given, zip(*rows)))
    n = len(rows)
    out: list[Sequence[Any]] = []
    for name, processor in zip(names, processors):
        values = by_name.get(name)
        if values is None:
            call, value = defaults[name]
            values = [value(None) for _ in range(n)] if call else [value] * n
        out.append(converted(values, processor))
    return out


def pipelined(conn: Connection):
    """PostgreSQL: the driver's pipeline, so the statements run in it (and a BEGIN before them) go in one
    round trip; elsewhere a context that does nothing. Only statements run on the driver's cursor may be
    run in it (SQLAlchemy reads the result's description at once, before a pipeline has it)."""
    if conn.dialect.name != "postgresql":
        return nullcontext()
    return conn.connection.driver_connection.pipeline()


def run_together(conn: Connection, statements: Sequence[tuple["Prepared", Any]]) -> list[int]:
    """Run each ``(prepared, params)`` in order, in one round trip on PostgreSQL; the rows each touched.

    ``params`` is a mapping, or a non-empty list of mappings for the driver's executemany. On
    PostgreSQL the first failure ends the batch and is raised (as SQLAlchemy would raise it); the
    statements after it do nothing, and the caller's transaction is rolled back.
    """
    piped = conn.dialect.name == "postgresql"
    if not piped:
        return _run_in_turn(conn, statements)
    counts: list = []  # each statement's row count; in a pipeline, its cursor (kept open until the results are in)

    def call(prepared: "Prepared", spec: tuple, params: Any):
        values, many = _bound(prepared, spec, params)

        def run(cursor) -> None:
            if piped:
                cursor = conn.connection.cursor()
                counts.append(cursor)
            if many:
                cursor.executemany(spec[0], values)
            else:
                cursor.execute(spec[0], values)
            if not piped:
                counts.append(cursor.rowcount)

        return run

    specs = [(p, p._for(conn), params) for p, params in statements]
    try:
        try:
            with pipelined(conn):
                for p, spec, params in specs:
                    Prepared._execute(conn, spec, call(p, spec, params))
        except conn.dialect.loaded_dbapi.Error as exc:  # a failure the pipeline's end reported
            conn._handle_dbapi_exception(exc, specs[max(len(counts) - 1, 0)][1][0], None, None, None)
            raise
        return [c if isinstance(c, int) else c.rowcount for c in counts]
    finally:
        for c in counts:
            if not isinstance(c, int):
                c.close()


def _bound(prepared: "Prepared", spec: tuple, params: Any) -> tuple[Any, bool]:
    """A batch statement's values as the driver takes them, and whether for its executemany: a list of rows
    converted a column at a time, as :meth:`Prepared.run_many` does; one row (a plain recording's event line)
    as :meth:`Prepared.run` converts it."""
    if isinstance(params, list) and len(params) > 1:
        columns = columns_converted(params, spec[1], spec[2], spec[3])
        return (list(zip(*columns)) if spec[4] else [dict(zip(spec[1], values)) for values in zip(*columns)]), True
    return prepared._values(spec, params[0] if isinstance(params, list) else params), False


class _Turn(NamedTuple):
    """One statement of a batch, run in turn on the batch's cursor (:func:`_run_in_turn`)."""

    cursor: Any
    sql: str
    params: Any
    many: bool


_turn = partial(tuple.__new__, _Turn)  # made without a Python frame: a plain outcome makes three


def _run_in_turn(conn: Connection, statements: Sequence[tuple["Prepared", Any]]) -> list[int]:
    """:func:`run_together` without a pipeline (SQLite): each statement in turn, its values converted just
    before it runs, all on one cursor of the driver's (a plain outcome's three statements opened and closed
    three, a tenth of its Python's instructions), a failure raised as :meth:`Prepared._execute` raises it."""
    counts: list[int] = []
    cursor = conn.connection.cursor()
    try:
        for prepared, params in statements:
            spec = prepared._for(conn)
            values, many = _bound(prepared, spec, params)
            counts.append(Prepared._execute(conn, spec, _turn((cursor, spec[0], values, many))))
        return counts
    finally:
        cursor.close()


class Query:
    """A SELECT compiled once per dialect and run on the driver's cursor, its rows converted by the same
    result processors SQLAlchemy would use: attribute access by the statement's column labels, as on a Row.

    Bound values the caller does not pass keep the ones the statement was built with.
    """

    def __init__(self, statement, keys: Sequence[str]) -> None:
        self.statement = statement
        self.keys = list(keys)
        self._compiled: dict[str, tuple] = {}
        self._results: dict[str, list] = {}  # the result processors, once the driver has described the columns
        self._converting: dict[str, tuple] = {}  # ... and (index, processor) of the columns that have one

    def _for(self, conn: Connection) -> tuple:
        dialect = conn.dialect
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            names = list(compiled.positiontup) if compiled.positional else list(compiled.bind_names.values())
            by_name = {compiled.bind_names[b]: b for b in compiled.binds.values()}
            fixed = {n: by_name[n].effective_value for n in names if n not in self.keys}
            processors = compiled._bind_processors
            labels = [rc.keyname for rc in compiled._result_columns]
            converting = tuple((i, processors[n]) for i, n in enumerate(names) if processors.get(n) is not None)
            found = (compiled.string, names, converting, fixed, compiled.positional,
                     [rc.type for rc in compiled._result_columns], _row_class(labels))  # fmt: skip
            self._compiled[dialect.name] = found
        return found

    def first(self, conn: Connection, params: Mapping[str, Any]):
        """The first row, or None."""
        found = self._run(conn, params, lambda cursor: cursor.fetchone())
        return None if found is None else self._convert(conn, [found])[0]

    def all(self, conn: Connection, params: Mapping[str, Any]) -> list:
        """Every row."""
        return self._convert(conn, self._run(conn, params, lambda cursor: cursor.fetchall()))

    def columns(self, conn: Connection, params: Mapping[str, Any]) -> list[Sequence[Any]]:
        """Every row, column by column (one list a label, in the statement's order), each value converted
        once however often it repeats: a large read whose columns hold few distinct values (dates, teams)."""
        rows = self._run(conn, params, lambda cursor: cursor.fetchall())
        labels = self._compiled[conn.dialect.name][6]._fields
        if not rows:
            return [[] for _ in labels]
        return [converted(values, p) for values, p in zip(zip(*rows), self._results[conn.dialect.name])]

    def _run(self, conn: Connection, params: Mapping[str, Any], fetch):
        spec = self._for(conn)
        sql, names, converting, fixed, positional, _types, _row_class = spec
        # the values in the statement's order, looked up in C; only the few with a bind processor converted
        values = list(map({**fixed, **params}.__getitem__, names) if fixed else map(params.__getitem__, names))
        _convert_some(values, converting)
        found: list = []

        def call(cursor) -> None:  # not in a pipeline: psycopg sends a BEGIN there on its own round trip all the same
            cursor.execute(sql, tuple(values) if positional else dict(zip(names, values)))
            found.append(fetch(cursor))
            if conn.dialect.name not in self._results:
                results = [t._cached_result_processor(conn.dialect, d[1]) for t, d in zip(spec[5], cursor.description)]
                self._converting[conn.dialect.name] = tuple((i, p) for i, p in enumerate(results) if p is not None)
                self._results[conn.dialect.name] = results

        Prepared._execute(conn, spec, call)
        return found[0]

    def _convert(self, conn: Connection, rows: Sequence[Sequence[Any]]) -> list:
        row_class = self._compiled[conn.dialect.name][6]
        converting = self._converting[conn.dialect.name]
        if not converting:
            return [row_class(*r) for r in rows]
        out = []
        for row in rows:  # only the columns with a result processor (an obligation, its outcome and the versions: 13 of 42 on SQLite)
            values = list(row)
            _convert_some(values, converting)
            out.append(row_class(*values))
        return out


def _row_class(labels: Sequence[str]):
    from collections import namedtuple

    return namedtuple("Row", labels, rename=False)
