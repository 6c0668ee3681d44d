"""Time in one place: the interfaces read the wall clock; the business date is taken in the framework's timezone."""

from __future__ import annotations

import argparse
import ast
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from qaf import clock
from qaf.cli.common import today_of
from qaf.engine.businesstime import business_date, business_now
from qaf.rules import bundled
from qaf.rules.loader import load_text
from qaf.store.sql import SqlStore

ROOT = Path(__file__).resolve().parent.parent
# the layers below the interfaces; the store may stamp rows with the time they were written (its own bookkeeping)
PURE = ("engine", "rules", "calendars", "qaf/usecases")
CLOCK_CALLS = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"), ("time", "time")}


def clock_reads(path: Path) -> list[str]:
    """Calls such as ``date.today()`` or ``datetime.now(...)`` in a module, as ``FILE:LINE: call``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            if (node.func.value.id, node.func.attr) in CLOCK_CALLS:
                found.append(f"{path.name}:{node.lineno}: {node.func.value.id}.{node.func.attr}()")
    return found


def test_nothing_below_the_interfaces_reads_the_wall_clock():
    found = [hit for folder in PURE for path in sorted((ROOT / folder).rglob("*.py")) for hit in clock_reads(path)]
    assert found == []


def test_the_clock_check_finds_a_clock_read(tmp_path):
    (tmp_path / "x.py").write_text("from datetime import date, datetime, timezone\nday = date.today()\nnow = datetime.now(timezone.utc)\n")
    assert clock_reads(tmp_path / "x.py") == ["x.py:2: date.today()", "x.py:3: datetime.now()"]


def test_the_business_date_is_the_councils_not_utcs():
    """At 23:30 UTC on 30 June it is already 1 July in London (BST); in December it is not (GMT)."""
    assert business_date(datetime(2026, 6, 30, 23, 30, tzinfo=timezone.utc), "Europe/London") == date(2026, 7, 1)
    assert business_date(datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc), "Europe/London") == date(2026, 12, 31)
    assert business_date(datetime(2026, 6, 30, 13, 0, tzinfo=timezone.utc), "Pacific/Auckland") == date(2026, 7, 1)


def test_the_tick_runs_at_six_in_the_councils_timezone_either_side_of_the_clock_change():
    assert business_now(date(2026, 3, 27), "Europe/London").utcoffset().total_seconds() == 0
    assert business_now(date(2026, 3, 30), "Europe/London").utcoffset().total_seconds() == 3600
    assert business_now(date(2026, 3, 30), "Europe/London").hour == 6


@pytest.mark.parametrize("zone, expected", [("Europe/London", date(2026, 6, 30)), ("Pacific/Auckland", date(2026, 7, 1))])
def test_qaf_reads_today_in_the_frameworks_timezone(db_url, monkeypatch, zone, expected):
    text = bundled.path("east-sussex-2013").read_text()
    if zone != "Europe/London":
        text = text.replace("\ntitle:", f"\ntimezone: {zone}\ntitle:", 1)
    fw, problems = load_text(text, "east-sussex-2013.yaml")
    assert fw is not None and fw.timezone == zone
    store = SqlStore.open(db_url)
    try:
        store.save_framework(fw, text)
        assert store.timezone() == zone
        monkeypatch.setattr(SqlStore, "wall", lambda self, local: lambda: datetime(2026, 6, 30, 13, 0, tzinfo=timezone.utc))  # the database's
        assert today_of(argparse.Namespace(today=None), store) == expected
        assert today_of(argparse.Namespace(today=date(2025, 1, 6)), store) == date(2025, 1, 6)  # --today wins
    finally:
        store.close()


def test_a_store_with_no_framework_yet_reads_today_in_london(store):
    assert store.timezone() == "Europe/London"


def test_a_host_whose_clock_is_a_day_out_answers_for_the_databases_today(db_url, monkeypatch):
    """Only the tick read today on the database's clock; pages and commands read the host's. A web host (or a
    `qaf due`) whose clock was a day ahead showed tomorrow's work as due today, and today's as late, on a day
    the tick had not escalated it. Both now read the database's day, the web app measuring how far its clock
    is from the host's once a minute, not per request."""
    from qaf.web import api

    store = SqlStore.open(db_url)
    try:
        expected = business_date(clock.utc_now(), store.timezone())  # the database's clock: this machine's here
        for where in (clock, api):
            monkeypatch.setattr(where, "utc_now", lambda: datetime.now(timezone.utc) + timedelta(days=1))
        assert today_of(argparse.Namespace(today=None), store) == expected
        assert api._database_clock(store)[0]() == expected
    finally:
        store.close()

