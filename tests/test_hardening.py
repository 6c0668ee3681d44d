"""Issue 12: nothing lost, nothing leaked, nothing accepted that later breaks.

Each test is named after the numbered item of the issue it holds to; each
failed on the code before the fix.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

import pytest

from sqlalchemy import select

from qaf.engine.notices import Notice
from qaf.store import outbox as ob_store
from qaf.store.outcomes import outbox_rows
from qaf.store.sql import SqlStore
from qaf.store.tables import OUTBOX
from qaf.store.upsert import insert_new
from qaf.usecases.tick import digest_text

DAY = date(2026, 5, 11)
NOW = datetime(2026, 5, 11, 5, 0, tzinfo=timezone.utc)


def queue(store: SqlStore, *notices: Notice) -> None:
    with store.write() as conn:
        insert_new(conn, OUTBOX, outbox_rows(notices, NOW), ["key"])


def reminder(n: int, who: str = "P1") -> Notice:
    return Notice(f"reminder/{n}", who, f"{who.lower()}@example-council.gov.uk", f"Reminder: audit number {n} is due",
                  f"Pat Practice\nAudit number {n} is due.", "reminder", f"ob{n}", digest=True)  # fmt: skip


def outbox_rows_of(store: SqlStore) -> list:
    with store.read() as conn:
        return conn.execute(select(OUTBOX).order_by(OUTBOX.c.id)).all()


def test_issue12_1_digest_items_gathered_a_second_time_on_one_date_each_reach_their_person_once(store: SqlStore):
    queue(store, reminder(1), reminder(2))
    with store.write() as conn:
        assert ob_store.gather_digests(conn, DAY, NOW, digest_text) == 1
    queue(store, reminder(3))  # arrives after the date was gathered (a crash after digests; a leader take-over)
    with store.write() as conn:
        assert ob_store.gather_digests(conn, DAY, NOW + timedelta(hours=1), digest_text) == 1
    rows = outbox_rows_of(store)
    digests = [r for r in rows if r.reason == "digest"]
    items = [r for r in rows if r.digest]
    assert len(digests) == 2 and all(r.status == "digested" for r in items)
    for item in items:  # every item is listed in exactly the digest it is linked to, and in no other
        listing = [d.key for d in digests if item.subject in d.body_text]
        assert listing == [item.digest_key], item.subject
    with store.write() as conn:  # a third gather with nothing new makes nothing
        assert ob_store.gather_digests(conn, DAY, NOW + timedelta(hours=2), digest_text) == 0


def test_issue12_2_email_a_killed_tick_left_sending_goes_at_the_next_tick_of_the_same_date(store: SqlStore):
    from qaf.clock import utc_now
    from qaf.store import ticks
    from qaf.usecases.mail import MailSettings
    from qaf.usecases.tick import run_tick
    from tests.smtp import Inbox, free_port, smtp_server

    alert = Notice("alert/x", "P1", "pat@example-council.gov.uk", "Alert: significant concerns", "Pat\nConcerns.", "alert", "ob1")
    queue(store, alert)
    wall = utc_now()
    with store.write() as conn:  # a tick ran for DAY, claimed the email, and was killed before sending it
        ticks.claim_tick(conn, DAY, "dead:1", wall - timedelta(hours=1))
        ticks.finish_tick(conn, DAY, "dead:1", wall - timedelta(hours=1), {})
        assert [c.key for c in ob_store.claim(conn, "dead:1", NOW, wall - timedelta(minutes=10))] == ["alert/x"]
    assert [r.status for r in outbox_rows_of(store)] == ["sending"]
    inbox, port = Inbox(), free_port()
    with smtp_server(inbox, port):
        result = run_tick(store, DAY, MailSettings(host="127.0.0.1", port=port), "live:2", wall=utc_now)
    assert result.status == "done before" and result.sent == 1
    assert inbox.keys() == ["alert/x"]
    assert [r.status for r in outbox_rows_of(store)] == ["sent"]


def test_issue12_3_a_live_lease_is_never_taken_and_an_expired_one_is(store: SqlStore):
    """The claim's lease condition: another runner gets nothing while the holder's lease runs, everything after."""
    import os
    import socket

    holder, other = f"{socket.gethostname()}:{os.getpid()}", "elsewhere.example:2"  # both alive, as far as qaf can tell
    queue(store, *(Notice(f"alert/{n}", "P1", "pat@example-council.gov.uk", f"Alert {n}", "Pat\n.", "alert", f"ob{n}") for n in range(3)))
    wall = datetime(2026, 5, 11, 7, 0, tzinfo=timezone.utc)
    with store.write() as conn:
        assert len(ob_store.claim(conn, holder, NOW, wall)) == 3
    with store.write() as conn:
        assert ob_store.claim(conn, other, NOW, wall + ob_store.LEASE - timedelta(seconds=1)) == []
    with store.write() as conn:
        taken = ob_store.claim(conn, other, NOW, wall + ob_store.LEASE + timedelta(seconds=1))
    assert sorted(c.key for c in taken) == ["alert/0", "alert/1", "alert/2"]


def test_issue12_3_only_the_runner_holding_the_claim_marks_a_message_sent(store: SqlStore):
    """mark_sent checks claimed_by: a runner whose lease expired and was taken over cannot mark the row."""
    first, second = "elsewhere.example:1", "elsewhere.example:2"
    queue(store, Notice("alert/a", "P1", "pat@example-council.gov.uk", "Alert a", "Pat\n.", "alert", "ob1"))
    wall = datetime(2026, 5, 11, 7, 0, tzinfo=timezone.utc)
    with store.write() as conn:
        [mine] = ob_store.claim(conn, first, NOW, wall)
    with store.write() as conn:  # the first runner stalled past its lease; the second took the row over
        [theirs] = ob_store.claim(conn, second, NOW, wall + ob_store.LEASE + timedelta(minutes=1))
    with store.write() as conn:
        assert ob_store.mark_sent(conn, mine, first, NOW) is False
    [row] = outbox_rows_of(store)
    assert (row.status, row.claimed_by) == ("sending", second)
    with store.write() as conn:
        assert ob_store.mark_sent(conn, theirs, second, NOW) is True
    assert outbox_rows_of(store)[0].status == "sent"


def test_issue12_3_a_claim_held_by_a_process_that_is_gone_is_taken_at_once(store: SqlStore):
    import socket
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "from qaf.cli.common import runner_name; print(runner_name())"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    assert dead.startswith(f"{socket.gethostname()}:")
    queue(store, Notice("alert/b", "P1", "pat@example-council.gov.uk", "Alert b", "Pat\n.", "alert", "ob1"))
    wall = datetime(2026, 5, 11, 7, 0, tzinfo=timezone.utc)
    with store.write() as conn:
        assert len(ob_store.claim(conn, dead, NOW, wall)) == 1
    with store.write() as conn:  # well inside the dead runner's lease
        assert [c.key for c in ob_store.claim(conn, "elsewhere.example:3", NOW, wall + timedelta(seconds=5))] == ["alert/b"]


def test_two_runners_of_one_host_and_pid_are_two_runners(store: SqlStore, monkeypatch):
    """Two containers with one hostname, each qaf the first process of its own (pid 1), were both named
    'qaf:1': the second's `qaf tick` took the first's live claim on the day as its own and ran the day's tick
    beside it, and each could hand back or mark the other's email. Each runner's name now carries a token
    made as it starts: the second is told busy, and gets none of the first's email."""
    import os
    import socket

    from qaf.cli.common import runner_name
    from qaf.store import ticks

    monkeypatch.setattr(socket, "gethostname", lambda: "qaf")
    monkeypatch.setattr(os, "getpid", lambda: 1)
    first, second = runner_name(), runner_name()  # as two containers name themselves as they start
    monkeypatch.undo()
    assert first.startswith("qaf:1:") and second.startswith("qaf:1:") and first != second
    wall = datetime(2026, 5, 11, 6, 0, tzinfo=timezone.utc)
    with store.write() as conn:
        assert ticks.claim_tick(conn, date(2026, 5, 11), first, wall) == "run"
    with store.write() as conn:
        assert ticks.claim_tick(conn, date(2026, 5, 11), second, wall + timedelta(minutes=1)) == "busy"
    queue(store, Notice("alert/a", "P1", "pat@example-council.gov.uk", "Alert a", "Pat\n.", "alert", "ob1"))
    with store.write() as conn:
        [mine] = ob_store.claim(conn, first, NOW, wall)
    with store.write() as conn:
        assert ob_store.claim(conn, second, NOW, wall + timedelta(seconds=5)) == []
        assert ob_store.hand_back(conn, [mine], second) == 0
        assert ob_store.mark_sent(conn, mine, second, NOW) is False
    with store.write() as conn:
        assert ob_store.mark_sent(conn, mine, first, NOW) is True


def test_a_runner_of_another_container_on_this_host_is_not_taken_for_dead(store: SqlStore):
    """A container sharing this machine's hostname (network_mode: host) has pids of its own: its runner's pid,
    not found here, made it look dead, and its email was claimed again while its lease ran (sent twice). Only
    a runner of this kernel and pid namespace is asked after by its pid; any other's lease tells, as does that
    of a runner named as before (host:pid, which does not say where its pid is)."""
    import socket

    host = socket.gethostname()
    wall = datetime(2026, 5, 11, 7, 0, tzinfo=timezone.utc)
    for n, other in enumerate((f"{host}:4000000", f"{host}:4000000:00000000.0123abcd")):  # pids there are not pids here
        queue(store, Notice(f"alert/{n}", "P1", "pat@example-council.gov.uk", "Alert", "Pat\n.", "alert", "ob1"))
        with store.write() as conn:
            assert len(ob_store.claim(conn, other, NOW, wall)) == 1
        with store.write() as conn:
            assert ob_store.claim(conn, "elsewhere.example:3", NOW, wall + timedelta(seconds=5)) == [], other


def test_issue12_4_each_council_on_a_postgresql_server_has_its_own_leader():
    """With one schema per council (as the README advises), every council's service leads its own ticks."""
    from qaf.store.db import temporary_schema
    from qaf.store.leader import Leadership
    from tests.conftest import PG_URL, _postgres_or_skip

    _postgres_or_skip()
    with temporary_schema(PG_URL, "qaf_test") as council_a, temporary_schema(PG_URL, "qaf_test") as council_b:
        stores = [SqlStore.open(u) for u in (council_a, council_a, council_b)]
        a1, a2, b1 = (Leadership(s, u) for s, u in zip(stores, (council_a, council_a, council_b)))
        try:
            assert a1.try_acquire()
            assert not a2.try_acquire()  # one leader per council
            assert b1.try_acquire()  # another council is not kept waiting
        finally:
            for lead in (a1, a2, b1):
                lead.release()
            for s in stores:
                s.close()


def test_issue12_4_a_leader_whose_session_was_dropped_stops_leading(pg_url: str):
    from sqlalchemy import text as sql

    from qaf.store.leader import Leadership

    first_store, second_store = SqlStore.open(pg_url), SqlStore.open(pg_url)
    first, second = Leadership(first_store, pg_url), Leadership(second_store, pg_url)
    try:
        assert first.try_acquire() and first.still_held()
        pid = first._conn.execute(sql("SELECT pg_backend_pid()")).scalar()
        first._conn.commit()
        with second_store.engine.connect() as conn:  # the server drops the leader's session (a restart, a cut)
            conn.execute(sql("SELECT pg_terminate_backend(:p)"), {"p": pid})
            conn.commit()
            for _ in range(100):  # termination is asynchronous: wait until the session has gone
                if not conn.execute(sql("SELECT count(*) FROM pg_stat_activity WHERE pid = :p"), {"p": pid}).scalar():
                    break
                conn.commit()
                time.sleep(0.05)
        assert second.try_acquire()  # the lock went with the session ...
        assert not first.still_held()  # ... and the old leader knows it before it ticks or sends again
        assert not first.held
    finally:
        first.release(), second.release()
        first_store.close(), second_store.close()


def test_issue12_5_a_schema_that_does_not_exist_yet_is_made_and_mixed_case_names_work():
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    from tests.conftest import PG_URL, _postgres_or_skip

    _postgres_or_skip()
    name = f"Council_{uuid.uuid4().hex[:8]}"
    try:
        store = SqlStore.open(f"{PG_URL}?schema={name}")
        try:
            assert store.stored_frameworks() == []
            with store.read() as conn:
                assert conn.execute(sql("SELECT current_schema()")).scalar() == name
        finally:
            store.close()
    finally:
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()


def test_issue12_5_a_schema_name_that_is_not_one_is_refused_with_a_message(capsys):
    from qaf.cli.main import main
    from tests.conftest import PG_URL

    code = main(["--db", f"{PG_URL}?schema=a;drop table x", "due"])
    assert code == 1
    assert "a schema name is 1 to 63 letters, digits and _" in capsys.readouterr().err


def test_issue12_8_a_name_that_starts_like_a_formula_comes_out_of_every_csv_as_text(store: SqlStore):
    import csv
    import io
    from dataclasses import replace

    from qaf.engine.query import Filters
    from qaf.rules import bundled
    from qaf.usecases import queries, scheduling
    from tests.council import council
    from tests.test_tick import FW

    people = tuple(replace(p, name='=HYPERLINK("http://evil.example","Pat")') if p.id == "PM1" else p for p in council().people)
    org = council(people=people)
    store.save_framework(FW, bundled.path("east-sussex-2013").read_text())
    store.save_org(org)
    scheduling.schedule(store, FW, store.org(), date(2024, 4, 1), date(2024, 4, 30), date(2024, 4, 1))
    found = store.obligations(Filters(assignees=frozenset({"PM1"})))
    text = queries.render(found, store.org(), date(2024, 4, 2), "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(r["assignee_name"] == "'" + people[7].name for r in rows)
    assert not any(value.startswith(("=", "+", "-", "@")) for r in rows for value in r.values() if value)


def test_issue12_8_the_report_and_forecast_csvs_keep_formula_like_text_as_text():
    from qaf.engine import spreadsheet

    out = __import__("io").StringIO()
    spreadsheet.writer(out).writerow(["=cmd|' /C calc'!A0", "+1", "-2", "@SUM(A1)", -3, 4.5, "Good"])
    assert out.getvalue() == "'=cmd|' /C calc'!A0,'+1,'-2,'@SUM(A1),-3,4.5,Good\n"


def test_issue12_8_the_importer_keeps_a_spreadsheet_formula_as_its_text_with_a_warning(tmp_path):
    from openpyxl import Workbook

    from qaf.rules.tables import read_table

    book = Workbook()
    sheet = book.active
    sheet.append(["Role", "QA Task", "Frequency", "Purpose"])
    sheet.append(["Practice Managers", "Case file audit", "Monthly", '=HYPERLINK("http://evil.example","Why")'])
    path = tmp_path / "framework.xlsx"
    book.save(path)
    table, problems = read_table(path)
    assert table is not None
    [row] = table.rows
    assert row.purpose == '=HYPERLINK("http://evil.example","Why")'
    [warning] = [p for p in problems if p.field == "cell"]
    assert not warning.is_error and "formula" in warning.message and warning.source.line == 2


def test_issue12_11_a_table_of_two_hundred_thousand_rows_is_refused_at_once_with_the_reason(tmp_path):
    import zipfile

    from qaf.rules.tables import MAX_ROWS, read_table

    docx = tmp_path / "huge.docx"
    body = b"<w:tbl>" + b"<w:tr><w:tc><w:p><w:r><w:t>x</w:t></w:r></w:p></w:tc></w:tr>" * 200_000 + b"</w:tbl>"
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' + body + b"</w:body></w:document>")
    table, problems = read_table(docx)
    assert table is None and "200,000 rows: more than 2,000" in problems[0].message
    csv_file = tmp_path / "huge.csv"
    csv_file.write_text("Role,QA Task,Frequency,Purpose\n" + "PMs,Audit,Monthly,Why\n" * (MAX_ROWS + 1))
    table, problems = read_table(csv_file)
    assert table is None and f"more than {MAX_ROWS:,}" in problems[0].message


def test_a_moderation_refused_says_which_role_moderates_not_what_looks_like_the_refused_persons_own(store: SqlStore):
    """'Kate Gibson holds no moderating role of east-sussex-2013 (Head of Service)' read as if Kate, an Operations
    Manager, were a Head of Service; with no --by, the message did not say whom to name."""
    import pytest

    from qaf.engine.outcomes import Recording
    from qaf.rules.problems import InputError
    from qaf.usecases import recording
    from tests.test_outcomes import april_audit, scheduled

    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    recording.record(store, Recording(audit.id, "requires_improvement", date=date(2024, 4, 23)), date(2024, 6, 10))
    said = {}
    for who in ("SW5", None):
        with pytest.raises(InputError) as refused:
            recording.moderate(store, audit.id, "good", who, date(2024, 5, 1), date(2024, 6, 10))
        said[who] = refused.value.problems[0].message
    name = next(p.name for p in store.org().people if p.id == "SW5")
    assert said == {
        "SW5": f"{name} holds no moderating role of east-sussex-2013 (its moderators: Head of Service), "
               f"and no moderation of {audit.id} is assigned to them",
        None: "no moderation is assigned for this audit: say who moderated it with --by (a Head of Service)"}


def test_issue12_13_only_a_moderating_role_may_moderate_an_audit_with_no_moderation_assigned(store: SqlStore):
    """East Sussex gives moderation to the Head of Service (3.14's scrutiny, and contested grades):
    a social worker in another line, a leaver and an elected member may not moderate; the Head of Service may."""
    import pytest

    from qaf.engine.outcomes import Recording
    from qaf.rules.problems import InputError
    from qaf.usecases import recording
    from tests.conftest import snapshot
    from tests.test_outcomes import april_audit, scheduled

    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    recording.record(store, Recording(audit.id, "requires_improvement", date=date(2024, 4, 23)), date(2024, 6, 10))
    before = snapshot(store)
    for who, why in (("SW5", "holds no moderating role"), ("SW4", "is not in the organisation on 2024-11-01"),
                     ("EM1", "holds no moderating role"), ("PSW", "holds no moderating role"),
                     ("PM1", "an auditor cannot moderate their own audit")):  # fmt: skip
        with pytest.raises(InputError) as refused:
            recording.moderate(store, audit.id, "good", who, date(2024, 11, 1), date(2024, 11, 1))
        assert why in str(refused.value.problems[0].message), who
        assert snapshot(store) == before
    recording.moderate(store, audit.id, "good", "H1", date(2024, 5, 1), date(2024, 6, 10))
    done = {o.id: o for o in store.obligations(__import__("qaf.engine.query", fromlist=["Filters"]).Filters(statuses=None))}[audit.id]
    assert (done.outcome.moderated_grade, done.outcome.moderated_by) == ("good", "H1")


def _may_audit(store: SqlStore):
    from tests.test_outcomes import scheduled

    scheduled(store, "east-sussex-2013")
    from qaf.engine.query import Filters

    return next(o for o in store.obligations(Filters(row="3.16")) if o.subject == "SW1" and o.period_start == date(2024, 5, 1))


def test_issue12_14_extensions_by_a_line_manager_cannot_chain_past_the_limit(store: SqlStore):
    """Five working days in all from the original due date, however many extensions make them up."""
    import pytest

    from qaf.rules.problems import InputError
    from qaf.usecases import recording

    may = _may_audit(store)
    assert may.due == date(2024, 5, 31)
    moved = recording.extend(store, may.id, date(2024, 6, 5), "OM1", "", date(2024, 5, 20))  # 3 working days
    with pytest.raises(InputError, match="6 working days in all since the original due date 2024-05-31 is more than a line manager may give"):
        recording.extend(store, moved.id, date(2024, 6, 10), "OM1", "", date(2024, 5, 21))
    assert recording.extend(store, moved.id, date(2024, 6, 7), "OM1", "", date(2024, 5, 21)).due == date(2024, 6, 7)  # 5 in all
    assert recording.extend(store, moved.id, date(2024, 6, 28), "H1", "", date(2024, 5, 22)).due == date(2024, 6, 28)  # the Head of Service may


def test_issue12_14_an_extension_to_9999_is_refused_with_a_message_not_an_overflow(store: SqlStore):
    import pytest

    from qaf.rules.problems import InputError
    from qaf.usecases import recording
    from tests.conftest import snapshot

    may = _may_audit(store)
    before = snapshot(store)
    with pytest.raises(InputError, match="more than a year after the original due date"):
        recording.extend(store, may.id, date(9999, 12, 31), "H1", "", date(2024, 5, 20))
    assert snapshot(store) == before


def test_issue12_7_an_extension_reason_reaches_no_feed_export_or_api_record(store: SqlStore):
    from qaf.calendars.selection import Selection
    from qaf.usecases import queries, recording
    from qaf.usecases.feeds import build

    may = _may_audit(store)
    recording.extend(store, may.id, date(2024, 6, 7), "OM1", "SECRET: the family moved to Leeds", date(2024, 5, 20))
    feed = build(store, Selection("person", "PM1"), date(2024, 5, 21), "event", "https://qaf.example", 30).body.decode()
    assert "SECRET" not in feed and "extended to 7 Jun 2024 by Olive Ops" in feed.replace("\r\n ", "")
    found = queries.due(store, queries.DueQuery(person="PM1", statuses=tuple(queries.STORED)), date(2024, 5, 21))
    assert any(o.id == may.id for o in found)
    for fmt in ("json", "csv", "table"):
        assert "SECRET" not in queries.render(found, store.org(), date(2024, 5, 21), fmt)


def _feed(store: SqlStore, person: str, today: date, kind: str = "event") -> bytes:
    from qaf.calendars.selection import Selection
    from qaf.usecases.feeds import build

    return build(store, Selection("person", person), today, kind, "https://qaf.example", 30).body


def test_issue12_16_no_reminder_in_a_feed_fires_before_today(store: SqlStore):
    import icalendar

    _may_audit(store)
    today = date(2024, 6, 10)
    cal = icalendar.Calendar.from_ical(_feed(store, "PM1", today))
    alarms = [(ev.decoded("DTSTART"), alarm.decoded("TRIGGER")) for ev in cal.walk("VEVENT") for alarm in ev.walk("VALARM")]
    assert alarms, "the months ahead keep their reminders"
    assert all(start + timedelta(days=trigger.days) >= today for start, trigger in alarms)


def test_issue12_17_control_characters_in_a_name_become_spaces_and_the_feed_still_parses(store: SqlStore):
    from dataclasses import replace

    import vobject

    from tests.council import council

    _may_audit(store)
    people = tuple(replace(p, name="Tom\x07 Fair\x1bley") if p.id == "SW1" else p for p in council().people)
    store.save_org(council(people=people))
    from qaf.usecases import scheduling
    from tests.test_tick import FW

    scheduling.schedule(store, FW, store.org(), date(2024, 4, 1), date(2024, 6, 30), date(2024, 6, 1))
    body = _feed(store, "PM1", date(2024, 6, 1))
    assert not any(b < 32 and b not in (9, 10, 13) for b in body)
    assert b"Tom  Fair ley" in body.replace(b"\r\n ", b"")
    assert list(vobject.readComponents(body.decode(), validate=True))


def test_issue12_17_a_completed_to_do_says_when_the_work_was_done_not_when_it_was_typed(store: SqlStore):
    import icalendar

    from qaf.engine.outcomes import Recording
    from qaf.usecases import recording

    may = _may_audit(store)
    recording.record(store, Recording(may.id, "good", date=date(2024, 5, 29)), date(2024, 6, 5))  # typed a week later
    cal = icalendar.Calendar.from_ical(_feed(store, "PM1", date(2024, 6, 5), "todo"))
    [todo] = [t for t in cal.walk("VTODO") if str(t["UID"]) == may.uid]
    assert todo.decoded("COMPLETED") == datetime(2024, 5, 29, tzinfo=timezone.utc)


def test_issue12_12_identity_never_collides_whatever_the_count_and_the_attendees():
    from qaf.engine.schedule import plan, seq_of
    from qaf.rules.loader import load_text
    from tests.council import council

    pairs = [(a, n) for a in range(6) for n in range(400)]
    assert len({seq_of(a, n) for a, n in pairs}) == len(pairs)
    assert [seq_of(a, n) for a in range(3) for n in range(100)] == list(range(300))  # the ids stores hold stay as they were
    text = """qaf: 1
id: many
title: A meeting held 101 times a month
roles:
  - name: Chief Executive
  - name: Director of Children's Services
rows:
  - id: "1"
    role: Chief Executive
    task: One-to-one meetings with the DCS
    frequency: 101 times a month
    purpose: To test identity.
    by: [Chief Executive]
    cadences:
      - {kind: meeting, every: month, count: 101, with: [Director of Children's Services]}
"""
    fw, problems = load_text(text, "many.yaml")
    assert fw is not None, problems
    made = plan(fw, council(), date(2024, 4, 1), date(2024, 4, 30), date(2024, 4, 1)).obligations
    assert len(made) == 101  # 101 meetings, the Chief Executive's, the Director attending each
    assert len({o.id for o in made}) == len(made) and all(o.attendees == ("D1",) for o in made)


def _check(tmp_path, text: str):
    import subprocess
    import sys

    path = tmp_path / "framework.yaml"
    path.write_text(text)
    # a subprocess with a timeout: a checker that hangs fails this test instead of hanging the suite
    done = subprocess.run([sys.executable, "-m", "qaf", "framework", "check", str(path)], capture_output=True, text=True, timeout=120)
    return done, str(path)


def test_issue12_10_a_billion_laughs_file_is_refused_at_once_with_its_line(tmp_path):
    levels = ["  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"  a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    done, path = _check(tmp_path, "qaf: 1\nid: x\ntitle: y\nlaughs:\n" + "\n".join(levels) + "\nrows: []\n")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "aliases used over and over" in done.stdout and done.stdout.startswith(f"{path}:")


def test_issue12_10_a_self_referencing_alias_and_deep_nesting_are_located_problems(tmp_path):
    done, path = _check(tmp_path, "qaf: 1\nid: x\ntitle: y\nrows: &a [*a]\n")
    assert done.returncode == 1 and f"{path}:4: yaml: the alias *a is inside the collection it names" in done.stdout
    done, path = _check(tmp_path, "qaf: 1\nid: x\ntitle: y\nrows: " + "[" * 20_000 + "]" * 20_000 + "\n")
    assert done.returncode == 1 and "Traceback" not in done.stderr and "nested more than 40 deep" in done.stdout


def test_issue12_10_a_file_with_no_id_or_title_reports_both(tmp_path):
    done, path = _check(tmp_path, "qaf: 1\nrows: []\n")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{path}:1: 'id' is required" in done.stdout and f"{path}:1: 'title' is required" in done.stdout


def test_issue12_10_a_file_past_a_megabyte_is_refused_with_its_size(tmp_path):
    done, path = _check(tmp_path, "qaf: 1\nid: x\ntitle: y\n# " + "x" * 1_100_000 + "\nrows: []\n")
    assert done.returncode == 1 and "is more than a framework file may hold (1,000,000)" in done.stdout


def test_issue12_6_name_shaped_case_references_are_refused_and_real_formats_pass(tmp_path):
    """Every way a common English given name and surname could be typed as a reference is refused."""
    from itertools import product

    from qaf.demo.synthetic import FIRST_NAMES, SURNAMES
    from qaf.engine.caserefs import why_not

    given = [*FIRST_NAMES, "Tom", "Amy", "Lee", "Eve", "Ian", "Zoe", "Max", "Leo", "Mia", "Sam"]
    surnames = [*SURNAMES, "Cox", "Fox", "Day", "Lee", "Kay", "Roy"]
    shapes = ("{g}_{s}", "{g}{s}", "{s}.{g}", "{g}.{s}.DOB.2016-01-01", "{g}{s}2016", "{s}-{g}-01", "{G}-{S}-1", "{g}-1", "{S}1")
    tried = 0
    for g, s in product(given, surnames):
        for shape in shapes:
            ref = shape.format(g=g, s=s, G=g.upper(), S=s.upper())
            tried += 1
            assert why_not(ref) is not None, ref
    assert tried > 1000
    for ref in ("Emily_Smith", "EmilySmith", "Smith.Emily", "Oliver.Jones.DOB.2016-01-01"):  # the issue's own
        assert why_not(ref) is not None, ref
    # short names of the children councils serve, from every part of the country (these passed before)
    for ref in ("theo.shah.2016", "liam-wong-2016", "omar.2016", "LUNA-NG-2015", "rory.chan.2017", "nora.li.2018",
                "cleo-wu-2019", "AYLA.KHAN.2020", "zain-butt-2014", "esme.lam.2021", "kofi.ade.2017", "mei.chen.2015"):
        assert why_not(ref) is not None, ref
    for ref in ("CS-000123", "12345678", "LCS/2024/0042", "EH-000001", "CIN.2024.17", "lac-0042", "REF/A1/77"):
        assert why_not(ref) is None, (ref, why_not(ref))


def test_short_chinese_vietnamese_korean_welsh_irish_arabic_and_south_asian_names_are_not_case_references():
    """'WANG-2016-01', 'XU-2016', 'TRAN-2016', 'CHOI-1', 'ADA-2016-1', 'EOIN-1', 'MIAH-2016' loaded as references
    (a child's surname or given name in feeds, email subjects and reports): the list of short names held 'wong'
    but not 'wang', and few of the names of four letters or fewer common among children in England."""
    from qaf.engine.caserefs import why_not

    for ref in ("WANG-2016-01", "XU-2016", "MA-0012", "SUN-2015", "lin.2016", "ZHU-1", "HE-2016", "TRAN-2016", "pham-2016",
                "VU-2016", "NGO-1", "DO-1", "CHOI-1", "jung.2017", "YOON-1", "HAN-2", "ADA-2016-1", "CIAN-1", "eoin.2018",
                "GWEN-1", "DEWI-1", "ISA-1", "HIBA-1", "AYA-1", "KAYA-1", "ADAN-1", "MIAH-2016", "rao.2015"):
        assert why_not(ref) is not None, ref
    for ref in ("CS-000123", "LCS/2024/0042", "EH-000001", "CIN.2024.17", "lac-0042", "SEN-42", "CP-2024-7"):  # councils' codes
        assert why_not(ref) is None, (ref, why_not(ref))


def test_a_date_typed_where_the_case_reference_goes_is_refused_whatever_the_councils_pattern():
    """'2016-01-01' or '04/03/2015' loaded as a case reference: a date of birth, a child's personal detail, in every
    feed, email subject and report that names the case (a column of birth dates headed 'ref' by mistake). A
    reference that is a whole calendar date is refused, as a name is, even under a council's own pattern."""
    from qaf.engine.caserefs import why_not

    for ref in ("2016-01-01", "04/03/2015", "04-03-2015", "04.03.2015", "2015/03/04", "2015.03.04", "4/3/2015", "29-02-2016",
                "12/31/2015", "2/29/2016"):  # month first, as Excel writes a date where its locale is American
        assert why_not(ref) == "a date is not a case reference (a date of birth is a child's personal detail)", ref
        assert why_not(ref, ".+") is not None, ref
    for ref in ("CS-000123", "12345678", "20160101", "LCS/2024/0042", "2024/0042", "CIN.2024.17", "CP-2024-7", "30-02-2016",
                "2016-13-01", "1234-56-78"):  # a reference, or no date at all
        assert why_not(ref) is None, (ref, why_not(ref))


def test_a_date_of_birth_with_a_two_digit_year_is_not_a_case_reference(tmp_path):
    """'01/02/13', '1-2-13' or '01.02.13' loaded as a case reference, where '01/02/2013' was refused: a child's date
    of birth as it is often written, in every feed, email subject and report that names the case. Day or month first
    with a year of two digits is refused as the other dates are (a real date in either century, whatever the
    council's pattern); what no calendar holds, and references of other shapes, load."""
    from qaf.engine.caserefs import why_not
    from qaf.usecases.orgload import load_org
    from tests.test_orgload import DATA

    said = "a date is not a case reference (a date of birth is a child's personal detail)"
    for ref in ("01/02/13", "1-2-13", "01.02.13", "1/2/13", "31/12/15", "12/31/15", "2/29/16", "29.02.00", "07-11-98"):
        assert why_not(ref) == said and why_not(ref, ".+") == said, ref
    for ref in ("29/02/13", "13/13/13", "32/01/13", "00/00/00", "12/345/67", "123/45/67", "1/2/345", "010213", "2024/0042",
                "LCS/2024/0042", "CS-01-02-13", "CIN.2024.17", "CP-2024-7", "3.16", "12/13"):  # no date, or another shape
        assert why_not(ref) is None, (ref, why_not(ref))
    for name in ("teams.csv", "people.csv"):
        (tmp_path / name).write_text((DATA / "small-org" / name).read_text())
    (tmp_path / "cases.csv").write_text("ref,worker,team,opened,closed\nCS-000123,P4,T1,2025-01-10,\n01/02/13,P4,T1,2025-01-10,\n")
    _, problems = load_org(tmp_path)
    assert [(p.source.file.rsplit("/", 1)[-1], p.source.line, p.field, p.message) for p in problems if p.is_error] == [
        ("cases.csv", 3, "ref", said)]


def test_issue12_6_a_council_may_set_its_own_case_reference_pattern(tmp_path):
    from qaf.rules import bundled
    from qaf.rules.loader import load_text
    from qaf.usecases.orgload import load_org
    from tests.test_orgload import DATA

    text = bundled.path("east-sussex-2013").read_text().replace("\ntitle:", '\ncase_reference: "ESCC[0-9]{7}"\ntitle:', 1)
    fw, problems = load_text(text, "es.yaml")
    assert fw is not None and fw.case_reference == "ESCC[0-9]{7}"
    for name in ("teams.csv", "people.csv"):
        (tmp_path / name).write_text((DATA / "small-org" / name).read_text())
    (tmp_path / "cases.csv").write_text("ref,worker,team,opened,closed\nESCC0000123,P4,T1,2025-01-10,\nCS-000123,P4,T1,2025-01-10,\n")
    org, problems = load_org(tmp_path, None, fw.case_reference)
    errors = [p for p in problems if p.is_error]
    assert [(p.source.line, p.field) for p in errors] == [(3, "ref")] and "ESCC[0-9]{7}" in errors[0].message


def test_issue12_9_settings_and_identifiers_have_ranges_the_checker_enforces(tmp_path):
    cases = {
        "id: ''": "id",
        "id: ../../etc/passwd": "id",
        f"id: {'x' * 100_000}": "id",
        'title: "A\\0title"': "title",
        "horizon_months: 100000": "horizon_months",
        "reminder_days: 9999999": "reminder_days",
        "extension_days: -1": "extension_days",
    }
    for line, field in cases.items():
        key = line.split(":")[0]
        base = {"id": "id: x", "title": "title: y"}
        base[key] = line
        text = "qaf: 1\n" + "\n".join(base.values()) + ("\n" + line if key not in base else "") + "\nrows: []\n"
        done, path = _check(tmp_path, text)
        assert done.returncode == 1 and "Traceback" not in done.stderr, line
        assert any(out.startswith(f"{path}:") and f": {field}: " in out for out in done.stdout.splitlines()), (line, done.stdout)


ROW_WITH = """qaf: 1
id: x
title: y
roles:
  - name: Practice Manager
escalation:
  - {{after: {after}, to: line_manager}}
rows:
  - id: "1"
    role: Practice Managers
    task: Case file audit
    frequency: Monthly
    purpose: Why.
    by: [Practice Manager]
    cadences:
      - {{kind: audit, every: {every}, per: worker, case: true, count: {count}}}
    triggers:
      - when: {{concerns: true}}
        then:
          - review: {{within: {within}}}
"""


def test_issue12_9_cadence_and_ladder_numbers_out_of_range_are_refused_with_their_line(tmp_path):
    good = {"after": "5", "every": "month", "count": "1", "within": "3 months"}
    done, _ = _check(tmp_path, ROW_WITH.format(**good))
    assert done.returncode == 0, done.stdout
    for field, value, said in (("count", "100000000000000000000", "a whole number from 1 to 1,000, got 100000000000000000000"),
                               ("after", "99999999999999", "a whole number from 0 to 520, got 99999999999999"),
                               ("every", "-3 months", "never negative"),
                               ("within", "99999999999 months", "a length is 1 to 24 months")):  # fmt: skip
        done, path = _check(tmp_path, ROW_WITH.format(**{**good, field: value}))
        assert done.returncode == 1 and "Traceback" not in done.stderr, (field, done.stderr[-500:])
        assert said in done.stdout and done.stdout.startswith(f"{path}:"), (field, done.stdout)


def test_issue12_15_last_modified_moves_when_an_event_leaves_a_feed(store: SqlStore):
    """A done audit leaves the feed after the done window; nothing in the store changed, but the feed did:
    a client revalidating with If-Modified-Since must get the new feed, not a 304."""
    from qaf.calendars import http
    from qaf.engine.outcomes import Recording
    from qaf.usecases import recording, tokens
    from qaf.usecases.feeds import vocabulary
    from qaf.web.serving import FeedServer

    may = _may_audit(store)
    recording.record(store, Recording(may.id, "good", date=date(2024, 5, 20)), date(2024, 5, 21))
    token, _ = tokens.issue(store, store.org(), vocabulary(store.frameworks()), "PM1", "person", "feed", datetime(2024, 5, 1, tzinfo=timezone.utc))
    from qaf.clock import utc_now

    start = utc_now().replace(microsecond=0)  # rows are stamped with the real time they were written
    day, clock = [date(2024, 5, 22)], [start + timedelta(hours=1)]
    server = FeedServer(store, lambda: day[0], ttl=0, now=lambda: clock[0])
    first = server.load(token, "event", "")
    assert may.uid.encode() in first.body
    clock[0] = start + timedelta(hours=2)
    assert server.load(token, "event", "").last_modified == first.last_modified  # same bytes: same moment
    day[0], clock[0] = date(2024, 7, 1), start + timedelta(hours=3)  # past the 30-day done window
    later = server.load(token, "event", "")
    assert may.uid.encode() not in later.body and later.etag != first.etag
    assert later.last_modified == clock[0] > first.last_modified
    asked = {"if-modified-since": http.http_date(first.last_modified)}
    assert not http.not_modified(asked, later.etag, later.last_modified)  # a 200 with the new feed
    assert later.headers["Last-Modified"] == http.http_date(clock[0])


def test_issue12_17_head_says_how_long_the_feed_is(tmp_path_factory):
    from tests.test_api import Served as App
    from tests.test_feeds import scratch_store, year

    with scratch_store("sqlite", tmp_path_factory) as (store, url):
        year(store)
        app = App(store, url)
        try:
            path = f"/feeds/{app.feed['PM1']}.ics"
            got, head = app.client.get(path), app.client.request("HEAD", path)
            assert head.status_code == 200 and head.content == b""
            assert int(head.headers["content-length"]) == len(got.content) > 0
            assert head.headers["etag"] == got.headers["etag"]
        finally:
            app.close()


def test_issue12_17_a_feed_goes_gzipped_to_a_client_that_asks(tmp_path_factory):

    from tests.test_api import Served as App
    from tests.test_feeds import scratch_store, year

    with scratch_store("sqlite", tmp_path_factory) as (store, url):
        year(store)
        app = App(store, url)
        try:
            path = f"/feeds/{app.feed['OM1']}.ics"
            plain = app.client.get(path, headers={"Accept-Encoding": "identity"})
            zipped = app.client.get(path, headers={"Accept-Encoding": "gzip"}, extensions={})
            assert zipped.headers.get("content-encoding") == "gzip" and "accept-encoding" in zipped.headers.get("vary", "").lower()
            assert zipped.content == plain.content  # httpx unzips: the same feed
            assert int(zipped.headers["content-length"]) < len(plain.content) / 3
            again = app.client.get(path, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped.headers["etag"]})
            assert again.status_code == 304
        finally:
            app.close()


def test_issue12_17_a_cancellation_reason_never_shows_a_person_id():
    from qaf.engine.model import Obligation
    from qaf.engine.scope import out_of_scope_reason
    from tests.council import council
    from tests.test_tick import FW

    gone = Obligation(id="x" * 16, framework=FW.id, row="3.16", cadence=0, kind="audit", title="Audit", assignee="PM1",
                      subject_kind="worker", subject="P0031", period_start=date(2024, 5, 1), period_end=date(2024, 5, 31),
                      due=date(2024, 5, 31))  # fmt: skip
    reason = out_of_scope_reason(gone, FW, council())
    assert "P0031" not in reason and "no longer in the organisation" in reason


def test_issue12_17_a_role_feeds_name_has_no_escaped_commas(store: SqlStore):
    from qaf.calendars.selection import Selection
    from qaf.usecases.feeds import build
    from tests.test_outcomes import scheduled

    scheduled(store, "east-sussex-2013")
    body = build(store, Selection("role", "AD Communication, Planning and Performance"), date(2024, 6, 10), "event", "", 30).body
    name = next(line for line in body.decode().split("\r\n") if line.startswith("X-WR-CALNAME:"))
    assert name == "X-WR-CALNAME:QA: AD Communication – Planning and Performance"


def _events(store: SqlStore, person: str, today: date = date(2024, 5, 20)) -> dict:
    import icalendar

    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(_feed(store, person, today)).walk("VEVENT")}


def test_issue12_17_a_renamed_manager_moves_the_sequence_and_stamp_of_their_events_and_no_others(store: SqlStore):
    from dataclasses import replace

    from tests.council import council

    _may_audit(store)
    before, others = _events(store, "PM1"), _events(store, "OM1")
    time.sleep(1.01)  # DTSTAMP counts whole seconds
    store.save_org(council(people=tuple(replace(p, name="Pat Renamed") if p.id == "PM1" else p for p in council().people)))
    after = _events(store, "PM1")
    assert before.keys() == after.keys() and before
    for uid, old in before.items():
        new = after[uid]
        assert "Assigned to: Pat Renamed" in str(new["DESCRIPTION"])
        assert new["SEQUENCE"] == old["SEQUENCE"] + 1 and new.decoded("DTSTAMP") > old.decoded("DTSTAMP")
    assert {u: (e["SEQUENCE"], e.decoded("DTSTAMP")) for u, e in _events(store, "OM1").items()} == \
        {u: (e["SEQUENCE"], e.decoded("DTSTAMP")) for u, e in others.items()}  # fmt: skip


def test_issue12_17_what_a_retitled_obligation_set_off_says_it_changed(store: SqlStore):
    from dataclasses import replace

    from qaf.store import obligations as ob_store
    from qaf.usecases import scheduling
    from tests.council import council
    from tests.test_tick import FW

    may = _may_audit(store)  # "Audit case CS-... (Sam Social)": the case holder's name is in its title
    set_off = replace(may, id="f" * 16, kind="follow_up_audit", cadence=-1, cause=may.id,
                      title="Follow-up audit", sequence=0)  # as a trigger makes it
    with store.write() as conn:
        ob_store.apply(conn, [set_off], [])
    before = _events(store, "PM1")[set_off.uid]
    holder = next(p for p in council().people if p.id == may.subject)
    time.sleep(1.01)  # DTSTAMP counts whole seconds
    store.save_org(council(people=tuple(replace(p, name="Renamed Holder") if p.id == holder.id else p for p in council().people)))
    scheduling.schedule(store, FW, store.org(), date(2024, 4, 1), date(2024, 6, 30), date(2024, 5, 20))
    after = _events(store, "PM1")[set_off.uid]
    assert "(Renamed Holder)" in str(after["DESCRIPTION"]).replace("\n", " ")
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1 and after.decoded("DTSTAMP") > before.decoded("DTSTAMP")


def test_issue12_17_a_rows_new_purpose_moves_the_events_of_that_row_only(store: SqlStore):
    from qaf.rules import bundled
    from qaf.rules.loader import load_text

    _may_audit(store)
    before = _events(store, "PM1")
    text = bundled.path("east-sussex-2013").read_text()
    old = "Review the management of the case in line with practice standards."
    assert old in text
    changed = text.replace(old, "Review how the case is managed against the practice standards.", 1)
    fw, problems = load_text(changed, "east-sussex-2013.yaml")
    assert fw is not None and not [p for p in problems if p.severity == "error"]
    time.sleep(1.01)  # DTSTAMP counts whole seconds
    store.save_framework(fw, changed)
    after = _events(store, "PM1")
    moved = {u for u in before if after[u]["SEQUENCE"] != before[u]["SEQUENCE"]}
    assert moved and all("(row 3.16)" in str(after[u]["DESCRIPTION"]) for u in moved)
    assert moved == {u for u, e in after.items() if "Why (row 3.16): Review how the case" in str(e["DESCRIPTION"]).replace("\n", " ")}


def test_issue12_17_a_summary_says_what_and_which_case_first_and_the_task_is_in_the_description(store: SqlStore):
    may = _may_audit(store)
    ev = _events(store, "PM1")[may.uid]
    case_holder = may.title.split(" — ")[0]
    assert str(ev["SUMMARY"]) == f"{case_holder} · row 3.16" and str(ev["SUMMARY"]).startswith(f"Audit case {may.case} (")
    assert "Task (row 3.16): Practice Managers will complete supervision case file audit using the CareFirst audit record" \
        in str(ev["DESCRIPTION"]).replace("\n", " ")  # fmt: skip
    longest = max(len(str(e["SUMMARY"])) for e in _events(store, "OM1").values())
    assert longest <= 80, longest


@pytest.mark.parametrize("pattern, why", [
    ("([0-9]+)+-[0-9]+", "repeats a part that itself repeats or chooses"),
    ("(?:CS|C|S)*[0-9]", "repeats a part that itself repeats or chooses"),
    ("(?:1?1?)+-", "repeats a part that itself repeats or chooses"),
    ("[0-9]*[0-9]*[0-9]*[0-9]*[0-9]*[0-9]*-", "too many parts of open length"),
])
def test_a_case_reference_pattern_that_could_take_hours_to_refuse_a_reference_is_refused_at_its_line(pattern, why):
    """'([0-9]+)+-[0-9]+' took 3.6 s to refuse 26 digits, doubling with each more, so one wrong line of
    cases.csv hung 'qaf org load'; the framework is now refused where the pattern is written."""
    from qaf.rules import bundled
    from qaf.rules.loader import load_text

    text = bundled.path("east-sussex-2013").read_text().replace("\ntitle:", f'\ncase_reference: "{pattern}"\ntitle:', 1)
    line = text.splitlines().index(f'case_reference: "{pattern}"') + 1
    fw, problems = load_text(text, "es.yaml")
    errors = [p for p in problems if p.is_error]
    assert [(p.source.line, p.field) for p in errors] == [(line, "case_reference")]
    assert why in errors[0].message and "could take hours" in errors[0].message


@pytest.mark.parametrize("pattern", ["ESCC[0-9]{7}", "(CS|LCS)-[0-9]{6,8}", "[A-Z]{2,4}/[0-9]+/[0-9]+", "(?:CIN|CP|LAC)[0-9]{6}"])
def test_the_case_reference_patterns_councils_write_still_load(pattern):
    from qaf.rules import bundled
    from qaf.rules.loader import load_text

    text = bundled.path("east-sussex-2013").read_text().replace("\ntitle:", f'\ncase_reference: "{pattern}"\ntitle:', 1)
    fw, problems = load_text(text, "es.yaml")
    assert fw is not None and fw.case_reference == pattern, [p.message for p in problems if p.is_error]


def test_a_framework_stored_with_a_pattern_refused_since_reads_on_and_its_fix_loads(store: SqlStore):
    """A council that loaded '([0-9]+)+-[0-9]+' before such patterns were refused got 'stored framework no longer
    loads' from every command, 'framework load' of the fixed file included: it could not mend it."""
    from qaf.rules import bundled
    from qaf.rules.loader import load_text
    from qaf.usecases import frameworkload

    good = bundled.path("east-sussex-2013").read_text()
    fw, _ = load_text(good, "es.yaml")
    store.save_framework(fw, good.replace("\ntitle:", '\ncase_reference: "([0-9]+)+-[0-9]+"\ntitle:', 1))
    assert [f.case_reference for f in store.frameworks()] == [""]  # read on with qaf's own rule meanwhile
    fixed = good.replace("\ntitle:", '\ncase_reference: "[0-9]+-[0-9]+"\ntitle:', 1)
    mended, problems = load_text(fixed, "es.yaml")
    assert not [p for p in problems if p.is_error]
    frameworkload.load(store, mended, fixed, date(2026, 12, 6))
    assert [f.case_reference for f in store.frameworks()] == ["[0-9]+-[0-9]+"]


@pytest.mark.parametrize("old, refused_since", [
    ("        sample: {row: \"3.14\", count: 3, moderator: up_the_line, each: true}",
     "        sample: {row: \"3.14\", count: 3, percent: 10, moderator: up_the_line, each: true}"),  # a count and a percent
    ("council: East Sussex County Council\n", "council: East Sussex County Council\nareas: [Chronology, chronology]\n"),  # twice
    ("title: Quality Assurance in Children's Social Care and Early Help Services\n", "title: ''\n"),  # a title of nothing
    ("          - alert: {role: Head of Safeguarding, of: assignee}\n\n  - id: \"3.4\"",  # row 3.3's trigger given twice
     "          - alert: {role: Head of Safeguarding, of: assignee}\n      - id: concerns\n        when: {grades: [inadequate]}\n"
     "        then:\n          - alert: {role: Head of Safeguarding, of: assignee}\n\n  - id: \"3.4\""),
    # a '# default' mark where none is kept (before marks were read, a comment like any other): a trigger's id, an action
    ("      - id: concerns\n        when: {concerns: true}\n        then:\n          - alert: {role: Head of Safeguarding, of: assignee}\n\n", "      - id: concerns  # default: our name for it\n        when: {concerns: true}\n        then:\n          - alert: {role: Head of Safeguarding, of: assignee}\n\n"),
    ("          - alert: {role: Head of Safeguarding, of: assignee}\n\n  - id: \"3.4\"",
     "          - alert: {role: Head of Safeguarding, of: assignee}  # default: who is told\n\n  - id: \"3.4\""),
    ("\nroles:\n", "\nroles:\n  - name: Panel\n    aliases: [" + "P" * 201 + "]\n"),  # an alias no one in people.csv can hold
    ("  - id: \"3.3\"\n", "  - id: \"3.3 " + "x" * 50 + "\"\n"),  # a row id past 50 characters (SQLite kept it)
    ("      - id: concerns\n        when: {concerns: true}\n        then:\n          - alert: {role: Head of Safeguarding, of: assignee}\n\n", "      - id: " + "c" * 51 + "\n        when: {concerns: true}\n        then:\n          - alert: {role: Head of Safeguarding, of: assignee}\n\n"),  # a trigger id past 50
    ("task: Monitoring via one-to-one meetings with the DCS and quarterly performance reviews\n", "task: Monitoring via one-to-one meetings with the DCS and quarterly performance reviews" + " and more" * 600 + "\n"),  # a row's task past 5,000 characters
    ("task: Monitoring via one-to-one meetings with the DCS and quarterly performance reviews\n", "task: Monitoring via one-to-one meetings with the DCS and quarterly performance reviews\u200b\n"),  # a zero-width space (refused since in every value), pasted from Word with the words
    ("  - id: \"3.3\"\n", "  - id: \"3.3\u202e\"\n"),  # a character that turns text around, in a row id
    ('        note: "Supervision audit tool; summary forwarded to the Head of Safeguarding."',
     '        note: "' + "Long. " * 400 + 'Supervision audit tool; summary forwarded to the Head of Safeguarding."'),  # a note past 2,000
])  # fmt: skip
def test_a_framework_stored_before_a_check_was_added_reads_on_and_its_fix_loads(store: SqlStore, db_url: str, old: str, refused_since: str,
                                                                                monkeypatch, caplog):  # fmt: skip
    """A check added since a framework was stored (a sample of a count and a percent, a key area named twice, a title of nothing,
    a row's trigger id given twice, a '# default' mark where none is kept, a name, an id or the council's words past their
    range) must not strand the council: every command said 'stored framework no longer loads', 'framework load' of the
    fixed file included. The stored framework, written as an older qaf wrote it, reads on as it did when the store is
    opened again, with a warning; the check refuses it only when it is loaded again."""
    from qaf.rules import bundled
    from qaf.rules.loader import load_text
    from qaf.store import frameworks as stored
    from qaf.usecases import frameworkload

    good = bundled.path("east-sussex-2013").read_text()
    assert good.count(old) == 1
    fw, _ = load_text(good, "es.yaml")
    stale = good.replace(old, refused_since)
    assert [p for p in load_text(stale, "es.yaml")[1] if p.is_error]  # refused if loaded now
    store.save_framework(fw, stale)
    monkeypatch.setattr(stored, "_PARSED", {})  # what this process read before: as a fresh one
    again = SqlStore.open(db_url)
    try:
        with caplog.at_level("WARNING", logger="qaf.store"):
            assert [f.id for f in again.frameworks()] == ["east-sussex-2013"]  # read on meanwhile
    finally:
        again.close()
    assert any("stored framework 'east-sussex-2013' reads on" in r.getMessage() for r in caplog.records), caplog.text
    frameworkload.load(store, fw, good.replace('version: "2012/13"', 'version: "2012/13 mended"'), date(2026, 12, 6))
    assert [f.version for f in store.frameworks()] == ["2012/13 mended"]


def test_a_framework_file_without_end_is_refused_at_the_limit_not_read_to_its_end():
    """'qaf framework check /dev/zero' (or a dump of gigabytes named by mistake) read the whole file before its size
    was checked: memory ran out and the command was killed, or it never ended. A framework file is read no further
    than its limit, and refused there with the same words as any file past it."""
    import resource
    import subprocess
    import sys

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))

    for argv in (["framework", "check", "/dev/zero"], ["framework", "load", "/dev/zero"]):
        done = subprocess.run([sys.executable, "-m", "qaf", "--db", "sqlite:///:memory:", *argv], capture_output=True, text=True,
                              timeout=120, preexec_fn=limited)  # fmt: skip
        said = done.stdout + done.stderr
        assert done.returncode == 1 and "Traceback" not in said, (argv, done.returncode, said[-500:])
        assert "/dev/zero:1: file: it goes on past 1,000,000 bytes, more than a framework file may hold (1,000,000)" in said, said[-500:]


def test_an_organisation_or_outcomes_csv_without_end_is_refused_at_the_limit_and_the_store_kept(tmp_path):
    """'qaf record --csv /dev/zero', or a cases.csv that is a dump of gigabytes, was read whole: a MemoryError's
    traceback, or the command killed. Each CSV is read no further than its limit (50,000,000 bytes: a large
    council's cases are a few megabytes), refused there, and the store is as it was."""
    import hashlib
    import resource
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))

    def qaf(*argv: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "qaf", "--db", f"sqlite:///{tmp_path / 'qaf.db'}", *argv], capture_output=True,
                              text=True, timeout=120, preexec_fn=limited)  # fmt: skip

    council = Path(__file__).resolve().parents[1] / "examples" / "council"
    assert qaf("framework", "load", "east-sussex-2013", "--today", "2026-12-06").returncode == 0
    assert qaf("org", "load", str(council), "--today", "2026-12-06").returncode == 0
    before = hashlib.sha256((tmp_path / "qaf.db").read_bytes()).hexdigest()
    endless = shutil.copytree(council, tmp_path / "endless")
    (endless / "cases.csv").unlink()
    (endless / "cases.csv").symlink_to("/dev/zero")
    for argv, said in (
        (["org", "load", str(endless)], "cases.csv: file: it goes on past 50,000,000 bytes, more than an organisation's CSV file may hold"),
        (["record", "--csv", "/dev/zero"], "/dev/zero: file: it goes on past 50,000,000 bytes, more than an outcomes CSV file may hold"),
    ):
        done = qaf(*argv, "--today", "2026-12-06")
        out = done.stdout + done.stderr
        assert done.returncode == 1 and "Traceback" not in out and said in out, (argv, done.returncode, out[-500:])
    assert hashlib.sha256((tmp_path / "qaf.db").read_bytes()).hexdigest() == before


def test_a_framework_piped_to_qaf_is_read_once_whole():
    """'qaf framework check /dev/stdin' (or a shell's '<(...)') said "the file is empty": the limit's check read the
    pipe to see whether it ended before the limit, and the reading that followed found nothing left in it. A
    framework is read once, no further than its limit, from a pipe as from a file."""
    import subprocess
    import sys

    from qaf.rules import bundled

    text = bundled.path("east-sussex-2013").read_text()
    done = subprocess.run([sys.executable, "-m", "qaf", "--db", "sqlite:///:memory:", "framework", "check", "/dev/stdin"],
                          input=text, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0 and "/dev/stdin: 54 rows, 50 schedulable, 4 not schedulable" in done.stdout, done.stdout + done.stderr


def test_a_database_error_never_carries_the_row_it_refused_into_a_message_or_traceback(store: SqlStore):
    """PostgreSQL answers a NOT NULL or CHECK violation with "DETAIL: Failing row contains (..., Mother anxious
    about Emily ...)": the row, a note or a reason in it, whatever ``hide_parameters`` hides. A bug that broke a
    constraint put the words in the API's logged traceback, the service's log and the command line's traceback.
    The store drops what the database says after its first line; SQLite's messages name the column only."""
    import traceback

    from sqlalchemy import insert
    from sqlalchemy.exc import DBAPIError

    from qaf.store.tables import EXTENSION_REQUESTS

    typed = "Mother anxious about Emily Smith\nwho is staying with her aunt"
    with pytest.raises(DBAPIError) as raised:
        with store.write() as conn:
            conn.execute(insert(EXTENSION_REQUESTS).values(obligation="ob1", asked_by="P1", asked_at=NOW, to_date=None,
                                                           reason=typed, status="pending"))  # fmt: skip
    told = "".join(traceback.format_exception(raised.value))
    assert "Emily" not in told and "aunt" not in told, told
    assert "to_date" in told  # what the database refused is still said: the column
