"""The demo's simulated staff: who does their audits on time, late, after an extension, or never.

Each obligation's fate is drawn once, from a generator seeded by the demo's
seed and the obligation's id, when it first comes within :data:`LEAD` days
of its due date; so the same seed gives the same year. The fates, for
audits, follow-up audits and reviews:

- 70% done on time (up to twelve days before the due date), 10% late (two
  days to a month after), 6% extended by the line manager (two to five
  working days, within what a line manager may give) and then done, 14%
  never done (they go overdue and climb the escalation ladder);
- grades: 7% outstanding, 48% good, 33% requires improvement, 12%
  inadequate; significant concerns with 60% of inadequate audits, 15% of
  requires-improvement and 3% of good ones (East Sussex 3.14 and 3.16 then
  set off further audits, a review and an alert);
- one in forty inadequate or requires-improvement grades is contested a
  few days later (the contest creates a moderation by a Head of Service).

Moderations (East Sussex 3.14's Head of Service scrutiny, and contested
grades) are done in 85% of cases, agreeing with the auditor 60% of the time,
upscaling one grade 20% and downscaling one grade 20%. Reports, meetings,
visits and tasks: 80% on time, 8% late, 12% never.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from qaf.engine.model import LIVE
from qaf.engine.outcomes import GRADED, Recording
from qaf.engine.query import Filters
from qaf.engine.workdays import WorkingDays
from qaf.rules.problems import QafError
from qaf.usecases import recording

LEAD = 21  # days before its due date that an obligation's fate is drawn
GRADES = (("outstanding", 0.07), ("good", 0.55), ("requires_improvement", 0.88), ("inadequate", 1.0))  # cumulative
CONCERNS = {"inadequate": 0.6, "requires_improvement": 0.15, "good": 0.03, "outstanding": 0.0}


@dataclass(frozen=True, slots=True)
class Act:
    day: date
    do: str  # extend | record | moderate | contest
    obligation: str
    grade: str | None = None
    concerns: bool = False
    to: date | None = None  # extend: the new due date
    shift: int = 0  # moderate: grades better (-1) or worse (+1) than the auditor's


@dataclass(frozen=True, slots=True)
class Upcoming:
    id: str
    kind: str
    due: date
    period_start: date


def _on(day: date, earliest: date, workdays: WorkingDays) -> date:
    """``day`` moved back to a working day, but never before ``earliest``."""
    moved = workdays.last_on_or_before(day)
    return max(moved if moved >= earliest else day, earliest)


def _grade(rng: random.Random) -> tuple[str, bool]:
    u = rng.random()
    grade = next(g for g, upto in GRADES if u < upto)
    return grade, rng.random() < CONCERNS[grade]


def fate(seed: int, ob: Upcoming, today: date, workdays: WorkingDays) -> list[Act]:
    """What will happen to ``ob`` (seen first on ``today``), as dated acts. Pure."""
    rng = random.Random(f"{seed}/{ob.id}")
    earliest = max(ob.period_start, today)
    u = rng.random()
    if ob.kind == "moderation":
        if u >= 0.85:
            return []
        v = rng.random()
        shift = 0 if v < 0.6 else -1 if v < 0.8 else 1
        return [Act(_on(ob.due - timedelta(days=rng.randint(0, 25)), earliest, workdays), "moderate", ob.id, shift=shift)]
    if ob.kind not in GRADED:
        if u < 0.80:
            return [Act(_on(ob.due - timedelta(days=rng.randint(0, 10)), earliest, workdays), "record", ob.id)]
        if u < 0.88:
            return [Act(ob.due + timedelta(days=rng.randint(1, 20)), "record", ob.id)]
        return []
    grade, concerns = _grade(rng)
    acts: list[Act]
    if u < 0.70:
        acts = [Act(_on(ob.due - timedelta(days=rng.randint(0, 12)), earliest, workdays), "record", ob.id, grade, concerns)]
    elif u < 0.80:
        acts = [Act(ob.due + timedelta(days=rng.randint(2, 30)), "record", ob.id, grade, concerns)]
    elif u < 0.86:
        asked = _on(ob.due - timedelta(days=rng.randint(0, 3)), earliest, workdays)
        to = workdays.add(ob.due, rng.randint(2, 5))
        done = max(asked, to - timedelta(days=rng.randint(0, 2)))
        acts = [Act(asked, "extend", ob.id, to=to), Act(done, "record", ob.id, grade, concerns)]
    else:
        return []
    if grade in ("inadequate", "requires_improvement") and rng.random() < 1 / 40:
        acts.append(Act(acts[-1].day + timedelta(days=rng.randint(2, 8)), "contest", ob.id))
    return acts


class Staff:
    """Everyone's work for the year: fates drawn as work comes near, done on its day."""

    def __init__(self, store, seed: int, workdays: WorkingDays) -> None:
        self.store, self.seed, self.workdays = store, seed, workdays
        self.seen: set[str] = set()
        self.agenda: dict[date, list[Act]] = {}
        self.skipped = 0  # acts the store refused (work cancelled meanwhile, a grade already moderated, ...)

    def look_ahead(self, today: date) -> None:
        """Draw the fate of live work due from today to :data:`LEAD` days ahead, not seen before."""
        found = self.store.obligations(Filters(due_from=today, due_to=today + timedelta(days=LEAD), statuses=frozenset(LIVE)))
        for o in found:
            if o.id in self.seen:
                continue
            self.seen.add(o.id)
            for act in fate(self.seed, Upcoming(o.id, o.kind, o.due, o.period_start), today, self.workdays):
                self.agenda.setdefault(max(act.day, today), []).append(act)

    def work(self, today: date) -> int:
        """Do today's acts; the number done."""
        acts = self.agenda.pop(today, [])
        if not acts:
            return 0
        obs = {o.id: o for o in self.store.obligations(Filters(ids=frozenset(a.obligation for a in acts)))}
        done = 0
        for act in (a for a in acts if a.do == "extend"):
            done += self._extend(act, obs.get(act.obligation), today)
        done += self._record([a for a in acts if a.do == "record"], obs, today)
        for act in (a for a in acts if a.do == "moderate"):
            done += self._moderate(act, obs.get(act.obligation), today)
        for act in (a for a in acts if a.do == "contest"):
            done += self._try(lambda: recording.contest(self.store, act.obligation, None, today, today))
        return done

    def _try(self, call) -> int:
        try:
            call()
            return 1
        except QafError:
            self.skipped += 1
            return 0

    def _extend(self, act: Act, ob, today: date) -> int:
        if ob is None or ob.status not in LIVE or ob.assignee is None or act.to is None:
            return 0
        person = self.store.org().person(ob.assignee)
        if person is None or not person.manager:
            return 0
        return self._try(lambda: recording.extend(self.store, ob.id, act.to, person.manager, "caseload pressure", today))

    def _record(self, acts: list[Act], obs: dict, today: date) -> int:
        recs = [(None, Recording(a.obligation, a.grade, a.concerns, date=today)) for a in acts
                if a.obligation in obs and obs[a.obligation].status in LIVE and obs[a.obligation].assignee]  # fmt: skip
        if not recs:
            return 0
        try:
            return len(recording.record_many(self.store, recs, today))
        except QafError:  # one refused: record the others one by one
            return sum(self._try(lambda r=r: recording.record(self.store, r, today)) for _, r in recs)

    def _moderate(self, act: Act, ob, today: date) -> int:
        if ob is None or ob.status not in LIVE or not ob.cause:
            return 0
        [audit] = self.store.obligations(Filters(ids=frozenset({ob.cause}))) or [None]
        if audit is None or audit.outcome is None or not audit.outcome.grade:
            return 0
        scale = self.store.framework(audit.framework).grades
        at = scale.index(audit.outcome.grade) + act.shift if audit.outcome.grade in scale else 0
        grade = scale[min(max(at, 0), len(scale) - 1)]
        return self._try(lambda: recording.moderate(self.store, ob.id, grade, None, today, today))
