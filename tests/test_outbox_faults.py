"""The sender against faults, with a real SMTP server on loopback: one bad message holds no other, none is
lost, none is sent twice."""

from __future__ import annotations

import smtplib
import socket
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

from qaf.store import outbox as ob_store
from qaf.store import ticks
from qaf.store.sql import SqlStore
from qaf.usecases import mail, tick
from qaf.usecases.mail import MailSettings
from tests.smtp import Inbox, free_port, smtp_server
from tests.test_hardening import NOW, outbox_rows_of, queue
from tests.test_races import alert

WALL = datetime(2026, 5, 11, 6, 0, tzinfo=timezone.utc)


def send(store: SqlStore, port: int, wall=lambda: WALL, now: datetime = NOW) -> tuple[int, int, int]:
    return tick.send_outbox(store, MailSettings(host="127.0.0.1", port=port), "here.example:1", now, wall)


def states(store: SqlStore) -> dict[str, tuple[str, int]]:
    return {r.key: (r.status, r.attempts) for r in outbox_rows_of(store)}


def test_a_fault_of_qafs_own_in_one_message_holds_no_other_and_that_one_is_sent_later_once(store: SqlStore, monkeypatch):
    """A bug (here: raised as the recipient is named) in one message's conversation stopped the whole send:
    the rest of the batch stayed claimed until their lease ran out and the tick itself failed. Now that one
    message is tried again with back-off, its reason kept; every other goes."""
    queue(store, *(alert(n) for n in range(6)))
    broken = {"alert/2"}
    rcpt = smtplib.SMTP.rcpt

    def faulty(self, recip, options=()):
        if self._key in broken:
            raise RuntimeError("a bug")
        return rcpt(self, recip, options)

    send_message = smtplib.SMTP.send_message

    def keyed(self, msg, *args, **kwargs):
        self._key = msg["X-Qaf-Key"]
        return send_message(self, msg, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "rcpt", faulty)
    monkeypatch.setattr(smtplib.SMTP, "send_message", keyed)
    inbox, port = Inbox(), free_port()
    with smtp_server(inbox, port):
        assert send(store, port) == (5, 0, 1)
        assert sorted(inbox.keys()) == [f"alert/{n}" for n in (0, 1, 3, 4, 5)]
        row = next(r for r in outbox_rows_of(store) if r.key == "alert/2")
        assert (row.status, row.attempts, row.claimed_until, row.last_error) == ("pending", 1, None, "not sent: RuntimeError: a bug")
        broken.clear()
        later = NOW + tick.ob_store.BACKOFF[0]
        assert send(store, port, now=later)[0] == 1
    assert Counter(inbox.keys()) == {f"alert/{n}": 1 for n in range(6)}
    assert set(states(store).values()) == {("sent", 1), ("sent", 2)}


class Hanging(Inbox):
    """Takes one message whole and drops the connection before it answers (a server restarted, a network cut)."""

    def __init__(self, drop: str) -> None:
        super().__init__()
        self.drop = drop

    async def handle_DATA(self, server, session, envelope):
        answer = await super().handle_DATA(server, session, envelope)
        if self.messages[-1]["X-Qaf-Key"] == self.drop:
            server.transport.abort()
        return answer


def test_a_message_the_server_had_whole_when_the_connection_failed_is_not_sent_again_and_says_why(store: SqlStore):
    """The connection failed after the whole message was written and before the server's answer: the server
    may have delivered it (here it did). It was tried again, and its person had it twice. Now it is failed,
    saying it may have been sent; nothing after it is held."""
    queue(store, *(alert(n) for n in range(4)))
    inbox, port = Hanging("alert/1"), free_port()
    with smtp_server(inbox, port):
        sent, failed, _ = send(store, port)
        later = NOW + tick.ob_store.BACKOFF[-1]
        send(store, port, now=later)
    assert (sent, failed) == (3, 1)
    assert Counter(inbox.keys()) == {f"alert/{n}": 1 for n in range(4)}
    row = next(r for r in outbox_rows_of(store) if r.key == "alert/1")
    assert row.status == "failed" and row.last_error.startswith("may have been sent:"), row.last_error


class Closing(Inbox):
    """Answers one message's MAIL FROM with 421, closing the channel (a server going down for a restart)."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at, self.mails = at, 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self.mails += 1
        if self.mails == self.at:
            return "421 4.3.2 Service shutting down, closing channel"
        envelope.mail_from = address
        return "250 OK"


def test_a_421_closing_the_channel_is_met_with_a_new_connection_and_the_batch_goes_on(store: SqlStore, monkeypatch):
    """The server said 421 to one message and closed the connection: that message waited for the next send,
    an attempt used. Now it is sent again on a new connection, once, and so is everything after it."""
    monkeypatch.setattr(tick, "SMTP_CONNECTIONS", 1)
    queue(store, *(alert(n) for n in range(5)))
    inbox, port = Closing(at=3), free_port()
    with smtp_server(inbox, port):
        assert send(store, port) == (5, 0, 0)
    assert Counter(inbox.keys()) == {f"alert/{n}": 1 for n in range(5)}
    assert set(states(store).values()) == {("sent", 1)}


class Clock:
    """Real time as the sender reads it, moved on by hand (under a lock: the sender's threads share it)."""

    def __init__(self) -> None:
        self.at, self.lock = WALL, threading.Lock()

    def __call__(self) -> datetime:
        with self.lock:
            return self.at

    def wait(self, span: timedelta) -> None:
        with self.lock:
            self.at += span


def test_an_unreachable_mail_server_is_waited_on_once_not_once_a_message(store: SqlStore, monkeypatch):
    """Packets to the mail server dropped: each message waited out its connection's timeout, so 400 due
    emails held the send 33 minutes, past the tick's 30-minute lease (another runner could take the day
    over). Now the server is given up on at the first timeout, and every message due counts that try."""
    clock, tried = Clock(), []

    def dropped(address, timeout=None, source_address=None, **_):
        tried.append(timeout)
        clock.wait(timedelta(seconds=timeout or 60))
        raise TimeoutError("timed out")

    monkeypatch.setattr(socket, "create_connection", dropped)
    queue(store, *(alert(n) for n in range(400)))
    assert send(store, free_port(), clock) == (0, 0, 400)
    assert len(tried) <= tick.SMTP_CONNECTIONS and all(t <= mail.CONNECT_TIMEOUT for t in tried)
    assert clock() - WALL < ticks.TICK_LEASE - ob_store.LEASE
    assert set(states(store).values()) == {("pending", 1)}, "each tried once, as each would have been"


def test_a_tick_sending_past_its_first_lease_renews_it_and_no_second_runner_takes_the_day(store: SqlStore, monkeypatch):
    """A slow server (a minute a message): the tick sent on past its 30-minute lease, claiming batch after
    batch, and a second runner could take the day over meanwhile. Its claim is now renewed before each batch:
    a runner coming after 35 minutes finds the day busy, and the tick sends every email, each once."""
    clock, others = Clock(), []
    rcpt = smtplib.SMTP.rcpt

    def slow(self, recip, options=()):
        clock.wait(timedelta(minutes=1))
        if clock() - WALL == timedelta(minutes=35):
            with store.write() as conn:
                others.append(ticks.claim_tick(conn, NOW.date(), "there.example:2", clock()))
        return rcpt(self, recip, options)

    monkeypatch.setattr(smtplib.SMTP, "rcpt", slow)
    monkeypatch.setattr(tick, "SMTP_CONNECTIONS", 1)
    queue(store, *(alert(n) for n in range(40)))
    inbox, port = Inbox(), free_port()
    settings = MailSettings(host="127.0.0.1", port=port)
    with smtp_server(inbox, port):
        result = tick.run_tick(store, NOW.date(), settings, "here.example:1", now=NOW, wall=clock)
    assert others == ["busy"] and result.status == "ran" and result.sent == 40
    assert Counter(inbox.keys()) == {f"alert/{n}": 1 for n in range(40)}
    assert all(r.claimed_until is None for r in outbox_rows_of(store))


def test_a_message_whose_claim_runs_out_as_it_is_sent_is_not_sent_by_two_senders(store: SqlStore, monkeypatch):
    """A server slow to take one message's recipient (5 minutes): its claim's lease ran out, another sender
    claimed it and sent it, and the first then sent it too. Now a message's conversation is not carried on
    past its claim's lease (less the time to mark it): the first stops before the message's text, and the
    email reaches its person once."""
    clock = Clock()
    rcpt = smtplib.SMTP.rcpt
    inbox, port = Inbox(), free_port()
    settings = MailSettings(host="127.0.0.1", port=port)

    def slow(self, recip, options=()):
        if clock() == WALL:  # the first sender's: meanwhile the lease runs out and another sender comes
            clock.wait(ob_store.LEASE + timedelta(seconds=1))
            tick.send_outbox(store, settings, "there.example:2", NOW, clock)
        return rcpt(self, recip, options)

    monkeypatch.setattr(smtplib.SMTP, "rcpt", slow)
    monkeypatch.setattr(tick, "SMTP_CONNECTIONS", 1)
    queue(store, alert(0))
    with smtp_server(inbox, port):
        tick.send_outbox(store, settings, "here.example:1", NOW, clock)
    assert inbox.keys() == ["alert/0"]
    assert [(r.status, r.claimed_by) for r in outbox_rows_of(store)] == [("sent", "there.example:2")]


def test_an_accented_address_stored_before_addresses_were_ascii_fails_at_once_saying_why(store: SqlStore):
    """An address from before qaf held them to ASCII ('zoë@...') needs a server's SMTPUTF8: as a recipient it
    was failed as 'not a single email address', not saying why; as a copy it was left out and the outbox
    said nothing, so nobody knew the Head of Safeguarding was never copied. Both now say it, at once."""
    from qaf.engine.notices import Notice

    accented = "zo\u00eb@example-council.gov.uk"
    queue(store, Notice("alert/1", "P1", accented, "Alert 1", "Zoe\nAn alert.", "alert", "ob1"),
          Notice("alert/2", "P2", "pat@example-council.gov.uk", "Alert 2", "Pat\nAn alert.", "alert", "ob2", cc=(accented,)))  # fmt: skip
    inbox, port = Inbox(), free_port()
    with smtp_server(inbox, port):
        assert send(store, port) == (1, 1, 0)
    assert inbox.keys() == ["alert/2"] and inbox.messages[0]["Cc"] is None
    rows = {r.key: r for r in outbox_rows_of(store)}
    assert (rows["alert/1"].status, rows["alert/1"].attempts) == ("failed", 1)
    assert rows["alert/2"].status == "sent"
    for row in rows.values():
        assert f"{accented}" in row.last_error and "U+00EB" in row.last_error and "ASCII" in row.last_error, row.last_error


def test_the_answer_to_a_messages_end_is_waited_for_longer_than_a_command_but_not_past_its_claim(monkeypatch):
    """A server scans a message before it answers its end (RFC 5321 asks a client to wait 10 minutes there):
    waited 20 s like any command, a scan of 30 s made every message 'may have been sent'. It is now waited
    END_TIMEOUT, never past the time its claim leaves."""
    waits: list[float] = []
    settimeout, me = socket.socket.settimeout, threading.get_ident()

    def record(self, wait):
        if threading.get_ident() == me:
            waits.append(wait)
        return settimeout(self, wait)

    monkeypatch.setattr(socket.socket, "settimeout", record)
    inbox, port = Inbox(), free_port()
    settings = MailSettings(host="127.0.0.1", port=port)
    clock = Clock()
    with smtp_server(inbox, port):
        for finish_by in (WALL + timedelta(minutes=4), WALL + timedelta(seconds=45)):
            waits.clear()
            sender = mail.Sender(settings, clock)
            sender.send(tick.compose(settings, "k", "pat@example.org", "s", "b", None, NOW), finish_by=finish_by)
            sender._drop()
            assert abs(max(waits) - min(mail.END_TIMEOUT, (finish_by - WALL).total_seconds())) < 1  # less what the reply took
            assert sorted(waits)[-2] <= mail.COMMAND_TIMEOUT
    assert len(inbox.keys()) == 2


def test_a_server_taking_fewer_connections_than_qaf_opens_is_sent_to_over_those_it_takes(store: SqlStore, monkeypatch):
    """A relay that takes two connections at a time from one client refuses a third at once: each message
    that fell to the third and fourth of qaf's connections was failed and deferred (34 of 40). Now a sender
    refused while another is open is given up and its message goes over one the server took."""
    port, opened, lock = free_port(), [], threading.Lock()
    real = socket.create_connection

    def two_at_a_time(address, *args, **kwargs):
        if address[1] == port:
            with lock:
                opened.append(address)
                if len(opened) > 2:
                    raise ConnectionRefusedError(111, "Connection refused")
        return real(address, *args, **kwargs)

    queue(store, *(alert(n) for n in range(40)))
    inbox = Inbox()
    with smtp_server(inbox, port):
        monkeypatch.setattr(socket, "create_connection", two_at_a_time)
        assert send(store, port) == (40, 0, 0)
    assert Counter(inbox.keys()) == {f"alert/{n}": 1 for n in range(40)}


def test_a_mail_host_whose_name_is_not_resolved_in_time_is_waited_on_once(store: SqlStore, monkeypatch):
    """The mail host's name could not be resolved (its DNS server unreachable): each connection waited the
    resolver's 10 s and failed with gaierror, not a timeout, so it was asked again for every message (200
    emails held the send 34 minutes). A connection that fails after that long is given up on like a timeout."""
    clock, tried, lock = Clock(), [], threading.Lock()
    seconds = [1000.0]

    def unresolved(address, *args, **kwargs):
        with lock:
            tried.append(address)
            seconds[0] += 10
        clock.wait(timedelta(seconds=10))
        raise socket.gaierror(-3, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "create_connection", unresolved)
    monkeypatch.setattr(mail, "monotonic", lambda: seconds[0])
    queue(store, *(alert(n) for n in range(200)))
    assert send(store, free_port(), clock) == (0, 0, 200)
    assert len(tried) <= tick.SMTP_CONNECTIONS
    assert set(states(store).values()) == {("pending", 1)}


def test_a_refused_login_is_not_tried_again_for_every_message(store: SqlStore):
    """A wrong SMTP password: qaf logged in again for every message due (30 emails, 33 connections: a
    server's guard against guessing then locks the council's mail account, and it stays locked once the
    password is put right). A login refused is now given up on for the send; each email counts the try."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    sessions: set[int] = set()

    def refuse(server, session, envelope, mechanism, auth_data):
        sessions.add(id(session))
        return AuthResult(success=False, handled=False)

    queue(store, *(alert(n) for n in range(30)))
    port = free_port()
    server = Controller(Inbox(), hostname="127.0.0.1", port=port, authenticator=refuse, auth_require_tls=False)
    server.start()
    try:
        settings = MailSettings(host="127.0.0.1", port=port, user="qaf", password="wrong")
        assert tick.send_outbox(store, settings, "here.example:1", NOW, lambda: WALL) == (0, 0, 30)
    finally:
        server.stop()
    assert 0 < len(sessions) <= tick.SMTP_CONNECTIONS
    assert set(states(store).values()) == {("pending", 1)}
    assert all("SMTPAuthenticationError" in r.last_error for r in outbox_rows_of(store))


def test_a_notice_failed_as_may_have_been_sent_can_be_sent_again_once_checked(store: SqlStore, db_url: str, capsys):
    """A message whose connection failed after its whole text was written is failed as 'may have been
    sent' and never sent again: once someone had checked with its person that it did not arrive, the
    council had no way to send it. ``qaf outbox --send-again ID`` now puts failed notices back to be sent:
    each id must be a failed notice, or nothing is put back and the id is named."""
    from sqlalchemy import select

    from qaf.cli.main import main
    from qaf.store.tables import EVENTS
    from tests.conftest import snapshot

    queue(store, *(alert(n) for n in range(3)))
    inbox, port = Hanging("alert/1"), free_port()
    with smtp_server(inbox, port):
        assert send(store, port)[:2] == (2, 1)
    ids = {r.key: r.id for r in outbox_rows_of(store)}
    before = snapshot(store)
    for wrong, said in (([ids["alert/1"], 999], "999: no such notice"), ([ids["alert/0"]], f"{ids['alert/0']}: is sent, not failed")):
        assert main(["--db", db_url, "outbox", "--send-again", *map(str, wrong)]) == 1
        assert said in capsys.readouterr().err
        assert snapshot(store) == before  # nothing put back, nothing logged
    assert main(["--db", db_url, "outbox", "--send-again", str(ids["alert/1"])]) == 0
    assert states(store)["alert/1"] == ("pending", 0)
    with store.read() as conn:
        [event] = conn.execute(select(EVENTS).where(EVENTS.c.kind == "outbox.sent_again")).all()
    assert (event.ref, event.payload) == (str(ids["alert/1"]), {"reason": "alert", "attempts": 1})  # never the server's words
    inbox, port = Inbox(), free_port()
    with smtp_server(inbox, port):
        assert send(store, port) == (1, 0, 0)
    assert inbox.keys() == ["alert/1"] and states(store)["alert/1"] == ("sent", 1)


class Dribbling:
    """A connection whose server answers one byte a read, each read taking ``each`` seconds of ``clock``."""

    def __init__(self, reply: bytes, clock: list[float], each: float) -> None:
        self.data, self.clock, self.each = reply, clock, each

    def settimeout(self, wait) -> None:
        pass

    def recv_into(self, buffer) -> int:
        self.clock[0] += self.each
        if not self.data:
            return 0
        buffer[0], self.data = self.data[0], self.data[1:]
        return 1

    def makefile(self, mode):  # how smtplib reads on its own
        import io

        owner = self

        class Raw(io.RawIOBase):
            def readable(self) -> bool:
                return True

            def readinto(self, buffer) -> int:
                return owner.recv_into(buffer)

        return io.BufferedReader(Raw())

    def close(self) -> None:
        pass


def test_a_reply_sent_a_byte_at_a_time_is_not_waited_on_past_its_bound(monkeypatch):
    """The socket's timeout is a read's: a server answering a byte every second held a reply (the answer to a
    message's end, read 'may have been sent' only once it gave up) for as long as it liked, past the command's
    20 s and past the time the message's claim leaves. The whole reply is now bounded by them."""
    import pytest

    clock = [0.0]
    monkeypatch.setattr(mail, "monotonic", lambda: clock[0])
    for left, bound in ((None, mail.COMMAND_TIMEOUT), (lambda: 8.0 - clock[0], 8.0)):
        clock[0] = 0.0
        talk = mail._Conversation(timeout=mail.COMMAND_TIMEOUT)
        talk.sock, talk.left = Dribbling(b"250 " + b"x" * 300 + b"\r\n", clock, 1.0), left
        with pytest.raises(smtplib.SMTPServerDisconnected) as failed:
            talk.getreply()
        assert mail.timed_out(failed.value) and clock[0] <= bound + 1, clock[0]
