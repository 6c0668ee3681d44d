"""Which obligations a feed holds, and what the calendar is called.

A :class:`Selection` is one of ``person`` (their own obligations), ``line``
(a person's and everyone's below them in the line chain: a ``team``-scoped
token), ``role`` (every holder of a role), ``team`` and ``service`` (as
``qaf due --team/--service`` read them: the obligations about that team or
that service's teams) or ``all``. Person, role, team and service go through
:func:`qaf.engine.query.filters`, the query core ``qaf due`` and the API use, so
an unknown person, role or team is the same error everywhere.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date

from qaf.calendars.access import line_below
from qaf.engine import query as queries
from qaf.engine.model import STATUSES
from qaf.engine.org import Org
from qaf.engine.query import Filters
from qaf.rules.problems import QafError
from qaf.rules.roles import Vocabulary

KINDS = ("person", "line", "role", "team", "service", "all")


@dataclass(frozen=True, slots=True)
class Selection:
    by: str
    value: str | None = None
    assignees: frozenset[str] | None = None  # narrows any selection (an API caller's visibility)

    def __post_init__(self) -> None:
        if self.by not in KINDS:
            raise QafError(f"unknown feed selection '{self.by}' (one of: {', '.join(KINDS)})")
        if (self.by == "all") != (self.value is None):
            raise QafError(f"a '{self.by}' feed needs {'no value' if self.by == 'all' else 'a value'}")


def filters(sel: Selection, org: Org, vocab: Vocabulary, today: date) -> Filters:
    """The store filters for a selection: every status (the feed decides what finished work to keep)."""
    if sel.by == "all":
        found = Filters()
    elif sel.by == "line":
        if org.person(sel.value or "") is None:
            raise queries.QueryError(f"no person '{sel.value}' in the organisation")
        found = Filters(assignees=frozenset({sel.value or ""}) | line_below(org, sel.value or ""))
    else:
        q = queries.DueQuery(**{sel.by: sel.value}, statuses=STATUSES)
        found = replace(queries.filters(q, org, vocab, today), statuses=None)
    if sel.assignees is not None:
        narrowed = sel.assignees if found.assignees is None else found.assignees & sel.assignees
        attending = None if found.attending is None else found.attending & sel.assignees
        found = replace(found, assignees=narrowed, attending=attending)
    return found


def name(sel: Selection, org: Org, vocab: Vocabulary, title: str = "QA") -> str:
    """The calendar's name as a subscriber sees it in their list of calendars."""
    if sel.by in ("person", "line"):
        person = org.person(sel.value or "")
        who = person.name if person else sel.value
        return f"{title}: {who}" + (" and their line" if sel.by == "line" else "")
    if sel.by == "role":
        return f"{title}: {vocab.resolve(sel.value or '') or sel.value}"
    if sel.by == "team":
        team = org.team(sel.value or "")
        return f"{title}: {team.name if team else sel.value}"
    if sel.by == "service":
        return f"{title}: {sel.value} service"
    return f"{title}: all obligations"


def calendar_uid(sel: Selection, kind: str) -> str:
    """A stable UID for the calendar itself (RFC 7986), from what it selects."""
    text = "\x1f".join((sel.by, sel.value or "", kind))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16] + "-feed@qaf"
