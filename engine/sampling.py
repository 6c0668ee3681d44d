"""Seeded case sampling that prefers cases not audited recently, with a reason for every pick.

The same obligation always picks the same case from the same inputs: the
random generator is seeded from the obligation's id. Only cases open on the
period's first day are eligible; a case audited (or already chosen for an
audit) in the ``recent_months`` before the period is not chosen again; among the
rest, cases never audited are preferred. When every open case was audited
that recently, the least recently audited is chosen (or, where the framework
says ``when_all_recent: waive``, the audit is waived); with no open case the
obligation is waived with the reason (SPEC §5).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import filterfalse

from dateutil.relativedelta import relativedelta

from qaf.engine.model import CaseHistory
from qaf.engine.org import Case, open_refs

__all__ = ["CaseHistory", "Pick", "open_refs", "pick_among", "pick_case"]


@dataclass(frozen=True, slots=True)
class Pick:
    case: str | None
    reason: str

    @property
    def waived(self) -> bool:
        return self.case is None


def pick_case(
    seed: str,
    cases: tuple[Case, ...] | list[Case],
    day: date,
    history: CaseHistory,
    recent_months: int,
    owner: str,
    taken: set[str] | frozenset[str] = frozenset(),
    waive_if_all_recent: bool = False,
) -> Pick:
    """Choose one case of ``owner`` ("worker Tom Fairley") open on ``day``."""
    return pick_among(seed, open_refs(cases, day), day, history, recent_months, owner, taken, waive_if_all_recent)


@lru_cache(maxsize=4096)
def _since(day: date, recent_months: int) -> date:
    """The start of the ``recent_months`` before ``day`` (once per day: every pick of a period asks it)."""
    return day - relativedelta(months=recent_months) if recent_months > 0 else day


def pick_among(
    seed: str,
    refs: tuple[str, ...],
    day: date,
    history: CaseHistory,
    recent_months: int,
    owner: str,
    taken: set[str] | frozenset[str] = frozenset(),
    waive_if_all_recent: bool = False,
) -> Pick:
    """:func:`pick_case` from ``refs``, the sorted references of the cases open on ``day``."""
    since = _since(day, recent_months)
    audits = history.audits
    # this runs for every audit of a large council's year: the filters run in C, in order
    open_cases = list(filterfalse(taken.__contains__, refs)) if taken else list(refs)
    audited = []
    for ref in filter(audits.__contains__, open_cases):
        for d in audits[ref]:
            if since < d <= day:
                audited.append(ref)
                break
    if audited:  # audited recently: not eligible
        recent = set(audited)
        eligible = list(filterfalse(recent.__contains__, open_cases))
    else:
        eligible = open_cases
    never = list(filterfalse(audits.__contains__, open_cases))
    if not open_cases:
        already = " not already chosen this period" if taken else ""
        return Pick(None, f"no open case{already} for {owner} on {day.isoformat()}")
    if not eligible:
        which = "the only open case" if len(open_cases) == 1 else f"all {len(open_cases)} open cases"
        why = f"{which} of {owner} {'was' if len(open_cases) == 1 else 'were'} audited in the {recent_months} months before {day.isoformat()}"
        if waive_if_all_recent:
            return Pick(None, why)
        oldest = min(open_cases, key=lambda ref: (history.last_before(ref, day), ref))
        return Pick(oldest, f"{why}; the least recently audited chosen")
    pool = never or eligible
    choice = random.Random(seed).choice(pool)
    excluded = len(open_cases) - len(eligible)
    reason = f"random pick (seeded by the obligation) from {len(pool)} {'never-audited' if never else 'eligible'} of {len(open_cases)} open cases of {owner}"
    if excluded:
        reason += f"; {excluded} audited within the last {recent_months} months left out"
    return Pick(choice, reason)
