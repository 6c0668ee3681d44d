"""Recording what an audit found, and what the framework says must follow. Pure.

:func:`check_recording` says what is wrong with a recording (every problem);
:func:`consequences` turns the triggers that fired into new obligations
(follow-up audits, reviews, moderation, QA sign-off), notices (alerts,
grade notifications) and shortfalls ("asked for two further files, found
one"). The store persists all of it in the transaction that records the
outcome, or none of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Collection, Mapping

from qaf.engine import typed
from qaf.engine.actions import ActionSpec, graded_worker, raise_actions
from qaf.engine.model import LIVE, Obligation, ObligationKey, a_kind
from qaf.engine.notices import HELD_DAYS, Notice, copy_notices, held_for_nobody, notice_for
from qaf.engine.org import Org, Person
from qaf.engine.periods import after
from qaf.engine.rules_ref import Event, Fired
from qaf.engine.sampling import CaseHistory, pick_among
from qaf.engine.scope import People, people_of, share_out
from qaf.engine.titles import follow_up_title
from qaf.engine.workdays import calendar
from qaf.rules.model import Action, Framework
from qaf.rules.plain import WORDS, quoted
from qaf.rules.problems import Problem, Source
from qaf.rules.roles import vocabulary_of
from qaf.rules.settings import grade_key

GRADED = ("audit", "follow_up_audit", "review")
CLI = Source("qaf record", 0)  # where a command's refusals come from: its name, where a file's would say FILE:LINE
MODERATE = Source("qaf moderate", 0)
EXTEND = Source("qaf extend", 0)
ACTION_DONE = Source("qaf action done", 0)


def was_graded(ob: Obligation) -> bool:
    """Whether ``ob`` is graded work (:data:`GRADED`) whose grade is recorded: what the report's grades count,
    what a worker may contest, and what makes it the graded worker's to read (:func:`graded_worker` says whose).

    >>> audit = Obligation("a1", "fw", "3.16", 0, "audit", "Audit", "PM1", "person", "SW1", date(2024, 6, 1),
    ...                    date(2024, 6, 30), date(2024, 6, 28))
    >>> was_graded(audit)  # not yet: it is the auditor's work
    False
    """
    return ob.kind in GRADED and ob.outcome is not None and bool(ob.outcome.grade)


@dataclass(frozen=True, slots=True)
class Recording:
    """What a user asks to record against one obligation."""

    obligation: str
    grade: str | None
    concerns: bool = False
    areas: tuple[tuple[str, str], ...] = ()
    by: str | None = None
    date: date | None = None
    notes: str = ""
    actions: tuple[ActionSpec, ...] = ()  # what the audit says must be done (engine/actions.py)
    carried_out: tuple[str, ...] | None = None  # a review: which of the audit's actions were carried out


@dataclass(frozen=True)
class Consequences:
    obligations: tuple[Obligation, ...] = ()
    notices: tuple[Notice, ...] = ()
    shortfalls: tuple[str, ...] = ()
    events: tuple[tuple[str, str, dict], ...] = ()  # (kind, ref, payload) for the event log


_NOTHING = Consequences()


def parse_areas(text: str, fw: Framework) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """``'Chronology=inadequate,Plan=good'`` -> ((area, grade), ...), and what is wrong with it.

    What is wrong quotes a short token only (:func:`~qaf.rules.plain.quoted`): ``qaf record --areas``, a CSV's
    cell, the API's body and a form's field may each hold a note or a child's name put in the wrong place, and
    no error holds what people type. Words are said to be words.

    >>> from types import SimpleNamespace as ns
    >>> fw = ns(areas=("Chronology", "Plan"), grades=("good", "inadequate"))
    >>> parse_areas("Chronology=good,Plan=splendid,Chronolgy=good,Voice", fw)[1]
    ["grade 'splendid' for Plan is not on the scale (good, inadequate)", "unknown key area 'Chronolgy' (areas: Chronology, Plan)", "'Voice' is not AREA=GRADE"]
    >>> parse_areas("Plan=Emily Smith,Emily Smith=good,Emily Smith", fw)[1]
    ['words, not a grade on the scale, for Plan (good, inadequate)', 'words, not a key area (areas: Chronology, Plan)', 'words, not AREA=GRADE']
    """
    out: list[tuple[str, str]] = []
    wrong: list[str] = []
    names = {a.strip().lower(): a for a in fw.areas}  # typed without regard to case or the spaces around it
    areas = ", ".join(fw.areas) or "none in this framework"
    for part in (p.strip() for p in text.split(",") if p.strip()):
        if "=" not in part:
            shown = quoted(part)
            wrong.append("words, not AREA=GRADE" if shown == WORDS else f"{shown.strip()} is not AREA=GRADE")
            continue
        name, grade = (x.strip() for x in part.split("=", 1))
        area = names.get(name.lower())
        if area is None:
            shown = quoted(name)
            wrong.append(f"words, not a key area (areas: {areas})" if shown == WORDS else f"unknown key area{shown} (areas: {areas})")
            continue
        if grade_key(grade) not in fw.grades:
            shown, scale = quoted(grade), ", ".join(fw.grades)
            wrong.append(f"words, not a grade on the scale, for {area} ({scale})" if shown == WORDS else f"grade{shown} for {area} is not on the scale ({scale})")
            continue
        out.append((area, grade_key(grade)))
    return tuple(out), wrong


def moderating_roles(fw: Framework) -> frozenset[str]:
    """The roles the framework gives moderation to: its moderation rows' and triggers', and who settles a contest."""
    found = {fw.contest_moderator}
    for row in fw.rows:
        for cadence in row.cadences:
            if cadence.kind == "moderation":
                found.update(cadence.by or row.by)
        for trigger in row.triggers:
            found.update(a.role for a in trigger.then if a.do == "moderation" and a.role)
    return frozenset(found)


def may_act(org: Org, person_id: str, assignee: str | None) -> bool:
    """The assignee, or anyone above them in the line, may record for them."""
    if assignee is None or person_id == assignee:
        return True
    return any(p.id == person_id for p in org.line(assignee))


def signoff_refusals(org: Org, audit: Obligation, by: str | None) -> list[Problem]:
    """Why ``by`` may not sign off the moderated ``audit`` (the triple lock: three people): [] when they may.

    Whoever did the audit or answered for it (:attr:`Obligation.authors`), and whoever moderated it,
    do not sign it off: someone above both the moderator and the Head of QA in the line may do either, not both.
    """
    person = org.person(by) if by else None
    name = person.name if person else by
    if by is None or audit.outcome is None:
        return []
    if by in audit.authors:
        return [Problem(CLI, "by", f"{name} did this audit: its QA sign-off is someone else's (the triple lock is three people)")]
    if by == audit.outcome.moderated_by:
        return [Problem(CLI, "by", f"{name} moderated this audit: its QA sign-off is someone else's (the triple lock is three people)")]
    return []


def contest_refusals(org: Org, audit: Obligation, by: str | None) -> list[Problem]:
    """Why ``by`` may not contest ``audit``'s grade: [] when they may (``by`` None: the council's administrator).

    "A service may contest a grade": the worker whose work was graded, or a
    manager up their line (for a team's audit, the team's members and their
    line). Whoever gave the grade does not contest it, and nor does someone
    outside that line: an overseer reads every page but speaks for no service.
    """
    if by is None or audit.outcome is None:
        return []
    person = org.person(by)
    name = person.name if person else by
    if by in audit.authors:
        return [Problem(CLI, "by", f"{name} gave this grade: it is contested by the service it was given to, not by whoever gave it")]
    worker = graded_worker(org, audit)
    graded = [worker] if worker is not None else list(org.members(audit.team)) if audit.team else []
    if not graded:  # work about no worker or team: nobody's line to keep to
        return []
    service = {p.id for g in graded for p in (g, *org.line(g.id))}
    if by not in service:
        whose = f"{worker.name} or a manager up their line" if worker is not None else "the team's members or a manager up their line"
        return [Problem(CLI, "by", f"{name} may not contest this grade: the service contests it ({whose})")]
    return []


def check_recording(fw: Framework, org: Org, ob: Obligation, rec: Recording, today: date) -> list[Problem]:
    """Every reason the recording must be refused (empty: it may go ahead)."""
    def bad(field_: str, message: str) -> None:
        problems.append(Problem(CLI, field_, message))

    problems: list[Problem] = []
    if ob.status not in LIVE:
        why = f" ({ob.status_reason})" if ob.status_reason else ""
        bad("obligation", f"{ob.id} is {ob.status}{why}: nothing to record")
    if ob.kind in GRADED and rec.grade is None:
        what = {"audit": "an audit", "follow_up_audit": "a follow-up audit", "review": "a review"}[ob.kind]
        bad("grade", f"{what} needs --grade ({', '.join(fw.grades)})")
    if ob.kind == "moderation":
        bad("obligation", f"{ob.id} is a moderation: use 'qaf moderate' on it")
    if ob.kind == "action":  # closing keeps its note and takes its reminders out of the digest; an outcome would not
        bad("obligation", f"{ob.id} is an action: close it with 'qaf action done', not 'qaf record'")
    if rec.grade is not None and grade_key(rec.grade) not in fw.grades:
        shown, scale = quoted(rec.grade), ", ".join(fw.grades)  # a note or a child's name in the wrong field: never quoted
        bad("grade", f"words, not a grade on the framework's scale ({scale})" if shown == WORDS else f"{shown.strip()} is not on the framework's scale ({scale})")
    day = rec.date or today
    if day > today:
        bad("date", f"{day} is in the future (today is {today})")
    if day < ob.period_start:
        bad("date", f"{day} is before the obligation's period begins ({ob.period_start})")
    by = rec.by or ob.assignee
    if by is None:
        bad("by", "nobody is assigned: say who did it with --by")
    else:
        person = org.person(by)
        if person is None:
            bad("by", f"no person '{by}' in the organisation")
        elif not may_act(org, by, ob.assignee):
            assignee = org.person(ob.assignee or "")
            bad("by", f"{person.name} may not record for {assignee.name if assignee else ob.assignee}: only the assignee or their line managers may")
    if rec.notes and (why := typed.why_not(rec.notes)):
        bad("notes", f"the notes hold {why}")
    if rec.actions and ob.kind not in GRADED:
        bad("action", f"{ob.id} is {a_kind(ob.kind)}: only an audit or a review raises actions")
    elif rec.actions:  # counted from a day to come (refused above) as from today: from 9998 on, past the calendar's end
        for n, message in raise_actions(fw, org, ob, rec.actions, min(day, today))[1]:
            bad(f"action {n}", message)
    if rec.carried_out is not None and ob.kind != "review":
        bad("carried_out", f"{ob.id} is {a_kind(ob.kind)}: only a review says which actions were carried out")
    return problems


# --- consequences ------------------------------------------------------------------------


@dataclass
class _Context:
    fw: Framework
    org: Org
    ob: Obligation
    event: Event
    day: date
    history: CaseHistory
    load: dict[str, int] = field(default_factory=dict)  # moderations each person already holds this month
    author: str | None = None  # who recorded the outcome: never its moderator
    people: People = field(init=False)

    def __post_init__(self) -> None:
        self.people = people_of(self.org, vocabulary_of(self.fw))
        self.workdays = calendar(self.fw.working_days)

    def worker(self) -> Person | None:
        """The worker whose work was audited (:func:`graded_worker`): 3.16's "further two files from the same
        worker" and the Operations Manager alerted are his, though the case has passed to another worker since."""
        return graded_worker(self.org, self.ob)

    def start_of(self, of: str) -> Person | None:
        if of == "worker":
            return self.worker() or self.org.person(self.ob.assignee or "")
        return self.org.person(self.ob.assignee or "")

    def find(self, role: str, of: str, exclude: Collection[str | None] = ()) -> Person | None:
        """The first holder of ``role`` up the line of ``of`` (the worker's Operations Manager), never one in
        ``exclude`` (a moderation's: the audit's authors)."""
        start = self.start_of(of)
        if start is not None:  # up the line first: a few people, not every holder in the council
            if of != "worker" and start.id not in exclude and self.people.holds_on(start, role, self.day):
                return start
            above = self.people.holder_up_line(start.id, role, self.day, exclude)
            if above is not None:
                return above
        holders = [h for h in self.people.holders((role,), self.day, self.day) if h.id not in exclude]
        service = self.people.service(start) if start is not None else None
        if start is not None:
            same = [h for h in holders if self.people.service(h) == service]
            if same:
                return same[0]
        if of == "team" and self.ob.team:
            team = self.org.team(self.ob.team)
            found = self.people.responsible_for_team(team, holders, "own_service") if team else None
            if found:
                return found
        if len(holders) != 1:
            return None
        # the council's only holder: hers when her post answers for the whole council (the Head of Safeguarding, in
        # no service or the only one the council has had one in), never another service's (an Operations Manager
        # for Looked After Children is not Locality's, whose post is empty: held until someone holds it)
        [only] = holders
        theirs = self.people.service(only)
        return only if service is None or theirs is None or self.people.services_holding(role) <= {theirs} else None


def holder_for(fw: Framework, org: Org, ob: Obligation, role: str, of: str, day: date) -> Person | None:
    """Whom an alert (or a grade's notice) to ``role`` for the ``of`` of ``ob`` goes to on ``day``, as
    :func:`consequences` finds them (the worker's Operations Manager): to address again one still waiting."""
    return _Context(fw, org, ob, Event("", "outcome", ob.row, ob.kind, None), day, CaseHistory()).find(role, of)


def consequences(
    fw: Framework, org: Org, ob: Obligation, event: Event, fired: list[Fired], day: date, history: CaseHistory,
    load: Mapping[str, int] | None = None, author: str | None = None,
) -> Consequences:
    """What the fired triggers, and the framework's grade policy, set off.

    ``load`` counts the moderations each person already holds in the month of
    ``day``: a moderation from the pool goes to the least loaded moderator who
    is not the audit's ``author`` (nor its assignee).
    """
    graded = event.on in ("outcome", "moderation") and event.grade in fw.escalate_grades and bool(fw.notify_on_grade)
    if not fired and not graded and not (event.on == "outcome" and ob.copies):  # most outcomes: nothing to work out
        return _NOTHING
    ctx = _Context(fw, org, ob, event, day, history, dict(load or {}), author)
    obligations: list[Obligation] = []
    notices: list[Notice] = []
    shortfalls: list[str] = []
    events: list[tuple[str, str, dict]] = []
    for f in fired:
        for a, action in enumerate(f.trigger.then):
            seq = f.index * 100 + a * 10
            if action.do in ("follow_up_audits", "review", "moderation", "qa_signoff"):
                made, short = _obligations(ctx, action, seq)
                obligations += made
                shortfalls += short
            elif action.do == "alert":
                found = ctx.find(action.role or "", action.of)
                if found is None:  # held until someone holds the post (qaf.usecases.readdress revives it)
                    shortfalls.append(f"no {action.role} found for the {action.of} of {ob.id}: the alert is held, failed, "
                                      f"and goes to whoever holds the post within {HELD_DAYS} days")  # fmt: skip
                    notices += held_for_nobody(fw, org, ob, event, action.role or "", action.of, f"alert/{event.on}/{ob.id}/{f.index}/{a}",
                                                   worker=ctx.worker())  # fmt: skip
                else:
                    notices.append(notice_for(fw, org, ob, event, found, "alert", f"alert/{event.on}/{ob.id}/{f.index}/{a}", role=action.role,
                                              worker=ctx.worker(), of=action.of))  # fmt: skip
        events.append(("trigger.fired", ob.id, {"row": f.row, "trigger": f.trigger.id or f.index, "on": event.on}))
    if graded:
        for role in fw.notify_on_grade:
            found = ctx.find(role, "assignee")
            if found is not None:
                notices.append(notice_for(fw, org, ob, event, found, "grade", f"grade/{event.on}/{ob.id}/{role}", role=role, worker=ctx.worker()))
            else:  # held until someone holds the post, as an alert is
                shortfalls.append(f"no {role} found for the assignee of {ob.id}: the grade's notice is held, failed, "
                                  f"and goes to whoever holds the post within {HELD_DAYS} days")  # fmt: skip
                notices += held_for_nobody(fw, org, ob, event, role, "assignee", f"grade/{event.on}/{ob.id}/{role}", ctx.worker(), "grade")
    if event.on == "outcome" and ob.copies:  # "copied to the Head of Safeguarding": the finished work, as a copy
        notices += copy_notices(fw, org, ob, day, ob.assignee)
    for o in obligations:
        events.append(("obligation.created", o.id, {"kind": o.kind, "cause": ob.id, "case": o.case, "assignee": o.assignee, "due": o.due.isoformat()}))
    for n in notices:
        events.append(("notice.queued", ob.id, {"reason": n.reason, "recipient": n.recipient}))
    for s in shortfalls:
        events.append(("shortfall", ob.id, {"message": s}))
    return Consequences(tuple(obligations), tuple(notices), tuple(shortfalls), tuple(events))


def _obligations(ctx: _Context, action: Action, seq: int) -> tuple[list[Obligation], list[str]]:
    ob, fw, day = ctx.ob, ctx.fw, ctx.day
    due = after(day, action.within, ctx.workdays) if action.within else ctx.workdays.add(day, 20)
    row = fw.row(ob.row)
    kind = {"follow_up_audits": "follow_up_audit"}.get(action.do, action.do)
    assignee: str | None = ob.assignee
    if action.do == "moderation" and action.moderator == "pool":
        holders = ctx.people.holders((action.role or "",), day, day)
        found = share_out(holders, ctx.load, ob.id, exclude={ob.assignee, ctx.author})
        if found is None:
            why = "but the audit's author" if holders else "found"
            return [], [f"no {action.role} {why} to do the moderation of {ob.id}: not created"]
        ctx.load[found.id] = ctx.load.get(found.id, 0) + 1
        assignee = found.id
    elif action.do in ("moderation", "qa_signoff"):
        found = ctx.find(action.role or "", action.of, {ob.assignee, ctx.author} if action.do == "moderation" else ())
        if found is None:
            return [], [f"no {action.role} found to do the {kind.replace('_', ' ')} of {ob.id}: not created"]
        assignee = found.id
    cases: list[str | None]
    short: list[str] = []
    if action.do == "follow_up_audits" and action.cases != "same_case":
        cases, short = _other_cases(ctx, action)
    elif action.do == "follow_up_audits":
        cases = [ob.case] * action.count
    else:
        cases = [ob.case]
    made = []
    for n, case in enumerate(cases):
        key = ObligationKey(fw.id, fw.identity(ob.row), -1, day, "cause", ob.id, kind, seq + n)
        made.append(Obligation(
            id=key.id, framework=fw.id, row=ob.row, cadence=-1, kind=kind,
            title=follow_up_title(ctx.org, row, kind, case, ob), assignee=assignee, subject_kind=ob.subject_kind,
            subject=ob.subject, period_start=day, period_end=due, due=due, case=case, team=ob.team,
            cause=ob.id, seq=key.seq,
            sample_reason=None if action.do != "follow_up_audits" else f"further file after {ob.id} found concerns",
        ))  # fmt: skip
    return made, short


def _other_cases(ctx: _Context, action: Action) -> tuple[list[str | None], list[str]]:
    """``count`` other open cases of the same worker (or team), fewest recent audits first."""
    ob = ctx.ob
    worker = ctx.worker()
    if action.cases == "same_worker" and worker is not None:  # open on the day: kept with the snapshot, once for every pick
        refs, owner = ctx.org.open_caseload(worker.id, ctx.day), f"worker {worker.name}"
    else:
        team = ctx.org.team(ob.team or "")
        refs, owner = ctx.org.open_team_cases(ob.team or "", ctx.day), f"team {team.name if team else ob.team}"
    taken = {ob.case} if ob.case else set()
    picked: list[str | None] = []
    for n in range(action.count):
        pick = pick_among(f"{ob.id}/{action.do}/{n}", refs, ctx.day, ctx.history, ctx.fw.recent_audit_months, owner, taken)
        if pick.case is None:
            break
        taken.add(pick.case)
        picked.append(pick.case)
    shortfalls = []
    if len(picked) < action.count:
        shortfalls.append(
            f"asked for {action.count} further files from {owner}, but only {len(picked)} other open "
            f"case{'s' if len(picked) != 1 else ''} {'were' if len(picked) != 1 else 'was'} eligible on {ctx.day}"
        )
    return picked, shortfalls
