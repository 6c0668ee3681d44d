"""A tick killed (SIGKILL) at any point and run again loses nothing and repeats nothing.

Each run is a real ``qaf tick`` process; ``QAF_CRASH_AT`` kills it at a named
point. The store it leaves, and the email delivered, are compared with the
same days ticked without a crash.

One point is honest about SMTP: between "the server accepted the message"
and "the outbox row is marked sent" a crash means the message is sent again
on the next run. It goes with the same Message-ID (derived from its outbox
key), which receiving servers and mail clients treat as one message; the
test checks that this is the only way a message is ever received twice.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from qaf.cli.common import runner_name
from qaf.clock import utc_now
from qaf.engine.businesstime import business_now
from qaf.engine.notices import Notice
from qaf.rules import bundled
from qaf.store.outcomes import outbox_rows
from qaf.store.sql import SqlStore
from qaf.store.tables import ESCALATIONS, OBLIGATIONS, OUTBOX
from qaf.store.upsert import insert_new
from qaf.usecases.mail import MailSettings
from qaf.usecases.tick import run_tick
from tests.council import council
from tests.smtp import Inbox, free_port, smtp_server
from tests.test_tick import FW, work

POINTS = ("after-claim-tick", "after-schedule", "after-escalate", "after-digests", "after-claim-mail", "after-smtp", "before-finish")
DAYS = [date(2024, 4, 22) + timedelta(days=i) for i in range(21)]  # month end and its overdue notices included


def tick(url: str, day: date, port: int, crash: str | None = None) -> int:
    env = {**os.environ, "QAF_DB": url, "QAF_SMTP_HOST": "127.0.0.1", "QAF_SMTP_PORT": str(port)}
    env.pop("QAF_CRASH_AT", None)
    if crash:
        env["QAF_CRASH_AT"] = crash
    done = subprocess.run([sys.executable, "-m", "qaf.cli.main", "tick", "--today", day.isoformat()], env=env, capture_output=True, text=True)
    assert done.returncode in (0, -9), done.stderr
    return done.returncode


def state(url: str) -> dict:
    store = SqlStore.open(url)
    with store.read() as conn:
        obligations = {(r.id, r.status, r.assignee, r.case_ref) for r in conn.execute(select(OBLIGATIONS))}
        escalations = {(r.obligation, r.level, r.to_person) for r in conn.execute(select(ESCALATIONS))}
        outbox = {(r.key, r.status) for r in conn.execute(select(OUTBOX))}
    store.close()
    return {"obligations": obligations, "escalations": escalations, "outbox": outbox}


def prepared(url: str) -> None:
    store = SqlStore.open(url)
    store.save_framework(FW, bundled.path("east-sussex-2013").read_text())
    store.save_org(council())
    store.close()


def alert_for(store: SqlStore, day: date) -> None:
    """An email to send on ``day`` whatever the work did, so a run killed at an email point always reaches it."""
    notice = Notice(f"test-alert/{day}", "P1", "pat.practice@example-council.gov.uk", f"Alert for {day}", "Pat\nAn alert.", "alert", None)
    with store.write() as conn:
        insert_new(conn, OUTBOX, outbox_rows([notice], datetime.combine(day, datetime.min.time(), timezone.utc)), ["key"])


def run(url: str, port: int, inbox: Inbox, crashes: list[str | None]) -> int:
    """Tick each day (crashing where asked, then running again); returns how many runs were killed."""
    killed = 0
    store = SqlStore.open(url)
    with smtp_server(inbox, port):
        for day, crash in zip(DAYS, crashes):
            alert_for(store, day)
            hit = crash is not None and tick(url, day, port, crash) == -9
            killed += hit
            # the next run (in this process: the same code without a start-up each day) finishes the day;
            # the killed run's claim is taken over because its process is gone
            result = run_tick(store, day, MailSettings(host="127.0.0.1", port=port), runner_name(), now=business_now(day), wall=utc_now)
            assert result.status == ("ran" if hit or crash is None else "done before")
            work(store, day)
    store.close()
    return killed


def test_ticks_killed_at_every_point_leave_no_lost_or_duplicated_work(db_url: str, tmp_path: Path):
    """Each of the 21 days is killed at one of the seven points (each point three times), email ones included,
    on SQLite and on PostgreSQL, and run again; the store and the mail received equal an uncrashed run's."""
    calm_url = f"sqlite:///{tmp_path / 'calm.db'}"
    prepared(calm_url)
    prepared(db_url)
    calm_inbox, crash_inbox = Inbox(), Inbox()
    run(calm_url, free_port(), calm_inbox, [None] * len(DAYS))
    crashes = [POINTS[i % len(POINTS)] for i in range(len(DAYS))]
    killed = run(db_url, free_port(), crash_inbox, crashes)
    assert killed == len(DAYS), f"only {killed} of {len(DAYS)} runs reached their crash point"
    assert state(db_url) == state(calm_url)  # obligations, escalations and the outbox, exactly
    assert sorted(set(crash_inbox.keys())) == sorted(calm_inbox.keys())  # nothing lost
    repeated = len(crash_inbox.keys()) - len(set(crash_inbox.keys()))
    smtp_kills = sum(1 for d, c in zip(DAYS, crashes) if c == "after-smtp")
    assert 0 < repeated <= smtp_kills  # the one documented window, and only it: SMTP accepted, the commit lost
    by_key: dict[str, set] = {}
    for m in crash_inbox.messages:
        by_key.setdefault(m["X-Qaf-Key"], set()).add(m["Message-ID"])
    assert all(len(ids) == 1 for ids in by_key.values())  # a resend is the same message
