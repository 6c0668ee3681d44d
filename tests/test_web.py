"""The web pages over HTTP: sign in by emailed link, sessions, CSRF, "My work", an obligation's page.

Requests go to the real app (``create_app``) over a real store on SQLite and
PostgreSQL; sign-in emails go through a real SMTP server on loopback
(aiosmtpd). The small council's year is the feed tests' (business date
10 June 2024): Pat Practice (PM1) manages Tom Fairley (SW1) and others in
Hastings; Priya Practice (PM2) manages Eastbourne, another line.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta, timezone
from typing import Iterator
from urllib.parse import unquote

import pytest
from starlette.testclient import TestClient

from qaf.engine.model import obligation_id
from qaf.engine.outcomes import Recording
from qaf.engine.query import Filters
from qaf.store.sql import SqlStore
from qaf.usecases import recording, signin
from qaf.usecases.mail import MailSettings
from qaf.web.api import create_app
from qaf.web.forms import CSP
from tests.conftest import snapshot
from tests.smtp import Inbox, free_port, smtp_server
from tests.test_feeds import BASE, TODAY, may_audit, year

NOW = datetime(2024, 6, 10, 9, 0, tzinfo=timezone.utc)
pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
LINK = re.compile(r"https://qaf\.example-council\.gov\.uk(/sign-in/[A-Za-z0-9_-]+(?:\?next=\S+)?)")


class Site:
    """The app, a clock for its sign-in links and sessions, and the inbox its emails reach."""

    def __init__(self, store: SqlStore, url: str, inbox: Inbox, port: int, today: date = TODAY) -> None:
        self.store, self.inbox, self.now = store, inbox, NOW
        settings = MailSettings(host="127.0.0.1", port=port, sender="qaf@example-council.gov.uk", base_url=BASE)
        self.app = create_app(url, lambda: today, base_url=BASE, now=lambda: self.now, mail_settings=settings)

    def browser(self) -> TestClient:
        return TestClient(self.app, base_url=BASE, follow_redirects=False)

    def ask_link(self, client: TestClient, email: str, next: str | None = None):
        page = client.get("/sign-in" + (f"?next={next}" if next else ""))
        return client.post("/sign-in", data={"csrf": csrf(page.text), "email": email, "next": next or ""})

    def last_link(self) -> str:
        body = self.inbox.messages[-1].get_body(("plain",)).get_content()
        return LINK.search(body).group(1)

    def use(self, client: TestClient, path: str):
        page = client.get(path)
        assert page.status_code == 200, page.text
        action = re.search(r'action="(/sign-in/[^"]+)"', page.text).group(1)
        next_ = html.unescape(re.search(r'name="next" value="([^"]*)"', page.text).group(1))  # as a browser reads it
        return client.post(action, data={"csrf": csrf(page.text), "next": next_})

    def signed_in(self, email: str) -> TestClient:
        client = self.browser()
        assert self.ask_link(client, email).status_code == 200
        assert self.use(client, self.last_link()).status_code == 303
        return client

    def close(self) -> None:
        self.app.state.store.close()


def csrf(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


@pytest.fixture
def site(store: SqlStore, db_url: str) -> Iterator[Site]:
    year(store)
    inbox, port = Inbox(), free_port()
    with smtp_server(inbox, port):
        s = Site(store, db_url, inbox, port)
        yield s
        s.close()


PAT = "pat.practice@example-council.gov.uk"


def test_a_practice_manager_signs_in_by_emailed_link_and_sees_her_work(site: Site):
    client = site.browser()
    assert client.get("/my-work").headers["location"] == "/sign-in?next=/my-work"
    sent = site.ask_link(client, "Pat.Practice@Example-Council.gov.uk ")
    assert sent.status_code == 200 and "Check your email" in sent.text
    (message,) = site.inbox.messages
    assert message["To"] == PAT and message["Subject"] == "Your qaf sign-in link"
    stored = snapshot(site.store)["signin_links"]
    assert len(stored) == 1 and site.last_link().rsplit("/", 1)[1] not in repr(stored)  # only the hash is kept
    answer = site.use(client, site.last_link())
    assert answer.status_code == 303 and answer.headers["location"] == "/my-work"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
    work = client.get("/my-work")
    assert work.status_code == 200 and "Pat Practice" in work.text and "Overdue" in work.text
    assert work.headers["content-security-policy"] == CSP
    assert "/obligations/" in work.text


def test_someone_not_in_the_organisation_gets_a_polite_refusal_and_nothing_else(site: Site):
    before = snapshot(site.store)
    answer = site.ask_link(site.browser(), "stranger@example.com")
    assert answer.status_code == 403 and "not one of this organisation" in answer.text
    assert site.inbox.messages == [] and snapshot(site.store) == before


def test_a_link_works_once_and_for_fifteen_minutes(site: Site):
    site.ask_link(site.browser(), PAT)
    link = site.last_link()
    assert site.use(site.browser(), link).status_code == 303
    replayed = site.use(site.browser(), link)
    assert replayed.status_code == 400 and "expired or has already been used" in replayed.text
    site.ask_link(site.browser(), PAT)
    site.now += signin.LINK_LIFE + timedelta(seconds=1)
    assert site.use(site.browser(), site.last_link()).status_code == 400


def test_a_session_ends_on_sign_out_and_after_a_working_day_idle(site: Site):
    client = site.signed_in(PAT)
    site.now += timedelta(hours=7)
    assert client.get("/my-work").status_code == 200  # seen: the idle clock starts again
    site.now += timedelta(hours=7, minutes=59)
    assert client.get("/my-work").status_code == 200
    site.now += signin.IDLE + timedelta(seconds=1)
    assert client.get("/my-work").status_code == 303
    client = site.signed_in(PAT)
    token = csrf(client.get("/my-work").text)
    assert client.post("/sign-out", data={"csrf": "wrong" * 8}).status_code == 403
    assert client.post("/sign-out", data={"csrf": token}).status_code == 200
    assert client.get("/my-work").status_code == 303


def test_signing_out_after_the_session_has_ended_says_you_are_signed_out(site: Site):
    """A working day idle, then 'Sign out' on the page left open: the session has ended already, so the answer
    is that you are signed out (the cookie dropped), not a 403 telling you that you have not been."""
    client = site.signed_in(PAT)
    token = csrf(client.get("/my-work").text)
    site.now += signin.IDLE + timedelta(seconds=1)
    answer = client.post("/sign-out", data={"csrf": token})
    assert answer.status_code == 200 and "You have signed out" in answer.text
    assert 'qaf_session=""' in answer.headers["set-cookie"]


def test_a_form_posted_without_its_csrf_token_is_refused_and_changes_nothing(site: Site):
    client = site.signed_in(PAT)
    audit = may_audit(site.store, "SW2", 6)
    before = snapshot(site.store)
    for data in ({"grade": "good"}, {"grade": "good", "csrf": ""}, {"grade": "good", "csrf": "x" * 43}):
        answer = client.post(f"/obligations/{audit.id}/outcome", data=data)
        assert answer.status_code == 403, data
    anonymous = site.browser()
    anonymous.get("/sign-in")
    assert anonymous.post("/sign-in", data={"email": PAT}).status_code == 403
    assert snapshot(site.store) == before and site.inbox.messages[1:] == []


def test_another_lines_obligation_is_403_with_no_detail(site: Site):
    client = site.signed_in(PAT)
    theirs = may_audit(site.store, "SW5", 6)  # Eve East, in Priya Practice's line
    page = client.get(f"/obligations/{theirs.id}")
    assert page.status_code == 403 and theirs.case not in page.text and "Eve East" not in page.text
    before = snapshot(site.store)
    token = csrf(client.get("/my-work").text)
    posted = client.post(f"/obligations/{theirs.id}/outcome", data={"csrf": token, "grade": "good"})
    assert posted.status_code == 403 and snapshot(site.store) == before
    assert client.get("/obligations/0123456789abcde%00").status_code == 404  # not an id's shape: never a query (NUL: 500 on PostgreSQL)
    olive = site.signed_in("olive.ops@example-council.gov.uk")  # their Operations Manager sees both lines
    assert olive.get(f"/obligations/{theirs.id}").status_code == 200


def test_work_someone_may_not_see_is_answered_as_work_that_does_not_exist(site: Site):
    """An id is a hash of what the work is (framework, row, period, subject, kind), all of it known or guessed: Pat
    can work out the id of the follow-up audit that concerns found in Eve East's May audit (Priya Practice's line)
    would set off. Answered 403 where it exists and 404 where it does not, each guess told her whether the other
    line's audit found significant concerns. Every page and form now answers the two the same, byte for byte."""
    eves = may_audit(site.store, "SW5", 5)
    assert eves.id == obligation_id("east-sussex-2013", "3.16", 0, date(2024, 5, 1), "worker", "SW5", "audit", 0)  # worked out
    recording.record(site.store, Recording(eves.id, "inadequate", concerns=True, by="PM2", date=date(2024, 6, 3)), TODAY)
    follow_up = next(o for o in site.store.obligations(Filters(statuses=None)) if o.cause == eves.id and o.kind == "follow_up_audit")
    assert follow_up.id == obligation_id(follow_up.framework, "3.16", -1, date(2024, 6, 3), "cause", eves.id, follow_up.kind, follow_up.seq)
    guessed = obligation_id(follow_up.framework, "3.16", -1, date(2024, 6, 4), "cause", eves.id, follow_up.kind, follow_up.seq)
    pat = site.signed_in(PAT)
    token = csrf(pat.get("/my-work").text)
    before = snapshot(site.store)
    for path, posted in (("/obligations/{}", None), ("/obligations/{}/extension", None),
                         ("/obligations/{}/extension", {"to": "2024-08-01", "reason": "leave"}),
                         *((f"/obligations/{{}}/{act}", {"grade": "good", "moderated-grade": "good"}) for act in ("outcome", "moderate", "contest", "close"))):  # fmt: skip
        there, not_there = (pat.get(path.format(oid)) if posted is None else pat.post(path.format(oid), data={"csrf": token, **posted})
                            for oid in (follow_up.id, guessed))  # fmt: skip
        assert (there.status_code, there.text) == (not_there.status_code, not_there.text.replace(guessed, follow_up.id)), path
        assert there.status_code == 403 and follow_up.case not in there.text and "Eve East" not in there.text, path
    assert snapshot(site.store) == before
    assert site.signed_in("olive.ops@example-council.gov.uk").get(f"/obligations/{follow_up.id}").status_code == 200  # Priya's manager
    dana = site.signed_in("dana.director@example-council.gov.uk")  # she sees all there is: told what is not there
    assert dana.get(f"/obligations/{follow_up.id}").status_code == 200 and dana.get(f"/obligations/{guessed}").status_code == 404


def test_recording_an_outcome_shows_what_it_set_off(site: Site):
    client = site.signed_in(PAT)
    audit = may_audit(site.store, "SW1", 6)
    page = client.get(f"/obligations/{audit.id}")
    assert page.status_code == 200 and "Record the outcome" in page.text and audit.case in page.text
    answer = client.post(f"/obligations/{audit.id}/outcome", data={
        "csrf": csrf(page.text), "grade": "requires_improvement", "concerns": "yes", "date": "2024-06-07", "notes": "Plan out of date.",
    })  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert "Outcome recorded" in answer.text and "What it set off" in answer.text
    assert "follow-up audit" in answer.text
    (done,) = site.store.obligations(Filters(ids=frozenset({audit.id}), statuses=None))
    assert done.status == "done" and done.outcome.grade == "requires_improvement" and done.outcome.by == "PM1"
    shown = client.get(f"/obligations/{audit.id}")
    assert "Plan out of date." in shown.text and "Record the outcome" not in shown.text


@pytest.mark.parametrize("data, field, message", [
    ({}, "grade", "Choose a grade"),
    ({"grade": "excellent"}, "grade", "not on the framework"),
    ({"grade": "good", "date": "2024-07-01"}, "date", "in the future"),
    ({"grade": "good", "date": "June"}, "date", "Enter the date as a day, month and year"),
    ({"grade": "good", "notes": "x" * 10_001}, "notes", "10,000"),
])  # fmt: skip
def test_bad_input_is_shown_beside_its_field_and_nothing_is_written(site: Site, data: dict, field: str, message: str):
    client = site.signed_in(PAT)
    audit = may_audit(site.store, "SW1", 6)
    token = csrf(client.get(f"/obligations/{audit.id}").text)
    before = snapshot(site.store)
    answer = client.post(f"/obligations/{audit.id}/outcome", data={"csrf": token, **data})
    assert answer.status_code == 422
    beside = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', answer.text, re.S)
    assert beside and message in beside.group(1), answer.text
    assert "There is a problem" in answer.text and snapshot(site.store) == before


def test_a_huge_or_unreadable_body_is_a_4xx_and_changes_nothing(site: Site):
    client = site.signed_in(PAT)
    audit = may_audit(site.store, "SW1", 6)
    token = csrf(client.get(f"/obligations/{audit.id}").text)
    url = f"/obligations/{audit.id}/outcome"
    before = snapshot(site.store)
    form = {"content-type": "application/x-www-form-urlencoded"}
    assert client.post(url, content=f"csrf={token}&grade=good&notes={'x' * 300_000}", headers=form).status_code == 413
    assert client.post(url, content=f"csrf={token}&grade=good&notes=".encode() + b"\xff\xfe", headers=form).status_code == 400
    assert client.post(url, json={"csrf": token, "grade": "good"}).status_code == 415
    # a field sent twice: the first was taken, and 'grade=good&grade=inadequate' recorded good without a word
    twice = client.post(url, content=f"csrf={token}&grade=good&grade=inadequate", headers=form)
    assert twice.status_code == 400 and "grade" in twice.text and "twice" in twice.text
    assert snapshot(site.store) == before



def test_every_page_answers_head_as_it_answers_get_without_the_body(site: Site):
    """RFC 9110 §9.1: a server that answers GET answers HEAD. Link checkers and mail scanners ask HEAD of the
    links in qaf's emails (an obligation's page, a sign-in link); they got 405. Now each gives GET's status and
    headers, no body, and a HEAD changes nothing (opening a sign-in link spends nothing either way)."""
    client = site.signed_in(PAT)
    audit = may_audit(site.store, "SW1", 6)
    site.ask_link(site.browser(), PAT)
    paths = (f"/obligations/{audit.id}", f"/obligations/{audit.id}/extension", "/my-work", "/my-line", "/search",
             "/my-work/calendar", "/sign-in", site.last_link(), "/static/qaf.css", "/director")  # fmt: skip
    before = snapshot(site.store)
    for path in paths:
        got, head = client.get(path), client.head(path)
        assert (head.status_code, head.content) == (got.status_code, b""), (path, head.status_code, head.text[:200])
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert head.headers.get("cache-control") == got.headers.get("cache-control"), path
    assert client.head(f"/obligations/{audit.id}/outcome").status_code == 303  # a form's address: to the page it is on
    assert snapshot(site.store)["signin_links"] == before["signin_links"]
    assert site.use(site.browser(), site.last_link()).status_code == 303  # the link was not spent

def test_a_forms_address_opened_again_goes_to_the_page_the_form_is_on(site: Site):
    """A form's answer leaves its address in the address bar (/obligations/ID/outcome); a restored tab, a
    bookmark or Enter in the address bar opens it with GET, which answered JSON '{"message":"Method Not
    Allowed"}'. Each now sends the browser to the page the form is on, and changes nothing."""
    client = site.signed_in(PAT)
    audit = may_audit(site.store, "SW1", 6)
    before = snapshot(site.store)
    for act in ("outcome", "moderate", "contest", "close"):
        answer = client.get(f"/obligations/{audit.id}/{act}")
        assert (answer.status_code, answer.headers["location"]) == (303, f"/obligations/{audit.id}"), act
    for path, to in (("/extensions/1/approve", "/my-line"), ("/extensions/1/refuse", "/my-line"), ("/sign-out", "/")):
        answer = client.get(path)
        assert (answer.status_code, answer.headers["location"]) == (303, to), path
    assert snapshot(site.store) == before and client.get("/my-work").status_code == 200  # still signed in


def test_after_sign_in_a_link_from_an_email_or_calendar_opens_its_page(site: Site):
    audit = may_audit(site.store, "SW1", 6)
    client = site.browser()
    to = client.get(f"/obligations/{audit.id}").headers["location"]
    assert to == f"/sign-in?next=/obligations/{audit.id}"
    site.ask_link(client, PAT, next=f"/obligations/{audit.id}")
    assert site.last_link().endswith(f"?next=/obligations/{audit.id}")
    assert site.use(client, site.last_link()).headers["location"] == f"/obligations/{audit.id}"
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        site.ask_link(client, PAT, next=evil)
        assert "evil" not in site.last_link()
    # a page with a query (the Director's month, a search) comes back whole, not cut at its first '&'
    search = "/search?kind=audit&status=overdue"
    client = site.browser()
    to = client.get(search).headers["location"]
    assert to == "/sign-in?next=/search%3Fkind%3Daudit%26status%3Doverdue"
    assert 'value="/search?kind=audit&amp;status=overdue"' in client.get(to).text  # the sign-in form carries it on
    site.ask_link(client, PAT, next=search)
    assert site.use(client, site.last_link()).headers["location"] == search


def test_a_sign_in_address_giving_next_twice_is_refused_never_the_last_taken(site: Site):
    """'/sign-in?next=/my-line&next=/director' (and an emailed link with two) went to the last, the first dropped
    without a word, where every other parameter given twice is refused. 400 now, and no link is sent or used."""
    audit = may_audit(site.store, "SW1", 6)
    client = site.browser()
    twice = f"next=/obligations/{audit.id}&next=/director"
    answer = client.get(f"/sign-in?{twice}")
    assert answer.status_code == 400 and "more than once" in answer.text and "/director" not in answer.text
    site.ask_link(client, PAT, next=f"/obligations/{audit.id}")
    link = site.last_link()
    opened = client.get(f"{link}&next=/director")
    assert opened.status_code == 400 and "more than once" in opened.text and 'action="/sign-in/' not in opened.text
    assert site.use(client, link).headers["location"] == f"/obligations/{audit.id}"  # the link itself still works, once


def test_what_was_typed_into_a_pages_address_never_goes_into_the_sign_in_email(site: Site):
    """A search for a case typed by hand (whatever someone typed: it could be a child's name) sends its
    searcher to sign in. The email's link names the search page alone; the browser that asked for it keeps
    the search and lands on it; the link opened elsewhere (a phone) lands on the search page, unfiltered."""
    search = "/search?case=Jane%20Smith&status=overdue"
    client = site.browser()
    asked = unquote(client.get(search).headers["location"].split("next=", 1)[1])
    assert asked == "/search?case=Jane%20Smith&status=overdue"
    site.ask_link(client, PAT, next=asked)
    body = site.inbox.messages[-1].get_body(("plain",)).get_content()
    assert "Jane" not in unquote(unquote(body)) and "status" not in body and site.last_link().endswith("?next=/search")
    assert site.use(client, site.last_link()).headers["location"] == asked
    site.ask_link(site.browser(), PAT, next=asked)
    assert site.use(site.browser(), site.last_link()).headers["location"] == "/search"
    site.ask_link(client, PAT, next="/Jane-Smith")  # a path no page has is not emailed either
    assert "Jane" not in site.inbox.messages[-1].get_body(("plain",)).get_content()


def test_the_api_docs_and_every_page_load_nothing_from_elsewhere(site: Site):
    client = site.signed_in(PAT)
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/static/swagger/swagger-ui-bundle.js" in docs.text
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/static/swagger/..%2F..%2Fcore.py").status_code == 404
    for path in ("/docs", "/my-work", f"/obligations/{may_audit(site.store, 'SW1', 6).id}", "/sign-in"):
        text = client.get(path).text
        assert not re.findall(r"""(?:src|href)=["']?(?:https?:)?//""", text), path


def test_every_template_is_rendered_or_imported_somewhere():
    """A template no page renders and no template imports is dead weight that drifts (``_table.html`` did)."""
    from pathlib import Path

    import qaf

    root = Path(qaf.__file__).parent
    templates = root / "web" / "templates"
    named: set[str] = set()
    for source in [*root.rglob("*.py"), *templates.glob("*.html")]:
        named |= set(re.findall(r"""["']([\w-]+\.html)["']""", source.read_text(encoding="utf-8")))
    assert sorted(p.name for p in templates.glob("*.html") if p.name not in named | {"base.html"}) == []


def test_the_base_url_in_the_settings_file_is_the_web_apps_as_it_is_emails(store: SqlStore, db_url: str, tmp_path, monkeypatch):
    """QAF_BASE_URL written in the QAF_SETTINGS file (not the environment) made the emails' links, but the web app
    never read it: behind the council's proxy it refused to send sign-in links ("does not know its address"),
    gave its cookies no Secure flag, and made feed URLs from whatever Host the request named. One reading now."""
    year(store)
    inbox, port = Inbox(), free_port()
    settings = tmp_path / "qaf.env"
    settings.write_text(f"QAF_SMTP_HOST=127.0.0.1\nQAF_SMTP_PORT={port}\nQAF_BASE_URL=https://qaf.example-council.gov.uk/\n")
    monkeypatch.delenv("QAF_BASE_URL", raising=False)
    monkeypatch.setenv("QAF_SETTINGS", str(settings))
    app = create_app(db_url, lambda: TODAY, now=lambda: NOW)
    try:
        plain = TestClient(app, base_url="http://qaf-app.internal:8000", follow_redirects=False)  # TLS ended at the proxy
        assert "Secure" in plain.get("/sign-in").headers["set-cookie"]
        client = TestClient(app, base_url="https://qaf-app.internal:8000", follow_redirects=False)  # the Host it names
        with smtp_server(inbox, port):
            page = client.get("/sign-in")
            asked = client.post("/sign-in", data={"csrf": csrf(page.text), "email": PAT, "next": ""})
            assert asked.status_code == 200 and "Check your email" in asked.text
        body = inbox.messages[-1].get_body(("plain",)).get_content()
        assert LINK.search(body) and "qaf-app.internal" not in body
        link = client.get(LINK.search(body).group(1))
        action = re.search(r'action="(/sign-in/[^"]+)"', link.text).group(1)
        assert client.post(action, data={"csrf": csrf(link.text), "next": ""}).status_code == 303
        made = client.post("/my-work/calendar", data={"csrf": csrf(client.get("/my-work/calendar").text)})
        assert "webcal://qaf.example-council.gov.uk/feeds/" in made.text and "qaf-app.internal" not in made.text
    finally:
        app.state.store.close()


def test_a_web_host_whose_clock_is_out_times_sign_in_links_by_the_databases_clock(store: SqlStore, db_url: str, monkeypatch):
    """Sign-in links and sessions expire by the web app's clock. A host three hours ahead stamped its links with its
    own time, and another host on time took them as good for three hours more than the fifteen minutes. The app
    keeps them on the database's clock, measured as its business date is."""
    from qaf.web import api

    year(store)
    monkeypatch.setattr(api, "utc_now", lambda: datetime.now(timezone.utc) + timedelta(hours=3))
    inbox, port = Inbox(), free_port()
    with smtp_server(inbox, port):
        settings = MailSettings(host="127.0.0.1", port=port, sender="qaf@example-council.gov.uk", base_url=BASE)
        client = TestClient(create_app(db_url, lambda: TODAY, base_url=BASE, mail_settings=settings), base_url=BASE, follow_redirects=False)
        page = client.get("/sign-in")
        assert client.post("/sign-in", data={"csrf": csrf(page.text), "email": PAT, "next": ""}).status_code == 200
    from sqlalchemy import select

    from qaf.store.tables import SIGNIN_LINKS

    with store.read() as conn:
        [(person, created, expires)] = conn.execute(select(SIGNIN_LINKS.c.person, SIGNIN_LINKS.c.created_at, SIGNIN_LINKS.c.expires_at)).all()
    assert person == "PM1" and abs(created - datetime.now(timezone.utc)) < timedelta(minutes=5)
    assert expires - created == timedelta(minutes=15)


def test_a_link_whose_email_could_not_be_sent_is_not_kept_and_counts_against_nobody(store: SqlStore, db_url: str):
    """The mail server is down: "The email could not be sent. Please try again in a few minutes", and the store
    is as it was (no link nobody received). Pat tried six times while it was down; once it is back, her next
    try sends a link, not "Too many sign-in links" for links she never had."""
    year(store)
    inbox, port = Inbox(), free_port()
    site = Site(store, db_url, inbox, port)  # nothing listens on the port yet
    try:
        client = site.browser()
        before = snapshot(store)
        for _ in range(signin.MAX_LINKS + 1):
            answer = site.ask_link(client, PAT)
            assert answer.status_code == 502 and "The email could not be sent" in answer.text
        assert snapshot(store) == before
        with smtp_server(inbox, port):
            answer = site.ask_link(client, PAT)
            assert answer.status_code == 200 and "Check your email" in answer.text, answer.text
        assert site.use(client, site.last_link()).status_code == 303
    finally:
        site.close()


def test_my_works_empty_lists_say_what_they_would_hold_and_whether_the_filters_emptied_them(site: Site):
    """An empty list says what would be in it ("Nothing." said nothing), and a list the filters emptied says so,
    as the due list already did: she must not read "Nothing is overdue" when only her filter hid it."""
    client = site.signed_in(PAT)

    def after(text: str, heading: str) -> str:
        return re.sub(r"<[^>]+>", "", re.search(rf'<h2 id="{heading}">.*?</h2>\s*(<p>.*?</p>)', text, re.S).group(1))

    work = client.get("/my-work").text
    assert after(work, "attending") == "No meeting or other work names you as attending or copied in, in the next three months."
    filtered = client.get("/my-work?kind=review").text
    assert after(filtered, "overdue") == "Nothing overdue matches the filters."
    assert after(filtered, "attending") == "Nothing you attend or are copied into matches the filters."
