"""What every ``qaf`` command shares: argument types, the business date, the store, problem printing."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Sequence, TextIO

from qaf.rules.plain import iso_day
from qaf.rules.problems import Problem, QafError, format_problem

if TYPE_CHECKING:
    from qaf.store.sql import SqlStore


class OptionError(QafError):
    """An option's value that nothing can match (``qaf due --person NOBODY``, ``--row 9.99``, ``report --framework
    nope``): a usage error, exit 2 as argparse's, the message led by the option (``--person: no person ...``)."""

    exit_code = 2

    def __init__(self, option: str, message: object) -> None:
        super().__init__(f"{option}: {message}")


def named_option(exc: Exception) -> Exception:
    """A use case's refusal of what an option asked, naming its field (a :class:`qaf.engine.query.QueryError`'s
    person, role, team, service, row, framework; a :class:`qaf.usecases.tokens.TokenError`'s person, scope,
    purpose) as the command's option of that name; any other error as it was."""
    field = getattr(exc, "field", None)
    return OptionError(f"--{field}", exc) if isinstance(field, str) and isinstance(exc, (LookupError, ValueError)) else exc


def day_arg(text: str) -> date:
    """An argparse type: ISO dates only, in the century qaf works with, with a message that says so."""
    from qaf.engine.periods import outside

    try:
        day = iso_day(text)
    except ValueError as exc:  # its message quotes a date's shape only, never words
        raise argparse.ArgumentTypeError(str(exc)) from None
    why = outside(day)
    if why:
        raise argparse.ArgumentTypeError(why)
    return day


def month_arg(text: str):
    """An argparse type: a month as ``YYYY-MM``, in the century qaf works with (:meth:`qaf.engine.report_words.Month.parse`)."""
    from qaf.engine.report_words import Month

    try:
        return Month.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def whole_arg(low: int, high: int, what: str = "a whole number"):
    """An argparse type: a whole number from ``low`` to ``high`` (every number a command takes has a range)."""

    def parse(text: str) -> int:
        if not text.strip().isdigit() or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"{what} from {low} to {high} is needed, got {text!r}")
        return int(text)

    return parse


def seconds_arg(low: float, high: float):
    """An argparse type: seconds from ``low`` to ``high`` (never nan or infinity)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not low <= value <= high:  # nan is in no range
            raise argparse.ArgumentTypeError(f"seconds from {low:g} to {high:g} are needed, got {text!r}")
        return value

    return parse


LONGEST_WINDOW_YEARS = 5  # a schedule or forecast window: a council plans a year or two, five at most


def in_order(first: date, last: date, last_option: str, first_said: str | None = None) -> None:
    """A date range typed the wrong way round (``--through``/``--to`` before ``--from``) is a bad argument, refused
    alike by every command that takes a range: an :class:`OptionError` led by the later option. ``first_said`` says
    where ``first`` came from when it was not typed (today, the default for ``--from``)."""
    if last < first:
        raise OptionError(last_option, f"{last} is before {first_said or f'--from {first}'}")


def window(first: date, through: date, first_said: str | None = None) -> None:
    """A schedule's or forecast's window, from ``first`` through ``through``: forwards (:func:`in_order`), and at
    most five years (a century asked by mistake would plan millions of obligations); else an :class:`OptionError`."""
    from dateutil.relativedelta import relativedelta

    in_order(first, through, "--through", first_said)
    if through >= first + relativedelta(years=LONGEST_WINDOW_YEARS):
        raise OptionError("--through", f"--from {first} --through {through} is more than {LONGEST_WINDOW_YEARS} years: plan at "
                          f"most {LONGEST_WINDOW_YEARS} years at a time (a council's year or two is usual)")  # fmt: skip


def from_today(args: argparse.Namespace, today: date) -> tuple[date, str | None]:
    """A window's first day: ``--from`` when given, else today, said as such should the window be refused."""
    if args.first:
        return args.first, None
    return today, f"today, {today} (the default for --from)"


def today_of(args: argparse.Namespace, store: SqlStore) -> date:
    """The business date: --today when given, else today in the framework's timezone on the database's clock,
    as `qaf tick` and the service read it (a host whose clock is out answers for the tick's day: one query)."""
    from qaf.clock import utc_now
    from qaf.engine.businesstime import business_date

    return getattr(args, "today", None) or business_date(store.wall(utc_now)(), store.timezone())


def open_store(args: argparse.Namespace) -> SqlStore:
    """The store ``--db`` names; if opening it upgraded its schema, say so (once: it happens once). A database
    written in the ``QAF_SETTINGS`` file, which qaf reads from the environment only, is refused first."""
    from qaf.store.sql import SqlStore
    from qaf.usecases.mail import check_settings_file

    check_settings_file()

    store = SqlStore.open(args.db)
    if store.upgraded:
        was, now = store.upgraded
        print(f"note: upgraded the store's schema from revision {was} to {now}; every row kept", file=sys.stderr)
    return store


STORE_FILES = ("", "-wal", "-shm", "-journal")  # a SQLite store is its file and these beside it


def output_path(args: argparse.Namespace, option: str = "-o") -> Path | None:
    """Where ``-o`` asks a command to write (None: stdout, as ``-o -`` asks too), refused when it names the store itself.

    ``qaf feed --all -o qaf.db`` replaced the council's store with a calendar,
    and said "wrote qaf.db": the output is written whole over its target, so
    a path naming the SQLite file (or its ``-wal``, ``-shm``, ``-journal``) is
    a bad argument (:class:`OptionError`, exit 2), said before any work.
    """
    from qaf.store.db import sqlite_file

    given = getattr(args, "output", None)
    if not given or given == "-":  # '-o -' wrote a file named '-' and said "wrote -"
        return None
    path = Path(given)
    if (store := sqlite_file(getattr(args, "db", None))) is not None:
        target = str(path.resolve())
        if any(target == store + end for end in STORE_FILES):
            raise OptionError(option, f"{given}: is the store qaf is reading ({store}); writing there would replace it. "
                              "Give another file name")  # fmt: skip
    return path


def said_to(output: Path) -> TextIO:
    """Where to say "wrote OUTPUT": stdout, unless OUTPUT is stdout's own file (``-o /dev/stdout``, or the file
    stdout is sent to), where the line would end up inside what was written: then stderr."""
    try:
        written, out = os.stat(output), os.fstat(1)
    except OSError:
        return sys.stdout
    return sys.stderr if (written.st_dev, written.st_ino) == (out.st_dev, out.st_ino) else sys.stdout


def write_whole(path: Path, data: bytes, option: str = "-o", example: str = "report.md") -> None:
    """Write ``path`` whole or not at all (a temporary file beside it, renamed over it; a link's file, the link kept;
    a pipe or a device, such as ``/dev/stdout``, written to as it is); a path that cannot be written (a folder, a
    missing folder, no permission, a full disk) is a :class:`QafError` naming the option, never a traceback."""
    import tempfile

    if path.is_dir():
        raise QafError(f"{option} {path}: is a folder; give a file name such as {example}")
    if path.exists() and not path.is_file():  # a pipe or a device (-o /dev/stdout): written to, never renamed over
        try:
            with open(path, "wb") as out:
                out.write(data)
        except OSError as exc:
            raise QafError(f"{option} {path}: cannot write: {exc.strerror or exc}") from None
        return
    path = Path(os.path.realpath(path)) if path.is_symlink() else path  # a link's file replaced, the link kept
    if not path.parent.is_dir():
        raise QafError(f"{path.parent}: no such folder")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        raise QafError(f"{option} {path}: cannot write: {exc.strerror or exc}") from None
    finally:
        if tmp is not None and Path(tmp).exists():
            Path(tmp).unlink()


def print_problems(problems: Sequence[Problem], stream=None) -> None:
    for problem in problems:
        print(format_problem(problem), file=stream or sys.stdout)


def runner_name() -> str:
    """Who is running: "host:pid:PLACE.TOKEN", unique to this process (a dead runner on this host can be
    recognised; two containers of one hostname and pid are two runners): :func:`qaf.store.outbox.runner_name`."""
    from qaf.store.outbox import runner_name as made

    return made()


# --- words people type, read from standard input -----------------------------------------------------------------

STDIN = "-"  # '--notes -': the text from standard input, as many tools take '-'


def typed_from_stdin(args: argparse.Namespace, **longest: int) -> None:
    """Each free-text option given as ``-`` (``--notes -``, ``--reason -``) replaced by standard input's text, at
    most ``longest[dest]`` characters; ``--action -``, a list, by one action a line.

    Words typed on the command line sit in argv, where ``ps``, ``/proc/PID/cmdline`` and the shell's history show
    them to anyone on the host: a note about a child read by whoever lists the processes. From standard input
    (a pipe, a file, or the terminal ended by Ctrl-D) they are in no process list. Standard input is read once,
    so one option a command may take it; its refusals are :class:`OptionError`, never quoting the text.
    """
    _warn_of_words_in_argv(args, longest)
    asked = [dest for dest in longest if _asks_stdin(getattr(args, dest, None))]
    if len(asked) > 1 or any(_asks_stdin(getattr(args, dest)) > 1 for dest in asked):
        options = " and ".join(dict.fromkeys(_option(dest) for dest in asked))
        raise OptionError(_option(asked[-1]), f"standard input is read once: give '-' to one of {options}, once")
    for dest in asked:
        value = getattr(args, dest)
        text = read_typed(_option(dest), longest[dest])
        if isinstance(value, list):  # '--action -': one action a line, where the '-' stood
            lines = [line for line in text.splitlines() if line.strip()]
            at = value.index(STDIN)
            setattr(args, dest, value[:at] + lines + value[at + 1 :])
        else:
            setattr(args, dest, text)


def _warn_of_words_in_argv(args: argparse.Namespace, options) -> None:
    """One line on stderr, naming the options and never their words, when a script or a job (standard input not a
    terminal) gave words in argv: it does so every run, with nobody at a terminal to learn of '-'."""
    given = [_option(dest) for dest in options if any(v != STDIN for v in _values_of(getattr(args, dest, None)))]
    if given and not _at_a_terminal():
        were = f"{given[0]} was" if len(given) == 1 else f"{', '.join(given[:-1])} and {given[-1]} were"
        print(f"qaf: warning: {were} given on the command line, where ps and /proc show {'it' if len(given) == 1 else 'them'} "
              f"to anyone on this host: give '-' and the text on standard input ({given[0]} - < file.txt)", file=sys.stderr)  # fmt: skip


def _at_a_terminal() -> bool:
    """Whether standard input is a terminal (a person typing), not a pipe, a file, /dev/null or none."""
    return sys.stdin is not None and sys.stdin.isatty()


def _values_of(value: object) -> list:
    """An option's values: a repeated option's list, one value, or none."""
    return value if isinstance(value, list) else [] if value is None else [value]


def _asks_stdin(value: object) -> int:
    """How many times an option's value (one, or a repeated option's list) asks for standard input."""
    return value.count(STDIN) if isinstance(value, list) else int(value == STDIN)


def _option(dest: str) -> str:
    return f"--{dest.replace('_', '-')}"


def read_typed(option: str, longest: int) -> str:
    """Standard input's text for ``option -``: UTF-8 (a byte-order mark dropped), the line breaks that end it
    dropped, at most ``longest`` characters (read no further than that could need); empty or longer, refused."""
    if sys.stdin is None:  # 'qaf ... <&-': no standard input at all
        raise OptionError(option, f"standard input is closed: pipe the text in, e.g. {option} - < file.txt")
    if _at_a_terminal():
        print(f"qaf: {option} -: type the text, then Ctrl-D on a line of its own", file=sys.stderr)
    too_long = OptionError(option, f"standard input holds more than {longest:,} characters: keep it to {longest:,}")
    most = 4 * longest + 5  # a character is at most 4 bytes in UTF-8; a BOM and a CR LF besides
    raw = getattr(sys.stdin, "buffer", None)
    if raw is None:  # a text stream put in its place
        text = sys.stdin.read(longest + 4)
    elif len(data := raw.read(most + 1)) > most:
        raise too_long
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise OptionError(option, f"standard input is not UTF-8 text (byte {exc.start + 1}, 0x{data[exc.start]:02x}): "
                              "save it as UTF-8") from None  # fmt: skip
    text = text.removeprefix("\ufeff").rstrip("\r\n")
    if not text.strip():
        raise OptionError(option, f"standard input is empty: pipe the text in, e.g. {option} - < file.txt")
    if len(text) > longest:
        raise too_long
    return text
