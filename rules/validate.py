"""Validations of a loaded framework: named functions, each testable alone.

Each ``validate_*(framework) -> list[Problem]`` checks one thing and reports
every instance with its source line. :data:`BASIC_VALIDATIONS` is the list
the loader runs; to add checks, build a new list (``[*BASIC_VALIDATIONS,
extra]``), never mutate this one.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Iterator

from qaf.rules.model import (
    ACTIONS,
    CASELOADS,
    CASES_FROM,
    COPY_OF,
    EVENTS,
    KINDS,
    MODERATORS,
    PEER,
    PER,
    RELATIVE_TO,
    ROTATE,
    TEAM_KINDS,
    TEAMS,
    TRIGGER_EVENTS,
    WAS_NEW,
    WITHIN,
    Cadence,
    Framework,
    Row,
)
from qaf.rules.plain import INVISIBLE, ONE_LINE, invisible, shown
from qaf.rules.problems import ADDED_SINCE, NO_SOURCE, Problem, Source, about_character
from qaf.rules.roles import Vocabulary

Validation = Callable[[Framework], list[Problem]]

LINE_WORDS = frozenset({"assignee", "line_manager"})
# subjects a case can be sampled from
CASE_SUBJECTS = frozenset({"assignee", "worker", "team", "service", "area", "case_holder"})
MAX_HOURS = 1_000  # the time one task takes (a cadence's hours): a report of several weeks' work is a few hundred


def _p(source: Source, field: str, message: str, kind: str = "") -> Problem:
    return Problem(source, field, message, kind=kind)


# what parts one key area's judgement from the next where people type them: 'qaf record --areas Plan=good,Voice=poor',
# the outcomes CSV's 'Plan=good;Voice=poor' (and the page's form and the API, through the same reader)
AREA_SEPARATORS = (",", ";", "=")


def untypable(name: str) -> str:
    """Why a key area or a grade could never be typed in a judgement (it holds a separator), or ''."""
    found = next((ch for ch in AREA_SEPARATORS if ch in name), "")
    return f"holds '{found}': a judgement is typed 'AREA=GRADE', judgements parted by ',' or ';', so a key area or grade holds none of them" if found else ""


def validate_settings(fw: Framework) -> list[Problem]:
    out: list[Problem] = []
    scale = fw.setting_source("grades")
    if not fw.grades:
        out.append(_p(scale, "grades", "the grade scale is empty"))
    for grade, n in Counter(fw.grades).items():
        if n > 1:
            out.append(_p(scale, "grades", f"grade '{grade}' is listed {n} times"))
    out += [_p(scale, "grades", f"grade '{g}' {why}", kind=ADDED_SINCE) for g in fw.grades if (why := untypable(g))]
    places = fw.setting_source("areas")
    for area in fw.areas:
        if not area.strip():
            out.append(_p(places, "areas", f"a key area is named: {area!r} is no name", kind=ADDED_SINCE))
        elif why := untypable(area):
            out.append(_p(places, "areas", f"key area '{area}' {why}", kind=ADDED_SINCE))
    for area, n in Counter(a.strip().lower() for a in fw.areas if a.strip()).items():  # typed without regard to case ('qaf record --areas')
        if n > 1:
            out.append(_p(places, "areas", f"key area '{area}' is listed {n} times", kind=ADDED_SINCE))
    written = "escalate_grades" in dict(fw.lines)  # else its default, which the scale written leaves out: said at the scale
    for grade in fw.escalate_grades:
        if grade not in fw.grades:
            unwritten = "" if written else ": escalate_grades is not written, and its default names it: write escalate_grades with grades of this scale"
            out.append(_p(fw.setting_source("escalate_grades") if written else scale, "escalate_grades",
                          f"unknown grade '{grade}' (scale: {', '.join(fw.grades)}){unwritten}"))  # fmt: skip
    for target in fw.targets:
        if target.grade not in fw.grades:
            out.append(_p(target.source, "targets.grade", f"unknown grade '{target.grade}' (scale: {', '.join(fw.grades)})"))
    last = -1
    for step in fw.escalation:
        if step.after < last:
            out.append(_p(step.source, "escalation.after", f"steps must go up: {step.after} comes after {last}"))
        last = step.after
    return out


def validate_vocabulary(fw: Framework) -> list[Problem]:
    out: list[Problem] = []
    seen: dict[str, int] = {}
    for role in fw.roles:
        if role.name in seen:
            out.append(_p(role.source, "roles.name", f"role '{role.name}' is defined twice (first on line {seen[role.name]})"))
        seen.setdefault(role.name, role.source.line)
    for role in fw.roles:
        longest = max((role.name, *role.aliases), key=len)
        if len(longest) > LONGEST_ROLE:
            out.append(_p(role.source, "roles.aliases" if longest != role.name else "roles.name", f"a role's name or alias is at most "
                          f"{LONGEST_ROLE} characters (a person's role in people.csv is), got {len(longest):,}", ADDED_SINCE))  # fmt: skip
    for written, first, second in Vocabulary(fw.roles).clashes():
        src = next(r.source for r in fw.roles if r.name == second)
        out.append(_p(src, "roles.aliases", f"'{written}' names both '{first}' and '{second}'"))
    return out


LONGEST_ROW_ID = 50  # the store's row columns are this wide (a trigger's id, a label too, is held to it)
LONGEST_ROLE = 200  # a role's name or alias: a person's role in people.csv is at most this (qaf.usecases.orgload)


def _not_one_line(source: Source, field: str, text: str, said: str) -> Problem | None:
    """The problem of an id held to one line of :data:`LONGEST_ROW_ID` characters, if it is not one: ``said``, then
    what it got, its length or the control character in it, named (a row id "1.1\\a" of 4 characters was said to be
    too long), and about that character (:attr:`Problem.kind`)."""
    if len(text) > LONGEST_ROW_ID:
        return _p(source, field, f"{said}got {len(text):,} characters", ADDED_SINCE)
    found = ONE_LINE.search(text)
    return _p(source, field, f"{said}got a control character (U+{ord(found[0]):04X})", about_character(found[0])) if found else None


def validate_row_ids(fw: Framework) -> list[Problem]:
    out: list[Problem] = []
    first: dict[str, int] = {}
    for row in fw.rows:
        if hidden := invisible(row.id):
            out.append(_p(row.source, "row.id", f"a row id is plain text, as the council numbers its rows (\"3.16\"): {hidden}",
                          about_character(INVISIBLE.search(row.id)[0])))
        elif problem := _not_one_line(row.source, "row.id", row.id, f"a row id is one line of at most {LONGEST_ROW_ID} characters, "
                                                                  "as the council numbers its rows (\"3.16\"): "):  # fmt: skip
            out.append(problem)
        if row.id in first:
            out.append(_p(row.source, "row.id", f"duplicate row id '{row.id}' (first on line {first[row.id]})"))
        first.setdefault(row.id, row.source.line)
    was: dict[str, int] = {}
    for row in fw.rows:
        if not row.was:
            continue
        if problem := _not_one_line(row.source, "row.was", row.was, f"the row's number before is one line of at most "
                                                                   f"{LONGEST_ROW_ID} characters, as the council numbered it (\"1.6\"): "):  # fmt: skip
            out.append(problem)
        elif row.was == WAS_NEW:
            continue  # new work, whatever row its number held (rules/numbering.py); as many rows as are new
        elif row.was in was:  # its own number too: the same row whatever its words, which no other row can be
            out.append(_p(row.source, "row.was", f"two rows say they were row '{row.was}' (the other on line {was[row.was]})"))
        was.setdefault(row.was, row.source.line)
    return out


def validate_rows(fw: Framework) -> list[Problem]:
    out: list[Problem] = []
    for row in fw.rows:
        where = f"row {row.id}"
        if not row.role.strip():
            out.append(_p(row.source, f"{where}.role", "the row's role text is empty"))
        if row.unschedulable is not None and row.cadences:
            out.append(_p(row.source, f"{where}.unschedulable", "a row with cadences is schedulable; put partial gaps in 'notes'"))
        if row.unschedulable is None and not row.cadences:
            out.append(_p(row.source, f"{where}.cadences", "no cadences: give at least one, or say why the row is 'unschedulable'"))
        if row.cadences and not row.by and any(not c.by and not c.peer for c in row.cadences):
            out.append(_p(row.source, f"{where}.by", "who does this row? give 'by' (roles from the vocabulary)"))
    return out


# the longest text each of a row's own words may hold (the bundled frameworks' longest: role 102, section 91,
# task 589, frequency 332, purpose 479, a note 288): the council's words, verbatim, but not without end
LONGEST_WORDS = {"role": 500, "section": 500, "task": 5_000, "frequency": 5_000, "purpose": 5_000}
LONGEST_NOTE = 2_000  # a row's notes (each), its unschedulable reason, a cadence's or an action's note


def validate_row_texts(fw: Framework) -> list[Problem]:
    out: list[Problem] = []
    for row in fw.rows:
        where = f"row {row.id}"
        for name, longest in LONGEST_WORDS.items():
            if len(getattr(row, name)) > longest:
                out.append(_p(row.source, f"{where}.{name}", f"the council's words hold at most {longest:,} characters here, "
                                                             f"got {len(getattr(row, name)):,}", ADDED_SINCE))  # fmt: skip
        notes = [(row.source, "notes", n) for n in row.notes] + [(row.source, "unschedulable", row.unschedulable or "")]
        notes += [(c.field_source("note"), "cadence.note", c.note) for c in row.cadences]
        notes += [(a.field_source("note"), f"trigger.{a.do}.note", a.note) for t in row.triggers for a in t.then]
        out += [_p(source, f"{where}.{field}", f"a note holds at most {LONGEST_NOTE:,} characters, got {len(text):,}", ADDED_SINCE)
                for source, field, text in notes if len(text) > LONGEST_NOTE]  # fmt: skip
    return out


def _names(fw: Framework) -> Iterator[tuple[Source, str, str]]:
    """Every role name the framework uses: (where, field, name)."""
    for row in fw.rows:
        for name in row.by:
            yield (row.source if row.by_source == NO_SOURCE else row.by_source), f"row {row.id}.by", name
        for c in row.cadences:
            for key, names in (("roles", c.roles), ("by", c.by), ("to", c.to), ("with", c.with_), ("copy", c.copy)):
                for i, name in enumerate(names):
                    yield c.field_source(f"{key}[{i}]", key), f"row {row.id}.cadence.{key}", name  # the name's own line
        for t in row.triggers:
            for a in t.then:
                if a.role is not None:
                    yield a.field_source("role"), f"row {row.id}.trigger.{a.do}.role", a.role
    for step in fw.escalation:
        if step.to not in LINE_WORDS:
            yield step.source, "escalation.to", step.to
    for name in fw.notify_on_grade:
        yield fw.setting_source("notify_on_grade"), "notify_on_grade", name
    for name in fw.digest_roles:
        yield fw.setting_source("digest_roles"), "digest_roles", name
    defaults = Framework.__dataclass_fields__
    if fw.extension_roles != defaults["extension_roles"].default:
        for name in fw.extension_roles:
            yield fw.setting_source("extension_roles"), "extension_roles", name
    if fw.contest_moderator != defaults["contest_moderator"].default:
        yield fw.setting_source("contest_moderator"), "contest_moderator", fw.contest_moderator


def validate_roles(fw: Framework) -> list[Problem]:
    known = {r.name for r in fw.roles}
    return [
        _p(src, field, f"unknown role '{name}' (not in the framework's role vocabulary)")
        for src, field, name in _names(fw)
        if name not in known
    ]


def _choice(c: Cadence, field: str, value: str | None, allowed: tuple[str, ...], where: str) -> list[Problem]:
    if value is None or value in allowed:
        return []
    return [_p(c.field_source(field), f"{where}.{field}", f"unknown {field} '{value}' (one of: {', '.join(allowed)})")]


def _check_cadence(fw: Framework, row: Row, c: Cadence) -> list[Problem]:
    where = f"row {row.id}.cadence"
    out = _choice(c, "kind", c.kind, KINDS, where)
    if c.kind == "action":
        out.append(_p(c.field_source("kind"), f"{where}.kind", "actions are raised by an audit's outcome, never scheduled by a row"))
    out += _choice(c, "per", c.per, PER, where)
    out += _choice(c, "within", c.within, WITHIN, where)
    out += _choice(c, "peer", c.peer, PEER, where)
    out += _choice(c, "rotate", c.rotate, ROTATE, where)
    out += _choice(c, "team_kind", c.team_kind, TEAM_KINDS, where)
    out += _choice(c, "on", c.on, EVENTS, where)
    out += _choice(c, "caseload", c.caseload, CASELOADS, where)
    out += _choice(c, "copy_of", c.copy_of, COPY_OF, where)
    out += _choice(c, "teams", c.teams, TEAMS, where)

    def bad(field: str, message: str, *written: str) -> None:  # at the field's line, else at the first of ``written`` given
        out.append(_p(c.field_source(field, *written), f"{where}.{field}", message))

    if c.every is None and not c.event_driven:
        bad("every", "how often? give 'every' (month, quarter, ...) or an event ('on' / 'anniversary')")
    if c.count_max is not None and c.count_max < c.count:
        bad("count_max", f"the range {c.count} to {c.count_max} runs backwards")
    if c.hours is not None and not 0 < c.hours <= MAX_HOURS:
        bad("hours", f"the time a task takes is a number of hours above 0 and at most {MAX_HOURS:,}, got {shown(c.hours)}")
    if c.share is not None and not 0 < c.share <= 100:
        bad("share", f"a share of cases is a percent above 0 and at most 100, got {shown(c.share)}")
    if (c.case or c.share is not None) and c.per not in CASE_SUBJECTS:
        bad("case", f"cases cannot be sampled for per '{c.per}'", "share")
    if c.caseload != "line" and (c.per != "assignee" or not (c.case or c.share is not None)):
        bad("caseload", "'caseload: own' is for an assignee's own case audits (per assignee, case or share)")
    if c.copy_of is not None and not c.copy:
        bad("copy_of", "'copy_of' says whose line a copy goes up: give the roles copied in 'copy'")
    if c.per == "case_holder" and not c.roles:
        bad("roles", "per case_holder needs the 'roles' that hold cases (e.g. IRO, CPA)")
    if c.per == "body" and not c.to:
        bad("to", "per body needs the bodies in 'to'")
    if c.peer and c.per not in ("team", "service", "area"):
        bad("peer", "a peer audit is per team, service or area")
    if c.rota and c.per != "assignee":
        bad("rota", "a rota shares one obligation a period among the role's holders; per must be 'assignee'")
    if c.joint and (c.per not in ("assignee", "body") or c.rota or c.rotate):
        bad("joint", "joint work is one obligation a period for all the role's holders; per must be 'assignee' or 'body', with no rota or rotation")
    if c.rotate and c.per != "assignee":
        bad("rotate", "a rotation picks one target per period; per must be 'assignee'")
    if c.due_within is not None and c.on is None:
        bad("due_within", "due_within is for event-driven cadences ('on')")
    if len(c.except_months) >= 12:
        bad("except", "every month is left out")
    if c.every is not None and c.every.weeks and c.except_months:
        bad("except", "months can be left out of monthly-based cadences only")
    for i, v in enumerate(c.variations):
        if v.team_kind not in TEAM_KINDS:
            out.append(_p(c.field_source(f"variations[{i}].team_kind", f"variations[{i}]") if c.lines else v.source, f"{where}.variation.team_kind", f"unknown team_kind '{v.team_kind}' (one of: {', '.join(TEAM_KINDS)})"))
    if c.teams != "all" and c.per != "team":
        bad("teams", "'teams' narrows the teams a per-team cadence is about; per must be 'team'")
    if c.variations and c.per != "team":
        bad("variations", "variations by team kind need per 'team'")
    if c.kind == "moderation" and c.sample is None and not c.event_driven:
        bad("sample", "a moderation cadence re-audits a 'sample' of another row's audits")
    if c.sample is not None:
        if c.sample.row not in {r.id for r in fw.rows}:
            out.append(_p(c.field_source("sample.row", "sample"), f"{where}.sample.row", f"unknown row '{c.sample.row}'"))
        if c.sample.percent is not None and not 0 < c.sample.percent <= 100:
            out.append(_p(c.field_source("sample.percent", "sample"), f"{where}.sample.percent", f"must be above 0 and at most 100, got {shown(c.sample.percent)}"))
        if c.sample.moderator not in MODERATORS:
            out.append(_p(c.field_source("sample.moderator", "sample"), f"{where}.sample.moderator", f"unknown moderator '{c.sample.moderator}' (one of: {', '.join(MODERATORS)})"))
    return out


def validate_cadences(fw: Framework) -> list[Problem]:
    return [p for row in fw.rows for c in row.cadences for p in _check_cadence(fw, row, c)]


def validate_triggers(fw: Framework) -> list[Problem]:
    out: list[Problem] = []
    grades = set(fw.grades)
    for row in fw.rows:
        first: dict[str, int] = {}  # a trigger's id names it in the row's log ('trigger.fired': row and id): one a row
        for t in row.triggers:
            where = f"row {row.id}.trigger"
            w = t.when
            if problem := _not_one_line(t.source, f"{where}.id", t.id, f"a trigger id is one line of at most {LONGEST_ROW_ID} characters, "):
                out.append(problem)
            elif t.id and t.id in first:  # another row's trigger may share it (East Sussex's rows each have 'concerns')
                out.append(_p(t.source, f"{where}.id", f"trigger id '{t.id}' is given twice in row {row.id} (first on line "
                              f"{first[t.id]}): give each trigger of a row its own id", kind=ADDED_SINCE))  # fmt: skip
            first.setdefault(t.id, t.source.line)
            if w.on not in TRIGGER_EVENTS:
                out.append(_p(w.field_source("on"), f"{where}.when.on", f"unknown event '{w.on}' (one of: {', '.join(TRIGGER_EVENTS)})"))
            for g in sorted(w.grades - grades):
                out.append(_p(w.field_source(f"grades={g}", "grades"), f"{where}.when.grades", f"unknown grade '{g}' (scale: {', '.join(fw.grades)})"))
            for area, area_grades in w.areas:
                if area not in fw.areas:
                    out.append(_p(w.field_source(f"areas.{area}", "areas"), f"{where}.when.areas", f"unknown key area '{area}'"))
                for g in sorted(area_grades - grades):
                    out.append(_p(w.field_source(f"areas.{area}", "areas"), f"{where}.when.areas", f"unknown grade '{g}' for area '{area}'"))
            for k in sorted(w.kinds - set(KINDS)):
                out.append(_p(w.field_source(f"kinds={k}", "kinds"), f"{where}.when.kinds", f"unknown kind '{k}'"))
            if not t.then:
                out.append(_p(t.source, f"{where}.then", "a trigger needs at least one action"))
            for a in t.then:
                out.extend(_check_action(a, where))
    return out


_NEEDS = {
    "follow_up_audits": ("cases", "within"),
    "review": ("within",),
    "alert": ("role",),
    "moderation": ("role", "within"),
    "qa_signoff": ("role", "within"),
}


def _check_action(a, where: str) -> list[Problem]:
    field = f"{where}.{a.do}"
    if a.do not in ACTIONS:
        return [_p(a.source, field, f"unknown action '{a.do}' (one of: {', '.join(ACTIONS)})")]
    out = [_p(a.source, field, f"'{need}' is required") for need in _NEEDS[a.do] if getattr(a, need) is None and need not in a.unreadable]
    if a.cases is not None and a.cases not in CASES_FROM:
        out.append(_p(a.field_source("cases"), f"{field}.cases", f"unknown cases '{a.cases}' (one of: {', '.join(CASES_FROM)})"))
    if a.of not in RELATIVE_TO:
        out.append(_p(a.field_source("of"), f"{field}.of", f"unknown 'of' '{a.of}' (one of: {', '.join(RELATIVE_TO)})"))
    if a.moderator not in MODERATORS:
        out.append(_p(a.field_source("moderator"), f"{field}.moderator", f"unknown moderator '{a.moderator}' (one of: {', '.join(MODERATORS)})"))
    elif a.moderator != "pool" and a.do != "moderation":
        out.append(_p(a.field_source("moderator"), f"{field}.moderator", "'moderator' is for a moderation action"))
    return out


BASIC_VALIDATIONS: tuple[Validation, ...] = (
    validate_settings,
    validate_vocabulary,
    validate_row_ids,
    validate_rows,
    validate_row_texts,
    validate_roles,
    validate_cadences,
    validate_triggers,
)
