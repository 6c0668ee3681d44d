"""One obligation as one calendar component: an all-day VEVENT, or a VTODO.

What a manager reads at a glance (the SUMMARY) is what to do to which case,
and the row: "Audit case CS-000123 (Tom Fairley) · row 3.16", prefixed when
the work is finished: "✓ Done: ...", "Cancelled: ...", "Waived: ...". The
DESCRIPTION says whether it is done (when, by whom), who, which case (its
reference only), the period, the row's task (its first line) and purpose
(its first sentence), what set it off, why
this case was chosen and where its details are in the API. Staff names and
case references only: outcome notes are free text and never go into a feed.

RFC 5545 gives a VEVENT only TENTATIVE, CONFIRMED and CANCELLED: done work
stays CONFIRMED (it happened) and says so in its summary; cancelled and
waived work is CANCELLED. A VTODO has NEEDS-ACTION, COMPLETED (with
PERCENT-COMPLETE and COMPLETED) and CANCELLED.

Every property comes from the obligation and its last change: UID from the
obligation's key (never changes), SEQUENCE from the store (grows with each
change), DTSTAMP and LAST-MODIFIED from ``updated_at``. What an event shows
from outside its row (a person's name, the cause's title, the row's purpose)
marks the obligation changed when it changes (:func:`qaf.store.obligations.touch`). Nothing reads a clock.
Each component is a list of content lines, escaped by :mod:`qaf.calendars.ics`; the
feed folds and encodes them all at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache

from qaf.calendars import ics
from qaf.engine.model import CANCELLED, DONE, LIVE, WAIVED, Obligation
from qaf.engine.org import Org
from qaf.engine.titles import practice_line
from qaf.engine.titles import cut, told_apart_words
from qaf.engine.workdays import WorkingDays
from qaf.engine.workdays import calendar as workdays_calendar
from qaf.rules.model import Framework, Row

KIND_LABEL = {
    "audit": "Audit", "follow_up_audit": "Follow-up audit", "review": "Review", "moderation": "Moderation",
    "qa_signoff": "QA sign-off", "report": "Report", "visit": "Visit", "meeting": "Meeting", "task": "Task",
    "action": "Action",
}  # fmt: skip
PREFIX = {DONE: "✓ Done: ", CANCELLED: "Cancelled: ", WAIVED: "Waived: "}
PURPOSE_CHARS = 200
SUMMARY_CHARS = 60  # what and which case; the row's number follows
ONE_DAY = timedelta(days=1)


def _day_after(day: date) -> date:
    """An all-day event's end (the day after it, exclusive). A due date on the last day Python's dates hold
    (only an older qaf let an action be given one) ends on itself, rather than fail every feed it is in."""
    return day + ONE_DAY if day < date.max else day
REMINDER_HOUR = 9  # the reminder fires at 09:00 on its day (floating: the subscriber's own time)


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One obligation as a feed shows it."""

    obligation: Obligation
    updated_at: datetime  # UTC: the obligation's last change
    cause_title: str | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """What one component needs beyond its item: the framework, the organisation, the API's address."""

    framework: Framework | None
    org: Org
    workdays: WorkingDays
    base_url: str = ""
    reminder_days: int | None = None  # None: the framework's reminder_days
    rows: dict[str, Row] = field(default_factory=dict, compare=False)  # the framework's rows by id
    today: date | None = None  # the business date: a reminder whose day has passed is left out
    # one render's ORGANIZER and ATTENDEE lines by (person, property, role): a person in hundreds of events is
    # written once (a Practice Manager's 532 events named the same few people over 4 times each)
    parties: dict[tuple[str, str, str], str | None] = field(default_factory=dict, compare=False)
    named: dict[tuple[str, ...], str] = field(default_factory=dict, compare=False)  # people's names, joined, by their ids

    @classmethod
    def of(cls, framework: Framework | None, org: Org, base_url: str = "", reminder_days: int | None = None,
           today: date | None = None) -> "Context":  # fmt: skip
        days = workdays_calendar(framework.working_days if framework else "england-and-wales")
        rows = {r.id: r for r in framework.rows} if framework else {}
        return cls(framework, org, days, base_url, reminder_days, rows, today)


def summary(ob: Obligation, org: Org | None = None) -> str:
    """What and which case first, then the row: "Audit case CS-000123 (Tom Fairley) · row 3.16".

    The title's task ("— 3.16 Practice Managers will complete ...") is in the
    DESCRIPTION: a summary a phone's agenda cuts after 40 characters should
    say what to do to which case before that. Shared work says whose it is:
    "Chris Chief's monthly meeting with Director of Children's Services · row 1.6".
    """
    head = _head(ob.title)
    if ob.attendees and org is not None and ob.assignee:
        owner = org.person(ob.assignee)
        if owner is not None:
            head = f"{owner.name}'s {head[:1].lower()}{head[1:]}"
    return PREFIX.get(ob.status, "") + head + f" · row {ob.row}"


@lru_cache(maxsize=4096)
def _head(title: str) -> str:
    """The title's head, cut to :data:`SUMMARY_CHARS`, keeping the words that tell it from its row's other cadence
    titled alike ("Meeting with Director of Children's…: performance"): cut, two events would say the same."""
    head = title.split(" — ", 1)[0].strip()
    tail = told_apart_words(head) if len(head) > SUMMARY_CHARS else ""
    if not tail:
        return cut(head, SUMMARY_CHARS)
    return cut(head[: -len(tail)], max(SUMMARY_CHARS - len(tail), SUMMARY_CHARS // 2)) + tail


@lru_cache(maxsize=1024)
def task_line(row: str, task: str) -> str:
    """The row's task, its first line ("Task (row 3.16): Practice Managers will complete supervision case file audit")."""
    first = cut(" ".join((task.strip().splitlines() or [""])[0].split()), PURPOSE_CHARS)
    return f"Task (row {row}): {first}" if first else ""


def categories(ob: Obligation) -> list[str]:
    return [KIND_LABEL.get(ob.kind, ob.kind.replace("_", " ").capitalize()), f"Row {ob.row}"]


@lru_cache(maxsize=4096)
def _day(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b %Y}"


@lru_cache(maxsize=1024)
def purpose_line(row: str, purpose: str) -> str:
    """The row's purpose, its first sentence ("Review the management of the case in line with practice
    standards."): the whole of it is in the framework, and a 30,000-event feed should not carry it every time."""
    text = " ".join(purpose.split())
    first = cut(text.split(". ", 1)[0].rstrip(".") + ".", PURPOSE_CHARS) if text else ""
    return f"Why (row {row}): {first}" if first else ""


def _name(org: Org, person_id: str | None) -> str:
    person = org.person(person_id) if person_id else None
    return person.name if person else (person_id or "nobody")


def _names(ctx: Context, people: tuple[str, ...]) -> str:
    """"Dana Director, Chris Chief": once a render for each list of people (a body's members attend every meeting)."""
    found = ctx.named.get(people)
    if found is None:
        found = ctx.named[people] = ", ".join(_name(ctx.org, p) for p in people)
    return found


def _status_line(ob: Obligation, org: Org) -> str:
    if ob.status == DONE:
        when = f" on {_day(ob.outcome.date)}" if ob.outcome and ob.outcome.date else ""
        by = f" by {_name(org, ob.outcome.by)}" if ob.outcome and ob.outcome.by else ""
        return f"Done{when}{by}."
    if ob.status in (CANCELLED, WAIVED):
        return f"{ob.status.capitalize()}" + (f": {ob.status_reason}." if ob.status_reason else ".")
    if ob.status_reason:  # rescheduled: the extension and who gave it
        return f"To do ({ob.status_reason})."
    return "To do."


def description(item: FeedItem, ctx: Context) -> str:
    """What the event's DESCRIPTION says, a line each (before it is escaped)."""
    return _joined(_description_lines(item, ctx))


def _joined(lines: list[tuple[str, bool]]) -> str:
    return "\n".join(line for line, _ in lines)


def escaped_description(item: FeedItem, ctx: Context) -> str:
    """``ics.text(description(item, ctx))``, escaped a line at a time: a line many events share (the row's task and
    purpose, the framework, the dates, the status, whose it is) is escaped once, not in every event (a Head of
    Service's 532 events: 1.2 ms, not 2.4). Escaping goes character by character, except that a CR before a
    line break makes one break with it: a description with a CR anywhere is escaped whole."""
    lines = _description_lines(item, ctx)
    if any("\r" in line for line, _ in lines):
        return ics.text(_joined(lines))
    return "\\n".join([_escaped_line(line) if shared else ics.text(line) for line, shared in lines])


@lru_cache(maxsize=8192)
def _escaped_line(line: str) -> str:
    return ics.text(line)


def _description_lines(item: FeedItem, ctx: Context) -> list[tuple[str, bool]]:
    """The DESCRIPTION's lines, each with whether many events share it (worth escaping once)."""
    ob = item.obligation
    row = ctx.rows.get(ob.row)  # a row a later version of the framework dropped has no purpose to show
    lines = [(_status_line(ob, ctx.org), True), (f"Assigned to: {_name(ctx.org, ob.assignee)}", True)]
    if ob.attendees:
        lines.append(("Attending: " + _names(ctx, ob.attendees) + " (the assignee records it)", True))
    if ob.copies:
        lines.append(("Copied to: " + _names(ctx, ob.copies), True))
    if ob.case:
        lines.append((f"Case: {ob.case}", False))
    lines.append((f"Period: {_day(ob.period_start)} to {_day(ob.period_end)}; due {_day(ob.due)}.", True))
    looks_back = practice_line(ctx.framework.lookback_months, ob) if ctx.framework is not None else None
    if looks_back:
        lines.append((looks_back + ".", True))
    if row is not None and row.task.strip():
        lines.append((task_line(ob.row, row.task), True))
    if row is not None and row.purpose.strip():
        lines.append((purpose_line(ob.row, row.purpose), True))
    if ob.cause:
        lines.append((f"Set off by: {item.cause_title or 'obligation'} ({ob.cause}).", False))
    if ob.sample_reason:
        lines.append((f"Chosen because: {ob.sample_reason}", False))
    if ctx.framework is not None:
        lines.append((f"Framework: {ctx.framework.title}, row {ob.row}.", True))
    lines.append((f"Open it: {page_link(ob, ctx.base_url)}", False))
    return lines


def page_link(ob: Obligation, base_url: str) -> str:
    """The obligation's web page (``/obligations/ID``): what a click in a calendar opens, after signing in."""
    return f"{base_url.rstrip('/')}/obligations/{ob.id}"


def reminder_offset(ob: Obligation, ctx: Context) -> timedelta:
    """From the due date's midnight back to 09:00 on the day ``reminder_days`` working days before."""
    days = ctx.reminder_days if ctx.reminder_days is not None else (ctx.framework.reminder_days if ctx.framework else 5)
    return _offset(ctx.workdays.calendar, ob.due, days)


@lru_cache(maxsize=4096)
def _offset(calendar: str, due: date, days: int) -> timedelta:
    on = workdays_calendar(calendar).add(due, -days)
    return timedelta(days=(on - due).days, hours=REMINDER_HOUR)


def _alarm(ob: Obligation, ctx: Context, related: str) -> list[str]:
    """A reminder, unless its day has passed: a subscriber's client would show it at once as missed."""
    offset = reminder_offset(ob, ctx)
    if ctx.today is not None and ob.due + timedelta(days=offset.days) < ctx.today:
        return []
    return [
        "BEGIN:VALARM",
        f"UID:{ob.id}-reminder@qaf",  # RFC 9074: lets a client remember it was dismissed
        "ACTION:DISPLAY",
        f"TRIGGER{related}:{ics.duration(reminder_offset(ob, ctx))}",
        "DESCRIPTION:" + ics.text(f"Due {_day(ob.due)}: {summary(ob, ctx.org)}"),
        "END:VALARM",
    ]


def _said(item: FeedItem, ctx: Context) -> list[str]:
    ob = item.obligation
    return [
        "SUMMARY:" + ics.text(summary(ob, ctx.org)),
        "DESCRIPTION:" + escaped_description(item, ctx),
        "CATEGORIES:" + ics.texts(categories(ob)),
        *_parties(ob, ctx),
    ]


def _parties(ob: Obligation, ctx: Context) -> list[str]:
    """Shared work: the owner as ORGANIZER, each attendee (and copy, as a non-participant) as an ATTENDEE.

    Only people with an address a client can use are named (RFC 5545 wants a
    calendar address); their names go in CN.
    """
    if not (ob.attendees or ob.copies) or not ob.assignee:
        return []
    out, written = [], ctx.parties
    for key in ((ob.assignee, "ORGANIZER", ""),
                *((p, "ATTENDEE", ";ROLE=REQ-PARTICIPANT") for p in ob.attendees),
                *((p, "ATTENDEE", ";ROLE=NON-PARTICIPANT") for p in ob.copies)):  # fmt: skip
        found = written.get(key, False)
        if found is False:
            found = written[key] = _party(ctx.org, *key)
        if found is not None:
            out.append(found)
    return out


def _party(org: Org, pid: str, prop: str, role: str) -> str | None:
    """One ORGANIZER or ATTENDEE line, or None for someone with no address a client can use."""
    person = org.person(pid)
    address = ics.cal_address(person.email) if person is not None else None
    if person is None or address is None:
        return None
    return ics.prop(prop, address, f";CN={ics.param(person.name)}{role}")


def _stamps(item: FeedItem, ctx: Context) -> list[str]:
    ob = item.obligation
    out = [f"SEQUENCE:{ob.sequence}", "LAST-MODIFIED:" + ics.utc(item.updated_at)]
    if ctx.base_url.startswith(("https://", "http://")):
        out.append("URL;VALUE=URI:" + page_link(ob, ctx.base_url))
    return out


def vevent(item: FeedItem, ctx: Context) -> list[str]:
    """An all-day event on the due date (DTEND the day after), shown as free time: its content lines."""
    ob = item.obligation
    status = "CANCELLED" if ob.status in (CANCELLED, WAIVED) else "CONFIRMED"
    lines = ["BEGIN:VEVENT", f"UID:{ob.uid}", "DTSTAMP:" + ics.utc(item.updated_at),
             "DTSTART;VALUE=DATE:" + ics.day(ob.due), "DTEND;VALUE=DATE:" + ics.day(_day_after(ob.due)),
             *_said(item, ctx), f"STATUS:{status}", "TRANSP:TRANSPARENT", *_stamps(item, ctx)]  # fmt: skip
    if ob.status in LIVE:
        lines += _alarm(ob, ctx, "")
    lines.append("END:VEVENT")
    return lines


def vtodo(item: FeedItem, ctx: Context) -> list[str]:
    """A to-do from the period's start, due on the due date: its content lines."""
    ob = item.obligation
    status = {DONE: "COMPLETED", CANCELLED: "CANCELLED", WAIVED: "CANCELLED"}.get(ob.status, "NEEDS-ACTION")
    lines = ["BEGIN:VTODO", f"UID:{ob.uid}", "DTSTAMP:" + ics.utc(item.updated_at),
             "DTSTART;VALUE=DATE:" + ics.day(ob.period_start), "DUE;VALUE=DATE:" + ics.day(ob.due),
             *_said(item, ctx), f"STATUS:{status}"]  # fmt: skip
    if ob.status == DONE:  # when the work was done (the outcome's date), not when someone typed it
        done_on = ob.outcome.date if ob.outcome and ob.outcome.date else None
        completed = datetime.combine(done_on, time(0), timezone.utc) if done_on else item.updated_at
        lines += ["COMPLETED:" + ics.utc(completed), "PERCENT-COMPLETE:100"]
    lines += _stamps(item, ctx)
    if ob.status in LIVE:  # a to-do's reminder counts back from DUE, not DTSTART
        lines += _alarm(ob, ctx, ";RELATED=END")
    lines.append("END:VTODO")
    return lines


def last_change(items: list[FeedItem]) -> datetime | None:
    return max((i.updated_at for i in items), default=None)
