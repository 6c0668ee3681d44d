"""The workload forecast: per person and month, how many obligations fall due, and the hours. Pure.

``qaf forecast --through DATE [--role R] [--from DATE]`` plans the loaded
frameworks over the organisation with the pure planner
(:func:`qaf.engine.schedule.plan`) and writes nothing, so a council can see what
a framework (or a change to one) asks of its managers before adopting it.

- The calendar part is planned as if the window had not begun: the count of
  work does not depend on which case is chosen, so none is chosen.
- Moderation samples of completed audits are forecast as if every audit of
  the sampled row were done on its due date (the sample's share of them,
  assigned as the planner assigns it). The audit periods before ``--from``
  that a sample looks back on are planned for that purpose only.
- Work set off by findings (further audits, reviews, alerts) cannot be
  known in advance and is not forecast; the forecast says so.
- Hours: a cadence's ``hours`` (the time one obligation takes) times the
  obligations; obligations of cadences without ``hours`` are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Sequence

from dateutil.relativedelta import relativedelta

from qaf.engine import spreadsheet
from qaf.engine.model import Obligation
from qaf.engine.org import Org
from qaf.engine.report_words import Month
from qaf.engine.schedule import CALENDAR, SAMPLES, Completed, plan
from qaf.rules.model import Framework
from qaf.rules.roles import Vocabulary

NOT_FORECAST = "work set off by findings (further audits, reviews, alerts) is not forecast: it depends on what audits find"


@dataclass(frozen=True, slots=True)
class Cell:
    count: int = 0
    hours: float = 0.0
    untimed: int = 0  # obligations whose cadence gives no hours

    def plus(self, hours: float | None) -> "Cell":
        if hours is None:
            return Cell(self.count + 1, self.hours, self.untimed + 1)
        return Cell(self.count + 1, self.hours + hours, self.untimed)


@dataclass(frozen=True, slots=True)
class PersonLoad:
    person: str
    name: str
    roles: tuple[str, ...]
    months: tuple[tuple[Month, Cell], ...]
    total: Cell


@dataclass(frozen=True, slots=True)
class Forecast:
    first: date
    last: date
    months: tuple[Month, ...]
    people: tuple[PersonLoad, ...]
    unassigned: int  # obligations nobody answers for
    timed: bool  # some cadence gives hours
    notes: tuple[str, ...] = ()


def planned(fw: Framework, org: Org, first: date, last: date) -> list[Obligation]:
    """The obligations ``fw`` asks of ``org`` falling due from ``first`` to ``last``, without writing anything."""
    sampled = {c.sample.row: c.every.months or 1 for row in fw.rows for c in row.cadences if c.sample and c.every}
    back = 2 * max(sampled.values(), default=0)  # a sample looks back on the period before its own
    start = first - relativedelta(months=back) if back else first
    calendar_part = plan(fw, org, start, last, today=start - timedelta(days=1), parts=(CALENDAR,)).obligations
    out = [o for o in calendar_part if first <= o.due <= last]
    if sampled:
        done = [Completed(o.id, o.row, o.due, o.assignee, o.case, o.team) for o in calendar_part if o.row in sampled and o.kind == "audit"]
        samples = plan(fw, org, first, last, today=last, completed=done, parts=(SAMPLES,)).obligations
        out += [o for o in samples if first <= o.due <= last]
    return out


def hours_of(frameworks: Iterable[Framework]) -> dict[tuple[str, str, int], float | None]:
    return {(fw.id, row.id, i): c.hours for fw in frameworks for row in fw.rows for i, c in row.numbered()}


def months_between(first: date, last: date) -> tuple[Month, ...]:
    out, m = [], Month.of(first)
    while m <= Month.of(last):
        out.append(m)
        m = m.plus(1)
    return tuple(out)


def forecast(
    frameworks: Sequence[Framework], org: Org, first: date, last: date, role: str | None = None, vocab: Vocabulary | None = None
) -> Forecast:
    """Per person and month, the obligations falling due from ``first`` to ``last`` (holders of ``role`` only, if given)."""
    vocab = vocab or Vocabulary(r for fw in frameworks for r in fw.roles)
    hours = hours_of(frameworks)
    cells: dict[str, dict[Month, Cell]] = {}
    unassigned = 0
    for fw in frameworks:
        for o in planned(fw, org, first, last):
            if o.assignee is None:
                unassigned += 1
                continue
            row = cells.setdefault(o.assignee, {})
            m = Month.of(o.due)
            row[m] = row.get(m, Cell()).plus(hours.get((o.framework, o.row, o.cadence)))
    months = months_between(first, last)
    people = []
    for pid, by_month in cells.items():
        person = org.person(pid)
        held = tuple(sorted(org.roles_of(person, vocab))) if person else ()
        if role is not None and role not in held:
            continue
        total = Cell(sum(c.count for c in by_month.values()), sum(c.hours for c in by_month.values()), sum(c.untimed for c in by_month.values()))
        people.append(PersonLoad(pid, person.name if person else pid, held, tuple((m, by_month.get(m, Cell())) for m in months), total))
    people.sort(key=lambda p: (-p.total.count, p.name, p.person))
    timed = any(h is not None for h in hours.values())
    notes = [NOT_FORECAST]
    if not timed:
        notes.append("no cadence gives the time a task takes: add 'hours: N' to a cadence to forecast hours")
    return Forecast(first, last, months, tuple(people), unassigned, timed, tuple(notes))


# --- output -------------------------------------------------------------------------------


def _cell_text(c: Cell, timed: bool) -> str:
    if not c.count:
        return "-"
    if not timed or c.untimed == c.count:
        return str(c.count)
    return f"{c.count} ({c.hours:g}h{'+' if c.untimed else ''})"


def render(f: Forecast, fmt: str = "table") -> str:
    """The forecast as a table (people by month), JSON or CSV (one line per person and month)."""
    import io
    import json

    if fmt == "json":
        data = {
            "from": f.first.isoformat(), "through": f.last.isoformat(), "months": [m.key for m in f.months],
            "people": [{
                "person": p.person, "name": p.name, "roles": list(p.roles),
                "months": {m.key: {"count": c.count, "hours": c.hours, "untimed": c.untimed} for m, c in p.months},
                "total": {"count": p.total.count, "hours": p.total.hours, "untimed": p.total.untimed},
            } for p in f.people],
            "unassigned": f.unassigned, "notes": list(f.notes),
        }  # fmt: skip
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = spreadsheet.writer(out)
        writer.writerow(("person", "name", "roles", "month", "count", "hours", "untimed"))
        for p in f.people:
            for m, c in p.months:
                writer.writerow((p.person, p.name, ";".join(p.roles), m.key, c.count, f"{c.hours:g}", c.untimed))
        return out.getvalue()
    head = ["person", *(m.short for m in f.months), "total"]
    rows = [[f"{p.name} ({p.person})", *(_cell_text(c, f.timed) for _, c in p.months), _cell_text(p.total, f.timed)] for p in f.people]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(head)]
    line = lambda cells: "  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(cells)).rstrip()  # noqa: E731
    total = sum(p.total.count for p in f.people)
    hours = sum(p.total.hours for p in f.people)
    lines = [line(head), *(line(r) for r in rows)]
    lines.append(f"{len(f.people)} people, {total} obligations due {f.first.isoformat()}..{f.last.isoformat()}"
                 + (f", {hours:g} hours where the framework gives a time" if f.timed else ""))  # fmt: skip
    if f.unassigned:
        lines.append(f"{f.unassigned} obligations have nobody to answer for them")
    lines += [f"note: {n}" for n in f.notes]
    return "\n".join(lines) + "\n"
