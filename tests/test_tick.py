"""The daily tick with a real SMTP server: every expected email, each once."""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from qaf.clock import utc_now
from qaf.engine.businesstime import business_date, business_now
from qaf.engine.model import LIVE
from qaf.engine.outcomes import Recording
from qaf.engine.query import Filters
from qaf.rules import bundled
from qaf.rules.loader import load_framework
from qaf.store.sql import SqlStore
from qaf.store.tables import ESCALATIONS, OUTBOX
from qaf.usecases import recording
from qaf.usecases.mail import MailSettings
from qaf.usecases.tick import run_tick
from tests.council import council
from tests.smtp import Inbox, free_port, smtp_server

FW = load_framework(bundled.path("east-sussex-2013"))[0]


def days(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def set_up(store: SqlStore) -> None:
    store.save_framework(FW, bundled.path("east-sussex-2013").read_text())
    store.save_org(council())


def work(store: SqlStore, day: date) -> None:
    """Most work is done on its due date; a tenth finds concerns; some is never done and escalates."""
    due = [o for o in store.obligations(Filters(due_from=day, due_to=day, statuses=frozenset(LIVE))) if o.kind in ("audit", "follow_up_audit", "review")]
    for ob in due:
        n = zlib.crc32(ob.id.encode())
        if n % 10 < 7:
            recording.record(store, Recording(ob.id, "good" if n % 3 else "requires_improvement", concerns=n % 20 == 0, date=day), day)


def outbox(store: SqlStore) -> list:
    with store.read() as conn:
        return list(conn.execute(select(OUTBOX)))


def replay(store, first, last, settings, down: set[date] = frozenset(), inbox=None, port=None):
    for day in days(first, last):
        if day in down:
            run_tick(store, day, settings, "test", now=business_now(day), wall=utc_now)
        else:
            with smtp_server(inbox, port):
                run_tick(store, day, settings, "test", now=business_now(day), wall=utc_now)
        work(store, day)


def check_each_sent_once(store: SqlStore, inbox: Inbox) -> list:
    rows = outbox(store)
    sendable = [r for r in rows if not r.digest]
    assert sendable and all(r.status == "sent" for r in sendable), {r.status for r in sendable}
    assert all(r.status == "digested" and r.sent_at is not None for r in rows if r.digest)
    assert sorted(inbox.keys()) == sorted(r.key for r in sendable)  # exactly the expected emails
    assert len(set(inbox.ids())) == len(inbox.ids())  # each once
    check_told_is_queued(store)
    return rows


def check_told_is_queued(store: SqlStore) -> None:
    """Whoever an escalation (or reminder) says was told has its own email in the outbox: one for each rung
    raised, to that person, under the key of that rung and the due date it was raised against (or of the
    rung alone, the obligation's first ladder), queued by the tick that raised it; none is claimed by two. A rung whose person was told at a
    higher rung of the same tick ("told once") has none of its own."""
    zone = store.timezone()
    with store.read() as conn:
        told = [r for r in conn.execute(select(ESCALATIONS).order_by(ESCALATIONS.c.id)) if r.to_person and "told once" not in r.reason]
        queued = {r.key: r for r in conn.execute(select(OUTBOX).where(OUTBOX.c.key.like("esc/%")))}
    claimed: dict[str, tuple] = {}
    for e in told:
        keys = [k for k in (f"esc/{e.obligation}/{e.level}/{e.due.isoformat()}", f"esc/{e.obligation}/{e.level}") if k in queued]
        key = next((k for k in keys if k not in claimed), None)
        assert key is not None, f"{e.obligation} rung {e.level} (due {e.due}) names {e.to_person} as told on {e.on}; nothing was queued"
        assert queued[key].recipient == e.to_person, (key, queued[key].recipient, e.to_person)
        assert business_date(queued[key].created_at, zone) == e.on, f"{key} was queued on another day than its rung's, {e.on}"
        claimed[key] = (e.obligation, e.level, e.due)


def test_a_year_replayed_day_by_day_delivers_every_email_once(tmp_path: Path):
    store = SqlStore.open(f"sqlite:///{tmp_path / 'qaf.db'}")
    set_up(store)
    inbox, port = Inbox(), free_port()
    settings = MailSettings(host="127.0.0.1", port=port, sender="qaf@example-council.gov.uk", base_url="https://qaf.example-council.gov.uk")
    replay(store, date(2024, 4, 1), date(2025, 3, 31), settings, inbox=inbox, port=port)
    with smtp_server(inbox, port):
        run_tick(store, date(2025, 4, 1), settings, "test", now=business_now(date(2025, 4, 1)), wall=utc_now)
    rows = check_each_sent_once(store, inbox)
    reasons = {r.reason for r in rows}
    assert {"alert", "reminder", "overdue", "escalation", "digest"} <= reasons
    digests = [m for m in inbox.messages if m["Subject"].startswith("qaf daily digest for ")]
    # reminders and a person's own overdue notices come in their daily digest; the DCS reads escalations there too
    assert "dana.director@example-council.gov.uk" in {m["To"] for m in digests}
    assert {r.reason for r in rows if r.digest} >= {"reminder", "overdue", "escalation"}
    assert all(r.reason == "alert" or r.reason == "digest" or not r.reason.startswith("reminder") for r in rows if not r.digest)
    per_day = {}
    for m in digests:
        per_day.setdefault((m["To"], m["Subject"][21:31]), 0)
        per_day[(m["To"], m["Subject"][21:31])] += 1
    assert set(per_day.values()) == {1}  # one digest a recipient a day
    first = inbox.messages[0]
    assert first.get_content_type() == "multipart/alternative"
    assert {p.get_content_type() for p in first.iter_parts()} == {"text/plain", "text/html"}
    # escalations happened once per rung
    with store.read() as conn:
        esc = list(conn.execute(select(ESCALATIONS)))
    assert len({(e.obligation, e.level) for e in esc}) == len(esc)
    assert {e.level for e in esc} >= {-1, 0, 1, 2}


def test_smtp_down_for_three_days_then_everything_is_delivered_once(db_url: str):
    store = SqlStore.open(db_url)
    set_up(store)
    inbox, port = Inbox(), free_port()
    settings = MailSettings(host="127.0.0.1", port=port)
    down = {date(2024, 5, 1), date(2024, 5, 2), date(2024, 5, 3)}  # month end: overdue notices fall due
    replay(store, date(2024, 4, 20), date(2024, 5, 10), settings, down=down, inbox=inbox, port=port)
    rows = check_each_sent_once(store, inbox)
    retried = [r for r in rows if not r.digest and r.attempts > 1]
    assert retried, "some email waited for the server to come back"
    assert all(r.last_error is None for r in retried)
    store.close()


def test_without_an_smtp_host_notices_stay_pending_and_the_tick_says_so(tmp_path: Path):
    store = SqlStore.open(f"sqlite:///{tmp_path / 'qaf.db'}")
    set_up(store)
    for day in days(date(2024, 4, 1), date(2024, 5, 15)):
        result = run_tick(store, day, MailSettings(), "test", now=business_now(day), wall=utc_now)
    assert result.pending > 0 and not result.mail
    assert result.lines()[-1] == f"  email: QAF_SMTP_HOST is not set, so {result.pending} notices stay pending in the outbox"
    assert run_tick(store, day, MailSettings(), "test", wall=utc_now).status == "done before"


def test_one_notice_waiting_for_a_mail_server_is_said_in_the_singular():
    """The QA officer's first tick after recording one concern said "so 1 notices stay pending in the outbox"."""
    from qaf.usecases.tick import TickResult

    one, none = TickResult(date(2026, 12, 7), "ran", pending=1), TickResult(date(2026, 12, 7), "ran")
    assert one.lines()[-1] == "  email: QAF_SMTP_HOST is not set, so 1 notice stays pending in the outbox"
    assert none.lines()[-1] == "  email: QAF_SMTP_HOST is not set, so 0 notices stay pending in the outbox"
    later = TickResult(date(2026, 12, 7), "ran", pending=1, later=True)
    assert later.lines()[-1] == "  email: 1 notice pending, sent by today's tick of the catch-up"


def test_a_tick_escalates_from_current_state_so_a_missed_day_catches_up(tmp_path: Path):
    store = SqlStore.open(f"sqlite:///{tmp_path / 'qaf.db'}")
    set_up(store)
    run_tick(store, date(2024, 4, 1), MailSettings(), "test", wall=utc_now)
    run_tick(store, date(2024, 6, 3), MailSettings(), "test", wall=utc_now)  # two months missed
    with store.read() as conn:
        esc = list(conn.execute(select(ESCALATIONS)))
    april = {o.id for o in store.obligations(Filters(row="3.16")) if o.due == date(2024, 4, 30)}
    levels = {e.level for e in esc if e.obligation in april}
    assert levels == {0, 1, 2}  # assignee, line manager (5 days), Head of Service (20): all caught up at once
    run_tick(store, date(2024, 6, 4), MailSettings(), "test", wall=utc_now)
    with store.read() as conn:
        again = list(conn.execute(select(ESCALATIONS)))
    assert len([e for e in again if e.obligation in april]) == len([e for e in esc if e.obligation in april])  # nothing twice


def test_smtp_down_for_a_fortnight_then_everything_is_delivered_once(db_url: str):
    """The council's mail relay is down from 1 to 14 May (a holiday fortnight): every reminder and escalation
    of those days goes out when it is back, once; none is given up."""
    store = SqlStore.open(db_url)
    set_up(store)
    inbox, port = Inbox(), free_port()
    settings = MailSettings(host="127.0.0.1", port=port)
    down = {date(2024, 5, 1) + timedelta(days=n) for n in range(14)}
    replay(store, date(2024, 4, 20), date(2024, 5, 20), settings, down=down, inbox=inbox, port=port)
    rows = check_each_sent_once(store, inbox)
    assert max(r.attempts for r in rows if not r.digest) == 15, "tried each day of the fortnight, sent on the 15th"
    store.close()


class Refusing(Inbox):
    """A mail server that refuses some recipients: for good (550) or for now (450)."""

    def __init__(self, for_good: set[str], for_now: set[str]) -> None:
        super().__init__()
        self.for_good, self.for_now = for_good, for_now

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.for_good:
            return "550 5.1.1 No such user here"
        if address in self.for_now:
            return "450 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_recipient_refused_for_good_fails_at_once_and_one_refused_for_now_is_tried_again(db_url: str):
    """A mailbox that does not exist (550) will not come to exist by asking again: that email is marked
    failed at once with the server's words; a busy one (450) is tried again; everyone else's goes."""
    store = SqlStore.open(db_url)
    set_up(store)
    for day in days(date(2024, 4, 20), date(2024, 5, 6)):  # no mail server set: the notices wait in the outbox
        run_tick(store, day, MailSettings(), "test", now=business_now(day), wall=utc_now)
        work(store, day)
    waiting = sorted({r.recipient_email for r in outbox(store) if not r.digest})
    assert len(waiting) >= 3
    gone, busy = waiting[0], waiting[1]
    inbox, port = Refusing({gone}, {busy}), free_port()
    settings = MailSettings(host="127.0.0.1", port=port)
    day = date(2024, 5, 7)
    with smtp_server(inbox, port):
        run_tick(store, day, settings, "test", now=business_now(day), wall=utc_now)
    rows = [r for r in outbox(store) if not r.digest]
    assert {(r.status, r.attempts) for r in rows if r.recipient_email == gone} == {("failed", 1)}
    assert all("550" in r.last_error for r in rows if r.recipient_email == gone)
    assert {(r.status, r.attempts) for r in rows if r.recipient_email == busy} == {("pending", 1)}
    assert {r.status for r in rows if r.recipient_email not in (gone, busy)} == {"sent"}
    inbox.for_now = set()
    with smtp_server(inbox, port):
        run_tick(store, day + timedelta(days=1), settings, "test", now=business_now(day + timedelta(days=1)), wall=utc_now)
    assert {r.status for r in outbox(store) if not r.digest and r.recipient_email == busy} == {"sent"}
    store.close()


class Delivering(Refusing):
    """A refusing server that keeps, for each message, whose mailboxes it went to (the envelope's recipients)."""

    def __init__(self, for_good: set[str], for_now: set[str]) -> None:
        super().__init__(for_good, for_now)
        self.delivered: list[tuple[str, ...]] = []

    async def handle_DATA(self, server, session, envelope):
        self.delivered.append(tuple(envelope.rcpt_tos))
        return await super().handle_DATA(server, session, envelope)


def test_an_alert_whose_own_mailbox_refuses_it_is_not_sent_because_its_copy_went(db_url: str):
    """A concerns alert to Olive Ops, copied to the Head of Safeguarding. Olive's mailbox was busy (450) and
    the server took the message for the copy alone: the outbox said "sent" and Olive was never alerted (a
    mailbox gone, 550, the same, and nobody told why). Now the alert waits for Olive's mailbox, tried again
    for her alone (the Head of Safeguarding is not sent it twice; Olive's copy says she had it), and a
    mailbox that does not exist fails the alert with the server's words."""
    from tests.test_hardening import NOW, outbox_rows_of, queue
    from qaf.engine.notices import Notice
    from qaf.usecases.tick import send_outbox

    olive, sally = "olive.ops@example-council.gov.uk", "sally.safeguarding@example-council.gov.uk"
    store = SqlStore.open(db_url)
    queue(store, Notice("alert/outcome/ob1/0/0", "OM1", olive, "Alert: significant concerns", "Olive\nConcerns found.", "alert", "ob1",
                        False, (sally,)),
          Notice("alert/outcome/ob2/0/0", "OM1", olive, "Alert: significant concerns", "Olive\nConcerns found.", "alert", "ob2",
                 False, (sally,)))  # fmt: skip
    server, port = Delivering(set(), {olive}), free_port()
    settings = MailSettings(host="127.0.0.1", port=port)
    with smtp_server(server, port):
        assert send_outbox(store, settings, "test", NOW, utc_now) == (0, 0, 2)
        assert server.delivered == [(sally,), (sally,)]
        assert [(r.status, r.attempts, r.cc) for r in outbox_rows_of(store)] == [("pending", 1, None)] * 2
        assert all("450" in r.last_error for r in outbox_rows_of(store))
        server.for_now, server.for_good = set(), {olive}  # the first one's mailbox gone
        with store.write() as conn:
            conn.execute(OUTBOX.update().where(OUTBOX.c.key == "alert/outcome/ob2/0/0").values(next_attempt_at=NOW))
        send_outbox(store, settings, "test", NOW, utc_now)  # the second alone is due again
        server.for_good = set()  # and back
        send_outbox(store, settings, "test", NOW + timedelta(hours=1), utc_now)
    first, second = outbox_rows_of(store)
    assert (second.status, "550" in second.last_error) == ("failed", True)
    assert (first.status, server.delivered[2:]) == ("sent", [(olive,)]), "Olive alerted, the Head of Safeguarding not twice"
    body = server.messages[-1].get_body(("plain",)).get_content()
    assert "Concerns found." in body and f"Copied to {sally}, who had it when it was first sent." in body
    store.close()


def test_a_copy_refused_as_the_alert_went_is_tried_again_on_its_own(db_url: str):
    """The same alert went to Olive Ops, and the Head of Safeguarding's mailbox was busy (450): the outbox said
    "sent" and the copy was never tried again, nor its refusal kept. Now it is an email of its own, tried
    again with back-off until her mailbox takes it; a copy refused for good (550) is named, with the
    server's words, on the alert sent."""
    from tests.test_hardening import NOW, outbox_rows_of, queue
    from qaf.engine.notices import Notice
    from qaf.usecases.tick import send_outbox

    olive, sally, gone = "olive.ops@example-council.gov.uk", "sally.safeguarding@example-council.gov.uk", "left@example-council.gov.uk"
    store = SqlStore.open(db_url)
    queue(store, Notice("alert/outcome/ob1/0/0", "OM1", olive, "Alert: significant concerns", "Olive\nConcerns found.", "alert", "ob1",
                        False, (sally, gone)))  # fmt: skip
    server, port = Delivering({gone}, {sally}), free_port()
    settings = MailSettings(host="127.0.0.1", port=port)
    with smtp_server(server, port):
        assert send_outbox(store, settings, "test", NOW, utc_now) == (1, 0, 0)
        alert, copy = outbox_rows_of(store)
        assert (alert.status, copy.key, copy.recipient_email, copy.status) == ("sent", f"alert/outcome/ob1/0/0/cc/{sally}", sally, "pending")
        assert f"copy to {gone} refused: 550" in alert.last_error and f"copy to {sally} refused: 450" in alert.last_error
        server.for_now = set()
        assert send_outbox(store, settings, "test", NOW, utc_now) == (0, 0, 0), "not before its back-off"
        assert send_outbox(store, settings, "test", NOW + timedelta(hours=1), utc_now) == (1, 0, 0)
    assert server.delivered == [(olive,), (sally,)]
    assert [r.status for r in outbox_rows_of(store)] == ["sent", "sent"]
    assert server.messages[-1]["Subject"] == "Alert: significant concerns" and "Concerns found." in server.messages[-1].get_body(("plain",)).get_content()
    store.close()


# --- the due date moved: the ladder again, emailed again -------------------------------------------------------


def test_c2_a_case_s_closing_date_corrected_later_its_ladder_is_emailed_again_once_each(db_url: str, caplog):
    """Tom Fairley's case CS-000004 was to close on 14 June: its closure review (Pat Practice's) is not
    done; Pat is reminded, told when it passes and Olive Ops five working days on. On 26 June the closing
    date is corrected to 5 July (the same closure: the review moves with it) and its ladder starts again.
    Pat's reminder and overdue notice and Olive's escalation for 5 July are emailed, each once; those for
    14 June are not sent again; a tick run again on a day already ticked sends nothing."""
    import dataclasses

    from tests.test_schedule_kinds import HEAD, framework, row

    rows = row("{kind: review, on: case_closing}")
    store = SqlStore.open(db_url)
    store.save_framework(framework(rows), HEAD + rows)

    def closing(on: date):
        store.save_org(council(cases=tuple(dataclasses.replace(c, closed=on) if c.ref == "CS-000004" else c for c in council().cases)))

    closing(date(2024, 6, 14))
    inbox, port = Inbox(), free_port()
    settings = MailSettings(host="127.0.0.1", port=port)
    with smtp_server(inbox, port):
        for day in days(date(2024, 6, 3), date(2024, 6, 25)):
            run_tick(store, day, settings, "test", now=business_now(day), wall=utc_now)
        closing(date(2024, 7, 5))
        for day in days(date(2024, 6, 26), date(2024, 7, 20)):
            run_tick(store, day, settings, "test", now=business_now(day), wall=utc_now)
        sent = len(inbox.messages)
        assert run_tick(store, day, settings, "test", now=business_now(day), wall=utc_now).status == "done before"
        assert len(inbox.messages) == sent, "a day ticked again sends nothing"
    (review,) = store.obligations(Filters(row="1", statuses=None))
    assert (review.due, review.status) == (date(2024, 7, 5), "open")
    with store.read() as conn:
        told = sorted((r.due, r.level, r.to_person) for r in conn.execute(select(ESCALATIONS).where(ESCALATIONS.c.obligation == review.id)))
        mail = {r.key: r for r in conn.execute(select(OUTBOX).where(OUTBOX.c.cause == review.id))}
    june, july = date(2024, 6, 14), date(2024, 7, 5)
    assert told == [(june, -1, "PM1"), (june, 0, "PM1"), (june, 1, "OM1"), (july, -1, "PM1"), (july, 0, "PM1"), (july, 1, "OM1")], told
    first = {f"esc/{review.id}/{level}" for level in (-1, 0, 1)}
    again = {f"esc/{review.id}/{level}/2024-07-05" for level in (-1, 0, 1)}
    assert set(mail) == first | again, sorted(mail)
    assert mail[f"esc/{review.id}/1/2024-07-05"].recipient == "OM1" and inbox.keys().count(f"esc/{review.id}/1/2024-07-05") == 1
    assert inbox.keys().count(f"esc/{review.id}/1") == 1, "the 14 June escalation is not sent again"
    pat = [m for m in inbox.messages if m["Subject"].startswith("qaf daily digest") and m["To"] == "pat.practice@example-council.gov.uk"]
    for level in (-1, 0):  # Pat's own notices come in her daily digest, each in exactly one
        key = f"esc/{review.id}/{level}/2024-07-05"
        assert mail[key].status == "digested" and mail[key].digest_key in {m["X-Qaf-Key"] for m in pat}, (key, mail[key].status)
    check_each_sent_once(store, inbox)
    assert "not queued" not in caplog.text
    store.close()


# --- a tick recorded for a day still to come --------------------------------------------------------------------


def test_c6_a_tick_run_while_the_clock_was_ahead_holds_no_day_back_and_its_day_is_ticked_when_it_comes(db_url: str, monkeypatch, caplog):
    """The service ticks every day to 3 May. That day the host's clock says 23 May for one catch-up, and is
    put right. From 4 May it ticks each day again, once: the tick recorded for 23 May holds nothing back,
    and the service warns of it. What it raised ahead of time (Olive Ops told on "23 May" of Pat's April
    audit, and more) is taken back and its emails, not sent, withdrawn. On 9 May the Head of Service gives
    Pat until 16 May. Everyone is told as if the clock had never been wrong: Olive of the April date on
    8 May, Pat reminded and told of the new one, and Olive again on 23 May, by that day's tick, run then."""
    import logging

    from qaf import service
    from qaf.store.tables import EVENTS, TICK_RUNS

    store = SqlStore.open(db_url)
    set_up(store)
    monkeypatch.setitem(service._here, "store", store)
    monkeypatch.setitem(service._here, "settings", MailSettings())
    monkeypatch.setitem(service._here, "runner", "test")
    caplog.set_level(logging.WARNING, logger="qaf.tick")
    assert service._tick_job(date(2024, 5, 3), date(2024, 4, 1)) == ("2024-05-03", None)
    assert service._tick_job(date(2024, 5, 23), date(2024, 5, 23)) == ("2024-05-23", None)  # the clock three weeks ahead, once
    audit = next(o for o in store.obligations() if o.row == "3.16" and o.subject == "SW1" and o.due == date(2024, 4, 30))
    assert (date(2024, 5, 23), 1, "OM1", date(2024, 4, 30)) in told_of(store, audit.id), "told ahead of time"
    assert not caplog.records

    assert service._tick_job(date(2024, 5, 4), None) == ("2024-05-04", None), "today is ticked"
    assert [r.getMessage() for r in caplog.records][0] == ("a tick was recorded for 2024-05-23, a day still to come (today is "
                                                           "2024-05-04: the clock was ahead when it ran): 2024-05-23 is ticked when it comes")  # fmt: skip
    caplog.clear()
    assert service._tick_job(date(2024, 5, 4), None) == (None, None), "once"
    assert run_tick(store, date(2024, 5, 4), MailSettings(), "test", wall=utc_now).status == "done before"
    assert not caplog.records, "warned once"
    with store.read() as conn:
        ahead = [r for r in conn.execute(select(OUTBOX)) if "/ahead/" in r.key]
        (event,) = conn.execute(select(EVENTS).where(EVENTS.c.kind == "tick.reopened")).all()
    assert ahead and {r.status for r in ahead} == {"withdrawn"}, "nothing raised ahead of its day is sent"
    assert {r.reason for r in ahead} >= {"digest", "escalation", "reminder"}
    assert (event.ref, event.payload["withdrawn"]) == ("2024-05-23", len([r for r in ahead if r.key.startswith("esc/")]))
    assert event.payload["raised"] > 0 and event.payload["summary"]["escalated"] == event.payload["raised"]
    assert all(on <= date(2024, 5, 4) for on, *_ in told_of(store, audit.id))

    ran: list[str] = []
    for day in days(date(2024, 5, 5), date(2024, 6, 14)):
        ran.append(service._tick_job(day, None)[0])
        if day == date(2024, 5, 9):
            recording.extend(store, audit.id, date(2024, 5, 16), "H1", "Ofsted week", day)
    assert ran == [d.isoformat() for d in days(date(2024, 5, 5), date(2024, 6, 14))], "each day ticked, 23 May too"
    april, may = date(2024, 4, 30), date(2024, 5, 16)
    assert told_of(store, audit.id) == [
        (date(2024, 4, 23), -1, "PM1", april), (date(2024, 5, 1), 0, "PM1", april), (date(2024, 5, 8), 1, "OM1", april),
        (date(2024, 5, 10), -1, "PM1", may), (date(2024, 5, 17), 0, "PM1", may), (date(2024, 5, 23), 1, "OM1", may),
        (date(2024, 6, 14), 2, "H1", may),
    ]  # fmt: skip
    with store.read() as conn:
        ticked = {r.business_date: r for r in conn.execute(select(TICK_RUNS))}
    assert ticked[date(2024, 5, 23)].finished_at is not None and ticked[date(2024, 5, 23)].summary["escalated"] > 0
    check_told_is_queued(store)
    assert not caplog.records
    store.close()


def machine_clock(monkeypatch, clock: dict) -> None:
    """The machine's clock at noon (UTC) of ``clock["today"]``, and so the database's (SQLite's is the
    machine's; `qaf tick` reads the business date on the database's clock)."""
    import qaf.clock
    from datetime import datetime, timezone

    monkeypatch.setattr(qaf.clock, "utc_now", lambda: datetime.combine(clock["today"], datetime.min.time(), timezone.utc) + timedelta(hours=12))
    monkeypatch.setattr(SqlStore, "wall", lambda self, local: local)


def test_c6_a_clock_a_day_behind_for_one_tick_emails_no_rung_twice(db_url: str, monkeypatch):
    """``qaf tick`` from cron, with a mail server. The morning of 3 June 2024, after a month unticked, tells
    every rung due (the April audits' managers, the Head of Service told once at her higher rung). Later that
    day a second run finds the clock a day behind (2 June): the 3 June tick looks run ahead, and is reopened.
    Put right, the clock says 3 June again: the day was ticked again and every rung already emailed went out
    again under its old key (its first email's key set aside), the managers and the Head of Service each told
    twice. The emails sent stand with their rungs: nobody is emailed twice, and the next day goes on as ever."""
    from qaf.cli.main import main

    store = SqlStore.open(db_url)
    set_up(store)
    inbox, port = Inbox(), free_port()
    for name, value in {"QAF_SMTP_HOST": "127.0.0.1", "QAF_SMTP_PORT": str(port)}.items():
        monkeypatch.setenv(name, value)
    clock = {"today": date(2024, 4, 1)}
    machine_clock(monkeypatch, clock)
    with smtp_server(inbox, port):
        for today in (date(2024, 4, 1), date(2024, 6, 3)):
            clock["today"] = today
            assert main(["--db", db_url, "tick"]) == 0
        told = len(inbox.messages)
        with store.read() as conn:
            once = [r for r in conn.execute(select(ESCALATIONS).where(ESCALATIONS.c.on == date(2024, 6, 3))) if "told once" in r.reason]
        assert once and told > 0, "the Head of Service told once, at her higher rung"
        for today in (date(2024, 6, 2), date(2024, 6, 3)):  # a day behind, once; then right again
            clock["today"] = today
            assert main(["--db", db_url, "tick"]) == 0
        assert len(inbox.messages) == told, [m["X-Qaf-Key"] for m in inbox.messages[told:]]
        clock["today"] = date(2024, 6, 4)
        assert main(["--db", db_url, "tick"]) == 0
    check_each_sent_once(store, inbox)
    with store.read() as conn:
        told_rungs = [(r.obligation, r.level) for r in conn.execute(select(ESCALATIONS))]
        kept = {r.key.split("/ahead/")[0] for r in conn.execute(select(OUTBOX)) if "/ahead/" in r.key and r.status != "withdrawn"}
    assert len(set(told_rungs)) == len(told_rungs) and kept == set()
    store.close()


def told_of(store: SqlStore, oid: str) -> list[tuple]:
    """An obligation's escalations and reminders: (on, rung, person told, the due date it was raised against)."""
    with store.read() as conn:
        return sorted((r.on, r.level, r.to_person, r.due) for r in conn.execute(select(ESCALATIONS).where(ESCALATIONS.c.obligation == oid)))


def test_c6_qaf_tick_by_the_clock_ticks_a_day_it_ran_ahead_of_when_that_day_comes(db_url: str, monkeypatch, capsys, caplog):
    """``qaf tick`` from cron: one morning the clock says 23 May; put right, the next says 4 May. The 23rd is
    not 'done before' when it comes: it is ticked then. ``--today`` replays a date and reopens nothing."""
    import logging

    from qaf.cli.main import main

    store = SqlStore.open(db_url)
    set_up(store)
    clock = {"today": date(2024, 5, 23)}
    machine_clock(monkeypatch, clock)
    caplog.set_level(logging.WARNING, logger="qaf.tick")
    assert main(["--db", db_url, "tick"]) == 0
    assert main(["--db", db_url, "tick", "--today", "2024-05-03"]) == 0  # a date replayed: the 23rd stays done
    assert main(["--db", db_url, "tick", "--today", "2024-05-23"]) == 0
    assert "tick 2024-05-23: done before" in capsys.readouterr().out and not caplog.records
    clock["today"] = date(2024, 5, 4)
    assert main(["--db", db_url, "tick"]) == 0
    assert capsys.readouterr().out.startswith("tick 2024-05-04:\n")
    assert "a tick was recorded for 2024-05-23, a day still to come" in caplog.text
    clock["today"] = date(2024, 5, 23)
    assert main(["--db", db_url, "tick"]) == 0
    assert capsys.readouterr().out.startswith("tick 2024-05-23:\n"), "ticked on its day"
    assert main(["--db", db_url, "tick"]) == 0
    assert "tick 2024-05-23: done before" in capsys.readouterr().out
    store.close()


def test_a_catch_up_with_the_mail_server_unreachable_tries_each_email_once(db_url: str):
    """A service back after a fortnight away caught up day by day, each past day's tick sending as that day: with
    the mail server unreachable for those few seconds, each email was tried once a day caught up (the back-off
    runs on business time), so a catch-up of 80 days marked escalations failed for good in a minute, and a
    fortnight's used up half the month of attempts they are given. Days before today are ticked without
    sending; today's tick sends what all of them queued."""
    from qaf.usecases.tick import catch_up

    store = SqlStore.open(db_url)
    set_up(store)
    first = date(2024, 6, 24)
    run_tick(store, first, MailSettings(), "test", now=business_now(first), wall=utc_now)  # no mail server set up yet
    today = first + timedelta(days=14)
    ticked = catch_up(store, today, MailSettings(host="127.0.0.1", port=free_port()), "test", limit=366, wall=utc_now)
    assert [r.day for r in ticked] == list(days(first + timedelta(days=1), today))
    rows = [r for r in outbox(store) if not r.digest]
    assert rows and {(r.status, r.attempts) for r in rows} == {("pending", 1)}
    assert ticked[-1].retrying == len(rows) and all(r.retrying == 0 for r in ticked[:-1])
    store.close()


def ticked_to_2_may(db_url: str, monkeypatch) -> SqlStore:
    """A store set up and ticked on 1 and 2 May 2024 by the command line, no mail server."""
    from qaf.cli.main import main

    monkeypatch.delenv("QAF_SMTP_HOST", raising=False)
    store = SqlStore.open(db_url)
    set_up(store)
    for day in ("2024-05-01", "2024-05-02"):
        assert main(["--db", db_url, "tick", "--today", day]) == 0
    return store


def test_a_tick_for_a_day_more_than_a_month_before_the_last_tick_is_refused_and_changes_nothing(db_url: str, capsys, monkeypatch):
    """`qaf tick --today 2023-05-02` on a store ticked to 2 May 2024 (a slip of the year) planned a year-old
    month for everyone (155 audits of periods before the council used qaf) and the next day's tick raised
    593 rungs and queued 407 emails up every line to the Director, for work nobody was ever asked to do. A
    day more than a month (the catch-up's reach) before the last tick is refused, naming it; a missed day
    within it is still ticked."""
    from tests.conftest import snapshot
    from qaf.cli.main import main

    store = ticked_to_2_may(db_url, monkeypatch)
    before = snapshot(store)
    capsys.readouterr()
    assert main(["--db", db_url, "tick", "--today", "2023-05-02"]) == 2
    err = capsys.readouterr().err
    assert "--today: 2023-05-02 is 366 days before the last tick (2024-05-02)" in err and "nothing was ticked" in err
    assert snapshot(store) == before
    assert main(["--db", db_url, "tick", "--today", "2024-04-01"]) == 0  # 31 days back: a day missed, ticked late
    assert "tick 2024-04-01:" in capsys.readouterr().out
    store.close()


def test_a_schedule_from_a_year_typed_wrong_is_refused_once_ticks_run_and_changes_nothing(db_url: str, capsys, monkeypatch):
    """`qaf schedule --from 2023-04-01 --through 2023-06-30` on a store ticked to May 2024 (the year typed wrong,
    or an old line from the shell's history) planned 111 audits of a quarter long past for everyone in post,
    and the next tick raised 428 rungs and reminders up every line to the Director, for work nobody was ever
    asked to do, as a tick of such a day did. A window from more than a month (the catch-up's reach) before
    the last tick is refused, naming --from and the tick; one from within it is planned."""
    from tests.conftest import snapshot
    from qaf.cli.main import main

    store = ticked_to_2_may(db_url, monkeypatch)
    before = snapshot(store)
    capsys.readouterr()
    assert main(["--db", db_url, "schedule", "--today", "2024-05-02", "--from", "2023-04-01", "--through", "2023-06-30"]) == 2
    err = capsys.readouterr().err
    assert "--from: 2023-04-01 is 397 days before the last tick (2024-05-02)" in err and "nothing was scheduled" in err
    assert snapshot(store) == before
    assert main(["--db", db_url, "schedule", "--today", "2024-05-02", "--from", "2024-04-01", "--through", "2024-06-30"]) == 0
    store.close()


def test_a_service_asked_to_catch_up_from_a_year_typed_wrong_is_refused_before_it_starts(db_url: str, capsys, monkeypatch):
    """`qaf serve --catch-up-from 2023-05-01` on a store ticked to May 2024: on becoming leader it ticked every
    day of the year before that was never ticked, each planning its month, long past, for everyone in post,
    and escalating all of it. A day more than a month (the catch-up's reach) before the last tick is refused
    before the server starts, naming --catch-up-from; a day within it is caught up from."""
    from qaf import service
    from qaf.cli.main import main

    monkeypatch.delenv("QAF_SMTP_HOST", raising=False)
    served: list = []
    monkeypatch.setattr(service, "serve", lambda *args: served.append(args))
    store = SqlStore.open(db_url)
    set_up(store)
    for day in ("2024-05-01", "2024-05-02"):
        assert main(["--db", db_url, "tick", "--today", day]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "serve", "--catch-up-from", "2023-05-01"]) == 2
    err = capsys.readouterr().err
    assert "--catch-up-from: 2023-05-01 is 367 days before the last tick (2024-05-02)" in err and "nothing was served" in err
    assert served == []
    assert main(["--db", db_url, "serve", "--catch-up-from", "2024-04-15"]) == 0
    assert [args[4] for args in served] == [date(2024, 4, 15)]
    store.close()


def test_a_tick_for_a_day_more_than_a_month_ahead_of_the_databases_today_is_refused_and_changes_nothing(db_url: str, capsys, monkeypatch):
    """`qaf tick --today` with the year typed one too many (2025-05-08 for 2024-05-08) planned the year to come
    and told every piece of work due by then overdue: 630 rungs and reminders up every line to the Director,
    emailed at once where mail is set, and an email sent stands when the tick is taken back. A day more than
    a month (the catch-up's reach) after today by the database's clock is refused, naming it."""
    from tests.conftest import snapshot
    from qaf.cli.main import main
    from qaf.clock import today_in

    monkeypatch.delenv("QAF_SMTP_HOST", raising=False)
    store = SqlStore.open(db_url)
    set_up(store)
    today = today_in(store.timezone())
    before = snapshot(store)
    capsys.readouterr()
    ahead = today + timedelta(days=366)
    assert main(["--db", db_url, "tick", "--today", ahead.isoformat()]) == 2
    err = capsys.readouterr().err
    assert f"--today: {ahead} is 366 days after today ({today}, by the database's clock)" in err and "nothing was ticked" in err
    assert snapshot(store) == before
    store.close()
