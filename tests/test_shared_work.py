"""Issue 13: work that people share counts once, is the owner's to do, and is seen by those who attend.

A council written for the test: every role the East Sussex rows below name,
three Heads of Service, four councillors and a Fostering and Adoption Panel
with a chair and members. Each test reads like the row of Appendix 1 it
holds to.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from qaf.clock import utc_now
from qaf.engine.model import CANCELLED, DONE, STATUSES, Obligation
from qaf.engine.org import Body
from qaf.engine.outcomes import Recording
from qaf.engine.query import Filters
from qaf.engine.reconcile import SHARED
from qaf.engine.schedule import plan
from qaf.rules import bundled
from qaf.rules.loader import load_framework
from qaf.rules.problems import InputError
from qaf.store import obligations as ob_store
from qaf.store.sql import SqlStore
from qaf.store.tables import ESCALATIONS, OUTBOX
from qaf.usecases import queries, recording, scheduling
from qaf.usecases.mail import MailSettings
from qaf.usecases.tick import run_tick
from tests.council import PEOPLE, council, person

FW = load_framework(bundled.path("east-sussex-2013"))[0]
YEAR = (date(2024, 4, 1), date(2025, 3, 31))

EVERY_ROLE = PEOPLE + (
    person("H3", "Hattie Help", "Head of Service", "T4", "AD1"),
    person("ADC", "Ada Comms", "AD Communication, Planning and Performance", None, "D1"),
    person("EM3", "Cllr Cath", "Elected Member", None, None),
    person("EM4", "Cllr Dev", "Elected Member", None, None),
)
PANEL = Body("FAP", "Fostering and Adoption Panels", "EM3", members=("EM1", "EM3", "EM4"))


def the_council():
    return council(people=EVERY_ROLE, bodies=(Body("CSCMT", "CSCMT", "D1"), PANEL))


@pytest.fixture(scope="module")
def year() -> tuple[Obligation, ...]:
    return plan(FW, the_council(), *YEAR, YEAR[0]).obligations


def of(obs, row: str) -> list[Obligation]:
    return [o for o in obs if o.row == row]


def test_1_6_the_chief_executives_monthly_one_to_one_and_quarterly_review_with_the_dcs_is_16_obligations(year):
    meetings = of(year, "1.6")
    assert len(meetings) == 16
    assert {o.assignee for o in meetings} == {"CE1"} and all(o.attendees == ("D1",) for o in meetings)


def test_1_7_the_six_monthly_meeting_invites_the_dcs_and_the_senior_manager_once_each(year):
    meetings = of(year, "1.7")
    assert len(meetings) == 2 and all((o.assignee, o.attendees) == ("CE1", ("D1", "SM1")) for o in meetings)


def test_4_16_the_dcs_quarterly_review_holds_every_head_of_service_accountable(year):
    reviews = of(year, "4.16")
    assert len(reviews) == 4
    assert all(o.assignee == "D1" and set(o.attendees) == {"H1", "H2", "H3"} for o in reviews)


def test_4_10_the_heads_of_service_and_the_ad_write_one_joint_feedback_report_a_year_to_each_audience(year):
    reports = of(year, "4.10")
    assert len(reports) == 2 and Counter(o.cadence for o in reports) == {0: 1, 1: 1}
    owner, *_ = {o.assignee for o in reports}
    assert owner in ("H1", "H2", "H3")  # the role named first leads; the others attend
    assert all(set(o.attendees) == {"H1", "H2", "H3", "ADC"} - {owner} for o in reports)


def test_4_17_two_focus_groups_per_annum_led_together_by_the_ads(year):
    assert len(of(year, "4.17")) == 2


def test_5_1_one_summary_report_and_one_meeting_with_key_service_leads(year):
    assert Counter(o.kind for o in of(year, "5.1")) == {"report": 1, "meeting": 1}


def test_1_10_the_fostering_and_adoption_panels_meet_monthly_for_the_chair_with_the_members_attending(year):
    panels = of(year, "1.10")
    assert len(panels) == 12
    assert all((o.assignee, o.attendees) == ("EM3", ("EM1", "EM4")) for o in panels)
    assert panels[0].title.startswith("Meeting of Fostering and Adoption Panels")


def test_1_9_each_body_meets_once_a_period_not_once_for_each_councillor(year):
    quarterly = [o for o in of(year, "1.9") if o.cadence == 0]
    assert Counter(o.subject for o in quarterly) == {"Cabinet": 4, "CPP": 4}


def test_2_4_the_report_to_cpp_is_copied_to_smt_and_the_members_approve_the_statement_of_purpose_together(year):
    approval = [o for o in of(year, "2.4") if o.kind == "task"]
    assert len(approval) == 1 and set((approval[0].assignee, *approval[0].attendees)) == {"EM1", "EM2", "EM3", "EM4"}


def test_copied_to_the_head_of_safeguarding_is_a_copy_not_an_obligation_of_hers(year):
    """3.14: "... with a copy to the Head of Safeguarding"."""
    reports = [o for o in of(year, "3.14") if o.kind == "report"]
    assert reports and all("HS1" in o.copies and o.assignee != "HS1" for o in reports)
    assert not [o for o in year if o.assignee == "HS1" and o.row == "3.14"]


# --- in the store: one obligation, the owner's to do, seen by those who attend ------------------


@pytest.fixture
def shared(store: SqlStore) -> SqlStore:
    store.save_framework(FW, bundled.path("east-sussex-2013").read_text())
    store.save_org(the_council())
    scheduling.schedule(store, FW, store.org(), *YEAR, YEAR[0])
    return store


def april_one_to_one(store: SqlStore) -> Obligation:
    return next(o for o in store.obligations(Filters(row="1.6", statuses=None)) if o.cadence == 0 and o.due.month == 4)


def test_recording_the_meeting_as_held_closes_it_for_everyone(shared: SqlStore):
    april = april_one_to_one(shared)
    with pytest.raises(InputError, match="may not record for Chris Chief: only the assignee or their line managers may"):
        recording.record(shared, Recording(april.id, None, by="D1", date=date(2024, 4, 29)), date(2024, 4, 29))
    recording.record(shared, Recording(april.id, None, by="CE1", date=date(2024, 4, 29)), date(2024, 4, 29))
    for who in ("CE1", "D1"):
        mine = queries.due(shared, queries.DueQuery(person=who, row="1.6", statuses=STATUSES), date(2024, 5, 1))
        assert [o.status for o in mine if o.due.month == 4 and o.cadence == 0] == [DONE]


def test_the_dcs_sees_the_chief_executives_meetings_as_attending_and_they_never_go_overdue_for_her(shared: SqlStore):
    today = date(2024, 6, 10)
    overdue = queries.due(shared, queries.DueQuery(person="D1", row="1.6", statuses=("overdue",)), today)
    assert overdue == []
    theirs = queries.due(shared, queries.DueQuery(person="CE1", row="1.6", statuses=("overdue",)), today)
    assert len(theirs) == 2  # April's and May's, the Chief Executive's to do
    table = queries.render(queries.due(shared, queries.DueQuery(person="D1", row="1.6"), today), shared.org(), today, "table", "D1")
    assert table.splitlines()[0].split()[:4] == ["id", "due", "status", "as"]
    assert all(" attending " in line for line in table.splitlines()[1:-1])
    [rec] = [queries.record(o, shared.org(), today, "D1") for o in theirs[:1]]
    assert (rec["as"], rec["status"], rec["attendees"]) == ("attending", "open", ["D1"])


def test_no_escalation_or_digest_ever_names_an_attendee(shared: SqlStore):
    for day in (date(2024, 4, 1), date(2024, 6, 3)):
        run_tick(shared, day, MailSettings(), "test", wall=utc_now)
    with shared.read() as conn:
        meetings = {o.id for o in shared.obligations(Filters(row="1.6", statuses=None))}
        escalated = [e for e in conn.execute(select(ESCALATIONS)) if e.obligation in meetings]
        notices = [n for n in conn.execute(select(OUTBOX)) if n.cause in meetings]
    assert escalated, "the Chief Executive's overdue meetings do escalate"
    assert "D1" not in {e.to_person for e in escalated} and "D1" not in {n.recipient for n in notices}


def test_the_attendees_feed_has_the_meeting_with_its_organiser_and_attendee(shared: SqlStore):
    import icalendar

    from qaf.calendars.selection import Selection
    from qaf.usecases.feeds import build

    body = build(shared, Selection("person", "D1"), date(2024, 4, 1), "event", "https://qaf.example", 30).body
    april = april_one_to_one(shared)
    [event] = [e for e in icalendar.Calendar.from_ical(body).walk("VEVENT") if str(e["UID"]) == april.uid]
    assert str(event["SUMMARY"]) == "Chris Chief's monthly meeting with Director of Children's Services · row 1.6"
    assert str(event["ORGANIZER"]) == "mailto:chris.chief@example-council.gov.uk"
    assert str(event["ORGANIZER"].params["CN"]) == "Chris Chief"
    assert str(event["ATTENDEE"]) == "mailto:dana.director@example-council.gov.uk"
    assert "Attending: Dana Director" in str(event["DESCRIPTION"])


def test_each_event_names_its_own_people_in_their_own_part_and_leaves_out_who_has_no_address():
    """One render writes a person's ORGANIZER or ATTENDEE line once and reuses it (calendars.events.Context.parties):
    attending one meeting and copied into another, Dana is a participant in the first and not in the second."""
    from qaf.calendars.events import Context, _parties

    org = council(people=PEOPLE + (replace(person("X1", "No Address", "Head of QA", None, "D1"), email="not an address"),))
    ctx = Context.of(FW, org)
    day = date(2024, 4, 1)
    meeting = Obligation(id="a" * 16, framework=FW.id, row="1.6", cadence=0, kind="meeting", title="One to one", assignee="CE1",
                         subject_kind="assignee", subject="CE1", period_start=day, period_end=day, due=day, attendees=("D1", "X1"))  # fmt: skip
    briefing = replace(meeting, id="b" * 16, assignee="D1", attendees=(), copies=("CE1", "X1"))
    again = replace(meeting, id="c" * 16, attendees=("X1", "D1"))
    dana, chris = "mailto:dana.director@example-council.gov.uk", "mailto:chris.chief@example-council.gov.uk"
    assert _parties(meeting, ctx) == [f'ORGANIZER;CN="Chris Chief":{chris}', f'ATTENDEE;CN="Dana Director";ROLE=REQ-PARTICIPANT:{dana}']
    assert _parties(briefing, ctx) == [f'ORGANIZER;CN="Dana Director":{dana}', f'ATTENDEE;CN="Chris Chief";ROLE=NON-PARTICIPANT:{chris}']
    assert _parties(again, ctx) == _parties(meeting, ctx)  # the same lines, and still no line for No Address
    assert _parties(replace(meeting, attendees=(), copies=()), ctx) == []  # nobody else: no ORGANIZER either


def test_a_new_member_of_the_panel_attends_from_the_next_schedule(shared: SqlStore):
    shared.save_org(council(people=EVERY_ROLE, bodies=(Body("CSCMT", "CSCMT", "D1"), replace(PANEL, members=("EM1", "EM2", "EM3")))))
    scheduling.schedule(shared, FW, shared.org(), *YEAR, date(2024, 6, 1))
    panels = shared.obligations(Filters(row="1.10", statuses=None))
    assert len(panels) == 12 and all(o.attendees == ("EM1", "EM2") for o in panels)
    assert all(o.sequence == 1 for o in panels), "each changed once: a subscriber's client sees the new attendee"
    em2 = queries.due(shared, queries.DueQuery(person="EM2", row="1.10", statuses=STATUSES), date(2024, 6, 1))
    assert len(em2) == 12


def test_an_older_stores_copies_for_each_participant_become_attendance_and_done_ones_keep_their_history(shared: SqlStore):
    """Before issue 13, the DCS had her own copy of each 1.6 meeting (seq 100 and up)."""
    april, may = sorted((o for o in shared.obligations(Filters(row="1.6")) if o.cadence == 0), key=lambda o: o.due)[:2]
    copies = [replace(o, id=f"{o.id[:-1]}{'e' if o is april else 'f'}", assignee="D1", seq=100, attendees=()) for o in (april, may)]
    with shared.write() as conn:
        ob_store.apply(conn, copies, [])
    recording.record(shared, Recording(copies[0].id, None, by="D1", date=date(2024, 4, 29)), date(2024, 4, 29))
    scheduling.schedule(shared, FW, shared.org(), *YEAR, date(2024, 5, 1), force=True)
    held = {o.id: o for o in shared.obligations(Filters(ids=frozenset(c.id for c in copies), statuses=None))}
    assert held[copies[0].id].status == DONE, "a done copy keeps its history"
    assert (held[copies[1].id].status, held[copies[1].id].status_reason) == (CANCELLED, SHARED)
    assert april_one_to_one(shared).attendees == ("D1",)


# --- item 11 and the event rows: copies by email, and "on transfer" from the organisation's dates ------------


def test_an_alert_about_work_copied_to_the_head_of_safeguarding_is_copied_to_her_by_email():
    """3.2: the audit's findings are "copied to Head of Safeguarding"."""
    from qaf.engine.notices import notice_for
    from qaf.engine.rules_ref import Event

    org = the_council()
    audit = next(o for o in plan(FW, org, *YEAR, YEAR[0]).obligations if o.row == "3.2" and o.copies)
    assert "HS1" in audit.copies
    alert = notice_for(FW, org, audit, Event("e", "outcome", "3.2", "audit", "inadequate", True), org.person("OM1"), "alert", "k")
    assert alert.cc == ("hal.safeguard@example-council.gov.uk",) and not alert.digest


def test_recording_copied_work_sends_each_copy_holder_a_copy_without_the_notes(shared: SqlStore):
    from qaf.store.outcomes import outbox_rows  # noqa: F401  (the outbox is what the sender reads)

    report = next(o for o in shared.obligations(Filters(row="3.14")) if o.kind == "report" and "HS1" in o.copies)
    recording.record(shared, Recording(report.id, None, notes="SECRET family detail", date=report.due), report.due)
    with shared.read() as conn:
        copies = [n for n in conn.execute(select(OUTBOX)) if n.reason == "copy" and n.cause == report.id]
    assert [(n.recipient, n.recipient_email) for n in copies] == [("HS1", "hal.safeguard@example-council.gov.uk")]
    assert "SECRET" not in copies[0].body_text and copies[0].subject.startswith("Copy: 3.14 report done")


def test_a_compose_with_copies_sets_the_cc_header_and_leaves_a_bad_address_out():
    from datetime import datetime, timezone

    from qaf.usecases.mail import MailSettings, compose

    msg = compose(MailSettings(), "k", "om@x.gov.uk", "Alert", "text", None, datetime(2024, 5, 1, tzinfo=timezone.utc),
                  ("hs@x.gov.uk", "not an address", "om@x.gov.uk"))  # fmt: skip
    assert msg["Cc"] == "hs@x.gov.uk"


def test_a_row_on_transfer_is_scheduled_from_the_cases_transferred_date():
    from qaf.rules.loader import load_text

    text = """qaf: 1
id: transfers
title: Transfers
roles:
  - name: Practice Manager
rows:
  - id: "9.1"
    role: Practice Manager
    task: Audit the case file on transfer
    frequency: On transfer
    purpose: To check the handover.
    by: [Practice Manager]
    cadences:
      - {kind: audit, on: case_transfer}
"""
    fw, problems = load_text(text, "transfers.yaml")
    assert fw is not None and not [p for p in problems if p.is_error], problems
    org = the_council()
    moved = tuple(replace(c, transferred=date(2024, 5, 13)) if c.ref == "CS-000001" else c for c in org.cases)
    made = plan(fw, council(people=EVERY_ROLE, cases=moved), *YEAR, YEAR[0])
    assert [(o.case, o.period_start, o.due, o.assignee) for o in made.obligations] == [("CS-000001", date(2024, 5, 13), date(2024, 5, 28), "PM1")]
    none = plan(fw, org, *YEAR, YEAR[0])
    assert not none.obligations and any("no case in the organisation data has a transferred date" in n for n in none.notes)
