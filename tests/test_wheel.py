"""Installed, qaf is one package: the wheel puts ``qaf`` (and its dist-info) into site-packages, and nothing else.

Generic top-level names (``rules``, ``engine``, ``store``, ``calendars``)
would collide with other distributions (django-rules installs ``rules``).
The test builds the wheel from this checkout, installs it (without its
dependencies) into a fresh virtual environment, and compares what appeared.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the checkout (setuptools leaves build/ behind in the folder it builds)."""
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source") / "qaf"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", ".hypothesis", "qaf.db*"))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    [built] = out.glob("qaf-*.whl")
    return built


def site_packages(env: Path) -> Path:
    [found] = env.glob("lib/python3*/site-packages")
    return found


def test_installing_the_wheel_adds_only_qaf(wheel, tmp_path):
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    before = {p.name for p in site_packages(env).iterdir()}
    done = subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    added = {p.name for p in site_packages(env).iterdir()} - before
    assert {name for name in added if not name.endswith(".dist-info")} == {"qaf"}
    assert [name for name in added if name.endswith(".dist-info")] == [f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"]
    scripts = (env / "bin" / "qaf").read_text()
    assert "qaf.cli.main" in scripts


def test_the_wheel_carries_every_layer_its_frameworks_and_its_migrations(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    top = {n.split("/")[0] for n in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"qaf"}
    for expected in (
        "qaf/engine/schedule.py", "qaf/rules/loader.py", "qaf/calendars/ics.py", "qaf/store/sql.py",
        "qaf/cli/main.py", "qaf/usecases/recording.py", "qaf/web/api.py",
        "qaf/rules/frameworks/east-sussex-2013.yaml", "qaf/store/migrations/env.py",
        "qaf/store/migrations/script.py.mako", "qaf/store/migrations/versions/0001_landed.py",
        "qaf/web/templates/base.html", "qaf/web/templates/obligation.html", "qaf/web/static/qaf.css",
    ):  # fmt: skip
        assert expected in names, expected
    from qaf.store.migrations import REVISIONS

    shipped = {n.rsplit("/", 1)[1].split("_")[0] for n in names if n.startswith("qaf/store/migrations/versions/") and n.endswith(".py")}
    assert shipped == set(REVISIONS)
