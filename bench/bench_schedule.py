"""Benchmark: a year of East Sussex for a large council, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_schedule.py [--pg URL] [--size large] [--only sqlite|postgresql] [--rounds 3]

Each round (``--rounds``, default 3) takes a fresh store of each database,
SQLite and PostgreSQL alternately; the last prints the repeats too, and the
end the medians and the ratios' range. Each store prints:

- floor: the year's rows (obligations and attendance, as stored) written
  into the SAME tables, with the same indexes and triggers, by the driver's
  bare ``executemany`` (SQLite) or COPY (PostgreSQL), in a transaction rolled
  back after (the least any store could spend writing them; better of two);
- year: one year scheduled into an empty store by qaf (today = the first day
  of the year, as a council planning its year would), wall time and rows
  written, and its ratio to the floor measured in the same run;
- repeat: the same schedule run again with nothing changed;
- repeat (forced): the same, planned and compared in full;
- catch-up: a year scheduled with every period begun (every case chosen);
- peak RSS of the process.

``QAF_BENCH_PROFILE=1``: the last round's year is scheduled once more, into
a fresh store of the same database under cProfile, and the functions taking
the most time are printed, by own time and by cumulative time (the figures
above are not profiled).

Targets: year within 2x the floor on both databases (issue 16; it was 5x in
issue 3); repeat under 0.5 s; peak memory under 400 MB. The process's
imports (the holiday tables) are warmed first: a server pays them once.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PG_DEFAULT, load_average, on_each_store, temporary_schema  # noqa: E402

from qaf.demo.synthetic import make_council  # noqa: E402
from qaf.rules import bundled  # noqa: E402
from qaf.rules.loader import load_framework  # noqa: E402
from qaf.engine.workdays import calendar  # noqa: E402
from qaf.store.sql import SqlStore  # noqa: E402
from qaf.usecases import scheduling  # noqa: E402

FIRST, LAST = date(2026, 4, 1), date(2027, 3, 31)


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


TABLES = ("obligations", "attendance")  # what a schedule writes, besides a few bookkeeping rows


def stored_rows(store: SqlStore) -> dict[str, tuple[list[str], list[tuple]]]:
    """Each table's columns and rows as the database holds them (already converted: the floor converts nothing)."""
    raw = store.engine.raw_connection()
    try:
        out = {}
        for table in TABLES:
            cur = raw.cursor()
            cur.execute(f"SELECT * FROM {table}")
            out[table] = ([d[0] for d in cur.description], cur.fetchall())
            cur.close()
        return out
    finally:
        raw.rollback()
        raw.close()


def floor(store: SqlStore, rows: dict[str, tuple[list[str], list[tuple]]]) -> float:
    """The least any store could spend writing the same rows into the SAME tables, indexes and triggers.

    In one transaction that is rolled back: the tables are emptied (TRUNCATE on
    PostgreSQL: a fresh heap and fresh indexes; DELETE on SQLite), then, timed,
    the rows go in by the driver's bare ``executemany`` (SQLite) or COPY
    (PostgreSQL), and the transaction commits nothing.
    """
    raw = store.engine.raw_connection()
    postgres = store.engine.dialect.name == "postgresql"
    try:
        cur = raw.cursor()
        if postgres:
            cur.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
        else:
            cur.execute("BEGIN IMMEDIATE")
            for table in reversed(TABLES):
                cur.execute(f"DELETE FROM {table}")
        start = time.perf_counter()
        for table in TABLES:
            columns, values = rows[table]
            names = ", ".join(f'"{c}"' for c in columns)
            if postgres:
                with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
            else:
                cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})", values)
        if postgres:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred version trigger runs, as at qaf's commit
        seconds = time.perf_counter() - start
        cur.close()
        return seconds
    finally:
        raw.rollback()
        raw.close()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(name: str, url: str, fw, org, figures: dict, last: bool, pg: str) -> None:
    """One round on a fresh store: qaf's year, then the floor in the same store; the repeats in the last round only."""
    store = SqlStore.open(url)
    try:
        cpu = time.process_time()
        year_s, result = timed(lambda: scheduling.schedule(store, fw, org, FIRST, LAST, FIRST))
        cpu = time.process_time() - cpu  # this process's own: planning, converting, the driver's side
        rows = stored_rows(store)
        floor_s = min(floor(store, rows) for _ in range(2))  # the better of two: the machine is shared
        figures.setdefault(name, []).append((year_s, floor_s))
        how = "COPY" if store.engine.dialect.name == "postgresql" else "bare executemany"
        what = " + ".join(f"{len(v)} {t}" for t, (_, v) in rows.items())
        print(f"{name}: qaf year from empty ({result.created} created) {year_s:6.3f} s (its process's CPU {cpu:.3f} s); floor ({how} of {what} rows, "
              f"same tables) {floor_s:6.3f} s; ratio {year_s / floor_s:4.1f}x")  # fmt: skip
        if not last:
            return
        repeat_s, repeat = timed(lambda: scheduling.schedule(store, fw, org, FIRST, LAST, FIRST))
        forced_s, forced = timed(lambda: scheduling.schedule(store, fw, org, FIRST, LAST, FIRST, force=True))
        catch_s, catch = timed(lambda: scheduling.schedule(store, fw, org, FIRST, LAST, LAST))
        assert repeat.skipped and forced.created == 0 and forced.updated == 0
        print(f"  repeat, nothing changed (skipped)        {repeat_s:7.3f} s")
        print(f"  repeat, forced (planned and compared)    {forced_s:7.3f} s   ({forced.unchanged} unchanged)")
        print(f"  catch-up, every period begun             {catch_s:7.3f} s   ({catch.updated} updated with their cases)")
        print(f"  peak RSS so far                          {peak_mb():7.0f} MB")
    finally:
        store.close()
    if last and os.environ.get("QAF_BENCH_PROFILE"):
        profiled(name, url, fw, org, pg)


def profiled(name: str, url: str, fw, org, pg: str) -> None:
    """The year from empty once more, under cProfile, into a fresh store of the same database."""
    import cProfile
    import io
    import pstats

    with tempfile.TemporaryDirectory() as tmp:
        fresh = f"sqlite:///{tmp}/profiled.db" if url.startswith("sqlite") else None
        with (temporary_schema(pg, "qaf_bench_prof") if fresh is None else contextlib.nullcontext(fresh)) as where:
            store = SqlStore.open(where)
            try:
                profile = cProfile.Profile()
                profile.enable()
                scheduling.schedule(store, fw, org, FIRST, LAST, FIRST)
                profile.disable()
            finally:
                store.close()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(20)
        print(f"  {name}: where the year's time goes under cProfile, by {'own' if order == 'tottime' else 'cumulative'} time:")
        print("\n".join("    " + line for line in out.getvalue().splitlines()[6:30] if line.strip()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default=os.environ.get("QAF_TEST_POSTGRES_URL", PG_DEFAULT))
    parser.add_argument("--size", default="large")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--rounds", type=int, default=3, help="fresh stores a database, each timed against its own floor")
    args = parser.parse_args()

    gen_s, org = timed(lambda: make_council(seed=1, size=args.size))
    fw, _ = load_framework(bundled.path("east-sussex-2013"))
    calendar(fw.working_days).is_working(FIRST)  # imports the holiday tables, as a running server already has
    open_cases = sum(1 for c in org.cases if c.closed is None)
    print(f"council: {len(org.people)} people, {len(org.teams)} teams, {open_cases} open cases (generated in {gen_s:.2f} s)")
    print(f"framework: {fw.id}, {len(fw.rows)} rows; window {FIRST}..{LAST}")
    figures: dict[str, list[tuple[float, float]]] = {}
    for i in range(args.rounds):  # SQLite and PostgreSQL alternately, a fresh store each round
        on_each_store(args.only, args.pg, lambda name, url: run(name, url, fw, org, figures, i == args.rounds - 1, args.pg))
    print(f"load average {load_average()}")
    for name, rounds in figures.items():
        ratios = sorted(y / f for y, f in rounds)
        print(f"{name}: qaf {statistics.median(y for y, _ in rounds):.3f} s, floor {statistics.median(f for _, f in rounds):.3f} s "
              f"(medians of {len(rounds)} rounds); ratio median {statistics.median(ratios):.1f}x, "
              f"range {ratios[0]:.1f}-{ratios[-1]:.1f}x (target 2x)")  # fmt: skip
    print(f"peak RSS of the process: {peak_mb():.0f} MB (target under 400 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
