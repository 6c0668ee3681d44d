"""The outbox keeps sent email for a documented retention, then the tick deletes it in bounded batches (issue 16)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, insert, select

from qaf.cli.main import main
from qaf.clock import utc_now
from qaf.engine.businesstime import business_now
from qaf.rules.problems import QafError
from qaf.store import outbox as ob_store
from qaf.store.settings import whole
from qaf.store.sql import SqlStore
from qaf.store.tables import OUTBOX, TICK_RUNS
from qaf.usecases.mail import MailSettings
from qaf.usecases.tick import purge_outbox, retention_days, run_tick
from tests.test_tick import set_up

NOW = datetime(2025, 6, 2, 6, 0, tzinfo=timezone.utc)


def row(n: int, status: str, age_days: int | None, *, digest: bool = False, created_days: int = 500) -> dict:
    """An outbox row: ``age_days`` since it was sent (None: not sent), created ``created_days`` ago."""
    return {
        "key": f"test/{status}/{n}", "recipient": "p1", "recipient_email": "p1@example-council.gov.uk", "cc": None,
        "subject": "s", "body_text": "t", "body_html": "", "reason": "digest" if status == "sent" and digest else "reminder",
        "cause": None, "digest": digest, "digest_key": None, "status": status, "attempts": 1,
        "next_attempt_at": NOW - timedelta(days=created_days), "claimed_by": None, "claimed_until": None,
        "created_at": NOW - timedelta(days=created_days), "last_error": "boom" if status == "failed" else None,
        "sent_at": None if age_days is None else NOW - timedelta(days=age_days),
    }  # fmt: skip


def statuses(store: SqlStore) -> dict[str, int]:
    with store.read() as conn:
        return dict(conn.execute(select(OUTBOX.c.status, func.count()).group_by(OUTBOX.c.status)).all())


def fill(store: SqlStore) -> None:
    rows = [row(i, "sent", 401 + i % 50) for i in range(2500)]  # past the retention
    rows += [row(3000 + i, "sent", 399 - i * 13) for i in range(30)]  # within it
    rows += [row(4000 + i, "digested", 450, digest=True) for i in range(20)]  # their digest went out long ago
    rows += [row(5000 + i, "digested", None, digest=True) for i in range(5)]  # their digest is not sent yet
    rows += [row(6000 + i, "withdrawn", None, digest=True, created_days=420) for i in range(7)]
    rows += [row(6100 + i, "withdrawn", None, digest=True, created_days=10) for i in range(3)]
    rows += [row(7000 + i, "pending", None, created_days=900) for i in range(4)]  # never sent: kept whatever its age
    rows += [row(8000 + i, "failed", None, created_days=900) for i in range(6)]  # someone should read why
    rows += [row(9000 + i, "sending", None, created_days=900) for i in range(2)]
    with store.write() as conn:
        conn.execute(insert(OUTBOX), rows)


def test_the_purge_deletes_only_what_finished_before_the_retention_in_bounded_batches(db_url: str):
    store = SqlStore.open(db_url)
    fill(store)
    with store.write() as conn:  # one batch takes at most its size, oldest first
        assert ob_store.purge_batch(conn, NOW - timedelta(days=400), batch=1000) == 1000
    assert statuses(store)["sent"] == 2530 - 1000
    assert purge_outbox(store, NOW, 400, batch=1000) == 1500 + 20 + 7
    assert statuses(store) == {"sent": 30, "digested": 5, "withdrawn": 3, "pending": 4, "failed": 6, "sending": 2}
    with store.read() as conn:
        left = conn.execute(select(func.min(OUTBOX.c.sent_at)).where(OUTBOX.c.status == "sent")).scalar()
    assert left.replace(tzinfo=timezone.utc) >= NOW - timedelta(days=400)
    assert purge_outbox(store, NOW, 400) == 0  # nothing more: a second run finds nothing
    assert purge_outbox(store, NOW, 30) == 29  # a shorter retention takes the sent rows older than it (one was sent 22 days ago)
    store.close()


def test_the_tick_purges_with_the_retention_from_the_environment(db_url: str, monkeypatch: pytest.MonkeyPatch):
    store = SqlStore.open(db_url)
    set_up(store)
    fill(store)
    day = date(2025, 6, 2)
    monkeypatch.setenv("QAF_OUTBOX_RETENTION_DAYS", "420")
    result = run_tick(store, day, MailSettings(), "test", now=business_now(day), wall=utc_now)
    # the tick's now is 06:00 London (05:00 UTC in June), an hour before NOW: rows sent exactly 420 days before NOW stay
    assert result.purged == sum(1 for i in range(2500) if 401 + i % 50 > 420) + 20
    assert "past their retention deleted" in result.lines()[-1]
    assert statuses(store)["sent"] == 2530 - result.purged + 20
    store.close()


@pytest.mark.parametrize("bad", ["29", "3651", "a year", "-5", "400.5"])
def test_a_bad_retention_is_refused_by_name_before_the_tick_does_anything(db_url: str, bad: str, monkeypatch, capsys):
    store = SqlStore.open(db_url)
    set_up(store)
    fill(store)
    before = statuses(store)
    monkeypatch.setenv("QAF_OUTBOX_RETENTION_DAYS", bad)
    with pytest.raises(QafError, match=r"QAF_OUTBOX_RETENTION_DAYS=.*a whole number from 30 to 3650"):
        run_tick(store, date(2025, 6, 2), MailSettings(), "test", wall=utc_now)
    assert statuses(store) == before
    with store.read() as conn:
        assert conn.execute(select(func.count()).select_from(TICK_RUNS)).scalar() == 0  # the date was not even claimed
    assert main(["--db", db_url, "tick", "--today", "2025-06-02"]) != 0
    assert "QAF_OUTBOX_RETENTION_DAYS" in capsys.readouterr().err
    assert statuses(store) == before
    store.close()


def test_the_retention_defaults_to_400_days_and_takes_the_ends_of_its_range(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("QAF_OUTBOX_RETENTION_DAYS", raising=False)
    assert retention_days() == 400
    assert whole("QAF_OUTBOX_RETENTION_DAYS", {"QAF_OUTBOX_RETENTION_DAYS": "30"}) == 30
    assert whole("QAF_OUTBOX_RETENTION_DAYS", {"QAF_OUTBOX_RETENTION_DAYS": "3650"}) == 3650


def test_a_tick_for_a_day_a_year_ahead_purges_nothing_still_within_its_retention_by_the_databases_clock(db_url: str):
    """``qaf tick --today`` a year and more ahead (a slip of the year) ran, and its purge counted the retention
    back from that day: every email sent in the last two months, the outbox's record of who was told what, was
    deleted for good (the tick itself is reopened when the clock comes back; a purge is not). The retention
    counts back from the earlier of the business time and the database's clock."""
    store = SqlStore.open(db_url)
    set_up(store)
    fill(store)  # sent rows from 401 to 450 days before NOW, and 30 within the 400 days
    ahead = (NOW + timedelta(days=450)).date()
    result = run_tick(store, ahead, MailSettings(), "test", now=business_now(ahead), wall=lambda: NOW)
    assert result.purged == 2500 + 20 + 7  # only what was past the retention at NOW, as a tick on NOW's day purges
    assert statuses(store)["sent"] == 30
    store.close()
