"""What a row's task and purpose cells add to its frequency: the kind of work, who else comes, what else is due.

The frequency cell says *how often*; the task says *what* ("Meeting with the
Chief Executive and the DCS", "Audit of Head of Service supervision
records") and the purpose sometimes adds a report ("Report quarterly to the
Head of Service on key themes") or a moderation ("Head of Service should
randomly scrutinise a sample of these cases"). Each function here reads one
such thing; :mod:`qaf.rules.importer` applies them.

>>> task_kind("Lead focus group discussion with newly qualified social workers"), task_kind("Complaints reports (numbers and nature)")
('meeting', 'report')
>>> task_kind("Regulation 33 monthly visit findings and recommendations"), task_kind("Peer review: a team led by the AD")
('report', 'review')
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qaf.rules.names import Names, tokens
from qaf.rules.phrases import ADVERB, lower
from qaf.rules.roles import normalise

_TASK_NOUNS = (
    (r"results|findings|recommendations|action\s+plans?|reports?|data(?:\s+set)?|information|feedback|messages|statistics|updates?|summar(?:y|ies)", "report"),
    (r"performance\s+reviews?|one[- ]to[- ]ones?|meetings?|focus\s+groups?|sessions?|discussions?|workshops?|forums?|supervision(?!\s+(?:\S+\s+){0,3}?(?:audits?|records?))", "meeting"),
    (r"visits?|visiting|observations?", "visit"),
    (r"re-?audits?|moderation", "moderation"),
    (r"audits?|dip[- ]?sampl\w*|case\s+(?:record|file)\s+checks?", "audit"),
    (r"reviews?", "review"),
    (r"monitor(?:ing)?", "task"),
)
_TASK_NOUN = re.compile(r"\b(?:" + "|".join(f"(?P<t{i}>{p})" for i, (p, _) in enumerate(_TASK_NOUNS)) + r")\b")
_WEAK = frozenset({"review", "task"})
_REPORT_TAIL = re.compile(r"\s*(?:findings|results|reports?|information|data|summary|feedback)\b")
_VIA = re.compile(r"\bvia\s+(?:the\s+)?")
_WITH = re.compile(r"\bwith\s+(?:the\s+)?")
_COPY = re.compile(r"\b(?:forwarded|copied|sent|shared)\s+(?:to|with)\s+(?:the\s+)?")
_SUPERVISION = re.compile(r"\baudit\s+of\s+(?:the\s+)?(?P<who>.+?)\s+supervision\s+records?")
_QUANTITY = re.compile(r"\b(?:one|two|three|four|five|\d+|a)\s+(?:case\s*)?(?:cases?|files?|casefiles?)\b|\bfor\s+each\b|\bper\s+(?:team|worker|area|service)\b")
_ITEMS = re.compile(r"\s*(?:[\u2022\u25cf\u25aa]|<li[^>]*>|\n)\s*")
_TAGS = re.compile(r"<[^>]{0,200}>")
_MODERATE = re.compile(
    r"(?:should|will|must|to)\s+(?:randomly\s+)?(?:scrutini[sz]e|re-?audit|moderate|dip[- ]?sample|quality\s+assure|check)\s+"
    r"(?:a\s+)?(?:random\s+)?(?:sample|selection)\s+of\s+(?:these|the|those|their)\s+(?:completed\s+)?(?:cases|audits|files)"
)


def clean(text: str) -> str:
    """Cell text without markup: tags and bullets become line breaks, spaces are single."""
    t = re.sub(r"</?(?:p|li|ul|ol|br)\b[^>]*>", "\n", text or "", flags=re.I)
    t = _TAGS.sub(" ", t).replace("\u2022", "\n")
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in t.split("\n"))
    return "\n".join(line for line in lines if line)


def _head(task: str) -> str:
    return re.split(r":|\n", task, maxsplit=1)[0]


def task_kind(task: str, names: Names | None = None) -> str | None:
    """The kind of work the task names, from the first noun that says it (None when none does)."""
    low = lower(_head(clean(task)))
    strong: list[tuple[int, str]] = []
    weak: list[tuple[int, str]] = []
    for m in _TASK_NOUN.finditer(low):
        kind = next(kind for k, (_, kind) in enumerate(_TASK_NOUNS) if m.group(f"t{k}"))
        if kind != "report" and _REPORT_TAIL.match(low, m.end()):
            kind = "report"
        (weak if kind in _WEAK else strong).append((m.start(), kind))
    if names is not None:
        for m in _VIA.finditer(low):
            found = names.read_list(_head(clean(task)), m.end(), new=False)
            if found.names and all(names.is_body(n) for n in found.names):
                strong.append((m.start(), "meeting"))
    if strong:
        return min(strong)[1]
    return min(weak)[1] if weak else None


def mentions(text: str, names: Names) -> tuple[tuple[str, str], ...]:
    """Short forms a cell spells out: "AD" -> the role "AD, Safeguarding, Looked After ..." names."""
    text = clean(text)
    toks = tokens(text)
    out: dict[str, str] = {}
    i = 0
    while i < len(toks):
        hit = names.match_at(text, toks, i)
        if hit is None:
            i += 1
            continue
        name, j = hit
        written = text[toks[i].start : toks[j - 1].end]
        short = normalise(written.split(",")[0])
        if "," in written and short and names.lookup(short) != name:
            out.setdefault(short, name)
        i = j
    return tuple(out.items())


def _names_after(pattern: re.Pattern[str], text: str, names: Names, hints: dict[str, str], bodies_only: bool = False) -> tuple[str, ...]:
    low = lower(text)
    for m in pattern.finditer(low):
        found = names.read_list(text, m.end(), new=False, hints=hints)
        picked = tuple(n for n in found.names if names.is_body(n) or not bodies_only)
        if picked:
            return picked
    return ()


def invited(task: str, names: Names, hints: dict[str, str]) -> tuple[str, ...]:
    """Who a meeting is with: "Meeting with the Chief Executive and the DCS"."""
    return _names_after(_WITH, _head(clean(task)).split(";")[0], names, hints)


def via_bodies(task: str, names: Names) -> tuple[str, ...]:
    """The bodies the work is done through: "Quality assurance via Fostering and Adoption Panels"."""
    return _names_after(_VIA, _head(clean(task)), names, {}, bodies_only=True)


def copied(task: str, names: Names, hints: dict[str, str]) -> tuple[str, ...]:
    """Who gets the result: "summary to be forwarded to the Head of Safeguarding"."""
    return _names_after(_COPY, clean(task), names, hints)


def supervisees(task: str, names: Names) -> tuple[str, ...]:
    """"Audit of Head of Service supervision records": the roles whose supervision is audited."""
    m = _SUPERVISION.search(lower(clean(task)))
    if not m:
        return ()
    text = clean(task)
    found = names.read_list(text, m.start("who"), new=False)
    return found.names


def states_quantity(task: str) -> bool:
    """Does the task say how many ("one case for each IRO and CPA")?"""
    return bool(_QUANTITY.search(lower(clean(task))))


def timed_items(task: str) -> tuple[str, ...]:
    """List items of a task that start with a frequency ("• Quarterly multi-agency audits of five files")."""
    items = [i.strip() for i in _ITEMS.split(task or "") if i and i.strip()]
    if len(items) < 2:
        return ()
    out = []
    for item in items[1:]:
        item = _TAGS.sub(" ", item).strip()
        if ADVERB.match(lower(item)):
            out.append(item)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class PurposeWork:
    reports: tuple[str, ...]  # sentences that start "Report ..."
    copy: tuple[str, ...]  # "(To be copied to Head of Safeguarding)"
    moderators: tuple[str, ...]  # "Head of Service should randomly scrutinise a sample of these cases"


def purpose_work(purpose: str, names: Names, hints: dict[str, str]) -> PurposeWork:
    text = clean(purpose)
    pieces = [p.strip(" ()") for p in re.split(r"\n|(?<=[.;])\s+", text) if p.strip(" ()")]
    reports = tuple(p for p in pieces if re.match(r"report\b", lower(p)))
    copy = _names_after(re.compile(r"\b(?:copied|copy)\s+to\s+(?:the\s+)?"), text, names, hints)
    moderators: tuple[str, ...] = ()
    for p in pieces:
        m = _MODERATE.search(lower(p))
        if m:
            moderators = names.read_list(p, 0, new=False, hints=hints).names
            break
    return PurposeWork(reports, copy, moderators)
