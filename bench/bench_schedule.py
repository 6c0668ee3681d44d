"""Benchmark: a year of East Sussex for a large council, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_schedule.py [--pg URL] [--size large] [--only sqlite|postgresql]

For each store it prints:

- floor: a bare ``executemany`` insert of as many obligation-shaped rows as
  the year produces, into a scratch copy of the table (the least any store
  could spend writing them);
- year: one year scheduled into an empty store (today = the first day of the
  year, as a council planning its year would), wall time and rows written,
  and its ratio to the floor;
- repeat: the same schedule run again with nothing changed;
- repeat (forced): the same, planned and compared in full;
- catch-up: a year scheduled with every period begun (every case chosen);
- peak RSS of the process.

Targets (issue 3): year within 5x the floor and under 3 s on SQLite; repeat
under 0.5 s; peak memory under 400 MB.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PG_DEFAULT, on_each_store  # noqa: E402
from sqlalchemy import Column, MetaData, Table, func, insert, select  # noqa: E402

from qaf.demo.synthetic import make_council  # noqa: E402
from qaf.rules import bundled  # noqa: E402
from qaf.rules.loader import load_framework  # noqa: E402
from qaf.store.obligations import OBLIGATIONS  # noqa: E402
from qaf.store.sql import SqlStore  # noqa: E402
from qaf.usecases import scheduling  # noqa: E402

FIRST, LAST = date(2026, 4, 1), date(2027, 3, 31)


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def floor(store: SqlStore, rows: list[dict]) -> float:
    """A bare executemany of the same rows into a scratch table of the same shape."""
    meta = MetaData()
    scratch = Table(f"floor_{uuid.uuid4().hex[:8]}", meta, *[Column(c.name, c.type, primary_key=c.primary_key) for c in OBLIGATIONS.columns])
    meta.create_all(store.engine)
    try:
        def write():
            with store.engine.begin() as conn:
                conn.execute(insert(scratch), rows)

        seconds, _ = timed(write)
        return seconds
    finally:
        meta.drop_all(store.engine)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(name: str, url: str, fw, org) -> None:
    store = SqlStore.open(url)
    try:
        year_s, result = timed(lambda: scheduling.schedule(store, fw, org, FIRST, LAST, FIRST))
        with store.engine.connect() as conn:
            written = conn.execute(select(func.count()).select_from(OBLIGATIONS)).scalar_one()
            rows = [dict(r._mapping) for r in conn.execute(select(OBLIGATIONS))]
        floor_s = floor(store, rows)
        repeat_s, repeat = timed(lambda: scheduling.schedule(store, fw, org, FIRST, LAST, FIRST))
        forced_s, forced = timed(lambda: scheduling.schedule(store, fw, org, FIRST, LAST, FIRST, force=True))
        catch_s, catch = timed(lambda: scheduling.schedule(store, fw, org, FIRST, LAST, LAST))
        assert repeat.skipped and forced.created == 0 and forced.updated == 0
        print(f"{name}:")
        print(f"  floor (bare executemany of {written} rows)   {floor_s:7.3f} s")
        print(f"  year from empty ({result.created} created)    {year_s:7.3f} s   ratio to floor {year_s / floor_s:5.1f}x")
        print(f"  repeat, nothing changed (skipped)        {repeat_s:7.3f} s")
        print(f"  repeat, forced (planned and compared)    {forced_s:7.3f} s   ({forced.unchanged} unchanged)")
        print(f"  catch-up, every period begun             {catch_s:7.3f} s   ({catch.updated} updated with their cases)")
        print(f"  peak RSS so far                          {peak_mb():7.0f} MB")
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default=os.environ.get("QAF_TEST_POSTGRES_URL", PG_DEFAULT))
    parser.add_argument("--size", default="large")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()

    gen_s, org = timed(lambda: make_council(seed=1, size=args.size))
    fw, _ = load_framework(bundled.path("east-sussex-2013"))
    open_cases = sum(1 for c in org.cases if c.closed is None)
    print(f"council: {len(org.people)} people, {len(org.teams)} teams, {open_cases} open cases (generated in {gen_s:.2f} s)")
    print(f"framework: {fw.id}, {len(fw.rows)} rows; window {FIRST}..{LAST}")
    on_each_store(args.only, args.pg, lambda name, url: run(name, url, fw, org))
    print(f"peak RSS of the process: {peak_mb():.0f} MB (target under 400 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
