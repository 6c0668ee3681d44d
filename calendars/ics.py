"""RFC 5545 content lines, written directly: escaping, value formats and folding.

Why not icalendar's writer: icalendar 7.3 takes about 400 µs an event here
(``Event.new`` and ``to_ical``, most of it folding one character at a
time), 12 s for a large council's 30,000 events; the target is 3 s. The few
value types a feed uses are written here instead, and the tests read every
feed back with icalendar *and* vobject (validating), so each format is held
by two independent parsers. The rules kept:

- TEXT escapes backslash, semicolon, comma and newline (RFC 5545 §3.3.11);
- dates are ``YYYYMMDD``, date-times UTC ``YYYYMMDDTHHMMSSZ``: no TZID, so no
  VTIMEZONE is ever needed (DEPENDENCIES.md: generated ones read an hour
  wrong in two clients);
- lines end CRLF and fold at 75 octets (§3.1), never inside a UTF-8 sequence
  and never between a backslash and the character it escapes (icalendar
  issue 1501: some clients unfold such a split wrongly).

>>> text("Audit; case, CS-000123\\nnext")
'Audit\\\\; case\\\\, CS-000123\\\\nnext'
>>> duration(timedelta(days=-8, hours=9)), duration(timedelta(hours=9)), duration(timedelta(hours=4))
('-P7DT15H', 'PT9H', 'PT4H')
>>> [len(part) for part in line("DESCRIPTION", "é" * 60).split(b"\\r\\n")]
[74, 59, 0]
>>> serialize(["BEGIN:VCALENDAR", prop("X-NOTE", text("a" * 80)), "END:VCALENDAR"]).count(b"\\r\\n ")
1
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Iterable

CRLF = b"\r\n"
LIMIT = 75
_SPECIAL = re.compile(r"[\\;,\r\n\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # RFC 5545 allows none of them in TEXT


def text(value: str) -> str:
    """A TEXT value, escaped; any line break becomes ``\\n``, any other control character a space."""
    if not _SPECIAL.search(value):
        return value
    value = _CONTROL.sub(" ", value)
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
        .replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    )  # fmt: skip


def texts(values: Iterable[str]) -> str:
    """A list of TEXT values (CATEGORIES): each escaped, joined by commas."""
    return ",".join(text(v) for v in values)


@lru_cache(maxsize=4096)
def day(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


@lru_cache(maxsize=4096)
def utc(moment: datetime) -> str:
    m = moment.astimezone(timezone.utc) if moment.tzinfo else moment
    return f"{m.year:04d}{m.month:02d}{m.day:02d}T{m.hour:02d}{m.minute:02d}{m.second:02d}Z"


@lru_cache(maxsize=1024)
def duration(span: timedelta) -> str:
    """An RFC 5545 duration: ``-P7DT15H``, ``PT9H``, ``P1D``."""
    sign = "-" if span < timedelta(0) else ""
    seconds = int(abs(span).total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
    if not days and not clock:
        return "PT0S"
    return f"{sign}P{f'{days}D' if days else ''}{'T' + clock if clock else ''}"


def fold(raw: bytes) -> bytes:
    """One content line folded to 75 octets a line (continuations begin with a space), without its CRLF.

    A fold never lands inside a UTF-8 sequence (it steps back over continuation
    octets) nor right after an escaping backslash (it steps back one more).
    """
    n = len(raw)
    if n <= LIMIT:
        return raw
    parts = []
    start, end = 0, LIMIT
    while end < n:
        while (raw[end] & 0xC0) == 0x80:  # never more than 3 steps: a character is at most 4 octets
            end -= 1
        if raw[end - 1] == 0x5C:
            k = end - 1
            while k > start and raw[k - 1] == 0x5C:
                k -= 1
            if (end - k) % 2:  # an odd run of backslashes: the last one escapes what follows
                end -= 1
        parts.append(raw[start:end])
        start, end = end, end + LIMIT - 1  # a continuation line is a space and 74 octets
    parts.append(raw[start:])
    return b"\r\n ".join(parts)


_PARAM_BAD = re.compile(r'["\x00-\x08\x0a-\x1f\x7f]')


def param(value: str) -> str:
    """A parameter value (RFC 5545 §3.2): quoted, with no DQUOTE or control character in it."""
    return '"' + _PARAM_BAD.sub(" ", value) + '"'


def cal_address(email: str) -> str | None:
    """``mailto:`` an address that can be one, or None: a bad address is left out, never written broken."""
    if not re.fullmatch(r"[^\s@:;,\"<>\\]+@[^\s@:;,\"<>\\]+\.[^\s@:;,\"<>\\]+", email or ""):
        return None
    return "mailto:" + email


def prop(name: str, value: str, params: str = "") -> str:
    """``NAME;PARAMS:value``, unfolded (``value`` already escaped or formatted: no CR or LF in it)."""
    return f"{name}{params}:{value}"


def serialize(lines: list[str]) -> bytes:
    """Content lines as bytes: encoded once, each longer than 75 octets folded, every one CRLF-ended."""
    raw = "\r\n".join(lines).encode("utf-8")
    return b"\r\n".join([part if len(part) <= LIMIT else fold(part) for part in raw.split(CRLF)]) + CRLF


def line(name: str, value: str, params: str = "") -> bytes:
    """One property as folded, CRLF-ended bytes."""
    return serialize([prop(name, value, params)])
