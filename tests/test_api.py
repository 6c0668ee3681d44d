"""The app ``qaf serve`` runs, over HTTP: private feed URLs, and the auditors' JSON API.

Requests go through httpx's ASGI transport to the real app (``create_app``)
over a real store, on SQLite and PostgreSQL. The small council's year is the
one the feed tests use (``tests.test_feeds.year``); business date 10 June 2024.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import string
from datetime import date, datetime, timezone
from typing import Any, Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qaf.engine.model import obligation_id
from qaf.engine.outcomes import Recording
from qaf.engine.query import Filters
from qaf.store.sql import SqlStore
from qaf.calendars import access
from qaf.usecases import queries, recording, tokens
from qaf.web.api import create_app
from tests.conftest import snapshot
from tests.council import council
from tests.test_feeds import TODAY, check_ical, may_audit, people_with, qaf, scratch_store, year

NOW = datetime(2024, 6, 10, 9, 0, tzinfo=timezone.utc)


class Client:
    """A small synchronous client for the ASGI app (each request on its own event loop)."""

    def __init__(self, app) -> None:
        self.app = app

    def request(self, method: str, url: str, token: str | None = None, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="https://qaf.example-council.gov.uk") as client:
                return await client.request(method, url, headers=headers, **kw)

        return asyncio.run(go())

    def get(self, url: str, token: str | None = None, **kw: Any) -> httpx.Response:
        return self.request("GET", url, token, **kw)

    def post(self, url: str, token: str | None = None, **kw: Any) -> httpx.Response:
        return self.request("POST", url, token, **kw)


class Served:
    """The year, its app, a client and a token for each person the tests act as."""

    def __init__(self, store: SqlStore, url: str) -> None:
        self.store, self.url = store, url
        self.app = create_app(url, lambda: TODAY, feed_ttl=0)
        self.client = Client(self.app)
        org, vocab = store.org(), store.vocabulary()
        self.feed = {p: tokens.issue(store, org, vocab, p, None, "feed", NOW)[0] for p in ("PM1", "OM1")}
        self.api = {p: tokens.issue(store, org, vocab, p, None, "api", NOW)[0] for p in ("PM1", "PM2", "OM1", "D1", "HQA", "SW1", "AD1")}

    def close(self) -> None:
        self.app.state.store.close()


@pytest.fixture
def served(store: SqlStore, db_url: str) -> Iterator[Served]:
    """The year in a store of its own: for tests that change it."""
    year(store)
    s = Served(store, db_url)
    yield s
    s.close()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The year built once per database, for tests that only read."""
    with scratch_store(request.param, tmp_path_factory) as (store, url):
        year(store)
        s = Served(store, url)
        yield s
        s.close()


def ids(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {r["id"] for r in response.json()}


# --- feeds ---------------------------------------------------------------------------------------


def test_a_feed_url_answers_with_its_calendar(shared: Served):
    r = shared.client.get(f"/feeds/{shared.feed['PM1']}.ics")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/calendar; charset=utf-8"
    assert r.headers["etag"].startswith('"') and r.headers["last-modified"].endswith(" GMT")
    assert "private" in r.headers["cache-control"]
    vcal = check_ical(r.content)
    assert vcal.x_wr_calname.value == "QA: Pat Practice"
    assert "Open it: https://qaf.example-council.gov.uk/obligations/" in r.text
    todo = shared.client.get(f"/feeds/{shared.feed['PM1']}.ics?kind=todo")
    assert todo.status_code == 200 and b"BEGIN:VTODO" in todo.content and b"BEGIN:VEVENT" not in todo.content
    check_ical(todo.content)
    head = shared.client.request("HEAD", f"/feeds/{shared.feed['PM1']}.ics")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == r.headers["etag"]


def test_a_strange_host_header_never_reaches_the_feed(shared: Served):
    r = shared.client.get(f"/feeds/{shared.feed['PM1']}.ics", headers={"Host": 'evil"host'})
    assert r.status_code == 200 and "evil" not in r.text
    assert "Open it: /obligations/" in r.text.replace("\r\n ", "")  # relative links: set QAF_BASE_URL


def test_an_unknown_or_malformed_token_gets_a_plain_404(shared: Served):
    answers = [
        shared.client.get(f"/feeds/{tokens.new_token()}.ics"),  # well formed, never issued
        shared.client.get("/feeds/not-a-token.ics"),
        shared.client.get(f"/feeds/{shared.api['PM1']}.ics"),  # an API token is not a feed token
        shared.client.get(f"/feeds/{shared.feed['PM1'][:-1]}.ics"),
    ]
    assert {(r.status_code, r.text) for r in answers} == {(404, '{"message":"not found"}')}


def test_a_matching_etag_gets_304_without_rendering_again(shared: Served):
    url = f"/feeds/{shared.feed['OM1']}.ics"
    first = shared.client.get(url)
    tag, renders = first.headers["etag"], shared.app.state.feeds.renders
    for header in ({"If-None-Match": tag}, {"If-None-Match": f'"other", W/{tag}'}, {"If-None-Match": "*"},
                   {"If-Modified-Since": first.headers["last-modified"]}):  # fmt: skip
        again = shared.client.get(url, headers=header)
        assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", tag)
    assert shared.client.get(url, headers={"If-None-Match": '"stale"'}).status_code == 200
    assert shared.app.state.feeds.renders == renders, "a revalidation reads the cached feed"


def test_a_change_gives_a_new_etag_and_the_new_feed(served: Served):
    url = f"/feeds/{served.feed['PM1']}.ics"
    first = served.client.get(url)
    audit = may_audit(served.store, "SW4")
    recording.record(served.store, Recording(audit.id, "good", date=date(2024, 6, 3)), TODAY)
    after = served.client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert after.status_code == 200 and after.headers["etag"] != first.headers["etag"]
    assert "SUMMARY:✓ Done: Audit case" in after.text.replace("\r\n ", "")


def test_a_revoked_token_gets_the_same_404_as_one_never_issued(served: Served):
    url = f"/feeds/{served.feed['PM1']}.ics"
    assert served.client.get(url).status_code == 200
    tokens.revoke(served.store, served.feed["PM1"], NOW)
    revoked = served.client.get(url)
    unknown = served.client.get(f"/feeds/{tokens.new_token()}.ics")
    assert (revoked.status_code, revoked.text) == (unknown.status_code, unknown.text) == (404, '{"message":"not found"}')


def test_a_leavers_feed_and_api_token_stop_working(served: Served):
    served.store.save_org(council(people=people_with(PM1={"end": date(2024, 6, 7)})))
    assert served.client.get(f"/feeds/{served.feed['PM1']}.ics").status_code == 404
    assert served.client.get("/api/obligations", served.api["PM1"]).status_code == 401


def test_a_token_is_refused_to_a_leaver_from_the_first_day_after_she_left_as_the_council_counts_days(served: Served):
    """Pat's last day is 30 June. At 00:30 on 1 July, British Summer Time, it is still 30 June in UTC: a token
    was issued, for a feed that showed nothing."""
    org = council(people=people_with(PM1={"end": date(2024, 6, 30)}, SW4={"start": date(2024, 9, 2)}))
    served.store.save_org(org)
    vocab = served.store.vocabulary()
    with pytest.raises(tokens.TokenError, match="left on 2024-06-30"):
        tokens.issue(served.store, org, vocab, "PM1", None, "feed", datetime(2024, 6, 30, 23, 30, tzinfo=timezone.utc))
    _, last_evening = tokens.issue(served.store, org, vocab, "PM1", None, "feed", datetime(2024, 6, 30, 22, 30, tzinfo=timezone.utc))
    _, starter = tokens.issue(served.store, org, vocab, "SW4", None, "feed", NOW)  # before her first day: she may subscribe
    said = tokens.listing([last_evening, starter], org, date(2024, 7, 1))
    assert "inactive (left 2024-06-30)" in said[0] and "inactive (starts 2024-09-02)" in said[1]  # not "left None"


def test_qaf_serve_can_freeze_the_loaded_organisation_out_of_the_collectors_way(shared: Served):
    import gc

    app = create_app(shared.url, lambda: TODAY, freeze_heap=True)

    async def start_and_stop() -> int:
        async with app.router.lifespan_context(app):
            return gc.get_freeze_count()

    try:
        assert asyncio.run(start_and_stop()) > 0
    finally:
        gc.unfreeze()


def test_every_answer_says_how_long_the_server_took(shared: Served):
    import re

    for path, status in ((f"/feeds/{shared.feed['PM1']}.ics", 200), ("/feeds/nothing.ics", 404), ("/api/obligations", 401)):
        r = shared.client.get(path, headers={"Accept-Encoding": "gzip"})
        assert r.status_code == status
        assert re.fullmatch(r"app;dur=\d+\.\d", r.headers["server-timing"]), r.headers.get("server-timing")
    assert shared.client.get(f"/feeds/{shared.feed['PM1']}.ics", headers={"Accept-Encoding": "gzip"}).headers["content-encoding"] == "gzip"


def test_the_sync_routes_run_on_a_few_worker_threads_not_forty(shared: Served):
    import anyio.to_thread

    app = create_app(shared.url, lambda: TODAY, threads=3)

    async def start() -> float:
        async with app.router.lifespan_context(app):
            return anyio.to_thread.current_default_thread_limiter().total_tokens

    assert asyncio.run(start()) == 3


# --- the API: who may see what -----------------------------------------------------------------


def test_the_api_needs_a_valid_api_token(shared: Served):
    answers = {
        "none": shared.client.get("/api/obligations"),
        "unknown": shared.client.get("/api/obligations", tokens.new_token()),
        "feed token": shared.client.get("/api/obligations", shared.feed["PM1"]),
        "basic": shared.client.get("/api/obligations", headers={"Authorization": "Basic UE0xOnB3"}),
    }
    for why, r in answers.items():
        assert r.status_code == 401, why
        assert r.headers["www-authenticate"] == "Bearer" and r.json()["message"], why


BAD_BODIES = {
    "not JSON": {"content": b"{not json", "headers": {"Content-Type": "application/json"}},
    "not UTF-8": {"content": b'{"grade": "\xff"}', "headers": {"Content-Type": "application/json"}},
    "a form": {"content": b"grade=good", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
    "the wrong shape": {"json": {"grade": 3, "inspector": "me"}},
    "a list": {"json": ["good"]},
}


def test_a_post_without_a_good_token_is_401_whatever_its_body(shared: Served):
    """Who asks is decided before the body is read: a stranger's POST that was not JSON was told 422 and where
    its JSON broke, where the API's every other answer to a stranger is 401. Each route that takes a body."""
    audit = may_audit(shared.store, "SW4")
    for route in ("outcome", "done"):
        url = f"/api/obligations/{audit.id}/{route}"
        for who, token in (("none", None), ("unknown", tokens.new_token()), ("a feed token", shared.feed["PM1"])):
            for what, kw in BAD_BODIES.items():
                r = shared.client.post(url, token, **kw)
                assert r.status_code == 401, (route, who, what, r.status_code, r.text)
                assert r.headers["www-authenticate"] == "Bearer", (route, who, what)
                assert set(r.json()) == {"message"} and "body" not in r.text and "JSON" not in r.text, (route, who, what, r.text)
        r = shared.client.post(url, shared.api["PM1"], **BAD_BODIES["not JSON"])  # with a good token: the body's own problem
        assert r.status_code == 422 and r.json()["problems"][0]["field"] == "body", (route, r.text)


def test_a_manager_sees_their_own_and_their_lines_obligations_and_no_one_elses(shared: Served):
    everything = {o.id: o for o in shared.store.obligations(Filters(statuses=None))}
    line = {"OM1", "PM1", "PM2", "SW1", "SW2", "SW3", "SW4", "SW5"}
    seen = ids(shared.client.get("/api/obligations?status=all", shared.api["OM1"]))
    assert seen == {oid for oid, o in everything.items() if o.assignee in line}
    assert ids(shared.client.get("/api/obligations?status=all", shared.api["PM1"])) == {oid for oid, o in everything.items() if o.assignee == "PM1"}
    assert ids(shared.client.get("/api/obligations?status=all", shared.api["SW1"])) == set()
    pm1s = next(oid for oid, o in everything.items() if o.assignee == "PM1")
    assert shared.client.get(f"/api/obligations/{pm1s}", shared.api["OM1"]).status_code == 200  # her line manager
    other = shared.client.get(f"/api/obligations/{pm1s}", shared.api["PM2"])  # a colleague, sideways
    assert other.status_code == 403 and "not yours or your line's" in other.json()["message"]
    assert shared.client.get("/api/obligations?person=PM1", shared.api["PM2"]).status_code == 403
    assert shared.client.get("/api/obligations/0000000000000000", shared.api["D1"]).status_code == 404


def test_work_a_caller_may_not_see_is_answered_as_work_that_does_not_exist(served: Served):
    """Ids are hashes of what the work is, which a caller can work out: Priya's token asked for the follow-up audit that
    concerns in Tom Fairley's May audit (Pat's line) would set off, and 403 against 404 said whether the audit found
    them. Reading, recording and closing now answer an id that names nothing as they answer someone else's work."""
    toms = may_audit(served.store, "SW1", 6)
    recording.record(served.store, Recording(toms.id, "inadequate", concerns=True, by="PM1", date=date(2024, 6, 3)), TODAY)
    follow_up = next(o for o in served.store.obligations(Filters(statuses=None)) if o.cause == toms.id and o.kind == "follow_up_audit")
    assert follow_up.id == obligation_id(follow_up.framework, "3.16", -1, date(2024, 6, 3), "cause", toms.id, follow_up.kind, follow_up.seq)
    guessed = obligation_id(follow_up.framework, "3.16", -1, date(2024, 6, 4), "cause", toms.id, follow_up.kind, follow_up.seq)
    before = snapshot(served.store)
    for method, path, body in (("GET", "/api/obligations/{}", None), ("POST", "/api/obligations/{}/outcome", {"grade": "good"}),
                               ("POST", "/api/obligations/{}/done", {})):  # fmt: skip
        there, not_there = (served.client.request(method, path.format(oid), served.api["PM2"], json=body) for oid in (follow_up.id, guessed))
        assert (there.status_code, there.json()) == (not_there.status_code, json.loads(not_there.text.replace(guessed, follow_up.id))), path
        assert there.status_code == 403 and follow_up.case not in there.text, path
    assert snapshot(served.store) == before
    assert served.client.get(f"/api/obligations/{follow_up.id}", served.api["OM1"]).status_code == 200  # Pat's manager sees it
    assert served.client.get(f"/api/obligations/{guessed}", served.api["D1"]).status_code == 404  # who sees all is told what is not there


def test_the_dcs_and_the_head_of_qa_see_everything(shared: Served):
    everything = {o.id for o in shared.store.obligations(Filters(statuses=None))}
    for who in ("D1", "HQA"):
        assert ids(shared.client.get("/api/obligations?status=all", shared.api[who])) == everything



def test_no_cache_keeps_what_the_api_answers_as_no_cache_keeps_the_pages(shared: Served):
    """A person's obligations, case references and grades, an error naming an obligation: every answer of the
    API says ``Cache-Control: no-store``, as every page and the search's downloads do (it said nothing, so a
    browser or a proxy in between could keep them). The feeds keep their own (private, revalidated)."""
    audit = may_audit(shared.store, "SW1")
    answers = {
        "list": shared.client.get("/api/obligations", shared.api["PM1"]),
        "list, gzipped": shared.client.get("/api/obligations", shared.api["PM1"], headers={"Accept-Encoding": "gzip"}),
        "one": shared.client.get(f"/api/obligations/{audit.id}", shared.api["PM1"]),
        "403": shared.client.get(f"/api/obligations/{audit.id}", shared.api["PM2"]),
        "401": shared.client.get("/api/obligations"),
        "422": shared.client.get("/api/obligations?from=someday", shared.api["PM1"]),
        "409 or 422, a post": shared.client.post(f"/api/obligations/{audit.id}/outcome", shared.api["PM1"], json={"grade": "good"}),
    }
    for why, r in answers.items():
        assert r.headers.get("cache-control") == "no-store", (why, r.status_code, r.headers)
    feed = shared.client.get(f"/feeds/{shared.feed['PM1']}.ics")
    assert feed.status_code == 200 and "no-store" not in feed.headers["cache-control"]

QUERIES = [
    "", "person=PM1", "role=OM&status=all", "team=T1&status=all", "service=Looked After Children",
    "row=3.16&from=2024-05-01&to=2024-09-30&status=open,done", "kind=follow_up_audit&status=all",
    "framework=east-sussex-2013&status=overdue", "status=cancelled",
]  # fmt: skip


def test_the_api_answers_what_qaf_due_answers(shared: Served, capsys):
    for query in QUERIES:
        argv: list[str] = []
        for pair in filter(None, query.split("&")):
            key, value = pair.split("=", 1)
            argv += [f"--{key}", value]
        assert qaf(["--db", shared.url, "due", *argv, "--format", "json", "--today", TODAY.isoformat()]) == 0
        expected = json.loads(capsys.readouterr().out)
        got = shared.client.get(f"/api/obligations?{query}", shared.api["D1"])
        assert got.status_code == 200 and got.json() == expected, query


def test_bad_filters_are_422_with_a_message(shared: Served):
    for query, field in (("status=nearly", "status"), ("from=31-05-2024", "from"), ("kind=party", "kind"), ("team=T9", "team"),
                         ("row=3.1%00", "row"), ("framework=east%00", "framework"), ("row=" + "3" * 51, "row"),  # NUL: a 500 on PostgreSQL
                         ("framework=east-sussex-2031", "framework"), ("person=SW9", "person")):  # an empty list said nothing was wrong
        r = shared.client.get(f"/api/obligations?{query}", shared.api["D1"])
        assert r.status_code == 422 and r.json()["message"], query
        if field:
            assert field in {p["field"] for p in r.json()["problems"]}, query
            assert field in r.json()["message"], (query, r.json()["message"])  # a client showing only the message says which


def test_a_row_no_framework_has_is_refused_naming_it_by_the_api_and_qaf_due_in_the_search_pages_words(shared: Served, capsys):
    """'?row=9.99' (and 'qaf due --row 9.99') answered an empty list, exit 0: nothing due, as far as the auditor
    could tell, where the search page says the row is not there. Each says so now, naming the parameter or option."""
    from qaf.web import filters

    for query, words in (("row=9.99", "no row '9.99' in the frameworks loaded (for example 1.1)"),
                         ("framework=east-sussex-2013&row=3.17", "no row '3.17' in framework 'east-sussex-2013' (for example 1.1)")):  # fmt: skip
        r = shared.client.get(f"/api/obligations?{query}", shared.api["D1"])
        assert r.status_code == 422 and r.json()["problems"] == [{"field": "row", "message": words}], query
        assert r.json()["message"] == f"row: {words}", query  # the parameter named in the message too, as qaf due's '--row: '
        argv = [a for k, v in (p.split("=") for p in query.split("&")) for a in (f"--{k}", v)]
        assert qaf(["--db", shared.url, "due", *argv, "--today", TODAY.isoformat()]) == 2
        assert capsys.readouterr() == ("", f"qaf: --row: {words}\n"), query
        params = dict(p.split("=") for p in query.split("&"))
        page = filters.parse(params, shared.store.org(), shared.store.vocabulary(), filters.EVERY, shared.store.frameworks())
        titled = words.replace("framework 'east-sussex-2013'", "'Quality Assurance in Children's Social Care and Early Help Services'")
        assert page.errors == {"row": f"Framework row: {titled}"}  # one check, one wording: the page names a framework by its title
    assert shared.client.get("/api/obligations?row=3.16", shared.api["D1"]).json()  # a row there is: its work


def test_a_case_is_asked_for_by_its_reference_never_by_a_name_by_the_api_qaf_due_and_the_search_page(shared: Served, capsys):
    """A case filter took a child's name ('Emily Smith', 'Emily_Smith') and searched for it; the API had no case
    filter, qaf due no --case. Each now asks for a case by its reference (qaf.engine.caserefs, the rule the
    organisation's references are held to) and refuses anything else naming the field, never quoting it."""
    from qaf.web import filters

    ref = next(o.case for o in shared.store.obligations(Filters(statuses=None)) if o.case)
    theirs = {o.id for o in shared.store.obligations(Filters(statuses=None)) if o.case == ref}
    for asked in (ref, ref.lower()):  # a reference in any letter case, as the pages take it
        found = shared.client.get(f"/api/obligations?case={asked}&status=all", shared.api["D1"])
        assert ids(found) == theirs and {r["case"] for r in found.json()} == {ref}, asked
        assert qaf(["--db", shared.url, "due", "--case", asked, "--status", "all", "--format", "json", "--today", TODAY.isoformat()]) == 0
        assert {r["id"] for r in json.loads(capsys.readouterr().out)} == theirs, asked
    org, vocab, frameworks = shared.store.org(), shared.store.vocabulary(), shared.store.frameworks()
    for name in ("Emily Smith", "Emily_Smith", "Smith.Emily.2016", "emily2016", "2016-01-01"):
        r = shared.client.get("/api/obligations", shared.api["D1"], params={"case": name})
        assert r.status_code == 422 and [p["field"] for p in r.json()["problems"]] == ["case"], (name, r.text)
        assert r.json()["message"].startswith("case: give the case's reference (") and "Emily" not in r.text, (name, r.text)
        assert qaf(["--db", shared.url, "due", "--case", name, "--today", TODAY.isoformat()]) == 2  # an option that cannot mean anything
        said = capsys.readouterr()
        assert said.out == "" and said.err.startswith("qaf: --case: give the case's reference ("), (name, said)
        assert "Emily" not in said.err and "2016" not in said.err, (name, said.err)
        page = filters.parse({"case": name}, org, vocab, filters.EVERY, frameworks)
        assert page.errors["case"].startswith("Case reference: give the case's reference (") and "Emily" not in page.errors["case"], name


def test_a_filter_given_twice_is_422_naming_it_and_statuses_given_twice_are_both_asked_for(shared: Served):
    """'?from=2024-01-01&from=2024-09-01' answered as if the first were not there (the last of each was taken,
    silently), as did 'person', 'kind', 'row' and the rest; 'status=open&status=done' answered the done work only."""
    for query, field in (("from=2024-01-01&from=2024-09-01", "from"), ("to=2024-06-30&to=2024-04-30", "to"), ("person=PM1&person=PM2", "person"),
                         ("kind=audit&kind=review", "kind"), ("row=3.16&row=1.6", "row"), ("team=T1&team=T1", "team"),
                         ("framework=x&framework=east-sussex-2013", "framework"), ("role=PM&role=OM", "role"), ("service=a&service=b", "service")):
        r = shared.client.get(f"/api/obligations?{query}", shared.api["D1"])
        assert r.status_code == 422, (query, r.status_code)
        assert r.json()["problems"] == [{"field": field, "message": f"'{field}' is given 2 times: give it once"}], query
    both = shared.client.get("/api/obligations?status=open&status=done", shared.api["D1"])
    assert ids(both) == ids(shared.client.get("/api/obligations?status=open,done", shared.api["D1"]))
    assert ids(both) > ids(shared.client.get("/api/obligations?status=done", shared.api["D1"]))
    assert shared.client.get("/api/obligations?status=open&status=late", shared.api["D1"]).status_code == 422
    assert shared.client.get(f"/feeds/{shared.feed['PM1']}.ics?kind=todo&kind=event").status_code == 422


def test_dates_are_yyyy_mm_dd_and_from_not_after_to_as_qaf_due_reads_them(shared: Served):
    """'from=0' answered every obligation since 1970, 'from=1796083200' (a Unix timestamp) and
    'from=2026-12-01T00:00' were taken as days (FastAPI's dates read both), and 'from' after 'to' answered [],
    where 'qaf due' refuses each (YYYY-MM-DD only; '--from ... is after --to ...')."""
    for query, field in (("from=0", "from"), ("from=1796083200", "from"), ("to=1796083200", "to"), ("from=2024-06-01T00:00", "from"),
                         ("from=2024-06-30&to=2024-06-01", "from"), ("from=0001-01-01", "from"), ("to=9999-12-31", "to"),
                         ("from=1999-12-31", "from"), ("to=2100-01-01", "to")):
        r = shared.client.get(f"/api/obligations?{query}", shared.api["D1"])
        assert r.status_code == 422 and field in {p["field"] for p in r.json()["problems"]}, (query, r.text)
    assert shared.client.get("/api/obligations?from=2024-06-01&to=2024-06-30", shared.api["D1"]).status_code == 200
    assert shared.client.get("/api/obligations?from=2000-01-01&to=2099-12-31", shared.api["D1"]).status_code == 200


def test_a_date_outside_the_century_qaf_works_with_is_refused_by_the_api_as_by_qaf_due(shared: Served):
    """'from=0001-01-01' and 'to=9999-12-31' answered 200, where 'qaf due --from 0001-01-01' is refused: every date
    a command is given lies from 2000-01-01 to 2099-12-31 (README), and the API reads them as qaf due does."""
    r = shared.client.get("/api/obligations?to=9999-12-31", shared.api["D1"])
    assert r.status_code == 422 and r.json()["problems"] == [
        {"field": "to", "message": "9999-12-31 is outside the dates qaf works with (2000-01-01 to 2099-12-31)"}]


def test_openapi_describes_the_api_at_docs(shared: Served):
    assert "swagger" in shared.client.get("/docs").text.lower()
    spec = shared.client.get("/openapi.json").json()
    assert {"/api/obligations", "/api/obligations/{oid}", "/api/obligations/{oid}/outcome", "/feeds/{token}.ics"} <= set(spec["paths"])
    assert any(s.get("scheme") == "bearer" for s in spec["components"]["securitySchemes"].values())


def test_unknown_routes_and_methods_answer_json(shared: Served):
    assert shared.client.get("/nowhere").json() == {"message": "Not Found"}
    r = shared.client.request("DELETE", "/api/obligations", shared.api["D1"])
    assert r.status_code == 405 and r.json()["message"]


def test_an_id_that_is_not_an_obligations_shape_is_404_never_a_query(shared: Served):
    """Sixteen characters with a NUL among them reached PostgreSQL, which refuses NUL: a 500 there."""
    for oid in ("0123456789abcde%00", "0123456789abcdeZ", "%00" * 16, "0123456789ABCDEF0"):
        for path in (f"/api/obligations/{oid}", f"/api/obligations/{oid}/outcome", f"/api/obligations/{oid}/done"):
            r = shared.client.get(path, shared.api["D1"]) if path.count("/") == 3 else shared.client.post(path, shared.api["D1"], json={})
            assert r.status_code == 404 and r.json()["message"].startswith("no obligation"), (path, r.status_code, r.text)


# --- recording an outcome ---------------------------------------------------------------------------


def test_recording_concerns_through_the_api_sets_off_two_audits_a_review_and_an_alert(served: Served):
    audit = may_audit(served.store, "SW4")
    r = served.client.post(f"/api/obligations/{audit.id}/outcome", served.api["PM1"],
                           json={"grade": "requires_improvement", "concerns": True, "date": "2024-06-03", "notes": "chronology gaps"})  # fmt: skip
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["obligation"]["status"] == "done"
    assert body["obligation"]["outcome"] == {"grade": "requires_improvement", "concerns": True, "by": "PM1", "date": "2024-06-03"}
    assert sorted(o["kind"] for o in body["created"]) == ["follow_up_audit", "follow_up_audit", "review"]
    assert {o["cause"] for o in body["created"]} == {audit.id}
    [alert] = [n for n in body["queued"] if n["reason"] == "alert"]
    assert alert["recipient"] == "OM1"
    assert [(n.recipient, n.reason, n.status) for n in served.store.outbox() if n.cause == audit.id] == [("OM1", "alert", "pending")]


def test_a_key_given_twice_in_a_body_is_422_naming_it_and_nothing_is_recorded(served: Served):
    """'{"grade": "good", "grade": "inadequate"}' recorded 'inadequate': JSON's reader keeps the last of a key given
    twice and drops the other without a word, as a query string's filters did."""
    audit = may_audit(served.store, "SW4")
    before = snapshot(served.store)
    for body, field in ((b'{"grade": "good", "grade": "inadequate", "date": "2024-06-03"}', "grade"),
                        (b'{"grade": "good", "areas": {"Plan": "good", "Plan": "inadequate"}}', "areas.Plan")):
        r = served.client.post(f"/api/obligations/{audit.id}/outcome", served.api["PM1"], content=body,
                               headers={"content-type": "application/json"})  # fmt: skip
        assert r.status_code == 422 and r.json()["problems"] == [{"field": field, "message": f"'{field}' is given twice: give it once"}], r.text
    assert snapshot(served.store) == before


def test_a_line_manager_records_as_themselves(served: Served):
    audit = may_audit(served.store, "SW4")
    r = served.client.post(f"/api/obligations/{audit.id}/outcome", served.api["OM1"], json={"grade": "good"})
    assert r.status_code == 200 and r.json()["obligation"]["outcome"]["by"] == "OM1"
    assert r.json()["obligation"]["outcome"]["date"] == TODAY.isoformat()


MALFORMED = [
    ({"grade": "brilliant"}, "grade"),
    ({"grade": "good", "date": "2024-07-01"}, "date"),  # after today
    ({"grade": "good", "date": "2024-04-30"}, "date"),  # before the period began
    ({"grade": "good", "date": "31/05/2024"}, "date"),
    ({"grade": "good", "areas": {"Chronology": "good"}}, "areas"),  # East Sussex judges no key areas
    ({"grade": "good", "areas": {"a,b": "good"}}, "areas"),
    ({"grade": "good", "concerns": "yes"}, "concerns"),
    ({"grade": 3}, "grade"),
    ({"grade": "good", "areas": ["Chronology=good"]}, "areas"),
    ({"grade": "good", "inspector": "me"}, "inspector"),
    ({}, "grade"),  # an audit needs a grade
    ({"grade": "good", "notes": "plan\x00updated"}, "notes"),  # PostgreSQL refuses NUL in text: said, not a 500
    ({"grade": "good", "actions": ["Fix\x00it"]}, "actions.0"),
    (None, "body"),
    ([], "body"),
    ("good", "body"),
]  # fmt: skip


def test_malformed_outcomes_are_422_with_every_problem_and_change_nothing(served: Served):
    audit = may_audit(served.store, "SW4")
    url = f"/api/obligations/{audit.id}/outcome"
    before = snapshot(served.store)
    for body, field in MALFORMED:
        r = served.client.post(url, served.api["PM1"], json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["message"] and field in {p["field"] for p in r.json()["problems"]}, (body, r.json())
    for raw in (b"", b"{not json", b'{"grade": "good",}'):
        r = served.client.post(url, served.api["PM1"], content=raw, headers={"Content-Type": "application/json"})
        assert r.status_code == 422 and r.json()["message"], raw
        if raw:  # the body named, and where its JSON breaks
            [problem] = r.json()["problems"]
            assert problem["field"] == "body" and "not valid JSON at character" in problem["message"], (raw, problem)
    assert snapshot(served.store) == before


CHILD = "Emily Smith"  # a child's name, in a field a client filled in the wrong order


def test_a_422_never_quotes_words_a_caller_typed_but_still_quotes_a_short_bad_token(served: Served):
    """A bad date, grade, area or status was quoted back in the 422 ('not a date: 'Emily Smith''): a field may
    hold a note or a child's name (a client that put its fields in the wrong order), and no error holds what
    people type. A short token ('2024-04-31', 'splendid') is still quoted; words are said to be words."""
    audit = may_audit(served.store, "SW4")
    url = f"/api/obligations/{audit.id}/outcome"
    before = snapshot(served.store)
    for body, field, said in (({"grade": "good", "date": CHILD}, "date", "words, not a date (expected YYYY-MM-DD)"),
                              ({"grade": CHILD}, "grade", "words, not a grade on the framework's scale"),
                              ({"grade": "good", "areas": {CHILD: "good"}}, "areas", "words, not a key area"),
                              ({"grade": "good", "areas": {f"{CHILD}, 2016": "good"}}, "areas", "cannot contain ','")):  # fmt: skip
        r = served.client.post(url, served.api["PM1"], json=body)
        assert r.status_code == 422 and any(p["field"] == field and said in p["message"] for p in r.json()["problems"]), (body, r.text)
        assert "Emily" not in r.text, (body, r.text)  # an area's grade in words: tests/test_outcomes.py (a framework with key areas)
    for query, field in ((f"from={CHILD}", "from"), (f"to=2024-06-01%20{CHILD}", "to"), (f"status={CHILD}", "status"),
                         (f"status=open,{CHILD}", "status")):  # fmt: skip
        r = served.client.get(f"/api/obligations?{query}", served.api["D1"])
        assert r.status_code == 422 and [p["field"] for p in r.json()["problems"]] == [field], (query, r.text)
        assert "Emily" not in r.text and "words" in r.text, (query, r.text)
    for body, said in (({"grade": "good", "date": "2024-04-31"}, "not a date: '2024-04-31' (expected YYYY-MM-DD)"),
                       ({"grade": "splendid"}, "'splendid' is not on the framework's scale")):  # fmt: skip
        r = served.client.post(url, served.api["PM1"], json=body)
        assert r.status_code == 422 and any(said in p["message"] for p in r.json()["problems"]), (body, r.text)
    r = served.client.get("/api/obligations?from=2024-04-31", served.api["D1"])
    assert r.json()["problems"] == [{"field": "from", "message": "not a date: '2024-04-31' (expected YYYY-MM-DD)"}]
    r = served.client.get("/api/obligations?status=finished", served.api["D1"])
    assert "'finished'" in r.json()["message"], r.text
    assert snapshot(served.store) == before


def test_a_lone_surrogate_in_a_body_is_422_naming_its_field_never_a_500(served: Served):
    """JSON may write "\\ud800", half of a character; Python decodes it and nothing can encode it. An action
    holding one reached the database and failed there (500); an area holding one was refused, and the
    refusal, which quotes it, failed to be written (500, the problems in the log)."""
    audit = may_audit(served.store, "SW4")
    url = f"/api/obligations/{audit.id}/outcome"
    before = snapshot(served.store)
    for body, field in (({"grade": "good", "actions": ["Fix the plan \ud800"]}, "actions.0"),
                        ({"grade": "good", "actions": ["Fix the plan | who: PM1\udfff"]}, "actions.0"),
                        ({"grade": "good", "areas": {"Voice\ud800": "good"}}, "areas")):
        raw = json.dumps(body)  # "\\ud800" as JSON writes it (httpx's own encoding cannot send it at all)
        r = served.client.post(url, served.api["PM1"], content=raw, headers={"Content-Type": "application/json"})
        assert r.status_code == 422, (body, r.text)
        assert field in {p["field"] for p in r.json()["problems"]}, (body, r.json())
    assert snapshot(served.store) == before


def test_several_problems_are_reported_together(shared: Served):
    audit = may_audit(shared.store, "SW4")
    r = shared.client.post(f"/api/obligations/{audit.id}/outcome", shared.api["PM1"],
                           json={"grade": "brilliant", "date": "2030-01-01", "areas": {"Chronology": "good"}})  # fmt: skip
    assert r.status_code == 422
    assert {p["field"] for p in r.json()["problems"]} == {"grade", "date", "areas"}


def test_recording_someone_elses_or_a_done_obligation_is_refused(served: Served):
    audit = may_audit(served.store, "SW4")
    done = may_audit(served.store, "SW1")
    before = snapshot(served.store)
    assert served.client.post(f"/api/obligations/{audit.id}/outcome", served.api["PM2"], json={"grade": "good"}).status_code == 403
    assert served.client.post(f"/api/obligations/{audit.id}/outcome", json={"grade": "good"}).status_code == 401
    assert served.client.post("/api/obligations/feedfacefeedface/outcome", served.api["D1"], json={"grade": "good"}).status_code == 404
    again = served.client.post(f"/api/obligations/{done.id}/outcome", served.api["PM1"], json={"grade": "good"})
    assert again.status_code == 422 and "nothing to record" in again.json()["problems"][0]["message"]
    sideways = served.client.post(f"/api/obligations/{audit.id}/outcome", served.api["HQA"], json={"grade": "good"})
    assert sideways.status_code == 422 and sideways.json()["problems"][0]["field"] == "by"  # sees all, records only for her line
    assert snapshot(served.store) == before


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
BODIES = JSON | st.fixed_dictionaries(
    {},
    optional={
        "grade": JSON | st.sampled_from(["good", "Inadequate", "requires improvement", "outstanding", ""]),
        "concerns": JSON, "notes": JSON,
        "date": JSON | st.dates(date(2023, 1, 1), date(2025, 12, 31)).map(date.isoformat),
        "areas": JSON | st.dictionaries(st.text(string.ascii_letters + " ,=", max_size=12), st.sampled_from(["good", "bad"]), max_size=2),
    },
)  # fmt: skip


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=BODIES)
def test_no_body_ever_gets_a_500(served: Served, body: Any):
    audit = may_audit(served.store, "SW4")
    r = served.client.post(f"/api/obligations/{audit.id}/outcome", served.api["PM1"], json=body)
    assert r.status_code in (200, 422), (body, r.status_code, r.text)
    assert r.json()["message" if r.status_code == 422 else "obligation"]



def test_a_body_larger_than_any_request_needs_is_413_and_never_read_whoever_sends_it(served: Served):
    """An outcome is at most 10,000 characters of notes and 50 actions: a body past ``MAX_BODY`` (a megabyte) is
    refused with 413, JSON like every API error, before the token is looked at and before it is read (its
    Content-Length says so), or as soon as the bytes read pass the limit (sent in chunks, with no length);
    nothing is written. It was read whole first, token or not: 300 MB held in the server's memory."""
    from qaf.web.api import MAX_BODY

    audit = may_audit(served.store, "SW4")
    before = snapshot(served.store)
    too_big = b'{"notes": "' + b"x" * MAX_BODY + b'"}'
    for token in (None, served.api["PM1"]):
        r = served.client.post(f"/api/obligations/{audit.id}/outcome", token, content=too_big, headers={"Content-Type": "application/json"})
        assert r.status_code == 413 and "too large" in r.json()["message"].lower(), (token, r.status_code, r.text)
    sent = [0]

    async def chunks():  # 50 MB offered, in 64 KB pieces with no Content-Length
        for _ in range(800):
            sent[0] += 65_536
            yield b"x" * 65_536

    r = served.client.post(f"/api/obligations/{audit.id}/outcome", served.api["PM1"], content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and "too large" in r.json()["message"].lower(), r.text
    assert sent[0] <= MAX_BODY + 2 * 65_536  # read no further than the limit
    assert snapshot(served.store) == before

def test_a_content_length_in_digits_other_than_0_to_9_is_refused_not_a_500():
    """"²" and "٣" are digits to ``str.isdigit`` and not to ``int``: a Content-Length of either raised inside the
    body limit and the form reader (a 500 wherever a server passes such a header on). Both refuse it."""
    import asyncio

    from starlette.requests import Request

    from qaf.web.forms import FormError, form
    from qaf.web.guard import BodyLimit

    async def app(scope, receive, send):  # what the limit guards: never reached
        raise AssertionError("the app was called")

    def scope(length: bytes) -> dict:
        return {"type": "http", "method": "POST", "path": "/api/x", "headers": [(b"content-length", length),
                (b"content-type", b"application/x-www-form-urlencoded")], "query_string": b""}  # fmt: skip

    async def nothing():
        return {"type": "http.request", "body": b"", "more_body": False}

    for length in ("²".encode("latin-1"), "٣".encode(), b"12a"):
        sent: list[dict] = []

        async def send(message, sent=sent):
            sent.append(message)

        asyncio.run(BodyLimit(app, 1000)(scope(length), nothing, send))
        assert sent[0]["status"] == 400 and b"not a number" in sent[1]["body"], (length, sent)
        with pytest.raises(FormError):
            asyncio.run(form(Request(scope(length), nothing)))


# --- qaf token -------------------------------------------------------------------------------------


def test_tokens_are_long_random_and_stored_only_as_their_hash(shared: Served):
    made = [tokens.new_token() for _ in range(500)]
    assert len(set(made)) == 500 and min(map(len, made)) >= 43  # 32 random bytes: 256 bits
    assert not [t for t in made if t.startswith("-")], "a token the command line would read as an option"
    stored = json.dumps(snapshot(shared.store)["feed_tokens"])
    for token in (*shared.feed.values(), *shared.api.values()):
        assert token not in stored and hashlib.sha256(token.encode()).hexdigest() in stored


def test_qaf_token_create_list_and_revoke(served: Served, capsys):
    assert qaf(["--db", served.url, "token", "create", "--person", "OM1", "--scope", "team"]) == 0
    out, err = capsys.readouterr()
    token, path = out.split()
    assert path == f"/feeds/{token}.ics" and "shown once" in err
    assert served.client.get(path).status_code == 200
    assert qaf(["--db", served.url, "token", "list"]) == 0
    listing = capsys.readouterr().out
    assert token not in listing
    [line] = [row for row in listing.splitlines() if "team" in row and "OM1" in row and "feed" in row]
    token_id = line.split()[0]
    assert token_id == hashlib.sha256(token.encode()).hexdigest()[:12]
    assert qaf(["--db", served.url, "token", "revoke", token_id]) == 0
    assert served.client.get(path).status_code == 404
    assert qaf(["--db", served.url, "token", "revoke", token]) == 1
    assert "already revoked" in capsys.readouterr().err


def test_qaf_token_create_refuses_what_it_must(served: Served, capsys):
    """'--person NOBODY' exited 1 as if the store had refused it, where 'qaf due --person NOBODY' exits 2: a person
    nobody is, a leaver, or a scope the person may not have is a bad argument, exit 2 naming the option, no token."""
    before = snapshot(served.store)
    assert qaf(["--db", served.url, "token", "create", "--person", "PM1", "--scope", "all"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qaf: --scope: ") and "does not hold an overseeing role" in err
    assert qaf(["--db", served.url, "token", "create", "--person", "NOBODY"]) == 2
    assert capsys.readouterr().err.strip() == "qaf: --person: no person 'NOBODY' in the organisation"
    assert snapshot(served.store) == before
    served.store.save_org(council(people=people_with(SW4={"end": date(2024, 6, 7)})))
    before = snapshot(served.store)
    assert qaf(["--db", served.url, "token", "create", "--person", "SW4"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("qaf: --person: ") and "left on 2024-06-07: no token" in err
    assert snapshot(served.store) == before
    assert qaf(["--db", served.url, "token", "create", "--person", "D1", "--purpose", "api"]) == 0
    token = capsys.readouterr().out.split()[0]
    assert len(served.client.get("/api/obligations?status=all", token).json()) == len(served.store.obligations(Filters(statuses=None)))


def test_an_attendee_sees_the_meeting_she_attends_but_only_its_owner_records_it(served: Served):
    """4.18: the Principal Social Worker's bi-monthly meeting with the AD; the AD attends, it is not hers to record."""
    mine = served.client.get("/api/obligations?person=AD1&row=4.18&status=all", served.api["AD1"])
    assert mine.status_code == 200, mine.text
    meetings = [r for r in mine.json() if r["assignee"] == "PSW"]
    assert meetings and all(r["as"] == "attending" and r["attendees"] == ["AD1"] for r in meetings)
    one = served.client.get(f"/api/obligations/{meetings[0]['id']}", served.api["AD1"])
    assert one.status_code == 200 and one.json()["assignee"] == "PSW"
    held = served.client.post(f"/api/obligations/{meetings[0]['id']}/outcome", served.api["AD1"], json={"date": "2024-04-30"})
    assert held.status_code == 422 and "only the assignee or their line managers may" in held.text
    other = served.client.get("/api/obligations?person=PM1", served.api["AD1"])
    assert other.status_code == 200  # her line: Heads of Service, Operations and Practice Managers below her


def test_issue14_1_an_outcome_raises_actions_through_the_api_and_their_text_is_on_their_own_record_only(served: Served):
    audit = may_audit(served.store, "SW4")
    url = f"/api/obligations/{audit.id}/outcome"
    before = snapshot(served.store)
    bad = served.client.post(url, served.api["PM1"], json={"grade": "good", "actions": ["| due: soon", "Fine | who: NOBODY"]})
    assert bad.status_code == 422
    assert {p["field"] for p in bad.json()["problems"]} == {"actions.0", "actions.1"}
    assert snapshot(served.store) == before
    r = served.client.post(url, served.api["PM1"], json={"grade": "good", "actions": ["SECRET: ring the school | within 2 weeks"]})
    assert r.status_code == 200, r.text
    [action] = [o for o in r.json()["created"] if o["kind"] == "action"]
    assert action["assignee"] == "SW4" and "SECRET" not in str(action)
    own = served.client.get(f"/api/obligations/{action['id']}", served.api["PM1"]).json()
    assert own["action"]["what"] == "SECRET: ring the school"
    listed = served.client.get("/api/obligations?kind=action&person=SW4", served.api["PM1"]).json()
    assert [o["id"] for o in listed] == [action["id"]] and "SECRET" not in str(listed)


def test_the_list_shows_exactly_what_the_single_read_lets_each_caller_see(served: Served):
    """Pat (PM1) gives an action on her audit of Tom's case to Priya (PM2, another line): she follows it, so her list
    has it as her single read does; Tom (SW1) sees neither. The Assistant Director (AD1) attends the Principal Social
    Worker's meetings: her list has them with no ``person`` asked; her line (OM1) sees none of them."""
    june = may_audit(served.store, "SW1", 6)
    r = served.client.post(f"/api/obligations/{june.id}/outcome", served.api["PM1"], json={"grade": "good", "actions": ["Plan | who: PM2"]})
    assert r.status_code == 200, r.text
    [action] = [o["id"] for o in r.json()["created"] if o["kind"] == "action" and o["assignee"] == "PM2"]
    listed = lambda who, query="": {o["id"] for o in served.client.get(f"/api/obligations?status=all{query}", served.api[who]).json()}  # noqa: E731
    for who, seen in (("PM1", True), ("PM2", True), ("OM1", True), ("SW1", False), ("PM1", True)):  # PM1 again: a kept answer
        assert (served.client.get(f"/api/obligations/{action}", served.api[who]).status_code == 200) is seen, who
        assert (action in listed(who)) is seen and (action in listed(who, "&kind=action")) is seen, who
    meetings = {o.id for o in served.store.obligations(Filters(row="4.18", statuses=None)) if "AD1" in o.attendees}
    assert meetings and meetings <= listed("AD1") and meetings <= listed("AD1", "&row=4.18")
    assert not meetings & listed("OM1") and served.client.get(f"/api/obligations/{min(meetings)}", served.api["OM1"]).status_code == 403
    every = served.store.obligations(Filters(statuses=None))  # and no more nor less than the single read's rule, for each
    org, vocab = served.store.org(), served.store.vocabulary()
    for who in ("PM1", "OM1", "SW1", "AD1"):
        seen = access.visible(org, vocab, who, access.widest_scope(org, vocab, who), TODAY)
        assert listed(who) == {o.id for o in every if queries.may_see(served.store, seen, o)}, who
