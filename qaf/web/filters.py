"""The filters of ``qaf due`` as a page's query string: read, checked, and each problem named by its field.

``?status=overdue&kind=audit&row=3.16&case=CS-000001&from=2024-06-01&to=2024-06-30``
(and ``person``, ``role``, ``team``, ``service``, ``framework`` where a page
offers them) becomes an :class:`Asked`: the :class:`DueQuery` to run, the
case reference to narrow to, what was typed (to show again) and a message a
field for whatever could not be read. A page with errors answers 422 and
shows each message beside its field; nothing is queried.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Mapping

from qaf.engine.caserefs import council_pattern, why_not_asked
from qaf.engine.model import RESCHEDULED, STATUSES, kind_words, status_words
from qaf.engine.org import Org
from qaf.engine.query import DueQuery, parse_statuses, unknown_row
from qaf.rules.model import KINDS, Framework
from qaf.rules.plain import WORDS, quoted
from qaf.rules.roles import Vocabulary
from qaf.web.forms import day_problem, typed_day

WORK = ("status", "kind", "framework", "row", "case", "from", "to")  # My work: the viewer's own
EVERY = ("person", "role", "team", "service", *WORK)  # the auditors' search: every filter of ``qaf due``
LABELS = {
    "status": "Status", "kind": "Kind of work", "framework": "Framework", "row": "Framework row", "case": "Case reference",
    "from": "Due on or after", "to": "Due on or before", "person": "Person", "role": "Role", "team": "Team", "service": "Service",
}  # fmt: skip
# a framework asked for that is not loaded, as the pages say it: the list beside the field names each one by
# its title, the words every page uses; the file ids (east-sussex-2013) are the API's and the command line's
NO_FRAMEWORK = "Framework: no framework '{}': choose one from the list"
_TEXT = re.compile(r"[A-Za-z0-9 ._'’&()/-]{1,100}")
_ALLOWED = "letters, digits, spaces and - . / _ ' & ( ) only"


@dataclass(frozen=True, slots=True)
class Asked:
    query: DueQuery
    statuses: tuple[str, ...] | None  # None: not asked (a page's own default)
    case: str | None
    entered: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return bool(self.entered)

    def where(self) -> str:
        """The query string that asks the same again (for the download links)."""
        from urllib.parse import urlencode

        return urlencode(self.entered)


def _day(text: str, label: str, errors: dict[str, str], key: str) -> date | None:
    """A filter's date as people type one (:func:`typed_day`), in the century qaf works with (as ``qaf due --from``
    and the API take it)."""
    from qaf.engine.periods import outside

    try:
        day = typed_day(text)
    except ValueError as exc:
        said = day_problem(exc, "The date")
        errors[key] = f"{label}: {said[:1].lower()}{said[1:]}"
        return None
    if why := outside(day):
        errors[key] = f"{label}: {why}"
        return None
    return day


def framework_choices(frameworks: Iterable[Framework]) -> list[tuple[str, str]]:
    """The Framework filter's list: each framework loaded by its title (the words every page names it by), its id
    the value sent. A text box took only the file's id ('east-sussex-2013'), which no page shows."""
    return sorted(((fw.id, fw.title or fw.id) for fw in frameworks), key=lambda c: (c[1].lower(), c[0]))


def given_twice(params: Mapping[str, str], names: Iterable[str], filled: bool = False) -> dict[str, int]:
    """Each of ``names`` a query string gives more than once (``filled``: counting values not empty), and how many
    times: a mapping's ``params[name]`` is the last, and the others were dropped without a word."""
    getlist = getattr(params, "getlist", None)
    if getlist is None:
        return {}
    counts = {k: len([v for v in getlist(k) if v.strip() or not filled]) for k in names}
    return {k: n for k, n in counts.items() if n > 1}


def refused_twice(params: Mapping[str, str], names: Iterable[str], filled: bool = False) -> dict[str, str]:
    """Each of ``names`` the query string gives more than once (:func:`given_twice`), refused beside its field (a
    filter by its label, another field, the Director's month or the search's format, by its own name)."""
    return {k: f"{LABELS.get(k, k.capitalize())}: given {n} times, give it once" for k, n in given_twice(params, names, filled).items()}


def statuses_asked(params: Mapping[str, str]) -> str | None:
    """``status``, given once or more (``?status=open&status=done`` asks for both, as ``open,done`` does)."""
    getlist = getattr(params, "getlist", None)
    if getlist is None:
        return params.get("status")
    given = getlist("status")
    return ",".join(given) if given else None


def parse(params: Mapping[str, str], org: Org, vocab: Vocabulary, offered: tuple[str, ...] = WORK,
          frameworks: Iterable[Framework] | None = None) -> Asked:  # fmt: skip
    """What the query string asks, checked against the organisation (and ``frameworks``, those loaded, for the
    framework and row asked, if given); unknown parameters are ignored. A filter given twice is an error
    (``status``: each is asked for)."""
    given = {k: (statuses_asked(params) or "") if k == "status" else params[k] for k in offered if k in params}
    entered = {k: v.strip() for k, v in given.items() if v.strip()}
    if "status" in entered:
        entered["status"] = ",".join(w.strip() for w in entered["status"].split(",") if w.strip())
    errors: dict[str, str] = {}
    for key, value in entered.items():
        if len(value) > 100 or "\x00" in value:
            errors[key] = f"{LABELS[key]}: too long or unreadable"
    statuses = None
    if "status" in entered and "status" not in errors:
        words = [w.strip().lower() for w in entered["status"].split(",")]  # the pages' "extended" is the store's "rescheduled"
        try:
            statuses = parse_statuses(",".join(RESCHEDULED if w == status_words(RESCHEDULED) else w for w in words))
        except ValueError:
            unknown = [quoted(w) for w in words if w and w not in (*STATUSES, status_words(RESCHEDULED), "live", "all")] or [quoted(entered["status"])]
            listed = ", ".join(status_words(s) for s in STATUSES)
            said = "words, not a status" if WORDS in unknown else f"unknown status{','.join(unknown)}"  # a name typed there never said back
            errors["status"] = f"Status: {said} (one of: {listed}, live, all)"
    kind = entered.get("kind")
    if kind is not None and kind not in KINDS:
        errors["kind"] = f"Kind of work: choose one of {', '.join(kind_words(k) for k in KINDS)}"  # as the list says them
    for key in ("row", "framework", "role", "service"):
        if key in entered and key not in errors and not _TEXT.fullmatch(entered[key]):
            errors[key] = f"{LABELS[key]}: use {_ALLOWED}"
    if "case" in entered and "case" not in errors and (why := why_not_asked(entered["case"], council_pattern(frameworks or ()))):
        errors["case"] = f"{LABELS['case']}: {why}"  # a name is never searched for, nor said back
    first = _day(entered["from"], LABELS["from"], errors, "from") if "from" in entered and "from" not in errors else None
    last = _day(entered["to"], LABELS["to"], errors, "to") if "to" in entered and "to" not in errors else None
    if first and last and last < first:
        errors["to"] = f"Due on or before: {last} is before {first}"
    person, team = entered.get("person"), entered.get("team")
    if person and "person" not in errors and org.person(person) is None:
        match = [p.id for p in org.people if p.name.lower() == person.lower() or p.email.lower() == person.lower()]
        if len(match) == 1:
            person = match[0]
        else:
            errors["person"] = f"Person: nobody called '{person}' in the organisation (give their name or email address)"
    if team and "team" not in errors and org.team(team) is None:
        errors["team"] = f"Team: no team '{team}' in the organisation"
    service = entered.get("service")
    if service and "service" not in errors and service.lower() not in {s.lower() for s in org.services}:
        errors["service"] = f"Service: no service '{service}' (one of: {', '.join(org.services)})"
    framework = entered.get("framework")
    loaded = {fw.id: fw for fw in frameworks} if frameworks is not None else None
    if framework and "framework" not in errors and loaded is not None and framework not in loaded:
        errors["framework"] = NO_FRAMEWORK.format(framework)
    row = entered.get("row")
    if row and "row" not in errors and loaded is not None and "framework" not in errors:  # each row id read only when one is asked
        if why := unknown_row(row, loaded.values(), framework, titled=True):
            errors["row"] = f"{LABELS['row']}: {why}"
    role = entered.get("role")
    if role and "role" not in errors and vocab.resolve(role) is None:
        errors["role"] = f"Role: unknown role '{role}'"
    errors.update(refused_twice(params, [k for k in offered if k != "status"], filled=True))  # the last was taken, silently
    query = DueQuery(
        person=person, role=role, team=team, service=service, row=entered.get("row"), framework=entered.get("framework"),
        kind=kind, date_from=first, date_to=last,
    )  # fmt: skip
    return Asked(query, statuses, entered.get("case"), entered, errors)
