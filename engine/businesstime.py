"""Business time: the council's date and the tick's hour, in the framework's timezone. Pure.

The business date is the date on the council's own calendar (the
framework's ``timezone`` setting, default Europe/London), not the host's:
at 00:30 on a British summer morning UTC still says yesterday. Callers pass
the moment (the interfaces read the wall clock, ``qaf.clock``); nothing here
reads it.

>>> from datetime import datetime, timezone
>>> business_date(datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc), "Europe/London")
datetime.date(2026, 7, 1)
>>> business_date(datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc), "Europe/London")
datetime.date(2026, 12, 31)
>>> business_now(datetime(2026, 7, 1).date(), "Europe/London").isoformat()
'2026-07-01T06:00:00+01:00'
>>> tick_time("db.example:5432/qaf/east_sussex", 0).isoformat()
'06:00:00'
>>> tick_time("db.example:5432/qaf/east_sussex", 60) == tick_time("db.example:5432/qaf/east_sussex", 60)
True
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Europe/London"
TICK_HOUR = 6  # the service ticks at 06:00, business time (or within the spread after it: tick_time)


@lru_cache(maxsize=16)
def zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def business_date(moment: datetime, tz: str = DEFAULT_TIMEZONE) -> date:
    """The date it is in ``tz`` at ``moment`` (an aware datetime)."""
    return moment.astimezone(zone(tz)).date()


def business_now(day: date, tz: str = DEFAULT_TIMEZONE) -> datetime:
    """The tick's business time for a (replayed) day: 06:00 in ``tz``, when the service ticks."""
    return datetime.combine(day, time(TICK_HOUR, 0), zone(tz))


def tick_time(store: str, spread_minutes: int) -> time:
    """When the service ticks the council whose store is ``store``: 06:00, plus an offset of under ``spread_minutes``.

    The offset is the same every day and for every instance of one council
    (it comes from the store's name: a hash, so it neither drifts nor needs
    configuring), and different for different councils, so councils sharing
    one database server tick at different moments of the hour rather than
    all at 06:00:00. ``spread_minutes`` 0 is 06:00 sharp.
    """
    if spread_minutes <= 0:
        return time(TICK_HOUR, 0)
    offset = int.from_bytes(hashlib.sha256(store.encode()).digest()[:8], "big") % (spread_minutes * 60)
    return time(TICK_HOUR + offset // 3600, offset // 60 % 60, offset % 60)
