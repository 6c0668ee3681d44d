"""Rules for what a phrase says about *when*: periods, counts, events, months left out.

Each ``rule_*(scanner, i, last)`` tries one kind of phrase at word ``i`` and
returns ``(event kind, end word, value)`` or None; :mod:`qaf.rules.scan` tries
them in order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qaf.rules.model import Anniversary, Every, Sample
from qaf.rules.phrases import ADVERB, ADVERBS, MONTH, NO_FREQUENCY, NUM, NUM_A, UNIT, Unsupported, month_of, number, period, span

if TYPE_CHECKING:
    from qaf.rules.scan import Scanner

_QUALIFIER = re.compile(r"at\s+(?:the\s+)?(?:least|minimum|a\s+minimum)|as\s+a\s+minimum|no\s+less\s+than|minimum\s+of|or\s+more(?:\s+often)?")
_SPAN = rf"(?:{NUM_A})\s+(?:working\s+days?|days?|weeks?|months?)"


def _re(p: str) -> re.Pattern[str]:
    return re.compile(p)


@dataclass(frozen=True, slots=True)
class Period:
    every: Every | None
    spread: bool  # "N times a year", "two focus groups per annum": N spread over the year
    times: int | None = None  # "twice", "6 times"
    count_max: int | None = None
    note: str = ""  # "warn:..." or "note:..."
    unsupported: str = ""



_NOFREQ = [(_re(p), reason) for p, reason in NO_FREQUENCY]


def rule_nofreq(s: Scanner, i: int, last: int):
    for pattern, reason in _NOFREQ:
        m = s.match(pattern, i)
        if m:
            return ("nofreq", s.after(m.end()), (reason, s.text[m.start() : m.end()]))
    return None


_EXCEPT = _re(rf"(?:except|excluding|exclude|apart\s+from|other\s+than|but\s+not|not|no\s+\w+)\s+(?:in\s+|during\s+|for\s+)?(?P<months>{MONTH}(?:\s*(?:,|and|or|&|/)\s*{MONTH})*)")


def rule_except(s: Scanner, i: int, last: int):
    m = s.match(_EXCEPT, i)
    if not m:
        return None
    months = tuple(sorted({month_of(x) for x in re.findall(MONTH, m.group("months"))}))
    return ("except", s.after(m.end()), months)


_EVENTS = (
    (_re(rf"(?:in|within)\s+the\s+(?P<span>{_SPAN})\s+before\s+(?:a|the)\s+case\s+(?:is\s+)?(?:closed|closes|closing)"), "case_closing"),
    (_re(r"(?:before|prior\s+to)\s+(?:a|the)\s+case\s+(?:is\s+)?(?:closed|closes|closing)|(?:prior\s+to|at|on|upon|before)\s+(?:case\s+)?(?:closure|closing)|when\s+(?:a|the)\s+case\s+(?:is\s+)?(?:closed|closes)"), "case_closing"),
    (_re(rf"within\s+(?P<span>{_SPAN})\s+of\s+(?:(?:a|the)\s+)?(?:case\s+)?(?P<ev>opening|being\s+opened|case\s+opening|allocation|transfer|closure)"), None),
    (_re(rf"within\s+(?P<span>{_SPAN})\s+of\s+(?:a|the)\s+case\s+(?P<ev>opening|being\s+opened|opened|being\s+transferred|transferring)"), None),
    (_re(r"(?:on|at|upon|before|after)\s+(?:case\s+)?transfer|when\s+(?:a|the)\s+case\s+(?:is\s+)?transferred|on\s+transfer"), "case_transfer"),
    (_re(r"when\s+(?:a|the)\s+case\s+(?:is\s+)?open(?:ed|s)|(?:on|at|upon)\s+(?:case\s+)?(?:opening|allocation)"), "case_opened"),
)
_EVENT_OF = {"opening": "case_opened", "being opened": "case_opened", "case opening": "case_opened", "opened": "case_opened",
             "allocation": "case_opened", "transfer": "case_transfer", "being transferred": "case_transfer",
             "transferring": "case_transfer", "closure": "case_closing"}  # fmt: skip


def rule_event(s: Scanner, i: int, last: int):
    for pattern, on in _EVENTS:
        m = s.match(pattern, i)
        if m:
            ev = on or _EVENT_OF[re.sub(r"\s+", " ", m.group("ev"))]
            within = span(m.group("span")) if "span" in m.groupdict() and m.group("span") else None
            return ("on", s.after(m.end()), (ev, within))
    return None


_ANNIVERSARY = _re(
    rf"(?P<span>{_SPAN})\s+after\s+(?:the\s+|a\s+|their\s+)?(?P<what>[a-z][a-z' -]*?)"
    rf"(?=\s*(?:,|;|\.|\)|$|\b(?:then|and\s+then|by|to|with|for|copied|except|within)\b))(?:\s*,?\s*(?:and\s+)?then\s+(?P<then>every\s+(?:{NUM}\s+)?{UNIT}|each\s+{UNIT}|yearly|annually|quarterly|monthly|six[- ]monthly|half[- ]yearly))?"
)


def rule_anniversary(s: Scanner, i: int, last: int):
    m = s.match(_ANNIVERSARY, i)
    if not m:
        return None
    what = re.sub(r"\s+", " ", m.group("what")).strip()
    if re.fullmatch(r"(?:case\s+)?(?:opening|opened|being\s+opened|allocation)|case\s+(?:is|was)\s+opened|case\s+opens", what):
        column = "opened"
    else:
        column = re.sub(r"[^a-z0-9]+", "_", what).strip("_")
    then = None
    if m.group("then"):
        then = _period_words(m.group("then")).every
    return ("anniversary", s.after(m.end()), Anniversary(column, span(m.group("span")), then))


def _period_words(text: str) -> Period:
    t = re.sub(r"\s+", " ", text.strip())
    m = re.fullmatch(rf"(?:every|each) (?:(?P<n>{NUM}) )?(?P<unit>{UNIT})", t)
    if m:
        return Period(period(m.group("unit"), number(m.group("n")) if m.group("n") else 1), False)
    m = ADVERB.fullmatch(t)
    if m:
        every = next(e for k, (_, e, _) in enumerate(ADVERBS) if m.group(f"a{k}"))
        return Period(every, False)
    raise Unsupported(text)


_SHARE = _re(
    r"(?:a\s+)?(?:random\s+)?(?:sample\s+of\s+)?(?P<p>\d{1,3}(?:\.\d+)?)\s*(?:%|per\s*cent|percent)\s+"
    r"(?:sample\s+)?of\s+(?:all\s+)?(?:the\s+)?(?:(?:open|allocated|current|active|their|team's|teams|caseholders'|own)\s+)*"
    r"(?:case\s+)?(?:cases?|files?|caseloads?|children|records)"
)


def rule_share(s: Scanner, i: int, last: int):
    m = s.match(_SHARE, i)
    return ("share", s.after(m.end()), float(m.group("p"))) if m else None


_TIMES = _re(
    rf"(?P<n>{NUM}|once|twice|thrice)(?:\s*(?:or|to|-)\s*(?P<m>{NUM}|twice))?\s*(?:times?\s+)?"
    rf"(?:(?:a|an|per|each|every|in\s+a|in\s+each)\s+(?P<unit>{UNIT})|(?P<adv>yearly|annually|monthly|quarterly|weekly))"
)
_COUNT = _re(
    rf"(?P<n>{NUM_A})(?:\s*(?:or|to|-)\s*(?P<m>{NUM}))?\s+(?:(?:further|more|additional|random|different|separate|new|"
    r"deep[- ]dive|multi[- ]agency|themed|peer|off[- ]line|qa)\s+)*"
    r"(?P<noun>case\s+files?|casefiles?|files?|cases?|follow[- ]up\s+audits?|re-?audits?|audits?|reviews?|visits?|meetings?|reports?|"
    r"focus\s+groups?|sessions?|observations?|dip\s+samples?|tasks?|moderations?|qa\s+sign[- ]offs?|records)\b"
)
_EVERY = _re(rf"(?:once\s+)?(?P<w>every|each|per|a|an|in\s+each)\s+(?:(?P<other>other)\s+)?(?:(?P<n>{NUM})\s+)?(?P<unit>{UNIT})")
def rule_qualifier(s: Scanner, i: int, last: int):
    m = s.match(_QUALIFIER, i)
    return ("note", s.after(m.end()), f"'{s.text[m.start() : m.end()]}': the frequency is a minimum") if m else None


def rule_times(s: Scanner, i: int, last: int):
    m = s.match(_TIMES, i)
    if not m:
        return None
    n = number(m.group("n"))
    hi = number(m.group("m")) if m.group("m") else None
    unit = m.group("unit") or {"yearly": "year", "annually": "year", "monthly": "month", "quarterly": "quarter", "weekly": "week"}[m.group("adv")]
    try:
        every = period(unit)
    except Unsupported as exc:
        return ("period", s.after(m.end()), Period(None, False, unsupported=str(exc)))
    return ("period", s.after(m.end()), Period(every, every.months == 12, n, hi))


def rule_count(s: Scanner, i: int, last: int):
    m = s.match(_COUNT, i)
    if not m:
        return None
    if m.group("n") in ("a", "an") and not re.match(r"(?:case\s+)?files?|cases?", m.group("noun")):
        return None
    n = number(m.group("n"))
    hi = number(m.group("m")) if m.group("m") else None
    return ("count", s.after(m.end()), (n, hi, m.group("noun")))


def rule_every(s: Scanner, i: int, last: int):
    m = s.match(_EVERY, i)
    if not m:
        return None
    n = 2 if m.group("other") else number(m.group("n")) if m.group("n") else 1
    try:
        every = period(m.group("unit"), n)
    except Unsupported as exc:
        return ("period", s.after(m.end()), Period(None, False, unsupported=str(exc)))
    spread = every.months == 12 and n == 1 and m.group("w") != "every"
    return ("period", s.after(m.end()), Period(every, spread))


def rule_adverb(s: Scanner, i: int, last: int):
    m = ADVERB.match(s.low, s.toks[i].start)
    if not m:
        return None
    k = next(k for k in range(len(ADVERBS)) if m.group(f"a{k}"))
    _, every, note = ADVERBS[k]
    if every is None:
        return ("period", s.after(m.end()), Period(None, False, unsupported=note))
    note = note.replace("{text}", s.text[m.start() : m.end()])
    return ("period", s.after(m.end()), Period(every, every.months == 12, None, None, note))


_SAMPLE = _re(rf"(?:of\s+)?(?:a\s+sample\s+of\s+)?(?P<n>{NUM}|\d{{1,3}}(?:\.\d+)?\s*(?:%|per\s*cent))\s+(?:of\s+)?(?:the\s+)?(?:completed\s+)?audits?\s+(?:from|of|in)\s+row\s+(?P<row>[A-Za-z0-9][\w.-]*)")
_SAMPLE_THESE = _re(r"(?:a\s+)?(?:random\s+)?sample\s+of\s+(?:these|the|those|their|its)\s+(?:completed\s+)?(?:audits|cases|files)")


def rule_sample(s: Scanner, i: int, last: int):
    m = s.match(_SAMPLE, i)
    if m:
        n = m.group("n")
        row = s.text[m.start("row") : m.end("row")].rstrip(".")
        value = Sample(row, percent=float(re.sub(r"[^\d.]", "", n))) if re.search(r"%|cent", n) else Sample(row, count=number(n))
        return ("sample", s.after(m.end()), value)
    m = s.match(_SAMPLE_THESE, i)
    return ("sample", s.after(m.end()), None) if m else None

