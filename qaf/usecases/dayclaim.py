"""A runner's claim on a business date's tick, kept while it works: renewed from inside the long phases.

The tick holds its day with a lease (:data:`qaf.store.ticks.TICK_LEASE`).
Renewed only between phases, one long phase (a large council's schedule, a
slow escalation, a purge of a year's outbox) ran past it, and another runner
took the day over while the first was still at work: both ran it. So the
phases call :meth:`DayClaim.pulse` as they go (the planner at each cadence,
the purge at each batch): it renews the claim once :data:`RENEW_EVERY` has
passed on the database's clock since the last renewal (elapsed time, not a
count of steps: a step may be a millisecond or a minute), and raises
:class:`TakenOver` if another runner holds the day, so this one stops.

No heartbeat thread: a runner that hangs renews nothing, and its day is
taken over once its lease runs out. What stays uncovered is one step longer
than the lease less :data:`RENEW_EVERY` between two pulses (one statement, one
cadence's plan, a wait for a lock another writer holds).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Callable

from qaf.store import ticks
from qaf.store.protocols import Store

if TYPE_CHECKING:
    from sqlalchemy import Connection

RENEW_EVERY = timedelta(minutes=1)  # a pulse renews the claim once this much time has passed since the last renewal


class TakenOver(Exception):
    """Another runner took the day over (this one's lease had run out): this one stops, writing no more."""


class DayClaim:
    """``runner``'s claim on ``day``'s tick, renewed on ``wall`` (the database's clock) as the tick goes."""

    def __init__(self, store: Store, day: date, runner: str, wall: Callable[[], datetime]) -> None:
        self.store, self.day, self.runner, self.wall = store, day, runner, wall
        self.at = wall()  # when it was last renewed (claimed, at first)

    def renew(self, conn: Connection | None = None) -> datetime:
        """Renew the claim for a lease from now (the time); :class:`TakenOver` if it is held no more.

        ``conn``: a write transaction the caller is in. On SQLite the renewal is
        made in it: nobody else can write (so take the day) while it is open,
        and the renewal commits with the work (another connection would wait
        for it for ever). On PostgreSQL it is made in a transaction of its own,
        seen by other runners at once, the caller's (a COPY perhaps under way)
        untouched.
        """
        at = self.wall()
        if conn is not None and conn.dialect.name == "sqlite":
            held = ticks.renew_tick(conn, self.day, self.runner, at)
        else:
            with self.store.write() as own:
                held = ticks.renew_tick(own, self.day, self.runner, at)
        if not held:
            raise TakenOver(self.day)
        self.at = at
        return at

    def pulse(self, conn: Connection | None = None) -> None:
        """Renew the claim if :data:`RENEW_EVERY` has passed since it was last renewed (else nothing: no query)."""
        if self.wall() - self.at >= RENEW_EVERY:
            self.renew(conn)
