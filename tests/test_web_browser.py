"""The web pages in a real browser: Playwright driving Debian's Chromium, axe-core on every page.

A Practice Manager opens an audit from her calendar feed, is asked to sign
in, asks for a link, reads it from a real SMTP server (aiosmtpd), signs in,
lands on the audit, records ``requires_improvement`` with concerns and one
action, and sees what it set off. Each page is checked by axe-core (no serious or critical
violation) and checked at desktop (1280), tablet (768) and phone (390)
widths (nothing scrolls sideways); with ``QAF_SCREENSHOTS`` set it is saved there as a screenshot at each
width (``screenshots/`` is ignored by git), to be looked at.

Chromium is ``/usr/bin/chromium`` (``.ci/run`` installs it); Playwright's own
browser download is never used. Where it is missing these tests skip with
the reason; with ``QAF_REQUIRE_CHROMIUM=1`` (as ``.ci/run`` sets) they fail.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

from qaf.store.sql import SqlStore
from qaf.usecases import tokens
from qaf.usecases.mail import MailSettings
from qaf.web.api import create_app
from tests.conftest import snapshot
from tests.served import Served
from tests.smtp import Inbox, free_port, smtp_server
from tests.test_feeds import TODAY, may_audit, year

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
WIDTHS = {"desktop": 1280, "tablet": 768, "phone": 390}  # a tablet held upright
# screenshots only when asked for (QAF_SCREENSHOTS): two full pages at each of three widths on every page checked
# were a large part of the browser tests' time, for pictures nobody looks at in a CI run
KEEP_SHOTS = bool(os.environ.get("QAF_SCREENSHOTS"))
# GOV.UK's habits for a form sent back with problems, on every page checked: the page's title begins "Error: " (a
# screen reader says it first); the error summary is the first thing in the page's main part, above its heading,
# each of its links going to a field on the page; every field marked invalid has the red border the message beside
# it has (an input's own black border, more specific, hid it)
FORM_ERRORS = r"""(() => { const bad = [], main = document.querySelector('main'), summary = main.querySelector('.error-summary');
    const invalid = [...main.querySelectorAll('[aria-invalid=true]')];
    if ((summary || invalid.length) && !document.title.startsWith('Error: ')) bad.push(`title "${document.title}"`);
    if (summary && main.firstElementChild !== summary) bad.push('the error summary is not first in main');
    for (const a of summary ? summary.querySelectorAll('a[href^="#"]') : [])
        if (!document.getElementById(a.getAttribute('href').slice(1))) bad.push(`${a.getAttribute('href')} goes nowhere`);
    for (const el of invalid) { const c = getComputedStyle(el).borderTopColor;
        if (c !== 'rgb(212, 53, 28)') bad.push(`#${el.id}'s border is ${c}, not red`); }
    return bad; })()"""
PAT = "pat.practice@example-council.gov.uk"


def _need_chromium() -> None:
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"no {CHROMIUM} (Debian: apt-get install chromium)"
    else:
        try:
            import axe_playwright_python  # noqa: F401
            import playwright  # noqa: F401
        except ImportError as exc:
            reason = f"playwright is not installed: {exc}"
    if reason and os.environ.get("QAF_REQUIRE_CHROMIUM") == "1":
        pytest.fail(f"{reason} (QAF_REQUIRE_CHROMIUM=1: CI runs the browser tests)")
    if reason:
        pytest.skip(reason)


class Server(Served):
    """``qaf serve``'s app under uvicorn on a loopback port, in a thread, sending email to ``smtp_port``."""

    def __init__(self, url: str, smtp_port: int) -> None:
        self.url, self.smtp_port = url, smtp_port
        super().__init__()

    def make_app(self):
        mail = MailSettings(host="127.0.0.1", port=self.smtp_port, sender="qaf@example-council.gov.uk", base_url=self.base)
        return create_app(self.url, lambda: TODAY, base_url=self.base, mail_settings=mail,
                          now=lambda: datetime.now(timezone.utc))  # fmt: skip


class Browser:
    """One Chromium; pages are checked with axe-core and photographed at both widths."""

    def __init__(self, shots: Path) -> None:
        from playwright.sync_api import sync_playwright

        self.shots = shots
        self._pw = sync_playwright().start()
        self.chromium = self._pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        self.context = self.chromium.new_context(viewport={"width": WIDTHS["desktop"], "height": 900})
        self.page = self.context.new_page()
        self.outside: list[str] = []
        self.page.on("request", self._request)
        self.base = ""

    def _request(self, request) -> None:
        if not request.url.startswith(self.base) and not request.url.startswith("data:"):
            self.outside.append(request.url)

    def submit(self, button: str) -> None:
        """Click the page's button with this text and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.page.click(f"main button:has-text('{button}')")

    def check(self, name: str) -> None:
        """No serious or critical axe-core violation; a screenshot at each width."""
        from axe_playwright_python.sync_playwright import Axe

        found = Axe().run(self.page)
        bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in found.response["violations"]
               if v["impact"] in ("serious", "critical")]  # fmt: skip
        assert bad == [], f"{name}: {bad}"
        assert (wrong := self.page.evaluate(FORM_ERRORS)) == [], f"{name}: {wrong}"
        for width_name, width in WIDTHS.items():
            self.page.set_viewport_size({"width": width, "height": 900})
            scroll = self.page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{name} at {width}px scrolls sideways ({scroll}px wide)"
            if KEEP_SHOTS:  # the checks above run at every width; the pictures are taken when someone will look
                self.page.screenshot(path=str(self.shots / f"{name}-{width_name}.png"), full_page=True)
                self.page.screenshot(path=str(self.shots / f"{name}-{width_name}-top.png"))  # what shows first
        self.page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})

    def close(self) -> None:
        self.context.close()
        self.chromium.close()
        self._pw.stop()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    where = Path(os.environ.get("QAF_SCREENSHOTS") or tmp_path / "screenshots")
    where.mkdir(parents=True, exist_ok=True)
    return where


@pytest.fixture
def site(tmp_path: Path, shots: Path) -> Iterator[tuple[Server, Browser, Inbox, SqlStore]]:
    _need_chromium()
    url = f"sqlite:///{tmp_path / 'qaf.db'}"
    store = SqlStore.open(url)
    year(store)
    inbox, smtp_port = Inbox(), free_port()
    with smtp_server(inbox, smtp_port), Server(url, smtp_port) as server:
        browser = Browser(shots)
        browser.base = server.base
        try:
            yield server, browser, inbox, store
        finally:
            browser.close()
            server.app.state.store.close()
            store.close()


def _link(inbox: Inbox, base: str) -> str:
    body = inbox.messages[-1].get_body(("plain",)).get_content()
    return re.search(re.escape(base) + r"/sign-in/\S+", body).group(0)


def test_a_practice_manager_signs_in_from_her_feed_and_records_an_audit_in_chromium(site):
    server, browser, inbox, store = site
    page = browser.page
    audit = may_audit(store, "SW1", 6)
    feed_token = tokens.issue(store, store.org(), store.vocabulary(), "PM1", None, "feed", datetime(2024, 6, 1, tzinfo=timezone.utc))[0]
    feed = page.request.get(f"{server.base}/feeds/{feed_token}.ics").text().replace("\r\n ", "")
    (from_feed,) = [u for u in re.findall(r"^URL;VALUE=URI:(\S+)", feed, re.M) if audit.id in u]
    assert from_feed == f"{server.base}/obligations/{audit.id}"

    page.goto(from_feed)  # not signed in: to the sign-in page, and back afterwards
    assert page.url == f"{server.base}/sign-in?next=/obligations/{audit.id}"
    browser.check("sign-in")
    browser.submit("Email me a sign-in link")
    assert page.locator("#email-error").is_visible()  # nothing typed: the message beside the field
    browser.check("sign-in-error")
    page.fill("#email", PAT)
    browser.submit("Email me a sign-in link")
    assert page.locator("h1").inner_text() == "Check your email"
    browser.check("check-your-email")

    link = _link(inbox, server.base)
    page.goto(link)
    browser.check("use-link")
    browser.submit("Continue")
    assert page.url == from_feed
    assert audit.case in page.content()
    browser.check("obligation")

    browser.submit("Record the outcome")  # no grade chosen: refused, shown beside the field
    assert page.locator("#grade-error").is_visible() and "Record the outcome" in page.content()
    browser.check("obligation-error")

    page.check("#grade-requires_improvement")
    page.check("#concerns")
    page.fill("#date", "2024-06-07")
    page.fill("#notes", "Chronology not kept up to date.")
    plan = "Bring the chronology up to date with the school's reports."
    page.fill("#action-1-what", plan)
    page.fill("#action-1-when", "within 10 working days")
    browser.submit("Record the outcome")
    assert page.locator("h1").inner_text() == "Outcome recorded"
    made = page.locator("ul.made").inner_text()  # the two further files, the review and the action
    assert made.count("follow-up audit ·") == 2 and made.count("review ·") == 1 and made.count("action ·") == 1, made
    told = page.locator("ul.told").inner_text()  # the alert to her Operations Manager, without the action's words
    assert "(alert): Significant concerns" in told and plan not in told, told
    browser.check("recorded")

    page.goto(f"{server.base}/my-work")
    assert page.locator("h1").inner_text() == "My work"
    browser.check("my-work")

    theirs = may_audit(store, "SW5", 6)  # Priya Practice's line
    answer = page.goto(f"{server.base}/obligations/{theirs.id}")
    assert answer.status == 403 and theirs.case not in page.content()
    browser.check("forbidden")

    before = snapshot(store)
    posted = page.request.post(f"{server.base}/obligations/{may_audit(store, 'SW2', 6).id}/outcome",
                               form={"grade": "good"})  # the session's cookie, no CSRF token  # fmt: skip
    assert posted.status == 403 and snapshot(store) == before

    page.goto(link)  # the same link again
    browser.submit("Continue")
    assert "This sign-in link cannot be used" in page.content()
    browser.check("link-used")
    assert browser.outside == [], "a page fetched something from elsewhere"


def test_the_api_docs_render_with_no_network(site):
    server, browser, _, _ = site
    browser.page.goto(f"{server.base}/docs")
    browser.page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
    assert "/api/obligations" in browser.page.content()
    browser.page.screenshot(path=str(browser.shots / "docs-desktop.png"))
    assert browser.outside == [], browser.outside
