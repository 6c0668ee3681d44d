"""The store's interface: what the engine and CLI may ask of persistence.

The engine depends on :class:`Store`, never on SQLModel rows; implementations
live one per file (:mod:`qaf.store.sql` serves SQLite and PostgreSQL alike).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from qaf.engine.model import Obligation
from qaf.engine.org import Org
from qaf.rules.model import Framework
from qaf.rules.roles import Vocabulary


@dataclass(frozen=True, slots=True)
class StoredFramework:
    id: str
    version: str
    title: str
    council: str
    content_hash: str
    filename: str
    rows: int
    schedulable: int
    loaded_at: datetime


@dataclass(frozen=True, slots=True)
class FrameworkChange:
    """What loading a framework did: ``loaded`` (new), ``replaced`` (new version) or ``unchanged``."""

    id: str
    action: str
    previous_version: str | None = None


@dataclass(frozen=True, slots=True)
class Counts:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    gone: int = 0  # no longer in the snapshot: kept for history, out of scope

    @property
    def total(self) -> int:
        return self.new + self.changed + self.unchanged


@dataclass(frozen=True, slots=True)
class OrgChange:
    people: Counts
    teams: Counts
    cases: Counts
    bodies: Counts


class Store(Protocol):
    """What the engine, the CLI and the API ask of persistence (one transaction a call).

    Scheduling, outcomes and queries go through these methods; the tick and
    the outbox sender (engine/tick.py) also take short transactions of their
    own through ``engine`` and the ``qaf.store.ticks``/``qaf.store.outbox`` functions.
    """

    def save_framework(self, framework: Framework, text: str) -> FrameworkChange: ...

    def stored_frameworks(self) -> list[StoredFramework]: ...

    def frameworks(self) -> list[Framework]: ...

    def framework(self, framework_id: str) -> Framework: ...

    def vocabulary(self) -> Vocabulary: ...

    def save_org(self, org: Org) -> OrgChange: ...

    def org(self) -> Org: ...

    def log(self, kind: str, ref: str, payload: dict) -> None: ...

    def schedule(self, framework: Framework, org: Org, first: date, last: date, today: date, force: bool = False) -> Any: ...

    def obligations(self, filters: Any = None) -> list[Obligation]: ...

    def record(self, rec: Any, today: date, prefer: str = "auto") -> Any: ...

    def record_many(self, recordings: list, today: date, prefer: str = "auto") -> list: ...

    def moderate(self, target: str, grade: str, by: str | None, day: date | None, today: date, prefer: str = "auto") -> Any: ...

    def contest(self, target: str, by: str | None, day: date | None, today: date, prefer: str = "auto") -> Any: ...

    def extend(self, target: str, to: date, by: str, reason: str, today: date) -> Obligation: ...

    def outbox(self, status: str | None = None) -> list: ...
