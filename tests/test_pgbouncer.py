"""qaf behind PgBouncer in transaction mode: no prepared statement outlives its transaction, the schema is named in each (issue 16).

A PgBouncer (Debian's ``pgbouncer``) is started on a spare port in front of
the test server; the test is skipped, saying so, where the binary is missing
(with ``QAF_REQUIRE_PGBOUNCER=1``, as `.ci/run` sets after installing it, it fails instead).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from qaf.rules.problems import QafError
from qaf.store.leader import Leadership
from qaf.store.sql import SqlStore
from qaf.store.tables import OBLIGATIONS, OUTCOMES
from qaf.usecases import tokens
from tests.conftest import PG_URL
from tests.smtp import free_port
from tests.test_api import Client
from tests.test_feeds import TODAY, year
from tests.threads import running

NOW = datetime(2024, 6, 10, 9, 0, tzinfo=timezone.utc)
POOL_SIZE = 3  # PgBouncer's server connections to the test database
BINARY = shutil.which("pgbouncer") or next((p for p in ("/usr/sbin/pgbouncer",) if Path(p).exists()), None)


@pytest.fixture
def bouncer(pg_url: str) -> Iterator[str]:
    """A PgBouncer in transaction mode in front of the test server; yields ``pg_url`` through it."""
    if BINARY is None:
        why = "PgBouncer is not installed here (apt-get install pgbouncer): the transaction-mode test needs it"
        if os.environ.get("QAF_REQUIRE_PGBOUNCER") == "1":
            pytest.fail(f"{why} (QAF_REQUIRE_PGBOUNCER=1: CI runs it)")
        pytest.skip(why)
    server = make_url(PG_URL)
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="qaf-pgbouncer-"))
    folder.chmod(0o755)  # PgBouncer refuses to run as root: it runs as nobody and reads its files from here
    (folder / "users.txt").write_text(f'"{server.username}" ""\n')
    (folder / "pgbouncer.ini").write_text(f"""[databases]
{server.database} = host={server.host} port={server.port or 5432} dbname={server.database} user={server.username}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder / "users.txt"}
pool_mode = transaction
default_pool_size = {POOL_SIZE}
max_client_conn = 200
ignore_startup_parameters = extra_float_digits,options
""")  # fmt: skip
    for f in folder.iterdir():
        f.chmod(0o644)
    as_user = ["-u", "nobody"] if os.geteuid() == 0 else []
    log = open(folder / "pgbouncer.log", "w")
    proc = subprocess.Popen([BINARY, *as_user, str(folder / "pgbouncer.ini")], stdout=log, stderr=subprocess.STDOUT)
    try:
        through = pg_url.replace(f"@{server.host}:{server.port or 5432}/", f"@127.0.0.1:{port}/")
        assert through != pg_url
        deadline = time.monotonic() + 20
        while True:
            try:
                probe = create_engine(through.split("?")[0])
                with probe.connect() as conn:
                    conn.execute(text("SELECT 1"))
                probe.dispose()
                break
            except Exception:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise AssertionError((folder / "pgbouncer.log").read_text())
                time.sleep(0.2)
        yield through
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def test_a_council_works_through_pgbouncer_in_transaction_mode(bouncer: str, pg_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("QAF_DB_POOLER", "transaction")
    monkeypatch.setenv("QAF_DB_POOL_SIZE", "4")
    store = SqlStore.open(bouncer)  # the schema's tables are made through the pooler, in the council's schema
    year(store)  # schedules, records outcomes: the same statements many times over, on whichever server connection
    org, vocab = store.org(), store.vocabulary()
    token = tokens.issue(store, org, vocab, "PM1", None, "api", NOW)[0]
    from qaf.web.api import create_app

    client = Client(create_app(bouncer, lambda: TODAY, feed_ttl=0, store=store))
    codes = []

    def hammer() -> None:
        for _ in range(15):  # well past psycopg's prepare threshold (5) on every statement
            codes.append(client.get("/api/obligations?person=PM1", token).status_code)

    with running(*[hammer] * 4) as errors:  # what a thread raised is reported below, with what it was
        pass
    assert not errors and codes and set(codes) == {200}, (errors[:1], sorted(set(codes)))
    direct = SqlStore.open(pg_url)  # what went through the pooler is in the council's schema, not in public
    with direct.read() as conn:
        assert conn.execute(select(func.count()).select_from(OBLIGATIONS)).scalar() > 100
        assert conn.execute(select(func.count()).select_from(OUTCOMES)).scalar() == 3
        assert conn.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar() == 0
    direct.close()
    store.close()


def moved(engine) -> None:
    """A statement run often enough for psycopg to prepare it, on one server connection; then that server connection
    held by another client's open transaction, so the first client's next transaction runs on another (the state
    a pooler's churn reaches only by chance, reached every time: PgBouncer's server connections told apart by their pid)."""
    query, pid = text("SELECT 1 + :n"), text("SELECT pg_backend_pid()")
    with engine.connect() as client:
        with client.begin():
            for _ in range(8):  # psycopg prepares from the sixth time (prepare_threshold 5)
                client.execute(query, {"n": 1})
            prepared_on = client.execute(pid).scalar()
        holders = []
        try:
            for _ in range(POOL_SIZE):  # each holds a server connection until one holds that one
                holders.append(engine.connect())
                holders[-1].begin()
                if holders[-1].execute(pid).scalar() == prepared_on:
                    break
            else:
                pytest.fail("no client got the server connection the statement was prepared on")
            for other in holders[:-1]:  # the others back to PgBouncer's pool, for the client's next transaction
                other.rollback()
            with client.begin():
                client.execute(query, {"n": 1})
        finally:
            for holder in holders:
                holder.close()


def test_without_pooler_mode_prepared_statements_break_behind_pgbouncer(bouncer: str, monkeypatch: pytest.MonkeyPatch):
    """Why ``QAF_DB_POOLER=transaction`` exists: psycopg prepares a statement run often, on a server connection
    the next transaction may not get."""
    engine = create_engine(bouncer.split("?")[0], pool_size=3)
    with pytest.raises(Exception, match="prepared statement"):
        moved(engine)
    engine.dispose()
    monkeypatch.setenv("QAF_DB_POOLER", "transaction")
    store = SqlStore.open(bouncer)
    moved(store.engine)  # qaf's own engine behind the pooler: nothing prepared, nothing breaks when a transaction moves
    store.close()


def test_the_leader_needs_a_session_url_behind_a_transaction_pooler(bouncer: str, pg_url: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("QAF_DB_POOLER", "transaction")
    monkeypatch.delenv("QAF_DB_SESSION_URL", raising=False)
    store = SqlStore.open(bouncer)
    with pytest.raises(QafError, match="QAF_DB_SESSION_URL"):
        Leadership(store, bouncer)
    monkeypatch.setenv("QAF_DB_SESSION_URL", pg_url)
    first, second = Leadership(store, bouncer), Leadership(SqlStore.open(bouncer), bouncer)
    assert first.try_acquire() and first.still_held()
    assert not second.try_acquire()  # the lock lives in a real session: one leader
    first.release()
    assert second.try_acquire()
    second.release()
    store.close()


def test_a_session_url_naming_another_schema_is_refused(pg_url: str, monkeypatch: pytest.MonkeyPatch):
    """The leader's lock is the schema's (current_schema() in its key): a QAF_DB_SESSION_URL without the council's
    ?schema= locked 'public', so every council on the server behind one pooler shared one lock and one leader, and
    the others never ticked. Refused at start, naming both schemas."""
    monkeypatch.setenv("QAF_DB_POOLER", "transaction")
    store = SqlStore.open(pg_url)
    schema = make_url(pg_url).query["schema"]
    try:
        for other, named in ((PG_URL, "public"), (f"{PG_URL}?schema=another_council", "another_council")):
            monkeypatch.setenv("QAF_DB_SESSION_URL", other)
            with pytest.raises(QafError, match=f"QAF_DB_SESSION_URL names the schema '{named}' and the store's .* '{schema}'"):
                Leadership(store, pg_url)
        monkeypatch.setenv("QAF_DB_SESSION_URL", f"{PG_URL}?schema={schema}")
        Leadership(store, pg_url).release()
    finally:
        store.close()
