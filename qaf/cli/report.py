"""``qaf report``, ``qaf forecast`` and ``qaf demo``: what the Board reads, what a framework costs, and qaf at work.

Registered on the top-level commands by :func:`register`. Bad input raises
:class:`~engine.problems.QafError`, turned into a message and an exit code
by :func:`qaf.cli.main.main`, the one error boundary.

- ``qaf report --month YYYY-MM [--format md|html|json|csv|pdf] [-o/--out FILE]
  [--framework ID] [--today D]``: the monthly QA report (:mod:`qaf.engine.report`);
  ``pdf`` (for the Board pack, needs ``--out``) prints the HTML with headless
  Chromium (:mod:`qaf.render.pdf`).
- ``qaf forecast --through DATE [--from DATE] [--role R] [--framework ID]
  [--format table|json|csv]``: obligations (and hours) per person and month,
  planned, never written (:mod:`qaf.engine.forecast`).
- ``qaf demo [--out DIR] [--seed N] [--days N] [--serve | --serve-only] [--host H] [--port N]``:
  a synthetic council's year (:mod:`qaf.demo.replay`), then served in a browser
  with a sign-in as anyone in it (:mod:`qaf.demo.serve`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from qaf.cli.common import OptionError, day_arg, from_today, month_arg, open_store, output_path, said_to, today_of, whole_arg, window, write_whole
from qaf.rules.problems import QafError

if TYPE_CHECKING:
    from qaf.store.sql import SqlStore


def _frameworks(store: SqlStore, only: str | None, one: bool):
    if only is not None and only in {f.id for f in store.stored_frameworks() if f.retired_on}:
        return [store.framework(only)]  # a retired framework's report: its work as it was
    loaded = store.frameworks()
    if not loaded:
        raise QafError("no framework is loaded: run 'qaf framework load FILE' first")
    if only is not None:
        found = [fw for fw in loaded if fw.id == only]
        if not found:
            raise OptionError("--framework", f"no framework '{only}' is loaded (loaded: {', '.join(fw.id for fw in loaded)})")
        return found
    if one and len(loaded) > 1:
        raise QafError(f"several frameworks are loaded ({', '.join(fw.id for fw in loaded)}): choose one with --framework ID")
    return loaded


def cmd_report(args: argparse.Namespace) -> int:
    from qaf.render.report import render
    from qaf.usecases.reporting import report

    month = args.month
    output = output_path(args)
    if args.format == "pdf" and output is None:
        raise OptionError("--format", "pdf is written to a file: give --out FILE (a PDF is not written to the terminal)")
    store = open_store(args)
    [fw] = _frameworks(store, args.framework, one=True)
    if not store.org().people:
        raise QafError("no organisation is loaded: run 'qaf org load DIR' first")
    figures = report(store, fw, month, today_of(args, store))
    if args.format == "pdf":
        from qaf.render.pdf import browser, pdf_of

        browser()  # no Chromium: say so before the work
        if output.is_dir():
            raise QafError(f"-o {output}: is a folder; give a file name such as report.pdf")
        data = pdf_of(render(figures, "html"))
        write_whole(output, data, example="report.pdf")  # a link's file, the link kept; a pipe written to, never replaced
        print(f"wrote {output}: the {month.label} report for {fw.id} (pdf, {len(data):,} bytes)", file=said_to(output))
        return 0
    text = render(figures, args.format)
    if output is not None:
        write_whole(output, text.encode("utf-8"))
        print(f"wrote {output}: the {month.label} report for {fw.id} ({args.format}, {len(text.encode()):,} bytes)",
              file=said_to(output))
    else:
        sys.stdout.write(text)
    return 0


def cmd_forecast(args: argparse.Namespace) -> int:
    from qaf.engine.forecast import forecast, render

    if args.first:  # before the store is opened
        window(args.first, args.through)
    store = open_store(args)
    first, first_said = from_today(args, today_of(args, store))
    window(first, args.through, first_said)
    frameworks = _frameworks(store, args.framework, one=False)
    org = store.org()
    if not org.people:
        raise QafError("no organisation is loaded: run 'qaf org load DIR' first")
    vocab = store.vocabulary()
    role = None
    if args.role is not None:
        role = vocab.resolve(args.role)
        if role is None:
            raise OptionError("--role", f"unknown role '{args.role}' (not in any loaded framework's vocabulary)")
    sys.stdout.write(render(forecast(frameworks, org, first, args.through, role, vocab), args.format))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from qaf.demo.replay import DemoOptions, run_demo

    from qaf.demo.serve import demo_store, serve

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise QafError(f"--out {out}: is a file; give a folder for the demo")
    if args.serve_only:
        demo_store(out)  # a demo's store, or a clear error before anything starts
    else:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise QafError(f"--out {out}: cannot make the folder: {exc.strerror or exc}") from None
        run_demo(DemoOptions(out=out, seed=args.seed, days=args.days))
    if args.serve or args.serve_only:
        serve(out, args.host, args.port, lambda text: print(text, flush=True))
    return 0


FORMATS = ("md", "html", "json", "csv", "pdf")  # as qaf.render.report.FORMATS (a test holds them equal)


def register(commands) -> None:
    """Add ``report``, ``forecast`` and ``demo`` to the top-level ``qaf`` commands."""
    report = commands.add_parser("report", help="the monthly QA report: completion, grades primary against moderated, follow-ups, escalations, targets")
    report.add_argument("--month", required=True, type=month_arg, metavar="YYYY-MM", help="the month to report on, e.g. 2026-02")
    report.add_argument("--format", choices=FORMATS, default="md",
                        help="md (for papers, default), html (with charts), json or csv (for BI), pdf (for the Board pack: headless Chromium prints the HTML; needs --out)")
    report.add_argument("-o", "--output", "--out", dest="output", metavar="FILE", help="write the report here (default: stdout)")
    report.add_argument("--framework", metavar="ID", help="the framework to report on (needed when several are loaded)")
    report.add_argument("--today", type=day_arg, metavar="DATE", help="the date overdue is judged against (default: today)")
    report.set_defaults(handler=cmd_report)

    forecast = commands.add_parser("forecast", help="per person and month, the obligations (and hours) falling due: planned, nothing written")
    forecast.add_argument("--through", type=day_arg, required=True, metavar="DATE", help="the last due date to count")
    forecast.add_argument("--from", dest="first", type=day_arg, metavar="DATE", help="the first due date to count (default: today)")
    forecast.add_argument("--role", metavar="ROLE", help="only holders of this role, e.g. 'PM'")
    forecast.add_argument("--framework", metavar="ID", help="only this framework (default: every loaded one)")
    forecast.add_argument("--format", choices=("table", "json", "csv"), default="table")
    forecast.add_argument("--today", type=day_arg, metavar="DATE", help="the business date (default: today): the default for --from")
    forecast.set_defaults(handler=cmd_forecast)

    demo = commands.add_parser("demo", help="a synthetic council's year with East Sussex 2013: feeds, emails, monthly reports and a summary")
    demo.add_argument("--out", default="qaf-demo", metavar="DIR", help="where to write it all, its store included (OUT/qaf.db; --db is not used); default qaf-demo. A previous demo there is replaced")
    demo.add_argument("--seed", type=int, default=1, metavar="N", help="the same seed gives the same council and the same year")
    demo.add_argument("--days", type=whole_arg(1, 730, "a number of days"), default=365, metavar="N", help="days to replay from 1 April 2026 (1 to 730; default: 365)")
    demo.add_argument("--serve", action="store_true", help="then serve the demo's store in a browser, with a page to sign in as any of its people")
    demo.add_argument("--serve-only", action="store_true", help="serve the demo already in --out (no new replay)")
    demo.add_argument("--host", default="127.0.0.1", help="where --serve listens (default 127.0.0.1)")
    demo.add_argument("--port", type=whole_arg(1, 65535, "a port"), default=8000, help="its port (1 to 65535; default 8000)")
    demo.set_defaults(handler=cmd_demo)
