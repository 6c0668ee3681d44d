"""The layers contract (README, "Architecture"): each layer imports only those below it.

``.importlinter`` holds the contract. import-linter reads a package from
one folder on disk, while qaf's layers live in the repository's top-level
folders mapped into ``qaf`` (pyproject's ``package-dir``), so the test lays
the package out as it is installed, in a temporary folder, and lints that.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAPPED = {"engine": "engine", "rules": "rules", "calendars": "calendars", "store": "store"}


def installed_layout(into: Path) -> Path:
    """``qaf/`` with ``engine/``, ``rules/``, ``calendars/`` and ``store/`` inside it, as the wheel has them."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    package = into / "qaf"
    shutil.copytree(ROOT / "qaf", package, ignore=ignore)
    for folder, name in MAPPED.items():
        shutil.copytree(ROOT / folder, package / name, ignore=ignore)
    return into


def lint(tmp_path: Path, config: Path) -> subprocess.CompletedProcess:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    env = {**os.environ, "PYTHONPATH": str(installed_layout(tmp_path / "site"))}
    return subprocess.run(
        [str(lint_imports), "--config", str(config), "--no-cache"],
        cwd=tmp_path / "site", env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_every_layer_imports_only_those_below_it(tmp_path):
    done = lint(tmp_path, ROOT / ".importlinter")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "BROKEN" not in done.stdout and "KEPT" in done.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    """The contract can fail: the engine importing the store is refused."""
    site = installed_layout(tmp_path / "site")
    (site / "qaf" / "engine" / "upward.py").write_text("from qaf.store import sql  # noqa: F401\n")
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint_imports), "--config", str(ROOT / ".importlinter"), "--no-cache"],
        cwd=site, env={**os.environ, "PYTHONPATH": str(site)}, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode != 0
    assert "qaf.engine.upward -> qaf.store.sql" in done.stdout


@pytest.mark.parametrize("package", sorted(MAPPED))
def test_installed_layout_matches_the_mapping(package):
    """pyproject's package-dir names the same folders the lint lays out."""
    text = (ROOT / "pyproject.toml").read_text()
    assert f'"qaf.{package}" = "{MAPPED[package]}"' in text
