"""The organisation: people, teams, cases and governance bodies, as of a date.

Cases are references only (``CS-000123``): the store never holds a child's
name, and :mod:`qaf.usecases.orgload` refuses a reference that looks like one.
People's roles are kept as the council wrote them; they are resolved onto a
framework's vocabulary when that framework needs them (a role no framework
knows yet is kept, not dropped).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator

from qaf.rules.problems import NO_SOURCE, Source
from qaf.rules.roles import Vocabulary

TEAM_KINDS = ("social_care", "early_help")
OPEN_REFS_KEPT = 4096  # (owner, day) answers one snapshot keeps of open_caseload / open_team_cases; then it starts over


def _active(start: date | None, end: date | None, day: date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str
    email: str
    roles: tuple[str, ...] = ()  # as written in people.csv
    team: str | None = None
    manager: str | None = None
    start: date | None = None
    end: date | None = None
    source: Source = field(default=NO_SOURCE, compare=False)

    def active_on(self, day: date) -> bool:
        return _active(self.start, self.end, day)


@dataclass(frozen=True, slots=True)
class Team:
    id: str
    name: str
    service: str
    kind: str = "social_care"
    area: str = ""
    source: Source = field(default=NO_SOURCE, compare=False)


@dataclass(frozen=True, slots=True)
class Case:
    ref: str
    team: str
    opened: date
    worker: str | None = None
    closed: date | None = None
    source: Source = field(default=NO_SOURCE, compare=False)
    transferred: date | None = None  # when the case last moved to another team or worker (rows "on transfer")

    def open_on(self, day: date) -> bool:
        return _active(self.opened, self.closed, day)


def open_refs(cases: tuple[Case, ...] | list[Case], day: date) -> tuple[str, ...]:
    """The references of ``cases`` open on ``day``, sorted (a planner keeps them for every pick of the day)."""
    return tuple(sorted(c.ref for c in cases if c.opened <= day and (c.closed is None or c.closed >= day)))


@dataclass(frozen=True, slots=True)
class Body:
    id: str
    name: str
    chair: str | None = None
    source: Source = field(default=NO_SOURCE, compare=False)
    members: tuple[str, ...] = ()  # person ids: who attends its meetings (the chair convenes them)


@dataclass(frozen=True)
class Org:
    """An organisation snapshot with lookups built once."""

    people: tuple[Person, ...] = ()
    teams: tuple[Team, ...] = ()
    cases: tuple[Case, ...] = ()
    bodies: tuple[Body, ...] = ()
    _people: dict[str, Person] = field(init=False, repr=False, compare=False)
    _teams: dict[str, Team] = field(init=False, repr=False, compare=False)
    _reports: dict[str, tuple[Person, ...]] = field(init=False, repr=False, compare=False)
    _caseload: dict[str, tuple[Case, ...]] = field(init=False, repr=False, compare=False)
    _team_cases: dict[str, tuple[Case, ...]] = field(init=False, repr=False, compare=False)
    _members: dict[str, tuple[Person, ...]] = field(init=False, repr=False, compare=False)
    _cases: dict[str, Case] = field(init=False, repr=False, compare=False)
    _open: dict[tuple[str, str, date], tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        reports: dict[str, list[Person]] = {}
        for p in self.people:
            if p.manager:
                reports.setdefault(p.manager, []).append(p)
        caseload: dict[str, list[Case]] = {}
        team_cases: dict[str, list[Case]] = {}
        for c in self.cases:
            if c.worker:
                caseload.setdefault(c.worker, []).append(c)
            team_cases.setdefault(c.team, []).append(c)
        setattr_ = object.__setattr__
        setattr_(self, "_people", {p.id: p for p in self.people})
        setattr_(self, "_teams", {t.id: t for t in self.teams})
        setattr_(self, "_reports", {k: tuple(v) for k, v in reports.items()})
        setattr_(self, "_caseload", {k: tuple(v) for k, v in caseload.items()})
        setattr_(self, "_team_cases", {k: tuple(v) for k, v in team_cases.items()})
        members: dict[str, list[Person]] = {}
        for p in self.people:
            if p.team:
                members.setdefault(p.team, []).append(p)
        setattr_(self, "_members", {k: tuple(v) for k, v in members.items()})
        setattr_(self, "_cases", {c.ref: c for c in self.cases})
        setattr_(self, "_open", {})

    def person(self, person_id: str) -> Person | None:
        return self._people.get(person_id)

    def team(self, team_id: str) -> Team | None:
        return self._teams.get(team_id)

    def case(self, ref: str) -> Case | None:
        return self._cases.get(ref)

    def reports(self, person_id: str) -> tuple[Person, ...]:
        """The people ``person_id`` line-manages directly."""
        return self._reports.get(person_id, ())

    def caseload(self, person_id: str) -> tuple[Case, ...]:
        return self._caseload.get(person_id, ())

    def team_cases(self, team_id: str) -> tuple[Case, ...]:
        return self._team_cases.get(team_id, ())

    def open_caseload(self, person_id: str, day: date) -> tuple[str, ...]:
        """:func:`open_refs` of the person's caseload on ``day``, kept with this snapshot (a recording that
        finds concerns reads them twice: the history to fetch, then the cases to pick from)."""
        return self._open_refs("worker", person_id, day)

    def open_team_cases(self, team_id: str, day: date) -> tuple[str, ...]:
        """:func:`open_refs` of the team's cases on ``day``, kept with this snapshot."""
        return self._open_refs("team", team_id, day)

    def _open_refs(self, of: str, owner: str, day: date) -> tuple[str, ...]:
        key = (of, owner, day)
        found = self._open.get(key)
        if found is None:
            if len(self._open) >= OPEN_REFS_KEPT:  # a long-lived snapshot read for many days: bounded
                self._open.clear()
            cases = self._caseload.get(owner, ()) if of == "worker" else self._team_cases.get(owner, ())
            found = self._open[key] = open_refs(cases, day)
        return found

    def members(self, team_id: str) -> tuple[Person, ...]:
        """The people whose team is ``team_id``."""
        return self._members.get(team_id, ())

    def line(self, person_id: str) -> Iterator[Person]:
        """The line-manager chain above ``person_id``, nearest first (stops at a cycle)."""
        seen = {person_id}
        current = self.person(person_id)
        while current is not None and current.manager and current.manager not in seen:
            seen.add(current.manager)
            current = self.person(current.manager)
            if current is not None:
                yield current

    def manager_on(self, person_id: str, day: date) -> Person | None:
        """The nearest manager above ``person_id`` in post on ``day`` (the line walked past leavers), or None."""
        return next((p for p in self.line(person_id) if p.active_on(day)), None)

    def service_of(self, person: Person) -> str | None:
        team = self.team(person.team) if person.team else None
        return team.service if team else None

    def roles_of(self, person: Person, vocab: Vocabulary) -> frozenset[str]:
        """The person's roles as canonical names of ``vocab`` (unknown ones left out)."""
        return frozenset(r for r in (vocab.resolve(w) for w in person.roles) if r)

    def holders(self, role: str, vocab: Vocabulary, day: date) -> tuple[Person, ...]:
        """People active on ``day`` who hold ``role`` (a canonical name)."""
        return tuple(p for p in self.people if p.active_on(day) and role in self.roles_of(p, vocab))

    @property
    def fingerprint(self) -> str:
        """A stable digest of everything scheduling reads (computed once per snapshot)."""
        cached = self.__dict__.get("_fingerprint")
        if cached is None:
            h = hashlib.sha256()
            for p in self.people:
                h.update(f"P|{p.id}|{p.name}|{p.email}|{';'.join(p.roles)}|{p.team}|{p.manager}|{p.start}|{p.end}\n".encode())
            for t in self.teams:
                h.update(f"T|{t.id}|{t.name}|{t.service}|{t.kind}|{t.area}\n".encode())
            for c in self.cases:
                h.update(f"C|{c.ref}|{c.team}|{c.opened}|{c.worker}|{c.closed}|{c.transferred}\n".encode())
            for b in self.bodies:
                h.update(f"B|{b.id}|{b.name}|{b.chair}|{';'.join(b.members)}\n".encode())
            cached = h.hexdigest()
            object.__setattr__(self, "_fingerprint", cached)
        return cached

    @property
    def services(self) -> tuple[str, ...]:
        return tuple(sorted({t.service for t in self.teams}))

    @property
    def areas(self) -> tuple[str, ...]:
        return tuple(sorted({t.area for t in self.teams if t.area}))
