"""Benchmark: a year of daily ticks replayed for a large council.

    .venv/bin/python bench/bench_ticks.py [--size large] [--db URL] [--no-smtp]

Each day: the tick (schedule the horizon, escalate, gather digests, send the
outbox to a real SMTP server on loopback), then the day's work: most audits
due that day are recorded (a tenth with concerns, which set off follow-ups
and alerts); the rest go overdue and climb the ladder. Prints the time for
the year, the slowest day, and what was sent; the baseline is the same
number of days doing nothing but claiming the tick date (the least a daily
run can cost). Target (issue 6): the whole year under 60 s on SQLite.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
import zlib
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qaf.clock import utc_now  # noqa: E402
from qaf.demo.synthetic import make_council  # noqa: E402
from qaf.engine.businesstime import business_now  # noqa: E402
from qaf.engine.model import LIVE  # noqa: E402
from qaf.engine.outcomes import Recording  # noqa: E402
from qaf.engine.query import Filters  # noqa: E402
from qaf.rules import bundled  # noqa: E402
from qaf.rules.loader import load_framework  # noqa: E402
from qaf.store import ticks as tick_store  # noqa: E402
from qaf.store.sql import SqlStore  # noqa: E402
from qaf.usecases import recording  # noqa: E402
from qaf.usecases.mail import MailSettings  # noqa: E402
from qaf.usecases.tick import run_tick  # noqa: E402

FIRST = date(2026, 4, 1)


def work(store: SqlStore, day: date) -> int:
    due = store.obligations(Filters(due_from=day, due_to=day, statuses=frozenset(LIVE)))
    recs = []
    for ob in due:
        n = zlib.crc32(ob.id.encode())
        if ob.kind in ("audit", "follow_up_audit", "review") and n % 10 < 7:
            recs.append((None, Recording(ob.id, "good" if n % 3 else "requires_improvement", concerns=n % 10 == 0, date=day)))
    if recs:
        recording.record_many(store, recs, day)
    return len(recs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="large")
    parser.add_argument("--db", help="database URL (default: a SQLite file in a temporary folder)")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--no-smtp", action="store_true", help="leave email pending instead of sending it")
    args = parser.parse_args()

    org = make_council(seed=1, size=args.size)
    fw, _ = load_framework(bundled.path("east-sussex-2013"))
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/ticks.db"
        store = SqlStore.open(url)
        store.save_framework(fw, bundled.path("east-sussex-2013").read_text())
        store.save_org(org)
        print(f"council: {len(org.people)} people, {len(org.teams)} teams; {fw.id}; {args.days} days from {FIRST}; {store.dialect}")

        # baseline: claiming and finishing each date, nothing else
        from datetime import datetime, timezone

        base_start = time.perf_counter()
        for i in range(args.days):
            with store.engine.begin() as conn:
                tick_store.claim_tick(conn, FIRST - timedelta(days=1000 - i), "bench", datetime.now(timezone.utc))
                tick_store.finish_tick(conn, FIRST - timedelta(days=1000 - i), "bench", datetime.now(timezone.utc), {})
        base_s = time.perf_counter() - base_start

        smtp = None
        settings = MailSettings()
        if not args.no_smtp:  # a real SMTP server in its own process, as a council's relay would be
            import socket
            import subprocess

            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            smtp = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Sink"])
            time.sleep(1.0)
            settings = MailSettings(host="127.0.0.1", port=port)
        tick_s = work_s = 0.0
        slowest = (0.0, FIRST)
        recorded = sent = escalated = 0
        try:
            for i in range(args.days):
                day = FIRST + timedelta(days=i)
                start = time.perf_counter()
                result = run_tick(store, day, settings, "bench", now=business_now(day), wall=utc_now)
                took = time.perf_counter() - start
                tick_s += took
                slowest = max(slowest, (took, day))
                sent += result.sent
                escalated += result.escalated
                start = time.perf_counter()
                recorded += work(store, day)
                work_s += time.perf_counter() - start
        finally:
            if smtp is not None:
                smtp.terminate()
        print(f"baseline: {args.days} bare tick claims            {base_s:7.2f} s")
        print(f"ticks: {args.days} daily ticks                    {tick_s:7.2f} s   ratio {tick_s / base_s:5.1f}x   slowest {slowest[0]:.2f} s on {slowest[1]}")
        print(f"  escalations and reminders queued {escalated}, emails sent {sent}")
        print(f"work between ticks: {recorded} outcomes recorded     {work_s:7.2f} s")
        print(f"the year, ticks and work: {tick_s + work_s:.1f} s (target for the ticks: under 60 s on SQLite)")
        print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
