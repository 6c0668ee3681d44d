"""The wall clock: read here, and only by the interfaces (the CLI, the service, the web app, the demo).

Everything below the interfaces takes time as an argument (``today``,
``now``, ``wall``), so a whole year can be replayed in seconds. The
business date is the date in the framework's timezone
(:func:`qaf.engine.businesstime.business_date`), never the host's.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from qaf.engine.businesstime import business_date


def utc_now() -> datetime:
    """Now, as an aware UTC datetime: leases, stamps and the moment the business date is read from."""
    return datetime.now(timezone.utc)


def today_in(tz: str) -> date:
    """Today's business date in ``tz`` (an IANA name, the framework's ``timezone``)."""
    return business_date(utc_now(), tz)
