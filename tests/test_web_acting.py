"""Acting on an obligation's page (qaf/web/acting.py) over HTTP: every form, its happy path and its bad input.

The real app over a real store (SQLite and PostgreSQL), signed in by emailed
link as in tests/test_web.py. East Sussex for the small council (business
date 10 June 2024): Pat Practice (PM1) audits Tom Fairley's (SW1) June case;
3.16's concerns set off two further files, a review in three months and an
alert to the Operations Manager. Tameside's triple lock: Pat's primary audit
with the seven areas, moderated by Moira Moderator (MOD1), signed off by the
Head of QA (HQA). Every refusal leaves the store exactly as it was (a
snapshot of every table, before and after); free text (notes, actions, a
closing note) reaches no email and no log.
"""

from __future__ import annotations

import html
import logging
import re
from datetime import date
from typing import Iterator

import markupsafe
import pytest

from qaf.engine.actions import ActionSpec
from qaf.engine.outcomes import Recording
from qaf.engine.query import Filters
from qaf.store.sql import SqlStore
from qaf.usecases import recording
from tests.conftest import snapshot
from tests.smtp import Inbox, free_port, smtp_server
from qaf.calendars.selection import Selection
from tests.test_feeds import feed, may_audit
from tests.test_outcomes import find, scheduled
from tests.test_web import PAT, Site, csrf
from tests import test_web as _web

site = _web.site  # the signed-in site fixture: the year scheduled, a real SMTP server on loopback

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
PRIYA = "priya.practice@example-council.gov.uk"
OLIVE = "olive.ops@example-council.gov.uk"
MOIRA = "moira.moderator@example-council.gov.uk"
QUINN = "quinn.quality@example-council.gov.uk"
TOM = "tom.fairley@example-council.gov.uk"
PLAN = "Update the safety plan with the new school contact"
NOTES = "Chronology stops in March; plan not reviewed since."


@pytest.fixture
def tameside(store: SqlStore, db_url: str) -> Iterator[Site]:
    scheduled(store, "tameside-2023")
    inbox, port = Inbox(), free_port()
    with smtp_server(inbox, port):
        s = Site(store, db_url, inbox, port)
        yield s
        s.close()


def one(store: SqlStore, oid: str):
    (found,) = store.obligations(Filters(ids=frozenset({oid}), statuses=None))
    return found


def beside(page: str, field: str) -> str:
    """The message shown beside ``field`` (empty if none), as the page says it."""
    found = re.search(rf'<p class="error" id="{re.escape(field)}-error"><span class="hidden">Error:</span>(.*?)</p>', page, re.S)
    return html.unescape(found.group(1).strip()) if found else ""


def post(client, path: str, data: dict):
    token = csrf(client.get(path.rsplit("/", 1)[0]).text)
    return client.post(path, data={"csrf": token, **data})


def refused_unchanged(site: Site, client, path: str, data: dict, field: str | None, message: str):
    """The post is refused with 422, the message beside ``field`` (or in the summary), and nothing is written."""
    token = csrf(client.get(path.rsplit("/", 1)[0]).text)
    before = snapshot(site.store)
    answer = client.post(path, data={"csrf": token, **data})
    assert answer.status_code == 422, answer.text
    assert "There is a problem: nothing was changed" in answer.text
    if field is None:
        summary = re.search(r'<div class="error-summary".*?</div>', answer.text, re.S).group(0)
        assert message in summary, summary
    else:
        assert message in beside(answer.text, field), (field, answer.text)
        assert f'href="#{field}"' in answer.text  # the summary links to the field
    assert snapshot(site.store) == before
    return answer


def links_open(client, text: str) -> list[str]:
    """Every obligation's page ``text`` links to, each checked to open for ``client`` (no link answers 403)."""
    linked = sorted(set(re.findall(r'href="/obligations/([0-9a-f]{16})"', text)))
    assert [(oid, code) for oid in linked if (code := client.get(f"/obligations/{oid}").status_code) != 200] == []
    return linked


def record_with_an_action(site: Site, client, **extra):
    audit = may_audit(site.store, "SW1", 6)
    answer = post(client, f"/obligations/{audit.id}/outcome", {
        "grade": "requires_improvement", "concerns": "yes", "date": "2024-06-07", "notes": NOTES,
        "action-1-what": PLAN, "action-1-when": "within 10 working days", "action-1-safeguarding": "yes", **extra,
    })  # fmt: skip
    assert answer.status_code == 200, answer.text
    return audit, answer


# --- record the outcome ---------------------------------------------------------------------------


def test_a_workers_action_in_his_list_is_not_described_by_the_audits_row_words(site: Site):
    """Tom Fairley's action from Pat's audit read, in his My work, "Practice Managers will complete supervision
    case file audit using the CareFirst audit record" and the row's purpose under it: the audit's words, not his
    work. The action's own page leaves them out; so does every list now (what must be done stays on its page)."""
    pat = site.signed_in(PAT)
    audit, _ = record_with_an_action(site, pat)
    (action,) = [o for o in find(site.store, cause=audit.id) if o.kind == "action"]
    mine = site.signed_in(TOM).get("/my-work").text
    line = re.search(rf'<tr>\s*<td[^>]*>[^<]*</td>\s*<td data-label="What">\s*<a href="/obligations/{action.id}">.*?</tr>', mine, re.S).group(0)
    assert "Because of" in line and "Practice Managers will complete" not in line and "Why:" not in line, line
    audits = pat.get("/my-work").text  # her own audits still carry the row's words
    assert "Practice Managers will complete" in audits


def test_a_rows_words_written_as_points_are_shown_as_points_without_their_bullets(site: Site):
    """East Sussex's row 4.2 gives why in three lines, each begun "• ". The task's page ran them into one
    paragraph ("... reprioritising • To inform decision-making ..."), and My work began its line "Why: • To
    ensure": now the page lists the three, and a list's line reads "Why: To ensure ...", the points joined by ";"."""
    client = site.signed_in(PAT)
    task = next(o for o in find(site.store, row="4.2", assignee="PM1") if o.due.month == 6)
    page = client.get(f"/obligations/{task.id}").text
    why = re.search(r"<dt>Why</dt><dd>(.*?)</dd>", page, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", why) == [
        "To ensure performance is achieved within budget or that budget realignment can take place to reflect changing demand or reprioritising",
        "To inform decision-making on resource allocation",
        "To inform decision-making on income policies, grant applications, contracting and commissioning etc",
    ] and "•" not in page  # fmt: skip
    mine = client.get("/my-work").text
    assert "Why: To ensure performance is achieved" in mine and "•" not in mine


def test_an_outcome_with_an_action_sets_off_follow_ups_a_review_an_alert_and_the_action(site: Site, caplog):
    caplog.set_level(logging.DEBUG)
    client = site.signed_in(PAT)
    audit, answer = record_with_an_action(site, client)
    assert "Outcome recorded" in answer.text
    assert "2 follow-up audits, 1 review, 1 action." in answer.text
    told = re.search(r'<ul class="list told">(.*?)</ul>', answer.text, re.S).group(1)  # one way, the page's dates
    assert [re.sub(r'<span class="ref">(.*?)</span>', r"\1", li) for li in re.findall(r"<li>(.*?)</li>", told)] == [
        "<strong>Olive Ops</strong> (alert): Significant concerns in the 3.16 audit of case CS-000001 (Tom Fairley)",
        "<strong>Olive Ops</strong> (alert): Safeguarding action from the 3.16 audit of case CS-000001 due 21 Jun 2024",
    ], told  # were "Olive Ops: Alert: significant concerns ..." and "Olive Ops (alert): ... due 2024-06-21"
    made = [o for o in find(site.store, cause=audit.id)]
    assert sorted(o.kind for o in made) == ["action", "follow_up_audit", "follow_up_audit", "review"]
    for o in made:
        assert f'href="/obligations/{o.id}"' in answer.text
    (action,) = [o for o in made if o.kind == "action"]
    assert action.assignee == "SW1" and action.due == date(2024, 6, 21)  # ten working days from 7 June
    page = client.get(f"/obligations/{action.id}")
    assert PLAN in page.text and "Safeguarding" in page.text and "Close this action" in page.text
    shown = client.get(f"/obligations/{audit.id}")
    assert NOTES in shown.text and PLAN in shown.text and "Record the outcome" not in shown.text
    outbox = repr(snapshot(site.store)["outbox"])
    assert "Safeguarding action from the 3.16 audit of case CS-000001" in outbox
    assert PLAN not in outbox and "Chronology stops" not in outbox, "free text in an email"
    assert not [m for m in site.inbox.messages if PLAN in m.as_string()]
    assert PLAN not in caplog.text and "Chronology stops" not in caplog.text
    for who in ("SW1", "PM1", "OM1"):  # the action's owner, the auditor, the alerted manager: their feeds
        body = feed(site.store, Selection("person", who)).decode().replace("\r\n ", "")
        assert "Action from the 3.16 audit of case CS-000001" in body or who != "SW1"
        assert "safety plan" not in body and "Chronology stops" not in body, who


def test_an_action_may_be_given_to_a_person_by_name_or_a_role_with_a_date(site: Site):
    client = site.signed_in(PAT)
    audit, _ = record_with_an_action(site, client, **{
        "action-1-safeguarding": "", "action-2-what": "Supervise the chronology", "action-2-who": "ruth steady",
        "action-2-when": "2024-07-01", "action-3-what": "Check the plan", "action-3-who": "Operations Manager",
    })  # fmt: skip
    actions = sorted((o for o in find(site.store, cause=audit.id, kind="action")), key=lambda o: o.seq)
    assert [(o.assignee, o.due) for o in actions] == [("SW1", date(2024, 6, 21)), ("SW2", date(2024, 7, 1)), ("OM1", date(2024, 7, 5))]


def test_an_action_given_outside_her_line_is_followed_up_on_its_page_by_the_manager_who_raised_it(site: Site):
    """Pat gave an action to Priya, a Practice Manager of another line: Priya's page, and Pat got 403 on it."""
    pat = site.signed_in(PAT)
    audit, _ = record_with_an_action(site, pat, **{"action-1-who": "Priya Practice"})
    (action,) = find(site.store, cause=audit.id, kind="action")
    assert action.assignee == "PM2"
    for email in (PAT, PRIYA, "olive.ops@example-council.gov.uk"):  # who raised it, who owns it, the line above both
        shown = site.signed_in(email).get(f"/obligations/{action.id}")
        assert shown.status_code == 200 and PLAN in html.unescape(shown.text), email
    # Tom is the case's worker, in Pat's line: the action is Priya's, not his to see, nor listed on the page
    # of the audit that graded his work (which he reads, to contest the grade)
    tom = site.signed_in(TOM)
    assert tom.get(f"/obligations/{action.id}").status_code == 403
    shown = tom.get(f"/obligations/{audit.id}")
    assert shown.status_code == 200 and PLAN not in html.unescape(shown.text) and action.id not in shown.text
    # the audit that raised it is Pat's line's: Priya's pages name it, and link to it nowhere (it would be 403)
    priya = site.signed_in(PRIYA)
    assert priya.get(f"/obligations/{audit.id}").status_code == 403
    for path in (f"/obligations/{action.id}", "/my-work", "/my-line", "/search?kind=action"):
        shown = priya.get(path)
        assert shown.status_code == 200 and audit.id not in links_open(priya, shown.text), path
    assert 'Because of</dt><dd>Audit case <span class="ref">CS-000001</span>' in priya.get(f"/obligations/{action.id}").text


@pytest.mark.parametrize("data, field, message", [
    ({}, "grade", "Choose a grade"),
    ({"grade": "excellent"}, "grade", "not on the framework"),
    ({"grade": "good", "date": "2024-07-01"}, "date", "in the future"),
    # the last days the calendar holds, with an action: its due date is counted from the audit's day, past the year 9999
    ({"grade": "good", "date": "9999-12-31", "action-1-what": "Plan"}, "date", "in the future"),
    ({"grade": "good", "date": "9998-06-01", "action-1-what": "Plan"}, "date", "in the future"),
    ({"grade": "good", "date": "June"}, "date", "Enter the date as a day, month and year"),
    ({"grade": "good", "date": "2024-05-01"}, "date", "before the obligation's period begins"),
    ({"grade": "good", "notes": "x" * 10_001}, "notes", "10,000"),
    ({"grade": "good", "action-1-who": "SW2"}, "action-1-what", "Say what must be done"),
    ({"grade": "good", "action-1-what": "\u200b\ufeff", "action-1-when": "within 10 working days"}, "action-1-what", "Say what must be done"),
    ({"grade": "good", "action-1-what": "Plan", "action-1-when": "soon"}, "action-1-when", "Action 1: Enter a date like"),
    ({"grade": "good", "action-1-what": "Plan", "action-1-when": "2024-06-01"}, "action-1-when", "is not after the audit"),
    ({"grade": "good", "action-1-what": "Plan", "action-1-when": "9999-12-31"}, "action-1-when", "more than two years after the audit"),
    ({"grade": "good", "action-1-what": "Plan", "action-2-what": "Visit", "action-2-who": "Nobody Known"}, "action-2-who",
     "No person has that id, and east-sussex-2013 has no role of that name"),
    ({"grade": "good", "action-3-what": "Plan | who: SW2"}, "action-3-what", "other than |"),
    ({"grade": "good", "action-1-what": "x" * 2001}, "action-1-what", "keep it under 2000"),
    # made by hand: a fourth action the page does not offer is refused, not dropped with what was typed in it
    ({"grade": "good", "action-1-what": "Plan", "action-4-what": "Visit the family"}, None, "at most 3 actions"),
    ({"grade": "good", "action-0000000000001-what": "Visit the family"}, None, "at most 3 actions"),
    ({"grade": "good", "concerns": "no"}, "concerns", "Tick the box if the audit found significant concerns"),
])  # fmt: skip
def test_bad_outcome_input_is_shown_beside_its_field_and_nothing_is_written(site: Site, data: dict, field: str, message: str):
    client = site.signed_in(PAT)
    audit = may_audit(site.store, "SW1", 6)
    refused_unchanged(site, client, f"/obligations/{audit.id}/outcome", data, field, message)


def test_an_action_for_a_case_whose_worker_has_left_asks_who_will_do_it(site: Site):
    """The people list says Tom Fairley left on 1 June; his cases are not yet given to anyone else.
    An action with nobody named would be nobody's: the page asks, beside "who", who will do it."""
    from dataclasses import replace

    from tests.council import council

    site.store.save_org(council(people=tuple(replace(p, end=date(2024, 6, 1)) if p.id == "SW1" else p for p in council().people)))
    client = site.signed_in(PAT)
    audit = may_audit(site.store, "SW1", 6)
    answer = refused_unchanged(site, client, f"/obligations/{audit.id}/outcome", {"grade": "good", "action-1-what": PLAN},
                               "action-1-who", "Tom Fairley, is not in the organisation")  # fmt: skip
    assert "say who will do it" in beside(answer.text, "action-1-who") and "who: PERSON" not in answer.text


def test_the_dates_of_an_outcome_are_read_as_a_practice_manager_writes_them(site: Site):
    """"7/6/2024" is the seventh of June, and an action "by 21 June 2024" is due that day: a phone's keyboard and
    an English hand write a day first, and the page takes it as written."""
    client = site.signed_in(PAT)
    audit = may_audit(site.store, "SW1", 6)
    answer = post(client, f"/obligations/{audit.id}/outcome", {
        "grade": "requires_improvement", "date": "7/6/2024", "action-1-what": PLAN, "action-1-when": "21 June 2024"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert one(site.store, audit.id).outcome.date == date(2024, 6, 7)
    (action,) = [o for o in find(site.store, cause=audit.id) if o.kind == "action"]
    assert action.due == date(2024, 6, 21)


def test_every_problem_is_shown_at_once_and_what_was_typed_is_kept(site: Site):
    client = site.signed_in(PAT)
    audit = may_audit(site.store, "SW1", 6)
    data = {"grade": "excellent", "date": "2024-13-01", "action-2-what": PLAN, "action-2-when": "soon"}
    answer = refused_unchanged(site, client, f"/obligations/{audit.id}/outcome", data, "grade", "not on the framework")
    assert "Date it was done must be a real date: 2024-13-01 is not one" in re.sub(r"</?span[^>]*>", "", beside(answer.text, "date"))
    assert "Action 2: Enter a date like" in beside(answer.text, "action-2-when")
    assert PLAN in answer.text and 'value="2024-13-01"' in answer.text
    assert re.search(r"<details class=\"more\" open><summary>Add action 2", answer.text)  # the slot with a problem is open


def test_a_review_says_which_actions_were_carried_out(site: Site):
    client = site.signed_in(PAT)
    audit, _ = record_with_an_action(site, client)
    (review,) = find(site.store, cause=audit.id, kind="review")
    (action,) = find(site.store, cause=audit.id, kind="action")
    page = client.get(f"/obligations/{review.id}")
    assert "Which of the audit's actions were carried out?" in page.text and PLAN in page.text
    path = f"/obligations/{review.id}/outcome"
    refused_unchanged(site, client, path, {"grade": "good"}, "carried-out", "Tick the actions that were carried out")
    both = {"grade": "good", f"carried-{action.id}": "yes", "carried-none": "yes"}
    refused_unchanged(site, client, path, both, "carried-out", "not both")
    refused_unchanged(site, client, path, {"grade": "good", "carried-0123456789abcdef": "yes"}, "carried-out", "is not one of the actions")
    answer = post(client, path, {"grade": "good", f"carried-{action.id}": "yes"})
    assert answer.status_code == 200, answer.text
    assert one(site.store, action.id).status == "done" and one(site.store, review.id).status == "done"


def test_a_review_may_find_none_carried_out(site: Site):
    client = site.signed_in(PAT)
    audit, _ = record_with_an_action(site, client)
    (review,) = find(site.store, cause=audit.id, kind="review")
    (action,) = find(site.store, cause=audit.id, kind="action")
    assert post(client, f"/obligations/{review.id}/outcome", {"grade": "good", "carried-none": "yes"}).status_code == 200
    assert one(site.store, action.id).status == "open"
    assert "Not carried out" in client.get(f"/obligations/{action.id}").text


def test_notes_and_actions_in_any_script_are_taken_up_to_the_characters_the_page_allows(site: Site):
    """The page allows notes of 10,000 characters and an action's words of 2,000; a form's body was refused (413,
    all typed lost) past 32,000 bytes, and a character outside ASCII is sent as up to 12 bytes (an Arabic letter as 6, '%D8%B2'; an emoji as 12): Welsh or
    Arabic notes of 6,000 characters never reached the checks."""
    client = site.signed_in(PAT)
    audit = may_audit(site.store, "SW1", 6)
    notes = ("Ymweliad â’r teulu — زيارة العائلة في المنزل 😊 " * 300)[:10_000]
    what = ("Diweddaru’r cynllun — تحديث خطة السلامة " * 60)[:2_000]
    answer = post(client, f"/obligations/{audit.id}/outcome", {"grade": "good", "notes": notes, "action-1-what": what,
                                                               "action-2-what": what, "action-3-what": what})
    assert answer.status_code == 200, answer.text[:500]
    assert one(site.store, audit.id).outcome.notes == notes
    assert [html.unescape(w) for w in re.findall(r'<dd class="notes">(.*?)</dd>', client.get(f"/obligations/{audit.id}").text, re.S)] == [notes]


def test_an_action_typed_right_to_left_turns_around_nothing_its_line_says_after_it(site: Site):
    """What an action asks may hold a bidi control (rules.plain): one left open (U+202E) turned the rest of its line
    around, who does it and by when, on the audit's list and the review's boxes. Its words are isolated (<bdi>)."""
    client = site.signed_in(PAT)
    what = "\u202e" + PLAN
    audit, _ = record_with_an_action(site, client, **{"action-1-what": what})
    (review,) = find(site.store, cause=audit.id, kind="review")
    listed = client.get(f"/obligations/{audit.id}").text
    assert re.search(rf'<a href="/obligations/[0-9a-f]{{16}}"><bdi>{re.escape(str(markupsafe.escape(what)))}</bdi></a> <strong>\(safeguarding\)', listed)
    boxes = client.get(f"/obligations/{review.id}").text
    assert re.search(rf'<label for="carried-[0-9a-f]{{16}}"><bdi>{re.escape(str(markupsafe.escape(what)))}</bdi> <span class="meta">\(Tom Fairley,', boxes)


def test_a_review_of_an_audit_that_raised_forty_actions_is_recorded_from_its_page_with_every_box_ticked(site: Site):
    """The form reader refused more than 30 fields, and a review's form has a box for each of its audit's actions:
    a review of an audit with 18 actions (the API takes 50) could not be recorded from its page."""
    audit = may_audit(site.store, "SW1", 6)
    steps = tuple(ActionSpec(f"Step {n} of the plan") for n in range(40))
    recording.record(site.store, Recording(audit.id, "inadequate", concerns=True, date=date(2024, 6, 7), actions=steps), date(2024, 6, 10))
    (review,) = find(site.store, cause=audit.id, kind="review")
    actions = find(site.store, cause=audit.id, kind="action")
    client = site.signed_in(PAT)
    page = client.get(f"/obligations/{review.id}").text
    form = page[page.index(f'action="/obligations/{review.id}/outcome"'):]
    sent = {name: "" for name in re.findall(r'name="([^"]+)"', form[: form.index("</form>")])}  # every field as a browser sends it
    sent.update({"grade": "good", "date": "2024-06-10", **{f"carried-{a.id}": "yes" for a in actions}})
    for unticked in ("csrf", "concerns", "carried-none", *(n for n in sent if n.endswith("safeguarding"))):  # post() adds the token
        sent.pop(unticked)
    assert len(sent) > 50
    answer = post(client, f"/obligations/{review.id}/outcome", sent)
    assert answer.status_code == 200, answer.text
    assert {one(site.store, a.id).status for a in actions} == {"done"} and one(site.store, review.id).status == "done"


# --- close an action --------------------------------------------------------------------------


def test_the_worker_closes_an_action_with_a_note_that_stays_on_its_page(site: Site, caplog):
    caplog.set_level(logging.DEBUG)
    pat = site.signed_in(PAT)
    audit, _ = record_with_an_action(site, pat)
    (action,) = find(site.store, cause=audit.id, kind="action")
    tom = site.signed_in(TOM)
    path = f"/obligations/{action.id}/close"
    refused_unchanged(site, tom, path, {"note": "n" * 10_001}, "note", "10,000")
    answer = post(tom, path, {"note": "Safety plan updated with the school."})
    assert answer.status_code == 200 and "Action closed" in answer.text
    assert one(site.store, action.id).status == "done"
    page = tom.get(f"/obligations/{action.id}").text
    assert "Safety plan updated with the school." in page and "Close the action" not in page
    refused_unchanged(site, tom, path, {"note": ""}, None, "nothing to close")
    assert "Safety plan updated" not in caplog.text
    assert "Safety plan updated" not in repr(snapshot(site.store)["outbox"])


def test_close_this_action_is_a_button_under_the_title_not_in_the_middle_of_the_summary(site: Site):
    """On an action's page "Close this action" sat between what must be done and when it is due, a plain link in
    the middle of the summary, which was two lists (an empty row between them on a phone). The summary is one list
    now, and the thing to do a button under the title, in sight on a phone before the summary's screenful."""
    audit, _ = record_with_an_action(site, site.signed_in(PAT))
    (action,) = find(site.store, cause=audit.id, kind="action")
    page = site.signed_in(TOM).get(f"/obligations/{action.id}").text
    main = page[page.index("<h1>") : page.index('<div id="act"')]
    assert main.count('<dl class="summary">') == 1, "one summary: what must be done, then when and whose"
    button = main.index('<a class="button" href="#act">Close this action</a>')
    assert button < main.index('<dl class="summary">') < main.index("What must be done") < main.index("<dt>Due</dt>")
    assert page.count('href="#act"') == 1


def test_only_the_owner_or_their_line_may_close_an_action(site: Site):
    pat = site.signed_in(PAT)
    audit, _ = record_with_an_action(site, pat, **{"action-1-who": "Ruth Steady"})
    (action,) = find(site.store, cause=audit.id, kind="action")
    tom = site.signed_in(TOM)  # a colleague: not Ruth's line, and her work is not his to see
    before = snapshot(site.store)
    token = csrf(tom.get("/my-work").text)
    assert tom.post(f"/obligations/{action.id}/close", data={"csrf": token}).status_code == 403
    assert snapshot(site.store) == before
    olive = site.signed_in("olive.ops@example-council.gov.uk")  # Ruth's line, two up
    assert "Close this action" in olive.get(f"/obligations/{action.id}").text
    assert post(olive, f"/obligations/{action.id}/close", {"note": ""}).status_code == 200


# --- contest ------------------------------------------------------------------------------------


def test_a_grade_is_contested_once_and_moderation_settles_it(site: Site):
    """"A service may contest a grade": Olive Ops, Operations Manager over Tom Fairley's team, contests
    the good Pat Practice gave his May audit. Pat, who gave it, and Quinn Quality, the Head of QA, who
    reads every page but speaks for no service, are not offered it, and a post of theirs is refused."""
    may = may_audit(site.store, "SW1", 5)  # recorded good on 20 May
    path = f"/obligations/{may.id}/contest"
    for email, message in ((PAT, "Pat Practice gave this grade"), (QUINN, "Quinn Quality may not contest this grade")):
        other = site.signed_in(email)
        page = other.get(f"/obligations/{may.id}")  # they see the audit, graded
        assert page.status_code == 200 and "Good" in page.text and "Contest the grade" not in page.text
        refused_unchanged(site, other, path, {"contest-date": ""}, None, message)
    client = site.signed_in(OLIVE)
    assert "Contest the grade" in client.get(f"/obligations/{may.id}").text
    refused_unchanged(site, client, path, {"contest-date": "2024-06-11"}, "contest-date", "in the future")
    refused_unchanged(site, client, path, {"contest-date": "11/06/2024"}, "contest-date", "in the future")  # 11 June, day first
    refused_unchanged(site, client, path, {"contest-date": "31/5/24"}, "contest-date", "day, month and year")  # which century?
    refused_unchanged(site, client, path, {"contest-date": "2020-01-01"}, "contest-date", "before the audit was done")
    answer = post(client, path, {"contest-date": ""})
    assert answer.status_code == 200 and "Grade contested" in answer.text
    assert one(site.store, may.id).outcome.contested
    (settle,) = find(site.store, cause=may.id, kind="moderation")
    assert settle.assignee == "H1" and client.get(f"/obligations/{settle.id}").status_code == 403  # her manager's work
    assert settle.id not in links_open(client, answer.text) and "moderation · Hana Locality · due" in answer.text
    assert "Contest the grade" not in client.get(f"/obligations/{may.id}").text
    refused_unchanged(site, client, path, {}, None, "already contested")


def test_a_contested_grade_is_settled_by_someone_other_than_whoever_contested_it(site: Site):
    """"Contested, then settled by moderation": Hana Locality, Head of Service over Tom Fairley's team, contested the
    good Pat Practice gave his May audit, and the moderation that settles it, found up Pat's line, was hers: she
    contested the grade and settled it herself. Now it is the next Head of Service's. Alex Assistant, above Hana,
    contests April's, which Hana then settles: Alex, whose word put the grade in question, may not moderate it
    either (as a manager above the moderator may), and is not offered the form."""
    may, april = may_audit(site.store, "SW1", 5), may_audit(site.store, "SW1", 4)
    hana = site.signed_in("hana.locality@example-council.gov.uk")
    assert post(hana, f"/obligations/{may.id}/contest", {}).status_code == 200
    (settle,) = find(site.store, cause=may.id, kind="moderation")
    assert settle.assignee == "H2"  # Hugo Looked, the other Head of Service: nobody above Pat but Hana holds the post
    assert "Moderate this audit" not in hana.get(f"/obligations/{may.id}").text
    refused_unchanged(site, hana, f"/obligations/{may.id}/moderate", {"moderated-grade": "outstanding"}, None, "contested this grade")
    alex = site.signed_in("alex.assistant@example-council.gov.uk")
    assert post(alex, f"/obligations/{april.id}/contest", {}).status_code == 200
    (settle,) = find(site.store, cause=april.id, kind="moderation")
    assert settle.assignee == "H1"
    assert "Moderate this audit" not in alex.get(f"/obligations/{april.id}").text
    refused_unchanged(site, alex, f"/obligations/{april.id}/moderate", {"moderated-grade": "outstanding"}, None,
                      "Alex Assistant contested this grade")  # fmt: skip
    assert post(hana, f"/obligations/{settle.id}/moderate", {"moderated-grade": "good"}).status_code == 200
    assert one(site.store, april.id).outcome.moderated_by == "H1"


def test_the_worker_whose_work_was_graded_reads_its_audit_without_the_notes_and_contests_it(site: Site):
    """Tom Fairley may contest the grade of his June audit (qaf record --contest --by SW1): on the web he
    opens its page, once graded, and sees what it found and the contest form; not Pat's notes, why the case
    was chosen, Ruth's action, the requests for more time or any other form. Ruth's audit stays 403, and so
    does his own July audit, not yet done: before its grade it is Pat's work, not his to read."""
    pat = site.signed_in(PAT)
    audit, _ = record_with_an_action(site, pat, **{"action-2-what": "Cover the school visit", "action-2-who": "Ruth Steady"})
    assert NOTES in pat.get(f"/obligations/{audit.id}").text
    tom = site.signed_in(TOM)
    page = tom.get(f"/obligations/{audit.id}")
    assert page.status_code == 200, page.text
    text = html.unescape(page.text)
    assert "Requires improvement" in text and "Contest the grade" in text and PLAN in text
    assert NOTES not in text and "Cover the school visit" not in text and "Why this case" not in text
    assert "Record the outcome" not in text and "Moderate" not in text and "More time" not in text
    for other in (may_audit(site.store, "SW2", 5), may_audit(site.store, "SW1", 7)):
        assert tom.get(f"/obligations/{other.id}").status_code == 403
    token = csrf(page.text)
    before = snapshot(site.store)
    for act in ("outcome", "moderate", "close", "extension"):
        data = {"csrf": token, "grade": "outstanding", "moderated-grade": "outstanding", "to": "2024-07-31", "reason": "x"}
        assert tom.post(f"/obligations/{audit.id}/{act}", data=data).status_code == 403, act
    assert tom.get(f"/obligations/{audit.id}/extension").status_code == 403
    assert tom.post(f"/obligations/{may_audit(site.store, 'SW2', 5).id}/contest", data={"csrf": token}).status_code == 403
    assert snapshot(site.store) == before
    answer = tom.post(f"/obligations/{audit.id}/contest", data={"csrf": token, "contest-date": ""})
    assert answer.status_code == 200 and "Grade contested" in answer.text
    assert one(site.store, audit.id).outcome.contested
    (settle,) = find(site.store, cause=audit.id, kind="moderation")  # Hana Locality's: he reads who and by when, no link
    assert links_open(tom, answer.text) == [audit.id] and "moderation · Hana Locality · due" in answer.text
    assert NOTES not in tom.get(f"/obligations/{audit.id}").text
    ruth = site.signed_in("ruth.steady@example-council.gov.uk")  # a colleague: Tom's audit is not hers
    assert ruth.get(f"/obligations/{audit.id}").status_code == 403


def graded_on_my_work(client) -> str:
    """The "Audits of my work" section of the client's My work ("" if it has none)."""
    found = re.search(r'<h2 id="graded">.*?</table>', client.get("/my-work").text, re.S)
    return html.unescape(found.group(0)) if found else ""


def test_the_worker_finds_the_graded_audits_of_his_work_on_my_work_newest_first(site: Site):
    """Tom Fairley reached a graded audit of his work only by its link. My work lists them now, newest first: the
    case, the day it was done, the grade and whether it is contested or moderated; his only (not Ruth's May audit,
    nor his July one before its grade), and never Pat's notes. Ruth's list has her own and none of Tom's."""
    pat = site.signed_in(PAT)
    june, _ = record_with_an_action(site, pat)
    april, may = may_audit(site.store, "SW1", 4), may_audit(site.store, "SW1", 5)
    tom = site.signed_in(TOM)
    assert post(tom, f"/obligations/{april.id}/contest", {"contest-date": ""}).status_code == 200
    listed = graded_on_my_work(tom)
    ids = re.findall(r'href="/obligations/([0-9a-f]{16})"', listed)
    assert ids == [june.id, may.id, april.id], listed
    assert "Fri 7 Jun 2024" in listed and "Requires improvement" in listed and "with significant concerns" in listed
    assert listed.count(june.case) >= 1 and "Contested: waiting for moderation" in listed and NOTES not in listed
    for other in (may_audit(site.store, "SW2", 5), may_audit(site.store, "SW1", 7)):
        assert other.id not in listed
    ruth = graded_on_my_work(site.signed_in("ruth.steady@example-council.gov.uk"))
    assert re.findall(r'href="/obligations/([0-9a-f]{16})"', ruth) == [may_audit(site.store, "SW2", 5).id]
    assert graded_on_my_work(pat) == ""  # her audits are her work to do, not grades of hers
    page = tom.get(f"/obligations/{june.id}")  # the list's link opens the audit, as he may read it
    assert page.status_code == 200 and "Contest the grade" in page.text and NOTES not in html.unescape(page.text)
    import dataclasses

    from tests.council import cases, council

    site.store.save_org(council(cases=tuple(dataclasses.replace(c, worker="SW2") if c.ref == june.case else c for c in cases())))
    assert june.id in graded_on_my_work(tom)  # the case is Ruth's now: the grade of Tom's work on it stays his
    assert june.id not in graded_on_my_work(site.signed_in("ruth.steady@example-council.gov.uk"))


def test_a_case_passed_to_another_worker_leaves_the_grade_of_the_first_ones_work_with_him(site: Site):
    """Tom's June audit graded his work on CS-000001. When the case passed to Ruth, the audit's page let Ruth
    in, as the case's worker now, to read and contest the grade of Tom's work, and Tom was shut out of it."""
    import dataclasses

    from tests.council import cases, council

    pat = site.signed_in(PAT)
    audit, _ = record_with_an_action(site, pat)
    moved = tuple(dataclasses.replace(c, worker="SW2") if c.ref == audit.case else c for c in cases())
    site.store.save_org(council(cases=moved))
    ruth = site.signed_in("ruth.steady@example-council.gov.uk")
    page = ruth.get(f"/obligations/{audit.id}")
    assert page.status_code == 403
    tom = site.signed_in(TOM)
    page = tom.get(f"/obligations/{audit.id}")
    assert page.status_code == 200 and "Contest the grade" in html.unescape(page.text)
    for text in (page.text, pat.get(f"/obligations/{audit.id}").text):  # it graded Tom's work: it names him, not Ruth
        assert "<dt>Worker</dt><dd>Tom Fairley</dd>" in text
    token = csrf(page.text)
    before = snapshot(site.store)
    assert ruth.post(f"/obligations/{audit.id}/contest", data={"csrf": token, "contest-date": ""}).status_code == 403
    assert snapshot(site.store) == before


# --- a meeting held, and other work done -----------------------------------------------------


def test_a_meeting_is_marked_held(site: Site):
    meeting = next(o for o in find(site.store, kind="meeting", assignee="CE1", status="open") if o.due >= date(2024, 6, 10))
    client = site.signed_in("chris.chief@example-council.gov.uk")
    page = client.get(f"/obligations/{meeting.id}")
    assert "Mark the meeting held" in page.text and 'name="grade"' not in page.text
    path = f"/obligations/{meeting.id}/outcome"
    refused_unchanged(site, client, path, {"date": "2024-06-30"}, "date", "in the future")
    answer = post(client, path, {"date": "2024-06-10", "notes": "Quorate."})
    assert answer.status_code == 200 and "Meeting held" in answer.text
    assert one(site.store, meeting.id).status == "done"


# --- moderation and the triple lock (Tameside) ------------------------------------------------


def tameside_audit(site: Site):
    return next(o for o in find(site.store, row="T1", subject="SW1", kind="audit") if o.period_start == date(2024, 6, 1))


def test_the_triple_lock_primary_with_areas_then_moderation_then_qa_sign_off(tameside: Site):
    site = tameside
    pat = site.signed_in(PAT)
    audit = tameside_audit(site)
    page = pat.get(f"/obligations/{audit.id}").text
    assert page.count('<select id="area-') == 7 and "Direct work and voice of the child" in page
    assert "Practice to read" in page and "January 2024 to June 2024 (the previous 6 months)" in page
    refused_unchanged(site, pat, f"/obligations/{audit.id}/outcome", {"grade": "good", "area-3": "brilliant"}, "area-3", "not on the scale")
    said = refused_unchanged(site, pat, f"/obligations/{audit.id}/outcome", {"grade": "good", "area-3": "Emily Smith"}, "area-3",
                             "Words, not a grade on the scale, for Chronology")  # what was typed is never quoted back
    assert "Emily" not in said.text
    answer = post(pat, f"/obligations/{audit.id}/outcome", {"grade": "requires_improvement", "area-3": "inadequate", "area-2": "good", "date": "2024-06-05"})
    assert answer.status_code == 200 and "1 moderation." in answer.text
    links_open(pat, answer.text)  # Moira's moderation is named there, not linked: its page is 403 to Pat
    done = one(site.store, audit.id)
    assert dict(done.outcome.areas) == {"Chronology": "inadequate", "Summary": "good"}
    (moderation,) = find(site.store, cause=audit.id, kind="moderation")
    assert moderation.assignee == "MOD1"
    assert "Moderate this audit" not in pat.get(f"/obligations/{audit.id}").text  # the auditor may not moderate her own

    moira = site.signed_in(MOIRA)
    path = f"/obligations/{moderation.id}/moderate"
    page = moira.get(f"/obligations/{moderation.id}").text
    assert "Moderate the audit" in page and "The audit&#39;s outcome" in page and "Requires improvement" in page
    refused_unchanged(site, moira, path, {}, "moderated-grade", "Choose the moderated grade")
    refused_unchanged(site, moira, path, {"moderated-grade": "superb"}, "moderated-grade", "not on the framework")
    refused_unchanged(site, moira, path, {"moderated-grade": "inadequate", "moderated-area-3": "superb"}, "moderated-area-3", "not on the scale")
    refused_unchanged(site, moira, path, {"moderated-grade": "inadequate", "moderated-date": "2024-06-11"}, "moderated-date", "in the future")
    answer = post(moira, path, {"moderated-grade": "inadequate", "moderated-area-3": "inadequate", "moderated-date": "2024-06-07"})
    assert answer.status_code == 200 and "Moderation recorded" in answer.text and "moderated inadequate" in answer.text
    (signoff,) = find(site.store, cause=audit.id, kind="qa_signoff")
    assert signoff.assignee == "HQA" and moira.get(f"/obligations/{signoff.id}").status_code == 403
    assert links_open(moira, answer.text) == [] and "QA sign-off · Quinn Quality · due" in answer.text  # named, not linked
    assert dict(one(site.store, audit.id).outcome.moderated_areas) == {"Chronology": "inadequate"}
    refused_unchanged(site, moira, path, {"moderated-grade": "good"}, None, "already moderated")

    quinn = site.signed_in(QUINN)
    page = quinn.get(f"/obligations/{signoff.id}").text
    assert "Sign off the moderated audit" in page and "Moderated grade" in page
    refused_unchanged(site, quinn, f"/obligations/{signoff.id}/outcome", {"date": "2024-06-30"}, "date", "in the future")
    answer = post(quinn, f"/obligations/{signoff.id}/outcome", {"date": ""})
    assert answer.status_code == 200 and "Signed off" in answer.text
    shown = one(site.store, audit.id).outcome
    assert shown.signoff_by == "HQA" and shown.signoff_on == date(2024, 6, 10)
    assert "QA signed off" in quinn.get(f"/obligations/{signoff.id}").text


def test_the_moderation_form_is_offered_only_to_whom_the_framework_lets_moderate(tameside: Site):
    site = tameside
    pat = site.signed_in(PAT)
    audit = tameside_audit(site)
    assert post(pat, f"/obligations/{audit.id}/outcome", {"grade": "good"}).status_code == 200
    assert recording.moderation_refusals(site.store, audit.id, "PM1", date(2024, 6, 10))[0].message == "an auditor cannot moderate their own audit"
    assert recording.moderation_refusals(site.store, audit.id, "MOD1", date(2024, 6, 10)) == []
    assert recording.moderation_refusals(site.store, audit.id, "H1", date(2024, 6, 10)) == []  # above the moderator
    assert "is not the moderator" in recording.moderation_refusals(site.store, audit.id, "SW2", date(2024, 6, 10))[0].message
    refused_unchanged(site, pat, f"/obligations/{audit.id}/moderate", {"moderated-grade": "good"}, None, "An auditor cannot moderate their own audit")
    olive = site.signed_in("olive.ops@example-council.gov.uk")  # sees the audit; neither the moderator nor above her
    assert "Moderate this audit" not in olive.get(f"/obligations/{audit.id}").text
    refused_unchanged(site, olive, f"/obligations/{audit.id}/moderate", {"moderated-grade": "good"}, None, "is not the moderator")
    hana = site.signed_in("hana.locality@example-council.gov.uk")  # the moderator's manager
    assert "Moderate this audit" in hana.get(f"/obligations/{audit.id}").text
    assert post(hana, f"/obligations/{audit.id}/moderate", {"moderated-grade": "good"}).status_code == 200



def test_the_triple_lock_is_three_people_whoever_moderated_the_audit_does_not_sign_it_off(tameside: Site, db_url: str, capsys):
    """Tameside: "all completed moderated audits are quality assured by the Head of QA". Alex Assistant (AD1, an
    Assistant Director) is above the moderator and above the Head of QA in the line: she may moderate Pat's
    audit for Moira, and she may sign off for Quinn, but not both: the sign-off of her own moderation is not
    offered, and refused (the page, qaf record), nothing written; the Head of QA signs it off, a third person."""
    from qaf.cli.main import main

    site = tameside
    audit = tameside_audit(site)
    recording.record(site.store, Recording(audit.id, "good", date=date(2024, 6, 5)), date(2024, 6, 10))
    (moderation,) = find(site.store, cause=audit.id, kind="moderation")
    alex = site.signed_in("alex.assistant@example-council.gov.uk")
    assert post(alex, f"/obligations/{moderation.id}/moderate", {"moderated-grade": "requires_improvement"}).status_code == 200
    (signoff,) = find(site.store, cause=audit.id, kind="qa_signoff")
    assert signoff.assignee == "HQA" and one(site.store, audit.id).outcome.moderated_by == "AD1"
    assert "Sign off the moderated audit" not in alex.get(f"/obligations/{signoff.id}").text
    refused_unchanged(site, alex, f"/obligations/{signoff.id}/outcome", {}, None, "moderated this audit")
    before = snapshot(site.store)
    assert main(["--db", db_url, "record", signoff.id, "--by", "AD1", "--today", "2024-06-10"]) != 0
    assert "moderated this audit" in capsys.readouterr().err and snapshot(site.store) == before
    quinn = site.signed_in(QUINN)
    assert post(quinn, f"/obligations/{signoff.id}/outcome", {}).status_code == 200
    assert one(site.store, audit.id).outcome.signoff_by == "HQA"

# --- refusals every form shares ---------------------------------------------------------------

FORMS = ("outcome", "moderate", "contest", "close")


@pytest.mark.parametrize("act", FORMS)
def test_another_lines_obligation_is_403_for_every_form(site: Site, act: str):
    client = site.signed_in(PAT)
    theirs = may_audit(site.store, "SW5", 5)  # Eve East's, in Priya Practice's line
    token = csrf(client.get("/my-work").text)
    before = snapshot(site.store)
    answer = client.post(f"/obligations/{theirs.id}/{act}", data={"csrf": token, "grade": "good", "moderated-grade": "good", "note": "x"})
    assert answer.status_code == 403 and theirs.case not in answer.text and "Eve East" not in answer.text
    assert snapshot(site.store) == before


@pytest.mark.parametrize("act", FORMS)
def test_a_form_without_its_csrf_token_or_signed_out_is_403(site: Site, act: str):
    client = site.signed_in(PAT)
    mine = may_audit(site.store, "SW1", 6)
    before = snapshot(site.store)
    for data in ({"grade": "good"}, {"grade": "good", "csrf": ""}, {"grade": "good", "csrf": "x" * 43}):
        assert client.post(f"/obligations/{mine.id}/{act}", data=data).status_code == 403
    assert site.browser().post(f"/obligations/{mine.id}/{act}", data={"grade": "good", "csrf": "x" * 43}).status_code == 403
    assert snapshot(site.store) == before


@pytest.mark.parametrize("act", FORMS)
def test_a_huge_or_unreadable_body_is_refused_for_every_form(site: Site, act: str):
    client = site.signed_in(PAT)
    mine = may_audit(site.store, "SW1", 6)
    token = csrf(client.get(f"/obligations/{mine.id}").text)
    before = snapshot(site.store)
    form = {"content-type": "application/x-www-form-urlencoded"}
    huge = client.post(f"/obligations/{mine.id}/{act}", content=f"csrf={token}&grade=good&notes=".encode() + b"x" * 300_000, headers=form)
    assert huge.status_code == 413
    latin = client.post(f"/obligations/{mine.id}/{act}", content=f"csrf={token}&grade=good&notes=caf".encode() + b"\xe9", headers=form)
    assert latin.status_code == 400 and "UTF-8" in latin.text
    multipart = client.post(f"/obligations/{mine.id}/{act}", files={"notes": ("n.txt", b"x")}, data={"csrf": token})
    assert multipart.status_code == 415
    assert snapshot(site.store) == before


def test_an_overseer_sees_the_page_but_may_not_act_for_the_line(site: Site):
    pat = site.signed_in(PAT)
    audit, _ = record_with_an_action(site, pat)
    (action,) = find(site.store, cause=audit.id, kind="action")
    open_audit = may_audit(site.store, "SW2", 6)
    hal = site.signed_in("hal.safeguard@example-council.gov.uk")  # the Head of Safeguarding oversees all; he is in nobody's line here
    page = hal.get(f"/obligations/{open_audit.id}")
    assert page.status_code == 200 and "Record the outcome" not in page.text
    refused_unchanged(site, hal, f"/obligations/{open_audit.id}/outcome", {"grade": "good"}, None,
                      "Hal Safeguard may not record for Pat Practice")  # fmt: skip
    assert "Close this action" not in hal.get(f"/obligations/{action.id}").text
    refused_unchanged(site, hal, f"/obligations/{action.id}/close", {"note": ""}, None, "may not close this action")


def test_other_work_is_marked_done_and_takes_no_grade_or_actions(site: Site):
    task = next(o for o in find(site.store, kind="task", assignee="PM1", status="open") if o.period_start <= date(2024, 6, 10))
    client = site.signed_in(PAT)
    page = client.get(f"/obligations/{task.id}").text
    assert "Mark as done" in page and 'name="grade"' not in page and 'name="action-1-what"' not in page
    path = f"/obligations/{task.id}/outcome"
    refused_unchanged(site, client, path, {"date": "2024-06-11"}, "date", "in the future")
    answer = post(client, path, {"notes": "Done at the team meeting.", "action-1-what": "ignored: a task raises no actions"})
    assert answer.status_code == 200 and "Marked done" in answer.text
    assert one(site.store, task.id).status == "done" and not find(site.store, cause=task.id, kind="action")


def test_why_this_case_writes_its_days_as_the_page_does(site: Site):
    """The reason stored with a pick ("... starts on 2024-07-01") reads as the page writes days elsewhere."""
    later = may_audit(site.store, "SW1", 7)  # July's audit: its case is chosen when July begins
    assert "2024-07-01" in later.sample_reason
    page = site.signed_in(PAT).get(f"/obligations/{later.id}").text
    why = re.search(r"<dt>Why this case</dt><dd>(.*?)</dd>", page, re.S).group(1)
    assert why == "A case is chosen when the period starts on 1 Jul 2024", why  # a sentence of its own: a capital first


def test_the_actions_an_audit_raised_are_listed_with_their_days_as_the_page_writes_days(site: Site):
    """On the audit's page and its review's, each action's due date reads "21 Jun 2024", never "2024-06-21"."""
    client = site.signed_in(PAT)
    audit, _ = record_with_an_action(site, client)
    (review,) = find(site.store, cause=audit.id, kind="review")
    for shown in (client.get(f"/obligations/{audit.id}").text, client.get(f"/obligations/{review.id}").text):
        assert "due 21 Jun 2024" in shown and "2024-06-21" not in shown


def test_a_form_sent_twice_is_refused_in_words_that_name_the_work_not_its_id(site: Site):
    """A double click (or Back and send again): the second is refused, nothing is written, and the page says
    "This audit is done", never "1f2cf4a2ed61e323 is done"."""
    client = site.signed_in(PAT)
    audit, _ = record_with_an_action(site, client)
    (action,) = find(site.store, cause=audit.id, kind="action")
    may = may_audit(site.store, "SW1", 5)
    olive, tom = site.signed_in(OLIVE), site.signed_in(TOM)
    assert post(olive, f"/obligations/{may.id}/contest", {}).status_code == 200
    assert post(tom, f"/obligations/{action.id}/close", {"note": "Done."}).status_code == 200
    for who, ob, act, data, words in (
        (client, audit, "outcome", {"grade": "good"}, "This audit is done"),
        (olive, may, "contest", {}, "This audit's grade is already contested"),
        (tom, action, "close", {"note": "Done."}, "This action is done"),
    ):  # fmt: skip
        answer = refused_unchanged(site, who, f"/obligations/{ob.id}/{act}", data, None, str(markupsafe.escape(words)))
        summary = re.search(r'<div class="error-summary".*?</div>', answer.text, re.S).group(0)
        assert not re.search(r"\b[0-9a-f]{16}\b", summary), summary


def test_a_moderation_sent_twice_names_who_moderated_and_when_as_the_page_does(site: Site):
    """Hana Locality settles Olive's contest of Tom's grade, then sends the form again: refused, saying the audit
    was already moderated "by Hana Locality on 10 June 2024", not "by H1 on 2024-06-10"."""
    may = may_audit(site.store, "SW1", 5)
    assert post(site.signed_in(OLIVE), f"/obligations/{may.id}/contest", {}).status_code == 200
    (settle,) = find(site.store, cause=may.id, kind="moderation")
    hana = site.signed_in("hana.locality@example-council.gov.uk")
    path = f"/obligations/{settle.id}/moderate"
    assert post(hana, path, {"moderated-grade": "good"}).status_code == 200
    answer = refused_unchanged(site, hana, path, {"moderated-grade": "good"}, None, "already moderated as good by Hana Locality on")
    summary = re.search(r'<div class="error-summary".*?</div>', answer.text, re.S).group(0)
    assert "H1" not in summary and 'on <span class="ref">10 June 2024</span>' in summary  # the day kept on one line


def test_audits_of_my_work_are_narrowed_by_my_works_filters_and_say_so(site: Site):
    """Tom's graded June audit (case CS-..., row 3.16, due in June) is listed under My work's filters that fit it,
    and not under a case, framework, row, kind, date or status that does not: the section says none match."""
    june, _ = record_with_an_action(site, site.signed_in(PAT))
    tom = site.signed_in(TOM)
    section = lambda query: html.unescape(tom.get(f"/my-work?{query}").text.partition('<h2 id="graded">')[2])  # noqa: E731
    for query in (f"case={june.case}", f"row={june.row}", f"framework={june.framework}", "kind=audit", "from=2024-06-01&to=2024-06-30", "status=done"):
        found = section(query)
        assert june.id in found and "that match the filters" in found, query
    other = next(r.id for r in site.store.framework(june.framework).rows if r.id != june.row)
    for query in ("case=CS-999999", f"row={other}", "kind=review", "from=2024-07-01", "to=2024-05-31", "status=overdue"):
        found = section(query)
        assert june.id not in found and "that match the filters" in found, query
    assert re.search(r"None of the \d+ match the filters", section("case=CS-999999"))
    assert june.id in section("") and "that match the filters" not in section("")


def test_with_nobody_in_the_post_an_alert_is_for_the_recorded_page_held_and_its_copy_names_its_reader(site: Site):
    """3.3: concerns in Olive Ops' audit of Pat's supervision alert the Head of Safeguarding, and the work is
    "forwarded to Head of Service". Hal Safeguard left on 5 June and nobody has his post: the page Olive sees
    after recording names Hana Locality as told (her copy, sent to her address), never "nobody", and says the
    alert is held for whoever holds the post."""
    from dataclasses import replace as changed

    from tests.council import PEOPLE, council

    site.store.save_org(council(people=tuple(changed(p, end=date(2024, 6, 5)) if p.id == "HS1" else p for p in PEOPLE)))
    audit = next(o for o in find(site.store, row="3.3", subject="PM1", kind="audit") if o.status == "open")
    answer = post(site.signed_in(OLIVE), f"/obligations/{audit.id}/outcome", {"grade": "requires_improvement", "concerns": "yes", "date": "2024-06-07"})
    assert answer.status_code == 200, answer.text
    told = re.findall(r"<li>(.*?)</li>", re.search(r'<ul class="list told">(.*?)</ul>', answer.text, re.S).group(1))
    assert [t.split(": ")[0] for t in told] == ["<strong>Hana Locality</strong> (alert)", "<strong>Hana Locality</strong> (copy)"], told
    assert "no Head of Safeguarding found for the assignee" in answer.text and "held" in answer.text
