"""Outcomes from a spreadsheet: ``qaf record --csv FILE`` reads one outcome a line.

Columns (a header row; extra columns are ignored): ``obligation, grade,
concerns, areas, by, date, notes, actions, carried_out``. ``concerns`` is yes/no (empty: no);
``areas`` is ``AREA=GRADE;AREA=GRADE``; ``actions`` holds one action a line of
the cell (``WHAT | who: P | due: DATE | safeguarding``, see engine/actions.py);
``carried_out`` (a review) is ``ID;ID`` or ``none``. Every problem is reported as
``FILE:LINE: column: message``, and the file is recorded whole or not at all.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from qaf.engine.actions import parse_action
from qaf.engine.outcomes import Recording, parse_areas
from qaf.rules.model import Framework
from qaf.rules.plain import DATELIKE, SAVE_CSV_AS_UTF8, WORDS, column_names, iso_day, named_twice, not_commas, not_csv, not_utf8, quoted, read_at_most, too_large
from qaf.rules.problems import Problem, Source
from qaf.rules.yamlsrc import parse_bool

COLUMNS = ("obligation", "grade", "concerns", "areas", "by", "date", "notes", "actions", "carried_out")
REQUIRED = ("obligation",)
# a month's outcomes of a large council are a few megabytes, notes and all; a file past this is no such month (a
# database dump, /dev/zero), refused before it fills the memory
MAX_BYTES = 50_000_000


_GIVE = "(give the path to the month's outcomes CSV)"


def read_outcomes(path: str | Path, framework_for) -> tuple[list[tuple[Source, Recording]], list[Problem]]:
    """``framework_for(obligation text)`` gives the framework whose areas and scale apply (or None)."""
    path = Path(path)
    problems: list[Problem] = []
    out: list[tuple[Source, Recording]] = []
    try:
        data = read_at_most(path, MAX_BYTES)
        if len(data) > MAX_BYTES:
            return [], [Problem(Source(str(path), 0), "file", too_large(path, MAX_BYTES, "an outcomes CSV file"))]
        text = data.decode("utf-8-sig")
    except FileNotFoundError:
        return [], [Problem(Source(str(path), 0), "file", f"not found: no such file {_GIVE}")]
    except IsADirectoryError:
        return [], [Problem(Source(str(path), 0), "file", f"a folder, not a file {_GIVE}")]
    except OSError as exc:
        return [], [Problem(Source(str(path), 0), "file", f"cannot read as UTF-8 text: {exc}")]
    except UnicodeDecodeError as exc:
        line, message = not_utf8(data, exc, SAVE_CSV_AS_UTF8)
        return [], [Problem(Source(str(path), line), "file", message)]
    # only CR and LF end a record (U+2028 in the notes is the notes'); strict: a quote never closed is an error, where
    # the lenient reader took the rest of the file as the cell's text (and the outcomes on its lines with it)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        given = next(reader, [])
    except csv.Error as exc:
        return [], [Problem(Source(str(path), 1), "header", not_csv(exc))]
    header, hidden = column_names(given)
    if hidden:  # not "expected the columns obligation, ..." of a header that shows them
        return [], [Problem(Source(str(path), 1), column, said) for column, said in hidden]
    missing = [c for c in REQUIRED if c not in header]
    if separator := not_commas(header, missing):
        return [], [Problem(Source(str(path), 1), "header", separator)]
    if not header or missing:
        return [], [Problem(Source(str(path), 1), "header", f"expected the columns {', '.join(COLUMNS)} (at least obligation)")]
    twice = named_twice(header, COLUMNS)
    if twice:
        return [], [Problem(Source(str(path), 1), column, said) for column, said in twice]
    line = reader.line_num
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(header):  # a comma in the notes, unquoted: kept cut short, the rest lost
                problems.append(Problem(Source(str(path), start), "row", f"{len(record)} cells but the header has {len(header)} "
                                        "columns (a comma in a cell needs the cell in double quotes)"))  # fmt: skip
                continue
            values = {h: (record[i].strip() if i < len(record) else "") for i, h in enumerate(header)}
            rec = _one(Source(str(path), start), values, framework_for, problems)
            if rec is not None:
                out.append((Source(str(path), start), rec))
    except csv.Error as exc:  # said at the line its record starts on (a quote never closed: where it opened)
        problems.append(Problem(Source(str(path), line + 1), "row", not_csv(exc)))
    if not out and not problems:
        problems.append(Problem(Source(str(path), 1), "file", "no outcomes in the file"))
    return out, problems


def _one(source: Source, v: dict[str, str], framework_for, problems: list[Problem]) -> Recording | None:
    def bad(column: str, message: str) -> None:
        problems.append(Problem(source, column, message))

    before = len(problems)
    if not v.get("obligation"):
        bad("obligation", "empty")
    elif quoted(v["obligation"]) == WORDS:  # an id is one token: the notes, a cell or more to the left
        bad("obligation", "words, not an obligation's id (is a cell missing before it?)")
    if len(v.get("grade", "").split()) > 2:  # a grade is a word or two ('requires improvement'): a note, moved left
        bad("grade", "words, not a grade (is a cell missing before it?)")
    if v.get("by") and quoted(v["by"]) == WORDS:
        bad("by", "words, not a person's id (is a cell missing before it?)")
    concerns = False
    if v.get("concerns"):
        try:
            concerns = parse_bool(v["concerns"])
        except ValueError:
            shown = quoted(v["concerns"])
            bad("concerns", "expected yes or no, got " + ("words (is a cell missing before it?)" if shown == WORDS else shown.strip()))
    day: date | None = None
    if v.get("date"):
        try:
            day = iso_day(v["date"])
        except ValueError:
            bad("date", f"malformed date{quoted(v['date'], DATELIKE)} (expected YYYY-MM-DD)")
    areas: tuple = ()
    if v.get("areas") and "=" not in v["areas"] and quoted(v["areas"]) == WORDS:  # the notes, a cell or two to the left
        bad("areas", "words, not AREA=GRADE (is a cell missing before it?)")
    elif v.get("areas"):
        fw: Framework | None = framework_for(v.get("obligation", ""))
        if fw is not None:
            areas, wrong = parse_areas(v["areas"].replace(";", ","), fw)
            for message in wrong:
                bad("areas", message)
    actions = []
    for n, text in enumerate((ln for ln in v.get("actions", "").splitlines() if ln.strip()), start=1):
        spec, wrong = parse_action(text)
        for message in wrong:
            bad("actions", f"action {n}: {message}")
        if spec is not None:
            actions.append(spec)
    carried: tuple[str, ...] | None = None
    if v.get("carried_out"):
        text = v["carried_out"]
        carried = () if text.lower() == "none" else tuple(p.strip() for p in text.replace(",", ";").split(";") if p.strip())
    if len(problems) > before:
        return None
    return Recording(v["obligation"], v.get("grade") or None, concerns, areas, v.get("by") or None, day, v.get("notes", ""),
                     tuple(actions), carried)  # fmt: skip
