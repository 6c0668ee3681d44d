"""The API's answers are kept while nothing they show changed, and never outlive a change (issue 16).

``GET /api/obligations`` keeps each answer by the question, the token's holder
and scope, the day, the organisation and frameworks, and the obligations'
counter (which the database moves with every obligation *and outcome*
written). On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from qaf.engine.outcomes import Recording
from qaf.engine.query import Filters
from qaf.rules.problems import QafError
from qaf.store.sql import SqlStore
from qaf.usecases import queries, recording, tokens
from qaf.web.api import create_app
from qaf.web.encoding import Encoded
from qaf.web.kept import ANSWER_OVERHEAD, RECORD_OVERHEAD, Answers, Records
from tests.test_api import Client
from tests.test_outcomes import april_audit, scheduled

TODAY = date(2024, 6, 10)
NOW = datetime(2024, 6, 10, 9, 0, tzinfo=timezone.utc)


def api_token(store: SqlStore, person: str) -> str:
    return tokens.issue(store, store.org(), store.vocabulary(), person, None, "api", NOW)[0]


def records(response) -> dict[str, dict]:
    assert response.status_code == 200, response.text
    return {r["id"]: r for r in json.loads(response.content)}


def rows_as_stored(store: SqlStore) -> list[tuple]:
    return sorted((o.id, o.status, o.sequence, o.due, o.assignee) for o in store.obligations(Filters(statuses=None)))


def test_a_grade_contested_while_its_moderation_is_open_shows_on_the_very_next_answer(store: SqlStore):
    """Tameside: every primary audit is moderated. Contesting the grade then writes the outcome alone (the open
    moderation settles it): no obligation changes, and the answer kept before must still not be served."""
    scheduled(store, "tameside-2023")
    audit = april_audit(store, "T1", "SW1")
    first = recording.record(store, Recording(audit.id, "requires_improvement", date=date(2024, 4, 22)), TODAY)
    assert [o.kind for o in first.created] == ["moderation"]
    app = create_app(store=store, today=lambda: TODAY)
    client, token, answers = Client(app), api_token(store, audit.assignee), app.state.answers
    url = f"/api/obligations?person={audit.assignee}&status=all"
    before = client.get(url, token)
    assert "contested" not in records(before)[audit.id]["outcome"]
    again = client.get(url, token)
    assert again.content == before.content and (answers.hits, answers.misses) == (1, 1)  # nothing changed: kept
    stored = rows_as_stored(store)
    contested = recording.contest(store, audit.id, "OM1", date(2024, 5, 1), TODAY)
    assert contested.created == () and rows_as_stored(store) == stored  # the outcome alone was written
    after = records(client.get(url, token))
    assert after[audit.id]["outcome"]["contested"] is True and answers.misses == 2


def test_an_outcome_recorded_shows_on_the_next_answer(store: SqlStore):
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    app = create_app(store=store, today=lambda: TODAY)
    client, token, url = Client(app), api_token(store, audit.assignee), f"/api/obligations?person={audit.assignee}"
    assert records(client.get(url, token))[audit.id]["status"] == "overdue"
    recording.record(store, Recording(audit.id, "good", date=date(2024, 4, 23)), TODAY)
    assert audit.id not in records(client.get(url, token))
    done = records(client.get(url + "&status=done", token))
    assert done[audit.id]["outcome"]["grade"] == "good"


def test_each_token_gets_the_answer_for_whom_it_may_see_and_a_revoked_one_gets_none(store: SqlStore):
    """The same question from a Practice Manager and from her Operations Manager: two answers, each kept for its
    own asker."""
    scheduled(store, "east-sussex-2013")
    app = create_app(store=store, today=lambda: TODAY)
    client, practice, operations = Client(app), api_token(store, "PM1"), api_token(store, "OM1")
    own = records(client.get("/api/obligations", practice))
    line = records(client.get("/api/obligations", operations))
    assert {r["assignee"] for r in own.values()} == {"PM1"}
    assert {"PM1", "OM1"} <= {r["assignee"] for r in line.values()} and set(own) < set(line)
    assert records(client.get("/api/obligations", practice)) == own  # her own again, not her manager's
    assert app.state.answers.hits == 1
    tokens.revoke(store, practice, NOW)
    refused = client.get("/api/obligations", practice)  # her answer is still kept; the token is checked all the same
    assert refused.status_code == 401 and "PM1" not in refused.text


def test_the_next_day_the_answer_is_worked_out_again(store: SqlStore):
    scheduled(store, "east-sussex-2013")
    day = [TODAY]
    app = create_app(store=store, today=lambda: day[0])
    client, token = Client(app), api_token(store, "PM1")
    open_today = [r for r in records(client.get("/api/obligations?person=PM1", token)).values() if r["status"] == "open"]
    soonest = min(open_today, key=lambda r: r["due"])
    day[0] = date.fromisoformat(soonest["due"]) + timedelta(days=1)
    assert records(client.get("/api/obligations?person=PM1", token))[soonest["id"]]["status"] == "overdue"


def test_an_organisation_loaded_anew_shows_on_the_next_answer(store: SqlStore):
    """A new email address changes the organisation's version and no obligation: the answer follows all the same."""
    scheduled(store, "east-sussex-2013")
    app = create_app(store=store, today=lambda: TODAY)
    client, token, url = Client(app), api_token(store, "PM1"), "/api/obligations?person=PM1"
    new = "pm1.new@example-council.gov.uk"
    assert new not in {r["assignee_email"] for r in records(client.get(url, token)).values()}
    stored = rows_as_stored(store)
    org = store.org()
    store.save_org(replace(org, people=tuple(replace(p, email=new) if p.id == "PM1" else p for p in org.people)))
    assert rows_as_stored(store) == stored
    assert {r["assignee_email"] for r in records(client.get(url, token)).values() if r["assignee"] == "PM1"} == {new}


def test_answers_are_bounded_by_their_bytes_the_least_recently_asked_for_going_first():
    answers = Answers(max_bytes=3 * (100 + ANSWER_OVERHEAD))
    for key in "abc":
        answers.keep(key, Encoded(b"x" * 100))
    assert answers.get("a") is not None  # a is now the most recently asked for
    answers.keep("d", Encoded(b"x" * 100))
    assert answers.get("b") is None and answers.get("a") and answers.get("c") and answers.get("d")
    assert answers.cached_bytes == 3 * (100 + ANSWER_OVERHEAD)
    answers.keep("huge", Encoded(b"x" * 10_000))  # heavier than the whole budget: answered, not kept, nothing pushed out
    assert answers.get("huge") is None and answers.cached_bytes == 3 * (100 + ANSWER_OVERHEAD)


def test_qaf_api_cache_mb_0_keeps_nothing_and_a_bad_value_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("QAF_API_CACHE_MB", "0")
    answers = Answers()
    answers.keep("a", Encoded(b"[]"))
    assert answers.get("a") is None and answers.cached_bytes == 0
    monkeypatch.setenv("QAF_API_CACHE_MB", "4097")
    with pytest.raises(QafError, match=r"QAF_API_CACHE_MB='4097': a whole number from 0 to 4096"):
        Answers()


def test_a_write_committed_while_an_answer_is_being_worked_out_shows_on_the_next_answer(store: SqlStore, monkeypatch):
    """The counter is read before the rows. An outcome recorded once the rows are read (PostgreSQL reads each
    statement as committed at its start) leaves that answer, without it, kept under the counter before the
    write: never under the one after it, which the next request reads."""
    from qaf.usecases import queries

    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    app = create_app(store=store, today=lambda: TODAY)
    client, token, url = Client(app), api_token(store, audit.assignee), f"/api/obligations?person={audit.assignee}"
    rows = queries.due_in

    def meanwhile(*args, **kw):  # the rows read, the answer not yet kept: someone records the outcome
        monkeypatch.setattr(queries, "due_in", rows)
        found = rows(*args, **kw)
        recording.record(store, Recording(audit.id, "good", date=date(2024, 4, 23)), TODAY)
        return found

    monkeypatch.setattr(queries, "due_in", meanwhile)
    assert audit.id in records(client.get(url, token))  # as the database had it when the rows were read
    assert audit.id not in records(client.get(url, token))


def test_after_a_change_only_the_records_of_what_changed_are_written_again(store: SqlStore):
    """An outcome recorded for one of the Practice Manager's audits: her next answer (worked out again, the counter
    moved) takes every other record from those kept, writes that audit's again, and is byte for byte the answer
    written from nothing."""
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    app = create_app(store=store, today=lambda: TODAY)
    client, token, kept = Client(app), api_token(store, audit.assignee), app.state.records
    url = f"/api/obligations?person={audit.assignee}&status=all"
    before = records(client.get(url, token))
    assert kept.written == len(before) > 1
    recording.record(store, Recording(audit.id, "good", date=date(2024, 4, 23)), TODAY)
    response = client.get(url, token)
    after = records(response)
    assert app.state.answers.misses == 2 and after[audit.id]["outcome"]["grade"] == "good"
    changed = [i for i in after if after[i] != before.get(i)]
    assert audit.id in changed and kept.written == len(before) + len(changed)
    every = store.obligations(Filters(assignees=frozenset({audit.assignee}), attending=frozenset({audit.assignee}), statuses=None))
    assert response.content == queries.records_json(every, store.org(), TODAY, audit.assignee)  # nothing kept


def test_after_a_change_to_one_of_hers_the_others_are_cut_from_her_last_answer_even_with_no_records_kept(store: SqlStore):
    """The records kept forgotten (full) between her questions: her last answer still holds them, each where it
    stood, so only the audit recorded is written again, and the answer is byte for byte the one written from nothing.
    Her last answer gzipped later (a client that asks for gzip) still says where its records stand."""
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    app = create_app(store=store, today=lambda: TODAY)
    client, token, kept = Client(app), api_token(store, audit.assignee), app.state.records
    url = f"/api/obligations?person={audit.assignee}&status=all"
    plain = {"Accept-Encoding": "identity"}
    before = records(client.get(url, token, headers=plain))
    assert kept.written == len(before) > 1
    every = lambda: store.obligations(Filters(assignees=frozenset({audit.assignee}), attending=frozenset({audit.assignee}), statuses=None))  # noqa: E731
    other = next(o for o in every() if o.kind == "audit" and o.status == "open" and o.assignee == audit.assignee
                 and o.id != audit.id and o.period_start <= TODAY)  # fmt: skip
    for n, done in enumerate((audit, other), 1):
        for table in kept._tables.values():
            table.clear()
        recording.record(store, Recording(done.id, "good", date=done.period_start), TODAY)
        response = client.get(url, token, headers=plain)
        assert records(response)[done.id]["outcome"]["grade"] == "good" and kept.written == len(before) + n
        assert response.content == queries.records_json(every(), store.org(), TODAY, audit.assignee)
        gzipped = client.get(url, token, headers={"Accept-Encoding": "gzip"})  # the same answer, its gzip made now
        assert gzipped.headers["content-encoding"] == "gzip" and gzipped.content == response.content


def test_records_are_kept_for_their_day_and_versions_and_forgotten_together_when_full():
    written = Records(max_bytes=2 * 3 * (100 + RECORD_OVERHEAD))  # two days' tables, three records each
    monday = written.on(date(2024, 6, 10), ("org", 1))
    assert written.on(date(2024, 6, 10), ("org", 1)) is monday
    for key in "abc":
        monday[key] = "x" * 100
    assert set(monday) == set("abc") and written.cached_bytes == 3 * (100 + RECORD_OVERHEAD)
    monday["d"] = "x" * 100  # past its bound: all forgotten, then kept
    assert set(monday) == {"d"} and written.cached_bytes == 100 + RECORD_OVERHEAD
    monday["huge"] = "x" * 10_000  # heavier than its whole bound: written, not kept, nothing forgotten
    assert set(monday) == {"d"}
    assert written.on(date(2024, 6, 10), ("org", 2)) is not monday  # the organisation loaded anew
    written.on(date(2024, 6, 11), ("org", 2))  # a third: the oldest goes
    assert written.on(date(2024, 6, 10), ("org", 1)) is not monday


def test_qaf_api_cache_mb_0_keeps_no_records(monkeypatch):
    monkeypatch.setenv("QAF_API_CACHE_MB", "0")
    assert Records().on(TODAY, ()) is None


def test_a_write_elsewhere_leaves_her_answer_the_same_bytes_sent_again_not_written_again(store: SqlStore):
    """Another worker's audit recorded: the counter moves, so her rows are read again; every value is as it was, so
    the last answer's bytes go out again. Her own audit recorded next: written again (only its record new)."""
    scheduled(store, "east-sussex-2013")
    mine = april_audit(store, "3.16", "SW1")
    app = create_app(store=store, today=lambda: TODAY)
    client, token, answers = Client(app), api_token(store, mine.assignee), app.state.answers
    url = f"/api/obligations?person={mine.assignee}&status=all"
    before = client.get(url, token)
    other = next(o for o in store.obligations(Filters(kind="audit")) if mine.assignee not in (o.assignee, *o.attendees, *o.copies))
    recording.record(store, Recording(other.id, "good", date=date(2024, 4, 23)), TODAY)
    again = client.get(url, token)
    assert again.content == before.content and (answers.misses, answers.same, app.state.records.written) == (2, 1, len(records(before)))
    recording.record(store, Recording(mine.id, "good", date=date(2024, 4, 23)), TODAY)
    after = client.get(url, token)
    assert records(after)[mine.id]["outcome"]["grade"] == "good" and answers.same == 1
    assert app.state.records.written == len(records(before)) + 1
