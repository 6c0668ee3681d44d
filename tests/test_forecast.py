"""The workload forecast: per person and month, what the planner says falls due; hours where a cadence gives them."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from datetime import date, timedelta

from qaf.cli.main import main
from qaf.engine.forecast import forecast, planned, render
from qaf.engine.report_words import Month
from qaf.engine.schedule import CALENDAR, SAMPLES, Completed, plan
from qaf.rules import bundled
from qaf.rules.loader import load_framework
from qaf.store.sql import SqlStore
from tests.conftest import snapshot
from tests.council import council

EAST_SUSSEX = load_framework(bundled.path("east-sussex-2013"))[0]
FIRST, LAST = date(2024, 4, 1), date(2024, 6, 30)


def with_hours(fw, row_id: str, hours: float):
    rows = tuple(dataclasses.replace(r, cadences=tuple(dataclasses.replace(c, hours=hours) for c in r.cadences)) if r.id == row_id else r for r in fw.rows)
    return dataclasses.replace(fw, rows=rows)


def test_counts_per_person_and_month_are_the_planners_obligations():
    org = council()
    f = forecast([EAST_SUSSEX], org, FIRST, LAST)
    # the planner, asked directly: the calendar as it stands before the quarter, and moderation samples of
    # 3.14's January to March audits as if each was done on its due date
    before = plan(EAST_SUSSEX, org, date(2023, 10, 1), LAST, today=date(2023, 9, 30), parts=(CALENDAR,)).obligations
    done = [Completed(o.id, o.row, o.due, o.assignee, o.case, o.team) for o in before if o.row == "3.14" and o.kind == "audit"]
    samples = plan(EAST_SUSSEX, org, FIRST, LAST, today=LAST, completed=done, parts=(SAMPLES,)).obligations
    expected = Counter((o.assignee, Month.of(o.due)) for o in [*before, *samples] if FIRST <= o.due <= LAST)
    got = Counter({(p.person, m): c.count for p in f.people for m, c in p.months if c.count})
    assert got == expected
    assert sum(p.total.count for p in f.people) == len(planned(EAST_SUSSEX, org, FIRST, LAST)) - f.unassigned
    by_person = {p.person: {m.key: c.count for m, c in p.months} for p in f.people}
    # Pat Practice: 3.16, one case a month for each worker: Tom, Ruth and Lee (Sam starts in July);
    # and, a team manager, 4.2's monthly budget monitoring ("Monthly by team and unit managers")
    assert by_person["PM1"] == {"2024-04": 4, "2024-05": 4, "2024-06": 4}
    # Hana Locality, Head of Service: 3.14's quarterly scrutiny of a sample of her Operations Manager's audits, due in June
    moderations = [o for o in planned(EAST_SUSSEX, org, FIRST, LAST) if o.kind == "moderation"]
    assert {o.due for o in moderations} == {date(2024, 6, 28)} and len(moderations) == 6  # three for each Head of Service
    assert f.people[0].total.count >= f.people[-1].total.count  # the busiest first


def test_hours_multiply_the_obligations_by_the_time_a_task_takes():
    fw = with_hours(EAST_SUSSEX, "3.16", 1.5)
    f = forecast([fw], council(), FIRST, LAST)
    pat = next(p for p in f.people if p.person == "PM1")
    april = dict(pat.months)[Month(2024, 4)]
    assert (april.count, april.hours, april.untimed) == (4, 4.5, 1)  # three audits of an hour and a half; 4.2 untimed
    assert (pat.total.count, pat.total.hours) == (12, 13.5)
    olive = next(p for p in f.people if p.person == "OM1")
    assert olive.total.hours == 0 and olive.total.untimed == olive.total.count  # 3.14 gives no time
    assert f.timed and "Pat Practice (PM1)    4 (4.5h+)  4 (4.5h+)  4 (4.5h+)  12 (13.5h+)" in render(f)  # "+": 4.2 is untimed


def test_role_keeps_only_its_holders():
    f = forecast([EAST_SUSSEX], council(), FIRST, LAST, role="Practice Manager")
    assert {p.person for p in f.people} == {"PM1", "PM2", "PM3"}


def test_qaf_forecast_writes_nothing(store: SqlStore, db_url: str, capsys):
    store.save_framework(EAST_SUSSEX, bundled.path("east-sussex-2013").read_text())
    store.save_org(council())
    before = snapshot(store)
    args = ["--db", db_url, "forecast", "--from", "2024-04-01", "--through", "2024-06-30"]
    assert main([*args, "--role", "PM", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(p["person"], p["months"]["2024-04"]["count"]) for p in data["people"]] == [("PM1", 4), ("PM3", 2), ("PM2", 2)]  # the busiest first, then by name
    assert data["months"] == ["2024-04", "2024-05", "2024-06"]
    assert main([*args, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "person,name,roles,month,count,hours,untimed" and "PM1,Pat Practice,Practice Manager;Team Manager,2024-04,4,0,4" in lines
    assert main(args) == 0 and "Pat Practice (PM1)" in capsys.readouterr().out
    assert snapshot(store) == before
    assert main([*args, "--role", "Wizard"]) == 2  # a mistyped argument, as qaf due's (it was 1)
    assert "qaf: --role: unknown role 'Wizard'" in capsys.readouterr().err
    assert main(["--db", db_url, "forecast", "--from", "2024-06-30", "--through", str(date(2024, 6, 30) - timedelta(days=1))]) == 2


def test_a_cadence_time_has_a_top_and_is_never_infinite():
    """'hours: 1e308', 'inf' and '1e400' (infinity, to Python) loaded: the forecast said "inf hours", and its JSON
    held Infinity, which is not JSON. One task takes at most 1,000 hours."""
    from qaf.rules.loader import load_text

    cadence = "      - kind: audit\n        every: month\n        per: worker\n        case: true\n"
    text = bundled.path("east-sussex-2013").read_text()
    assert cadence in text
    for written in ("1e308", "inf", "1e400", "1000.5", "Infinity"):
        _, problems = load_text(text.replace(cadence, cadence + f"        hours: {written}\n"), "es.yaml")
        assert [(p.field, p.message) for p in problems] == [("row 3.16.cadence.hours", (
            f"expected a number, got {written!r}" if written in ("inf", "1e400", "Infinity") else
            f"the time a task takes is a number of hours above 0 and at most 1,000, got {float(written):g}"))], written
    fw, problems = load_text(text.replace(cadence, cadence + "        hours: 1000\n"), "es.yaml")
    assert not problems and fw.row("3.16").cadences[0].hours == 1000


def test_a_cadence_time_must_be_above_zero():
    from qaf.rules.loader import load_text
    from qaf.rules.printer import print_framework

    _, problems = load_text(print_framework(with_hours(EAST_SUSSEX, "3.16", 0)), "zero.yaml")
    assert [p.message for p in problems if p.field.endswith("hours")] == ["the time a task takes is a number of hours above 0 and at most 1,000, got 0"]
    fw, problems = load_text(print_framework(with_hours(EAST_SUSSEX, "3.16", 1.5)), "ok.yaml")
    assert not problems and fw.row("3.16").cadences[0].hours == 1.5
