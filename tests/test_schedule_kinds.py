"""Every kind of cadence, as other councils write them, on the small test council."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from qaf.engine.schedule import plan
from qaf.rules.loader import load_framework, load_text
from tests.council import DCS, council

ROOT = Path(__file__).resolve().parents[1]
YEAR = (date(2024, 4, 1), date(2025, 3, 31))
TODAY = date(2025, 6, 1)

HEAD = """qaf: 1
id: kinds
title: Cadence kinds
roles:
  - {name: Practice Manager, aliases: [PM]}
  - {name: Operations Manager, aliases: [OM]}
  - Social Worker
  - Head of Service
  - Early Help Manager
  - Director of Children's Services
rows:
"""


def framework(rows: str):
    fw, problems = load_text(HEAD + rows, "kinds.yaml")
    assert not problems, problems
    return fw


def row(cadence: str, by: str = "Practice Manager", rid: str = "1") -> str:
    return (
        f"  - id: '{rid}'\n    role: {by}\n    task: t\n    frequency: f\n    purpose: p\n    by: [{by}]\n"
        f"    cadences:\n      - {cadence}\n"
    )


def obligations(cadence: str, by: str = "Practice Manager"):
    return plan(framework(row(cadence, by)), council(), *YEAR, TODAY).obligations


def test_monthly_except_in_august_gives_eleven():
    got = [o for o in obligations("{kind: audit, every: month, per: worker, case: true, except: [August]}") if o.subject == "SW1"]
    assert len(got) == 11 and 8 not in {o.period_start.month for o in got}


def test_n_files_per_month_gives_n_different_cases_each_month():
    got = [o for o in obligations("{kind: audit, every: month, count: 2, per: worker, case: true}") if o.subject == "SW1"]
    by_month = Counter(o.period_start for o in got)
    assert set(by_month.values()) == {2}
    for month in by_month:
        cases = [o.case for o in got if o.period_start == month]
        assert len(set(cases)) == 2, "two files in one month are two different cases"


def test_a_share_of_open_cases_each_quarter():
    """"a random 50% of open cases each quarter": a team of 12 open cases gives 6 audits a quarter."""
    got = [o for o in obligations("{kind: audit, every: quarter, per: team, within: own_service, share: 50}", "Operations Manager") if o.subject == "T1"]
    assert Counter(o.period_start for o in got) == {date(2024, 4, 1): 6, date(2024, 7, 1): 6, date(2024, 10, 1): 6, date(2025, 1, 1): 6}
    assert len({o.case for o in got if o.period_start == date(2024, 4, 1)}) == 6


def test_every_two_weeks_within_the_year():
    got = [o for o in obligations("{kind: task, every: fortnight}") if o.assignee == "PM1"]
    assert len(got) == 26  # 26 fortnights, the last taking in the day left over (31 March): no one-day fortnight
    assert got[-1].period_start == date(2025, 3, 17) and got[-1].period_end == date(2025, 3, 31)


def test_twice_yearly_every_26_weeks_is_two_reviews_a_year_and_weekly_is_52_meetings():
    """Council year 2029/30 ends on Sunday 31 March 2030, a day after the second block of 26 weeks: the day is
    that block's, not a third review due on Friday 29 March, two days before its "period" began."""
    fw = framework(row("{kind: review, every: 26 weeks}", "Operations Manager", "9.4") + row("{kind: meeting, every: week}", rid="9.5"))
    got = plan(fw, council(), date(2029, 4, 1), date(2030, 3, 31), date(2029, 4, 1)).obligations
    reviews = [(o.period_start, o.period_end, o.due) for o in got if o.row == "9.4" and o.assignee == "OM1"]
    assert reviews == [
        (date(2029, 4, 1), date(2029, 9, 29), date(2029, 9, 28)), (date(2029, 9, 30), date(2030, 3, 31), date(2030, 3, 29)),
    ]  # fmt: skip
    assert len([o for o in got if o.row == "9.5" and o.assignee == "PM1"]) == 52
    assert all(o.period_start <= o.due for o in got), "never due before its period starts"


def test_two_or_three_times_a_year_schedules_the_smaller_count():
    fw = framework(row("{kind: meeting, every: year, count: 2, count_max: 3, note: 'two or three times a year'}"))
    assert fw.rows[0].cadences[0].count_max == 3
    got = [o for o in plan(fw, council(), *YEAR, TODAY).obligations if o.assignee == "PM1"]
    assert len(got) == 2


def test_early_help_teams_only():
    got = obligations("{kind: visit, every: quarter, per: team, team_kind: early_help}", "Early Help Manager")
    assert Counter(o.subject for o in got) == {"T4": 4}


def test_a_case_opened_gets_an_audit_within_twenty_working_days():
    """Opened Monday 13 May 2024; 27 May is a bank holiday, so the twentieth working day is 11 June."""
    org = council()
    fw = framework(row("{kind: audit, on: case_opened, due_within: 20 working days}"))
    from qaf.engine.org import Case

    new_case = Case("CS-000099", "T1", date(2024, 5, 13), "SW1")
    got = plan(fw, council(cases=org.cases + (new_case,)), *YEAR, TODAY).obligations
    assert [(o.case, o.due, o.assignee) for o in got] == [("CS-000099", date(2024, 6, 11), "PM1")]


def test_a_case_opened_on_boxing_day_saturday_is_due_after_it_within_two_days_not_before():
    """"Within 2 days of a case being opened": opened Saturday 26 December 2026, two days on is the Boxing Day
    holiday (Monday 28th), and the last working day before that, Thursday 24th, is before the case existed.
    It is due the next working day, Tuesday 29th; opened Saturday 27 March 2027 (Easter), Tuesday 30 March."""
    from qaf.engine.org import Case

    org = council()
    opened = (Case("CS-000098", "T1", date(2026, 12, 26), "SW1"), Case("CS-000099", "T1", date(2027, 3, 27), "SW1"))
    fw = framework(row("{kind: review, on: case_opened, due_within: 2 days}"))
    got = plan(fw, council(cases=org.cases + opened), date(2026, 12, 1), date(2027, 4, 30), date(2026, 12, 29)).obligations
    assert [(o.case, o.period_start, o.due) for o in got] == [
        ("CS-000098", date(2026, 12, 26), date(2026, 12, 29)), ("CS-000099", date(2027, 3, 27), date(2027, 3, 30)),
    ]  # fmt: skip


def test_before_a_case_is_closed():
    org = council()
    closing = tuple(c if c.ref != "CS-000004" else type(c)(c.ref, c.team, c.opened, c.worker, date(2024, 11, 30)) for c in org.cases)
    fw = framework(row("{kind: audit, on: case_closing, due_within: 10 working days}"))
    got = plan(fw, council(cases=closing), *YEAR, TODAY).obligations
    assert [(o.case, o.due) for o in got] == [("CS-000004", date(2024, 11, 29))]


def test_anniversary_from_the_case_opening():
    fw = framework(row("{kind: review, anniversary: {date: opened, first: 18 months}}"))
    got = plan(fw, council(), *YEAR, TODAY).obligations
    # social-care cases opened 1 January 2023: 1 July 2024; the early-help case opened 1 June 2023:
    # 1 December 2024 is a Sunday, so Friday 29 November
    assert Counter(o.due for o in got) == {date(2024, 7, 1): 18, date(2024, 11, 29): 1}



def test_six_months_after_the_case_is_opened_then_every_year_repeats_while_the_case_is_open():
    """"Review of the case plan: 6 months after the case is opened, then every year". Opened 9 January 2024 and
    still open: reviews due 9 July 2024, 2025, 2026 and 2027. Opened 9 January 2024 and closed 28 January 2026:
    the two reviews before it closed, none after. Opened 11 January 2026 and closed on the 28th: none at all."""
    from qaf.engine.org import Case

    fw = framework(row("{kind: review, anniversary: {date: opened, first: 6 months, then: year}}"))
    cases = (
        Case("CS-000002", "T1", date(2024, 1, 9), "SW1"),
        Case("CS-000003", "T1", date(2024, 1, 9), "SW1", closed=date(2026, 1, 28)),
        Case("EH-000140", "T4", date(2026, 1, 11), None, closed=date(2026, 1, 28)),
    )
    got = plan(fw, council(cases=cases), date(2024, 4, 1), date(2027, 12, 31), date(2024, 4, 1)).obligations
    due = lambda ref: [o.due for o in got if o.case == ref]  # noqa: E731
    assert due("CS-000002") == [date(2024, 7, 9), date(2025, 7, 9), date(2026, 7, 9), date(2027, 7, 9)]
    assert due("CS-000003") == [date(2024, 7, 9), date(2025, 7, 9)]
    assert due("EH-000140") == []


def test_yearly_reviews_fall_on_the_working_day_by_each_anniversary_and_only_those_in_the_window():
    """Opened Saturday 3 February 2024, "6 months after, then every year": 3 August 2024 is a Saturday (due Friday
    2nd), 3 August 2025 a Sunday (Friday 1st), 3 August 2026 a Monday; the window 2025/26 holds only 2025's."""
    from qaf.engine.org import Case

    fw = framework(row("{kind: review, anniversary: {date: opened, first: 6 months, then: year}}"))
    case = Case("CS-000002", "T1", date(2024, 2, 3), "SW1")
    whole = plan(fw, council(cases=(case,)), date(2024, 4, 1), date(2027, 3, 31), date(2024, 4, 1)).obligations
    assert [o.due for o in whole] == [date(2024, 8, 2), date(2025, 8, 1), date(2026, 8, 3)]
    year = plan(fw, council(cases=(case,)), date(2025, 4, 1), date(2026, 3, 31), date(2024, 4, 1)).obligations
    assert [(o.period_start, o.due) for o in year] == [(date(2025, 8, 1), date(2025, 8, 1))]
    assert {o.id for o in year} <= {o.id for o in whole}, "each review is the same work whichever window plans it"


# --- Rotherham 2016: the joint Safeguarding QA visit ---------------------------------------


def test_rotherham_joint_visit_goes_to_a_different_front_line_team_each_time_with_all_four():
    fw, _ = load_framework(ROOT / "rules" / "frameworks" / "rotherham-2016.yaml")
    visit_rows = {r.id for r in fw.rows if any(c.kind == "visit" and c.rotate for c in r.cadences)}
    got = [o for o in plan(fw, council(), *YEAR, TODAY).obligations if o.row in visit_rows]
    by_period: dict[date, set] = {}
    for o in got:
        by_period.setdefault(o.period_start, set()).add((o.assignee, o.subject))
    assert len(by_period) == 6 and len(got) == 6, "one visit a period, whoever goes"
    for o in got:  # the DCS leads; the Deputy Director, the Lead Member and the Head of Safeguarding attend
        assert (o.assignee, set(o.attendees)) == ("D1", {"DD1", "LM1", "HS1"})
    targets = [next(iter(v))[1] for _, v in sorted(by_period.items())]
    assert all(a != b for a, b in zip(targets, targets[1:])) and set(targets) <= {"T1", "T2", "T3"}
    assert DCS in fw.rows[[r.id for r in fw.rows].index(next(iter(visit_rows)))].by


# --- issue 13, item 5: a sample's moderation is shared out among the moderators -----------------


def _sampled(moderator: str = "", existing=None, moderated=()):
    from qaf.engine.model import Completed

    extra = f", moderator: {moderator}" if moderator else ""
    fw = framework(row("{kind: audit, every: month, per: worker, case: true}") + row(
        f"{{kind: moderation, every: month, sample: {{row: '1', count: 4{extra}}}}}", by="Operations Manager", rid="2"))
    done = [Completed(f"{n:016x}", "1", date(2024, 4, 20), "PM1", f"CS-00000{n}", "T1", moderated=n in moderated) for n in range(1, 7)]
    got = plan(fw, council(), date(2024, 5, 1), date(2024, 5, 31), date(2024, 5, 2), existing=existing, completed=done).obligations
    return [o for o in got if o.kind == "moderation"]


def test_issue_13_a_sample_is_moderated_by_the_pool_evenly_and_reproducibly():
    """"a sample of these audits is moderated": by the Operations Managers in turn, not only Pat's own."""
    got = _sampled()
    assert len(got) == 4
    assert Counter(o.assignee for o in got) == {"OM1": 2, "OM2": 2}
    assert [(o.id, o.assignee) for o in _sampled()] == [(o.id, o.assignee) for o in got]  # same inputs, same result


def test_issue_13_the_pool_counts_what_each_moderator_already_holds():
    first = _sampled()
    held = next(o for o in first if o.assignee == "OM1")
    again = _sampled(existing={held.id: held})
    assert held.id in {o.id for o in again}
    assert Counter(o.assignee for o in again) == {"OM1": 2, "OM2": 2}


def test_issue_13_up_the_line_gives_the_sample_to_the_auditor_s_own_manager():
    assert {o.assignee for o in _sampled("up_the_line")} == {"OM1"}  # Olive Ops manages Pat Practice


def test_an_audit_moderated_already_is_never_drawn_again():
    """Probe D1: an audit with a moderation of another period (or its grade moderated) is not sampled again:
    that second moderation could never be done."""
    got = _sampled(moderated=(1, 2, 3))
    assert {o.cause for o in got} == {f"{n:016x}" for n in (4, 5, 6)}  # four asked for, three left to draw
    assert {o.sample_reason for o in got} == {"3 of 6 audits of row 1 completed 2024-04-01..2024-04-30"}
    assert len(_sampled(moderated=range(1, 7))) == 0


def test_two_meetings_with_the_dcs_and_no_note_for_either_say_how_often_each_is():
    """"Monthly monitoring Quarterly review" with no note for either: June's two meetings say how often each is;
    two alike in that too are numbered."""
    text = row(f"{{kind: meeting, every: month, with: [{DCS}]}}\n      - {{kind: meeting, every: quarter, with: [{DCS}]}}",
               by="Head of Service")
    june = {o.title for o in plan(framework(text), council(), *YEAR, TODAY).obligations
            if o.assignee == "H1" and o.period_end == date(2024, 6, 30)}
    assert june == {f"Monthly meeting with {DCS} — 1 t", f"Quarterly meeting with {DCS} — 1 t"}
    twice = row(f"{{kind: meeting, every: month, with: [{DCS}]}}\n      - {{kind: meeting, every: month, with: [{DCS}]}}",
                by="Head of Service")
    june = {o.title for o in plan(framework(twice), council(), *YEAR, TODAY).obligations
            if o.assignee == "H1" and o.period_end == date(2024, 6, 30)}
    assert june == {f"Meeting with {DCS} (1 of 2) — 1 t", f"Meeting with {DCS} (2 of 2) — 1 t"}
