"""A command line that starts at once: each command imports only what it uses.

``qaf --version`` and ``qaf due`` must not pay for the web app, the
scheduler, the rules engine, the spreadsheet readers, the demo's terminal
output or the migrations. Timings live in ``bench/bench_startup.py``; here
we check what was imported, which does not depend on how busy the machine is.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from qaf.calendars import access, feed
from qaf.cli import feeds as cli_feeds
from qaf.cli import report as cli_report
from qaf.render import report as render_report
from qaf.usecases import tokens

HEAVY = ("fastapi", "starlette", "uvicorn", "apscheduler", "durable", "openpyxl", "docx", "rich", "sqlmodel", "pydantic",
         "alembic", "holidays", "httpx")  # fmt: skip


def imported_by(code: str, env: dict | None = None, cwd=None) -> set[str]:
    """The top-level packages a fresh interpreter has imported after running ``code``."""
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=cwd, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_building_the_parser_imports_no_database_web_or_rules_engine():
    found = imported_by("from qaf.cli.main import build_parser\nbuild_parser()")
    assert not found & {*HEAVY, "sqlalchemy", "yaml", "psycopg"}


def test_qaf_due_imports_only_what_it_uses(tmp_path, example_council):
    db = f"sqlite:///{tmp_path / 'qaf.db'}"
    for args in (["framework", "load", "east-sussex-2013"], ["org", "load", str(example_council)],
                 ["schedule", "--from", "2026-04-01", "--through", "2026-06-30", "--today", "2026-04-01"]):  # fmt: skip
        subprocess.run([sys.executable, "-m", "qaf", "--db", db, *args], check=True, capture_output=True, timeout=120)
    code = f"from qaf.cli.main import main\nassert main(['--db', {db!r}, 'due', '--person', 'P0003', '--today', '2026-05-01']) == 0"
    found = imported_by(code)
    assert "sqlalchemy" in found  # it did read the store
    assert not found & set(HEAVY)


def test_qaf_version_imports_no_database():
    found = imported_by("from qaf.cli.main import main\ntry:\n    main(['--version'])\nexcept SystemExit:\n    pass")
    assert not found & {"sqlalchemy", "fastapi", "uvicorn", "yaml", "holidays"}


@pytest.mark.parametrize("written, real", [
    (cli_feeds.PURPOSES, tokens.PURPOSES),
    (cli_feeds.SCOPES, access.SCOPES),
    (cli_feeds.DONE_DAYS, feed.DONE_DAYS),
    (cli_report.FORMATS, render_report.FORMATS),
])  # fmt: skip
def test_the_choices_the_parser_shows_are_the_real_ones(written, real):
    assert written == real
