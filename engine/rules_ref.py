"""The reference evaluator: which triggers an event fires, in plain Python.

It is the specification the durable-rules adapter (:mod:`qaf.engine.triggers`) is
tested against (the two must agree on every generated event), and it is the
evaluator qaf uses where durable-rules cannot be imported (Python 3.13+).

An :class:`Event` is what happened to one obligation: an outcome recorded,
a moderated grade recorded, or a grade contested.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from qaf.rules.model import Condition, Framework, Row, Trigger


@dataclass(frozen=True, slots=True)
class Event:
    id: str  # unique per evaluation
    on: str  # outcome | moderation | contest
    row: str
    kind: str  # the obligation's kind
    grade: str | None  # for moderation: the moderated grade
    concerns: bool = False
    areas: tuple[tuple[str, str], ...] = ()  # key area -> grade
    scheduled: bool = True  # the obligation was scheduled (cadence >= 0), not created by a trigger


@dataclass(frozen=True, slots=True)
class Fired:
    """One trigger that fired: ``index`` numbers the framework's triggers in file order."""

    index: int
    row: str
    trigger: Trigger


def numbered(fw: Framework) -> Iterator[tuple[int, str, Trigger]]:
    """Every trigger of the framework with its framework-wide number."""
    n = 0
    for row in fw.rows:
        for trigger in row.triggers:
            yield n, row.id, trigger
            n += 1


def fires_on(row: Row, when: Condition) -> tuple[frozenset[str], bool]:
    """The kinds of work a trigger fires on, and whether only the row's scheduled work counts.

    A trigger names its kinds (``kinds: [audit, follow_up_audit]``): any
    obligation of the row of those kinds. Without them it fires on the row's
    own scheduled work (its cadences' kinds, cadence >= 0) only, never on
    what a trigger created: a follow-up audit or a review recorded with
    concerns sets off nothing more unless the framework says so.
    """
    if when.kinds:
        return when.kinds, False
    return frozenset(c.kind for c in row.cadences), True


def matches(when: Condition, trigger_row: str, event: Event, on_kinds: tuple[frozenset[str], bool] | None = None) -> bool:
    """Whether ``when`` (a trigger of ``trigger_row``) matches ``event``; ``on_kinds`` is :func:`fires_on`'s answer."""
    if trigger_row != event.row or when.on != event.on:
        return False
    kinds, scheduled_only = on_kinds if on_kinds is not None else (when.kinds, False)
    if (scheduled_only and not event.scheduled) or (kinds or scheduled_only) and event.kind not in kinds:
        return False
    if when.concerns is not None and when.concerns != event.concerns:
        return False
    if when.grades and event.grade not in when.grades:
        return False
    given = dict(event.areas)
    # an area with no grades listed matches any judgement of that area
    return all(area in given and (not grades or given[area] in grades) for area, grades in when.areas)


class ReferenceRules:
    name = "reference evaluator"

    def __init__(self, fw: Framework) -> None:
        self.triggers = [(i, row, t, fires_on(fw.row(row), t.when)) for i, row, t in numbered(fw)]

    def fired(self, event: Event) -> list[Fired]:
        return [Fired(i, row, t) for i, row, t, kinds in self.triggers if matches(t.when, row, event, kinds)]
