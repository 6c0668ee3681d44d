"""What a follow-up is called: it names the work it follows as the people who read it know it.

A trigger's work on a case names the case and its worker; one that follows work about a person, a team or the
owner's own work names them by name, never by the ids the store keeps (a Practice Manager does not know team T1).
"""

from __future__ import annotations

from datetime import date

from qaf.engine.model import Obligation
from qaf.engine.titles import follow_up_title
from qaf.rules import bundled
from qaf.rules.loader import load_framework
from tests.council import council

EAST_SUSSEX = load_framework(bundled.path("east-sussex-2013"))[0]
ROW = EAST_SUSSEX.row("3.16")


def audit(subject_kind: str, subject: str, assignee: str = "PM1") -> Obligation:
    return Obligation("a1", EAST_SUSSEX.id, "3.16", 0, "audit", "", assignee, subject_kind, subject,
                      date(2024, 4, 1), date(2024, 4, 30), date(2024, 4, 30))  # fmt: skip


def titled(kind: str, cause: Obligation, case: str | None = None) -> str:
    return follow_up_title(council(), ROW, kind, case, cause).split(" — ")[0]


def test_a_follow_up_of_a_case_names_the_case_and_its_worker():
    assert titled("follow_up_audit", audit("worker", "SW1"), case="CS-000001") == "Follow-up audit of case CS-000001 (Tom Fairley)"


def test_a_follow_up_of_a_workers_records_names_whose_they_are():
    assert titled("follow_up_audit", audit("worker", "SW1")) == "Follow-up audit of the audit of Tom Fairley"


def test_a_follow_up_of_a_teams_work_names_the_team_not_its_id():
    assert titled("review", audit("team", "T1")) == "Review the audit of team Hastings Child in Need"


def test_a_follow_up_of_the_owners_own_work_names_whose_work_it_was():
    for kind in ("assignee", "rota", "joint"):
        assert titled("moderation", audit(kind, kind if kind != "assignee" else "PM1")) == "Moderate the audit by Pat Practice"


def test_a_service_or_area_is_named_by_its_name_which_is_its_id():
    assert titled("review", audit("service", "Locality Social Work")) == "Review the audit of service Locality Social Work"


def test_a_team_no_longer_in_the_records_is_named_by_what_the_store_keeps():
    assert titled("review", audit("team", "T9")) == "Review the audit of team T9"
