"""What the benchmarks share: the stores they run on, each fresh and thrown away after."""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import time
from pathlib import Path
from datetime import date
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from qaf.store import versioning  # noqa: E402
from qaf.store.db import temporary_schema  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def scheduled(url: str, fw, org, first: date, last: date, today: date):
    """A store at ``url`` holding ``fw`` (as its bundled text) and ``org``, scheduled from ``first`` to ``last``
    as on ``today``: what a benchmark of a council's year starts from."""
    from qaf.rules import bundled
    from qaf.store.sql import SqlStore
    from qaf.usecases import scheduling

    store = SqlStore.open(url)
    store.save_framework(fw, bundled.path(fw.id).read_text())
    store.save_org(org)
    scheduling.schedule(store, fw, org, first, last, today)
    return store


def load_average() -> str:
    """The machine's load averages (1, 5 and 15 minutes), for a benchmark to print beside its times."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def wait_for(host: str, port: int, tries: int) -> None:
    """Until a server answers on ``host:port``, trying every 0.1 s ``tries`` times; else the benchmark stops."""
    for _ in range(tries):
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not start on port {port}")


def on_each_store(only: str | None, pg: str, run: Callable[[str, str], None]) -> None:
    """``run(name, url)`` on a fresh SQLite file and a fresh PostgreSQL schema (``only`` picks one)."""
    if only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            run("SQLite", f"sqlite:///{tmp}/bench.db")
    if only in (None, "postgresql"):
        try:
            with temporary_schema(pg, "qaf_bench") as url:
                run("PostgreSQL", url)
        except Exception as exc:  # no server: say so and carry on
            if "schema" in str(exc).lower() or "connect" in str(exc).lower():
                print(f"PostgreSQL: skipped ({type(exc).__name__}: {str(exc).splitlines()[0]})")
            else:
                raise


def server_time(header: str) -> float | None:
    """Seconds from a ``Server-Timing: app;dur=MS`` header (:mod:`qaf.web.timing`): from the request read off the
    socket to the response's headers sent; None if it has none."""
    for part in header.split(";"):
        if part.strip().startswith("dur="):
            return float(part.strip()[4:]) / 1000
    return None


def moved_on(store) -> None:
    """What any write of an obligation or outcome does to the store's version, and nothing else: its counter moves."""
    with store.write() as conn:
        value = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": versioning.KEY}).scalar()
        conn.execute(text("UPDATE meta SET value = :v WHERE key = :k"), {"v": str(int(value) + 1), "k": versioning.KEY})
