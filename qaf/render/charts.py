"""The report's two charts as inline SVG: grades over the last 12 months, completion by team.

Plain SVG elements (``rect``, ``line``, ``text``) with a ``title`` on every
bar for its figures: no script, no web font, nothing fetched, so the chart
draws in any browser and prints.
"""

from __future__ import annotations

from html import escape

from qaf.engine.report_model import COUNT_FIELDS, Group, MonthGrades
from qaf.engine.report_words import grade_label, shares

GRADE_COLOURS = {"outstanding": "#1b7837", "good": "#7fbf7b", "requires_improvement": "#f1a340", "inadequate": "#d73027"}
OTHER_COLOURS = ("#4575b4", "#91bfdb", "#fee090", "#fc8d59", "#999999")
STATE_COLOURS = (
    ("completed", "Completed", "#2e7d32"), ("rescheduled", "Rescheduled", "#1f77b4"), ("overdue", "Overdue", "#d62728"),
    ("open", "Not yet due", "#bdbdbd"), ("waived", "Waived", "#b39ddb"), ("cancelled", "Cancelled", "#616161"),
)  # fmt: skip
assert all(k in COUNT_FIELDS for k, _, _ in STATE_COLOURS)
FONT = 'font-family="sans-serif"'


def colour(grade: str, scale: tuple[str, ...]) -> str:
    if grade in GRADE_COLOURS:
        return GRADE_COLOURS[grade]
    return OTHER_COLOURS[scale.index(grade) % len(OTHER_COLOURS)] if grade in scale else OTHER_COLOURS[-1]


def _rect(x: float, y: float, w: float, h: float, fill: str, title: str, cls: str = "bar") -> str:
    return (f'<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" fill="{fill}">'
            f"<title>{escape(title)}</title></rect>")  # fmt: skip


def _text(x: float, y: float, text: str, size: int = 11, anchor: str = "middle", fill: str = "#333") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" {FONT}>{escape(text)}</text>'


def _legend(items: list[tuple[str, str]], x: float, y: float) -> list[str]:
    out = []
    for label, fill in items:
        out.append(f'<rect class="key" x="{x:.1f}" y="{y - 9:.1f}" width="10" height="10" fill="{fill}"/>')
        out.append(_text(x + 14, y, label, 11, "start"))
        x += 22 + 7 * len(label)
    return out


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
    w, h, left, top, bottom = 760, 300, 46, 18, 240
    slot = (w - left - 10) / max(len(history), 1)
    order = list(reversed(scale))  # worst at the bottom
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
    legend = [(grade_label(g), colour(g, scale)) for g in scale]
    parts += _legend(legend, left, h - 12)
    parts.append(_text(w - 10, h - 12, "wide bar: primary audits; narrow bar: moderated", 10, "end", "#666"))
    parts.append("</svg>")
    return "".join(parts)


def teams_chart(groups: tuple[Group, ...]) -> str:
    """A horizontal bar a team: what became of the work first due in the month."""
    label_w, w, row_h = 230, 760, 22
    h = 40 + row_h * max(len(groups), 1)
    most = max((g.counts.scheduled for g in groups), default=0) or 1
    plot = w - label_w - 70
    parts = [f'<svg class="chart" id="teams-chart" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
             f'viewBox="0 0 {w} {h}" role="img" aria-label="Completion by team">']  # fmt: skip
    if not groups:
        parts.append(_text(w / 2, 30, "Nothing was scheduled this month", 12))
    for i, g in enumerate(groups):
        y = 8 + i * row_h
        parts.append(_text(label_w - 8, y + 13, g.label if len(g.label) <= 34 else g.label[:33] + "…", 11, "end"))
        x = float(label_w)
        for key, label, fill in STATE_COLOURS:
            n = getattr(g.counts, key)
            if n:
                width = plot * n / most
                parts.append(_rect(x, y + 2, width, row_h - 6, fill, f"{g.label}: {label.lower()} {n} of {g.counts.scheduled}"))
                x += width
        parts.append(_text(x + 6, y + 13, f"{g.counts.completed}/{g.counts.scheduled}", 10, "start", "#555"))
    parts += _legend([(label, fill) for _, label, fill in STATE_COLOURS], label_w, h - 10)
    parts.append("</svg>")
    return "".join(parts)
