"""Benchmark: the feed version probe (issue 16, item 2), on a large council's year.

    .venv/bin/python bench/bench_version.py [--pg URL] [--only sqlite|postgresql] [--rounds 5]

Every feed request probes the store's version before anything else. Prints,
per store, in alternating rounds: the probe as qaf runs it
(:func:`qaf.store.feeds.version`: the obligations' counter, the
organisation's version, the frameworks' latest load, the tokens), the probe
as it was before issue 16 (two scans of ``obligations``: count and latest
change), and the floor (one primary-key read of ``meta``), each a median of
the rounds with its range, and qaf's ratio to the floor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import PG_DEFAULT, on_each_store  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from qaf.demo.synthetic import make_council  # noqa: E402
from qaf.rules import bundled  # noqa: E402
from qaf.rules.loader import load_framework  # noqa: E402
from qaf.store import feeds as feed_store  # noqa: E402
from qaf.store.obligations import OBLIGATIONS  # noqa: E402
from qaf.store.sql import SqlStore  # noqa: E402
from qaf.usecases import scheduling  # noqa: E402

FIRST, LAST = date(2026, 4, 1), date(2027, 3, 31)
PROBES = 200
OLD = select(select(func.count()).select_from(OBLIGATIONS).scalar_subquery(), select(func.max(OBLIGATIONS.c.updated_at)).scalar_subquery())
FLOOR = text("SELECT value FROM meta WHERE key = 'org_version'")


def per_probe(store: SqlStore, probe) -> float:
    with store.read() as conn:
        start = time.perf_counter()
        for _ in range(PROBES):
            probe(conn)
        return (time.perf_counter() - start) / PROBES


def run(name: str, url: str, fw, org, rounds: int) -> None:
    store = SqlStore.open(url)
    try:
        store.save_framework(fw, bundled.path(fw.id).read_text())
        store.save_org(org)
        scheduling.schedule(store, fw, org, FIRST, LAST, FIRST)
        with store.read() as conn:
            n = conn.execute(select(func.count()).select_from(OBLIGATIONS)).scalar_one()
        figures: dict[str, list[float]] = {"qaf": [], "before": [], "floor": []}
        for _ in range(rounds):
            figures["floor"].append(per_probe(store, lambda c: c.execute(FLOOR).all()))
            figures["qaf"].append(per_probe(store, feed_store.version))
            figures["before"].append(per_probe(store, lambda c: c.execute(OLD).all()))
        med = {k: statistics.median(v) * 1000 for k, v in figures.items()}
        print(f"{name} ({n} obligations, {rounds} rounds of {PROBES} probes):")
        for k in ("floor", "qaf", "before"):
            v = sorted(figures[k])
            print(f"  {k:7} median {med[k]:7.3f} ms (range {v[0] * 1000:.3f}-{v[-1] * 1000:.3f})   ratio to floor {med[k] / med['floor']:5.1f}x")
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default=os.environ.get("QAF_TEST_POSTGRES_URL", PG_DEFAULT))
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    org = make_council(seed=1, size="large")
    fw, _ = load_framework(bundled.path("east-sussex-2013"))
    on_each_store(args.only, args.pg, lambda name, url: run(name, url, fw, org, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
