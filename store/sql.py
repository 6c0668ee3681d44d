"""The SQL store: one implementation of :class:`store.protocols.Store` for SQLite and PostgreSQL.

Every method is one transaction: a framework or an organisation is applied
whole or not at all.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Engine, insert

from engine.org import Org
from rules.model import Framework
from rules.roles import Vocabulary
from store import frameworks as fw_store
from store import org as org_store
from store.db import open_engine
from store.protocols import FrameworkChange, OrgChange, StoredFramework
from store.tables import EventRecord

EVENTS = EventRecord.__table__


class SqlStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None) -> "SqlStore":
        return cls(open_engine(url))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def _log(self, conn, kind: str, ref: str, payload: dict[str, Any]) -> None:
        conn.execute(insert(EVENTS), {"at": datetime.now(timezone.utc), "kind": kind, "ref": ref, "payload": payload})

    def log(self, kind: str, ref: str, payload: dict[str, Any]) -> None:
        with self.engine.begin() as conn:
            self._log(conn, kind, ref, payload)

    # --- frameworks -------------------------------------------------------------

    def save_framework(self, framework: Framework, text: str) -> FrameworkChange:
        with self.engine.begin() as conn:
            change = fw_store.save(conn, framework, text, framework.source.file)
            if change.action != "unchanged":
                self._log(conn, "framework." + change.action, framework.id,
                          {"version": framework.version, "rows": len(framework.rows), "file": framework.source.file})  # fmt: skip
            return change

    def stored_frameworks(self) -> list[StoredFramework]:
        with self.engine.connect() as conn:
            return fw_store.stored(conn)

    def frameworks(self) -> list[Framework]:
        with self.engine.connect() as conn:
            return fw_store.parse(conn)

    def framework(self, framework_id: str) -> Framework:
        with self.engine.connect() as conn:
            return fw_store.parse(conn, framework_id)[0]

    def vocabulary(self) -> Vocabulary:
        return Vocabulary(role for fw in self.frameworks() for role in fw.roles)

    # --- organisation -----------------------------------------------------------

    def save_org(self, org: Org) -> OrgChange:
        with self.engine.begin() as conn:
            change = org_store.save(conn, org)
            self._log(conn, "org.loaded", "", {
                name: {"new": c.new, "changed": c.changed, "unchanged": c.unchanged, "gone": c.gone}
                for name, c in (("people", change.people), ("teams", change.teams), ("cases", change.cases), ("bodies", change.bodies))
            })  # fmt: skip
            return change

    def org(self) -> Org:
        with self.engine.connect() as conn:
            return org_store.load(conn)
