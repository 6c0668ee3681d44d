"""A synthetic council: invented staff, teams, cases and governance bodies, seeded.

``make_council(seed, size)`` builds an :class:`qaf.engine.org.Org` that looks like a
children's services department as the seed papers describe it: a Director of
Children's Services under the Chief Executive; Assistant Directors; a Head of
Service for each social-care service; Operations Managers over two or three
teams (one each in a large council); a Practice Manager and four to ten
Social Workers in each social-care team; a Safeguarding Unit of Independent
Reviewing Officers and Child Protection Advisers; early-help teams of Early
Help Workers under Team Managers; councillors, the LSCB and the rest of the
governance the frameworks report to. ``write_council(org, folder)`` writes it
as the four CSV files of SPEC §4.

Everything is invented. Staff names join lists of common English first names
and surnames; cases are references only (``CS-000123`` in social care,
``EH-000045`` in early help), never a child's name or any detail of a child.
The same seed and size give byte-identical files, with the standard library
only (:class:`random.Random`).

The council is drawn as on 1 April 2026 (:data:`AS_OF`) and exercises the
scheduling rules: leavers (one gone before April, one leaving on 30 June),
a starter on 1 September, a worker with no open case, closed cases, cases
opened during 2026 (some after April) and a few unallocated cases.

>>> org = make_council(seed=1, size="small")
>>> len(org.teams), org.person("P0001").roles
(10, ('Chief Executive',))
>>> all(c.ref[:3] in ("CS-", "EH-") for c in org.cases)
True

Sizes: ``"small"`` (the example council, ``examples/council``), ``"demo"``
(a few hundred staff) and ``"large"`` (SPEC §6: about 2,000 staff, 200 teams,
40,000 open cases). ``size`` may also be a dict of :data:`SIZES` settings,
laid over the preset named by its ``"base"`` key (default ``"small"``).

Command line: ``python -m qaf.demo.synthetic --size small --seed 1 --out examples/council``.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from qaf.engine.org import Body, Case, Org, Person, Team

AS_OF = date(2026, 4, 1)  # the day the council is drawn as of: the start of the 2026/27 year
DOMAIN = "example-council.gov.uk"

# service -> (team kind, team label, case reference prefix)
SERVICES: dict[str, tuple[str, str, str]] = {
    "Assessment": ("social_care", "Assessment Team", "CS"),
    "Locality Social Work": ("social_care", "Locality Team", "CS"),
    "Child Protection and Court": ("social_care", "Child Protection and Court Team", "CS"),
    "Looked After Children": ("social_care", "Looked After Children Team", "CS"),
    "Care Leavers": ("social_care", "Care Leavers Team", "CS"),
    "Disability": ("social_care", "Children with Disabilities Team", "CS"),
    "Safeguarding Unit": ("social_care", "Safeguarding Unit", "CS"),
    "Early Help": ("early_help", "Early Help Team", "EH"),
}
LOCALITY = "Locality Social Work"
LAC = "Looked After Children"
SAFEGUARDING_UNIT = "Safeguarding Unit"
EARLY_HELP = "Early Help"

SIZES: dict[str, dict[str, Any]] = {
    "small": {
        "areas": ["East", "West", "Central"],
        "teams": {LOCALITY: 3, LAC: 2, "Disability": 1, SAFEGUARDING_UNIT: 1, EARLY_HELP: 3},
        "workers": (4, 6),  # Social Workers / Early Help Workers / IROs and CPAs per team
        "caseload": (7, 11),  # open cases per worker
        "closed": (0, 3),  # closed cases per worker
        "teams_per_om": (2, 3),  # Operations Managers: one per 2-3 teams of a service
        "teams_per_ehm": (3, 3),  # Early Help Managers: one per 3 early-help teams
        "councillors": 3,  # Elected Members besides the Lead Member
        "senior_managers": 3,
        "commissioning": 1,  # Early Help Commissioning Support officers
        "unallocated": 4,
    },
    "demo": {
        "areas": ["North", "East", "South", "West", "Central"],
        "teams": {
            "Assessment": 3, LOCALITY: 8, LAC: 5, "Care Leavers": 2, "Disability": 2,
            SAFEGUARDING_UNIT: 2, EARLY_HELP: 8,
        },
        "workers": (5, 8),
        "caseload": (8, 18),
        "closed": (0, 4),
        "teams_per_om": (2, 3),
        "teams_per_ehm": (2, 3),
        "councillors": 5,
        "senior_managers": 4,
        "commissioning": 2,
        "unallocated": 12,
    },
    "large": {
        "areas": ["North", "North East", "East", "South East", "South", "South West", "West", "North West", "Central"],
        "teams": {
            "Assessment": 20, LOCALITY: 56, "Child Protection and Court": 18, LAC: 26, "Care Leavers": 12,
            "Disability": 10, SAFEGUARDING_UNIT: 8, EARLY_HELP: 50,
        },
        "workers": (6, 10),
        "caseload": (20, 32),  # 40,000 open cases among ~1,600 case holders is ~26 each (SPEC §6)
        "closed": (0, 4),
        "teams_per_om": (1, 1),
        "teams_per_ehm": (2, 3),
        "councillors": 8,
        "senior_managers": 10,
        "commissioning": 3,
        "unallocated": 120,
    },
}

FIRST_NAMES = (
    "Aaron Abigail Adam Aisha Alan Alice Alison Amanda Amelia Amy Andrew Angela Anna Anthony Ben Beth "
    "Caroline Catherine Charlotte Chloe Chris Claire Colin Craig Daniel Dawn Deborah Derek Donna Eleanor "
    "Ellie Emily Emma Faye Fiona Frances Gareth Gemma Georgia Grace Graham Hannah Harriet Heather Helen "
    "Holly Ian Imogen Isaac Jack Jacob Jade Jamie Jane Jasmine Jason Jennifer Joanne Jodie Joel Jonathan "
    "Joseph Julie Karen Kate Katie Kelly Kevin Kieran Laura Lauren Leah Lee Leon Lisa Louise Lucy Luke "
    "Lydia Marcus Martin Matthew Megan Melissa Michelle Mohammed Molly Naomi Natalie Neil Nicola Nina "
    "Oliver Olivia Owen Paula Philip Priya Rachel Rebecca Richard Robert Rosie Ruth Ryan Sadia Samuel "
    "Sarah Scott Sean Sophie Stacey Stephen Stuart Tanya Thomas Toby Tracey Vanessa Victoria Wendy Zoe"
).split()
SURNAMES = (
    "Adams Ahmed Allen Armstrong Atkinson Bailey Baker Barker Barnes Bates Bell Bennett Booth Bradley "
    "Briggs Brooks Burgess Burton Butler Carter Chambers Chapman Clarke Cole Collins Cook Cooper Cox "
    "Crawford Dale Davies Dawson Dixon Doyle Duncan Edwards Elliott Ellis Evans Farrell Fisher Fleming "
    "Fletcher Ford Foster Fox Francis Fraser Gibson Gordon Graham Grant Gray Green Griffiths Hall "
    "Hamilton Hardy Harper Harris Hart Harvey Hayes Henderson Hill Holmes Hopkins Howard Hudson Hughes "
    "Hunt Hussain Jackson James Jenkins Johnston Jones Kaur Kelly Kennedy Khan King Knight Lambert Lawson "
    "Lee Lewis Lloyd Marsh Marshall Mason Matthews Mills Mitchell Moore Morgan Morris Murphy Murray "
    "Nelson Newton Nicholls Norris O'Brien Owen Palmer Parker Parsons Patel Payne Pearce Pearson Perry "
    "Phillips Porter Powell Price Quinn Reid Reynolds Richards Riley Roberts Robinson Rogers Rose Russell "
    "Saunders Scott Shaw Simpson Singh Slater Spencer Stevens Stewart Sutton Taylor Thomson Turner Walker "
    "Wallace Walsh Ward Watson Webb Wells West Wheeler White Wilkinson Williams Wood Wright Young"
).split()
# combinations that name someone well known are never drawn
NOT_DRAWN = frozenset({
    "Adam Lambert", "Alan Shearer", "Emma Watson", "Grace Jones", "Harry Kane", "Jack Grealish",
    "Jamie Oliver", "Kate Moss", "Kelly Holmes", "Matthew Perry", "Owen Wilson", "Richard Hammond",
    "Robert Palmer", "Ryan Reynolds", "Scott Mills", "Stephen Fry", "Thomas Cook", "Victoria Wood",
    "Wendy Richards", "Ian Wright", "Emma Bunton", "Paula Radcliffe", "Gordon Brown", "Neil Morrissey",
})

BODIES: tuple[tuple[str, str, str], ...] = (
    # id, name (the frameworks' canonical name or one of its aliases), who chairs it (a key of `posts`, or "")
    ("CSCMT", "Children's Social Care Management Team", "dcs"),
    ("SMT", "Children's Services Senior Management Team", "dcs"),
    ("CMT", "Corporate Management Team", "chief_executive"),
    ("LSCB", "Local Safeguarding Children Board", "lscb_chair"),
    ("LSCB-QA", "LSCB Quality Assurance Sub-Group", "lscb_qa_chair"),
    ("CPP", "Corporate Parenting Panel", "lead_member"),
    ("CABINET", "Cabinet", ""),
    ("SCRUTINY", "Children's Services Scrutiny Committee", "scrutiny_chair"),
    ("JDM", "Joint Divisional Meeting", ""),
    ("FAP", "Fostering and Adoption Panels", "chair_of_panel"),
    ("OFSTED", "Ofsted", ""),
    ("PERFORMANCE-BOARD", "Performance Board", "lead_member"),
    ("CIB", "Children's Improvement Board", "chief_executive"),
    ("SCRUTINY-PANEL", "Children's Services Scrutiny Panel", "scrutiny_panel_chair"),
)

PEOPLE_COLUMNS = ("id", "name", "email", "roles", "team", "manager", "start", "end")
TEAM_COLUMNS = ("id", "name", "service", "kind", "area")
CASE_COLUMNS = ("ref", "worker", "team", "opened", "closed")
BODY_COLUMNS = ("id", "name", "chair")


def size_settings(size: str | dict[str, Any]) -> dict[str, Any]:
    """The settings of a named size, or a dict laid over the preset its ``"base"`` names."""
    if isinstance(size, str):
        if size not in SIZES:
            raise ValueError(f"unknown size {size!r} (one of: {', '.join(SIZES)})")
        return dict(SIZES[size])
    base = size.get("base", "small")
    if base not in SIZES:
        raise ValueError(f"unknown base size {base!r} (one of: {', '.join(SIZES)})")
    unknown = sorted(set(size) - set(SIZES[base]) - {"base"})
    if unknown:
        raise ValueError(f"unknown size settings: {', '.join(unknown)} (known: {', '.join(SIZES[base])})")
    out = dict(SIZES[base])
    out.update({k: v for k, v in size.items() if k != "base"})
    for service in out["teams"]:
        if service not in SERVICES:
            raise ValueError(f"unknown service {service!r} (one of: {', '.join(SERVICES)})")
    return out


class _Builder:
    """Draws one council; every draw comes from one seeded generator, in a fixed order."""

    def __init__(self, seed: int, settings: dict[str, Any]) -> None:
        self.rng = random.Random(seed)
        self.s = settings
        self.people: list[Person] = []
        self.teams: list[Team] = []
        self.names: set[str] = set()
        self.emails: set[str] = set()
        self.posts: dict[str, str] = {}  # a named post -> person id (chairs of bodies)
        self.holders: list[tuple[Person, str]] = []  # case holders with their case prefix
        self.specials: dict[str, list[str]] = {"gone": [], "leaving": [], "starter": [], "no_cases": []}

    # -- drawing ------------------------------------------------------------------

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def name(self) -> str:
        while True:
            full = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"
            if full not in self.names and full not in NOT_DRAWN:
                self.names.add(full)
                return full

    def email(self, full: str) -> str:
        local = ".".join(re.sub(r"[^a-z-]", "", part.lower()) for part in full.split(" "))
        candidate, n = local, 1
        while candidate in self.emails:
            n += 1
            candidate = f"{local}{n}"
        self.emails.add(candidate)
        return f"{candidate}@{DOMAIN}"

    def person(self, roles: list[str], team: str | None, manager: str | None, *,
               start: date | None = None, end: date | None = None, post: str | None = None) -> Person:
        full = self.name()
        p = Person(
            id=f"P{len(self.people) + 1:04d}",
            name=full,
            email=self.email(full),
            roles=tuple(roles),
            team=team,
            manager=manager,
            start=start or _monday_if_weekend(self.day(date(2015, 1, 5), date(2025, 12, 1))),
            end=end,
        )
        self.people.append(p)
        if post:
            self.posts[post] = p.id
        return p

    def groups(self, items: list[Team], sizes: tuple[int, int]) -> list[list[Team]]:
        """Consecutive groups of ``sizes`` items (the last may be smaller)."""
        out: list[list[Team]] = []
        i = 0
        while i < len(items):
            n = self.rng.randint(*sizes)
            out.append(items[i:i + n])
            i += n
        return out

    # -- structure ----------------------------------------------------------------

    def build_teams(self) -> dict[str, list[Team]]:
        areas: list[str] = self.s["areas"]
        by_service: dict[str, list[Team]] = {}
        for s_index, (service, count) in enumerate(self.s["teams"].items()):
            kind, label, _ = SERVICES[service]
            numbered = count > len(areas)
            for i in range(count):
                area = areas[(i + s_index) % len(areas)]
                number = f" {i // len(areas) + 1}" if numbered else ""
                name = label if count == 1 and service == SAFEGUARDING_UNIT else f"{area} {label}{number}"
                team = Team(f"T{len(self.teams) + 1:03d}", name, service, kind, area)
                self.teams.append(team)
                by_service.setdefault(service, []).append(team)
        return by_service

    def build(self) -> Org:
        s = self.s
        by_service = self.build_teams()
        social = [sv for sv in by_service if SERVICES[sv][0] == "social_care" and sv != SAFEGUARDING_UNIT]

        # the top of the council: Chief Executive, councillors, Director and Assistant Directors
        ceo = self.person(["Chief Executive"], None, None, post="chief_executive")
        members = [date(2021, 5, 10), date(2025, 5, 5)]  # councillors start after the May elections
        self.person(["Lead Member", "Elected Member"], None, None, start=self.rng.choice(members), post="lead_member")
        for i in range(s["councillors"]):
            post = ("scrutiny_chair", "scrutiny_panel_chair")[i] if i < 2 else None
            self.person(["Elected Member"], None, None, start=self.rng.choice(members), post=post)
        if "scrutiny_panel_chair" not in self.posts:
            self.posts["scrutiny_panel_chair"] = self.posts.get("scrutiny_chair", self.posts["lead_member"])
        self.person(["LSCB Chair"], None, ceo.id, post="lscb_chair")  # the independent chair answers to the Chief Executive
        dcs = self.person(["Director of Children's Services"], None, ceo.id, post="dcs")
        deputy = self.person(["Deputy Director"], None, dcs.id)
        ad_sg = self.person(["AD Safeguarding"], None, deputy.id)
        ad_eh = self.person(["AD Early Help"], None, deputy.id)
        ad_cpp = self.person(["AD Communication, Planning and Performance"], None, deputy.id)

        # performance, complaints and policy
        self.person(["Planning and Performance Manager"], None, ad_cpp.id)
        self.person(["Complaints Manager"], None, ad_cpp.id)

        # safeguarding and quality assurance
        self.person(["Principal Social Worker", "Moderator"], None, ad_sg.id)
        unit = by_service.get(SAFEGUARDING_UNIT, [])
        head_sg = self.person(["Head of Safeguarding"], unit[0].id if unit else None, ad_sg.id)
        head_qa = self.person(["Head of QA", "LSCB QA Sub-Group Chair"], None, head_sg.id, post="lscb_qa_chair")
        self.person(["Audit Officer"], None, head_qa.id)
        self.person(["Policy Officer"], None, head_qa.id)
        for team in unit:  # IROs and CPAs under a Safeguarding Manager; they hold cases too
            manager = self.person(["Safeguarding Manager"], team.id, head_sg.id)
            n = self.rng.randint(*s["workers"])
            for i in range(n):
                role = "Independent Reviewing Officer" if i < (n + 1) // 2 else "Child Protection Adviser"
                self.holders.append((self.person([role], team.id, manager.id), "CS"))

        # social-care services: Head of Service, Operations Managers, Practice Managers, Social Workers
        heads: dict[str, Person] = {}
        oms: list[Person] = []
        for service in social:
            teams = by_service[service]
            roles = ["Head of Service"]
            if service == LOCALITY:
                roles += ["Head of Service, Locality Social Work and Family Assessment", "Moderator"]
            if service == LAC:
                roles.append("Agency Decision Maker")
            heads[service] = self.person(roles, teams[0].id, ad_sg.id)
            if service == LAC:
                self.person(["Chair of Panel"], None, ad_sg.id, post="chair_of_panel")
            for group in self.groups(teams, s["teams_per_om"]):
                om = self.person(["Operations Manager"] + (["Moderator"] if len(oms) % 2 == 0 else []),
                                 group[0].id, heads[service].id)
                oms.append(om)
                for team in group:
                    pm = self.person(["Practice Manager", "Team Manager"], team.id, om.id)
                    for _ in range(self.rng.randint(*s["workers"])):
                        self.holders.append((self.person(["Social Worker"], team.id, pm.id), "CS"))
        if "chair_of_panel" not in self.posts:
            self.person(["Chair of Panel"], None, ad_sg.id, post="chair_of_panel")

        # early help: Early Help Managers over 2-3 teams, a Team Manager and Early Help Workers in each
        for _ in range(s["commissioning"]):
            self.person(["Early Help Commissioning Support"], None, ad_eh.id)
        for group in self.groups(by_service.get(EARLY_HELP, []), s["teams_per_ehm"]):
            ehm = self.person(["Early Help Manager"], group[0].id, ad_eh.id)
            for team in group:
                tm = self.person(["Team Manager"], team.id, ehm.id)
                for _ in range(self.rng.randint(*s["workers"])):
                    self.holders.append((self.person(["Early Help Worker"], team.id, tm.id), "EH"))

        self.add_senior_managers(list(heads.values()), oms)
        self.add_turnover()
        cases = self.build_cases()
        bodies = tuple(Body(bid, name, self.posts.get(post) if post else None) for bid, name, post in BODIES)
        return Org(tuple(self.people), tuple(self.teams), cases, bodies)

    def add_senior_managers(self, heads: list[Person], oms: list[Person]) -> None:
        """Senior Managers for re-audits: Heads of Service first (not Locality's), then Operations Managers."""
        locality = "Head of Service, Locality Social Work and Family Assessment"
        candidates = [h for h in heads if locality not in h.roles] + self.rng.sample(oms, len(oms))
        candidates += [h for h in heads if locality in h.roles]
        chosen = {p.id for p in candidates[: self.s["senior_managers"]]}
        self.people = [p if p.id not in chosen else _with(p, roles=p.roles + ("Senior Manager",)) for p in self.people]

    def add_turnover(self) -> None:
        """Leavers, starters and a worker with no open case, among the Social Workers (one each per 15 teams)."""
        social_workers = [p for p, _ in self.holders if p.roles == ("Social Worker",) and p.start and p.start < date(2025, 6, 1)]
        n = max(1, round(len(self.teams) / 15))
        picked = self.rng.sample(social_workers, min(len(social_workers), 4 * n))
        changes: dict[str, Person] = {}
        for i, p in enumerate(picked):
            kind = ("gone", "leaving", "starter", "no_cases")[i % 4]
            if kind == "gone":  # left before the year began: closed cases only
                end = self.day(date(2025, 12, 1), date(2026, 2, 27))
                changes[p.id] = _with(p, end=end - timedelta(days=max(0, end.weekday() - 4)))  # a Friday if a weekend
            elif kind == "leaving":  # leaves mid-year, with open cases
                changes[p.id] = _with(p, end=date(2026, 6, 30))
            elif kind == "starter":  # starts in September: no cases yet
                changes[p.id] = _with(p, start=date(2026, 9, 1))
            else:
                changes[p.id] = p
            self.specials[kind].append(p.id)
        self.people = [changes.get(p.id, p) for p in self.people]
        self.holders = [(changes.get(p.id, p), prefix) for p, prefix in self.holders]

    # -- cases ----------------------------------------------------------------------

    def build_cases(self) -> tuple[Case, ...]:
        s = self.s
        drawn: list[tuple[date, str, str | None, str, date | None]] = []  # opened, prefix, worker, team, closed
        gone, starters, no_cases = (set(self.specials[k]) for k in ("gone", "starter", "no_cases"))
        for p, prefix in self.holders:
            assert p.team is not None
            if p.id not in starters and p.id not in gone and p.id not in no_cases:
                for _ in range(self.rng.randint(*s["caseload"])):
                    if self.rng.random() < 0.06:  # opened after the drawing date, during 2026
                        opened = self.day(AS_OF, min(date(2026, 8, 31), p.end or date.max))
                    else:
                        opened = self.day(max(date(2024, 1, 2), p.start or AS_OF), AS_OF - timedelta(days=1))
                    drawn.append((opened, prefix, p.id, p.team, None))
            if p.id not in starters:
                last = min(p.end or AS_OF, AS_OF) - timedelta(days=1)
                for _ in range(self.rng.randint(*s["closed"]) + (2 if p.id in gone or p.id in no_cases else 0)):
                    opened = self.day(date(2024, 1, 2), last - timedelta(days=30))
                    if p.end is None and self.rng.random() < 0.1:  # to close during 2026/27
                        closed = self.day(AS_OF, date(2026, 9, 30))
                    else:
                        closed = self.day(opened + timedelta(days=14), last)
                    drawn.append((opened, prefix, p.id, p.team, closed))
        teams = [t for t in self.teams if SERVICES[t.service][0] == "social_care" or t.service == EARLY_HELP]
        for _ in range(s["unallocated"]):  # waiting for a worker: recently opened
            team = self.rng.choice(teams)
            drawn.append((self.day(date(2026, 2, 1), AS_OF - timedelta(days=1)), SERVICES[team.service][2], None, team.id, None))
        # references count up in the order cases were opened, separately for each prefix
        drawn.sort(key=lambda c: (c[0], c[1], c[3], c[2] or "", c[4] or date.min))
        counters: dict[str, int] = {}
        cases: list[Case] = []
        for opened, prefix, worker, team_id, closed in drawn:
            counters[prefix] = counters.get(prefix, 0) + 1
            cases.append(Case(f"{prefix}-{counters[prefix]:06d}", team_id, opened, worker, closed))
        cases.sort(key=lambda c: c.ref)
        return tuple(cases)


def _monday_if_weekend(d: date) -> date:
    return d + timedelta(days=(7 - d.weekday()) % 7 if d.weekday() >= 5 else 0)


def _with(p: Person, **changes: Any) -> Person:
    values = {f: getattr(p, f) for f in ("id", "name", "email", "roles", "team", "manager", "start", "end")}
    values.update(changes)
    return Person(**values)


def make_council(seed: int = 1, size: str | dict[str, Any] = "small") -> Org:
    """A synthetic council, the same for the same ``seed`` and ``size``."""
    return _Builder(seed, size_settings(size)).build()


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def write_council(org: Org, folder: str | Path) -> dict[str, Path]:
    """Write ``people.csv``, ``teams.csv``, ``cases.csv`` and ``bodies.csv`` (SPEC §4 columns) into ``folder``."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, tuple[tuple[str, ...], list[tuple[str, ...]]]] = {
        "people.csv": (PEOPLE_COLUMNS, [
            (p.id, p.name, p.email, ";".join(p.roles), p.team or "", p.manager or "", _iso(p.start), _iso(p.end))
            for p in org.people
        ]),
        "teams.csv": (TEAM_COLUMNS, [(t.id, t.name, t.service, t.kind, t.area) for t in org.teams]),
        "cases.csv": (CASE_COLUMNS, [
            (c.ref, c.worker or "", c.team, _iso(c.opened), _iso(c.closed)) for c in org.cases
        ]),
        "bodies.csv": (BODY_COLUMNS, [(b.id, b.name, b.chair or "") for b in org.bodies]),
    }
    written: dict[str, Path] = {}
    for name, (columns, rows) in tables.items():
        path = out / name
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows(rows)
        written[name] = path
    return written


def summary(org: Org) -> str:
    open_cases = sum(1 for c in org.cases if c.closed is None)
    return (f"{len(org.people)} people, {len(org.teams)} teams, {len(org.cases)} cases "
            f"({open_cases} open), {len(org.bodies)} bodies")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m qaf.demo.synthetic", description="Write a synthetic council's organisation CSV files.")
    parser.add_argument("--size", choices=sorted(SIZES), default="small", help="small (the example council), demo or large")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same files")
    parser.add_argument("--out", required=True, help="folder for people.csv, teams.csv, cases.csv, bodies.csv")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    org = make_council(seed=args.seed, size=args.size)
    write_council(org, args.out)
    print(f"{args.out}: {summary(org)} ({time.perf_counter() - began:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
