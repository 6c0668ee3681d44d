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
"""

from __future__ import annotations

from qaf.rules.plain import has_control


def why_not(text: str) -> str | None:
    """Why ``text`` cannot be kept as a person typed it (None: it can), to follow "the notes hold"."""
    if has_control(text, lines=True):
        return "a character that is not text (a control character such as NUL): type or paste plain text"
    return None
