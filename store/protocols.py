"""The store's interface: what the use cases may ask of persistence.

The use cases are written against :class:`Store`; implementations live one
per file (:mod:`qaf.store.sql` serves SQLite and PostgreSQL alike). The
engine below never sees the store at all: it gets records and returns records.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Protocol

from sqlalchemy import Connection

from qaf.engine.model import Obligation
from qaf.engine.org import Org
from qaf.engine.query import Filters
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
    retired_on: date | None = None  # retired (`qaf framework retire`): scheduled no more until loaded again


@dataclass(frozen=True, slots=True)
class FrameworkChange:
    """What loading a framework did: ``loaded`` (new), ``replaced`` (new version) or ``unchanged``."""

    id: str
    action: str
    previous_version: str | None = None
    struck: tuple[str, ...] = ()  # what the amendment struck out ("row 1.8", "row 1.6: the meeting every month")
    renumbered: tuple[tuple[str, str], ...] = ()  # rows the council renumbered, their work taken along: (old id, new id)
    # rows that are new work under a number another row had (that row struck out, its work kept as its own): their ids
    replaced: tuple[str, ...] = ()
    retired: date | None = None  # the framework had been retired on this date: the load brought it back


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


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What reads share: the organisation and frameworks at ``key`` (their versions), and the roles they name."""

    key: tuple
    org: Org
    frameworks: tuple[Framework, ...]
    vocabulary: Vocabulary


class Store(Protocol):
    """What the use cases ask of persistence. :class:`qaf.store.sql.SqlStore` is the one implementation.

    Whole-object reads and writes are methods, each its own transaction.
    A use case that must read, decide and write in one transaction takes
    :meth:`write` (or :meth:`read`) and passes its connection to the store's
    functions for that data (``qaf.store.obligations``, ``.outcomes``,
    ``.outbox``, ``.ticks``, ``.runs``, ``.tokens``, ``.feeds``, ``.reports``):
    they are the rest of this interface, and none of them decides anything.
    """

    def read(self) -> AbstractContextManager[Connection]: ...

    def one_read(self) -> AbstractContextManager[None]: ...

    def write(self) -> AbstractContextManager[Connection]: ...

    def lock(self, conn: Connection, name: str) -> None: ...

    def log(self, kind: str, ref: str, payload: dict) -> None: ...

    def log_in(self, conn: Connection, kind: str, ref: str, payload: dict) -> None: ...

    def save_framework(self, framework: Framework, text: str) -> FrameworkChange: ...

    def stored_frameworks(self) -> list[StoredFramework]: ...

    def frameworks(self) -> list[Framework]: ...

    def framework(self, framework_id: str) -> Framework: ...

    def framework_in(self, conn: Connection, framework_id: str) -> Framework: ...

    def numbered_in(self, conn: Connection, framework: Framework) -> Framework: ...

    def timezone(self, default: str = "Europe/London") -> str: ...

    def wall(self, local: Callable[[], datetime]) -> Callable[[], datetime]: ...

    def vocabulary(self) -> Vocabulary: ...

    def save_org(self, org: Org) -> OrgChange: ...

    def org(self) -> Org: ...

    def org_in(self, conn: Connection, version: int | None = None) -> Org: ...

    def context_in(self, conn: Connection, framework_id: str, versions: tuple[int, str] | None = None) -> tuple[Org, Framework]: ...

    def obligations(self, filters: Filters | None = None) -> list[Obligation]: ...

    def overdue_by_holder(self, framework: str, today: date) -> list[tuple[str | None, int, date]]: ...

    def obligations_in(self, conn: Connection, filters: Filters) -> list[Obligation]: ...

    def snapshot_in(self, conn: Connection) -> Snapshot: ...

    def state_in(self, conn: Connection) -> tuple[Snapshot, int]: ...

    def snapshot(self) -> Snapshot: ...

    def outbox(self, status: str | None = None) -> list: ...
