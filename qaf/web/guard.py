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
- :func:`answer_head`: every GET route answers HEAD too (RFC 9110 §9.1: link
  checkers and mail scanners ask HEAD of the links in qaf's emails), and
  :class:`HeadWithoutBody` sends HEAD's answer with GET's status and headers
  and no body, whatever the server. A route with a HEAD of its own (a feed:
  its length unzipped) keeps it.
"""

from __future__ import annotations

import json

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException

TOO_LARGE = "the request is too large: nothing was read or changed"


class Middleware:
    """A plain ASGI middleware: what is not HTTP (the server's lifespan) passes straight through; an HTTP
    request goes to :meth:`http`."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        else:
            await self.http(scope, receive, send)

    async def http(self, scope, receive, send) -> None:
        await self.app(scope, receive, send)


def number(length: str) -> bool:
    """Whether a Content-Length is a number: digits 0-9 only ("²" and "٣" are digits to ``isdigit``, not to ``int``)."""
    digits = length.strip()
    return digits.isascii() and digits.isdigit()


class BodyLimit(Middleware):
    def __init__(self, app, limit: int) -> None:
        super().__init__(app)
        self.limit = limit

    async def http(self, scope, receive, send) -> None:
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not number(length) or int(length) > self.limit):
            body = json.dumps({"message": TOO_LARGE if number(length) else "the Content-Length is not a number"}).encode()
            await send({"type": "http.response.start", "status": 413 if number(length) else 400,
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


class PrivateByDefault(Middleware):
    async def http(self, scope, receive, send) -> None:
        await self.app(scope, receive, adding_headers(send, _no_store))


def _no_store(headers: list) -> list:
    """``Cache-Control: no-store`` for an answer that says nothing about caching."""
    return [] if any(name.lower() == b"cache-control" for name, _ in headers) else [(b"cache-control", b"no-store")]


def adding_headers(send, extra):
    """``send``, adding to the response's headers as they go out ``extra(headers)``, given those it has."""

    async def sending(message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            message = {**message, "headers": [*headers, *extra(headers)]}
        await send(message)

    return sending


def answer_head(app) -> None:
    """Let every GET route of ``app`` (its routes all added) answer HEAD, unless a route of its own does.

    A route the OpenAPI document describes gets a twin for HEAD that it does
    not (the document would list each GET twice); the others answer HEAD themselves.
    """
    own = {route.path for route in app.routes if "HEAD" in (getattr(route, "methods", None) or ())}
    for route in list(app.routes):
        methods = getattr(route, "methods", None)
        if methods is None or "GET" not in methods or route.path in own:
            continue
        if getattr(route, "include_in_schema", False):
            app.router.add_api_route(route.path, route.endpoint, methods=["HEAD"], include_in_schema=False,
                                     response_class=route.response_class, name=route.name)  # fmt: skip
        else:
            methods.add("HEAD")


class HeadWithoutBody(Middleware):
    async def http(self, scope, receive, send) -> None:
        if scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def bodiless(message) -> None:
            if message["type"] == "http.response.body" and message.get("body"):
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, bodiless)
