"""Benchmark: importing a 500-row framework table (target: under 2 s).

Builds a tab-separated table as a council would paste it: the 54 rows of
East Sussex's Appendix 1 repeated with new row numbers, and every tenth row
given a frequency from the other councils' phrasings, with page furniture and
repeated headers between pages. Prints the wall time of the import (read the
table, parse every cell, print and check the framework file) and its ratio to
a baseline measured in the same run: reading the file and splitting it into
cells.

    .venv/bin/python bench/bench_import.py [ROWS]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qaf.rules.importer import import_table  # noqa: E402
from qaf.rules.tables import read_table  # noqa: E402

SEED = ROOT / "tests" / "data" / "seeds" / "east-sussex-2013-qa-framework-annual-review.txt"
HEADER = "Role\tQuality Assurance Task\tFrequency\tPurpose"
VARIED = (
    "Two files per month for each worker",
    "a random 10% of open cases each quarter",
    "Monthly except in August",
    "two or three times a year",
    "Before a case is closed",
    "Within 10 working days of a case opening",
    "6 months after the first panel, then yearly",
    "One case file quarterly for another team",
    "Quarterly to CSCMT Annually to DCS",
    "every fortnight",
    "bi-monthly",
    "3 audits every 2 months",
)


def seed_rows() -> list[list[str]]:
    rows: list[list[str]] = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) == 4 and cells[0][:1].isdigit():
            rows.append(cells)
    return rows


def build(n: int) -> str:
    base = seed_rows()
    lines = ["Appendix 1", "", HEADER]
    for i in range(n):
        role, task, frequency, purpose = base[i % len(base)]
        role = role.split(" ", 1)[1]
        if i % 10 == 9:
            frequency = VARIED[(i // 10) % len(VARIED)]
        lines.append(f"{i // 20 + 1}.{i % 20 + 1} {role}\t{task}\t{frequency}\t{purpose}")
        if i % 20 == 19:  # a page break
            lines += ["", str(i // 20 + 1), "", "Appendix 1", "", HEADER]
    return "\n".join(lines) + "\n"


def baseline(path: Path) -> float:
    start = time.perf_counter()
    cells = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    assert cells
    return time.perf_counter() - start


def main(n: int = 500) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "table.txt"
        path.write_text(build(n), encoding="utf-8")
        base = min(baseline(path) for _ in range(5))
        start = time.perf_counter()
        table, problems = read_table(path)
        assert table is not None, problems
        imported = import_table(table, "bench", "Benchmark")
        took = time.perf_counter() - start
    print(f"imported {len(table.rows)} rows: {imported.summary}")
    print(f"import: {took:.3f} s (target < 2 s); baseline (read and split the table): {base * 1000:.2f} ms; ratio {took / base:,.0f}x")
    return 0 if took < 2.0 else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 500))
