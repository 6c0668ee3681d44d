"""Benchmark: 10,000 outcomes recorded against a large council (20% with concerns).

    .venv/bin/python bench/bench_outcomes.py [--n 10000] [--pg URL] [--only sqlite|postgresql]

Each outcome goes through the whole path a user's ``qaf record`` takes
(validation, the outcome and status written, the event posted to the rules
engine, follow-ups, reviews and alerts persisted), one transaction each.
The baseline is the least any store could do per outcome: one transaction
inserting the outcome row and updating the obligation's status, with no
validation and no rules. Target (issue 16): within 3x of the raw transaction
floor on both databases, SQLite at least 3,000/s and PostgreSQL 400/s on a
quiet machine. ``QAF_BENCH_PROFILE=1`` prints where the time goes.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sqlite3
import resource
import statistics
import sys
import time
from contextlib import closing
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PG_DEFAULT, load_average, on_each_store, scheduled  # noqa: E402
from sqlalchemy import Engine, event, insert, update  # noqa: E402

from qaf.demo.synthetic import make_council  # noqa: E402
from qaf.engine.outcomes import Recording  # noqa: E402
from qaf.engine.query import Filters  # noqa: E402
from qaf.rules import bundled  # noqa: E402
from qaf.rules.loader import load_framework  # noqa: E402
from qaf.store.obligations import OBLIGATIONS, OUTCOMES  # noqa: E402
from qaf.store.sql import SqlStore  # noqa: E402
from qaf.usecases import recording  # noqa: E402

FIRST, LAST = date(2026, 4, 1), date(2027, 3, 31)
TODAY = date(2027, 4, 1)
BASELINE_N, BATCH_N = 2_000, 5_000
REPLAY_N = 1_000  # outcomes whose own statements are captured and replayed on the driver alone (SQLite)
ROUNDS = 5


def prepare(url: str, fw, org, n: int) -> tuple[SqlStore, list]:
    store = scheduled(url, fw, org, FIRST, LAST, TODAY)
    audits = [o for o in store.obligations(Filters(kind="audit", statuses=frozenset({"open"}))) if o.case and o.assignee]
    random.Random(7).shuffle(audits)
    if len(audits) < n + BASELINE_N + BATCH_N + REPLAY_N:
        raise SystemExit(f"only {len(audits)} open audits with cases; ask for fewer outcomes")
    return store, audits


def baseline(store: SqlStore, audits) -> float:
    """Per outcome: one transaction, insert the outcome row, update the status. Nothing else."""
    start = time.perf_counter()
    for ob in audits:
        with store.engine.begin() as conn:
            conn.execute(insert(OUTCOMES), {"obligation": ob.id, "grade": "good", "concerns": False, "areas": {},
                                            "by": ob.assignee, "audit_date": ob.period_start,
                                            "recorded_at": datetime.now(timezone.utc)})  # fmt: skip
            conn.execute(update(OBLIGATIONS).where(OBLIGATIONS.c.id == ob.id).values(status="done"))
    return time.perf_counter() - start


def raw_floor(store: SqlStore, audits, cpu: list[float] | None = None) -> float:
    """Per outcome, on the driver alone: BEGIN, INSERT the outcome, UPDATE the status, COMMIT (the issue's floor).

    ``cpu``: this thread's CPU time for them is appended to it (what a busy machine disturbs least)."""
    sqlite = store.dialect == "sqlite"
    mark = "?" if sqlite else "%s"
    ins = f'INSERT INTO outcomes (obligation, grade, concerns, areas, "by", audit_date, contested, recorded_at) VALUES ({", ".join([mark] * 8)})'
    upd = f"UPDATE obligations SET status = 'done' WHERE id = {mark}"
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        start, start_cpu = time.perf_counter(), time.thread_time()
        for ob in audits:
            now = datetime.now(timezone.utc)
            if sqlite:
                cur.execute("BEGIN IMMEDIATE")
                cur.execute(ins, (ob.id, "good", 0, "{}", ob.assignee, ob.period_start.isoformat(), 0, now.replace(tzinfo=None).isoformat(" ")))
            else:
                cur.execute(ins, (ob.id, "good", False, "{}", ob.assignee, ob.period_start, False, now))
            cur.execute(upd, (ob.id,))
            raw.commit()
        if cpu is not None:
            cpu.append(time.thread_time() - start_cpu)
        return time.perf_counter() - start
    finally:
        raw.close()


_LITERAL = re.compile(r"'(?:[^']|'')*'|(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])|\bNULL\b")


def _parameters(sql: str) -> tuple[str, tuple]:
    """A traced statement (literals written in) back into a statement with ``?`` and its values, so that
    each statement's shape is compiled once, as qaf's are."""
    values: list = []

    def taken(found: re.Match) -> str:
        word = found.group(0)
        if word == "NULL":
            values.append(None)
        elif word.startswith("'"):
            values.append(word[1:-1].replace("''", "'"))
        else:
            values.append(float(word) if "." in word else int(word))
        return "?"

    return (sql, ()) if sql.startswith(("BEGIN", "COMMIT")) else (_LITERAL.sub(taken, sql), tuple(values))


def own_sql_floor(url: str, audits, grades, rng: random.Random) -> dict[bool, float]:
    """SQLite: the least the driver alone takes for the statements qaf's recording itself runs, per outcome
    without concerns (False) and with (True): ``REPLAY_N`` outcomes recorded with SQLite's statement trace on,
    then each one's statements replayed on a copy of the store as it was before them, one transaction each,
    with the same triggers and indexes. The issue's floor writes two rows; an outcome with concerns also reads
    the cases' history and writes the follow-ups, the alert and their event lines: this floor does that work."""
    path = url.removeprefix("sqlite:///")
    copy = f"{path}.replay"
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(copy)) as target:
        source.backup(target)
    traced: list[str] = []

    def trace(dbapi_connection, _record) -> None:
        dbapi_connection.set_trace_callback(traced.append)

    event.listen(Engine, "connect", trace)
    store = SqlStore.open(url)
    event.remove(Engine, "connect", trace)
    done: list[tuple[bool, list[str]]] = []
    try:
        for i, ob in enumerate(audits):
            concerns = rng.random() < 0.2
            traced.clear()
            recording.record(store, Recording(ob.id, rng.choice(grades), concerns, date=ob.period_start), TODAY)
            if i >= 20:  # not the first few: this store's first reads (the frameworks, the organisation) are not an outcome's
                # a trigger's statement is traced again with its parent's text: once each
                done.append((concerns, [s for j, s in enumerate(traced) if j == 0 or s != traced[j - 1]]))
    finally:
        store.close()
    spent: dict[bool, list[float]] = {False: [], True: []}
    with closing(sqlite3.connect(copy, isolation_level=None, cached_statements=512)) as raw:
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=NORMAL", "cache_size=-65536"):
            raw.execute(f"PRAGMA {pragma}")
        cur = raw.cursor()
        for concerns, statements in done:
            replay = [_parameters(sql) for sql in statements if not sql.startswith("PRAGMA")]
            start = time.thread_time()
            for sql, values in replay:
                cur.execute(sql, values).fetchall()
            spent[concerns].append(time.thread_time() - start)
    os.remove(copy)
    return {concerns: statistics.fmean(times) for concerns, times in spent.items() if times}


def run(name: str, url: str, fw, org, n: int) -> None:
    store, audits = prepare(url, fw, org, n)
    try:
        base_n = BASELINE_N
        base_s = baseline(store, audits[n : n + base_n // 2]) / (base_n // 2) * base_n
        floor_obs = audits[n + base_n // 2 : n + base_n]
        rng = random.Random(11)
        grades = fw.grades
        created = queued = shortfalls = 0
        rounds, real_s, raw_s = [], 0.0, 0.0
        cpu: list[tuple[float, float]] = []  # each round's CPU time an outcome: qaf's, the floor's
        took: list[float] = []  # each outcome's own time: what the person recording it waits for
        plain: list[float] = []  # each outcome's CPU time, without concerns and with them
        with_concerns: list[float] = []
        for i in range(ROUNDS):  # the floor and qaf alternately, so both see the same load on a busy machine
            floor_part = floor_obs[i * len(floor_obs) // ROUNDS : (i + 1) * len(floor_obs) // ROUNDS]
            part = audits[i * n // ROUNDS : (i + 1) * n // ROUNDS]
            floor_cpu: list[float] = []
            f_s = raw_floor(store, floor_part, floor_cpu)
            start, start_cpu = time.perf_counter(), time.thread_time()
            for ob in part:
                concerns = rng.random() < 0.2
                began, began_cpu = time.perf_counter(), time.thread_time()
                result = recording.record(store, Recording(ob.id, rng.choice(grades), concerns, date=ob.period_start), TODAY)
                took.append(time.perf_counter() - began)
                (with_concerns if concerns else plain).append(time.thread_time() - began_cpu)
                created += len(result.created)
                queued += len(result.queued)
                shortfalls += len(result.shortfalls)
            q_s = time.perf_counter() - start
            cpu.append(((time.thread_time() - start_cpu) / len(part), floor_cpu[0] / len(floor_part)))
            rounds.append((len(part) / q_s, len(floor_part) / f_s, (q_s / len(part)) / (f_s / len(floor_part))))
            real_s, raw_s = real_s + q_s, raw_s + f_s
        raw_s = raw_s / len(floor_obs) * base_n
        print(f"{name}:")
        per_base = base_s / base_n
        qaf_rates, floor_rates, ratios = (sorted(r[i] for r in rounds) for i in range(3))
        print(f"  floor: bare BEGIN+INSERT+UPDATE+COMMIT on the driver: median {statistics.median(floor_rates):8.0f} /s "
              f"(range {floor_rates[0]:.0f}-{floor_rates[-1]:.0f}, {ROUNDS} rounds)")  # fmt: skip
        print(f"  baseline: the same through SQLAlchemy                  {base_n / base_s:8.0f} /s")
        print(f"  qaf record path: {n} outcomes, one transaction each ({result.rules}): median {statistics.median(qaf_rates):6.0f} /s "
              f"(range {qaf_rates[0]:.0f}-{qaf_rates[-1]:.0f}); ratio to the floor median {statistics.median(ratios):4.1f}x "
              f"(range {ratios[0]:.1f}-{ratios[-1]:.1f}x); to the SQLAlchemy baseline {real_s / n / per_base:4.1f}x")  # fmt: skip
        cpu_ratios = sorted(q / f for q, f in cpu)
        print(f"    CPU time an outcome (this thread's, least disturbed by a busy machine): median {statistics.median(q for q, _ in cpu) * 1e3:.3f} ms, "
              f"the floor's {statistics.median(f for _, f in cpu) * 1e3:.3f} ms; ratio median {statistics.median(cpu_ratios):4.1f}x "
              f"(range {cpu_ratios[0]:.1f}-{cpu_ratios[-1]:.1f}x)")  # fmt: skip
        floor_cpu_s = statistics.median(f for _, f in cpu)
        replayed = own_sql_floor(url, audits[n + base_n + BATCH_N : n + base_n + BATCH_N + REPLAY_N], grades, rng) if store.dialect == "sqlite" else {}
        for concerns, label, times in ((False, "without concerns (the outcome, its status, one event line)", plain),
                                       (True, "with concerns (the history read, follow-ups, alerts, their event lines)", with_concerns)):
            mean = statistics.fmean(times)
            own = f"; its own statements on the driver alone {replayed[concerns] * 1e3:.3f} ms, {mean / replayed[concerns]:4.1f}x them" if concerns in replayed else ""
            print(f"      {label}: mean {mean * 1e3:.3f} ms, {mean / floor_cpu_s:4.1f}x the floor's{own}")
        if replayed:
            mix = 0.8 * replayed[False] + 0.2 * replayed[True]
            print(f"      the driver alone running qaf's own statements for this mix: {mix * 1e3:.3f} ms an outcome, "
                  f"already {mix / floor_cpu_s:4.1f}x the floor's (no Python, no rules)")  # fmt: skip
        print(f"    set off {created} obligations, queued {queued} notices, {shortfalls} shortfalls")
        took.sort()
        print(f"    one outcome: p50 {took[len(took) // 2] * 1000:.2f} ms, p99 {took[len(took) * 99 // 100] * 1000:.2f} ms, "
              f"max {took[-1] * 1000:.1f} ms")  # fmt: skip
        # the same, as one all-or-nothing batch (qaf record --csv)
        batch = audits[n + base_n : n + base_n + BATCH_N]
        recs = [(None, Recording(ob.id, rng.choice(grades), rng.random() < 0.2, date=ob.period_start)) for ob in batch]
        start = time.perf_counter()
        done = recording.record_many(store, recs, TODAY)
        batch_s = time.perf_counter() - start
        print(f"  qaf record --csv: {len(done)} outcomes in one batch   {batch_s:7.2f} s   {len(done) / batch_s:8.0f} /s   "
              f"ratio {batch_s / len(done) / per_base:4.1f}x")  # fmt: skip
        print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        if os.environ.get("QAF_BENCH_PROFILE"):  # where one outcome's time goes, by each function's own time
            import cProfile
            import io
            import pstats

            extra = audits[n + base_n + BATCH_N + REPLAY_N : n + base_n + BATCH_N + REPLAY_N + 300]
            profile = cProfile.Profile()
            profile.enable()
            for ob in extra:
                recording.record(store, Recording(ob.id, rng.choice(grades), rng.random() < 0.2, date=ob.period_start), TODAY)
            profile.disable()
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(12)
            print(f"  where the time goes ({len(extra)} outcomes under cProfile, by own time):")
            print("\n".join("    " + line for line in out.getvalue().splitlines()[6:22]))
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--pg", default=os.environ.get("QAF_TEST_POSTGRES_URL", PG_DEFAULT))
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    args = parser.parse_args()
    org = make_council(seed=1, size="large")
    fw, _ = load_framework(bundled.path("east-sussex-2013"))
    print(f"council: {len(org.people)} people, {len(org.teams)} teams; {fw.id}; {args.n} outcomes, 20% with concerns; "
          f"load average {load_average()}")  # fmt: skip
    on_each_store(args.only, args.pg, lambda name, url: run(name, url, fw, org, args.n))
    print(f"load average at the end {load_average()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
