"""Who asks for what: a query for due work, resolved against the organisation into store filters.

:class:`DueQuery` is what ``qaf due``, the API and the feeds ask (person,
role, team, service, row, dates, shown statuses, case); :func:`filters` resolves
it against the organisation and the role vocabulary into :class:`Filters`,
which the store applies. Unknown people, roles, teams and services are a
:class:`QueryError`, the same everywhere. Pure: no store, no clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Iterable

from qaf.engine.model import CANCELLED, DONE, OPEN, OVERDUE, RESCHEDULED, STATUSES, WAIVED
from qaf.engine.org import Org
from qaf.rules.model import Framework
from qaf.rules.plain import WORDS, quoted
from qaf.rules.problems import QafError
from qaf.rules.roles import Vocabulary

LIVE_SHOWN = (OPEN, OVERDUE, RESCHEDULED)
# shown status -> stored statuses it can come from
STORED = {OPEN: {OPEN}, OVERDUE: {OPEN, RESCHEDULED}, RESCHEDULED: {RESCHEDULED}, DONE: {DONE}, CANCELLED: {CANCELLED}, WAIVED: {WAIVED}}


@dataclass(frozen=True, slots=True)
class Filters:
    """What the store is asked for: every field narrows; None means any."""

    framework: str | None = None
    assignees: frozenset[str] | None = None  # None: anyone
    team: str | None = None
    teams: frozenset[str] | None = None
    row: str | None = None
    kind: str | None = None
    due_from: date | None = None
    due_to: date | None = None
    statuses: frozenset[str] | None = None  # stored statuses
    ids: frozenset[str] | None = None
    attending: frozenset[str] | None = None  # with ``assignees``: also what these people attend or are copied into
    kinds: frozenset[str] | None = None
    subjects: frozenset[str] | None = None  # the obligation's subject (a worker's id, a case's reference, ...)
    cases: frozenset[str] | None = None  # case references


class QueryError(QafError, LookupError):
    """A query naming what is not there; ``field`` is the filter it names (``person``, ``framework``, ...)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@lru_cache(maxsize=1024)  # a framework has a few dozen rows: each id's order worked out once, however many lists sort by it
def row_order(row: str) -> tuple:
    """A row id's order, its numbers as numbers: 1.2 before 1.10."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\s]+", row))


def unknown_row(row: str, frameworks: Iterable[Framework], framework: str | None = None, titled: bool = False) -> str | None:
    """Why no work can match the framework row ``row`` (no loaded framework, or not ``framework``, has it), said
    as the search page, the API and ``qaf due --row`` say it; None when one has it. ``titled``: ``framework``
    named by its title, as the pages name it (the API and the command line name it by the id their users type).

    >>> from types import SimpleNamespace as ns
    >>> fw = ns(id="es", rows=(ns(id="1.10"), ns(id="1.2")))
    >>> unknown_row("1.2", [fw]) is None, unknown_row("9.99", [fw]), unknown_row("1.2", [fw], "es") is None
    (True, "no row '9.99' in the frameworks loaded (for example 1.2)", True)
    >>> unknown_row("9.99", [fw], "es"), unknown_row("1.1", [])
    ("no row '9.99' in framework 'es' (for example 1.2)", "no row '1.1' in the frameworks loaded (for example none)")
    >>> unknown_row("9.99", [ns(id="es", title="East Sussex QA", rows=fw.rows)], "es", titled=True)
    "no row '9.99' in 'East Sussex QA' (for example 1.2)"
    """
    frameworks = tuple(frameworks)
    known = frozenset(r.id for fw in frameworks if not framework or fw.id == framework for r in fw.rows)
    if row in known:
        return None
    title = next((fw.title for fw in frameworks if fw.id == framework and fw.title), None) if titled else None
    where = f"'{title}'" if title else f"framework '{framework}'" if framework else "the frameworks loaded"
    return f"no row '{row}' in {where} (for example {min(known, key=row_order) if known else 'none'})"


@dataclass(frozen=True, slots=True)
class DueQuery:
    person: str | None = None
    role: str | None = None
    team: str | None = None
    service: str | None = None
    row: str | None = None
    framework: str | None = None
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    statuses: tuple[str, ...] = LIVE_SHOWN  # shown statuses; ("all",) for every one
    case: str | None = None  # a case's reference, in any letter case (checked by the use case: qaf.engine.caserefs.why_not_asked)


def parse_statuses(text: str) -> tuple[str, ...]:
    """``'open,overdue'`` -> ('open', 'overdue'); ``'all'`` -> every status. Refused, a status not known is quoted
    if it is a short token, and words (a note or a child's name, given in the wrong field) are said to be words.

    >>> parse_statuses("open,finished")
    Traceback (most recent call last):
    ...
    ValueError: unknown status 'finished' (one of: open, overdue, done, rescheduled, cancelled, waived, live, all)
    >>> parse_statuses("Emily Smith")
    Traceback (most recent call last):
    ...
    ValueError: words, not a status (one of: open, overdue, done, rescheduled, cancelled, waived, live, all)
    """
    wanted = tuple(s.strip().lower() for s in text.split(",") if s.strip())
    if wanted == ("all",):
        return STATUSES
    if wanted == ("live",):
        return LIVE_SHOWN
    unknown = [quoted(s) for s in wanted if s not in STATUSES]
    listed = f"(one of: {', '.join(STATUSES)}, live, all)"
    if not wanted:
        raise ValueError(f"no status given {listed}")
    if WORDS in unknown:
        raise ValueError(f"words, not a status {listed}")
    if unknown:
        raise ValueError(f"unknown status{','.join(unknown)} {listed}")
    return wanted


def filters(q: DueQuery, org: Org, vocab: Vocabulary, today: date) -> Filters:
    """The store filters for a query; unknown people, roles and teams are errors."""
    assignees: set[str] | None = None
    if q.person is not None:
        if org.person(q.person) is None:
            raise QueryError(f"no person '{q.person}' in the organisation", "person")
        assignees = {q.person}
    if q.role is not None:
        role = vocab.resolve(q.role)
        if role is None:
            raise QueryError(f"unknown role '{q.role}' (not in any loaded framework's vocabulary)", "role")
        holders = {p.id for p in org.people if role in org.roles_of(p, vocab)}
        assignees = holders if assignees is None else assignees & holders
    if q.team is not None and org.team(q.team) is None:
        raise QueryError(f"no team '{q.team}' in the organisation", "team")
    teams = None
    if q.service is not None:
        teams = frozenset(t.id for t in org.teams if t.service.lower() == q.service.lower())
        if not teams:
            raise QueryError(f"no service '{q.service}' in the organisation (services: {', '.join(org.services)})", "service")
    stored = set().union(*(STORED[s] for s in q.statuses))
    return Filters(
        cases=frozenset({c.ref for c in org.cases if c.ref.lower() == q.case.lower()} or {q.case}) if q.case is not None else None,
        framework=q.framework, assignees=frozenset(assignees) if assignees is not None else None,
        team=q.team, teams=teams, row=q.row, kind=q.kind, due_from=q.date_from, due_to=q.date_to,
        statuses=frozenset(stored), attending=frozenset({q.person}) if q.person is not None else None,
    )  # fmt: skip
