"""The monthly QA report: read what it needs from the store, work out the figures in the engine."""

from __future__ import annotations

from datetime import date

from qaf.engine.query import Filters
from qaf.engine.report import Report, figures
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
