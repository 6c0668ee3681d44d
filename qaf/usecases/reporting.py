"""The monthly QA report: read what it needs from the store, work out the figures in the engine."""

from __future__ import annotations

from datetime import date

from qaf.engine.query import Filters
from qaf.engine.report import Report, figures, figures_by_month, year_start
from qaf.engine.report_words import Month
from qaf.rules.model import Framework
from qaf.store import reports
from qaf.store.protocols import Store


def report(store: Store, framework: Framework, month: Month, as_of: date) -> Report:
    """The month's :class:`qaf.engine.report.Report` for ``framework``, as it stood on ``as_of``."""
    obligations = store.obligations(Filters(framework=framework.id))
    with store.read() as conn:
        found_extensions = reports.extensions(conn)
        found_raised = reports.raised(conn, month.first, month.last)
        done_on = reports.done_dates(conn)
    return figures(framework, store.org(), obligations, found_extensions, found_raised, month, as_of, done_on)


def year_so_far(store: Store, framework: Framework, through: Month, as_of: date) -> list[Report]:
    """Each month's report, as :func:`report` gives it on ``as_of``, from the start of the council's year
    (``year_start``) to ``through``, the store read once: the Director's page shows the year beside the month."""
    first, last = year_start(through, framework.year_start), through
    obligations = store.obligations(Filters(framework=framework.id))
    org = store.org()
    with store.read() as conn:
        found_extensions = reports.extensions(conn)
        found_raised = reports.raised(conn, first.first, last.last)
        done_on = reports.done_dates(conn)
    months, month = [], first
    while (month.year, month.month) <= (last.year, last.month):
        months.append(month)
        month = month.plus(1)
    return figures_by_month(framework, org, obligations, found_extensions, found_raised, months, as_of, done_on)


def reached(store: Store, person: str, first: date, last: date) -> list:
    """The rungs of the overdue ladder raised to ``person`` from ``first`` to ``last`` (newest first)."""
    with store.read() as conn:
        return sorted((r for r in reports.raised(conn, first, last) if r.to == person), key=lambda r: (r.on, r.level), reverse=True)


def stamp(store: Store) -> str:
    """What a cached report is good for: it changes whenever the figures could (one cheap query)."""
    with store.read() as conn:
        return reports.stamp(conn)
