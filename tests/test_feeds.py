"""Calendar feeds a manager subscribes to stay right as work is done, moved, reassigned or cancelled.

Every feed here parses in a second, independent parser (vobject, validating)
and passes our own checks: CRLF line ends, lines of 75 octets or fewer,
folds that never split a character, UID and DTSTAMP on every event and
to-do (and a UID on every alarm), no TZID anywhere. Golden files for the
small council (``tests/data/feeds/``) pin the bytes; rewrite them only on
purpose, with ``QAF_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import dataclasses
import os
import re
import uuid
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import icalendar
import pytest
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text, update

from qaf.calendars import ics
from qaf.calendars.events import FeedItem, summary
from qaf.calendars.feed import FeedOptions, render
from qaf.calendars.selection import Selection
from qaf.engine.org import Org
from qaf.engine.outcomes import Recording
from qaf.engine.query import Filters
from qaf.engine.workdays import calendar as workdays_calendar
from qaf.rules import bundled
from qaf.rules.loader import load_framework
from qaf.store import feeds as feed_store
from qaf.store.obligations import find
from qaf.store.sql import SqlStore
from qaf.store.tables import OBLIGATIONS
from qaf.usecases import recording, scheduling
from qaf.usecases.feeds import build
from tests.conftest import PG_URL, _postgres_reachable
from tests.council import council

GOLDEN = Path(__file__).parent / "data" / "feeds"
YEAR = (date(2024, 4, 1), date(2025, 3, 31))
TODAY = date(2024, 6, 10)
PINNED = datetime(2024, 6, 10, 7, 30, tzinfo=timezone.utc)  # every obligation's last change, for the golden files
BASE = "https://qaf.example-council.gov.uk"
EAST_SUSSEX = load_framework(bundled.path("east-sussex-2013"))[0]
CASE_REF = re.compile(r"\b(?:CS|EH)-\d{6}\b")


# --- our own checks, beside vobject's ------------------------------------------------------------


def check_ical(body: bytes):
    """Every check a feed must pass; returns it as vobject parsed it."""
    assert body.endswith(b"\r\n"), "the last line ends with CRLF"
    lines = body.split(b"\r\n")[:-1]
    assert not [n for n, line in enumerate(lines) if b"\n" in line or b"\r" in line], "a bare LF or CR"
    assert not [line for line in lines if len(line) > 75], "a line longer than 75 octets"
    for line in lines:
        line.decode("utf-8")  # a fold never splits a UTF-8 sequence
    text = body.decode("utf-8")
    [vcal] = list(vobject.readComponents(text, validate=True))
    assert vcal.name == "VCALENDAR"
    for child in vcal.getChildren():
        if child.name in ("VEVENT", "VTODO"):
            assert "uid" in child.contents and "dtstamp" in child.contents, f"{child.name} without UID or DTSTAMP"
            for alarm in child.getChildren():
                if alarm.name == "VALARM":
                    assert "uid" in alarm.contents and "trigger" in alarm.contents
    defined = {tz.tzid.value for tz in vcal.contents.get("vtimezone", [])}
    unfolded = text.replace("\r\n ", "")
    assert set(re.findall(r";TZID=([^;:]+)", unfolded)) <= defined, "a TZID no VTIMEZONE defines"
    return vcal


def components(body: bytes) -> dict[str, icalendar.Component]:
    """The events or to-dos by UID, checked, then read by the other parser (icalendar)."""
    check_ical(body)
    cal = icalendar.Calendar.from_ical(body)
    return {str(c["UID"]): c for c in cal.walk() if c.name in ("VEVENT", "VTODO")}


def changed(before: bytes, after: bytes) -> tuple[set[str], set[str], set[str]]:
    """(uids whose component changed, uids added, uids removed)."""
    a, b = components(before), components(after)
    return {u for u in a.keys() & b.keys() if a[u].to_ical() != b[u].to_ical()}, b.keys() - a.keys(), a.keys() - b.keys()


# --- the small council's year -----------------------------------------------------------------


def people_with(**changes) -> tuple:
    return tuple(dataclasses.replace(p, **changes[p.id]) if p.id in changes else p for p in council().people)


def may_audit(store: SqlStore, worker: str, month: int = 5):
    return next(o for o in store.obligations(Filters(row="3.16", statuses=None))
                if o.subject == worker and o.kind == "audit" and o.period_start == date(2024, month, 1))  # fmt: skip


def pin(store: SqlStore, at: datetime = PINNED) -> None:
    """Every obligation last changed at ``at``: the store writes the wall clock, a golden file cannot."""
    table = OBLIGATIONS
    with store.write() as conn:
        conn.execute(update(table).values(updated_at=at))


def year(store: SqlStore) -> None:
    """East Sussex for the small council: a May audit done, one with concerns, April's done, a leaver."""
    store.save_framework(EAST_SUSSEX, bundled.path("east-sussex-2013").read_text())
    store.save_org(council())
    scheduling.schedule(store, EAST_SUSSEX, council(), *YEAR, TODAY)
    recording.record(store, Recording(may_audit(store, "SW1", 4).id, "good", date=date(2024, 4, 23)), TODAY)
    recording.record(store, Recording(may_audit(store, "SW1").id, "good", date=date(2024, 5, 20)), TODAY)
    recording.record(store, Recording(may_audit(store, "SW2").id, "requires_improvement", concerns=True, date=date(2024, 5, 21)), TODAY)
    leaving = council(people=people_with(SW4={"end": date(2024, 6, 30)}))  # Lee Leaver now leaves in June
    store.save_org(leaving)
    scheduling.schedule(store, EAST_SUSSEX, leaving, *YEAR, TODAY)
    pin(store)


def feed(store: SqlStore, sel: Selection, kind: str = "event", today: date = TODAY) -> bytes:
    return build(store, sel, today, kind, BASE).body


@pytest.fixture
def council_year(store: SqlStore) -> SqlStore:
    """The year, in a store of its own: for tests that change it."""
    year(store)
    return store


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_year(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SqlStore, str]]:
    """The year built once per database for the tests that only read it: (store, its URL)."""
    with scratch_store(request.param, tmp_path_factory) as (store, url):
        year(store)
        yield store, url


@contextmanager
def scratch_store(kind: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SqlStore, str]]:
    """A store that outlives one test (as ``tests.conftest.db_url`` makes them: a file, or a fresh schema)."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('feeds') / 'qaf.db'}"
        store = SqlStore.open(url)
        yield store, url
        store.close()
        return
    reason = _postgres_reachable()
    if reason and os.environ.get("QAF_REQUIRE_POSTGRES") == "1":
        pytest.fail(reason)
    if reason:
        pytest.skip(reason)
    schema = f"qaf_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}schema={schema}"
    store = SqlStore.open(url)
    try:
        yield store, url
    finally:
        store.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# --- every feed is valid ---------------------------------------------------------------------


SELECTIONS = [
    Selection("person", "PM1"), Selection("line", "OM1"), Selection("role", "OM"), Selection("team", "T1"),
    Selection("service", "Looked After Children"), Selection("all"), Selection("person", "SW1"),
]  # fmt: skip


def test_every_feed_parses_in_vobject_and_passes_our_own_checks(shared_year: tuple[SqlStore, str]):
    council_year = shared_year[0]
    for sel in SELECTIONS:
        for kind in ("event", "todo") if sel.by != "all" else ("event",):
            vcal = check_ical(feed(council_year, sel, kind))
            assert vcal.x_wr_calname.value.startswith("QA: ") and vcal.x_published_ttl.value == "PT4H"
            assert vcal.refresh_interval.value == "PT4H" and vcal.refresh_interval.params["VALUE"] == ["DURATION"]


def test_a_persons_feed_is_all_day_events_on_the_due_date_free_time_with_a_reminder(shared_year: tuple[SqlStore, str]):
    council_year = shared_year[0]
    events = components(feed(council_year, Selection("person", "PM1")))
    open_ = {o.uid: o for o in council_year.obligations(Filters(assignees=frozenset({"PM1"}), statuses=frozenset({"open"})))}
    assert set(open_) <= set(events)
    for uid, ob in open_.items():
        ev = events[uid]
        assert ev["DTSTART"].params.get("VALUE") == "DATE" and ev.decoded("DTSTART") == ob.due
        assert ev.decoded("DTEND") == ob.due + timedelta(days=1)
        assert (str(ev["TRANSP"]), str(ev["STATUS"])) == ("TRANSPARENT", "CONFIRMED")
        # what, which case, the row; the task follows in the description
        what, task = ob.title.split(" — ", 1)
        assert str(ev["SUMMARY"]) == f"{what} · row {ob.row}"
        assert f"Task (row {ob.row}): {task.removeprefix(ob.row + ' ').rstrip('…')}" in str(ev["DESCRIPTION"])
        assert ev["SEQUENCE"] == ob.sequence and ev.decoded("DTSTAMP") == PINNED == ev.decoded("LAST-MODIFIED")
        assert [str(c) for c in ev["CATEGORIES"].cats][1] == f"Row {ob.row}"
        assert f"Open it: {BASE}/obligations/{ob.id}" in str(ev["DESCRIPTION"])
        # a reminder whose day has passed is left out (issue 12, item 16): a client would only show it as missed
        reminder_day = workdays_calendar("england-and-wales").add(ob.due, -5)
        assert [a.name for a in ev.subcomponents] == (["VALARM"] if reminder_day >= TODAY else [])
    assert any(ev.subcomponents for ev in events.values())  # the year ahead still has its reminders


def test_the_reminder_counts_five_working_days_back_over_the_spring_bank_holiday(shared_year: tuple[SqlStore, str]):
    """May 2024's audits are due Friday 31 May; Monday 27 May is a bank holiday, so five working days
    before is Thursday 23 May, and the reminder fires at 09:00 that day: 8 days less 9 hours before."""
    council_year = shared_year[0]
    june = may_audit(council_year, "SW4")  # Lee Leaver leaves in June: his May audit is still open
    ev = components(feed(council_year, Selection("person", "PM1"), today=date(2024, 5, 23)))[june.uid]  # on the reminder's day
    assert june.due == date(2024, 5, 31)
    [alarm] = ev.subcomponents
    assert alarm.decoded("TRIGGER") == -timedelta(days=8) + timedelta(hours=9)
    assert str(alarm["ACTION"]) == "DISPLAY" and "Due Fri 31 May 2024" in str(alarm["DESCRIPTION"])


# --- golden files ------------------------------------------------------------------------------


@pytest.mark.parametrize("name, sel, kind", [
    ("pm1-events.ics", Selection("person", "PM1"), "event"),
    ("pm1-todos.ics", Selection("person", "PM1"), "todo"),
    ("om1-line-events.ics", Selection("line", "OM1"), "event"),
])  # fmt: skip
def test_the_small_councils_feeds_match_their_golden_files(shared_year: tuple[SqlStore, str], name: str, sel: Selection, kind: str):
    council_year = shared_year[0]
    body = feed(council_year, sel, kind)
    assert feed(council_year, sel, kind) == body, "rendering twice gives the same bytes"
    path = GOLDEN / name
    if os.environ.get("QAF_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        pytest.skip(f"rewrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}: review the diff")
    assert path.is_file(), f"{path} is missing: QAF_UPDATE_GOLDEN=1 python -m pytest tests/test_feeds.py"
    assert body == path.read_bytes(), f"{name} differs from its golden file (QAF_UPDATE_GOLDEN=1 to rewrite it, on purpose)"
    check_ical(body)


# --- changes update in place ------------------------------------------------------------------


def test_recording_an_outcome_changes_that_event_and_no_other(council_year: SqlStore):
    audit = may_audit(council_year, "SW4")
    before = feed(council_year, Selection("person", "PM1"))
    recording.record(council_year, Recording(audit.id, "good", date=date(2024, 6, 3)), TODAY)
    after = feed(council_year, Selection("person", "PM1"))
    assert changed(before, after) == ({audit.uid}, set(), set())
    old, new = components(before)[audit.uid], components(after)[audit.uid]
    assert new["SEQUENCE"] == old["SEQUENCE"] + 1
    assert str(new["SUMMARY"]) == "✓ Done: " + audit.title.split(" — ")[0] + " · row 3.16" and str(new["STATUS"]) == "CONFIRMED"
    assert "Done on Mon 3 Jun 2024 by Pat Practice." in str(new["DESCRIPTION"])
    assert not new.subcomponents, "no reminder for work that is done"
    assert new.decoded("DTSTAMP") > PINNED and new.decoded("LAST-MODIFIED") == new.decoded("DTSTAMP")


def test_a_to_do_is_completed_in_place(council_year: SqlStore):
    audit = may_audit(council_year, "SW4")
    before = feed(council_year, Selection("person", "PM1"), "todo")
    recording.record(council_year, Recording(audit.id, "good", date=date(2024, 6, 3)), TODAY)
    after = feed(council_year, Selection("person", "PM1"), "todo")
    assert changed(before, after) == ({audit.uid}, set(), set())
    todo = components(after)[audit.uid]
    assert (str(todo["STATUS"]), todo["PERCENT-COMPLETE"]) == ("COMPLETED", 100)
    assert todo.decoded("DUE") == audit.due and todo.decoded("DTSTART") == audit.period_start


def test_concerns_add_the_follow_ups_beside_the_event_that_changed(council_year: SqlStore):
    audit = may_audit(council_year, "SW4")
    before = feed(council_year, Selection("person", "PM1"))
    result = recording.record(council_year, Recording(audit.id, "inadequate", concerns=True, date=date(2024, 6, 3)), TODAY)
    after = feed(council_year, Selection("person", "PM1"))
    assert changed(before, after) == ({audit.uid}, {o.uid for o in result.created}, set())
    review = next(o for o in result.created if o.kind == "review")
    description = str(components(after)[review.uid]["DESCRIPTION"])
    assert f"Set off by: {audit.title} ({audit.id})." in description


def test_a_new_line_manager_gets_the_event_with_the_same_uid_and_a_higher_sequence(council_year: SqlStore):
    toms = [o for o in council_year.obligations(Filters(row="3.16", statuses=frozenset({"open"}))) if o.subject == "SW1"]
    pm1_before, pm2_before = (components(feed(council_year, Selection("person", p))) for p in ("PM1", "PM2"))
    moved = council(people=people_with(SW1={"manager": "PM2"}, SW4={"end": date(2024, 6, 30)}))
    council_year.save_org(moved)
    scheduling.schedule(council_year, EAST_SUSSEX, moved, *YEAR, TODAY)
    pm1_after, pm2_after = (components(feed(council_year, Selection("person", p))) for p in ("PM1", "PM2"))
    assert toms
    for ob in toms:
        assert ob.uid in pm1_before and ob.uid not in pm1_after
        assert ob.uid in pm2_after and ob.uid not in pm2_before
        assert pm2_after[ob.uid]["SEQUENCE"] > pm1_before[ob.uid]["SEQUENCE"]
        assert "Assigned to: Priya Practice" in str(pm2_after[ob.uid]["DESCRIPTION"])
    assert set(pm1_after) == set(pm1_before) - {o.uid for o in toms}, "nothing else moved"


def test_a_leavers_audits_are_cancelled_in_place(shared_year: tuple[SqlStore, str]):
    council_year = shared_year[0]
    events = components(feed(council_year, Selection("person", "PM1")))
    lees = [o for o in council_year.obligations(Filters(row="3.16", statuses=frozenset({"cancelled"}))) if o.subject == "SW4"]
    assert lees and {o.period_start.month for o in lees} >= {7, 8, 9}
    for ob in lees:
        ev = events[ob.uid]
        assert str(ev["STATUS"]) == "CANCELLED" and str(ev["SUMMARY"]).startswith("Cancelled: ")
        assert ev["SEQUENCE"] == 1 and not ev.subcomponents
    todos = components(feed(council_year, Selection("person", "PM1"), "todo"))
    assert {str(todos[o.uid]["STATUS"]) for o in lees} == {"CANCELLED"}


def test_done_work_stays_for_thirty_days_after_it_was_due_then_leaves(shared_year: tuple[SqlStore, str]):
    council_year = shared_year[0]
    april, may = may_audit(council_year, "SW1", 4), may_audit(council_year, "SW1")
    events = components(feed(council_year, Selection("person", "PM1")))
    assert april.uid not in events  # due 30 April, done 23 April: gone by 10 June
    assert str(events[may.uid]["SUMMARY"]).startswith("✓ Done: ")  # due 31 May: kept until 30 June
    assert may.uid in components(feed(council_year, Selection("person", "PM1"), today=date(2024, 6, 30)))
    assert may.uid not in components(feed(council_year, Selection("person", "PM1"), today=date(2024, 7, 1)))
    wider = build(council_year, Selection("person", "PM1"), TODAY, "event", BASE, done_days=60).body
    assert april.uid in components(wider)


# --- privacy ---------------------------------------------------------------------------------


def test_feeds_name_cases_by_reference_and_people_by_staff_names_only(shared_year: tuple[SqlStore, str]):
    council_year = shared_year[0]
    org = council()
    staff = {p.name for p in org.people}
    body = feed(council_year, Selection("all")).decode("utf-8").replace("\r\n ", "")
    assert set(CASE_REF.findall(body)) <= {c.ref for c in org.cases}
    assert not re.findall(r"\b[A-Z]{2,3}-\d+\b", CASE_REF.sub("", body)), "something shaped like a case reference that is not one"
    for ref, name in re.findall(r"\b((?:CS|EH)-\d{6}) \(([^)]*)\)", body):
        assert name in staff, f"{ref} is followed by '{name}', not a member of staff"
    for line in re.findall(r"^(?:DESCRIPTION|SUMMARY):.*$", body, re.M):
        for who in re.findall(r"(?:Assigned to|by) ([A-Z][a-z]+ [A-Z][a-z]+)", line):
            assert who in staff


# --- the store's side ---------------------------------------------------------------------------


def test_feed_items_select_exactly_what_find_selects(shared_year: tuple[SqlStore, str]):
    council_year = shared_year[0]
    for f in (Filters(statuses=None), Filters(assignees=frozenset({"PM1", "OM1"})), Filters(row="3.16", kind="audit"),
              Filters(teams=frozenset({"T1"}), due_from=date(2024, 6, 1), due_to=date(2024, 9, 30)), Filters()):  # fmt: skip
        with council_year.read() as conn:
            got, want = [i.obligation for i in feed_store.items(conn, f)], find(conn, f)
        assert got == want
        outcome = lambda o: o.outcome and (o.outcome.grade, o.outcome.concerns, o.outcome.by, o.outcome.date)  # noqa: E731
        assert [outcome(o) for o in got] == [outcome(o) for o in want]


def test_the_store_version_moves_with_every_change_a_feed_could_show(council_year: SqlStore):
    def version() -> str:
        with council_year.read() as conn:
            return feed_store.version(conn)

    first = version()
    assert version() == first
    recording.record(council_year, Recording(may_audit(council_year, "SW4").id, "good", date=date(2024, 6, 3)), TODAY)
    second = version()
    assert second != first
    council_year.save_org(council())
    assert version() != second


# --- the renderer alone: any title, any stamp ----------------------------------------------------


def _item(title: str, stamp: datetime, status: str = "open") -> FeedItem:
    from qaf.engine.model import Obligation

    ob = Obligation("0123456789abcdef", "east-sussex-2013", "3.16", 0, "audit", title, "PM1", "worker", "SW1",
                    date(2024, 5, 1), date(2024, 5, 31), date(2024, 5, 31), "CS-000001", "T1", status,
                    cause="fedcba9876543210")  # fmt: skip
    return FeedItem(ob, stamp, cause_title=title)  # the whole title, unshortened, in "Set off by: ..."


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=300),
    stamp=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)).map(lambda d: d.replace(tzinfo=timezone.utc, microsecond=0)),
    status=st.sampled_from(["open", "done", "cancelled", "waived", "rescheduled"]),
    kind=st.sampled_from(["event", "todo"]),
)  # fmt: skip
def test_any_title_survives_a_round_trip_through_vobject(title: str, stamp: datetime, status: str, kind: str):
    opts = FeedOptions(name="QA: " + title[:40], uid="x-feed@qaf", today=date(2024, 6, 10), kind=kind)
    body = render([_item(title, stamp, status)], {"east-sussex-2013": EAST_SUSSEX}, Org(), opts)
    assert render([_item(title, stamp, status)], {"east-sussex-2013": EAST_SUSSEX}, Org(), opts) == body
    [component] = components(body).values()
    shown = summary(_item(title, stamp, status).obligation)
    assert str(component["SUMMARY"]) == shown and component.decoded("DTSTAMP") == stamp
    assert f"Set off by: {title} (fedcba9876543210)." in str(component["DESCRIPTION"])
    [vcal] = list(vobject.readComponents(body.decode("utf-8")))
    child = next(c for c in vcal.getChildren() if c.name in ("VEVENT", "VTODO"))
    assert child.summary.value == shown and f"Set off by: {title} (fedcba9876543210)." in child.description.value


_ODD = st.lists(st.sampled_from(["a", " ", ",", ";", "\\", "\r", "\n", "\r\n", "\x01", "\t", "é", ".", "Ω"]), max_size=12).map("".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=_ODD, title=_ODD, reason=_ODD, sample=_ODD, case=_ODD, status=st.sampled_from(["open", "done", "cancelled", "waived", "rescheduled"]),
       copied=st.booleans())  # fmt: skip
def test_a_description_escaped_a_line_at_a_time_is_the_description_escaped_whole(name, title, reason, sample, case, status, copied):
    """Commas, semicolons, backslashes, CRs and LFs (a CR at a line's end beside the next line's break), control
    characters and non-ASCII, in a name, a cause's title, a reason, a case: the DESCRIPTION written is
    ``ics.text`` of the description, every time, with its shared lines escaped once and kept."""
    from qaf.calendars import events
    from qaf.engine.model import Obligation, Outcome
    from tests.council import council, person

    org = council(people=(person("PM1", "Pat " + name, "Practice Manager", "T1", None), person("SW1", name or "S", "Social Worker", "T1", "PM1")))
    ob = Obligation("0123456789abcdef", "east-sussex-2013", "3.16", 0, "audit", "Audit " + title, "PM1", "worker", "SW1",
                    date(2024, 5, 1), date(2024, 5, 31), date(2024, 5, 31), case or None, "T1", status, reason or None,
                    cause="fedcba9876543210", sample_reason=sample or None, copies=("SW1",) if copied else (),
                    outcome=Outcome("good", by="SW1", date=date(2024, 5, 2)) if status == "done" else None)  # fmt: skip
    ctx = events.Context.of(EAST_SUSSEX, org, "https://qaf.example.org", None, date(2024, 6, 10))
    item = FeedItem(ob, datetime(2024, 5, 2, 9, tzinfo=timezone.utc), cause_title=title)
    for _ in range(2):  # written, then with its shared lines kept
        assert events.escaped_description(item, ctx) == ics.text(events.description(item, ctx))


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_folding_keeps_every_line_to_75_octets_and_unfolds_to_the_same_text(value: str):
    raw = ics.line("DESCRIPTION", ics.text(value))
    assert raw.endswith(b"\r\n") and raw.count(b"\r\n") == raw.count(b"\r\n ") + 1
    physical = raw[:-2].split(b"\r\n")
    assert all(len(part) <= 75 for part in physical)
    for part in physical:
        part.decode("utf-8")  # never a split character
        assert (len(part) - len(part.rstrip(b"\\"))) % 2 == 0 or part is physical[-1], "a fold after an escaping backslash"
    unfolded = raw[:-2].replace(b"\r\n ", b"").decode("utf-8")
    assert unfolded == "DESCRIPTION:" + ics.text(value)
    [vcal] = vobject.readComponents(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n{raw.decode()}END:VCALENDAR\r\n")
    # line breaks are kept; any other control character becomes a space (RFC 5545 allows none in TEXT: issue 12, item 17)
    expected = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", value.replace("\r\n", "\n").replace("\r", "\n"))
    assert vcal.description.value == expected


@pytest.mark.parametrize("module", ["qaf.calendars.ics", "qaf.calendars.http", "qaf.usecases.tokens", "qaf.calendars.access"])
def test_module_examples_run(module: str):
    import doctest
    import importlib

    assert doctest.testmod(importlib.import_module(module)).failed == 0


# --- qaf feed ---------------------------------------------------------------------------------


def qaf(argv: list[str]) -> int:
    """``qaf.cli.main.main`` with ``qaf feed``/``qaf token`` registered (until cli.py registers them itself)."""
    from qaf.cli import feeds as cli_feeds
    from qaf.cli import main as cli

    parser = cli.build_parser()
    sub = parser._subparsers._group_actions[0]  # the top-level commands
    if "feed" not in sub.choices:
        cli_feeds.register(sub)
    original = cli.build_parser
    cli.build_parser = lambda: parser
    try:
        return cli.main(argv)
    finally:
        cli.build_parser = original


def test_qaf_feed_writes_the_same_file_the_url_serves(shared_year: tuple[SqlStore, str], tmp_path: Path, capsys):
    council_year, db_url = shared_year
    out = tmp_path / "pm1.ics"
    assert qaf(["--db", db_url, "feed", "--person", "PM1", "-o", str(out), "--today", "2024-06-10", "--base-url", BASE]) == 0
    assert out.read_bytes() == feed(council_year, Selection("person", "PM1"))
    assert "events" in capsys.readouterr().out
    assert qaf(["--db", db_url, "feed", "--role", "Operations Manager", "--todo", "--today", "2024-06-10"]) == 0
    check_ical(capsys.readouterr().out.encode("utf-8"))


def test_qaf_feed_takes_the_base_url_from_the_settings_file_as_qaf_serve_and_email_do(shared_year: tuple[SqlStore, str], tmp_path: Path,
                                                                                         capsys, monkeypatch):  # fmt: skip
    """QAF_BASE_URL in the QAF_SETTINGS file made the emails' links; 'qaf feed' read only the environment's."""
    council_year, db_url = shared_year
    settings = tmp_path / "qaf.env"
    settings.write_text(f"QAF_BASE_URL={BASE}/\n")
    monkeypatch.delenv("QAF_BASE_URL", raising=False)
    monkeypatch.setenv("QAF_SETTINGS", str(settings))
    out = tmp_path / "pm1.ics"
    assert qaf(["--db", db_url, "feed", "--person", "PM1", "-o", str(out), "--today", "2024-06-10"]) == 0
    assert out.read_bytes() == feed(council_year, Selection("person", "PM1"))  # BASE's links, as --base-url gives
    capsys.readouterr()
    for wrong in ("qaf.example-council.gov.uk", "ftp://qaf.example-council.gov.uk", "https://qaf.example-council.gov.uk/?page=1"):
        # a bad argument: exit 2, as every other option's (it was 1), the message led by the option
        assert qaf(["--db", db_url, "feed", "--person", "PM1", "--base-url", wrong]) == 2
        assert capsys.readouterr().err.startswith(f"qaf: --base-url: '{wrong}': not a usable base URL")


def test_qaf_feed_refuses_an_unknown_team_and_writes_nothing(shared_year: tuple[SqlStore, str], tmp_path: Path, capsys):
    council_year, db_url = shared_year
    out = tmp_path / "t9.ics"
    assert qaf(["--db", db_url, "feed", "--team", "T9", "-o", str(out)]) == 2  # a mistyped argument, as qaf due's (it was 1)
    assert "qaf: --team: no team 'T9'" in capsys.readouterr().err and not out.exists()


@pytest.mark.parametrize("kind", ["event", "todo"])
def test_work_due_on_the_last_day_python_holds_does_not_break_the_feed_it_is_in(kind: str):
    """An older qaf let an action be given 'due: 9999-12-31'; the event's end (the day after) overflowed and
    every feed holding it failed. It now ends on its own day, and the feed around it renders."""
    far = dataclasses.replace(_item("Action", datetime(2024, 6, 1, tzinfo=timezone.utc)).obligation,
                              id="00000000000000ff", period_end=date.max, due=date.max, cause=None)  # fmt: skip
    items = [_item("Audit", datetime(2024, 6, 1, tzinfo=timezone.utc)), FeedItem(far, datetime(2024, 6, 1, tzinfo=timezone.utc))]
    body = render(items, {"east-sussex-2013": EAST_SUSSEX}, Org(), FeedOptions(name="QA", uid="x@qaf", today=date(2024, 6, 10), kind=kind))
    assert len(components(body)) == 2 and b"99991231" in body  # both rendered, the far one on its day
