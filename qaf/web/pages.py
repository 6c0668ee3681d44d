"""The web pages ``qaf serve`` shows: sign in by emailed link, "My work", and an obligation's page.

Routes (server-rendered HTML, no JavaScript needed):

- ``GET /``: to "My work", or to sign in.
- ``GET, POST /sign-in``: ask for a sign-in link by email (:mod:`qaf.usecases.signin`).
- ``GET /sign-in/{token}``: a page with one button that spends the link
  (``POST``). Opening the link spends nothing, so a mail scanner (Outlook's
  Safe Links) fetching it first does not use it up.
- ``POST /sign-out``.
- ``GET /my-work``: overdue, due (the next three months, by month), done
  lately, and what I attend, through the query core ``qaf due`` uses.
- ``GET /obligations/{id}``: one obligation; ``POST /obligations/{id}/outcome``
  records an audit's outcome with ``qaf record``'s checks, each problem shown
  beside its field and nothing written.

Who sees what is :mod:`qaf.calendars.access`'s rule, as for the API (a
signed-in person has the widest scope they may have); someone else's
obligation is 403 with no detail, on every page and every post. Every post
is refused (403) without its CSRF token. Pages that need a session send a
visitor to sign in and back again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any, Callable

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from qaf.calendars.feed import DONE_DAYS
from qaf.engine.model import DONE, LIVE, Obligation
from qaf.engine.outcomes import GRADED, Recording
from qaf.engine.query import Filters
from qaf.rules.problems import InputError, Problem, Source
from qaf.rules.roles import Vocabulary
from qaf.usecases import mail, queries, recording, signin
from qaf.web import filters, line
from qaf.web.details import details
from qaf.web.forms import FormError, anon_token, form, local_path, page, same, secure, set_anon
from qaf.web.site import COOKIE, Site, Viewer

AHEAD = timedelta(days=92)  # "My work" lists what is due in about the next three months
FIELDS = ("grade", "concerns", "date", "notes")
WEB = Source("web", 0)


def install(app: FastAPI, store, clock: Callable[[], date], now: Callable[[], datetime], base: str | None,
            overseers: tuple[str, ...], mail_settings: Callable[[], mail.MailSettings]) -> Site:  # fmt: skip
    """Add the pages to ``app`` (the same store and business date as the API); answer the :class:`Site`
    the other page modules install themselves with."""
    site = Site(store, clock, now, base, overseers, mail_settings)
    viewer, to_sign_in, refused, one = site.viewer, site.to_sign_in, site.refused, site.one

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        return RedirectResponse("/my-work" if viewer(request) else "/sign-in", status_code=303)

    @app.get("/sign-in", include_in_schema=False)
    def sign_in_form(request: Request, next: str | None = None) -> Response:
        token = anon_token(request)
        return set_anon(page("sign_in.html", csrf=token, next=local_path(next), errors={}, email=""), token, secure(request, base))

    @app.post("/sign-in", include_in_schema=False)
    async def ask_for_link(request: Request) -> Response:
        fields = await form(request)
        if not same(request.cookies.get("qaf_csrf"), fields.get("csrf")):
            return refused(403, "Sign-in form expired", "Open the sign-in page again and ask for a new link.")
        email, back = fields.get("email", "").strip(), local_path(fields.get("next"))
        token = anon_token(request)
        if "@" not in email or len(email) > 320:
            errors = {"email": "Enter your work email address, like name@council.gov.uk"}
            return page("sign_in.html", 422, csrf=token, next=back, errors=errors, email=email[:320])
        settings = mail_settings()
        if not settings.configured:
            return refused(503, "Email is not set up", "This qaf cannot send email yet (QAF_SMTP_HOST): ask whoever runs it.")
        where = base or (str(request.base_url).rstrip("/") if request.url.hostname in ("127.0.0.1", "localhost", "::1") else None)
        if where is None:
            return refused(503, "Sign-in links are not set up", "This qaf does not know its address (QAF_BASE_URL): ask whoever runs it.")
        try:
            made = signin.request_link(store, email, now(), clock())
        except signin.SigninError as exc:
            return refused(429, "Too many sign-in links", str(exc).capitalize() + ".")
        if made is None:
            return refused(403, "We could not sign you in",
                           "That email address is not one of this organisation's staff. Check it, or ask your manager to add you.")  # fmt: skip
        person, link = made
        url = f"{where}/sign-in/{link}" + (f"?next={back}" if back != "/my-work" else "")
        try:
            await run_in_threadpool(signin.send, settings, signin.link_email(settings, person, url, now()))
        except (OSError, ValueError):
            return refused(502, "The email could not be sent", "Please try again in a few minutes.")
        return page("message.html", title="Check your email",
                    message=f"We have sent a sign-in link to {person.email}. It works once, for 15 minutes.")  # fmt: skip

    @app.get("/sign-in/{link}", include_in_schema=False)
    def open_link(request: Request, link: str, next: str | None = None) -> Response:
        token = anon_token(request)
        return set_anon(page("use_link.html", csrf=token, link=link, next=local_path(next)), token, secure(request, base))

    @app.post("/sign-in/{link}", include_in_schema=False)
    async def use_link(request: Request, link: str) -> Response:
        fields = await form(request)
        if not same(request.cookies.get("qaf_csrf"), fields.get("csrf")):
            return refused(403, "Sign-in form expired", "Open the link from your email again.")
        session = signin.use_link(store, link, now(), clock())
        if session is None:
            return refused(400, "This sign-in link cannot be used",
                           "It has expired or has already been used. Ask for a new one from the sign-in page.")  # fmt: skip
        response = RedirectResponse(local_path(fields.get("next")), status_code=303)
        response.set_cookie(COOKIE, session.token, httponly=True, samesite="lax", secure=secure(request, base), path="/")
        return response

    @app.post("/sign-out", include_in_schema=False)
    async def sign_out(request: Request) -> Response:
        who = viewer(request)
        fields = await form(request)
        if who is None or not same(who.csrf, fields.get("csrf")):
            return refused(403, "You have not been signed out", "Go back, reload the page and try again.", who)
        signin.sign_out(store, request.cookies.get(COOKIE))
        response = page("message.html", title="You have signed out", message="Close this window, or sign in again.")
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/my-work", include_in_schema=False)
    def my_work(request: Request) -> Response:
        who = viewer(request)
        if who is None:
            return to_sign_in(request)
        asked = filters.parse(request.query_params, store.org(), Vocabulary(()))  # My work offers no role filter
        if asked.errors:
            return page("my_work.html", 422, viewer=who, asked=asked, today=clock(), overdue=[], months={}, done=[], attending=[])
        return page("my_work.html", viewer=who, asked=asked, **work_of(store, who.person, clock(), asked))

    @app.get("/obligations/{oid}", include_in_schema=False)
    def obligation(request: Request, oid: str) -> Response:
        who = viewer(request)
        if who is None:
            return to_sign_in(request)
        ob = one(oid, who)
        return ob if isinstance(ob, Response) else page("obligation.html", **about(store, ob, who, clock()))

    @app.post("/obligations/{oid}/outcome", include_in_schema=False)
    async def record_outcome(request: Request, oid: str) -> Response:
        who = viewer(request)
        if who is None:
            return refused(403, "You are not signed in", "Sign in, then record the outcome again.")
        fields = await form(request)
        if not same(who.csrf, fields.get("csrf")):
            return refused(403, "This form has expired", "Go back, reload the page and record the outcome again.", who)
        ob = one(oid, who)
        if isinstance(ob, Response):
            return ob
        today = clock()
        try:
            rec = _recording(ob, fields, who.person)
            result = recording.record(store, rec, today)
        except InputError as exc:
            errors = {p.field: _words(p.message) for p in reversed(exc.problems) if p.field in FIELDS}
            general = [_words(p.message) for p in exc.problems if p.field not in FIELDS]
            shown = {**about(store, ob, who, today), "errors": errors, "general": general, "entered": fields}
            return page("obligation.html", 422, **shown)
        done = store.obligations(Filters(ids=frozenset({ob.id}), statuses=None))[0]
        org = store.org()
        return page("recorded.html", viewer=who, ob=done, created=result.created, queued=result.queued,
                    shortfalls=result.shortfalls, name=lambda pid: _name(org, pid))  # fmt: skip

    app.add_exception_handler(FormError, _form_error)
    line.install(app, site)
    return site


async def _form_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, FormError)
    return page("message.html", exc.status, title="That could not be sent", message=exc.message)


def _name(org, pid: str | None) -> str:
    person = org.person(pid) if pid else None
    return person.name if person else (pid or "nobody")


def _words(message: str) -> str:
    """A problem as the page says it: the form's words, not the command line's options."""
    if "needs --grade" in message:
        return "Choose a grade"
    message = message.replace(" with --by", "").replace("_", " ")
    return message[:1].upper() + message[1:]


def _recording(ob: Obligation, fields: dict[str, str], by: str) -> Recording:
    problems: list[Problem] = []
    day = None
    text = fields.get("date", "").strip()
    if text:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            problems.append(Problem(WEB, "date", "Enter the date as YYYY-MM-DD, for example 2024-06-03"))
    notes = fields.get("notes", "")
    if len(notes) > 10_000:
        problems.append(Problem(WEB, "notes", "Notes must be 10,000 characters or fewer"))
    if problems:
        raise InputError(problems, f"{ob.id}: nothing recorded, the store is unchanged")
    return Recording(ob.id, fields.get("grade") or None, fields.get("concerns") == "yes", (), by, day, notes)


def work_of(store, person: str, today: date, asked: filters.Asked | None = None) -> dict[str, Any]:
    """"My work": what is overdue, due by month, done lately and attended, through ``qaf due``'s query,
    narrowed by the filters ``asked`` (kind, row, framework, case, dates, statuses)."""
    q = replace(asked.query, person=person) if asked else queries.DueQuery(person=person)
    shown = set(asked.statuses) if asked and asked.statuses else None
    live_shown = tuple(s for s in shown if s != DONE) if shown is not None else queries.LIVE_SHOWN
    live = queries.due(store, replace(q, date_to=q.date_to or today + AHEAD, statuses=live_shown), today) if live_shown else []
    done = queries.due(store, replace(q, date_from=q.date_from or today - timedelta(days=DONE_DAYS), statuses=(DONE,)), today)
    if asked and asked.case:
        live, done = ([o for o in found if (o.case or "").lower() == asked.case.lower()] for found in (live, done))
    if shown is not None:
        done = done if DONE in shown else []
    org = store.org()
    mine = [o for o in live if o.role_of(person) == "owner"]
    months: dict[str, list[Obligation]] = {}
    for o in sorted((o for o in mine if queries.shown_status(o, today, person) != "overdue"), key=lambda o: (o.due, o.title)):
        months.setdefault(o.due.strftime("%B %Y"), []).append(o)
    return {
        "today": today, "overdue": sorted((o for o in mine if queries.shown_status(o, today, person) == "overdue"), key=lambda o: o.due),
        "months": months, "done": sorted((o for o in done if o.role_of(person) == "owner"), key=lambda o: o.due, reverse=True),
        "attending": sorted((o for o in live if o.role_of(person) != "owner"), key=lambda o: o.due),
        "name": lambda pid: _name(org, pid), "status": lambda o: queries.shown_status(o, today, person),
        "detail": details(store, [*live, *done]),
    }  # fmt: skip


def about(store, ob: Obligation, who: Viewer, today: date) -> dict[str, Any]:
    """What an obligation's page shows, and whether it has the outcome form (a live audit or review)."""
    org = store.org()
    fw = store.framework(ob.framework)
    try:
        row = fw.row(ob.row)
    except (KeyError, LookupError):
        row = None
    cause = store.obligations(Filters(ids=frozenset({ob.cause}), statuses=None)) if ob.cause and len(ob.cause) == 16 else []
    return {
        "viewer": who, "ob": ob, "today": today, "status": queries.shown_status(ob, today, who.person),
        "name": lambda pid: _name(org, pid), "grades": fw.grades, "cause": cause[0] if cause else None,
        "recordable": ob.status in LIVE and ob.kind in GRADED, "row": row, "errors": {}, "general": [], "entered": {},
    }  # fmt: skip
