"""CSV a spreadsheet opens as data: a text cell that begins like a formula is written as text.

Excel, LibreOffice and Google Sheets run a cell that begins with ``=``,
``+``, ``-`` or ``@`` (or a tab or carriage return) as a formula, so a name
such as ``=HYPERLINK("http://...")`` in ``people.csv`` would come back out
of ``qaf due --format csv`` as a live link ("CSV injection"). Every CSV qaf
writes goes through :func:`writer`, which puts an apostrophe before such a
text cell: the spreadsheet shows the text, and runs nothing. Numbers are
written as numbers (a negative count is still a number).

>>> cell("=1+1"), cell("-3"), cell(-3), cell("Pat Practice")
("'=1+1", "'-3", -3, 'Pat Practice')
"""

from __future__ import annotations

import csv
from typing import IO, Any, Iterable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """``value``, or its text behind an apostrophe when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Writer:
    def __init__(self, out: IO[str]) -> None:
        self._csv = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._csv.writerow([cell(v) for v in row])


def writer(out: IO[str]) -> _Writer:
    """A ``csv.writer`` (one line ending: ``\\n``) whose text cells never start a formula."""
    return _Writer(out)
