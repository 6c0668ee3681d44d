"""One engine and a bounded pool per ``qaf serve`` process; a dead connection is replaced, not failed on (issue 16)."""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timezone

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from qaf.rules.problems import QafError
from qaf.service import background_name
from qaf.store.db import make_engine, pool_limits
from qaf.store.sql import SqlStore
from qaf.usecases import tokens
from tests.conftest import PG_URL
from tests.smtp import free_port
from tests.test_api import Client
from tests.test_feeds import TODAY, year
from tests.test_service import health, wait_for
from tests.threads import running

NOW = datetime(2024, 6, 10, 9, 0, tzinfo=timezone.utc)


def connections(application_name: str) -> int:
    """Connections to the server that name themselves so (``pg_stat_activity``), seen from outside."""
    with _ADMIN.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :a"), {"a": application_name}).scalar()


_ADMIN = create_engine(PG_URL, pool_size=1, max_overflow=0)


def held(pid: int) -> int:
    """Connections process ``pid`` holds to PostgreSQL, counted on its side: its sockets connected to the server's port.

    ``pg_stat_activity`` counts the server's backends instead, and a backend
    whose client has just closed its connection stays listed until it has
    exited, which on a busy machine can be after the pool has opened the next
    one: 6 listed while the process held 5.
    """
    port = f":{make_url(PG_URL).port or 5432:04X}"
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    connected = set()  # inodes, not lines: the kernel writes the table a page at a time, and a busy table can repeat a line
    for table in ("tcp", "tcp6"):
        with open(f"/proc/{pid}/net/{table}") as sockets:
            for line in sockets.readlines()[1:]:
                fields = line.split()  # local address, remote address, state (01: established), ..., inode
                if fields[9] in inodes and fields[2].endswith(port) and fields[3] == "01":
                    connected.add(fields[9])
    return len(connected)


def terminate(application_name: str) -> int:
    with _ADMIN.connect() as conn:
        killed = conn.execute(
            text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = :a AND pid <> pg_backend_pid()"),
            {"a": application_name},
        ).scalar()  # fmt: skip
        conn.commit()
    return killed


def get(url: str, token: str | None = None) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_one_serve_process_holds_at_most_five_connections_under_load_and_fewer_at_idle(pg_url: str, tmp_path):
    store = SqlStore.open(pg_url)
    year(store)
    org, vocab = store.org(), store.vocabulary()
    api = {p: tokens.issue(store, org, vocab, p, None, "api", NOW)[0] for p in ("PM1", "OM1", "D1")}
    feed = {p: tokens.issue(store, org, vocab, p, None, "feed", NOW)[0] for p in ("PM1", "OM1")}
    store.close()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("QAF_SMTP", "QAF_DB_", "QAF_CRASH"))}
    env["QAF_DB"] = pg_url
    proc = subprocess.Popen([sys.executable, "-m", "qaf.cli.main", "serve", "--port", str(port), "--leader-check", "1"],
                            env=env, stdout=subprocess.DEVNULL, stderr=open(tmp_path / "serve.log", "w"))  # fmt: skip
    try:
        wait_for(lambda: health(port), timeout=60)
        runner = health(port)["runner"]  # host:pid and the token it made as it started
        name = f"qaf serve {runner}"[:63]
        wait_for(lambda: health(port)["leader"], timeout=60)
        seen, ours, codes, stop = [], [], [], threading.Event()

        def watch() -> None:
            while not stop.is_set():
                seen.append(connections(name))
                ours.append(held(proc.pid))
                time.sleep(0.02)

        def load(i: int) -> None:
            paths = [(f"/api/obligations?person={p}", api[p]) for p in api] + [(f"/feeds/{t}.ics", None) for t in feed.values()]
            n = 0
            while not stop.is_set():
                path, token = paths[(i + n) % len(paths)]
                codes.append(get(f"http://127.0.0.1:{port}{path}", token))
                n += 1

        # a request that raised (a refused or dropped connection) is load lost: kept in failures
        with running(watch, *[functools.partial(load, i) for i in range(16)], stop=stop) as failures:
            time.sleep(8)
        assert not failures, failures[:1]
        assert codes and set(codes) == {200}, sorted(set(codes))
        assert max(ours) <= 5, max(ours)
        assert max(seen) >= 2 and max(ours) >= 2, "the load reached the database"
        time.sleep(1)
        idle = connections(name)
        # the overflow connections are closed once returned: the pool keeps 3, and the leader holds its session
        assert idle <= 3 + 1, idle
        assert idle < max(seen), (idle, max(seen))
        # the background process (the tick, the sender) holds none between its jobs
        wait_for(lambda: health(port)["last_tick"], timeout=60)
        assert connections(background_name(runner)[:63]) == 0
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_killed_backend_is_replaced_and_the_next_request_works(pg_url: str):
    name = f"qaf pool test {os.getpid()}"
    store = SqlStore.open(pg_url, application_name=name)
    year(store)
    org, vocab = store.org(), store.vocabulary()
    token = tokens.issue(store, org, vocab, "PM1", None, "api", NOW)[0]
    from qaf.web.api import create_app

    app = create_app(pg_url, lambda: TODAY, feed_ttl=0, store=store)
    client = Client(app)
    assert client.get("/api/obligations?person=PM1", token).status_code == 200
    assert connections(name) >= 1
    for _ in range(3):  # every pooled connection killed, again and again: the next request still answers
        assert terminate(name) >= 1
        time.sleep(0.2)  # the server's goodbye reaches the socket
        r = client.get("/api/obligations?person=PM1", token)
        assert r.status_code == 200, r.text
    assert store.obligations()  # and the store's own reads
    store.close()


def test_the_pool_is_bounded_by_the_settings_and_refuses_a_bad_one(monkeypatch: pytest.MonkeyPatch, pg_url: str):
    monkeypatch.delenv("QAF_DB_POOL_SIZE", raising=False)
    monkeypatch.delenv("QAF_DB_MAX_OVERFLOW", raising=False)
    assert pool_limits() == (3, 2)
    engine = make_engine(pg_url)
    assert (engine.pool.size(), engine.pool._max_overflow) == (3, 2)
    assert engine.pool._pre_ping is False  # no round trip before every transaction
    engine.dispose()
    monkeypatch.setenv("QAF_DB_POOL_SIZE", "1")
    monkeypatch.setenv("QAF_DB_MAX_OVERFLOW", "0")
    engine = make_engine(pg_url)
    assert (engine.pool.size(), engine.pool._max_overflow) == (1, 0)
    engine.dispose()
    for name, bad in (("QAF_DB_POOL_SIZE", "0"), ("QAF_DB_POOL_SIZE", "three"), ("QAF_DB_MAX_OVERFLOW", "51")):
        monkeypatch.setenv("QAF_DB_POOL_SIZE", "3")
        monkeypatch.setenv("QAF_DB_MAX_OVERFLOW", "2")
        monkeypatch.setenv(name, bad)
        with pytest.raises(QafError, match=rf"{name}='{bad}': a whole number from"):
            make_engine(pg_url)


def test_a_request_never_asks_for_a_second_connection_while_holding_one(pg_url: str, monkeypatch: pytest.MonkeyPatch):
    """With a pool of one, a request that nested a second checkout (the business date reading the zone inside the
    request's transaction did) would wait on itself until the pool's timeout: each answers at once instead."""
    store = SqlStore.open(pg_url)
    year(store)
    org, vocab = store.org(), store.vocabulary()
    api = tokens.issue(store, org, vocab, "PM1", None, "api", NOW)[0]
    feed = tokens.issue(store, org, vocab, "PM1", None, "feed", NOW)[0]
    store.close()
    monkeypatch.setenv("QAF_DB_POOL_SIZE", "1")
    monkeypatch.setenv("QAF_DB_MAX_OVERFLOW", "0")
    from qaf.web.api import create_app

    one = SqlStore.open(pg_url)
    one.engine.pool._timeout = 3  # a nested checkout fails in 3 s, not 30
    client = Client(create_app(pg_url, feed_ttl=0, store=one))  # the real business date: it reads the store's zone
    for _ in range(2):
        assert client.get("/api/obligations?person=PM1", api).status_code == 200
        assert client.get(f"/feeds/{feed}.ics").status_code == 200
        assert client.get("/api/obligations?person=PM1&status=nonsense", api).status_code == 422
    one.close()
