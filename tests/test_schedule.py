"""Scheduling reads like the framework: East Sussex rows on a small council, 2024/25."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st

from qaf.calendars.events import summary
from qaf.engine.periods import Period, due_date, periods, year_start_of
from qaf.engine.schedule import plan
from qaf.engine.workdays import WorkingDays, calendar
from qaf.rules.loader import load_framework
from qaf.rules.model import Every
from tests.council import DCS, council, example_year, times_a_year

ROOT = Path(__file__).resolve().parents[1]
YEAR = (date(2024, 4, 1), date(2025, 3, 31))
TODAY = date(2025, 6, 1)  # the whole year has begun: every case is chosen


@pytest.fixture(scope="module")
def east_sussex():
    fw, problems = load_framework(ROOT / "rules" / "frameworks" / "east-sussex-2013.yaml")
    assert not problems
    return fw


@pytest.fixture(scope="module")
def year(east_sussex):
    return plan(east_sussex, council(), *YEAR, TODAY).obligations


def of(obligations, row, **where):
    return [o for o in obligations if o.row == row and all(getattr(o, k) == v for k, v in where.items())]


# --- periods and due dates ------------------------------------------------------------


def test_due_skips_bank_holiday_aug_2024():
    """August 2024 is due Friday 30 August: Monday 26th is a bank holiday, the 31st a Saturday."""
    assert due_date(Period(date(2024, 8, 1), date(2024, 8, 31)), WorkingDays()) == date(2024, 8, 30)


def test_due_is_the_last_working_day_of_june_2024_and_march_2025():
    wd = WorkingDays()
    assert due_date(Period(date(2024, 6, 1), date(2024, 6, 30)), wd) == date(2024, 6, 28)
    assert due_date(Period(date(2025, 3, 1), date(2025, 3, 31)), wd) == date(2025, 3, 31)


def test_due_steps_back_over_christmas_2026():
    """Boxing Day 2026 is observed on Monday 28 December; December's due date is Thursday 31st."""
    assert due_date(Period(date(2026, 12, 1), date(2026, 12, 31)), WorkingDays()) == date(2026, 12, 31)
    assert WorkingDays().last_on_or_before(date(2026, 12, 28)) == date(2026, 12, 24)


def test_quarters_halves_and_two_month_blocks_follow_the_financial_year():
    q = periods(Every(months=3), (4, 1), *YEAR)
    assert [(p.start, p.end) for p in q] == [
        (date(2024, 4, 1), date(2024, 6, 30)), (date(2024, 7, 1), date(2024, 9, 30)),
        (date(2024, 10, 1), date(2024, 12, 31)), (date(2025, 1, 1), date(2025, 3, 31)),
    ]  # fmt: skip
    halves = periods(Every(months=6), (4, 1), *YEAR)
    assert [(p.start, p.end) for p in halves] == [(date(2024, 4, 1), date(2024, 9, 30)), (date(2024, 10, 1), date(2025, 3, 31))]
    two = periods(Every(months=2), (4, 1), *YEAR)
    assert [p.start.month for p in two] == [4, 6, 8, 10, 12, 2] and two[-1].end == date(2025, 3, 31)
    assert periods(Every(months=12), (4, 1), *YEAR) == [periods(Every(months=12), (4, 1), date(2024, 4, 1), date(2024, 4, 1))[0]]


def test_monthly_is_the_calendar_month_even_when_the_year_starts_on_6_april():
    months = periods(Every(months=1), (4, 6), date(2024, 4, 6), date(2024, 6, 30))
    assert [(p.start, p.end) for p in months] == [
        (date(2024, 4, 1), date(2024, 4, 30)), (date(2024, 5, 1), date(2024, 5, 31)), (date(2024, 6, 1), date(2024, 6, 30)),
    ]  # fmt: skip


def test_fortnights_never_straddle_two_years():
    blocks = periods(Every(weeks=2), (4, 1), date(2025, 3, 1), date(2025, 4, 20))
    assert date(2025, 3, 31) in [p.end for p in blocks]
    assert date(2025, 4, 1) in [p.start for p in blocks]
    assert all(b.start <= b.end for b in blocks)



def test_every_26_weeks_is_twice_a_year_the_second_block_taking_in_the_day_left_over():
    """2029/30 is 365 days: two blocks of 26 weeks and a day. The day left over, Sunday 31 March 2030, is the
    end of the second block, not a third "period" of its own (due on the Friday before it began)."""
    halves = periods(Every(weeks=26), (4, 1), date(2029, 4, 1), date(2030, 3, 31))
    assert [(p.start, p.end) for p in halves] == [(date(2029, 4, 1), date(2029, 9, 29)), (date(2029, 9, 30), date(2030, 3, 31))]
    assert [due_date(p, calendar("england-and-wales")) for p in halves] == [date(2029, 9, 28), date(2030, 3, 29)]


def test_weekly_is_52_weeks_a_year_the_last_one_eight_days_or_nine_in_a_leap_year():
    weeks = periods(Every(weeks=1), (4, 1), date(2029, 4, 1), date(2030, 3, 31))
    assert len(weeks) == 52 and weeks[-1] == Period(date(2030, 3, 24), date(2030, 3, 31), weeks[-1].ordinal)
    leap = periods(Every(weeks=1), (4, 1), date(2027, 4, 1), date(2028, 3, 31))
    assert len(leap) == 52 and (leap[-1].start, leap[-1].end) == (date(2028, 3, 23), date(2028, 3, 31))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 52), st.dates(date(2024, 1, 1), date(2034, 12, 31)), st.sampled_from([(4, 1), (1, 1), (4, 6), (9, 1)]))
def test_week_blocks_are_never_shorter_than_the_cadence_and_fill_the_year(weeks, day, year_start):
    year = year_start_of(day, year_start)
    blocks = periods(Every(weeks=weeks), year_start, year, year + relativedelta(years=1, days=-1))
    assert blocks[0].start == year and blocks[-1].end == year + relativedelta(years=1, days=-1)
    assert all(b.start == a.end + timedelta(days=1) for a, b in zip(blocks, blocks[1:]))
    assert all((b.end - b.start).days + 1 >= 7 * weeks for b in blocks)
    assert len(blocks) == ((blocks[-1].end - year).days + 1) // (7 * weeks), "whole blocks: the days left over go in the last"


def test_a_due_date_is_never_before_its_period_starts():
    """A period with no working day in it (none qaf makes) is due on the next working day after it."""
    christmas = Period(date(2026, 12, 25), date(2026, 12, 28))  # Christmas Day, Boxing Day's weekend, its holiday Monday
    assert due_date(christmas, calendar("england-and-wales")) == date(2026, 12, 29)

# --- 3.16: one case per month for each worker -------------------------------------------


def test_3_16_gives_twelve_audits_a_year_for_a_worker_active_all_year(year):
    tom = of(year, "3.16", subject="SW1")
    assert [o.due for o in tom] == [
        date(2024, 4, 30), date(2024, 5, 31), date(2024, 6, 28), date(2024, 7, 31), date(2024, 8, 30), date(2024, 9, 30),
        date(2024, 10, 31), date(2024, 11, 29), date(2024, 12, 31), date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31),
    ]  # fmt: skip
    assert {o.assignee for o in tom} == {"PM1"} and {o.kind for o in tom} == {"audit"}
    assert all(o.case and o.case.startswith("CS-") for o in tom)
    assert all(o.title.startswith(f"Audit case {o.case} (Tom Fairley) — 3.16") for o in tom)


def test_3_16_a_worker_who_starts_on_15_july_gets_august_to_march(year):
    assert [o.period_start.month for o in of(year, "3.16", subject="SW3")] == [8, 9, 10, 11, 12, 1, 2, 3]


def test_3_16_a_worker_who_leaves_on_15_october_gets_april_to_september(year):
    assert [o.period_start.month for o in of(year, "3.16", subject="SW4")] == [4, 5, 6, 7, 8, 9]


def test_3_16_each_practice_manager_audits_only_their_own_workers(year):
    assert Counter(o.assignee for o in of(year, "3.16")) == {"PM1": 12 + 12 + 8 + 6, "PM2": 12, "PM3": 12}


def test_3_16_each_pick_says_why(year):
    for ob in of(year, "3.16", subject="SW1"):
        assert "open cases of worker Tom Fairley" in ob.sample_reason
        assert ob.sample_reason.startswith("random pick (seeded by the obligation) from ") or ob.sample_reason.endswith(
            "the least recently audited chosen"
        )


def test_a_case_audited_in_the_last_six_months_is_not_chosen_while_another_is_free(year):
    """Across every row: a random pick never lands on a case audited in the six months before."""
    from dateutil.relativedelta import relativedelta

    audits = [o for o in year if o.kind == "audit" and o.case]
    for ob in audits:
        if not ob.sample_reason.startswith("random pick"):
            continue
        window = ob.period_start - relativedelta(months=6)
        earlier = [
            o for o in audits
            if o.case == ob.case and o.id != ob.id and window < o.period_start <= ob.period_start
            and (o.period_start < ob.period_start or o.sample_reason.startswith("random pick"))
        ]  # fmt: skip
        assert not earlier, (ob.row, ob.case, ob.period_start, [(o.row, o.period_start) for o in earlier])


# --- 3.14: one case file for each team per month within their service --------------------


def test_3_14_gives_one_audit_per_team_in_the_operations_managers_service_each_month(year):
    audits = of(year, "3.14", kind="audit")
    assert Counter((o.assignee, o.subject) for o in audits) == {("OM1", "T1"): 12, ("OM1", "T2"): 12, ("OM2", "T3"): 12}


def test_3_14_reports_quarterly_to_the_head_of_service(year):
    reports = of(year, "3.14", kind="report")
    assert Counter(o.assignee for o in reports) == {"OM1": 4, "OM2": 4}
    assert reports[0].title.startswith("Report to Head of Service — 3.14")


def test_3_14_says_which_teams_no_operations_manager_answers_for(east_sussex):
    """Without 'teams: managed' a team outside every Operations Manager's line is said to be unanswered;
    with it (as bundled: "Operations Managers, Children's Social Care") the early help team is out of scope."""
    row = east_sussex.row("3.14")
    every_team = dataclasses.replace(row, cadences=(dataclasses.replace(row.cadences[0], teams="all"), *row.cadences[1:]))
    fw = dataclasses.replace(east_sussex, rows=tuple(every_team if r.id == "3.14" else r for r in east_sussex.rows))
    notes = plan(fw, council(), *YEAR, TODAY).notes
    assert "3.14: no Operations Manager answers for team T4; not scheduled for it" in notes
    assert not [n for n in plan(east_sussex, council(), *YEAR, TODAY).notes if n.startswith("3.14")]


# --- 3.8: one casefile a month from the CPA's or IRO's workload ---------------------------


def test_3_8_the_casefile_is_selected_from_the_iros_own_workload_though_she_supervises_another(east_sussex):
    """"Deep-dive audit of one casefile to be selected from CPA or IRO's workload": an IRO who supervises a
    newly qualified IRO audits a file of her own each month, never one of his."""
    from tests.council import PEOPLE, cases, person
    from qaf.engine.org import Case

    iros = (person("IRO1", "Ivy Reviewing", "Independent Reviewing Officer", "T3", "H2"),
            person("IRO2", "Ian Newly", "Independent Reviewing Officer", "T3", "IRO1"))  # fmt: skip
    held = tuple(Case(f"CS-80000{n}", "T3", date(2023, 1, 1), "IRO1" if n < 2 else "IRO2") for n in range(6))
    obligations = plan(east_sussex, council(people=PEOPLE + iros, cases=cases() + held), *YEAR, TODAY).obligations
    ivy = of(obligations, "3.8", assignee="IRO1")
    assert len(ivy) == 12
    assert {o.case for o in ivy} == {"CS-800000", "CS-800001"}  # her own two, in turn


# --- 3.1-3.3: the supervision records of each manager one line down -------------------------


def test_3_3_each_audit_of_practice_manager_supervision_records_names_whose_records(year):
    """"Audit of Practice Manager supervision records ... Annually", for each Practice Manager the Operations
    Manager manages: Olive Ops has two, and her calendar tells them apart."""
    olives = of(year, "3.3", assignee="OM1")
    assert sorted(o.title.split(" — ")[0] for o in olives) == ["Audit of Pat Practice", "Audit of Priya Practice"]


# --- peers, meetings, visits ------------------------------------------------------------


def test_3_13_peer_audits_come_from_a_head_of_service_in_a_different_service(year):
    peer = of(year, "3.13", kind="audit")
    services = {"H1": "Locality Social Work", "H2": "Looked After Children"}
    teams = {"T1": "Locality Social Work", "T2": "Locality Social Work", "T3": "Looked After Children"}
    assert len(peer) == 3 * 4  # never the early help team T4, which no Head of Service manages
    assert all(services[o.assignee] != teams[o.subject] for o in peer)


def test_4_18_the_principal_social_worker_meets_the_ad_six_times_and_the_dcs_twice(year):
    mine = of(year, "4.18", assignee="PSW")
    assert len(mine) == 8 and len(of(year, "4.18")) == 8, "the Principal Social Worker's meetings, each once"
    with_ad = [o for o in mine if o.attendees == ("AD1",)]
    assert Counter(o.period_start.month for o in with_ad) == {4: 1, 6: 1, 8: 1, 10: 1, 12: 1, 2: 1}
    assert [o.period_start for o in mine if o.attendees == ("D1",)] == [date(2024, 4, 1), date(2024, 10, 1)]
    assert not of(year, "4.18", assignee="D1"), "the DCS attends; the meeting is the Principal Social Worker's"


def test_1_6_gives_twelve_monitoring_meetings_and_four_reviews(year):
    mine = of(year, "1.6", assignee="CE1")
    assert Counter(o.cadence for o in mine) == {0: 12, 1: 4}
    assert len(of(year, "1.6")) == 16, "one obligation a meeting: the Chief Executive's"
    assert all(o.attendees == ("D1",) for o in mine)  # the DCS is at each of them


def test_1_6_the_monthly_one_to_one_and_the_quarterly_review_are_told_apart_in_the_quarters_third_month(year):
    """1.6 "Monitoring via one-to-one meetings with the DCS and quarterly performance reviews", "Monthly monitoring
    Quarterly review": in June the Chief Executive has two meetings with the DCS, and her calendar says which is which."""
    june = of(year, "1.6", assignee="CE1", period_end=date(2024, 6, 30))
    task = "1.6 Monitoring via one-to-one meetings with the DCS and quarterly…"
    assert sorted(o.title for o in june) == [f"Monthly meeting with {DCS} — {task}", f"Quarterly meeting with {DCS} — {task}"]
    assert sorted(summary(o, council()) for o in june) == [
        f"Chris Chief's monthly meeting with {DCS} · row 1.6", f"Chris Chief's quarterly meeting with {DCS} · row 1.6"]


@pytest.mark.parametrize("name", ["east-sussex-2013", "rotherham-2016", "tameside-2023"])
def test_a_row_asking_for_one_kind_of_work_more_than_one_way_titles_each_way_apart(name):
    """A title, and the summary a calendar shows of it, names one of its row's cadences: 4.11's five multi-agency
    files a quarter and its one child with a child protection plan are two audits, as 1.6's one-to-one and
    performance review are two meetings."""
    fw, problems = load_framework(ROOT / "rules" / "frameworks" / f"{name}.yaml")
    assert not problems
    org, obligations = example_year(fw)
    several = {r.id for r in fw.rows if max(Counter(c.kind for c in r.cadences).values(), default=0) > 1}
    cadences_shown: dict[tuple[str, str], set[int]] = {}
    for o in obligations:
        if o.row in several and o.cadence >= 0:
            cadences_shown.setdefault((o.row, o.title), set()).add(o.cadence)
            cadences_shown.setdefault((o.row, summary(o, org)), set()).add(o.cadence)
    assert {row for row, _ in cadences_shown} == several, "each such row has work in the example council's year"
    assert not {shown: cadences for (_, shown), cadences in cadences_shown.items() if len(cadences) > 1}


TWO_OF_A_KIND = {
    "an audit alone and one with the Head of Service": """      - {kind: audit, every: month}
      - {kind: audit, every: month, with: [Head of Service]}
""",
    "each team's report to the Head of Service and to its Practice Manager": """      - {kind: report, every: month, per: team, to: [Head of Service]}
      - {kind: report, every: month, per: team, to: [Practice Manager]}
""",
    "a task of the Practice Managers' and one of the row's": """      - {kind: task, every: month, roles: [Practice Manager]}
      - {kind: task, every: month}
""",
}


@pytest.mark.parametrize("cadences", TWO_OF_A_KIND.values(), ids=list(TWO_OF_A_KIND))
def test_two_cadences_of_a_kind_titled_alike_for_one_person_are_told_apart(cadences):
    """A council's row asking a Practice Manager for two audits a month, one of them with the Head of Service (or a
    team's two monthly reports, to two posts): her calendar shows each month's two as two pieces of work, never one
    title twice. What makes them different ('with', 'to', 'roles') is not what their title says of them."""
    from qaf.rules.loader import load_text

    text = ("qaf: 1\nid: x\ntitle: T\nroles: [Practice Manager, Head of Service]\nrows:\n  - id: '1'\n"
            "    role: Practice Manager\n    task: Audits and reports\n    frequency: Monthly\n    purpose: p\n"
            "    by: [Practice Manager]\n    cadences:\n" + cadences)  # fmt: skip
    fw, problems = load_text(text, "two.yaml")
    assert fw is not None and not [p for p in problems if p.is_error]
    obligations = plan(fw, council(), date(2024, 4, 1), date(2024, 6, 30), date(2024, 4, 1)).obligations
    cadences_of = Counter((o.assignee, o.period_start, o.title) for o in obligations)
    assert cadences_of and max(cadences_of.values()) == 1, [k for k, n in cadences_of.items() if n > 1][:2]


def test_two_monthly_meetings_with_the_dcs_and_head_of_service_told_apart_by_their_notes_are_two_events_in_a_calendar():
    """A row asking each Practice Manager for a monthly performance meeting and a monthly practice meeting, both
    with the Director of Children's Services and the Head of Service: their titles end with their notes, and the
    summary a calendar shows, cut to what a phone keeps, still ends with them, never the same event twice."""
    from qaf.rules.loader import load_text

    with_both = "with: [Director of Children's Services, Head of Service]"
    text = ("qaf: 1\nid: x\ntitle: T\nroles: [Practice Manager, Head of Service, Director of Children's Services]\n"
            "rows:\n  - id: '1'\n    role: Practice Manager\n    task: Meetings\n    frequency: Monthly\n    purpose: p\n"
            f"    by: [Practice Manager]\n    cadences:\n      - {{kind: meeting, every: month, {with_both}, note: Performance}}\n"
            f"      - {{kind: meeting, every: month, {with_both}, note: Practice}}\n")  # fmt: skip
    fw, problems = load_text(text, "meetings.yaml")
    assert fw is not None and not [p for p in problems if p.is_error]
    org = council()
    june = [o for o in plan(fw, org, date(2024, 6, 1), date(2024, 6, 30), date(2024, 6, 1)).obligations if o.assignee == "PM1"]
    assert sorted(summary(o, org) for o in june) == [
        "Pat Practice's meeting with Director of Children's Services…: performance · row 1",
        "Pat Practice's meeting with Director of Children's Services…: practice · row 1",
    ]


def test_4_11_two_quarterly_audits_are_told_apart_by_their_notes(east_sussex):
    """4.11 "Quarterly multi-agency audits of five files ..." and "Quarterly audit of one child with a child
    protection plan": as often as each other, each says which it is in the framework's words for it."""
    _, obligations = example_year(east_sussex)
    heads = {o.cadence: o.title.split(" — ")[0] for o in obligations if o.row == "4.11" and o.kind == "audit"}
    assert heads == {0: "Audit: multi-agency audits of five files focusing on the…",
                     1: "Audit: audit of one child with a child protection plan…"}


def test_1_12_visits_social_work_teams_quarterly_and_early_help_teams_twice_a_year(year):
    visits = Counter(o.subject for o in of(year, "1.12"))
    assert visits == {"T1": 4, "T2": 4, "T3": 4, "T4": 2}
    assert {o.due for o in of(year, "1.12", subject="T4")} == {date(2024, 9, 30), date(2025, 3, 31)}
    assert {o.assignee for o in of(year, "1.12")} == {"EM1", "EM2"}


def test_1_11_the_monthly_visiting_rota_takes_members_in_turn(year):
    visits = of(year, "1.11")
    assert len(visits) == 12 and Counter(o.assignee for o in visits) == {"EM1": 6, "EM2": 6}


def test_reports_with_two_audiences_give_an_obligation_for_each(year):
    """3.12 "Quarterly to CSCMT Annually to DCS": four reports to CSCMT and one to the DCS per Head of Service."""
    for hos in ("H1", "H2"):
        reports = of(year, "3.12", assignee=hos)
        assert Counter(o.cadence for o in reports) == {0: 4, 1: 1}
        assert reports[0].title.startswith("Report to CSCMT") and any(DCS in o.title for o in reports)


def test_unschedulable_rows_give_nothing(year):
    assert not [o for o in year if o.row in {"1.1", "1.2", "1.3", "1.4"}]


# --- every frequency the table gives, on a council that holds every post ------------------------

# (row, cadence, the table's words, obligations a year for each owner, or each subject when the row names one)
TIMES_A_YEAR = [
    ("1.5", 0, "Quarterly", 4),
    ("1.7", 0, "Six-monthly meeting with the DCS and senior manager for children's social care", 1),
    ("1.7", 1, "every 12 months, this meeting will also include Assistant Directors (ADs) for early help services", 1),
    ("1.8", 0, "Annual", 1),
    ("1.9", 0, "Quarterly to cabinet and CPP", 4),
    ("1.9", 1, "Annually to Scrutiny Committee", 1),
    ("1.10", 0, "Monthly Panel meetings", 12),
    ("1.13", 0, "Twice a year", 2),
    ("2.1", 0, "Quarterly monitoring to SMT", 4),
    ("2.2", 0, "Monthly for operational managers", 12),
    ("2.2", 1, "Quarterly to CPP", 4),
    ("2.2", 2, "Bi-annually for SMT", 2),
    ("2.2", 3, "At least annually to LM", 1),
    ("2.3", 0, "Bi-annual monitoring at minimum", 2),
    ("2.3", 1, "Annual report to CPP", 1),
    ("3.1", 0, "Annually", 1),
    ("3.2", 0, "Annually", 1),
    ("3.3", 0, "Annually", 1),
    ("3.4", 0, "Annually to CSCMT", 1),
    ("3.5", 0, "Bi-annually to CSCMT", 2),
    ("3.5", 1, "Annually to LM and DCS", 1),
    ("3.6", 0, "Biannually to CSCMT", 2),
    ("3.6", 1, "Annually to Lead Member and DCS", 1),
    ("3.7", 0, "Quarterly to CSCMT and LSCB", 4),
    ("3.8", 0, "One file per month", 12),
    ("3.9", 0, "Deep-dive audit of one case for each IRO and CPA ... Quarterly", 4),
    ("3.9", 1, "Quarterly to Head of Service", 4),
    ("3.10", 0, "Annually", 1),
    ("3.11", 0, "Annually to CSCMT", 1),
    ("3.11", 1, "Three times a year to agency decision maker", 3),
    ("3.12", 0, "Quarterly to CSCMT", 4),
    ("3.12", 1, "Annually to DCS", 1),
    ("3.13", 0, "One case file quarterly for each team in a different service", 4),
    ("3.14", 0, "One case file for each team per month within their service", 12),
    ("3.14", 1, "Report quarterly to the Head of Service", 4),
    ("3.15", 0, "One case file quarterly for each team in a different service", 4),
    ("4.1", 0, "Monthly to team/unit managers and CSCMT", 12),
    ("4.1", 1, "Bi-annually to Joint Divisional Meeting, SMT and LM", 2),
    ("4.1", 2, "Biannually to Chair of LSCB", 2),
    ("4.2", 0, "Monthly by team and unit managers", 12),
    ("4.3", 0, "Quarterly to CSCMT after audit", 4),
    ("4.3", 1, "Annually to SMT and LM via Scrutiny Committee", 1),
    ("4.4", 0, "Quarterly to CPP and LM", 4),
    ("4.4", 1, "Monthly reports sent to Ofsted", 12),
    ("4.5", 0, "Quarterly", 4),
    ("4.6", 0, "Quarterly", 4),
    ("4.7", 0, "Quarterly up to CSCMT level and to Joint Divisional Meeting", 4),
    ("4.7", 1, "Annually to SMT, LM and the Scrutiny Committee", 1),
    ("4.8", 0, "Monthly to CSCMT", 12),
    ("4.8", 1, "Summary Report annually to SMT and lead member", 1),
    ("4.9", 0, "Quarterly to CSCMT", 4),
    ("4.9", 1, "Annually to SMT and LM", 1),
    ("4.10", 0, "Annually to CSCMT and Joint Divisional Meetings", 1),
    ("4.10", 1, "Annual report to CPP", 1),
    ("4.11", 0, "Quarterly multi-agency audits of five files", 20),
    ("4.11", 1, "Quarterly audit of one child with a child protection plan", 4),
    ("4.11", 2, "Quarterly to the LSCB Quality Assurance Sub-Group", 4),
    ("4.11", 3, "Annually to SMT and LM", 1),
    ("4.12", 0, "Annually to SMT and the LSCB", 1),
    ("4.13", 0, "One review per area per annum", 1),
    ("4.14", 0, "Annual", 1),
    ("4.15", 0, "Twice a year", 2),
    ("4.16", 0, "Quarterly", 4),
    ("4.17", 0, "Two focus groups per annum", 2),
    ("4.18", 0, "6 times a year with AD", 6),
    ("4.18", 1, "Twice a year with DCS", 2),
    ("5.1", 0, "Annually to CSCMT, Joint Divisional Meeting, SMT and LM via Scrutiny Committee", 1),
    ("5.1", 1, "Annual meeting with key service leads", 1),
    ("5.2", 0, "Annual review to Joint Divisional Meeting and SMT", 1),
]  # fmt: skip


@pytest.fixture(scope="module")
def example_obligations(east_sussex):
    """examples/council, which holds every post the table names, 2026/27, every case chosen."""
    return example_year(east_sussex)


@pytest.mark.parametrize("row, cadence, words, times", TIMES_A_YEAR, ids=[f"{r}/{c}" for r, c, _, _ in TIMES_A_YEAR])
def test_each_frequency_gives_that_many_a_year_each_due_on_the_last_working_day_of_its_period(
    east_sussex, example_obligations, row, cadence, words, times
):
    """The table's frequency, for each person who holds the row's role (or each worker, team, case holder or
    area it names, once a year for every one of them a whole year in post): so many a year, each due on the
    last working day of its period."""
    assert times_a_year(east_sussex, *example_obligations, row, cadence) == {times}, words


# --- cases are chosen once a period starts ----------------------------------------------------


def test_cases_for_periods_not_yet_begun_are_chosen_later(east_sussex):
    mid = plan(east_sussex, council(), *YEAR, date(2024, 9, 15)).obligations
    tom = of(mid, "3.16", subject="SW1")
    assert all(o.case for o in tom if o.period_start <= date(2024, 9, 15))
    later = [o for o in tom if o.period_start > date(2024, 9, 15)]
    assert later and all(o.case is None and o.sample_reason.startswith("a case is chosen when the period starts") for o in later)


def test_a_worker_with_no_open_case_is_waived_with_the_reason(east_sussex):
    org = council()
    closed = tuple(c if c.worker != "SW5" else type(c)(c.ref, c.team, c.opened, c.worker, date(2024, 3, 1)) for c in org.cases)
    eve = of(plan(east_sussex, council(cases=closed), *YEAR, TODAY).obligations, "3.16", subject="SW5")
    assert len(eve) == 12 and {o.status for o in eve} == {"waived"}
    assert eve[0].status_reason == "no open case for worker Eve East on 2024-04-01"


def test_the_same_inputs_give_the_same_plan(east_sussex):
    a = plan(east_sussex, council(), *YEAR, TODAY)
    b = plan(east_sussex, council(), *YEAR, TODAY)
    assert a == b


def test_a_teams_meetings_and_reports_are_titled_as_a_council_writes_them():
    """East Sussex 3.13 asks each Operations Manager to "Report quarterly to the Head of Service on key themes" of her
    teams' audits, 1.12's Elected Members "meet ... with front-line staff": a team's meeting is a meeting with the
    team, its report a report on the team, and a monthly one told from a quarterly one still says so, never
    "Monthly meeting team ..." or "Report team ..."."""
    from qaf.rules.loader import load_text

    text = ("qaf: 1\nid: x\ntitle: T\nroles: [Practice Manager, Head of Service]\nrows:\n  - id: '1'\n"
            "    role: Practice Manager\n    task: Team meetings and reports\n    frequency: Monthly\n    purpose: p\n"
            "    by: [Practice Manager]\n    cadences:\n"
            "      - {kind: meeting, every: month, per: team}\n      - {kind: meeting, every: quarter, per: team}\n"
            "      - {kind: report, every: month, per: team, to: [Head of Service]}\n"
            "      - {kind: task, every: month, per: team}\n")  # fmt: skip
    fw, problems = load_text(text, "teams.yaml")
    assert fw is not None and not [p for p in problems if p.is_error]
    org = council()
    june = plan(fw, org, date(2024, 6, 1), date(2024, 6, 30), date(2024, 6, 1)).obligations
    team = next(o for o in june if o.subject_kind == "team")
    label = org.team(team.subject).name
    heads = {o.title.split(" — ")[0] for o in june if o.subject == team.subject}
    assert heads == {f"Monthly meeting with team {label}", f"Quarterly meeting with team {label}",
                     f"Report on team {label}", f"Task for team {label}"}
