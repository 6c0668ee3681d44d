"""Acting on an obligation's page in a real browser: Playwright driving Debian's Chromium, axe-core on each page.

A Practice Manager opens an audit, records ``requires_improvement`` with
significant concerns and one safeguarding action, and sees at once what it
set off: the two further files, the review, the alert and the action, each a
link. She opens the action and the review (which asks which actions were
carried out). The worker closes the action with a note. Each page is checked
by axe-core (no serious or critical violation), must not scroll sideways, and
is saved as a screenshot at desktop (1280) and phone (390) widths
(``QAF_SCREENSHOTS``, else the test's temporary folder): see
tests/test_web_browser.py for the server and the browser.
"""

from __future__ import annotations

import re

from tests.test_feeds import may_audit
from tests.test_outcomes import find
from tests.test_web_browser import PAT, _link, shots, site  # noqa: F401  (fixtures)

PLAN = "Update the safety plan with the new school contact"
LINK = "https://intranet.example-council.gov.uk/doc?id=Q2hyb25vbG9neUNTMDAwMDAxMjAyNDA2MDd2ZXJzaW9uMw"


def sign_in(server, browser, inbox, email: str, path: str) -> None:
    page = browser.page
    page.context.clear_cookies()
    page.goto(f"{server.base}{path}")
    page.fill("#email", email)
    browser.submit("Email me a sign-in link")
    page.goto(_link(inbox, server.base))
    browser.submit("Continue")
    assert page.url == f"{server.base}{path}", page.url


def test_a_practice_manager_records_an_audit_with_an_action_and_sees_what_it_set_off(site):  # noqa: F811
    server, browser, inbox, store = site
    page = browser.page
    audit = may_audit(store, "SW1", 6)
    sign_in(server, browser, inbox, PAT, f"/obligations/{audit.id}")
    assert page.locator("h1").inner_text().startswith("Audit case CS-000001")
    assert not page.locator("#action-2-what").is_visible()  # the second and third actions wait behind "Add action 2"
    browser.check("acting-audit")

    page.check("#grade-requires_improvement")
    page.fill("#action-1-what", PLAN)
    page.fill("#action-1-when", "by Friday")  # neither a date nor "within ...": refused beside the field
    browser.submit("Record the outcome")
    assert page.locator("#action-1-when-error").is_visible()
    assert page.locator(".error-summary a[href='#action-1-when']").is_visible()
    assert page.input_value("#action-1-what") == PLAN  # what she typed is kept
    browser.check("acting-audit-error")

    page.check("#concerns")
    page.fill("#date", "2024-06-07")
    page.fill("#notes", f"Chronology not kept up to date: {LINK}")  # a link pasted in: one long word
    page.fill("#action-1-when", "within 10 working days")
    page.check("#action-1-safeguarding")
    browser.submit("Record the outcome")
    assert page.locator("h1").inner_text() == "Outcome recorded"
    made = page.locator("ul.made").inner_text()
    assert made.count("follow-up audit ·") == 2 and made.count("review ·") == 1 and made.count("action ·") == 1, made
    assert "2 follow-up audits, 1 review, 1 action." in page.content()
    told = page.locator("ul.told").inner_text()
    assert "Olive Ops (alert): Significant concerns" in told and "Olive Ops (alert): Safeguarding action" in told and PLAN not in told
    assert "due 21 Jun 2024" in told and "2024-06-21" not in told  # the page's dates, one way for every notice
    browser.check("acting-recorded")

    (action,) = find(store, cause=audit.id, kind="action")
    with page.expect_navigation():
        page.click(f"ul.made a[href='/obligations/{action.id}']")
    assert PLAN in page.content() and page.locator("h2", has_text="Close this action").is_visible()
    browser.check("acting-action")

    page.goto(f"{server.base}/obligations/{audit.id}")  # the notes, the link in them broken to fit a phone
    assert LINK in page.locator("dd.notes").inner_text()
    browser.check("acting-audit-done")

    (review,) = find(store, cause=audit.id, kind="review")
    page.goto(f"{server.base}/obligations/{review.id}")
    assert page.locator("#carried-out legend").inner_text() == "Which of the audit's actions were carried out?"
    browser.check("acting-review")

    sign_in(server, browser, inbox, "tom.fairley@example-council.gov.uk", f"/obligations/{action.id}")
    page.fill("#note", "Plan updated with the school.")
    browser.submit("Close the action")
    assert page.locator("h1").inner_text() == "Action closed"
    browser.check("acting-closed")

    page.goto(f"{server.base}/my-work")  # the grades of his work, listed on his own page
    graded = page.locator("table.graded")
    assert graded.locator("tbody tr").first.inner_text().count("Requires improvement") == 1
    browser.check("my-work-graded")
    with page.expect_navigation():
        graded.locator(f"a[href='/obligations/{audit.id}']").click()
    assert page.locator("h2", has_text="Contest the grade").is_visible() and "Chronology" not in page.content()
    browser.submit("Contest the grade")
    assert page.locator("h1").inner_text() == "Grade contested"
    assert "moderation · Hana Locality" in page.locator("ul.made").inner_text()
    assert page.locator("ul.made a").count() == 0  # the moderation is Hana's line's: named, not linked (403 to him)
    browser.check("acting-contested")
    assert browser.outside == [], "a page fetched something from elsewhere"


def test_a_moderator_moderates_with_the_seven_areas_and_the_head_of_qa_signs_off(tmp_path, shots):  # noqa: F811
    """Tameside's triple lock, in the browser: the forms with the seven areas of practice on a phone."""
    from qaf.engine.outcomes import Recording
    from qaf.store.sql import SqlStore
    from qaf.usecases import recording
    from tests.smtp import Inbox, free_port, smtp_server
    from tests.test_outcomes import scheduled
    from tests.test_web_browser import Browser, Server, _need_chromium

    _need_chromium()
    url = f"sqlite:///{tmp_path / 'tameside.db'}"
    store = SqlStore.open(url)
    scheduled(store, "tameside-2023")
    audit = next(o for o in find(store, row="T1", subject="SW1", kind="audit") if o.period_start.month == 6)
    recording.record(store, Recording(audit.id, "requires_improvement", areas=(("Chronology", "inadequate"),)), audit.period_start.replace(day=10))
    (moderation,) = find(store, cause=audit.id, kind="moderation")
    inbox, smtp_port = Inbox(), free_port()
    with smtp_server(inbox, smtp_port), Server(url, smtp_port) as server:
        browser = Browser(shots)
        browser.base = server.base
        try:
            page = browser.page
            sign_in(server, browser, inbox, "moira.moderator@example-council.gov.uk", f"/obligations/{moderation.id}")
            assert page.locator("select[id^='moderated-area-']").count() == 7
            browser.check("acting-moderation")
            page.check("#moderated-grade-inadequate")
            page.select_option("#moderated-area-3", "inadequate")
            browser.submit("Record the moderation")
            assert page.locator("h1").inner_text() == "Moderation recorded"
            assert re.search(r"QA sign-off", page.content())
            browser.check("acting-moderated")
            (signoff,) = find(store, cause=audit.id, kind="qa_signoff")
            sign_in(server, browser, inbox, "quinn.quality@example-council.gov.uk", f"/obligations/{signoff.id}")
            browser.check("acting-signoff")
            browser.submit("Sign off")
            assert page.locator("h1").inner_text() == "Signed off"
            assert browser.outside == []
        finally:
            browser.close()
            server.app.state.store.close()
            store.close()


def test_an_action_for_a_case_whose_worker_has_left_asks_who_beside_who(site):  # noqa: F811
    """Tom Fairley has left and his cases are not yet reallocated: the action Pat raises with nobody
    named is refused beside "Who", saying whom the case still names and asking who will do it."""
    from dataclasses import replace
    from datetime import date

    from tests.council import council

    server, browser, inbox, store = site
    page = browser.page
    store.save_org(council(people=tuple(replace(p, end=date(2024, 6, 1)) if p.id == "SW1" else p for p in council().people)))
    audit = may_audit(store, "SW1", 6)
    sign_in(server, browser, inbox, PAT, f"/obligations/{audit.id}")
    page.check("#grade-good")
    page.fill("#action-1-what", PLAN)
    browser.submit("Record the outcome")
    assert page.locator("#action-1-who-error").is_visible()
    assert "Tom Fairley, is not in the organisation on 10 June 2024" in page.locator("#action-1-who-error").inner_text()
    assert page.locator(".error-summary a[href='#action-1-who']").is_visible()
    assert page.input_value("#action-1-what") == PLAN
    assert page.locator("#action-1-who-hint").inner_text().startswith("The case's worker, Tom Fairley, has left: give a person")
    browser.check("acting-action-owner-gone")
