"""The report's charts as inline SVG: grades over the last 12 months, completion by team, and for the
Board's page completion over the last 12 months and the month's grades, primary against moderated.

Grades run best first (Outstanding -> Inadequate) in every legend and bar, as
in the report's tables. Team names wrap onto further lines, never cut off.

Plain SVG elements (``rect``, ``line``, ``text``) with a ``title`` on every
bar for its figures: no script, no web font, nothing fetched, so the chart
draws in any browser and prints.

Each chart comes twice: as drawn for a desktop and the A4 page, and (``*_phone``) drawn for a phone's width with
13 px words, a month or a bar a row; the report's CSS shows the one that fits the screen (see ``PHONE_WIDTH``).
"""

from __future__ import annotations

from html import escape
from typing import Callable

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
# A phone's chart (the ``*_phone`` functions) is drawn for the width a phone shows it at, 340 px (a 375 px screen less
# the page's margins), its words at 13 px, so that none is drawn smaller than 11 px down to a 320 px screen; the page's
# CSS shows it in place of the desktop's chart below 640 px. A desktop chart scaled down to a phone drew its words at
# 4-9 px (a 760 px chart at 45%), and larger words in the desktop's layout would run into each other.
PHONE_WIDTH, PHONE_TEXT = 340, 13
PHONE_CHAR = 0.62  # a character's width in ems, a little over DejaVu Sans's (Debian's sans-serif) for a line of text
PHONE_CHARS = int(PHONE_WIDTH / (PHONE_CHAR * PHONE_TEXT))  # characters in a line across a phone's chart


def colour(grade: str, scale: tuple[str, ...]) -> str:
    if grade in GRADE_COLOURS:
        return GRADE_COLOURS[grade]
    if grade not in scale:
        return OTHER_COLOURS[-1]
    others = [g for g in scale if g not in GRADE_COLOURS]  # by place among the scale's own grades, best first
    return OTHER_COLOURS[others.index(grade) % len(OTHER_COLOURS)]


def split_of(counts: dict[str, int], scale: tuple[str, ...]) -> dict[str, int | None]:
    """Each grade's whole per cent of ``counts``, as the report's tables give them (:func:`qaf.engine.report.grades`):
    a tie's odd per cent to the worse grade, whatever order a chart draws its parts in."""
    worst_first = list(reversed(scale))
    return dict(zip(worst_first, shares([counts.get(g, 0) for g in worst_first])))


def _rect(x: float, y: float, w: float, h: float, fill: str, title: str, cls: str = "bar") -> str:
    return (f'<rect class="{cls}" x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" fill="{fill}">'
            f"<title>{escape(title)}</title></rect>")  # fmt: skip


def _text(x: float, y: float, text: str, size: int = 11, anchor: str = "middle", fill: str = "#333") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" {FONT}>{escape(text)}</text>'


def _legend_places(items: list[tuple[str, str]], x: float, y: float, right: float, size: int = 11) -> list[tuple[float, float]]:
    """Where each key goes: side by side from ``x``, on a further line (14 px lower at 11 px) when the next would pass ``right``."""
    out, start = [], x
    for label, _ in items:
        width = 22 + 6.2 * len(label) if size == 11 else 2 * size + PHONE_CHAR * size * len(label)
        if x > start and x + width > right:
            x, y = start, y + (14 if size == 11 else size + 7)
        out.append((x, y))
        x += width
    return out


def _legend(items: list[tuple[str, str]], x: float, y: float, right: float = 10_000, size: int = 11) -> list[str]:
    out, key = [], size - 1
    for (label, fill), (x, y) in zip(items, _legend_places(items, x, y, right, size)):
        out.append(f'<rect class="key" x="{x:.1f}" y="{y - key + 1:.1f}" width="{key}" height="{key}" fill="{fill}"/>')
        out.append(_text(x + key + 4, y, label, size, "start"))
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


def _lines(x: float, y: float, lines: list[str], size: int = 11, anchor: str = "end", fill: str = "#333") -> str:
    spans = "".join(f'<tspan x="{x:.1f}" dy="{0 if i == 0 else size + 2}">{escape(t)}</tspan>' for i, t in enumerate(lines))
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}" {FONT}>{spans}</text>'

def _stack(x: float, width: float, bottom: float, height: float, counts: dict[str, int], order: list[str],
           scale: tuple[str, ...], what: str) -> list[str]:  # fmt: skip
    total = sum(counts.values())
    split = split_of(counts, scale)
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


def teams_chart(groups: tuple[Group, ...], chart_id: str = "teams-chart", width: int = 760, note: str = "",
                name: str = "Completion by team") -> str:  # fmt: skip
    """A horizontal bar a team: what became of the work first due in the month. Long names wrap, whole. ``name``:
    what a screen reader names the chart (the Board's and the appendix's are two charts: two names)."""
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
             f'viewBox="0 0 {w} {h}" role="img" aria-label="{escape(name)}">']  # fmt: skip
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


def _grade_bars(g: Grades) -> list[tuple[str, dict[str, int], str]]:
    """The month's grade bars (label, counts by grade, what a part's title says): all primary grades, then the
    moderated audits' primary grades against their moderated ones."""
    bars = [(f"All graded ({g.graded})", {x.grade: x.count for x in g.shares}, "primary grade, all audits graded")]
    if g.moderated:
        bars += [(f"Before moderation ({g.moderated})", {r.grade: r.primary for r in g.table}, "primary grade of the moderated audits"),
                 (f"After moderation ({g.moderated})", {r.grade: r.moderated for r in g.table}, "moderated grade")]  # fmt: skip
    return bars


def _stacked(counts: dict[str, int], scale: tuple[str, ...], what: str, left: float, y: float, plot: float, bar: float,
             size: float, baseline: float, fits: Callable[[float, str], bool]) -> list[str]:  # fmt: skip
    """One bar of grades, best first, left to right as the legend reads: each part titled with its share and count,
    its share written inside it where ``fits(width, figure)``."""
    total = sum(counts.values())
    split = split_of(counts, scale)
    parts, x = [], left
    for grade in scale:
        n = counts.get(grade, 0)
        if not n:
            continue
        width = plot * n / total
        fill = colour(grade, scale)
        parts.append(_rect(x, y, width, bar, fill, f"{what}: {grade_label(grade)} {split[grade]}% ({n} of {total})"))
        figure = f"{split[grade]}%"
        if fits(width, figure):
            parts.append(_text(x + width / 2, y + bar / 2 + baseline, figure, size, fill="#fff" if fill in DARK else "#222"))
        x += width
    return parts


def month_grades_chart(g: Grades, scale: tuple[str, ...], chart_id: str = "grades-month-chart") -> str:
    """The month's grades, best first: all primary grades, then the moderated audits' primary against moderated."""
    w, left, bar, gap = 380, 138, 24, 14
    bars = _grade_bars(g)
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
        parts += _stacked(counts, scale, what, float(left), y, plot, bar, 10, 4, lambda width, figure: width >= 26)
    parts += _legend(keys, 10, legend_y, w - 10)
    parts.append("</svg>")
    return "".join(parts)


# --- a phone's charts: the same figures, drawn across 340 px with 13 px words ----------------------------------------
# Rows, not columns: twelve months' columns with a figure over each cannot carry 13 px words side by side in 340 px,
# so a month is a row (its name, its bar, its figure), and a bar's name goes above its bar, across the chart.


def _svg_phone(chart_id: str, h: float, label: str) -> str:
    w = PHONE_WIDTH
    return (f'<svg class="chart phone" id="{chart_id}" xmlns="http://www.w3.org/2000/svg" width="{w}" height="{int(h)}" '
            f'viewBox="0 0 {w} {int(h)}" role="img" aria-label="{escape(label)}">')  # fmt: skip


def _note_phone(y: float, text: str) -> tuple[str, float]:
    """A note across the chart, wrapped; and the y below its last line."""
    lines = wrap(text, PHONE_CHARS)
    return _lines(0, y, lines, PHONE_TEXT, "start", "#555"), y + (PHONE_TEXT + 2) * (len(lines) - 1) + 6


def _legend_phone(keys: list[tuple[str, str]], y: float) -> tuple[list[str], float]:
    bottom = max(yy for _, yy in _legend_places(keys, 0, y, PHONE_WIDTH, PHONE_TEXT))
    return _legend(keys, 0, y, PHONE_WIDTH, PHONE_TEXT), bottom + 6


def completion_chart_phone(trend: tuple[Rate, ...], chart_id: str = "completion-phone-chart") -> str:
    """:func:`completion_chart` for a phone: a row a month, its name, its bar and its share completed."""
    s, row, name_w, figure_w = PHONE_TEXT, PHONE_TEXT + 9, 40, 46
    plot = PHONE_WIDTH - name_w - figure_w
    parts = []
    y = 2.0
    for i, r in enumerate(trend):
        share = percent(r.completed, r.scheduled)
        parts.append(_text(name_w - 6, y + s, r.label.split()[0][:3], s, "end"))
        if share is None:
            parts.append(_text(name_w + 4, y + s, "nothing scheduled", s, "start", "#555"))  # the words, not a line through them
        else:
            fill = "#1f77b4" if i == len(trend) - 1 else "#9ecae1"
            width = plot * share / 100
            parts.append(_rect(name_w, y + 3, width, row - 6, fill, f"{r.label}: {share}% ({r.completed} of {r.scheduled})"))
            parts.append(_text(name_w + width + 4, y + s, f"{share}%", s, "start", "#444"))
        y += row
    first, last = (trend[0].label, trend[-1].label) if trend else ("", "")
    note, h = _note_phone(y + s + 4, f"{first} to {last}: per cent of the month's case-file audits completed by its end (dark: this month)")
    head = _svg_phone(chart_id, h, "Case-file audits completed, month by month")
    return head + "".join(parts) + note + "</svg>"


def month_grades_chart_phone(g: Grades, scale: tuple[str, ...], chart_id: str = "grades-month-phone-chart") -> str:
    """:func:`month_grades_chart` for a phone: each bar's name above it, the bar across the chart."""
    s, bar = PHONE_TEXT, 24
    parts, y = [], 2.0
    for label, counts, what in _grade_bars(g):
        parts.append(_text(0, y + s, label, s, "start"))
        y += s + 5
        total = sum(counts.values())
        if not total:
            parts.append(_rect(0, y + bar / 2, PHONE_WIDTH, 1, "#999", "no audit graded", "empty"))
            parts.append(_text(PHONE_WIDTH / 2, y + bar / 2 - 4, "no audit graded", s, fill="#555"))
        else:  # a figure only where it fits inside its part of the bar
            parts += _stacked(counts, scale, what, 0.0, y, PHONE_WIDTH, bar, s, s * 0.36,
                              lambda width, figure: width >= PHONE_CHAR * s * len(figure) + 6)  # fmt: skip
        y += bar + 10
    legend, h = _legend_phone([(grade_label(x), colour(x, scale)) for x in scale], y + s)
    return _svg_phone(chart_id, h, "Grades this month, primary against moderated") + "".join(parts + legend) + "</svg>"


def teams_chart_phone(groups: tuple[Group, ...], chart_id: str = "teams-phone-chart", note: str = "", name: str = "Completion by team") -> str:
    """:func:`teams_chart` for a phone: each team's name (wrapped, whole) above its bar, the bar across the chart."""
    s, bar, figure_w = PHONE_TEXT, 16, 64
    plot = PHONE_WIDTH - figure_w
    most = max((g.counts.scheduled for g in groups), default=0) or 1
    parts, y = [], 2.0
    if not groups:
        parts.append(_text(PHONE_WIDTH / 2, y + s, "Nothing was scheduled this month", s))
        y += s + 8
    for g in groups:
        lines = wrap(g.label, PHONE_CHARS)
        parts.append(_lines(0, y + s, lines, s, "start"))
        y += (s + 2) * len(lines) + 3
        x = 0.0
        for key, label, fill in STATE_COLOURS:
            n = getattr(g.counts, key)
            if n:
                width = plot * n / most
                parts.append(_rect(x, y, width, bar, fill, f"{g.label}: {label.lower()} {n} of {g.counts.scheduled}"))
                x += width
        parts.append(_text(x + 6, y + bar / 2 + s * 0.36, f"{g.counts.completed}/{g.counts.scheduled}", s, "start", "#555"))
        y += bar + 10
    legend, h = _legend_phone([(label, fill) for _, label, fill in STATE_COLOURS], y + s)
    if note:
        text, h = _note_phone(h + s, note)
        legend.append(text)
    return _svg_phone(chart_id, h, name) + "".join(parts + legend) + "</svg>"


def grades_chart_phone(history: tuple[MonthGrades, ...], scale: tuple[str, ...], chart_id: str = "grades-phone-chart") -> str:
    """:func:`grades_chart` for a phone: a row a month, primary grades in a thick bar, moderated in a thin one under it."""
    s, name_w, figure_w, thick, thin = PHONE_TEXT, 58, 56, 14, 6  # "Oct 22" at 13 px
    plot = PHONE_WIDTH - name_w - figure_w
    order = list(scale)  # best first, left to right, as the key reads
    row = max(s + 9, thick + thin + 10)
    parts, y = [], 2.0
    for m in history:
        primary, moderated = dict(m.primary), dict(m.moderated)
        parts.append(_text(name_w - 6, y + s, m.month.short, s, "end"))
        n = sum(primary.values())
        if n:
            parts += _bar(name_w, y + 2, plot, thick, primary, order, scale, f"{m.month.label}, primary audits")
            parts.append(_text(name_w + plot + 6, y + s, f"n={n}", s, "start", "#555"))
        else:
            parts.append(_text(name_w + 4, y + s, "no audit graded", s, "start", "#555"))
        if sum(moderated.values()):
            parts += _bar(name_w, y + 3 + thick, plot, thin, moderated, order, scale, f"{m.month.label}, moderated")
        y += row
    legend, h = _legend_phone([(grade_label(g), colour(g, scale)) for g in scale], y + s + 4)
    note, h = _note_phone(h + s, "thick bar: primary audits; thin bar under it: moderated")
    return _svg_phone(chart_id, h, "Grades over the last 12 months") + "".join(parts + legend) + note + "</svg>"


def _bar(x: float, y: float, width: float, height: float, counts: dict[str, int], order: list[str],
         scale: tuple[str, ...], what: str) -> list[str]:  # fmt: skip
    """A 100% bar lying down, its parts in ``order`` from the left (what :func:`_stack` stands up)."""
    total = sum(counts.values())
    split = split_of(counts, scale)
    out = []
    for grade in order:
        n = counts.get(grade, 0)
        if n:
            w = width * n / total
            out.append(_rect(x, y, w, height, colour(grade, scale), f"{what}: {grade_label(grade)} {split[grade]}% ({n} of {total})"))
            x += w
    return out
