"""Each page is read in one transaction (issue 16, item 8): one moment of the store, one round trip's worth of cost.

An obligation's page reads the session, the organisation, the obligation, its
cause, its history and the extension requests through many small functions;
on PostgreSQL each read of its own was three round trips. Inside
``store.one_read()`` they share one read transaction.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests import test_web as _web
from tests.test_feeds import may_audit
from tests.test_web import PAT

site = _web.site  # the signed-in site fixture: the year scheduled, a real SMTP server on loopback
pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")


def transactions_of(site, client, path: str) -> tuple[int, list[str]]:
    """(status, the transactions the app began while answering ``path``: "read" or "write")."""
    engine = site.app.state.store.engine
    began: list[str] = []

    def counted(conn) -> None:
        began.append("read" if conn.get_execution_options().get("qaf_read") else "write")

    event.listen(engine, "begin", counted)
    try:
        answer = client.get(path)
    finally:
        event.remove(engine, "begin", counted)
    return answer.status_code, began


@pytest.mark.parametrize("path", ["/obligations/{audit}", "/obligations/{audit}/extension", "/my-line", "/search?row=3.16",
                                  "/my-work?status=open", "/my-work", "/my-work/calendar"])  # fmt: skip
def test_a_practice_managers_page_is_one_read_transaction(site, path: str):
    client = site.signed_in(PAT)
    audit = may_audit(site.store, "SW1", 6)
    status, began = transactions_of(site, client, path.format(audit=audit.id))
    assert status == 200
    assert began == ["read"], f"{path} began {began}"


def test_a_page_seen_twice_reads_the_store_as_it_now_is(site):
    """One transaction per answer, not per session: the second answer sees what was recorded in between."""
    from datetime import date

    from qaf.engine.outcomes import Recording
    from qaf.usecases import recording
    from tests.test_feeds import TODAY

    client = site.signed_in(PAT)
    audit = may_audit(site.store, "SW1", 6)
    assert "Record the outcome" in client.get(f"/obligations/{audit.id}").text
    recording.record(site.store, Recording(audit.id, "good", False, date=date(2024, 6, 7)), TODAY)
    again = client.get(f"/obligations/{audit.id}").text
    assert "Record the outcome" not in again


def test_an_actions_page_reads_the_audit_that_raised_it_once(site, monkeypatch):
    """Pat gave an action to Priya, outside her line: the page Pat follows it up on asks for the audit that
    raised it once (whether she may see the action, what the page shows, whom it names), not once per question."""
    from qaf.store import sql
    from tests.test_outcomes import find
    from tests.test_web_acting import PRIYA, record_with_an_action

    pat = site.signed_in(PAT)
    audit, _ = record_with_an_action(site, pat, **{"action-1-who": "Priya Practice"})
    (action,) = find(site.store, cause=audit.id, kind="action")
    real, asked = sql.ob_store.find, []
    monkeypatch.setattr(sql.ob_store, "find", lambda conn, f: asked.append(f.ids) or real(conn, f))
    for client in (pat, site.signed_in(PRIYA)):  # who raised it (through the audit) and who owns it
        asked.clear()
        assert client.get(f"/obligations/{action.id}").status_code == 200
        assert [ids for ids in asked if ids and audit.id in ids] == [frozenset({audit.id})]
