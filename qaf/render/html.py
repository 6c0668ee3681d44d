"""The monthly report as one self-contained HTML file: inline CSS and SVG charts, no script, nothing fetched.

It says what the Markdown says (:mod:`qaf.render.report`), with two
charts: grades over the last 12 months (primary against moderated) and
completion by team.
"""

from __future__ import annotations

from html import escape

from qaf.engine.report_model import Counts, Group, Report
from qaf.engine.report_words import grade_label, kind_label
from qaf.render.charts import grades_chart, teams_chart
from qaf.render.report import COLUMNS, area_rows, base_line, signed_line, day_text, graded_line, history_table, moderation_line, nobody_line, pct, target_line

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #222; margin: 2rem auto;
       max-width: 60rem; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ccc; }
p.lead { font-size: 1.15rem; background: #f4f6f8; padding: .6rem .8rem; border-left: 4px solid #1f77b4; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #eef1f4; } tr.total td { font-weight: bold; }
.missed { color: #b00020; font-weight: bold; } .met { color: #2e7d32; font-weight: bold; }
.muted { color: #666; font-size: .9rem; } svg.chart { max-width: 100%; height: auto; display: block; margin: .5rem 0; }
details summary { cursor: pointer; margin: .5rem 0; }
@media print { details { display: block; } }
"""


def _table(head: list[str], rows: list[list[object]], total: list[object] | None = None) -> str:
    out = ["<table><thead><tr>", *(f"<th>{escape(str(h))}</th>" for h in head), "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>")
    if total is not None:
        out.append('<tr class="total">' + "".join(f"<td>{escape(str(c))}</td>" for c in total) + "</tr>")
    return "".join(out) + "</tbody></table>"


def _counts(first: str, groups: tuple[Group, ...], total: Counts | None = None) -> str:
    if not groups:
        return "<p>Nothing was scheduled.</p>"
    rows = [[g.label, *(getattr(g.counts, k) for k, _ in COLUMNS)] for g in groups]
    foot = ["Total", *(getattr(total, k) for k, _ in COLUMNS)] if total is not None else None
    return _table([first, *(label for _, label in COLUMNS)], rows, foot)


def _from_markdown_table(lines: list[str]) -> str:
    """A Markdown table (from the Markdown renderer) as an HTML table."""
    cells = [[c.strip().replace("\\|", "|") for c in line.strip().strip("|").split(" | ")] for line in lines if line.startswith("|")]
    return _table(cells[0], cells[2:]) if cells else ""


def _grades(r: Report) -> str:
    g = r.grades
    out = [f"<p>{escape(graded_line(r))}.</p>"]
    if base_line(r):
        out.append(f'<p class="muted">{escape(base_line(r))}</p>')
    if g.graded:
        out.append(_table(["Grade", "Audits", "Share"], [[s.label, s.count, pct(s.percent)] for s in reversed(g.shares)]))
    out.append(f"<h3>{escape(r.month.label)} moderated audits</h3>")
    if g.table:
        out.append(_table(["", "Primary Audits", "Moderated Audits"], [[x.label, pct(x.primary_percent), pct(x.moderated_percent)] for x in g.table]))
        out.append(f"<p>{escape(moderation_line(g))}</p>")
        if g.signed is not None:
            out.append(f"<p>{escape(signed_line(g))}</p>")
        if any(a.primary_n or a.moderated_n for a in g.areas[:-1]):
            out.append(f"<h3>{escape(r.month.label)} areas of practice, primary against moderated</h3>")
            out.append(_table(["Area", *(f"{grade_label(x)} (primary / moderated)" for x in g.area_grades)], area_rows(g)))
    else:
        out.append(f"<p>No audit graded in {escape(r.month.label)} has been moderated yet.</p>")
    out.append(f"<p>Contested grades: {g.contested} ({g.contested_settled} settled by moderation).</p>")
    return "".join(out)


def _targets(r: Report) -> str:
    if not r.targets:
        return "<p>The framework sets no targets.</p>"
    items = []
    for t in r.targets:
        cls = "muted" if t.met is None else "met" if t.met else "missed"
        items.append(f'<li class="{cls}">{escape(target_line(t).replace("**", ""))}</li>')
    return "<ul>" + "".join(items) + "</ul>"


def _rest(r: Report) -> str:
    f = r.follow_ups
    made = ", ".join(f"{n} {kind_label(k, n)}" for k, n in f.created) or "none"
    out = ["<h2>Follow-ups</h2>", f"<p>Created in {escape(r.month.label)}: {escape(made)}. Outstanding at the report date: "
           f"{f.outstanding} ({f.overdue} overdue).</p>", "<h2>Reviews due within three months</h2>"]  # fmt: skip
    out.append(_table(["Due", "Case", "Team", "Reviewer"], [[d.due.isoformat(), d.case or "", d.team, d.assignee] for d in r.reviews_due])
               if r.reviews_due else "<p>None.</p>")  # fmt: skip
    out.append("<h2>Escalations</h2>")
    out.append(_table(["Rung", "Raised in the month"], [[e.label, e.count] for e in r.escalations])
               if r.escalations else "<p>No work went far enough overdue to escalate.</p>")  # fmt: skip
    if any(e.nobody for e in r.escalations):
        out.append(f"<p>{escape(nobody_line(r.escalations))}</p>")
    out.append(f"<p>Reminders before the due date: {r.reminders}.</p><h2>Extensions</h2>")
    if r.extensions:
        out.append(f"<p>{len(r.extensions)} extensions granted for work first due in {escape(r.month.label)}.</p>")
        out.append(_table(["Obligation", "From", "To", "Working days", "By"],
                          [[e.obligation, e.first.isoformat(), e.to.isoformat(), e.working_days, e.by_name] for e in r.extensions]))  # fmt: skip
    else:
        out.append(f"<p>No extensions for work first due in {escape(r.month.label)}.</p>")
    return "".join(out)


def html(r: Report) -> str:
    c = r.completion
    who = f"{r.council}: " if r.council else ""
    body = [
        f"<h1>Quality assurance report: {escape(r.month.label)}</h1>",
        f'<p class="muted">{escape(who + r.title)} ({escape(r.framework)}). Figures as the store holds them; '
        f"overdue as at {escape(day_text(r.as_of))}.</p>",
        "<h2>Completion</h2>", f'<p class="lead">{escape(c.sentence)}</p>',
        *(["<p>Other graded work, not counted in the sentence above:</p><ul>"
           + "".join(f"<li>{escape(g.label)}: {g.counts.scheduled} scheduled, {g.counts.completed} completed</li>" for g in c.others)
           + "</ul>"] if c.others else []),
        '<p class="muted">Scheduled means first due in the month (an extended obligation stays in the month it was first due); '
        "the other columns are each obligation's state as at the report date.</p>",
        "<h3>Completion by team</h3>", teams_chart(tuple(t for t in c.by_team if t.key)),
        "<h3>By kind of work</h3>", _counts("Kind", c.by_kind, c.total),
        "<h3>By row</h3>", _counts("Row", c.by_row), "<h3>By service</h3>", _counts("Service", c.by_service),
        "<h3>By team</h3>", _counts("Team", c.by_team),
        f"<details><summary>By assignee ({len(c.by_assignee)} people)</summary>{_counts('Assignee', c.by_assignee)}</details>",
        "<h2>Grades</h2>", _grades(r), "<h3>Grades over the last 12 months</h3>", grades_chart(r.history, r.grades_scale),
        _from_markdown_table(history_table(r)), "<h2>Targets</h2>", _targets(r), _rest(r),
    ]  # fmt: skip
    title = f"QA report {r.month.label} — {r.framework}"
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")  # fmt: skip
