"""The example council and the bundled frameworks fit each other; the frameworks say only what the papers say.

Issue 13, items 7 and 12: scope slips (East Sussex 3.13, 3.15 and 4.2) and
settings qaf invented and presented as the council's. A number or reading
qaf chose where a paper is silent is marked ``# default`` in the file, and
the printer keeps the mark.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from qaf.engine.org import Case, Org, Team
from qaf.engine.schedule import plan
from qaf.rules import bundled
from qaf.rules.loader import load_framework, load_text
from qaf.rules.model import Framework
from qaf.rules.printer import print_framework
from qaf.rules.problems import format_problem
from qaf.rules.roles import Vocabulary
from qaf.usecases.orgload import load_org
from tests.council import person

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "council"
BUNDLED = ("east-sussex-2013", "rotherham-2016", "tameside-2023")
YEAR = (date(2026, 4, 1), date(2027, 3, 31), date(2026, 4, 1))
UNKNOWN = re.compile(r"role '(.+)' is not in any loaded framework's vocabulary")


def load(name: str) -> Framework:
    fw, problems = load_framework(bundled.path(name))
    assert fw is not None and not problems, [format_problem(p) for p in problems]
    return fw


def example(fw: Framework) -> tuple[Org, set[str]]:
    org, problems = load_org(EXAMPLE, Vocabulary(fw.roles))
    assert org is not None
    return org, {m.group(1) for p in problems if (m := UNKNOWN.search(p.message))}


def deliberate_gaps() -> dict[str, set[str]]:
    """The posts examples/council/README.md says each framework's paper never names."""
    out: dict[str, set[str]] = {}
    for name, posts in re.findall(r"^- `([a-z0-9-]+)`: (.+)$", (EXAMPLE / "README.md").read_text(), re.MULTILINE):
        same = re.fullmatch(r"the same as `([a-z0-9-]+)`", posts)
        out[name] = set(out[same.group(1)]) if same else {p.strip() for p in posts.split(";")}
    return out


@pytest.fixture(scope="module")
def east_sussex() -> Framework:
    return load("east-sussex-2013")


@pytest.fixture(scope="module")
def year_of_east_sussex(east_sussex: Framework):
    org, _ = example(east_sussex)
    return org, plan(east_sussex, org, *YEAR)


# --- fit --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", BUNDLED)
def test_the_example_council_loads_with_each_bundled_framework_warning_only_of_the_gaps_the_readme_gives(name: str) -> None:
    fw = load(name)
    _, unknown = example(fw)
    assert unknown == deliberate_gaps()[name]
    vocab = Vocabulary(fw.roles)
    for row in fw.rows:  # a gap is a post no row gives work to
        for role in row.by + tuple(r for c in row.cadences for r in (*c.by, *c.with_, *c.to, *c.roles)):
            assert role not in unknown and vocab.resolve(role) == role, (row.id, role)


def test_loaded_together_the_bundled_frameworks_know_every_post_of_the_example_council() -> None:
    roles = tuple(r for name in BUNDLED for r in load(name).roles)
    _, problems = load_org(EXAMPLE, Vocabulary(tuple({r.name: r for r in roles}.values())))
    assert not [p for p in problems if UNKNOWN.search(p.message)]


@pytest.mark.parametrize("name", BUNDLED)
def test_a_year_of_each_bundled_framework_on_the_example_council_leaves_no_team_or_person_unanswered(name: str) -> None:
    fw = load(name)
    org, _ = example(fw)
    result = plan(fw, org, *YEAR)
    assert result.obligations
    assert not [n for n in result.notes if " answers for " in n], result.notes


# --- item 7: scope slips --------------------------------------------------------------------------


def _teams_of(result, row: str, kind: str = "audit") -> Counter[str]:
    return Counter(o.team for o in result.obligations if o.row == row and o.kind == kind)


SOCIAL_CARE_TEAMS = {"T001", "T002", "T003", "T004", "T005", "T006"}  # the Safeguarding Unit is T007, early help T008-T010


def test_3_13_one_case_file_quarterly_for_each_team_in_a_different_service_never_picks_early_help_or_the_safeguarding_unit(
    year_of_east_sussex,
) -> None:
    org, result = year_of_east_sussex
    assert _teams_of(result, "3.13") == {team: 4 for team in SOCIAL_CARE_TEAMS}
    for ob in (o for o in result.obligations if o.row == "3.13" and o.kind == "audit"):
        auditor, team = org.person(ob.assignee), org.team(ob.team)
        assert "Head of Service" in auditor.roles and org.service_of(auditor) != team.service
        case = next((c for c in org.cases if c.ref == ob.case), None)
        assert case is None or case.team in SOCIAL_CARE_TEAMS


def test_3_15_operations_managers_peer_audit_one_case_file_quarterly_for_each_team_in_a_different_service_never_early_help_or_the_safeguarding_unit(
    year_of_east_sussex,
) -> None:
    org, result = year_of_east_sussex
    assert _teams_of(result, "3.15") == {team: 4 for team in SOCIAL_CARE_TEAMS}
    for ob in (o for o in result.obligations if o.row == "3.15" and o.kind == "audit"):
        assert org.service_of(org.person(ob.assignee)) != org.team(ob.team).service


def test_3_14_one_case_file_for_each_team_per_month_within_their_service_covers_the_social_care_teams_without_a_note(
    year_of_east_sussex,
) -> None:
    _, result = year_of_east_sussex
    assert _teams_of(result, "3.14") == {team: 12 for team in SOCIAL_CARE_TEAMS}
    assert not [n for n in result.notes if n.startswith("3.14")]


def test_4_2_monthly_budget_monitoring_by_team_and_unit_managers_goes_to_every_team_manager_not_the_dcs_only(
    year_of_east_sussex,
) -> None:
    org, result = year_of_east_sussex
    by = Counter(o.assignee for o in result.obligations if o.row == "4.2")
    team_managers = {p.id for p in org.people if "Team Manager" in p.roles}
    assert len(team_managers) == 9  # six social care teams and three early help teams
    assert {pid: by[pid] for pid in team_managers} == {pid: 12 for pid in team_managers}
    assert by["P0007"] == 12  # the DCS, as SMT's chair: "... Joint Divisional Meeting and SMT"
    assert set(by) == team_managers | {"P0007"}


def test_4_1_and_4_2_team_unit_managers_are_posts_not_a_body(east_sussex: Framework) -> None:
    vocab = Vocabulary(east_sussex.roles)
    for written in ("team/unit managers", "Team and Unit Managers", "team managers", "unit managers"):
        assert vocab.resolve(written) == "Team Manager"
    assert not vocab.is_body("Team Manager")


def test_teams_managed_is_checked_with_its_line() -> None:
    text = """qaf: 1
id: t
title: T
roles: [Operations Manager]
rows:
  - id: "1"
    role: OMs
    task: audit
    frequency: monthly
    purpose: p
    by: [Operations Manager]
    cadences:
      - kind: audit
        every: month
        per: team
        teams: line
      - kind: audit
        every: month
        teams: managed
"""
    _, problems = load_text(text, "t.yaml")
    assert [format_problem(p) for p in problems] == [
        "t.yaml:16: row 1.cadence.teams: unknown teams 'line' (one of: all, managed)",  # at 'teams: line', not 'kind: audit'
        "t.yaml:19: row 1.cadence.teams: 'teams' narrows the teams a per-team cadence is about; per must be 'team'",
    ]


# --- item 12: only what the papers say; qaf's defaults marked ---------------------------------------


def test_east_sussex_tells_no_one_of_a_grade_the_framework_does_not(east_sussex: Framework) -> None:
    assert east_sussex.notify_on_grade == ()
    assert east_sussex.targets == ()


def test_tameside_sets_no_target_and_no_requires_improvement_alert_the_report_does_not() -> None:
    fw = load("tameside-2023")
    assert fw.targets == ()
    assert fw.escalate_grades == ("inadequate",) and fw.notify_on_grade == ()
    assert not [a for r in fw.rows for t in r.triggers for a in t.then if a.do == "alert"]


def test_rotherham_has_no_row_from_another_councils_paper() -> None:
    fw = load("rotherham-2016")
    assert "R8" not in {r.id for r in fw.rows}
    assert not [r for r in fw.rows if "2020" in r.section]
    assert not [a for r in fw.rows for t in r.triggers for a in t.then if a.do == "alert"]  # the minutes name no alert


def _rotherham_council(workers: int) -> Org:
    """Team managers in Social Care and the Early Help Service, a Senior Manager, and `workers` workers with a case each."""
    teams = tuple(Team(f"T{i}", f"Team {i}", "Early Help" if i == 5 else "Social Care", "early_help" if i == 5 else "social_care", "") for i in range(1, 6))
    people = [person("D1", "Dee Director", "Director of Children's Services", None, None), person("SM1", "Sam Senior", "Senior Manager", None, "D1")]
    people += [person(f"TM{i}", f"Team Manager {i}", "Team Manager", f"T{i}", "SM1") for i in range(1, 6)]
    people += [person(f"W{n}", f"Worker {n}", "Social Worker", f"T{n % 5 + 1}", f"TM{n % 5 + 1}") for n in range(workers)]
    cases = tuple(Case(f"CS-{n:06d}", f"T{n % 5 + 1}", date(2015, 1, 5), f"W{n}") for n in range(workers))
    return Org(people=tuple(people), teams=teams, cases=cases)


def test_rotherham_february_2016_schedules_27_audits_for_27_workers_as_the_minutes_say() -> None:
    """ "27 cases were scheduled for audit in February 2016" (Council Seminar, 19 April 2016): the monthly
    Team Manager audits of 27 workers, and no other audit (no dip sample from another council's paper). """
    fw = load("rotherham-2016")
    result = plan(fw, _rotherham_council(27), date(2016, 2, 1), date(2016, 2, 29), date(2016, 2, 1))
    audits = [o for o in result.obligations if o.kind == "audit"]
    assert len(audits) == 27 and {o.row for o in audits} == {"R1"}


DEFAULTS = {
    "east-sussex-2013": {("", "escalation"), ("", "digest_roles"), ("1.7", "except"), ("2.2", "by"), ("2.2", "to"), ("3.10", "to"), ("3.14", "sample"), ("3.14", "within"), ("3.16", "within")},
    "rotherham-2016": {("", "escalation"), ("", "digest_roles"), ("R1", "per"), ("R2", "sample"), ("R9", "by"), ("R9", "per")},
    "tameside-2023": {("", "areas"), ("", "escalation"), ("", "digest_roles"), ("T1", "every"), ("T1", "within"), ("T1", "when"), ("T4", "every")},
}


def _marks(fw: Framework) -> list[tuple[str, str, str]]:
    out = [("", key, why) for key, why in fw.defaults]
    for row in fw.rows:
        out += [(row.id, key, why) for key, why in row.defaults]
        out += [(row.id, key, why) for c in row.cadences for key, why in c.defaults]
        out += [(row.id, key, why) for t in row.triggers for key, why in t.defaults]
        out += [(row.id, key, why) for t in row.triggers for a in t.then for key, why in a.defaults]
    return out


@pytest.mark.parametrize("name", BUNDLED)
def test_qafs_choices_are_marked_default_with_a_reason_and_the_printer_keeps_them(name: str) -> None:
    fw = load(name)
    marks = _marks(fw)
    assert DEFAULTS[name] <= {(row, key) for row, key, _ in marks}
    assert all(why for _, _, why in marks)  # every mark says why
    printed = print_framework(fw)
    assert printed.count("# default") == len(marks)
    again, problems = load_text(printed, f"{name}.printed")
    assert not problems, [format_problem(p) for p in problems]
    assert again == fw and sorted(_marks(again)) == sorted(marks)  # the printer's key order, the same marks


def test_a_default_mark_is_kept_on_the_key_it_sits_on_or_above() -> None:
    text = """qaf: 1
id: t
title: T
roles: [Senior Manager, Team Manager]
rows:
  - id: "R1"
    role: TMs
    task: audit
    frequency: Monthly
    purpose: p
    by: [Team Manager]
    cadences:
      - kind: audit
        every: month  # default: the paper gives no frequency
        per: worker
  - id: "R2"
    role: a senior manager
    task: re-audit
    frequency: Monthly
    purpose: p
    by: [Senior Manager]
    cadences:
      - kind: moderation
        every: month
        # default: 'a sample' without a size;
        # 10% is qaf's choice
        sample: {row: "R1", percent: 10}
"""
    fw, problems = load_text(text, "t.yaml")
    assert not problems
    assert fw.row("R1").cadences[0].defaults == (("every", "the paper gives no frequency"),)
    assert fw.row("R2").cadences[0].defaults == (("sample", "'a sample' without a size; 10% is qaf's choice"),)
    assert "      # default: 'a sample' without a size; 10% is qaf's choice\n      sample:" in print_framework(fw)


def test_a_default_mark_that_marks_nothing_or_what_cannot_be_marked_is_a_located_problem() -> None:
    text = """qaf: 1
id: t
title: T
roles:
  - name: Team Manager  # default: a name is never a default
rows:
  - id: "R1"
    role: TMs
    task: audit
    frequency: Monthly
    purpose: p  # a comment that is not a mark, and "# default" inside text is not one either
    by: [Team Manager]
    cadences:
      - kind: audit
        every: month
# default: marks nothing
"""
    _, problems = load_text(text, "t.yaml")
    assert [format_problem(p) for p in problems] == [
        "t.yaml:5: roles.name: only a setting, a row's or cadence's field, a trigger's 'when' or a trigger action's parameter can be marked '# default'",
        "t.yaml:16: default: a '# default' comment marks the key on its own line, or on the line below a comment block it starts; there is none",
    ]
