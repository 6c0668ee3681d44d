"""Serving a feed over HTTP: a strong ETag, conditional requests, and the headers calendars expect.

- ``ETag`` is strong: a digest of the exact bytes, so the same data always
  gives the same tag, on every instance behind a load balancer.
- ``If-None-Match`` (a list of tags, or ``*``) wins over
  ``If-Modified-Since`` (RFC 9110 §13.2.2); a match answers 304 with no body.
  ``If-None-Match`` compares weakly, as RFC 9110 says: ``W/"x"`` matches ``"x"``.
- ``Content-Type: text/calendar; charset=utf-8``; ``Cache-Control: private,
  no-cache`` (the URL is a secret: no shared cache may keep it; clients
  may keep it and must revalidate, which is what ETags are for).

>>> tag = etag(b"BEGIN:VCALENDAR")
>>> tag.startswith('"') and tag.endswith('"') and len(tag) == 34
True
>>> not_modified({"if-none-match": f'"nope", W/{tag}'}, tag, None)
True
>>> not_modified({"if-none-match": '"other"'}, tag, None)
False
>>> base_url("https://qaf.example.gov.uk/"), base_url('http://evil"host/')
('https://qaf.example.gov.uk', '')
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Mapping

CONTENT_TYPE = "text/calendar; charset=utf-8"
_BASE = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~/\-]*)?")
CACHE_CONTROL = "private, no-cache"


def base_url(url: str) -> str:
    """The address a request came in on, for a feed's links; '' (relative links) when it looks wrong.

    Without ``QAF_BASE_URL`` the app takes it from the request's Host header,
    which a client chooses: anything but a plain http(s) address is dropped.
    """
    url = url.rstrip("/")
    return url if _BASE.fullmatch(url) else ""


def etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def http_date(moment: datetime) -> str:
    return format_datetime(moment.replace(microsecond=0), usegmt=True)


def _tags(header: str) -> list[str]:
    return [t.strip().removeprefix("W/") for t in header.split(",") if t.strip()]


def not_modified(headers: Mapping[str, str], tag: str, last_modified: datetime | None) -> bool:
    """Whether a GET with these request headers may be answered 304."""
    match = headers.get("if-none-match")
    if match is not None:
        tags = _tags(match)
        return "*" in tags or tag in tags
    since = headers.get("if-modified-since")
    if since and last_modified is not None:
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError):
            return False
        if when.tzinfo is None:
            return False
        return last_modified.replace(microsecond=0) <= when
    return False


def headers(tag: str, last_modified: datetime | None, filename: str = "qaf.ics") -> dict[str, str]:
    """Headers for a 200 or a 304 of a feed (a 304 repeats ETag, Last-Modified and Cache-Control)."""
    out = {"ETag": tag, "Cache-Control": CACHE_CONTROL, "Content-Disposition": f'inline; filename="{filename}"'}
    if last_modified is not None:
        out["Last-Modified"] = http_date(last_modified)
    return out
