"""A table's role cell -> the roles that do the row's work, and who is only told.

>>> from qaf.rules.frequency import default_names
>>> cell = read_role_cell("Operations Managers, Children's Social Care and CSCMT", default_names())
>>> cell.by, cell.notes
(('Operations Manager', 'CSCMT'), ("'Children's Social Care' read as a qualifier",))
>>> read_role_cell("CSCMT, DCS and for information to SMT, CPP and LM", default_names()).copy
('SMT', 'CPP', 'Lead Member')
>>> read_role_cell("Early help commissioning support team; other EH managers as required", default_names()).by
('Early Help Commissioning Support',)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qaf.rules.names import Names, Token, tokens

_LEAD = re.compile(r"^\s*(?:the\s+)?(?:key\s+)?responsibilit(?:y|ies)\s+of\s+(?:the\s+)?", re.I)
_OPTIONAL = re.compile(r"\b(?:as|if|where|when)\s+(?:required|appropriate|needed|necessary)\b", re.I)
_INFO = re.compile(r"(?:\band\s+)?\bfor\s+information(?:\s+(?:to|for|of))?\b\s*:?", re.I)
_TAGS = re.compile(r"<[^>]{0,200}>")
_BREAK = frozenset({",", ";", "and", "&", "/"})


@dataclass(frozen=True, slots=True)
class RoleCell:
    by: tuple[str, ...]
    copy: tuple[str, ...] = ()
    new: tuple[str, ...] = ()  # names the vocabulary lacks, added as new roles
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def read_role_cell(cell: str, names: Names) -> RoleCell:
    text = re.sub(r"\s+", " ", _TAGS.sub(" ", cell or "")).strip()
    text = _LEAD.sub("", text)
    by: list[str] = []
    copy: list[str] = []
    new: list[str] = []
    notes: list[str] = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if _OPTIONAL.search(part) and by:
            notes.append(f"'{part}': joins as required, not scheduled")
            continue
        info = _INFO.search(part)
        doers, told = (part[: info.start()], part[info.end() :]) if info else (part, "")
        _scan(doers, names, by, new, notes)
        _scan(told, names, copy, new, notes)
    warnings = [f"'{n}' is not in the role vocabulary: added as a new role; check it" for n in new]
    if not by and text:
        name = _whole(text)
        by.append(name)
        warnings.append(f"the role cell names no role qaf knows: '{name}' added as a new role; check it")
        new.append(name)
    return RoleCell(tuple(by), tuple(c for c in copy if c not in by), tuple(dict.fromkeys(new)), tuple(notes), tuple(warnings))


def _scan(text: str, names: Names, out: list[str], new: list[str], notes: list[str]) -> None:
    toks = tokens(text)
    i = 0
    while i < len(toks):
        if toks[i].low in ("the", ",", "and", "&", "/", "("):
            i += 1
            continue
        hit = names.match_at(text, toks, i)
        if hit is None:
            hit = names.unknown_at(toks, i)
            if hit is not None and hit[0] not in new and hit[0] not in out:
                new.append(hit[0])
        if hit is None:
            i += 1
            continue
        name, i = hit
        if name not in out:
            out.append(name)
        i = _skip_aside(text, toks, i, names)
        i = _skip_qualifier(text, toks, i, names, notes)


def _skip_aside(text: str, toks: list[Token], i: int, names: Names) -> int:
    if i < len(toks) and toks[i].low == "(":
        for j in range(i + 1, min(len(toks), i + 6)):
            if toks[j].low == ")":
                return j + 1
    return i


def _skip_qualifier(text: str, toks: list[Token], i: int, names: Names, notes: list[str]) -> int:
    """", Children's Social Care" after a role: a qualifier, not another role."""
    if i >= len(toks) or toks[i].low != "," or i + 1 >= len(toks):
        return i
    if names.match_at(text, toks, i + 1) or names.unknown_at(toks, i + 1):
        return i
    j = i + 1
    while j < len(toks) and toks[j].low not in _BREAK:
        j += 1
    if j > i + 1:
        notes.append(f"'{text[toks[i + 1].start : toks[j - 1].end]}' read as a qualifier")
    return j


def _whole(text: str) -> str:
    head = re.split(r"[;,(]", text)[0].strip() or text
    head = head[:60].strip()
    return head[:1].upper() + head[1:]
