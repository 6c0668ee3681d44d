"""The monthly report as one self-contained HTML file: inline CSS and SVG charts, no script, nothing fetched.

The first page is for the Board: the month on one screen (and one printed A4
page): the completion sentence, six tiles (completion against last month and
the year so far, grades primary against moderated, actions raised / done /
overdue, escalations that reached the DCS and apart those that found nobody
to send to, targets, follow-ups) and three charts. The appendix, from a new
printed page, says what the Markdown says (:mod:`qaf.render.report`): the
tables by kind, row, team, service and assignee, grades, reviews due,
escalations and extensions. A council with nothing recorded yet gets one
short page. The print stylesheet (A4) is what ``qaf report --format pdf``
prints (:mod:`qaf.render.pdf`).
"""

from __future__ import annotations

from html import escape

from qaf.engine.report_model import Counts, Group, Rate, Report
from qaf.engine.report_words import kind_label, reviews_moderation_words, reviews_words
from qaf.render.charts import (
    completion_chart, completion_chart_phone, grades_chart, grades_chart_phone, label_lines, month_grades_chart,
    month_grades_chart_phone, teams_chart, teams_chart_phone,
)  # fmt: skip
from qaf.render.report import (
    COLUMNS, _table as _md_table, actions_line, area_table, base_line, best_first, day_text, graded_line, history_table, off_scale_line,
    moderation_line, nobody_line, pct, signed_line, target_line,
)  # fmt: skip

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #222; margin: 1.5rem auto;
       max-width: 60rem; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #ccc; }
p.lead { font-size: 1.15rem; background: #f4f6f8; padding: .6rem .8rem; border-left: 4px solid #1f77b4; margin: .6rem 0; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
th, td { border: 1px solid #ccc; padding: .25rem .5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #eef1f4; } tr.total td { font-weight: bold; }
.missed { color: #b00020; font-weight: bold; } .met { color: #2e7d32; font-weight: bold; }
.muted { color: #555; font-size: .9rem; } svg.chart { max-width: 100%; height: auto; display: block; margin: .3rem 0; }
details summary { cursor: pointer; margin: .5rem 0; }
.tiles { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: .6rem; margin: .8rem 0; }
.tile { border: 1px solid #d5dbe1; border-radius: 6px; padding: .5rem .7rem; background: #fff; overflow: hidden; min-width: 0; }
.tile h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: #455; margin: 0 0 .2rem; border: 0; }
.tile .big { font-size: 2rem; font-weight: 700; line-height: 1.1; margin: 0; overflow-wrap: anywhere; }
.tile .big small { font-size: 1rem; font-weight: 400; color: #444; }
.tile p { margin: .15rem 0; font-size: .88rem; overflow-wrap: anywhere; }
.tile.alert { border-left: 5px solid #b00020; } .tile.good { border-left: 5px solid #2e7d32; }
.trio { display: flex; flex-wrap: wrap; gap: .2rem .6rem; margin: 0; }
.trio div { flex: 1 1 0; } .trio dt { font-size: .8rem; color: #444; }
.trio dd { margin: 0; font-size: 1.6rem; font-weight: 700; line-height: 1.1; }
.tile ul { margin: .2rem 0; padding-left: 1rem; font-size: .85rem; }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: .6rem 1rem; }
.charts figure { margin: 0; min-width: 0; } .charts figure.wide { grid-column: 1 / -1; }
.charts figcaption { font-weight: 600; font-size: .9rem; }
.charts svg.chart { width: 100%; max-width: 470px; } .charts figure.wide svg.chart { max-width: 580px; }
.appendix h2:first-child { margin-top: 1rem; }
svg.chart.phone { display: none; width: 100%; max-width: 480px; }
@media screen and (max-width: 800px) {  /* below 800 px a desktop chart would be scaled below its own size: its words under 9 px */
  svg.chart:not(.phone) { display: none; } svg.chart.phone { display: block; }
  table { display: block; overflow-x: auto; }  /* the appendix's widest table is 770 px: it scrolls in its place, not the page */
}
@media (max-width: 640px) {
  body { margin: .8rem auto; } h1 { font-size: 1.3rem; } p.lead { font-size: 1rem; }
  .tiles { grid-template-columns: minmax(0, 1fr); } .charts { grid-template-columns: minmax(0, 1fr); }
  table { display: block; overflow-x: auto; }
}
@page { size: A4; margin: 11mm 12mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; line-height: 1.3; }
  h1 { font-size: 16pt; } p.lead { font-size: 11pt; padding: .35rem .6rem; margin: .4rem 0; }
  .tiles { gap: .4rem; margin: .5rem 0; } .tile { padding: .35rem .55rem; break-inside: avoid; }
  .tile .big { font-size: 20pt; } .trio dd { font-size: 16pt; } .tile p, .tile ul { font-size: 8.5pt; }
  .charts { gap: .2rem .8rem; } .charts figure { break-inside: avoid; } .charts figcaption { font-size: 9pt; }
  .charts svg.chart { max-width: 320px; } .charts figure.wide svg.chart { max-width: 420px; } .trio dt { font-size: 8pt; }
  .board { break-after: page; } .appendix { break-before: page; }
  details { display: block; } details > summary { list-style: none; }
  table { font-size: 8.5pt; break-inside: auto; } tr { break-inside: avoid; } h2, h3 { break-after: avoid; }
}
"""
TEAMS_ON_THE_PAGE = 8  # the Board's page shows the teams with the most work not completed; the appendix shows them all
LINES_ON_THE_PAGE = 12  # and no more lines of team names than this, so that the page prints on one A4 sheet
PAGE_CHART = 420  # the width of the Board page's team chart


def _table(head: list[str], rows: list[list[object]], total: list[object] | None = None) -> str:
    out = ['<table tabindex="0"><thead><tr>', *(f"<th>{escape(str(h))}</th>" for h in head), "</tr></thead><tbody>"]
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
    for line in (base_line(r), off_scale_line(r)):
        if line:
            out.append(f'<p class="muted">{escape(line)}</p>')
    if g.graded:
        out.append(_table(["Grade", "Audits", "Share"], [[s.label, s.count, pct(s.percent)] for s in g.shares]))
    out.append(f"<h3>{escape(r.month.label)} moderated audits</h3>")
    if g.table:
        out.append(_table(["", "Primary Audits", "Moderated Audits"], [[x.label, pct(x.primary_percent), pct(x.moderated_percent)] for x in best_first(g.table)]))
        out.append(f"<p>{escape(moderation_line(g))}</p>")
        if g.signed is not None:
            out.append(f"<p>{escape(signed_line(g))}</p>")
        if any(a.primary_n or a.moderated_n for a in g.areas[:-1]):
            out.append(f"<h3>{escape(r.month.label)} areas of practice, primary against moderated</h3>")
            out.append(_from_markdown_table(_md_table(*area_table(g))))
    else:
        out.append(f"<p>No audit graded in {escape(r.month.label)} has been moderated yet.</p>")
    out.append(f"<p>Contested grades: {g.contested} ({g.contested_settled} settled by moderation).</p>")
    if g.reviews:
        out.append(f"<p>{escape(reviews_moderation_words(g))}.</p>")
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
    out = ["<h2>Follow-ups and actions</h2>", f"<p>Follow-ups created in {escape(r.month.label)}: {escape(made)}. Outstanding at the report date: "
           f"{f.outstanding} ({f.overdue} overdue).</p>", f"<p>{escape(actions_line(r))}</p>", "<h2>Reviews due within three months</h2>"]  # fmt: skip
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
        out.append(_table(["Work extended", "From", "To", "Working days", "By"],
                          [[e.what, e.first.isoformat(), e.to.isoformat(), e.working_days, e.by_name] for e in r.extensions]))  # fmt: skip
    else:
        out.append(f"<p>No extensions for work first due in {escape(r.month.label)}.</p>")
    return "".join(out)


# --- the Board's page: the month on one screen ------------------------------------------------


def _tile(title: str, body: str, cls: str = "") -> str:
    return f'<section class="tile{" " + cls if cls else ""}"><h2>{escape(title)}</h2>{body}</section>'


def _trio(items: list[tuple[int, str]]) -> str:
    return '<dl class="trio">' + "".join(f"<div><dd>{n:,}</dd><dt>{escape(what)}</dt></div>" for n, what in items) + "</dl>"


def _rate(r: Rate | None) -> str:
    if r is None or not r.scheduled:
        return "nothing scheduled"
    return f"{pct(r.percent)} ({r.completed} of {r.scheduled})"


def tiles(r: Report) -> str:
    """Six tiles: completion, grades, actions, escalations, targets, follow-ups; each figure says what it counts."""
    a, g, m = r.completion.audits, r.grades, r.month.label
    done = Rate(m, a.scheduled, a.completed)
    completion = _tile("Completion", (
        f'<p class="big">{escape(pct(done.percent)) if a.scheduled else "–"}</p>'
        f"<p>of the case-file audits first due in {escape(m)} completed by its end ({a.completed} of {a.scheduled})</p>"
        f"<p>Last month ({escape(r.last_month.label if r.last_month else '')}): {escape(_rate(r.last_month))}<br>"
        f"Year so far ({escape(r.year.label if r.year else '')}): {escape(_rate(r.year))}</p>"))  # fmt: skip
    across = f", {g.across} across the change of scale" if g.across else ""
    moderated = (f"{g.moderated} moderated: {g.agreed} agreed, {g.downscaled} downscaled, {g.upscaled} upscaled{across}"
                 f" (agreement {pct(g.agreement_percent)})" if g.moderated else "none moderated yet")  # fmt: skip
    grades = _tile("Grades", (
        f'<p class="big">{g.graded:,}</p><p>audits graded in {escape(m)} (primary grades)'
        + (f"; {escape(reviews_words(g.reviews, g.graded, g.review_concerns))}" if g.reviews else "") + "</p>"
        f"<p>{escape(moderated[0].upper() + moderated[1:])}.</p><p>{g.concerns} with significant concerns"
        + (f"; moderated audits QA-signed: {g.signed} of {g.moderated}" if g.signed is not None and g.moderated else "") + ".</p>"
        + (f"<p>{escape(reviews_moderation_words(g))}.</p>" if g.reviews else "")))  # fmt: skip
    act = r.actions
    actions = _tile("Actions from audits", _trio([(act.raised, "raised this month"), (act.done, "of them done"), (act.overdue, "overdue now")])
                    + f"<p>{act.open} still to do, whenever raised.</p>", "alert" if act.overdue else "")  # fmt: skip
    top = r.top_who or "the top of the ladder"
    escalations = _tile("Escalations", _trio([(r.reached_top, f"reached {_short(top)}"), (sum(e.count for e in r.escalations), "raised, every rung"),
                                              (r.nobody, "found nobody to send to")])
                        + f"<p>Raised in {escape(m)}; “nobody to send to”: no one above the assignee, or an owner who has left (recorded, not emailed).</p>",
                        "alert" if r.reached_top else "")  # fmt: skip
    met = [t for t in r.targets if t.met]
    judged = [t for t in r.targets if t.met is not None]
    if r.targets:
        lines = "".join(f'<li class="{"muted" if t.met is None else "met" if t.met else "missed"}">{escape(_target_short(t))}</li>' for t in r.targets)
        body = (f'<p class="big">{len(met)} <small>of {len(judged)} met</small></p><ul>{lines}</ul>' if judged
                else f"<p>No audit graded in {escape(m)}: the targets are not judged.</p><ul>{lines}</ul>")  # fmt: skip
    else:
        body = "<p>The framework sets no targets.</p>"
    targets = _tile("Targets", body, "" if not judged else "good" if len(met) == len(judged) else "alert")
    f = r.follow_ups
    made = sum(n for _, n in f.created)
    kinds = ", ".join(f"{n} {kind_label(k, n)}" for k, n in f.created) or "none"
    follow = _tile("Follow-ups", _trio([(made, "set off this month"), (f.outstanding, "outstanding"), (f.overdue, "overdue")])
                   + f"<p>Set off by findings and contests: {escape(kinds)}.</p>")  # fmt: skip
    return '<div class="tiles">' + completion + grades + actions + escalations + targets + follow + "</div>"


def _short(who: str) -> str:
    return {"the Director of Children's Services": "the DCS"}.get(who, who)


def _target_short(t) -> str:
    apart = f" ({t.off_scale} on the scale before, left out)" if t.off_scale else ""
    if t.met is None:
        return f"≤{t.max_percent:g}% {t.label}: not judged{apart}"
    return f"≤{t.max_percent:g}% {t.label}: {t.percent:g}% ({t.count} of {t.of}), {'met' if t.met else 'missed'}{apart}"


def _worst_teams(groups: tuple[Group, ...]) -> tuple[Group, ...]:
    """The teams with the most work not completed (then the most scheduled), in the by-team table's order."""
    teams = [t for t in groups if t.key]
    ranked = sorted(range(len(teams)), key=lambda i: (-(teams[i].counts.scheduled - teams[i].counts.completed), -teams[i].counts.scheduled, i))
    keep: set[int] = set()
    lines = 0
    for i in ranked[:TEAMS_ON_THE_PAGE]:
        lines += len(label_lines(teams[i].label, PAGE_CHART))
        if keep and lines > LINES_ON_THE_PAGE:
            break
        keep.add(i)
    return tuple(t for i, t in enumerate(teams) if i in keep)


def board(r: Report) -> str:
    """The first page: the month on one screen (one printed A4 page)."""
    c = r.completion
    who = f"{r.council}: " if r.council else ""
    teams = tuple(t for t in c.by_team if t.key)
    shown = _worst_teams(c.by_team)
    note = f"{len(shown)} of {len(teams)} teams, those with most work not completed; all in the appendix" if len(shown) < len(teams) else ""
    on_the_page = f"Work first due in {r.month.label}, by team" + (f": {note}" if note else "")  # the appendix's: "Completion by team"
    return "".join([
        '<main class="board">',
        f"<h1>Quality assurance: {escape(r.month.label)}</h1>",
        f'<p class="muted">{escape(who + r.title)}. Figures as the store holds them; overdue as at {escape(day_text(r.as_of))}.</p>',
        f'<p class="lead">{escape(c.sentence)}</p>',
        tiles(r),
        '<div class="charts">',
        f"<figure><figcaption>Completion, last 12 months</figcaption>{completion_chart(r.trend)}{completion_chart_phone(r.trend)}</figure>",
        f"<figure><figcaption>Grades in {escape(r.month.label)}, primary against moderated</figcaption>"
        f"{month_grades_chart(r.grades, r.grades_scale)}{month_grades_chart_phone(r.grades, r.grades_scale)}</figure>",
        f'<figure class="wide"><figcaption>Work first due in {escape(r.month.label)}, by team</figcaption>'
        f'{teams_chart(shown, "teams-page-chart", width=PAGE_CHART, note=note, name=on_the_page)}'
        f'{teams_chart_phone(shown, "teams-page-phone-chart", note=note, name=on_the_page)}</figure>',
        "</div></main>",
    ])  # fmt: skip


def nothing_yet(r: Report) -> str:
    """A council with no data yet: one short page, not a page of empty charts."""
    who = f"{r.council}'s " if r.council else "the "
    return "".join([
        '<main class="board empty">',
        f"<h1>Quality assurance: {escape(r.month.label)}</h1>",
        f'<p class="lead">Nothing recorded yet: no work was scheduled, graded or escalated under {escape(who + r.title)} '
        f"in {escape(r.month.label)} or the eleven months before it.</p>",
        "<p>The report fills in once work is scheduled (<code>qaf tick</code> runs each day) and audits are recorded "
        "(<code>qaf record</code>, the API or the web pages).</p>",
        f'<p class="muted">{escape(r.framework)}; as at {escape(day_text(r.as_of))}.</p>',
        "</main>",
    ])  # fmt: skip


def appendix(r: Report) -> str:
    """The detail the Board's page stands on: the tables, by row, team, assignee, reviews due and extensions."""
    c = r.completion
    return "".join([
        '<section class="appendix">',
        f"<h2>Appendix: the detail for {escape(r.month.label)}</h2>",
        f'<p class="muted">{escape(r.title)} ({escape(r.framework)}).</p>',
        "<h3>Completion</h3>", f"<p>{escape(c.sentence)}</p>",
        *(["<p>Other graded work, not counted in the sentence above:</p><ul>"
           + "".join(f"<li>{escape(g.label)}: {g.counts.scheduled} scheduled, {g.counts.completed} completed</li>" for g in c.others)
           + "</ul>"] if c.others else []),
        '<p class="muted">Scheduled means first due in the month (an extended obligation stays in the month it was first due); '
        "the other columns are each obligation's state as at the report date.</p>",
        "<h3>Completion by team</h3>", teams_chart(tuple(t for t in c.by_team if t.key)),
        teams_chart_phone(tuple(t for t in c.by_team if t.key)),
        "<h3>By kind of work</h3>", _counts("Kind", c.by_kind, c.total),
        "<h3>By row</h3>", _counts("Row", c.by_row), "<h3>By service</h3>", _counts("Service", c.by_service),
        "<h3>By team</h3>", _counts("Team", c.by_team),
        f"<details><summary>By assignee ({len(c.by_assignee)} people)</summary>{_counts('Assignee', c.by_assignee)}</details>",
        "<h2>Grades</h2>", _grades(r), "<h3>Grades over the last 12 months</h3>", grades_chart(r.history, r.grades_scale),
        grades_chart_phone(r.history, r.grades_scale),
        _from_markdown_table(history_table(r)), "<h2>Targets</h2>", _targets(r), _rest(r),
        "</section>",
    ])  # fmt: skip


def html(r: Report) -> str:
    """The report: the Board's page, then the appendix on a new printed page; a short page when nothing is recorded yet."""
    body = nothing_yet(r) if r.empty else board(r) + "\n" + appendix(r)
    title = f"QA report {r.month.label} — {r.framework}"
    return (f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>\n" + body + "\n</body></html>\n")  # fmt: skip
