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


class ServerTiming:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()

        async def timed(message) -> None:
            if message["type"] == "http.response.start":
                took = (time.perf_counter() - start) * 1000
                message = {**message, "headers": [*message.get("headers", ()), (b"server-timing", f"app;dur={took:.1f}".encode())]}
            await send(message)

        await self.app(scope, receive, timed)
