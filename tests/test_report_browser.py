"""The HTML report in a real browser (Debian's headless Chromium): it loads without a console error and draws its charts.

Where Chromium cannot run, these tests skip with the reason; with
``QAF_REQUIRE_CHROMIUM=1`` (as ``.ci/run`` sets) they fail instead.
"""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from pathlib import Path

import pytest

from qaf.engine.report import Extension, figures
from qaf.engine.report_words import Month
from qaf.render.report import render
from tests.chromium import ChromiumError, Page, open_page, png_pixels
from tests.council import council
from tests.test_report import TAMESIDE, ob, tameside_september


def _open(path: Path) -> Page:
    try:
        return open_page(path)
    except ChromiumError as exc:
        if os.environ.get("QAF_REQUIRE_CHROMIUM") == "1":
            pytest.fail(f"{exc} (QAF_REQUIRE_CHROMIUM=1: CI runs the browser test)")
        pytest.skip(f"headless Chromium cannot run here: {exc}")


def _september_page(tmp_path: Path) -> Path:
    """Tameside's September 2023 across three teams, with some work overdue, rescheduled and not yet due."""
    audits = [dataclasses.replace(o, team=("T1", "T2", "T3")[i % 3]) for i, o in enumerate(tameside_september())]
    due = date(2023, 9, 29)
    more = [ob(100, due, fw=TAMESIDE, row="T1", team="T2"), ob(101, due, fw=TAMESIDE, row="T1", team="T3"),
            dataclasses.replace(ob(102, due, fw=TAMESIDE, row="T1"), status="rescheduled", due=date(2023, 10, 6))]  # fmt: skip
    extended = [Extension(more[2].id, due, date(2023, 10, 6), 5, "OM1")]
    report = figures(TAMESIDE, council(), audits + more, extended, [], Month(2023, 9), date(2023, 10, 2))
    path = tmp_path / "2023-09.html"
    path.write_text(render(report, "html"), encoding="utf-8")
    return path


def _coloured(pixels: list[tuple[int, ...]]) -> tuple[int, set[tuple[int, ...]]]:
    """Pixels that are neither white nor grey (the bars), and their colours rounded to blocks of 32."""
    found = [p for p in pixels if max(p) - min(p) > 40]
    return len(found), {tuple(c // 32 for c in p) for p in found}


def test_the_html_report_draws_its_charts_in_headless_chromium_without_console_errors(tmp_path: Path):
    page = _open(_september_page(tmp_path))
    assert page.errors == [], page.errors
    assert [c["id"] for c in page.charts] == ["completion-chart", "grades-month-chart", "teams-page-chart", "teams-chart", "grades-chart"]
    for chart in page.charts:
        assert chart["shapes"] > 0 and chart["width"] > 300 and chart["height"] > 50, chart
    teams, grades = (next(c for c in page.charts if c["id"] == name) for name in ("teams-chart", "grades-chart"))
    assert teams["shapes"] >= 3 + 6  # a bar segment or more per team, and the legend's six keys
    assert grades["shapes"] >= 5 + 11 + 4  # September's five stacked segments, eleven empty months, four keys
    for chart in page.charts:
        name = chart["id"]
        width, height, pixels = png_pixels(page.chart_shots[name])
        assert (width, height) == (round(chart["width"]), round(chart["height"]))
        n, colours = _coloured(pixels)
        assert n > len(pixels) // 100, f"{name}: the chart drew almost nothing in colour ({n} of {len(pixels)} pixels)"
        assert len(colours) >= 3, f"{name}: expected bars in several colours, saw {sorted(colours)}"
    assert page.screenshot[:8] == b"\x89PNG\r\n\x1a\n" and len(page.screenshot) > 20_000  # the whole page, not a blank one


def test_the_console_check_catches_errors(tmp_path: Path):
    """The check above is not vacuous: a page that logs an error and throws is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text('<!doctype html><html><body><svg class="chart" id="x"><rect width="5" height="5"/></svg>'
                   '<script>console.error("boom"); no_such_function();</script></body></html>')  # fmt: skip
    page = _open(bad)
    levels = sorted(m["level"] for m in page.errors)
    assert levels == ["error", "exception"], page.console
    assert any("boom" in m["text"] for m in page.errors)
