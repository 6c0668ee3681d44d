"""``Server-Timing`` on every answer: how long the server took, for browsers' tools and benchmarks.

:class:`ServerTiming` is a plain ASGI middleware (no request object built, no
body copied): it notes the time a request arrives and adds
``Server-Timing: app;dur=MS`` to the response's headers when they are sent,
so the figure covers routing, the thread pool's queue, the handler and
compression, but not the time a request waited to be read off the socket.
It says nothing about who asked or what they saw: a duration only.
"""

from __future__ import annotations

import time

from qaf.web.guard import Middleware, adding_headers


class ServerTiming(Middleware):
    async def http(self, scope, receive, send) -> None:
        start = time.perf_counter()
        took = lambda _: [(b"server-timing", f"app;dur={(time.perf_counter() - start) * 1000:.1f}".encode())]  # noqa: E731
        await self.app(scope, receive, adding_headers(send, took))
