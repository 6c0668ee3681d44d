"""`qaf framework load`: save a checked framework, and warn of what the new version will do to the work.

A framework is valid on its own, so what follows is warned, never refused
(exit 0): the load says it before the next schedule or tick acts on it, as
``qaf org load`` says whose audits a new line leaves nobody's
(:func:`qaf.usecases.orgload.coverage_lost`).

- A row whose role nobody in the loaded organisation holds now, where the
  version before had someone (the council renamed "Team Manager" "Team
  Leader", people.csv still says "Team Manager"): the next schedule cancels
  the row's open work, and schedules none while nobody holds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from qaf.engine.org import Org
from qaf.engine.scope import people_of
from qaf.rules.model import Framework, Row
from qaf.rules.problems import WARNING, InputError, Problem
from qaf.rules.roles import vocabulary_of
from qaf.store.protocols import FrameworkChange, Store


@dataclass(frozen=True, slots=True)
class Loaded:
    change: FrameworkChange
    warnings: tuple[Problem, ...] = ()


def load(store: Store, fw: Framework, text: str, today: date) -> Loaded:
    """Save ``fw`` (checked: no errors) and return what changed, with the warnings of what it will do."""
    stored = {s.id for s in store.stored_frameworks()}
    before = _stored(store, fw.id) if fw.id in stored else None
    org = store.org() if stored else None
    change = store.save_framework(fw, text)
    warnings: list[Problem] = []
    if before is not None and org is not None and org.people and change.action == "replaced":
        warnings += roles_unheld(before, fw, org, today, dict((new, old) for old, new in change.renumbered))
    return Loaded(change, tuple(warnings))


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
