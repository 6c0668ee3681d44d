"""Records (the cells of one line or table row) -> the framework table's rows.

The header is found by its words, in any order and case: Role, Quality
Assurance Task or QA Task, Frequency, Purpose (and an optional No./Ref
column). Then, line by line:

- a repeated header (a new page) is skipped, as is page furniture: a lone
  page number ("44"), "Appendix 1", "Page 3 of 9";
- a row number written before the role ("3.16 Practice Managers, ...") is
  the row's id;
- a row whose cells wrap onto the next lines is put back together: a line
  with no tabs straight after a row continues its last cell, a line that
  starts with empty cells adds to the cells above it (East Sussex 4.3's
  purpose runs on over a page break);
- a short line between tables is a section heading ("A.4 Managers' File
  Audits"), which the rows under it keep.

Every row keeps the :class:`~engine.problems.Source` of its first line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qaf.rules.plain import INVISIBLE, invisible
from qaf.rules.problems import WARNING, Problem, Source

MAX_CELL = 10_000  # characters: a cell longer than this is not a framework's

FIELDS = ("id", "role", "task", "frequency", "purpose")
_HEADER_WORDS = {
    "role": "role", "roles": "role", "who": "role", "responsibility": "role", "responsible": "role",
    "lead": "role", "lead role": "role", "by whom": "role", "role responsible": "role", "responsible officer": "role",
    "quality assurance task": "task", "qa task": "task", "task": "task", "tasks": "task", "activity": "task",
    "quality assurance activity": "task", "qa activity": "task", "what": "task", "description": "task",
    "frequency": "frequency", "how often": "frequency", "timescale": "frequency", "when": "frequency",
    "purpose": "purpose", "why": "purpose", "aim": "purpose", "outcome": "purpose",
    "no": "id", "no.": "id", "number": "id", "ref": "id", "ref.": "id", "reference": "id", "id": "id", "row": "id", "#": "id", "item": "id",
}  # fmt: skip
_FURNITURE = re.compile(
    r"(?:appendix|annex|annexe|schedule|attachment)\s+[\w.]{1,6}|(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?|-\s*\d{1,4}\s*-"
    r"|cont(?:inued|'d|d)?\.?|\(continued\)|\f*",
    re.I,
)
_ROW_ID = re.compile(r"^\s*(?P<id>\d{1,3}(?:\.\d{1,3}){0,3}[a-z]?|[A-Z]{1,3}\d{1,3}(?:\.\d{1,3})*)[.)]?\s+(?=\S)")


@dataclass(frozen=True, slots=True)
class Record:
    cells: tuple[str, ...]
    source: Source
    new_table: bool = False  # a new sheet or Word table starts: find its header again


@dataclass(frozen=True, slots=True)
class TableRow:
    id: str | None
    role: str
    task: str
    frequency: str
    purpose: str
    section: str
    source: Source


@dataclass(frozen=True, slots=True)
class Table:
    file: str
    rows: tuple[TableRow, ...]
    problems: tuple[Problem, ...] = ()


def header_of(cells: tuple[str, ...]) -> dict[int, str] | None:
    """Column index -> field, when the cells name at least two of the columns."""
    found: dict[int, str] = {}
    for i, cell in enumerate(cells):
        key = re.sub(r"\s+", " ", cell.strip().lower().replace("\u2019", "'")).strip(" :*")
        key = re.sub(r"\s*\(.*\)$", "", key)
        name = _HEADER_WORDS.get(key)
        if name and name not in found.values():
            found[i] = name
    named = set(found.values())
    if len(named - {"id"}) >= 2 and named & {"role", "task", "frequency"}:
        return found
    return None


@dataclass
class _Open:
    """The row being read: its cells by column, where it started."""

    cells: list[str]
    source: Source
    id: str | None
    section: str
    lines: int = 1


@dataclass
class _State:
    name: str
    header: dict[int, str] | None = None
    header_source: Source | None = None
    section: str = ""
    current: _Open | None = None
    blank: bool = True
    rows: list[TableRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    headers_seen: int = 0


def assemble(name: str, records: list[Record]) -> tuple[Table | None, list[Problem]]:
    st = _State(name)
    for rec in records:
        if rec.new_table:
            _close(st)
            st.header, st.blank = None, True
            continue
        _one(st, rec)
        if any(p.severity != WARNING for p in st.problems):
            return None, st.problems
    _close(st)
    if st.headers_seen == 0:
        return None, [Problem(Source(name), "table", "no table header found: qaf looks for a row naming the columns Role, QA Task (or Quality Assurance Task), Frequency and Purpose")]
    if not st.rows:
        src = st.header_source or Source(name)
        return None, [*st.problems, Problem(src, "table", "the table has a header but no rows under it")]
    return Table(name, tuple(st.rows), tuple(st.problems)), st.problems


def _one(st: _State, rec: Record) -> None:
    cells = tuple(c.replace("\r", "") for c in rec.cells)
    if hidden := next((said for c in cells if (said := invisible(c))), None):  # Word's optional hyphen, a zero-width space:
        cells = tuple(INVISIBLE.sub("", c) for c in cells)  # no word of the row's, and a framework holds none (rules.plain)
        st.problems.append(Problem(rec.source, "cell", f"{hidden}: taken out of the row's cells", WARNING))
    if any(c.startswith("\x00unreadable") for c in cells):
        st.problems.append(Problem(rec.source, "table", cells[0][1:]))
        return
    if any(len(c) > MAX_CELL for c in cells):
        longest = max(len(c) for c in cells)
        st.problems.append(Problem(rec.source, "table", f"a cell of {longest:,} characters is too long for a framework table (limit {MAX_CELL:,}): is this the right file?"))
        return
    filled = [c.strip() for c in cells if c.strip()]
    if not filled:
        st.blank = True
        return
    header = header_of(cells)
    if header is not None:
        _new_header(st, header, rec.source)
        return
    if len(filled) == 1 and _FURNITURE.fullmatch(filled[0]):
        return
    if st.header is None:
        _heading(st, cells)
        return
    numbered = "id" not in st.header.values() and _ROW_ID.match(cells[0]) is not None
    if len(filled) == 1 and cells[0].strip() and not numbered:
        _single(st, filled[0], rec.source)
        return
    _row_shaped(st, cells, rec.source)


def _new_header(st: _State, header: dict[int, str], source: Source) -> None:
    named = set(header.values())
    missing = [label for f, label in (("frequency", "Frequency"), ("role", "Role")) if f not in named]
    if missing:
        st.problems.append(Problem(source, "table", f"the table has no {' or '.join(missing)} column (its header names: "
                                   f"{', '.join(sorted(named))}): qaf needs Role and Frequency to schedule"))  # fmt: skip
        return
    if st.header is not None and header == st.header:
        return  # the header repeated on a new page
    if st.header is not None:
        _close(st)
    st.header, st.header_source, st.blank = header, source, True
    st.headers_seen += 1


def _heading(st: _State, cells: tuple[str, ...]) -> None:
    text = " ".join(c.strip() for c in cells if c.strip())
    text = re.sub(r"^[-*#\s]+|\*\*", "", text).strip()
    if text and len(text) <= 120 and not text.endswith((".", ":", ";", ",")):
        st.section = text


def _single(st: _State, text: str, source: Source) -> None:
    """A line with one cell: a wrapped cell when it follows a row directly, else a heading between tables."""
    cur = st.current
    if cur is not None and (not st.blank or len(cur.cells) < _width(st)):
        _wrap(cur, (text,))
        st.blank = False
        return
    _close(st)
    _heading(st, (text,))
    st.blank = False


def _width(st: _State) -> int:
    assert st.header is not None
    return max(st.header) + 1


def _row_shaped(st: _State, cells: tuple[str, ...], source: Source) -> None:
    assert st.header is not None
    cur = st.current
    first = cells[0] if cells else ""
    m = _ROW_ID.match(first) if "id" not in st.header.values() else None
    row_id = m.group("id") if m else None
    if m:
        cells = (first[m.end() :], *cells[1:])
    elif "id" in st.header.values():
        col = next(i for i, f in st.header.items() if f == "id")
        row_id = cells[col].strip() if col < len(cells) and cells[col].strip() else None
    if row_id is None and cur is not None:
        if len(cur.cells) < _width(st):  # the row above is not finished: its last cell wrapped onto this line
            _wrap(cur, cells)
            st.blank = False
            return
        freq_col = next(i for i, f in st.header.items() if f == "frequency")
        role_col = next(i for i, f in st.header.items() if f == "role")
        role_empty = role_col >= len(cells) or not cells[role_col].strip()
        freq_empty = freq_col >= len(cells) or not cells[freq_col].strip()
        if role_empty and freq_empty:  # cells that run on below the row above (over a page break)
            for i, cell in enumerate(cells):
                if cell.strip():
                    while len(cur.cells) <= i:
                        cur.cells.append("")
                    cur.cells[i] = (cur.cells[i] + " " + cell.strip()).strip()
            st.blank = False
            return
    _close(st)
    st.current = _Open(list(cells), source, row_id, st.section)
    st.blank = False


def _wrap(cur: _Open, cells: tuple[str, ...]) -> None:
    """The last cell continues with cells[0]; the rest are the following cells."""
    if cur.cells:
        cur.cells[-1] = (cur.cells[-1].rstrip() + " " + cells[0].strip()).strip()
    else:
        cur.cells.append(cells[0].strip())
    cur.cells.extend(cells[1:])
    cur.lines += 1


def _close(st: _State) -> None:
    cur = st.current
    st.current = None
    if cur is None or st.header is None:
        return
    values = {f: "" for f in FIELDS}
    width = _width(st)
    for i, cell in enumerate(cur.cells):
        f = st.header.get(i)
        if f is not None:
            values[f] = cell.strip()
        elif i >= width and cell.strip():
            last = st.header[max(st.header)]
            values[last] = (values[last] + " " + cell.strip()).strip()
            st.problems.append(Problem(cur.source, "table", f"more cells than the header has columns: the extra text is added to {last}", WARNING))
    if not any(values[f] for f in ("role", "task", "frequency", "purpose")):
        return
    st.rows.append(TableRow(cur.id, values["role"], values["task"], values["frequency"], values["purpose"], cur.section, cur.source))
