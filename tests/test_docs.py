"""Docs are checked: every setting and every command is documented, and examples run."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import pytest

from qaf.cli.main import build_parser
from qaf.rules.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("rules", "engine", "calendars", "store", "qaf")  # qaf/ holds the use cases and the interfaces


def _with_examples() -> list[str]:
    """Every module whose docstrings hold examples (``>>>``): a list kept by hand ran five of twenty-eight."""
    found = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            if ">>>" in path.read_text(encoding="utf-8"):
                parts = path.relative_to(ROOT).with_suffix("").parts
                found.append(".".join(("qaf", *parts) if parts[0] != "qaf" else parts))
    return found


MODULES = _with_examples()


def settings_table() -> str:
    lines = ["| setting | default | meaning |", "| --- | --- | --- |"]
    for opt in SETTINGS:
        if opt.required:
            default = "(required)"
        elif opt.many:
            default = ", ".join(map(str, opt.default))
        else:
            default = opt.show(opt.default)
        lines.append(f"| `{opt.name}` | `{default}` | {opt.help} |" if default != "(required)" else f"| `{opt.name}` | (required) | {opt.help} |")
    return "\n".join(lines)


def test_every_framework_setting_is_documented_as_declared():
    docs = (ROOT / "rules" / "docs.md").read_text()
    block = re.search(r"<!-- settings-table.*?-->\n(.*?)\n<!-- end settings-table -->", docs, re.S)
    assert block, "rules/docs.md lost its settings table markers"
    assert block.group(1).strip() == settings_table(), "regenerate the table: python -m tests.test_docs"


def test_every_limit_on_a_file_is_documented():
    """A framework file past 1,000,000 bytes, a council's table past 20,000,000, or YAML nested past 40 or
    expanding past 200,000 values was refused with its size, but no document said where the line is."""
    from qaf.rules import tables, yamlsrc
    from qaf.usecases import orgload, outcome_csv

    rules_docs, readme = (ROOT / "rules" / "docs.md").read_text(), (ROOT / "README.md").read_text()
    for limit in (yamlsrc.MAX_BYTES, yamlsrc.MAX_VALUES, tables.MAX_BYTES):
        assert f"{limit:,}" in rules_docs, limit
    assert f"nested at most {yamlsrc.MAX_DEPTH} deep" in rules_docs
    assert f"at most {tables.MAX_BYTES:,} bytes" in readme and f"at most {yamlsrc.MAX_BYTES:,} bytes" in readme
    assert f"each at most {orgload.MAX_BYTES:,} bytes" in readme and f"at most {outcome_csv.MAX_BYTES:,} bytes" in readme


def _commands(parser, prefix=()):
    for action in parser._actions:
        if action.__class__.__name__ == "_SubParsersAction":
            for name, sub in action.choices.items():
                yield from _commands(sub, (*prefix, name))
            return
    yield " ".join(prefix)


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for command in _commands(build_parser()):
        assert f"qaf {command}" in readme, f"README.md does not mention 'qaf {command}'"


@pytest.mark.parametrize("name", MODULES)
def test_module_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_every_package_explains_itself():
    for package in ("engine", "rules", "calendars", "store"):
        assert (ROOT / package / "docs.md").is_file(), f"{package}/docs.md is missing"


if __name__ == "__main__":  # regenerate the docs table
    print(settings_table())


# each package's docs.md names every module with its one job, and names no module that is gone
PACKAGE_DOCS = {
    "rules": ROOT / "rules",
    "engine": ROOT / "engine",
    "calendars": ROOT / "calendars",
    "store": ROOT / "store",
    "qaf": ROOT / "qaf",
}


def modules_of(folder: Path) -> set[str]:
    """Every Python module under ``folder`` as its docs.md names it (``x.py``, ``sub/x.py``), but an
    ``__init__.py`` that holds only its docstring and the migrations' revision files (each a migration)."""
    import ast

    found = set()
    for path in folder.rglob("*.py"):
        rel = path.relative_to(folder)
        body = ast.parse(path.read_text()).body
        only_docstring = all(isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) for n in body)
        if "versions" in rel.parts or (path.name == "__init__.py" and only_docstring):
            continue
        found.add(rel.as_posix())
    return found


def named_in(docs: str) -> set[str]:
    """The modules a docs.md table names: `x.py` (or `sub/x.py`) in the first column of a row."""
    names = set()
    for line in docs.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([\w/]+\.py)`", line.split("|")[1]))
    return names


@pytest.mark.parametrize("package", sorted(PACKAGE_DOCS))
def test_every_module_is_in_its_packages_docs(package):
    folder = PACKAGE_DOCS[package]
    named = named_in((folder / "docs.md").read_text())
    modules = modules_of(folder)
    assert modules - named == set(), f"{package}/docs.md does not name these modules"
    assert named - modules == set(), f"{package}/docs.md names modules that do not exist"
