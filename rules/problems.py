"""Problems are values: every loader returns ``(result, problems)``.

A :class:`Problem` names where it was found (:class:`Source`: file and line),
the field it concerns and a message. Loaders collect every problem instead of
stopping at the first, and the CLI prints them all as ``FILE:LINE: field:
message`` (see :func:`format_problem`).

>>> p = Problem(Source("fw.yaml", 12), "frequency", "unknown period 'fortnightly-ish'")
>>> format_problem(p)
"fw.yaml:12: frequency: unknown period 'fortnightly-ish'"
>>> format_problem(Problem(Source("people.csv", 3), "roles", "unknown role 'Wizard'", WARNING))
"people.csv:3: roles: warning: unknown role 'Wizard'"
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field
from typing import Iterable

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Source:
    """Where a record came from: a file and a 1-based line (0 when unknown)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


NO_SOURCE = Source("<unknown>", 0)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, located by its source and field. ``kind``: what it is about, for a loader to
    tell two reports of one thing apart without reading their words (:func:`about_character`); not shown."""

    source: Source
    field: str
    message: str
    severity: str = ERROR
    kind: str = _field(default="", compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.source.file,
            "line": self.source.line,
            "field": self.field,
            "message": self.message,
            "severity": self.severity,
        }


def about_character(ch: str) -> str:
    """The :attr:`Problem.kind` of a problem about the character ``ch`` in a value (a control or invisible one):
    the YAML check and a field's own check each say it, and the loader says it once.

    >>> about_character("\\u200b")
    'character U+200B'
    """
    return f"character U+{ord(ch):04X}"


# the :attr:`Problem.kind` of what a check added since frameworks were first stored refuses (a sample of a count and
# a percent, a key area named twice, a title of nothing, a row's trigger id given twice, a '# default' mark where none
# is kept, a role's name, a row or trigger id or the council's words past their range): a framework stored before reads
# on as it did, with a warning in the log (store/frameworks.py), so the council is never stranded with one it loaded
# then; loading it again is refused until it is mended. An invisible character's problem (its kind names the character)
# reads on too (store/frameworks.py); a control character's does not, nor a setting's range (it would read as its default)
ADDED_SINCE = "a check added since"


def format_problem(problem: Problem) -> str:
    """``FILE:LINE: field: message`` (``warning:`` is inserted for warnings)."""
    where = str(problem.source)
    level = "warning: " if problem.severity == WARNING else ""
    field = f"{problem.field}: " if problem.field else ""
    return f"{where}: {field}{level}{problem.message}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """Only the problems that stop a load (warnings do not)."""
    return [p for p in problems if p.is_error]


class QafError(Exception):
    """A domain error the CLI turns into a message and a non-zero exit."""

    exit_code = 1


class InputError(QafError):
    """Bad input, rejected whole; carries every problem found."""

    def __init__(self, problems: Iterable[Problem], summary: str = "input rejected") -> None:
        self.problems = tuple(problems)
        self.summary = summary
        super().__init__(summary + "".join("\n" + format_problem(p) for p in self.problems))
