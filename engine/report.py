"""The monthly QA report's figures: pure, from obligations, outcomes, events and the framework.

What counts, precisely (the tests follow these rules):

- **Scheduled in month M**: every obligation whose due date *as first
  scheduled* falls in M. An extended obligation keeps counting in the month it
  was first due (its first ``obligation.extended`` event's ``from`` date), so
  February's three rescheduled cases stay in February's figures, as in the
  Rotherham minutes. Its *status* is read as shown on the report date
  (``as_of``), so the columns partition the scheduled count:
  ``completed`` (done; ``completed_late`` of them done after the first due
  date), ``rescheduled`` (extended and not yet past the new date),
  ``overdue`` (live and past its due date), ``open`` (not yet due on the
  report date), ``waived`` (no open case to audit) and ``cancelled``.
- **The completion sentence** counts case-file audits only, as Rotherham's
  minutes do: audits and follow-up audits of a case (a row whose cadence
  samples a case, or a trigger's further files). Other graded work
  (supervision-record and themed audits, area reviews, case reviews) is
  counted apart, a line a row (``others``). The sentence reports the month
  as it stood at its end: an audit done after the month ended counts as
  rescheduled if it was extended (else as overdue, or open if not yet due),
  and the sentence then says how many were completed since. The tables by
  kind, row, team, service and assignee count every kind of obligation, as
  they stand on the report date.
- **Grades**: audits and follow-up audits whose primary outcome is dated in M,
  each audit once: Tameside's table counts audits ("Primary Audits" against
  "Moderated Audits"). A moderation (a re-audit) is the audit's moderated
  grade, never an audit of its own; a review (3.16's file of concern read
  again within three months, 4.13's peer review of an area) is graded work
  counted apart (``Grades.reviews``), never among the audits, and so are its
  moderation and its contest (``Grades.reviews_moderated``, ``reviews_contested``). The Tameside table compares, over those of them moderated by now, the
  primary grade with the moderated grade, worst grade first, leaving out
  grades with no audit in either column. Upscaled: the moderator graded
  better; downscaled: worse; the agreement rate is agreed / moderated.
- **Percentages** are whole per cent. A column of grade shares is rounded by
  the largest remainder so that it adds up to 100%, as Tameside's tables do;
  a single rate rounds half up (:mod:`qaf.engine.report_words` says why).
- **Targets** ("no more than 10% inadequate") are judged on the grade that
  stands (the moderated grade where there is one, else the primary grade) of
  the audits graded in M, on the exact share, shown to one decimal place.
- **Follow-ups**: obligations a trigger created (cadence -1: further audits,
  reviews, moderations of contested grades; not actions, counted apart), created in M (their finding day)
  and, whenever created, still outstanding on the report date.
- **Reviews due within three months**: live reviews due after M and no later
  than three months after its end.
- **Escalations**: the overdue ladder's rungs raised in M with someone to
  tell, by rung (reminders before the due date are counted apart).
- **Extensions**: extensions of obligations first due in M, each named by
  what it extended (row, kind, case or subject, assignee), never by its id.
- **Actions** (what audits asked to be done): raised in M, of them done by
  the report date, and every action overdue (or still to do) on the report
  date, whenever it was raised.
- **Completion against last month and the year**: the completion sentence's
  count (case-file audits, each month as it stood at its end) for the month
  before and for the financial year so far (April to M), and for each of the
  last 12 months (the Board page's trend chart).
- **Reached the top of the ladder**: rungs raised in M at the ladder's top
  rung (the DCS by default) with someone to tell; the rungs that found
  nobody to tell (nobody above the assignee, or an owner who has left) are
  a figure of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Callable, Collection, Iterable, Mapping, Sequence

from qaf.engine.model import CANCELLED, DONE, OPEN, OVERDUE, RESCHEDULED, WAIVED, Obligation
from qaf.engine.org import Org
from qaf.engine.outcomes import GRADED, was_graded  # audits, follow-up audits and reviews: the graded work
from qaf.engine.report_model import (  # noqa: F401  (the records are part of this module's interface)
    Actions,
    AreaRow,
    COUNT_FIELDS,
    Completion,
    Counts,
    Extension,
    FollowUps,
    GradeRow,
    Grades,
    Group,
    MonthGrades,
    Raised,
    Rate,
    Report,
    ReviewDue,
    Rung,
    Share,
    TargetResult,
)  # fmt: skip
from qaf.engine.report_words import Month, completion_sentence, grade_label, kind_label, number, percent, shares, tenths
from qaf.rules.model import GRADES, KINDS, Framework

REMINDER = -1
HISTORY_MONTHS = 12


# --- completion ----------------------------------------------------------------------


def first_due(obligations: Iterable[Obligation], extensions: Iterable[Extension]) -> dict[str, date]:
    """Each obligation's due date as first scheduled: before its earliest extension."""
    out = {o.id: o.due for o in obligations}
    for e in extensions:
        if e.obligation in out and e.first < out[e.obligation]:
            out[e.obligation] = e.first
    return out


def state(o: Obligation, as_of: date) -> str:
    """completed, rescheduled, overdue, open, waived or cancelled, as shown on ``as_of``."""
    shown = o.shown_status(as_of)
    return {DONE: "completed", RESCHEDULED: "rescheduled", OVERDUE: "overdue", OPEN: "open",
            WAIVED: "waived", CANCELLED: "cancelled"}[shown]  # fmt: skip


def count(obligations: Iterable[Obligation], as_of: date, due: dict[str, date], done_on: Mapping[str, date] | None = None) -> Counts:
    """The completion counts of ``obligations``; ``done_on`` gives the day ungraded work was done, for lateness."""
    tally = dict.fromkeys(COUNT_FIELDS, 0)
    for o in obligations:
        tally["scheduled"] += 1
        what = state(o, as_of)
        tally[what] += 1
        day = (done_on or {}).get(o.id) or (o.outcome.date if o.outcome is not None else None)
        if what == "completed" and day is not None and day > due[o.id]:
            tally["completed_late"] += 1
    return Counts(**tally)


def _groups(obs: Sequence[Obligation], key: Callable[[Obligation], str], label: Callable[[str], str], as_of: date,
            due: dict[str, date], done_on: Mapping[str, date], order: Callable[[str], object] | None = None) -> tuple[Group, ...]:  # fmt: skip
    buckets: dict[str, list[Obligation]] = {}
    for o in obs:
        buckets.setdefault(key(o), []).append(o)
    keys = sorted(buckets, key=order or (lambda k: (k == "", label(k).lower())))  # "(no team)" and the like last
    return tuple(Group(k, label(k), count(buckets[k], as_of, due, done_on)) for k in keys)


def completion(fw: Framework, org: Org, month: Month, obs: Sequence[Obligation], as_of: date, due: dict[str, date],
               done_on: Mapping[str, date]) -> Completion:  # fmt: skip
    case_audits = [o for o in obs if case_file_audit(fw, o)]
    stood, since, then = as_it_stood(case_audits, month, as_of, due, done_on)
    audits = count(stood, then, due, done_on)
    sentence = completion_sentence(month, audits.scheduled, audits.completed, audits.remaining)
    if since:
        sentence += f" Since the end of {month.label}, {number(since)} of them {'was' if since == 1 else 'were'} completed."
    others = [o for o in obs if o.kind in GRADED and not case_file_audit(fw, o)]
    rows = {r.id: (i, r.role) for i, r in enumerate(fw.rows)}
    team = lambda o: o.team or ""  # noqa: E731
    service = lambda o: (org.team(o.team).service if o.team and org.team(o.team) else "")  # noqa: E731
    team_name = lambda k: (org.team(k).name if org.team(k) else k) if k else "(no team)"  # noqa: E731
    person = lambda k: (org.person(k).name if org.person(k) else k) if k else "(nobody assigned)"  # noqa: E731
    row_label = lambda k: f"{k} {rows[k][1]}" if k in rows else k  # noqa: E731
    return Completion(
        audits, sentence, count(obs, as_of, due, done_on),
        by_kind=_groups(obs, lambda o: o.kind, kind_label, as_of, due, done_on, order=_kind_order),
        by_row=_groups(obs, lambda o: o.row, row_label, as_of, due, done_on, order=lambda k: (rows.get(k, (999, ""))[0], k)),
        by_team=_groups(obs, team, team_name, as_of, due, done_on),
        by_service=_groups(obs, service, lambda k: k or "(no service)", as_of, due, done_on),
        by_assignee=_groups(obs, lambda o: o.assignee or "", person, as_of, due, done_on),
        others=_groups(others, lambda o: f"{o.row}\x1f{o.kind}", lambda k: _other_label(k, rows), as_of, due, done_on,
                       order=lambda k: (rows.get(k.split("\x1f")[0], (999, ""))[0], k)),
        since=since,
    )  # fmt: skip


def _other_label(key: str, rows: Mapping[str, tuple[int, str]]) -> str:
    row, kind = key.split("\x1f")
    role = rows[row][1] if row in rows else ""
    return f"{kind_label(kind, 2)}, {row} {role}".strip()


def case_file_audit(fw: Framework, o: Obligation) -> bool:
    """An audit of a case file: what Rotherham's sentence counts ("27 cases were scheduled for audit ...")."""
    if o.kind == "follow_up_audit":
        return True
    if o.kind != "audit":
        return False
    if o.case is not None:
        return True
    try:
        cadence = fw.row(o.row).cadence_of(o.cadence)
    except KeyError:
        return False
    return cadence is not None and cadence.case


def as_it_stood(obs: Sequence[Obligation], month: Month, as_of: date, due: dict[str, date],
                done_on: Mapping[str, date]) -> tuple[list[Obligation], int, date]:  # fmt: skip
    """The month's audits as they stood at its end, how many were completed since, and the day to judge them on.

    An audit done after the month ended is shown as it was then: rescheduled
    if it had been extended past the month, else overdue.
    """
    if as_of <= month.last:
        return list(obs), 0, as_of
    out, since = [], 0
    for o in obs:
        day = done_on.get(o.id) or (o.outcome.date if o.outcome is not None else None)
        if o.status == DONE and day is not None and day > month.last:
            since += 1
            o = replace(o, status=RESCHEDULED if o.due != due[o.id] else OPEN, outcome=None)
        out.append(o)
    return out, since, month.last + timedelta(days=1)


def _kind_order(kind: str) -> tuple[int, str]:
    return (KINDS.index(kind) if kind in KINDS else len(KINDS), kind)


# --- grades --------------------------------------------------------------------------


AUDITS = ("audit", "follow_up_audit")  # the work the grades count: each file audited, once


def graded_by_month(obligations: Iterable[Obligation]) -> dict[tuple[int, int], list[Obligation]]:
    """Audits (and follow-up audits) by the (year, month) their primary grade is dated in: never a review of a
    file audited before. Every month at once: one pass, not one a month."""
    out: dict[tuple[int, int], list[Obligation]] = {}
    for o in obligations:
        if o.kind in AUDITS and was_graded(o):
            out.setdefault((o.outcome.date.year, o.outcome.date.month), []).append(o)
    return out


def reviews_graded_in(obligations: Iterable[Obligation], month: Month) -> dict[str, int]:
    """Reviews whose grade is dated in ``month``, how many of them found significant concerns (3.16's file of
    concern read again and its concerns still there), were moderated, were contested and of those were settled by
    moderation: graded work, counted apart from the audits (:class:`Grades`' ``reviews...`` fields)."""
    return review_counts([o for o in obligations if o.kind == "review" and was_graded(o) and o.outcome.date in month])


def review_counts(reviews: Sequence[Obligation]) -> dict[str, int]:
    """:class:`Grades`' figures of graded ``reviews``, counted apart from the audits'."""
    contested = [o for o in reviews if o.outcome.contested]
    return {"reviews": len(reviews), "review_concerns": sum(1 for o in reviews if o.outcome.concerns),
            "reviews_moderated": sum(1 for o in reviews if _moderated(o)), "reviews_contested": len(contested),
            "reviews_contested_settled": sum(1 for o in contested if _moderated(o))}  # fmt: skip


def _moderated(o: Obligation) -> bool:
    return o.outcome is not None and o.outcome.moderated_grade is not None


def report_scale(scale: tuple[str, ...], obligations: Sequence[Obligation]) -> tuple[str, ...]:
    """The framework's scale, best first, then each grade the obligations were given that it no longer has
    (the council amended its scale: an audit graded "good" before the change stays "good"), Ofsted's four in
    their order, others by name."""
    on = set(scale)
    given = {g for o in obligations if o.outcome is not None
             for g in (o.outcome.grade, o.outcome.moderated_grade, *dict(o.outcome.areas).values(), *dict(o.outcome.moderated_areas).values())
             if g and g not in on}  # fmt: skip
    order = {g: i for i, g in enumerate(GRADES)}
    return (*scale, *sorted(given, key=lambda g: (order.get(g, len(order)), g)))


def grades(scale: tuple[str, ...], graded: Sequence[Obligation], areas: tuple[str, ...] = (), signs_off: bool = False,
           on_scale: tuple[str, ...] | None = None) -> Grades:  # fmt: skip
    """The month's grades over ``scale`` (:func:`report_scale`); ``on_scale``: the framework's own, on which
    a moderated grade is compared with the primary (default: all of ``scale``)."""
    n = len(graded)
    worst_first = tuple(reversed(scale))
    primary = _tally(scale, (o.outcome.grade for o in graded))
    split = dict(zip(worst_first, shares([primary[g] for g in worst_first])))
    all_shares = tuple(Share(g, grade_label(g), primary[g], split[g]) for g in scale)
    moderated = [o for o in graded if _moderated(o)]
    m = len(moderated)
    before = _tally(scale, (o.outcome.grade for o in moderated))
    after = _tally(scale, (o.outcome.moderated_grade for o in moderated))
    rows = [g for g in worst_first if before[g] or after[g]]
    left, right = shares([before[g] for g in rows]), shares([after[g] for g in rows])
    table = tuple(GradeRow(g, grade_label(g), before[g], after[g], left[i], right[i]) for i, g in enumerate(rows))
    rank = {g: i for i, g in enumerate(scale if on_scale is None else on_scale)}  # best first: a lower rank is a better grade
    # a grade of the scale before it was amended is not better or worse than one of the scale now: not compared
    compared = [o for o in moderated if o.outcome.grade in rank and o.outcome.moderated_grade in rank]
    up = sum(1 for o in compared if rank[o.outcome.moderated_grade] < rank[o.outcome.grade])
    down = sum(1 for o in compared if rank[o.outcome.moderated_grade] > rank[o.outcome.grade])
    agreed = len(compared) - up - down
    contested = [o for o in graded if o.outcome.contested]
    return Grades(
        graded=n, shares=all_shares, concerns=sum(1 for o in graded if o.outcome.concerns), moderated=m, table=table,
        upscaled=up, downscaled=down, agreed=agreed, agreement_percent=percent(agreed, len(compared)), across=m - len(compared),
        contested=len(contested), contested_settled=sum(1 for o in contested if _moderated(o)),
        signed=sum(1 for o in moderated if o.outcome.signoff_by) if signs_off else None, **_areas(scale, areas, moderated),
    )  # fmt: skip


def signs_off(fw: Framework) -> bool:
    """Whether the framework QA-signs moderated audits (Tameside's triple lock)."""
    return any(c.kind == "qa_signoff" for r in fw.rows for c in r.cadences) or any(
        a.do == "qa_signoff" for r in fw.rows for t in r.triggers for a in t.then)


def _areas(scale: tuple[str, ...], areas: tuple[str, ...], moderated: Sequence[Obligation]) -> dict:
    """Tameside's areas of practice, and the overall grade, primary against moderated over the moderated audits."""
    if not moderated:
        return {}
    pairs = [(a, [dict(o.outcome.areas).get(a) for o in moderated], [dict(o.outcome.moderated_areas).get(a) for o in moderated])
             for a in areas]  # fmt: skip
    pairs.append(("Overall grade", [o.outcome.grade for o in moderated], [o.outcome.moderated_grade for o in moderated]))
    used = {g for _, p, m in pairs for g in (*p, *m) if g}
    columns = tuple(g for g in reversed(scale) if g in used)
    rows = []
    for area, p, m in pairs:
        tp, tm = _tally(scale, p), _tally(scale, m)
        sp, sm = shares([tp[g] for g in columns]), shares([tm[g] for g in columns])
        np_, nm = sum(tp[g] for g in columns), sum(tm[g] for g in columns)
        rows.append(AreaRow(area, tuple(sp) if np_ else (None,) * len(columns), tuple(sm) if nm else (None,) * len(columns), np_, nm))
    return {"areas": tuple(rows), "area_grades": columns}


def _tally(scale: tuple[str, ...], values: Iterable[str | None]) -> dict[str, int]:
    out = dict.fromkeys(scale, 0)
    for v in values:
        if v is not None:
            out[v] = out.get(v, 0) + 1
    return out


def standing(o: Obligation) -> str | None:
    """The grade that stands: the moderated grade where there is one, else the primary grade."""
    assert o.outcome is not None
    return o.outcome.moderated_grade or o.outcome.grade


def targets(fw: Framework, graded: Sequence[Obligation]) -> tuple[TargetResult, ...]:
    """Each target judged on the audits whose standing grade is on the framework's scale now: a target on a
    new scale says nothing of grades given on the old one (none of them is an "urgent improvement"), so those
    are left out and counted apart; with none left, the target is not judged."""
    on_scale = [o for o in graded if standing(o) in fw.grades]
    left_out = len(graded) - len(on_scale)
    out = []
    for t in fw.targets:
        n = sum(1 for o in on_scale if standing(o) == t.grade)
        share = tenths(n, len(on_scale))
        met = None if not on_scale else n * 100 <= t.max_percent * len(on_scale)
        out.append(TargetResult(t.grade, grade_label(t.grade), t.max_percent, n, len(on_scale), share, met, left_out))
    return tuple(out)


def history(scale: tuple[str, ...], obligations: Sequence[Obligation], month: Month, months: int = HISTORY_MONTHS,
            by_month: Mapping[tuple[int, int], Sequence[Obligation]] | None = None) -> tuple[MonthGrades, ...]:  # fmt: skip
    """The grades of the ``months`` to ``month``; ``by_month``: :func:`graded_by_month`, worked out already."""
    out = []
    graded_by = by_month if by_month is not None else graded_by_month(obligations)
    for back in range(months - 1, -1, -1):
        m = month.plus(-back)
        graded = graded_by.get((m.year, m.month), ())
        primary = _tally(scale, (o.outcome.grade for o in graded))
        moderated = _tally(scale, (o.outcome.moderated_grade for o in graded if _moderated(o)))
        out.append(MonthGrades(m, tuple(primary.items()), tuple(moderated.items())))
    return tuple(out)


# --- follow-ups, reviews, escalations, extensions --------------------------------------


def follow_ups(obligations: Sequence[Obligation], month: Month, as_of: date) -> FollowUps:
    made = [o for o in obligations if o.cadence == -1 and o.kind != "action"]  # actions are a figure of their own
    created: dict[str, int] = {}
    for o in made:
        if o.period_start in month:
            created[o.kind] = created.get(o.kind, 0) + 1
    live = [o for o in made if o.period_start <= as_of and o.shown_status(as_of) in (OPEN, OVERDUE, RESCHEDULED)]
    overdue = sum(1 for o in live if o.shown_status(as_of) == OVERDUE)
    return FollowUps(tuple(sorted(created.items(), key=lambda kv: _kind_order(kv[0]))), len(live), overdue)


def reviews_due(org: Org, obligations: Sequence[Obligation], month: Month) -> tuple[ReviewDue, ...]:
    until = month.plus(3).last
    found = [o for o in obligations if o.kind == "review" and o.case is not None and o.status in (OPEN, RESCHEDULED)
             and month.last < o.due <= until]  # case reviews only: an area review is other graded work
    out = []
    for o in sorted(found, key=lambda o: (o.due, o.id)):
        team = org.team(o.team) if o.team else None
        person = org.person(o.assignee) if o.assignee else None
        out.append(ReviewDue(o.id, o.case, team.name if team else (o.team or ""), person.name if person else (o.assignee or ""), o.due))
    return tuple(out)


def rung_label(fw: Framework, level: int) -> str:
    if level == REMINDER:
        return "reminder before the due date"
    step = dict(fw.rungs()).get(level)
    if step is not None:
        who = _who(step.to)
        return f"{who}, {step.after} working days overdue" if step.after else f"{who}, on becoming overdue"
    return f"a rung since struck out of the ladder ({level})"


def escalations(fw: Framework, raised: Iterable[Raised], month: Month, ids: Collection[str]) -> tuple[int, tuple[Rung, ...]]:
    """(reminders sent in the month, rungs raised in the month by level), for this framework's obligations.

    A rung raised with nobody to tell (nobody above the assignee, or an owner who has left) is counted apart, so the report says so.
    """
    by_level: dict[int, int] = {}
    nobody: dict[int, int] = {}
    for r in raised:
        if r.on in month and r.obligation in ids:
            tally = by_level if r.to is not None else nobody
            tally[r.level] = tally.get(r.level, 0) + 1
    reminders = by_level.pop(REMINDER, 0)
    nobody.pop(REMINDER, None)
    levels = sorted({*by_level, *nobody})
    return reminders, tuple(Rung(k, rung_label(fw, k), by_level.get(k, 0), nobody.get(k, 0)) for k in levels)


def actions(obligations: Sequence[Obligation], month: Month, as_of: date) -> Actions:
    """Actions raised in the month (and of them done by the report date); every action overdue or to do on the report date."""
    mine = [o for o in obligations if o.kind == "action"]
    raised = [o for o in mine if o.period_start in month]
    live = [o for o in mine if o.period_start <= as_of and o.shown_status(as_of) in (OPEN, OVERDUE, RESCHEDULED)]
    return Actions(raised=len(raised), done=sum(1 for o in raised if o.status == DONE),
                   overdue=sum(1 for o in live if o.shown_status(as_of) == OVERDUE), open=len(live))  # fmt: skip


def what_label(fw: Framework, org: Org, o: Obligation) -> str:
    """An obligation in words for a report's table: "3.16 audit, case CS-000123 (Sam Worker)", never its id."""
    person = org.person(o.assignee) if o.assignee else None
    about = f"case {o.case}" if o.case else (o.subject or "")
    who = person.name if person else (o.assignee or "")
    return f"{o.row} {kind_label(o.kind)}" + (f", {about}" if about else "") + (f" ({who})" if who else "")


# --- completion against last month and the year ------------------------------------------


def month_rate(fw: Framework, obs: Sequence[Obligation], month: Month, as_of: date, due: dict[str, date],
               done_on: Mapping[str, date]) -> Rate:  # fmt: skip
    """The completion sentence's count for ``month``: its case-file audits as they stood at its end (or on ``as_of``)."""
    audits = [o for o in obs if due[o.id] in month and case_file_audit(fw, o)]
    stood, _, then = as_it_stood(audits, month, as_of, due, done_on)
    c = count(stood, then, due, done_on)
    return Rate(month.label, c.scheduled, c.completed)


def year_start(month: Month, start: tuple[int, int] = (4, 1)) -> Month:
    """The first month of the council's year ``month`` falls in: April to March unless the framework's
    ``year_start`` (month, day) says otherwise, as the Director's page counts it.

    >>> year_start(Month(2024, 2)), year_start(Month(2024, 2), (1, 1))
    (Month(year=2023, month=4), Month(year=2024, month=1))
    """
    last = month.last
    first_month, first_day = start
    return Month(last.year if (last.month, last.day) >= (first_month, first_day) else last.year - 1, first_month)


def rates(fw: Framework, year: _Year, month: Month, as_of: date, done_on: Mapping[str, date]) -> tuple[Rate, Rate, tuple[Rate, ...]]:
    """(last month, the financial year so far, the last 12 months), for the Board's page."""

    def rate(m: Month) -> Rate:  # each month's once, whichever month's report asks
        if m not in year.rates:
            year.rates[m] = month_rate(fw, year.case_audits_due.get((m.year, m.month), ()), m, as_of, year.due, done_on)
        return year.rates[m]

    trend = tuple(rate(month.plus(-back)) for back in range(HISTORY_MONTHS - 1, -1, -1))
    first, months = year_start(month, fw.year_start), []
    m = first
    while m <= month:
        months.append(rate(m))
        m = m.plus(1)
    label = first.label if first == month else f"{first.label} to {month.label}"
    so_far = Rate(label, sum(r.scheduled for r in months), sum(r.completed for r in months))
    return trend[-2], so_far, trend


# --- the report -----------------------------------------------------------------------


@dataclass
class _Year:
    """What every month's figures of one framework share, worked out once: the Director's page asks for
    each month of the year so far (:func:`figures_by_month`), each a pass over the framework's obligations."""

    mine: list[Obligation]
    due: dict[str, date]  # each obligation's first due date (before any extension)
    by_id: dict[str, Obligation] = field(default_factory=dict)  # ``mine`` by id
    due_by_month: dict[tuple[int, int], list[Obligation]] = field(default_factory=dict)
    case_audits_due: dict[tuple[int, int], list[Obligation]] = field(default_factory=dict)  # what a month's rate counts
    graded_by_month: dict[tuple[int, int], list[Obligation]] = field(default_factory=dict)
    rates: dict[Month, Rate] = field(default_factory=dict)

    @classmethod
    def of(cls, fw: Framework, obligations: Sequence[Obligation], extensions: Sequence[Extension]) -> _Year:
        mine = [o for o in obligations if o.framework == fw.id]
        year = cls(mine, first_due(mine, extensions), {o.id: o for o in mine})
        for o in mine:
            day = year.due[o.id]
            if isinstance(day, date):
                year.due_by_month.setdefault((day.year, day.month), []).append(o)
                if case_file_audit(fw, o):
                    year.case_audits_due.setdefault((day.year, day.month), []).append(o)
        year.graded_by_month = graded_by_month(mine)
        return year


def figures(
    fw: Framework, org: Org, obligations: Sequence[Obligation], extensions: Sequence[Extension],
    raised: Sequence[Raised], month: Month, as_of: date, done_on: Mapping[str, date] | None = None,
) -> Report:  # fmt: skip
    """Every figure of ``month``'s report for ``fw``, as the obligations stand, judged on ``as_of``.

    ``done_on`` (obligation -> the day it was done) dates work that takes no
    grade, whose outcome the obligations do not carry; graded work is dated
    by its outcome.
    """
    return figures_by_month(fw, org, obligations, extensions, raised, (month,), as_of, done_on)[0]


def figures_by_month(
    fw: Framework, org: Org, obligations: Sequence[Obligation], extensions: Sequence[Extension],
    raised: Sequence[Raised], months: Sequence[Month], as_of: date, done_on: Mapping[str, date] | None = None,
) -> list[Report]:  # fmt: skip
    """:func:`figures` of each of ``months``, what they share worked out once (:class:`_Year`)."""
    year = _Year.of(fw, obligations, extensions)
    scale = report_scale(fw.grades, year.mine)
    return [_month_figures(fw, org, year, scale, extensions, raised, month, as_of, done_on or {}) for month in months]


def _month_figures(fw: Framework, org: Org, year: _Year, scale: tuple[str, ...], extensions: Sequence[Extension],
                   raised: Sequence[Raised], month: Month, as_of: date, done_on: Mapping[str, date]) -> Report:  # fmt: skip
    mine, due, by_id = year.mine, year.due, year.by_id
    scheduled = year.due_by_month.get((month.year, month.month), [])
    graded = year.graded_by_month.get((month.year, month.month), [])
    reminders, rungs = escalations(fw, raised, month, by_id.keys())
    extended = tuple(
        replace(e, by_name=org.person(e.by).name if e.by and org.person(e.by) else (e.by or ""), what=what_label(fw, org, by_id[e.obligation]))
        for e in sorted((e for e in extensions if e.obligation in by_id and due[e.obligation] in month), key=lambda e: (e.first, e.obligation))
    )  # fmt: skip
    return Report(
        framework=fw.id, title=fw.title, council=fw.council, month=month, as_of=as_of, grades_scale=scale,
        grades_off_scale=scale[len(fw.grades):], completion=completion(fw, org, month, scheduled, as_of, due, done_on),
        grades=replace(grades(scale, graded, fw.areas, signs_off(fw), fw.grades), **reviews_graded_in(mine, month)),
        follow_ups=follow_ups(mine, month, as_of), reviews_due=reviews_due(org, mine, month),
        reminders=reminders, escalations=rungs, extensions=extended, targets=targets(fw, graded),
        history=history(scale, mine, month, by_month=year.graded_by_month), actions=actions(mine, month, as_of),
        **dict(zip(("last_month", "year", "trend"), rates(fw, year, month, as_of, done_on))),
        top_level=fw.rungs()[-1][0], top_who=_the(_who(fw.ladder[-1].to)),
    )  # fmt: skip


def _the(who: str) -> str:
    return who if who.startswith("the ") else f"the {who}"


def _who(to: str) -> str:
    return {"assignee": "the assignee", "line_manager": "the line manager"}.get(to, to)
