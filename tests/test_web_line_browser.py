"""My line, the Director's page, the search and My calendar in Chromium (Playwright), axe-core on every page.

A Practice Manager asks for more time on an audit; her Operations Manager
approves it from "My line"; the Director of Children's Services reads the
month's figures, the same as ``qaf report``. Every page is checked by
axe-core (no serious or critical violation) and photographed at desktop
(1280) and phone (390) widths (``QAF_SCREENSHOTS``, as in
``tests/test_web_browser.py``, whose server, browser and fixtures these are).
"""

from __future__ import annotations

from datetime import date

from qaf.engine.query import Filters
from qaf.engine.report_words import Month
from qaf.usecases import reporting
from tests.test_feeds import TODAY, may_audit
from tests.test_web_browser import KEEP_SHOTS, _link, shots, site  # noqa: F401  (the fixtures)

PAT, OLIVE, DANA = "pat.practice@example-council.gov.uk", "olive.ops@example-council.gov.uk", "dana.director@example-council.gov.uk"
REASON = "Tom is on leave until 1 July; the case needs his account."


def sign_in_as(server, browser, inbox, email: str, start: str = "/my-work") -> None:
    page = browser.page
    browser.context.clear_cookies()
    page.goto(f"{server.base}{start}")
    page.fill("#email", email)
    browser.submit("Email me a sign-in link")
    page.goto(_link(inbox, server.base))
    browser.submit("Continue")
    assert page.url == f"{server.base}{start}", page.url


def test_an_operations_manager_approves_an_extension_from_my_line_in_chromium(site):  # noqa: F811
    server, browser, inbox, store = site
    page = browser.page
    audit = may_audit(store, "SW1", 6)

    sign_in_as(server, browser, inbox, PAT)
    browser.check("line-my-work")
    page.goto(f"{server.base}/my-work?kind=lunch&from=June")  # bad filters: each message beside its field
    assert page.locator("#f-kind-error").is_visible() and page.locator("#f-from-error").is_visible()
    browser.check("line-my-work-bad-filter")
    page.goto(f"{server.base}/my-work/calendar")
    browser.check("line-calendar")
    browser.submit("Make my calendar link")
    url = page.input_value("#feed-url")
    assert url.startswith(f"{server.base}/feeds/") and page.locator("button.copy").is_visible()  # the script showed the button
    browser.check("line-calendar-link")

    page.goto(f"{server.base}/obligations/{audit.id}/extension")
    browser.submit("Ask for more time")  # nothing typed: refused beside each field
    assert page.locator("#ext-to-error").is_visible() and page.locator("#ext-reason-error").is_visible()
    browser.check("line-extension-error")
    page.fill("#ext-to", "2024-07-03")
    page.fill("#ext-reason", REASON)
    browser.submit("Ask for more time")
    assert "Waiting for Olive Ops" in page.content()
    browser.check("line-extension-asked")

    sign_in_as(server, browser, inbox, OLIVE, "/my-line")
    assert REASON in page.locator("#waiting ~ .request").first.inner_text()
    browser.check("line-my-line")
    browser.submit("Approve")
    assert page.locator("h1").inner_text() == "Extension approved"
    browser.check("line-approved")
    (moved,) = store.obligations(Filters(ids=frozenset({audit.id}), statuses=None))
    assert moved.due == date(2024, 7, 3) and moved.status == "rescheduled"

    sign_in_as(server, browser, inbox, "quinn.quality@example-council.gov.uk", f"/obligations/{audit.id}")  # the Head of QA
    shown = page.locator("#extension").inner_text()
    assert "approved" in shown and REASON not in shown and "shown to whoever asked and the managers who decide" in shown
    browser.check("line-extension-overseer")

    sign_in_as(server, browser, inbox, DANA, "/director")
    expected = reporting.report(store, store.frameworks()[0], Month.of(TODAY).plus(-1), TODAY)  # the last whole month
    assert page.locator(".headline .big").inner_text() == expected.completion.sentence
    assert page.locator(".figures li").first.inner_text().startswith(str(expected.completion.audits.scheduled))
    browser.check("line-director")
    page.click("text=June 2024 →")
    june = reporting.report(store, store.frameworks()[0], Month(2024, 6), TODAY)
    assert page.locator(".headline .big").inner_text() == june.completion.sentence
    browser.check("line-director-june")
    page.goto(f"{server.base}/search?kind=audit&row=3.16&status=all")
    assert "results" in page.locator("#results").inner_text()
    browser.check("line-search")
    with page.expect_download() as download:
        page.click("text=CSV")
    assert download.value.suggested_filename.endswith(".csv")
    assert browser.outside == [], "a page fetched something from elsewhere"


def test_the_directors_page_with_two_frameworks_fits_a_phone(site):  # noqa: F811
    """With a second framework the page offers a choice of framework, whose long titles ("Quality Assurance in
    Children's Social Care ...") must wrap or shrink on a phone, never push the page sideways."""
    from qaf.rules import bundled
    from qaf.rules.loader import load_framework

    server, browser, inbox, store = site
    store.save_framework(load_framework(bundled.path("tameside-2023"))[0], bundled.path("tameside-2023").read_text())
    sign_in_as(server, browser, inbox, DANA, "/director")
    assert browser.page.locator("#d-framework").is_visible()
    browser.check("line-director-two-frameworks")
    # "The year so far" at 390 px: each month's every figure in sight, not Overdue and Graded scrolled out of it
    browser.page.set_viewport_size({"width": 390, "height": 900})
    out_of_sight = browser.page.evaluate("""(() => { const box = document.querySelector('table.year').parentElement.getBoundingClientRect();
        return [...document.querySelectorAll('table.year tbody td')].filter(td => td.getBoundingClientRect().right > box.right + 1)
               .map(td => td.dataset.label || td.cellIndex); })()""")  # fmt: skip
    named = browser.page.evaluate("getComputedStyle(document.querySelector('table.year td[data-label=Overdue]'), '::before').content")
    assert out_of_sight == [] and named == '"Overdue: "'  # each figure says what it counts
    browser.page.set_viewport_size({"width": 1280, "height": 900})
    browser.page.goto(f"{server.base}/director?framework=nope")
    assert browser.page.locator("#d-framework-error").is_visible()
    browser.check("line-director-bad-framework")
    browser.page.goto(f"{server.base}/director?month=Juin+2024")  # a month she typed that is none: GOV.UK's error, beside the box
    assert " ".join(browser.page.locator("#d-month-error").inner_text().split()) == "Error: Enter the month as a month and year, for example June 2024"
    assert browser.page.input_value("#d-month") == "Juin 2024"  # left in its box to mend
    browser.check("line-director-bad-month")


def test_the_director_sees_an_alert_waiting_for_someone_in_post_on_a_phone(site):  # noqa: F811
    """Nobody is an Operations Manager when concerns are found in Tom Fairley's June audit: the Director's page lists
    the alert that waits, why, and a link to its audit, readable at phone width (axe-core on it too)."""
    from dataclasses import replace

    from qaf.engine.outcomes import Recording
    from qaf.usecases import recording
    from tests.council import PEOPLE, council

    server, browser, inbox, store = site
    store.save_org(council(people=tuple(replace(p, end=date(2024, 6, 7)) if p.id in ("OM1", "OM2") else p for p in PEOPLE)))
    audit = may_audit(store, "SW1", 6)
    recording.record(store, Recording(audit.id, "requires_improvement", concerns=True, date=date(2024, 6, 10)), TODAY)
    sign_in_as(server, browser, inbox, DANA, "/director")
    held = browser.page.locator("#held + p + table")
    assert held.locator(f'a[href="/obligations/{audit.id}"]').is_visible()
    assert "No Operations Manager found for the worker" in held.inner_text()
    browser.check("line-director-held")
    browser.page.set_viewport_size({"width": 390, "height": 900})
    wide = browser.page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390 and held.locator(f'a[href="/obligations/{audit.id}"]').is_visible()
    browser.page.set_viewport_size({"width": 1280, "height": 900})


def test_the_months_overdue_figure_is_readable_on_the_directors_highlighted_month(site):  # noqa: F811
    """In "The year so far" the month shown is highlighted in yellow and an overdue figure is red: the red on the
    yellow must pass WCAG's contrast for text this size (4.5:1), as axe-core measures it. axe-core leaves a figure
    of one digit ("6") unjudged, too short to be text; the council's "42" it fails (4.46:1). So the ratio is
    worked out here, by WCAG's formula, for every red figure on the page."""
    server, browser, inbox, store = site
    sign_in_as(server, browser, inbox, DANA, "/director")
    page = browser.page
    assert page.locator("table.year tr.current td.late").inner_text() == "6"  # May 2024's six overdue audits
    ratios = page.evaluate("""(() => {
        const lum = rgb => { const [r, g, b] = rgb.match(/[0-9.]+/g).slice(0, 3).map(v => { v = v / 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const behind = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
            if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
        return [...document.querySelectorAll('main .late')].map(el => { const a = lum(getComputedStyle(el).color), b = lum(behind(el));
            return [el.closest('tr') ? el.closest('tr').className || 'row' : el.className, Math.round((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) * 100) / 100]; });
    })()""")  # fmt: skip
    assert ratios and all(r >= 4.5 for _, r in ratios), ratios


TAP = """(() => [...document.querySelectorAll('header nav a, header nav button, main button, main a.button, main summary, main .choice label, main .jump a, main select, main input[type=text], main input[type=email]')]
    .filter(el => el.getBoundingClientRect().width > 0)
    .map(el => [el.tagName + ' ' + el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 30), Math.round(el.getBoundingClientRect().height)])
    .filter(([, h]) => h < 44))()"""


def test_a_practice_manager_can_tap_every_link_button_and_choice_on_a_375px_phone(site):  # noqa: F811
    """On a 375 px phone each menu link (My work, My line, Search, Sign out), each button (Record the outcome,
    Ask for more time, Show), each "Filter my work" or "Add action 2", each of My line's "Waiting for you", "By
    person", "Overdue" and each grade's radio row is at least
    44 px tall, and so is each field to type in or choose from (WCAG 2.5.5): a thumb, not a stylus. A link
    inside a sentence is exempt and not counted."""
    server, browser, inbox, store = site
    audit = may_audit(store, "SW1", 6)
    sign_in_as(server, browser, inbox, PAT)
    page = browser.page
    page.set_viewport_size({"width": 375, "height": 800})
    small = {}
    for path in ("/my-work", f"/obligations/{audit.id}", "/search", "/my-work/calendar", "/my-line"):
        page.goto(f"{server.base}{path}")
        small[path] = page.evaluate(TAP)
    assert all(not s for s in small.values()), "; ".join(f"{p}: {s}" for p, s in small.items())
    sign_in_as(server, browser, inbox, DANA, "/director")
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate(TAP) == []


def test_the_director_sees_at_a_glance_what_is_overdue_today_and_who_is_on_it(site):  # noqa: F811
    """The Director's first question: what is late and who is on it. Under the month's figures the page lists,
    as of today, the people holding overdue work (the most first) with their team, their manager, how many and
    the oldest due date; each name opens the search of that person's overdue work, the same count. On a phone
    each line is a card whose every figure is named."""
    from collections import Counter

    from qaf.engine.model import OVERDUE

    server, browser, inbox, store = site
    overdue = [o for o in store.obligations(Filters(statuses=None)) if o.shown_status(TODAY) == OVERDUE]
    held = Counter(o.assignee for o in overdue)
    (most, n), *_ = sorted(held.items(), key=lambda kv: (-kv[1], min(o.due for o in overdue if o.assignee == kv[0])))
    org = store.org()
    sign_in_as(server, browser, inbox, DANA, "/director")
    page = browser.page
    late = page.locator("#late + p + table.late-now")
    assert f"{len(overdue)} pieces of work are overdue, held by {len(held)} people" in page.locator("#late + p").inner_text()
    first = late.locator("tbody tr").first
    assert first.locator("th").inner_text() == org.person(most).name
    assert first.locator("td[data-label=Overdue]").inner_text() == str(n)
    assert first.locator("td[data-label='Their manager']").inner_text() == org.manager_on(most, TODAY).name
    browser.check("line-director-late-now")
    page.set_viewport_size({"width": 375, "height": 900})
    assert page.evaluate("getComputedStyle(document.querySelector('table.late-now td[data-label=Overdue]'), '::before').content") == '"Overdue: "'
    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_navigation():
        first.locator("th a").click()
    assert page.locator("#results").inner_text() == f"{n} result{'' if n == 1 else 's'}"


WHOLE = r"""(() => { const broken = [], walk = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
    for (let node; (node = walk.nextNode());) for (const m of node.data.matchAll(/\b[A-Z]{2,}-\d+\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}\/\d{1,2}\/\d{4}\b/g)) {
        const range = document.createRange(); range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
        if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) broken.push(m[0]); }
    return broken; })()"""


def test_a_case_reference_is_never_split_over_two_lines_on_a_phone(site):  # noqa: F811
    """"CS-" at the end of one line and "000001" at the start of the next reads as two things: on the page of
    what an audit set off, at 375 and 390 px, every case reference stays on one line."""
    server, browser, inbox, store = site
    audit = may_audit(store, "SW1", 6)
    sign_in_as(server, browser, inbox, PAT, f"/obligations/{audit.id}")
    page = browser.page
    page.check("#grade-requires_improvement")
    page.check("#concerns")
    page.fill("#action-1-what", "Bring the chronology up to date.")
    page.check("#action-1-safeguarding")
    browser.submit("Record the outcome")
    assert page.locator("h1").inner_text() == "Outcome recorded"
    broken = {}
    for width in (375, 390):
        page.set_viewport_size({"width": width, "height": 900})
        broken[width] = page.evaluate(WHOLE)
    assert broken == {375: [], 390: []}


def test_a_day_in_an_error_message_is_never_split_over_two_lines_on_a_phone(site):  # noqa: F811
    """"Enter a date like 21 June" at a line's end and "2024" on the next is a day misread: the message beside
    an action's "By when", and the same in the summary at the top, keep each day whole at 375 and 390 px."""
    server, browser, inbox, store = site
    audit = may_audit(store, "SW1", 6)
    sign_in_as(server, browser, inbox, PAT, f"/obligations/{audit.id}")
    page = browser.page
    page.check("#grade-requires_improvement")
    page.fill("#action-1-what", "Update the safety plan with the new school contact")
    page.fill("#action-1-when", "by Friday")
    browser.submit("Record the outcome")
    assert "21/6/2024 or 21 June 2024" in page.locator("#action-1-when-error").inner_text()
    assert page.locator("#action-1-when-error .ref").all_inner_texts() == ["21/6/2024", "21 June 2024"]  # each kept whole
    broken = {}
    for width in (375, 390):
        page.set_viewport_size({"width": width, "height": 900})
        broken[width] = page.evaluate(WHOLE)
    assert broken == {375: [], 390: []}


def test_a_case_reference_in_a_work_lists_column_is_never_split_at_a_tablets_width(site):  # noqa: F811
    """At 768 px (a tablet held upright) My work's and the search's "Case and worker" column is narrow, and
    "CS-000012" broke after its "-", "CS-" over "000012": each reference in every column stays on one line, as
    it does in a link's words, at the tablet's width and the desktop's."""
    server, browser, inbox, store = site
    sign_in_as(server, browser, inbox, PAT)
    page = browser.page
    broken = {}
    for path in ("/my-work", "/search?kind=audit&status=all", "/my-line"):
        page.goto(f"{server.base}{path}")
        for width in (768, 1024, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            if found := page.evaluate(WHOLE):
                broken[(path, width)] = sorted(set(found))
    assert broken == {}


def test_a_practice_manager_reads_how_much_is_overdue_and_due_this_week_above_her_work_on_a_375px_phone(site):  # noqa: F811
    """On a 375 px phone My work opens with its two figures, overdue and due this week, in sight before she
    scrolls and above the lists they count; the overdue one opens her overdue work, as many as it said."""
    server, browser, inbox, store = site
    sign_in_as(server, browser, inbox, PAT)
    page = browser.page
    page.set_viewport_size({"width": 375, "height": 667})
    summary = page.locator("section.this-week")
    assert summary.is_visible()
    box, first_list = summary.bounding_box(), page.locator("#overdue").bounding_box()
    assert box["y"] + box["height"] <= min(first_list["y"], 667), (box, first_list)
    assert [" ".join(t.split()) for t in summary.locator(".figures li").all_inner_texts()] == ["5 overdue", "0 due this week"]
    if KEEP_SHOTS:
        page.screenshot(path=str(browser.shots / "line-my-work-this-week-375-top.png"))
    with page.expect_navigation():
        summary.locator("text=overdue").first.click()
    assert page.url.endswith("/my-work?status=overdue") and page.locator("#overdue .count").inner_text() == "5"
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{server.base}/my-work")
    browser.check("line-my-work-this-week")
