"""What happened in the demo's year, read back from the store (never from the simulation's own counts).

:func:`read_summary` asks the store what it holds after the replay; the
figures are worked out with the monthly report's own rules
(:mod:`qaf.engine.report`) over the whole year. :func:`markdown` is
``SUMMARY.md``; :func:`as_data` is ``summary.json`` (what the tests compare
with the store).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

from qaf.engine.model import STATUSES
from qaf.engine.outcomes import was_graded
from qaf.engine.query import Filters
from qaf.engine.report import AUDITS, GRADED, count, escalations, first_due, grades, review_counts
from qaf.engine.report_words import Month, grade_label, kind_label, number
from qaf.store import outbox as outbox_store
from qaf.store import reports as report_store
from qaf.store import ticks as tick_store

OUTBOX_WORDS = {"digested": "gathered into daily digests", "pending": "still to send", "sent": "sent", "failed": "failed"}


@dataclass(frozen=True, slots=True)
class Summary:
    first: date
    last: date
    council: dict[str, int]
    framework: str
    days_ticked: int
    obligations: int
    by_status: dict[str, int]  # as shown the day after the last
    by_kind: dict[str, int]
    audits: dict[str, int]  # graded work first due in the year: the report's completion counts
    outcomes: int  # obligations with a recorded outcome (every kind)
    graded: int
    concerns: int
    grade_counts: dict[str, int]
    moderated: int
    upscaled: int
    downscaled: int
    agreed: int
    contested: int
    contested_settled: int
    follow_ups: dict[str, int]  # created by triggers, by kind
    extensions: int
    reminders: int
    escalations: dict[str, int]  # rung label -> raised with someone to tell
    outbox: dict[str, int]  # status -> rows
    emails_written: int
    feeds: tuple[str, ...] = ()
    reports: tuple[str, ...] = ()
    seconds: float = 0.0
    nobody: int = 0  # rungs raised with nobody above the assignee to tell: in the store's escalations, never emailed
    reviews: dict[str, int] | None = None  # reviews graded in the year, counted apart from the audits: Grades' reviews... figures


def read_summary(store, fw, first: date, last: date, email_files: int, feeds=(), reports=(), seconds: float = 0.0) -> Summary:
    obligations = store.obligations(Filters(framework=fw.id))
    org = store.org()
    with store.read() as conn:
        extensions = report_store.extensions(conn)
        raised = report_store.raised(conn, first, last)
        days = len(tick_store.finished_between(conn, first, last))
        outbox = outbox_store.counts(conn)
        done_on = report_store.done_dates(conn)
    after = last + timedelta(days=1)
    by_status = dict.fromkeys(STATUSES, 0)
    by_kind: dict[str, int] = {}
    for o in obligations:
        by_status[o.shown_status(after)] += 1
        by_kind[o.kind] = by_kind.get(o.kind, 0) + 1
    due = first_due(obligations, extensions)
    year_audits = [o for o in obligations if o.kind in GRADED and first <= due[o.id] <= last]
    graded = [o for o in obligations if o.kind in AUDITS and was_graded(o) and o.outcome.date and first <= o.outcome.date <= last]  # each audit once, as the report
    g = grades(fw.grades, graded)
    reviews = review_counts([o for o in obligations if o.kind == "review" and was_graded(o) and o.outcome.date and first <= o.outcome.date <= last])
    ids = {o.id for o in obligations}
    reminders, rungs = 0, ()
    for m in _months(first, last):
        r, found = escalations(fw, raised, m, ids)
        reminders += r
        rungs += found
    by_rung: dict[str, int] = {}
    for rung in (r for r in rungs if r.count):
        by_rung[rung.label] = by_rung.get(rung.label, 0) + rung.count
    nobody = sum(r.nobody for r in rungs)
    follow_ups: dict[str, int] = {}
    for o in obligations:
        if o.cadence == -1:
            follow_ups[o.kind] = follow_ups.get(o.kind, 0) + 1
    council = {"people": len(org.people), "teams": len(org.teams), "cases": len(org.cases),
               "open_cases": sum(1 for c in org.cases if c.closed is None)}  # fmt: skip
    audits = asdict(count(year_audits, after, due, done_on))
    return Summary(
        first, last, council, fw.id, days, len(obligations), by_status, dict(sorted(by_kind.items())), audits,
        sum(1 for o in obligations if o.id in done_on), g.graded, g.concerns,
        {s.grade: s.count for s in g.shares}, g.moderated, g.upscaled, g.downscaled, g.agreed, g.contested,
        g.contested_settled, dict(sorted(follow_ups.items())), sum(1 for e in extensions if e.obligation in ids),
        reminders, by_rung, dict(sorted(outbox.items())), email_files, tuple(feeds), tuple(reports), round(seconds, 1), nobody, reviews,
    )  # fmt: skip


def reviews_line(r: dict[str, int]) -> str:
    """The year's graded reviews, counted apart from the audits as the monthly report counts them."""
    return (f"- Reviews graded, counted apart from the audits: {r['reviews']:,} ({r['review_concerns']:,} with significant concerns); "
            f"{r['reviews_moderated']} moderated; contested: {r['reviews_contested']} ({r['reviews_contested_settled']} settled by moderation).")


def _months(first: date, last: date) -> list[Month]:
    out, m = [], Month.of(first)
    while m <= Month.of(last):
        out.append(m)
        m = m.plus(1)
    return out


def as_data(s: Summary) -> dict:
    data = asdict(s)
    data["first"], data["last"] = s.first.isoformat(), s.last.isoformat()
    data["feeds"], data["reports"] = list(s.feeds), list(s.reports)
    return data


def markdown(s: Summary, out: Path | str = "OUT") -> str:
    a = s.audits
    c = s.council
    grades_text = ", ".join(f"{grade_label(k)} {n:,}" for k, n in s.grade_counts.items())
    rungs = "; ".join(f"{label}: {n}" for label, n in s.escalations.items()) or "none"
    follow = ", ".join(f"{n} {kind_label(k, n)}" for k, n in s.follow_ups.items()) or "none"
    lines = [
        "# qaf demo: what happened", "",
        f"A synthetic council ({c['people']} staff, {c['teams']} teams, {c['cases']:,} cases of which {c['open_cases']:,} open; "
        f"invented names, case references only) ran the {s.framework} framework from {s.first.isoformat()} to "
        f"{s.last.isoformat()}: {s.days_ticked} daily ticks. Every figure below is read back from the store (qaf.db).", "",
        "## Work", "",
        f"- {s.obligations:,} obligations: " + ", ".join(f"{n:,} {k}" for k, n in s.by_status.items() if n) + ".",
        f"- Case audits first due in the year: {a['scheduled']:,} scheduled, {a['completed']:,} completed "
        f"({a['completed_late']:,} of them late), {a['rescheduled']:,} rescheduled, {a['overdue']:,} overdue, "
        f"{a['open']:,} not yet due, {a['waived']:,} waived, {a['cancelled']:,} cancelled.",
        f"- Outcomes recorded: {s.outcomes:,}; audits graded: {s.graded:,} ({grades_text}); "
        f"{s.concerns:,} with significant concerns.",
        f"- Follow-ups set off by findings and contests: {follow}.",
        f"- Moderated: {s.moderated} audits ({s.upscaled} upscaled, {s.downscaled} downscaled, {s.agreed} agreed); "
        f"contested: {s.contested} ({s.contested_settled} settled by moderation).",
        *([reviews_line(s.reviews)] if s.reviews and s.reviews["reviews"] else []),
        f"- Extensions granted: {s.extensions}.",
        f"- Escalations raised: {rungs}; reminders before the due date: {s.reminders:,}"
        + (f"; raised with nobody to tell (nobody above the assignee, or an owner who has left; recorded, not emailed): {s.nobody:,}." if s.nobody else "."),
        "- Outbox: " + ", ".join(f"{n:,} {OUTBOX_WORDS.get(k, k)}" for k, n in s.outbox.items()) + f"; {s.emails_written:,} emails written to emails/.",
        "", "## Files", "",
        "- `council/`: the organisation as CSV (people, teams, cases, bodies): load your own the same way with `qaf org load`.",
        f"- `qaf.db`: the store; try `qaf --db sqlite:///{Path(out) / 'qaf.db'} due --status overdue --today {s.last + timedelta(days=1)}`"
        f" or `qaf --db sqlite:///{Path(out) / 'qaf.db'} report --month {Month.of(s.last).key} --today {s.last + timedelta(days=1)}`.",
        f"- `reports/`: {number(len(s.reports) // 2)} monthly reports, Markdown and HTML (open the HTML in a browser).",
        "- `feeds/`: " + ", ".join(f"`{f}`" for f in s.feeds) + " (subscribe to them, or open them in a calendar).",
        "- `emails/`: every email qaf sent, one `.eml` file each.", "",
        f"The demo took {s.seconds:.1f} s.",
    ]  # fmt: skip
    return "\n".join(lines) + "\n"
