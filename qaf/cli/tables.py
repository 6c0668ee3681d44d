"""``qaf framework import TABLE [-o FILE] [--id ID] [--title T]``: a council's own table -> a framework file.

Registered on the ``qaf framework`` sub-commands by :func:`register`. The
handler follows the CLI's one error boundary (:func:`qaf.cli.main.main`): bad
input raises :class:`~engine.problems.InputError` with every problem found,
and nothing is written. Without ``-o`` the framework goes to stdout and the
summary to stderr; with ``-o`` the file is written whole (a temporary file,
then renamed: never a partial file) and the summary goes to stdout.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from qaf.cli.common import OptionError, output_path, said_to, write_whole
from qaf.rules import bundled
from qaf.rules.problems import InputError, Problem, QafError, Source, format_problem

if TYPE_CHECKING:
    from qaf.rules.importer import Imported
    from qaf.rules.model import Role


def register(framework_subparsers) -> None:
    """Add ``import`` to the ``qaf framework`` sub-commands."""
    p = framework_subparsers.add_parser(
        "import",
        help="read a council's own table (text/TSV, CSV, .xlsx, .docx) into a framework file to check and finish",
        description="Reads the table's Role, QA Task, Frequency and Purpose columns, parses the free-text "
        "frequencies into cadences and triggers, and writes a framework file with the frequency as written "
        "and every warning as comments above each row. Rows it cannot schedule are kept, with the reason.",
    )
    p.add_argument("table", help="the table: .txt/.tsv (tab-separated), .csv, .xlsx or .docx")
    p.add_argument("-o", "--output", metavar="FILE", help="write the framework here (default: stdout)")
    p.add_argument("--id", metavar="ID", help="the framework id (default: from the table's file name)")
    p.add_argument("--title", metavar="T", help="the framework title (default: 'Imported from TABLE')")
    p.add_argument("--roles", metavar="FRAMEWORK", help="start from this framework's role vocabulary (a file or a bundled name) instead of the bundled ones")
    p.set_defaults(handler=cmd_framework_import, uses_db=False)


def cmd_framework_import(args: argparse.Namespace) -> int:
    from qaf.rules.importer import import_table
    from qaf.rules.tables import read_table

    table_path = Path(args.table)
    output = output_path(args)  # never the store itself
    framework_id, title = _id_and_title(args, table_path)
    _check_output(table_path, output)
    roles = _roles(args.roles) if args.roles else None
    table, problems = read_table(table_path)
    if table is None:
        raise InputError(problems, f"{table_path}: not imported, nothing written")
    imported = import_table(table, framework_id, title, roles)
    if output is None:
        sys.stdout.write(imported.text)
        _summary(imported, table_path, None, sys.stderr)
    else:
        write_whole(output, imported.text.encode("utf-8"), example="framework.yaml")  # all or nothing, as feed and report write
        _summary(imported, table_path, output, said_to(output))  # -o /dev/stdout: the summary kept out of the framework
    return 0


def _id_and_title(args: argparse.Namespace, table: Path) -> tuple[str, str]:
    """``--id`` and ``--title`` as the framework file holds them (rules/settings.py: an id of 1 to 64 lower-case
    letters, digits and . _ -; a title of at most 200 characters): either out of range wrote a framework that
    'qaf framework check' refused. An :class:`OptionError` naming the option, before anything is read or written."""
    from qaf.rules.importer import default_id
    from qaf.rules.settings import SETTINGS, parse_id

    framework_id = args.id.strip() if args.id is not None else default_id(str(table))
    try:
        parse_id(framework_id)
    except ValueError as exc:
        raise OptionError(f"--id {args.id!r}", exc) from None
    title = (args.title or "").strip() or f"Imported from {table.name}"
    try:
        next(opt for opt in SETTINGS if opt.name == "title").parse(title)
    except ValueError as exc:
        raise OptionError("--title", exc) from None
    return framework_id, title


def _check_output(table: Path, output: Path | None) -> None:
    if output is None:
        return
    if output.is_dir():
        raise QafError(f"-o {output}: is a folder; give a file name such as framework.yaml")
    if table.exists() and output.exists() and output.resolve() == table.resolve():
        raise QafError(f"-o {output}: would overwrite the table being imported")
    if not output.parent.resolve().is_dir():
        raise QafError(f"-o {output}: the folder {output.parent} does not exist")


def _roles(name: str) -> tuple[Role, ...]:
    from qaf.rules.loader import load_framework

    fw, problems = load_framework(bundled.path(name))
    errors = [p for p in problems if p.is_error]
    if fw is None or errors:
        raise InputError(errors or [Problem(Source(name), "file", "not a framework")], f"--roles {name}: not a usable framework")
    return fw.roles


def _summary(imported: Imported, table: Path, output: Path | None, stream: TextIO) -> None:
    for problem in imported.problems:
        print(format_problem(problem), file=stream)
    print(f"{table}: {imported.summary}", file=stream)
    for row_id, reason in imported.unschedulable:
        print(f"  not schedulable: row {row_id}: {reason}", file=stream)
    if output is not None:
        print(f"wrote {output}: check and finish it, then 'qaf framework check {output}'", file=stream)
