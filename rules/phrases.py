"""The words of frequency text: numbers, periods, months and the phrases around them.

Everything here is data or a small pure function; :mod:`qaf.rules.frequency`
puts the pieces together. Patterns match lower-case text (see
:func:`lower`), one phrase at a position.

>>> number("twelve"), number("6"), number("twice")
(12, 6, 2)
>>> period("quarter"), period("annum"), period("fortnight")
(Every(months=3, weeks=0), Every(months=12, weeks=0), Every(months=0, weeks=2))
"""

from __future__ import annotations

import re

from qaf.rules.model import Every, Span

NUMBERS = {
    "a": 1, "an": 1, "one": 1, "once": 1, "single": 1,
    "two": 2, "twice": 2, "three": 3, "thrice": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20,
}  # fmt: skip
NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")

NUM = r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)"
NUM_A = r"(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|an?)"
MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
UNIT = r"(?:calendar\s+months?|financial\s+years?|half[- ]years?|months?|quarters?|years?|annum|weeks?|fortnights?|terms?)"
MONTHS_OF_YEAR = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip

# the divisors of a year that qaf's periods count in
MONTH_STEPS = (1, 2, 3, 4, 6, 12)


def lower(text: str) -> str:
    """Lower case of the same length (offsets stay valid), straight quotes and hyphens."""
    t = text.lower()
    if len(t) != len(text):  # a few letters ("İ") lower to two characters: keep those as they are
        t = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return t.translate(_STRAIGHT)


_STRAIGHT = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-", "\u00a0": " "})


def number(text: str) -> int:
    t = text.strip().lower()
    if t.isdigit():
        return int(t)
    return NUMBERS[t]


def number_text(n: int) -> str:
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else str(n)


class Unsupported(ValueError):
    """A period qaf cannot count in ("every 5 months", "daily"): the reason is the message."""


def period(unit: str, n: int = 1) -> Every:
    """``('month', 2)`` -> every two months; raises :class:`Unsupported` for what qaf cannot count."""
    u = re.sub(r"\s+", " ", unit.strip().lower()).replace("-", " ")
    if u.endswith("s") and u not in ("annums",):
        u = u[:-1]
    if u in ("week",):
        if not 1 <= n <= 52:
            raise Unsupported(f"every {n} weeks is longer than a year")
        return Every(weeks=n)
    if u == "fortnight":
        if not 1 <= 2 * n <= 52:
            raise Unsupported(f"every {n} fortnights is longer than a year")
        return Every(weeks=2 * n)
    months = {"month": 1, "calendar month": 1, "quarter": 3, "half year": 6, "year": 12, "annum": 12,
              "financial year": 12, "term": 4}.get(u)  # fmt: skip
    if months is None:
        raise Unsupported(f"unknown period {unit!r}")
    total = months * n
    if total > 12:
        raise Unsupported(f"every {total} months is longer than a year: qaf schedules within the council's year")
    if total not in MONTH_STEPS:
        raise Unsupported(f"every {total} months does not divide the year (qaf counts periods of 1, 2, 3, 4, 6 or 12 months from the year start)")
    return Every(months=total)


def span(text: str) -> Span:
    """``'three months'``, ``'10 working days'`` -> a :class:`Span`."""
    m = re.fullmatch(rf"\s*({NUM_A})\s+(working\s+days?|days?|weeks?|months?)\s*", text.lower())
    if not m:
        raise ValueError(text)
    unit = re.sub(r"\s+", " ", m.group(2))
    unit = unit if unit.endswith("s") else unit + "s"
    return Span(number(m.group(1)), unit)


def month_of(text: str) -> int:
    t = text.strip().lower()[:3]
    for i, name in enumerate(MONTHS_OF_YEAR, start=1):
        if name.startswith(t):
            return i
    raise ValueError(text)


# --- adverbs: "monthly", "bi-annually" -> (months, weeks, what a person should know) ---

ADVERBS: tuple[tuple[str, Every | None, str], ...] = (
    (r"bi-?monthly", Every(months=2), "warn:'bi-monthly' read as every two months (it can also mean twice a month)"),
    (r"bi-?weekly", Every(weeks=2), "warn:'bi-weekly' read as every two weeks (it can also mean twice a week)"),
    (r"(?:bi-?|semi-?)annual(?:ly)?|biannual(?:ly)?|bi-?yearly|semi-?yearly", Every(months=6), "note:'{text}' read as twice a year"),
    (r"(?:six|6)[- ]?monthly|half[- ]?yearly|half[- ]?annual(?:ly)?|every\s+six\s+months", Every(months=6), ""),
    (r"(?:three|3)[- ]?monthly", Every(months=3), ""),
    (r"(?:four|4)[- ]?monthly", Every(months=4), ""),
    (r"(?:two|2)[- ]?monthly", Every(months=2), ""),
    (r"(?:twelve|12)[- ]?monthly", Every(months=12), ""),
    (r"monthly", Every(months=1), ""),
    (r"quarterly", Every(months=3), ""),
    (r"annual(?:ly)?|yearly", Every(months=12), ""),
    (r"weekly", Every(weeks=1), ""),
    (r"fortnightly", Every(weeks=2), ""),
    (r"termly", Every(months=4), "warn:'termly' read as every four months (school terms are not equal thirds of a year)"),
    (r"daily|every\s+(?:working\s+)?day|each\s+day", None, "daily: the shortest period qaf schedules is a week"),
    (r"biennial(?:ly)?|every\s+(?:two|2|three|3)\s+years", None, "longer than a year: qaf schedules within the council's year"),
)
ADVERB = re.compile(r"\b(?:" + "|".join(f"(?P<a{i}>{p})" for i, (p, _, _) in enumerate(ADVERBS)) + r")\b")

# phrases that say a row has no frequency of its own, and the reason a person reads
NO_FREQUENCY: tuple[tuple[str, str], ...] = (
    (r"statutory\s+(?:responsibility|duty|requirement|role)", "statutory responsibility, no frequency"),
    (r"as\s+defined\s+by|(?:individual|own)\s+meeting\s+(?:frequency|cycle|calendar)|in\s+line\s+with\s+(?:the\s+)?meeting",
     "follows other bodies' meeting calendars, which the table does not give"),
    (r"every\s+(?:completed|moderated|primary|new)\b|each\s+completed|all\s+completed",
     "event-driven: set off by other audits being completed (give the row whose audits these are a trigger)"),
    (r"by\s+exception|exception\s+report", "by exception: no frequency"),
    (r"as\s+(?:and\s+when\s+)?(?:required|needed|necessary|appropriate)|when\s+(?:required|needed|necessary)|if\s+required|ad[- ]?hoc|on\s+request",
     "as required: no frequency"),
    (r"not\s+(?:stated|specified|known|given|applicable)|\bn/?a\b|\btbc\b|to\s+be\s+(?:confirmed|agreed|decided)|unknown",
     "no frequency stated"),
    (r"ongoing|continuous(?:ly)?|throughout\s+the\s+year|at\s+all\s+times", "continuous: no frequency"),
)

KIND_NOUNS: tuple[tuple[str, str], ...] = (
    # (pattern, kind): a clause's own noun; "weak" kinds give way to the row's task
    (r"re-?audit(?:s|ed|ing)?|moderat(?:ion|ed|es|e)", "moderation"),
    (r"quality\s+assured|qa\s+sign[- ]?off|sign[- ]?off", "qa_signoff"),
    (r"follow[- ]?up\s+audits?", "follow_up_audit"),
    (r"(?:panel\s+)?meetings?|focus\s+groups?|sessions?|one[- ]to[- ]ones?|workshops?|forums?|supervision", "meeting"),
    (r"visits?|visiting|observations?", "visit"),
    (r"audits?|audited|dip[- ]?sampl(?:e|es|ing)|case\s+file\s+checks?", "audit"),
    (r"reports?|reporting|reported|updates?|returns?|summar(?:y|ies)|action\s+plans?", "report"),
    (r"reviews?|reviewed", "review"),
    (r"monitoring|monitored", "monitoring"),
    (r"tasks?|checks?|surveys?", "task"),
)
KIND_NOUN = re.compile(r"\b(?:" + "|".join(f"(?P<k{i}>{p})" for i, (p, _) in enumerate(KIND_NOUNS)) + r")\b")
STRONG_KINDS = frozenset({"moderation", "qa_signoff", "follow_up_audit", "meeting", "visit", "audit", "report", "task"})

# what describe() writes for a kind, and what parse() reads back
KIND_WORDS = {
    "audit": ("audit", "audits"), "follow_up_audit": ("follow-up audit", "follow-up audits"),
    "review": ("review", "reviews"), "moderation": ("moderation", "moderations"),
    "qa_signoff": ("QA sign-off", "QA sign-offs"), "report": ("report", "reports"),
    "visit": ("visit", "visits"), "meeting": ("meeting", "meetings"), "task": ("task", "tasks"),
}  # fmt: skip

# words that carry no meaning for the schedule when left over
FILLER = frozenset("""
    a an the and or , . ; : of also then at this point etc in addition on is are be to been will should must
    shall can may undertaken carried out completed done held take place taking conducted with for by
    least minimum as more than no less maximum up each every per from within into that which who it its
    their there these those this so case cases file files level ( ) peer joint routine regular team
""".split())
