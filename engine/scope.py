"""Who does a cadence's work and what it is about, on a given period.

A subject (worker, team, case holder, ...) is in scope for a period when it is
active on the period's first day and on its due date (SPEC §5); so is the
person assigned. :class:`People` resolves the organisation's roles onto one
framework's vocabulary once, so a large council is expanded quickly.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Collection, Mapping

from qaf.engine.model import Obligation
from qaf.engine.org import Body, Case, Org, Person, Team
from qaf.engine.periods import Period, periods
from qaf.rules.model import Framework
from qaf.rules.roles import Vocabulary, vocabulary_of


@dataclass(frozen=True, slots=True)
class Subject:
    kind: str  # assignee | worker | team | service | area | case_holder | body
    id: str
    assignee: str | None
    team: str | None = None
    label: str = ""  # what a person reads: "Tom Fairley", "team Hastings CIN"
    attendees: tuple[str, ...] = ()  # who attends the owner's work: a body's members, a joint piece's other holders


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
        self._line_cases: dict[str, tuple[Case, ...]] = {}
        self._managed: dict[tuple[str, ...], frozenset[str]] = {}
        self._body_chairs = {}
        self._bodies: dict[str, Body] = {}
        for body in org.bodies:
            name = vocab.resolve(body.id) or vocab.resolve(body.name)
            if name and body.chair:
                self._body_chairs[name] = body.chair
            for written in (name, body.id, body.name):
                if written:
                    self._bodies.setdefault(written.casefold(), body)

    def body(self, name: str) -> Body | None:
        """The organisation's body a framework names ("CPP", "Fostering and Adoption Panels"), if it has one."""
        resolved = self.vocab.resolve(name)
        return self._bodies.get((resolved or name).casefold()) or self._bodies.get(name.casefold())

    def members(self, body: Body, start: date, due: date) -> list[Person]:
        """A body's members active on the period, in the order the organisation lists them."""
        found = (self.org.person(m) for m in body.members)
        return [p for p in found if p is not None and active(p, start, due)]

    def has(self, person: Person, roles: tuple[str, ...]) -> bool:
        held = self.roles.get(person.id, frozenset())
        return any(r in held for r in roles)

    def workers_of(self, managers: list[Person], roles: tuple[str, ...], start: date, due: date) -> list[tuple[Person, Person]]:
        """(manager, worker) for each direct report of ``managers`` in post from ``start`` to ``due`` (and holding
        one of ``roles``, where a cadence names some): the subjects of a row's work "for each worker"."""
        return [(m, w) for m in managers for w in self.org.reports(m.id) if active(w, start, due) and (not roles or self.has(w, roles))]

    def holders(self, roles: tuple[str, ...], start: date, due: date, *, or_since: bool = False) -> list[Person]:
        """Active holders of any of ``roles`` (a body's chair for a body), sorted by id.

        ``or_since``: also those who started after ``start``, so long as they had not left by ``due``.
        """
        out: dict[str, Person] = {}
        for role in roles:
            if self.vocab.is_body(role):
                chair = self.org.person(self._body_chairs.get(role, ""))
                members = [chair] if chair else list(self._holders.get(role, ()))[:1]
                people = [p for p in members if p is not None]
            else:
                people = list(self._holders.get(role, ()))
            for p in people:
                if active(p, start, due) or (or_since and (p.end is None or p.end >= due)):
                    out.setdefault(p.id, p)
        return sorted(out.values(), key=lambda p: p.id)

    def anyone_holds(self, roles: tuple[str, ...]) -> bool:
        """Whether anyone in the organisation holds one of ``roles`` (a body's chair for a body), whenever."""
        return any(self._holders.get(r) or self._body_chairs.get(r) for r in roles)

    def holds_on(self, person: Person, role: str, day: date) -> bool:
        """Whether ``person`` is one of :meth:`holders` of ``role`` on ``day``, without listing them all."""
        if self.vocab.is_body(role):
            return any(h.id == person.id for h in self.holders((role,), day, day))
        return role in self.roles.get(person.id, ()) and active(person, day, day)

    def holder_up_line(self, person_id: str, role: str, day: date, exclude: Collection[str | None] = ()) -> Person | None:
        """:meth:`nearest_up_line` among the holders of ``role`` on ``day``, passing over those in ``exclude``
        (an audit's authors, who never moderate it): the line walked, the holders not listed."""
        for manager in self.org.line(person_id):
            if manager.id not in exclude and self.holds_on(manager, role, day):
                return manager
        return None

    def service(self, person: Person) -> str | None:
        return self.org.service_of(person)

    def services_holding(self, role: str) -> frozenset[str]:
        """The services of everyone the organisation lists as holding ``role``, whenever in post (leavers and those
        to come too; those in no team aside): more than one, and the role is a post each service has its own of."""
        return frozenset(s for s in (self.service(p) for p in self._holders.get(role, ())) if s is not None)

    def area(self, person: Person) -> str | None:
        team = self.org.team(person.team) if person.team else None
        return team.area if team else None

    def nearest_up_line(self, person_id: str, candidates: list[Person]) -> Person | None:
        ids = {c.id for c in candidates}
        for manager in self.org.line(person_id):
            if manager.id in ids:
                return manager
        return None

    def line_cases(self, person_id: str) -> tuple[Case, ...]:
        """The cases a manager answers for: their own, their line's workers', and their line's teams'.

        The line is everyone below ``person_id`` (reports, their reports, ...);
        a team is in the line when someone below the manager belongs to it, so
        its unallocated cases count too. A worker with nobody below has their
        own caseload. Sorted by reference, each case once.
        """
        cached = self._line_cases.get(person_id)
        if cached is not None:
            return cached
        below: dict[str, Person] = {}
        todo = [person_id]
        while todo:
            for p in self.org.reports(todo.pop()):
                if p.id not in below and p.id != person_id:
                    below[p.id] = p
                    todo.append(p.id)
        found: dict[str, Case] = {c.ref: c for c in self.org.caseload(person_id)}
        for p in below.values():
            found.update((c.ref, c) for c in self.org.caseload(p.id))
        for team in sorted({p.team for p in below.values() if p.team}):
            found.update((c.ref, c) for c in self.org.team_cases(team))
        out = tuple(found[ref] for ref in sorted(found))
        self._line_cases[person_id] = out
        return out

    def responsible_for_team(
        self, team: Team, candidates: list[Person], within: str, index: int = 0, ids: tuple[str, ...] | None = None
    ) -> Person | None:
        """The one candidate answerable for a team: in it, above its members, or in its service.

        With ``within: all`` and nobody naturally answerable (councillors visiting
        teams), the teams are shared out among the candidates in turn. ``ids``:
        the candidates' ids, when the caller asks for many teams at once.
        """
        key = (team.id, ids if ids is not None else tuple(c.id for c in candidates), within)
        if key not in self._responsible:
            self._responsible[key] = self._find_responsible(team, candidates, within, index)
        return self._responsible[key]

    def manages(self, team: Team, candidates: list[Person], ids: tuple[str, ...] | None = None) -> bool:
        """Whether any candidate works in ``team`` or line-manages (at any level) one of its members.

        ``teams: managed`` keeps only such teams: "Operations Managers, Children's
        Social Care" audit the teams of their line, never early help or the
        Safeguarding Unit, which no Operations Manager manages.
        """
        key = ids if ids is not None else tuple(c.id for c in candidates)
        managed = self._managed.get(key)
        if managed is None:  # once per list of candidates: their teams, and the teams of everyone below them
            managed = {c.team for c in candidates if c.team}
            seen = set(key)
            todo = list(key)
            while todo:
                for p in self.org.reports(todo.pop()):
                    if p.id not in seen:
                        seen.add(p.id)
                        todo.append(p.id)
                        if p.team:
                            managed.add(p.team)
            managed = self._managed[key] = frozenset(managed)
        return team.id in managed

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
    """Active on both days (``person.active_on(start) and person.active_on(due)``, in one test: the planner asks it per person per period)."""
    first, last = (start, due) if start <= due else (due, start)
    return (person.start is None or person.start <= first) and (person.end is None or last <= person.end)


class Peers:
    """Peer audits: for a target in group G, a candidate from any other group, in fair rotation.

    ``group_of`` gives a candidate's group (their service, team or area); the
    lists of candidates outside each group are built once per call site.
    """

    def __init__(self, candidates: list[Person], group_of, kind_of=None) -> None:
        self.candidates = [(c, group_of(c)) for c in candidates]
        self.kind_of = kind_of  # a candidate's team kind: peers audit teams of their own kind ("another team")
        self._outside: dict[tuple[str | None, str | None], list[Person]] = {}

    def pick(self, group: str | None, index: int, ordinal: int, kind: str | None = None) -> Person | None:
        key = (group, kind if self.kind_of is not None else None)
        if key not in self._outside:
            self._outside[key] = [
                c for c, g in self.candidates if g != group and (key[1] is None or self.kind_of(c) == key[1])
            ]
        eligible = self._outside[key]
        if not eligible:
            return None
        return eligible[(ordinal + index) % len(eligible)]


def share_out(candidates: list[Person], load: Mapping[str, int], seed: str, exclude: Collection[str | None] = ()) -> Person | None:
    """The moderators' pool: the candidate holding least work, never one in ``exclude`` (the audit's author).

    Ties are broken by a hash of ``seed`` (the audit's id) and the person, so the
    same inputs always give the same person and equal loads do not always fall
    to the first by id.

    >>> a, b = Person("A", "Ann", "a@x"), Person("B", "Bo", "b@x")
    >>> share_out([a, b], {"A": 2, "B": 1}, "s").id, share_out([a, b], {}, "s", exclude={"A"}).id
    ('B', 'B')
    >>> share_out([a], {}, "s", exclude={"A"}) is None
    True
    """
    eligible = [c for c in candidates if c.id not in exclude]
    if not eligible:
        return None
    return min(eligible, key=lambda p: (load.get(p.id, 0), hashlib.sha256(f"{seed}/{p.id}".encode()).hexdigest(), p.id))


OUT_OF_SCOPE = "out of scope: "
SAMPLE_CUT = "fewer than were drawn: done work counts first"  # how a reason for a moderation a sample cut cancelled ends


def out_of_scope_reason(ob: Obligation, fw: Framework, org: Org) -> str:
    """Why a planned obligation is no longer planned: the words a QA officer reads."""
    try:
        row = fw.row(ob.row)
    except KeyError:
        return f"{OUT_OF_SCOPE}row {ob.row} is no longer in the framework"
    cadence = row.cadence_of(ob.cadence) if row.schedulable else None
    if cadence is None:  # the row struck out, or this cadence of it ("Monthly monitoring" gone, the quarterly review kept)
        return f"{OUT_OF_SCOPE}the framework no longer asks for this: row {ob.row} is now '{row.frequency}'"
    if cadence.every is not None and ob.subject_kind != "case":
        lengths = {cadence.every, *(v.every for v in cadence.variations)}
        spans = {(p.start, p.end) for every in lengths for p in periods(every, fw.year_start, ob.period_start, ob.period_start)}
        if (ob.period_start, ob.period_end) not in spans:  # "Quarterly" became "Monthly": July to September is no period of it
            merged = _taken_in(ob, lengths, fw.year_start)
            if merged is not None:
                return (f"{OUT_OF_SCOPE}{ob.period_start.isoformat()} to {ob.period_end.isoformat()}, the days left at the end of "
                        f"the year, are now the end of row {ob.row}'s period {merged.start.isoformat()} to {merged.end.isoformat()}")  # fmt: skip
            return (f"{OUT_OF_SCOPE}the framework changed how often row {ob.row} is done (now '{row.frequency}'): "
                    f"{ob.period_start.isoformat()} to {ob.period_end.isoformat()} is no longer one of its periods")  # fmt: skip
    if cadence.sample is not None and ob.subject_kind == "obligation":
        # a sample cut (R2's 10% made one a month): the work done counts first, then the work still to do
        size = ("one" if cadence.sample.count == 1 else str(cadence.sample.count)) if cadence.sample.count is not None else (
            f"{cadence.sample.percent:g}%")  # fmt: skip
        per = f" a {cadence.every.text}" if cadence.every is not None else ""
        return (f"{OUT_OF_SCOPE}row {ob.row} now asks for {size} of row {cadence.sample.row}'s completed audits{per}, "
                f"{SAMPLE_CUT}")  # fmt: skip
    if cadence.share is None and cadence.sample is None and ob.subject_kind != "case" and cadence.count <= ob.seq < 100:
        # a count cut ("five audits a quarter" made three): the fourth and fifth are asked for no more
        many = f"one {ob.kind}" if cadence.count == 1 else f"{cadence.count} {ob.kind}s"
        per = f" a {cadence.every.text}" if cadence.every is not None and not cadence.variations else ""
        return f"{OUT_OF_SCOPE}row {ob.row} now asks for {many}{per}, fewer than before: this was number {ob.seq + 1}"
    if ob.subject_kind in ("worker", "case_holder", "assignee"):
        person = org.person(ob.subject)
        if person is None:  # no name to give: never a bare person id in a feed or an email
            return f"{OUT_OF_SCOPE}the {ob.subject_kind.replace('_', ' ')} is no longer in the organisation"
        if person.end is not None and person.end < ob.due:
            return f"{OUT_OF_SCOPE}{person.name} left on {person.end.isoformat()}"
        if person.start is not None and person.start > ob.period_start:
            return f"{OUT_OF_SCOPE}{person.name} starts on {person.start.isoformat()}, after the period began"
        if (why := _role_held_by_nobody(ob, fw, org, cadence.by or row.by)) is not None:
            return f"{OUT_OF_SCOPE}{why}"
        return f"{OUT_OF_SCOPE}{person.name} is no longer covered by row {ob.row} (line manager or role changed)"
    if ob.subject_kind == "team" and org.team(ob.subject) is None:
        return f"{OUT_OF_SCOPE}team {ob.subject} no longer exists"
    if ob.subject_kind == "case":
        case = org.case(ob.subject)
        if cadence.anniversary is not None and case is not None and case.closed is not None and case.closed < ob.due:
            return f"{OUT_OF_SCOPE}case {ob.subject} closed on {case.closed.isoformat()}"  # no review of a closed case
        return f"{OUT_OF_SCOPE}case {ob.subject} no longer has this event"
    return f"{OUT_OF_SCOPE}{ob.subject_kind} {ob.subject} is no longer in scope of row {ob.row}"


def _taken_in(ob: Obligation, lengths, year_start: tuple[int, int]) -> Period | None:
    """The block of weeks that takes in ``ob``'s period: the days left at a year's end, shorter than the
    cadence, that an older qaf made a period of their own (now the year's last block ends with them)."""
    days = (ob.period_end - ob.period_start).days + 1
    for every in lengths:
        if every.weeks and days < 7 * every.weeks:
            for p in periods(every, year_start, ob.period_start, ob.period_start):
                if p.start < ob.period_start and p.end == ob.period_end:
                    return p
    return None


def _role_held_by_nobody(ob: Obligation, fw: Framework, org: Org, roles: tuple[str, ...]) -> str | None:
    """Why the row's work fell away when nobody in the organisation holds the role it is for; None while
    someone does (then a line manager or a role changed).

    When the one who had the work is where they were (the worker's manager still, in post) and people.csv
    gives them a role this framework does not name, the framework changed under them: the council renamed
    "Team Manager" "Team Leader" and people.csv still says what it said. The reason says so.
    """
    people = people_of(org, vocabulary_of(fw))
    if people.anyone_holds(roles):
        return None
    wanted = " or ".join(roles)
    had = org.person(ob.assignee) if ob.assignee else None
    subject = org.person(ob.subject)
    unchanged = had is not None and had.active_on(ob.due) and (ob.subject_kind != "worker" or (subject is not None and subject.manager == had.id))
    unknown = [w for w in (had.roles if had else ()) if people.vocab.resolve(w) is None]
    if unchanged and unknown:
        written = ", ".join(f"'{w}'" for w in unknown)
        return (f"the framework now gives row {ob.row} to {wanted}, a role nobody in the organisation holds "
                f"({had.name}, who had this work, is {written} in people.csv, which the framework does not name)")  # fmt: skip
    return f"row {ob.row} is for {wanted}, and nobody in the organisation holds that role"


def workers_covered(fw: Framework, org: Org, day: date) -> dict[str, set[str]]:
    """For each schedulable row with work for each worker ("one case per month for each worker"), the workers
    it covers on ``day``: those whose line manager holds the row's role then (and who hold the cadence's own
    roles, where it names some). A worker whose manager holds none is nobody's to audit under that row."""
    people = people_of(org, vocabulary_of(fw))
    out: dict[str, set[str]] = {}
    for row in fw.rows:
        if not row.schedulable:
            continue
        for _, c in row.numbered():
            if c.per != "worker" or c.event_driven:
                continue
            holders = people.holders(c.by or row.by, day, day)
            out.setdefault(row.id, set()).update(w.id for _, w in people.workers_of(holders, c.roles, day, day))
    return out
