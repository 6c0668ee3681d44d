"""What plain text may hold: no control character, but tab and line breaks where text runs over lines.

NUL above all: PostgreSQL stores none, in text or in JSON. The others break
calendar feeds, CSV and email headers. Every check of text qaf keeps asks
here: a framework's values and settings, its row ids and grades, an
organisation's cells, and the notes, reasons and actions people type
(:mod:`qaf.engine.typed`).

>>> has_control("CS-000123"), has_control("Plan\\nupdated", lines=True), has_control("Plan\\nupdated")
(False, False, True)
>>> has_control("plan\\x00updated", lines=True)
True
>>> has_control("Cara\\u2028Dunn"), has_control("Plan\\u2028updated", lines=True)
(True, False)
>>> has_control("Fix the plan\\ud800", lines=True)
True

One line of text (an id, a name, a setting) holds no invisible character
either, nor one that turns text around (:data:`INVISIBLE`):

>>> has_control("Chris\\u202e Chief"), invisible("Chris\\u202e Chief"), invisible("Chris Chief")
(True, 'U+202E RIGHT-TO-LEFT OVERRIDE, an invisible character or one that turns text around', None)
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import Iterable, Sequence

# a lone surrogate (U+D800-U+DFFF) is not text either: JSON's "\ud800", or a byte a command line took that is not
# UTF-8, arrives as one, and no database, file or answer can encode it
HALF_CHARACTER = re.compile(r"[\ud800-\udfff]")  # a lone surrogate, said alone where a command line's byte is named
# Unicode's format characters (category Cf), but ZWNJ U+200C and ZWJ U+200D, which names in Persian, Arabic and the
# Indic scripts (and emoji) need: the bidi controls U+202A-U+202E, U+2066-U+2069, U+200E, U+200F and U+061C turn the
# rest of a line around (U+202E in a name reversed a feed's SUMMARY), and the others show nothing (U+200B, U+2060,
# U+FEFF, the soft hyphen U+00AD): "P5" and "P5" with one are two people. None is in an id or a name, nor anywhere
# in a framework, whose words every feed and email shows; the notes people type may hold them (Unicode 15's list;
# tests/test_loader.py checks it against Python's)
HIDDEN = (r"\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
          r"\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
          r"\U000e0001\U000e0020-\U000e007f")  # fmt: skip
INVISIBLE = re.compile(f"[{HIDDEN}]")
# and Unicode's line and paragraph separators, and the invisible characters
ONE_LINE = re.compile(rf"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff{HIDDEN}]")
LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")  # tab, line feed, carriage return and NEL kept


def has_control(text: str, lines: bool = False) -> bool:
    """Whether ``text`` holds a control character (``lines``: other than tab and the line breaks)."""
    return (LINES if lines else ONE_LINE).search(text) is not None


def named_character(text: str) -> str | None:
    """The character a value's check names (:mod:`qaf.rules.yamlsrc`): its first control character other than tab
    and the line breaks, else its first invisible one; None if it holds neither.

    >>> named_character("Qua\\u202elity\\a"), named_character("Quality")
    ('\\x07', None)
    """
    found = LINES.search(text) or INVISIBLE.search(text)
    return found[0] if found else None


def invisible(text: str) -> str | None:
    """The first invisible or direction-changing character in ``text`` (:data:`INVISIBLE`), named for a message."""
    found = INVISIBLE.search(text)
    if found is None:
        return None
    return f"U+{ord(found[0]):04X} {unicodedata.name(found[0], 'FORMAT CHARACTER')}, an invisible character or one that turns text around"


# an email address as qaf sends to it (qaf.usecases.mail) and so as people.csv may hold it: one address, a host with
# a dot, a last label of letters, digits and hyphens ("name@example.org." with its trailing dot is not one); in
# ASCII: "zoë@..." (or a U+200B pasted invisibly with an address) needs SMTPUTF8, and Python's mail library, given
# one, crashed the whole send, nobody's email sent
EMAIL_ADDRESS = re.compile(r"[^@\s,;<>\"()\[\]\\\x00-\x1f\x7f-\U0010ffff]+@[^@\s,;<>\"()\[\]\\\x00-\x1f\x7f-\U0010ffff]+\.[A-Za-z0-9-]+")

ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ONE_WORD = re.compile(r"[A-Za-z0-9/.:_\-]{1,20}")  # a cell a problem may quote: one short token, no words
# a date's cell a problem may quote: a figure in it, and no two letters together ('2022-02-30', '2025W02'), never a
# word (a first name, slipped into the date's column from the next)
DATELIKE = re.compile(r"(?=.*[0-9])(?:[0-9/.:\-]|(?<![A-Za-z])[A-Za-z](?![A-Za-z])){1,20}")
WORDS = " (words: is a cell missing before it?)"


def quoted(text: str, shape: re.Pattern[str] = ONE_WORD) -> str:
    """`` 'TEXT'``, to follow a problem's first words, if ``text`` is one short token of ``shape`` (``'2024-04-31'``,
    ``'perhaps'``, ``'2025W02'``); else :data:`WORDS`. A CSV line with a cell left out moves the next column's words
    (a note, a child's name) into this one, and a problem that quoted them put them on the terminal and in an import's log.

    >>> quoted("2024-04-31"), quoted("Mother anxious about the move"), quoted("Emily", DATELIKE)
    (" '2024-04-31'", ' (words: is a cell missing before it?)', ' (words: is a cell missing before it?)')
    """
    return f" {text!r}" if shape.fullmatch(text) else WORDS


def iso_day(text: str) -> date:
    """A day written YYYY-MM-DD and nothing else (ValueError otherwise).

    Python 3.11's ``date.fromisoformat`` also reads ``20261231`` and the
    week dates ``2026-W49-1`` and ``2026W49``: a council's file, form or
    command line saying one of those meant something else, or nothing.

    >>> iso_day("2026-12-31")
    datetime.date(2026, 12, 31)
    >>> iso_day("2026W49")
    Traceback (most recent call last):
    ...
    ValueError: not a date: '2026W49' (expected YYYY-MM-DD)

    Its message, which the API and the command line give as it is, quotes a date's shape only (:data:`DATELIKE`):
    a field filled in the wrong order may hold a note or a child's name.

    >>> iso_day("Emily Smith")
    Traceback (most recent call last):
    ...
    ValueError: words, not a date (expected YYYY-MM-DD)
    """
    if ISO_DAY.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:  # '2024-04-31'
            pass
    shown = quoted(text, DATELIKE)
    raise ValueError("words, not a date (expected YYYY-MM-DD)" if shown == WORDS else f"not a date:{shown} (expected YYYY-MM-DD)")


def column_names(header: Sequence[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """A CSV header's column names as read (stripped, lower case, without an invisible character), and what to say
    of each name that held one (a BOM pasted in with a second file: not "missing column 'id'" in a header showing one).

    >>> column_names([" Obligation", "\\ufeffGrade"])[0]
    ['obligation', 'grade']
    """
    names = [INVISIBLE.sub("", h).strip().lower() for h in header]
    return names, [(name, f"{said} in the column's name: type it again as plain text")
                   for h, name in zip(header, names) if (said := invisible(h))]  # fmt: skip


def named_twice(header: Sequence[str], columns: Iterable[str]) -> list[tuple[str, str]]:
    """Each of ``columns`` a file's header names more than once, with what to say of it (which one would be read?).

    >>> named_twice(["obligation", "grade", "notes", "grade"], ("obligation", "grade"))
    [('grade', "the column 'grade' is named twice (columns 2 and 4): which one holds it?")]
    """
    return [(c, f"the column '{c}' is named twice (columns {' and '.join(str(i + 1) for i, h in enumerate(header) if h == c)}): "
                "which one holds it?") for c in columns if header.count(c) > 1]  # fmt: skip


def not_commas(header: Sequence[str], wanted: Iterable[str]) -> str | None:
    """What to say of a header read as one cell holding the ``wanted`` columns separated by ';' (Excel's 'CSV' where
    lists use it) or tabs (its 'Text'); None if it is not one.

    >>> not_commas(["id;name;email"], ["id", "email"])
    "the columns are separated by ';', not commas: save the file as 'CSV UTF-8 (Comma delimited)'"
    """
    wanted = list(wanted)
    for separator, said in ((";", "';'"), ("\t", "tabs")):
        if len(header) == 1 and wanted and all(c in [h.strip() for h in header[0].split(separator)] for c in wanted):
            return f"the columns are separated by {said}, not commas: save the file as 'CSV UTF-8 (Comma delimited)'"
    return None


SAVE_CSV_AS_UTF8 = " (save the file as UTF-8: in Excel, 'CSV UTF-8')"  # what a council's spreadsheet needs


def not_utf8(data: bytes, exc: UnicodeDecodeError, advice: str = "") -> tuple[int, str]:
    r"""The line a file's first byte that is not UTF-8 is on, and a message saying where in it (a decoder
    names only a byte's offset in the whole file, which nobody can find in a spreadsheet).

    >>> not_utf8("id,name\nP1,Zoë\n".encode("cp1252"), UnicodeDecodeError("utf-8", b"", 13, 14, "invalid"))
    (2, 'not UTF-8 text: byte 0xeb, character 6 of line 2, is not UTF-8')
    """
    start = data.rfind(b"\n", 0, exc.start) + 1
    line = data.count(b"\n", 0, exc.start) + 1
    character = len(data[start : exc.start].decode("utf-8", "replace")) + 1
    return line, f"not UTF-8 text: byte 0x{data[exc.start]:02x}, character {character} of line {line}, is not UTF-8{advice}"



def read_at_most(path: str | Path, limit: int) -> bytes:
    """The file at ``path``, read once and no further than a byte past ``limit`` (more than ``limit`` bytes back: it
    is larger): a dump of gigabytes, or a device without end (``/dev/zero``, whose size is nothing to stat), is never
    read whole, and a pipe (``/dev/stdin``) is read only this once. An :class:`OSError` as :func:`open` raises it."""
    with open(path, "rb") as stream:
        return stream.read(limit + 1)


def too_large(path: str | Path, limit: int, what: str) -> str:
    """Why the file at ``path``, read past ``limit`` bytes by :func:`read_at_most`, is refused: its size; or for a
    device or a pipe (``/dev/zero``), read no further than the limit, that it goes on past it. ``what``: 'a
    framework file', 'an organisation's CSV file', ..."""
    path = Path(path)
    if path.is_file():
        return f"{path.stat().st_size:,} bytes is more than {what} may hold ({limit:,})"
    return f"it goes on past {limit:,} bytes, more than {what} may hold ({limit:,})"


def not_csv(exc: Exception) -> str:
    """What a strict CSV reader's error means, said for a person with a spreadsheet (a strict reader: the lenient
    one takes the rest of the file as a cell whose opening quote is never closed, and the lines in it are lost).

    >>> import csv
    >>> not_csv(csv.Error("unexpected end of data"))
    'not valid CSV: a cell opened with a double quote on this line is never closed (the rest of the file would be its text)'
    """
    said = str(exc)
    if "unexpected end of data" in said:
        return "not valid CSV: a cell opened with a double quote on this line is never closed (the rest of the file would be its text)"
    if "expected after" in said:
        return 'not valid CSV: text after a quoted cell\'s closing quote (a quote inside a quoted cell is written twice: "")'
    return f"not valid CSV: {said}"


def shown(value: float) -> str:
    """A number as short as it reads, but never rounded onto another (1000.0001 is not '1000', which ``:g`` says).

    >>> shown(1000.0), shown(1000.0001), shown(12.5)
    ('1000', '1000.0001', '12.5')
    """
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


class Refused(ValueError):
    """A value refused with the whole of what to say about it (beside the field's name): said as it stands, with no
    parser's words or help text after it."""


def whole_in(text: str, low: int | None, high: int) -> int:
    """``text`` as a whole number from ``low`` (None: any) to ``high``, else :class:`Refused`, saying the range and
    what was written: every whole number a framework holds, a setting's or a cadence's, is refused in these words.

    >>> whole_in(" 3 ", 1, 24)
    3
    >>> whole_in("3.0", 1, 24)
    Traceback (most recent call last):
    ...
    qaf.rules.plain.Refused: a whole number from 1 to 24, got 3.0
    >>> whole_in("2000", None, 1000)
    Traceback (most recent call last):
    ...
    qaf.rules.plain.Refused: a whole number up to 1,000, got 2000
    """
    try:
        value: int | None = int(text.strip())
    except ValueError:
        value = None
    if value is None or (low is not None and value < low) or value > high:
        wanted = f"from {low:,} to {high:,}" if low is not None else f"up to {high:,}"
        written = text if len(text) <= 60 else text[:60] + "..."
        raise Refused(f"a whole number {wanted}, got {written if written.isprintable() else repr(written)}")
    return value
