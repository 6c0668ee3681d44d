"""``qaf demo --serve``: the demo's store in a browser, signed in as anyone in it, within a minute.

:func:`demo_app` is ``qaf serve``'s app (:func:`qaf.web.api.create_app`) over
the store a demo made, plus:

- ``GET /demo/sign-in``: everyone in the demo council who has not left,
  grouped by role (the Director, Heads of Service, Operations Managers,
  Practice Managers first; everyone else folded away), each a button;
- ``POST /demo/sign-in``: starts the same session an emailed link starts
  (:func:`qaf.usecases.signin.start_session`) for the person chosen, with
  the CSRF token of the forms shown before sign-in;
- a banner on every page saying this is a demonstration whose sign-in needs
  no proof (:data:`qaf.web.forms.BANNER`).

It exists only for a store a demo made: :func:`demo_app` refuses any store
without the demo's mark (:data:`qaf.store.meta.DEMO`), each request checks
the mark again, and ``qaf serve`` never installs these routes. The business
date is the last day the demo replayed, so "My work" shows the demo's year
as it stood then.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Callable

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from qaf.clock import utc_now
from qaf.rules.problems import QafError
from qaf.store import meta
from qaf.store.sql import SqlStore
from qaf.usecases import signin
from qaf.web import forms
from qaf.web.api import create_app
from qaf.web.forms import anon_token, form, page, same, secure, set_anon
from qaf.web.site import COOKIE

BANNER = "Demonstration: an invented council, where anyone may sign in as anyone."
LEADING = ("Director of Children's Services", "Deputy Director", "Assistant Director", "Head of Service",
           "Operations Manager", "Practice Manager", "Independent Reviewing Officer", "Moderator")  # fmt: skip


def demo_mark(store) -> dict | None:
    """What the demo that made this store replayed (seed, first and last day), or None: not a demo's store."""
    found = meta.get(store, meta.DEMO)
    try:
        mark = json.loads(found) if found else None
    except ValueError:
        return None
    return mark if isinstance(mark, dict) and isinstance(mark.get("last"), str) else None


def demo_store(out: Path) -> str:
    """The URL of the store the demo wrote in ``out``, if it is one (else :class:`QafError`, saying why)."""
    db = out / "qaf.db"
    if not db.is_file():
        raise QafError(f"{out}: no demo store there (qaf.db): run qaf demo --out {out} first")
    url = f"sqlite:///{db.resolve()}"
    store = SqlStore.open(url)
    try:
        if demo_mark(store) is None:
            raise QafError(f"{db}: not a store qaf demo made; its sign-in as anyone is only for a demo's store")
    finally:
        store.close()
    return url


class _Banner:
    """ASGI middleware: every page rendered while answering says :data:`BANNER`."""

    def __init__(self, app, text: str) -> None:
        self.app, self.text = app, text

    async def __call__(self, scope, receive, send) -> None:
        token = forms.BANNER.set(self.text)
        try:
            await self.app(scope, receive, send)
        finally:
            forms.BANNER.reset(token)


def groups(org, vocab, today: date) -> list[tuple[str, list[tuple[str, str]], bool]]:
    """(role, [(person id, "Name, Team")], leading) for everyone active on ``today``, by their first role."""
    found: dict[str, list[tuple[str, str]]] = {}
    for p in org.people:
        if not p.active_on(today) or not p.roles:
            continue
        role = vocab.resolve(p.roles[0]) or p.roles[0]
        team = org.team(p.team) if p.team else None
        found.setdefault(role, []).append((p.id, f"{p.name}, {team.name}" if team else p.name))
    order = {r: i for i, r in enumerate(LEADING)}
    ranked = sorted(found, key=lambda r: (order.get(r, len(LEADING)), r))
    return [(r, sorted(found[r], key=lambda x: x[1]), r in order) for r in ranked]


def install(app: FastAPI, store, clock: Callable[[], date], base: str | None) -> None:
    """Add the demo's sign-in to ``app`` (its store must bear the demo's mark) and the banner to every page."""
    if demo_mark(store) is None:
        raise QafError("not a store qaf demo made: its sign-in as anyone is only for a demo's store")
    app.add_middleware(_Banner, text=BANNER)

    def gone() -> Response:
        return page("message.html", 404, title="Page not found", message="There is no such page.")

    @app.get("/demo/sign-in", include_in_schema=False)
    def demo_sign_in(request: Request) -> Response:
        if demo_mark(store) is None:
            return gone()
        token = anon_token(request)
        shown = page("demo_sign_in.html", csrf=token, groups=groups(store.org(), store.vocabulary(), clock()), title="Sign in as anyone")
        return set_anon(shown, token, secure(request, base), path="/demo")

    @app.post("/demo/sign-in", include_in_schema=False)
    async def demo_sign_in_as(request: Request) -> Response:
        fields = await form(request)  # read on the event loop; the store's work in a worker thread, never on the loop
        return await run_in_threadpool(signing_in, request, fields)

    def signing_in(request: Request, fields: dict[str, str]) -> Response:
        if demo_mark(store) is None:
            return gone()
        if not same(request.cookies.get(forms.ANON_COOKIE), fields.get("csrf")):
            return page("message.html", 403, title="This form has expired", message="Open the demo's sign-in page again.")
        person = signin.person_by_id(store.org(), fields.get("person", ""), clock())
        if person is None:
            return page("message.html", 400, title="Choose someone to sign in as", message="Nobody by that id works in the demo council.")
        session = signin.start_session(store, person.id, utc_now())
        response = RedirectResponse("/my-work", status_code=303)
        response.set_cookie(COOKIE, session.token, httponly=True, samesite="lax", secure=secure(request, base), path="/")
        return response


def demo_app(out: Path) -> FastAPI:
    """``qaf serve``'s app over the demo's store in ``out``, with the demo's sign-in and banner."""
    url = demo_store(out)
    store = SqlStore.open(url)
    try:
        last = date.fromisoformat(demo_mark(store)["last"])  # type: ignore[index]
    finally:
        store.close()
    app = create_app(url, lambda: last)
    install(app, app.state.store, lambda: last, None)
    return app


def serve(out: Path, host: str, port: int, say: Callable[[str], None]) -> None:
    import uvicorn

    app = demo_app(out)
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0", "::") else host
    say(f"Serving the demo at http://{shown}:{port}/demo/sign-in : sign in as anyone in it (Ctrl+C to stop).")
    uvicorn.run(app, host=host, port=port, log_level="warning")
