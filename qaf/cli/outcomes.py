"""``qaf record``, ``qaf moderate``, ``qaf extend`` and ``qaf outbox``: what audits found, and what follows.

Registered on the top-level commands by :func:`register`; bad input raises
:class:`~engine.problems.QafError` or :class:`~engine.problems.InputError`,
turned into a message and an exit code by :func:`qaf.cli.main.main`.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import TYPE_CHECKING

from qaf.cli.common import day_arg, open_store, today_of, typed_from_stdin, whole_arg
from qaf.engine.notices import one_line
from qaf.engine.typed import LONGEST, REASON
from qaf.engine.report_words import plural
from qaf.rules.problems import InputError, Problem, QafError, Source
from qaf.rules.settings import grade_key

if TYPE_CHECKING:
    from qaf.store.sql import SqlStore


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
    from qaf.engine.outcomes import Recording, parse_areas
    from qaf.usecases import recording

    typed_from_stdin(args, notes=LONGEST, action=LONGEST)
    store = open_store(args)
    today = today_of(args, store)
    if args.csv:
        return _record_csv(store, args, today)
    if not args.obligation:
        raise QafError("say which obligation (or give --csv FILE)")
    if args.contest:
        result = recording.contest(store, args.obligation, args.by, args.date, today)
        print(f"recorded: {result.obligation}'s grade is contested", file=sys.stderr)
        _report_result(store, result)
        return 0
    areas: tuple = ()
    if args.areas:
        ob_fw = _framework_of(store, args.obligation)
        areas, wrong = parse_areas(args.areas, ob_fw)
        if wrong:
            raise InputError([Problem(_CLI_SOURCE, "areas", w) for w in wrong], "nothing recorded, the store is unchanged")
    actions = _actions(args.action or [])
    carried = None if args.carried_out is None else carried_out(args.carried_out)
    rec = Recording(args.obligation, args.grade, args.concerns, areas, args.by, args.date, args.notes or "", actions, carried)
    result = recording.record(store, rec, today)
    grade = f" {grade_key(args.grade)}" if args.grade else ""  # as the scale keeps it, however typed
    print(f"recorded{grade}{' with significant concerns' if args.concerns else ''} for {result.obligation} "
          f"(rules: {result.rules})", file=sys.stderr)  # fmt: skip
    _report_result(store, result)
    return 0


_CLI_SOURCE = Source("qaf record", 0)


def _actions(texts: list[str]) -> tuple:
    """Each ``--action`` as an :class:`~qaf.engine.actions.ActionSpec`, or every problem with them."""
    from qaf.engine.actions import parse_action

    specs, problems = [], []
    for n, text in enumerate(texts, start=1):
        spec, wrong = parse_action(text)
        problems += [Problem(_CLI_SOURCE, f"action {n}", w) for w in wrong]
        if spec is not None:
            specs.append(spec)
    if problems:
        raise InputError(problems, "nothing recorded, the store is unchanged")
    return tuple(specs)


def carried_out(text: str) -> tuple[str, ...]:
    """``'a1b2,c3d4'`` -> the ids typed; ``'none'`` -> ()."""
    if text.strip().lower() == "none":
        return ()
    return tuple(p.strip() for p in text.replace(";", ",").split(",") if p.strip())


def _record_csv(store: SqlStore, args: argparse.Namespace, today: date) -> int:
    from qaf.usecases import recording
    from qaf.usecases.outcome_csv import read_outcomes

    def framework_for(typed: str):
        try:
            return _framework_of(store, typed)
        except QafError:
            return None  # the unknown obligation is reported when it is recorded

    recordings, problems = read_outcomes(args.csv, framework_for)
    if problems:
        raise InputError(problems, f"{args.csv}: nothing recorded, the store is unchanged")
    results = recording.record_many(store, recordings, today)
    for result in results:
        _report_result(store, result)
    created = sum(len(r.created) for r in results)
    print(f"recorded {len(results)} {plural(len(results), 'outcome', 'outcomes')} from {args.csv}; "
          f"{created} {plural(created, 'obligation', 'obligations')} set off", file=sys.stderr)  # fmt: skip
    return 0


def _framework_of(store: SqlStore, typed: str):
    from qaf.store import outcomes as oc

    with store.read() as conn:
        ob = oc.load(conn, oc.resolve(conn, typed))
        return store.framework_in(conn, ob.framework)


def cmd_moderate(args: argparse.Namespace) -> int:
    from qaf.usecases import recording

    store = open_store(args)
    areas: tuple = ()
    if args.areas:
        from qaf.engine.outcomes import parse_areas

        areas, wrong = parse_areas(args.areas, _framework_of(store, args.obligation))
        if wrong:
            raise InputError([Problem(Source("qaf moderate", 0), "areas", w) for w in wrong], "nothing moderated, the store is unchanged")
    result = recording.moderate(store, args.obligation, args.grade, args.by, args.date, today_of(args, store), areas=areas)
    print(f"moderated {result.obligation} as {args.grade} (rules: {result.rules})", file=sys.stderr)
    _report_result(store, result)
    return 0


def cmd_action(args: argparse.Namespace) -> int:
    from qaf.usecases import queries, recording

    if args.action == "done":
        typed_from_stdin(args, note=LONGEST)
    store = open_store(args)
    today = today_of(args, store)
    if args.action == "done":
        ob = recording.close_action(store, args.id, args.by, args.note or "", today)
        print(f"{ob.id} done: {ob.title}")
        return 0
    from qaf.store import outcomes as oc

    with store.read() as conn:
        ob = oc.load(conn, oc.resolve(conn, args.id))
    print(json.dumps(queries.page(store, ob, store.org(), today), indent=2, ensure_ascii=False))
    return 0


def cmd_extend(args: argparse.Namespace) -> int:
    from qaf.usecases import recording

    typed_from_stdin(args, reason=REASON)
    store = open_store(args)
    ob = recording.extend(store, args.obligation, args.to, args.by, args.reason or "", today_of(args, store))
    print(f"{ob.id} now due {ob.due}: {ob.status_reason}")
    return 0


def cmd_outbox(args: argparse.Namespace) -> int:
    if args.send_again:
        from qaf.usecases.mail import send_again

        store = open_store(args)
        for r in send_again(store, args.send_again, today_of(args, store)):
            print(f"{r.id:>5}  pending (was failed after {r.attempts} tries)  {r.reason:<10} {r.recipient_email:<40} {r.subject}")
        return 0
    items = open_store(args).outbox(args.status)
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
        print(f"{i.id:>5}  {i.status:<8}{sent}  {i.reason:<10} {i.recipient_email or '(nobody)':<40} {i.subject}")
        if i.status == "failed" and i.last_error:  # why: the server's words, or that nobody in post answers for it
            print(f"{'':>7}{one_line(i.last_error, 300)}")
    return 0


LARGEST_ID = 2**31 - 1  # the outbox's ids are the store's INTEGER (32 bits on PostgreSQL): a larger one is no notice's


_ONCE = " (standard input is read once: '-' for --notes or --action, not both)"


def register(commands) -> None:
    record = commands.add_parser("record", help="record an audit's outcome; prints the ids of what it sets off")
    record.add_argument("obligation", nargs="?", help="an obligation id (or a unique start of one)")
    record.add_argument("--grade", metavar="G", help="outstanding, good, requires_improvement, inadequate (the framework's scale)")
    record.add_argument("--concerns", action="store_true", help="the audit found significant concerns")
    record.add_argument("--areas", metavar="AREA=GRADE,...", help="key area judgements, e.g. 'Chronology=inadequate,Plan and permanence=good'")
    record.add_argument("--by", metavar="PERSON", help="who did it (default: the assignee)")
    record.add_argument("--date", type=day_arg, metavar="DATE", help="when it was done (default: today)")
    record.add_argument("--notes", metavar="TEXT", help=f"what the audit found (at most {LONGEST:,} characters); "
                        f"'-' reads them from standard input, out of sight of ps and the shell's history{_ONCE}")
    record.add_argument("--action", action="append", metavar="'WHAT | who: P | due: DATE | safeguarding'",
                        help="an action the audit raises (repeat for more): what must be done, and optionally who "
                             "(a person or role; default the case's worker), when (a date or 'within N working days') "
                             f"and 'safeguarding' (alerts at once); '-' reads them from standard input, one a line{_ONCE}")  # fmt: skip
    record.add_argument("--carried-out", metavar="ID,...|none", help="a review: which of the audit's actions were carried out")
    record.add_argument("--contest", action="store_true", help="contest the recorded grade; moderation will settle it")
    record.add_argument("--csv", metavar="FILE", help="record every outcome in FILE (obligation,grade,concerns,areas,by,date,notes), all or none")
    record.add_argument("--today", type=day_arg, metavar="DATE", help="the business date (default: today)")
    record.set_defaults(handler=cmd_record)

    moderate = commands.add_parser("moderate", help="record a moderated grade beside the primary one")
    moderate.add_argument("obligation", help="the audit, or its moderation obligation")
    moderate.add_argument("--grade", required=True, metavar="G")
    moderate.add_argument("--areas", metavar="AREA=GRADE,...", help="the moderator's key area judgements, as 'qaf record --areas'")
    moderate.add_argument("--by", metavar="PERSON", help="the moderator (default: the moderation's assignee)")
    moderate.add_argument("--date", type=day_arg, metavar="DATE")
    moderate.add_argument("--today", type=day_arg, metavar="DATE")
    moderate.set_defaults(handler=cmd_moderate)

    action = commands.add_parser("action", help="the actions audits raised: close one, or show one's own record")
    verbs = action.add_subparsers(dest="action", required=True, metavar="ACTION")
    done = verbs.add_parser("done", help="close an action an audit raised (its owner, or their line)")
    done.add_argument("id", metavar="ACTION", help="the action's id (or a unique start of one)")
    done.add_argument("--note", metavar="TEXT", help="what was done (kept on the action's record, never in a feed or email; "
                      f"at most {LONGEST:,} characters); '-' reads it from standard input, out of sight of ps and the shell's history")
    done.add_argument("--by", metavar="PERSON", help="who closes it (default: its owner)")
    done.add_argument("--today", type=day_arg, metavar="DATE")
    done.set_defaults(handler=cmd_action)
    show = verbs.add_parser("show", help="an obligation's own record, with what an action says must be done")
    show.add_argument("id", metavar="OBLIGATION")
    show.add_argument("--today", type=day_arg, metavar="DATE")
    show.set_defaults(handler=cmd_action)

    extend = commands.add_parser("extend", help="extend a deadline (a line manager up to 5 working days; longer, a senior)")
    extend.add_argument("obligation")
    extend.add_argument("--to", type=day_arg, required=True, metavar="DATE")
    extend.add_argument("--by", required=True, metavar="PERSON")
    extend.add_argument("--reason", metavar="TEXT", help=f"why more time is needed (at most {REASON:,} characters); '-' reads "
                        "it from standard input, out of sight of ps and the shell's history")
    extend.add_argument("--today", type=day_arg, metavar="DATE")
    extend.set_defaults(handler=cmd_extend)

    outbox = commands.add_parser("outbox", help="notices queued and sent")
    outbox.add_argument("--status", choices=("pending", "sent", "failed"))
    outbox.add_argument("--format", choices=("table", "json"), default="table")
    outbox.add_argument("--send-again", nargs="+", type=whole_arg(1, LARGEST_ID, "a notice's id"), metavar="ID",
                        help="put these failed notices back to be sent (one failed as 'may have been sent': once you "
                             "have checked it did not arrive); each must be failed, or nothing is put back")  # fmt: skip
    outbox.set_defaults(handler=cmd_outbox)
