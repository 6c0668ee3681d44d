"""(framework, organisation, window, today) -> planned obligations. Pure and deterministic.

For every schedulable row and each of its cadences, :func:`plan` walks the
periods overlapping the window, finds the subjects in scope and who answers
for each (:mod:`qaf.engine.scope`), and makes one obligation per subject, count
and attendee, due on the last working day of the period. Cases are chosen
(:mod:`qaf.engine.sampling`) once a period has begun; until then the obligation
says when its case will be chosen. Moderation samples the completed audits
of the row it moderates, from the period before.

The planner reads no clock and writes nothing: the store reconciles the plan
(:mod:`qaf.store.obligations`).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter
from typing import Callable, Iterable, Mapping

from qaf.engine.model import CANCELLED, DONE, LIVE, OPEN, WAIVED, Completed, Obligation, ObligationKey, id_prefix, id_with
from qaf.engine.org import Case, Org, Person, Team
from qaf.engine.periods import Period, after, anniversaries, due_date, periods
from qaf.engine.sampling import CaseHistory, pick_among
from qaf.engine.scope import SAMPLE_CUT, Peers, People, Subject, active, people_of, share_out
from qaf.engine.titles import title
from qaf.engine.workdays import calendar
from qaf.rules.model import Cadence, Every, Framework, Row
from qaf.rules.roles import vocabulary_of

_REF = attrgetter("ref")
_DUE_ROW_ID = attrgetter("due", "row", "id")  # the plan's order

SAME_EVENT_DAYS = 31  # a case's event whose date moves by up to this is the same event, its date corrected
ATTENDEE_STRIDE = 100  # seq = attendee index * 100 + count index, for the first hundred of a count


def seq_of(attendee: int, n: int) -> int:
    """The key's sequence for the ``n``-th of a count and the ``attendee``-th person: never the same twice.

    The first hundred keep ``attendee * 100 + n`` (the ids every store already
    holds); from the hundred-and-first the pair is numbered below zero
    (Cantor's pairing, negated), where the first form never reaches, so a
    count of 101 with attendees cannot give two obligations one id.

    >>> seq_of(0, 5), seq_of(1, 0), seq_of(0, 100) != seq_of(1, 0)
    (5, 100, True)
    """
    if n < ATTENDEE_STRIDE:
        return attendee * ATTENDEE_STRIDE + n
    k = attendee + n
    return -(1 + k * (k + 1) // 2 + n)

CALENDAR, SAMPLES = "calendar", "samples"


def part_of(c: Cadence) -> str:
    """Scheduling has two parts: the calendar (periods, events) and samples of completed work."""
    return SAMPLES if c.sample is not None else CALENDAR


@dataclass(frozen=True, slots=True)
class _Pending:
    """An obligation (by its place in the output) still waiting for its case."""

    at: int
    period: Period
    row: Row
    cadence: Cadence
    subject: Subject
    group: tuple  # obligations of one subject, cadence and period take different cases
    id: str
    index: int  # the cadence's place in its row
    due: date
    seq: int
    attendees: tuple[str, ...]
    copies: tuple[str, ...]
    words: str  # the title while no case is chosen


@dataclass(frozen=True)
class Plan:
    framework: str
    first: date
    last: date
    obligations: tuple[Obligation, ...]
    notes: tuple[str, ...] = ()


@dataclass
class _Planner:
    fw: Framework
    org: Org
    first: date
    last: date
    today: date
    existing: Mapping[str, Obligation]  # what the store holds for this window: picks and samples are kept
    history: CaseHistory
    completed: tuple[Completed, ...]
    parts: tuple[str, ...]
    people: People = field(init=False)
    out: list[Obligation] = field(default_factory=list)
    notes: dict[str, None] = field(default_factory=dict)
    unanswered: dict[tuple[str, str], dict[str, None]] = field(default_factory=dict)
    pending: list["_Pending"] = field(default_factory=list)
    sink: Callable[[list[Obligation]], None] | None = None  # handed each finished obligation as it is made
    pulse: Callable[[], None] = lambda: None  # called at each cadence: the caller keeps a lease (a tick's claim on its day)
    inherit: bool = False  # periods gone by: a worker's new line manager answers for them, however late he came

    def __post_init__(self) -> None:
        self.people = people_of(self.org, vocabulary_of(self.fw))
        self.workdays = calendar(self.fw.working_days)
        self.teams = sorted(self.org.teams, key=lambda t: t.id)
        self.any_transferred = any(k.transferred for k in self.org.cases)
        self._named: dict[tuple, tuple[str, ...]] = {}
        self._open: dict[tuple, tuple[str, ...]] = {}
        self._by_ref: dict[tuple, tuple[tuple[str, date, date], ...]] = {}  # (ref, opened, closed or date.max), by ref
        self._later: dict[date, str] = {}
        self._titles: dict[tuple, str] = {}

    def note(self, text: str) -> None:
        self.notes.setdefault(text, None)

    # --- rows and cadences ----------------------------------------------------------

    def run(self) -> Plan:
        for row in self.fw.rows:
            if not row.schedulable:
                continue
            for index, cadence in row.numbered():
                if part_of(cadence) not in self.parts:
                    continue
                self.pulse()
                made = len(self.out)
                if cadence.event_driven:
                    self.events(row, index, cadence)
                elif cadence.sample is not None:
                    self.moderation(row, index, cadence)
                else:
                    self.cadence(row, index, cadence)
                if self.sink is not None:  # all but those waiting for their case (a placeholder) are final
                    self.sink([o for o in self.out[made:] if o is not None])
        self.pulse()
        self.choose_cases()
        self.pulse()
        if self.sink is not None:
            self.sink([self.out[p.at] for p in self.pending])
        self.out.sort(key=_DUE_ROW_ID)
        for (row_id, roles), teams in self.unanswered.items():
            names = ", ".join(teams)
            self.note(f"{row_id}: no {roles} answers for team{'s' if len(teams) > 1 else ''} {names}; not scheduled for {'them' if len(teams) > 1 else 'it'}")
        return Plan(self.fw.id, self.first, self.last, tuple(self.out), tuple(self.notes))

    def cadence(self, row: Row, index: int, c: Cadence) -> None:
        assert c.every is not None
        for every, team_filter in self.variants(c):
            for period in periods(every, self.fw.year_start, self.first, self.last):
                if c.except_months and set(period.months) <= set(c.except_months):  # a period always touches a month
                    continue
                due = due_date(period, self.workdays)
                for subject in self.subjects(row, c, period, due, team_filter):
                    self.emit(row, index, c, period, due, subject)

    def variants(self, c: Cadence) -> list[tuple[Every, object]]:
        """(period, team filter) pairs: the cadence itself, then each team-kind variation."""
        if not c.variations:
            return [(c.every, None)]
        varied = {v.team_kind for v in c.variations}
        out: list[tuple[Every, object]] = [(c.every, lambda t: t.kind not in varied)]
        for v in c.variations:
            out.append((v.every, lambda t, kind=v.team_kind: t.kind == kind))
        return out

    # --- subjects -------------------------------------------------------------------

    def subjects(self, row: Row, c: Cadence, period: Period, due: date, team_filter) -> list[Subject]:
        roles = c.by or row.by
        # whose work it is: a holder's own work needs them there all the period, as any subject does; another's
        # (a worker's, a team's) goes to whoever holds the role on its due date, so when a Practice Manager leaves
        # mid-month and the next starts, the month's audits of her workers pass to him instead of falling away as
        # "line manager changed"; and work of periods gone by (``inherit``) to a worker's line manager however
        # late he came: "a new line manager inherits open ones", overdue ones too
        own = c.per in ("assignee", "body")
        holders = self.people.holders(roles, period.start if own else due, due, or_since=self.inherit and c.per == "worker")
        if c.per == "body" or (c.per == "assignee" and c.kind == "meeting" and c.to and not c.with_ and not c.rota):
            return self.bodies(c, period, due, holders)  # a meeting of a body is one meeting, whoever attends
        if c.per == "assignee":
            if c.rotate:
                return self.rotation(c, period, self.in_role_order(roles, holders))
            if c.rota and holders:  # one of them, in turn; the rota itself is the subject
                h = holders[period.ordinal % len(holders)]
                return [Subject("rota", "rota", h.id, h.team, h.name)]
            if c.joint and len(holders) > 1:  # one piece of work for all of them: the first named role's holder owns it
                owner, *others = self.in_role_order(roles, holders)
                return [Subject("joint", "joint", owner.id, owner.team, owner.name, tuple(p.id for p in others))]
            return [Subject("assignee", h.id, h.id, h.team, h.name) for h in holders]
        if c.per == "worker":
            return [Subject("worker", w.id, m.id, w.team, w.name) for m, w in self.people.workers_of(holders, c.roles, period.start, due)]
        if c.per == "case_holder":
            out = []
            for h in self.people.holders(c.roles, period.start, due):
                boss = self.people.nearest_up_line(h.id, holders) or (holders[0] if len(holders) == 1 else None)
                if boss is None:
                    self.note(f"{row.id}: nobody holding {' or '.join(roles)} answers for {h.name}; not scheduled")
                    continue
                out.append(Subject("case_holder", h.id, boss.id, h.team, h.name))
            return out
        if c.per == "team":
            return self.teams_in_scope(row, c, period, holders, team_filter)
        if c.per in ("service", "area"):
            return self.groups_in_scope(row, c, period, holders)
        raise ValueError(f"unknown per {c.per!r}")  # validation makes this unreachable

    def in_role_order(self, roles: tuple[str, ...], holders: list[Person]) -> list[Person]:
        """Holders by the first of ``roles`` they hold (the row names its lead first), then by id."""
        rank = {role: i for i, role in enumerate(roles)}
        def first(p: Person) -> int:
            return min((rank[r] for r in self.people.roles.get(p.id, ()) if r in rank), default=len(roles))
        return sorted(holders, key=lambda p: (first(p), p.id))

    def bodies(self, c: Cadence, period: Period, due: date, holders: list[Person]) -> list[Subject]:
        """One subject per body named in ``to``: its chair convenes (owns) it, its members attend.

        A body the organisation does not list (or lists with no chair or
        members) falls back on the row's role holders: the first owns the
        meeting, the others attend.
        """
        out = []
        for name in c.to:
            body = self.people.body(name)
            members = self.people.members(body, period.start, due) if body else []
            chair = self.org.person(body.chair) if body and body.chair else None
            if chair is not None and not active(chair, period.start, due):
                chair = None
            owner = chair or next((m for m in members if m in holders), None) or (members[0] if members else None)
            if owner is None and holders:
                owner = holders[0]
            if owner is None:
                continue
            pool = members if body is not None and body.members else holders
            attending = tuple(dict.fromkeys(p.id for p in pool if p.id != owner.id))
            label = body.name if body else name
            out.append(Subject("body", body.id if body else name, owner.id, owner.team, label, attending))
        return out

    def kind_ok(self, c: Cadence, team: Team, team_filter) -> bool:
        return (c.team_kind is None or team.kind == c.team_kind) and (team_filter is None or team_filter(team))

    def teams_in_scope(self, row: Row, c: Cadence, period: Period, holders: list[Person], team_filter) -> list[Subject]:
        out = []
        teams = [t for t in self.teams if self.kind_ok(c, t, team_filter)]
        ids = tuple(h.id for h in holders)
        if c.teams == "managed":  # teams outside every holder's line are out of scope, not unanswered
            teams = [t for t in teams if self.people.manages(t, holders, ids)]
        same_kind = self.team_kind_of if c.peer == "different_team" else None  # "on behalf of another team": of its kind
        peers = Peers(holders, self.group_of(c.peer), same_kind) if c.peer else None
        for i, team in enumerate(teams):
            if peers is not None:
                target = team.service if c.peer == "different_service" else team.id if c.peer == "different_team" else team.area
                who = peers.pick(target, i, period.ordinal, team.kind)
            else:
                who = self.people.responsible_for_team(team, holders, c.within, i, ids)
            if who is None:
                if holders:  # a team nobody in the role answers for is out of this row's scope
                    self.unanswered.setdefault((row.id, " or ".join(c.by or row.by)), {})[team.id] = None
                continue
            out.append(Subject("team", team.id, who.id, team.id, f"team {team.name}"))
        return out

    def group_of(self, peer: str):
        """A person's group for a peer rotation: their service, team or area."""
        if peer == "different_service":
            return self.people.service
        if peer == "different_team":
            return lambda person: person.team
        return self.people.area

    def team_kind_of(self, person: Person) -> str | None:
        team = self.org.team(person.team) if person.team else None
        return team.kind if team else None

    def groups_in_scope(self, row: Row, c: Cadence, period: Period, holders: list[Person]) -> list[Subject]:
        kind = c.per
        teams = [t for t in self.teams if c.team_kind is None or t.kind == c.team_kind]
        groups = sorted({t.service if kind == "service" else t.area for t in teams} - {""})
        of = self.people.service if kind == "service" else self.people.area
        out = []
        peers = Peers(holders, of) if c.peer else None
        for i, group in enumerate(groups):
            inside = [h for h in holders if of(h) == group]
            if peers is not None:
                who = peers.pick(group, i, period.ordinal)
            elif inside:
                who = inside[0]
            elif c.within == "all" and holders:
                who = holders[i % len(holders)]
            else:
                who = None
            if who is None:
                if holders:
                    self.note(f"{row.id}: no {' or '.join(c.by or row.by)} answers for {kind} {group}; not scheduled")
                continue
            out.append(Subject(kind, group, who.id, who.team, f"{kind} {group}"))
        return out

    def rotation(self, c: Cadence, period: Period, holders: list[Person]) -> list[Subject]:
        """One target per period, in turn; every holder of the row's roles goes."""
        teams = [t for t in self.teams if c.team_kind is None or t.kind == c.team_kind]
        if c.rotate == "team":
            targets = [(t.id, t.id, f"team {t.name}") for t in teams]
        else:
            names = sorted({t.service if c.rotate == "service" else t.area for t in teams} - {""})
            targets = [(n, None, f"{c.rotate} {n}") for n in names]
        if not targets or not holders:
            return []
        target, team, label = targets[period.ordinal % len(targets)]
        others = tuple(h.id for h in holders[1:])  # every holder of the row's roles goes: the first leads
        return [Subject(c.rotate or "team", target, holders[0].id, team, label, others)]

    # --- obligations ---------------------------------------------------------------

    def emit(self, row: Row, index: int, c: Cadence, period: Period, due: date, s: Subject) -> None:
        """One obligation per count for the subject's owner; the others attend it or are copied."""
        attendees = self.attendees(c, s, period, due) if s.attendees or c.with_ else ()
        copies = self.copies(c, s.assignee, attendees, period, due) if c.copy else ()
        count = c.count if c.share is None else self.count(c, s, period)
        fw_id, out, start = self.fw.id, self.out, period.start
        key = (row.id, index, s.kind, s.label)
        words = self._titles.get(key)
        if words is None:  # a subject's title is the same every period until its case is chosen
            words = self._titles[key] = title(self.org, row, c, s, None)
        prefix = id_prefix(fw_id, row.identity, index, start, s.kind, s.id, c.kind)
        if c.case or c.share is not None:  # the case is chosen later, in date order, and the obligation made with it
            group = (row.id, index, s.kind, s.id, start)
            # a period not begun chooses no case and touches no history: its obligations are made now,
            # as choose_cases would make them, unless the store holds a case chosen before
            later = self.later(start) if start > self.today else None
            existing = self.existing
            for n in range(count):
                seq = seq_of(0, n)
                oid = id_with(prefix, seq)
                if later is not None and not getattr(existing.get(oid), "case", None):
                    out.append(Obligation(
                        oid, fw_id, row.id, index, c.kind, words, s.assignee, s.kind, s.id, start, period.end, due,
                        None, s.team, OPEN, None, None, seq, later, 0, attendees, copies,
                    ))  # fmt: skip
                    continue
                self.pending.append(_Pending(len(out), period, row, c, s, group, oid, index, due, seq, attendees, copies, words))
                out.append(None)  # type: ignore[arg-type]  # its place, filled by choose_cases
            return
        for n in range(count):
            seq = seq_of(0, n)
            out.append(Obligation(
                id_with(prefix, seq), fw_id, row.id, index, c.kind,
                words, s.assignee, s.kind, s.id, start, period.end, due, None, s.team, OPEN, None, None, seq, None, 0,
                attendees, copies,
            ))  # fmt: skip

    def choose_cases(self) -> None:
        """Choose every case in date order, so that history is the same whatever the row order."""
        position = {row.id: i for i, row in enumerate(self.fw.rows)}
        taken: dict[tuple, set[str]] = {}
        fw_id, out = self.fw.id, self.out
        for p in sorted(self.pending, key=lambda p: (p.period.start, position[p.row.id], p.group, p.seq)):
            s, c = p.subject, p.cadence
            case, status, reason, sample = self.choose(p.id, p.period, s, taken.setdefault(p.group, set()), c)
            out[p.at] = Obligation(
                p.id, fw_id, p.row.id, p.index, c.kind, title(self.org, p.row, c, s, case) if case else p.words, s.assignee, s.kind, s.id,
                p.period.start, p.period.end, p.due, case, s.team, status, reason, None, p.seq, sample, 0,
                p.attendees, p.copies,
            )  # fmt: skip

    def attendees(self, c: Cadence, s: Subject, period: Period, due: date) -> tuple[str, ...]:
        """Who attends the owner's work: the subject's own (a body's members, a joint piece's other
        holders), then every holder of each role in ``with``; each once, never the owner."""
        if not s.attendees and not c.with_:
            return ()
        out = dict.fromkeys((*s.attendees, *self.named(c.with_, period, due)))
        out.pop(s.assignee, None)  # type: ignore[arg-type]
        return tuple(out)

    def named(self, roles: tuple[str, ...], period: Period, due: date) -> tuple[str, ...]:
        """Everyone a list of roles names: every holder of a role, a body's members (its chair if none listed)."""
        if not roles:
            return ()
        key = (roles, period.start, due)
        found = self._named.get(key)
        if found is None:  # the same for every subject of a cadence's period
            found = self._named[key] = tuple(self._named_now(roles, period, due))
        return found

    def _named_now(self, roles: tuple[str, ...], period: Period, due: date) -> list[str]:
        out: list[str] = []
        for role in roles:
            body = self.people.body(role) if self.people.vocab.is_body(role) else None
            found = self.people.members(body, period.start, due) if body and body.members else \
                self.people.holders((role,), period.start, due)  # fmt: skip
            out += [h.id for h in found]
        return out

    def copies(self, c: Cadence, owner: str | None, attendees: tuple[str, ...], period: Period, due: date) -> tuple[str, ...]:
        """Every holder of each role in ``copy`` (a body's members for a body), unless they own or attend it.

        With ``copy_of: assignee`` a role held up the owner's line goes to its nearest holder there alone
        (3.3's "summary to be forwarded to Head of Service": the Operations Manager's own), else to every holder.
        """
        if not c.copy:
            return ()
        named: list[str] = []
        for role in c.copy:
            if c.copy_of == "assignee" and owner and not self.people.vocab.is_body(role):
                nearest = self.people.nearest_up_line(owner, self.people.holders((role,), period.start, due))
                if nearest is not None:
                    named.append(nearest.id)
                    continue
            named += self.named((role,), period, due)
        return tuple(p for p in dict.fromkeys(named) if p != owner and p not in attendees)

    def cases_of(self, s: Subject, c: Cadence | None = None) -> tuple[Case, ...]:
        """The cases an audit of ``s`` samples; an assignee's own audit samples their line's (a manager's teams and workers)."""
        if s.kind == "assignee":
            if c is not None and c.caseload == "own":
                return self.org.caseload(s.assignee or "")
            return self.people.line_cases(s.assignee or "")
        if s.kind in ("worker", "case_holder"):
            return self.org.caseload(s.id)
        if s.kind == "team":
            return self.org.team_cases(s.id)
        if s.kind in ("service", "area"):
            teams = [t.id for t in self.teams if (t.service if s.kind == "service" else t.area) == s.id]
            return tuple(c for t in teams for c in self.org.team_cases(t))
        return ()

    def open_refs(self, s: Subject, c: Cadence | None, day: date) -> tuple[str, ...]:
        """The references of the cases an audit of ``s`` samples that are open on ``day``, sorted
        (once per subject and day: every count of a share, and every period's pick, reads them)."""
        own = c is not None and c.caseload == "own"
        key = (s.kind, s.id, s.assignee, own, day)
        found = self._open.get(key)
        if found is None:
            spans = self._by_ref.get(key[:4])
            if spans is None:  # sorted once per subject: each day's open ones keep the order
                spans = self._by_ref[key[:4]] = tuple(
                    (k.ref, k.opened, date.max if k.closed is None else k.closed) for k in sorted(self.cases_of(s, c), key=_REF)
                )  # fmt: skip
            found = self._open[key] = tuple([ref for ref, opened, closed in spans if opened <= day <= closed])
        return found

    def count(self, c: Cadence, s: Subject, period: Period) -> int:
        if c.share is None:
            return c.count
        open_cases = len(self.open_refs(s, c, period.start))
        return max(1, math.ceil(open_cases * c.share / 100)) if open_cases else 1

    def later(self, start: date) -> str:
        """The sample reason of a case audit whose period has not begun (one string per period start)."""
        found = self._later.get(start)
        if found is None:
            found = self._later[start] = f"a case is chosen when the period starts on {start.isoformat()}"
        return found

    def choose(self, oid: str, period: Period, s: Subject, taken: set[str], c: Cadence | None = None):
        """(case, status, status_reason, sample_reason) for a case audit."""
        held = self.existing.get(oid)
        if held is not None and held.case:
            ref = held.case
            taken.add(ref)
            return ref, OPEN, None, None  # chosen before: never re-chosen
        if period.start > self.today:
            return None, OPEN, None, self.later(period.start)
        owner = f"{s.kind.replace('_', ' ')} {s.label}".replace("team team", "team").replace("service service", "service").replace("area area", "area")
        if s.kind == "assignee" and (c is None or c.caseload != "own") and self.org.reports(s.assignee or ""):
            owner = f"the line of {s.label}"
        pick = pick_among(
            oid, self.open_refs(s, c, period.start), period.start, self.history, self.fw.recent_audit_months, owner, taken,
            waive_if_all_recent=self.fw.when_all_recent == "waive",
        )  # fmt: skip
        if pick.case is None:
            return None, WAIVED, pick.reason, pick.reason
        taken.add(pick.case)
        self.history.add(pick.case, period.start)
        return pick.case, OPEN, None, pick.reason

    # --- moderation: a sample of another row's completed audits ---------------------

    def moderation(self, row: Row, index: int, c: Cadence) -> None:
        """A sample of the previous period's completed audits of ``c.sample.row``.

        A sample once drawn is kept; audits completed (or recorded) later top it
        up to the share asked for, so the sample grows with late audits. An audit
        moderated already (another period's sample, a trigger's moderation, its
        grade moderated by hand) is never drawn again: it counts among the
        audits completed, but the share is drawn from the rest. A sample the
        framework cuts (R2's 10% made one a month) keeps what was done first,
        then what is still to do, up to the new size; the rest leave the plan
        (cancelled, saying the row asks for fewer) and come back, before any
        fresh draw, if the size grows again (the amendment withdrawn).
        """
        assert c.sample is not None and c.every is not None
        for period in periods(c.every, self.fw.year_start, self.first, self.last):
            if period.start > self.today:
                continue
            due = due_date(period, self.workdays)
            previous = periods(c.every, self.fw.year_start, period.start - timedelta(days=1), period.start - timedelta(days=1))[0]
            done = sorted((a for a in self.completed if a.row == c.sample.row and a.done_on in previous), key=lambda a: a.id)
            held = sorted(
                (o for o in self.existing.values() if o.row == row.id and o.cadence == index and o.period_start == period.start),
                key=lambda o: o.subject,
            )
            holders = self.people.holders(c.by or row.by, period.start, due)
            for key, (done_here, held_here) in self.sample_groups(c, done, held, holders).items():
                self.sampled(row, index, c, period, due, previous, key, done_here, held_here, holders)

    def sample_groups(self, c: Cadence, done: list[Completed], held: list[Obligation], holders: list[Person]) -> dict:
        """The period's audits and the sample held, as one group; or, ``each`` moderator drawing her own
        sample, one group a moderator (the holder an audit goes to up its auditor's line)."""
        assert c.sample is not None
        if not c.sample.each:
            return {None: (done, held)}
        whose = {a.id: getattr(self.moderator(c.sample.moderator, a, holders, Counter()), "id", None) for a in done}
        groups: dict[str | None, tuple[list[Completed], list[Obligation]]] = {}
        for a in done:
            groups.setdefault(whose[a.id], ([], []))[0].append(a)
        for o in held:
            groups.setdefault(whose.get(o.subject, o.assignee), ([], []))[1].append(o)
        return dict(sorted(groups.items(), key=lambda kv: kv[0] or ""))

    def sampled(self, row: Row, index: int, c: Cadence, period: Period, due: date, previous: Period, key: str | None,
                done: list[Completed], held: list[Obligation], holders: list[Person]) -> None:  # fmt: skip
        """One sample (``key``: the moderator whose own it is, ``each`` moderator drawing one): as held, cut
        to its size, or topped up from the audits not drawn yet."""
        assert c.sample is not None
        n = c.sample.count if c.sample.count is not None else math.ceil(len(done) * (c.sample.percent or 0) / 100)
        asked = min(n, len(done))
        # done work first, then work still to do, then work a cut cancelled (back first if the sample grows again);
        # one cancelled for another reason (nobody left to moderate it) keeps its place and its reason
        ranked = sorted(held, key=lambda o: (o.status != DONE, o.status not in LIVE, not _cut(o), o.subject))
        held = ranked[:max(asked, sum(1 for o in held if o.status == DONE))]  # the rest: the plan holds them no more
        drawn = {o.subject for o in ranked}
        fresh = [a for a in done if a.id not in drawn and not a.moderated]
        wanted = max(0, asked - len(held))
        rng = random.Random(f"{self.fw.id}/{row.id}/{period.start}/{len(held)}" + (f"/{key}" if key else ""))
        chosen = sorted(rng.sample(fresh, min(wanted, len(fresh))), key=lambda a: a.id)
        owner = self.org.person(key) if key else None
        whose = f" in the line of {owner.name}" if owner is not None else ""
        reason = f"{len(held) + len(chosen)} of {len(done)} audits of row {c.sample.row} completed {previous}{whose}"
        load = Counter(o.assignee for o in held if o.assignee and o.status in LIVE)
        for o in held:  # as drawn before, with the reason brought up to date; one a cut cancelled, open again
            status, why = (OPEN, None) if _cut(o) else (o.status, o.status_reason)
            who = self.moderator_now(c, c.by or row.by, o, done, load) if status in LIVE else o.assignee
            self.out.append(Obligation(
                o.id, o.framework, o.row, o.cadence, o.kind, o.title, who, o.subject_kind, o.subject,
                o.period_start, o.period_end, o.due, o.case, o.team, status, why, o.cause, o.seq,
                reason if status in LIVE else o.sample_reason,
            ))  # fmt: skip
        for audit in chosen:
            who = self.moderator(c.sample.moderator, audit, holders, load)
            okey = ObligationKey(self.fw.id, row.identity, index, period.start, "obligation", audit.id, c.kind, 0)
            s = Subject("obligation", audit.id, who.id if who else None, audit.team, f"audit {audit.id}")
            self.out.append(Obligation(
                id=okey.id, framework=self.fw.id, row=row.id, cadence=index, kind=c.kind,
                title=title(self.org, row, c, s, audit.case), assignee=s.assignee, subject_kind=s.kind,
                subject=s.id, period_start=period.start, period_end=period.end, due=due, case=audit.case,
                team=audit.team, cause=audit.id, sample_reason=reason,
            ))  # fmt: skip

    def moderator_now(self, c: Cadence, roles: tuple[str, ...], held: Obligation, done: list[Completed], load: Counter) -> str | None:
        """Who moderates ``held``, drawn before, now: its moderator while in post; once they have left,
        whoever :meth:`moderator` finds among those in post today (the Head of Service's successor up the
        auditor's line, another of the pool), else still theirs."""
        current = self.org.person(held.assignee or "")
        if current is None or current.active_on(self.today):
            return held.assignee
        audit = next((a for a in done if a.id == held.subject), None)
        in_post = self.people.holders(roles, self.today, self.today)
        found = self.moderator(c.sample.moderator, audit, in_post, load) if audit is not None and c.sample is not None else None
        return found.id if found is not None else held.assignee

    def moderator(self, how: str, audit: Completed, holders: list[Person], load: Counter) -> Person | None:
        """Who moderates ``audit``: the pool's least loaded holder, or the nearest above the auditor; never one
        of its authors (its assignee, or the manager above who did it for them)."""
        if how == "up_the_line":
            others = [h for h in holders if h.id not in audit.authors]
            who = self.people.nearest_up_line(audit.assignee or "", others)
            if who is None and others:  # nobody above the auditor: share the sample out in turn
                who = others[int(audit.id, 16) % len(others)]
            return who
        who = share_out(holders, load, audit.id, exclude=audit.authors)
        if who is None and holders:
            self.note(f"the only moderator for audit {audit.id} is its author: not assigned")
        if who is not None:
            load[who.id] += 1
        return who

    # --- event-driven rows ----------------------------------------------------------

    def events(self, row: Row, index: int, c: Cadence) -> None:
        holders_for = lambda day: self.people.holders(c.by or row.by, day, day)  # noqa: E731
        held = self.held_events(row, index, c)
        for case in sorted(self.org.cases, key=lambda k: k.ref):
            dates = self.event_dates(c, case)
            for when, due in dates:
                if not (when <= self.last and due >= self.first):
                    continue
                if c.anniversary is not None and not case.open_on(due):
                    continue  # no review of a case closed before it is due: one held is cancelled, the case closed
                self.event(row, index, c, case, when, due, self.same_event(held.get(case.ref, []), due, dates), holders_for)

    def event(self, row: Row, index: int, c: Cadence, case: Case, when: date, due: date, before: Obligation | None, holders_for) -> None:
        """The work of one of a case's events (``before``: what the store holds for it)."""
        if before is not None and before.period_start != when and abs((before.due - due).days) <= SAME_EVENT_DAYS:
            # the case's event with its date corrected (a closure put back from 28 June to 3 July): the same
            # work, not more of it. Done for the date it had, it is not asked for again; else it moves. Moved
            # further, it is another event (a case reopened and closed again), and has work of its own.
            if before.status == DONE:
                return
            if before.period_start <= due:
                when = before.period_start
        holders = holders_for(due)
        worker = case.worker or ""
        who = self.people.nearest_up_line(worker, holders) if worker else None
        if who is None and worker and any(h.id == worker for h in holders):
            who = next(h for h in holders if h.id == worker)
        if who is None:
            team = self.org.team(case.team)
            who = self.people.responsible_for_team(team, holders, "all") if team else None
        s = Subject("case", case.ref, who.id if who else None, case.team, f"case {case.ref}")
        key = ObligationKey(self.fw.id, row.identity, index, when, "case", case.ref, c.kind, 0)
        self.out.append(Obligation(
            id=key.id, framework=self.fw.id, row=row.id, cadence=index, kind=c.kind,
            title=title(self.org, row, c, s, case.ref), assignee=s.assignee, subject_kind="case",
            subject=case.ref, period_start=when, period_end=due, due=due, case=case.ref, team=case.team,
        ))  # fmt: skip

    def held_events(self, row: Row, index: int, c: Cadence) -> dict[str, list[Obligation]]:
        """The work the store holds for this cadence's event, by case: done work first, then live, then any."""
        rank = {DONE: 0, **{s: 1 for s in LIVE}}
        out: dict[str, list[Obligation]] = {}
        for o in self.existing.values():
            if o.row == row.id and o.cadence == index and o.subject_kind == "case" and o.kind == c.kind:
                out.setdefault(o.subject, []).append(o)
        for found in out.values():
            found.sort(key=lambda o: (rank.get(o.status, 2), o.id))
        return out

    @staticmethod
    def same_event(held: list[Obligation], due: date, dates: list[tuple[date, date]]) -> Obligation | None:
        """What the store holds for the case's event due on ``due``: the first held (done, then live), or, for
        an event that repeats (an anniversary), the first held nearer this one than any other of the case's."""
        if len(dates) == 1:
            return held[0] if held else None
        for o in held:
            if min(dates, key=lambda d: (abs((d[1] - o.due).days), d[1]))[1] == due:
                return o
        return None

    def event_dates(self, c: Cadence, case: Case) -> list[tuple[date, date]]:
        """(when, due) of each of the case's events: one, or an anniversary's repeats near the window."""
        if c.on == "case_opened":
            return [(case.opened, after(case.opened, c.due_within, self.workdays) if c.due_within else self.workdays.add(case.opened, 20))]
        if c.on == "case_closing" and case.closed:
            due = self.workdays.last_on_or_before(case.closed)
            start = self.workdays.add(case.closed, -(c.due_within.n if c.due_within else 10))
            return [(start, due)]
        if c.anniversary is not None and c.anniversary.date == "opened":
            a = c.anniversary
            if a.then is None:
                first = after(case.opened, a.first, self.workdays)
                return [(first, first)]
            # from before the window to after it, so held work is matched to the review it is nearest
            near = timedelta(days=2 * SAME_EVENT_DAYS)
            return [(d, d) for d in anniversaries(case.opened, a.first, a.then, self.workdays, self.first - near, self.last + near)]
        if c.on == "case_transfer":  # "on transfer": due within the span after it (10 working days)
            if case.transferred is None:
                if not self.any_transferred:
                    self.note("case_transfer: no case in the organisation data has a transferred date (cases.csv 'transferred'); not scheduled")
                return []
            due = after(case.transferred, c.due_within, self.workdays) if c.due_within else self.workdays.add(case.transferred, 10)
            return [(case.transferred, due)]
        if c.anniversary is not None:
            self.note(f"{c.on or 'anniversary of ' + c.anniversary.date}: the organisation data has no such date; not scheduled")
        return []


def _nothing() -> None:
    pass


def plan(
    fw: Framework,
    org: Org,
    first: date,
    last: date,
    today: date,
    existing: Mapping[str, Obligation] | None = None,
    history: CaseHistory | None = None,
    completed: Iterable[Completed] = (),
    parts: tuple[str, ...] = (CALENDAR, SAMPLES),
    sink: Callable[[list[Obligation]], None] | None = None,
    inherit: bool = False,
    pulse: Callable[[], None] | None = None,
) -> Plan:
    """Every obligation the framework asks of the organisation for periods overlapping first..last.

    ``sink``, if given, is handed the plan's obligations as they are made, a
    batch at a time, each exactly once (the plan holds them all too, sorted):
    a store can be writing them while the rest are planned. ``inherit``: the
    periods are gone by (their work overdue), and a worker's audits go to her
    line manager now, even one who started after their due date. ``pulse()``, if
    given, is called as each cadence is planned (and around the choice of
    cases): a caller holding a lease (a tick's claim on its day) renews it there.
    """
    planner = _Planner(fw, org, first, last, today, existing or {}, history or CaseHistory(), tuple(completed), parts, sink=sink,
                       inherit=inherit, pulse=pulse or _nothing)  # fmt: skip
    return planner.run()


def copied_on(fw: Framework, org: Org, ob: Obligation, day: date) -> tuple[str, ...]:
    """Who ``ob``'s work is copied to on ``day``, as a plan made that day names them (its cadence's ``copy``,
    :meth:`_Planner.copies`): person ids. To copy in a leaver's place a notice still waiting to be sent."""
    row = fw.by_id.get(ob.row)
    cadence = row.cadence_of(ob.cadence) if row is not None else None
    if cadence is None:
        return ()  # a trigger's work (cadence -1), or a cadence the framework no longer has: the row copies nobody
    return _Planner(fw, org, day, day, day, {}, CaseHistory(), (), ()).copies(cadence, ob.assignee, ob.attendees, Period(day, day), day)


def _cut(o: Obligation) -> bool:
    """Whether ``o`` is a moderation a sample cut cancelled (the framework asked for fewer)."""
    return o.status == CANCELLED and (o.status_reason or "").endswith(SAMPLE_CUT)
