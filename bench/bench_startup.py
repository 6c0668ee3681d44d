"""How fast the qaf command starts: ``qaf --version`` and ``qaf due --person ...`` against ``python -c pass``.

Each command runs as a person runs it (a fresh process), several times; the
best and the median wall times are printed with their ratio to the floor, a
bare interpreter started the same way in the same run. Then ``python -X
importtime``'s ten most expensive imports of ``qaf due``.

    .venv/bin/python bench/bench_startup.py [--runs N]

Targets on the 2-core machine: ``qaf --version`` under 150 ms, ``qaf due``
under 400 ms (the example council, East Sussex 2013, a year scheduled).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
QAF = [PYTHON, "-m", "qaf"]


def timed(argv: list[str], runs: int, env: dict[str, str]) -> tuple[float, float]:
    """Best and median wall time (seconds) of ``runs`` fresh processes, after one to warm the disk cache."""
    subprocess.run(argv, env=env, capture_output=True, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def prepare(folder: Path, env: dict[str, str]) -> None:
    for args in (["framework", "load", "east-sussex-2013"], ["org", "load", str(ROOT / "examples" / "council")],
                 ["schedule", "--from", "2026-04-01", "--through", "2027-03-31", "--today", "2026-06-01"]):  # fmt: skip
        subprocess.run([*QAF, *args], env=env, cwd=folder, capture_output=True, check=True)


def importtime_top(argv: list[str], env: dict[str, str], n: int = 10) -> list[tuple[int, str]]:
    done = subprocess.run([PYTHON, "-X", "importtime", *argv[1:]], env=env, capture_output=True, text=True)
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line and "cumulative" not in line:
            _, cumulative, name = line.removeprefix("import time:").split("|")
            rows.append((int(cumulative), name.rstrip()))
    return sorted(rows, reverse=True)[:n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "QAF_DB": f"sqlite:///{folder / 'qaf.db'}"}
        prepare(folder, env)
        floor_best, floor_median = timed([PYTHON, "-c", "pass"], args.runs, env)
        print(f"floor: python -c pass  best {floor_best * 1000:.0f} ms, median {floor_median * 1000:.0f} ms")
        commands = {
            "qaf --version": ([*QAF, "--version"], 0.150),
            "qaf due --person P0003": ([*QAF, "due", "--person", "P0003", "--today", "2026-06-01"], 0.400),
        }
        for name, (argv, target) in commands.items():
            best, median = timed(argv, args.runs, env)
            verdict = "within" if median < target else "OVER"
            print(f"{name:24} best {best * 1000:4.0f} ms, median {median * 1000:4.0f} ms "
                  f"({median / floor_median:.1f}x the floor; target {target * 1000:.0f} ms: {verdict})")  # fmt: skip
        print("\nqaf due: the ten most expensive imports (cumulative, python -X importtime)")
        for micros, name in importtime_top(commands["qaf due --person P0003"][0], env):
            print(f"  {micros / 1000:7.1f} ms  {name.strip()}")


if __name__ == "__main__":
    main()
