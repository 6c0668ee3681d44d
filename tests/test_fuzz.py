"""Fuzzing the inputs people give qaf: framework files, organisation CSVs and outcome CSVs (issue 12).

Hypothesis puts hostile values (huge and negative numbers, control
characters, YAML tags and anchors, brackets, very long text, empty cells)
into one field of a file that is otherwise good, and asserts:

- no traceback: every refusal is a list of problems, each with its file and line;
- a refused file leaves the store exactly as it was;
- whatever ``framework check`` accepts can be scheduled for a year, and ticked.

Bounded (a few dozen examples each) so the whole file runs in well under a minute.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from datetime import date
from pathlib import Path
from typing import Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qaf.cli.main import main
from qaf.clock import utc_now
from qaf.engine.schedule import plan
from qaf.rules.loader import load_text
from qaf.store.db import temporary_schema
from qaf.store.sql import SqlStore
from qaf.usecases.mail import MailSettings
from qaf.usecases.tick import run_tick
from tests.conftest import PG_URL, _postgres_or_skip, snapshot
from tests.council import council

DATA = Path(__file__).parent / "data"
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FUZZ_PG = settings(FUZZ, max_examples=12)  # a schema each: fewer, for the suite's time

HOSTILE = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["", "~", "null", "-1", "0", "1e308", "nan", ".inf", "!!python/object:os.system", "&a [*a]", "*nothing", "x" * 201,
                     "[[[[[[[[[[", "{", "'", '"', "---", "%YAML 1.2", "\x00", "\x1b[31m", "=HYPERLINK(\"x\")", "../../etc/passwd",
                     "99999999999 months", "-3 months", "every day", "x" * 5000]),  # fmt: skip
    st.text(max_size=60),
)

FRAMEWORK = """qaf: 1
id: fuzz
title: A framework to fuzz
horizon_months: 3
roles:
  - name: Practice Manager
    aliases: [PM, PMs]
  - name: Operations Manager
    aliases: [OM, OMs]
escalation:
  - {after: 0, to: assignee}
  - {after: 5, to: line_manager}
rows:
  - id: "3.16"
    role: Practice Managers
    task: Supervision case file audit
    frequency: One case per month for each worker
    purpose: Review the management of the case.
    by: [Practice Manager]
    cadences:
      - {kind: audit, every: month, per: worker, case: true, count: 1}
    triggers:
      - when: {concerns: true}
        then:
          - follow_up_audits: {count: 2, cases: same_worker, within: 1 month}
          - alert: {role: Operations Manager}
          - review: {within: 3 months}
  - id: "3.14"
    role: OMs
    task: Report
    frequency: Quarterly
    purpose: Report.
    by: [OM]
    cadences:
      - {kind: report, every: quarter}
"""
LINES = FRAMEWORK.splitlines()
VALUE_LINES = [i for i, line in enumerate(LINES) if ": " in line and not line.rstrip().endswith(":")]


def _quiet(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue() + err.getvalue()


@FUZZ
@given(line=st.sampled_from(VALUE_LINES), value=HOSTILE, whole=st.booleans())
def test_fuzzed_framework_files_are_refused_with_located_problems_or_schedule_a_year(tmp_path_factory, line: int, value: str, whole: bool):
    key, _, _ = LINES[line].partition(": ")
    lines = list(LINES)
    lines[line] = f"{key}: {value}" if whole else f"{key}: {value!r}"
    text = "\n".join(lines) + "\n"
    fw, problems = load_text(text, "fuzz.yaml")  # never raises
    for p in problems:
        assert p.source.file == "fuzz.yaml" and p.source.line >= 0 and p.message
    if fw is None or any(p.is_error for p in problems):
        assert any(p.is_error for p in problems)
        return
    made = plan(fw, council(), date(2024, 4, 1), date(2025, 3, 31), date(2024, 4, 1))  # accepted: a year schedules
    assert len({o.id for o in made.obligations}) == len(made.obligations)
    store = SqlStore.open(f"sqlite:///{tmp_path_factory.mktemp('fw') / 'qaf.db'}")  # ... and ticks, across the year
    try:
        store.save_framework(fw, text)
        store.save_org(council())
        for day in (date(2024, 4, 1), date(2024, 9, 30), date(2025, 3, 31)):
            assert run_tick(store, day, MailSettings(), "fuzz", wall=utc_now).status == "ran"
    finally:
        store.close()


@contextlib.contextmanager
def _store_url(folder: Path, postgresql: bool) -> Iterator[str]:
    """A fresh store: a SQLite file in ``folder``, or a PostgreSQL schema (what SQLite keeps, PostgreSQL may refuse)."""
    if not postgresql:
        yield f"sqlite:///{folder / 'qaf.db'}"
        return
    _postgres_or_skip()
    with temporary_schema(PG_URL, "qaf_fuzz") as url:
        yield url


def _fuzzed_org(tmp_path_factory, data, postgresql: bool) -> None:
    folder = tmp_path_factory.mktemp("org")
    for name in ("people.csv", "teams.csv", "cases.csv", "bodies.csv"):
        shutil.copy(DATA / "small-org" / name, folder / name)
    name = data.draw(st.sampled_from(["people.csv", "teams.csv", "cases.csv", "bodies.csv"]))
    rows = [r.split(",") for r in (folder / name).read_text().splitlines()]
    r = data.draw(st.integers(min_value=1, max_value=len(rows) - 1))
    c = data.draw(st.integers(min_value=0, max_value=len(rows[r]) - 1))
    rows[r][c] = data.draw(HOSTILE).replace(",", ";").replace("\n", " ").replace("\r", " ")
    (folder / name).write_text("\n".join(",".join(row) for row in rows) + "\n", encoding="utf-8", errors="surrogatepass")
    with _store_url(folder, postgresql) as db:
        assert _quiet(["--db", db, "framework", "load", "east-sussex-2013"])[0] == 0
        assert _quiet(["--db", db, "org", "load", str(DATA / "small-org")])[0] == 0
        store = SqlStore.open(db)
        before = snapshot(store)
        code, said = _quiet(["--db", db, "org", "load", str(folder)])
        assert "Traceback" not in said
        if code != 0:
            assert code == 1 and f"{folder}/" in said  # located: the file (and line) is named
            assert snapshot(store) == before
        store.close()


@FUZZ
@given(data=st.data())
def test_fuzzed_org_csvs_are_refused_with_located_problems_and_the_store_unchanged(tmp_path_factory, data):
    _fuzzed_org(tmp_path_factory, data, postgresql=False)


@FUZZ_PG
@given(data=st.data())
def test_fuzzed_org_csvs_are_refused_or_kept_alike_on_postgresql(tmp_path_factory, data):
    """A text too long for a column, or a NUL, SQLite keeps and PostgreSQL refuses: refused here first, on both."""
    _fuzzed_org(tmp_path_factory, data, postgresql=True)


def _fuzzed_outcomes(tmp_path_factory, column: str, value: str, postgresql: bool) -> None:
    folder = tmp_path_factory.mktemp("outcomes")
    with _store_url(folder, postgresql) as db:
        _quiet(["--db", db, "framework", "load", "east-sussex-2013"])
        _quiet(["--db", db, "org", "load", str(DATA / "small-org")])
        _quiet(["--db", db, "schedule", "--from", "2025-04-01", "--through", "2025-04-30", "--today", "2025-04-01"])
        store = SqlStore.open(db)
        [some] = [o for o in store.obligations() if o.kind == "report"][:1] or store.obligations()[:1]
        row = {"obligation": some.id, "grade": "", "concerns": "no", "areas": "", "by": "", "date": "2025-04-20", "notes": ""}
        row[column] = value.replace(",", ";").replace("\n", " ").replace("\r", " ").replace('"', "'")
        sheet = folder / "outcomes.csv"
        sheet.write_text(",".join(row) + "\n" + ",".join(row.values()) + "\n", encoding="utf-8", errors="surrogatepass")
        before = snapshot(store)
        code, said = _quiet(["--db", db, "record", "--csv", str(sheet), "--today", "2025-04-21"])
        assert "Traceback" not in said
        if code != 0:
            assert code == 1 and f"{sheet}:" in said
            assert snapshot(store) == before
        store.close()


OUTCOME_COLUMNS = st.sampled_from(["obligation", "grade", "concerns", "areas", "by", "date", "notes"])


@FUZZ
@given(column=OUTCOME_COLUMNS, value=HOSTILE)
def test_fuzzed_outcome_csvs_are_refused_whole_with_located_problems(tmp_path_factory, column: str, value: str):
    _fuzzed_outcomes(tmp_path_factory, column, value, postgresql=False)


@FUZZ_PG
@given(column=OUTCOME_COLUMNS, value=HOSTILE)
def test_fuzzed_outcome_csvs_are_refused_or_kept_alike_on_postgresql(tmp_path_factory, column: str, value: str):
    _fuzzed_outcomes(tmp_path_factory, column, value, postgresql=True)
