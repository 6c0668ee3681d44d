"""Who does a cadence's work and what it is about, on a given period.

A subject (worker, team, case holder, ...) is in scope for a period when it is
active on the period's first day and on its due date (SPEC §5); so is the
person assigned. :class:`People` resolves the organisation's roles onto one
framework's vocabulary once, so a large council is expanded quickly.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from qaf.engine.model import Obligation
from qaf.engine.org import Org, Person, Team
from qaf.rules.model import Framework
from qaf.rules.roles import Vocabulary


@dataclass(frozen=True, slots=True)
class Subject:
    kind: str  # assignee | worker | team | service | area | case_holder | body
    id: str
    assignee: str | None
    team: str | None = None
    label: str = ""  # what a person reads: "Tom Fairley", "team Hastings CIN"


def people_of(org: Org, vocab: Vocabulary) -> "People":
    """One :class:`People` per organisation snapshot and vocabulary (resolving 2,000 people's roles is not free)."""
    cache = org.__dict__.setdefault("_people_cache", {})
    key = id(vocab)
    if key not in cache or cache[key].vocab is not vocab:
        cache[key] = People(org, vocab)
    return cache[key]


class People:
    """The organisation seen through one framework's role vocabulary."""

    def __init__(self, org: Org, vocab: Vocabulary) -> None:
        self.org = org
        self.vocab = vocab
        self.roles: dict[str, frozenset[str]] = {p.id: org.roles_of(p, vocab) for p in org.people}
        self._holders: dict[str, tuple[Person, ...]] = {}
        for person in org.people:
            for role in self.roles[person.id]:
                self._holders.setdefault(role, ())
                self._holders[role] += (person,)
        self._responsible: dict[tuple[str, tuple[str, ...], str], Person | None] = {}
        self._body_chairs = {}
        for body in org.bodies:
            name = vocab.resolve(body.id) or vocab.resolve(body.name)
            if name and body.chair:
                self._body_chairs[name] = body.chair

    def has(self, person: Person, roles: tuple[str, ...]) -> bool:
        held = self.roles.get(person.id, frozenset())
        return any(r in held for r in roles)

    def holders(self, roles: tuple[str, ...], start: date, due: date) -> list[Person]:
        """Active holders of any of ``roles`` (a body's chair for a body), sorted by id."""
        out: dict[str, Person] = {}
        for role in roles:
            if self.vocab.is_body(role):
                chair = self.org.person(self._body_chairs.get(role, ""))
                members = [chair] if chair else list(self._holders.get(role, ()))[:1]
                people = [p for p in members if p is not None]
            else:
                people = list(self._holders.get(role, ()))
            for p in people:
                if active(p, start, due):
                    out.setdefault(p.id, p)
        return sorted(out.values(), key=lambda p: p.id)

    def service(self, person: Person) -> str | None:
        return self.org.service_of(person)

    def area(self, person: Person) -> str | None:
        team = self.org.team(person.team) if person.team else None
        return team.area if team else None

    def nearest_up_line(self, person_id: str, candidates: list[Person]) -> Person | None:
        ids = {c.id for c in candidates}
        for manager in self.org.line(person_id):
            if manager.id in ids:
                return manager
        return None

    def responsible_for_team(self, team: Team, candidates: list[Person], within: str, index: int = 0) -> Person | None:
        """The one candidate answerable for a team: in it, above its members, or in its service.

        With ``within: all`` and nobody naturally answerable (councillors visiting
        teams), the teams are shared out among the candidates in turn.
        """
        key = (team.id, tuple(c.id for c in candidates), within)
        if key not in self._responsible:
            self._responsible[key] = self._find_responsible(team, candidates, within, index)
        return self._responsible[key]

    def manages(self, team: Team, candidates: list[Person]) -> bool:
        """Whether any candidate works in ``team`` or line-manages (at any level) one of its members.

        ``teams: managed`` keeps only such teams: "Operations Managers, Children's
        Social Care" audit the teams of their line, never early help or the
        Safeguarding Unit, which no Operations Manager manages.
        """
        ids = {c.id for c in candidates}
        if any(c.team == team.id for c in candidates):
            return True
        return any(m.id in ids for member in self.org.members(team.id) for m in self.org.line(member.id))

    def _find_responsible(self, team: Team, candidates: list[Person], within: str, index: int) -> Person | None:
        in_team = [c for c in candidates if c.team == team.id]
        if in_team:
            return in_team[0]
        if within == "own_team":
            return None
        ids = {c.id for c in candidates}
        above: Counter[str] = Counter()
        for member in self.org.members(team.id):
            for manager in self.org.line(member.id):
                if manager.id in ids:
                    above[manager.id] += 1
                    break
        if above:
            best = max(sorted(above), key=lambda pid: above[pid])
            return next(c for c in candidates if c.id == best)
        same_service = [c for c in candidates if self.service(c) == team.service]
        if same_service:
            return same_service[0]
        if within == "all" and candidates:
            return candidates[index % len(candidates)]
        return None


def active(person: Person, start: date, due: date) -> bool:
    return person.active_on(start) and person.active_on(due)


class Peers:
    """Peer audits: for a target in group G, a candidate from any other group, in fair rotation.

    ``group_of`` gives a candidate's group (their service, team or area); the
    lists of candidates outside each group are built once per call site.
    """

    def __init__(self, candidates: list[Person], group_of) -> None:
        self.candidates = [(c, group_of(c)) for c in candidates]
        self._outside: dict[str | None, list[Person]] = {}

    def pick(self, group: str | None, index: int, ordinal: int) -> Person | None:
        if group not in self._outside:
            self._outside[group] = [c for c, g in self.candidates if g != group]
        eligible = self._outside[group]
        if not eligible:
            return None
        return eligible[(ordinal + index) % len(eligible)]


OUT_OF_SCOPE = "out of scope: "


def out_of_scope_reason(ob: Obligation, fw: Framework, org: Org) -> str:
    """Why a planned obligation is no longer planned: the words a QA officer reads."""
    try:
        row = fw.row(ob.row)
    except KeyError:
        return f"{OUT_OF_SCOPE}row {ob.row} is no longer in the framework"
    if not row.schedulable or ob.cadence >= len(row.cadences):
        return f"{OUT_OF_SCOPE}row {ob.row} no longer schedules this"
    if ob.subject_kind in ("worker", "case_holder", "assignee"):
        person = org.person(ob.subject)
        if person is None:  # no name to give: never a bare person id in a feed or an email
            return f"{OUT_OF_SCOPE}the {ob.subject_kind.replace('_', ' ')} is no longer in the organisation"
        if person.end is not None and person.end < ob.due:
            return f"{OUT_OF_SCOPE}{person.name} left on {person.end.isoformat()}"
        if person.start is not None and person.start > ob.period_start:
            return f"{OUT_OF_SCOPE}{person.name} starts on {person.start.isoformat()}, after the period began"
        return f"{OUT_OF_SCOPE}{person.name} is no longer covered by row {ob.row} (line manager or role changed)"
    if ob.subject_kind == "team" and org.team(ob.subject) is None:
        return f"{OUT_OF_SCOPE}team {ob.subject} no longer exists"
    if ob.subject_kind == "case":
        return f"{OUT_OF_SCOPE}case {ob.subject} no longer has this event"
    return f"{OUT_OF_SCOPE}{ob.subject_kind} {ob.subject} is no longer in scope of row {ob.row}"
