"""``qaf feed`` and ``qaf token``: calendar files, and the secret tokens behind feed URLs and the API.

Registered on the top-level commands by :func:`register`. Handlers follow
the CLI's one error boundary (:func:`qaf.cli.main.main`): bad input raises
:class:`~engine.problems.QafError`, printed there. Only these handlers read
the wall clock (``--today`` defaults to it; a token's creation time is it).

- ``qaf feed (--person ID | --role R | --team T | --service S | --all)
  [-o FILE] [--todo] [--today D]`` writes the iCalendar feed: to stdout, or
  whole to FILE (a temporary file renamed: never half a calendar).
- ``qaf token create --person ID [--scope person|team|all] [--purpose
  feed|api]`` prints the token once, and for a feed its URL path.
- ``qaf token list`` shows every token by its id (never the token itself).
- ``qaf token revoke TOKEN`` takes the token or its id from the list.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from qaf.cli.common import OptionError, day_arg, named_option, open_store, output_path, said_to, today_of, whole_arg, write_whole
from qaf.clock import utc_now
from qaf.rules.problems import QafError

if TYPE_CHECKING:
    from qaf.calendars.selection import Selection

# The choices and defaults the parser shows, written out so that building the
# parser imports no calendar code (tests/test_cli.py holds them equal to
# qaf.usecases.tokens.PURPOSES, qaf.calendars.access.SCOPES, qaf.calendars.feed.DONE_DAYS).
PURPOSES = ("feed", "api")
SCOPES = ("person", "team", "all")
DONE_DAYS = 30


_day = day_arg


_whole = whole_arg(0, 366, "a whole number of days")


def _selection(args: argparse.Namespace) -> Selection:
    from qaf.calendars.selection import Selection

    for by in ("person", "role", "team", "service"):
        if getattr(args, by) is not None:
            return Selection(by, getattr(args, by))
    return Selection("all")


def cmd_feed(args: argparse.Namespace) -> int:
    from qaf.calendars.feed import EVENT, TODO
    from qaf.usecases.feeds import build
    from qaf.usecases.mail import checked_base_url, read_base_url

    output = output_path(args)
    store = open_store(args)
    today = today_of(args, store)
    if not store.stored_frameworks():
        raise QafError("no framework is loaded: run 'qaf framework load FILE' first")
    # the environment's or the QAF_SETTINGS file's, as qaf serve and email read it, unless --base-url gives one
    if args.base_url is None:
        base = read_base_url()
    else:
        try:
            base = checked_base_url(args.base_url, "")
        except QafError as exc:  # the option's value: a bad argument, exit 2 (a bad QAF_BASE_URL is the settings', 1)
            raise OptionError("--base-url", exc) from None
    try:
        built = build(store, _selection(args), today, TODO if args.todo else EVENT, base, args.done_days)
    except LookupError as exc:  # --person, --role, --team or --service naming what is not there: qaf due's words
        raise named_option(exc) from None
    if output is not None:
        write_whole(output, built.body, example="feed.ics")
        print(f"wrote {output}: {built.body.count(b'BEGIN:V' + (b'TODO' if args.todo else b'EVENT'))} "
              f"{'to-dos' if args.todo else 'events'} ({len(built.body):,} bytes)", file=said_to(output))  # fmt: skip
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(built.body)
        sys.stdout.buffer.flush()
    return 0


def cmd_token_create(args: argparse.Namespace) -> int:
    from qaf.usecases import tokens

    store = open_store(args)
    org = store.org()
    if not org.people:
        raise QafError("no organisation is loaded: run 'qaf org load DIR' first")
    try:
        token, stored = tokens.issue(store, org, store.vocabulary(), args.person, args.scope, args.purpose, utc_now())
    except tokens.TokenError as exc:  # a person nobody is, a leaver, a scope not theirs: the option's mistake, exit 2
        raise named_option(exc) from None
    person = org.person(args.person)
    print(token)
    if stored.purpose == "feed":
        print(tokens.feed_path(token))
    print(f"token {stored.id} for {person.name if person else args.person} ({args.person}): {stored.purpose}, scope "
          f"{stored.scope}. It is shown once: qaf keeps only its hash. "
          + ("Subscribe to https://HOST followed by the path above (add ?kind=todo for tasks)."
             if stored.purpose == "feed" else "Send it as 'Authorization: Bearer TOKEN'."),
          file=sys.stderr)  # fmt: skip
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    from qaf.store import tokens as token_store
    from qaf.usecases import tokens

    store = open_store(args)
    found = token_store.every(store)
    if not found:
        print("no tokens: qaf token create --person ID")
        return 0
    for line in tokens.listing(found, store.org(), today_of(args, store)):
        print(line)
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    from qaf.usecases import tokens

    store = open_store(args)
    revoked = tokens.revoke(store, args.token, utc_now())
    print(f"revoked token {revoked.id} ({revoked.purpose}, {revoked.person}): its URL now answers 404")
    return 0


def register(commands) -> None:
    """Add ``feed`` and ``token`` to the top-level ``qaf`` commands."""
    feed = commands.add_parser("feed", help="write an iCalendar feed of obligations (a person's, a role's, a team's, ...)")
    who = feed.add_mutually_exclusive_group(required=True)
    who.add_argument("--person", metavar="ID", help="the person's own obligations")
    who.add_argument("--role", metavar="ROLE", help="every holder of a role, e.g. 'OM'")
    who.add_argument("--team", metavar="ID", help="the obligations about a team")
    who.add_argument("--service", metavar="NAME", help="the obligations about a service's teams")
    who.add_argument("--all", action="store_true", help="every obligation")
    feed.add_argument("-o", "--output", metavar="FILE", help="write the feed here (default: stdout)")
    feed.add_argument("--todo", action="store_true", help="VTODOs instead of all-day events")
    feed.add_argument("--today", type=_day, metavar="DATE", help="the business date (default: today): done work shows for --done-days after")
    feed.add_argument("--done-days", type=_whole, default=DONE_DAYS, metavar="N", help=f"days finished work stays in the feed (0 to 366; default {DONE_DAYS})")
    feed.add_argument("--base-url", metavar="URL", help="where qaf serve answers, for each event's link (default: QAF_BASE_URL, from the environment or the QAF_SETTINGS file)")
    feed.set_defaults(handler=cmd_feed)

    token = commands.add_parser("token", help="secret tokens for feed URLs and the API").add_subparsers(dest="action", required=True, metavar="ACTION")
    create = token.add_parser("create", help="make a token; it is printed once, and only its hash is kept")
    create.add_argument("--person", required=True, metavar="ID")
    create.add_argument("--scope", choices=SCOPES, help="person (own work), team (own and the line below), all (overseers only); "
                        "default: person for a feed, the widest allowed for the API")  # fmt: skip
    create.add_argument("--purpose", choices=PURPOSES, default="feed", help="feed (a calendar URL, default) or api (a Bearer token)")
    create.set_defaults(handler=cmd_token_create)
    token.add_parser("list", help="every token by its id, person, purpose, scope and state").set_defaults(handler=cmd_token_list)
    revoke = token.add_parser("revoke", help="revoke a token (the token itself, or its id from 'qaf token list')")
    revoke.add_argument("token")
    revoke.set_defaults(handler=cmd_token_revoke)
