"""The report's charts as inline SVG: grades over the last 12 months, completion by team, and for the
Board's page completion over the last 12 months and the month's grades, primary against moderated.

Grades run best first (Outstanding -> Inadequate) in every legend and bar, as
in the report's tables. Team names wrap onto further lines, never cut off.

Plain SVG elements (``rect``, ``line``, ``text``) with a ``title`` on every
bar for its figures: no script, no web font, nothing fetched, so the chart
draws in any browser and prints.
"""

from __future__ import annotations

from html import escape

from qaf.engine.report_model import COUNT_FIELDS, Grades, Group, MonthGrades, Rate
from qaf.engine.report_words import grade_label, percent, shares

GRADE_COLOURS = {"outstanding": "#1b7837", "good": "#7fbf7b", "requires_improvement": "#f1a340", "inadequate": "#d73027"}
# a scale of the council's own (Ofsted's report cards), best to worst: none of them like Ofsted's four, which a
# report shows beside them when the scale was amended (a "needs attention" is not a "requires improvement")
OTHER_COLOURS = ("#4575b4", "#91bfdb", "#fee090", "#c2a5cf", "#762a83", "#999999")
DARK = frozenset({"#1b7837", "#d73027", "#4575b4", "#762a83"})  # fills that take white figures
STATE_COLOURS = (
    ("completed", "Completed", "#2e7d32"), ("rescheduled", "Rescheduled", "#1f77b4"), ("overdue", "Overdue", "#d62728"),
    ("open", "Not yet due", "#bdbdbd"), ("waived", "Waived", "#b39ddb"), ("cancelled", "Cancelled", "#616161"),
)  # fmt: skip
assert all(k in COUNT_FIELDS for k, _, _ in STATE_COLOURS)
FONT = 'font-family="sans-serif"'


def colour(grade: str, scale: tuple[str, ...]) -> str:
    if grade in GRADE_COLOURS:
        return GRADE_COLOURS[grade]
    if grade not in scale:
        return OTHER_COLOURS[-1]
    others = [g for g in scale if g not in GRADE_COLOURS]  # by place among the scale's own grades, best first
    return OTHER_COLOURS[others.index(grade) % len(OTHER_COLOURS)]


def _rect(x: float, y: float, w: float, h: float, fill: str, title: str, cls: str = "bar") -> str:
    return (f'<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" fill="{fill}">'
            f"<title>{escape(title)}</title></rect>")  # fmt: skip


def _text(x: float, y: float, text: str, size: int = 11, anchor: str = "middle", fill: str = "#333") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" {FONT}>{escape(text)}</text>'


def _legend_places(items: list[tuple[str, str]], x: float, y: float, right: float) -> list[tuple[float, float]]:
    """Where each key goes: side by side from ``x``, on a further line (14 px lower) when the next would pass ``right``."""
    out, start = [], x
    for label, _ in items:
        width = 22 + 6.2 * len(label)
        if x > start and x + width > right:
            x, y = start, y + 14
        out.append((x, y))
        x += width
    return out


def _legend(items: list[tuple[str, str]], x: float, y: float, right: float = 10_000) -> list[str]:
    out = []
    for (label, fill), (x, y) in zip(items, _legend_places(items, x, y, right)):
        out.append(f'<rect class="key" x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{fill}"/>')
        out.append(_text(x + 14, y, label, 11, "start"))
    return out


def wrap(text: str, chars: int, lines: int = 8) -> list[str]:
    """``text`` in lines of at most ``chars`` characters, broken between words (a longer word is broken)."""
    out: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > chars:
            if line:
                out.append(line)
                line = ""
            out.append(word[:chars])
            word = word[chars:]
        if line and len(line) + 1 + len(word) > chars:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        out.append(line)
    if len(out) > lines:  # a name this long still shows whole in the bar's title and the appendix's table
        out = out[: lines - 1] + [" ".join(out[lines - 1 :])]
    return out or [""]


def _lines(x: float, y: float, lines: list[str], size: int = 11, anchor: str = "end") -> str:
    spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size + 2}">{escape(t)}</tspan>' for i, t in enumerate(lines))
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="#333" {FONT}>{spans}</text>'

def _stack(x: float, width: float, bottom: float, height: float, counts: dict[str, int], order: list[str],
           scale: tuple[str, ...], what: str) -> list[str]:  # fmt: skip
    total = sum(counts.values())
    split = dict(zip(order, shares([counts.get(g, 0) for g in order])))
    out, y = [], bottom
    for grade in order:
        n = counts.get(grade, 0)
        if not n:
            continue
        h = height * n / total
        y -= h
        share = split[grade]
        out.append(_rect(x, y, width, h, colour(grade, scale), f"{what}: {grade_label(grade)} {share}% ({n} of {total})"))
    return out


def grades_chart(history: tuple[MonthGrades, ...], scale: tuple[str, ...]) -> str:
    """Stacked 100% columns a month: primary grades, and beside them the moderated grades."""
    w, left, top, bottom = 760, 46, 18, 240
    slot = (w - left - 10) / max(len(history), 1)
    order = list(reversed(scale))  # worst at the bottom
    # the key beside the note on the right, on further lines when the scale is long (a scale amended keeps its old grades)
    legend = [(grade_label(g), colour(g, scale)) for g in scale]
    key_right = w - 300
    h = int(max(y for _, y in _legend_places(legend, left, bottom + 48, key_right))) + 12
    parts = [f'<svg class="chart" id="grades-chart" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
             f'viewBox="0 0 {w} {h}" role="img" aria-label="Grades over the last 12 months">']  # fmt: skip
    for p in (0, 25, 50, 75, 100):
        y = bottom - (bottom - top) * p / 100
        parts.append(f'<line x1="{left}" x2="{w - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(_text(left - 6, y + 4, f"{p}%", 10, "end"))
    for i, m in enumerate(history):
        x = left + i * slot + slot * 0.12
        primary, moderated = dict(m.primary), dict(m.moderated)
        n = sum(primary.values())
        if n:
            parts += _stack(x, slot * 0.42, bottom, bottom - top, primary, order, scale, f"{m.month.label}, primary audits")
            parts.append(_text(x + slot * 0.37, bottom + 26, f"n={n}", 9))
        else:
            parts.append(_rect(x, bottom - 1, slot * 0.42, 1, "#999", f"{m.month.label}: no audit graded", "empty"))
        if sum(moderated.values()):
            parts += _stack(x + slot * 0.46, slot * 0.28, bottom, bottom - top, moderated, order, scale, f"{m.month.label}, moderated")
        parts.append(_text(x + slot * 0.37, bottom + 14, m.month.short, 10))
    parts += _legend(legend, left, bottom + 48, key_right)
    parts.append(_text(w - 10, bottom + 48, "wide bar: primary audits; narrow bar: moderated", 10, "end", "#666"))
    parts.append("</svg>")
    return "".join(parts)


def _label_width(width: int) -> int:
    return min(230, int(width * 0.4))


def label_lines(label: str, width: int = 760) -> list[str]:
    """A team's name as :func:`teams_chart` of this width writes it, a line a list item."""
    return wrap(label, max(12, int((_label_width(width) - 12) / 6.2)))


def teams_chart(groups: tuple[Group, ...], chart_id: str = "teams-chart", width: int = 760, note: str = "") -> str:
    """A horizontal bar a team: what became of the work first due in the month. Long names wrap, whole."""
    w, label_w, line_h = width, _label_width(width), 13
    labels = [label_lines(g.label, width) for g in groups]
    heights = [max(22, line_h * len(lines) + 9) for lines in labels]
    legend_y = 14 + sum(heights) + (14 if not groups else 0) + 16
    keys = [(label, fill) for _, label, fill in STATE_COLOURS]
    legend = _legend(keys, label_w, legend_y, w - 10)
    bottom = max(y for _, y in _legend_places(keys, label_w, legend_y, w - 10))
    h = int(bottom + (18 if note else 6))
    most = max((g.counts.scheduled for g in groups), default=0) or 1
    plot = w - label_w - 60
    parts = [f'<svg class="chart" id="{chart_id}" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
             f'viewBox="0 0 {w} {h}" role="img" aria-label="Completion by team">']  # fmt: skip
    if not groups:
        parts.append(_text(w / 2, 24, "Nothing was scheduled this month", 12))
    y = 8.0
    for g, lines, row_h in zip(groups, labels, heights):
        top = y + (row_h - 16) / 2
        parts.append(_lines(label_w - 8, y + (row_h - line_h * (len(lines) - 1)) / 2 + 3, lines))
        x = float(label_w)
        for key, label, fill in STATE_COLOURS:
            n = getattr(g.counts, key)
            if n:
                width_ = plot * n / most
                parts.append(_rect(x, top, width_, 16, fill, f"{g.label}: {label.lower()} {n} of {g.counts.scheduled}"))
                x += width_
        parts.append(_text(x + 6, top + 12, f"{g.counts.completed}/{g.counts.scheduled}", 10, "start", "#555"))
        y += row_h
    parts += legend
    if note:
        parts.append(_text(10, h - 4, note, 10, "start", "#666"))
    parts.append("</svg>")
    return "".join(parts)


def completion_chart(trend: tuple[Rate, ...], chart_id: str = "completion-chart") -> str:
    """A column a month: the share of its case-file audits completed, as the month stood at its end."""
    w, h, left, top, bottom = 380, 230, 40, 14, 176
    slot = (w - left - 8) / max(len(trend), 1)
    parts = [f'<svg class="chart" id="{chart_id}" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
             f'viewBox="0 0 {w} {h}" role="img" aria-label="Case-file audits completed, month by month">']  # fmt: skip
    for p in (0, 50, 100):
        y = bottom - (bottom - top) * p / 100
        parts.append(f'<line x1="{left}" x2="{w - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(_text(left - 5, y + 4, f"{p}%", 10, "end"))
    for i, r in enumerate(trend):
        x = left + i * slot + slot * 0.15
        share = percent(r.completed, r.scheduled)
        label = r.label.split()[0][:3]
        if share is None:
            parts.append(_rect(x, bottom - 1, slot * 0.7, 1, "#999", f"{r.label}: nothing scheduled", "empty"))
        else:
            height = (bottom - top) * share / 100
            fill = "#1f77b4" if i == len(trend) - 1 else "#9ecae1"
            parts.append(_rect(x, bottom - height, slot * 0.7, height, fill, f"{r.label}: {share}% ({r.completed} of {r.scheduled})"))
            parts.append(_text(x + slot * 0.35, bottom - height - 3, f"{share}%", 9, fill="#444"))
        parts.append(_text(x + slot * 0.35, bottom + 13, label, 9))
    first, last = (trend[0].label, trend[-1].label) if trend else ("", "")
    parts.append(_text(left, h - 22, f"{first} to {last}: per cent of the month's case-file audits", 10, "start", "#555"))
    parts.append(_text(left, h - 8, "completed by its end (dark: this month)", 10, "start", "#555"))
    parts.append("</svg>")
    return "".join(parts)


def month_grades_chart(g: Grades, scale: tuple[str, ...], chart_id: str = "grades-month-chart") -> str:
    """The month's grades, best first: all primary grades, then the moderated audits' primary against moderated."""
    w, left, bar, gap = 380, 138, 24, 14
    primary = {s.grade: s.count for s in g.shares}
    before = {r.grade: r.primary for r in g.table}
    after = {r.grade: r.moderated for r in g.table}
    bars = [(f"All graded ({g.graded})", primary, "primary grade, all audits graded")]
    if g.moderated:
        bars += [(f"Before moderation ({g.moderated})", before, "primary grade of the moderated audits"),
                 (f"After moderation ({g.moderated})", after, "moderated grade")]  # fmt: skip
    keys = [(grade_label(x), colour(x, scale)) for x in scale]
    legend_y = 14 + len(bars) * (bar + gap) + 20
    h = int(max(y for _, y in _legend_places(keys, 10, legend_y, w - 10))) + 10  # a long scale's key on further lines
    plot = w - left - 10
    parts = [f'<svg class="chart" id="{chart_id}" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
             f'viewBox="0 0 {w} {h}" role="img" aria-label="Grades this month, primary against moderated">']  # fmt: skip
    for i, (label, counts, what) in enumerate(bars):
        y = 10 + i * (bar + gap)
        parts.append(_text(left - 6, y + bar / 2 + 4, label, 11, "end"))
        total = sum(counts.values())
        if not total:
            parts.append(_rect(left, y + bar / 2, plot, 1, "#999", "no audit graded", "empty"))
            parts.append(_text(left + plot / 2, y + bar / 2 - 4, "no audit graded", 10))
            continue
        split = dict(zip(scale, shares([counts.get(x, 0) for x in scale])))
        x = float(left)
        for grade in scale:  # best first, left to right, as the legend reads
            n = counts.get(grade, 0)
            if not n:
                continue
            width = plot * n / total
            fill = colour(grade, scale)
            parts.append(_rect(x, y, width, bar, fill, f"{what}: {grade_label(grade)} {split[grade]}% ({n} of {total})"))
            if width >= 26:
                ink = "#fff" if fill in DARK else "#222"
                parts.append(_text(x + width / 2, y + bar / 2 + 4, f"{split[grade]}%", 10, fill=ink))
            x += width
    parts += _legend(keys, 10, legend_y, w - 10)
    parts.append("</svg>")
    return "".join(parts)
