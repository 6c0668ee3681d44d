"""The report for the Board (issue 14, items 4 and 5): the month on one page, the detail as an appendix, and its PDF.

A Tameside month (September 2023: 17 moderated audits across three teams, one
with a long name, work overdue and rescheduled, actions raised and closed,
escalations that reached the DCS and one that found nobody to send to) is
rendered and opened in Playwright driving Debian's Chromium at desktop (1280)
and phone (390) widths: no console error, every chart drawn, no text
overflowing its tile, screenshots saved in ``QAF_SCREENSHOTS`` if set, else in
the test's temporary folder. The PDF (``qaf report --format pdf``) is read with
pypdf: the Board's page is page 1 alone, the appendix starts page 2.

Where Chromium or Playwright is missing the browser tests skip with the
reason; with ``QAF_REQUIRE_CHROMIUM=1`` they fail instead.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import stat
from datetime import date
from pathlib import Path

import pytest

from qaf.cli.main import main
from qaf.engine.org import Org
from qaf.engine.report import Extension, Raised, Report, figures
from qaf.engine.report_words import Month
from qaf.render.html import html
from qaf.render.pdf import PdfError, print_pdf
from qaf.render.report import render
from qaf.store.sql import SqlStore
from tests.council import council
from tests.test_actions import _audit_with_two_actions
from tests.test_report import TAMESIDE, WITH_TARGET, ob, tameside_september

CHROMIUM = "/usr/bin/chromium"
WIDTHS = {"desktop": 1280, "tablet": 700, "phone": 390}  # a tablet held upright, or a narrow window
SEPT = Month(2023, 9)
AS_OF = date(2023, 10, 2)
LONG_TEAM = "Children with Disabilities and Short Breaks Service, North and West Localities"
GRADES = ("Outstanding", "Good", "Requires Improvement", "Inadequate")


def _need_chromium() -> None:
    reason = None
    if not Path(CHROMIUM).exists():
        reason = f"no {CHROMIUM} (Debian: apt-get install chromium)"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError as exc:
            reason = f"playwright is not installed: {exc}"
    if reason and os.environ.get("QAF_REQUIRE_CHROMIUM") == "1":
        pytest.fail(f"{reason} (QAF_REQUIRE_CHROMIUM=1: CI runs the browser tests)")
    if reason:
        pytest.skip(reason)


@contextlib.contextmanager
def _chromium():
    """Debian's Chromium, headless (the tests' own check that it is here first), closed after."""
    _need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            yield browser
        finally:
            browser.close()


def _org() -> Org:
    base = council()
    teams = tuple(dataclasses.replace(t, name=LONG_TEAM) if t.id == "T3" else t for t in base.teams)
    return Org(people=base.people, teams=teams, cases=base.cases, bodies=base.bodies)


def september() -> Report:
    """Tameside's September 2023 as the Board would see it on 2 October."""
    due = date(2023, 9, 29)
    audits = [dataclasses.replace(o, team=("T1", "T2", "T3")[i % 3]) for i, o in enumerate(tameside_september())]
    august = [ob(200 + i, date(2023, 8, 31), fw=TAMESIDE, row="T1", status="done", grade=g, on=date(2023, 8, 20), team="T1")
              for i, g in enumerate(["good", "requires_improvement", "good", "inadequate"])]  # fmt: skip
    more = [ob(100, due, fw=TAMESIDE, row="T1", team="T2"), ob(101, due, fw=TAMESIDE, row="T1", team="T3"),
            dataclasses.replace(ob(102, due, fw=TAMESIDE, row="T1", team="T3"), status="rescheduled", due=date(2023, 10, 6))]  # fmt: skip
    actions = [ob(300, date(2023, 9, 22), fw=TAMESIDE, row="T1", kind="action", cadence=-1, start=date(2023, 9, 15), assignee="SW1"),
               ob(301, date(2023, 10, 20), fw=TAMESIDE, row="T1", kind="action", cadence=-1, start=date(2023, 9, 15), assignee="SW2"),
               dataclasses.replace(ob(302, date(2023, 9, 29), fw=TAMESIDE, row="T1", kind="action", cadence=-1,
                                      start=date(2023, 9, 15), assignee="SW1"), status="done")]  # fmt: skip
    extended = [Extension(more[2].id, due, date(2023, 10, 6), 5, "OM1")]
    top = len(TAMESIDE.ladder) - 1
    raised = [Raised(more[0].id, 0, date(2023, 9, 4), "PM1"), Raised(more[0].id, top, date(2023, 9, 25), "D1"),
              Raised(more[1].id, top, date(2023, 9, 26), None)]  # fmt: skip
    obligations = audits + august + more + actions
    return figures(WITH_TARGET, _org(), obligations, extended, raised, SEPT, AS_OF)


def crowded() -> Report:
    """Twelve teams with long names, each with work overdue: the Board's page must still fit one A4 page."""
    base = _org()
    teams = tuple(dataclasses.replace(base.teams[0], id=f"X{i}", name=f"{LONG_TEAM} ({i})") for i in range(12))
    org = Org(people=base.people, teams=base.teams + teams, cases=base.cases, bodies=base.bodies)
    due = date(2023, 9, 29)
    extra = [ob(400 + i, due, fw=TAMESIDE, row="T1", team=f"X{i % 12}", status="done" if i % 3 else "open", grade="good",
                on=date(2023, 9, 20)) for i in range(48)]  # fmt: skip
    return figures(WITH_TARGET, org, extra, [], [], SEPT, AS_OF)


def nothing() -> Report:
    return figures(TAMESIDE, council(), [], [], [], SEPT, AS_OF)


# --- the figures and words ---------------------------------------------------------------------


def test_the_year_so_far_is_the_councils_year_as_its_framework_starts_it():
    """A council whose year starts on 1 January: September's year so far began in April all the same, while
    the Director's page and the schedule counted from January."""
    calendar_year = dataclasses.replace(TAMESIDE, year_start=(1, 1))
    r = figures(calendar_year, council(), [], [], [], SEPT, AS_OF)
    assert r.year.label == "January 2023 to September 2023"
    assert figures(TAMESIDE, council(), [], [], [], SEPT, AS_OF).year.label == "April 2023 to September 2023"
    assert figures(calendar_year, council(), [], [], [], Month(2023, 1), AS_OF).year.label == "January 2023"


def test_the_board_page_counts_actions_escalations_and_completion_against_last_month_and_the_year():
    r = september()
    assert (r.actions.raised, r.actions.done, r.actions.overdue, r.actions.open) == (3, 1, 1, 2)
    assert (r.reached_top, r.nobody) == (1, 1)  # the DCS heard of one; one found nobody to send to, counted apart
    assert (r.last_month.label, r.last_month.scheduled, r.last_month.completed) == ("August 2023", 4, 4)
    assert (r.year.label, r.year.scheduled, r.year.completed) == ("April 2023 to September 2023", 24, 21)
    page = html(r).split('<section class="appendix">')[0]
    for said in ("reached the DCS", "found nobody to send to", "raised this month", "of them done", "overdue now",
                 "Last month (August 2023): 100% (4 of 4)", "Year so far (April 2023 to September 2023): 88% (21 of 24)",
                 "0 <small>of 1 met</small>", r.completion.sentence):  # fmt: skip
        assert said in page, said
    data = json.loads(render(r, "json"))  # the council's BI reads the same figures
    assert (data["reached_top"], data["nobody"], data["actions"]) == (1, 1, {"raised": 3, "done": 1, "overdue": 1, "open": 2})
    assert data["year"] == {"label": "April 2023 to September 2023", "scheduled": 24, "completed": 21}
    csv = render(r, "csv")
    assert f"2023-09,{r.framework},actions,all,,,raised,3" in csv and f"2023-09,{r.framework},escalations,all,,,nobody_to_tell,1" in csv
    md = render(r, "md")
    assert "- Escalations raised in September 2023 that reached the Director of Children's Services: 1; that found nobody to send to (nobody above the assignee, or an owner who has left): 1." in md


def test_extensions_and_actions_are_named_by_what_they_are_never_by_a_hex_id():
    r = september()
    ids = {e.obligation for e in r.extensions}
    assert ids
    [e] = r.extensions
    assert e.what == f"T1 audit, case CS-{102:06d} (Pat Practice)" and e.by_name == "Olive Ops"
    for text in (html(r), render(r, "md")):
        assert not any(i in text for i in ids)
        assert not re.search(r"\b[0-9a-f]{16}\b", text), re.search(r"\b[0-9a-f]{16}\b", text)
        assert e.what in text


def test_each_chart_a_screen_reader_meets_has_a_name_of_its_own():
    """The Board's teams chart (the teams with most work not completed) and the appendix's (every team) were both
    "Completion by team": a screen reader announced two images by one name. The desktop's and the phone's charts are
    never shown together: within each, every chart's name is its own."""
    for month in (september, crowded):
        page = html(month())
        for drawn_for in ("desktop", "phone"):
            names = [label for classes, label in re.findall(r'<svg class="(chart(?: phone)?)"[^>]*aria-label="([^"]*)"', page)
                     if (classes == "chart phone") == (drawn_for == "phone")]  # fmt: skip
            assert len(names) >= 5 and len(set(names)) == len(names), (month.__name__, drawn_for, names)


def _order(text: str) -> list[str]:
    found = sorted((text.index(g), g) for g in GRADES if g in text)
    return [g for _, g in found]


def test_grade_order_is_outstanding_to_inadequate_in_every_table_and_legend():
    r = september()
    md = render(r, "md")
    sections = md.split("\n\n")
    tables = [s for s in sections if s.startswith("|") and any(g in s for g in GRADES)]
    assert len(tables) >= 3  # the shares, the moderated audits (Tameside's), the last 12 months
    for table in tables:
        assert _order(table) == [g for g in GRADES if g in table], table
    page = html(r)
    legends = re.findall(r'<svg class="chart" id="(grades-month-chart|grades-chart)".*?</svg>', page, re.S)
    assert sorted(legends) == ["grades-chart", "grades-month-chart"]
    for svg in re.findall(r'<svg class="chart" id="grades[^"]*".*?</svg>', page, re.S):
        keys = re.findall(r'class="key"[^>]*/><text[^>]*>([^<]+)</text>', svg)
        assert keys == list(GRADES), keys
    for table in re.findall(r"<table.*?</table>", page, re.S):
        if any(g in table for g in GRADES):
            assert _order(table) == [g for g in GRADES if g in table], table


def test_team_names_wrap_in_the_charts_and_are_never_cut():
    page = html(september())
    for chart in ("teams-page-chart", "teams-chart"):
        svg = re.search(rf'<svg class="chart" id="{chart}".*?</svg>', page, re.S).group(0)
        labels = [" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", t)) for t in re.findall(r"<text[^>]*><tspan.*?</text>", svg)]
        assert LONG_TEAM in labels, labels
        assert "…" not in svg


def test_a_council_with_nothing_recorded_gets_a_short_page_not_empty_charts():
    r = nothing()
    assert r.empty and not september().empty
    body = html(r).split("<body>")[1]
    assert "Nothing recorded yet" in body
    assert "<svg" not in body and "appendix" not in body.lower() and "<table" not in body
    assert len(body) < 1_500


# --- in a browser ------------------------------------------------------------------------------

OVERFLOW = """() => Array.from(document.querySelectorAll('main.board .tile, main.board .tile *'))
  .filter(e => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).display !== 'inline')
  .map(e => e.tagName + '.' + e.className + ': ' + e.textContent.slice(0, 60))"""
CHARTS = """() => Array.from(document.querySelectorAll('main.board svg.chart')).filter(s => s.getBoundingClientRect().width > 0).map(s => ({
  id: s.id, width: s.getBoundingClientRect().width, height: s.getBoundingClientRect().height,
  bars: Array.from(s.querySelectorAll('rect.bar')).filter(e => { const b = e.getBBox(); return b.width > 0.5 && b.height > 0.5; }).length}))"""


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    where = Path(os.environ.get("QAF_SCREENSHOTS") or tmp_path / "screenshots")
    where.mkdir(parents=True, exist_ok=True)
    return where


def test_the_board_page_in_chromium_draws_every_chart_and_nothing_overflows_its_tile(tmp_path: Path, shots: Path):
    from axe_playwright_python.sync_playwright import Axe

    path = tmp_path / "2023-09.html"
    path.write_text(html(september()), encoding="utf-8")
    with _chromium() as browser:
        for name, width in WIDTHS.items():
            page = browser.new_page(viewport={"width": width, "height": 900})
            said: list[str] = []
            page.on("console", lambda m: said.append(f"{m.type}: {m.text}") if m.type in ("error", "assert") else None)
            page.on("pageerror", lambda e: said.append(f"exception: {e}"))
            page.goto(path.as_uri())
            assert said == [], said
            charts = page.evaluate(CHARTS)
            ids = ["completion-chart", "grades-month-chart", "teams-page-chart"]
            if width <= 800:  # a phone is shown the charts drawn for its width, in place of the desktop's
                ids = [i.replace("-chart", "-phone-chart") for i in ids]
            assert [c["id"] for c in charts] == ids, name
            least = {"completion": 2, "grades-month": 5, "teams-page": 3}  # August and September; 3 + 2 grades; a team each
            for c in charts:
                assert c["bars"] >= least[c["id"].removesuffix("-chart").removesuffix("-phone")] and c["width"] > 250 and c["height"] > 100, (name, c)
            assert page.evaluate(OVERFLOW) == [], name
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name}: the page scrolls sideways"
            tiles = page.locator("main.board .tile").all_inner_texts()
            assert len(tiles) == 6 and all(re.search(r"\d", t) for t in tiles[:4]), tiles
            bad = [(v["id"], v["impact"]) for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
            assert bad == [], (name, bad)
            page.locator("main.board").screenshot(path=str(shots / f"report-board-{name}.png"))
            page.screenshot(path=str(shots / f"report-board-{name}-top.png"))
            page.close()


def test_the_overflow_check_is_not_vacuous(tmp_path: Path):
    """A word too long for its tile is caught by the check above."""
    r = september()
    page_html = html(r).replace("reached the DCS", "reached" + "X" * 60)  # one word, longer than the tile is wide
    assert "X" * 60 in page_html
    path = tmp_path / "bad.html"
    path.write_text(page_html, encoding="utf-8")
    with _chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(path.as_uri())
        assert page.evaluate(OVERFLOW) != []


# --- the PDF ----------------------------------------------------------------------------------


def _pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    for p in reader.pages:  # A4: 595 x 842 points
        assert (round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (595, 842)
    return [p.extract_text() or "" for p in reader.pages]


@pytest.mark.parametrize("month", [september, crowded])
def test_the_pdf_puts_the_board_page_alone_on_one_a4_page_and_the_appendix_after(tmp_path: Path, month):
    _need_chromium()
    out = tmp_path / "board.pdf"
    r = month()
    assert print_pdf(html(r), out) > 10_000
    pages = _pdf_pages(out)
    assert len(pages) >= 2
    first = " ".join(pages[0].split())
    assert first.startswith("Quality assurance: September 2023") and "Appendix" not in first
    for said in (r.completion.sentence[:60], "reached the DCS", "Completion, last 12 months", "by team", "Cancelled"):
        assert said in first, said  # the sentence, the tiles, the charts to the last key of the last chart's legend
    assert pages[1].lstrip().startswith("Appendix: the detail for September 2023")


def test_the_empty_page_prints_as_one_page(tmp_path: Path):
    _need_chromium()
    out = tmp_path / "empty.pdf"
    print_pdf(html(nothing()), out)
    [page] = _pdf_pages(out)
    assert "Nothing recorded yet" in page


# --- qaf report --format pdf -----------------------------------------------------------------


def _chromium_on_path(monkeypatch, tmp_path: Path, script: str | None) -> None:
    """PATH holds only a folder with (or without) a fake chromium; QAF_CHROMIUM unset."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    if script is not None:
        fake = folder / "chromium"
        fake.write_text(script)
        fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.delenv("QAF_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(folder))


def test_qaf_report_pdf_writes_the_board_pack_from_the_store(store: SqlStore, db_url: str, tmp_path: Path, capsys):
    _need_chromium()
    _, (plan, visit), _, _ = _audit_with_two_actions(store)
    out = tmp_path / "april.pdf"
    args = ["--db", db_url, "report", "--month", "2024-04", "--format", "pdf", "--out", str(out), "--today", "2024-05-10"]
    assert main(args) == 0, capsys.readouterr().err
    assert "wrote" in capsys.readouterr().out
    pages = _pdf_pages(out)
    assert pages[1].lstrip().startswith("Appendix: the detail for April 2024")
    assert "SECRET" not in " ".join(pages)  # what an action asks is the manager's text: never in the report
    first = " ".join(pages[0].split())
    assert re.search(r"ACTIONS FROM AUDITS 2 raised this month 0 of them done 1 overdue now", first), first


def test_qaf_report_pdf_to_a_link_or_a_pipe_writes_through_it_never_replacing_it(store: SqlStore, db_url: str, tmp_path: Path,
                                                                                  capsys, monkeypatch):  # fmt: skip
    """The PDF had a rename of its own: '--format pdf -o board.pdf', a link to where the board's papers are kept, was
    replaced by a plain file (the papers' copy left as it was), and a pipe (or, as root, a device: /dev/stdout) too."""
    import os
    import threading

    _audit_with_two_actions(store)
    _chromium_on_path(monkeypatch, tmp_path, '#!/bin/sh\nfor a in "$@"; do case "$a" in --print-to-pdf=*) '
                                             'printf "%%PDF-1.4 printed" > "${a#--print-to-pdf=}";; esac; done\n')  # fmt: skip
    base = ["--db", db_url, "report", "--month", "2024-04", "--format", "pdf", "--today", "2024-05-10", "-o"]
    kept = tmp_path / "papers" / "board.pdf"
    kept.parent.mkdir()
    kept.write_bytes(b"last month's")
    link = tmp_path / "board.pdf"
    link.symlink_to(kept)
    assert main([*base, str(link)]) == 0, capsys.readouterr().err
    assert link.is_symlink() and kept.read_bytes() == b"%PDF-1.4 printed"
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_bytes()), daemon=True)
    reader.start()
    assert main([*base, str(pipe)]) == 0, capsys.readouterr().err
    reader.join(timeout=30)
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode) and got == [b"%PDF-1.4 printed"]


def test_without_chromium_qaf_report_pdf_says_so_and_writes_nothing(store: SqlStore, db_url: str, tmp_path: Path, capsys, monkeypatch):
    _audit_with_two_actions(store)
    out = tmp_path / "board.pdf"
    base = ["--db", db_url, "report", "--month", "2024-04", "--format", "pdf", "--today", "2024-05-10"]
    _chromium_on_path(monkeypatch, tmp_path, None)
    assert main([*base, "--out", str(out)]) != 0
    err = capsys.readouterr().err
    assert "none was found" in err and "QAF_CHROMIUM" in err and "chromium-browser" in err, err
    assert not out.exists()
    monkeypatch.setenv("QAF_CHROMIUM", str(tmp_path / "no-such-browser"))
    assert main([*base, "--out", str(out)]) != 0
    assert "QAF_CHROMIUM=" in capsys.readouterr().err and not out.exists()
    _chromium_on_path(monkeypatch, tmp_path, "#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    out.write_bytes(b"the last good pack")
    assert main([*base, "--out", str(out)]) != 0
    err = capsys.readouterr().err
    assert "did not print the report (exit 3): cannot open display" in err, err
    assert out.read_bytes() == b"the last good pack"  # a failed print leaves the file as it was
    assert main(base) != 0  # a PDF needs --out
    assert "--out FILE" in capsys.readouterr().err


def test_print_pdf_raises_a_clear_error_without_chromium(tmp_path: Path, monkeypatch):
    _chromium_on_path(monkeypatch, tmp_path, None)
    with pytest.raises(PdfError, match="none was found"):
        print_pdf("<p>x</p>", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


# --- on a phone: every chart's words readable without zooming --------------------------------

PHONE = 375  # an iPhone's width in CSS px: a Director reading the Board's papers on her phone
CHART_WORDS = """() => {
  const vw = document.documentElement.clientWidth, out = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const chart = svg.getBoundingClientRect();
    if (chart.width === 0) continue;  // a chart not shown at this width (the desktop's, on a phone)
    const tile = (svg.closest('figure') || svg).getBoundingClientRect();
    for (const t of svg.querySelectorAll('text')) {
      const spans = t.querySelectorAll('tspan');
      for (const e of (spans.length ? spans : [t])) {
        const b = e.getBoundingClientRect();
        const em = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;  // the font's size as drawn, in CSS px
        out.push({chart: svg.id, text: e.textContent, em: em, left: b.left, right: b.right, top: b.top, bottom: b.bottom,
                  height: b.height, inside: b.left >= tile.left - 0.5 && b.right <= tile.right + 0.5 && b.left >= -0.5
                  && b.right <= vw + 0.5 && b.top >= tile.top - 0.5 && b.bottom <= tile.bottom + 0.5});
      }
    }
  }
  return out;
}"""


def _overlaps(words: list[dict]) -> list[tuple[str, str, str]]:
    """Pairs of words in one chart whose boxes cross (by more than half a pixel each way)."""
    out = []
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            if a["chart"] == b["chart"] and min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5 \
                    and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5:  # fmt: skip
                out.append((a["chart"], a["text"], b["text"]))
    return out


@pytest.mark.parametrize("month", [september, crowded])
def test_on_a_phone_every_word_in_every_chart_is_at_least_11px_and_none_overlaps_another_or_leaves_its_tile(tmp_path: Path,
                                                                                                          shots: Path, month):  # fmt: skip
    """At 375 px the charts' month names, legends and figures must read without zooming: drawn at 11 px or more (the
    desktop's charts, scaled down to the phone, drew them at 4-9 px), no two words on top of each other, none outside
    its chart's tile or the screen. The Board's page and the appendix, so every chart of the report."""
    from axe_playwright_python.sync_playwright import Axe

    path = tmp_path / "report.html"
    path.write_text(html(month()), encoding="utf-8")
    with _chromium() as browser:
        page = browser.new_page(viewport={"width": PHONE, "height": 800})
        page.goto(path.as_uri())
        words = page.evaluate(CHART_WORDS)
        shown = sorted({w["chart"] for w in words})
        assert len(shown) == 5, shown  # the Board's three charts and the appendix's two
        assert len(words) > 60, len(words)
        small = [(w["chart"], w["text"], round(w["em"], 1), round(w["height"], 1)) for w in words if w["em"] < 11 or w["height"] < 11]
        assert small == [], f"{len(small)} of {len(words)} words drawn smaller than 11 px: {small[:12]}"
        assert _overlaps(words) == []
        assert [(w["chart"], w["text"]) for w in words if not w["inside"]] == []
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE, "the page scrolls sideways"
        bad = [(v["id"], v["impact"]) for v in Axe().run(page).response["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == [], bad
        page.screenshot(path=str(shots / f"report-phone-{month.__name__}.png"), full_page=True)
        page.close()


def test_the_phone_check_catches_small_overlapping_and_stray_words(tmp_path: Path):
    """The check above is not vacuous: a 9 px word, two words on one spot and a word past its tile's edge are caught."""
    _need_chromium()

    path = tmp_path / "bad.html"
    path.write_text('<!doctype html><html><body style="margin:0"><figure style="margin:0;width:300px">'
                    '<svg class="chart" id="bad" width="300" height="60" viewBox="0 0 300 60">'
                    '<text x="10" y="20" font-size="9">Small</text><text x="100" y="40" font-size="14">Sep</text>'
                    '<text x="104" y="42" font-size="14">Oct</text><text x="280" y="40" font-size="14">Inadequate</text>'
                    "</svg></figure></body></html>")  # fmt: skip
    with _chromium() as browser:
        page = browser.new_page(viewport={"width": PHONE, "height": 800})
        page.goto(path.as_uri())
        words = page.evaluate(CHART_WORDS)
        assert [w["text"] for w in words if w["em"] < 11] == ["Small"]
        assert _overlaps(words) == [("bad", "Sep", "Oct")]
        assert [w["text"] for w in words if not w["inside"]] == ["Inadequate"]


def test_a_tied_share_is_the_same_figure_in_the_report_its_desktop_charts_and_its_phone_charts():
    """Three audits graded in September: Good, Requires Improvement, Inadequate, a third each. The report's table
    gives the odd per cent to the worse grade (Inadequate 34%); the desktop's 12-month chart said so too, but the
    phone's said Good 34%, and the month's chart, desktop and phone, Good 34% beside the table's 33%. Every chart
    carries the table's figures."""
    from qaf.engine.report import grades
    from qaf.engine.report_model import MonthGrades
    from qaf.render.charts import grades_chart, grades_chart_phone, month_grades_chart, month_grades_chart_phone

    scale = ("outstanding", "good", "requires_improvement", "inadequate")
    graded = [ob(n, date(2023, 9, 20), status="done", grade=g) for n, g in enumerate(scale[1:], 1)]
    month = grades(scale, graded)
    table = {s.label: s.percent for s in month.shares if s.count}
    assert table == {"Good": 33, "Requires Improvement": 33, "Inadequate": 34}
    history = (MonthGrades(SEPT, tuple((g, 1) for g in scale[1:]), ()),)
    for chart in (grades_chart(history, scale), grades_chart_phone(history, scale)):
        drawn = dict(re.findall(r"<title>September 2023, primary audits: ([A-Za-z ]+) (\d+)%", chart))
        assert {k: int(v) for k, v in drawn.items()} == table, chart
    for chart in (month_grades_chart(month, scale), month_grades_chart_phone(month, scale)):
        drawn = dict(re.findall(r"<title>primary grade, all audits graded: ([A-Za-z ]+) (\d+)%", chart))
        assert {k: int(v) for k, v in drawn.items()} == table, chart
