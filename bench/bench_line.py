"""Benchmark: My line, the Director's page, the search and My work, rendered server-side for a large council.

    .venv/bin/python bench/bench_line.py [--size large] [--repeat 10] [--db sqlite|postgresql]

A large synthetic council (``make_council(seed=1, size="large")``) with East
Sussex scheduled over eighteen months. Each page is asked for through the
real app in-process (Starlette's test client, a signed-in session), so the
figure is the server's work: the session check, the queries, the template.
Each is printed with the median of ``--repeat`` requests and the ratio to a
floor measured in the same run: reading the obligations the page reads
(the whole framework's, for the Director's page; and for it also a route of
the same app that does nothing, ``/bench/noop``).

Then the Director's "Overdue today, and who is on it" alone
(:func:`qaf.web.line.late_now`: about 10,800 pieces overdue, held by 438
people, on 1 October), against its floor: the same count (holder, how
many, oldest due) as raw SQL on the driver's cursor; with the plan the
database chose for it (EXPLAIN QUERY PLAN / EXPLAIN): an index, or a scan
of ``obligations``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import PG_DEFAULT, on_each_store, scheduled  # noqa: E402
from qaf.calendars.access import line_below  # noqa: E402
from qaf.demo.synthetic import make_council  # noqa: E402
from qaf.engine.query import Filters  # noqa: E402
from qaf.rules import bundled  # noqa: E402
from qaf.rules.loader import load_framework  # noqa: E402
from qaf.usecases import signin  # noqa: E402

FIRST, LAST = date(2026, 4, 1), date(2027, 9, 30)
TODAY = date(2026, 10, 1)
NOW = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)
BASE = "https://qaf.example-council.gov.uk"


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def run(name: str, url: str, size: str, repeat: int) -> None:
    warnings.simplefilter("ignore")
    from fastapi import Response
    from starlette.testclient import TestClient

    from qaf.web.api import create_app

    fw = load_framework(bundled.path("east-sussex-2013"))[0]
    org = make_council(seed=1, size=size)
    store = scheduled(url, fw, org, FIRST, LAST, TODAY)
    vocab = store.vocabulary()
    every = store.obligations(Filters(statuses=None))
    owners = Counter(o.assignee for o in every if o.assignee)

    def holder(role: str) -> str:  # the holder of ``role`` with the longest line
        found = [p.id for p in org.people if role in org.roles_of(p, vocab)]
        return max(found, key=lambda pid: len(line_below(org, pid)))

    om, hos, dcs = holder("Operations Manager"), holder("Head of Service"), holder("Director of Children's Services")
    pm = max((p.id for p in org.people if "Practice Manager" in org.roles_of(p, vocab)), key=lambda pid: owners[pid])
    app = create_app(url, lambda: TODAY, base_url=BASE, now=lambda: NOW)

    @app.get("/bench/noop")
    def noop() -> Response:  # a sync route, as the pages are: the same thread pool, session cookie and middleware
        return Response(b"ok", media_type="text/plain")

    print(f"{name}: {len(org.people):,} people, {len(every):,} obligations")

    def client(pid: str) -> TestClient:
        person = org.person(pid)
        _, link = signin.request_link(store, person.email, NOW, TODAY)
        session = signin.use_link(store, link, NOW, TODAY)
        c = TestClient(app, base_url=BASE)
        c.cookies.set("qaf_session", session.token)
        return c

    team = org.person(pm).team
    for label, who, path, floor in (
        (f"My work, {pm} ({owners[pm]} obligations)", pm, "/my-work", Filters(assignees=frozenset({pm}))),
        (f"My line, Operations Manager {om} ({len(line_below(org, om))} people)", om, "/my-line",
         Filters(assignees=line_below(org, om))),
        (f"My line, Head of Service {hos} ({len(line_below(org, hos))} people)", hos, "/my-line",
         Filters(assignees=line_below(org, hos))),
        ("the Director's page (the month, the year so far)", dcs, "/director", Filters(framework=fw.id)),
        (f"search, team {team}, audits, HTML", dcs, f"/search?team={team}&kind=audit", Filters(team=team, kind="audit")),
        (f"search, team {team}, all statuses, CSV", dcs, f"/search?team={team}&status=all&format=csv", Filters(team=team, statuses=None)),
    ):  # fmt: skip
        c = client(who)
        start = time.perf_counter()
        answer = c.get(path)  # the first: the Director's figures are worked out, then kept until the store changes
        first = (time.perf_counter() - start) * 1000
        assert answer.status_code == 200, (path, answer.status_code)
        page = median_ms(lambda: c.get(path), repeat)
        base = median_ms(lambda: store.obligations(floor), repeat)
        print(f"  {label}: {page:.1f} ms (p50 of {repeat}; first {first:.0f} ms); floor (reading its people's or framework's "
              f"obligations, every status) {base:.1f} ms; ratio {page / base:.2f}x; "
              f"{len(answer.content) / 1000:.0f} KB")  # fmt: skip
        if path == "/director":
            nothing = median_ms(lambda: c.get("/bench/noop"), repeat * 5)
            print(f"    against a route that does nothing (same app and client): {nothing:.1f} ms; ratio {page / nothing:.1f}x")
    late_section(store, fw.id, repeat)
    app.state.store.close()
    store.close()


def late_section(store, framework: str, repeat: int) -> None:
    """The Director's "Overdue today, and who is on it" alone, against the same count as raw SQL."""
    from sqlalchemy import text

    from qaf.web.line import late_now

    org = store.org()
    raw = text("SELECT assignee, count(*), min(due) FROM obligations WHERE status IN ('open', 'rescheduled') "
               "AND due < :today AND framework = :fw GROUP BY assignee")  # fmt: skip
    values = {"today": TODAY, "fw": framework}
    explain = "EXPLAIN QUERY PLAN " if store.dialect == "sqlite" else "EXPLAIN "
    with store.read() as conn:
        plan = [str(r[-1]).strip() for r in conn.execute(text(explain + raw.text), values)]
    driver = store.engine.raw_connection()  # the floor's own connection, held for the run: no pool, no transaction set-up
    cursor = driver.cursor()
    late, total = late_now(store, org, framework, TODAY)
    compiled = raw.compile(dialect=store.engine.dialect)
    params = compiled.construct_params(values)
    sql, args = compiled.string, (tuple(params[k] for k in compiled.positiontup) if compiled.positional else params)

    def floor() -> None:
        cursor.execute(sql, args)
        cursor.fetchall()

    section = median_ms(lambda: late_now(store, org, framework, TODAY), repeat * 5)
    base = median_ms(floor, repeat * 5)
    driver.close()
    scans = [p for p in plan if "SCAN obligations" in p or "Seq Scan on obligations" in p]
    print(f"  the Director's \"Overdue today, and who is on it\" alone ({total:,} overdue, {len(late)} people): {section:.1f} ms; "
          f"floor (the same count, raw SQL on the driver's cursor) {base:.1f} ms; ratio {section / base:.2f}x; "
          f"plan: {'SCANS obligations' if scans else 'by index'} ({' / '.join(p for p in plan if 'obligations' in p)[:160]})")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg", default=PG_DEFAULT)
    args = parser.parse_args()
    on_each_store(args.db, args.pg, lambda name, url: run(name, url, args.size, args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
