"""What every ``qaf`` command shares: argument types, the business date, the store, problem printing."""

from __future__ import annotations

import argparse
import os
import socket
import sys
from datetime import date
from typing import TYPE_CHECKING, Sequence

from qaf.rules.problems import Problem, format_problem

if TYPE_CHECKING:
    from qaf.store.sql import SqlStore


def day_arg(text: str) -> date:
    """An argparse type: ISO dates only, with a message that says so."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None


def today_of(args: argparse.Namespace, store: SqlStore) -> date:
    """The business date: --today when given, else today in the framework's timezone (qaf.clock)."""
    from qaf.clock import today_in

    return getattr(args, "today", None) or today_in(store.timezone())


def open_store(args: argparse.Namespace) -> SqlStore:
    """The store ``--db`` names; if opening it upgraded its schema, say so (once: it happens once)."""
    from qaf.store.sql import SqlStore

    store = SqlStore.open(args.db)
    if store.upgraded:
        was, now = store.upgraded
        print(f"note: upgraded the store's schema from revision {was} to {now}; every row kept", file=sys.stderr)
    return store


def print_problems(problems: Sequence[Problem], stream=None) -> None:
    for problem in problems:
        print(format_problem(problem), file=stream or sys.stdout)


def runner_name() -> str:
    """Who is running: "host:pid", so a dead runner on this host can be recognised."""
    return f"{socket.gethostname()}:{os.getpid()}"
