"""A council's framework table -> rows of (role, task, frequency, purpose), each with its source.

Councils keep the table in Word or Excel, or paste it as text. The readers
here turn each format into *records* (the cells of one line, row or table
row, with where it came from); :mod:`qaf.rules.tablerows` then finds the header
by its words and assembles the rows, whatever the format:

- text, tab-separated, as a document prints it (East Sussex's Appendix 1):
  row numbers prefixed to the role cell, wrapped cells, repeated headers and
  page furniture between rows;
- CSV (comma or semicolon);
- ``.xlsx`` (every sheet; openpyxl) and ``.docx`` (every table; python-docx).

:func:`read_table` returns ``(table, problems)``; ``table`` is None when an
error stops the import (an unreadable or binary file, no header, no
Frequency column, a cell too long to be a framework's).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

from qaf.rules.plain import read_at_most
from qaf.rules.problems import WARNING, Problem, Source
from qaf.rules.tablerows import MAX_CELL, Record, Table, assemble

MAX_BYTES = 20_000_000
MAX_ROWS = 2_000  # rows in all a file's tables: East Sussex's appendix has 54; a framework of thousands is not one


class TooManyRows(Exception):
    pass


def _too_many(name: str, rows: int | str) -> list[Problem]:
    return [Problem(Source(name), "table", f"{rows} rows: more than {MAX_ROWS:,}, the most a framework table may have "
                    "(East Sussex's has 54): is this the right file?")]  # fmt: skip


def _formulas(records: list[Record]) -> list[Problem]:
    """A warning for each cell that holds a spreadsheet formula: it is imported as its text, never run."""
    return [
        Problem(rec.source, "cell", f"a formula ({cell[:40]}): imported as its text, not its value", WARNING)
        for rec in records for cell in rec.cells if cell.startswith("=") and len(cell) > 1
    ]
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_table(path: str | Path) -> tuple[Table | None, list[Problem]]:
    path = Path(path)
    name = str(path)
    try:
        if path.is_dir():
            return None, [Problem(Source(name), "file", "is a folder, not a table file")]
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [Problem(Source(name), "file", f"{size:,} bytes is too large for a framework table (limit {MAX_BYTES:,})")]
        data = read_at_most(path, MAX_BYTES)
    except OSError as exc:
        return None, [Problem(Source(name), "file", f"cannot read: {exc.strerror or exc}")]
    if len(data) > MAX_BYTES:  # a device or a pipe (/dev/zero): its size is no file's, and it may have no end
        return None, [Problem(Source(name), "file", f"it goes on past {MAX_BYTES:,} bytes: too large for a framework table (limit {MAX_BYTES:,})")]
    if not data.strip():
        return None, [Problem(Source(name), "file", "the file is empty: no table to import")]
    if data.startswith(_OLE2):
        return None, [Problem(Source(name), "file", "an Excel 97-2003 (.xls) or Word 97-2003 (.doc) file: save it as .xlsx, .docx or CSV and import that")]
    if data.startswith(b"PK\x03\x04"):
        return _office(name, data)
    text, problems = decode(name, data)
    if text is None:
        return None, problems
    records = read_csv(name, text) if _is_csv(path, text) else read_tsv(name, text)
    if len(records) > MAX_ROWS:
        return None, _too_many(name, f"{len(records):,}")
    table, more = assemble(name, records)
    return table, problems + _formulas(records) + more


def decode(name: str, data: bytes) -> tuple[str | None, list[Problem]]:
    """Bytes -> text: UTF-8 (with or without a BOM), UTF-16 with a BOM, else Windows-1252 with a warning."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            pass
    problems: list[Problem] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
        problems.append(Problem(Source(name), "file", "not UTF-8: read as Windows-1252 (check quotes and accents)", WARNING))
    control = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    if "\x00" in text or control > max(2, len(text) // 50):
        return None, [Problem(Source(name), "file", "binary data, not a text table: give a .txt/.tsv/.csv, .xlsx or .docx file")]
    return text, problems


def _is_csv(path: Path, text: str) -> bool:
    if path.suffix.lower() == ".csv":
        return True
    if path.suffix.lower() in (".tsv", ".tab", ".txt", ".text"):
        return False
    return "\t" not in text and ("," in text or ";" in text)


def read_tsv(name: str, text: str) -> list[Record]:
    """Each line's tab-separated cells; a cell quoted as Excel writes it ("...") may hold tabs and line breaks."""
    lines = text.splitlines()
    if _excel_quoted(lines):
        return _csv_records(name, text, "\t")
    return [Record(tuple(line.split("\t")), Source(name, n)) for n, line in enumerate(lines, start=1)]


_QUOTED = re.compile(r'"(?:[^"]|"")*"')


def _excel_quoted(lines: list[str]) -> bool:
    """Does the text quote cells as Excel's "Text (Tab delimited)" does?

    Excel quotes a cell that holds a line break, a tab or a quote: a cell that
    opens a quote it does not close on its line, or a whole cell in quotes
    with doubled quotes inside. A cell that merely starts with a quotation
    ('"Working Together" audit') is plain text.
    """
    for line in lines:
        for cell in line.split("\t"):
            if cell.startswith('"') and (cell.count('"') % 2 == 1 or (_QUOTED.fullmatch(cell) and '""' in cell[1:-1])):
                return True
    return False


def read_csv(name: str, text: str) -> list[Record]:
    """CSV records, comma- or semicolon-separated (whichever splits the lines into more cells)."""
    sample = text[:20_000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return _csv_records(name, text, delimiter)


def _csv_records(name: str, text: str, delimiter: str) -> list[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    out: list[Record] = []
    line = 1
    try:
        for cells in reader:
            out.append(Record(tuple(c[: MAX_CELL + 1] for c in cells), Source(name, line)))
            line = reader.line_num + 1
    except csv.Error as exc:
        out.append(Record((f"\x00unreadable CSV: {exc}",), Source(name, line)))
    if out and _never_closed(text, delimiter):  # the lenient reader took the rest of the file as the last record's cell
        out[-1] = Record(("\x00unreadable CSV: a cell opened with a double quote on this line is never closed (the rest of "
                          "the file would be its text, and its rows lost)",), out[-1].source)  # fmt: skip
    return out


def _never_closed(text: str, delimiter: str) -> bool:
    """Whether a quote opened in ``text`` is never closed: what only the strict reader says ('unexpected end of
    data'); its other complaints (a quotation inside a cell, '"Working Together" audit') the lenient reading keeps."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    # a record a call, the last at the end: bounded however the reader fares, by the lines (each ends in LF, CRLF or,
    # in Excel for Mac's 'CSV (Macintosh)', CR alone: counted by LF only, a quote opened on its third line went unsaid)
    for _ in range(text.count("\n") + text.count("\r") + 2):
        try:
            next(reader)
        except StopIteration:
            return False
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                return True
    return False


def _office(name: str, data: bytes) -> tuple[Table | None, list[Problem]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            members = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        return None, [Problem(Source(name), "file", f"a damaged zip file ({exc}): not an .xlsx or .docx table")]
    if "xl/workbook.xml" in members:
        reader = read_xlsx
    elif "word/document.xml" in members:
        reader = read_docx
    else:
        return None, [Problem(Source(name), "file", "a zip file, but not an Excel (.xlsx) or Word (.docx) document")]
    try:
        records = reader(name, data)
    except TooManyRows as exc:
        return None, _too_many(name, str(exc))
    except Exception as exc:  # noqa: BLE001 - a damaged workbook raises whatever its parser meets; report it, never a traceback
        return None, [Problem(Source(name), "file", f"cannot read this document: {type(exc).__name__}: {exc}")]
    table, problems = assemble(name, records)
    return table, _formulas(records) + problems


def read_xlsx(name: str, data: bytes) -> list[Record]:
    """Every sheet's rows; a sheet is a separate table (its header is found again)."""
    from openpyxl import load_workbook

    # data_only=False: a formula is read as its text (=...), kept as text with a warning, never its cached value
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    out: list[Record] = []
    try:
        for sheet in book.worksheets:
            out.append(Record((), Source(f"{name}[{sheet.title}]", 0), new_table=True))
            for n, row in enumerate(sheet.iter_rows(), start=1):
                if len(out) > MAX_ROWS:
                    raise TooManyRows(f"more than {MAX_ROWS:,}")
                cells = tuple(_shown(getattr(c, "value", None), getattr(c, "number_format", ""))[: MAX_CELL + 1] for c in row)
                out.append(Record(cells, Source(f"{name}[{sheet.title}]", n)))
    finally:
        book.close()
    return out


def _shown(value: object, number_format: str | None) -> str:
    """A cell as Excel shows it: row number 3.10 is the number 3.1 formatted with two decimals."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith("="):
        return value  # a formula, as written
    if isinstance(value, float):
        decimals = re.search(r"0\.(0+)", number_format or "")
        if decimals:
            return f"{value:.{len(decimals.group(1))}f}"
        return f"{value:g}" if value == int(value) or len(repr(value)) > 12 else repr(value)
    return str(value)


def read_docx(name: str, data: bytes) -> list[Record]:
    """Every table's rows in document order; a short paragraph before a table is its section heading."""
    from docx import Document
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    with zipfile.ZipFile(io.BytesIO(data)) as z:  # count the rows before python-docx builds them all
        xml = z.read("word/document.xml")
    rows = xml.count(b"<w:tr>") + xml.count(b"<w:tr ")
    if rows > MAX_ROWS:
        raise TooManyRows(f"{rows:,}")
    doc = Document(io.BytesIO(data))
    out: list[Record] = []
    n_table = 0
    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(child, doc).text.strip()
            if text:
                out.append(Record((text[: MAX_CELL + 1],), Source(name, 0)))
        elif tag == "tbl":
            n_table += 1
            where = f"{name}[table {n_table}]"
            out.append(Record((), Source(where, 0), new_table=True))
            for r, row in enumerate(DocxTable(child, doc).rows, start=1):
                cells: list[str] = []
                seen: list[object] = []
                for cell in row.cells:  # a merged cell repeats across the columns it spans: keep it once
                    repeat = any(cell._tc is s for s in seen)
                    seen.append(cell._tc)
                    cells.append("" if repeat else cell.text[: MAX_CELL + 1])
                out.append(Record(tuple(cells), Source(where, r)))
    return out
