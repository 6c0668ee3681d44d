"""Framework -> canonical framework text: the round-trip partner of the loader.

``load_text(print_framework(fw))`` gives a framework equal to ``fw``; fields
at their default are left out, so the canonical text is also the shortest.
The importer writes its output through this module too.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from qaf.rules.model import Action, Cadence, Condition, Framework, Role, Row, Step, Target, Trigger
from qaf.rules.settings import MONTHS, SETTINGS
from qaf.rules.yamlsrc import DEFAULT_MARK


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


_MARKED = re.compile(r"^([ ]*)(- )?qafdefault(\d+)_([A-Za-z_]+):", re.MULTILINE)


class _Defaults:
    """Keys marked ``# default`` in the source: renamed on the way into the dump, given back their comment after it."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def mark(self, out: dict[str, Any], defaults: tuple[tuple[str, str], ...]) -> dict[str, Any]:
        if not defaults:
            return out
        why = dict(defaults)
        marked: dict[str, Any] = {}
        for key, value in out.items():
            if key in why:
                self.texts.append(why[key])
                key = f"qafdefault{len(self.texts) - 1}_{key}"
            marked[key] = value
        return marked

    def restore(self, text: str) -> str:
        def put(m: re.Match[str]) -> str:
            indent, dash, n, key = m.group(1), m.group(2) or "", int(m.group(3)), m.group(4)
            why = self.texts[int(n)]
            comment = f"{indent}{DEFAULT_MARK}: {why}" if why else f"{indent}{DEFAULT_MARK}"
            return f"{comment}\n{indent}{dash}{key}:"

        return _MARKED.sub(put, text)


def print_framework(fw: Framework, comments: dict[str, list[str]] | None = None) -> str:
    """Canonical YAML for ``fw``; ``comments`` maps a row id to lines written above it.

    A key the source marked ``# default`` (qaf's choice where the council's
    paper is silent) is printed under a ``# default: why`` comment, which the
    loader reads back onto the same key.
    """
    marks = _Defaults()
    head: dict[str, Any] = {"qaf": 1}
    marked = dict(fw.defaults)
    for opt in SETTINGS:
        value = getattr(fw, opt.name)
        if opt.required or value != opt.default or opt.name in marked:  # a marked setting is shown with its mark
            head[opt.name] = [opt.show(v) for v in value] if opt.many else opt.show(value)
    if fw.roles:
        head["roles"] = [_role(r) for r in fw.roles]
    if fw.escalation:
        head["escalation"] = [_step(s) for s in fw.escalation]
    if fw.targets:
        head["targets"] = [_target(t) for t in fw.targets]
    text = _dump(marks.mark(head, fw.defaults))
    text += "rows:\n"
    for row in fw.rows:
        for line in (comments or {}).get(row.id, []):
            text += f"  # {line}\n"
        body = _dump([_row(row, marks)])
        text += "".join("  " + line + "\n" for line in body.splitlines())
    return marks.restore(text)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def _role(r: Role) -> Any:
    if not r.aliases and not r.body:
        return r.name
    out: dict[str, Any] = {"name": r.name}
    if r.aliases:
        out["aliases"] = list(r.aliases)
    if r.body:
        out["body"] = True
    return out


def _step(s: Step) -> dict[str, Any]:
    out: dict[str, Any] = {"after": s.after, "to": s.to}
    if s.digest:
        out["digest"] = True
    return out


def _target(t: Target) -> dict[str, Any]:
    return {"grade": t.grade, "max_percent": t.max_percent}


def _row(r: Row, marks: _Defaults) -> dict[str, Any]:
    out: dict[str, Any] = {"id": r.id}
    if r.section:
        out["section"] = r.section
    out.update(role=r.role, task=r.task, frequency=r.frequency, purpose=r.purpose)
    if r.by:
        out["by"] = list(r.by)
    if r.unschedulable is not None:
        out["unschedulable"] = r.unschedulable
    if r.notes:
        out["notes"] = list(r.notes)
    if r.cadences:
        out["cadences"] = [marks.mark(_cadence(c), c.defaults) for c in r.cadences]
    if r.triggers:
        out["triggers"] = [_trigger(t, marks) for t in r.triggers]
    return marks.mark(out, r.defaults)


def _cadence(c: Cadence) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": c.kind}
    if c.every is not None:
        out["every"] = c.every.text
    if c.count != 1:
        out["count"] = c.count
    if c.count_max is not None:
        out["count_max"] = c.count_max
    if c.per != "assignee":
        out["per"] = c.per
    if c.within != "all":
        out["within"] = c.within
    for key, value in (("peer", c.peer), ("rotate", c.rotate), ("team_kind", c.team_kind), ("on", c.on)):
        if value is not None:
            out[key] = value
    if c.rota:
        out["rota"] = True
    if c.joint:
        out["joint"] = True
    if c.case:
        out["case"] = True
    if c.caseload != "line":
        out["caseload"] = c.caseload
    if c.share is not None:
        out["share"] = c.share
    for key, names in (("roles", c.roles), ("by", c.by), ("to", c.to), ("with", c.with_), ("copy", c.copy)):
        if names:
            out[key] = list(names)
    if c.copy_of is not None:
        out["copy_of"] = c.copy_of
    if c.unannounced:
        out["unannounced"] = True
    if c.except_months:
        out["except"] = [MONTHS[m - 1].capitalize() for m in c.except_months]
    if c.variations:
        out["variations"] = [
            {"team_kind": v.team_kind, "every": v.every.text, **({"count": v.count} if v.count != 1 else {})}
            for v in c.variations
        ]
    if c.sample is not None:
        sample: dict[str, Any] = {"row": c.sample.row}
        if c.sample.count is not None:
            sample["count"] = c.sample.count
        if c.sample.percent is not None:
            sample["percent"] = c.sample.percent
        if c.sample.moderator != "pool":
            sample["moderator"] = c.sample.moderator
        if c.sample.each:
            sample["each"] = True
        out["sample"] = sample
    if c.due_within is not None:
        out["due_within"] = c.due_within.text
    if c.anniversary is not None:
        a = c.anniversary
        out["anniversary"] = {"date": a.date, "first": a.first.text, **({"then": a.then.text} if a.then else {})}
    if c.note:
        out["note"] = c.note
    if c.hours is not None:
        out["hours"] = c.hours
    if c.teams != "all":
        out["teams"] = c.teams
    return out


def _condition(w: Condition) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if w.on != "outcome":
        out["on"] = w.on
    if w.concerns is not None:
        out["concerns"] = w.concerns
    if w.grades:
        out["grades"] = sorted(w.grades)
    if w.areas:
        out["areas"] = {area: sorted(grades) for area, grades in w.areas}
    if w.kinds:
        out["kinds"] = sorted(w.kinds)
    return out


def _action(a: Action, marks: _Defaults) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if a.count != 1:
        params["count"] = a.count
    if a.cases is not None:
        params["cases"] = a.cases
    if a.within is not None:
        params["within"] = a.within.text
    if a.role is not None:
        params["role"] = a.role
    if a.of != "assignee":
        params["of"] = a.of
    if a.moderator != "pool":
        params["moderator"] = a.moderator
    if a.note:
        params["note"] = a.note
    return {a.do: marks.mark(params, a.defaults) or None}


def _trigger(t: Trigger, marks: _Defaults) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if t.id:
        out["id"] = t.id
    when = _condition(t.when)
    if when:
        out["when"] = when
    out["then"] = [_action(a, marks) for a in t.then]
    return marks.mark(out, t.defaults)
