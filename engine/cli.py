"""The ``qaf`` command: argument parsing, the clock default, and the one error boundary.

Only this module reads the wall clock (as a default for ``--today``/``--from``).
Domain errors (:class:`~engine.problems.QafError`) become a message on stderr
and a non-zero exit here, and nowhere else.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, Sequence

from datetime import date

from engine import backend
from engine import cli_feeds, queries
from engine.orgload import load_org
from engine.problems import InputError, Problem, QafError, Source, errors, format_problem
from rules import bundled
from rules.loader import load_framework
from store.db import database_url, redact
from store.sql import SqlStore

VERSION = "0.1.0"

Handler = Callable[[argparse.Namespace], int]


def _store(args: argparse.Namespace) -> SqlStore:
    return SqlStore.open(args.db)


def _print_problems(problems: Sequence[Problem], stream=None) -> None:
    for problem in problems:
        print(format_problem(problem), file=stream or sys.stdout)


# --- qaf framework ------------------------------------------------------------------


def cmd_framework_check(args: argparse.Namespace) -> int:
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
        _print_problems(problems)
        rows = len(fw.rows) if fw else 0
        schedulable = fw.schedulable_count if fw else 0
        print(f"{path}: {rows} rows, {schedulable} schedulable, {rows - schedulable} not schedulable")
    return 1 if fw is None or errors(problems) else 0


def cmd_framework_load(args: argparse.Namespace) -> int:
    path = bundled.path(args.file)
    fw, problems = load_framework(path)
    if fw is None or errors(problems):
        raise InputError(problems, f"{path}: not loaded, the store is unchanged")
    _print_problems(problems, sys.stderr)  # warnings only
    store = _store(args)
    change = store.save_framework(fw, path.read_text(encoding="utf-8"))
    rows, schedulable = len(fw.rows), fw.schedulable_count
    was = f" (was version {change.previous_version})" if change.action == "replaced" else ""
    print(f"{change.action} {fw.id} version {fw.version}{was}: {fw.title}: "
          f"{rows} rows, {schedulable} schedulable, {rows - schedulable} not schedulable")  # fmt: skip
    return 0


def cmd_framework_list(args: argparse.Namespace) -> int:
    stored = _store(args).stored_frameworks()
    if not stored:
        print("no framework loaded (bundled: " + ", ".join(bundled.names()) + ")")
    for f in stored:
        print(f"{f.id}  version {f.version}  {f.rows} rows ({f.schedulable} schedulable)  {f.title}")
    return 0


# --- qaf org ------------------------------------------------------------------------


def cmd_org_load(args: argparse.Namespace) -> int:
    store = _store(args)
    vocab = store.vocabulary() if store.stored_frameworks() else None
    org, problems = load_org(Path(args.dir), vocab)
    if org is None or errors(problems):
        raise InputError(problems, f"{args.dir}: not loaded, the store is unchanged")
    _print_problems(problems, sys.stderr)
    if vocab is None:
        print("note: no framework is loaded yet, so roles were not checked", file=sys.stderr)
    change = store.save_org(org)
    for name, counts in (("people", change.people), ("teams", change.teams), ("cases", change.cases), ("bodies", change.bodies)):
        gone = f", {counts.gone} no longer listed" if counts.gone else ""
        print(f"{name}: {counts.total} ({counts.new} new, {counts.changed} changed, {counts.unchanged} unchanged{gone})")
    return 0


# --- qaf schedule / qaf due ----------------------------------------------------------


def _day(text: str) -> date:
    """An argparse type: ISO dates only, with a message that says so."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (expected YYYY-MM-DD)") from None


def _statuses(text: str) -> tuple[str, ...]:
    try:
        return queries.parse_statuses(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _today(args: argparse.Namespace) -> date:
    """The business date: --today when given, else the wall clock (the only place that reads it)."""
    return getattr(args, "today", None) or date.today()


def _frameworks(store: SqlStore, only: str | None):
    if only:
        return [store.framework(only)]
    found = store.frameworks()
    if not found:
        raise QafError("no framework is loaded: run 'qaf framework load FILE' first")
    return found


def cmd_schedule(args: argparse.Namespace) -> int:
    today = _today(args)
    first = args.first or today
    if args.through < first:
        raise QafError(f"--through {args.through} is before --from {first}")
    store = _store(args)
    org = store.org()
    if not org.people:
        raise QafError("no organisation is loaded: run 'qaf org load DIR' first")
    for fw in _frameworks(store, args.framework):
        r = store.schedule(fw, org, first, args.through, today)
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
    today = _today(args)
    store = _store(args)
    query = queries.DueQuery(
        person=args.person, role=args.role, team=args.team, service=args.service, row=args.row,
        framework=args.framework, kind=args.kind, date_from=args.date_from, date_to=args.date_to,
        statuses=args.status,
    )  # fmt: skip
    found = queries.due(store, query, today)
    sys.stdout.write(queries.render(found, store.org(), today, args.format))
    return 0


# --- qaf record / moderate / extend / outbox ----------------------------------------------


def _report_result(store: SqlStore, result) -> None:
    """Created ids on stdout (one a line); what happened, in words, on stderr."""
    for ob in result.created:
        print(ob.id)
    for ob in result.created:
        print(f"created {ob.kind.replace('_', ' ')} {ob.id} due {ob.due}: {ob.title}", file=sys.stderr)
    for notice in result.queued:
        print(f"queued {notice.reason} to {notice.email}: {notice.subject}", file=sys.stderr)
    for shortfall in result.shortfalls:
        print(f"shortfall: {shortfall}", file=sys.stderr)


def cmd_record(args: argparse.Namespace) -> int:
    from engine.outcomes import Recording, parse_areas

    today = _today(args)
    store = _store(args)
    if args.csv:
        return _record_csv(store, args, today)
    if not args.obligation:
        raise QafError("say which obligation (or give --csv FILE)")
    if args.contest:
        result = store.contest(args.obligation, args.by, args.date, today)
        print(f"recorded: {result.obligation}'s grade is contested", file=sys.stderr)
        _report_result(store, result)
        return 0
    areas: tuple = ()
    if args.areas:
        ob_fw = _framework_of(store, args.obligation)
        areas, wrong = parse_areas(args.areas, ob_fw)
        if wrong:
            raise InputError([Problem(_CLI_SOURCE, "areas", w) for w in wrong], "nothing recorded, the store is unchanged")
    rec = Recording(args.obligation, args.grade, args.concerns, areas, args.by, args.date, args.notes or "")
    result = store.record(rec, today)
    grade = f" {args.grade}" if args.grade else ""
    print(f"recorded{grade}{' with significant concerns' if args.concerns else ''} for {result.obligation} "
          f"(rules: {result.rules})", file=sys.stderr)  # fmt: skip
    _report_result(store, result)
    return 0


_CLI_SOURCE = Source("qaf record", 0)


def _record_csv(store: SqlStore, args: argparse.Namespace, today: date) -> int:
    from engine.outcome_csv import read_outcomes

    def framework_for(typed: str):
        try:
            return _framework_of(store, typed)
        except QafError:
            return None  # the unknown obligation is reported when it is recorded

    recordings, problems = read_outcomes(args.csv, framework_for)
    if problems:
        raise InputError(problems, f"{args.csv}: nothing recorded, the store is unchanged")
    results = store.record_many(recordings, today)
    for result in results:
        _report_result(store, result)
    created = sum(len(r.created) for r in results)
    print(f"recorded {len(results)} outcomes from {args.csv}; {created} obligations set off", file=sys.stderr)
    return 0


def _framework_of(store: SqlStore, typed: str):
    from store import outcomes as oc

    with store.read() as conn:
        ob = oc.load(conn, oc.resolve(conn, typed))
        return store.framework_in(conn, ob.framework)


def cmd_moderate(args: argparse.Namespace) -> int:
    store = _store(args)
    result = store.moderate(args.obligation, args.grade, args.by, args.date, _today(args))
    print(f"moderated {result.obligation} as {args.grade} (rules: {result.rules})", file=sys.stderr)
    _report_result(store, result)
    return 0


def cmd_extend(args: argparse.Namespace) -> int:
    store = _store(args)
    ob = store.extend(args.obligation, args.to, args.by, args.reason or "", _today(args))
    print(f"{ob.id} now due {ob.due}: {ob.status_reason}")
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    items = _store(args).outbox(args.status)
    if args.format == "json":
        print(json.dumps([
            {"id": i.id, "recipient": i.recipient, "email": i.recipient_email, "subject": i.subject,
             "reason": i.reason, "cause": i.cause, "status": i.status, "digest": i.digest, "attempts": i.attempts,
             "created_at": i.created_at.isoformat(), "sent_at": i.sent_at.isoformat() if i.sent_at else None,
             "last_error": i.last_error}
            for i in items
        ], indent=2, ensure_ascii=False))  # fmt: skip
        return 0
    if not items:
        print("the outbox is empty" + (f" (status {args.status})" if args.status else ""))
    for i in items:
        sent = f" sent {i.sent_at:%Y-%m-%d %H:%M}" if i.sent_at else ""
        print(f"{i.id:>5}  {i.status:<8}{sent}  {i.reason:<10} {i.recipient_email:<40} {i.subject}")
    return 0


# --- qaf tick -----------------------------------------------------------------------------


def runner_name() -> str:
    import os
    import socket

    return f"{socket.gethostname()}:{os.getpid()}"


def cmd_tick(args: argparse.Namespace) -> int:
    from engine.mail import read_settings
    from engine.tick import business_now, run_tick

    store = _store(args)
    if not store.stored_frameworks():
        raise QafError("no framework is loaded: run 'qaf framework load FILE' first")
    today = _today(args)
    now = business_now(today) if args.today else None
    result = run_tick(store, today, read_settings(), runner_name(), now=now)
    for line in result.lines():
        print(line)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from engine.service import serve

    serve(args.db, args.host, args.port, runner_name(), args.catch_up_from, args.leader_check)
    return 0


# --- qaf status ---------------------------------------------------------------------


def cmd_status(args: argparse.Namespace) -> int:
    store = _store(args)
    print(f"store: {redact(database_url(args.db))} ({store.dialect})")
    stored = store.stored_frameworks()
    for f in stored:
        print(f"framework {f.id} version {f.version}: {f.title} ({f.council or 'council not named'}): "
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


# --- the parser and the boundary ----------------------------------------------------


class _Version(argparse.Action):
    """--version, naming the rules backend (importing durable-rules only when asked)."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"qaf {VERSION} (rules backend: {backend.describe()})")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="qaf", description="Turns a children's services Quality Assurance Framework into a living schedule.")
    parser.add_argument("--version", action=_Version, nargs=0, help="show the version and the rules backend, and exit")
    parser.add_argument("--db", metavar="URL", help="database URL (default: $QAF_DB, else sqlite file qaf.db here)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    framework = commands.add_parser("framework", help="check, load and list frameworks").add_subparsers(dest="action", required=True, metavar="ACTION")
    check = framework.add_parser("check", help="check a framework file; every problem as FILE:LINE: field: message")
    check.add_argument("file", help="a framework file, or the name of a bundled one (" + ", ".join(bundled.names()) + ")")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.set_defaults(handler=cmd_framework_check, uses_db=False)
    load = framework.add_parser("load", help="check a framework file and load it into the store (all or nothing)")
    load.add_argument("file", help="a framework file, or the name of a bundled one")
    load.set_defaults(handler=cmd_framework_load)
    framework.add_parser("list", help="the frameworks in the store").set_defaults(handler=cmd_framework_list)
    from engine.cli_import import register as register_import

    register_import(framework)

    org = commands.add_parser("org", help="load the organisation").add_subparsers(dest="action", required=True, metavar="ACTION")
    org_load = org.add_parser("load", help="load people.csv, teams.csv, cases.csv (+ bodies.csv) from DIR (all or nothing)")
    org_load.add_argument("dir")
    org_load.set_defaults(handler=cmd_org_load)
    schedule = commands.add_parser("schedule", help="materialise obligations for the periods up to --through (idempotent)")
    schedule.add_argument("--from", dest="first", type=_day, metavar="DATE", help="first day of the window (default: today)")
    schedule.add_argument("--through", type=_day, required=True, metavar="DATE", help="last day of the window")
    schedule.add_argument("--today", type=_day, metavar="DATE", help="the business date (default: today); cases are chosen for periods begun by then")
    schedule.add_argument("--framework", metavar="ID", help="only this framework (default: every loaded one)")
    schedule.set_defaults(handler=cmd_schedule)

    due = commands.add_parser("due", help="what is due, for whom, by when (open, overdue, done, ...)")
    due.add_argument("--person", metavar="ID")
    due.add_argument("--role", metavar="ROLE", help="a role name or alias, e.g. 'OM'")
    due.add_argument("--team", metavar="ID")
    due.add_argument("--service", metavar="NAME")
    due.add_argument("--row", metavar="ROW", help="a framework row id, e.g. 3.16")
    due.add_argument("--framework", metavar="ID")
    due.add_argument("--kind", choices=("audit", "follow_up_audit", "review", "moderation", "qa_signoff", "report", "visit", "meeting", "task"))
    due.add_argument("--from", dest="date_from", type=_day, metavar="DATE", help="due on or after")
    due.add_argument("--to", dest="date_to", type=_day, metavar="DATE", help="due on or before")
    due.add_argument("--status", type=_statuses, default=queries.LIVE_SHOWN, metavar="S",
                     help="open, overdue, done, rescheduled, cancelled, waived; comma-separated; 'live' (default) or 'all'")  # fmt: skip
    due.add_argument("--today", type=_day, metavar="DATE", help="the business date overdue is judged against (default: today)")
    due.add_argument("--format", choices=("table", "json", "csv"), default="table")
    due.set_defaults(handler=cmd_due)

    record = commands.add_parser("record", help="record an audit's outcome; prints the ids of what it sets off")
    record.add_argument("obligation", nargs="?", help="an obligation id (or a unique start of one)")
    record.add_argument("--grade", metavar="G", help="outstanding, good, requires_improvement, inadequate (the framework's scale)")
    record.add_argument("--concerns", action="store_true", help="the audit found significant concerns")
    record.add_argument("--areas", metavar="AREA=GRADE,...", help="key area judgements, e.g. 'Chronology=inadequate,Plan and permanence=good'")
    record.add_argument("--by", metavar="PERSON", help="who did it (default: the assignee)")
    record.add_argument("--date", type=_day, metavar="DATE", help="when it was done (default: today)")
    record.add_argument("--notes", metavar="TEXT")
    record.add_argument("--contest", action="store_true", help="contest the recorded grade; moderation will settle it")
    record.add_argument("--csv", metavar="FILE", help="record every outcome in FILE (obligation,grade,concerns,areas,by,date,notes), all or none")
    record.add_argument("--today", type=_day, metavar="DATE", help="the business date (default: today)")
    record.set_defaults(handler=cmd_record)

    moderate = commands.add_parser("moderate", help="record a moderated grade beside the primary one")
    moderate.add_argument("obligation", help="the audit, or its moderation obligation")
    moderate.add_argument("--grade", required=True, metavar="G")
    moderate.add_argument("--by", metavar="PERSON", help="the moderator (default: the moderation's assignee)")
    moderate.add_argument("--date", type=_day, metavar="DATE")
    moderate.add_argument("--today", type=_day, metavar="DATE")
    moderate.set_defaults(handler=cmd_moderate)

    extend = commands.add_parser("extend", help="extend a deadline (a line manager up to 5 working days; longer, a senior)")
    extend.add_argument("obligation")
    extend.add_argument("--to", type=_day, required=True, metavar="DATE")
    extend.add_argument("--by", required=True, metavar="PERSON")
    extend.add_argument("--reason", metavar="TEXT")
    extend.add_argument("--today", type=_day, metavar="DATE")
    extend.set_defaults(handler=cmd_extend)

    outbox = commands.add_parser("outbox", help="notices queued and sent")
    outbox.add_argument("--status", choices=("pending", "sent", "failed"))
    outbox.add_argument("--format", choices=("table", "json"), default="table")
    outbox.set_defaults(handler=cmd_outbox)

    tick = commands.add_parser("tick", help="the daily run: schedule the horizon, escalate late work, send email (once per date)")
    tick.add_argument("--today", type=_day, metavar="DATE", help="the business date to run (default: today); replay a year day by day")
    tick.set_defaults(handler=cmd_tick)

    serve = commands.add_parser("serve", help="serve feeds and the JSON API; the leader instance runs the daily tick and sends email")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--catch-up-from", type=_day, metavar="DATE", help="on becoming leader, tick every day from DATE (default: after the last tick)")
    serve.add_argument("--leader-check", type=float, default=15.0, metavar="SECONDS", help="how often a follower tries to become leader")
    serve.set_defaults(handler=cmd_serve)

    cli_feeds.register(commands)

    commands.add_parser("status", help="what the store holds: frameworks, organisation, roles").set_defaults(handler=cmd_status)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except InputError as exc:
        _print_problems(exc.problems, sys.stderr)
        print(f"qaf: {exc.summary}", file=sys.stderr)
        return exc.exit_code
    except QafError as exc:
        print(f"qaf: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception as exc:  # a database that cannot be reached is the user's to fix, not a traceback
        from sqlalchemy.exc import OperationalError

        if isinstance(exc, OperationalError):
            print(f"qaf: cannot use the database {redact(database_url(args.db))}: {exc.orig}", file=sys.stderr)
            return 3
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
