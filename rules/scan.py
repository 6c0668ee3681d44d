"""Frequency text -> a flat list of events: each phrase qaf recognises, where it is.

The scanner walks the words of one sentence. At each word it tries the
:data:`RULES` in order; the first that matches becomes an :class:`Event`
(a period, a count, an audience, "for each worker", ...) and the scanner
moves past it. A word no rule matches becomes a ``leftover`` event, so the
caller can say exactly which words it did not understand.
:mod:`qaf.rules.clauses` then groups the events into clauses, one per cadence.
The rules themselves are in :mod:`qaf.rules.when_rules` (periods, counts,
events) and :mod:`qaf.rules.who_rules` (subjects, places, names, kinds of work).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Callable, Mapping

from qaf.rules.names import Found, Names, Token, tokens
from qaf.rules.when_rules import (
    Period,
    rule_adverb,
    rule_anniversary,
    rule_count,
    rule_event,
    rule_every,
    rule_except,
    rule_nofreq,
    rule_qualifier,
    rule_sample,
    rule_share,
    rule_times,
)  # fmt: skip
from qaf.rules.who_rules import Named, rule_bare_names, rule_each_names, rule_markers, rule_misc, rule_noun, rule_per, rule_place

__all__ = ["Event", "Named", "Period", "RULES", "Scanner"]


@dataclass(frozen=True, slots=True)
class Event:
    kind: str  # period | count | noun | names | per | within | peer | rotate | rota | team_kind | share | except | on | anniversary | sample | nofreq | note | variation | leftover
    first: int  # token index
    last: int  # token index after
    value: object = None
    cap: bool = False  # the first word is capitalised: in a flattened list it starts a new item



class Scanner:
    def __init__(self, text: str, low: str, names: Names, hints: Mapping[str, str]) -> None:
        self.text, self.low, self.names, self.hints = text, low, names, dict(hints)
        self.toks: list[Token] = tokens(text)
        self.starts = [t.start for t in self.toks]

    def index_at(self, offset: int) -> int:
        """The first token starting at or after ``offset``."""
        return bisect_left(self.starts, offset)

    def scan(self, first: int = 0, last: int | None = None) -> list[Event]:
        last = len(self.toks) if last is None else last
        out: list[Event] = []
        i = first
        while i < last:
            for rule in RULES:
                found = rule(self, i, last)
                if found is not None:
                    kind, end, value = found
                    end = max(end, i + 1)
                    out.append(Event(kind, i, min(end, last), value, self.toks[i].text[:1].isupper() or self.toks[i].text[:1].isdigit()))
                    i = min(end, last)
                    break
            else:
                out.append(Event("leftover", i, i + 1, None, self.toks[i].text[:1].isupper()))
                i += 1
        return out

    def match(self, pattern: re.Pattern[str], i: int) -> re.Match[str] | None:
        m = pattern.match(self.low, self.toks[i].start)
        if m is None or (m.end() < len(self.low) and self.low[m.end() - 1].isalnum() and self.low[m.end()].isalnum()):
            return None
        return m

    def after(self, offset: int) -> int:
        return self.index_at(offset)

    def read_names(self, i: int, last: int, new: bool = True) -> Found:
        start = self.toks[i].start if i < len(self.toks) else len(self.text)
        return self.names.read_list(self.text, start, new=new, toks=self.toks[i:last], hints=self.hints)



Rule = Callable[[Scanner, int, int], "tuple[str, int, object] | None"]


def rule_paren(s: Scanner, i: int, last: int):
    if s.toks[i].low != "(":
        return None
    depth = 0
    for j in range(i, last):
        depth += {"(": 1, ")": -1}.get(s.toks[j].low, 0)
        if depth == 0:
            return ("paren", j + 1, (i + 1, j))
    return None

RULES: tuple[Rule, ...] = (
    rule_paren, rule_nofreq, rule_except, rule_event, rule_anniversary, rule_share, rule_sample, rule_qualifier, rule_times,
    rule_count, rule_every, rule_adverb, rule_per, rule_each_names, rule_place, rule_markers, rule_noun,
    rule_misc, rule_bare_names,
)  # fmt: skip
