"""The synthetic council: seeded, well formed, and the committed example cannot drift."""

from __future__ import annotations

import doctest
import re
import time
from datetime import date
from pathlib import Path

import pytest

from qaf.demo import synthetic
from qaf.demo.synthetic import AS_OF, main, make_council, write_council
from qaf.engine.org import Org
from qaf.rules.problems import errors, format_problem
from qaf.usecases.orgload import COLUMNS, load_org

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "council"
FILES = ("people.csv", "teams.csv", "cases.csv", "bodies.csv")
COUNCILLORS = {"Elected Member", "Lead Member"}


def _files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in FILES}


def _written(tmp_path: Path, seed: int, size: str = "small") -> dict[str, bytes]:
    folder = tmp_path / f"{size}-{seed}"
    write_council(make_council(seed=seed, size=size), folder)
    return _files(folder)


@pytest.fixture(scope="module")
def example() -> Org:
    org, problems = load_org(EXAMPLE)
    assert org is not None
    assert not errors(problems), [format_problem(p) for p in errors(problems)]
    return org


def test_module_examples_run():
    assert doctest.testmod(synthetic, optionflags=doctest.ELLIPSIS).failed == 0


def test_same_seed_same_bytes_and_different_seeds_differ(tmp_path):
    first, again = _written(tmp_path / "a", 1), _written(tmp_path / "b", 1)
    assert first == again
    other = _written(tmp_path / "c", 2)
    assert other["people.csv"] != first["people.csv"] and other["cases.csv"] != first["cases.csv"]


def test_the_example_council_is_a_fresh_generation(tmp_path):
    assert _files(EXAMPLE) == _written(tmp_path, 1), \
        "examples/council drifted: python -m qaf.demo.synthetic --size small --seed 1 --out examples/council"


def test_the_command_writes_the_same_files(tmp_path, capsys):
    assert main(["--size", "small", "--seed", "1", "--out", str(tmp_path)]) == 0
    assert _files(tmp_path) == _files(EXAMPLE)
    assert "people" in capsys.readouterr().out


def test_files_have_exactly_the_spec_columns():
    for name in FILES:
        header = (EXAMPLE / name).read_text(encoding="utf-8").splitlines()[0]
        assert tuple(header.split(",")) == COLUMNS[name]


def test_the_example_loads_without_errors_and_matches_the_generator(example):
    fresh = make_council(seed=1, size="small")
    assert [p.id for p in example.people] == [p.id for p in fresh.people]
    assert example.people == fresh.people and example.teams == fresh.teams
    assert example.cases == fresh.cases and example.bodies == fresh.bodies
    assert 60 <= len(example.people) <= 90 and 8 <= len(example.teams) <= 12
    assert 300 <= sum(1 for c in example.cases if c.closed is None) <= 500


def test_every_line_reaches_the_director_or_chief_executive_without_cycles(example):
    tops = {p.id for p in example.people if {"Director of Children's Services", "Chief Executive"} & set(p.roles)}
    dcs = next(p for p in example.people if "Director of Children's Services" in p.roles)
    ceo = next(p for p in example.people if "Chief Executive" in p.roles)
    assert dcs.manager == ceo.id and ceo.manager is None
    for p in example.people:
        if COUNCILLORS & set(p.roles):
            assert p.manager is None, p
            continue
        if p.id in tops:
            continue
        seen, current = {p.id}, p
        while current.manager:
            assert current.manager not in seen, f"cycle through {current.manager}"
            seen.add(current.manager)
            current = example.person(current.manager)
        assert current.id in tops, f"{p.id}'s line ends at {current.id}"


def test_every_social_care_team_has_a_manager_and_case_holding_workers(example):
    for team in example.teams:
        members = [p for p in example.people if p.team == team.id and p.active_on(AS_OF)]
        holders = [p for p in members if example.caseload(p.id) and any(c.closed is None for c in example.caseload(p.id))]
        if team.service == "Safeguarding Unit":  # IROs and CPAs under a Safeguarding Manager, not a Practice Manager
            assert any("Safeguarding Manager" in p.roles for p in members)
            assert {r for p in holders for r in p.roles} == {"Independent Reviewing Officer", "Child Protection Adviser"}
        elif team.kind == "social_care":
            pms = [p for p in members if "Practice Manager" in p.roles]
            assert len(pms) == 1, team
            assert any("Social Worker" in p.roles and p.manager == pms[0].id for p in holders), team
        else:
            assert any("Team Manager" in p.roles for p in members), team
            assert any("Early Help Worker" in p.roles for p in holders), team


def test_the_structure_has_every_named_role_and_body(example):
    held = {r for p in example.people for r in p.roles}
    for role in (
        "Director of Children's Services", "Deputy Director", "Lead Member", "Chief Executive", "Elected Member",
        "AD Safeguarding", "AD Early Help", "AD Communication, Planning and Performance", "Head of Service",
        "Head of Service, Locality Social Work and Family Assessment", "Operations Manager", "Practice Manager",
        "Team Manager", "Social Worker", "Early Help Manager", "Early Help Worker", "Head of Safeguarding",
        "Head of QA", "Safeguarding Manager", "Child Protection Adviser", "Independent Reviewing Officer",
        "Principal Social Worker", "Complaints Manager", "Planning and Performance Manager", "Policy Officer",
        "Audit Officer", "Chair of Panel", "LSCB Chair", "LSCB QA Sub-Group Chair", "Senior Manager", "Moderator",
        "Agency Decision Maker", "Early Help Commissioning Support",
    ):
        assert role in held, role
    assert 2 <= sum("Senior Manager" in p.roles for p in example.people) <= 3
    social_services = {t.service for t in example.teams if t.kind == "social_care"}
    heads = [p for p in example.people if "Head of Service" in p.roles]
    assert {example.service_of(h) for h in heads} == social_services - {"Safeguarding Unit"}
    ad_sg = next(p for p in example.people if "AD Safeguarding" in p.roles)
    assert all(h.manager == ad_sg.id for h in heads)
    per_service = {s: sum(t.service == s for t in example.teams) for s in example.services}
    assert sum(n >= 2 for n in per_service.values()) >= 2  # peer audits "in a different service"
    bodies = {b.id: b for b in example.bodies}
    assert {"CSCMT", "SMT", "LSCB", "CPP", "OFSTED"} <= set(bodies)
    assert "Director of Children's Services" in example.person(bodies["CSCMT"].chair).roles
    assert "Lead Member" in example.person(bodies["CPP"].chair).roles
    assert "LSCB Chair" in example.person(bodies["LSCB"].chair).roles


def test_scheduling_edge_cases_are_present(example):
    people = example.people
    assert any(p.end and p.end < AS_OF for p in people), "a leaver before the year"
    assert any(p.end == date(2026, 6, 30) and any(c.closed is None for c in example.caseload(p.id)) for p in people)
    assert any(p.start == date(2026, 9, 1) for p in people), "a starter"
    workers = [p for p in people if {"Social Worker", "Early Help Worker"} & set(p.roles)]
    assert any(p.active_on(AS_OF) and not any(c.closed is None for c in example.caseload(p.id)) for p in workers)
    loads = [sum(c.closed is None for c in example.caseload(p.id)) for p in workers]
    assert sum(8 <= n <= 20 for n in loads) > len(workers) / 2
    assert any(c.closed for c in example.cases)
    assert any(c.opened.year == 2026 for c in example.cases)
    assert any(c.opened > AS_OF for c in example.cases)
    assert any(c.worker is None for c in example.cases)
    assert all(date(2015, 1, 1) <= p.start <= date(2026, 12, 31) for p in people if p.start)
    assert all(date(2024, 1, 1) <= c.opened <= date(2026, 12, 31) for c in example.cases)


def test_cases_are_references_only(example):
    ref = re.compile(r"^(CS|EH)-\d{6}$")
    assert all(ref.match(c.ref) for c in example.cases)
    for c in example.cases:
        assert c.ref.startswith("EH-") == (example.team(c.team).kind == "early_help")
    rows = (EXAMPLE / "cases.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "ref,worker,team,opened,closed"
    assert all(line.count(",") == 4 for line in rows)


def test_names_and_emails_are_unique(example):
    assert len({p.name for p in example.people}) == len(example.people)
    assert len({p.email for p in example.people}) == len(example.people)
    assert all(re.fullmatch(r"[a-z-]+\.[a-z-]+\d*@example-council\.gov\.uk", p.email) for p in example.people)


def test_a_size_can_be_given_as_settings():
    org = make_council(seed=3, size={"base": "small", "teams": {"Locality Social Work": 2, "Early Help": 1}})
    assert len(org.teams) == 3
    with pytest.raises(ValueError):
        make_council(size="huge")
    with pytest.raises(ValueError):
        make_council(size={"wizards": 3})


def test_demo_size():
    org = make_council(seed=1, size="demo")
    assert 150 <= len(org.people) <= 500 and 20 <= len(org.teams) <= 60
    assert sum(c.closed is None for c in org.cases) >= 1000


def test_large_council_has_spec_scale():
    began = time.perf_counter()
    org = make_council(seed=1, size="large")
    elapsed = time.perf_counter() - began
    open_cases = sum(1 for c in org.cases if c.closed is None)
    print(f"large: {len(org.people)} people, {len(org.teams)} teams, {open_cases} open cases in {elapsed:.2f} s")
    assert len(org.people) >= 1900 and len(org.teams) >= 190 and open_cases >= 38000
