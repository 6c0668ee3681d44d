"""Kept bodies sent gzipped from a gzip made once, not compressed again on every answer.

The app compresses what it sends to a client that accepts gzip (Starlette's
``GZipMiddleware``, level :data:`LEVEL`, bodies of :data:`MINIMUM_SIZE` bytes
or more). A body the server keeps (a rendered calendar feed, an API answer,
a person's "My work") is sent many times between two changes, and the
middleware compressed it again each time: about 0.6 ms for a 53 KB feed or
a 95 KB API answer, on the event loop, where every other request waits; a
council-wide feed of 25 MB, a quarter of a second of CPU on each refresh.
Such a body is now kept as :class:`Encoded`, its gzip made at most once
(by zlib-ng, :func:`gzip_of`: the same format, in under half zlib's time),
and sent with ``Content-Encoding: gzip`` set here. The middleware
passes an answer that already says how it is encoded through untouched, and
still compresses everything else.

What a client receives is what the middleware would have sent: the same
bytes once unzipped, the same headers (``Vary: Accept-Encoding`` on every
body big enough to compress), the same rule for who gets gzip (the word
``gzip`` in ``Accept-Encoding``, the middleware's own test, so the two never
disagree).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

from starlette.responses import Response

try:  # zlib-ng: the same gzip, made faster; its 7 is as small as zlib's 6 on what qaf keeps, in under half the time
    from zlib_ng import zlib_ng as _deflate

    KEPT_LEVEL = 7
except ImportError:  # a platform without its wheel: the standard library's zlib, at the middleware's level
    import zlib as _deflate  # type: ignore[no-redef]

    KEPT_LEVEL = 6

LEVEL = 6  # the middleware's (the standard library's zlib; not Starlette's 9: on the 75 KB My work 9 took twice the time)
MINIMUM_SIZE = 1024  # smaller bodies are sent as they are: the few bytes gzip would save are not worth compressing them


@dataclass(frozen=True, slots=True)
class Encoded:
    """A kept body, and its gzip once made (None until a client accepting gzip asks, or if too small)."""

    raw: bytes
    gzip: bytes | None = None

    @property
    def size(self) -> int:
        """The bytes kept: the body and its gzip."""
        return len(self.raw) + (len(self.gzip) if self.gzip is not None else 0)

    def zipped(self) -> "Encoded":
        """This body with its gzip (made now if it was not, and if the body is big enough to compress)."""
        if self.gzip is not None or len(self.raw) < MINIMUM_SIZE:
            return self
        return replace(self, gzip=gzip_of(self.raw))


def gzip_of(raw: bytes) -> bytes:
    """``raw`` gzipped: one stream, as the middleware writes one, by zlib-ng at :data:`KEPT_LEVEL`.

    Measured on a person's 95 KB API answer, a Head of Service's 406 KB feed
    and a council's 22 MB feed (HISTORY.md): zlib at 6 took 0.46 ms,
    2.4 ms and 192 ms for 4,824, 21,160 and 1,626,233 bytes; zlib-ng at 7
    0.24 ms, 1.1 ms and 89 ms for 4,793, 21,060 and 1,610,198 bytes.
    """
    compressor = _deflate.compressobj(KEPT_LEVEL, _deflate.DEFLATED, 16 + _deflate.MAX_WBITS)
    return compressor.compress(raw) + compressor.flush()


def wants_gzip(headers: Mapping[str, str]) -> bool:
    """The client accepts gzip, by the middleware's own test (so a body is never compressed twice)."""
    return "gzip" in headers.get("accept-encoding", "")


def as_wanted(body: Encoded, request_headers: Mapping[str, str]) -> Encoded:
    """``body`` as this client will be sent it: with its gzip (made now if need be) if it accepts gzip.
    A result that is not ``body`` itself is worth keeping in its place."""
    return body.zipped() if wants_gzip(request_headers) else body


def answer(request_headers: Mapping[str, str], body: Encoded, media_type: str, headers: Mapping[str, str] | None = None) -> Response:
    """``body`` as a 200: its gzip to a client that accepts gzip, if made; otherwise the body (the middleware
    then compresses it, if the client accepts gzip and the body is big enough)."""
    if body.gzip is not None and wants_gzip(request_headers):
        vary = ", ".join(v for v in ((headers or {}).get("Vary"), "Accept-Encoding") if v)
        return Response(body.gzip, media_type=media_type, headers={**(headers or {}), "Content-Encoding": "gzip", "Vary": vary})
    return Response(body.raw, media_type=media_type, headers=dict(headers or {}))
