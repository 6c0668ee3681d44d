""""My work" kept per session and store version (qaf.web.memo): served again only while nothing changed.

Over the web tests' small council and app (tests/test_web.py's ``site``:
SQLite and PostgreSQL, sign-in through a real SMTP server). Pat Practice
(PM1) and Priya Practice (PM2) manage different lines.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from qaf.engine.outcomes import Recording
from qaf.usecases import recording, signin
from tests.test_feeds import TODAY, may_audit
from tests.test_web import PAT, Site, csrf, site  # noqa: F401 (the fixture)

PRIYA = "priya.practice@example-council.gov.uk"
pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")


@pytest.fixture
def web(request: pytest.FixtureRequest, db_url: str) -> Site:
    """tests/test_web.py's site: the app over the small council, and a real SMTP server for sign-in links."""
    return request.getfixturevalue("site")


def listed(html: str, oid: str) -> bool:
    return f"/obligations/{oid}" in html


def test_a_second_look_is_served_from_memory_and_is_the_same_page(web: Site) -> None:
    memo = web.app.state.my_work_memo
    client = web.signed_in(PAT)
    first = client.get("/my-work")
    misses, hits = memo.misses, memo.hits
    again = client.get("/my-work")
    assert again.status_code == 200 and again.text == first.text
    assert (memo.misses, memo.hits) == (misses, hits + 1)
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]


def test_recording_an_outcome_on_the_page_shows_at_once(web: Site) -> None:
    client = web.signed_in(PAT)
    audit = may_audit(web.store, "SW1", 6)
    before = client.get("/my-work").text
    assert listed(before, audit.id) and "Done lately" in before
    page = client.get(f"/obligations/{audit.id}")
    posted = client.post(f"/obligations/{audit.id}/outcome", data={"csrf": csrf(page.text), "grade": "good", "date": "2024-06-07"})
    assert posted.status_code == 200
    after = client.get("/my-work").text
    assert after != before
    done = after.split("Done lately", 1)[1]
    assert listed(done, audit.id)  # now under done lately, not still due


def test_a_write_by_another_process_shows_too(web: Site) -> None:
    """The CLI (``qaf record``) writes the store directly: the version moves, and the page with it."""
    client = web.signed_in(PAT)
    audit = may_audit(web.store, "SW1", 6)
    before = client.get("/my-work").text
    misses = web.app.state.my_work_memo.misses
    recording.record(web.store, Recording(audit.id, "good", False, (), "PM1", TODAY, ""), TODAY)
    after = client.get("/my-work").text
    assert web.app.state.my_work_memo.misses == misses + 1
    assert listed(after.split("Done lately", 1)[1], audit.id) and not listed(before.split("Done lately", 1)[1], audit.id)


def test_another_person_never_gets_someone_elses_page(web: Site) -> None:
    pat, priya = web.signed_in(PAT), web.signed_in(PRIYA)
    for _ in range(2):  # the second time, both from memory
        mine, hers = pat.get("/my-work").text, priya.get("/my-work").text
        assert "Pat Practice" in mine and "Pat Practice" not in hers
        assert "Priya Practice" in hers and "Priya Practice" not in mine
        assert csrf(mine) != csrf(hers)
    # the same person in two browsers: two sessions, each page with its own session's CSRF token
    other = web.signed_in(PAT)
    assert csrf(other.get("/my-work").text) != csrf(pat.get("/my-work").text)
    # nobody without a session gets anything, however warm the memory
    assert web.browser().get("/my-work").status_code == 303
    stranger = web.browser()
    stranger.cookies.set("qaf_session", "x" * 43)
    assert stranger.get("/my-work").status_code == 303


def test_a_session_that_ended_gets_no_page_from_memory(web: Site) -> None:
    client = web.signed_in(PAT)
    page = client.get("/my-work")
    cookie = client.cookies.get("qaf_session")
    assert client.post("/sign-out", data={"csrf": csrf(page.text)}).status_code == 200
    replay = web.browser()
    replay.cookies.set("qaf_session", cookie)
    assert replay.get("/my-work").status_code == 303
    idle = web.signed_in(PAT)
    idle.get("/my-work")
    web.now += signin.IDLE + timedelta(seconds=1)
    assert idle.get("/my-work").status_code == 303
    assert not any(re.search("Pat", k[0]) for k in web.app.state.my_work_memo._pages)  # keys are hashes, never names
