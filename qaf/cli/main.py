"""The ``qaf`` command: argument parsing and the one error boundary.

Commands live here and in ``cli_*`` modules, each registering its own
sub-commands; only the CLI reads the wall clock (``cli_common.today_of``, the
default for ``--today``). Domain errors (:class:`~engine.problems.QafError`)
become a message on stderr and a non-zero exit in :func:`main`, and nowhere
else.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from qaf import __version__ as VERSION
from qaf.cli import feeds as cli_feeds
from qaf.cli import outcomes as cli_outcomes
from qaf.cli import report as cli_report
from qaf.cli.common import OptionError, day_arg, from_today, in_order, named_option, open_store, print_problems, runner_name, seconds_arg, today_of, whole_arg, window
from qaf.rules import bundled
from qaf.rules.numbering import parked_from
from qaf.rules.problems import InputError, QafError, errors

if TYPE_CHECKING:
    from qaf.store.sql import SqlStore

# Each command imports what it uses when it runs, so that `qaf --version` and
# `qaf due` start at once (bench/bench_startup.py; tests/test_cli.py checks
# that building the parser imports no database, web or rules-engine module).

# --- qaf framework ------------------------------------------------------------------


def cmd_framework_check(args: argparse.Namespace) -> int:
    from qaf.rules.loader import load_framework

    path = bundled.path(args.file)
    fw, problems = load_framework(path)
    if args.format == "json":
        rows = len(fw.rows) if fw else 0
        schedulable = fw.schedulable_count if fw else 0
        print(json.dumps({
            "file": str(path), "rows": rows, "schedulable": schedulable, "not_schedulable": rows - schedulable,
            "problems": [p.as_dict() for p in problems],
        }, indent=2))  # fmt: skip
    else:
        print_problems(problems)
        rows = len(fw.rows) if fw else 0
        schedulable = fw.schedulable_count if fw else 0
        print(f"{path}: {rows} rows, {schedulable} schedulable, {rows - schedulable} not schedulable")
    return 1 if fw is None or errors(problems) else 0


def cmd_framework_load(args: argparse.Namespace) -> int:
    from qaf.rules.loader import read_framework

    path = bundled.path(args.file)
    text, fw, problems = read_framework(path)  # once: the text checked is the text stored
    if fw is None or text is None or errors(problems):
        raise InputError(problems, f"{path}: not loaded, the store is unchanged")
    print_problems(problems, sys.stderr)  # warnings only
    from qaf.usecases.frameworkload import load

    store = open_store(args)
    loaded = load(store, fw, text, today_of(args, store))
    change = loaded.change
    print_problems(loaded.warnings, sys.stderr)  # what the new version does to the work, said before the schedule does it
    rows, schedulable = len(fw.rows), fw.schedulable_count
    was = f" (was version {change.previous_version})" if change.action == "replaced" else ""
    print(f"{change.action} {fw.id} version {fw.version}{was}: {fw.title}: "
          f"{rows} rows, {schedulable} schedulable, {rows - schedulable} not schedulable")  # fmt: skip
    back = [(parked_from(old), new) for old, new in change.renumbered if parked_from(old)]
    if back:  # a row struck out when another took its number, put back
        print(f"put back: {'; '.join(f'row {new}' if was == new else f'row {was} (now {new})' for was, new in back)}, with the work "
              f"{'it' if len(back) == 1 else 'each'} had before {'it was' if len(back) == 1 else 'they were'} struck out.")  # fmt: skip
    if renumbered := [(old, new) for old, new in change.renumbered if not parked_from(old)]:  # said before the schedule acts on it
        print(f"renumbered: {'; '.join(f'row {old} is now row {new}' for old, new in renumbered)}. Each keeps its "
              "work (qaf follows a row by its role and task, or by the number the file says it was): done work stays done, open work stays "
              "open, and a calendar's events stay the same events.")  # fmt: skip
    if change.replaced:  # said before what is struck out: the row each replaced is in that line
        rows = ", ".join(change.replaced)
        one = len(change.replaced) == 1
        print(f"new work: row{'' if one else 's'} {rows} {'asks' if one else 'ask'} for other work than the row{'' if one else 's'} "
              f"{'it' if one else 'they'} replaced ({'its' if one else 'each'} task shares few words with the one before), so "
              f"{'its' if one else 'their'} work starts afresh, and the work of the row{'' if one else 's'} before is struck out. "
              "If a row is the same one reworded, write its own number as what it was (was: \"1.6\" on row 1.6) and load the "
              "version before, then this one again.")  # fmt: skip
    if change.struck:  # what the amendment takes away, said before the schedule acts on it
        print(f"struck out: {'; '.join(change.struck)}. The next schedule or tick cancels the open work of a row or "
              "cadence struck out, saying why; done work stays done, and so do escalations raised.")  # fmt: skip
    if change.retired is not None:
        print(f"brought back: {fw.id} was retired on {change.retired}; it is in use again. The next schedule or tick "
              "schedules it, and opens again the work its retirement cancelled from last month on.")  # fmt: skip
    return 0


def cmd_framework_retire(args: argparse.Namespace) -> int:
    from qaf.usecases.frameworkload import retire

    store = open_store(args)
    if args.id not in (ids := [f.id for f in store.stored_frameworks()]):  # a typo is a bad argument, as --framework's
        raise OptionError("ID", f"no framework '{args.id}' (loaded: {', '.join(ids) or 'none'})")
    done = retire(store, args.id, today_of(args, store))
    if done.already:
        print(f"{done.framework} was retired already, on {done.on}: nothing changed")
        return 0
    n = sum(done.cancelled.values())
    kinds = ", ".join(f"{k.replace('_', ' ')} {c}" for k, c in sorted(done.cancelled.items()))
    print(f"retired {done.framework} version {done.version} on {done.on}: {n} open obligation{'' if n == 1 else 's'} cancelled"
          f"{f' ({kinds})' if kinds else ''}, each saying so; done work stays done. It is scheduled no more; "
          f"load it again to bring it back.")  # fmt: skip
    return 0


def cmd_framework_list(args: argparse.Namespace) -> int:
    stored = open_store(args).stored_frameworks()
    if not stored:
        print("no framework loaded (bundled: " + ", ".join(bundled.names()) + ")")
    for f in stored:
        retired = f"  retired on {f.retired_on}" if f.retired_on else ""
        print(f"{f.id}  version {f.version}  {f.rows} rows ({f.schedulable} schedulable){retired}  {f.title}")
    return 0


# --- qaf org ------------------------------------------------------------------------


def cmd_org_load(args: argparse.Namespace) -> int:
    from qaf.engine.caserefs import council_pattern
    from qaf.usecases.orgload import cases_emptied, coverage_lost, load_org

    store = open_store(args)
    loaded = store.frameworks() if store.stored_frameworks() else []
    vocab = store.vocabulary() if loaded else None
    pattern = council_pattern(loaded)
    org, problems = load_org(Path(args.dir), vocab, pattern)
    if org is not None and not org.cases and not errors(problems):
        problems += cases_emptied(store.org(), org, args.dir)
    if org is None or errors(problems):
        raise InputError(problems, f"{args.dir}: not loaded, the store is unchanged")
    print_problems(problems, sys.stderr)
    if vocab is None:
        print("note: no framework is loaded yet, so roles were not checked", file=sys.stderr)
    before = store.org() if loaded else None
    change = store.save_org(org)
    if before is not None and before.people:  # who this load leaves nobody's to audit, said before the tick acts on it
        print_problems(coverage_lost(loaded, before, org, today_of(args, store)), sys.stderr)
    for name, counts in (("people", change.people), ("teams", change.teams), ("cases", change.cases), ("bodies", change.bodies)):
        gone = f", {counts.gone} no longer listed" if counts.gone else ""
        print(f"{name}: {counts.total} ({counts.new} new, {counts.changed} changed, {counts.unchanged} unchanged{gone})")
    return 0


# --- qaf schedule / qaf due ----------------------------------------------------------


def _statuses(text: str) -> tuple[str, ...]:
    from qaf.engine import query as queries

    try:
        return queries.parse_statuses(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _frameworks(store: SqlStore, only: str | None):
    if only is not None:  # '--framework ""' names no framework: refused, never read as every framework
        retired = {f.id: f.retired_on for f in store.stored_frameworks() if f.retired_on}
        if only in retired:
            raise QafError(f"framework '{only}' was retired on {retired[only]}: it is scheduled no more; load it again to bring it back")
        try:
            return [store.framework(only)]
        except LookupError as exc:  # not a framework loaded: the option's mistake
            raise OptionError("--framework", exc) from None
    found = store.frameworks()
    if not found and store.stored_frameworks():
        raise QafError("every framework loaded is retired: load one again to bring it back ('qaf framework list')")
    if not found:
        raise QafError("no framework is loaded: run 'qaf framework load FILE' first")
    return found


def cmd_schedule(args: argparse.Namespace) -> int:
    from qaf.usecases import scheduling

    if args.first:  # before the store is opened
        window(args.first, args.through)
    store = open_store(args)
    today = today_of(args, store)
    first, first_said = from_today(args, today)
    window(first, args.through, first_said)
    not_long_before_last_tick(store, first, "--from", "nothing was scheduled")
    org = store.org()
    if not org.people:
        raise QafError("no organisation is loaded: run 'qaf org load DIR' first")
    for fw in _frameworks(store, args.framework):
        r = scheduling.schedule(store, fw, org, first, args.through, today)
        if r.skipped:
            print(f"{fw.id} {first}..{args.through}: {r.planned} planned; nothing changed since the last schedule of this window")
            continue
        print(f"{fw.id} {first}..{args.through}: {r.planned} planned; {r.created} created, {r.updated} updated "
              f"({r.reassigned} reassigned), {r.cancelled} cancelled, {r.reopened} reopened, {r.unchanged} unchanged; "
              f"{r.waived} waived")  # fmt: skip
        for note in r.notes:
            print(f"  note: {note}")
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    from qaf.usecases import queries

    if args.date_from and args.date_to:
        in_order(args.date_from, args.date_to, "--to")
    store = open_store(args)
    if args.framework is not None and args.framework not in (ids := [f.id for f in store.stored_frameworks()]):
        raise OptionError("--framework", f"no framework '{args.framework}' (loaded: {', '.join(ids) or 'none'})")
    today = today_of(args, store)
    query = queries.DueQuery(
        person=args.person, role=args.role, team=args.team, service=args.service, row=args.row,
        framework=args.framework, kind=args.kind, date_from=args.date_from, date_to=args.date_to,
        statuses=args.status or queries.LIVE_SHOWN, case=args.case,
    )  # fmt: skip
    try:
        found = queries.due(store, query, today)
    except queries.QueryError as exc:  # the search page's and the API's words, led by the option's name
        raise named_option(exc) from None
    sys.stdout.write(queries.render(found, store.org(), today, args.format, args.person))
    return 0


# --- qaf tick -----------------------------------------------------------------------------


def cmd_tick(args: argparse.Namespace) -> int:
    from qaf.clock import utc_now
    from qaf.engine.businesstime import business_date, business_now
    from qaf.usecases.mail import read_settings
    from qaf.usecases.tick import REACH, reopen_ahead, run_tick

    store = open_store(args)
    if not store.stored_frameworks():
        raise QafError("no framework is loaded: run 'qaf framework load FILE' first")
    if args.today:
        not_long_before_last_tick(store, args.today, "--today", "nothing was ticked")
    wall = store.wall(utc_now)  # leases, and the business date, on the database's clock: every host's tick agrees
    clock_today = business_date(wall(), store.timezone())
    if args.today and (args.today - clock_today).days > REACH:  # its tick tells all the work due by then overdue, and what it sends stands
        raise OptionError("--today", f"{args.today} is {(args.today - clock_today).days} days after today ({clock_today}, by the database's "
                                     "clock): a tick of it would tell every piece of work due by then overdue, up every line, and email "
                                     "it. Is the year right? nothing was ticked")  # fmt: skip
    today = args.today or clock_today
    now = business_now(today, store.timezone()) if args.today else None
    if not args.today:  # today by the clock: a tick recorded for a later day ran while the clock was ahead (warned on stderr)
        reopen_ahead(store, today)
    result = run_tick(store, today, read_settings(), runner_name(), now=now, wall=wall)
    for line in result.lines():
        print(line)
    return 0


def not_long_before_last_tick(store, day, option: str, so: str) -> None:
    """An :class:`OptionError` naming ``option`` if ``day`` (a tick's, a catch-up's first, a schedule's first) lies
    more than the catch-up's reach before the last tick: a year typed wrong, not a missed day ticked late."""
    from qaf.usecases.tick import REACH, last_tick_after

    if (last := last_tick_after(store, day)) is not None:
        raise OptionError(option, f"{day} is {(last - day).days} days before the last tick ({last}): a missed day is ticked up to "
                                  f"{REACH} days late; from further back, each month would be planned, long past, for everyone in "
                                  f"post now, and the next tick would escalate all of it up every line. Is the year right? {so}")  # fmt: skip


def cmd_serve(args: argparse.Namespace) -> int:
    from qaf.service import serve

    if args.catch_up_from is not None:  # each day caught up plans its month and escalates it
        store = open_store(args)
        try:
            not_long_before_last_tick(store, args.catch_up_from, "--catch-up-from", "nothing was served")
        finally:
            store.close()
    serve(args.db, args.host, args.port, runner_name(), args.catch_up_from, args.leader_check)
    return 0


# --- qaf status ---------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    from qaf.store.db import database_url, redact

    store = open_store(args)
    print(f"store: {redact(database_url(args.db))} ({store.dialect})")
    stored = store.stored_frameworks()
    for f in stored:
        retired = f" (retired on {f.retired_on})" if f.retired_on else ""
        print(f"framework {f.id} version {f.version}{retired}: {f.title} ({f.council or 'council not named'}): "
              f"{f.rows} rows, {f.schedulable} schedulable, {f.rows - f.schedulable} not schedulable")  # fmt: skip
    if not stored:
        print("no framework loaded: qaf framework load east-sussex-2013")
    org = store.org()
    vocab = store.vocabulary()
    open_cases = sum(1 for c in org.cases if c.closed is None)
    print(f"organisation: {len(org.people)} people, {len(org.teams)} teams in {len(org.services)} services, "
          f"{len(org.cases)} cases ({open_cases} open), {len(org.bodies)} bodies")  # fmt: skip
    if org.people and stored:
        held: dict[str, int] = {}
        for person in org.people:
            for role in org.roles_of(person, vocab):
                held[role] = held.get(role, 0) + 1
        print("roles held: " + ", ".join(f"{role} {n}" for role, n in sorted(held.items())))
    return 0


# --- qaf db --------------------------------------------------------------------------


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from qaf.store.db import database_url, redact
    from qaf.store.migrations import HEAD
    from qaf.store.sql import SqlStore
    from qaf.usecases.mail import check_settings_file

    check_settings_file()  # a QAF_DB written in the QAF_SETTINGS file, not the environment: refused before another store is upgraded
    store = SqlStore.open(args.db)
    if store.upgraded:
        print(f"{redact(database_url(args.db))}: upgraded from revision {store.upgraded[0]} to {store.upgraded[1]}; every row kept")
    else:
        print(f"{redact(database_url(args.db))}: at revision {HEAD}, up to date")
    return 0


def cmd_db_status(args: argparse.Namespace) -> int:
    from qaf.store import migrations
    from qaf.store.db import database_url, make_engine, redact
    from qaf.usecases.mail import check_settings_file

    check_settings_file()  # as every command that opens the store
    engine = make_engine(args.db)
    try:
        with engine.connect() as conn:
            found = migrations.current(conn)
    finally:
        engine.dispose()
    where = redact(database_url(args.db))
    if found == migrations.EMPTY:
        print(f"{where}: no qaf store yet (the first command that opens it makes one at revision {migrations.HEAD})")
    elif found == migrations.HEAD:
        print(f"{where}: at revision {found}, up to date")
    elif found in migrations.REVISIONS:
        print(f"{where}: at revision {found}; this qaf writes {migrations.HEAD}: run 'qaf db upgrade' (or any command)")
    else:
        print(f"{where}: at revision {found}, written by a newer qaf (this one knows up to {migrations.HEAD})")
        return 1
    return 0


# --- the parser and the boundary ----------------------------------------------------


class _Version(argparse.Action):
    """--version, naming the rules backend (importing durable-rules only when asked)."""

    def __call__(self, parser, namespace, values, option_string=None):
        from qaf.engine import backend

        print(f"qaf {VERSION} (rules backend: {backend.describe()})")
        parser.exit()


class _Once(argparse._StoreAction):
    """An option's value, given once: argparse keeps the last of ``--grade good --grade inadequate`` and drops the
    others without a word. Its value is not said (it may be a note)."""

    def __call__(self, parser, namespace, values, option_string=None):
        given = namespace.__dict__.setdefault("_given", set())  # this parse's own: the next parse has a namespace of its own
        if self.dest in given and option_string:
            parser.error(f"argument {'/'.join(self.option_strings)}: given twice: give it once")
        given.add(self.dest)
        super().__call__(parser, namespace, values, option_string)


class _Parser(argparse.ArgumentParser):
    """qaf's parser, and each command's (argparse makes a command's parser of its parent's class)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.register("action", None, _Once)
        self.register("action", "store", _Once)

    def parse_args(self, args=None, namespace=None):  # type: ignore[override]
        parsed, extra = self.parse_known_args(args, namespace)
        if extra:  # argparse says them all ("unrecognized arguments: anxious about Emily"): a note whose quotes were forgotten
            self.error(_left_over(extra))
        parsed.__dict__.pop("_given", None)
        return parsed


def _left_over(extra: list[str]) -> str:
    """What the command line held that no option took, said without its words (they may be a note's): options by
    name (never what follows their '='), the other words counted.

    >>> _left_over(["anxious", "about", "Emily", "--nots=Emily is at risk"])
    "unrecognized option --nots, and 3 words the command does not take (a note or reason of several words goes in quotes: --notes 'like this')"
    """
    options = [word.split("=", 1)[0] for word in extra if word.startswith("-") and len(word) > 1]
    words = len(extra) - len(options)
    said = [f"unrecognized option{'s' if len(options) > 1 else ''} {', '.join(options)}"] if options else []
    if words:
        said.append(f"{words} word{'s' if words > 1 else ''} the command does not take (a note or reason of several words goes in "
                    "quotes: --notes 'like this')")
    return ", and ".join(said)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="qaf", description="Turns a children's services Quality Assurance Framework into a living schedule.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and the rules backend, and exit")
    parser.add_argument("--db", metavar="URL", help="database URL (default: $QAF_DB, else sqlite file qaf.db here)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    framework = commands.add_parser("framework", help="check, load and list frameworks").add_subparsers(dest="action", required=True, metavar="ACTION")
    check = framework.add_parser("check", help="check a framework file; every problem as FILE:LINE: field: message (the file alone: a row's was, which names a row of the version loaded before, is checked by load)")
    check.add_argument("file", help="a framework file, or the name of a bundled one (" + ", ".join(bundled.names()) + ")")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(handler=cmd_framework_check, uses_db=False)
    load = framework.add_parser("load", help="check a framework file and load it into the store (all or nothing)")
    load.add_argument("file", help="a framework file, or the name of a bundled one")
    load.add_argument("--today", type=day_arg, metavar="DATE", help="the business date the organisation is checked on (default: today)")
    load.set_defaults(handler=cmd_framework_load)
    framework.add_parser("list", help="the frameworks in the store, and which are retired").set_defaults(handler=cmd_framework_list)
    retire = framework.add_parser("retire", help="retire a framework (an old edition): its open work cancelled, saying so, its done "
                                                 "work kept; scheduled no more until loaded again")  # fmt: skip
    retire.add_argument("id", help="the framework's id (qaf framework list)")
    retire.add_argument("--today", type=day_arg, metavar="DATE", help="the business date it is retired on (default: today)")
    retire.set_defaults(handler=cmd_framework_retire)
    from qaf.cli.tables import register as register_import

    register_import(framework)

    org = commands.add_parser("org", help="load the organisation").add_subparsers(dest="action", required=True, metavar="ACTION")
    org_load = org.add_parser("load", help="load people.csv, teams.csv, cases.csv (+ bodies.csv) from DIR (all or nothing)")
    org_load.add_argument("dir")
    org_load.add_argument("--today", type=day_arg, metavar="DATE", help="the business date the organisation is checked on (default: today)")
    org_load.set_defaults(handler=cmd_org_load)
    schedule = commands.add_parser("schedule", help="materialise obligations for the periods up to --through (idempotent)")
    schedule.add_argument("--from", dest="first", type=day_arg, metavar="DATE", help="first day of the window (default: today)")
    schedule.add_argument("--through", type=day_arg, required=True, metavar="DATE", help="last day of the window")
    schedule.add_argument("--today", type=day_arg, metavar="DATE", help="the business date (default: today); cases are chosen for periods begun by then")
    schedule.add_argument("--framework", metavar="ID", help="only this framework (default: every loaded one)")
    schedule.set_defaults(handler=cmd_schedule)

    due = commands.add_parser("due", help="what is due, for whom, by when (open, overdue, done, ...)")
    due.add_argument("--person", metavar="ID")
    due.add_argument("--role", metavar="ROLE", help="a role name or alias, e.g. 'OM'")
    due.add_argument("--team", metavar="ID")
    due.add_argument("--service", metavar="NAME")
    due.add_argument("--row", metavar="ROW", help="a framework row id, e.g. 3.16")
    due.add_argument("--framework", metavar="ID")
    due.add_argument("--case", metavar="REF", help="a case's reference, e.g. CS-000123 (never a name)")
    due.add_argument("--kind", choices=("audit", "follow_up_audit", "review", "moderation", "qa_signoff", "report", "visit", "meeting", "task", "action"))
    due.add_argument("--from", dest="date_from", type=day_arg, metavar="DATE", help="due on or after")
    due.add_argument("--to", dest="date_to", type=day_arg, metavar="DATE", help="due on or before")
    due.add_argument("--status", type=_statuses, default=None, metavar="S",
                     help="open, overdue, done, rescheduled, cancelled, waived; comma-separated; 'live' (default) or 'all'")  # fmt: skip
    due.add_argument("--today", type=day_arg, metavar="DATE", help="the business date overdue is judged against (default: today)")
    due.add_argument("--format", choices=("table", "json", "csv"), default="table")
    due.set_defaults(handler=cmd_due)

    cli_outcomes.register(commands)

    tick = commands.add_parser("tick", help="the daily run: schedule the horizon, escalate late work, send email (once per date)")
    tick.add_argument("--today", type=day_arg, metavar="DATE", help="the business date to run (default: today); replay a year day by day")
    tick.set_defaults(handler=cmd_tick)

    serve = commands.add_parser("serve", help="serve feeds and the JSON API; the leader instance runs the daily tick and sends email")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=whole_arg(1, 65535, "a port"), default=8000, help="the port to listen on (1 to 65535; default 8000)")
    serve.add_argument("--catch-up-from", type=day_arg, metavar="DATE", help="on becoming leader, tick every day from DATE (default: after the last tick)")
    serve.add_argument("--leader-check", type=seconds_arg(0.1, 3600), default=15.0, metavar="SECONDS",
                       help="how often a follower tries to become leader (0.1 to 3600 seconds; default 15)")  # fmt: skip
    serve.set_defaults(handler=cmd_serve)

    cli_feeds.register(commands)
    cli_report.register(commands)

    commands.add_parser("status", help="what the store holds: frameworks, organisation, roles").set_defaults(handler=cmd_status)

    db = commands.add_parser("db", help="the store's schema: where it stands, and upgrading it").add_subparsers(dest="action", required=True, metavar="ACTION")
    db.add_parser("upgrade", help="upgrade the store's schema to this qaf's, in place (any command also does, and says so)").set_defaults(handler=cmd_db_upgrade)
    db.add_parser("status", help="the store's schema revision, and whether it needs an upgrade").set_defaults(handler=cmd_db_status)
    return parser


# arguments that name a file or a folder (or a database URL, which may hold one): a name a file system holds
# need not be UTF-8, and Python passes it on as it came. Every other argument is text qaf keeps, looks up or prints
PATH_ARGUMENTS = frozenset({"csv", "dir", "file", "out", "output", "roles", "table", "db"})


def _not_text(args: argparse.Namespace) -> str | None:
    """The first argument (other than a path) holding a byte that was not UTF-8, said as a message; None if none.

    Python reads such a byte from the command line as half a character (a lone surrogate), which no
    database, file or terminal can encode: ``qaf due --row`` or ``qaf framework retire`` given one ended
    in a UnicodeEncodeError traceback from the database driver.
    """
    from qaf.rules.plain import HALF_CHARACTER

    for dest, value in vars(args).items():
        if dest in PATH_ARGUMENTS:
            continue
        for text in value if isinstance(value, (list, tuple)) else (value,):
            if isinstance(text, str) and (found := HALF_CHARACTER.search(text)):  # the byte, not the text: it may be a note
                code = ord(found[0])
                where = f"byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"character {found.start() + 1}"
                return f"{dest.replace('_', '-')}: not UTF-8 text ({where} is not UTF-8; set the terminal to UTF-8): nothing was done"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if (said := _not_text(args)) is not None:
        print(f"qaf: {said}", file=sys.stderr)
        return 2
    try:
        return args.handler(args)
    except InputError as exc:
        print_problems(exc.problems, sys.stderr)
        print(f"qaf: {exc.summary}", file=sys.stderr)
        return exc.exit_code
    except QafError as exc:
        print(f"qaf: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:  # `qaf due | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a database that cannot be reached is the user's to fix, not a traceback
        if isinstance(exc, OSError) and exc.filename is not None:  # a path the system refuses (a name too long, ...)
            print(f"qaf: {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        from qaf.store.db import unreachable

        why = unreachable(exc, args.db)
        if why is None:
            raise
        print(f"qaf: {why}", file=sys.stderr)
        return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
