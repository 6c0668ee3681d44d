"""The durable-rules adapter: the only module that imports ``durable``.

Each framework version compiles once per process into one ruleset, named by
the framework's content (durable-rules keeps rulesets in a process-wide
registry and cannot unload them). Each trigger becomes one rule whose
condition is the trigger's ``when`` plus ``rule == its number``.

How it is used, as ../shared/DEPENDENCIES.md warns:

- an event posted to durable-rules is consumed by the first rule it
  matches, so one event is posted *per trigger of the event's row*, each
  with an explicit unique id, all in one session that is never deleted
  (deleting a session an unmatched event never created crashes the engine,
  and a session per event exhausts it);
- an event no rule matches raises ``MessageNotHandledException``: that trigger
  did not fire;
- an exception inside an action would be swallowed into the session state
  (and stay there); each action catches its own, the adapter re-raises it
  after ``post`` returns as :class:`RuleError`, so the caller's transaction
  rolls back;
- actions take one parameter (two make durable-rules treat them as
  asynchronous) and only record which rule fired: what the rule *does* is
  worked out in :mod:`qaf.engine.outcomes`, outside the engine;
- values are strings, booleans and dicts (dates are not accepted).

:func:`rules_for` picks durable-rules where it imports, else the reference
evaluator (:mod:`qaf.engine.rules_ref`).
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from typing import Callable

from qaf.engine.backend import durable_available
from qaf.engine.rules_ref import Event, Fired, ReferenceRules, fires_on, numbered
from qaf.rules.model import Condition, Framework, Trigger
from qaf.rules.problems import QafError

_COUNTER = itertools.count()
_LOCK = threading.Lock()
_COMPILED: dict[str, "DurableRules"] = {}


class RuleError(QafError):
    """A rule's action failed; nothing it would have done was kept."""


def _area_key(fw: Framework, area: str) -> str:
    return f"area{fw.areas.index(area)}" if area in fw.areas else f"area_unknown_{abs(hash(area))}"


def ruleset_name(fw: Framework) -> str:
    digest = hashlib.sha256(repr(fw).encode("utf-8")).hexdigest()[:16]
    return f"qaf_{fw.id}_{digest}"


class DurableRules:
    name = "durable-rules"

    def __init__(self, fw: Framework, action_hook: Callable[[int], None] | None = None) -> None:
        from durable.lang import ruleset, when_all

        self.fw = fw
        self.ruleset = f"{ruleset_name(fw)}_{next(_COUNTER)}"  # registered for good: never reuse a name
        self.by_row: dict[str, list[tuple[int, Trigger]]] = {}
        # what each trigger's condition requires of the event's plain fields (on, kind, scheduled, concerns):
        # an event that fails these cannot match the rule, so it is not posted (durable-rules decides the rest)
        self._guards: dict[int, tuple[str, frozenset[str], bool, bool | None]] = {}
        self._found: dict[str, list[int]] = {}
        self._errors: dict[str, Exception] = {}
        self._hook = action_hook
        with ruleset(self.ruleset):
            for index, row_id, trigger in numbered(fw):
                self.by_row.setdefault(row_id, []).append((index, trigger))
                kinds, scheduled_only = fires_on(fw.row(row_id), trigger.when)
                # as the condition below: no kinds matches only an empty kind (never an obligation's)
                self._guards[index] = (trigger.when.on, kinds or frozenset({""}), scheduled_only, trigger.when.concerns)
                when_all(self._condition(index, row_id, trigger.when))(self._action(index))

    def _condition(self, index: int, row_id: str, when: Condition):
        from durable.lang import m

        def any_of(field, values):
            values = sorted(values)
            expr = field == values[0]
            for v in values[1:]:
                expr = expr | (field == v)
            return expr

        expr = (m.rule == index) & (m.row == row_id) & (m.on == when.on)
        if when.concerns is not None:
            expr = expr & (m.concerns == when.concerns)
        if when.grades:
            expr = expr & any_of(m.grade, when.grades)
        kinds, scheduled_only = fires_on(self.fw.row(row_id), when)
        expr = expr & (any_of(m.kind, kinds) if kinds else m.kind == "")  # no kinds: it never fires
        if scheduled_only:
            expr = expr & (m.scheduled == True)  # noqa: E712 (a durable-rules expression, not a test)
        for area, grades in when.areas:  # no grades listed: any judgement of the area
            expr = expr & any_of(getattr(m, _area_key(self.fw, area)), grades or self.fw.grades)
        return expr

    def _action(self, index: int):
        def action(c) -> None:  # one parameter: two would make it asynchronous
            try:  # durable-rules would swallow an exception into its session state: keep it ourselves
                if self._hook is not None:
                    self._hook(index)
                self._found.setdefault(c.m.id, []).append(index)
            except Exception as exc:
                self._errors[c.m.id] = exc

        return action

    def _message(self, event: Event, index: int) -> dict:
        message = {
            "id": f"{event.id}/{index}/{next(_COUNTER)}",
            "rule": index, "row": event.row, "on": event.on, "kind": event.kind,
            "grade": event.grade or "", "concerns": bool(event.concerns), "scheduled": bool(event.scheduled),
        }  # fmt: skip
        for area, grade in event.areas:
            if area in self.fw.areas:
                message[_area_key(self.fw, area)] = grade
        return message

    def fired(self, event: Event) -> list[Fired]:
        from durable.lang import post

        out: list[Fired] = []
        for index, trigger in self.by_row.get(event.row, []):
            on, kinds, scheduled_only, concerns = self._guards[index]
            if on != event.on or event.kind not in kinds or (scheduled_only and not event.scheduled):
                continue
            if concerns is not None and concerns != bool(event.concerns):
                continue
            message = self._message(event, index)
            mid = message["id"]
            with _LOCK:  # the engine's state is process-wide
                try:
                    post(self.ruleset, message)
                except Exception as exc:  # MessageNotHandledException: the trigger did not fire
                    if type(exc).__name__ != "MessageNotHandledException":
                        raise RuleError(f"the rules engine failed on trigger {index} of row {event.row}: {exc!r}") from exc
                finally:
                    hits = self._found.pop(mid, [])
                    error = self._errors.pop(mid, None)
            if error is not None:
                raise RuleError(f"a rule action failed for row {event.row} trigger {index}: {error}") from error
            if index in hits:
                out.append(Fired(index, event.row, trigger))
        return out


_BY_OBJECT: dict[int, tuple[Framework, object]] = {}


def rules_for(fw: Framework, prefer: str = "auto"):
    """The evaluator for ``fw``: durable-rules when it imports (compiled once), else the reference."""
    ok, _ = durable_available()
    if prefer == "reference" or not ok:
        return ReferenceRules(fw)
    held = _BY_OBJECT.get(id(fw))  # the same framework object: skip hashing its whole text again
    if held is not None and held[0] is fw:
        return held[1]
    name = ruleset_name(fw)
    with _LOCK:
        if name not in _COMPILED:
            _COMPILED[name] = DurableRules(fw)
        _BY_OBJECT[id(fw)] = (fw, _COMPILED[name])
        return _COMPILED[name]
