"""What a manager reads at a glance: an obligation's title.

"Audit case CS-000123 (Tom Fairley) — 3.16 Practice Managers will complete
supervision case file audit". Staff names and case references only: a child
is never named (the store holds no child's name to name).
"""

from __future__ import annotations

from functools import lru_cache

from qaf.engine.model import Obligation
from qaf.engine.org import Org
from qaf.engine.scope import Subject
from qaf.rules.model import Cadence, Row

VERB = {
    "audit": "Audit",
    "follow_up_audit": "Follow-up audit of",
    "review": "Review",
    "moderation": "Moderate",
    "qa_signoff": "QA sign-off of",
    "report": "Report",
    "visit": "Visit",
    "meeting": "Meeting",
    "task": "Task",
    "action": "Action from",
}
SHORT = 70


def short_task(row: Row) -> str:
    """The row's task, first line, cut at a word boundary."""
    return _short(row.task, row.role)


@lru_cache(maxsize=1024)
def _short(task: str, role: str) -> str:
    text = " ".join((task.strip().splitlines() or [""])[0].split()) or " ".join(role.split())
    if len(text) <= SHORT:
        return text
    return text[:SHORT].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def about(org: Org, c: Cadence, s: Subject, case: str | None) -> str:
    if case:
        found = org.case(case)
        holder = org.person(found.worker) if found and found.worker else None
        return f"case {case} ({holder.name})" if holder else f"case {case}"
    if c.case and s.kind in ("worker", "case_holder"):
        return f"a case of {s.label}"
    if c.case and s.kind == "assignee":
        return "a case from own workload"
    if c.case:
        return f"a case of {s.label}"
    if s.kind == "body":  # "Meeting of Cabinet", "Report to Cabinet"
        return f"of {s.label}" if c.kind in ("meeting", "visit") else f"to {s.label}"
    if s.kind in ("team", "service", "area"):
        return s.label
    if c.kind in ("report",) and c.to:
        return "to " + ", ".join(c.to)
    if c.kind in ("meeting", "visit") and c.with_:
        return "with " + ", ".join(c.with_)
    return ""


def title(org: Org, row: Row, c: Cadence, s: Subject, case: str | None) -> str:
    verb = VERB.get(c.kind, c.kind.capitalize())
    what = about(org, c, s, case)
    head = f"{verb} {what}".strip()
    return f"{head} — {row.id} {short_task(row)}"


def follow_up_title(org: Org, row: Row, kind: str, case: str | None, cause: Obligation) -> str:
    """"Follow-up audit of case CS-000124 (Tom Fairley) — 3.16 ..." for what a trigger created."""
    verb = VERB.get(kind, kind.capitalize())
    if case:
        found = org.case(case)
        holder = org.person(found.worker) if found and found.worker else None
        what = f"case {case} ({holder.name})" if holder else f"case {case}"
    else:
        what = f"{cause.subject_kind} {cause.subject}"
    return f"{verb} {what} — {row.id} {short_task(row)}"
