"""Whole-number settings read from the environment, each with a documented default and range.

A value that is not a whole number, or is out of range, is refused with a
message naming the variable and the range, before anything is opened:

================================ ======= =========== ===========================================
variable                         default range       what
================================ ======= =========== ===========================================
``QAF_OUTBOX_RETENTION_DAYS``    400     30–3650     days a sent email (and a digest's items) is kept
``QAF_DB_POOL_SIZE``             3       1–50        PostgreSQL connections a process keeps open
``QAF_DB_MAX_OVERFLOW``          2       0–50        more it may open under load, closed when returned
``QAF_FEED_CACHE_MB``            64      1–4096      rendered feeds kept in memory, by their bytes
``QAF_API_CACHE_MB``             32      0–4096      the API's answers kept in memory, by their bytes (0: none)
``QAF_BACKGROUND_NICE``          10      0–19        how much lower than serving the tick and sender run (Linux nice)
``QAF_TICK_SPREAD_MINUTES``      60      0–180       the daily tick is at 06:00 plus a fixed offset under this (0: 06:00 sharp)
``QAF_SMTP_PORT``                25      1–65535     the SMTP server's port (587 is usual with STARTTLS)
================================ ======= =========== ===========================================

>>> whole("QAF_DB_POOL_SIZE", {"QAF_DB_POOL_SIZE": " 4 "})
4
>>> whole("QAF_DB_POOL_SIZE", {})
3
>>> whole("QAF_DB_POOL_SIZE", {"QAF_DB_POOL_SIZE": "lots"})
Traceback (most recent call last):
...
qaf.rules.problems.QafError: QAF_DB_POOL_SIZE='lots': a whole number from 1 to 50 is needed (default 3)
"""

from __future__ import annotations

import os
from typing import Mapping

from qaf.rules.problems import QafError

SETTINGS: dict[str, tuple[int, int, int]] = {  # name: (default, lowest, highest)
    "QAF_OUTBOX_RETENTION_DAYS": (400, 30, 3650),
    "QAF_DB_POOL_SIZE": (3, 1, 50),
    "QAF_DB_MAX_OVERFLOW": (2, 0, 50),
    "QAF_FEED_CACHE_MB": (64, 1, 4096),
    "QAF_API_CACHE_MB": (32, 0, 4096),
    "QAF_BACKGROUND_NICE": (10, 0, 19),
    "QAF_TICK_SPREAD_MINUTES": (60, 0, 180),
    "QAF_SMTP_PORT": (25, 1, 65535),
}


def whole(name: str, env: Mapping[str, str] | None = None) -> int:
    """The setting ``name`` from ``env`` (default: the environment), checked against its range."""
    default, low, high = SETTINGS[name]
    raw = (os.environ if env is None else env).get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise QafError(f"{name}={raw!r}: a whole number from {low} to {high} is needed (default {default})")
    return value
