"""YAML read as located nodes, so every value knows its line.

``tomllib`` and ``yaml.safe_load`` forget where a value came from; the framework
loader needs ``FILE:LINE`` for every problem. :func:`compose` returns a tree
of :class:`Map`, :class:`Seq` and :class:`Scalar`, each with its 1-based line.

Scalars are kept as the text the author wrote (``3.10`` stays ``"3.10"``, ``no``
stays ``"no"``): YAML 1.1's implicit typing would turn row ``3.10`` into the
float ``3.1`` and the word ``no`` into ``False``. :class:`Fields` converts text to
the type a field needs and records a :class:`~engine.problems.Problem` when it
cannot.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, TypeVar, Union

import yaml
from qaf.rules.plain import INVISIBLE, LINES, Refused, invisible, iso_day, whole_in
from qaf.rules.problems import ADDED_SINCE, Problem, Source, about_character

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Scalar:
    text: str
    line: int
    quoted: bool = False
    null: bool = False


@dataclass(frozen=True, slots=True)
class Seq:
    items: tuple["Node", ...]
    line: int


@dataclass(frozen=True, slots=True)
class Map:
    entries: tuple[tuple[str, int, "Node"], ...]  # (key, key line, value)
    line: int
    marks: tuple[tuple[str, str], ...] = ()  # (key, explanation) of keys marked '# default' (qaf's choice)

    def keys(self) -> list[str]:
        return [k for k, _, _ in self.entries]

    def get(self, key: str) -> "Node | None":
        for k, _, v in self.entries:
            if k == key:
                return v
        return None

    def key_line(self, key: str) -> int:
        for k, line, _ in self.entries:
            if k == key:
                return line
        return self.line


Node = Union[Scalar, Seq, Map]

MAX_WHOLE = 1_000  # the largest whole number a framework file may hold where no other limit is named

# libyaml's parser where PyYAML was built with it (ten times faster; its nodes carry the same marks)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_NULLS = {"", "~", "null", "Null", "NULL"}


MAX_BYTES = 1_000_000  # a framework file (East Sussex's 54 rows are 60 KB)
MAX_DEPTH = 40  # collections inside collections: a framework needs six or so
MAX_VALUES = 200_000  # scalars, counting every alias where it is used: an "alias bomb" expands past it


def screen(text: str, filename: str, tagged: list[Problem] | None = None) -> Problem | None:
    """Refuse, before building anything, a file too large, nested too deep, or whose aliases expand without end.

    Reads the parser's event stream (no recursion, nothing built): a
    billion-laughs file, a self-referencing alias or 20,000 nested brackets
    is a located problem in milliseconds, not minutes or a RecursionError.
    Each tag (``!!str 3``, ``!custom x``) is a problem added to ``tagged``
    at its line: qaf reads every value its own way, so a tag was ignored
    without a word (the file goes on being checked).
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_BYTES:
        return Problem(Source(filename, 1), "file", f"{size:,} bytes is more than a framework file may hold ({MAX_BYTES:,})")
    counts: list[int] = [0]
    anchors: list[str | None] = []
    sizes: dict[str, int] = {}
    try:
        for event in yaml.parse(text, Loader=_LOADER):
            line = event.start_mark.line + 1
            if tagged is not None and getattr(event, "tag", None) is not None:
                tagged.append(Problem(Source(filename, line), "yaml", f"{_tag(event.tag)}: {TAGS_NOT_READ}"))
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                anchors.append(event.anchor)
                counts.append(0)
                if len(anchors) > MAX_DEPTH:
                    return Problem(Source(filename, line), "yaml", f"nested more than {MAX_DEPTH} deep")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                inside, anchor = counts.pop(), anchors.pop()
                if anchor:
                    sizes[anchor] = inside
                counts[-1] += inside
            elif isinstance(event, yaml.ScalarEvent):
                counts[-1] += 1
                if event.anchor:
                    sizes[event.anchor] = 1
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor in anchors:
                    return Problem(Source(filename, line), "yaml", f"the alias *{event.anchor} is inside the collection it names")
                counts[-1] += sizes.get(event.anchor, 1)
            if counts[-1] > MAX_VALUES or sum(counts) > MAX_VALUES:
                return Problem(Source(filename, line), "yaml", f"expands to more than {MAX_VALUES:,} values (aliases used over and over?)")
    except yaml.YAMLError:
        return None  # a syntax error: composing says where, as it always has
    return None


TAGS_NOT_READ = "tags such as !!str are not read: write the value without it"
_STANDARD_TAG = "tag:yaml.org,2002:"


def _tag(tag: str) -> str:
    """A tag as it is written (``!!str``, not ``tag:yaml.org,2002:str``), cut short if long."""
    written = "!!" + tag.removeprefix(_STANDARD_TAG) if tag.startswith(_STANDARD_TAG) else tag
    written = written if len(written) <= 40 else written[:40] + "..."
    return written if written.isprintable() else repr(written)


def compose(text: str, filename: str) -> tuple[Node | None, list[Problem]]:
    """Parse YAML text into located nodes; a syntax error is a problem, not a raise; a tag is one too."""
    tagged: list[Problem] = []
    refused = screen(text, filename, tagged)
    if refused is not None:
        return None, [refused]
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        message = " ".join(str(exc.problem or exc).split())
        return None, [Problem(Source(filename, line), "yaml", f"not valid YAML: {message}")]
    except yaml.reader.ReaderError as exc:  # a raw control character (Word's line break, U+000B): said where it is
        at = max(0, min(exc.position, len(text)))  # a character's index in the text (the file's, read as text)
        line, column = text.count("\n", 0, at) + 1, at - (text.rfind("\n", 0, at) + 1) + 1
        return None, [Problem(Source(filename, line), "yaml", f"U+{exc.character:04X} at character {column} of the line is not text: "
                                                              "a framework holds no control character but tab and line breaks")]  # fmt: skip
    except yaml.YAMLError as exc:  # pragma: no cover - defensive: reader errors without marks
        return None, [Problem(Source(filename, 0), "yaml", f"not valid YAML: {exc}")]
    if root is None:
        return None, [Problem(Source(filename, 1), "yaml", "the file is empty")]
    problems: list[Problem] = tagged
    marks = default_marks(text, root)
    out = _convert(root, filename, problems, marks, text)
    for line in sorted(set(marks) - set(marks.taken)):
        problems.append(Problem(Source(filename, marks[line][1]), "default", _UNATTACHED))
    return out, problems


# --- '# default' comments: qaf's choices, told apart from the council's words -------------------

DEFAULT_MARK = "# default"
_COMMENT = re.compile(r"(?:^|(?<=\s))#[^\n]*", re.MULTILINE)
_DEFAULT = re.compile(r"#\s*default\b[:\s]*(.*)", re.DOTALL)
_UNATTACHED = "a '# default' comment marks the key on its own line, or on the line below a comment block it starts; there is none"


class _Marks(dict):
    """Key line -> (explanation, comment line); ``taken`` holds the lines a key has claimed."""

    def __init__(self) -> None:
        super().__init__()
        self.taken: dict[int, None] = {}


def default_marks(text: str, root: yaml.Node) -> _Marks:
    """Find ``# default`` comments (never a ``#`` inside a quoted or block text) and the key line each marks.

    A comment at the end of a key's line marks that key; a block of whole-line
    comments that starts with ``# default`` marks the key on the first line
    after the block. The explanation is the rest of the comment (block lines
    joined by spaces).
    """
    marks = _Marks()
    if "default" not in text:
        return marks
    spans = sorted(_scalar_spans(root))
    starts = [s for s, _ in spans]
    lines = text.split("\n")
    offsets = [0]
    for ln in lines:
        offsets.append(offsets[-1] + len(ln) + 1)

    def comment_at(index: int) -> str | None:  # the comment starting exactly at ``index``, if not inside a scalar
        i = bisect.bisect_right(starts, index) - 1
        if i >= 0 and spans[i][0] <= index < spans[i][1]:
            return None
        return text[index : text.find("\n", index) if "\n" in text[index:] else len(text)]

    def whole_line(n: int) -> str | None:  # line n (0-based) as a comment, when it is nothing else
        stripped = lines[n].lstrip()
        if not stripped.startswith("#"):
            return None
        return comment_at(offsets[n] + len(lines[n]) - len(stripped))

    n = 0
    while n < len(lines):
        found = None
        for m in _COMMENT.finditer(lines[n]):
            comment = comment_at(offsets[n] + m.start())
            if comment is not None:
                found = (m.start(), comment)
                break
        if found is None or not _DEFAULT.match(found[1]):
            n += 1
            continue
        column, comment = found
        if lines[n][:column].strip():  # at the end of a key's line
            marks[n + 1] = (_DEFAULT.match(comment).group(1).strip(), n + 1)
            n += 1
            continue
        words = [_DEFAULT.match(comment).group(1).strip()]
        k = n + 1
        while k < len(lines) and (whole_line(k) is not None):
            words.append((whole_line(k) or "").lstrip("#").strip())
            k += 1
        while k < len(lines) and not lines[k].strip():
            k += 1
        if k < len(lines):
            marks[k + 1] = (" ".join(w for w in words if w), n + 1)
        else:
            marks[-(n + 1)] = ("", n + 1)  # nothing below it: reported as unattached
        n = k
    return marks


def _scalar_spans(node: yaml.Node):
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, yaml.ScalarNode):
            if item.start_mark.index < item.end_mark.index:
                yield (item.start_mark.index, item.end_mark.index)
        elif isinstance(item, yaml.SequenceNode):
            stack.extend(item.value)
        elif isinstance(item, yaml.MappingNode):
            for k, v in item.value:
                stack.extend((k, v))


def _convert(node: yaml.Node, filename: str, problems: list[Problem], marks: _Marks, text: str) -> Node:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.ScalarNode):
        null = node.style is None and node.value in _NULLS
        if found := LINES.search(node.value):  # only an escape gets one here ("\0", "\a", "\u0000"): YAML refuses them raw
            problems.append(Problem(Source(filename, line), "yaml", f"a control character (U+{ord(found[0]):04X}) in a value: "
                                                                  "text holds none but tab and line breaks", kind=about_character(found[0])))  # fmt: skip
            # kind: a field's own check that names the character too is said once, in these words (rules/loader.py)
        elif hidden := invisible(node.value):  # a framework's words are in every feed and email: none hides or turns around
            raw = text[node.start_mark.index : node.end_mark.index]
            found = INVISIBLE.search(raw)  # the line it is on in a block ("\u202e" escaped: the value's first)
            at = line + raw.count("\n", 0, found.start()) if found else line
            problems.append(Problem(Source(filename, at), "yaml", f"{hidden} in a value: type it again as plain text", kind=about_character(INVISIBLE.search(node.value)[0])))
        return Scalar(node.value, line, quoted=node.style in ("'", '"'), null=null)
    if isinstance(node, yaml.SequenceNode):
        return Seq(tuple(_convert(item, filename, problems, marks, text) for item in node.value), line)
    assert isinstance(node, yaml.MappingNode)
    entries: list[tuple[str, int, Node]] = []
    marked: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        key_line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(Source(filename, key_line), "yaml", "a key must be plain text"))
            continue
        key = key_node.value
        if hidden := invisible(key):  # said as itself: 'unknown field 'council' (did you mean 'council'?)' helps nobody
            problems.append(Problem(Source(filename, key_line), "yaml", f"{hidden} in a key: type it again as plain text"))
            key = INVISIBLE.sub("", key)
        if key in seen:
            problems.append(
                Problem(
                    Source(filename, key_line),
                    key,
                    f"duplicate key (first given on line {seen[key]})",
                )
            )
            continue
        seen[key] = key_line
        if key_line in marks and key_line not in marks.taken:  # the first key on the line: the outer one
            marks.taken[key_line] = None
            marked.append((key, marks[key_line][0]))
        entries.append((key, key_line, _convert(value_node, filename, problems, marks, text)))
    return Map(tuple(entries), line, tuple(marked))


# --- typed access with problems -------------------------------------------------


@dataclass
class Fields:
    """Reads typed fields from a :class:`Map`, collecting problems as it goes.

    ``prefix`` names the enclosing record in field names (``rows[3.16].cadences[0]``
    reads better as ``cadence``); ``known`` keys are checked by :meth:`finish`.
    """

    node: Map
    filename: str
    problems: list[Problem]
    prefix: str = ""
    used: set[str] = field(default_factory=set)
    defaults_read: bool = False

    def source(self, key: str | None = None) -> Source:
        return Source(self.filename, self.node.key_line(key) if key else self.node.line)

    def name(self, key: str) -> str:
        return f"{self.prefix}.{key}" if self.prefix else key

    def problem(self, key: str | None, message: str, line: int | None = None, kind: str = "") -> None:
        where = Source(self.filename, line) if line else self.source(key)
        self.problems.append(Problem(where, self.name(key) if key else self.prefix, message, kind=kind))

    def has(self, key: str) -> bool:
        return self.node.get(key) is not None

    def given(self, key: str) -> bool:
        """Whether the key is there with a value (anything but empty), right or wrong: a wrong one is
        reported as wrong where it is read, never as missing as well."""
        node = self.node.get(key)
        return node is not None and not (isinstance(node, Scalar) and node.null)

    def raw(self, key: str) -> Node | None:
        self.used.add(key)
        return self.node.get(key)

    def text(self, key: str, default: str | None = None, required: bool = False) -> str | None:
        node = self.raw(key)
        if node is None or (isinstance(node, Scalar) and node.null):
            if required:
                self.problem(None, f"'{key}' is required")
            return default
        if not isinstance(node, Scalar):
            self.problem(key, "expected text")
            return default
        return node.text

    def convert(self, key: str, convert: Callable[[str], T], what: str, default: T) -> T:
        text = self.text(key)
        if text is None:
            return default
        try:
            return convert(text)
        except (ValueError, TypeError):
            self.problem(key, f"expected {what}, got {text!r}")
            return default

    def integer(self, key: str, default: int | None = None, minimum: int | None = None, maximum: int = MAX_WHOLE) -> int | None:
        """A whole number from ``minimum`` to ``maximum`` (every number a file may hold has a range), refused in the
        words every whole number is (:func:`qaf.rules.plain.whole_in`)."""
        text = self.text(key)
        if text is None:
            return default
        try:
            return whole_in(text, minimum, maximum)
        except Refused as exc:
            self.problem(key, str(exc))
            return default

    def number(self, key: str, default: float | None = None, percent: bool = False) -> float | None:
        """A finite number; ``percent``: a percent, which may be written with its sign ('10%')."""
        return self.convert(key, _percent if percent else _number, "a number", default)

    def boolean(self, key: str, default: bool | None = None) -> bool | None:
        return self.convert(key, parse_bool, "yes/no (true/false)", default)

    def day(self, key: str, default: date | None = None) -> date | None:
        return self.convert(key, iso_day, "a date YYYY-MM-DD", default)

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of text, or one text standing for a list of one."""
        node = self.raw(key)
        if node is None or (isinstance(node, Scalar) and node.null):
            return ()
        if isinstance(node, Scalar):
            return (node.text,)
        if isinstance(node, Map):
            self.problem(key, "expected a list of text")
            return ()
        out: list[str] = []
        for item in node.items:
            if isinstance(item, Scalar) and not item.null:
                out.append(item.text)
            else:
                self.problem(key, "expected text in the list", line=item.line)
        return tuple(out)

    def seq(self, key: str) -> tuple[Node, ...]:
        node = self.raw(key)
        if node is None or (isinstance(node, Scalar) and node.null):
            return ()
        if not isinstance(node, Seq):
            self.problem(key, "expected a list")
            return ()
        return node.items

    def mapping(self, key: str) -> Map | None:
        node = self.raw(key)
        if node is None or (isinstance(node, Scalar) and node.null):
            return None
        if not isinstance(node, Map):
            self.problem(key, "expected a mapping of name: value")
            return None
        return node

    def defaults(self) -> tuple[tuple[str, str], ...]:
        """The keys of this record marked ``# default`` (qaf's choice, not the council's words), with the explanation."""
        self.defaults_read = True
        return self.node.marks

    def finish(self, known: frozenset[str] | set[str]) -> None:
        """Report keys this record does not know (a typo must not pass silently), and marks it cannot keep."""
        if not self.defaults_read:
            for key, _ in self.node.marks:
                self.problem(key, NOT_MARKABLE, kind=ADDED_SINCE)  # a comment read as nothing before marks were read
        for key, line, _ in self.node.entries:
            if key not in known:
                hint = _closest(key, known)
                extra = f" (did you mean '{hint}'?)" if hint else ""
                self.problem(key, f"unknown field '{key}'{extra}", line=line)


NOT_MARKABLE = "only a setting, a row's or cadence's field, a trigger's 'when' or a trigger action's parameter can be marked '# default'"


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"true", "yes", "y", "on", "1"}:
        return True
    if lowered in {"false", "no", "n", "off", "0"}:
        return False
    raise ValueError(text)


def _number(text: str) -> float:
    """A finite number ("inf", "nan" and "1e400", which Python reads as infinity, are not one)."""
    value = float(text.strip())
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _percent(text: str) -> float:
    """A percent: a finite number, its sign after it or not ('10%')."""
    t = text.strip()
    return _number(t[:-1] if t.endswith("%") else t)


def _closest(key: str, known: frozenset[str] | set[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(key, sorted(known), n=1, cutoff=0.75)
    return matches[0] if matches else None
