"""Who may see whose obligations: one rule for feeds and the API.

- Everyone sees their own obligations.
- A manager also sees their line reports', all the way down the line chain
  (an Operations Manager sees their Practice Managers' audits).
- The holders of the overseeing roles see everything: by default the
  Director of Children's Services, the Head of Safeguarding and the Head of
  QA, who own the framework and read the whole council's figures. The list
  is :data:`OVERSEERS`; ``create_app(overseers=...)`` changes it for a
  council whose framework names these roles differently (names are matched
  through every loaded framework's vocabulary and aliases, and as written).

An action is also seen by whoever may see the audit that raised it: the
Practice Manager who gave an action to someone outside her line follows
it up on its page (her own line's actions she sees already).

The worker whose work a graded audit, follow-up audit or review graded
(:func:`audited`) reads that audit's page, to contest the grade: its grade
and areas, not the auditor's notes (the page's :mod:`qaf.web.acting` keeps
them out), listed on his My work (:func:`qaf.usecases.queries.graded_work`). Feeds, the search and the API
are unchanged: it is not his work to do.

A token's scope can only narrow this: ``person`` (own obligations only),
``team`` (own and the line below), ``all`` (everything, for an overseer;
for anyone else it is the same as ``team``). A person who has left (their
end date has passed) or is no longer in the organisation sees nothing.

>>> from qaf.engine.org import Person
>>> org = Org(people=(Person("OM1", "Olive Ops", "o@x"), Person("PM1", "Pat Practice", "p@x", manager="OM1"),
...                   Person("SW1", "Tom Fairley", "t@x", manager="PM1")))
>>> sorted(line_below(org, "OM1")), sorted(line_below(org, "SW1"))
(['PM1', 'SW1'], [])
"""

from __future__ import annotations

from datetime import date

from qaf.engine.actions import graded_worker
from qaf.engine.model import Obligation
from qaf.engine.outcomes import was_graded
from qaf.engine.org import Org
from qaf.rules.roles import Vocabulary

OVERSEERS: tuple[str, ...] = ("Director of Children's Services", "Head of Safeguarding", "Head of QA")
SCOPES = ("person", "team", "all")


def line_below(org: Org, person_id: str) -> frozenset[str]:
    """Everyone below ``person_id`` in the line chain (reports, their reports, ...)."""
    seen: set[str] = set()
    todo = [person_id]
    while todo:
        for report in org.reports(todo.pop()):
            if report.id not in seen and report.id != person_id:
                seen.add(report.id)
                todo.append(report.id)
    return frozenset(seen)


def _canonical(name: str, vocab: Vocabulary) -> str:
    return (vocab.resolve(name) or name).strip().lower()


def oversees(org: Org, vocab: Vocabulary, person_id: str, overseers: tuple[str, ...] = OVERSEERS) -> bool:
    """Whether the person holds one of the overseeing roles (by vocabulary, alias or as written)."""
    person = org.person(person_id)
    if person is None:
        return False
    wanted = {_canonical(n, vocab) for n in overseers}
    return any(_canonical(role, vocab) in wanted for role in person.roles)


def active(org: Org, person_id: str, today: date) -> bool:
    person = org.person(person_id)
    return person is not None and person.active_on(today)


def visible(
    org: Org, vocab: Vocabulary, person_id: str, scope: str, today: date, overseers: tuple[str, ...] = OVERSEERS
) -> frozenset[str] | None:
    """The assignees whose obligations ``person_id`` may see with ``scope``; None means everyone's."""
    if not active(org, person_id, today):
        return frozenset()
    if scope == "person":
        return frozenset({person_id})
    if scope == "all" and oversees(org, vocab, person_id, overseers):
        return None
    return frozenset({person_id}) | line_below(org, person_id)


def widest_scope(org: Org, vocab: Vocabulary, person_id: str, overseers: tuple[str, ...] = OVERSEERS) -> str:
    """``all`` for an overseer, else ``team``: what an API token gets unless told otherwise."""
    return "all" if oversees(org, vocab, person_id, overseers) else "team"


def may_see(visible: frozenset[str] | None, ob: Obligation, cause: Obligation | None = None) -> bool:
    """Whether someone who sees ``visible`` people's work (None: everyone's) may see ``ob``; ``cause``, the
    obligation that set ``ob`` off, counts for an action (the audit that raised it).

    >>> audit = Obligation("a1", "fw", "3.16", 0, "audit", "Audit", "PM1", "person", "SW1", date(2024, 6, 1),
    ...                    date(2024, 6, 30), date(2024, 6, 28))
    >>> action = Obligation("x1", "fw", "3.16", -1, "action", "Action", "PM9", "obligation", "a1", date(2024, 6, 7),
    ...                     date(2024, 6, 21), date(2024, 6, 21), cause="a1")
    >>> may_see(frozenset({"PM1"}), action), may_see(frozenset({"PM1"}), action, audit), may_see(None, action)
    (False, True, True)
    >>> moderation = Obligation("m1", "fw", "3.16", -1, "moderation", "Moderation", "HS9", "obligation", "a1",
    ...                         date(2024, 7, 1), date(2024, 9, 30), date(2024, 9, 30), cause="a1")
    >>> may_see(frozenset({"PM1"}), moderation, audit)  # only actions: a moderation is the moderator's line's
    False
    """
    if visible is None or visible & {ob.assignee, *ob.attendees, *ob.copies}:
        return True
    return ob.kind == "action" and cause is not None and bool(visible & {cause.assignee, *cause.attendees, *cause.copies})


def audited(org: Org, person_id: str, ob: Obligation, today: date) -> bool:
    """Whether ``person_id``, in post, is the worker whose work ``ob`` graded: a graded audit, follow-up
    audit or review of their case (the worker :func:`qaf.engine.outcomes.contest_refusals` lets contest it).
    Before its grade is recorded it is the auditor's work, not theirs to read."""
    if not was_graded(ob) or not active(org, person_id, today):
        return False
    worker = graded_worker(org, ob)
    return worker is not None and worker.id == person_id
