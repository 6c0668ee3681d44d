"""The sender against faults, with a real SMTP server on loopback: one bad message holds no other, none is
lost, none is sent twice."""

from __future__ import annotations

import smtplib
from collections import Counter
from datetime import datetime, timezone

from qaf.store.sql import SqlStore
from qaf.usecases import tick
from qaf.usecases.mail import MailSettings
from tests.smtp import Inbox, free_port, smtp_server
from tests.test_hardening import NOW, outbox_rows_of, queue
from tests.test_races import alert

WALL = datetime(2026, 5, 11, 6, 0, tzinfo=timezone.utc)


def send(store: SqlStore, port: int, wall=lambda: WALL) -> tuple[int, int, int]:
    return tick.send_outbox(store, MailSettings(host="127.0.0.1", port=port), "here.example:1", NOW, wall)


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
        assert tick.send_outbox(store, MailSettings(host="127.0.0.1", port=port), "here.example:1", later, lambda: WALL)[0] == 1
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
        tick.send_outbox(store, MailSettings(host="127.0.0.1", port=port), "here.example:1", later, lambda: WALL)
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
