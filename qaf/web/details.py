"""What a line of a work list says besides its title: the row's own words, the look-back window, the cause.

:func:`details` reads, for a list of obligations, each framework once and
every cause in one query, so "My work", "My line" and the search show a
follow-up's audit and why without a query a line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable

from qaf.engine.model import Obligation
from qaf.engine.query import Filters
from qaf.engine.titles import practice_to_read
from qaf.web.forms import points


@dataclass(frozen=True, slots=True)
class Detail:
    task: str  # the framework row's own words
    purpose: str
    looks_back: tuple[date, date] | None  # the months of practice an audit reads
    cause: Obligation | None  # the audit (or other work) that set this off
    why: str | None  # why this case or this follow-up (the sampling or the trigger's reason)
    cause_opens: bool = True  # whether the cause's page opens for the viewer (else it is named without a link)


def details(store, obligations: Iterable[Obligation], opens: Callable[[Obligation], bool] | None = None) -> dict[str, Detail]:
    """Each obligation's :class:`Detail`, by id; ``opens``: whether the viewer may open a cause's page (each cause asked once)."""
    obs = list(obligations)
    frameworks, rows = {}, {}
    for fid in {o.framework for o in obs}:
        try:
            frameworks[fid] = store.framework(fid)
        except (KeyError, LookupError):
            continue
    causes = {o.cause for o in obs if o.cause and len(o.cause) == 16}
    by_id = {c.id: c for c in store.obligations(Filters(ids=frozenset(causes), statuses=None))} if causes else {}
    opened = {c.id: opens(c) for c in by_id.values()} if opens else {}
    out = {}
    for o in obs:
        fw = frameworks.get(o.framework)
        key = (o.framework, o.row)
        if key not in rows:
            try:
                rows[key] = fw.row(o.row) if fw else None
            except (KeyError, LookupError):
                rows[key] = None
        row = rows[key]
        span = practice_to_read(fw.lookback_months, o) if fw else None
        # an action is not the row's task: "Practice Managers will complete ... audit" under a worker's action read as
        # his work; its page leaves the row's words out, and so does a list (what must be done stays on its page)
        row = None if o.kind == "action" else row
        task, purpose = ("; ".join(points(text)) if row else "" for text in (row.task if row else "", row.purpose if row else ""))
        out[o.id] = Detail(task, purpose, span, by_id.get(o.cause or ""),
                           o.sample_reason or None, opened.get(o.cause or "", True))  # fmt: skip
    return out
