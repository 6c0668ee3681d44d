"""What every ``qaf`` command shares: argument types, the business date, the store, problem printing."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from datetime import date
from typing import Sequence

from qaf.rules.problems import Problem, format_problem
from qaf.store.sql import SqlStore


def day_arg(text: str) -> date:
    """An argparse type: ISO dates only, with a message that says so."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None


def today_of(args: argparse.Namespace) -> date:
    """The business date: --today when given, else the wall clock (the only place that reads it)."""
    return getattr(args, "today", None) or date.today()


def open_store(args: argparse.Namespace) -> SqlStore:
    return SqlStore.open(args.db)


def print_problems(problems: Sequence[Problem], stream=None) -> None:
    for problem in problems:
        print(format_problem(problem), file=stream or sys.stdout)


def runner_name() -> str:
    """Who is running: "host:pid", so a dead runner on this host can be recognised."""
    return f"{socket.gethostname()}:{os.getpid()}"
