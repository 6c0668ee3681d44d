"""A council's table -> a framework and its canonical text, with every doubt written beside its row.

For each table row the importer reads the role cell onto the vocabulary
(:mod:`qaf.rules.rolecell`), the frequency cell into cadences and triggers
(:mod:`qaf.rules.frequency`), and what the task and purpose add
(:mod:`qaf.rules.taskwords`). A row it cannot schedule is kept, marked
``unschedulable`` with the reason. The text is printed by
:func:`qaf.rules.printer.print_framework` with comments above each row: the
frequency as the council wrote it and every warning, so a person can check
and finish the file. :func:`import_table` checks its own output with the
loader: what it returns always passes ``qaf framework check``.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import yaml

from qaf.rules.frequency import Context, default_names, describe, parse
from qaf.rules.loader import resolve_names
from qaf.rules.model import Cadence, Framework, Role, Row, Trigger
from qaf.rules.names import BODY_HEADS, Names
from qaf.rules.printer import print_framework
from qaf.rules.problems import WARNING, Problem, QafError, Source
from qaf.rules.rolecell import RoleCell, read_role_cell
from qaf.rules.rowparts import doers, extra_cadences, fill_from_task, task_events, task_scope, task_triggers, with_task_scope
from qaf.rules.tablerows import Table, TableRow
from qaf.rules.taskwords import clean, mentions, task_kind
from qaf.rules.validate import BASIC_VALIDATIONS

NO_ROLE = "(no role given)"


@dataclass(frozen=True, slots=True)
class Imported:
    framework: Framework
    text: str  # the framework file, with comments
    problems: tuple[Problem, ...]  # warnings, each at its table line
    unschedulable: tuple[tuple[str, str], ...]  # (row id, reason)

    @property
    def summary(self) -> str:
        rows = len(self.framework.rows)
        return (f"{rows} rows read, {self.framework.schedulable_count} schedulable, "
                f"{len(self.problems)} warnings, {len(self.unschedulable)} not schedulable")  # fmt: skip


@dataclass(frozen=True, slots=True)
class _RowResult:
    row: Row
    comments: tuple[str, ...]
    warnings: tuple[str, ...]
    new: tuple[str, ...]


def import_table(table: Table, framework_id: str, title: str, roles: tuple[Role, ...] | None = None) -> Imported:
    """The framework the table describes; ``roles`` is the vocabulary to start from (default: :mod:`qaf.rules.vocab`)."""
    names = Names(roles) if roles is not None else default_names()
    results: list[_RowResult] = []
    problems: list[Problem] = list(table.problems)
    ids: set[str] = set()
    previous: TableRow | None = None
    for n, tr in enumerate(table.rows, start=1):
        row_id, id_warning = _row_id(tr, n, ids)
        ids.add(row_id)
        tr, role_warning = _role_text(tr, previous)
        previous = tr
        result = read_row(tr, row_id, names)
        extra = tuple(w for w in (id_warning, role_warning) if w)
        if extra:
            result = dataclasses.replace(result, warnings=extra + result.warnings, comments=result.comments + tuple(f"warning: {w}" for w in extra))
        results.append(result)
        names = names.with_roles(_new_role(name) for name in result.new)
        problems += [Problem(tr.source, f"row {row_id}", w, WARNING) for w in result.warnings]
    fw = Framework(id=framework_id, title=title, version="1", rows=tuple(r.row for r in results), roles=_vocabulary(results, names))
    comments = {r.row.id: list(r.comments) for r in results}
    text = _header(table.file) + print_framework(fw, comments)
    _check(fw, text, table.file)
    unschedulable = tuple((r.row.id, r.row.unschedulable or "") for r in results if not r.row.schedulable)
    return Imported(fw, text, tuple(problems), unschedulable)


def _on_own_work(trigger: Trigger) -> Trigger:
    """``trigger`` firing on its row's own scheduled work, its kinds dropped (:func:`qaf.rules.followups.read_triggers`
    reads a condition that names the audit as ``kinds: [audit]``, which a row with no audit never has)."""
    return dataclasses.replace(trigger, when=dataclasses.replace(trigger.when, kinds=frozenset()))


def read_row(tr: TableRow, row_id: str, names: Names) -> _RowResult:
    """One table row -> a framework row, the comments above it and its warnings."""
    cell = read_role_cell(tr.role, names) if tr.role != NO_ROLE else RoleCell(())
    names = names.with_roles(_new_role(n) for n in cell.new)
    task, purpose = clean(tr.task), clean(tr.purpose)
    kind = task_kind(task, names)
    hints = dict(mentions(tr.task, names) + mentions(tr.role, names))
    ctx = Context(names, kind, row_id, tuple(hints.items()))
    reading = parse(tr.frequency, ctx)
    warnings = [*cell.warnings, *reading.warnings]
    cadences: list[Cadence] = list(reading.cadences)
    notes = [*cell.notes, *reading.notes]
    if not cadences:
        cadences = task_events(task, ctx)
        if cadences:
            notes = [*cell.notes, f"the frequency cell gives no frequency ('{tr.frequency}'): the task names the event it follows"]
    scope = task_scope(task, ctx)
    new = [*cell.new, *reading.new_roles]
    if cadences:
        more, more_warnings = extra_cadences(task, purpose, cadences, ctx)
        cadences = more
        warnings += more_warnings
        cadences = [with_task_scope(c, scope, warnings) for c in cadences]
        cadences = doers([fill_from_task(c, task, cell.by, names, hints) for c in cadences], cell.by)
        cadences = [_joint(_told(c, cell.copy), cell.by) for c in cadences]
    triggers, trigger_warnings, trigger_new = task_triggers(task, cadences, names, hints)
    warnings += trigger_warnings
    new += trigger_new
    triggers = reading.triggers + triggers
    if not any(c.kind == "audit" for c in cadences):  # "If the audit identifies" in a row of no audit (a moderation's):
        triggers = tuple(_on_own_work(t) for t in triggers)  # the finding is the row's own work's, as without the words
    if cadences and not cell.by:  # nobody to do it: keep what the frequency says, for a person to finish
        notes += [f"the frequency reads as: {describe(c)}" for c in cadences]
        cadences, reading = [], dataclasses.replace(reading, unschedulable="no role given: who does this row?")
    row = Row(
        id=row_id, role=tr.role, task=task, frequency=tr.frequency, purpose=purpose, by=cell.by,
        cadences=tuple(cadences), triggers=triggers, section=tr.section,
        unschedulable=None if cadences else (reading.unschedulable or "no frequency qaf can read"),
        notes=tuple(dict.fromkeys(notes)), source=tr.source,
    )  # fmt: skip
    warnings = list(dict.fromkeys(warnings))
    comments = [f"frequency as written: {tr.frequency or '(empty)'}"]
    if row.unschedulable:
        comments.append(f"not schedulable: {row.unschedulable}")
    comments += [f"warning: {w}" for w in warnings]
    comments = [_one_line(c) for c in comments]
    return _RowResult(row, tuple(comments), tuple(warnings), tuple(dict.fromkeys(new)))


def _told(c: Cadence, copy: tuple[str, ...]) -> Cadence:
    """"CSCMT, DCS and for information to SMT, CPP and LM": a report is copied to those it does not go to."""
    if c.kind != "report" or c.copy or not copy:
        return c
    return dataclasses.replace(c, copy=tuple(n for n in copy if n not in c.to))


def _joint(c: Cadence, by: tuple[str, ...]) -> Cadence:
    """"Heads of Service and AD, Communication, Planning & Performance": a report or meeting the role cell
    gives to more than one role is one piece of work for them together, not one each."""
    doers = c.by or by
    if c.per != "assignee" or c.kind not in ("report", "meeting") or len(doers) < 2 or c.rota or c.rotate:
        return c
    return dataclasses.replace(c, joint=True)


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", "".join(ch if ch.isprintable() else " " for ch in text)).strip()


def _row_id(tr: TableRow, n: int, taken: set[str]) -> tuple[str, str]:
    base = (tr.id or "").strip() or str(n)
    row_id, k = base, 1
    while row_id in taken:
        k += 1
        row_id = f"{base}-{k}"
    if row_id != base:
        return row_id, f"row number {base} is used twice: this one is {row_id}"
    return row_id, ""


def _role_text(tr: TableRow, previous: TableRow | None) -> tuple[TableRow, str]:
    if tr.role.strip():
        return tr, ""
    if previous is not None:
        return dataclasses.replace(tr, role=previous.role), "the role cell is empty: taken from the row above (a merged cell?)"
    return dataclasses.replace(tr, role=NO_ROLE), "the role cell is empty and there is no row above: who does this row?"


def _new_role(name: str) -> Role:
    last = name.split(" ")[-1].lower()
    return Role(name, body=last in BODY_HEADS)


def _vocabulary(results: list[_RowResult], names: Names) -> tuple[Role, ...]:
    """The roles the framework uses, in vocabulary order (new ones last, as they were met)."""
    used: set[str] = set()
    for r in results:
        row = r.row
        used.update(row.by)
        for c in row.cadences:
            used.update((*c.roles, *c.by, *c.to, *c.with_, *c.copy))
        used.update(a.role for t in row.triggers for a in t.then if a.role)
    return tuple(role for role in names.roles if role.name in used)


def _header(file: str) -> str:
    name = _one_line(file)
    return (
        f"# Imported by 'qaf framework import' from {name}.\n"
        "# Each row keeps the council's cells; the comments above a row give its frequency as\n"
        "# written and every warning. Check each row, finish it, then run 'qaf framework check'.\n"
    )


class ImportCheckError(QafError):
    """The framework the importer made does not pass the loader: a bug in qaf, not in the table."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        lines = "; ".join(f"{p.field}: {p.message}" for p in problems[:5])
        super().__init__(f"{file}: the imported framework would not pass 'qaf framework check' (a qaf bug, please report it): {lines}")


def _check(fw: Framework, text: str, file: str) -> None:
    """The framework passes every validation of ``qaf framework check`` and its text is valid YAML.

    The validations run on the framework itself, and the text is parsed with
    libyaml: re-reading it with the located loader would cost as much as the
    whole import. That the printed text loads back to the same framework is
    the printer's promise (tests/test_roundtrip.py); tests/test_importer.py
    runs the full loader over imported tables.
    """
    errors = [p for v in BASIC_VALIDATIONS for p in v(resolve_names(fw)) if p.is_error]
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        errors.append(Problem(Source(file), "yaml", f"not valid YAML: {' '.join(str(exc).split())}"))
    else:
        if not isinstance(data, dict) or len(data.get("rows") or ()) != len(fw.rows):
            errors.append(Problem(Source(file), "yaml", "the text does not hold the framework's rows"))
    if errors:
        raise ImportCheckError(file, errors)


def default_id(path: str) -> str:
    stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", path.replace("\\", "/").rsplit("/", 1)[-1])
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:64].rstrip("-")  # a framework id is at most 64 characters
    return slug or "imported-framework"
