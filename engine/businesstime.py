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
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Europe/London"
TICK_HOUR = 6  # the service ticks at 06:00, business time


@lru_cache(maxsize=16)
def zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def business_date(moment: datetime, tz: str = DEFAULT_TIMEZONE) -> date:
    """The date it is in ``tz`` at ``moment`` (an aware datetime)."""
    return moment.astimezone(zone(tz)).date()


def business_now(day: date, tz: str = DEFAULT_TIMEZONE) -> datetime:
    """The tick's business time for a (replayed) day: 06:00 in ``tz``, when the service ticks."""
    return datetime.combine(day, time(TICK_HOUR, 0), zone(tz))
