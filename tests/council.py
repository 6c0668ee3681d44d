"""A small council written out in full, for tests that read like the framework.

Locality Social Work has two teams (Hastings, Eastbourne) under one
Operations Manager; Looked After Children has one team under another; Early
Help has one team. Sam Starter joins on 15 July 2024; Lee Leaver leaves on 15
October 2024. Every social worker holds three open cases.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from qaf.engine.org import Body, Case, Org, Person, Team

if TYPE_CHECKING:
    from qaf.engine.model import Obligation
    from qaf.rules.model import Framework

DCS = "Director of Children's Services"

TEAMS = (
    Team("T1", "Hastings Child in Need", "Locality Social Work", "social_care", "East"),
    Team("T2", "Eastbourne Child in Need", "Locality Social Work", "social_care", "West"),
    Team("T3", "Looked After Children", "Looked After Children", "social_care", "East"),
    Team("T4", "Early Help East", "Early Help", "early_help", "East"),
)


def person(pid: str, name: str, roles: str, team: str | None, manager: str | None, start: date | None = None, end: date | None = None) -> Person:
    email = name.lower().replace(" ", ".") + "@example-council.gov.uk"
    return Person(pid, name, email, tuple(roles.split(";")), team, manager, start or date(2015, 1, 5), end)


PEOPLE = (
    person("CE1", "Chris Chief", "Chief Executive", None, None),
    person("D1", "Dana Director", DCS, None, "CE1"),
    person("AD1", "Alex Assistant", "AD Safeguarding", None, "D1"),
    person("H1", "Hana Locality", "Head of Service", "T1", "AD1"),
    person("H2", "Hugo Looked", "Head of Service", "T3", "AD1"),
    person("OM1", "Olive Ops", "Operations Manager", "T1", "H1"),
    person("OM2", "Otto Ops", "Operations Manager", "T3", "H2"),
    person("PM1", "Pat Practice", "Practice Manager;Team Manager", "T1", "OM1"),
    person("PM2", "Priya Practice", "Practice Manager;Team Manager", "T2", "OM1"),
    person("PM3", "Paul Practice", "Practice Manager;Team Manager", "T3", "OM2"),
    person("SW1", "Tom Fairley", "Social Worker", "T1", "PM1"),
    person("SW2", "Ruth Steady", "Social Worker", "T1", "PM1"),
    person("SW3", "Sam Starter", "Social Worker", "T1", "PM1", start=date(2024, 7, 15)),
    person("SW4", "Lee Leaver", "Social Worker", "T1", "PM1", end=date(2024, 10, 15)),
    person("SW5", "Eve East", "Social Worker", "T2", "PM2"),
    person("SW6", "Lou Looked", "Social Worker", "T3", "PM3"),
    person("PSW", "Pip Principal", "Principal Social Worker", None, "D1"),
    person("EM1", "Cllr Ann", "Elected Member", None, None),
    person("EM2", "Cllr Bob", "Elected Member", None, None),
    person("EH1", "Erin Help", "Early Help Manager", "T4", "AD1"),
    person("DD1", "Deb Deputy", "Deputy Director", None, "D1"),
    person("LM1", "Cllr Lena", "Lead Member", None, None),
    person("HS1", "Hal Safeguard", "Head of Safeguarding", None, "AD1"),
    person("MOD1", "Moira Moderator", "Moderator", "T1", "H1"),
    person("HQA", "Quinn Quality", "Head of QA", None, "AD1"),
    person("SM1", "Sasha Senior", "Senior Manager", None, "AD1"),
)

WORKERS = ("SW1", "SW2", "SW3", "SW4", "SW5", "SW6")


def cases() -> tuple[Case, ...]:
    out = []
    n = 0
    for worker in WORKERS:
        team = next(p.team for p in PEOPLE if p.id == worker)
        for _ in range(3):
            n += 1
            out.append(Case(f"CS-{n:06d}", team or "", date(2023, 1, 1), worker))
    out.append(Case("EH-000001", "T4", date(2023, 6, 1), None))
    return tuple(out)


def handed_over(left: date, successors: dict[str, Person], people: tuple[Person, ...] = PEOPLE) -> tuple[Person, ...]:
    """HR's file: each leaver named in ``successors`` left on ``left`` and their successor has their post: everyone
    who reported to the leaver reports to the successor, who is one of the people."""
    return tuple(replace(p, end=left) if p.id in successors else replace(p, manager=successors[p.manager].id)
                 if p.manager in successors else p for p in people) + tuple(successors.values())  # fmt: skip


def council(**changes) -> Org:
    """The council; ``people=``/``cases=`` replace a part of it."""
    parts = {"people": PEOPLE, "teams": TEAMS, "cases": cases(), "bodies": (Body("CSCMT", "CSCMT", "D1"),)}
    parts.update(changes)
    return Org(**parts)


# --- examples/council: a council that holds every post the three papers name ----------------------------------------

EXAMPLE_COUNCIL = Path(__file__).resolve().parents[1] / "examples" / "council"
EXAMPLE_YEAR = (date(2026, 4, 1), date(2027, 3, 31))
SUBJECTS_NAMED = ("worker", "case_holder", "team", "area", "body")  # a cadence for each of these names its subject


def example_year(fw: Framework) -> tuple[Org, tuple[Obligation, ...]]:
    """examples/council and ``fw``'s obligations on it over 2026/27, every case chosen."""
    from qaf.engine.schedule import plan
    from qaf.rules.roles import Vocabulary
    from qaf.usecases.orgload import load_org

    org, _ = load_org(EXAMPLE_COUNCIL, Vocabulary(fw.roles))
    assert org is not None
    return org, plan(fw, org, *EXAMPLE_YEAR, date(2027, 6, 1)).obligations


def times_a_year(fw: Framework, org: Org, obligations: tuple[Obligation, ...], row: str, cadence: int) -> set[int]:
    """How many of ``row``'s ``cadence`` each owner has over :data:`EXAMPLE_YEAR` (each worker, case holder, team,
    area or body, when the cadence is for each one of them; a rotation's owner), of those a whole year in post;
    each obligation due on the last working day of its period."""
    from collections import Counter

    from qaf.engine.periods import Period, due_date
    from qaf.engine.workdays import calendar

    mine = [o for o in obligations if o.row == row and o.cadence == cadence]
    named = bool(mine) and not fw.row(row).cadences[cadence].rotate and mine[0].subject_kind in SUBJECTS_NAMED
    each = Counter(o.subject if named else o.assignee for o in mine)
    people = {p.id: p for p in org.people}
    first, last = EXAMPLE_YEAR
    in_post = {who: n for who, n in each.items()  # a team, an area or a body; a person in post all year
               if who not in people or people[who].start <= first and (people[who].end or date.max) >= last}  # fmt: skip
    workdays = calendar(fw.working_days)
    assert all(o.due == due_date(Period(o.period_start, o.period_end), workdays) for o in mine), (row, cadence)
    return set(in_post.values())

