"""Database engines from a URL: SQLite by default, PostgreSQL for scale-out.

- No URL: ``QAF_DB`` from the environment, else the SQLite file ``qaf.db`` in
  the current folder. A bare path is read as a SQLite file.
- SQLite: WAL, a busy timeout, foreign keys on, and ``BEGIN IMMEDIATE`` for
  every transaction, so concurrent writers queue instead of losing updates.
  A file's log is checkpointed by a thread of its own (:mod:`qaf.store.checkpoint`).
- PostgreSQL: ``postgresql://`` URLs use psycopg 3. A ``schema`` query
  parameter (``...?schema=council_a``) puts qaf's tables in that schema, so
  many councils can share one server.

:func:`open_engine` creates the tables when they are missing, upgrades an older
store in place and refuses one written by a newer qaf (:mod:`qaf.store.migrations`).
"""

from __future__ import annotations

import os
import re
import sqlite3
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from qaf.rules.problems import QafError
from qaf.store import checkpoint, migrations, tables, versioning

DEFAULT_URL = "sqlite:///qaf.db"


class SchemaError(QafError):
    pass


def database_url(url: str | None = None) -> str:
    """The URL to use: the argument, else ``QAF_DB``, else ``sqlite:///qaf.db``."""
    url = url or os.environ.get("QAF_DB") or DEFAULT_URL
    if "://" not in url:
        if _NOT_A_PATH.match(url):  # 'sqlite:qaf.db' and 'host=db dbname=qaf' were SQLite files made of those names
            raise QafError(f"the database URL (--db or QAF_DB) is not a URL ('://' is missing) nor a SQLite file's name: {WHAT_TO_GIVE}")
        url = f"sqlite:///{Path(url)}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    _usable(url)
    return url


SCHEMES = ("sqlite", "postgresql+psycopg")
# a URL with its '//' missing, or libpq's "keyword=value ..." (which psycopg takes, and qaf does not): one
# keyword alone ('dbname=qaf') too, and spaces about its '=' as libpq allows ('dbname = qaf')
LIBPQ_KEYWORDS = ("host", "hostaddr", "port", "dbname", "user", "password", "passfile", "service", "sslmode",
                  "connect_timeout", "options", "application_name", "target_session_attrs")  # fmt: skip
_NOT_A_PATH = re.compile(r"(?i)(sqlite|postgres(ql)?)(\+[a-z0-9]+)?:|\s*(" + "|".join(LIBPQ_KEYWORDS) + r")\s*=|.*\s(" + "|".join(LIBPQ_KEYWORDS) + r")\s*=")
WHAT_TO_GIVE = "give postgresql://USER@HOST/DATABASE, or a SQLite file (qaf.db, or sqlite:///qaf.db)"


def _usable(url: str) -> None:
    """A :class:`QafError` for a URL qaf cannot open, said before anything tries: a misspelt scheme
    ('postgresq://', 'mysql://'), 'sqlite://qaf.db' (two slashes) or a port that is not a number ended in a
    traceback from SQLAlchemy. Nothing of the URL but its scheme is said (it may hold a password)."""
    from sqlalchemy.exc import ArgumentError

    scheme = url.split("://", 1)[0]
    if scheme not in SCHEMES:
        raise QafError(f"the database URL (--db or QAF_DB) starts {scheme[:40]!r}, a database qaf does not use: {WHAT_TO_GIVE}")
    if scheme == "sqlite" and url not in ("sqlite://", "sqlite:///:memory:") and not url.startswith("sqlite:///"):
        raise QafError(f"the database URL (--db or QAF_DB) is not a SQLite file's (sqlite:/// takes three slashes): {WHAT_TO_GIVE}")
    try:
        make_url(url).port  # noqa: B018 - read to check it
    except (ArgumentError, ValueError):
        raise QafError(f"the database URL (--db or QAF_DB) cannot be read (its host or port?): {WHAT_TO_GIVE}") from None


SECRET_PARAMETERS = frozenset({"password", "sslpassword"})  # libpq takes a password in the query too: ?password=...


def redact(url: str) -> str:
    """The URL without its password, for messages and logs: the user's (``user:***@``), and one given as a query
    parameter (``?password=***``, printed in full before)."""
    sa_url = make_url(url)
    hidden = {k: "***" for k in sa_url.query if k.lower() in SECRET_PARAMETERS}
    shown = (sa_url.update_query_dict(hidden) if hidden else sa_url).render_as_string(hide_password=True)
    return shown.replace("=%2A%2A%2A", "=***")  # as the user's is shown


INVALID_SCHEMA_NAME = "3F000"  # PostgreSQL's SQLSTATE for a schema that is not there ('no schema has been selected to create in')
# SQLite's word for a file that is no database (people.csv given as --db), or one whose pages are not a database's
NOT_A_STORE = frozenset({"SQLITE_NOTADB", "SQLITE_CORRUPT"})


def unreachable(exc: BaseException, url: str | None) -> str | None:
    """What to tell the user when ``exc`` says the database cannot be used (None: it says something else)."""
    from sqlalchemy.exc import DatabaseError, OperationalError

    if isinstance(exc, OperationalError) or (
        isinstance(exc, DatabaseError) and getattr(exc.orig, "sqlite_errorname", None) in NOT_A_STORE
    ):
        return f"cannot use the database {redact(database_url(url))}: {exc.orig}"
    if isinstance(exc, DatabaseError) and getattr(exc.orig, "sqlstate", None) == INVALID_SCHEMA_NAME:  # a search_path to nothing
        said = str(exc.orig).splitlines()[0]
        return (f"cannot use the database {redact(database_url(url))}: {said} (its search_path names no schema that "
                "exists: make the schema, or name it with ?schema=NAME, which qaf makes)")  # fmt: skip
    return None


def store_name(url: str | None) -> str:
    """Which store a URL names, the same however it is spelt: server, database and schema; or the SQLite file.

    No user or password: every instance of one council, whatever role it
    signs in as, names the same store.
    """
    sa_url = make_url(database_url(url))
    if sa_url.get_backend_name() == "sqlite":
        return str(Path(sa_url.database).resolve()) if sa_url.database and sa_url.database != ":memory:" else ":memory:"
    return f"{sa_url.host or 'localhost'}:{sa_url.port or 5432}/{sa_url.database or ''}/{schema_of(url) or 'public'}"


def sqlite_file(url: str | None) -> str | None:
    """The SQLite file a URL names, resolved (None: PostgreSQL, or a database in memory)."""
    sa_url = make_url(database_url(url))
    if sa_url.get_backend_name() != "sqlite" or not sa_url.database or sa_url.database == ":memory:":
        return None
    return str(Path(sa_url.database).resolve())


SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


def schema_of(url: str | None) -> str | None:
    """The PostgreSQL schema a URL names (``?schema=NAME``), checked; None for none (or SQLite)."""
    sa_url = make_url(database_url(url))
    schema = sa_url.query.get("schema")
    if schema is None or sa_url.get_backend_name() == "sqlite":
        return None
    if not isinstance(schema, str) or not SCHEMA_NAME.fullmatch(schema):
        raise QafError(f"?schema={schema!r}: a schema name is 1 to 63 letters, digits and _, not starting with a digit")
    return schema


def make_engine(url: str | None = None, application_name: str = "qaf", *, session: bool = False) -> Engine:
    """An engine for ``url``; on PostgreSQL with a bounded pool (:func:`pool_limits`) and no pre-ping.

    ``application_name`` is what ``pg_stat_activity`` shows for its
    connections (``qaf serve`` names its runner there), so an operator can
    count them. ``session``: one connection that keeps its session (the
    leader's lock), straight to PostgreSQL even when ``QAF_DB_POOLER`` is set.
    """
    sa_url = make_url(database_url(url))
    if sa_url.get_backend_name() == "sqlite":
        return _sqlite_engine(sa_url)
    schema = schema_of(url)
    connect_args: dict = {"application_name": application_name[:63]}
    behind_pooler = pooler() and not session
    if behind_pooler:
        # PgBouncer in transaction mode: a statement prepared on one server connection is unknown on the
        # next, and startup options (search_path) are not passed on: no prepared statements, and the
        # council's schema is set in each transaction instead (below)
        connect_args["prepare_threshold"] = None
    elif schema:
        connect_args["options"] = f'-csearch_path="{schema}"'  # quoted: a council's schema may be Mixed_Case
    if schema:
        sa_url = sa_url.difference_update_query(["schema"])
    size, overflow = (1, 0) if session else pool_limits()
    engine = create_engine(sa_url, connect_args=connect_args, pool_size=size, max_overflow=overflow, pool_pre_ping=False,
                           hide_parameters=True)  # an error's message (and so a log) never quotes what people typed
    if behind_pooler and schema:
        _search_path_per_transaction(engine, schema)
    _recover_dead_connections(engine)
    _no_rows_in_errors(engine)
    return engine


def _no_rows_in_errors(engine: Engine) -> None:
    """What PostgreSQL says after an error's first line never reaches a message, a log or a traceback.

    ``hide_parameters`` keeps the statement's values out, but a NOT NULL or
    CHECK violation comes back with "DETAIL: Failing row contains (...)": the
    whole row, a note or a reason someone typed in it (a key's value, on a
    unique violation; HINT and CONTEXT may quote values too). Only a bug
    breaks a constraint, and its traceback goes to the API's log, the
    service's and the terminal. The first line names the constraint or the
    column, which is what whoever mends it needs.
    """

    @event.listens_for(engine, "handle_error")
    def first_line_only(context) -> None:
        for exc in (context.original_exception, context.sqlalchemy_exception):
            said = exc.args[0] if exc is not None and exc.args and isinstance(exc.args[0], str) else ""
            if _DETAIL.search(said):
                exc.args = (_DETAIL.split(said, 1)[0] + "\n(the database's details are not shown: they may quote what was typed)", *exc.args[1:])


_DETAIL = re.compile(r"\n(?:DETAIL|HINT|CONTEXT):")  # libpq's lines after the message, each "FIELD:  ..."


def pool_limits() -> tuple[int, int]:
    """``(QAF_DB_POOL_SIZE, QAF_DB_MAX_OVERFLOW)``: connections a process keeps open, and may add under load.

    Default 3 and 2: one process never holds more than 5 connections to
    PostgreSQL (the leader's session lock included); once the load has gone,
    the pool keeps 3 open and the leader holds its session (4 on the leader).
    """
    from qaf.store.settings import whole

    return whole("QAF_DB_POOL_SIZE"), whole("QAF_DB_MAX_OVERFLOW")


def pooler() -> bool:
    """``QAF_DB_POOLER=transaction``: qaf connects through PgBouncer (or alike) in transaction mode."""
    value = os.environ.get("QAF_DB_POOLER", "").strip().lower()
    if value not in ("", "transaction", "none"):
        raise QafError(f"QAF_DB_POOLER={value!r}: 'transaction' (behind PgBouncer in transaction mode) or unset")
    return value == "transaction"


def _search_path_per_transaction(engine: Engine, schema: str) -> None:
    """Behind a transaction pooler every transaction may run on another server connection: name the schema in each."""

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # pragma: no cover - driver callback
        conn.exec_driver_sql(f'SET LOCAL search_path TO "{schema}"')


IDLE_PING_SECONDS = 30.0


def _recover_dead_connections(engine: Engine) -> None:
    """Hand out a pooled connection without a round trip, but never one the server has closed.

    A pre-ping on every checkout was one more round trip per transaction (a
    recording is BEGIN, a few statements and COMMIT). Instead, at checkout:

    - the connection's socket is polled (a system call, no round trip): a
      server that ended the session (``pg_terminate_backend``, a restart, an
      idle timeout) has sent its goodbye or closed the socket, so the socket
      reads ready on a connection that is not waiting for anything. Such a
      connection is thrown away and a fresh one checked out instead, so the
      request that comes next works;
    - one idle longer than :data:`IDLE_PING_SECONDS` is pinged too (a
      firewall that dropped it silently leaves nothing to read).

    A connection that dies while busy fails that one transaction, and
    SQLAlchemy then drops every pooled connection opened before it.
    """
    import select as _select
    from time import monotonic

    from sqlalchemy import exc

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_connection, record) -> None:  # pragma: no cover - pool callback
        record.info["qaf_idle_since"] = monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_connection, record, _proxy) -> None:  # pragma: no cover - pool callback
        if dbapi_connection.closed or _said_goodbye(dbapi_connection, _select):
            raise exc.DisconnectionError("the server closed this connection")
        since = record.info.get("qaf_idle_since")
        if since is None or monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # dead: the pool opens a fresh connection and checks out that instead
            raise exc.DisconnectionError() from error
        if not alive:
            raise exc.DisconnectionError()


def _said_goodbye(dbapi_connection, select_module) -> bool:
    """Whether an idle psycopg connection's socket has something to read: the server ended the session."""
    try:
        ready, _, _ = select_module.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(ready)


def _sqlite_engine(sa_url) -> Engine:
    engine = create_engine(sa_url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True)
    path = sa_url.database
    background = bool(path) and path != ":memory:" and not path.startswith("file:") and not sa_url.query
    if background:  # a file's log is checkpointed on a thread of its own, not by the writer (qaf.store.checkpoint)
        checkpoint.attach(engine, os.path.abspath(path))

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:  # pragma: no cover - driver callback
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MB: a large council's year fits, reads stay in memory
        if background:
            cursor.execute(f"PRAGMA wal_autocheckpoint={checkpoint.WRITER_CHECKPOINT_PAGES}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # pragma: no cover - driver callback
        # writers take the write lock at once (no lost updates); readers (store.read()) defer. Issued on the
        # driver: SQLAlchemy's execution of it cost more than the statement (a failure is raised as it would raise it)
        statement = "BEGIN" if conn.get_execution_options().get("qaf_read") else "BEGIN IMMEDIATE"
        try:
            conn.connection.driver_connection.execute(statement)
        except sqlite3.Error as exc:
            conn._handle_dbapi_exception(exc, statement, (), None, None)
            raise

    return engine


def ensure_schema(engine: Engine, schema: str | None = None) -> tuple[str, str] | None:
    """Make the store's schema the one this qaf writes (:data:`migrations.HEAD`), or refuse.

    An empty database gets the tables of ``store/tables.py``, stamped with
    the head revision; an older store is upgraded in place, every row kept
    (returns ``(from, to)`` so the caller can say so once); a store written by
    a newer qaf raises :class:`SchemaError` before anything is read or written.
    On PostgreSQL the council's ``schema`` is made if it is missing, and
    instances of one council starting together take turns (an advisory lock
    keyed by the schema: other councils on the server never wait for it).
    """
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"qaf.schema/{schema or 'public'}"})
            if schema:
                conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        found = migrations.current(conn)
        if found == migrations.HEAD:
            return None
        if found == migrations.EMPTY:
            tables.METADATA.create_all(conn)
            versioning.install(conn)
            migrations.stamp(conn)
            return None
        if found not in migrations.REVISIONS:
            raise SchemaError(
                f"this store's schema is at revision {found}, which this qaf ({migrations.HEAD} and before) "
                "does not know: it was written by a newer qaf. Upgrade qaf; the store was not touched"
            )
        migrations.upgrade(conn)
        return found, migrations.HEAD


@contextmanager
def temporary_schema(url: str, prefix: str = "qaf_tmp") -> Iterator[str]:
    """A fresh PostgreSQL schema (for a test or a benchmark), dropped afterwards; yields a URL into it."""

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            yield f"{database_url(url)}{'&' if '?' in url else '?'}schema={schema}"
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


def open_engine(url: str | None = None, application_name: str = "qaf") -> tuple[Engine, tuple[str, str] | None]:
    """An engine on a store whose schema is this qaf's, and ``(from, to)`` if it was upgraded to get there."""
    engine = make_engine(url, application_name)
    return engine, ensure_schema(engine, schema_of(url))
