"""A feed rendered again after a change writes only the events that changed (issue 16), and is the same bytes.

``qaf serve`` keeps each feed's events (:class:`qaf.web.kept.Events`) by what
they were written from, for the day, the organisation's and frameworks'
versions, the address and the reminder. A Practice Manager's feed after an
outcome is recorded takes every other event from those kept. On SQLite and
PostgreSQL.
"""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from qaf.calendars.events import FeedItem
from qaf.calendars.feed import EVENT, TODO, FeedOptions, render
from qaf.calendars.selection import Selection
from qaf.engine.model import Obligation, Outcome
from qaf.engine.outcomes import Recording
from qaf.engine.query import Filters
from qaf.store.feeds import last_served, served_since
from qaf.store.sql import SqlStore
from qaf.usecases import recording, tokens
from qaf.usecases.feeds import build
from qaf.web.kept import EVENT_OVERHEAD, Events
from qaf.web.serving import FeedServer, _feed_key
from tests.council import council
from tests.test_outcomes import april_audit, scheduled
from tests.test_shared_work import the_council

TODAY = date(2024, 6, 10)
NOW = datetime(2024, 6, 10, 9, 0, tzinfo=timezone.utc)
BASE = "https://qaf.example-council.gov.uk"


def test_every_feed_rendered_from_kept_events_is_the_bytes_rendered_from_nothing(store: SqlStore):
    """Every person's feed, events and to-dos, with and without the pages' address, on a day and a later one
    (reminders whose day has passed left out): written, then all taken from those kept, byte for byte."""
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    recording.record(store, Recording(audit.id, "inadequate", concerns=True, date=date(2024, 4, 22)), TODAY)
    written = Events(max_bytes=1 << 30)
    people = [p.id for p in store.org().people]
    for day in (TODAY, TODAY + timedelta(days=40)):
        for kind in (EVENT, TODO):
            for base in (BASE, ""):
                for pid in people:
                    fresh = build(store, Selection("person", pid), day, kind, base).body
                    for _ in range(2):
                        assert build(store, Selection("person", pid), day, kind, base, written=written).body == fresh, (day, kind, base, pid)
    everyone = build(store, Selection("all"), TODAY, EVENT, BASE).body
    assert build(store, Selection("all"), TODAY, EVENT, BASE, written=written).body == everyone
    assert everyone.count(b"BEGIN:VEVENT") > 100 and b"Set off by:" in everyone and b"\r\n " in everyone  # folded lines too


def test_after_an_outcome_only_the_changed_events_are_written_again(store: SqlStore):
    """East Sussex 3.16: the Practice Manager records an audit with significant concerns. Her feed, served again,
    writes the events of the work it set off, takes the rest from those kept, and is the feed rendered from nothing."""
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    token = tokens.issue(store, store.org(), store.vocabulary(), audit.assignee, None, "feed", NOW)[0]
    server = FeedServer(store, lambda: TODAY, ttl=0)
    before = server.load(token, "event", BASE).body
    assert server.events.written == before.count(b"BEGIN:VEVENT") > 10
    result = recording.record(store, Recording(audit.id, "inadequate", concerns=True, date=date(2024, 4, 22)), TODAY)
    after = server.load(token, "event", BASE).body
    assert after != before and server.renders == 2
    assert after == build(store, Selection("person", audit.assignee), TODAY, EVENT, BASE).body
    mine = [o for o in result.created if o.assignee == audit.assignee]
    assert mine and all(f"UID:{o.uid}".encode() in after for o in mine)
    assert f"UID:{audit.uid}".encode() not in after  # done in April: past the 30 days finished work stays
    changed = set(events_of(after)) - set(events_of(before))
    assert len(changed) == len(mine)  # the work it set off that is hers; nothing else in her feed changed
    assert server.events.written == before.count(b"BEGIN:VEVENT") + len(changed)


def test_a_feed_rendered_again_to_the_bytes_it_had_keeps_its_tag_and_gzip_and_the_stores_last_modified(store: SqlStore):
    """After a write elsewhere the Practice Manager's feed is rendered again to the same bytes: its ETag and gzip are
    the ones kept. Its Last-Modified is still the store's word: if another instance served other bytes meanwhile,
    these bytes changed again, now."""
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    token = tokens.issue(store, store.org(), store.vocabulary(), audit.assignee, None, "feed", NOW)[0]
    clock = [NOW]
    server = FeedServer(store, lambda: TODAY, ttl=0, now=lambda: clock[0])
    first = server.load(token, "event", BASE)
    assert first.gzip is not None and server.same == 0

    def write_elsewhere() -> None:
        body = server.load(token, "event", BASE).body
        other = next(o for o in store.obligations(Filters(kind="audit", statuses=frozenset({"open"}))) if o.uid.encode() not in body)
        recording.record(store, Recording(other.id, "good", date=other.period_start), TODAY)

    write_elsewhere()
    again = server.load(token, "event", BASE)
    assert server.renders == 2 and server.same == 1 and again is first  # tag, Last-Modified, headers and gzip as they were
    feed = _feed_key((tokens.digest(token), "event", BASE))
    with store.write() as conn:  # another instance served other bytes since (a change, then its undoing)
        served_since(conn, feed, '"other"', NOW + timedelta(hours=1))
    write_elsewhere()
    clock[0] = NOW + timedelta(hours=2)
    later = server.load(token, "event", BASE)
    assert server.renders == 3 and server.same == 2
    assert later.body == first.body and later.etag == first.etag and later.gzip is first.gzip
    assert later.last_modified == clock[0] != first.last_modified and later.headers["Last-Modified"] != first.headers["Last-Modified"]
    with store.read() as conn:
        assert last_served(conn, feed) == (first.etag, clock[0])


def unfolded(body: bytes) -> bytes:
    return body.replace(b"\r\n ", b"")


def events_of(body: bytes) -> list[bytes]:
    return [b"BEGIN:VEVENT" + part.split(b"END:VEVENT")[0] for part in body.split(b"BEGIN:VEVENT")[1:]]


def test_a_name_changed_in_the_organisation_shows_in_every_event_that_names_her(store: SqlStore):
    """The organisation loaded anew changes no obligation: every event naming the person is written again."""
    scheduled(store, "east-sussex-2013")
    token = tokens.issue(store, store.org(), store.vocabulary(), "PM1", None, "feed", NOW)[0]
    server = FeedServer(store, lambda: TODAY, ttl=0)
    org = store.org()
    old = org.person("PM1").name
    assert old.encode() in server.load(token, "event", BASE).body
    store.save_org(replace(org, people=tuple(replace(p, name="Priya Newname") if p.id == "PM1" else p for p in org.people)))
    body = server.load(token, "event", BASE).body
    assert b"Priya Newname" in body and old.encode() not in body
    assert body == build(store, Selection("person", "PM1"), TODAY, EVENT, BASE).body


def test_an_attendees_new_address_shows_though_the_meeting_itself_did_not_change(store: SqlStore):
    """East Sussex 1.6, the Chief Executive's meeting with the Director: a new email address for the Director changes
    no obligation (only a new name marks them changed), yet the Chief Executive's feed must invite her new address."""
    scheduled(store, "east-sussex-2013", org=the_council())
    token = tokens.issue(store, store.org(), store.vocabulary(), "CE1", None, "feed", NOW)[0]
    server = FeedServer(store, lambda: TODAY, ttl=0)
    org = store.org()
    old = org.person("D1").email
    assert f"ROLE=REQ-PARTICIPANT:mailto:{old}".encode() in unfolded(server.load(token, "event", BASE).body)
    new = "dana.director@new.example-council.gov.uk"
    sequences = sorted((o.id, o.sequence) for o in store.obligations(Filters(statuses=None)))
    store.save_org(replace(org, people=tuple(replace(p, email=new) if p.id == "D1" else p for p in org.people)))
    assert sorted((o.id, o.sequence) for o in store.obligations(Filters(statuses=None))) == sequences
    body = server.load(token, "event", BASE).body
    assert f"mailto:{new}".encode() in unfolded(body) and old.encode() not in unfolded(body)
    assert body == build(store, Selection("person", "CE1"), TODAY, EVENT, BASE).body


def test_the_next_day_a_reminder_whose_day_has_passed_leaves_the_kept_event(store: SqlStore):
    scheduled(store, "east-sussex-2013")
    token = tokens.issue(store, store.org(), store.vocabulary(), "PM1", None, "feed", NOW)[0]
    day = [TODAY]
    server = FeedServer(store, lambda: day[0], ttl=0)
    first = server.load(token, "event", BASE).body
    alarms = first.count(b"BEGIN:VALARM")
    for step in range(1, 30):  # until a reminder's day passes for some live obligation
        day[0] = TODAY + timedelta(days=step)
        later = server.load(token, "event", BASE).body
        assert later == build(store, Selection("person", "PM1"), day[0], EVENT, BASE).body, day[0]
        if later.count(b"BEGIN:VALARM") < alarms:
            break
    else:
        raise AssertionError("no reminder's day passed in a month")


def test_an_obligation_that_only_compares_equal_is_never_given_a_kept_event():
    """True == 1 and hash(True) == hash(1): with SEQUENCE:1's event kept, an obligation whose sequence is True is
    written as it is, not given it; an outcome changed while its obligation did not is written again."""
    org = council()
    one = Obligation(id="abcdef0123456789", framework="fw", row="1.2", cadence=1, kind="audit", title="t", assignee="SW1",
                     subject_kind="worker", subject="SW1", period_start=date(2024, 6, 1), period_end=date(2024, 6, 30),
                     due=date(2024, 6, 30), status="done", sequence=1, outcome=Outcome("good", by="PM1", date=date(2024, 6, 3)))  # fmt: skip
    opts = FeedOptions(name="n", uid="u", today=TODAY, base_url=BASE)
    known: dict = {}
    by_another = dataclasses.replace(one, outcome=Outcome("good", by="PM2", date=date(2024, 6, 4)))
    for ob in (one, dataclasses.replace(one, sequence=True), by_another, one):
        items = [FeedItem(ob, NOW)]
        for kind in (EVENT, TODO):
            got = render(items, {}, org, dataclasses.replace(opts, kind=kind), known)
            assert got == render(items, {}, org, dataclasses.replace(opts, kind=kind)), (ob.sequence, ob.outcome)
            assert b"Done on" in got and b"SEQUENCE:" in got  # shown: finished work within its 30 days


def test_events_are_kept_within_their_bytes_for_the_last_two_days_or_versions():
    written = Events(max_bytes=2 * 2 * (500 + EVENT_OVERHEAD))
    table = written.on(TODAY, ("org", 1), BASE, None)
    table["a"], table["b"] = b"x" * 500, b"x" * 500
    assert written.cached_bytes == 2 * (500 + EVENT_OVERHEAD)
    table["c"] = b"x" * 500  # past the bound: all forgotten, then kept
    assert set(table) == {"c"}
    assert written.on(TODAY, ("org", 1), "", None) is not table  # another address: its own events
