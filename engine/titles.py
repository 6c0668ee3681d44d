"""What a manager reads at a glance: an obligation's title.

"Audit case CS-000123 (Tom Fairley) — 3.16 Practice Managers will complete
supervision case file audit". Staff names and case references only: a child
is never named (the store holds no child's name to name).
"""

from __future__ import annotations

from datetime import date
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
    return cut(text, SHORT)


def cut(text: str, limit: int) -> str:
    """``text``, or its first ``limit`` characters cut back to a word boundary and ended with "…"."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


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
    if s.kind in ("worker", "case_holder"):  # "for each worker": a manager's several tell apart by whom
        return f"{'with' if c.kind in ('meeting', 'visit') else 'of'} {s.label}"
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
    elif cause.subject_kind in ("worker", "case_holder") and (person := org.person(cause.subject)) is not None:
        what = f"the {cause.kind.replace('_', ' ')} of {person.name}"  # 3.3's supervision records: whose
    else:
        what = f"{cause.subject_kind} {cause.subject}"
    return f"{verb} {what} — {row.id} {short_task(row)}"


LOOKS_BACK = ("audit", "follow_up_audit", "review")


def practice_to_read(months: int, ob: Obligation) -> tuple[date, date] | None:
    """The months of practice an audit reads ("the previous 6 months"): up to the end of its period.

    >>> from datetime import date
    >>> from qaf.engine.model import Obligation
    >>> ob = Obligation("x", "t", "T1", 0, "audit", "", None, "worker", "W", date(2023, 11, 1), date(2023, 11, 30), date(2023, 11, 30))
    >>> practice_to_read(6, ob)
    (datetime.date(2023, 6, 1), datetime.date(2023, 11, 30))
    """
    if months <= 0 or ob.kind not in LOOKS_BACK:
        return None
    last = ob.period_end
    total = last.year * 12 + last.month - 1 - (months - 1)
    return date(total // 12, total % 12 + 1, 1), last


def practice_line(months: int, ob: Obligation) -> str | None:
    """"Practice to read: June 2023 to November 2023 (the previous 6 months)"."""
    span = practice_to_read(months, ob)
    if span is None:
        return None
    return f"Practice to read: {span[0]:%B %Y} to {span[1]:%B %Y} (the previous {months} months)"
