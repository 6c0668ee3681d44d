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

from qaf.rules.model import Condition, Framework, Trigger


@dataclass(frozen=True, slots=True)
class Event:
    id: str  # unique per evaluation
    on: str  # outcome | moderation | contest
    row: str
    kind: str  # the obligation's kind
    grade: str | None  # for moderation: the moderated grade
    concerns: bool = False
    areas: tuple[tuple[str, str], ...] = ()  # key area -> grade


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


def matches(when: Condition, trigger_row: str, event: Event) -> bool:
    if trigger_row != event.row or when.on != event.on:
        return False
    if when.concerns is not None and when.concerns != event.concerns:
        return False
    if when.grades and event.grade not in when.grades:
        return False
    if when.kinds and event.kind not in when.kinds:
        return False
    given = dict(event.areas)
    # an area with no grades listed matches any judgement of that area
    return all(area in given and (not grades or given[area] in grades) for area, grades in when.areas)


class ReferenceRules:
    name = "reference evaluator"

    def __init__(self, fw: Framework) -> None:
        self.triggers = list(numbered(fw))

    def fired(self, event: Event) -> list[Fired]:
        return [Fired(i, row, t) for i, row, t in self.triggers if matches(t.when, row, event)]
