"""Audit actions tracked to done (issue 14, item 1), on SQLite and PostgreSQL.

East Sussex 3.16: "review the file of concern within three months to make
sure the safe care planning recommendations were actioned". The audit says
what must be done; each action is an obligation of kind ``action`` owned by
the case's worker, in their feed and ``qaf due``, on the ladder when late,
closed with ``qaf action done``, and checked by the review.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from qaf.calendars.selection import Selection
from qaf.cli.main import main
from qaf.clock import utc_now
from qaf.engine.actions import parse_action
from qaf.engine.outcomes import Recording
from qaf.rules.problems import InputError
from qaf.store.sql import SqlStore
from qaf.store.tables import ACTIONS, ESCALATIONS, OUTBOX
from qaf.usecases import queries, recording
from qaf.usecases.feeds import build
from qaf.usecases.mail import MailSettings
from qaf.usecases.tick import run_tick
from tests.conftest import snapshot
from tests.test_outcomes import april_audit, find, scheduled

FOUND = date(2024, 4, 23)  # the day the audit was done and recorded
PLAN = "SECRET-PLAN: update the safety plan with the school"
VISIT = "SECRET-VISIT: see the child alone at home"


def _feed(store: SqlStore, kind: str, who: str | None, today: date) -> str:
    selection = Selection(kind, who) if who else Selection("all", None)
    return build(store, selection, today, "event", "https://qaf.example", 30).body.decode().replace("\r\n ", "")


def _audit_with_two_actions(store: SqlStore):
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    specs = (parse_action(f"{PLAN} | within 10 working days")[0], parse_action(f"{VISIT} | due: 2024-06-28 | safeguarding")[0])
    result = recording.record(store, Recording(audit.id, "requires_improvement", concerns=True, date=FOUND, actions=specs), FOUND)
    actions = [o for o in result.created if o.kind == "action"]
    [review] = [o for o in result.created if o.kind == "review"]
    return audit, actions, review, result


def test_a_3_16_audit_with_concerns_and_two_actions_is_tracked_to_done(store: SqlStore):
    """Both actions are the worker's, in their feed and 'qaf due'; the review lists them; the late one
    climbs the ladder, and once closed it is in no later digest; no action text reaches a feed or email."""
    audit, (plan, visit), review, result = _audit_with_two_actions(store)
    assert {a.assignee for a in (plan, visit)} == {"SW1"}  # the case's worker, Tom Fairley
    assert (plan.cause, visit.cause) == (audit.id, audit.id)
    assert plan.title == f"Action from the 3.16 audit of case {audit.case}"
    assert plan.due == date(2024, 5, 8) and visit.due == date(2024, 6, 28)  # 10 working days (6 May a bank holiday)
    [alert] = [n for n in result.queued if n.cause == visit.id]  # the safeguarding one alerts at once
    assert (alert.recipient, alert.reason) == ("OM1", "alert")  # whom 3.16 alerts: the worker's Operations Manager

    feed = _feed(store, "person", "SW1", FOUND)
    assert plan.uid in feed and visit.uid in feed
    due = queries.due(store, queries.DueQuery(person="SW1", kind="action"), FOUND)
    assert {o.id for o in due} == {plan.id, visit.id}

    page = queries.page(store, find(store, id=review.id)[0], store.org(), FOUND)
    assert [(a["id"], a["what"]) for a in page["actions"]] == [(plan.id, PLAN), (visit.id, VISIT)]
    assert queries.page(store, plan, store.org(), FOUND)["action"]["what"] == PLAN  # on its own record

    late = date(2024, 5, 16)  # 6 working days after 8 May: the assignee, then the line manager
    run_tick(store, late, MailSettings(), "test", wall=utc_now)
    with store.read() as conn:
        rungs = {r.level: r.to_person for r in conn.execute(select(ESCALATIONS).where(ESCALATIONS.c.obligation == plan.id))}
    assert rungs == {0: "SW1", 1: "PM1"}

    closed = recording.close_action(store, plan.id[:8], None, "SECRET-NOTE: done with the school on 20 May", date(2024, 5, 20))
    assert closed.status == "done"
    run_tick(store, date(2024, 6, 14), MailSettings(), "test", wall=utc_now)  # 20 working days late: Head of Service's rung
    with store.read() as conn:
        digested = [(r.digest_key, r.cause) for r in conn.execute(select(OUTBOX).where(OUTBOX.c.digest_key.is_not(None)))]
        levels = {r.level for r in conn.execute(select(ESCALATIONS).where(ESCALATIONS.c.obligation == plan.id))}
        mail = [(r.subject, r.body_text) for r in conn.execute(select(OUTBOX))]
    assert levels == {0, 1}  # closed: no rung after
    assert (f"digest/SW1/{late}", plan.id) in digested  # it was in Tom's digest while it was late ...
    assert not [key for key, cause in digested if cause == plan.id and "2024-06-14" in key]  # ... and is in none after

    for kind, who in (("person", "SW1"), ("person", "PM1"), ("person", "OM1"), ("all", None)):
        text = _feed(store, kind, who, date(2024, 6, 14))
        assert "SECRET" not in text, (kind, who)
    assert mail and not [m for m in mail if "SECRET" in m[0] or "SECRET" in m[1]]
    everyone = queries.due(store, queries.DueQuery(statuses=tuple(queries.STORED)), date(2024, 6, 14))
    for fmt in ("json", "csv", "table"):
        assert "SECRET" not in queries.render(everyone, store.org(), date(2024, 6, 14), fmt)


def test_the_review_says_which_actions_were_carried_out(store: SqlStore):
    """"... to make sure the safe care planning recommendations were actioned": the review must say."""
    audit, (plan, visit), review, _ = _audit_with_two_actions(store)
    day = date(2024, 7, 1)
    before = snapshot(store)
    with pytest.raises(InputError, match="say which were carried out"):
        recording.record(store, Recording(review.id, "good", date=day), day)
    with pytest.raises(InputError, match="not one of the actions this review checks"):
        recording.record(store, Recording(review.id, "good", date=day, carried_out=("ffff",)), day)
    assert snapshot(store) == before
    recording.record(store, Recording(review.id, "good", date=day, carried_out=(plan.id[:6],)), day)
    page = queries.page(store, find(store, id=review.id)[0], store.org(), day)
    assert [(a["id"], a["carried_out"], a["status"]) for a in page["actions"]] == [(plan.id, True, "done"), (visit.id, False, "overdue")]


def test_bad_actions_are_refused_with_where_and_the_store_unchanged(store: SqlStore, db_url: str, capsys):
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    before = snapshot(store)
    code = main(["--db", db_url, "record", audit.id, "--grade", "good", "--date", "2024-04-23", "--today", "2024-04-23",
                 "--action", "Do it | who: NOBODY", "--action", "| due: soon", "--action", "Fine | due: 2024-04-01"])  # fmt: skip
    err = capsys.readouterr().err
    assert code != 0
    assert "action 2" in err and "due: neither a date" in err and "say what must be done" in err and "soon" not in err
    assert snapshot(store) == before
    code = main(["--db", db_url, "record", audit.id, "--grade", "good", "--date", "2024-04-23", "--today", "2024-04-23",
                 "--action", "Do it | who: NOBODY", "--action", "Fine | due: 2024-04-01"])  # fmt: skip
    err = capsys.readouterr().err
    assert code != 0 and "action 1: who: no person has that id" in err and "NOBODY" not in err
    assert "action 2" in err and "is not after the audit" in err
    assert snapshot(store) == before
    # a date a keyboard slip away: taken, it broke every calendar feed the action is in (its end the day after 9999-12-31)
    for far in ("9999-12-31", "2026-04-24"):
        code = main(["--db", db_url, "record", audit.id, "--grade", "good", "--date", "2024-04-23", "--today", "2024-04-23",
                     "--action", f"Fine | due: {far}"])  # fmt: skip
        err = capsys.readouterr().err
        assert code != 0 and f"due: {far} is more than two years after the audit (2024-04-23)" in err, err
    assert snapshot(store) == before
    assert main(["--db", db_url, "record", audit.id, "--grade", "good", "--date", "2024-04-23", "--today", "2024-04-23",
                 "--action", "Fine | due: 2026-04-23"]) == 0  # two years to the day: taken


def test_an_action_is_not_given_to_a_case_worker_who_has_left(store: SqlStore, db_url: str, capsys):
    """Lee Leaver left on 15 October 2024; his April audit is recorded on the 21st, and his case still
    names him. An action with no owner named would be nobody's to do: it is refused, beside its
    field, until the manager says who."""
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW4")
    before = snapshot(store)
    record = ["--db", db_url, "record", audit.id, "--grade", "good", "--date", "2024-10-21", "--today", "2024-10-21"]
    assert main([*record, "--action", "Update the safety plan"]) != 0
    err = capsys.readouterr().err
    assert "action 1" in err and "the case's worker, Lee Leaver, is not in the organisation on 2024-10-21" in err, err
    assert "who: PERSON" in err and snapshot(store) == before
    assert main([*record, "--action", "Update the safety plan | who: SW2"]) == 0
    [action] = [o for o in find(store, kind="action") if o.cause == audit.id]
    assert action.assignee == "SW2"


@pytest.mark.parametrize("reallocated", [True, False], ids=["case reallocated", "case not reallocated"])
def test_a_leavers_open_actions_pass_to_the_cases_worker_now_else_to_her_manager(store: SqlStore, reallocated: bool):
    """Tom Fairley owns two actions from his April audit and leaves on 31 May 2024. When the people
    list of 3 June gives his case to Ruth Steady, they are hers; while it does not, they are his
    Practice Manager's. Either way somebody still answers for them: none is cancelled."""
    from dataclasses import replace

    from qaf.engine.businesstime import business_now
    from tests.council import cases, council

    audit, actions, _, _ = _audit_with_two_actions(store)
    people = tuple(replace(p, end=date(2024, 5, 31)) if p.id == "SW1" else p for p in council().people)
    moved = tuple(replace(c, worker="SW2") if c.ref == audit.case and reallocated else c for c in cases())
    store.save_org(council(people=people, cases=moved))
    day = date(2024, 6, 3)
    run_tick(store, day, MailSettings(), "test", now=business_now(day), wall=utc_now)
    after = {o.id: o for o in find(store, kind="action")}
    assert {(after[a.id].assignee, after[a.id].status) for a in actions} == {("SW2" if reallocated else "PM1", "open")}


def test_an_action_for_a_role_goes_to_the_nearest_holder_up_the_workers_line(store: SqlStore, db_url: str, capsys):
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    assert main(["--db", db_url, "record", audit.id, "--grade", "good", "--date", "2024-04-23", "--today", "2024-04-23",
                 "--action", "Chair a strategy discussion | who: Operations Manager | within 2 weeks"]) == 0  # fmt: skip
    [oid] = capsys.readouterr().out.split()
    [action] = find(store, id=oid)
    assert (action.kind, action.assignee, action.due) == ("action", "OM1", date(2024, 5, 7))
    assert main(["--db", db_url, "action", "show", oid[:8], "--today", "2024-04-24"]) == 0
    assert json.loads(capsys.readouterr().out)["action"]["what"] == "Chair a strategy discussion"
    before = snapshot(store)
    assert main(["--db", db_url, "action", "done", oid, "--by", "SW1", "--today", "2024-04-24"]) != 0  # not theirs, nor their line's
    assert "may not close this action" in capsys.readouterr().err
    assert main(["--db", db_url, "action", "done", audit.id, "--today", "2024-04-24"]) != 0
    assert "not an action" in capsys.readouterr().err
    assert snapshot(store) == before
    assert main(["--db", db_url, "action", "done", oid, "--note", "held on 1 May", "--today", "2024-05-01"]) == 0
    with store.read() as conn:
        assert conn.execute(select(ACTIONS.c.note).where(ACTIONS.c.obligation == oid)).scalar() == "held on 1 May"


def test_an_action_is_not_given_to_someone_nobody_could_chase(store: SqlStore, db_url: str, capsys):
    """An action late climbs its owner's line. Cllr Ann, an elected member, and Chris Chief, the
    Chief Executive, have nobody above them: an action of theirs would run late with nobody told.
    It is refused beside its field, by id or by role, and the store is as it was; the Director, with
    the Chief Executive above her, may own one."""
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    before = snapshot(store)
    record = ["--db", db_url, "record", audit.id, "--grade", "good", "--date", "2024-04-23", "--today", "2024-04-23"]
    for who, name in (("EM1", "Cllr Ann"), ("CE1", "Chris Chief"), ("Lead Member", "Cllr Lena")):
        assert main([*record, "--action", f"Take it to the corporate parenting board | who: {who}"]) != 0
        err = capsys.readouterr().err
        assert "action 1" in err and f"who: {name} has nobody above in the line on 2024-04-23" in err, err
        assert snapshot(store) == before
    assert main([*record, "--action", "Take it to the corporate parenting board | who: D1"]) == 0
    [action] = [o for o in find(store, kind="action") if o.cause == audit.id]
    assert action.assignee == "D1"


def test_actions_come_from_a_csv_column_one_a_line(store: SqlStore, tmp_path):
    from qaf.usecases.outcome_csv import read_outcomes

    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    path = tmp_path / "outcomes.csv"
    path.write_text(f'obligation,grade,date,actions\n{audit.id},good,2024-04-23,"Update the plan | within 1 month\nBad | due: never"\n')
    _, problems = read_outcomes(path, lambda _: None)
    assert [(p.source.line, p.field) for p in problems] == [(2, "actions")] and "action 2" in problems[0].message
    path.write_text(f'obligation,grade,date,actions\n{audit.id},good,2024-04-23,"Update the plan | within 1 month\nSee the family"\n')
    recordings, problems = read_outcomes(path, lambda _: None)
    assert not problems
    [result] = recording.record_many(store, recordings, FOUND)
    assert [o.kind for o in result.created] == ["action", "action"]


def test_closing_an_action_takes_its_ungathered_items_out_of_the_digest_and_nothing_else(store: SqlStore):
    """A tick that queued the late action's notices and stopped before gathering (a crash, a takeover):
    closing the action withdraws its digest items; the line manager's email (not a digest item) and
    every other item are still sent, each once."""
    from qaf.engine.escalation import cutoffs, due_escalations
    from qaf.store import outbox as ob_store
    from qaf.store import ticks
    from qaf.usecases.tick import digest_text

    _, (plan, _visit), _, _ = _audit_with_two_actions(store)
    late = date(2024, 5, 16)
    fw, org = store.framework("east-sussex-2013"), store.org()
    with store.write() as conn:
        live, done, restarted = ticks.candidates(conn, fw.id, late, late, cutoffs(fw, late))
        ticks.record_escalations(conn, due_escalations(fw, org, live, done, late, restarted), utc_now())
    with store.read() as conn:
        queued = {r.id: (r.cause, r.digest) for r in conn.execute(select(OUTBOX).where(OUTBOX.c.status == "pending"))}
    mine = {i for i, (cause, digest) in queued.items() if cause == plan.id}
    assert {queued[i][1] for i in mine} == {True, False}  # Tom's own overdue notice (digest) and Pat's escalation (at once)
    recording.close_action(store, plan.id, None, "", late)
    with store.write() as conn:
        ob_store.gather_digests(conn, late, utc_now(), digest_text)
    with store.read() as conn:
        after = {r.id: (r.status, r.digest_key) for r in conn.execute(select(OUTBOX).where(OUTBOX.c.id.in_(sorted(queued))))}
    for i, (cause, digest) in queued.items():
        if cause == plan.id and digest:
            assert after[i] == ("withdrawn", None)
        elif digest:
            assert after[i][0] == "digested" and after[i][1]
        else:
            assert after[i] == ("pending", None)  # sent at once by the sender, never withdrawn


@pytest.mark.parametrize("raised", ["before", "after"])
def test_an_action_on_a_closed_teams_case_follows_the_case_to_its_new_team(store: SqlStore, raised: str):
    """3.13's audit of Eastbourne's files (team T2) raises an action; in a restructure Eastbourne closes and its
    people and cases join Hastings (T1). The action, raised before the news or after it and before the next
    tick, is Hastings' work from then on: still open, with its owner, never left with a team that is gone."""
    from dataclasses import replace

    from qaf.engine.businesstime import business_now
    from tests.council import council

    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.13", "T2")
    assert audit.subject_kind == "team" and audit.case

    def raise_action():
        spec, wrong = parse_action("Update the safety plan with the new school contact | within 10 working days")
        assert spec is not None and not wrong
        recording.record(store, Recording(audit.id, "requires_improvement", False, date=date(2024, 6, 10), actions=(spec,)), date(2024, 6, 10))

    if raised == "before":
        raise_action()
    org = council()
    merged = replace(org, people=tuple(replace(p, team="T1") if p.team == "T2" else p for p in org.people),
                     cases=tuple(replace(c, team="T1") if c.team == "T2" else c for c in org.cases),
                     teams=tuple(t for t in org.teams if t.id != "T2"))  # fmt: skip
    store.save_org(merged)
    if raised == "after":
        raise_action()
    (action,) = find(store, kind="action", cause=audit.id)
    day = date(2024, 6, 11)
    run_tick(store, day, MailSettings(), "test", now=business_now(day), wall=utc_now)
    (after,) = find(store, kind="action", cause=audit.id)
    assert (after.id, after.status, after.assignee) == (action.id, "open", action.assignee)
    assert (after.subject_kind, after.subject, after.team) == ("team", "T1", "T1")


def test_what_people_type_has_the_same_range_on_every_path_and_longer_is_refused_with_nothing_written(store: SqlStore):
    """The API refused notes and a closing note over 10,000 characters; `qaf record --notes`, a CSV's notes,
    `qaf action done --note` and `qaf extend --reason` kept 60,000 (or a megabyte). The use cases now refuse them."""
    audit, (plan, _), _, _ = _audit_with_two_actions(store)
    other = april_audit(store, "3.16", "SW2")
    before = snapshot(store)
    with pytest.raises(InputError) as refused:
        recording.record(store, Recording(other.id, "good", date=FOUND, notes="x" * 10_001), FOUND)
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("notes", "the notes hold 10,001 characters: keep them to 10,000")]
    with pytest.raises(InputError) as refused:
        recording.close_action(store, plan.id, None, "x" * 60_000, FOUND)
    assert [(p.field, p.message) for p in refused.value.problems] == [("note", "the note holds 60,000 characters: keep it to 10,000")]
    with pytest.raises(InputError) as refused:
        recording.extend(store, other.id, date(2024, 5, 3), "OM1", "x" * 2_001, FOUND)
    assert [(p.field, p.message) for p in refused.value.problems] == [
        ("reason", "the reason holds 2,001 characters: keep it to 2,000")]
    assert snapshot(store) == before
    recording.record(store, Recording(other.id, "good", date=FOUND, notes="x" * 10_000), FOUND)  # at the edge: kept


def test_what_a_manager_typed_after_a_bar_is_never_quoted_back_by_the_command_line_a_csv_or_the_api(store: SqlStore, db_url: str,
                                                                                                  tmp_path, capsys):
    """'Speak to mum | Emily's school, about the bruise' (a bar in the manager's own words) was refused with "'Emily's
    school, about the bruise' is not 'who: ...'": the action's words, a child's name among them, in the command line's
    errors (a scheduled import's log), the CSV's problems and the API's 422 body, where the page refuses a bar without
    quoting anything. So were a due or a who that is really a sentence. Each is refused by where it is, never its words."""
    from tests.test_api import Served

    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    served = Served(store, db_url)  # the API's tokens issued before the store is read
    before = snapshot(store)
    typed = ("Speak to mum | Emily's school, about the bruise", "Speak to mum | within the family home, Emily Smith",
             "Speak to mum | due: when Emily Smith is back", "Speak to mum | who: Emily Smith's aunt")
    for some in (typed[:3], typed[3:]):  # who is asked once the words are read
        code = main(["--db", db_url, "record", audit.id, "--grade", "good", "--date", "2024-04-23", "--today", "2024-04-23",
                     *[arg for text in some for arg in ("--action", text)]])  # fmt: skip
        err = capsys.readouterr().err
        assert code != 0 and all(f"action {n}" in err for n in range(1, len(some) + 1)) and "Emily" not in err, err
    cell = "\n".join(typed).replace('"', '""')
    path = tmp_path / "outcomes.csv"
    path.write_text(f'obligation,grade,date,actions\n{audit.id},good,2024-04-23,"{cell}"\n')
    code = main(["--db", db_url, "record", "--csv", str(path), "--today", "2024-04-23"])
    out = capsys.readouterr()
    assert code != 0 and f"{path}:2: actions: action 1" in out.out + out.err and "Emily" not in out.out + out.err, out
    try:
        answer = served.client.post(f"/api/obligations/{audit.id}/outcome", served.api["PM1"],
                                    json={"grade": "good", "date": "2024-04-23", "actions": list(typed)})
    finally:
        served.close()
    assert answer.status_code == 422 and [p["field"] for p in answer.json()["problems"]][:3] == [f"actions.{n}" for n in range(3)]
    assert "Emily" not in answer.text, answer.text
    assert snapshot(store) == before


@pytest.mark.parametrize("written, said", [
    ("See the child alone | who: P0041 | who: P0042", "'who:' is given 2 times: name one owner"),
    ("See the child alone | due: 2026-12-01 | within 10 working days", "a due date is given 2 times ('due:' or 'within'): give one"),
    ("See the child alone | within 0 working days", "due: 0 working days: a length is 1 to 520 working days"),
    ("See the child alone | within 25 months", "due: 25 months: a length is 1 to 24 months"),
])  # fmt: skip
def test_an_action_says_each_of_its_parts_once_and_a_length_in_its_range(written: str, said: str):
    """'who: P0041 | who: P0042' raised the action for P0042 alone, and 'due: 2026-12-01 | within 10 working days'
    took the last, both without a word: which did the manager mean? And 'within 0 working days' was "neither a date
    nor 'within N working days'", though it is one, out of its range (1 to 520 working days)."""
    assert parse_action(written) == (None, [said])
    assert parse_action("See the child alone | who: P0041 | within 520 working days | safeguarding")[1] == []
