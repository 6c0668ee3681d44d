"""Actions: what an audit says must be done, by whom, by when. Pure.

Every seed council says an audit is worth what it changes (East Sussex 3.16
reviews the file "to make sure the safe care planning recommendations were
actioned"; Tameside wants "actions immediately acted upon"). Recording an
outcome may raise actions; each is an obligation of kind ``action`` caused
by the audit, owned by the case's worker unless a person or a role is named,
so it appears in feeds, ``qaf due``, the ladder and the digest like any work.

What must be done is the manager's free text: it is kept in the store and
shown on the action's own record only. An action's title, and so every feed
and email, says only "Action from the 3.16 audit of case CS-000123".

One action, as typed on the command line, in a CSV cell or in the API::

    WHAT [| who: PERSON-OR-ROLE] [| due: YYYY-MM-DD | within N working days/weeks/months] [| safeguarding]

>>> spec, wrong = parse_action("Update the safety plan | who: SW2 | within 10 working days | safeguarding")
>>> spec.what, spec.who, spec.within.text, spec.safeguarding, wrong
('Update the safety plan', 'SW2', '10 working days', True, [])
>>> parse_action("| due: tomorrow")[1]
['say what must be done before the first |', "due: neither a date (YYYY-MM-DD) nor 'within N working days/weeks/months'"]

A problem says where it is, never what was typed there: a bar in the
manager's own words ("Speak to mum | Emily's school") makes the rest a part
of its own, and an error that quoted it put a child's name in the command
line's errors, a CSV's problems and the API's 422 body:

>>> parse_action("Speak to mum | Emily's school")[1]
["the words after the 1st | are not 'who: PERSON-OR-ROLE', 'due: DATE', 'within N working days' or 'safeguarding' (what must be done holds no |)"]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from qaf.engine import typed
from qaf.engine.model import Obligation, ObligationKey
from qaf.engine.notices import Notice, one_line
from qaf.engine.org import Org, Person
from qaf.engine.periods import after
from qaf.engine.scope import people_of
from qaf.engine.workdays import calendar
from qaf.rules.model import SPAN_LIMITS, Framework, Span
from qaf.rules.plain import iso_day
from qaf.rules.roles import vocabulary_of

KIND = "action"
DEFAULT_WITHIN = Span(1, "months")  # when the manager gives no date: the follow-ups' own month
WHAT_CHARS = 2000
LONGEST = timedelta(days=SPAN_LIMITS["days"])  # an action is due within two years of its audit, however it is said
SEQ = 7000  # actions' keys: apart from the triggers' follow-ups (f.index * 100 + a * 10)


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """One action as the manager asked for it, before it has an owner and a date."""

    what: str
    who: str | None = None  # a person id or a role; None: the case's worker
    due: date | None = None
    within: Span | None = None
    safeguarding: bool = False


@dataclass(frozen=True, slots=True)
class RaisedAction:
    """An action made into an obligation, with what the store keeps beside it."""

    obligation: Obligation
    what: str
    safeguarding: bool


def parse_action(text: str) -> tuple[ActionSpec | None, list[str]]:
    """One action from ``WHAT | who: ... | due: ... | safeguarding``, and what is wrong with it."""
    parts = [p.strip() for p in text.split("|")]
    what, wrong = parts[0], []
    who: str | None = None
    due: date | None = None
    within: Span | None = None
    safeguarding = False
    if typed.blank(what):
        wrong.append("say what must be done before the first |")
    elif len(what) > WHAT_CHARS:
        wrong.append(f"what must be done is {len(what)} characters: keep it under {WHAT_CHARS}")
    elif why := typed.why_not(what):
        wrong.append(f"what must be done holds {why}")
    whos = [p for p in parts[1:] if p.lower().startswith("who:")]
    whens = [p for p in parts[1:] if p.lower().startswith(("due:", "within"))]
    if len(whos) > 1:  # the last one taken, silently, where the manager may have meant the first
        wrong.append(f"'who:' is given {len(whos)} times: name one owner")
    if len(whens) > 1:
        wrong.append(f"a due date is given {len(whens)} times ('due:' or 'within'): give one")
    for n, part in enumerate(parts[1:], start=1):
        low = part.lower()
        if low == "safeguarding":
            safeguarding = True
        elif low.startswith("who:"):
            who = part[4:].strip() or None
        elif low.startswith("due:") or low.startswith("within"):
            when = part[4:].strip() if low.startswith("due:") else part
            due, within, problem = _when(when)
            if problem and len(whens) == 1:
                wrong.append(problem)
        elif part:
            wrong.append(f"the words after the {_nth(n)} | are not 'who: PERSON-OR-ROLE', 'due: DATE', 'within N working days' or "
                         "'safeguarding' (what must be done holds no |)")  # never the words: they are the manager's
    if wrong:
        return None, wrong
    return ActionSpec(what, who, due, within, safeguarding), []


def _when(text: str) -> tuple[date | None, Span | None, str | None]:
    low = text.lower().strip()
    if low.startswith("within "):
        try:
            return None, Span.parse(low[len("within ") :]), None
        except ValueError as exc:
            if "a length is" in str(exc):  # a length, out of its range: say the range (1 to 520 working days)
                return None, None, f"due: {exc}"  # the length as read, never the words around it
    else:
        try:
            return iso_day(low), None, None
        except ValueError:
            pass
    return None, None, "due: neither a date (YYYY-MM-DD) nor 'within N working days/weeks/months'"  # not quoted: it may be words


def _nth(n: int) -> str:
    return f"{n}{'st' if n % 10 == 1 and n % 100 != 11 else 'nd' if n % 10 == 2 and n % 100 != 12 else 'rd' if n % 10 == 3 and n % 100 != 13 else 'th'}"


def worker_of(org: Org, audit: Obligation) -> Person | None:
    """The case's allocated worker (the action's owner by default), or the audited worker."""
    case = org.case(audit.case) if audit.case else None
    if case and case.worker:
        return org.person(case.worker)
    if audit.subject_kind in ("worker", "case_holder"):
        return org.person(audit.subject)
    return None


def graded_worker(org: Org, audit: Obligation) -> Person | None:
    """The worker whose work ``audit`` graded: the one it names (its subject), else the case's allocated
    worker. Not :func:`worker_of`: a case passed to another worker since leaves the grade of the first
    one's work with him, to read and contest, not with whoever holds the case now."""
    if audit.subject_kind in ("worker", "case_holder") and audit.subject:
        return org.person(audit.subject)
    return worker_of(org, audit)


def owner(fw: Framework, org: Org, audit: Obligation, who: str | None, day: date) -> tuple[Person | None, str | None]:
    """Who owns the action, or why nobody can: a person id, a role (nearest up the worker's line), or the worker.

    An action escalates up its owner's line when it runs late, so its owner
    has someone above in post: an elected member or the Chief Executive,
    with nobody above, would let an overdue action go unchased.
    """
    found, why = _owner(fw, org, audit, who, day)
    if found is not None and org.manager_on(found.id, day) is None:
        return None, (f"who: {found.name} has nobody above in the line on {day} to chase the action if it runs late "
                      "(an action is owned by someone in the service, with a manager)")  # fmt: skip
    return found, why


def _owner(fw: Framework, org: Org, audit: Obligation, who: str | None, day: date) -> tuple[Person | None, str | None]:
    start = worker_of(org, audit) or org.person(audit.assignee or "")
    if who is None:
        found = worker_of(org, audit)
        if found is None:
            return None, "who: the audited case has no allocated worker: say who with 'who: PERSON'"
        if not found.active_on(day):  # the case still names a worker who has gone: nobody would do it
            return None, f"who: the case's worker, {found.name}, is not in the organisation on {day}: say who with 'who: PERSON'"
        return found, None
    person = org.person(who)
    if person is not None:
        if not person.active_on(day):
            return None, f"who: {person.name} is not in the organisation on {day}"
        return person, None
    vocab = vocabulary_of(fw)
    role = vocab.resolve(who)
    if role is None:
        return None, f"who: no person has that id, and {fw.id} has no role of that name"  # not quoted: it may be words about the child
    people = people_of(org, vocab)
    found = people.holder_up_line(start.id, role, day) if start else None
    if found is None:  # nobody up the line: the council's one holder, if it has only one
        holders = people.holders((role,), day, day)
        found = holders[0] if len(holders) == 1 else None
    if found is None:
        return None, f"who: no {role} found up the line of {start.name if start else 'the worker'}"
    return found, None


def raise_actions(
    fw: Framework, org: Org, audit: Obligation, specs: tuple[ActionSpec, ...], day: date
) -> tuple[list[RaisedAction], list[tuple[int, str]]]:
    """The audit's actions as obligations (owned, dated), or each problem as (index from 1, message)."""
    workdays = calendar(fw.working_days)
    raised: list[RaisedAction] = []
    problems: list[tuple[int, str]] = []
    for n, spec in enumerate(specs, start=1):
        person, why = owner(fw, org, audit, spec.who, day)
        if why:
            problems.append((n, why))
        due = spec.due or after(day, spec.within or DEFAULT_WITHIN, workdays)
        when = (f"due: {due} is not after the audit ({day})" if due <= day else
                f"due: {due} is more than two years after the audit ({day}): an action is due within two years" if due > day + LONGEST else
                None)  # fmt: skip
        if when:
            problems.append((n, when))
        if person is None or why or when:
            continue
        key = ObligationKey(fw.id, fw.identity(audit.row), -1, day, "cause", audit.id, KIND, SEQ + n)
        ob = Obligation(
            id=key.id, framework=fw.id, row=audit.row, cadence=-1, kind=KIND, title=title(audit),
            assignee=person.id, subject_kind=audit.subject_kind, subject=audit.subject, period_start=day,
            period_end=due, due=due, case=audit.case, team=audit.team, cause=audit.id, seq=key.seq,
        )  # fmt: skip
        raised.append(RaisedAction(ob, spec.what, spec.safeguarding))
    return raised, problems


def title(audit: Obligation) -> str:
    """What feeds and emails say about an action: never what must be done (that is the manager's text)."""
    what = f"case {audit.case}" if audit.case else audit.subject
    return f"Action from the {audit.row} audit of {what}"


def safeguarding_alert(fw: Framework, org: Org, audit: Obligation, action: Obligation, day: date) -> Notice | None:
    """A safeguarding action alerts at once whom the row's triggers alert (3.16: the worker's Operations
    Manager), else the owner's line manager. The text names the case and the date, never the action."""
    to = _alerted(fw, org, audit, action, day)
    if to is None:
        return None
    subject = f"Safeguarding action from the {audit.row} audit of {_case(audit)} due {action.due.isoformat()}"
    owner_ = org.person(action.assignee or "")
    body = "\n".join([
        f"Dear {to.name},", "",
        f"An audit under row {audit.row} of {fw.title} raised a safeguarding action.",
        f"Action: {action.title}, due {action.due.isoformat()}",
        f"Owner: {owner_.name if owner_ else action.assignee}",
        f"Obligation: {action.id} (what must be done is on its own record)", "",
        "qaf — quality assurance schedule",
    ])  # fmt: skip
    return Notice(f"action/{action.id}/safeguarding", to.id, to.email, one_line(subject), body, "alert", action.id)


def _case(audit: Obligation) -> str:
    return f"case {audit.case}" if audit.case else audit.subject


def alerted_for(fw: Framework, org: Org, action: Obligation, day: date) -> Person | None:
    """Whom safeguarding ``action``'s alert goes to on ``day``, as :func:`safeguarding_alert` finds them (an
    action carries its audit's row, case and subject, all that reads): to address again one still waiting."""
    return _alerted(fw, org, action, action, day)


def _alerted(fw: Framework, org: Org, audit: Obligation, action: Obligation, day: date) -> Person | None:
    people = people_of(org, vocabulary_of(fw))
    start = worker_of(org, audit) or org.person(action.assignee or "")
    row = fw.row(audit.row)
    roles = [a.role for t in row.triggers for a in t.then if a.do == "alert" and a.role]
    if start is not None:
        for role in roles:
            found = people.holder_up_line(start.id, role, day)
            if found is not None:
                return found
    return org.manager_on(action.assignee or "", day)
