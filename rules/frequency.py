"""Free-text frequency -> cadences and triggers, the way a person reads it.

>>> r = parse("Quarterly to CSCMT Annually to DCS")
>>> [(c.kind, c.every.text, c.to) for c in r.cadences]
[('report', 'quarter', ('CSCMT',)), ('report', 'year', ("Director of Children's Services",))]
>>> parse("As required").unschedulable
"as required: no frequency ('As required')"
>>> describe(parse("One case per month for each worker").cadences[0])
'Monthly audit for each worker, one case'

:func:`parse` returns a :class:`Reading`: the cadences, the triggers a
conditional sentence sets ("If the audit identifies significant concerns then
a further two files ..."), and, when nothing can be scheduled, the reason.
It says what it did not understand (``unread``, verbatim), what it had to
guess (``warnings``: "'bi-monthly' read as every two months") and which
names it met that the vocabulary lacks (``new_roles``). It never raises on
any text.

:func:`describe` writes a cadence as canonical English that :func:`parse`
reads back to the same cadence (the hypothesis round trip relies on it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from qaf.rules.clauses import build, expand_parens, group
from qaf.rules.followups import read_triggers, split_conditional
from qaf.rules.model import Cadence, Every, Trigger
from qaf.rules.names import Names
from qaf.rules.phrases import KIND_WORDS, lower, number_text
from qaf.rules.scan import Event, Scanner
from qaf.rules.settings import MONTHS

MAX_TEXT = 10_000  # characters of one cell read; longer cells are refused by the table readers

_SPLIT = re.compile(r"(?<=[.;!?])\s+(?=[A-Z0-9(])|\s*\n+\s*|\s*[\u2022\u25cf\u25aa\u2023\u2043]\s*")
_TAGS = re.compile(r"<[^>]{0,200}>")


@dataclass(frozen=True, slots=True)
class Context:
    """What the rest of the row tells the frequency reader.

    ``row_kind`` is the kind of work the task names (a meeting, an audit ...);
    ``row_id`` is the row whose audits "a sample of these cases" samples;
    ``hints`` maps short forms the task spells out to their roles ("ad" ->
    "AD Safeguarding" where the task says "AD, Safeguarding, ...").
    """

    names: Names | None = None
    row_kind: str | None = None
    row_id: str = ""
    hints: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Reading:
    text: str
    cadences: tuple[Cadence, ...] = ()
    triggers: tuple[Trigger, ...] = ()
    unschedulable: str | None = None
    unread: tuple[str, ...] = ()  # words not understood, verbatim
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    new_roles: tuple[str, ...] = ()  # names the vocabulary lacks, added as new roles


@lru_cache(maxsize=1)
def default_names() -> Names:
    """The East Sussex vocabulary and the roles of the other bundled frameworks."""
    from qaf.rules.vocab import default_roles

    return Names(default_roles())


@dataclass
class _Collected:
    cadences: list[Cadence]
    warnings: list[str]
    notes: list[str]
    unread: list[str]
    new: list[str]
    reasons: list[str]
    fragments: list[str]


def parse(text: str, context: Context | None = None) -> Reading:
    """Read one frequency cell (see the module docstring)."""
    ctx = context or Context()
    names = ctx.names or default_names()
    clean = _clean(text)[:MAX_TEXT]
    if not clean:
        return Reading(text, unschedulable="no frequency given (the cell is empty)")
    timed, conditional = split_conditional(clean)
    got = _Collected([], [], [], [], [], [], [])
    for sentence in (s for s in _SPLIT.split(timed) if s and s.strip(" .;,")):
        _read_sentence(sentence, ctx, names, got)
    triggers: tuple[Trigger, ...] = ()
    if conditional:
        per = next((c.per for c in got.cadences if c.kind == "audit"), got.cadences[0].per if got.cadences else "assignee")
        found = read_triggers(conditional, names, per, dict(ctx.hints))
        triggers = found.triggers
        got.new += found.new_roles
        got.warnings += found.warnings
    warnings = got.warnings
    if got.unread:
        warnings.append("not understood: " + "; ".join(f"'{u}'" for u in dict.fromkeys(got.unread)))
    if got.fragments and got.cadences:
        warnings += [f"no frequency for '{f}': not scheduled" for f in dict.fromkeys(got.fragments)]
    used = _used_names(got.cadences, triggers)
    fresh = tuple(n for n in dict.fromkeys(got.new) if n in used)
    warnings += [f"'{n}' is not in the role vocabulary: added as a new role; check it" for n in fresh]
    reason = None if got.cadences else _reason(got.reasons, timed or clean)
    return Reading(
        text, tuple(got.cadences), triggers, reason, tuple(dict.fromkeys(got.unread + got.fragments)),
        tuple(dict.fromkeys(warnings)), tuple(dict.fromkeys(got.notes)), fresh,
    )  # fmt: skip


def _read_sentence(sentence: str, ctx: Context, names: Names, got: _Collected) -> None:
    scanner = Scanner(sentence, lower(sentence), names, dict(ctx.hints))
    events = expand_parens(scanner.scan(), scanner)
    previous: list[Event] | None = None  # the events of this sentence's last cadence
    for clause_events in group(events):
        clause = build(clause_events, scanner, ctx.row_kind, ctx.row_id, names.is_body)
        if clause.names_only and previous is not None and not got.cadences[-1].to:
            clause_events = previous + clause_events  # "Annually to include ... To CPP and LM"
            clause = build(clause_events, scanner, ctx.row_kind, ctx.row_id, names.is_body)
            got.cadences.pop()
        got.warnings += clause.warnings
        if clause.cadence is None:
            got.notes += clause.notes  # a cadence keeps its own notes
        if clause.cadence is not None:
            got.cadences.append(clause.cadence)
            previous = clause_events
            got.unread += clause.unread
            got.new += clause.new_roles
        elif clause.reason:
            got.reasons.append(clause.reason)
            got.notes.append(f"'{clause.text}': {clause.reason}, not scheduled")
        else:
            got.fragments.append(clause.text)


def _clean(text: str) -> str:
    t = _TAGS.sub(" ", text or "")
    t = "".join(ch if ch.isprintable() or ch == "\n" else " " for ch in t)
    t = re.sub(r"[ \t\r\f\v]+", " ", t)
    return t.strip()


def _used_names(cadences: list[Cadence], triggers: tuple[Trigger, ...]) -> set[str]:
    used = {n for c in cadences for n in (*c.roles, *c.by, *c.to, *c.with_, *c.copy)}
    return used | {a.role for t in triggers for a in t.then if a.role}


def _reason(reasons: list[str], text: str) -> str:
    text = " ".join(text.split())
    quoted = text if len(text) <= 120 else text[:117] + "..."
    if reasons:
        return f"{reasons[0]} ('{quoted}')"
    return f"no frequency qaf can read ('{quoted}')"


# --- describe: a cadence as canonical English ------------------------------------

_ADVERB = {1: "Monthly", 2: "Every two months", 3: "Quarterly", 4: "Every four months", 6: "Six-monthly", 12: "Annually"}
_UNIT = {1: "month", 2: "two months", 3: "quarter", 4: "four months", 6: "six months", 12: "year"}


def _often(every: Every) -> str:
    if every.weeks:
        return {1: "Weekly", 2: "Fortnightly"}.get(every.weeks, f"Every {every.weeks} weeks")
    return _ADVERB[every.months]


def _adjective(every: Every) -> str:
    if every.weeks:
        return {1: "Weekly", 2: "Fortnightly"}.get(every.weeks, "")
    return {1: "Monthly", 3: "Quarterly", 6: "Six-monthly", 12: "Annual"}.get(every.months, "")


def _unit(every: Every) -> str:
    if every.weeks:
        return "week" if every.weeks == 1 else f"{every.weeks} weeks"
    return _UNIT[every.months]


def _and(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def describe(c: Cadence, default_kind: str | None = None) -> str:
    """Canonical English for ``c``: "Monthly audit for each worker, one case".

    The kind's noun is left out when it is ``default_kind`` (the row's task
    already says it). Notes are not written.
    """
    singular, plural = KIND_WORDS.get(c.kind, (c.kind, c.kind + "s"))
    noun = "" if c.kind == default_kind else singular
    if c.anniversary is not None:
        a = c.anniversary
        what = "the case is opened" if a.date == "opened" else "the " + a.date.replace("_", " ")
        then = "" if a.then is None else ", then " + ("annually" if a.then.months == 12 else "every " + _unit(a.then))
        head = f"{singular.capitalize()} {a.first.text} after {what}{then}"
    elif c.on is not None:
        head = singular.capitalize() + " " + _event(c)
    elif c.every is None:
        head = singular.capitalize()
    elif c.count_max is not None:
        head = f"{number_text(c.count).capitalize()} or {number_text(c.count_max)} {plural} every {_unit(c.every)}"
    elif c.count != 1:
        head = f"{number_text(c.count).capitalize()} {plural} every {_unit(c.every)}"
    elif noun and _adjective(c.every):
        head = f"{_adjective(c.every)} {noun}"
    elif noun:
        head = f"{noun.capitalize()} every {_unit(c.every)}"
    else:
        head = _often(c.every)
    parts = [head]
    if c.sample is not None:
        s = c.sample
        amount = f"{s.percent:g}% of the" if s.percent is not None else number_text(s.count or 1)
        parts.append(f" of {amount} audit{'' if s.count == 1 else 's'} from row {s.row}")
    parts.append(_who(c))
    if c.case:
        parts.append(", one case" if c.count == 1 else ", one case each")
    if c.share is not None:
        parts.append(f", a random {c.share:g}% of open cases")
    for word, names in (("to", c.to if c.per != "body" else ()), ("with", c.with_), ("by", c.by), ("copied to", c.copy)):
        if names:
            parts.append(f" {word} {_and(names)}")
    if c.per == "assignee" and c.kind in ("meeting", "visit") and len(c.to) > 1:
        parts.append(" together")
    if c.except_months:
        parts.append(" except in " + _and(tuple(MONTHS[m - 1].capitalize() for m in c.except_months)))
    for v in c.variations:
        inner = _often(v.every) if v.count == 1 else f"{number_text(v.count)} times every {_unit(v.every)}"
        parts.append(f" ({inner.lower()} for {v.team_kind.replace('_', ' ')} teams)")
    return "".join(parts)


def _event(c: Cadence) -> str:
    w = c.due_within
    if c.on == "case_opened":
        return f"within {w.text} of a case opening" if w else "when a case opens"
    if c.on == "case_closing":
        return f"in the {w.text} before a case is closed" if w else "before a case is closed"
    return f"within {w.text} of a transfer" if w else "on transfer"


def _who(c: Cadence) -> str:
    if c.per == "worker":
        out = f" for each {_and(c.roles)} they manage" if c.roles else " for each worker"
    elif c.per == "case_holder":
        out = f" for each {_and(c.roles)}"
    elif c.per == "body":
        out = f" at each of {_and(c.to)}"
    elif c.per == "team":
        out = f" for each {c.team_kind.replace('_', ' ') + ' ' if c.team_kind else ''}team"
    elif c.per in ("service", "area"):
        out = f" for each {c.per}"
    else:
        out = f" for one {c.rotate} in rotation" if c.rotate else ""
        out += " on a rota" if c.rota else ""
    if c.peer:
        out += f" in a different {c.peer.split('_')[1]}"
    if c.within != "all":
        out += f" within their {c.within.split('_')[1]}"
    return out
