"""The wall clock: read here, and only by the interfaces (the CLI, the service, the web app, the demo).

Everything below the interfaces takes time as an argument (``today``,
``now``, ``wall``), so a whole year can be replayed in seconds. The
business date is the date in the framework's timezone
(:func:`qaf.engine.businesstime.business_date`), never the host's.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Callable

from qaf.engine.businesstime import business_date


def utc_now() -> datetime:
    """Now, as an aware UTC datetime: leases, stamps and the moment the business date is read from."""
    return datetime.now(timezone.utc)


def lease_clock(store, local: Callable[[], datetime] = utc_now) -> Callable[[], datetime]:
    """The clock leases are timed by (the tick's claim of its day, the outbox's claims): on PostgreSQL the
    database server's, read once here and followed on this machine's clock from then on, so runners on
    machines whose clocks differ agree on whose lease has run out (each timed by its own, a runner minutes
    ahead took over a live runner's claim and the same email went twice). On SQLite, ``local``."""
    before = local()
    server = store.database_time()
    if server is None:
        return local
    after = local()
    ahead = server.astimezone(timezone.utc) - (before + (after - before) / 2)
    return lambda: local() + ahead


def today_in(tz: str) -> date:
    """Today's business date in ``tz`` (an IANA name, the framework's ``timezone``)."""
    return business_date(utc_now(), tz)
