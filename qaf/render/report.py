"""The monthly report as Markdown (for papers), JSON and CSV (for the council's own BI).

HTML with charts is :mod:`qaf.render.html`; :func:`render` picks by format.
The CSV is long ("tidy"): one figure a line, ``month, framework, section,
group, key, label, measure, value``, so a BI tool can pivot it any way.
"""

from __future__ import annotations

import io
import json
from dataclasses import fields, is_dataclass
from datetime import date
from typing import Any, Iterator

from qaf.engine import spreadsheet
from qaf.engine.report_model import Counts, Group, Rate, Report
from qaf.engine.report_words import Month, grade_label, kind_label, number, reviews_moderation_words, reviews_words

FORMATS = ("md", "html", "json", "csv", "pdf")  # pdf: the html, printed by qaf.render.pdf
COLUMNS = (
    ("scheduled", "Scheduled"), ("completed", "Completed"), ("completed_late", "of them late"),
    ("rescheduled", "Rescheduled"), ("overdue", "Overdue"), ("open", "Not yet due"),
    ("waived", "Waived"), ("cancelled", "Cancelled"),
)  # fmt: skip
PAIRS = frozenset({"created", "primary", "moderated"})  # (key, count) pairs, given as JSON objects
CSV_HEADER = ("month", "framework", "section", "group", "key", "label", "measure", "value")


def render(report: Report, fmt: str) -> str:
    if fmt == "md":
        return markdown(report)
    if fmt == "json":
        return json.dumps(as_data(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return to_csv(report)
    if fmt == "html":
        from qaf.render.html import html

        return html(report)
    if fmt == "pdf":
        raise ValueError("a PDF is not text: print render(report, 'html') with qaf.render.pdf.print_pdf")
    raise ValueError(f"unknown report format {fmt!r} (one of: {', '.join(FORMATS)})")


def day_text(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def nobody_line(rungs) -> str:
    """The rungs raised with nobody to tell (nobody above the assignee, or an owner who has left): said, not hidden."""
    parts = "; ".join(f"{e.label}: {e.nobody}" for e in rungs if e.nobody)
    return f"Raised with nobody to tell (the top of the organisation's line, or an owner who has left): {parts}."


def pct(value: int | float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}%"


# --- Markdown ----------------------------------------------------------------------------


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(head: list[str], rows: list[list[object]]) -> list[str]:
    out = ["| " + " | ".join(_cell(h) for h in head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out + [""]


def counts_table(first: str, groups: list[Group] | tuple[Group, ...], total: Counts | None = None) -> list[str]:
    rows = [[g.label, *(getattr(g.counts, k) for k, _ in COLUMNS)] for g in groups]
    if total is not None:
        rows.append(["**Total**", *(f"**{getattr(total, k)}**" for k, _ in COLUMNS)])
    return _table([first, *(label for _, label in COLUMNS)], rows)


def tameside_table(report: Report) -> list[str]:
    """Primary against moderated, as Tameside's monthly tables lay it out."""
    g = report.grades
    lines = [f"### {report.month.label} moderated audits", ""]
    if not g.table:
        return lines + [f"No audit graded in {report.month.label} has been moderated yet.", ""]
    rows = [[r.label, pct(r.primary_percent), pct(r.moderated_percent)] for r in best_first(g.table)]
    lines += _table(["", "Primary Audits", "Moderated Audits"], rows)
    lines += [moderation_line(g), ""] + ([signed_line(g), ""] if g.signed is not None else [])
    if any(a.primary_n or a.moderated_n for a in g.areas[:-1]):
        lines += [f"### {report.month.label} areas of practice, primary against moderated", ""]
        lines += _table(*area_table(g))
    return lines


def best_first(rows):
    """Grade rows best first (Outstanding -> Inadequate), as every table and legend of the report reads.

    The engine keeps Tameside's worst-first order for its rounding (a tie goes to the worse grade); only the
    order shown changes.
    """
    return tuple(reversed(rows))


def area_table(g) -> tuple[list[str], list[list[object]]]:
    """The areas of practice, a column a grade, best first: (head, rows)."""
    order = list(reversed(range(len(g.area_grades))))
    head = ["Area", *(f"{grade_label(g.area_grades[i])} (primary / moderated)" for i in order)]
    rows = [[a.area, *(f"{pct(a.primary_percent[i])} / {pct(a.moderated_percent[i])}" for i in order)] for a in g.areas]
    return head, rows


def actions_line(r: Report) -> str:
    a = r.actions
    return (f"Actions from audits: {a.raised} raised in {r.month.label}, {a.done} of them done by the report date; "
            f"{a.open} still to do at the report date, whenever raised ({a.overdue} overdue).")  # fmt: skip


def at_a_glance(r: Report) -> list[str]:
    """The Board's page in a few lines: completion against last month and the year, actions, escalations."""
    def rate(x) -> str:
        return f"{pct(x.percent)} ({x.completed} of {x.scheduled})" if x is not None and x.scheduled else "nothing scheduled"

    lines = [f"- Case-file audits completed by the month's end: {r.month.label} {rate(_month_rate(r))}; "
             f"last month ({r.last_month.label if r.last_month else ''}) {rate(r.last_month)}; "
             f"year so far ({r.year.label if r.year else ''}) {rate(r.year)}.",
             f"- {actions_line(r)}",
             f"- Escalations raised in {r.month.label} that reached {r.top_who or 'the top of the ladder'}: {r.reached_top}; "
             f"that found nobody to send to (nobody above the assignee, or an owner who has left): {r.nobody}."]  # fmt: skip
    return lines + [""]


def _month_rate(r: Report) -> Rate:
    return Rate(r.month.label, r.completion.audits.scheduled, r.completion.audits.completed)


def signed_line(g) -> str:
    """Tameside's triple lock: every moderated audit is quality assured by the Head of QA."""
    return f"Moderated audits QA-signed: {g.signed} of {g.moderated}."


def moderation_line(g) -> str:
    audits = "audit" if g.moderated == 1 else "audits"
    across = f"; {g.across} across the change of scale, not compared" if g.across else ""
    return (f"{number(g.moderated, start=True)} {audits} moderated: {g.upscaled} upscaled, {g.downscaled} downscaled, "
            f"{g.agreed} agreed (agreement between auditors and moderators {pct(g.agreement_percent)}){across}.")  # fmt: skip


def off_scale_line(r: Report) -> str:
    """One line when audits were graded on a scale the framework no longer has, saying their grades stand."""
    off = r.grades_off_scale
    if not off:
        return ""
    names = ", ".join(grade_label(g) for g in off[:-1]) + (" and " if len(off) > 1 else "") + grade_label(off[-1])
    now = ", ".join(grade_label(g) for g in r.grades_scale[: len(r.grades_scale) - len(off)])
    return (f"{names} {'is' if len(off) == 1 else 'are'} not on the framework's scale now ({now}): audits graded before "
            f"the scale was amended keep the grade they were given, and are counted under it.")  # fmt: skip


def markdown(report: Report) -> str:
    r, c, g = report, report.completion, report.grades
    out = [f"# Quality assurance report: {r.month.label}", ""]
    who = f"{r.council}: " if r.council else ""
    out += [f"{who}{r.title} (`{r.framework}`). Figures as the store holds them; overdue as at {day_text(r.as_of)}.", ""]
    out += ["## At a glance", ""] + at_a_glance(r)
    out += ["## Completion", "", c.sentence, ""]
    out += others_lines(c)
    out += ["Scheduled means first due in the month (an extended obligation stays in the month it was first due); "
            "the other columns are each obligation's state as at the report date.", ""]  # fmt: skip
    for title, groups, first in (
        ("By kind of work", c.by_kind, "Kind"), ("By row", c.by_row, "Row"), ("By team", c.by_team, "Team"),
        ("By service", c.by_service, "Service"), ("By assignee", c.by_assignee, "Assignee"),
    ):  # fmt: skip
        out += [f"### {title}", ""]
        out += counts_table(first, groups, c.total if title == "By kind of work" else None) if groups else ["Nothing was scheduled.", ""]
    out += ["## Grades", ""]
    out += [graded_line(r) + ".", ""]
    for line in (base_line(r), off_scale_line(r)):
        out += [line, ""] if line else []
    if g.graded:
        out += _table(["Grade", "Audits", "Share"], [[s.label, s.count, pct(s.percent)] for s in g.shares])
    out += tameside_table(r)
    out += [f"Contested grades: {g.contested} ({g.contested_settled} settled by moderation).", ""]
    out += [reviews_moderation_words(g) + ".", ""] if g.reviews else []
    out += ["## Targets", ""]
    out += [f"- {target_line(t)}" for t in r.targets] or ["The framework sets no targets."]
    out += ["", "## Follow-ups and actions", ""]
    made = ", ".join(f"{n} {kind_label(k, n)}" for k, n in r.follow_ups.created) or "none"
    out += [f"Created in {r.month.label}: {made}. Outstanding at the report date: {r.follow_ups.outstanding} "
            f"({r.follow_ups.overdue} overdue).", "", actions_line(r), ""]  # fmt: skip
    out += ["## Reviews due within three months", ""]
    if r.reviews_due:
        out += _table(["Due", "Case", "Team", "Reviewer"], [[d.due.isoformat(), d.case or "", d.team, d.assignee] for d in r.reviews_due])
    else:
        out += ["None.", ""]
    out += ["## Escalations", ""]
    if r.escalations:
        out += _table(["Rung", "Raised in the month"], [[e.label, e.count] for e in r.escalations])
        if any(e.nobody for e in r.escalations):
            out += [nobody_line(r.escalations), ""]
    else:
        out += ["No work went far enough overdue to escalate.", ""]
    out += [f"Reminders before the due date: {r.reminders}.", ""]
    out += ["## Extensions", ""]
    if r.extensions:
        out += [f"{len(r.extensions)} extensions granted for work first due in {r.month.label}.", ""]
        out += _table(["Work extended", "From", "To", "Working days", "By"],
                      [[e.what, e.first.isoformat(), e.to.isoformat(), e.working_days, e.by_name] for e in r.extensions])  # fmt: skip
    else:
        out += [f"No extensions for work first due in {r.month.label}.", ""]
    out += ["## Grades over the last 12 months", ""]
    out += history_table(r)
    return "\n".join(out).rstrip() + "\n"


def others_lines(c) -> list[str]:
    """Graded work that is not a case-file audit, a line a row: the sentence does not count it."""
    if not c.others:
        return []
    lines = ["Other graded work, not counted in the sentence above:", ""]
    lines += [f"- {g.label}: {g.counts.scheduled} scheduled, {g.counts.completed} completed" for g in c.others]
    return lines + [""]


def base_line(r: Report) -> str:
    """One line when the completion sentence and the grades count different audits, saying why."""
    done, graded = r.completion.audits.completed, r.grades.graded
    if done == graded or not graded:
        return ""
    return (f"The grades count every audit and follow-up audit graded in {r.month.label}, whenever it was due "
            f"({graded}); the sentence above counts the case-file audits first due in {r.month.label} and completed "
            f"by its end ({done}).")  # fmt: skip


def graded_line(r: Report) -> str:
    g = r.grades
    head = f"{number(g.graded, start=True)} {'audit was' if g.graded == 1 else 'audits were'} graded in {r.month.label}"
    head += f" ({g.concerns} with significant concerns)" if g.concerns else ""
    return head + (f"; {reviews_words(g.reviews, g.graded, g.review_concerns)}" if g.reviews else "")


def target_line(t) -> str:
    apart = off_scale_apart(t)
    if t.met is None:
        return f"No more than {t.max_percent:g}% {t.label}: " + (f"not judged: {apart}" if apart else "no audit was graded, so not judged")
    verdict = "met" if t.met else "**missed**"
    return f"No more than {t.max_percent:g}% {t.label}: {t.percent:g}% ({t.count} of {t.of}): {verdict}" + (f" ({apart})" if apart else "")


def off_scale_apart(t) -> str:
    """What a target left out: the audits graded on the scale before the framework's was amended."""
    if not t.off_scale:
        return ""
    return f"{t.off_scale} {'audit was' if t.off_scale == 1 else 'audits were'} graded on the scale before it was amended, and left out"


def history_table(r: Report) -> list[str]:
    scale = list(r.grades_scale)  # best first, as every table and legend
    rows = []
    for m in r.history:
        primary = dict(m.primary)
        total = sum(primary.values())
        moderated = sum(dict(m.moderated).values())
        rows.append([m.month.label, total, *(primary.get(gr, 0) for gr in scale), moderated])
    return _table(["Month", "Graded", *(grade_label(gr) for gr in scale), "Moderated"], rows)


# --- JSON --------------------------------------------------------------------------------


def as_data(value: Any) -> Any:
    """Plain JSON data: dataclasses as objects, dates ISO, months ``YYYY-MM``, pairs as objects."""
    if isinstance(value, Month):
        return value.key
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Report):
        data = {f.name: as_data(getattr(value, f.name)) for f in fields(value)}
        data["sentence"] = value.completion.sentence
        data["reached_top"], data["nobody"], data["empty"] = value.reached_top, value.nobody, value.empty
        return data
    if isinstance(value, Counts):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    if is_dataclass(value):
        out = {}
        for f in fields(value):
            item = getattr(value, f.name)
            pairs = f.name in PAIRS and isinstance(item, tuple)
            out[f.name] = {k: as_data(v) for k, v in item} if pairs else as_data(item)
        return out
    if isinstance(value, (tuple, list)):
        return [as_data(v) for v in value]
    return value


# --- CSV ---------------------------------------------------------------------------------


def _figures(r: Report) -> Iterator[tuple[str, str, str, str, str, object]]:
    """(section, group, key, label, measure, value) for every figure."""
    c, g = r.completion, r.grades
    for k, _ in COLUMNS:
        yield "completion", "audits", "audits", "case audits", k, getattr(c.audits, k)
    for group_name, groups in (("kind", c.by_kind), ("row", c.by_row), ("team", c.by_team), ("service", c.by_service), ("assignee", c.by_assignee)):
        for grp in groups:
            for k, _ in COLUMNS:
                yield "completion", group_name, grp.key, grp.label, k, getattr(grp.counts, k)
    for s in g.shares:
        yield "grades", "all", s.grade, s.label, "count", s.count
        yield "grades", "all", s.grade, s.label, "percent", s.percent
    for row in g.table:
        yield "grades", "moderated_audits", row.grade, row.label, "primary_percent", row.primary_percent
        yield "grades", "moderated_audits", row.grade, row.label, "moderated_percent", row.moderated_percent
        yield "grades", "moderated_audits", row.grade, row.label, "primary_count", row.primary
        yield "grades", "moderated_audits", row.grade, row.label, "moderated_count", row.moderated
    yield "grades", "reviews", "", "reviews graded, counted apart", "count", g.reviews
    yield "grades", "reviews", "", "reviews graded, counted apart", "concerns", g.review_concerns
    for measure in ("graded", "concerns", "moderated", "upscaled", "downscaled", "agreed", "across", "agreement_percent", "contested",
                    "contested_settled"):  # fmt: skip
        yield "moderation", "all", "", "", measure, getattr(g, measure)
    for measure in ("moderated", "contested", "contested_settled"):  # the month's graded reviews', never in the audits' above
        yield "moderation", "reviews", "", "reviews graded, counted apart", measure, getattr(g, f"reviews_{measure}")
    for t in r.targets:
        for measure, value in (("max_percent", t.max_percent), ("percent", t.percent), ("count", t.count), ("of", t.of),
                               ("met", "" if t.met is None else int(t.met)), ("off_scale", t.off_scale)):  # fmt: skip
            yield "targets", "grade", t.grade, t.label, measure, value
    for kind, n in r.follow_ups.created:
        yield "follow_ups", "created", kind, kind_label(kind), "count", n
    yield "follow_ups", "all", "", "", "outstanding", r.follow_ups.outstanding
    yield "follow_ups", "all", "", "", "overdue", r.follow_ups.overdue
    yield "reviews_due", "all", "", "within three months", "count", len(r.reviews_due)
    yield "escalations", "reminders", "-1", "reminder before the due date", "count", r.reminders
    for e in r.escalations:
        yield "escalations", "rung", str(e.level), e.label, "count", e.count
        if e.nobody:
            yield "escalations", "rung", str(e.level), e.label, "nobody_to_tell", e.nobody
    for measure in ("raised", "done", "overdue", "open"):
        yield "actions", "all", "", "", measure, getattr(r.actions, measure)
    for key, rate in (("last_month", r.last_month), ("year", r.year)):
        if rate is not None:
            yield "completion", "rate", key, rate.label, "scheduled", rate.scheduled
            yield "completion", "rate", key, rate.label, "completed", rate.completed
    yield "escalations", "top", str(r.top_level), r.top_who, "reached", r.reached_top
    yield "escalations", "all", "", "", "nobody_to_tell", r.nobody
    yield "extensions", "all", "", "", "count", len(r.extensions)
    yield "extensions", "all", "", "", "working_days", sum(e.working_days for e in r.extensions)
    for m in r.history:
        for grade, n in m.primary:
            yield "history", m.month.key, grade, grade_label(grade), "primary_count", n
        for grade, n in m.moderated:
            yield "history", m.month.key, grade, grade_label(grade), "moderated_count", n


def to_csv(r: Report) -> str:
    out = io.StringIO()
    writer = spreadsheet.writer(out)
    writer.writerow(CSV_HEADER)
    for section, group, key, label, measure, value in _figures(r):
        writer.writerow((r.month.key, r.framework, section, group, key, label, measure, "" if value is None else value))
    return out.getvalue()
