"""What a person may type where qaf keeps their words: notes, reasons, an action's text. Pure.

Free text may run over several lines (tab, line feed and carriage return
are kept), but holds no other control character. NUL above all: PostgreSQL
refuses it in text and in JSON, so a note with one was taken on SQLite and
failed the whole request on PostgreSQL. Each interface (the command line, a
CSV, the API, the pages) reaches the use case that calls this, so the rule
is one, and the refusal names the field like any other problem.

>>> why_not("Spoke to the worker.\\nPlan updated.") is None
True
>>> why_not("plan\\x00updated")
'a character that is not text (a control character such as NUL): type or paste plain text'

Each has a range, the same on every path: notes and a closing note at most
:data:`LONGEST` characters (10,000), a reason for more time or a refusal's
answer at most :data:`REASON` (2,000); what an action asks, 2,000 too
(:data:`qaf.engine.actions.WHAT_CHARS`). The message follows "the notes
hold" (or "the note holds": ``them`` says which):

>>> why_not("x" * 10_001)
'10,001 characters: keep them to 10,000'
>>> why_not("x" * 2_001, REASON, "it")
'2,001 characters: keep it to 2,000'
"""

from __future__ import annotations

from qaf.rules.plain import INVISIBLE, has_control


LONGEST = 10_000  # notes, a closing note: the API's limit, and every other path's
REASON = 2_000  # why more time is needed, or refused


def why_not(text: str, longest: int = LONGEST, them: str = "them") -> str | None:
    """Why ``text`` cannot be kept as a person typed it (None: it can), to follow "the notes hold"."""
    if len(text) > longest:
        return f"{len(text):,} characters: keep {them} to {longest:,}"
    if has_control(text, lines=True):
        return "a character that is not text (a control character such as NUL): type or paste plain text"
    return None


def blank(text: str) -> bool:
    """Whether ``text`` says nothing to whoever reads it: only spaces, line breaks and invisible characters
    (:data:`qaf.rules.plain.INVISIBLE`: a zero-width space, the BOM a paste brings). Where words are required
    (why more time is needed, why it is refused, what an action asks), these are none.

    >>> blank(" \\u200b\\ufeff\\n"), blank("\\u200bCourt")
    (True, False)
    """
    return not INVISIBLE.sub("", text).strip()
