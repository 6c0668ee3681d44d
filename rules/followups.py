"""Conditional sentences -> triggers: "If the audit identifies significant concerns then ...".

Councils write a row's follow-ups into the frequency cell (East Sussex 3.14,
3.16) or the task (3.3). :func:`split_conditional` cuts a cell where the first
conditional sentence starts; :func:`read_triggers` reads the condition and the
actions that follow it, up to the end of the cell:

- "a further two files from the same worker" -> ``follow_up_audits`` (count 2, same_worker);
- "Alert Operations Manager at this point", "copied to the Head of Safeguarding" -> ``alert``;
- "the file of concern must be reviewed within three months" -> ``review``.

A follow-up with no deadline in the text is due within one month (SPEC §5),
with a warning saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qaf.rules.model import Action, Condition, Span, Trigger
from qaf.rules.names import Names
from qaf.rules.phrases import NUM, lower, number, span

_SENTENCE = re.compile(r"(?<=[.;!?])\s+(?=[A-Z(])")
_CONDITION = re.compile(
    r"\b(?:if|where|when|should|in\s+the\s+event|in\s+case|any)\b[^.;]*?"
    r"\b(?:concerns?|inadequate|requires?\s+improvement|poor\s+practice|graded)\b"
)
_CONCERNS = re.compile(r"\bconcerns?\b")
_GRADES = (("inadequate", re.compile(r"\binadequate\b")), ("requires_improvement", re.compile(r"\brequires?\s+improvement\b")))
_SPAN = rf"(?:{NUM}|an?)\s+(?:working\s+days?|days?|weeks?|months?)"
_FURTHER = re.compile(
    rf"\b(?:a\s+)?(?:further|more|additional|another|extra)\s+(?P<n>{NUM})\s+(?:case\s+)?(?:files?|cases?|audits?)"
    rf"|\b(?P<m>{NUM})\s+(?:further|more|additional|extra|other)\s+(?:case\s+)?(?:files?|cases?|audits?)"
)
_SAME_TEAM = re.compile(r"\b(?:from|of|in)\s+(?:that|the\s+same|that\s+particular|the|their)\s+(?:particular\s+)?team\b")
_SAME_WORKER = re.compile(r"\b(?:from|of|held\s+by)\s+(?:the\s+same|that|the)\s+(?:worker|social\s+worker|practitioner|caseload)\b")
_WITHIN = re.compile(rf"\bwithin\s+(?:the\s+next\s+)?(?P<span>{_SPAN})")
_REVIEW = re.compile(rf"\b(?:review(?:ed)?|re-?audit(?:ed)?|audit(?:ed)?\s+again)\b[^.;]*?\bwithin\s+(?P<span>{_SPAN})"
                     rf"|\bwithin\s+(?P<span2>{_SPAN})[^.;]*?\breview")
_ALERT = re.compile(r"\b(?:alert|notify|inform|tell|escalate\s+to|escalated\s+to|raise\s+with|raised\s+with)\s+(?:the\s+)?")
_COPIED = re.compile(r"\b(?:copied|copy|forwarded|sent|reported)\s+to\s+(?:the\s+)?")
_TOLD = re.compile(r"\b(?:should|must|will)\s+be\s+(?:alerted|notified|informed|told)\b")


def split_conditional(text: str) -> tuple[str, str]:
    """(the text before the first conditional sentence, the conditional part)."""
    start = 0
    for piece in _SENTENCE.split(text):
        at = text.find(piece, start)
        low = lower(piece)
        if _CONDITION.search(low):
            m = re.search(r"\b(?:if|where|when|should|in\s+the\s+event|in\s+case|any)\b", low)
            cut = at + (m.start() if m and m.start() < 3 else 0)
            return text[:cut].rstrip(" .;,"), text[cut:].strip()
        start = at + len(piece)
    return text, ""


@dataclass(frozen=True, slots=True)
class Found:
    triggers: tuple[Trigger, ...]
    warnings: tuple[str, ...]
    new_roles: tuple[str, ...]


def read_triggers(text: str, names: Names, per: str = "assignee", hints: dict[str, str] | None = None) -> Found:
    """The triggers a conditional part sets; ``per`` says whose line an alert goes up."""
    low = lower(text)
    if not low.strip():
        return Found((), (), ())
    conditions: list[tuple[str, Condition]] = []
    # "If the audit identifies ...": the audit's finding, never the row's report or meeting recorded with concerns
    clause = _CONDITION.search(low)
    kinds = frozenset({"audit"}) if clause and re.search(r"\baudit\b", clause.group()) else frozenset()
    if _CONCERNS.search(low):
        conditions.append(("concerns", Condition(concerns=True, kinds=kinds)))
    for grade, pattern in _GRADES:  # "concerns or inadequate": a condition is all of its parts, so one trigger each
        if pattern.search(low):
            conditions.append((grade.replace("_", "-"), Condition(grades=frozenset({grade}), kinds=kinds)))
    warnings: list[str] = []
    actions, fresh = _actions(text, low, names, per, warnings, hints or {})
    if not conditions or not actions:
        what = "no condition" if not conditions else "no action"
        return Found((), (f"not read as a trigger ({what} qaf understands): {text!r}",), ())
    return Found(tuple(Trigger(c, tuple(actions), id=i) for i, c in conditions), tuple(warnings), tuple(fresh))


def _actions(text: str, low: str, names: Names, per: str, warnings: list[str], hints: dict[str, str]) -> tuple[list[Action], list[str]]:
    actions: list[Action] = []
    fresh: list[str] = []
    sentences = [s for s in re.split(r"(?<=[.;])\s+", low) if s]
    further_sentence = ""
    for sentence in sentences:
        m = _FURTHER.search(sentence)
        if m and not any(a.do == "follow_up_audits" for a in actions):
            further_sentence = sentence
            n = number(m.group("n") or m.group("m"))
            cases = "same_team" if _SAME_TEAM.search(sentence) else "same_worker" if _SAME_WORKER.search(sentence) else ("same_team" if per == "team" else "same_worker")
            w = _WITHIN.search(sentence)
            within = span(w.group("span")) if w else Span(1, "months")
            if not w:
                warnings.append(f"no deadline for the further {n} files: due within one month of the finding (SPEC §5)")
            actions.append(Action("follow_up_audits", count=n, cases=cases, within=within))
    for pattern, of in ((_ALERT, "alert"), (_COPIED, "copy")):
        for m in pattern.finditer(low):
            found = names.read_list(text, m.end(), hints=hints)
            fresh.extend(found.new)
            for role in found.names:
                whose = "assignee" if of == "copy" else ("worker" if per == "worker" else "team" if per == "team" else "assignee")
                if not any(a.do == "alert" and a.role == role for a in actions):
                    actions.append(Action("alert", role=role, of=whose))
    for m in _TOLD.finditer(low):
        before = low.rfind(".", 0, m.start()) + 1
        found = names.read_list(text, before, hints=hints)
        for role in found.names:
            if not any(a.do == "alert" and a.role == role for a in actions):
                actions.append(Action("alert", role=role, of="worker" if per == "worker" else "assignee"))
    for sentence in sentences:
        if sentence == further_sentence and not re.search(r"\bof\s+concern\b", sentence):
            continue
        m = _REVIEW.search(sentence)
        if m:
            actions.append(Action("review", within=span(m.group("span") or m.group("span2"))))
            break
    return actions, fresh
