"""Obligations -> an RFC 5545 VCALENDAR, as bytes; the same data gives the same bytes.

:func:`render` takes the feed's items (:class:`qaf.calendars.events.FeedItem`), the
frameworks they come from, the organisation and :class:`FeedOptions` (name,
calendar UID, business date, VEVENT or VTODO, the done window, the API's
address) and returns the calendar. Nothing reads a clock: every DTSTAMP and
LAST-MODIFIED is an obligation's last change, every UID is derived, so a
feed's ETag holds until something in it really changed.

- One all-day VEVENT per obligation on its due date (``DTSTART;VALUE=DATE``,
  ``DTEND`` the day after, ``TRANSP:TRANSPARENT``), or a VTODO
  (:mod:`qaf.calendars.events`). No VTIMEZONE: dates only, and UTC stamps.
- Finished work (done, cancelled, waived) stays ``done_days`` (default 30)
  after the later of its due date and the date it was done, then leaves the
  feed; a subscribed calendar then drops it too.
- ``NAME`` and ``X-WR-CALNAME`` (what the subscriber's list shows; RFC 7986
  and the older extension), ``REFRESH-INTERVAL;VALUE=DURATION:PT4H`` and
  ``X-PUBLISHED-TTL:PT4H`` (clients poll every four hours; Outlook reads the
  second), ``LAST-MODIFIED`` of the newest change, a derived ``UID``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable, Mapping, MutableMapping

from qaf.calendars import events, ics
from qaf.calendars.events import FeedItem
from qaf.engine.model import LIVE
from qaf.engine.org import Org
from qaf.rules.model import Framework

PRODID = "-//qaf//Quality Assurance Framework feeds//EN"
REFRESH = "PT4H"
DONE_DAYS = 30
EVENT, TODO = "event", "todo"


@dataclass(frozen=True, slots=True)
class FeedOptions:
    name: str  # X-WR-CALNAME: what the subscriber sees in their list of calendars
    uid: str  # the calendar's own UID (RFC 7986), derived from what it selects
    today: date  # the business date: decides which finished work is still shown
    kind: str = EVENT  # event | todo
    done_days: int = DONE_DAYS
    base_url: str = ""  # where qaf serves its pages, for each event's URL and "Open it:" link
    reminder_days: int | None = None  # None: each framework's reminder_days
    description: str = ""


def finished_since(today: date, done_days: int = DONE_DAYS) -> date:
    """Finished work due or done on or after this date is still shown."""
    return today - timedelta(days=done_days)


def shown(item: FeedItem, today: date, done_days: int = DONE_DAYS) -> bool:
    """Live work always; finished work until ``done_days`` after it was due or done, whichever is later."""
    ob = item.obligation
    if ob.status in LIVE:
        return True
    latest = max(ob.due, ob.outcome.date) if ob.outcome and ob.outcome.date else ob.due
    return latest >= finished_since(today, done_days)


def _head(opts: FeedOptions, items: list[FeedItem]) -> list[str]:
    # a calendar's name with no character TEXT escapes: ical.js and others show X-WR-CALNAME's "\\," as written
    name = ics.text(opts.name.replace(", ", " – ").replace(",", " ").replace(";", " ").replace("\\", " "))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", ics.prop("PRODID", ics.text(PRODID)), "CALSCALE:GREGORIAN",
             ics.prop("UID", opts.uid), ics.prop("NAME", name), ics.prop("X-WR-CALNAME", name)]  # fmt: skip
    if opts.description:
        lines += [ics.prop("DESCRIPTION", ics.text(opts.description)), ics.prop("X-WR-CALDESC", ics.text(opts.description))]
    latest = events.last_change(items)
    if latest is not None:
        lines.append(ics.prop("LAST-MODIFIED", ics.utc(latest)))
    lines += [ics.prop("REFRESH-INTERVAL", REFRESH, ";VALUE=DURATION"), ics.prop("X-PUBLISHED-TTL", REFRESH)]
    return lines


def render(
    items: Iterable[FeedItem], frameworks: Mapping[str, Framework], org: Org, opts: FeedOptions,
    known: MutableMapping | None = None,
) -> bytes:  # fmt: skip
    """The feed's bytes: deterministic for the same items, frameworks, organisation and options.

    ``known``: events written before, as bytes, by ``(kind, item, its
    obligation's outcome)``, for these ``frameworks``, this ``org`` and these
    options' ``today``, ``base_url`` and ``reminder_days`` only (the caller's
    to hold to that: :func:`qaf.usecases.feeds.build_in` does); each event is
    looked up there first and kept there once written. An event is a function
    of exactly those: the item's every field (an obligation equals another
    with the same values, its last change and its cause's title), the
    outcome's (which the obligation's equality leaves out), the names,
    addresses and rows it shows, the day (a reminder whose day passed is
    left out) and the address of its page. The feed is the same bytes: each
    event's lines are encoded and folded on their own, and content lines
    never hold a line break (:mod:`qaf.calendars.ics` escapes it).
    """
    if opts.kind not in (EVENT, TODO):
        raise ValueError(f"unknown feed kind {opts.kind!r} (event or todo)")
    if any(ch in opts.base_url for ch in "\r\n\"\\ "):
        raise ValueError(f"not a usable base URL: {opts.base_url!r}")
    kept = sorted((i for i in items if shown(i, opts.today, opts.done_days)), key=lambda i: (i.obligation.due, i.obligation.id))
    contexts: dict[str, events.Context] = {}
    kind = events.vevent if opts.kind == EVENT else events.vtodo

    def make(item: FeedItem) -> list[str]:
        fid = item.obligation.framework
        if fid not in contexts:
            contexts[fid] = events.Context.of(frameworks.get(fid), org, opts.base_url, opts.reminder_days, opts.today)
        return kind(item, contexts[fid])

    if known is None:  # encoded and folded all at once
        lines = _head(opts, kept)
        for item in kept:
            lines += make(item)
        lines.append("END:VCALENDAR")
        return ics.serialize(lines)
    out = [ics.serialize(_head(opts, kept))]
    for item in kept:
        ob = item.obligation
        key = (opts.kind, item, ob.outcome) if type(ob.sequence) is int else None  # True == 1: it would find SEQUENCE:1's
        written = known.get(key) if key is not None else None
        if written is None:
            written = ics.serialize(make(item))
            if key is not None:
                known[key] = written
        out.append(written)
    out.append(ics.serialize(["END:VCALENDAR"]))
    return b"".join(out)
