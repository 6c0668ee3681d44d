"""Readers from located YAML nodes to framework records.

Each ``read_*`` function takes a :class:`~rules.yamlsrc.Map`, appends what is
wrong to ``problems`` and returns the record (or None when nothing usable is
left). Names are taken as written; :mod:`qaf.rules.loader` resolves them onto the
role vocabulary and :mod:`qaf.rules.validate` checks the whole.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from qaf.rules.model import (
    Action,
    Anniversary,
    Cadence,
    Condition,
    Every,
    Role,
    Row,
    Sample,
    Span,
    Step,
    Target,
    Trigger,
    Variation,
)
from qaf.rules.problems import ADDED_SINCE, Problem, Source
from qaf.rules.settings import grade_key, month_number
from qaf.rules.plain import shown
from qaf.rules.yamlsrc import NOT_MARKABLE, Fields, Map, Node, Scalar, Seq

T = TypeVar("T")

CADENCE_KEYS = frozenset({
    "kind", "every", "count", "count_max", "per", "roles", "within", "peer", "rotate", "rota", "joint",
    "team_kind", "case", "share", "by", "to", "with", "copy", "copy_of", "except", "variations",
    "sample", "on", "due_within", "anniversary", "note", "hours", "caseload", "teams", "unannounced",
})  # fmt: skip
ROW_KEYS = frozenset({
    "id", "section", "role", "task", "frequency", "purpose", "by", "cadences",
    "triggers", "unschedulable", "notes", "was",
})  # fmt: skip
CONDITION_KEYS = frozenset({"on", "concerns", "grades", "areas", "kinds"})
ACTION_KEYS = frozenset({"count", "cases", "within", "role", "of", "note", "moderator"})


def as_map(node: Node | None, filename: str, problems: list[Problem], what: str) -> Map | None:
    if isinstance(node, Map):
        return node
    line = node.line if node is not None else 0
    problems.append(Problem(Source(filename, line), what, "expected a mapping of name: value"))
    return None


def _parsed(f: Fields, key: str, parse: Callable[[str], T], what: str) -> T | None:
    text = f.text(key)
    if text is None:
        return None
    try:
        return parse(text)
    except ValueError as exc:
        f.problem(key, f"{what}: {exc}" if str(exc) and str(exc) != text else f"expected {what}, got {text!r}")
        return None


def read_role(node: Node, filename: str, problems: list[Problem]) -> Role | None:
    if isinstance(node, Scalar):
        return Role(node.text, source=Source(filename, node.line))
    m = as_map(node, filename, problems, "roles")
    if m is None:
        return None
    f = Fields(m, filename, problems, "roles")
    name = f.text("name", required=True)
    role = Role(name or "", f.texts("aliases"), bool(f.boolean("body", False)), f.source())
    f.finish({"name", "aliases", "body"})
    return role if name else None


def read_step(node: Node, filename: str, problems: list[Problem]) -> Step | None:
    m = as_map(node, filename, problems, "escalation")
    if m is None:
        return None
    f = Fields(m, filename, problems, "escalation")
    after = f.integer("after", minimum=0, maximum=520)  # working days overdue: two years at most
    to = f.text("to", required=True)
    if after is None and not f.given("after"):
        f.problem(None, "'after' (working days overdue) is required")
    step = Step(after or 0, to or "", bool(f.boolean("digest", False)), f.source())
    f.finish({"after", "to", "digest"})
    return step if to and after is not None else None


def read_target(node: Node, filename: str, problems: list[Problem]) -> Target | None:
    m = as_map(node, filename, problems, "targets")
    if m is None:
        return None
    f = Fields(m, filename, problems, "targets")
    grade = f.text("grade", required=True)
    limit = f.number("max_percent", percent=True)
    if limit is None:
        if not f.given("max_percent"):
            f.problem(None, "'max_percent' is required")
    elif not 0 <= limit <= 100:
        f.problem("max_percent", f"must be between 0 and 100, got {shown(limit)}")
    f.finish({"grade", "max_percent"})
    if not grade or limit is None:
        return None
    return Target(grade_key(grade), limit, f.source())


def read_row(node: Node, filename: str, problems: list[Problem]) -> Row | None:
    m = as_map(node, filename, problems, "rows")
    if m is None:
        return None
    f = Fields(m, filename, problems, "row")
    row_id = f.text("id", required=True)
    if row_id:
        f.prefix = f"row {row_id}"
    cadences = tuple(
        c for c in (read_cadence(n, filename, problems, f.prefix) for n in f.seq("cadences")) if c
    )
    triggers = tuple(
        t for t in (read_trigger(n, filename, problems, f.prefix) for n in f.seq("triggers")) if t
    )
    row = Row(
        id=row_id or "",
        role=f.text("role", "") or "",
        task=f.text("task", "") or "",
        frequency=f.text("frequency", "") or "",
        purpose=f.text("purpose", "") or "",
        by=f.texts("by"),
        cadences=cadences,
        triggers=triggers,
        unschedulable=f.text("unschedulable"),
        section=f.text("section", "") or "",
        notes=f.texts("notes"),
        was=f.text("was", "") or "",
        defaults=f.defaults(),
        source=f.source(),
        by_source=f.source("by") if f.raw("by") is not None else f.source(),
    )
    f.finish(ROW_KEYS)
    return row if row_id else None


def read_cadence(node: Node, filename: str, problems: list[Problem], prefix: str) -> Cadence | None:
    m = as_map(node, filename, problems, f"{prefix}.cadences")
    if m is None:
        return None
    f = Fields(m, filename, problems, f"{prefix}.cadence")
    kind = f.text("kind", required=True)
    count = f.integer("count", 1, minimum=1) or 1
    variations = [(n, v) for n in f.seq("variations") if (v := _variation(n, f))]
    cadence = Cadence(
        kind=kind or "",
        every=_every(f),
        count=count,
        count_max=f.integer("count_max", minimum=1),
        per=f.text("per", "assignee") or "assignee",
        roles=f.texts("roles"),
        within=f.text("within", "all") or "all",
        peer=f.text("peer"),
        rotate=f.text("rotate"),
        rota=bool(f.boolean("rota", False)),
        joint=bool(f.boolean("joint", False)),
        team_kind=f.text("team_kind"),
        case=bool(f.boolean("case", False)),
        caseload=f.text("caseload", "line") or "line",
        share=f.number("share", percent=True),
        by=f.texts("by"),
        to=f.texts("to"),
        with_=f.texts("with"),
        copy=f.texts("copy"),
        copy_of=f.text("copy_of"),
        unannounced=bool(f.boolean("unannounced", False)),
        except_months=_months(f),
        variations=tuple(v for _, v in variations),
        sample=_sample(f),
        on=f.text("on"),
        due_within=_parsed(f, "due_within", Span.parse, "a length"),
        anniversary=_anniversary(f),
        note=f.text("note", "") or "",
        hours=f.number("hours"),
        teams=f.text("teams", "all") or "all",
        defaults=f.defaults(),
        source=f.source(),
        lines=_field_lines(m, [n for n, _ in variations]),
    )
    f.finish(CADENCE_KEYS)
    return cadence if kind else None


def _field_lines(m: Map, variations: list[Node]) -> tuple[tuple[str, int], ...]:
    """Each field's line ('with'), each text of a list's as :meth:`Fields.texts` keeps them ('with[1]'), the sample's
    fields ('sample.percent') and each variation's kept ('variations[0].team_kind'): :attr:`Cadence.lines`."""
    out: list[tuple[str, int]] = []
    for key, line, value in m.entries:
        out.append((key, line))
        if isinstance(value, Seq) and key != "variations":
            out += [(f"{key}[{i}]", at) for i, at in enumerate(_text_lines(value))]
        elif isinstance(value, Map):
            out += [(f"{key}.{inner}", at) for inner, at, _ in value.entries]
        elif isinstance(value, Scalar) and not value.null and value.line != line:  # 'with:' and its one name below it
            out.append((f"{key}[0]", value.line))
    for i, node in enumerate(variations):
        if isinstance(node, Map):
            out += [(f"variations[{i}].{inner}", at) for inner, at, _ in node.entries]
    return tuple(out)


def _text_lines(items: Seq) -> list[int]:
    """The line of each text of a list, as :meth:`Fields.texts` keeps them (an empty item is not one)."""
    return [item.line for item in items.items if isinstance(item, Scalar) and not item.null]


def _every(f: Fields) -> Every | None:
    """The period; an unreadable one becomes ``Every()`` (zero), already reported here."""
    if f.text("every") is None:
        return None
    return _parsed(f, "every", Every.parse, "a period") or Every()


def _months(f: Fields) -> tuple[int, ...]:
    out: list[int] = []
    node = f.node.get("except")
    lines = _text_lines(node) if isinstance(node, Seq) else []
    for i, text in enumerate(f.texts("except")):
        try:
            out.append(month_number(text))
        except ValueError:
            f.problem("except", f"not a month: {text!r}", line=lines[i] if i < len(lines) else None)  # the month's own line
    return tuple(sorted(set(out)))


def _variation(node: Node, parent: Fields) -> Variation | None:
    m = as_map(node, parent.filename, parent.problems, parent.name("variations"))
    if m is None:
        return None
    f = Fields(m, parent.filename, parent.problems, parent.name("variation"))
    team_kind = f.text("team_kind", required=True)
    every = _parsed(f, "every", Every.parse, "a period")
    if every is None and not f.given("every"):
        f.problem(None, "'every' is required")
    count = f.integer("count", 1, minimum=1) or 1
    f.finish({"team_kind", "every", "count"})
    if not team_kind or every is None:
        return None
    return Variation(team_kind, every, count, f.source())


def _sample(parent: Fields) -> Sample | None:
    m = parent.mapping("sample")
    if m is None:
        return None
    f = Fields(m, parent.filename, parent.problems, parent.name("sample"))
    row = f.text("row", required=True)
    moderator = f.text("moderator", "pool") or "pool"
    each = bool(f.boolean("each", False))
    sample = Sample(row or "", f.integer("count", minimum=1), f.number("percent", percent=True), moderator, each, f.source())
    if sample.count is None and sample.percent is None:
        f.problem(None, "give a 'count' or a 'percent' of audits to sample")
    elif sample.count is not None and sample.percent is not None:  # the count would win, the percent dropped unsaid
        f.problem(None, f"give a 'count' or a 'percent' of audits to sample, not both ({sample.count} audits or {sample.percent:g}% of them?)",
                  kind=ADDED_SINCE)  # fmt: skip
    if each and moderator != "up_the_line":
        f.problem("each", "'each: true' draws a sample for each moderator up the auditors' lines: give 'moderator: up_the_line'")
    f.finish({"row", "count", "percent", "moderator", "each"})
    return sample if row else None


def _anniversary(parent: Fields) -> Anniversary | None:
    m = parent.mapping("anniversary")
    if m is None:
        return None
    f = Fields(m, parent.filename, parent.problems, parent.name("anniversary"))
    column = f.text("date", required=True)
    first = _parsed(f, "first", Span.parse, "a length")
    if first is None and not f.given("first"):
        f.problem(None, "'first' (e.g. '6 months') is required")
    then = _parsed(f, "then", Every.parse, "a period")
    f.finish({"date", "first", "then"})
    if not column or first is None:
        return None
    return Anniversary(column, first, then)


def read_trigger(node: Node, filename: str, problems: list[Problem], prefix: str) -> Trigger | None:
    m = as_map(node, filename, problems, f"{prefix}.triggers")
    if m is None:
        return None
    f = Fields(m, filename, problems, f"{prefix}.trigger")
    when_node = f.mapping("when")
    when = _condition(when_node, f) if when_node is not None else Condition(source=f.source())
    actions: list[Action] = []
    for item in f.seq("then"):
        action = _action(item, f)
        if action:
            actions.append(action)
    if not f.has("then"):
        f.problem(None, "'then' (the actions) is required")
    marks = f.defaults()
    for key, _ in marks:  # a trigger's 'when' may be qaf's reading; its id and its list of actions are not
        if key != "when":
            f.problem(key, NOT_MARKABLE, kind=ADDED_SINCE)
    trigger = Trigger(when, tuple(actions), f.text("id", "") or "", tuple(m for m in marks if m[0] == "when"), f.source())
    f.finish({"id", "when", "then"})
    return trigger


def _condition(m: Map, parent: Fields) -> Condition:
    f = Fields(m, parent.filename, parent.problems, parent.name("when"))
    areas: list[tuple[str, frozenset[str]]] = []
    areas_node = f.mapping("areas")
    if areas_node is not None:
        af = Fields(areas_node, parent.filename, parent.problems, parent.name("when.areas"))
        af.finish(areas_node.keys())  # any key is an area; a '# default' mark is not kept here
        for key in areas_node.keys():
            areas.append((key, frozenset(grade_key(g) for g in af.texts(key))))
    condition = Condition(
        on=f.text("on", "outcome") or "outcome",
        concerns=f.boolean("concerns"),
        grades=frozenset(grade_key(g) for g in f.texts("grades")),
        areas=tuple(sorted(areas)),
        kinds=frozenset(f.texts("kinds")),
        source=f.source(),
        lines=_condition_lines(m),
    )
    f.finish(CONDITION_KEYS)
    return condition


def _condition_lines(m: Map) -> tuple[tuple[str, int], ...]:
    """Each field's line of a trigger's 'when', each grade's and kind's ('grades=inadequate', as the condition keeps
    it) and each key area's ('areas.Planning'): :attr:`Condition.lines`. The first line a value is named on wins."""
    out: list[tuple[str, int]] = []
    for key, line, value in m.entries:
        out.append((key, line))
        if key in ("grades", "kinds") and isinstance(value, Seq):
            for item in value.items:
                if isinstance(item, Scalar) and not item.null:
                    out.append((f"{key}={grade_key(item.text) if key == 'grades' else item.text}", item.line))
        elif key == "areas" and isinstance(value, Map):
            out += [(f"areas.{area}", at) for area, at, _ in value.entries]
    return tuple(reversed(out))  # dict() keeps the last: reversed, the first written


def _action(node: Node, parent: Fields) -> Action | None:
    m = as_map(node, parent.filename, parent.problems, parent.name("then"))
    if m is None:
        return None
    if len(m.entries) != 1:
        parent.problems.append(
            Problem(
                Source(parent.filename, m.line),
                parent.name("then"),
                "each action is one 'name: {parameters}' entry",
            )
        )
        return None
    do, line, params = m.entries[0]
    source = Source(parent.filename, line)
    for key, _ in m.marks:  # the action as a whole: mark its parameter instead
        parent.problems.append(Problem(source, parent.name(key), f"{NOT_MARKABLE} (mark the parameter, e.g. 'within')", kind=ADDED_SINCE))
    if isinstance(params, Scalar) and params.null:
        return Action(do, source=source)
    pm = as_map(params, parent.filename, parent.problems, parent.name(do))
    if pm is None:
        return Action(do, source=source)
    f = Fields(pm, parent.filename, parent.problems, parent.name(do))
    read = {"cases": f.text("cases"), "within": _parsed(f, "within", Span.parse, "a length"), "role": f.text("role")}
    action = Action(
        do=do,
        count=f.integer("count", 1, minimum=1) or 1,
        cases=read["cases"],
        within=read["within"],
        role=read["role"],
        of=f.text("of", "assignee") or "assignee",
        note=f.text("note", "") or "",
        moderator=f.text("moderator", "pool") or "pool",
        defaults=f.defaults(),
        source=source,
        unreadable=tuple(k for k, v in read.items() if v is None and f.given(k)),
        lines=tuple((key, at) for key, at, _ in pm.entries),
    )
    f.finish(ACTION_KEYS)
    return action
