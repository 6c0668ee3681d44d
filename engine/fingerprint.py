"""A plan's fingerprint: everything a schedule depends on besides the store, as one digest.

Same fingerprint, same plan: the store skips a repeat whose fingerprint it
has seen (see :mod:`qaf.usecases.scheduling`).
"""

from __future__ import annotations

import hashlib
from datetime import date

from qaf.engine.org import Org
from qaf.engine.periods import periods
from qaf.engine.schedule import CALENDAR
from qaf.rules.model import Framework

_DIGESTS: dict[int, tuple[Framework, str]] = {}

# The edition of qaf's own planning rules. Raise it when the same framework and organisation plan differently
# (2: anniversaries repeat, week blocks have no stub at the year's end, work due "within N days" is never due
# before its event; 3: a moderation sample cut keeps the done work first and cancels the rest; 4: a row's cadences
# of one kind titled alike are titled apart, 1.6's monthly one-to-one and quarterly review, and a team's meeting is
# 'with' it, its report 'on' it), so that a store plans its
# windows again at once, not when the framework or the organisation next changes (or, for a window's event rows alone, never).
PLANNING_RULES = 4


def framework_digest(fw: Framework) -> str:
    """A digest of everything the framework says (computed once per framework object), under these planning rules."""
    held = _DIGESTS.get(id(fw))
    if held is None or held[0] is not fw:
        held = (fw, hashlib.sha256(repr(fw).encode("utf-8")).hexdigest())
        _DIGESTS[id(fw)] = held
    return f"{PLANNING_RULES}:{held[1]}"


def fingerprint(fw: Framework, org: Org, first: date, last: date, today: date, part: str = CALENDAR) -> str:
    """Everything a plan depends on besides the store: same fingerprint, same plan.

    ``today`` matters only through which periods have begun (cases are chosen
    and moderation sampled once a period begins), so it enters as that set.
    """
    begun: set[date] = set()
    for row in fw.rows:
        for c in row.cadences:
            for every in [c.every, *(v.every for v in c.variations)]:
                if every is not None:
                    begun.update(p.start for p in periods(every, fw.year_start, first, last) if p.start <= today)
    text = "|".join([part, framework_digest(fw), org.fingerprint, first.isoformat(), last.isoformat(), ",".join(sorted(d.isoformat() for d in begun))])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
