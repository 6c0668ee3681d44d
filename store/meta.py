"""Small named values the store keeps in its ``meta`` table, read and written whole.

Besides the organisation's and the obligations' versions (kept by
:mod:`qaf.store.org` and :mod:`qaf.store.versioning`), the one kept here is
``demo``: written by ``qaf demo`` into the store it makes (what it replayed),
so that only such a store offers the demo's sign-in as anyone
(:mod:`qaf.demo.serve`). A council's own store never has it.
"""

from __future__ import annotations

from sqlalchemy import select

from qaf.store.tables import META
from qaf.store.upsert import upsert

DEMO = "demo"


def put(store, key: str, value: str) -> None:
    with store.write() as conn:
        upsert(conn, META, [{"key": key, "value": value}], ["key"])


def get(store, key: str) -> str | None:
    with store.read() as conn:
        return conn.execute(select(META.c.value).where(META.c.key == key)).scalar_one_or_none()
