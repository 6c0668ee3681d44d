"""The HTTP app ``qaf serve`` runs: calendar feeds at secret URLs, and the auditors' JSON API.

``create_app(db_url, today)`` builds it. Routes:

- ``GET /feeds/{token}.ics`` (``?kind=todo`` for VTODOs): the token's feed,
  with ``ETag``/``If-None-Match`` (304) and ``Last-Modified``
  (:mod:`qaf.web.serving`). An unknown, revoked or malformed token is a
  plain 404.
- ``GET /api/obligations``: what ``qaf due`` answers, with the same filters
  (``person, role, team, service, row, framework, kind, from, to, status, case``),
  through the same query core (:mod:`qaf.usecases.queries`), as SPEC §4 records.
  ``status`` given twice asks for both (as ``open,done`` does); any other
  filter given twice is 422 naming it (the last was taken, silently).
- ``GET /api/obligations/{id}``: one of them.
- ``POST /api/obligations/{id}/outcome``: record an audit's outcome (and the
  actions it raises; a review says which were carried out), checked
  exactly as ``qaf record`` checks it (:func:`qaf.usecases.recording.record`), by
  the token's holder. An action is not recorded but closed, with ``/done``: 422.
- ``POST /api/obligations/{id}/done``: close an action (``{"note": ...}``
  optional), as ``qaf action done`` does (:func:`qaf.usecases.recording.close_action`),
  by the token's holder: its owner or their line. Not an action: 422; already
  done (or closed): 409; someone else's: 403, as for the other writes.

The API takes a personal API token (``Authorization: Bearer TOKEN``, from
``qaf token create --purpose api``): none, or a bad one, is 401, decided before
a POST's body is read (whatever the body, a stranger hears only 401). What a
caller sees is :mod:`qaf.calendars.access`'s rule: their own obligations and
their line's, what they or their line attend or are copied into, and the actions
raised by audits they see; the overseeing roles see everything. The list and
``GET /api/obligations/{id}`` (and the pages) hold to the same rule
(:func:`qaf.usecases.queries.may_see`). Someone else's
obligation is 403: a manager is better told "outside your line" than misled
by "not found". An id is a hash of what the work is, which anyone can work
out, so an id that names nothing is the same 403 to a caller who does not
see everyone's work (a 404 told them which of their guesses existed: that
another line's audit found concerns); only an overseer hears 404.

This module is the API's one error boundary, as ``engine/cli.py`` is the
CLI's: every error is JSON ``{"message": ..., "problems": [...]}``; bad
input is 422 with every problem found (the store unchanged), never a 500.
No answer is kept by a cache (``Cache-Control: no-store``, :mod:`qaf.web.guard`),
and a body over :data:`MAX_BODY` is 413, never read past the limit.
OpenAPI is at ``/docs``. ``today`` defaults to the wall clock, read here.

The same app serves the web pages (:mod:`qaf.web.pages`: sign in by emailed
link, "My work", an obligation's page), their stylesheet at ``/static``.
"""

from __future__ import annotations

import functools
import json
import logging
import time
import typing
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Callable, Iterator, Literal

import anyio.to_thread
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ConfigDict, TypeAdapter, ValidationError
from sqlmodel import Field, SQLModel
from starlette.exceptions import HTTPException

from qaf.calendars import access, http
from qaf.calendars.feed import DONE_DAYS
from qaf.clock import utc_now
from qaf.engine.actions import parse_action
from qaf.engine.businesstime import business_date
from qaf.engine.model import LIVE, Obligation, a_kind, is_obligation_id
from qaf.engine.outcomes import Recording, check_recording, may_act, parse_areas
from qaf.rules.plain import iso_day
from qaf.rules.problems import InputError, Problem, QafError, Source
from qaf.store.collector import HeapSettler
from qaf.store.sql import SqlStore
from qaf.usecases import mail, queries, recording, tokens
from qaf.web import encoding, filters, guard, oidc, pages
from qaf.web.encoding import Encoded
from qaf.web.forms import static_file
from qaf.web.kept import Answers, Records
from qaf.web.serving import FeedServer
from qaf.web.timing import ServerTiming

log = logging.getLogger("qaf.api")
API = Source("api", 0)
MAX_BODY = 1_000_000  # bytes a request may send (an outcome: 10,000 characters of notes, 50 actions); more is 413, unread
THREADS = 8  # worker threads for the sync routes (see create_app's lifespan)
ONCE = ("person", "role", "team", "service", "row", "framework", "kind", "from", "to", "case")  # the filters read once (status: each asked)
KINDS = Literal["audit", "follow_up_audit", "review", "moderation", "qa_signoff", "report", "visit", "meeting", "task", "action"]


class ApiError(Exception):
    def __init__(self, status: int, message: str, problems: list[dict[str, str]] | None = None, headers: dict | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.problems, self.headers = status, message, problems or [], headers


class OutcomeIn(SQLModel):
    """An audit's outcome, as ``qaf record`` takes it (a SQLModel data model: validated, never a table)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    grade: str | None = Field(None, max_length=100, description="outstanding, good, requires_improvement, inadequate (the framework's scale)")
    concerns: bool = Field(False, description="the audit found significant concerns")
    areas: dict[str, str] = Field(default_factory=dict, description="key area judgements: {area: grade}")
    date: str | None = Field(None, max_length=40, description="when it was done, YYYY-MM-DD (default: today)")
    notes: str = Field("", max_length=10_000)
    actions: list[str] = Field(default_factory=list, max_length=50,
                               description="actions the audit raises, each 'WHAT | who: PERSON-OR-ROLE | due: DATE or within N working days | safeguarding'")
    carried_out: list[str] | None = Field(None, max_length=50, description="a review: the ids of the audit's actions that were carried out ([] for none)")


class ActionDoneIn(SQLModel):
    """Closing an action: the owner's note, kept beside it (never in a feed, an email or a log)."""

    model_config = ConfigDict(extra="forbid", strict=True)
    note: str = Field("", max_length=10_000, description="what was done (optional): kept on the action's own record")


@dataclass(frozen=True, slots=True)
class Reading:
    """A request's read transaction: who asks, the connection, and the organisation and frameworks it sees."""

    who: "Caller"
    conn: Any
    snap: Any
    counter: int  # the obligations' counter, read first (qaf.store.versioning): what kept answers hold to


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is asking (the API token's holder) and whose obligations they may see."""

    person: str
    scope: str
    visible: frozenset[str] | None  # None: everyone's


def _problems(found: list[Problem] | tuple[Problem, ...]) -> list[dict[str, str]]:
    return [{"field": p.field, "message": p.message} for p in found]


class _ErrorJSON(JSONResponse):
    """An error's JSON, which quotes what the caller sent: a lone surrogate in it (JSON's ``"\\ud800"``, which
    Python decodes and UTF-8 cannot encode) is written as that same escape, never a second error and a 500."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8", "backslashreplace")


def _json(status: int, message: str, problems: list | None = None, headers: dict | None = None) -> JSONResponse:
    body: dict[str, Any] = {"message": message}
    if problems:
        body["problems"] = problems
    return _ErrorJSON(body, status_code=status, headers=headers)


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def _problem(e: dict) -> dict:
    """One of FastAPI's validation errors as the API's problem: a body that is not JSON names the body and
    the character where it breaks (FastAPI's own location for it is that character's offset)."""
    loc = tuple(e.get("loc", ()))
    if e.get("type") == "json_invalid":
        where = f" at character {loc[1]}" if len(loc) > 1 and isinstance(loc[1], int) else ""
        why = str((e.get("ctx") or {}).get("error", "")).strip()
        return {"field": "body", "message": f"the body is not valid JSON{where}" + (f": {why}" if why else "")}
    return {"field": _field(loc), "message": str(e.get("msg", "invalid"))}


def _install_errors(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _json(exc.status, exc.message, exc.problems, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [_problem(e) for e in exc.errors()]
        named = ", ".join(dict.fromkeys(p["field"] for p in problems))  # the message names the fields too, not only problems[]
        return _json(422, f"the request is not valid ({named}): nothing was changed", problems)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        return _json(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))

    @app.exception_handler(InputError)
    async def input_error(_: Request, exc: InputError) -> JSONResponse:
        return _json(422, exc.summary, _problems(exc.problems))

    @app.exception_handler(QafError)
    async def domain_error(_: Request, exc: QafError) -> JSONResponse:
        status = 422 if isinstance(exc, (queries.QueryError, LookupError, ValueError)) else 409
        field = getattr(exc, "field", None)  # a query's filter that names what is not there: the message names it too
        return _json(status, f"{field}: {exc}" if field else str(exc), [{"field": field, "message": str(exc)}] if field else None)

    @app.exception_handler(Exception)
    async def crash(_: Request, exc: Exception) -> JSONResponse:  # a bug, not the caller's input
        log.exception("unhandled error")
        return _json(500, "internal error: the request was not completed")


def _database_clock(store: SqlStore, every: float = 60.0) -> tuple[Callable[[], date], Callable[[], datetime]]:
    """Today in the framework's timezone, and the time, on the database's clock, as the tick reads them
    (``SqlStore.wall``).

    A web host whose clock is out (a day, after a bad restore; minutes, about
    midnight) showed work due or late by its own day, not by the day the tick
    escalated for, and timed the sign-in links and sessions it issued by its
    own clock, which another host read by a different one. The zone and how
    far the database's clock is from this host's are measured at most once a
    minute (two queries), not per request.
    """
    kept: list = [None, None, float("-inf")]  # zone, clock, when measured

    def measured() -> None:
        if time.monotonic() - kept[2] > every:
            kept[:] = [store.timezone(), store.wall(utc_now), time.monotonic()]

    def today() -> date:
        measured()
        return business_date(kept[1](), kept[0])

    def now() -> datetime:
        measured()
        return kept[1]()

    return today, now


def create_app(
    db_url: str | None = None, today: Callable[[], date] | None = None, *, base_url: str | None = None,
    feed_ttl: float = 1.0, done_days: int = DONE_DAYS, overseers: tuple[str, ...] = access.OVERSEERS,
    freeze_heap: bool = False, now: Callable[[], datetime] | None = None, mail_settings: mail.MailSettings | None = None,
    store: SqlStore | None = None,
    oidc_settings: oidc.OidcSettings | None = None, oidc_transport=None, threads: int = THREADS,
) -> FastAPI:  # fmt: skip
    """The app over the store at ``db_url`` (default: ``QAF_DB``); ``today`` gives the business date.

    ``freeze_heap`` (for ``qaf serve``, not for tests): at start-up, load the
    organisation and frameworks and :func:`gc.freeze` the heap. A large
    council's organisation is over 100,000 objects, and every full collection
    scanned them all (100-300 ms here), a pause every subscriber waiting at
    that moment felt.

    The web pages (:mod:`qaf.web.pages`) share the store and the business
    date; ``now`` is the wall clock their sign-in links and sessions expire
    by (default: the database's, as the business date), and ``mail_settings`` (default: read from the environment on each
    request for a link) how their emails are sent. ``oidc_settings`` (default:
    ``QAF_OIDC_*``, :mod:`qaf.web.oidc`) adds sign-in with the council's identity provider.

    ``threads``: how many requests run their sync handlers at once (the rest queue in order).

    ``store``: the store to serve (``qaf serve`` passes its own, so a process
    has one engine and one pool); default: opened from ``db_url``.
    """
    # the environment's or the QAF_SETTINGS file's, as email reads it; None: from each request
    base = mail.checked_base_url(base_url) if base_url is not None else (mail.read_base_url() or None)
    store = store if store is not None else SqlStore.open(db_url)
    database_today, database_now = _database_clock(store)
    clock, now = today or database_today, now or database_now
    feeds = FeedServer(store, clock, ttl=feed_ttl, done_days=done_days, overseers=overseers)
    answers = Answers()  # GET /api/obligations, kept while nothing it shows changed (qaf.web.kept)
    records = Records()  # and each obligation's record in them, kept while the day and organisation hold

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        # the sync routes' worker threads: a few, not anyio's 40. Forty threads taking turns at the GIL
        # (and at a pool of fewer connections) spread every request over the whole burst; a few
        # threads finish each request in turn while the rest wait in line, in order
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        if freeze_heap:  # load what every request reads, then keep it out of the cyclic collector's scans
            store.org(), store.frameworks()
            app.state.settle()
        yield
        store.close()

    app = FastAPI(
        title="qaf", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
        description="Quality assurance obligations: calendar feeds at private URLs, and the auditors' JSON API.",
    )  # fmt: skip
    app.state.store, app.state.feeds, app.state.answers, app.state.records = store, feeds, answers, records
    app.state.settle = HeapSettler(store)
    # a council's feed is ~10x smaller gzipped (58 KB -> 4.6 KB); Vary: Accept-Encoding is added with it.
    # What the server keeps (feeds, API answers, My work) it sends from a gzip made once (qaf.web.encoding);
    # the middleware compresses the rest, on the event loop below 128 KB
    app.add_middleware(GZipMiddleware, minimum_size=encoding.MINIMUM_SIZE, compresslevel=encoding.LEVEL)
    app.add_middleware(ServerTiming)  # the server's time, compression included (qaf.web.timing)
    app.add_middleware(guard.PrivateByDefault)  # no-store unless an answer says otherwise: errors included
    app.add_middleware(guard.HeadWithoutBody)  # HEAD: GET's status and headers (Content-Length too), no body
    app.add_middleware(guard.BodyLimit, limit=MAX_BODY)  # outermost: a body too large is never read past the limit
    _install_errors(app)
    sso = oidc_settings or oidc.read_settings()
    site = pages.install(app, store, clock, now, base, overseers, (lambda: mail_settings) if mail_settings else mail.read_settings,
                         oidc_name=sso.name if sso else None)  # fmt: skip
    if sso is not None:
        oidc.install(app, site, sso, oidc_transport)
    static_file(app, "qaf.css", "text/css")

    _install_docs(app)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> Response:  # browsers ask for it on every site; no icon, and no 404 in their console
        return Response(status_code=204)

    bearer = HTTPBearer(auto_error=False, description="a personal API token: qaf token create --person ID --purpose api")

    def authorise(conn, snap, credentials: HTTPAuthorizationCredentials | None, today: date) -> Caller:
        """The token's holder and whom they may see, read on the request's transaction; 401 otherwise.

        ``today`` is read by the caller before its transaction: the business date may read the store,
        and a second connection asked for while holding one can wait forever on a full pool.
        """
        challenge = {"WWW-Authenticate": "Bearer"}
        if credentials is None:
            raise ApiError(401, "an API token is needed: Authorization: Bearer TOKEN", headers=challenge)
        found = tokens.check_in(conn, credentials.credentials, "api")
        if found is None:
            raise ApiError(401, "the API token is not valid", headers=challenge)
        seen = access.visible(snap.org, snap.vocabulary, found.person, found.scope, today, overseers)
        if seen is not None and not seen:
            raise ApiError(401, "the API token is not valid", headers=challenge)
        return Caller(person=found.person, scope=found.scope, visible=seen)

    def caller(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Caller:
        today_ = clock()
        with store.read() as conn:
            return authorise(conn, store.snapshot_in(conn), credentials, today_)

    async def presented(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> HTTPAuthorizationCredentials:
        """A token was sent (checked on the event loop, before the query's parameters): 401 if not."""
        if credentials is None:
            raise ApiError(401, "an API token is needed: Authorization: Bearer TOKEN", headers={"WWW-Authenticate": "Bearer"})
        return credentials

    @contextmanager
    def reading(credentials: HTTPAuthorizationCredentials, today: date) -> Iterator[Reading]:
        """The caller, checked on a read transaction the request then reads its rows on: one transaction a
        request, in the endpoint's one worker thread (a dependency with ``yield`` costs two more hand-offs)."""
        with store.read() as conn:
            snap, counter = store.state_in(conn)
            yield Reading(authorise(conn, snap, credentials, today), conn, snap, counter)

    def one(oid: str, who: Caller) -> Obligation:
        """The obligation ``oid`` if ``who`` may see it. An id that names nothing is 404 only to a caller who sees
        everyone's work; to anyone else it is the 403 of someone else's work, word for word: ids can be worked
        out (a hash of what the work is), and each guess told whether that work exists."""
        found = queries.obligation(store, oid)
        if found is None and (who.visible is None or not is_obligation_id(oid.lower())):  # not an id's shape: it names nothing
            raise ApiError(404, f"no obligation '{oid}'")
        if found is None or not queries.may_see(store, who.visible, found):
            raise ApiError(403, f"obligation {oid.lower()} is not yours or your line's to see")
        return found

    async def feed(token: str, request: Request, kind: Literal["event", "todo"] = "event") -> Response:
        """A private calendar feed: subscribe to this URL in Outlook, Google or Apple Calendar."""
        served = await feeds.get(token, kind, base if base is not None else http.base_url(str(request.base_url)))
        if served is None:
            raise ApiError(404, "not found")
        _once(request, ("kind",))  # after the token: a stranger learns nothing
        if http.not_modified(request.headers, served.etag, served.last_modified):
            return Response(status_code=304, headers=served.headers)
        if request.method == "HEAD":  # the headers a GET would send, Content-Length the GET's body's
            return Response(media_type=http.CONTENT_TYPE, headers={**served.headers, "Content-Length": str(len(served.body))})
        return encoding.answer(request.headers, served.encoded(), http.CONTENT_TYPE, served.headers)  # its gzip, made once

    feed_responses: dict = {200: {"content": {"text/calendar": {}}}, 304: {"description": "not modified"}, 404: {"description": "no such feed"}}
    app.get("/feeds/{token}.ics", tags=["feeds"], response_class=Response, responses=feed_responses)(feed)
    app.head("/feeds/{token}.ics", response_class=Response, include_in_schema=False)(feed)

    # the records are built here, in SPEC §4's shape (tests/test_read_path.py checks it): returned as bytes,
    # not validated again by a response model on every call (it cost about 5 ms for a person's 175 rows)
    @app.get("/api/obligations", tags=["obligations"], response_model=list[dict[str, Any]])
    def list_obligations(
        request: Request, credentials: HTTPAuthorizationCredentials = Depends(presented), person: str | None = None, role: str | None = None, team: str | None = None,
        service: str | None = None,
        row: str | None = Query(None, max_length=50, pattern=r"^[^\x00-\x1f\x7f]+$", description="a framework row, e.g. 3.16"),
        framework: str | None = Query(None, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$", description="a framework id"),
        kind: KINDS | None = None,
        date_from: str | None = Query(None, alias="from", max_length=40, description="YYYY-MM-DD"),
        date_to: str | None = Query(None, alias="to", max_length=40, description="YYYY-MM-DD"),
        status: str = Query("live", description="open, overdue, done, rescheduled, cancelled, waived; comma-separated; live or all"),
        case: str | None = Query(None, description="a case's reference, e.g. CS-000123 (never a name: 422)"),
    ) -> Response:  # fmt: skip
        """What is due, for whom, by when: ``qaf due --format json`` over HTTP."""
        today_ = clock()  # before the transaction: it may read the store itself
        with reading(credentials, today_) as r:  # the token is checked first: a stranger learns nothing from a 422
            who = r.who
            _once(request, ONCE)
            try:
                statuses = queries.parse_statuses(filters.statuses_asked(request.query_params) or status)  # each status given
            except ValueError as exc:
                raise ApiError(422, f"status: {exc}", [{"field": "status", "message": str(exc)}]) from None
            if who.visible is not None and person is not None and person not in who.visible:
                raise ApiError(403, f"'{person}' is not you or in your line")
            first, last = _days(date_from, date_to)
            q = queries.DueQuery(person, role, team, service, row, framework, kind, first, last, statuses, case)
            # what the answer depends on: the question; whom the token lets see (its holder and scope, on the
            # organisation and day below); the day (overdue); the organisation and frameworks (names, emails,
            # roles); and every obligation and outcome (the counter the database moves with each write, read
            # before the rows: an audit whose actions the caller follows too). The token itself was checked above, on this request
            question = (q, who.person, who.scope, today_, r.snap.key)
            key = (*question, r.counter)
            kept = fresh = answers.get(key)
            ends = None  # where each record ends in a body written now
            if kept is None:  # something was written since: read the rows again
                found = queries.due_in(r.conn, store, r.snap, q, today_, who.visible)
                keys = queries.record_keys(found, person)
                # the rows as they were, every value (a write elsewhere): the last answer's bytes, and its gzip
                kept, last = answers.last_rows(question, keys)
                if kept is None:
                    # json.dumps([queries.record(...) for o in found], ensure_ascii=False, separators=(",", ":")), byte
                    # for byte; only the records of what changed are written again, the others cut from the last
                    # answer's bytes where they stand there, or taken from those kept
                    raw, ends = queries.records_written(found, r.snap.org, today_, person, records.on(today_, r.snap.key), keys, last)
                    kept = Encoded(raw)
        # gzipped once, after the transaction (its connection back in the pool), for the first client that asks
        body = encoding.as_wanted(kept, request.headers)
        if fresh is None:
            answers.keep(key, body, question, keys, ends)
        elif body is not kept:  # its gzip, made now
            answers.keep(key, body, question)
        return encoding.answer(request.headers, body, "application/json")

    @app.get("/api/obligations/{oid}", tags=["obligations"])
    def get_obligation(oid: str, who: Caller = Depends(caller)) -> dict[str, Any]:
        """One obligation, as a SPEC §4 record."""
        return queries.page(store, one(oid, who), store.org(), clock())

    def body_of(model: Any) -> Callable[..., Any]:
        """The request's body as ``model``, read only once the token is known good: FastAPI reads and parses a
        declared body before any dependency runs, so a stranger's POST that was not JSON was told 422 (and what
        was wrong with the body) where it should hear only 401."""

        async def read(request: Request, who: Caller = Depends(caller)) -> Any:
            return _read_body(await request.body(), request.headers.get("content-type"), model)

        return read

    @app.post("/api/obligations/{oid}/outcome", tags=["obligations"], openapi_extra=_body_schema(OutcomeIn, required=True))
    def record_outcome(oid: str, who: Caller = Depends(caller), body: OutcomeIn = Depends(body_of(OutcomeIn))) -> dict[str, Any]:
        """Record an audit's outcome, checked as ``qaf record`` checks it; returns what it set off. 422 on bad input."""
        ob = one(oid, who)
        if ob.kind == "action":  # the engine refuses it too (qaf record); here in the API's words
            message = f"{ob.id} is an action: close it with POST /api/obligations/{ob.id}/done, not by recording an outcome"
            raise ApiError(422, message, [{"field": "obligation", "message": message}])
        rec = _recording(store, ob, body, who.person, clock())
        result = recording.record(store, rec, clock())
        org, today_ = store.org(), clock()
        done = one(ob.id, who)
        return {
            "obligation": queries.record(done, org, today_),
            "created": [queries.record(o, org, today_) for o in result.created],
            "queued": [{"recipient": n.recipient, "email": n.email, "reason": n.reason, "subject": n.subject} for n in result.queued],
            "shortfalls": list(result.shortfalls), "rules": result.rules,
        }  # fmt: skip

    @app.post("/api/obligations/{oid}/done", tags=["obligations"], openapi_extra=_body_schema(ActionDoneIn, required=False))
    def close_action(oid: str, who: Caller = Depends(caller), body: ActionDoneIn | None = Depends(body_of(ActionDoneIn | None))) -> dict[str, Any]:
        """Close an action, as ``qaf action done`` does: its owner or their line. 422 not an action, 409 already closed, 403 not yours."""
        ob = one(oid, who)
        if ob.kind != "action":
            message = f"{ob.id} is {a_kind(ob.kind)}, not an action: record it with POST /api/obligations/{ob.id}/outcome"
            raise ApiError(422, message, [{"field": "obligation", "message": message}])
        if ob.status not in LIVE:
            raise ApiError(409, f"{ob.id} is {ob.status}: nothing to close")
        if not may_act(store.org(), who.person, ob.assignee):
            raise ApiError(403, f"action {ob.id} is not yours to close: only its owner or their line managers may")
        done = recording.close_action(store, ob.id, who.person, body.note if body else "", clock())
        return {"obligation": queries.record(done, store.org(), clock())}

    guard.answer_head(app)  # every page and API read answers HEAD (routes added later, as the demo's, are their own)
    return app


def _install_docs(app: FastAPI) -> None:
    """``/docs``: Swagger UI from files installed with qaf (fastapi-offline's copy), never a CDN.

    Council networks block the CDNs FastAPI's default page loads from, which
    left ``/docs`` blank. ReDoc (fonts from elsewhere) is not served.
    """
    from importlib.resources import files

    from fastapi.openapi.docs import get_swagger_ui_html

    assets = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}

    @app.get("/docs", include_in_schema=False)
    def docs() -> Response:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="qaf API",
                                   swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                                   swagger_css_url="/static/swagger/swagger-ui.css", swagger_favicon_url="/favicon.ico")  # fmt: skip

    @app.get("/static/swagger/{name}", include_in_schema=False)
    def swagger_asset(name: str) -> Response:
        if name not in assets:
            raise ApiError(404, "not found")
        body = (files("fastapi_offline") / "static" / name).read_bytes()
        return Response(body, media_type=assets[name], headers={"Cache-Control": "public, max-age=86400"})


def _once(request: Request, names: tuple[str, ...]) -> None:
    """422 naming each of ``names`` the query string gives more than once: the last was taken, the others
    dropped without a word."""
    if twice := filters.given_twice(request.query_params, names):
        problems = [{"field": k, "message": f"'{k}' is given {n} times: give it once"} for k, n in twice.items()]
        raise ApiError(422, problems[0]["message"], problems)


class _Pairs(list):
    """A JSON object's members as given, a key twice kept twice (a dict keeps the last, silently)."""


def _body_schema(model: Any, required: bool) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of a route whose body :func:`_read_body` reads (FastAPI sees no body to describe)."""
    return {"requestBody": {"required": required, "content": {"application/json": {"schema": model.model_json_schema()}}}}


def _invalid(errors: list[dict[str, Any]], body: Any = None) -> RequestValidationError:
    return RequestValidationError(errors, body=body)


def _read_body(raw: bytes, content_type: str | None, model: Any) -> Any:
    """``raw`` as ``model`` (a model, or a model or None), as FastAPI reads a declared JSON body; every error a
    :class:`RequestValidationError` the boundary answers 422 with, located at ``body``. A key given twice is
    refused naming it (:func:`_once_each`). Called only after the caller's token was checked."""
    value: Any = None
    if raw:
        kind = (content_type or "application/json").split(";", 1)[0].strip().lower()
        if not (kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))):
            value = raw  # not said to be JSON: the model refuses it, as FastAPI's own reading did
        else:
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise _invalid([{"type": "json_invalid", "loc": ("body", exc.pos), "msg": "JSON decode error",
                                 "input": {}, "ctx": {"error": exc.msg}}], exc.doc) from None  # fmt: skip
            except (ValueError, RecursionError) as exc:  # not UTF-8, or nested past Python's stack
                why = "nested too deeply" if isinstance(exc, RecursionError) else "not UTF-8"
                raise _invalid([{"type": "json_invalid", "loc": ("body",), "msg": "JSON decode error", "input": {},
                                 "ctx": {"error": why}}]) from None  # fmt: skip
            _once_each(raw)
    elif not _accepts_none(model):
        raise _invalid([{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}])
    try:
        return _adapter(model).validate_python(value)
    except ValidationError as exc:
        raise _invalid([{**e, "loc": ("body", *e.get("loc", ()))} for e in exc.errors(include_url=False)], value) from None


@functools.cache
def _adapter(model: Any) -> TypeAdapter:
    return TypeAdapter(model)


def _accepts_none(model: Any) -> bool:
    return type(None) in typing.get_args(model)


def _once_each(raw: bytes) -> None:
    """A body whose object gives a key twice is 422 naming it (``areas.Plan``): JSON's reader keeps the last and
    drops the other without a word. Read after the token (a stranger learns nothing); a body that is not JSON is
    left for the model's own message."""
    try:
        root = json.loads(raw or b"null", object_pairs_hook=_Pairs)
    except (ValueError, RecursionError):
        return
    stack: list[tuple[str, Any]] = [("", root)]
    while stack:  # not recursive: a body nested thousands deep is only read
        path, item = stack.pop()
        if isinstance(item, _Pairs):
            seen: set[str] = set()
            for key, value in item:
                field = f"{path}.{key}" if path else key
                if key in seen:
                    message = f"'{field}' is given twice: give it once"
                    raise ApiError(422, message, [{"field": field, "message": message}])
                seen.add(key)
                stack.append((field, value))
        elif isinstance(item, list):
            stack.extend((f"{path}.{i}", value) for i, value in enumerate(item))


def _days(first: str | None, last: str | None) -> tuple[date | None, date | None]:
    """``from`` and ``to`` as ``qaf due`` reads them: YYYY-MM-DD only (a Unix timestamp or a date-time is not one,
    though FastAPI's dates take both), from 2000-01-01 to 2099-12-31, and ``from`` not after ``to``; 422 naming the
    field otherwise."""
    from qaf.engine.periods import outside

    days: list[date | None] = []
    for field, text in (("from", first), ("to", last)):
        try:
            day = iso_day(text) if text is not None else None
        except ValueError as exc:  # its message quotes a date's shape only, never words
            message = str(exc)
            raise ApiError(422, f"{field}: {message}", [{"field": field, "message": message}]) from None
        if day is not None and (message := outside(day)):  # the century qaf works with, as 'qaf due --from' takes
            raise ApiError(422, f"{field}: {message}", [{"field": field, "message": message}])
        days.append(day)
    if days[0] and days[1] and days[0] > days[1]:
        message = f"from {days[0]} is after to {days[1]}"
        raise ApiError(422, message, [{"field": "from", "message": message}])
    return days[0], days[1]


def _recording(store: SqlStore, ob: Obligation, body: OutcomeIn, by: str, today: date) -> Recording:
    """The request as a :class:`Recording`, or every problem with it (``qaf record``'s checks included)."""
    problems: list[Problem] = []
    day = None
    if body.date is not None:
        try:
            day = iso_day(body.date)
        except ValueError as exc:
            problems.append(Problem(API, "date", str(exc)))
    areas: list[tuple[str, str]] = []
    if body.areas:
        fw = store.framework(ob.framework)
        for name, grade in body.areas.items():
            if "," in name or "=" in name or "," in grade or "=" in grade:  # what was typed is not quoted back: it may be words
                named = f"{name}: " if name in fw.areas else ""  # the framework's own words
                problems.append(Problem(API, "areas", f"{named}an area or grade cannot contain ',' or '='"))
                continue
            parsed, wrong = parse_areas(f"{name}={grade}", fw)
            areas += parsed
            problems += [Problem(API, "areas", w) for w in wrong]
    specs, at = [], {}  # at: the engine's "action N" (among those that parsed) -> the body's "actions.i"
    for i, text in enumerate(body.actions):
        spec, wrong = parse_action(text)
        problems += [Problem(API, f"actions.{i}", w) for w in wrong]
        if spec is not None:
            specs.append(spec)
            at[f"action {len(specs)}"] = f"actions.{i}"
    carried = None if body.carried_out is None else tuple(body.carried_out)
    rec = Recording(ob.id, body.grade, body.concerns, tuple(areas), by, day, body.notes, tuple(specs), carried)
    found = check_recording(store.framework(ob.framework), store.org(), ob, rec, today)
    found = [Problem(API, at.get(p.field, p.field), p.message) for p in found]
    if problems or any(p.field.startswith("actions.") for p in found):  # so the caller hears everything at once
        problems += found
        raise InputError(problems, f"{ob.id}: nothing recorded, the store is unchanged")
    return rec
