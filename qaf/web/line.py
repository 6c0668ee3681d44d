"""The pages for a manager's line, the Director, the auditors and one's own calendar; extension requests.

Routes (server-rendered HTML, no JavaScript needed; every post carries its CSRF token):

- ``GET /my-line``: a manager's people (everyone below them in the line
  chain): each person's overdue and coming work, overdue first, and the
  extension requests waiting for *this* manager, with approve and refuse forms.
  Someone with nobody in their line gets 403.
- ``GET, POST /obligations/{id}/extension``: the owner asks for more time
  (a new due date and why); ``POST /extensions/{rid}/approve`` and
  ``/refuse``: the person the framework says may approve decides
  (:mod:`qaf.usecases.extensions`); anyone else gets 403 and nothing changes.
  :func:`on_page` gives the obligation's page the ``_extension.html`` partial's context.
- ``GET /director``: the month's report figures (:mod:`qaf.usecases.reporting`,
  the same as ``qaf report``), the escalations that reached the viewer,
  targets, and the year so far. Only for the overseeing roles; others 403.
- ``GET /search``: every filter of ``qaf due`` over what the viewer may
  see; a table, or ``format=csv`` / ``format=json`` as ``qaf due`` writes them.
- ``GET, POST /my-work/calendar``: the viewer's own feed URL (made here: no
  terminal), a ``webcal://`` link, and how to add it to Outlook, Google and Apple.

Bad filters answer 422 with the message beside the field; nothing is queried.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from qaf.calendars import access
from qaf.engine.model import DONE, OPEN, OVERDUE, RESCHEDULED, Obligation, status_words
from qaf.engine.notices import HELD_DAYS
from qaf.engine.query import STORED, Filters, QueryError
from qaf.engine.report_words import Month, reviews_moderation_words, reviews_words
from qaf.rules.model import KINDS
from qaf.rules.problems import InputError
from qaf.rules.roles import Vocabulary
from qaf.store.outcomes import NoSuchObligation
from qaf.usecases import extensions, queries, readdress, reporting, tokens
from qaf.usecases.feeds import vocabulary
from qaf.web import filters
from qaf.web.details import details
from qaf.web.forms import TEMPLATES, _what, day_problem, form, month_problem, page, static_file, typed_day, typed_month
from qaf.web.site import Site, Viewer, name_of

SOON = timedelta(days=28)  # "My line" lists each person's work due in the next four weeks
SHOWN = 500  # the search shows this many lines; the downloads have them all
LISTED = 100  # My line lists this many overdue and coming items; the search has the rest
LATE_PEOPLE = 10  # the Director's page names the people holding the most overdue work; the search has the rest
TEMPLATES.globals.update(filter_labels=filters.LABELS, filter_kinds=KINDS, reviews_words=reviews_words,
                         reviews_moderation_words=reviews_moderation_words)  # the report's words for the reviews, on the Director's page


def on_page(site: Site, store, viewer: Viewer, obligation: Obligation, errors: dict | None = None,
            entered: dict | None = None) -> dict[str, Any]:  # fmt: skip
    """The ``_extension.html`` partial's context on an obligation's page: its requests, the pending one,
    whether ``viewer`` may ask for more time or decide, and whom the decision waits for."""
    asked, deciders = extensions.of_obligation(store, obligation, site.clock())
    org = store.org()
    waiting = next((r for r in asked if r.status == extensions.PENDING), None)
    # each request's reason and answer: for whoever asked and the line above them, who decide (never an overseer
    # outside the line, such as the Head of QA, who sees the page but decides nothing; nor a later owner of the work)
    lines = {p: {p, *(m.id for m in org.line(p))} for p in {r.asked_by for r in asked}}
    return {"extension": {
        "ob": obligation, "csrf": viewer.csrf, "viewer_id": viewer.person, "requests": asked, "pending": waiting,
        "readable": {r.id for r in asked if viewer.person in lines[r.asked_by]},
        "may_ask": obligation.assignee == viewer.person and obligation.status in (OPEN, RESCHEDULED) and waiting is None,
        "may_decide": waiting is not None and viewer.person in deciders,
        "deciders": [name_of(org, p) for p in deciders[:1]], "name": lambda pid: name_of(org, pid),
        "errors": errors or {}, "entered": entered or {}, "today": site.clock(), "example": obligation.due + timedelta(days=7),
    }}  # fmt: skip


def install(app: FastAPI, site: Site) -> None:
    """Add these pages to ``app`` (see the module's docstring), and their stylesheet and copy button's script."""
    store = site.store
    figures: dict[tuple, list] = {}  # the Director's page: the months' figures by (store stamp, date, month, framework)
    for name, kind in (("line.css", "text/css"), ("copy.js", "text/javascript")):
        static_file(app, name, kind)

    @app.get("/obligations/{oid}/extension", include_in_schema=False)
    def extension_page(request: Request, oid: str) -> Response:
        def shown(who: Viewer) -> Response:
            ob = site.one(oid, who)
            return ob if isinstance(ob, Response) else page("extension.html", viewer=who, ob=ob, **on_page(site, store, who, ob))

        return site.signed_in(request, shown)

    @app.post("/obligations/{oid}/extension", include_in_schema=False)
    async def ask_for_time(request: Request, oid: str) -> Response:
        fields = await form(request)  # read on the event loop; the store's work in a worker thread, never on the loop
        return await run_in_threadpool(asking, request, oid, fields)

    def asking(request: Request, oid: str, fields: dict[str, str]) -> Response:
        who = site.posted_by(request, fields)
        if isinstance(who, Response):
            return who
        ob = site.one(oid, who)
        if isinstance(ob, Response):
            return ob
        typed, unread = fields.get("to", "").strip(), None
        try:
            to = typed_day(typed)
        except ValueError as exc:
            to, unread = None, day_problem(exc, "The new due date") if typed else None  # the use case says what to enter
        try:
            extensions.ask(store, ob.id, who.person, to, fields.get("reason", ""), site.now(), site.clock())
        except extensions.NotAllowed:
            return site.refused(403, "You cannot ask for more time for this", "Only the person whose work it is may ask.", who)
        except InputError as exc:
            errors: dict[str, str] = {}
            if unread:  # what was typed, read as no date at all: said as the form's words, not as an empty field
                errors["to"] = unread
            for p in exc.problems:  # the first problem of each field, in the form's order
                errors.setdefault(p.field, p.message[:1].upper() + p.message[1:])
            errors = {k: errors[k] for k in sorted(errors, key=lambda f: ("obligation", "to", "reason").index(f) if f in ("obligation", "to", "reason") else 9)}
            shown = on_page(site, store, who, ob, errors, {k: fields.get(k, "") for k in ("to", "reason")})
            return page("extension.html", 422, viewer=who, ob=ob, **shown)
        return RedirectResponse(f"/obligations/{ob.id}/extension", status_code=303)

    async def decide(request: Request, rid: str, approving: bool) -> Response:
        fields = await form(request)
        return await run_in_threadpool(deciding, request, rid, approving, fields)

    def deciding(request: Request, rid: str, approving: bool, fields: dict[str, str]) -> Response:
        who = site.posted_by(request, fields)
        if isinstance(who, Response):
            return who
        if not (rid.isascii() and rid.isdigit()) or len(rid) > 12:  # "²" is a digit to isdigit(), and not to int()
            return site.refused(404, "Page not found", "There is no such request.", who)
        try:
            if approving:
                done = extensions.approve(store, int(rid), who.person, site.clock(), site.now())
                title, message = "Extension approved", f"{_what(done)}: now due {done.due:%A %-d %B %Y}."
            else:
                refused = extensions.refuse(store, int(rid), who.person, fields.get("answer", ""), site.now(), site.clock())
                title, message = "Request refused", f"The owner sees your reason on the item's page (request {refused.id})."
        except (extensions.NoSuchRequest, NoSuchObligation):
            return site.refused(404, "Page not found", "There is no such request.", who)
        except extensions.NotAllowed:
            return site.refused(403, "You cannot decide this request", "The framework gives this decision to someone else.", who)
        except InputError as exc:
            errors = {int(rid): " ".join(p.message[:1].upper() + p.message[1:] for p in exc.problems)}
            return page("my_line.html", 422, **line_of(site, who, errors, {int(rid): fields.get("answer", "")}))
        who = replace(who, my_line=site.opens_my_line(who.person))  # the decision may have emptied it
        return page("decided.html", viewer=who, title=title, message=message)

    @app.get("/extensions/{rid}/approve", include_in_schema=False)
    @app.get("/extensions/{rid}/refuse", include_in_schema=False)
    def to_my_line(rid: str) -> Response:  # a decision's address opened again: the list the decision was made on
        return RedirectResponse("/my-line", status_code=303)

    @app.post("/extensions/{rid}/approve", include_in_schema=False)
    async def approve(request: Request, rid: str) -> Response:
        return await decide(request, rid, True)

    @app.post("/extensions/{rid}/refuse", include_in_schema=False)
    async def refuse(request: Request, rid: str) -> Response:
        return await decide(request, rid, False)

    @app.get("/my-line", include_in_schema=False)
    def my_line(request: Request) -> Response:
        def shown(who: Viewer) -> Response:
            if not who.my_line:  # the menu's rule (Site.opens_my_line), so its link is never a 403
                return site.refused(403, "My line is for managers", "Nobody reports to you in the organisation's records.", who)
            return page("my_line.html", **line_of(site, who))

        return site.signed_in(request, shown)

    @app.get("/director", include_in_schema=False)
    def director(request: Request, month: str | None = None, framework: str | None = None) -> Response:
        def shown(who: Viewer) -> Response:
            if who.visible is not None:
                return site.refused(403, "This page is for the Director and the overseeing roles",
                                    "It shows the whole council's figures.", who)  # fmt: skip
            return director_page(site, who, month, framework, figures, filters.refused_twice(request.query_params, ("month", "framework")))

        return site.signed_in(request, shown)

    @app.get("/search", include_in_schema=False)
    def search(request: Request, format: str = "html") -> Response:
        return site.signed_in(request, lambda who: search_page(site, who, request, format))

    @app.get("/my-work/calendar", include_in_schema=False)
    def calendar_page(request: Request) -> Response:
        return site.signed_in(request, lambda who: page("calendar.html", viewer=who, url=None, links=len(tokens.feeds_of(store, who.person))))

    @app.post("/my-work/calendar", include_in_schema=False)
    async def make_calendar_link(request: Request) -> Response:
        return await run_in_threadpool(making_link, request, await form(request))

    def making_link(request: Request, fields: dict[str, str]) -> Response:
        who = site.posted_by(request, fields)
        if isinstance(who, Response):
            return who
        try:
            token = tokens.renew_feed(store, store.org(), vocabulary(store.frameworks()), who.person, site.now())
        except tokens.TokenError as exc:
            return site.refused(403, "No calendar link for you", str(exc), who)
        where = site.base or str(request.base_url).rstrip("/")
        url = where + tokens.feed_path(token)
        webcal = "webcal://" + url.split("://", 1)[1]
        return page("calendar.html", viewer=who, url=url, webcal=webcal, links=1)


def line_of(site: Site, who: Viewer, errors: dict | None = None, entered: dict | None = None) -> dict[str, Any]:
    """"My line": the extension requests waiting for ``who``, then their people's work, overdue first."""
    store, today = site.store, site.clock()
    org = store.org()
    people = access.line_below(org, who.person)
    people = frozenset(p for p in people if access.active(org, p, today))
    work = store.obligations(Filters(assignees=people, statuses=frozenset(STORED[OPEN] | STORED[RESCHEDULED]), due_to=today + SOON)) if people else []
    status = lambda o: queries.shown_status(o, today)  # noqa: E731
    overdue = sorted((o for o in work if status(o) == OVERDUE), key=lambda o: (o.due, o.assignee or ""))
    coming = sorted((o for o in work if status(o) != OVERDUE), key=lambda o: (o.due, o.assignee or ""))
    done = store.obligations(Filters(assignees=people, statuses=frozenset({DONE}), due_from=today - timedelta(days=30), due_to=today)) if people else []
    counts: dict[str, list[int]] = {p: [0, 0, 0] for p in people}
    for o in overdue:
        counts[o.assignee][0] += 1
    for o in coming:
        counts[o.assignee][1] += 1
    for o in done:
        counts[o.assignee][2] += 1
    rows = sorted(((name_of(org, p), p, *c) for p, c in counts.items()), key=lambda r: (-r[2], r[0]))
    waiting = extensions.waiting_for(store, who.person, today)
    return {
        "viewer": who, "today": today, "people": rows, "overdue": overdue, "coming": coming, "waiting": waiting,
        "detail": details(store, [*overdue[:LISTED], *coming[:LISTED]], lambda o: site.opens(who, o)), "name": lambda pid: name_of(org, pid), "status": status,
        "errors": errors or {}, "entered": entered or {}, "soon": SOON.days, "soon_days": SOON, "listed": LISTED,
    }  # fmt: skip


def director_page(site: Site, who: Viewer, month_text: str | None, framework_id: str | None, cache: dict,
                  twice: dict[str, str] | None = None) -> Response:  # fmt: skip
    """``twice``: the parameters the address gives more than once, each refused beside its field
    (:func:`qaf.web.filters.refused_twice`), as the search refuses a filter given twice: one was taken, the last, silently."""
    store, today = site.store, site.clock()
    fws = store.frameworks()
    errors = dict(twice or {})
    month = Month.of(today).plus(-1)  # the last whole month: what the monthly report covers; this month is a click away
    if month_text and "month" not in errors:
        try:
            month = typed_month(month_text)  # as people type it: June 2024, Jun 2024, 6/2024, 2024-06
        except ValueError as exc:
            errors["month"] = month_problem(exc)
        if "month" not in errors and (month.year, month.month) > (today.year, today.month):
            errors["month"] = "Month: choose this month or an earlier one"
    fw = next((f for f in fws if f.id == framework_id), None) if framework_id else (fws[0] if fws else None)
    if framework_id and fw is None and "framework" not in errors:
        errors["framework"] = filters.NO_FRAMEWORK.format(framework_id[:60])  # titled there, not by file id
    context = {"viewer": who, "today": today, "month": month, "frameworks": fws, "fw": fw, "errors": errors,
               "entered": {"month": (month_text or "")[:20], "framework": (framework_id or "")[:60]}}  # fmt: skip
    if errors or fw is None:
        return page("director.html", 422 if errors else 200, **context, report=None)
    key = (reporting.stamp(store), today, month, fw.id)
    year = cache.get(key)
    if year is None:  # the whole framework's obligations are read and the months worked out: seconds on a large council
        year = reporting.year_so_far(store, fw, month, today)
        if len(cache) >= 16:
            cache.pop(next(iter(cache)))
        cache[key] = year
    report = year[-1]  # the month itself, as `qaf report --month` gives it
    start = year[0].month.first if year else month.first
    reached = reporting.reached(store, who.person, start, today)
    org = store.org()
    obs = {o.id: o for o in store.obligations(Filters(ids=frozenset(r.obligation for r in reached), statuses=None))} if reached else {}
    held = readdress.held_notices(store, today, site.now())  # the outbox, not the obligations: read each time
    late, late_total = late_now(store, org, fw.id, today)
    return page("director.html", **context, report=report, year=year, reached=reached[:50], reached_total=len(reached),
                late=late[:LATE_PEOPLE], late_people=len(late), late_total=late_total,
                held=held[:50], held_total=len(held), held_days=HELD_DAYS,
                obs=obs, name=lambda pid: name_of(org, pid), prev=month.plus(-1), next=month.plus(1) if month.plus(1).first <= today else None)  # fmt: skip


def late_now(store, org, framework: str, today) -> tuple[list[dict[str, Any]], int]:
    """What is overdue today under ``framework`` and who is on it: each person holding overdue work (the most
    first, then the longest late) with their team, their manager today and their oldest due date, and ``gone``: why
    a holder is no longer in post (left on a day, or not in the organisation's records), else ""; and how much
    work is overdue in all. The Director's page answers "what is late and who is on it" with the first lines."""
    rows = []
    for pid, count, oldest in store.overdue_by_holder(framework, today):  # counted by the database: thousands on a large council
        person = org.person(pid) if pid else None
        team = org.team(person.team) if person and person.team else None
        manager = org.manager_on(pid, today) if person else None
        gone = ("" if person is None or person.active_on(today) else f"left {person.end:%-d %b %Y}" if person.end and person.end < today
                else f"starts {person.start:%-d %b %Y}")  # fmt: skip
        rows.append({"person": pid if person else None, "name": name_of(org, pid) if pid else "Nobody in post", "team": team.name if team else "",
                     "manager": manager.name if manager else "", "count": count, "oldest": oldest,
                     "gone": "not in the organisation’s records" if pid and person is None else gone})  # fmt: skip
    rows.sort(key=lambda r: (-r["count"], r["oldest"], r["name"]))
    return rows, sum(r["count"] for r in rows)


def search_page(site: Site, who: Viewer, request: Request, fmt: str) -> Response:
    store, today = site.store, site.clock()
    org = store.org()
    vocab = store.vocabulary() if request.query_params.get("role") else Vocabulary(())  # only a role needs the frameworks read
    asked = filters.parse(request.query_params, org, vocab, filters.EVERY, store.snapshot().frameworks)
    if fmt not in ("html", "csv", "json"):
        asked.errors["format"] = "Format: html, csv or json"
    asked.errors.update(filters.refused_twice(request.query_params, ("format",)))  # the last was taken, silently
    choices = {"team": [(t.id, t.name) for t in sorted(org.teams, key=lambda t: t.name)], "service": [(s, s) for s in org.services],
               "status": [("", "Live (open, overdue, extended)"), ("all", "All"), *((s, status_words(s)) for s in ("open", "overdue", "rescheduled", "done", "cancelled", "waived"))]}  # fmt: skip
    if offered := filters.framework_choices(store.snapshot().frameworks):
        choices["framework"] = offered
    context = {"viewer": who, "asked": asked, "today": today, "name": lambda pid: name_of(org, pid), "choices": choices}
    if asked.errors:
        return page("search.html", 422, **context, found=None)
    if not asked.any and fmt == "html":
        return page("search.html", **context, found=None)
    q = asked.query
    if asked.statuses is not None:
        q = replace(q, statuses=asked.statuses)
    try:
        found = queries.due(store, q, today, who.visible)  # theirs, their line's, and the actions of the audits they see
    except QueryError as exc:  # the filters were checked: what changed since (a framework retired, a person gone)
        field = exc.field if exc.field in filters.LABELS else "person"
        asked.errors[field] = filters.NO_FRAMEWORK.format(q.framework) if field == "framework" else str(exc)
        return page("search.html", 422, **context, found=None)
    if asked.case:
        found = [o for o in found if (o.case or "").lower() == asked.case.lower()]
    found.sort(key=lambda o: (o.due, o.id))
    if fmt in ("csv", "json"):
        body = queries.render(found, org, today, fmt, q.person)
        kind = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
        name = f"qaf-due-{today.isoformat()}.{fmt}"
        return Response(body, media_type=kind, headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
    status = lambda o: queries.shown_status(o, today, q.person)  # noqa: E731
    return page("search.html", **context, found=found[:SHOWN], total=len(found), status=status, detail=details(store, found[:SHOWN], lambda o: site.opens(who, o)))
