"""Load an organisation from CSV files, reporting every problem with file, line and column.

``people.csv``, ``teams.csv`` and ``cases.csv`` are required, ``bodies.csv``
optional (columns in SPEC §4; extra columns are ignored, and never stored).
Problems are ``FILE:LINE: column: message``. A role that no loaded framework
knows is a warning: a framework loaded later may need it.

Every text a file may hold has a range (:data:`LONGEST`, the README's "Your
organisation"): ids at most 100 characters and never holding ``;`` (lists of
ids are joined by it), names, roles, services and areas at most 200, emails at
most 254, case references at most 64 (whatever the council's own pattern
allows); none holds a line break or another control character, nor an
invisible character or one that turns text around (a bidi control such as
U+202E, a zero-width space: :data:`qaf.rules.plain.INVISIBLE`). A longer text
is refused here, with its line, on SQLite as on PostgreSQL, never left for
the database to refuse.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

from qaf.engine.caserefs import why_not
from qaf.engine.org import TEAM_KINDS, Body, Case, Org, Person, Team
from qaf.engine.periods import LAST_DAY
from qaf.rules.plain import DATELIKE, EMAIL_ADDRESS, SAVE_CSV_AS_UTF8, column_names, has_control, invisible, iso_day, named_twice, not_commas, not_csv, not_utf8, quoted, read_at_most, too_large
from qaf.rules.problems import WARNING, Problem, Source
from qaf.rules.roles import Vocabulary

COLUMNS = {
    "people.csv": ("id", "name", "email", "roles", "team", "manager", "start", "end"),
    "teams.csv": ("id", "name", "service", "kind", "area"),
    "cases.csv": ("ref", "worker", "team", "opened", "closed"),
    "bodies.csv": ("id", "name", "chair"),
}
REQUIRED_COLUMNS = {
    "people.csv": ("id", "name", "email", "roles"),
    "teams.csv": ("id", "name", "service", "kind"),
    "cases.csv": ("ref", "team", "opened"),
    "bodies.csv": ("id", "name"),
}
OPTIONAL_FILES = frozenset({"bodies.csv"})
# the largest council's cases.csv is a few megabytes; a file past this is no organisation (a dump, /dev/zero),
# refused before it fills the memory
MAX_BYTES = 50_000_000
# every column qaf reads from each file (the others are ignored): each may be named once only
READ_COLUMNS = {**COLUMNS, "cases.csv": (*COLUMNS["cases.csv"], "transferred"), "bodies.csv": (*COLUMNS["bodies.csv"], "members")}

# the longest text each column may hold (the store's own columns are at least this wide)
LONGEST = {"id": 100, "name": 200, "email": 254, "role": 200, "service": 200, "area": 200, "ref": 64}
EMAIL = EMAIL_ADDRESS  # as qaf sends to it: one an email would fail for good at is refused here
# columns that would carry a child's personal details: ignored, and said so
CHILD_DETAIL = re.compile(r"child|name|dob|birth|address|postcode|surname|forename", re.I)


@dataclass
class _Rows:
    """One CSV file read as (line, record) pairs, problems collected."""

    path: Path
    problems: list[Problem]
    columns: tuple[str, ...] = ()
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    # its header wants columns, or a record that is not CSV cut it short: not all its rows were read, so nothing
    # is checked against it (its problem said; the rest would be a case refused for every person never read)
    unread: bool = False

    def problem(self, line: int, column: str, message: str, severity: str = "error") -> None:
        self.problems.append(Problem(Source(str(self.path), line), column, message, severity))


def _read(path: Path, problems: list[Problem]) -> _Rows | None:
    rows = _Rows(path, problems)
    try:
        data = read_at_most(path, MAX_BYTES)
        if len(data) > MAX_BYTES:
            rows.problem(0, "file", too_large(path, MAX_BYTES, "an organisation's CSV file"))
            return None
        text = data.decode("utf-8-sig")
    except FileNotFoundError:
        if path.name in OPTIONAL_FILES:
            return None
        rows.problem(0, "file", f"missing: an organisation needs {path.name}")
        return None
    except OSError as exc:
        rows.problem(0, "file", f"cannot read as UTF-8 text: {exc}")
        return None
    except UnicodeDecodeError as exc:
        line, message = not_utf8(data, exc, SAVE_CSV_AS_UTF8)
        rows.problem(line, "file", message)
        return None
    # only CR and LF end a record (U+2028, NEL, FF are a cell's characters); strict: a quote never closed is refused
    # where it opens, not read on to the end of the file, taking the lines after into one cell
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start, missing = 1, []  # the line the next record starts on; the header's columns missing
    short: list[tuple[int, int]] = []  # (line, cells) of each record with fewer cells than the header
    try:
        header = next(reader, None)
        if header is None:
            rows.problem(1, "header", f"the file is empty; expected the columns {', '.join(COLUMNS[path.name])}")
            return rows
        columns, hidden = column_names(header)  # an invisible character said, then read without it
        rows.columns = tuple(columns)
        for column, said in hidden:
            rows.problem(1, column, said)
        missing = [c for c in REQUIRED_COLUMNS[path.name] if c not in rows.columns]
        separator = not_commas(rows.columns, missing)  # Excel's 'CSV' where lists use ';' (much of Europe), or its 'Text'
        if separator:
            rows.problem(1, "header", separator)
        for column in missing if not separator else ():
            rows.problem(1, column, f"missing column '{column}' (expected {', '.join(COLUMNS[path.name])})")
        for column, said in named_twice(rows.columns, READ_COLUMNS[path.name]):
            rows.problem(1, column, said)
        for column in rows.columns:
            if path.name == "cases.csv" and column not in COLUMNS[path.name] and CHILD_DETAIL.search(column):
                rows.problem(1, column, "column ignored: qaf keeps case references only, never a child's details", WARNING)
        start = reader.line_num + 1
        for record in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(rows.columns):
                rows.problem(line, "row", f"{len(record)} cells but the header has {len(rows.columns)} columns")
            elif len(record) < len(rows.columns):
                short.append((line, len(record)))
            cells = reversed(list(enumerate(rows.columns)))  # a column named twice reads as its first (and is refused above)
            values = {c: (record[i].strip() if i < len(record) else "") for i, c in cells}
            rows.rows.append((line, values))
    except csv.Error as exc:  # at the line the record starts on (the header's, or the one after the last read)
        rows.problem(start, "row", not_csv(exc))
        rows.unread = True
    _cut_short(rows, short, READ_COLUMNS[path.name])
    if missing:
        rows.rows, rows.unread = [], True
    return rows


def _cut_short(rows: _Rows, short: list[tuple[int, int]], read: tuple[str, ...]) -> None:
    """One warning for the rows with fewer cells than the header, where a column qaf reads is among those left
    out (an export cut short: a person's ``end`` read as empty keeps a leaver in post), at the first of them."""
    cut = [(line, cells) for line, cells in short if any(c in read for c in rows.columns[cells:])]
    if not cut:
        return
    line, cells = cut[0]
    empty = ", ".join(c for c in rows.columns[cells:] if c in read)
    lines = ", ".join(str(n) for n, _ in cut[1:6]) + (", ..." if len(cut) > 6 else "")
    more = "" if len(cut) == 1 else f" (so does 1 more row, line {lines})" if len(cut) == 2 else f" (so do {len(cut) - 1} more rows, lines {lines})"
    rows.problem(line, "row", f"{cells} cells but the header has {len(rows.columns)} columns: {empty} read as empty{more}", WARNING)


# an organisation's dates: a case opened or a person in post before qaf's century is history qaf keeps; before
# 1900 or after qaf's last day is a slip of the keyboard (0202 for 2020), refused at its cell
EARLIEST = date(1900, 1, 1)


# what a problem may quote back of a cell: never words, which in cases.csv may be a child's name (one child's two
# lines; a name slipped into a date's column: rules.plain.quoted); the file, line and column say where it is
_NO_WORDS = re.compile(r"[A-Za-z0-9/_.\-]{1,64}")


def _quoted_ref(text: str) -> str:
    """`` 'TEXT'`` to follow a problem's first words, if ``text`` is a token and no name (:func:`why_not`); else nothing."""
    return f" {text!r}" if _NO_WORDS.fullmatch(text) and why_not(text) is None else ""


def _date(rows: _Rows, line: int, values: dict[str, str], column: str, required: bool = False) -> date | None:
    text = values.get(column, "")
    if not text:
        if required:
            rows.problem(line, column, "a date is required (YYYY-MM-DD)")
        return None
    try:
        day = iso_day(text)
    except ValueError:
        rows.problem(line, column, f"malformed date{quoted(text, DATELIKE)} (expected YYYY-MM-DD)")
        return None
    if not EARLIEST <= day <= LAST_DAY:
        rows.problem(line, column, f"{text} is outside the dates an organisation's file may hold ({EARLIEST.isoformat()} to {LAST_DAY.isoformat()})")
        return None
    return day


def _fits(rows: _Rows, line: int, column: str, value: str, kind: str | None = None) -> bool:
    """Whether ``value`` is within its column's range (:data:`LONGEST`, by ``kind``, default the column's name); reported if not."""
    longest = LONGEST[kind or column]
    if len(value) > longest:
        rows.problem(line, column, f"at most {longest} characters, got {len(value)}")
        return False
    if has_control(value):  # a bidi control or an invisible character too, named
        rows.problem(line, column, f"{invisible(value) or 'a line break or another control character'}: one line of plain text only")
        return False
    if (kind or column) == "id" and ";" in value:
        rows.problem(line, column, f"an id never holds ';' (lists of ids are joined by it): {value!r}")
        return False
    return True


def _unique(rows: _Rows, key: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Records with a non-empty, in range, not yet seen ``key``; others reported."""
    first: dict[str, int] = {}
    for line, values in rows.rows:
        value = values.get(key, "")
        if not value:
            rows.problem(line, key, f"'{key}' is empty")
            continue
        if not _fits(rows, line, key, value):
            continue
        if value in first:
            shown = _quoted_ref(value) if key == "ref" else f" '{value}'"  # a reference twice may be a name twice
            rows.problem(line, key, f"duplicate {key}{shown} (first on line {first[value]})")
            continue
        first[value] = line
        yield line, values


def _teams(rows: _Rows) -> list[Team]:
    out: list[Team] = []
    for line, v in _unique(rows, "id"):
        kind = v.get("kind", "").lower().replace(" ", "_").replace("-", "_")
        if kind not in TEAM_KINDS:
            rows.problem(line, "kind", f"unknown team kind {v.get('kind', '')!r} (one of: {', '.join(TEAM_KINDS)})")
        for column in ("name", "service"):
            if not v.get(column):
                rows.problem(line, column, f"'{column}' is empty")
        for column in ("name", "service", "area"):
            _fits(rows, line, column, v.get(column, ""))
        out.append(Team(v["id"], v.get("name", ""), v.get("service", ""), kind, v.get("area", ""), Source(str(rows.path), line)))
    return out


def _people(rows: _Rows, teams: set[str] | None, vocab: Vocabulary | None) -> list[Person]:
    out: list[Person] = []
    unknown: dict[str, list[int]] = {}
    for line, v in _unique(rows, "id"):
        if not v.get("name"):
            rows.problem(line, "name", "'name' is empty")
        _fits(rows, line, "name", v.get("name", ""))
        email = v.get("email", "")
        if _fits(rows, line, "email", email) and not EMAIL.fullmatch(email):
            odd = next((ch for ch in email if ord(ch) > 0x7E), None)  # invisible, or a letter only SMTPUTF8 carries
            why = f" (U+{ord(odd):04X} {odd!r}: an address qaf sends to is in ASCII)" if odd else ""
            rows.problem(line, "email", f"not an email address: {email!r}{why}")
        roles = tuple(r.strip() for r in v.get("roles", "").split(";") if r.strip())
        roles = tuple(r for r in roles if _fits(rows, line, "roles", r, "role"))
        if vocab is not None:
            for role in roles:
                if vocab.resolve(role) is None:
                    unknown.setdefault(role, []).append(line)
        team = v.get("team") or None
        if team and teams is not None and team not in teams:
            rows.problem(line, "team", f"unknown team '{team}' (not in teams.csv)")
        start, end = _date(rows, line, v, "start"), _date(rows, line, v, "end")
        if start and end and end < start:
            rows.problem(line, "end", f"end date {end} is before start date {start}")
        out.append(Person(v["id"], v.get("name", ""), email, roles, team, v.get("manager") or None, start, end, Source(str(rows.path), line)))
    for role, lines in unknown.items():  # one warning per role, not one per person
        more = f"; {len(lines)} people, lines {_lines(lines)}" if len(lines) > 1 else ""
        rows.problem(lines[0], "roles", f"role '{role}' is not in any loaded framework's vocabulary (kept{more})", WARNING)
    _one_address_each(rows, out)
    ids = {p.id for p in out}
    for p in out:
        if p.manager and p.manager not in ids and not rows.unread:
            rows.problem(p.source.line, "manager", f"unknown manager id '{p.manager}' (not in people.csv)")
        elif p.manager == p.id:
            rows.problem(p.source.line, "manager", "a person cannot be their own line manager")
    _cycles(rows, out)
    return out


def _one_address_each(rows: _Rows, people: list[Person]) -> None:
    """Two people in post at once never share an address (case aside): sign-in, and every email, find a person by it.
    A person rehired under a new id keeps hers, the old row ended before the new one starts."""
    by_address: dict[str, list[Person]] = {}
    for p in people:
        if p.email:
            by_address.setdefault(p.email.lower(), []).append(p)
    for same in (found for found in by_address.values() if len(found) > 1):
        for i, p in enumerate(same):
            other = next((o for o in same[:i] if _overlap(o, p)), None)
            if other is not None:
                rows.problem(p.source.line, "email", f"{p.email!r} is also {other.id}'s (line {other.source.line}), both in post at once: "
                                                     "each person has an address of their own (sign-in and every email find a person by it)")


def _overlap(a: Person, b: Person) -> bool:
    return (a.start or date.min) <= (b.end or date.max) and (b.start or date.min) <= (a.end or date.max)


def _lines(lines: list[int]) -> str:
    shown = ", ".join(map(str, lines[:8]))
    return shown + (f" and {len(lines) - 8} more" if len(lines) > 8 else "")


def _cycles(rows: _Rows, people: list[Person]) -> None:
    """Report each circle of line managers once, at its first member's line."""
    managers = {p.id: p.manager for p in people}
    reported: set[frozenset[str]] = set()
    for p in people:
        chain = [p.id]
        current = managers.get(p.id)
        while current and current in managers and current not in chain:
            chain.append(current)
            current = managers[current]
        if current == p.id and len(chain) > 1 and frozenset(chain) not in reported:
            reported.add(frozenset(chain))
            rows.problem(p.source.line, "manager", f"line managers go round in a circle: {' -> '.join([*chain, p.id])}")


def _cases(rows: _Rows, people: set[str] | None, teams: set[str] | None, pattern: str = "") -> list[Case]:
    out: list[Case] = []
    for line, v in _unique(rows, "ref"):
        ref = v["ref"]
        why = why_not(ref, pattern)
        if why:
            rows.problem(line, "ref", why)
        worker = v.get("worker") or None
        if worker and people is not None and worker not in people:
            rows.problem(line, "worker", f"unknown worker '{worker}' (not in people.csv)")
        team = v.get("team", "")
        if teams is not None and team not in teams:
            rows.problem(line, "team", f"unknown team '{team}' (not in teams.csv)")
        opened = _date(rows, line, v, "opened", required=True)
        closed = _date(rows, line, v, "closed")
        if opened and closed and closed < opened:
            rows.problem(line, "closed", f"closed date {closed} is before opened date {opened}")
        transferred = _date(rows, line, v, "transferred")
        if transferred and opened and transferred < opened:
            rows.problem(line, "transferred", f"transferred date {transferred} is before opened date {opened}")
        if transferred and closed and transferred > closed:
            rows.problem(line, "transferred", f"transferred date {transferred} is after closed date {closed}")
        out.append(Case(ref, team, opened or date.min, worker, closed, Source(str(rows.path), line), transferred))
    return out


def _bodies(rows: _Rows | None, people: set[str] | None) -> list[Body]:
    if rows is None:
        return []
    out: list[Body] = []
    for line, v in _unique(rows, "id"):
        _fits(rows, line, "name", v.get("name", ""))
        chair = v.get("chair") or None
        if chair and people is not None and chair not in people:
            rows.problem(line, "chair", f"unknown person '{chair}' (not in people.csv)")
        members = tuple(dict.fromkeys(m.strip() for m in (v.get("members") or "").split(";") if m.strip()))
        for unknown in (m for m in members if people is not None and m not in people):
            rows.problem(line, "members", f"unknown person '{unknown}' (not in people.csv); members are person ids joined by ';'")
        out.append(Body(v["id"], v.get("name", "") or v["id"], chair, Source(str(rows.path), line), members))
    return out


def load_org(directory: str | Path, vocab: Vocabulary | None = None, case_pattern: str = "") -> tuple[Org | None, list[Problem]]:
    """Read an organisation folder; ``vocab`` (all loaded frameworks' roles) enables role warnings;
    ``case_pattern`` is the council's own case reference pattern (empty: qaf's rule, :mod:`qaf.engine.caserefs`)."""
    folder = Path(directory)
    problems: list[Problem] = []
    if not folder.is_dir():
        return None, [Problem(Source(str(folder), 0), "folder", "not a folder of people.csv, teams.csv, cases.csv")]
    read: Callable[[str], _Rows | None] = lambda name: _read(folder / name, problems)  # noqa: E731
    team_rows, people_rows, case_rows, body_rows = read("teams.csv"), read("people.csv"), read("cases.csv"), read("bodies.csv")
    teams = _teams(team_rows) if team_rows else []
    # None: teams.csv unread (or its header wanting columns: its problem said), so what names a team is not checked
    team_ids = {t.id for t in teams} if team_rows and not team_rows.unread else None
    people = _people(people_rows, team_ids, vocab) if people_rows else []
    person_ids = {p.id for p in people} if people_rows and not people_rows.unread else None  # nor a person
    cases = _cases(case_rows, person_ids, team_ids, case_pattern) if case_rows else []
    bodies = _bodies(body_rows, person_ids)
    for rows, nobody, kind in ((people_rows, "nobody", "people"), (team_rows, "no team", "teams")):
        if rows is not None and not rows.rows and not rows.unread and all(c in rows.columns for c in REQUIRED_COLUMNS[rows.path.name]):  # came out empty
            rows.problem(1, "file", f"lists {nobody} (its header only): an organisation has {kind}, and loading none would take "
                                    f"{'everyone' if kind == 'people' else 'every team'} out of scope")
    problems.sort(key=lambda p: (p.source.file, p.source.line, p.field))
    return Org(tuple(people), tuple(teams), tuple(cases), tuple(bodies)), problems


def cases_emptied(before: Org, after: Org, directory: str | Path) -> list[Problem]:
    """A cases.csv that lists no case where the store lists some: an export that came out empty, refused as people's
    and teams' are (:func:`load_org`), since loading it would take every case out of scope and leave every case
    audit of the months after with nothing to sample. A first organisation with no case yet loads."""
    if after.cases or not before.cases:
        return []
    return [Problem(Source(str(Path(directory) / "cases.csv"), 1), "file",
                    f"lists no case (its header only), where the store lists {len(before.cases)}: loading it would take every "
                    "case out of scope, and no case could be sampled for an audit")]  # fmt: skip


def coverage_lost(frameworks, before: Org, after: Org, today: date) -> list[Problem]:
    """Warnings for workers this load leaves nobody's to audit: covered by a row's work "for each worker"
    under the organisation as it was, active still, and under no holder of the row's role now. A Practice
    Manager promoted, or gone, with her workers still reporting to her is the usual cause, and their monthly
    audits would otherwise just stop. Checked today and on the first of each of the next two months."""
    from dateutil.relativedelta import relativedelta

    from qaf.engine.scope import active, people_of, workers_covered
    from qaf.engine.titles import cut
    from qaf.rules.roles import vocabulary_of

    first = today.replace(day=1)
    days = (today, first + relativedelta(months=1), first + relativedelta(months=2))
    out = []
    for fw in frameworks:
        people_now = people_of(after, vocabulary_of(fw))
        rows = {r.id: r for r in fw.rows}
        lost: dict[str, dict[str, date]] = {}  # row -> worker -> the first day nobody audits them
        for day in days:
            was, now = workers_covered(fw, before, day), workers_covered(fw, after, day)
            for row, workers in was.items():
                for w in sorted(workers - now.get(row, set())):
                    person = after.person(w)
                    if person is not None and active(person, day, day) and _still_a_worker(people_now, rows[row], person):
                        lost.setdefault(row, {}).setdefault(w, day)
        for row, workers in lost.items():
            r = rows[row]
            by_day: dict[date, list[Person]] = {}
            for w, day in workers.items():
                by_day.setdefault(day, []).append(after.person(w))  # type: ignore[arg-type]
            for day, people in sorted(by_day.items()):
                managers = sorted({after.person(p.manager).name if p.manager and after.person(p.manager) else "nobody" for p in people})
                names = ", ".join(f"{p.name} ({p.id})" for p in people)
                roles = " or ".join(r.by)
                a = "an" if roles[:1].lower() in "aeiou" else "a"
                out.append(Problem(
                    Source(people[0].source.file or "people.csv", people[0].source.line), "manager",
                    f"from {day:%-d %B %Y} no {roles} manages {names} (line manager: {', '.join(managers)}): "
                    f"row {row} of {fw.id} ({cut(' '.join(r.frequency.split()), 60)}) no longer schedules their work; "
                    f"name {a} {roles} as their manager, or give their manager the role", WARNING,
                ))  # fmt: skip
    return out


def _still_a_worker(people, row, person: Person) -> bool:
    """Whether ``person`` still holds what the row's work for each worker asks of a worker (a row whose
    cadence names roles: an Operations Manager's audits of her Practice Managers); one who no longer does
    left the row by their own change of role, not for want of a manager."""
    return any(c.per == "worker" and (not c.roles or people.has(person, c.roles)) for _, c in row.numbered())
