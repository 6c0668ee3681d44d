"""Plain ASGI middleware that guards every answer before the app sees the request.

- :class:`BodyLimit`: a request body over the limit is answered 413 (JSON,
  as every API error). One whose ``Content-Length`` says so is refused
  without reading a byte of it, before any route, token check or body
  parser runs; one sent in chunks, with no length, as soon as the bytes read
  pass the limit (the route reading it gets :class:`HTTPException` 413, which
  the app's one error boundary answers). Nothing beyond the limit is held.
- :class:`PrivateByDefault`: an answer that says nothing about caching (the
  JSON API's, every error, a redirect) gets ``Cache-Control: no-store``, as
  the pages do: what qaf answers names people, cases and grades. Answers that
  set their own (the feeds: private, revalidated; the stylesheet: public)
  keep it.
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException

TOO_LARGE = "the request is too large: nothing was read or changed"


class BodyLimit:
    def __init__(self, app, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.strip().isdigit() or int(length) > self.limit):
            body = json.dumps({"message": TOO_LARGE if length.strip().isdigit() else "the Content-Length is not a number"}).encode()
            await send({"type": "http.response.start", "status": 413 if length.strip().isdigit() else 400,
                        "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                    (b"cache-control", b"no-store"), (b"connection", b"close")]})  # fmt: skip
            await send({"type": "http.response.body", "body": body})
            return
        read = 0

        async def limited():
            nonlocal read
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > self.limit:
                    raise HTTPException(413, TOO_LARGE)
            return message

        await self.app(scope, limited, send)


class PrivateByDefault:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def private(message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", ())
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    message = {**message, "headers": [*headers, (b"cache-control", b"no-store")]}
            await send(message)

        await self.app(scope, receive, private)
