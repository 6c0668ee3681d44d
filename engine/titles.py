"""What a manager reads at a glance: an obligation's title.

"Audit case CS-000123 (Tom Fairley) — 3.16 Practice Managers will complete
supervision case file audit". Staff names and case references only: a child
is never named (the store holds no child's name to name).
"""

from __future__ import annotations

import re
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
# the word before a team (service, area) the work is for, where the kind's verb cannot take it: 3.13's "Report
# quarterly to the Head of Service on key themes", 1.12's Elected Members "meet ... with front-line staff"
TEAM_WORD = {"meeting": "with", "report": "on", "task": "for"}


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
    if s.kind in ("team", "service", "area"):  # "Visit team X"; a team's meeting is with it, its report on it
        return f"{TEAM_WORD[c.kind]} {s.label}" if c.kind in TEAM_WORD else s.label
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
    if sum(1 for other in row.cadences if other.kind == c.kind) > 1 and (told := apart(row, c)) is not None:
        often, after = told
        if often:  # "Monthly meeting with ...", "Quarterly audit of case ...": what a feed's summary keeps
            noun = NOUN.get(c.kind, verb.lower())
            head = f"{often} {noun if not what or what.startswith(('of ', 'to ', 'with ', 'on ', 'for ')) else CONNECTED.get(c.kind, noun)} {what}".strip()
        head += after
    return f"{head} — {row.id} {short_task(row)}"


# the kind as a noun after a frequency ("Quarterly moderation of case ..."), and before a case, team or person
NOUN = {"moderation": "moderation", "qa_signoff": "QA sign-off", "follow_up_audit": "follow-up audit", "action": "action"}
CONNECTED = {"audit": "audit of", "review": "review of", "moderation": "moderation of", "qa_signoff": "QA sign-off of",
             "follow_up_audit": "follow-up audit of", "visit": "visit to", "action": "action from"}  # fmt: skip
NOTE_CHARS = 50


def _heads_alike(c: Cadence) -> tuple:
    """What :func:`about` says of a cadence's subjects: two cadences of a row alike in it are titled alike for one
    subject. Only what it reads counts: a team's report names the team, never its ``to``; an audit done ``with`` the
    Head of Service is titled as the audit done alone, and the two are told apart."""
    kind = _subject_kind(c)
    said = about(None, c, Subject(kind, "", None, None, "\x00"), None)  # type: ignore[arg-type]  # no case: no org read
    return (c.kind, c.case, kind, said, c.to if kind == "body" else ())  # a body is named by its 'to'


def _subject_kind(c: Cadence) -> str:
    """The kind of subject the planner gives ``c``'s work (qaf.engine.schedule's ``subjects``), as :func:`about` tells
    them apart: a body's meeting, a rotation's team (service, area), else whose it is ('per')."""
    if c.per == "body" or (c.per == "assignee" and c.kind == "meeting" and c.to and not c.with_ and not c.rota):
        return "body"
    if c.per == "assignee":
        return c.rotate or "assignee"  # a rota's or a joint piece's holder is titled as the assignee's own
    return c.per


def often_word(c: Cadence) -> str:
    """"Monthly", "Quarterly", "Fortnightly": how often, before the kind of work; "" for work an event sets off."""
    every = c.every
    if every is None:
        return ""
    if every.weeks:
        return {1: "Weekly", 2: "Fortnightly"}.get(every.weeks, f"{every.weeks}-weekly")
    return {1: "Monthly", 2: "Two-monthly", 3: "Quarterly", 4: "Four-monthly", 6: "Six-monthly", 12: "Annual"}.get(
        every.months, f"{every.months}-monthly")


def apart(row: Row, c: Cadence) -> tuple[str, str] | None:
    """How ``c``'s title is told from its row's other cadences titled alike: (how often, put first; words after
    the head), or None when no other cadence of the row is titled alike.

    1.6 "Monitoring via one-to-one meetings with the DCS and quarterly performance reviews" ("Monthly
    monitoring Quarterly review") asks for two meetings with the DCS: each says how often it is ("Monthly
    meeting with ...", "Quarterly meeting with ..."), first, where a calendar's summary keeps it. Cadences
    as often as each other are told apart by their notes, the framework's words for each (4.11's "Audit:
    multi-agency audits of five files ..." and "Audit: audit of one child with a child protection plan ..."),
    else numbered ("(2 of 2)"). An obligation's identity never holds its title: a title told apart is the same work.
    """
    alike = [other for other in row.cadences if _heads_alike(other) == _heads_alike(c)]
    if len(alike) < 2:
        return None
    often = often_word(c) if len({often_word(other) for other in alike}) > 1 else ""
    same = [other for other in alike if often_word(other) == often_word(c)]
    if len(same) < 2:
        return often, ""
    notes = [_note_words(other.note) for other in same]
    if all(notes) and len(set(notes)) == len(notes):
        return often, f": {notes[_place(same, c)]}"
    return often, f" ({_place(same, c) + 1} of {len(same)})"


def _note_words(note: str) -> str:
    """A cadence's note after the head: on one line, never the " — " before the row nor a ":" (the head's last
    ": " starts the words that tell it apart, :func:`told_apart_words`), without its full stop."""
    words = cut(" ".join(note.split()).replace(" — ", ", ").replace(":", ",").rstrip("."), NOTE_CHARS)
    return words[:1].lower() + words[1:] if words[1:2].islower() else words  # "multi-agency audits", "DCS ..."


_TOLD_APART = re.compile(r"(?: \(\d+ of \d+\)|: [^:]+)$")


def told_apart_words(head: str) -> str:
    """The words ending a title's head that tell it from its row's other cadence titled alike, as :func:`apart`
    writes them ("(2 of 2)", ": audit of one child with a child protection plan…"), or "": what a calendar's
    summary, cut short, keeps.

    >>> told_apart_words("Meeting with Head of Service (2 of 2)"), told_apart_words("Audit: multi-agency audits"), told_apart_words("Audit")
    (' (2 of 2)', ': multi-agency audits', '')
    """
    found = _TOLD_APART.search(head)
    return found.group(0) if found else ""


def _place(cadences: list[Cadence], c: Cadence) -> int:
    """``c``'s place among ``cadences`` (itself, else the first equal to it)."""
    for i, other in enumerate(cadences):
        if other is c:
            return i
    return cadences.index(c)


OWN_WORK = ("assignee", "rota", "joint")  # work whose subject is its owner's own (a rota's or a joint piece's turn)


def follow_up_title(org: Org, row: Row, kind: str, case: str | None, cause: Obligation) -> str:
    """"Follow-up audit of case CS-000124 (Tom Fairley) — 3.16 ..." for what a trigger created."""
    verb = VERB.get(kind, kind.capitalize())
    if case:
        found = org.case(case)
        holder = org.person(found.worker) if found and found.worker else None
        what = f"case {case} ({holder.name})" if holder else f"case {case}"
    elif cause.subject_kind in ("worker", "case_holder") and (person := org.person(cause.subject)) is not None:
        what = f"the {cause.kind.replace('_', ' ')} of {person.name}"  # 3.3's supervision records: whose
    elif cause.subject_kind in OWN_WORK and cause.assignee and (person := org.person(cause.assignee)) is not None:
        what = f"the {cause.kind.replace('_', ' ')} by {person.name}"  # their own work, a rota's or a joint piece's
    elif cause.subject_kind == "team" and (team := org.team(cause.subject)) is not None:
        what = f"the {cause.kind.replace('_', ' ')} of team {team.name}"  # by its name, as the work it follows was titled
    else:  # a service, an area, a body: their names are their ids
        what = f"the {cause.kind.replace('_', ' ')} of {cause.subject_kind} {cause.subject}"
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
