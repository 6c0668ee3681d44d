"""Role names inside free text: greedy matching onto the vocabulary, and new names.

A framework's cells name roles and bodies in running text: "Quarterly to CSCMT
and LSCB", "Meeting with the Chief Executive and the DCS", "Heads of Service
and AD, Communication, Planning & Performance". :class:`Names` reads them the
way a person does: at each word it takes the longest run of words that names
a role (so "AD, Safeguarding, Looked After Children and Special Educational
Needs" is one role, not four words), and a list goes on over ``,``, ``and``
and ``&``. A run that names no known role but ends like one ("key service
leads", "JDM") becomes a new name, which the caller flags.

>>> from qaf.rules.model import Role
>>> names = Names([Role("Director of Children's Services", ("DCS",)), Role("Chief Executive"), Role("CSCMT", body=True)])
>>> text = "Meeting with the Chief Executive and the DCS"
>>> names.read_list(text, text.index("the Chief")).names
('Chief Executive', "Director of Children's Services")
>>> text = "to key service leads to agree issues"
>>> found = names.read_list(text, 3)
>>> found.names, found.new
(('Key service lead',), ('Key service lead',))
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from qaf.rules.model import Role
from qaf.rules.roles import normalise, singular

MAX_WORDS = 14  # the longest role name in words ("AD, Safeguarding, Looked After ... Needs" is 10)

# the last word of a run that names a post or a body, when the vocabulary does not know it
ROLE_HEADS = frozenset("""
    manager director head chair chairperson member worker officer lead leader adviser advisor
    reviewer auditor moderator inspector executive commissioner coordinator co-ordinator
    practitioner supervisor administrator ambassador mentor partner principal deputy assistant
    board committee panel group forum meeting cabinet council trust partnership team unit
    sub-group subgroup consultant specialist nurse
""".split())
BODY_HEADS = frozenset("board committee panel group forum meeting cabinet council trust partnership sub-group subgroup".split())

# words that end a run of unknown words: a list separator, a preposition, a verb marker
_STOP = frozenset("""
    , ; ( ) and & or to for with by via in on at from where who which when if then as
    within including through after before during per each every should must will is are be
    was were has have who's that this these those so but not also about into onto than
    monthly quarterly annually annual yearly weekly fortnightly bi-annually biannually bi-annual biannual
    bi-monthly bimonthly six-monthly half-yearly twice once level up
""".split())
_DETERMINERS = ("the", "a", "an", "all", "other", "any", "relevant", "their", "our", "its")
_TOKEN = re.compile(r"[^\s,;()/]+|[,;()/]")
_ACRONYM = re.compile(r"[A-Z][A-Z0-9&/-]{1,7}s?")
_SEPARATORS = (("and",), (",",), ("&",), (",", "and"), ("or",), (",", "or"), ("as", "well", "as"))


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # as written
    low: str  # lower case, straight quotes
    start: int
    end: int


def tokens(text: str, start: int = 0) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text, start):
        word = m.group(0).rstrip(".:")  # "LM." ends a sentence; the name is "LM"
        if not word:
            continue
        low = word.lower().replace("\u2019", "'").replace("\u2018", "'")
        out.append(Token(word, low, m.start(), m.start() + len(word)))
    return out


@dataclass(frozen=True, slots=True)
class Found:
    """Names read from text: canonical names, which of them are new, and where reading stopped."""

    names: tuple[str, ...]
    new: tuple[str, ...]
    end: int  # offset in the text just after the last name read


def new_name(words: list[Token]) -> str:
    """A readable vocabulary entry for words the vocabulary does not know ("key service leads")."""
    while words and words[0].low in _DETERMINERS:
        words = words[1:]
    if not words:
        return ""
    text = " ".join(w.text for w in words)
    if _ACRONYM.fullmatch(text):
        return text[:-1] if text.endswith("s") and len(text) > 2 else text
    *head, last = text.split(" ")
    low = singular(last.lower())
    last = last[: len(low)] if last.lower().startswith(low) else low
    text = " ".join([*head, last])
    return text[:1].upper() + text[1:]


class Names:
    """The vocabulary as a matcher of names inside running text."""

    def __init__(self, roles: Iterable[Role]) -> None:
        self.roles: tuple[Role, ...] = ()
        self._index: dict[str, str] = {}
        self._first: set[str] = set()  # first words of every written form: where a name can start
        self._bodies: set[str] = set()
        self._cache: dict[str, str | None] = {}
        self._starts: dict[str, bool] = {}
        self._add(roles)

    def _add(self, roles: Iterable[Role]) -> None:
        added = tuple(roles)
        self.roles += added
        self._bodies |= {r.name for r in added if r.body}
        for role in added:
            for written in (role.name, *role.aliases):
                key = normalise(written)
                for form in (key, singular(key)):
                    self._index.setdefault(form, role.name)
                    self._first.add(form.split(" ")[0].rstrip(","))

    def lookup(self, text: str) -> str | None:
        """The canonical name ``text`` names exactly (case, plural and "the" forgiven)."""
        try:
            return self._cache[text]
        except KeyError:
            pass
        key = normalise(text)
        found = self._index.get(key) or self._index.get(singular(key))
        if len(self._cache) < 50_000:
            self._cache[text] = found
        return found

    def is_body(self, name: str) -> bool:
        return name in self._bodies

    def with_roles(self, more: Iterable[Role]) -> "Names":
        """This vocabulary and the roles of ``more`` it lacks (itself when it lacks none)."""
        known = {r.name for r in self.roles}
        fresh = [r for r in more if r.name not in known]
        if not fresh:
            return self
        out = Names(())
        out.roles, out._index, out._first, out._bodies = self.roles, dict(self._index), set(self._first), set(self._bodies)
        out._cache, out._starts = {}, {}
        out._add(fresh)
        return out

    # --- reading -------------------------------------------------------------------

    def match_at(self, text: str, toks: list[Token], i: int) -> tuple[str, int] | None:
        """(name, index after it) for the longest run of tokens from ``i`` that names a role."""
        if toks[i].low in _STOP and toks[i].low not in ("the",):
            return None
        if not self._may_start(toks[i].text):
            return None
        for j in range(min(len(toks), i + MAX_WORDS), i, -1):
            if toks[j - 1].low in (",", ";", "(", "/", "and", "&", "or"):
                continue
            name = self.lookup(text[toks[i].start : toks[j - 1].end])
            if name:
                return name, j
        return None

    def _may_start(self, word: str) -> bool:
        """Can a name start with this word? (Most words cannot: a quick test before the longer ones.)"""
        hit = self._starts.get(word)
        if hit is None:
            first = normalise(word).split(" ")[0]
            hit = self._starts[word] = first in self._first or singular(first) in self._first
        return hit

    def unknown_at(self, toks: list[Token], i: int) -> tuple[str, int] | None:
        """A run of words that looks like a post or body the vocabulary lacks ("JDM", "key service leads")."""
        j = i
        while j < len(toks) and j - i < 6 and (toks[j].low not in _STOP or (toks[j].low == "of" and j > i)):
            if any(ch.isdigit() for ch in toks[j].low):
                break
            j += 1
        while j > i and toks[j - 1].low in ("of", "the"):
            j -= 1
        words = toks[i:j]
        if not words:
            return None
        joined = " ".join(w.text for w in words)
        content = [w for w in words if w.low not in _DETERMINERS]
        if not content:
            return None
        acronym = len(content) == 1 and _ACRONYM.fullmatch(content[0].text) is not None
        if acronym or singular(content[-1].low) in ROLE_HEADS or content[-1].low in ROLE_HEADS:
            name = new_name(words)
            return (name, j) if name and len(joined) <= 80 else None
        return None

    def read_list(
        self, text: str, start: int, new: bool = True, toks: list[Token] | None = None, hints: Mapping[str, str] | None = None
    ) -> Found:
        """Names from ``start``: "the DCS, SMT and Lead Member" -> three names.

        Reading stops at the first run that names nothing; with ``new``, a run
        that looks like a role (see :data:`ROLE_HEADS`) is taken as a new name.
        ``hints`` maps short forms the row itself spells out ("AD" where the task
        names "AD, Safeguarding, ...") to their roles; they are tried before a
        new name is made.
        """
        toks = toks if toks is not None else tokens(text, start)
        names: list[str] = []
        fresh: list[str] = []
        end = start
        i = 0
        while i < len(toks):
            while i < len(toks) and toks[i].low == "the":
                i += 1
            if i >= len(toks):
                break
            hit = self._hint_at(text, toks, i, hints) if hints else None
            if hit is None:
                hit = self.match_at(text, toks, i)
            if hit is None and new:
                hit = self.unknown_at(toks, i)
                if hit is not None and hit[0] not in fresh:
                    fresh.append(hit[0])
            if hit is None:
                break
            name, i = hit
            if name not in names:
                names.append(name)
            end = toks[i - 1].end
            i = self._skip_aside(text, toks, i)
            if i < len(toks) and toks[i - 1].low == ")":
                end = toks[i - 1].end
            step = self._separator(toks, i)
            if not step:
                break
            i += step
        return Found(tuple(names), tuple(n for n in fresh if n in names), end)

    @staticmethod
    def _hint_at(text: str, toks: list[Token], i: int, hints: Mapping[str, str]) -> tuple[str, int] | None:
        for j in range(min(len(toks), i + 4), i, -1):
            name = hints.get(normalise(text[toks[i].start : toks[j - 1].end]))
            if name:
                return name, j
        return None

    def _skip_aside(self, text: str, toks: list[Token], i: int) -> int:
        """Skip "(CPAs)" or "(LM)" after a name: an abbreviation given in brackets."""
        if i < len(toks) and toks[i].low == "(":
            for j in range(i + 1, min(len(toks), i + 6)):
                if toks[j].low == ")":
                    inside = text[toks[i + 1].start : toks[j - 1].end] if j > i + 1 else ""
                    if inside and (self.lookup(inside) or _ACRONYM.fullmatch(inside)):
                        return j + 1
                    break
        return i

    @staticmethod
    def _separator(toks: list[Token], i: int) -> int:
        for sep in sorted(_SEPARATORS, key=len, reverse=True):
            if tuple(t.low for t in toks[i : i + len(sep)]) == sep and i + len(sep) < len(toks):
                return len(sep)
        return 0
