"""Rules for what a phrase says about *who* and *what*: subjects, places, names, the kind of work.

See :mod:`qaf.rules.when_rules` for the shape of a rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qaf.rules.phrases import KIND_NOUN, KIND_NOUNS

if TYPE_CHECKING:
    from qaf.rules.scan import Scanner


def _re(p: str) -> re.Pattern[str]:
    return re.compile(p)


@dataclass(frozen=True, slots=True)
class Named:
    role: str  # to | copy | with | by | via | bare | doers | each
    names: tuple[str, ...]
    new: tuple[str, ...]


_PER = (
    (_re(r"(?:for|to|of|with|from)?\s*(?:each|every|per|all)\s+(?:of\s+(?:their|the|his\s+or\s+her)\s+)?(?:own\s+)?(?:workers?|social\s+workers?|practitioners?|members?\s+of\s+staff|staff\s+members?|case\s*workers?|case\s*holders?|supervisees?)\b"), "worker"),
    (_re(r"(?:for|to|in|across|of|with)?\s*(?:each|every|per)\s+(?:of\s+(?:their|the)\s+)?(?P<tk>early\s+help\s+|social\s+care\s+|social\s+work\s+)?teams?\b"), "team"),
    (_re(r"(?:for|to|in|across|of)?\s*(?:each|every|per)\s+services?\b"), "service"),
    (_re(r"(?:for|to|in|across|of)?\s*(?:each|every|per)\s+(?:areas?|localit(?:y|ies))\b"), "area"),
    (_re(r"(?:per|for\s+each|for\s+every|by\s+each)\s+(?:auditor|auditing\s+manager|manager|reviewer)\b"), "assignee"),
    (_re(r"(?:with|for|to|in|from|of)\s+(?:their|his\s+or\s+her|her|his|the\s+auditor's|the\s+assignee's)\s+own\s+(?:caseload|cases|workload|case\s*load)|(?:from|of)\s+(?:their|his\s+or\s+her)\s+(?:caseload|workload)"
         # "one casefile to be selected from CPA or IRO's workload" (East Sussex 3.8): the auditor's own, named by post
         r"|(?:to\s+be\s+)?(?:selected\s+)?(?:from|of)\s+(?:the\s+)?(?!(?:team|service|area|unit|locality|council|authority|department)'s)(?:[a-z]+\s+or\s+)?[a-z]+'s\s+(?:own\s+)?(?:caseload|workload)"), "own"),
)
_TEAM_KIND = {"early help": "early_help", "social care": "social_care", "social work": "social_care"}


_IN_TURN = _re(r"\s*,?\s*(?:in\s+turn|in\s+rotation|on\s+rotation|by\s+rotation|on\s+a\s+rota(?:\s+basis)?)\b")
_EACH_TIME = _re(r"\s*,?\s*(?:each|every)\s+(?:time|month|quarter|period|visit|audit)\b")


def rule_per(s: Scanner, i: int, last: int):
    for pattern, per in _PER:
        m = s.match(pattern, i)
        if m:
            named = rule_each_names(s, i, last)
            if named is not None and named[1] > s.after(m.end()):  # "for each Team and Unit Managers ...": a role
                return None
            turn = _IN_TURN.match(s.low, m.end())
            if turn and per in ("team", "service", "area"):  # "each team in turn": one a period, not every team
                return ("rotate", s.after(turn.end()), per)
            tk = m.groupdict().get("tk")
            return ("per", s.after(m.end()), (per, _TEAM_KIND[re.sub(r"\s+", " ", tk.strip())] if tk else None))
    return None


_EACH_NAMES = _re(r"(?:for|of|with)\s+(?:each|every)\s+")
_THEY_MANAGE = _re(r"(?:that\s+|whom\s+|who\s+)?(?:they|he\s+or\s+she)\s+(?:line[- ])?manages?")


def rule_each_names(s: Scanner, i: int, last: int):
    m = s.match(_EACH_NAMES, i)
    if not m:
        return None
    j = s.after(m.end())
    if j >= last:
        return None
    found = s.read_names(j, last, new=False)
    if not found.names:
        return None
    end = found.end
    manage = _THEY_MANAGE.match(s.low, _skip_space(s.low, end))
    if manage:
        return ("names", s.after(manage.end()), Named("each_managed", found.names, ()))
    return ("names", s.after(end), Named("each", found.names, ()))


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] == " ":
        at += 1
    return at


_PEER = _re(r"(?:in|from|for|of|by|to|across)\s+(?:a|an)\s+(?:different|other)\s+(?P<a>service|team|area|locality)|(?:on\s+behalf\s+of|for|in|from|of|by|to)\s+another\s+(?P<b>service|team|area|locality)|outside\s+(?:their|the(?:ir)?)\s+own\s+(?P<c>service|team|area)")
_WITHIN = _re(r"(?:within|in|across)\s+(?:their|his\s+or\s+her|the|own|their\s+own)\s+(?:own\s+)?(?P<w>service|team|area|locality)\b")
_ROTATE = _re(r"(?:(?:to|with|of|for|at)\s+)?(?:a|an|one)\s+(?:[a-z'-]+\s+){0,3}?(?P<r>team|service|area)\b(?:\s*,?\s*(?:each|a|per)\s+time)?(?:\s*,?\s*(?:in\s+rotation|in\s+turn|on\s+rotation|by\s+rotation))?")
_ROTA = _re(r"(?:on\s+a\s+|by\s+)?rota\b(?:\s+basis)?|in\s+turn\b|taking\s+turns")
_TK = _re(r"(?:for|in|of|across)\s+(?:the\s+)?(?P<tk>early\s+help|social\s+care|social\s+work)\s+teams?(?:\s+only)?")
_GROUPS = {"locality": "area"}


def rule_place(s: Scanner, i: int, last: int):
    m = s.match(_PEER, i)
    if m:
        what = m.group("a") or m.group("b") or m.group("c")
        each = _EACH_TIME.match(s.low, m.end()) or _IN_TURN.match(s.low, m.end())
        if each and m.group("a"):  # "a different team each time": a rotation over the teams, not a peer audit
            return ("rotate", s.after(each.end()), _GROUPS.get(what, what))
        return ("peer", s.after(m.end()), f"different_{_GROUPS.get(what, what)}")
    m = s.match(_WITHIN, i)
    if m:
        return ("within", s.after(m.end()), f"own_{_GROUPS.get(m.group('w'), m.group('w'))}")
    m = s.match(_TK, i)
    if m:
        return ("team_kind", s.after(m.end()), _TEAM_KIND[re.sub(r"\s+", " ", m.group("tk"))])
    m = s.match(_ROTATE, i)
    if m and ("rotation" in m.group(0) or " turn" in m.group(0) or re.match(r"to\s+(?:a|an|one)\b", m.group(0))):
        return ("rotate", s.after(m.end()), _GROUPS.get(m.group("r"), m.group("r")))
    m = s.match(_ROTA, i)
    if m:
        return ("rota", s.after(m.end()), True)
    return None


_MARKERS = (
    (_re(r"(?:and\s+)?(?:for\s+information\s+(?:to|for|of)|(?:to\s+be\s+)?(?:copied|copy|cc'?d?|forwarded)\s+to|copy\s+to|cc)\s+"), "copy"),
    (_re(r"for\s+(?:consideration|approval|scrutiny|sign[- ]off|agreement)\s+(?:by|of|at)\s+|(?:sent|presented|submitted|reported|circulated|given)\s+to\s+|up\s+to\s+|to\s+"), "to"),
    (_re(r"with\s+"), "with"),
    (_re(r"(?:undertaken|carried\s+out|completed|done|led|chaired|attended)?\s*by\s+"), "by"),
    (_re(r"via\s+|through\s+"), "via"),
    (_re(r"for\s+"), "for"),
    (_re(r"at\s+each\s+of\s+|to\s+each\s+of\s+"), "each_body"),
)


def rule_markers(s: Scanner, i: int, last: int):
    for pattern, role in _MARKERS:
        m = s.match(pattern, i)
        if not m:
            continue
        j = s.after(m.end())
        if j >= last:
            return None
        found = s.read_names(j, last, new=role not in ("via",))
        if not found.names:
            continue
        end = found.end
        level = re.match(r"\s*level\b", s.low[end:])
        if level:
            end += level.end()
        if role == "for":
            nxt = re.match(r"\s*to\s+", s.low[end:])
            if nxt and not s.read_names(s.after(end + nxt.end()), last, new=False).names:
                return ("names", s.after(end), Named("doers", found.names, found.new))
        return ("names", s.after(end), Named(role, found.names, found.new))
    return None


def rule_bare_names(s: Scanner, i: int, last: int):
    if not s.toks[i].text[:1].isupper():
        return None
    found = s.read_names(i, last, new=False)
    return ("names", s.after(found.end), Named("bare", found.names, ())) if found.names else None


_NOUN_REPORT = _re(r"\s*(?:reports?|findings|results|summar(?:y|ies)|returns?)\b")


def rule_noun(s: Scanner, i: int, last: int):
    if i > 0 and s.toks[i - 1].low == "to":  # "to review updates": a verb, not the kind of work
        return None
    m = KIND_NOUN.match(s.low, s.toks[i].start)
    if not m or (m.end() < len(s.low) and s.low[m.end()].isalnum()):
        return None
    kind = next(kind for k, (_, kind) in enumerate(KIND_NOUNS) if m.group(f"k{k}"))
    end = m.end()
    tail = _NOUN_REPORT.match(s.low, end)
    if tail and kind != "report":
        kind, end = "report", end + tail.end()
    return ("noun", s.after(end), kind)


_AFTER_AUDIT = _re(r"(?:after|following)\s+(?:each\s+|the\s+|an?\s+)?audits?\b")
_CASE = _re(r"(?:one\s+)?(?:case\s+files?|casefiles?|cases?|files?)(?:\s+each)?\b")
_TOGETHER = _re(r"together\b|jointly\b")


def rule_misc(s: Scanner, i: int, last: int):
    m = s.match(_TOGETHER, i)
    if m:
        return ("together", s.after(m.end()), True)
    m = s.match(_AFTER_AUDIT, i)
    if m:
        return ("note", s.after(m.end()), "after each audit")
    m = s.match(_CASE, i)
    if m:
        return ("case", s.after(m.end()), True)
    return None

