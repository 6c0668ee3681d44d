"""Framework settings declared as data: one table of :class:`Opt`.

The loader reads these top-level keys of a framework file, the printer writes
them back, and ``rules/docs.md`` documents each one (``tests/test_docs.py``
fails when a setting is missing from the docs). Structured settings (roles,
escalation, targets, rows) have their own readers in :mod:`qaf.rules.loader`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from qaf.rules.patterns import why_slow
from qaf.rules.plain import has_control, invisible, whole_in

MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip

WORKING_DAY_CALENDARS = ("england-and-wales", "scotland", "northern-ireland", "weekdays")


def month_number(text: str) -> int:
    """``'August'``, ``'aug'`` or ``'8'`` -> 8."""
    t = text.strip().lower()
    if t.isdigit() and 1 <= int(t) <= 12:
        return int(t)
    for i, name in enumerate(MONTHS, start=1):
        if len(t) >= 3 and name.startswith(t):
            return i
    raise ValueError(f"not a month: {text!r}")


def parse_year_start(text: str) -> tuple[int, int]:
    """``'1 April'`` or ``'04-01'`` -> (4, 1): the first day of the council's year."""
    t = text.strip()
    m = re.fullmatch(r"(\d{1,2})-(\d{1,2})", t)
    if m:
        month, day = int(m.group(1)), int(m.group(2))
    else:
        m = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([A-Za-z]+)", t)
        if not m:
            raise ValueError(t)
        day, month = int(m.group(1)), month_number(m.group(2))
    date(2001, month, day)  # raises ValueError for 30 February
    if day > 28:
        raise ValueError("a year must start on day 1 to 28 of a month")
    return (month, day)


def year_start_text(value: tuple[int, int]) -> str:
    return f"{value[1]} {MONTHS[value[0] - 1].capitalize()}"


# names the time zone database holds that are not a place's zone: the machine's own, whatever it is set to
MACHINE_ZONES = frozenset({"localtime", "posixrules"})


def parse_timezone(text: str) -> str:
    """An IANA zone such as Europe/London. A region ("Europe", a folder of zones) ended in IsADirectoryError;
    "localtime" is whatever zone the machine running qaf is set to, so two servers could keep different days."""
    key = text.strip()
    if key in MACHINE_ZONES:
        raise ValueError(f"'{key}' is the machine's own zone, not a place's: name it, such as Europe/London")
    try:
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a region, such as "Europe", is a folder
        raise ValueError(text) from exc
    return key


def parse_calendar(text: str) -> str:
    t = text.strip().lower()
    if t not in WORKING_DAY_CALENDARS:
        raise ValueError(t)
    return t


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(text: str) -> str:
        t = text.strip().lower().replace("-", "_").replace(" ", "_")
        if t not in allowed:
            raise ValueError(t)
        return t

    return parse


def grade_key(text: str) -> str:
    """``'Requires Improvement'`` -> ``'requires_improvement'``."""
    return "_".join(text.strip().lower().replace("-", " ").split())


LONGEST_GRADE = 40  # the store's grade columns are this wide


def parse_grade(text: str) -> str:
    """A grade of the scale, as its key: 1 to 40 characters, none of them a control character."""
    key = grade_key(text)
    if not key:
        raise ValueError("a grade is a word or words, not nothing")
    return _bounded(LONGEST_GRADE)(key)


@dataclass(frozen=True, slots=True)
class Opt:
    name: str
    default: Any
    parse: Callable[[str], Any]
    help: str
    many: bool = False  # a list of values
    required: bool = False
    show: Callable[[Any], Any] = str  # value -> what the printer writes


def _whole(minimum: int, maximum: int) -> Callable[[str], int]:
    """A whole number from ``minimum`` to ``maximum``, refused as every whole number a framework holds is
    (:func:`qaf.rules.plain.whole_in`: "a whole number from 1 to 24, got 3.0", never Python's words)."""
    return lambda text: whole_in(text, minimum, maximum)


def _text(text: str) -> str:
    return text


def _bounded(limit: int) -> Callable[[str], str]:
    """Text of at most ``limit`` characters, without control characters (they break feeds, CSV and PostgreSQL)."""
    def parse(text: str) -> str:
        if len(text) > limit:
            raise ValueError(f"{len(text):,} characters: at most {limit}")
        if has_control(text):  # an invisible character or a bidi control too (rules.plain.INVISIBLE), named
            raise ValueError(invisible(text) or "control characters are not allowed")
        return text

    return parse


FRAMEWORK_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")


def parse_id(text: str) -> str:
    if not FRAMEWORK_ID.fullmatch(text.strip()):
        raise ValueError("1 to 64 lower-case letters, digits and . _ -, starting with a letter or digit (e.g. east-sussex-2013)")
    return text.strip()


def parse_pattern(text: str) -> str:
    if len(text) > 200:
        raise ValueError(f"{len(text):,} characters: at most 200")
    try:
        re.compile(text)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from None
    slow = why_slow(text)
    if slow:
        raise ValueError(slow)
    return text


SETTINGS: tuple[Opt, ...] = (
    Opt("id", None, parse_id, "Short identifier, used in obligation ids and feed UIDs (e.g. east-sussex-2013): 1 to 64 lower-case letters, digits and . _ -.", required=True),
    Opt("title", None, _bounded(200), "The framework's title as the council publishes it (at most 200 characters).", required=True),
    Opt("version", "1", _bounded(100), "The council's version of the framework; a new version is a new ruleset (at most 100 characters)."),
    Opt("council", "", _bounded(200), "The council that publishes the framework (at most 200 characters)."),
    Opt("timezone", "Europe/London", parse_timezone, "IANA time zone of a place, for all dates and times (e.g. Europe/London; not a region such as Europe, nor the machine's localtime)."),
    Opt("year_start", (4, 1), parse_year_start, "First day of the council's year ('1 April'): quarters, halves and years count from it.", show=year_start_text),
    Opt("working_days", "england-and-wales", parse_calendar, "Bank-holiday calendar for due dates: england-and-wales, scotland, northern-ireland or weekdays."),
    Opt("grades", ("outstanding", "good", "requires_improvement", "inadequate"), parse_grade, "The grade scale, best first (Ofsted's four grades by default; each at most 40 characters, none of them , ; =).", many=True),
    Opt("areas", (), _bounded(200), "Key areas of practice judged beside the overall grade (Tameside's seven); each 1 to 200 characters, none of them , ; = (they part judgements typed as AREA=GRADE).", many=True),
    Opt("lookback_months", 0, _whole(0, 36), "Months of practice an audit looks back over (Tameside's 'previous 6 months'), "
        "said on each audit's feed entry and page (0 to 36; 0: the framework says nothing)."),
    Opt("recent_audit_months", 6, _whole(0, 36), "A case audited this many months ago or less is not sampled again (0 to 36)."),
    Opt("when_all_recent", "least_recent", _choice("least_recent", "waive"), "When every open case was audited within recent_audit_months: audit the least recently audited (least_recent) or waive the audit (waive)."),
    Opt("horizon_months", 3, _whole(1, 24), "How far ahead the daily tick schedules obligations (1 to 24 months)."),
    Opt("reminder_days", 5, _whole(0, 60), "Working days before the due date that a reminder goes to the assignee (0 to 60)."),
    Opt("escalate_grades", ("inadequate",), parse_grade, "Grades that notify the roles in notify_on_grade (some councils add requires_improvement).", many=True),
    Opt("notify_on_grade", (), _text, "Roles told when an audit is graded with one of escalate_grades.", many=True),
    Opt("digest_roles", (), _text, "Roles that get one daily digest instead of an email per notice.", many=True),
    Opt("extension_roles", ("Head of Service", "Director of Children's Services"), _text, "Roles that may extend a deadline by more than extension_days (for work of their line).", many=True),
    Opt("contest_moderator", "Head of Service", _text, "The role that moderates a contested grade, found up the auditor's line."),
    Opt("extension_days", 5, _whole(0, 260), "Working days a line manager may extend a deadline by; longer needs a senior manager or the DCS (0 to 260)."),
    Opt("case_reference", "", parse_pattern, "The council's own pattern for case references (a regular expression, at most 200 characters, that cannot take long to refuse a reference: rules/patterns.py), within qaf's shape: letters, digits and - / _ ., with a digit, never a whole calendar date; empty: qaf's rule (engine/caserefs.py)."),
)

SETTING_NAMES = frozenset(opt.name for opt in SETTINGS)

# structured top-level keys, read by the loader's own readers
STRUCTURED = frozenset({"qaf", "roles", "escalation", "targets", "rows"})
