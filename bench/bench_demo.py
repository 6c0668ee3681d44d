"""How long ``qaf demo`` takes to replay its council's year, against the year planned in memory.

The demo schedules, records, escalates, gathers digests, writes emails,
feeds and twelve reports for a synthetic council (about 265 staff) over a
year, day by day. Its floor is the same framework and council's year planned
by the engine alone (no store, no tick), measured in the same run.

    .venv/bin/python bench/bench_demo.py [--runs N]

Target on the 2-core machine, quiet: the default demo under 60 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def floor() -> float:
    from qaf.demo.synthetic import make_council
    from qaf.engine.schedule import plan
    from qaf.rules import bundled
    from qaf.rules.loader import load_framework

    fw, _ = load_framework(bundled.path("east-sussex-2013"))
    org = make_council(seed=1)
    began = time.perf_counter()
    plan(fw, org, date(2026, 4, 1), date(2027, 3, 31), date(2027, 3, 31))
    return time.perf_counter() - began


def demo() -> float:
    from qaf.cli.main import main

    with tempfile.TemporaryDirectory() as tmp:
        began = time.perf_counter()
        code = main(["demo", "--out", str(Path(tmp) / "demo")])
        took = time.perf_counter() - began
    if code != 0:
        sys.exit(f"qaf demo exited {code}")
    return took


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    ours, base = [], []
    for _ in range(args.runs):
        base.append(floor())
        ours.append(demo())
    o, b = statistics.median(ours), statistics.median(base)
    print(f"qaf demo (a year):           median {o:8.2f} s over {len(ours)} run(s); target < 60 s")
    print(f"floor (the year planned):     median {b:8.2f} s")
    print(f"ratio                         {o / b:8.1f}x")


if __name__ == "__main__":
    run()
