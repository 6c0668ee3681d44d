"""The role vocabulary: names, aliases and forgiving, case-insensitive resolution.

Councils write one role many ways. "OM", "OMs", "Operations Manager" and
"Operations Managers, Children's Social Care" are one role:

>>> from qaf.rules.model import Role
>>> v = Vocabulary([Role("Operations Manager", ("OM",)), Role("Head of Service", ("HoS",))])
>>> [v.resolve(t) for t in ["OMs", "operations manager", "Operations Managers, Children’s Social Care"]]
['Operations Manager', 'Operations Manager', 'Operations Manager']
>>> v.resolve("Heads of Service, Children's Social Care"), v.resolve("Wizard")
('Head of Service', None)
"""

from __future__ import annotations

import re
from typing import Iterable

from qaf.rules.model import Role

_KEEP_S = ("ss", "us", "is")


def normalise(text: str) -> str:
    """Lower case, straight quotes, ``&`` as ``and``, single spaces, no edge punctuation."""
    t = text.replace("\u2019", "'").replace("\u2018", "'").replace("&", " and ")
    t = re.sub(r"\s+", " ", t).strip().lower()
    t = t.strip(" .;:,-")
    if t.startswith("the "):
        t = t[4:]
    return t


def singular(text: str) -> str:
    """Each word in the singular, as role cells are often plural ("Heads of Service")."""
    return " ".join(_singular_word(w) for w in text.split(" "))


def _singular_word(word: str) -> str:
    if len(word) < 3 or not word.endswith("s") or word.endswith(_KEEP_S) or "'" in word:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1]


def _variants(text: str) -> list[str]:
    """Ways to read a role cell, most literal first."""
    base = normalise(text)
    forms = [base, singular(base)]
    without_brackets = normalise(re.sub(r"\([^)]*\)", " ", base))
    forms += [without_brackets, singular(without_brackets)]
    if "," in without_brackets:  # "Operations Managers, Children's Social Care"
        head = normalise(without_brackets.split(",", 1)[0])
        forms += [head, singular(head)]
    seen: list[str] = []
    for form in forms:
        if form and form not in seen:
            seen.append(form)
    return seen


_OF: dict[int, tuple[object, "Vocabulary"]] = {}


def vocabulary_of(framework) -> "Vocabulary":
    """One vocabulary per framework object (kept with the framework, so its id is never reused)."""
    held = _OF.get(id(framework))
    if held is None or held[0] is not framework:
        held = (framework, Vocabulary(framework.roles))
        _OF[id(framework)] = held
    return held[1]


class Vocabulary:
    """Resolves any written form of a role onto its canonical name."""

    def __init__(self, roles: Iterable[Role]) -> None:
        self.roles: dict[str, Role] = {}
        self._index: dict[str, str] = {}
        self._resolved: dict[str, str | None] = {}  # councils write the same few role texts many times
        for role in roles:
            self.roles[role.name] = role
            for written in (role.name, *role.aliases):
                for form in {normalise(written), singular(normalise(written))}:
                    self._index.setdefault(form, role.name)

    def __contains__(self, name: str) -> bool:
        return name in self.roles

    def resolve(self, text: str) -> str | None:
        """The canonical role name for ``text``, or None when no role matches."""
        if text in self._resolved:
            return self._resolved[text]
        found = next((self._index[form] for form in _variants(text) if form in self._index), None)
        self._resolved[text] = found
        return found

    def is_body(self, name: str) -> bool:
        role = self.roles.get(name)
        return bool(role and role.body)

    def clashes(self) -> list[tuple[str, str, str]]:
        """(written form, role, other role) where one form names two roles."""
        owner: dict[str, str] = {}
        out: list[tuple[str, str, str]] = []
        for role in self.roles.values():
            for written in (role.name, *role.aliases):
                form = normalise(written)
                if form in owner and owner[form] != role.name:
                    out.append((written, owner[form], role.name))
                owner.setdefault(form, role.name)
        return out
