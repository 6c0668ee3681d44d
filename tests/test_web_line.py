"""My line, extension requests, the Director's page, the auditors' search, My work in full and My calendar, over HTTP.

The small council of the feed tests (business date 10 June 2024), on SQLite
and PostgreSQL: Pat Practice (PM1) owns the audits of Tom Fairley's cases
and reports to Olive Ops (OM1), who reports to Hana Locality (Head of
Service); Priya Practice (PM2) is another line under Olive; Dana Director
(the DCS) oversees everything. East Sussex lets the line extend by up to 5
working days; longer needs a Head of Service or the DCS.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import markupsafe
import pytest

from qaf.engine.query import Filters
from qaf.engine.report_words import Month
from qaf.engine.outcomes import Recording
from qaf.usecases import queries, recording, reporting, tokens
from qaf.usecases.mail import MailSettings, compose
from qaf.render.report import render
from tests.conftest import snapshot
from tests.test_feeds import BASE, TODAY, may_audit
from tests.test_web import NOW, Site, csrf
from tests import test_web as _web

site = _web.site  # the signed-in site fixture: the year scheduled, a real SMTP server on loopback

PAT, OLIVE, HANA = "pat.practice@example-council.gov.uk", "olive.ops@example-council.gov.uk", "hana.locality@example-council.gov.uk"
PRIYA, TOM, DANA = "priya.practice@example-council.gov.uk", "tom.fairley@example-council.gov.uk", "dana.director@example-council.gov.uk"
REASON = "Tom is on leave until 1 July; the case needs his account."


def escape(text: str) -> str:
    """As Jinja2 writes text into a page."""
    return str(markupsafe.escape(text))


def june(site: Site):
    return may_audit(site.store, "SW1", 6)  # Pat's audit of Tom Fairley's case, due Fri 28 June 2024


def one(site: Site, oid: str):
    return site.store.obligations(Filters(ids=frozenset({oid}), statuses=None))[0]


def ask(site: Site, client, oid: str, to: str, reason: str = REASON):
    page = client.get(f"/obligations/{oid}/extension")
    assert page.status_code == 200, page.text
    return client.post(f"/obligations/{oid}/extension", data={"csrf": csrf(page.text), "to": to, "reason": reason})


def request_id(html: str) -> str:
    return re.search(r'action="/extensions/(\d+)/approve"', html).group(1)


def beside(html: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    assert found, html
    return found.group(1)


def test_an_owner_asks_for_more_time_and_only_her_line_may_approve_it(site: Site):
    audit = june(site)
    pat = site.signed_in(PAT)
    asked = ask(site, pat, audit.id, "2024-07-03")  # 3 working days: her line manager may give it
    assert asked.status_code == 303 and asked.headers["location"] == f"/obligations/{audit.id}/extension"
    shown = pat.get(asked.headers["location"]).text
    assert escape(REASON) in shown and "Waiting for Olive Ops" in shown and 'action="/extensions/' not in shown  # she cannot decide her own
    olive = site.signed_in(OLIVE)
    line = olive.get("/my-line")
    assert line.status_code == 200 and escape(REASON) in line.text and "Waiting for you" in line.text
    rid = request_id(line.text)
    wrong = [site.signed_in(e) for e in (PRIYA, TOM)]  # not in Pat's line: refused, and nothing changes
    before = snapshot(site.store)
    for client in wrong:
        token = csrf(client.get("/my-work").text)
        assert client.post(f"/extensions/{rid}/approve", data={"csrf": token}).status_code == 403
        assert client.post(f"/extensions/{rid}/refuse", data={"csrf": token, "answer": "no"}).status_code == 403
    assert pat.post(f"/extensions/{rid}/approve", data={"csrf": csrf(shown)}).status_code == 403  # not her own either
    assert snapshot(site.store) == before
    approved = olive.post(f"/extensions/{rid}/approve", data={"csrf": csrf(line.text)})
    assert approved.status_code == 200 and "Extension approved" in approved.text and "now due Wednesday 3 July 2024." in approved.text
    moved = one(site, audit.id)
    assert moved.due == date(2024, 7, 3) and moved.status == "rescheduled" and REASON not in (moved.status_reason or "")
    after = pat.get(f"/obligations/{audit.id}/extension").text
    assert "approved" in after and "Olive Ops" in after
    again = olive.post(f"/extensions/{rid}/approve", data={"csrf": csrf(line.text)})
    assert again.status_code == 422 and "already approved" in again.text and one(site, audit.id).due == date(2024, 7, 3)
    assert "No request for more time is waiting for you" in olive.get("/my-line").text



@pytest.mark.parametrize("typed", ["3/7/2024", "03-07-2024", "3.7.2024", "3 July 2024", "3rd Jul 2024", "2024-07-03"])
def test_the_new_due_date_is_read_as_people_in_england_write_it_day_first(site: Site, typed: str):
    """A Practice Manager on her phone types "3/7/2024" or "3 July 2024": the third of July, as she wrote it."""
    audit = june(site)
    pat = site.signed_in(PAT)
    assert ask(site, pat, audit.id, typed).status_code == 303
    olive = site.signed_in(OLIVE)
    line = olive.get("/my-line").text
    assert olive.post(f"/extensions/{request_id(line)}/approve", data={"csrf": csrf(line)}).status_code == 200
    assert one(site, audit.id).due == date(2024, 7, 3)


def words(html: str) -> str:
    """What a page says to the eye: its text without the markup (class names and form values)."""
    return re.sub(r"<[^>]+>", " ", re.sub(r"<head>.*?</head>", "", html, flags=re.S))


def test_work_given_more_time_is_called_extended_on_every_page_never_rescheduled(site: Site):
    audit = june(site)
    pat, olive = site.signed_in(PAT), site.signed_in(OLIVE)
    ask(site, pat, audit.id, "2024-07-03")
    line = olive.get("/my-line").text
    assert olive.post(f"/extensions/{request_id(line)}/approve", data={"csrf": csrf(line)}).status_code == 200
    assert one(site, audit.id).status == "rescheduled"  # the store's word
    for who, path in ((pat, f"/obligations/{audit.id}"), (pat, "/my-work"), (pat, "/my-work?status=rescheduled"),
                      (olive, "/search?status=rescheduled"), (olive, "/my-line")):  # fmt: skip
        shown = words(who.get(path).text)
        assert "rescheduled" not in shown and "extended" in shown, path


def test_a_request_for_more_time_waiting_for_the_database_holds_up_nobody_else(site: Site):
    """Asking for more time and deciding it wait, as they must, while another writer holds the work (the daily
    tick planning a large council, another instance): in a worker thread, as every other form does. They waited
    on the server's one event loop, and every other request (a feed, a page, the stylesheet) waited with them."""
    import httpx

    from qaf.store import outcomes as oc
    from qaf.usecases import signin
    from tests.served import HOLD as hold
    from tests.served import Served, stylesheet_while_held

    audit = june(site)
    pat, olive = (signin.start_session(site.store, p, site.now) for p in ("PM1", "OM1"))
    with Served(site.app) as served:
        def held(post) -> tuple[float, int]:
            """``post`` sent while another writer holds the audit: how long the stylesheet took meanwhile, and the post's status."""
            # SQLite: the database's write lock; PostgreSQL: the audit's row
            took, answer = stylesheet_while_held(served, site.store, lambda conn: oc.load(conn, audit.id, lock=True), post)
            return took, answer.status_code

        def as_(session):
            return {"cookies": {"qaf_session": session.token}, "timeout": 30, "follow_redirects": False}

        took, status = held(lambda: httpx.post(served.base + f"/obligations/{audit.id}/extension",
                                               data={"csrf": pat.csrf, "to": "2024-07-03", "reason": REASON}, **as_(pat)))  # fmt: skip
        assert status == 303 and took < hold / 2, (status, took)
        (request,) = extensions_of(site, audit.id)
        took, status = held(lambda: httpx.post(served.base + f"/extensions/{request}/approve", data={"csrf": olive.csrf}, **as_(olive)))
        assert status == 200 and took < hold / 2, (status, took)
    assert one(site, audit.id).due == date(2024, 7, 3)


def extensions_of(site: Site, oid: str) -> list[int]:
    from qaf.usecases import extensions

    return [r.id for r in extensions.of_obligation(site.store, one(site, oid), TODAY)[0]]

def test_a_request_on_my_line_writes_its_days_with_their_year_as_every_page_does(site: Site):
    """"asked 10 Jun" said nothing of the year: a request left waiting over New Year read as this year's."""
    audit = june(site)
    ask(site, site.signed_in(PAT), audit.id, "2024-07-03")
    line = site.signed_in(OLIVE).get("/my-line").text
    assert "asks to move it from Fri 28 Jun 2024" in line and "asked 10 Jun 2024:" in line, line


def test_a_request_asked_before_the_work_passed_to_another_manager_waits_for_nobody(site: Site):
    """Pat asked for more time for Tom's June audit; then Tom moved to Priya's team and Priya inherited the
    audit. Pat's request waited still: Olive could approve it (moving Priya's date on Pat's reason), Priya read
    Pat's reason, and Priya could not ask for her own ("already waiting")."""
    from dataclasses import replace

    from qaf.usecases import scheduling
    from tests.test_feeds import EAST_SUSSEX, YEAR

    audit = june(site)
    ask(site, site.signed_in(PAT), audit.id, "2024-07-03")
    olive = site.signed_in(OLIVE)
    rid = request_id(olive.get("/my-line").text)
    org = site.store.org()
    moved = replace(org, people=tuple(replace(p, team="T2", manager="PM2") if p.id == "SW1" else p for p in org.people))
    site.store.save_org(moved)
    scheduling.schedule(site.store, EAST_SUSSEX, moved, *YEAR, TODAY)
    assert one(site, audit.id).assignee == "PM2"
    line = olive.get("/my-line").text
    assert escape(REASON) not in line and f'action="/extensions/{rid}/approve"' not in line
    before = snapshot(site.store)
    refused = olive.post(f"/extensions/{rid}/approve", data={"csrf": csrf(line)})
    assert refused.status_code == 422 and "now Priya Practice" in refused.text and snapshot(site.store) == before
    priya = site.signed_in(PRIYA)
    page = priya.get(f"/obligations/{audit.id}")
    assert escape(REASON) not in page.text and "the work passed to Priya Practice first" in page.text
    assert ask(site, priya, audit.id, "2024-07-02", "Priya has just taken the case on.").status_code == 303
    assert one(site, audit.id).due == date(2024, 6, 28)


def test_a_longer_extension_waits_for_the_head_of_service(site: Site):
    audit = june(site)
    pat = site.signed_in(PAT)
    assert ask(site, pat, audit.id, "2024-07-15").status_code == 303  # 11 working days: more than a line manager may give
    olive = site.signed_in(OLIVE)
    assert "No request for more time is waiting for you" in olive.get("/my-line").text
    hana = site.signed_in(HANA)
    line = hana.get("/my-line").text
    rid = request_id(line)
    token = csrf(olive.get("/my-work").text)
    before = one(site, audit.id)
    assert olive.post(f"/extensions/{rid}/approve", data={"csrf": token}).status_code == 403 and one(site, audit.id) == before
    assert hana.post(f"/extensions/{rid}/approve", data={"csrf": csrf(line)}).status_code == 200
    assert one(site, audit.id).due == date(2024, 7, 15)


def test_a_request_for_more_time_waits_for_a_manager_in_post_never_one_who_has_left(site: Site):
    from tests.council import council
    from tests.test_feeds import people_with

    site.store.save_org(council(people=people_with(SW4={"end": date(2024, 6, 30)}, OM1={"end": date(2024, 6, 7)})))  # Olive left on Friday
    audit = june(site)
    pat = site.signed_in(PAT)
    assert ask(site, pat, audit.id, "2024-07-03").status_code == 303
    shown = pat.get(f"/obligations/{audit.id}/extension").text
    assert "Waiting for Hana Locality to decide" in shown and "Olive Ops" not in shown
    assert request_id(site.signed_in(HANA).get("/my-line").text)


def test_a_request_for_more_time_that_nobody_in_post_may_decide_says_so(site: Site):
    """The Director asks for three more days for her visit; only the Chief Executive, her line manager, could
    give them, and he leaves. The request waits for nobody: the page says so, and what would change that."""
    from tests.council import council
    from tests.test_feeds import people_with

    visit = next(o for o in site.store.obligations(Filters()) if o.assignee == "D1" and o.due == date(2024, 6, 28))
    dana = site.signed_in("dana.director@example-council.gov.uk")
    assert ask(site, dana, visit.id, "2024-07-03").status_code == 303
    assert "Waiting for Chris Chief to decide" in dana.get(f"/obligations/{visit.id}").text
    site.store.save_org(council(people=people_with(SW4={"end": date(2024, 6, 30)}, CE1={"end": date(2024, 6, 7)})))
    shown = words(dana.get(f"/obligations/{visit.id}").text)
    assert "Waiting for" not in shown
    assert ("Nobody in post can decide it now: no one in Dana Director's line who is in post may move the date that far. "
            "Once the organisation's file names who manages Dana Director now, it waits for them.") in shown


def test_a_request_for_more_time_for_work_since_done_waits_for_nobody(site: Site):
    """Pat asks for more time, then gets the audit done after all: Olive's My line no longer asks her to decide,
    Pat's page shows the request withdrawn, and a decision sent from a page opened before is refused, unwritten."""
    audit = june(site)
    pat, olive = site.signed_in(PAT), site.signed_in(OLIVE)
    ask(site, pat, audit.id, "2024-07-03")
    line = olive.get("/my-line").text
    rid = request_id(line)
    page = pat.get(f"/obligations/{audit.id}").text
    assert pat.post(f"/obligations/{audit.id}/outcome", data={"csrf": csrf(page), "grade": "good"}).status_code == 200
    now = olive.get("/my-line").text
    assert "No request for more time is waiting for you" in now and f"/extensions/{rid}/approve" not in now
    shown = words(pat.get(f"/obligations/{audit.id}/extension").text)
    assert "Waiting for" not in shown and "withdrawn" in shown
    before = snapshot(site.store)
    for act in ("approve", "refuse"):
        answer = olive.post(f"/extensions/{rid}/{act}", data={"csrf": csrf(line), "answer": "No."})
        assert answer.status_code == 422 and "nothing to decide" in answer.text
    assert snapshot(site.store) == before


def test_a_reason_over_the_limit_comes_back_whole_to_be_shortened(site: Site):
    """2,104 characters where 2,000 are allowed: refused, and the box holds all that was typed, not its first
    2,000 (sent again as it stood, the end was dropped without a word)."""
    too_long = ("Ruth is on leave; the family moved and the case transfers. " * 40)[:2100] + " END"
    audit = june(site)
    pat = site.signed_in(PAT)
    before = snapshot(site.store)
    asked = ask(site, pat, audit.id, "2024-07-03", too_long)
    assert asked.status_code == 422 and "2,000 characters or fewer" in asked.text
    assert escape(too_long) + "</textarea>" in asked.text and snapshot(site.store) == before
    ask(site, pat, audit.id, "2024-07-03")
    olive = site.signed_in(OLIVE)
    line = olive.get("/my-line").text
    rid = request_id(line)
    before = snapshot(site.store)
    refused = olive.post(f"/extensions/{rid}/refuse", data={"csrf": csrf(line), "answer": too_long})
    assert refused.status_code == 422 and "2,000 characters or fewer" in refused.text
    assert escape(too_long) + "</textarea>" in refused.text and snapshot(site.store) == before


def test_refusing_needs_a_reason_which_stays_on_the_page_and_out_of_emails(site: Site):
    audit = june(site)
    pat = site.signed_in(PAT)
    ask(site, pat, audit.id, "2024-07-03")
    olive = site.signed_in(OLIVE)
    line = olive.get("/my-line").text
    rid = request_id(line)
    before = snapshot(site.store)["extension_requests"]
    empty = olive.post(f"/extensions/{rid}/refuse", data={"csrf": csrf(line), "answer": "  "})
    assert empty.status_code == 422 and "Say why" in beside(empty.text, f"answer-{rid}")
    unseen = olive.post(f"/extensions/{rid}/refuse", data={"csrf": csrf(line), "answer": "\u200b\ufeff"})  # nothing to read
    assert unseen.status_code == 422 and "Say why" in beside(unseen.text, f"answer-{rid}")
    nul = olive.post(f"/extensions/{rid}/refuse", data={"csrf": csrf(line), "answer": "no\x00"})  # PostgreSQL stores no NUL
    assert nul.status_code == 422 and "control character" in beside(nul.text, f"answer-{rid}")
    assert snapshot(site.store)["extension_requests"] == before
    why = "The audit is of May's supervision: it can be done without Tom."
    refused = olive.post(f"/extensions/{rid}/refuse", data={"csrf": csrf(line), "answer": why})
    assert refused.status_code == 200 and "Request refused" in refused.text
    assert one(site, audit.id).due == date(2024, 6, 28)
    shown = pat.get(f"/obligations/{audit.id}/extension").text
    assert escape(why) in shown and escape(REASON) in shown and "refused" in shown and "Ask for more time" in shown  # she may ask again
    stored = snapshot(site.store)
    for table in ("outbox", "events"):
        assert not any(REASON in repr(row) or why in repr(row) for row in stored[table]), table


def test_why_more_time_was_asked_and_refused_is_shown_to_the_owner_and_her_line_never_to_an_overseer_outside_it(site: Site):
    """The form says the reason is seen by the owner and the managers who decide: the Head of QA, who may see
    every obligation's page but decides nothing here, read it, and the refusal's answer too."""
    audit = june(site)
    ask(site, site.signed_in(PAT), audit.id, "2024-07-03")
    olive = site.signed_in(OLIVE)
    line = olive.get("/my-line").text
    why = "The audit is of May's supervision: it can be done without Tom."
    assert olive.post(f"/extensions/{request_id(line)}/refuse", data={"csrf": csrf(line), "answer": why}).status_code == 200
    ask(site, site.signed_in(PAT), audit.id, "2024-07-02")  # and a second, still waiting
    for email in (PAT, OLIVE, HANA, DANA):
        shown = site.signed_in(email).get(f"/obligations/{audit.id}").text
        assert escape(REASON) in shown and escape(why) in shown, email
    quinn = site.signed_in("quinn.quality@example-council.gov.uk")  # the Head of QA, outside Pat's line
    shown = quinn.get(f"/obligations/{audit.id}")
    assert shown.status_code == 200 and "More time" in shown.text and "refused" in shown.text
    assert escape(REASON) not in shown.text and escape(why) not in shown.text
    assert "shown to whoever asked and the managers who decide" in shown.text
    assert escape(REASON) not in quinn.get(f"/obligations/{audit.id}/extension").text


def test_a_reason_typed_right_to_left_turns_around_nothing_the_page_says_after_it(site: Site):
    """A reason may hold the bidi controls Arabic and Hebrew need (rules.plain): one the owner left open (U+202E)
    turned the rest of its line around, "Refused by Olive Ops: No: finish it on time" read backwards. Each
    person's words are isolated (<bdi>): they turn around only themselves."""
    audit = june(site)
    pat = site.signed_in(PAT)
    reason = "\u202eThe case file is with the court"
    assert ask(site, pat, audit.id, "2024-07-03", reason).status_code == 303
    olive = site.signed_in(OLIVE)
    line = olive.get("/my-line").text
    answer = "No: finish it on time"
    assert olive.post(f"/extensions/{request_id(line)}/refuse", data={"csrf": csrf(line), "answer": answer}).status_code == 200
    shown = pat.get(f"/obligations/{audit.id}/extension").text
    assert f'<bdi class="notes">{escape(reason)}</bdi>. Refused by Olive Ops: <bdi class="notes">{escape(answer)}</bdi>' in shown


@pytest.mark.parametrize("to, reason, field, message", [
    ("July", REASON, "ext-to", "Enter the date as a day, month and year"),
    ("31/6/2024", REASON, "ext-to", "The new due date must be a real date: <span class=\"ref\">31/6/2024</span> is not one"),
    ("20/6/2024", REASON, "ext-to", "must be after the current one"),  # day first: 20 June
    ("2024-06-20", REASON, "ext-to", "must be after the current one"),
    ("2025-12-01", REASON, "ext-to", "within a year"),
    ("2024-07-03", "", "ext-reason", "Say why"),
    ("2024-07-03", "\u200b\ufeff \u2060", "ext-reason", "Say why"),  # nothing to read: zero-width spaces, a pasted BOM
    ("2024-07-03", "x" * 2_001, "ext-reason", "2,000"),
    ("2024-07-03", "a\x00b", "ext-reason", "control character"),  # PostgreSQL refuses NUL in text
])  # fmt: skip
def test_asking_checks_each_field_and_writes_nothing_on_error(site: Site, to: str, reason: str, field: str, message: str):
    audit = june(site)
    pat = site.signed_in(PAT)
    before = snapshot(site.store)["extension_requests"]
    answer = ask(site, pat, audit.id, to, reason)
    assert answer.status_code == 422 and message in beside(answer.text, field) and "There is a problem" in answer.text
    assert snapshot(site.store)["extension_requests"] == before


def test_a_request_for_more_time_sent_back_says_error_first_and_sums_up_its_problems_above_the_heading(site: Site):
    """GOV.UK's habit: the page's title begins "Error: " and the summary of what is wrong is the first thing on the
    page, above its heading, each line a link to its field. It sat under "More time", below the heading and the
    link back, where a screen reader or a phone user scrolling down from the top met it last."""
    audit = june(site)
    answer = ask(site, site.signed_in(PAT), audit.id, "July", "")
    assert answer.status_code == 422
    main = answer.text.split('<main id="main" class="width" tabindex="-1">', 1)[1]
    assert main.lstrip().startswith('<div class="error-summary"'), main[:200]
    assert '<a href="#ext-to">' in main and '<a href="#ext-reason">' in main
    assert re.search(r"<title>Error: More time: ", answer.text)
    assert "Back to the audit" in answer.text  # not "the item", a word no council uses for its work
    assert "<title>More time: " in site.signed_in(PAT).get(f"/obligations/{audit.id}/extension").text  # no "Error:" before


def test_only_the_owner_may_ask_and_every_post_needs_its_csrf_token(site: Site):
    audit, theirs = june(site), may_audit(site.store, "SW5", 6)  # Eve East's audit, Priya's
    pat, olive = site.signed_in(PAT), site.signed_in(OLIVE)
    before = snapshot(site.store)["extension_requests"]
    other = pat.get(f"/obligations/{theirs.id}/extension")  # another line's: 403 with no detail
    assert other.status_code == 403 and theirs.case not in other.text and "Eve East" not in other.text
    token = csrf(pat.get("/my-work").text)
    assert pat.post(f"/obligations/{theirs.id}/extension", data={"csrf": token, "to": "2024-07-03", "reason": REASON}).status_code == 403
    assert ask(site, olive, audit.id, "2024-07-03").status_code == 403  # she sees it, but it is Pat's to ask
    for data in ({"to": "2024-07-03", "reason": REASON}, {"csrf": "x" * 43, "to": "2024-07-03", "reason": REASON}):
        assert pat.post(f"/obligations/{audit.id}/extension", data=data).status_code == 403
        assert pat.post("/my-work/calendar", data={"to": "x", **{k: v for k, v in data.items() if k == "csrf"}}).status_code == 403
    assert snapshot(site.store)["extension_requests"] == before
    ask(site, pat, audit.id, "2024-07-03")
    rid = request_id(olive.get("/my-line").text)
    assert olive.post(f"/extensions/{rid}/approve", data={"answer": ""}).status_code == 403
    assert olive.post("/extensions/999999/approve", data={"csrf": csrf(olive.get("/my-line").text)}).status_code == 404
    assert one(site, audit.id).due == date(2024, 6, 28)


@pytest.mark.parametrize("rid", ["2147483648", "999999999999", "²"])  # past PostgreSQL's integer; a digit int() cannot read
def test_a_request_number_no_request_can_have_is_404_not_500(site: Site, rid: str):
    olive = site.signed_in(OLIVE)
    token = csrf(olive.get("/my-line").text)
    before = snapshot(site.store)
    for act in ("approve", "refuse"):
        answer = olive.post(f"/extensions/{rid}/{act}", data={"csrf": token, "answer": "No: the audit is needed now."})
        assert answer.status_code == 404 and "There is no such request" in answer.text
    assert snapshot(site.store) == before


def test_my_work_in_full_shows_each_lines_case_words_window_and_cause(site: Site):
    pat = site.signed_in(PAT)
    page = pat.get("/my-work")
    assert page.status_code == 200
    audit = june(site)
    assert audit.case in page.text and "Worker: Tom Fairley" in page.text
    # a line of work with no case (a meeting, a report) says so in its column, and its phone card leaves it out
    cells = re.findall(r'<td data-label="Case"( class="none")?>(.*?)</td>', page.text, re.S)
    assert {bool(none) for none, text in cells} == {True, False}
    assert all(bool(none) == (text == "–") for none, text in cells), cells
    fw = site.store.framework(audit.framework)
    assert fw.row("3.16").task.split()[0] in page.text and "Why:" in page.text
    ruth = may_audit(site.store, "SW2")  # graded requires improvement with concerns: it set off follow-ups
    follow = [o for o in site.store.obligations(Filters(statuses=None)) if o.cause == ruth.id and o.assignee == "PM1"]
    assert follow and "Because of" in page.text and f'href="/obligations/{ruth.id}"' in page.text
    narrowed = pat.get(f"/my-work?case={audit.case}&kind=audit")
    assert narrowed.status_code == 200 and audit.id in narrowed.text
    cases = re.findall(r'data-label="Case">(?:<span class="ref">)?(CS-\d{6})', narrowed.text)
    assert cases and all(case == audit.case for case in cases)
    overdue = pat.get("/my-work?status=overdue").text
    assert 'tag-open">open' not in overdue.split('id="attending"')[0]


def this_week(html: str) -> str | None:
    """My work's summary at the top ("This week"), or None."""
    found = re.search(r'<section class="this-week".*?</section>', html, re.S)
    return found.group(0) if found else None


def listed(html: str, section: str) -> int:
    """How many lines My work lists under ``section`` (overdue, due, attending, done)."""
    part = re.search(rf'<h2 id="{section}">.*?(?=<h2 id=|$)', html, re.S).group(0)
    return part.count('data-label="Due"')


def test_my_work_opens_with_how_much_is_overdue_and_due_this_week_each_a_link_to_its_list(store, db_url: str):
    """A Practice Manager opening My work on her phone reads first how much of her own work is overdue and how
    much falls due this week, Monday to Sunday of the site's today, each a link to that list filtered: the
    figure is the length of the list it opens. Work overdue already is counted once, as overdue; what she
    attends is not hers to do."""
    from tests.smtp import Inbox, free_port, smtp_server
    from tests.test_feeds import year

    year(store)
    inbox, port = Inbox(), free_port()
    with smtp_server(inbox, port):
        for today, overdue, due, monday, sunday in (
            (date(2024, 6, 10), 5, 0, "2024-06-10", "2024-06-16"),  # a Monday: nothing of hers falls due before the 21st
            (date(2024, 6, 15), 5, 0, "2024-06-10", "2024-06-16"),  # a Saturday: the week ends tomorrow, before the 21st (not six days on)
            (date(2024, 6, 20), 5, 2, "2024-06-17", "2024-06-23"),  # a Thursday: the two follow-ups due Friday 21st, not the 28th's audits
            (date(2024, 6, 26), 7, 4, "2024-06-24", "2024-06-30"),  # a Wednesday: the follow-ups overdue now; four due Friday 28th
        ):
            on = Site(store, db_url, inbox, port, today)
            try:
                pat = on.signed_in(PAT)
                page = pat.get("/my-work").text
                box = this_week(page)
                assert box is not None and page.index(box) < page.index('id="overdue"'), today  # above the lists
                links = dict((what, (href, int(n))) for href, n, what in re.findall(r'<a href="([^"]+)"><span class="n">(\d+)</span> (overdue|due this week)</a>', box))
                week = f"/my-work?from={monday}&amp;to={sunday}"
                assert links == {"overdue": ("/my-work?status=overdue", overdue), "due this week": (week, due)}, (today, links)
                assert listed(page, "overdue") == overdue  # from the list the page shows
                assert listed(pat.get("/my-work?status=overdue").text, "overdue") == overdue
                opened = pat.get(week.replace("&amp;", "&"))
                assert opened.status_code == 200 and listed(opened.text, "due") == due, today
                assert this_week(opened.text) is None  # a filtered list: the figures are the whole week's, not said over it
            finally:
                on.close()


@pytest.mark.parametrize("query, field, message", [
    ("from=June", "f-from", "Due on or after: enter the date as a day, month and year"),
    ("from=30/2/2024", "f-from", "Due on or after: the date must be a real date"),
    ("from=0001-01-01", "f-from", "Due on or after: <span class=\"ref\">0001-01-01</span> is outside the dates qaf works with"),  # was 200, where qaf due refuses it
    ("to=9999-12-31", "f-to", "</span> is outside the dates qaf works with (<span class=\"ref\">2000-01-01</span> to"),
    ("kind=lunch", "f-kind", "Kind of work: choose one of audit, follow-up audit, review, moderation, QA sign-off, report"),  # not follow_up_audit
    ("status=late", "f-status", "unknown status &#39;late&#39;"),
    ("status=open,Emily%20Smith", "f-status", "Status: words, not a status (one of: open,"),  # a name is never said back
    ("from=2024-07-01&to=2024-06-01", "f-to", "before"),
    ("case=CS%3Cscript%3E", "f-case", "letters, digits"),
    ("case=Emily_Smith", "f-case", "Case reference: give the case&#39;s reference (letters, digits"),  # a name, of a reference's shape: was searched for
    ("case=Emily%20Smith", "f-case", "never a child&#39;s name or date of birth"),
    ("framework=east-sussex-2031", "f-framework", "Framework: no framework &#39;east-sussex-2031&#39;: choose one from the list"),  # not "(loaded: east-sussex-2013)"
    ("row=99.99", "f-row", "Framework row: no row &#39;99.99&#39; in the frameworks loaded"),  # was "Nothing matches"
    ("framework=east-sussex-2013&row=99.99", "f-row", "no row &#39;99.99&#39; in &#39;Quality Assurance in Children&#39;s Social Care"),  # by its title, not its file id
    ("from=2024-01-01&from=2024-09-01", "f-from", "Due on or after: given 2 times, give it once"),  # the last was taken, silently
    ("kind=audit&kind=review", "f-kind", "Kind of work: given 2 times, give it once"),
])  # fmt: skip
def test_bad_filters_are_a_422_with_the_message_beside_the_field(site: Site, query: str, field: str, message: str):
    pat = site.signed_in(PAT)
    for path in ("/my-work", "/search"):
        answer = pat.get(f"{path}?{query}")
        assert answer.status_code == 422 and message in beside(answer.text, field), path
        assert "(loaded:" not in answer.text and "in framework &#39;" not in answer.text, path  # file ids: words no page shows
        assert "There is a problem with the filters" in answer.text and "<script>" not in answer.text


def test_the_filters_say_extended_as_the_pages_do_and_take_it(site: Site):
    """The search's message listed "rescheduled", the store's word, and refused "extended", the pages' own."""
    audit = june(site)
    olive = site.signed_in(OLIVE)
    ask(site, site.signed_in(PAT), audit.id, "2024-07-03")
    approved = olive.post(f"/extensions/{request_id(olive.get('/my-line').text)}/approve", data={"csrf": csrf(olive.get("/my-line").text)})
    assert approved.status_code == 200
    for path in ("/my-work", "/search"):
        wrong = beside(olive.get(f"{path}?status=late").text, "f-status")
        assert "extended" in wrong and "rescheduled" not in wrong, wrong
    extended = olive.get("/search?status=extended")
    assert extended.status_code == 200 and audit.id in extended.text and 'tag-rescheduled">extended' in extended.text
    assert olive.get("/search?status=rescheduled").status_code == 200  # the download's word still read
    both = olive.get("/search?status=done&status=extended")  # each asked for, as "done,extended" asks (the last alone was)
    assert both.status_code == 200 and audit.id in both.text and 'value="done,extended"' in both.text


def test_my_line_is_a_managers_overdue_first_and_403_for_someone_with_no_line(site: Site):
    olive = site.signed_in(OLIVE)
    page = olive.get("/my-line")
    assert page.status_code == 200 and "Pat Practice" in page.text and "Priya Practice" in page.text
    text = page.text
    assert text.index('id="waiting"') < text.index('id="people"') < text.index('id="overdue"') < text.index('id="coming"')
    overdue_part = text[text.index('id="overdue"'):text.index('id="coming"')]
    assert "tag-overdue" in overdue_part and "tag-open" not in overdue_part
    tom = site.signed_in(TOM)
    refused = tom.get("/my-line")
    assert refused.status_code == 403 and "Pat Practice" not in refused.text
    pat = site.signed_in(PAT)
    mine = pat.get("/my-line").text
    assert "Tom Fairley" in mine and "Priya Practice" not in mine and "Eve East" not in mine  # only her own line


def test_the_director_sees_the_months_report_figures_and_others_get_403(site: Site):
    dana = site.signed_in(DANA)
    fw = site.store.frameworks()[0]
    for month in ("2024-05", "2024-06"):
        page = dana.get(f"/director?month={month}")
        assert page.status_code == 200
        expected = reporting.report(site.store, fw, Month.parse(month), TODAY)
        assert expected.completion.sentence.replace("'", "&#39;") in page.text
        assert f'<span class="n">{expected.completion.audits.scheduled}</span>' in page.text
        row = re.search(r'<tr class="current">.*?</tr>', page.text, re.S).group(0)  # the year so far agrees with the month
        a = expected.completion.audits
        assert re.findall(r'<td class="num[^"]*"[^>]*>(\d+)</td>', row) == [str(n) for n in (a.scheduled, a.completed, a.completed_late, a.overdue, expected.grades.graded)]
    may_page = dana.get("/director").text  # by default the last whole month, as the monthly report
    assert "<h1>May 2024: the month" in may_page and 'href="/director?month=2024-06"' in may_page
    assert "The year so far" in may_page and "April 2024" in may_page and "Escalated to you this year" in may_page
    assert dana.get("/director?month=2024-13").status_code == 422
    assert dana.get("/director?month=2030-01").status_code == 422
    assert dana.get("/director?month=0001-01").status_code == 422  # outside the months qaf works with: said, not a crash
    assert dana.get("/director?month=9999-12").status_code == 422
    wrong = dana.get("/director?framework=nope")  # the list beside it names each framework by title: no file ids
    assert wrong.status_code == 422 and "no framework &#39;nope&#39;: choose one from the list" in wrong.text and "east-sussex-2013)" not in wrong.text
    for who in (OLIVE, PAT):
        refused = site.signed_in(who).get("/director")
        assert refused.status_code == 403 and "completed" not in refused.text


MONTH_WORDS = "Enter the month as a month and year, for example June 2024"


def test_the_directors_month_is_read_as_people_type_it_and_anything_else_refused_beside_the_box(site: Site):
    """The Director types the month as she says it: "June 2024", "Jun 2024", "6/2024", "06/2024", or the page's
    own "2024-06". Anything else is refused (422) with GOV.UK's message for the box, beside it and in the summary
    at the top, and never quoting what was typed; the box says how with an example in words."""
    dana = site.signed_in(DANA)
    first = dana.get("/director").text
    assert re.search(r'<p class="hint" id="d-month-hint">For example, June 2024</p>', first)
    assert re.search(r'<input [^>]*id="d-month"[^>]*aria-describedby="d-month-hint"[^>]*value="May 2024"', first), first  # in words
    for typed in ("June 2024", "Jun 2024", "june 2024", " JUNE  2024 ", "Sept 2023", "6/2024", "06/2024", "6-2024", "2024-06", "2024/6"):
        page = dana.get("/director", params={"month": typed})
        expected = "September 2023" if typed.startswith("Sept") else "June 2024"
        assert page.status_code == 200 and f"<h1>{expected}: the month" in page.text, typed
        assert f'value="{expected}"' in page.text, typed  # the box says the month it read, in words
    for typed in ("Juin 2024", "Smith 2024", "June", "2024", "June 24", "6/24", "13/2024", "0/2024", "2024-13", "1 June 2024", "June 2024 Fairley",
                  "２０２４-06", "<b>June</b> 2024"):  # fmt: skip
        page = dana.get("/director", params={"month": typed})
        assert page.status_code == 422, typed
        said, summary = beside(page.text, "d-month"), re.search(r'<div class="error-summary".*?</div>', page.text, re.S).group(0)
        assert said == f'<span class="hidden">Error:</span> {MONTH_WORDS}' and f'<a href="#d-month">{MONTH_WORDS}</a>' in summary, typed
        assert re.search(r'<input [^>]*aria-invalid="true" aria-describedby="d-month-hint d-month-error"', page.text), typed
        assert "<b>" not in page.text and 'class="headline"' not in page.text  # nothing of it unescaped; no figures
    for typed in ("June 1999", "12/2100", "0001-01"):  # a month, but not one qaf works with: said so, naming none typed
        page = dana.get("/director", params={"month": typed})
        said = beside(page.text, "d-month")
        assert page.status_code == 422 and "The month must be between January 2000 and December 2099" in said and typed not in said, typed
    future = dana.get("/director", params={"month": "July 2024"})  # today is 10 June 2024
    assert future.status_code == 422 and "Month: choose this month or an earlier one" in beside(future.text, "d-month")


def test_the_search_has_every_filter_and_downloads_what_qaf_due_writes(site: Site):
    dana = site.signed_in(DANA)
    assert dana.get("/search").status_code == 200
    page = dana.get("/search?kind=audit&row=3.16&team=T1")
    assert page.status_code == 200 and "results" in page.text
    query = queries.DueQuery(kind="audit", row="3.16", team="T1")
    expected = sorted(queries.due(site.store, query, TODAY), key=lambda o: (o.due, o.id))
    org = site.store.org()
    as_csv = dana.get("/search?kind=audit&row=3.16&team=T1&format=csv")
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    assert as_csv.text == queries.render(expected, org, TODAY, "csv")
    assert len(list(csv.reader(io.StringIO(as_csv.text)))) == len(expected) + 1
    as_json = dana.get("/search?kind=audit&row=3.16&team=T1&format=json")
    assert [r["id"] for r in json.loads(as_json.text)] == [o.id for o in expected]
    assert dana.get("/search?kind=audit&format=xml").status_code == 422
    # in a Practice Manager's words: not "Download: CSV · JSON", nor "An id, a name or an email"
    assert ">Download this list as a spreadsheet (CSV)</a>" in page.text and "the same list as JSON data</a>, as the API gives it" in page.text
    assert "Download:" not in page.text and ">CSV<" not in page.text and "Their name or email address" in page.text and "An id" not in page.text
    assert "(give their name or email address)" in dana.get("/search?person=nobody").text
    assert dana.get("/search?person=nobody").status_code == 422
    oms = json.loads(dana.get("/search?role=OM&status=all&format=json").text)  # a role by its alias, as `qaf due --role`
    assert oms and {r["assignee"] for r in oms} <= {"OM1", "OM2"}
    assert "Role: unknown role" in beside(dana.get("/search?role=Wizard").text, "f-role")
    pat = site.signed_in(PAT)  # the same search by Pat: only her line's
    hers = json.loads(pat.get("/search?kind=audit&row=3.16&format=json").text)
    assert hers and {r["assignee"] for r in hers} <= {"PM1", "SW1", "SW2", "SW3", "SW4"}
    eve = json.loads(pat.get("/search?person=PM2&status=all&format=json").text)
    assert eve == []


def test_the_search_shows_the_actions_of_the_audits_the_viewer_sees_and_no_others(site: Site):
    """Pat gave Priya (another line) an action on her audit of Tom's case: she follows it up on its page, and
    the search left it out. It shows it now, to Pat and to Olive above both lines, as it did to Priya; never to
    Tom, whose work the audit graded but whose action it is not, nor to Paul, a Practice Manager elsewhere."""
    from qaf.engine.actions import ActionSpec

    audit = june(site)
    recording.record(site.store, Recording(audit.id, "requires_improvement", by="PM1", date=date(2024, 6, 7),
                                           actions=(ActionSpec("Check the plan", "PM2"),)), TODAY)  # fmt: skip
    (action,) = [o for o in site.store.obligations(Filters(kind="action", statuses=None)) if o.cause == audit.id]
    for who, shown in ((PAT, True), (OLIVE, True), (PRIYA, True), (TOM, False), ("paul.practice@example-council.gov.uk", False)):
        client = site.signed_in(who)
        assert (client.get(f"/obligations/{action.id}").status_code == 200) is shown, who  # the page's rule
        found = [r["id"] for r in json.loads(client.get("/search?kind=action&status=all&format=json").text)]
        assert (action.id in found) is shown, who
        assert (f'href="/obligations/{action.id}"' in client.get("/search?kind=action").text) is shown, who


def test_the_case_filter_takes_every_reference_the_organisation_may_hold_and_says_what_it_takes():
    """A case reference may hold dots (LCS.2024.0042: qaf.engine.caserefs), and the filter of My work and the search
    refused it, saying "letters, digits and - . / only". It takes any reference the organisation may hold now,
    and a refusal says what the field takes, in the field's name."""
    from qaf.engine.caserefs import why_not
    from qaf.rules.roles import Vocabulary
    from qaf.web import filters
    from tests.council import council

    org, vocab = council(), Vocabulary(())
    for ref in ("LCS.2024.0042", "CS-000001", "EH_12/3"):
        assert why_not(ref) is None and filters.parse({"case": ref}, org, vocab).errors == {}, ref
    for ref, words in (("CS 000001", "letters, digits and - / _ . only"), ("C" * 65 + "1", "at most 64 characters"),
                       ("-CS1", "the first a letter or a digit")):  # fmt: skip
        message = filters.parse({"case": ref}, org, vocab).errors["case"]
        assert message.startswith("Case reference: ") and words in message, message
    assert "spaces" in filters.parse({"row": "3.16;"}, org, vocab).errors["row"]  # a row may hold spaces: it says so


def test_my_calendar_makes_a_feed_link_without_a_terminal(site: Site):
    pat = site.signed_in(PAT)
    page = pat.get("/my-work/calendar")
    assert page.status_code == 200 and "Make my calendar link" in page.text
    made = pat.post("/my-work/calendar", data={"csrf": csrf(page.text)})
    assert made.status_code == 200
    url = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', made.text).group(1)
    assert url.startswith(BASE + "/feeds/") and "webcal://" + url.split("://", 1)[1] in made.text
    for client in ("Outlook", "Google Calendar", "Apple Calendar"):
        assert f"<strong>{client}</strong>" in made.text
    feed = site.browser().get(url.removeprefix(BASE))
    assert feed.status_code == 200 and "BEGIN:VCALENDAR" in feed.text
    assert f"URL;VALUE=URI:{BASE}/obligations/" in feed.text.replace("\r\n ", "")  # each event links to its page
    again = pat.post("/my-work/calendar", data={"csrf": csrf(page.text)})
    assert tokens.check(site.store, url.rsplit("/", 1)[1].removesuffix(".ics"), "feed") is None  # the new link replaces the old
    assert "already have a calendar link" in pat.get("/my-work/calendar").text and again.status_code == 200


def test_every_email_links_to_its_item_and_the_digest_to_my_work():
    settings = MailSettings(host="127.0.0.1", sender="qaf@example-council.gov.uk", base_url=BASE)
    item = compose(settings, "overdue/abc/1", "pat@example.gov.uk", "Overdue", "text", "0123456789abcdef", NOW)
    digest = compose(settings, "digest/PM1/2024-06-10", "pat@example.gov.uk", "Digest", "text", None, NOW)
    body = lambda m: m.get_payload()[0].get_payload(decode=True).decode()  # noqa: E731
    assert f"{BASE}/obligations/0123456789abcdef" in body(item)
    assert f"{BASE}/my-work" in body(digest)


def test_the_nav_offers_each_person_the_pages_they_may_use(site: Site):
    tom, pat, dana = (site.signed_in(e).get("/my-work").text for e in (TOM, PAT, DANA))
    assert 'href="/my-line"' not in tom and 'href="/director"' not in tom and 'href="/search"' in tom
    assert 'href="/my-line"' in pat and 'href="/director"' not in pat
    assert 'href="/my-line"' in dana and 'href="/director"' in dana



def test_the_directors_figures_are_worked_out_again_when_the_store_changes(site: Site):
    dana = site.signed_in(DANA)
    fw = site.store.frameworks()[0]
    before = dana.get("/director?month=2024-06").text
    assert '<span class="n">0</span> completed' in before
    recording.record(site.store, Recording(june(site).id, "good", date=date(2024, 6, 7)), TODAY)
    after = dana.get("/director?month=2024-06").text  # the same date and month: the cached figures are stale
    expected = reporting.report(site.store, fw, Month(2024, 6), TODAY)
    assert expected.completion.audits.completed == 1
    assert f'<span class="n">{expected.completion.audits.completed}</span> completed' in after


def test_an_obligations_page_names_its_framework_by_title_not_its_file_id(site: Site):
    """Seen on the phone screenshot of an audit's page: "Framework: east-sussex-2013, row 3.16", the file's id,
    where every other page names the framework as the council does."""
    audit = june(site)
    page = words(site.signed_in(PAT).get(f"/obligations/{audit.id}").text)
    fw = site.store.framework(audit.framework)
    assert f"{escape(fw.title)}, row 3.16" in page and "east-sussex-2013" not in page


def ottos_line_leaves_with_pauls_request_waiting(site: Site) -> None:
    """Paul Practice asks for more time for Lou Looked's June audit; then Paul and Lou, the whole of Otto Ops' line
    in post, leave on 9 June: the request waits for Otto."""
    from tests.council import council
    from tests.test_feeds import people_with

    paul = site.signed_in("paul.practice@example-council.gov.uk")
    assert ask(site, paul, may_audit(site.store, "SW6", 6).id, "2024-07-05").status_code == 303
    site.store.save_org(council(people=people_with(PM3={"end": date(2024, 6, 9)}, SW6={"end": date(2024, 6, 9)})))


def test_a_decision_leaves_no_link_back_to_a_my_line_that_would_refuse_its_decider(site: Site):
    """Otto (OM2) decides Paul's request after Paul and his only worker have left: nobody in post reports to him and
    nothing else waits, so My line is a 403 for him. The decided page linked "Back to My line" all the same; a
    manager with a line still gets the link."""
    ottos_line_leaves_with_pauls_request_waiting(site)
    otto = site.signed_in("otto.ops@example-council.gov.uk")
    line = otto.get("/my-line")
    decided = otto.post(f"/extensions/{request_id(line.text)}/approve", data={"csrf": csrf(line.text)})
    assert decided.status_code == 200 and "Extension approved" in decided.text
    assert otto.get("/my-line").status_code == 403 and "Back to My line" not in decided.text and 'href="/my-work"' in decided.text
    pat = site.signed_in(PAT)  # Pat asks; Olive, with a line, decides and may go back to it
    assert ask(site, pat, june(site).id, "2024-07-03").status_code == 303
    olive = site.signed_in(OLIVE)
    line = olive.get("/my-line")
    decided = olive.post(f"/extensions/{request_id(line.text)}/approve", data={"csrf": csrf(line.text)})
    assert "Back to My line" in decided.text and olive.get("/my-line").status_code == 200


def test_the_my_line_link_shows_exactly_when_my_line_opens(site: Site):
    """The menu offered "My line" to anyone who saw more than their own work: the Head of QA, who oversees
    everyone and has nobody below, and Otto, whose whole line had left, followed it to a 403. It follows My line's
    own rule now: someone in post below, or a request for more time waiting for them."""
    def menu_and_page(email: str) -> tuple[bool, int]:
        client = site.signed_in(email)
        return 'href="/my-line"' in client.get("/my-work").text, client.get("/my-line").status_code

    assert menu_and_page(OLIVE) == (True, 200)  # a manager with people in post
    assert menu_and_page(PAT) == (True, 200)
    assert menu_and_page(DANA) == (True, 200)  # the Director has a line below her
    assert menu_and_page("quinn.quality@example-council.gov.uk") == (False, 403)  # an overseer with nobody below
    assert menu_and_page(TOM) == (False, 403)
    otto = "otto.ops@example-council.gov.uk"
    ottos_line_leaves_with_pauls_request_waiting(site)
    assert menu_and_page(otto) == (True, 200)  # his line has left, and Paul's request still waits for him
    line = site.signed_in(otto)
    page = line.get("/my-line").text
    decided = line.post(f"/extensions/{request_id(page)}/approve", data={"csrf": csrf(page)})
    assert decided.status_code == 200 and 'href="/my-line"' not in decided.text  # nor in the menu of the page that says so
    assert menu_and_page(otto) == (False, 403)  # nobody in post below him and nothing waiting


def test_my_work_kept_for_the_session_drops_the_my_line_link_once_a_refusal_leaves_nothing_waiting(site: Site):
    """My work is kept per session and store version (qaf.web.memo), and a refusal changes no obligation: Otto,
    whose whole line has left, refused the one request waiting for him, and his My work, as kept, still offered
    My line, a 403. Whether it opens is part of what the page is kept by."""
    ottos_line_leaves_with_pauls_request_waiting(site)
    otto = site.signed_in("otto.ops@example-council.gov.uk")
    assert 'href="/my-line"' in otto.get("/my-work").text
    page = otto.get("/my-line").text
    refused = otto.post(f"/extensions/{request_id(page)}/refuse", data={"csrf": csrf(page), "answer": "Lou's audit can be done by Otto"})
    assert refused.status_code == 200 and "Request refused" in refused.text
    assert 'href="/my-line"' not in otto.get("/my-work").text and otto.get("/my-line").status_code == 403


def test_a_manager_whose_line_has_left_reads_only_his_lines_requests_to_decide_the_menu(site: Site, monkeypatch):
    """Otto's whole line has left, so every page he opened asked whether a request waits for him, and read every
    pending request of the council (and each one's obligation) to answer. It reads his line's only now."""
    from qaf.store import extensions as stored
    from qaf.usecases import extensions

    assert ask(site, site.signed_in(PAT), june(site).id, "2024-07-03").status_code == 303  # Olive's line: not Otto's
    ottos_line_leaves_with_pauls_request_waiting(site)
    read: list[str] = []  # who asked each request read
    every = stored.pending

    def pending(conn, *asked):
        found = every(conn, *asked)
        read.extend(r.asked_by for r in found)
        return found

    monkeypatch.setattr(stored, "pending", pending)
    otto = site.signed_in("otto.ops@example-council.gov.uk")
    read.clear()
    assert 'href="/my-line"' in otto.get("/my-work").text  # Paul's request waits for him: the menu offers My line
    assert read == ["PM3"], read  # Paul's request, not Pat's
    read.clear()
    assert [w.request.asked_by for w in extensions.waiting_for(site.store, "OM1", TODAY)] == ["PM1"] and read == ["PM1"]


def test_the_framework_filter_offers_each_framework_by_its_title_not_its_file_id(site: Site):
    """The search's and My work's Framework filter was a text box taking only the file's id ('east-sussex-2013'),
    which no page shows: every page names a framework by its title. It is a list of the titles now."""
    fw = site.store.frameworks()[0]
    pat = site.signed_in(PAT)
    for path in ("/search", "/my-work?kind=audit", "/my-work?kind=party"):  # the last: the page with an error on it
        page = pat.get(path).text
        field = re.search(r'<select id="f-framework" name="framework"[^>]*>(.*?)</select>', page, re.S)
        assert field and f'<option value="{fw.id}">{escape(fw.title)}</option>' in field.group(1), path
    chosen = pat.get(f"/search?framework={fw.id}&kind=audit")
    assert chosen.status_code == 200 and f'<option value="{fw.id}" selected>' in chosen.text
    wrong = pat.get("/search?framework=east-sussex")  # a link made by hand: what was typed comes back, beside why
    assert wrong.status_code == 422 and 'value="east-sussex"' in wrong.text and "no framework" in beside(wrong.text, "f-framework")


def test_the_director_sees_an_alert_waiting_for_someone_in_post_until_it_goes(site: Site):
    """Olive Ops and Otto Ops left on 7 June and nobody is an Operations Manager: concerns in Tom Fairley's June
    audit alert nobody. The Director's page lists the alert, why it waits, and links its audit; once HR names
    Oscar New in Olive's post and the alert goes to him, the list is empty."""
    from dataclasses import replace as changed

    from qaf.store.outbox import held
    from qaf.usecases.readdress import readdress
    from tests.council import PEOPLE, council, handed_over, person

    gone = tuple(changed(p, end=date(2024, 6, 7)) if p.id in ("OM1", "OM2") else p for p in PEOPLE)
    site.store.save_org(council(people=gone))
    audit = june(site)
    recording.record(site.store, Recording(audit.id, "requires_improvement", concerns=True, date=date(2024, 6, 10)), TODAY)
    page = site.signed_in(DANA).get("/director").text
    listed = re.search(r'<h3 id="held">.*?</table>', page, re.S).group(0)
    assert '<span class="count">1</span>' in listed and f'href="/obligations/{audit.id}"' in listed
    assert '<a href="#held">1 notice waiting for someone in post</a>' in page  # said under the headline: the list is far down a phone
    assert "Alert: significant concerns in the 3.16 audit of case" in listed and "No Operations Manager found for the worker</td>" in listed
    oscar = person("OM9", "Oscar New", "Operations Manager", "T1", "H1", date(2024, 6, 10))
    site.store.save_org(council(people=handed_over(date(2024, 6, 7), {"OM1": oscar}, gone)))
    readdress(site.store, TODAY, "test", NOW)
    with site.store.read() as conn:
        assert held(conn, NOW.replace(year=2000)) == []
    page = site.signed_in(DANA).get("/director").text
    assert '<h3 id="held">Waiting for someone in post <span class="count">0</span></h3>' in page
    assert "Every notice has someone in post to go to." in page


def test_the_directors_month_or_framework_or_the_searchs_format_given_twice_is_refused_never_the_last_taken(site: Site):
    """The search and My work refuse a filter given twice (which was meant?); so do the Director's page, its
    month or framework given twice (April's figures were shown for ?month=2024-05&month=2024-04, without a
    word), and the search's format (?format=csv&format=html answered the page, not the download)."""
    dana = site.signed_in(DANA)
    for query, field, label in (("month=2024-05&month=2024-04", "month", "Month"),
                                ("framework=east-sussex-2013&framework=east-sussex-2013", "framework", "Framework")):
        page = dana.get(f"/director?{query}")
        assert page.status_code == 422, (query, page.status_code)
        assert re.search(rf'id="d-{field}-error"><span class="hidden">Error:</span> {label}: given 2 times, give it once</p>', page.text), page.text
    twice = dana.get("/search?person=SW1&format=csv&format=html")
    assert twice.status_code == 422 and "Format: given 2 times, give it once" in twice.text
    assert dana.get("/director?month=2024-05").status_code == 200  # once: as before


def test_the_directors_page_says_the_reviews_graded_in_a_month_as_the_monthly_report_does(site: Site):
    """3.16: "the file of concern must be reviewed within three months". Tom's second worker's May audit found
    significant concerns; the review of that file is graded in June, and no audit is. The monthly report says
    "No audits were graded in June 2024; one review was graded, counted apart": the Director's page, "the same
    figures as the monthly QA report", says it too, never that nothing was graded."""
    concern = may_audit(site.store, "SW2")
    review = next(o for o in site.store.obligations(Filters(row="3.16", statuses=None)) if o.kind == "review" and o.cause == concern.id)
    recording.record(site.store, Recording(review.id, "requires_improvement", by=review.assignee, date=date(2024, 6, 10)), TODAY)
    fw = site.store.frameworks()[0]
    expected = reporting.report(site.store, fw, Month(2024, 6), TODAY)
    assert (expected.grades.graded, expected.grades.reviews) == (0, 1)
    assert "No audits were graded in June 2024; one review was graded, counted apart." in render(expected, "md")
    page = " ".join(words(site.signed_in(DANA).get("/director?month=2024-06").text).split())
    assert "0 graded, 0 with significant concerns 1 review graded, 0 with significant concerns, counted apart from the audits" in page
    assert "No audit was graded in June 2024; one review was graded, counted apart." in page


def test_the_directors_page_says_a_contested_review_apart_from_the_audits_as_the_monthly_report_does(site: Site):
    """3.16's review of a file of concern, graded in June and contested: the monthly report says it apart from the
    audits' contests and moderations ("Reviews, counted apart: ..."), and the Director's page, "the same figures as
    the monthly QA report", says it in the same words."""
    concern = may_audit(site.store, "SW2")
    review = next(o for o in site.store.obligations(Filters(row="3.16", statuses=None)) if o.kind == "review" and o.cause == concern.id)
    recording.record(site.store, Recording(review.id, "inadequate", by=review.assignee, date=date(2024, 6, 7)), TODAY)
    recording.contest(site.store, review.id, None, date(2024, 6, 10), TODAY)
    fw = site.store.frameworks()[0]
    expected = reporting.report(site.store, fw, Month(2024, 6), TODAY)
    said = "Reviews, counted apart: 0 of 1 moderated; contested: 1 (0 settled by moderation)."
    assert (expected.grades.contested, expected.grades.reviews_contested) == (0, 1) and said in render(expected, "md")
    page = " ".join(words(site.signed_in(DANA).get("/director?month=2024-06").text).split())
    assert said in page


def test_with_two_frameworks_each_overdue_link_of_the_directors_page_opens_that_frameworks_work_the_same_count(site: Site):
    """East Sussex and Tameside both loaded: the Director's "Overdue today, and who is on it" counts the framework
    shown, and its links said so in a form no browser reads ('&amp;amp;framework='): each name opened the search of
    that person's overdue work under every framework (Pat: 5 on the page, 11 found), and "All overdue work" 46,
    not East Sussex's 30. Each link opens the work it counts, under the framework shown."""
    import html

    with_tameside(site)
    dana = site.signed_in(DANA)
    for fw in site.store.frameworks():
        page = dana.get(f"/director?framework={fw.id}").text
        late = re.search(r'<h2 id="late">.*?</table>', page, re.S).group(0)
        total = int(re.search(r"(\d+) pieces of work are overdue", late).group(1))
        overdue = [o for o in site.store.obligations(Filters(framework=fw.id, statuses=None)) if o.shown_status(TODAY) == "overdue"]
        assert total == len(overdue), fw.id
        everything = html.unescape(re.search(r'<a href="([^"]+)">All overdue work</a>', late).group(1))
        assert len(json.loads(dana.get(everything + "&format=json").text)) == total, (fw.id, everything)
        lines = re.findall(r'<a href="(/search\?person=[^"]+)">.*?data-label="Overdue">(\d+)<', late, re.S)
        assert lines, fw.id
        for link, count in lines:
            found = json.loads(dana.get(html.unescape(link) + "&format=json").text)
            assert len(found) == int(count) and {r["framework"] for r in found} == {fw.id}, (fw.id, link)


def with_tameside(site: Site) -> None:
    """Tameside's framework loaded and scheduled beside East Sussex's, for the small council."""
    from qaf.rules import bundled
    from qaf.rules.loader import load_framework
    from qaf.usecases import scheduling
    from tests.test_feeds import YEAR

    tameside = load_framework(bundled.path("tameside-2023"))[0]
    site.store.save_framework(tameside, bundled.path("tameside-2023").read_text())
    scheduling.schedule(site.store, tameside, site.store.org(), *YEAR, TODAY)


def test_with_two_frameworks_a_month_of_the_year_so_far_opens_under_the_framework_shown(site: Site):
    """Reading Tameside's year so far, the Director taps April: the page opened April under East Sussex, the first
    framework, as the months' links did not say which framework. They say the one shown, as the pager does."""
    with_tameside(site)
    page = site.signed_in(DANA).get("/director?framework=tameside-2023&month=2024-05").text
    year = re.search(r'<h2 id="year">.*?</table>', page, re.S).group(0)
    months = re.findall(r'<a href="(/director\?month=[^"]+)">', year)
    assert months and all(m.endswith("&amp;framework=tameside-2023") for m in months), months


def test_the_director_is_told_when_overdue_work_is_held_by_someone_no_longer_in_post(site: Site):
    """Olive Ops left on 5 June; until the organisation's next run hands her work on, she holds it. "Overdue today,
    and who is on it" named her as on it, as if in post: nobody is. It says she has left, and when; and work whose
    holder the organisation's records no longer name at all says that, beside the id it was held by."""
    from tests.council import PEOPLE, council
    from dataclasses import replace as changed

    people = tuple(changed(p, end=date(2024, 6, 5)) if p.id == "OM1" else p for p in PEOPLE if p.id != "EM1")
    site.store.save_org(council(people=people))
    late = re.search(r'<h2 id="late">.*?</table>', site.signed_in(DANA).get("/director").text, re.S).group(0)
    olive = re.search(r'<tr><th scope="row">(.*?)</th>', late[late.index("Olive Ops") - 80:], re.S).group(1)
    assert re.sub(r"<[^>]+>", "", olive) == "Olive Ops (left 5 Jun 2024)", olive
    gone = re.search(r'<tr><th scope="row">(.*?)</th>', late[late.index("EM1") - 40:], re.S).group(1)
    assert re.sub(r"<[^>]+>", "", gone) == "EM1 (not in the organisation’s records)", gone
    pat = re.search(r'<tr><th scope="row">(.*?)</th>', late[late.index("Pat Practice") - 80:], re.S).group(1)
    assert "(left" not in pat


def test_a_person_whose_id_holds_a_plus_or_an_ampersand_opens_from_my_line_to_their_own_search(site: Site):
    """HR's file may give an id like 'SW+7' or 'T&S/1' (only ';' is refused). My line linked each person to the search
    as '?person=SW+7', which reads 'SW 7': nobody, a 422 for the manager tapping her own worker's name; and My work's
    "Download these" the same 422 for Sol himself."""
    import html

    from tests.council import PEOPLE, council, person

    joined = (person("SW+7", "Sol Plus", "Social Worker", "T1", "PM1"), person("T&S/1", "Tess Amp", "Social Worker", "T1", "PM1"))
    site.store.save_org(council(people=(*PEOPLE, *joined)))
    pat = site.signed_in(PAT)
    line = pat.get("/my-line").text
    for name in ("Sol Plus", "Tess Amp"):
        link = html.unescape(re.search(rf'<a href="(/search\?person=[^"]+)">{name}</a>', line).group(1))
        found = pat.get(link)
        assert found.status_code == 200 and "0 results" in words(found.text), (link, found.status_code)
    sol = site.signed_in("sol.plus@example-council.gov.uk")
    mine = sol.get("/my-work?kind=audit").text
    download = html.unescape(re.search(r'<a href="(/search\?[^"]+)">Download these</a>', mine).group(1))
    assert sol.get(download).status_code == 200, download


def test_the_directors_overdue_today_is_counted_by_the_database_as_the_search_counts_it(site: Site, monkeypatch: pytest.MonkeyPatch):
    """A large council has thousands of pieces of work overdue: "Overdue today, and who is on it" read every one
    of them as an obligation to count them (100 ms of the page for 10,817). The database counts them, by holder,
    and the count is the work each holder's search of overdue work finds: work held by nobody in post is its own
    line, work done or due today is not overdue, work rescheduled past its new date is."""
    from collections import Counter

    from sqlalchemy import text

    from qaf.engine.query import DueQuery
    from qaf.web.line import late_now

    store = site.store
    fw = store.frameworks()[0].id
    late = sorted((o for o in store.obligations(Filters(framework=fw)) if o.shown_status(TODAY) == "overdue"), key=lambda o: o.due)
    assert len(late) > 3
    with store.write() as conn:  # one held by nobody, one done, one rescheduled to a date now past
        conn.execute(text("UPDATE obligations SET assignee = NULL WHERE id = :id"), {"id": late[0].id})
        conn.execute(text("UPDATE obligations SET status = 'done' WHERE id = :id"), {"id": late[1].id})
        conn.execute(text("UPDATE obligations SET status = 'rescheduled' WHERE id = :id"), {"id": late[2].id})
    org = store.org()
    with monkeypatch.context() as m:  # counted, not read: no obligation is built for the section
        m.setattr(store, "obligations", lambda *a, **k: pytest.fail("the overdue work was read as obligations to be counted"))
        rows, total = late_now(store, org, fw, TODAY)
    every = [o for o in store.obligations(Filters(framework=fw, statuses=None)) if o.shown_status(TODAY) == "overdue"]
    assert total == len(every) == len(late) - 1
    assert {r["person"]: r["count"] for r in rows} == dict(Counter(o.assignee for o in every))
    nobody = next(r for r in rows if r["person"] is None)
    assert (nobody["name"], nobody["count"], nobody["oldest"]) == ("Nobody in post", 1, late[0].due)
    for r in rows:
        if r["person"]:
            found = queries.due(store, DueQuery(person=r["person"], framework=fw, statuses=("overdue",)), TODAY)
            assert (len(found), min(o.due for o in found)) == (r["count"], r["oldest"]), r
