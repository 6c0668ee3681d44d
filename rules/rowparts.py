"""What a row's task and purpose add to the cadences its frequency cell gives.

- A task list item with its own frequency ("• Quarterly multi-agency audits of
  five files") is a cadence of its own.
- A frequency cell that only names reports ("Quarterly to Head of Service")
  for a task that is an audit of so many cases ("Deep-dive audit of one case
  for each IRO and CPA") also schedules the audits, at the reports' period.
- A purpose that starts "Report ..." adds a report; "X should randomly
  scrutinise a sample of these cases" adds a moderation by X.
- Meetings take who they are with from the task ("Meeting with the Chief
  Executive and the DCS"); audits of supervision records are per supervisee.
- The task's scope words are read as the frequency's are ("each team in their
  service", "each worker", "their own caseload", "on behalf of another team",
  "each team in turn"), where the frequency cell does not say; a task that
  names an event ("before a case is closed", "on transfer") schedules a row
  whose frequency cell gives no frequency.
- A role of the row that is also a cadence's audience does not report to
  itself: "Operations Managers ... and CSCMT" with "Annually to CSCMT" is
  the Operations Managers' report.

Each reading that is a guess comes with a warning.
"""

from __future__ import annotations

import re
from dataclasses import replace

from qaf.rules.followups import read_triggers, split_conditional
from qaf.rules.clauses import tidy
from qaf.rules.frequency import Context, describe, parse
from qaf.rules.model import Cadence, Every, Sample, Trigger
from qaf.rules.names import Names
from qaf.rules.phrases import lower
from qaf.rules.taskwords import clean, copied, invited, purpose_work, states_quantity, supervisees, task_kind, timed_items, via_bodies

_REPORT_TO = re.compile(r"report(?:s|ed)?\s+(?:back\s+)?(?:quarterly\s+|monthly\s+|annually\s+)?to\s+(?:the\s+)?")


def _often(every: Every | None) -> str:
    if every is None:
        return "each period"
    return describe(Cadence("task", every=every), default_kind="task").lower()


def extra_cadences(task: str, purpose: str, cadences: list[Cadence], ctx: Context) -> tuple[list[Cadence], list[str]]:
    names = ctx.names
    assert names is not None
    warnings: list[str] = []
    out = list(cadences)
    listed: list[Cadence] = []
    for item in timed_items(task):
        r = parse(item, replace(ctx, row_kind=task_kind(item, names) or ctx.row_kind))
        if r.cadences:
            listed += r.cadences
            warnings.append(f"the task's list item '{_short(item)}' gives its own frequency: scheduled as its own cadence")
    out = listed + out
    first_line = task.split("\n")[0]
    if ctx.row_kind == "audit" and out and all(c.kind == "report" for c in out) and states_quantity(first_line):
        r = parse(f"{_often(out[0].every)} {first_line}", replace(ctx, row_kind="audit"))
        audits = [c for c in r.cadences if c.kind == "audit"][:1]
        if audits:
            out = audits + out
            warnings.append(f"the frequency gives only reports: the audits the task describes ('{_short(first_line)}') are read as {_often(out[1].every)} too")
    audit = next((c for c in out if c.kind == "audit" and c.every is not None), None)
    if audit is not None:
        out, more = _purpose(purpose, out, audit, ctx)
        warnings += more
    return out, warnings


def _purpose(purpose: str, out: list[Cadence], audit: Cadence, ctx: Context) -> tuple[list[Cadence], list[str]]:
    names = ctx.names
    assert names is not None
    hints = dict(ctx.hints)
    work = purpose_work(purpose, names, hints)
    warnings: list[str] = []
    reported: Every | None = None
    for sentence in work.reports:
        r = parse(sentence, replace(ctx, row_kind="report"))
        reports = [replace(c, kind="report", copy=c.copy or work.copy) for c in r.cadences]
        if reports:
            out = out + reports
            reported = reported or reports[0].every
            continue
        m = _REPORT_TO.match(lower(sentence))
        to = names.read_list(sentence, m.end(), new=False, hints=hints).names if m else ()
        if to:
            out = out + [Cadence("report", every=audit.every, to=to, copy=work.copy)]
            reported = reported or audit.every
            warnings.append(f"the purpose asks for a report with no frequency ('{_short(sentence)}'): read as {_often(audit.every)}, after the row's audits")
    if work.moderators:
        every = reported or audit.every
        # "Report ... to the Head of Service, who should randomly scrutinise a sample": the audits of her own line
        out = out + [Cadence("moderation", every=every, by=work.moderators, sample=Sample(ctx.row_id, count=1, moderator="up_the_line"))]
        warnings.append(f"the purpose asks {', '.join(work.moderators)} to scrutinise a sample of the audits: one a period, {_often(every)}, is a placeholder (set sample.count or sample.percent)")
    return out, warnings


def fill_from_task(c: Cadence, task: str, row_by: tuple[str, ...], names: Names, hints: dict[str, str]) -> Cadence:
    if c.kind in ("meeting", "visit") and not c.with_:
        c = replace(c, with_=tuple(n for n in invited(task, names, hints) if n not in row_by and n not in c.by))
    if c.kind == "meeting" and not c.to and c.per == "assignee":
        bodies = via_bodies(task, names)
        if len(bodies) == 1:
            c = replace(c, to=bodies)
    if c.kind == "audit" and not c.copy:
        c = replace(c, copy=tuple(n for n in copied(split_conditional(task)[0], names, hints) if n not in row_by))
    if c.kind == "audit" and c.per == "assignee" and not c.case and c.share is None:
        managed = supervisees(task, names)
        if managed:
            c = replace(c, per="worker", roles=managed)
    return c


def doers(cadences: list[Cadence], row_by: tuple[str, ...]) -> list[Cadence]:
    """A role of the row that is also the audience of one of its cadences is told, not doing the work.

    "Operations Managers, Children's Social Care and CSCMT" with "Annually to CSCMT":
    the Operations Managers report to CSCMT; "Managers at all levels up to CSCMT SMT
    CPP LM" with "Quarterly to CPP ... At least annually to LM": CPP and LM are told.
    """
    audience = {n for c in cadences for n in c.to}
    rest = tuple(b for b in row_by if b not in audience)
    if not rest or rest == row_by:
        return cadences
    return [c if c.by else replace(c, by=rest) for c in cadences]


def task_triggers(task: str, cadences: list[Cadence], names: Names, hints: dict[str, str]) -> tuple[tuple[Trigger, ...], list[str], list[str]]:
    """Triggers a conditional sentence in the task sets ("If concerns are identified then this to be copied to ...")."""
    _, conditional = split_conditional(task)
    if not conditional:
        return (), [], []
    per = next((c.per for c in cadences if c.kind == "audit"), "assignee")
    found = read_triggers(conditional, names, per, hints)
    return found.triggers, list(found.warnings), list(found.new_roles)


def _short(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= 90 else text[:87] + "..."


_SCOPED_KINDS = ("audit", "review", "visit", "task")


def task_scope(task: str, ctx: Context) -> Cadence | None:
    """What the task's first line says about who and what, read by the frequency grammar ("each team in turn")."""
    first = split_conditional(clean(task).split("\n")[0])[0]
    if not first.strip():
        return None
    r = parse(f"Monthly {first}", replace(ctx, row_kind=ctx.row_kind or "audit"))
    return r.cadences[0] if r.cadences and r.cadences[0].every is not None else None


def with_task_scope(c: Cadence, scope: Cadence | None, warnings: list[str]) -> Cadence:
    """The cadence with the task's scope words where the frequency cell left the default."""
    if scope is None or c.kind not in _SCOPED_KINDS or c.event_driven:
        return c
    fields: dict = {}
    if c.per == "assignee" and not (c.rotate or c.rota):
        if scope.per != "assignee":
            fields.update(per=scope.per, roles=scope.roles or c.roles)
        elif scope.rotate:
            fields.update(rotate=scope.rotate)
    if c.within == "all" and scope.within != "all":
        fields["within"] = scope.within
    if c.peer is None and scope.peer is not None:
        fields["peer"] = scope.peer
    if c.team_kind is None and scope.team_kind is not None:
        fields["team_kind"] = scope.team_kind
    if c.kind == "audit" and scope.case and not c.case and c.share is None:
        fields["case"] = True
    if scope.caseload != "line":
        fields["caseload"] = scope.caseload
    return tidy(replace(c, **fields), warnings) if fields else c


def task_events(task: str, ctx: Context) -> list[Cadence]:
    """"Case audit before a case is closed", "Transfer audit on transfer": the task names the event."""
    r = parse(split_conditional(clean(task))[0], replace(ctx, row_kind=ctx.row_kind or "audit"))
    return [c for c in r.cadences if c.event_driven]
