"""Writers meeting: two senders, two ticks, a schedule and a recording at once. Nothing lost, nothing twice.

Each race is made to happen, not hoped for: the first writer is stopped
where the other could come between (a hook on the step it is at), the other
runs to its end there, and then the first goes on. On SQLite a writer holds
the write lock from its first statement, so the other waits its turn and the
race cannot happen; on PostgreSQL (read committed) each of these lost or
doubled something before it was mended.
"""

from __future__ import annotations

import threading
from collections import Counter
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from qaf.engine.notices import Notice
from qaf.store import outbox as ob_store
from qaf.store.sql import SqlStore
from qaf.store.tables import OUTBOX
from qaf.usecases import tick
from qaf.usecases.mail import MailSettings
from tests.test_hardening import NOW, outbox_rows_of, queue

WALL = datetime(2026, 5, 11, 6, 0, tzinfo=timezone.utc)


def alert(n: int) -> Notice:
    return Notice(f"alert/{n}", "P1", "pat@example-council.gov.uk", f"Alert {n}", "Pat\nAn alert.", "alert", f"ob{n}")


def test_a_sender_whose_lease_ran_out_mid_batch_sends_no_more_of_it(store: SqlStore, monkeypatch):
    """A slow server held sender A's batch past its lease; sender B claimed the rest and sent them. A sent
    them again (a second email each, not a crash's repeat). Now a message not begun within SEND_WITHIN of its
    claim is not sent on it: each of the rest reaches its person once."""
    queue(store, *(alert(n) for n in range(3)))
    delivered: Counter = Counter()
    clock = {"wall": WALL}

    class SlowServer:  # the first message takes longer than the lease; meanwhile B sends what is due
        def __init__(self, settings) -> None:
            pass

        def send(self, msg) -> None:
            delivered[msg["X-Qaf-Key"]] += 1
            if clock["wall"] == WALL:
                clock["wall"] = WALL + ob_store.LEASE + timedelta(minutes=1)
                tick.send_outbox(store, MailSettings(host="127.0.0.1"), "elsewhere.example:2", NOW, lambda: clock["wall"])

        def close(self) -> None:
            pass

    monkeypatch.setattr(tick, "Sender", SlowServer)
    monkeypatch.setattr(tick, "SMTP_CONNECTIONS", 1)
    tick.send_outbox(store, MailSettings(host="127.0.0.1"), "elsewhere.example:1", NOW, lambda: clock["wall"])
    # alert/0 was in flight as its lease ran out: sent by both (the one repeat SMTP cannot rule out)
    assert {k: n for k, n in delivered.items() if k != "alert/0"} == {"alert/1": 1, "alert/2": 1}
    assert [r.status for r in outbox_rows_of(store)] == ["sent"] * 3


def test_a_batch_not_begun_in_time_is_handed_back_and_sent_on_a_claim_of_its_own(store: SqlStore, monkeypatch):
    """Alone, a sender slowed past SEND_WITHIN sends the rest of its batch on a fresh claim: nothing is left."""
    queue(store, *(alert(n) for n in range(3)))
    delivered: Counter = Counter()
    clock = {"wall": WALL, "claims": 0}

    class SlowServer:
        def __init__(self, settings) -> None:
            pass

        def send(self, msg) -> None:
            delivered[msg["X-Qaf-Key"]] += 1
            clock["wall"] += ob_store.SEND_WITHIN  # each message takes all the time a claim gives

        def close(self) -> None:
            pass

    monkeypatch.setattr(tick, "Sender", SlowServer)
    monkeypatch.setattr(tick, "SMTP_CONNECTIONS", 1)
    sent, failed, _ = tick.send_outbox(store, MailSettings(host="127.0.0.1"), "elsewhere.example:1", NOW, lambda: clock["wall"])
    assert (sent, failed) == (3, 0) and delivered == {"alert/0": 1, "alert/1": 1, "alert/2": 1}
    assert [(r.status, r.claimed_until) for r in outbox_rows_of(store)] == [("sent", None)] * 3
