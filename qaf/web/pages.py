"""The web pages ``qaf serve`` shows: sign in by emailed link, "My work", and an obligation's page.

Routes (server-rendered HTML, no JavaScript needed):

- ``GET /``: to "My work", or to sign in.
- ``GET, POST /sign-in``: ask for a sign-in link by email (:mod:`qaf.usecases.signin`). The link
  names the page to go back to by its path alone, and only one of the site's pages
  (:func:`qaf.web.forms.emailed_path`): its query (a search's filters, a case reference typed)
  never goes into an email; the browser that asked keeps it (a cookie for the link's life) and
  lands on it, query and all. Opened elsewhere, the link lands on the page unfiltered.
- ``GET /sign-in/{token}``: a page with one button that spends the link
  (``POST``). Opening the link spends nothing, so a mail scanner (Outlook's
  Safe Links) fetching it first does not use it up.
- ``POST /sign-out`` (with the session's CSRF token; a session that has
  ended already is answered "You have signed out", its cookie dropped).
- ``GET /my-work``: first how much is overdue and due this week (:func:`this_week`,
  each a link to that list), then overdue, due (the next three months, by month), done
  lately, and what I attend, through the query core ``qaf due`` uses; then
  the graded audits of my own work, newest first, each to read and contest
  (:func:`qaf.usecases.queries.graded_work`; never the auditor's notes);
  rendered once per session and store version (:mod:`qaf.web.memo`).
- An obligation's page and the acts on it (record, moderate, QA sign-off,
  contest, close an action) are :mod:`qaf.web.acting`'s, installed last.

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
from urllib.parse import quote

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from qaf.calendars.feed import DONE_DAYS
from qaf.engine.model import DONE, Obligation
from qaf.rules.roles import Vocabulary
from qaf.usecases import mail, queries, signin
from qaf.web import filters
from qaf.web.details import details
from qaf.web.forms import NEXT_COOKIE, FormError, anon_token, emailed_path, form, kept_path, local_path, page, same, secure, set_anon
from qaf.web.memo import PageMemo
from qaf.web.site import COOKIE, Site, name_of

AHEAD = timedelta(days=92)  # "My work" lists what is due in about the next three months
GRADED_SHOWN = 50  # "Audits of my work" lists this many, newest first


def install(app: FastAPI, store, clock: Callable[[], date], now: Callable[[], datetime], base: str | None,
            overseers: tuple[str, ...], mail_settings: Callable[[], mail.MailSettings], oidc_name: str | None = None) -> Site:  # fmt: skip
    """Add the pages to ``app`` (the same store and business date as the API); answer the :class:`Site`
    the other page modules install themselves with."""
    site = Site(store, clock, now, base, overseers, mail_settings)
    viewer, to_sign_in, refused = site.viewer, site.to_sign_in, site.refused
    memo = app.state.my_work_memo = PageMemo(site)  # My work, rendered once per session and store version

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        return RedirectResponse("/my-work" if viewer(request) else "/sign-in", status_code=303)

    @app.get("/sign-in", include_in_schema=False)
    def sign_in_form(request: Request, next: str | None = None) -> Response:
        if twice := site.next_twice(request):
            return twice
        token = anon_token(request)
        shown = page("sign_in.html", csrf=token, next=local_path(next), errors={}, email="", oidc_name=oidc_name)
        return set_anon(shown, token, secure(request, base))

    @app.post("/sign-in", include_in_schema=False)
    async def ask_for_link(request: Request) -> Response:
        fields = await form(request)
        if not same(request.cookies.get("qaf_csrf"), fields.get("csrf")):
            return refused(403, "Sign-in form expired", "Open the sign-in page again and ask for a new link.")
        email, back = fields.get("email", "").strip(), local_path(fields.get("next"))
        token = anon_token(request)
        if "@" not in email or len(email) > 320:
            errors = {"email": "Enter your work email address, like name@council.gov.uk"}
            return page("sign_in.html", 422, csrf=token, next=back, errors=errors, email=email[:320], oidc_name=oidc_name)
        settings = mail_settings()
        if not settings.configured:
            return refused(503, "Email is not set up", "This qaf cannot send email yet (QAF_SMTP_HOST): ask whoever runs it.")
        where = base or (str(request.base_url).rstrip("/") if request.url.hostname in ("127.0.0.1", "localhost", "::1") else None)
        if where is None:
            return refused(503, "Sign-in links are not set up", "This qaf does not know its address (QAF_BASE_URL): ask whoever runs it.")
        try:  # the store's work in a worker thread: a busy database never holds up the event loop (every other request)
            made = await run_in_threadpool(signin.request_link, store, email, now(), clock())
        except signin.SigninError as exc:
            return refused(429, "Too many sign-in links", str(exc).capitalize() + ".")
        if made is None:
            return refused(403, "We could not sign you in",
                           "That email address is not one of this organisation's staff. Check it, or ask your manager to add you.")  # fmt: skip
        person, link = made
        emailed = emailed_path(back)  # the page's path alone: what was typed into its query stays in this browser
        url = f"{where}/sign-in/{link}" + (f"?next={quote(emailed, safe='/')}" if emailed and emailed != "/my-work" else "")
        try:
            await run_in_threadpool(signin.send, settings, signin.link_email(settings, person, url, now()))
        except (OSError, ValueError):  # no link nobody received kept, nor counted against the next try (MAX_LINKS)
            await run_in_threadpool(signin.withdraw_link, store, link)
            return refused(502, "The email could not be sent", "Please try again in a few minutes.")
        sent = page("message.html", title="Check your email",
                    message=f"We have sent a sign-in link to {person.email}. It works once, for 15 minutes.")  # fmt: skip
        if back != (emailed or "/my-work"):
            sent.set_cookie(NEXT_COOKIE, back, max_age=int(signin.LINK_LIFE.total_seconds()), httponly=True, samesite="lax",
                            secure=secure(request, base), path="/sign-in")  # fmt: skip
        return sent

    @app.get("/sign-in/{link}", include_in_schema=False)
    def open_link(request: Request, link: str, next: str | None = None) -> Response:
        if twice := site.next_twice(request):
            return twice
        token = anon_token(request)
        return set_anon(page("use_link.html", csrf=token, link=link, next=local_path(next)), token, secure(request, base))

    @app.post("/sign-in/{link}", include_in_schema=False)
    async def use_link(request: Request, link: str) -> Response:
        fields = await form(request)
        if not same(request.cookies.get("qaf_csrf"), fields.get("csrf")):
            return refused(403, "Sign-in form expired", "Open the link from your email again.")
        session = await run_in_threadpool(signin.use_link, store, link, now(), clock())
        if session is None:
            return refused(400, "This sign-in link cannot be used",
                           "It has expired or has already been used. Ask for a new one from the sign-in page.")  # fmt: skip
        response = RedirectResponse(kept_path(request.cookies.get(NEXT_COOKIE), local_path(fields.get("next"))), status_code=303)
        response.set_cookie(COOKIE, session.token, httponly=True, samesite="lax", secure=secure(request, base), path="/")
        response.delete_cookie(NEXT_COOKIE, path="/sign-in")
        return response

    @app.get("/sign-out", include_in_schema=False)
    def not_signing_out() -> Response:  # the address opened again: a GET signs nobody out (a link elsewhere could)
        return RedirectResponse("/", status_code=303)

    @app.post("/sign-out", include_in_schema=False)
    async def sign_out(request: Request) -> Response:
        fields = await form(request)
        return await run_in_threadpool(signing_out, request, fields)

    def signing_out(request: Request, fields: dict[str, str]) -> Response:
        who = viewer(request)  # None: the session has ended already (a working day idle, or its person left)
        if who is not None and not same(who.csrf, fields.get("csrf")):
            return refused(403, "You have not been signed out", "Go back, reload the page and try again.", who)
        signin.sign_out(store, request.cookies.get(COOKIE))
        memo.forget(request.cookies.get(COOKIE))
        response = page("message.html", title="You have signed out", message="Close this window, or sign in again.")
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/my-work", include_in_schema=False)
    def my_work(request: Request) -> Response:
        with store.one_read():  # the whole page from one read transaction
            if not request.url.query:  # the page as first opened: the memo checks the session, and renders only if needed
                def fresh(who) -> Response:
                    asked = filters.parse(request.query_params, store.org(), Vocabulary(()))  # no filters: no errors
                    return page("my_work.html", viewer=who, asked=asked, **work_of(store, who.person, clock(), asked, lambda o: site.opens(who, o)))

                return memo.answer(request, fresh)
            who = viewer(request)
            if who is None:
                return to_sign_in(request)
            asked = filters.parse(request.query_params, store.org(), Vocabulary(()), frameworks=store.snapshot().frameworks)  # My work offers no role filter
            if asked.errors:
                return page("my_work.html", 422, viewer=who, asked=asked, today=clock(), overdue=[], months={}, done=[], attending=[],
                            framework_choices=filters.framework_choices(store.snapshot().frameworks))  # fmt: skip
            return page("my_work.html", viewer=who, asked=asked, **work_of(store, who.person, clock(), asked, lambda o: site.opens(who, o)))  # filtered: afresh

    app.add_exception_handler(FormError, _form_error)
    from qaf.web import acting, line

    acting.install(app, site)
    line.install(app, site)
    return site


async def _form_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, FormError)
    return page("message.html", exc.status, title="That could not be sent", message=exc.message)


def work_of(store, person: str, today: date, asked: filters.Asked | None = None,
            opens: Callable[[Obligation], bool] | None = None) -> dict[str, Any]:  # fmt: skip
    """"My work": what is overdue, due by month, done lately and attended, through ``qaf due``'s query,
    narrowed by the filters ``asked`` (kind, row, framework, case, dates, statuses); ``opens``: whether the
    person may open an obligation's page (a cause they may not open is named without a link)."""
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
    overdue = sorted((o for o in mine if queries.shown_status(o, today, person) == "overdue"), key=lambda o: o.due)
    return {
        "today": today, "overdue": overdue, "months": months, "week": this_week(today, overdue, months), "done": sorted((o for o in done if o.role_of(person) == "owner"), key=lambda o: o.due, reverse=True),
        "attending": sorted((o for o in live if o.role_of(person) != "owner"), key=lambda o: o.due),
        "name": lambda pid: name_of(org, pid), "status": lambda o: queries.shown_status(o, today, person),
        "detail": details(store, [*live, *done], opens), "framework_choices": filters.framework_choices(store.snapshot().frameworks),
        **_graded(queries.graded_work(store, person, today), asked, shown),
    }  # fmt: skip


def this_week(today: date, overdue: list[Obligation], months: dict[str, list[Obligation]]) -> dict[str, Any]:
    """What a Practice Manager reads first, on her phone: how much of her own work is overdue, and how much falls
    due this week (Monday to Sunday of ``today``) and is not overdue already (counted once, as overdue). Counted
    from the lists the page shows below, not asked of the store again, so each figure is the length of the list
    its link opens (My work filtered to overdue, or to the week's days)."""
    monday = today - timedelta(days=today.weekday())
    sunday = monday + timedelta(days=6)
    due = sum(1 for items in months.values() for o in items if monday <= o.due <= sunday)
    return {"overdue": len(overdue), "due": due, "monday": monday, "sunday": sunday}


def _graded(graded: list[Obligation], asked: filters.Asked | None, shown: set[str] | None) -> dict[str, Any]:
    """"Audits of my work", narrowed by My work's filters as the other lists are: kind, row, framework, case,
    due dates, and status (a graded audit is done); ``graded_all``: how many there are unfiltered."""
    every = len(graded)
    if asked and asked.any:
        q, case = asked.query, (asked.case or "").lower()
        graded = [
            o for o in graded
            if (q.kind is None or o.kind == q.kind) and (q.row is None or o.row == q.row)
            and (q.framework is None or o.framework == q.framework) and (not case or (o.case or "").lower() == case)
            and (q.date_from is None or o.due >= q.date_from) and (q.date_to is None or o.due <= q.date_to)
            and (shown is None or DONE in shown)
        ]  # fmt: skip
    return {"graded": graded, "graded_all": every, "graded_shown": GRADED_SHOWN}
