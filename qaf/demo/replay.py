"""``qaf demo``: all of qaf at work on a synthetic council, in one command and under a minute.

1. Draw the demo council (:func:`qaf.demo.synthetic.make_council`, size
   ``demo``: a few hundred staff, thirty teams, thousands of cases; invented
   names, case references only) and write its CSV files to ``OUT/council``.
2. Load East Sussex 2013 and the council (read back from those CSV files, as
   ``qaf org load`` reads them) into a SQLite store, ``OUT/qaf.db``.
3. Replay a year from 1 April 2026, day by day: the daily tick
   (:func:`qaf.usecases.tick.run_tick`: schedule, escalate, digests), the outbox
   sent as ``.eml`` files (:mod:`qaf.demo.mail`), and the staff's
   simulated work (:mod:`qaf.demo.work`: most audits on time, some with
   significant concerns, some late, some extended, some never; a sample
   moderated; a few contested). On the first of each month, the month
   before's report is written, as the Board would have read it then.
4. Write calendar feeds (the council's, and a few people's) with
   :func:`qaf.usecases.feeds.build`, as ``qaf feed`` does.
5. Read what happened back from the store into ``SUMMARY.md`` and
   ``summary.json``, and print it.

The store is marked as a demo's (:data:`qaf.store.meta.DEMO`: the seed and
the days replayed), so ``qaf demo --serve`` (:mod:`qaf.demo.serve`) may offer
a sign-in as any of its people there, and nowhere else.

Run twice into the same ``--out``, the demo starts afresh: it removes what a
previous demo wrote there (only that) and says so. It refuses a folder that
holds files of the same names it did not write (someone's own ``council/``).
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from qaf.demo import summary as demo_summary
from qaf.demo.mail import FileSender, deliver
from qaf.demo.synthetic import AS_OF, DOMAIN, make_council, write_council
from qaf.demo.work import Staff
from qaf.engine.report_words import Month
from qaf.engine.workdays import calendar
from qaf.render.report import render
from qaf.rules import bundled
from qaf.rules.loader import read_framework
from qaf.rules.problems import InputError, QafError, errors
from qaf.store import meta
from qaf.store.sql import SqlStore
from qaf.usecases.mail import MailSettings
from qaf.usecases.orgload import load_org
from qaf.usecases.reporting import report
from qaf.usecases.tick import business_now, run_tick

FRAMEWORK = "east-sussex-2013"
RUNNER = "qaf-demo"
WRITTEN = ("council", "qaf.db", "qaf.db-wal", "qaf.db-shm", "reports", "feeds", "emails", "SUMMARY.md", "summary.json")
MARK = ".qaf-demo"  # a folder a demo wrote into
FEED_ROLES = ("Practice Manager", "Operations Manager", "Head of Service", "Director of Children's Services")


@dataclass(frozen=True, slots=True)
class DemoOptions:
    out: Path
    seed: int = 1
    days: int = 365
    size: str = "demo"
    first: date = AS_OF


def start_afresh(out: Path) -> list[str]:
    """Remove what a previous demo wrote in ``out`` (nothing else); the names removed.

    A demo marks its folder (:data:`MARK`); a folder that holds any of the
    names a demo writes without that mark is someone's own, and is refused.
    """
    found = [name for name in WRITTEN if (out / name).exists()]
    if found and not (out / MARK).exists():
        raise QafError(f"{out} holds {', '.join(found)}, not written by a qaf demo: choose another --out")
    (out / MARK).write_text("written by qaf demo: a second demo here replaces what the first wrote\n", encoding="utf-8")
    removed = []
    for name in WRITTEN:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        else:
            continue
        removed.append(name)
    return removed


def _load(store: SqlStore, out: Path, seed: int, size: str):
    fw_path = bundled.path(FRAMEWORK)
    text, fw, problems = read_framework(fw_path)
    if fw is None or text is None or errors(problems):
        raise InputError(problems, f"{fw_path}: the bundled framework does not load")
    store.save_framework(fw, text)
    write_council(make_council(seed=seed, size=size), out / "council")
    org, problems = load_org(out / "council", store.vocabulary())
    if org is None or errors(problems):
        raise InputError(problems, f"{out / 'council'}: the demo council does not load")
    store.save_org(org)
    return fw, org


def _reports(store: SqlStore, fw, month: Month, as_of: date, folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    figures = report(store, fw, month, as_of)
    names = []
    for fmt in ("md", "html"):
        path = folder / f"{month.key}.{fmt}"
        path.write_text(render(figures, fmt), encoding="utf-8")
        names.append(path.name)
    return names


def _feeds(store: SqlStore, org, day: date, folder: Path) -> list[str]:
    from qaf.calendars.feed import EVENT
    from qaf.calendars.selection import Selection
    from qaf.usecases.feeds import build

    folder.mkdir(parents=True, exist_ok=True)
    vocab = store.vocabulary()
    chosen: list[tuple[str, Selection]] = [("council-all.ics", Selection("all"))]
    for role in FEED_ROLES:
        holder = next((p for p in org.people if p.active_on(day) and role in org.roles_of(p, vocab)), None)
        if holder is not None:
            slug = role.lower().replace("'", "").replace(" ", "-")
            chosen.append((f"{holder.id}-{slug}.ics", Selection("person", holder.id)))
    for name, sel in chosen:
        (folder / name).write_bytes(build(store, sel, day, EVENT).body)
    return [name for name, _ in chosen]


def _say(console: Console, text: str) -> None:
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def run_demo(opts: DemoOptions, console: Console | None = None) -> demo_summary.Summary:
    console = console or Console()
    began = time.perf_counter()
    out = opts.out
    out.mkdir(parents=True, exist_ok=True)
    removed = start_afresh(out)
    if removed:
        _say(console, f"Starting afresh: removed the previous demo in {out} ({', '.join(removed)}).")
    store = SqlStore.open(f"sqlite:///{(out / 'qaf.db').resolve()}")
    try:
        fw, org = _load(store, out, opts.seed, opts.size)
        last = opts.first + timedelta(days=opts.days - 1)
        meta.put(store, meta.DEMO, json.dumps({"seed": opts.seed, "first": opts.first.isoformat(), "last": last.isoformat()}))
        _say(console, f"Council: {len(org.people)} staff, {len(org.teams)} teams, {len(org.cases):,} cases (seed {opts.seed}) "
                      f"in {out / 'council'}; framework {fw.id}: {len(fw.rows)} rows.")  # fmt: skip
        reports = _replay(store, fw, opts, last, out, console)
        feeds = _feeds(store, org, last, out / "feeds")
        emails = len(list((out / "emails").glob("*.eml")))
        summary = demo_summary.read_summary(store, fw, opts.first, last, emails, feeds, reports, time.perf_counter() - began)
    finally:
        store.close()
    text = demo_summary.markdown(summary, out)
    (out / "SUMMARY.md").write_text(text, encoding="utf-8")
    (out / "summary.json").write_text(json.dumps(demo_summary.as_data(summary), indent=2) + "\n", encoding="utf-8")
    _say(console, text)
    return summary


def _replay(store: SqlStore, fw, opts: DemoOptions, last: date, out: Path, console: Console) -> list[str]:
    settings = MailSettings(sender=f"qaf@{DOMAIN}")
    sender = FileSender(out / "emails")
    staff = Staff(store, opts.seed, calendar(fw.working_days))
    wall = lambda: datetime.now(timezone.utc)  # noqa: E731
    reports: list[str] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("days"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("Replaying the year", total=opts.days)
        for i in range(opts.days):
            day = opts.first + timedelta(days=i)
            if day.day == 1 and i > 0:
                reports += _reports(store, fw, Month.of(day - timedelta(days=1)), day, out / "reports")
            run_tick(store, day, MailSettings(), RUNNER, now=business_now(day), wall=wall)
            deliver(store, settings, sender, RUNNER, business_now(day), wall)
            staff.look_ahead(day)
            staff.work(day)
            progress.update(task, advance=1, description=f"Replaying {day.isoformat()}: {sender.sent:,} emails")
    deliver(store, settings, sender, RUNNER, business_now(last), wall)  # what the last day's work queued
    reports += _reports(store, fw, Month.of(last), last + timedelta(days=1), out / "reports")
    return reports
