"""`qaf framework load`: save a checked framework, and warn of what the new version will do to the work.

A framework is valid on its own, so what follows is warned, never refused
(exit 0): the load says it before the next schedule or tick acts on it, as
``qaf org load`` says whose audits a new line leaves nobody's
(:func:`qaf.usecases.orgload.coverage_lost`).

- A row whose role nobody in the loaded organisation holds now, where the
  version before had someone (the council renamed "Team Manager" "Team
  Leader", people.csv still says "Team Manager"): the next schedule cancels
  the row's open work, and schedules none while nobody holds it.
- Another framework in use of the same council with rows in common (a new
  edition loaded under a new id, east-sussex-2026 beside east-sussex-2013):
  both are scheduled, each row's work twice, until the old one is retired.

:func:`retire` retires a framework (``qaf framework retire ID``): its open
work is cancelled saying so, its done work kept, and it is scheduled no more;
loaded again, it is in use again, and the next schedule reopens the work the
retirement cancelled in its window (as any work cancelled out of scope).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from qaf.engine.model import CANCELLED, LIVE
from qaf.engine.org import Org
from qaf.engine.query import Filters
from qaf.engine.scope import OUT_OF_SCOPE, people_of
from qaf.rules.model import Framework, Row
from qaf.rules.numbering import row_order, same_task
from qaf.rules.problems import WARNING, InputError, Problem
from qaf.rules.roles import vocabulary_of
from qaf.store import frameworks as fw_store
from qaf.store import obligations as ob_store
from qaf.store.protocols import FrameworkChange, Store
from qaf.usecases.scheduling import again_if_changed


@dataclass(frozen=True, slots=True)
class Loaded:
    change: FrameworkChange
    warnings: tuple[Problem, ...] = ()


def load(store: Store, fw: Framework, text: str, today: date) -> Loaded:
    """Save ``fw`` (checked: no errors) and return what changed, with the warnings of what it will do."""
    stored = {s.id for s in store.stored_frameworks()}
    before = _stored(store, fw.id) if fw.id in stored else None
    org = store.org() if stored else None
    others = [f for f in store.frameworks() if f.id != fw.id] if stored else []
    change = store.save_framework(fw, text)
    warnings = editions(fw, others)
    if before is not None and org is not None and org.people and change.action == "replaced":
        warnings += roles_unheld(before, fw, org, today, dict((new, old) for old, new in change.renumbered))
    return Loaded(change, tuple(warnings))


def _council(fw: Framework) -> str:
    return " ".join((fw.council or "").split()).casefold()


def editions(fw: Framework, others: list[Framework]) -> list[Problem]:
    """A warning for each framework in use (``others``) of ``fw``'s council that has rows in common with it:
    the same number asking much the same (:func:`qaf.rules.numbering.same_task`). Both are scheduled, so
    each such row's work is asked for twice; a new edition under a new id is the usual cause."""
    council = _council(fw)
    if not council:
        return []
    out = []
    for other in others:
        if _council(other) != council:
            continue
        theirs = {r.id: r for r in other.rows}
        common = sorted((r.id for r in fw.rows if r.schedulable and r.id in theirs and theirs[r.id].schedulable and same_task(theirs[r.id], r)),
                        key=row_order)  # fmt: skip
        if not common:
            continue
        shown = ", ".join(common[:8]) + (f" and {len(common) - 8} more" if len(common) > 8 else "")
        out.append(Problem(
            fw.source, "id",
            f"{other.id} (version {other.version}: {other.title}), also in use, is {fw.council}'s too and asks for "
            f"{len(common)} of these rows' work ({shown}): both are scheduled, so that work is asked for twice. If one "
            f"is a new edition of the other, retire the old one (qaf framework retire {other.id}, or {fw.id})", WARNING,
        ))  # fmt: skip
    return out


def _stored(store: Store, framework_id: str) -> Framework | None:
    try:
        return store.framework(framework_id)
    except InputError:  # the stored text no longer loads: nothing to compare with
        return None


def _unheld(fw: Framework, org: Org, row: Row, day: date) -> list[str]:
    """The roles ``row``'s work needs that nobody in ``org`` holds on ``day``: a cadence's (or the row's)
    ``by``, and for work for each worker the workers' own roles where it names some."""
    people = people_of(org, vocabulary_of(fw))
    out: dict[str, None] = {}
    for _, c in row.numbered():
        for roles in (c.by or row.by, c.roles if c.per == "worker" else ()):
            if roles and not people.holders(roles, day, day):
                out.setdefault(" or ".join(roles), None)
    return list(out)


def roles_unheld(before: Framework, after: Framework, org: Org, today: date, was: dict[str, str]) -> list[Problem]:
    """A warning for each schedulable row of ``after`` whose role nobody in ``org`` holds today where the
    same row of ``before`` (``was``: new id -> the id it had, for rows renumbered) was held, or which is new.
    Names what people.csv says that the version before knew as the row's role and this one knows as none."""
    old_vocab, new_vocab = vocabulary_of(before), vocabulary_of(after)
    rows_before = {r.id: r for r in before.rows}
    active = [p for p in org.people if p.active_on(today)]
    out = []
    for row in after.rows:
        if not row.schedulable:
            continue
        then = rows_before.get(was.get(row.id, row.id))
        lost = [r for r in _unheld(after, org, row, today) if then is None or r not in _unheld(before, org, then, today)]
        if not lost:
            continue
        needed = {name for _, c in then.numbered() for name in (*(c.by or then.by), *c.roles)} if then is not None and then.schedulable else set()
        written = sorted({w for p in active for w in p.roles if old_vocab.resolve(w) in needed and new_vocab.resolve(w) is None})
        why = (f" (people.csv says {', '.join(repr(w) for w in written)}, which the version before knew and this one "
               f"does not)" if written else "")  # fmt: skip
        roles = "; ".join(lost)
        mend = (f"make {' and '.join(repr(w) for w in written)} an alias of the role" if written else "name a role people hold")
        out.append(Problem(
            row.source, "row.by",
            f"nobody in the organisation holds {roles} today, whose work row {row.id} is{why}: the next schedule or "
            f"tick cancels row {row.id}'s open work, saying why, and schedules none while nobody does; {mend}, "
            "or give people the role in people.csv and run qaf org load", WARNING,
        ))  # fmt: skip
    return out


@dataclass(frozen=True, slots=True)
class Retired:
    framework: str
    version: str
    on: date  # the date it was retired on (before today, if it was retired already)
    cancelled: Counter = field(default_factory=Counter)  # open obligations cancelled, by kind
    already: bool = False


def retire(store: Store, framework_id: str, today: date) -> Retired:
    """Retire a framework: its open work cancelled (the reason says it was retired, and when), its done work
    kept, its schedule runs forgotten; scheduled no more. Retired already: nothing changes. Work recorded
    while it was being retired stays done (worked out again, as a schedule is)."""
    return again_if_changed(lambda: _retire(store, framework_id, today))


def _retire(store: Store, framework_id: str, today: date) -> Retired:
    with store.write() as conn:
        store.lock(conn, f"schedule.{framework_id}")  # not while a schedule of it runs
        fw = store.framework_in(conn, framework_id)  # an unknown id: refused, naming those loaded
        already = fw_store.retired_on(conn, framework_id)
        if already is not None:
            return Retired(fw.id, fw.version, already, already=True)
        live = ob_store.find(conn, Filters(framework=fw.id, statuses=frozenset(LIVE)))
        why = f"{OUT_OF_SCOPE}framework {fw.id} (version {fw.version}) was retired on {today.isoformat()}"
        fw_store.retire(conn, fw.id, today)  # its row first: a recording holds it (shared) before the work it records
        ob_store.apply(conn, (), [(o, {"status": CANCELLED, "status_reason": why}) for o in live])
        cancelled = Counter(o.kind for o in live)
        store.log_in(conn, "framework.retired", fw.id, {"version": fw.version, "date": today.isoformat(), "cancelled": len(live)})
    return Retired(fw.id, fw.version, today, cancelled)
