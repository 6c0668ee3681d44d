"""A feed from the store: select, read, render. Used by ``qaf feed`` and by the feed URLs.

:func:`build` reads the organisation, the frameworks and the selected
obligations (only the finished ones still inside the done window) and
renders them with :func:`qaf.calendars.feed.render`. It returns the bytes with
the newest change among them, for ``Last-Modified``.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime

from qaf.calendars import events, selection
from qaf.calendars.feed import DONE_DAYS, EVENT, FeedOptions, finished_since, render
from qaf.calendars.selection import Selection
from qaf.rules.model import Framework
from qaf.rules.roles import Vocabulary
from qaf.store import feeds as feed_store

DESCRIPTION = "Quality assurance work from qaf and when it is due"


@dataclass(frozen=True, slots=True)
class Built:
    body: bytes
    last_modified: datetime | None  # the newest change among the feed's obligations
    count: int  # obligations read (finished ones outside the window are never read)


_VOCABULARIES: OrderedDict[tuple[int, ...], tuple[list[Framework], Vocabulary]] = OrderedDict()


def vocabulary(frameworks: list[Framework]) -> Vocabulary:
    """The loaded frameworks' role vocabulary (as ``store.vocabulary()``), built once per set of them.

    The store parses a framework once per version and hands back the same
    object, so the objects themselves are the key; the cache holds them, so
    their ids cannot be reused while they are in it.
    """
    key = tuple(id(fw) for fw in frameworks)
    found = _VOCABULARIES.get(key)
    if found is None:
        found = _VOCABULARIES[key] = (list(frameworks), Vocabulary(role for fw in frameworks for role in fw.roles))
        while len(_VOCABULARIES) > 8:
            _VOCABULARIES.popitem(last=False)
    return found[1]


ABOUT_A_TEAM = ("team", "service")  # feeds of the work about a team, which its staff may read


def unannounced(frameworks) -> frozenset[tuple[str, str, int]]:
    """(framework, row, cadence number) of the work the frameworks keep out of the visited team's feed
    (Rotherham's visits: "not usually announced to staff beforehand")."""
    return frozenset((fw.id, row.id, number) for fw in frameworks for row in fw.rows if row.schedulable
                     for number, c in row.numbered() if c.unannounced)  # fmt: skip


def build(
    store, sel: Selection, today: date, kind: str = EVENT, base_url: str = "", done_days: int = DONE_DAYS,
    reminder_days: int | None = None, written=None,
) -> Built:  # fmt: skip
    with store.read() as conn:  # one transaction: the organisation, the frameworks and the rows as of one moment
        return build_in(conn, store.snapshot_in(conn), sel, today, kind, base_url, done_days, reminder_days, written)


def build_in(
    conn, snap, sel: Selection, today: date, kind: str = EVENT, base_url: str = "", done_days: int = DONE_DAYS,
    reminder_days: int | None = None, written=None,
) -> Built:  # fmt: skip
    """:func:`build` inside the caller's read transaction, from its snapshot of the organisation and frameworks.

    ``written`` (a server's :class:`qaf.web.kept.Events`, or None): the events
    written before, kept by what each shows besides its item: the day, the
    organisation's and frameworks' versions, the address and the reminder.
    """
    org, vocab = snap.org, snap.vocabulary
    frameworks = {fw.id: fw for fw in snap.frameworks}
    wanted = selection.filters(sel, org, vocab, today)
    items = feed_store.items(conn, wanted, finished_since(today, done_days))
    hidden = unannounced(frameworks.values()) if sel.by in ABOUT_A_TEAM else frozenset()
    if hidden:
        items = [i for i in items if (i.obligation.framework, i.obligation.row, i.obligation.cadence) not in hidden]
    opts = FeedOptions(
        name=selection.name(sel, org, vocab, "QA"), uid=selection.calendar_uid(sel, kind), today=today, kind=kind,
        done_days=done_days, base_url=base_url, reminder_days=reminder_days,
        description=DESCRIPTION,
    )  # fmt: skip
    known = written.on(today, snap.key, base_url, reminder_days) if written is not None else None
    return Built(render(items, frameworks, org, opts, known), events.last_change(items), len(items))
