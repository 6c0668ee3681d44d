"""A council's year scripted step by step (the steps of tests/test_lifecycle.py's random years, in an order
that reaches a quarter's sample drawn and moderated), every invariant checked after each step.

In a file of its own so that the test runner's workers can play it beside the random years.
"""

from __future__ import annotations

from tests.conftest import _postgres_or_skip
from tests.test_lifecycle import FW, CouncilYear


def test_a_scripted_year_with_every_kind_of_step_keeps_every_invariant() -> None:
    """The random years rarely last long enough for a quarter's sample to be drawn and moderated:
    this one does, month by month, with the council changing under it, checking after every step."""
    _postgres_or_skip()
    year = CouncilYear()
    checks = [getattr(year, name) for name in dir(year) if hasattr(getattr(type(year), name, None), "hypothesis_stateful_invariant")]
    assert len(checks) >= 8

    def step(name: str, *args) -> None:
        getattr(year, name)(*args)
        for check in checks:
            check()

    try:
        step("first_tick")
        for month in range(12):
            step("days_pass", 9)
            if month == 3:
                step("hr_withdraws_a_leaving_date_given_in_error", 0)  # last month's leaver was another Ruth
            step("an_audit_raises_an_action", month, month % 2 == 0)
            step("more_time_is_asked_for", month * 7, 5, month % 3 != 1)
            step("days_pass", 21)
            step("an_audit_is_recorded", month * 3, month % 4 == 0, FW.grades[0], 1, month % 2 == 1)  # some by the manager above
            step("the_months_outcomes_arrive_as_a_csv", {month}, FW.grades[month % len(FW.grades)])
            step("a_sampled_audit_is_moderated", month, FW.grades[(month + 1) % len(FW.grades)])
            step("an_action_is_closed", month)
            step("done_work_is_recorded_again", month, False)
            step("a_csv_with_one_wrong_line_changes_nothing", month, ("done", "unknown", "grade", "future")[month % 4])
            if month % 3 == 0:
                step("a_service_contests_a_grade", month)
            step("the_tick_runs_again_the_same_day")
            if month == 2:
                step("a_worker_leaves", 1, -12)  # the news comes late
                step("the_framework_is_amended", False, "1.8 replaced")
            if month in (1, 7):
                step("the_mail_server_refuses_mail_for_a_few_days", 3)
            if month == 4:
                step("a_practice_manager_leaves_and_another_takes_their_workers", "PM2", 10)
            if month == 6:
                step("a_worker_joins", 0, 3)
                step("a_worker_moves_to_another_practice_manager", 0, 1)
            if month == 5:
                step("the_framework_is_amended", True, "1.6 monthly", "no line manager", True)
                step("a_manager_above_leaves_and_a_successor_takes_the_post", "OM1", 5)
            if month == 8:
                step("a_case_closes", month)
                step("a_manager_above_leaves_and_a_successor_takes_the_post", "MOD1", -3)
                step("the_framework_is_amended", False)
            if month == 9:
                step("a_team_closes_and_its_people_join_another", "T2", "T1")
            if month == 10:
                step("a_case_is_reallocated_to_another_worker", month, 2)
                step("the_framework_is_amended", False, "1.8", "an Operations Manager", True)
            if month == 11:
                step("the_framework_is_amended", False)
        assert year.moderated, "a sampled audit was moderated"
        assert year.closed and year.extended and year.contested
    finally:
        year.teardown()
