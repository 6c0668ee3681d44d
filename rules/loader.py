"""Load a framework file: a pipeline of small stages, every problem collected.

    text -> located YAML -> settings, roles, ladder, targets, rows
         -> names resolved onto the role vocabulary -> validations

:func:`load_framework` returns ``(framework, problems)``. The framework is
returned even when there are problems (``qaf framework check`` still counts its
rows); callers that store it must refuse it when any problem is an error.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from pathlib import Path
from typing import Callable, Iterable, TypeVar

from qaf.rules import bundled
from qaf.rules.model import Action, Cadence, Framework, Row, Step, Trigger
from qaf.rules.plain import Refused, named_character, not_utf8, read_at_most, too_large
from qaf.rules.problems import ADDED_SINCE, Problem, Source, about_character
from qaf.rules.reader import read_role, read_row, read_step, read_target
from qaf.rules.roles import Vocabulary
from qaf.rules.settings import SETTING_NAMES, SETTINGS, STRUCTURED
from qaf.rules.validate import BASIC_VALIDATIONS, Validation
from qaf.rules.yamlsrc import MAX_BYTES, Fields, Map, Node, compose

T = TypeVar("T")

FORMAT_VERSION = 1
# names the escalation ladder and triggers use for people, not roles
LINE_WORDS = frozenset({"assignee", "line_manager"})


def load_framework(
    path: str | Path, validations: Iterable[Validation] = BASIC_VALIDATIONS
) -> tuple[Framework | None, list[Problem]]:
    """Read and check a framework file."""
    return read_framework(path, validations)[1:]


def read_framework(
    path: str | Path, validations: Iterable[Validation] = BASIC_VALIDATIONS
) -> tuple[str | None, Framework | None, list[Problem]]:
    """Read a framework file once: its text (what a store keeps: the text checked, not the file read again) and
    the framework checked. A BOM (Notepad's UTF-8) is not the text's: the same framework with or without one is
    the same text."""
    path = Path(path)
    try:
        data = read_at_most(path, MAX_BYTES)
        if len(data) > MAX_BYTES:
            return None, None, [Problem(Source(str(path), 1), "file", too_large(path, MAX_BYTES, "a framework file"))]
        text = data.decode("utf-8").removeprefix("\ufeff")
    except FileNotFoundError:
        shipped = "" if path.suffix or path.parent != Path(".") else (
            f", nor a framework qaf ships of that name ({', '.join(bundled.names())})")  # a name, mistyped
        return None, None, [Problem(Source(str(path), 0), "file", f"not found: no such file{shipped}")]
    except OSError as exc:
        return None, None, [Problem(Source(str(path), 0), "file", f"cannot read: {exc}")]
    except UnicodeDecodeError as exc:
        line, message = not_utf8(data, exc, " (save the file as UTF-8)")
        return None, None, [Problem(Source(str(path), line), "file", message)]
    return text, *load_text(text, str(path), validations)


def load_text(
    text: str, filename: str, validations: Iterable[Validation] = BASIC_VALIDATIONS
) -> tuple[Framework | None, list[Problem]]:
    """The framework ``text`` says (None if it cannot be built) and its problems, each at its line of ``filename``.

    Reading is a function of the text, the name and the checks alone, and what it gives is frozen: the
    same text read again in a process (loaded, then read back from the store to be scheduled; a bundled
    framework loaded into each of several stores) is the same framework, read once (a large framework
    takes 50-90 ms to read)."""
    checks = tuple(validations)
    framework, problems = _read_once(text, filename, checks)
    return framework, list(problems)


@functools.lru_cache(maxsize=8)  # a few frameworks' texts (each at most MAX_BYTES)
def _read_once(text: str, filename: str, validations: tuple[Validation, ...]) -> tuple[Framework | None, tuple[Problem, ...]]:
    framework, problems = _read(text, filename, validations)
    return framework, tuple(problems)


def _read(text: str, filename: str, validations: tuple[Validation, ...]) -> tuple[Framework | None, list[Problem]]:
    root, problems = compose(text, filename)
    if root is None:
        return None, problems
    if not isinstance(root, Map):
        return None, [*problems, Problem(Source(filename, root.line), "yaml", "a framework file is a mapping of settings and rows")]
    framework = _build(root, filename, problems)
    framework = resolve_names(framework)
    for validate in validations:
        problems.extend(validate(framework))
    problems[:] = _said_once(problems)
    problems.sort(key=lambda p: (p.source.line, p.field))
    return framework, problems


def _said_once(problems: list[Problem]) -> list[Problem]:
    """A value holding a control or invisible character, said once: the YAML check names the character at its line
    (:mod:`qaf.rules.yamlsrc`), and a setting's or a row id's own check said it again on that line (or that the
    value is not valid, quoting it). The field's problem is kept, in the YAML check's words. Told apart by what
    each is about (:attr:`Problem.kind`: the character, :func:`about_character`), not by reading their words."""
    said: dict[tuple[Source, str], Problem] = {}
    for p in problems:
        if p.field == "yaml" and p.is_error and p.kind:
            said.setdefault((p.source, p.kind), p)
    merged: set[int] = set()
    out: list[Problem] = []
    for p in problems:
        found = said.get((p.source, p.kind)) if p.field != "yaml" and p.is_error and p.kind else None
        if found is not None:
            merged.add(id(found))
            p = dataclasses.replace(p, message=found.message)
        out.append(p)
    # a cadence (or any part) written once under an anchor and used again by its alias ('- *monthly') has its
    # problem at the anchor's line, where one edit mends both: said once, as the same line twice reads as two mistakes
    return list(dict.fromkeys(p for p in out if id(p) not in merged))


def content_hash(text: str) -> str:
    """Names a framework version's ruleset (durable-rules rulesets are immutable)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _build(root: Map, filename: str, problems: list[Problem]) -> Framework:
    f = Fields(root, filename, problems)
    fmt = f.integer("qaf", FORMAT_VERSION)
    if fmt != FORMAT_VERSION:
        f.problem("qaf", f"this qaf reads framework format {FORMAT_VERSION}, not {fmt}")
    values = {opt.name: _setting(f, opt) for opt in SETTINGS}
    if values["title"] is not None and not values["title"].strip():  # read, and nothing: not "'title' is required" again
        f.problem("title", "a title is needed: the framework's name as the council publishes it (every calendar subscribed "
                  "to is named by it)", kind=ADDED_SINCE)  # fmt: skip
    for opt in SETTINGS:  # a required setting that is missing is a problem already: carry on to find the others
        if opt.required and values[opt.name] is None:
            values[opt.name] = ""
    rows = _each(f.seq("rows"), filename, problems, read_row)
    if not f.has("rows"):
        f.problem(None, "'rows' is required: a framework is a table of rows")
    defaults = f.defaults()
    f.finish(SETTING_NAMES | STRUCTURED)
    return Framework(
        rows=rows,
        roles=_each(f.seq("roles"), filename, problems, read_role),
        escalation=_each(f.seq("escalation"), filename, problems, read_step),
        targets=_each(f.seq("targets"), filename, problems, read_target),
        defaults=defaults,
        source=Source(filename, root.line),
        lines=tuple((key, line) for key, line, _ in root.entries if key in SETTING_NAMES),
        **{k: v for k, v in values.items() if v is not None},
    )


def _shown(text: str) -> str:
    """A value as a problem quotes it: a long one cut short."""
    return repr(text if len(text) <= 60 else text[:60] + "...")


def _why(exc: ValueError, text: str, opt) -> str:
    """What the parser said, when it says more than the value and the setting's help already do."""
    said = str(exc).strip()
    return f": {said}" if said and said.strip("'\"") != text and said not in opt.help else ""


def _odd(text: str) -> str:
    """A setting's problem is about the character the YAML check names in its value, if it holds one."""
    ch = named_character(text)
    return about_character(ch) if ch else ""


def _setting(f: Fields, opt) -> object:
    if opt.many:
        out = []
        for text in f.texts(opt.name):
            try:
                out.append(opt.parse(text))
            except ValueError as exc:
                f.problem(opt.name, f"not valid: {_shown(text)}{_why(exc, text, opt)}", kind=_odd(text))
        return tuple(out) if f.has(opt.name) else opt.default
    text = f.text(opt.name, required=opt.required)
    if text is None:
        return opt.default
    try:
        return opt.parse(text)
    except Refused as exc:  # said whole: its range and what was written
        f.problem(opt.name, str(exc))
    except ValueError as exc:
        f.problem(opt.name, f"not valid: {_shown(text)}{_why(exc, text, opt)} ({opt.help})", kind=_odd(text))
    return opt.default


def _each(
    nodes: Iterable[Node], filename: str, problems: list[Problem], read: Callable[..., T | None]
) -> tuple[T, ...]:
    return tuple(x for x in (read(n, filename, problems) for n in nodes) if x is not None)


# --- stage: resolve names onto the vocabulary -----------------------------------


def resolve_names(framework: Framework) -> Framework:
    """Every role written in the file becomes its canonical vocabulary name.

    Unknown names are kept as written; :func:`qaf.rules.validate.validate_roles`
    reports them with their line.
    """
    vocab = Vocabulary(framework.roles)

    def one(name: str | None) -> str | None:
        if name is None or name in LINE_WORDS:
            return name
        return vocab.resolve(name) or name

    def many(names: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(one(n) or n for n in names)

    def cadence(c: Cadence) -> Cadence:
        return dataclasses.replace(c, roles=many(c.roles), by=many(c.by), to=many(c.to), with_=many(c.with_), copy=many(c.copy))

    def action(a: Action) -> Action:
        return dataclasses.replace(a, role=one(a.role))

    def trigger(t: Trigger) -> Trigger:
        return dataclasses.replace(t, then=tuple(action(a) for a in t.then))

    def row(r: Row) -> Row:
        return dataclasses.replace(
            r,
            by=many(r.by),
            cadences=tuple(cadence(c) for c in r.cadences),
            triggers=tuple(trigger(t) for t in r.triggers),
        )

    def step(s: Step) -> Step:
        return dataclasses.replace(s, to=one(s.to) or s.to)

    return dataclasses.replace(
        framework,
        rows=tuple(row(r) for r in framework.rows),
        escalation=tuple(step(s) for s in framework.escalation),
        notify_on_grade=many(framework.notify_on_grade),
        extension_roles=many(framework.extension_roles),
        contest_moderator=one(framework.contest_moderator) or framework.contest_moderator,
        digest_roles=many(framework.digest_roles),
    )
