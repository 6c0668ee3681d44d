"""Closing an action over the API: ``POST /api/obligations/{id}/done``, on SQLite and PostgreSQL (issue 14).

The same use case as ``qaf action done`` (:func:`qaf.usecases.recording.close_action`)
and the same access rule as the API's other writes: the action's owner, or
someone above them in the line. A 3.16 audit with concerns raises two actions
for Tom Fairley (SW1, line PM1 -> OM1): each refusal is a 4xx that leaves the
store as it was.
"""

from __future__ import annotations

from datetime import date
from typing import Iterator

import pytest

from qaf.store.sql import SqlStore
from qaf.store.tables import ACTIONS
from qaf.usecases import tokens
from qaf.web.api import create_app
from tests.conftest import snapshot
from tests.test_actions import _audit_with_two_actions
from tests.test_api import NOW, Client

TODAY = date(2024, 5, 2)  # the plan is due 8 May, the visit 28 June: both open


class Site:
    def __init__(self, store: SqlStore, url: str) -> None:
        self.audit, (self.plan, self.visit), self.review, _ = _audit_with_two_actions(store)
        self.store = store
        self.app = create_app(url, lambda: TODAY)
        self.client = Client(self.app)
        org, vocab = store.org(), store.vocabulary()
        self.token = {p: tokens.issue(store, org, vocab, p, None, "api", NOW)[0] for p in ("SW1", "SW2", "PM1", "PM2", "HQA")}

    def done(self, oid: str, who: str, **kw):
        return self.client.post(f"/api/obligations/{oid}/done", self.token[who], **kw)


@pytest.fixture
def site(store: SqlStore, db_url: str) -> Iterator[Site]:
    s = Site(store, db_url)
    yield s
    s.app.state.store.close()


def _note(store: SqlStore, oid: str) -> str | None:
    with store.read() as conn:
        return conn.execute(ACTIONS.select().where(ACTIONS.c.obligation == oid)).one().note


def test_the_owner_closes_an_action_and_their_line_manager_another(site: Site):
    r = site.done(site.plan.id, "SW1", json={"note": "Plan updated with the school"})
    assert r.status_code == 200, r.text
    body = r.json()["obligation"]
    assert (body["id"], body["status"], body["kind"]) == (site.plan.id, "done", "action")
    assert "Plan updated" not in r.text and "SECRET" not in r.text  # the answer is the record; the note stays in the store
    assert _note(site.store, site.plan.id) == "Plan updated with the school"
    r = site.done(site.visit.id, "PM1")  # no body: the note is optional
    assert r.status_code == 200, r.text
    assert r.json()["obligation"]["status"] == "done" and _note(site.store, site.visit.id) is None
    listed = site.client.get("/api/obligations?status=done&kind=action", site.token["SW1"]).json()
    assert {o["id"] for o in listed} == {site.plan.id, site.visit.id}


def test_refusals_are_4xx_and_leave_the_store_unchanged(site: Site):
    before = snapshot(site.store)
    cases = [
        (site.audit.id, "PM1", {}, 422, "not an action"),  # an audit (PM1 audits Tom's case) is recorded, not closed
        (site.plan.id, "SW2", {}, 403, "not yours"),  # a colleague in the same team: outside Tom's line
        (site.plan.id, "PM2", {}, 403, "not yours"),  # another team's manager
        (site.plan.id, "HQA", {}, 403, "not yours to close"),  # sees everything, but is not in Tom's line
        ("0123456789abcdef", "SW1", {}, 403, "not yours"),  # an id that names nothing: as someone else's (ids can be worked out)
        ("0123456789abcdef", "HQA", {}, 404, "no obligation"),  # she sees all there is: told it is not there
        (site.plan.id, "SW1", {"json": {"note": 5}}, 422, "note"),
        (site.plan.id, "SW1", {"json": {"note": "x", "by": "PM1"}}, 422, "by"),
        (site.plan.id, "SW1", {"json": {"note": "x" * 10_001}}, 422, "note"),
        (site.plan.id, "SW1", {"json": {"note": "plan\x00updated"}}, 422, "control character"),  # PostgreSQL refuses NUL
    ]
    for oid, who, kw, status, said in cases:
        r = site.done(oid, who, **kw)
        assert r.status_code == status, (oid, who, kw, r.status_code, r.text)
        assert said in r.text, r.text
    assert site.client.post(f"/api/obligations/{site.plan.id}/done").status_code == 401  # no token
    assert snapshot(site.store) == before


def test_an_action_already_done_is_409(site: Site):
    assert site.done(site.plan.id, "SW1").status_code == 200
    after = snapshot(site.store)
    r = site.done(site.plan.id, "PM1")
    assert r.status_code == 409 and "done: nothing to close" in r.json()["message"]
    assert snapshot(site.store) == after


def test_the_endpoint_is_in_the_openapi_document(site: Site):
    spec = site.client.get("/openapi.json").json()
    assert "post" in spec["paths"]["/api/obligations/{oid}/done"]


def test_an_action_is_closed_not_recorded_by_the_api_nor_by_qaf_record(site: Site, db_url: str, capsys):
    """An action is closed (``/done``, ``qaf action done``, the page's button), which keeps its note and takes its
    reminders out of the digest; recording an outcome on it, as on an audit (a grade and all), is refused
    with the field named, and nothing is written: as the obligation's page already refused it."""
    from qaf.cli.main import main

    before = snapshot(site.store)
    r = site.client.post(f"/api/obligations/{site.plan.id}/outcome", site.token["SW1"], json={"grade": "inadequate"})
    assert r.status_code == 422, r.text
    assert [p["field"] for p in r.json()["problems"]] == ["obligation"] and "/done" in r.text
    assert site.client.post(f"/api/obligations/{site.visit.id}/outcome", site.token["PM1"], json={}).status_code == 422
    code = main(["--db", db_url, "record", site.plan.id, "--grade", "good", "--date", "2024-05-02", "--today", "2024-05-02"])
    err = capsys.readouterr().err
    assert code != 0 and "obligation" in err and "qaf action done" in err
    assert snapshot(site.store) == before
