"""What is due, for whom, by when: the one query core the CLI and the HTTP API share.

:func:`due` turns a :class:`DueQuery` (person, role, team, service, row,
dates, statuses) into obligations; :func:`record` gives each the JSON shape of
SPEC §4; :func:`render` prints them as a table, JSON or CSV. An open
obligation past its due date shows as ``overdue``.
"""

from __future__ import annotations

import io
import json
from json.encoder import encode_basestring as _escape  # what json.dumps escapes strings with (ensure_ascii=False)
from dataclasses import replace
from datetime import date
from itertools import accumulate
from typing import Any, Iterable, MutableMapping

from qaf.calendars import access
from qaf.engine import spreadsheet
from qaf.engine.caserefs import council_pattern, why_not_asked
from qaf.engine.model import DONE, OPEN, OVERDUE, Obligation, is_obligation_id
from qaf.engine.org import Org
from qaf.engine.outcomes import GRADED
from qaf.engine.query import LIVE_SHOWN, STORED, DueQuery, Filters, QueryError, filters, parse_statuses, row_order, unknown_row
from qaf.rules.model import Framework
from qaf.rules.roles import Vocabulary
from qaf.store.protocols import Store

__all__ = ["KEYS", "LIVE_SHOWN", "STORED", "DueQuery", "Filters", "QueryError", "due", "filters", "graded_work", "parse_statuses", "record", "record_key", "record_keys", "records_json", "records_written", "render"]

KEYS = (
    "id", "uid", "framework", "row", "cadence", "kind", "title", "assignee", "assignee_email", "subject",
    "case", "team", "period_start", "period_end", "due", "status", "cause", "outcome",
)  # fmt: skip

def due(store: Store, q: DueQuery, today: date, visible: frozenset[str] | None = None) -> list[Obligation]:
    """The obligations a query asks for, with their shown status as of ``today``; given ``visible``, only those
    someone who sees these people's work may see (:func:`may_see`, read in the query: :func:`due_in`).

    A person's query includes what they attend or are copied into; that work
    is never overdue for them (it is the owner's to do).
    """
    with store.read() as conn:  # one transaction: the versions, then the rows (the organisation re-read only if it changed)
        return due_in(conn, store, store.snapshot_in(conn), q, today, visible)


def may_see(store: Store, visible: frozenset[str] | None, ob: Obligation) -> bool:
    """Whether someone who sees ``visible`` people's work may see ``ob`` (:func:`qaf.calendars.access.may_see`),
    the audit that raised an action read only when its line could decide it: one rule for the pages and the API."""
    if access.may_see(visible, ob):
        return True
    cause = cause_of(store, ob) if ob.kind == "action" else None
    return cause is not None and access.may_see(visible, ob, cause)


def cause_of(store: Store, ob: Obligation) -> Obligation | None:
    """The obligation that set ``ob`` off (the audit that raised an action, that a moderation moderates), or None
    (work a schedule set, or a cause no longer stored). One read: a page reads it once and passes it down."""
    return obligation(store, ob.cause) if ob.cause else None


def obligation(store: Store, oid: str) -> Obligation | None:
    """The obligation ``oid`` names, whatever its status (an id in any case), or None: also for text not of an
    id's shape, which is never a query."""
    oid = oid.lower()
    if not is_obligation_id(oid):
        return None
    found = store.obligations(Filters(ids=frozenset({oid}), statuses=None))
    return found[0] if found else None


def graded_work(store: Store, person: str, today: date) -> list[Obligation]:
    """The graded audits, follow-up audits and reviews of ``person``'s own work, newest first (by the date it was
    done): each one :func:`qaf.calendars.access.audited` lets him read and contest, and no other. Found by
    what could name him (his id as their subject; the cases allocated to him), then each checked by that rule."""
    org = store.org()
    if not access.active(org, person, today):
        return []
    cases = frozenset(c.ref for c in org.caseload(person))
    done = frozenset({DONE})  # a grade is recorded with the work done, and done work is never reopened
    asked = [Filters(kinds=frozenset(GRADED), statuses=done, subjects=frozenset({person}))]
    asked += [Filters(kinds=frozenset(GRADED), statuses=done, cases=cases)] if cases else []
    with store.read() as conn:
        found = {o.id: o for f in asked for o in store.obligations_in(conn, f)}
    mine = [o for o in found.values() if access.audited(org, person, o, today)]
    return sorted(mine, key=lambda o: (o.outcome.date or o.due if o.outcome else o.due, o.id), reverse=True)


def due_in(conn, store: Store, snap, q: DueQuery, today: date, visible: frozenset[str] | None = None) -> list[Obligation]:
    """:func:`due` on the caller's transaction, with its snapshot; narrowed to ``visible`` people if given."""
    if q.framework is not None and q.framework not in (ids := [fw.id for fw in snap.frameworks]):
        raise QueryError(f"no framework '{q.framework}' (loaded: {', '.join(ids) or 'none'})", "framework")
    if q.row is not None and (why := unknown_row(q.row, snap.frameworks, q.framework)):  # not an empty list: a mistake
        raise QueryError(why, "row")
    if q.case is not None and (why := why_not_asked(q.case, council_pattern(snap.frameworks))):  # a name: never searched for
        raise QueryError(why, "case")
    f = filters(q, snap.org, snap.vocabulary if q.role is not None else _NO_ROLES, today)
    found = store.obligations_in(conn, f) if visible is None else _seen_in(conn, store, f, visible)
    return sorted((o for o in found if shown_status(o, today, q.person) in q.statuses), key=in_order)


def in_order(o: Obligation) -> tuple:
    """The order work is listed in: by due date, then by row as the framework numbers them (3.2 before 3.10, as
    the report lists rows; the database compares them as text), then by id."""
    return o.due, row_order(o.row), o.id


def _seen_in(conn, store: Store, f: Filters, visible: frozenset[str]) -> list[Obligation]:
    """What ``f`` selects that someone who sees ``visible`` people's work may see (:func:`may_see`, the pages' and
    the single read's rule), no more, no less (put in order by :func:`due_in`).

    Read as two questions: the work these people own, attend or are copied into (``f``'s own people kept), and
    ``f``'s actions owned by others, of which those whose audit they see are kept.
    """
    wanted, person = f.assignees, f.attending  # None: anyone's; a person's query: also what they attend
    if wanted is not None and wanted <= visible and (person is None or person <= visible):
        return store.obligations_in(conn, f)  # only their people's work is asked for: all of it is seen (one statement)
    theirs = replace(f, assignees=visible if wanted is None else wanted & visible, attending=visible | (person or frozenset()))

    def asked(o: Obligation) -> bool:  # f's own people: what ``theirs`` widened to the viewer's attendance
        return wanted is None or o.assignee in wanted or bool(person and person & {*o.attendees, *o.copies})

    found = [o for o in store.obligations_in(conn, theirs) if asked(o) and access.may_see(visible, o)]
    if f.kind not in (None, "action") or (f.kinds is not None and "action" not in f.kinds):
        return found
    others = [o for o in store.obligations_in(conn, replace(f, kind="action")) if o.cause and not access.may_see(visible, o)]
    if not others:
        return found
    causes = {c.id: c for c in store.obligations_in(conn, Filters(ids=frozenset(o.cause for o in others), statuses=None))}
    followed = [o for o in others if access.may_see(visible, o, causes.get(o.cause or ""))]
    return [*found, *followed] if followed else found  # put in order by the caller (:func:`in_order`)


_NO_ROLES = Vocabulary(())


def shown_status(o: Obligation, today: date, person: str | None = None) -> str:
    """The status ``person`` sees: an attendee's or a copy's never shows overdue (it is not theirs to do)."""
    shown = o.shown_status(today)
    if shown == OVERDUE and person is not None and o.role_of(person) in ("attending", "copy"):
        return OPEN
    return shown


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _outcome_record(o: Obligation) -> dict[str, Any] | None:
    """An obligation's outcome, as its record shows it (None: no outcome)."""
    if o.outcome is None:
        return None
    outcome = {"grade": o.outcome.grade, "concerns": o.outcome.concerns, "by": o.outcome.by, "date": _iso(o.outcome.date)}
    if o.outcome.moderated_grade is not None:
        outcome.update(moderated_grade=o.outcome.moderated_grade, moderated_by=o.outcome.moderated_by)
        if o.outcome.moderated_areas:
            outcome["moderated_areas"] = dict(o.outcome.moderated_areas)
    if o.outcome.areas:
        outcome["areas"] = dict(o.outcome.areas)
    if o.outcome.contested:
        outcome["contested"] = True
    return outcome


def record(o: Obligation, org: Org, today: date, viewer: str | None = None) -> dict[str, Any]:
    """One obligation in SPEC §4's JSON shape (plus a few helpful extras); ``as`` what ``viewer`` is to it."""
    person = org.person(o.assignee) if o.assignee else None
    return {
        "id": o.id, "uid": o.uid, "framework": o.framework, "row": o.row, "cadence": o.cadence,
        "kind": o.kind, "title": o.title, "assignee": o.assignee,
        "assignee_email": person.email if person else None, "subject": o.subject, "case": o.case,
        "team": o.team, "period_start": _iso(o.period_start), "period_end": _iso(o.period_end),
        "due": _iso(o.due), "status": o.shown_status(today), "cause": o.cause, "outcome": _outcome_record(o),
        "assignee_name": person.name if person else None, "subject_kind": o.subject_kind,
        "status_reason": o.status_reason, "sample_reason": o.sample_reason, "sequence": o.sequence,
        "attendees": list(o.attendees), "copies": list(o.copies),
        **({"as": o.role_of(viewer), "status": shown_status(o, today, viewer)} if viewer is not None else {}),
    }  # fmt: skip


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def records_json(
    obligations: list[Obligation], org: Org, today: date, viewer: str | None = None, known: MutableMapping | None = None,
    keys: tuple | None = None,
) -> bytes:
    """``[record(o, ...) for o in obligations]`` as compact JSON (UTF-8), byte for byte what :func:`json.dumps` writes
    of them (``ensure_ascii=False, separators=(",", ":")``): the API's answer (:func:`records_written`'s bytes)."""
    return records_written(obligations, org, today, viewer, known, keys)[0]


def records_written(
    obligations: list[Obligation], org: Org, today: date, viewer: str | None = None, known: MutableMapping | None = None,
    keys: tuple | None = None, last: tuple[tuple, bytes, tuple[int, ...]] | None = None,
) -> tuple[bytes, tuple[int, ...] | None]:
    """:func:`records_json`'s bytes, and where each record ends in them (None if written the long way).

    Written record by record from one template, strings escaped by the json
    module's own escaper, without the dicts in between: a third of the time
    of building the records and dumping them (a person's 175 rows). Anything
    the template does not expect (a value of another type) goes the long way,
    so the bytes are the same whatever the data (``tests/test_read_path.py``).

    ``known``: records written before, by their :func:`record_key`,
    for this ``org`` and ``today`` only (the caller's to hold to that, e.g.
    :class:`qaf.web.kept.Records`); each record is looked up there first and
    kept there once written. A record is a function of its key, the
    assignee's name and email (the organisation) and the day, so one kept
    while they are as they were is the one this call would write. Looking
    one up costs about a quarter of writing it. ``keys``: the caller's
    :func:`record_keys` of ``obligations``, if it has them.

    ``last``: an answer written before for the same ``org``, ``today`` and
    ``viewer`` (the last answer to the same question), as ``(keys, bytes,
    where each record ends)``: a record whose key is the one at the same
    place there is cut from those bytes, with no lookup. After a change to
    one of a person's obligations, every other record of her answer is
    where it was; comparing each key with the one at its place there costs
    less than hashing it and looking it up (a person's 132 rows read again,
    the whole answer: 0.17 ms against 0.24 ms).
    """
    try:
        pieces = _records_json(obligations, org, today, viewer, known, keys, last)
    except (TypeError, ValueError):
        return _dumps([record(o, org, today, viewer) for o in obligations]).encode("utf-8"), None
    return b"[" + b",".join(pieces) + b"]", tuple(accumulate(len(p) + 1 for p in pieces))  # after "[" or ","


def record_key(o: Obligation, viewer: str | None) -> tuple | None:
    """What ``o``'s record, as ``viewer`` sees it, is written from, besides the organisation and the day: equal keys,
    equal records. None for a value the short way does not write (it goes the long way, and is never kept).

    The obligation's every value and its outcome's (which the obligation's
    equality leaves out). ``True == 1`` with equal hashes: the cadence and
    sequence must be whole numbers, and the outcome's concerns carry their type.
    """
    if type(o.cadence) is not int or type(o.sequence) is not int:
        return None
    found = o.outcome
    return (viewer, o, found, None if found is None else type(found.concerns))


def record_keys(obligations: list[Obligation], viewer: str | None) -> tuple | None:
    """Each record's :func:`record_key`, in order; None if any is None."""
    keys = tuple(record_key(o, viewer) for o in obligations)
    return None if None in keys else keys


def _records_json(
    obligations: list[Obligation], org: Org, today: date, viewer: str | None, known: MutableMapping | None = None,
    keys: tuple | None = None, last: tuple[tuple, bytes, tuple[int, ...]] | None = None,
) -> list[bytes]:  # fmt: skip
    """Each record's bytes, in order (:func:`records_written`)."""
    s = _escape
    people: dict[str | None, str] = {}  # the assignee's email and name, encoded once a call
    out: list[bytes] = []
    kept = known.get if known is not None else None
    before, body, ends = last if last is not None else ((), b"", ())
    for i, (o, key) in enumerate(zip(obligations, keys or [record_key(o, viewer) for o in obligations])):
        if key is None:
            raise TypeError("not an int")
        if i < len(before) and before[i] == key:  # where it was in the last answer: its bytes there
            out.append(body[ends[i - 1] + 1 if i else 1 : ends[i]])
            continue
        cadence, sequence = o.cadence, o.sequence
        if kept is not None:
            written = kept(key)
            if written is not None:
                out.append(written)
                continue
        assignee = o.assignee
        named = people.get(assignee)
        if named is None:
            person = org.person(assignee) if assignee else None
            named = people[assignee] = (_scalar(person.email), _scalar(person.name)) if person else ("null", "null")
        email, name = named
        if viewer is None:
            status, tail = o.shown_status(today), "}"
        else:
            status, tail = shown_status(o, today, viewer), ',"as":' + _scalar(o.role_of(viewer)) + "}"
        outcome = "null" if o.outcome is None else _dumps(_outcome_record(o))
        out.append(
            f'{{"id":{s(o.id)},"uid":{s(o.uid)},"framework":{s(o.framework)},"row":{s(o.row)},"cadence":{cadence},'
            f'"kind":{s(o.kind)},"title":{s(o.title)},"assignee":{_scalar(assignee)},"assignee_email":{email},'
            f'"subject":{s(o.subject)},"case":{_scalar(o.case)},"team":{_scalar(o.team)},'
            f'"period_start":{_date(o.period_start)},"period_end":{_date(o.period_end)},"due":{_date(o.due)},'
            f'"status":{s(status)},"cause":{_scalar(o.cause)},"outcome":{outcome},"assignee_name":{name},'
            f'"subject_kind":{s(o.subject_kind)},"status_reason":{_scalar(o.status_reason)},'
            f'"sample_reason":{_scalar(o.sample_reason)},"sequence":{sequence},'
            f'"attendees":[{",".join(map(s, o.attendees))}],"copies":[{",".join(map(s, o.copies))}]{tail}'.encode()
        )  # fmt: skip
        if kept is not None:
            known[key] = out[-1]
    return out


def _scalar(value: str | None) -> str:
    """A string or None as json.dumps writes it; anything else raises TypeError (the long way then)."""
    return "null" if value is None else _escape(value)


def _date(day: date | None) -> str:
    return '"' + day.isoformat() + '"' if day else "null"


TABLE_COLUMNS = ("id", "due", "status", "row", "kind", "assignee_name", "title")


def render(obligations: Iterable[Obligation], org: Org, today: date, fmt: str, person: str | None = None) -> str:
    """As a table, JSON or CSV; for one ``person``, each says what they are to it (owner, attending, copy)."""
    records = [record(o, org, today, person) for o in obligations]
    if fmt == "json":
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        columns = [k for k in KEYS if k != "outcome"] + ["grade", "concerns", "assignee_name", "status_reason", "attendees"]
        columns += ["as"] if person is not None else []
        writer = spreadsheet.writer(out)
        writer.writerow(columns)
        for r in records:
            row = {**r, "grade": (r["outcome"] or {}).get("grade"), "concerns": (r["outcome"] or {}).get("concerns"),
                   "attendees": ";".join(r["attendees"])}  # fmt: skip
            writer.writerow("" if row[k] is None else row[k] for k in columns)
        return out.getvalue()
    return _table(records, person is not None)


def _table(records: list[dict[str, Any]], flagged: bool = False) -> str:
    if not records:
        return "nothing matches\n"
    columns, heads = list(TABLE_COLUMNS), ["id", "due", "status", "row", "kind", "assignee", "title"]
    if flagged:  # one person's work: say which they only attend
        columns.insert(3, "as")
        heads.insert(3, "as")
    rows = [[str(r.get(c) or "") for c in columns] for r in records]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(heads)]
    widths[-1] = min(widths[-1], 90)
    line = lambda cells: "  ".join(c[: widths[i]].ljust(widths[i]) for i, c in enumerate(cells)).rstrip()  # noqa: E731
    counts: dict[str, int] = {}
    for r in records:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    return "\n".join([line(heads), *(line(r) for r in rows), f"{len(records)} obligations: {summary}"]) + "\n"


def page(store: Store, o: Obligation, org: Org, today: date, viewer: str | None = None, fw: Framework | None = None) -> dict[str, Any]:
    """One obligation's own record: :func:`record`, and for an action what must be done (the manager's
    words, kept off feeds and emails), for an audit or review the actions it raised or checks. ``fw``: its
    framework, if the caller has read it already."""
    from qaf.store import actions as action_store

    out = record(o, org, today, viewer)
    from qaf.engine.titles import practice_to_read

    months = (fw or store.framework(o.framework)).lookback_months
    span = practice_to_read(months, o)
    if span is not None:
        out["practice_to_read"] = {"from": span[0].isoformat(), "to": span[1].isoformat(), "months": months}
    with store.read() as conn:
        if o.kind == "action":
            out["action"] = action_store.detail(conn, o.id)
        audit = o.cause if o.kind == "review" else o.id if o.kind in ("audit", "follow_up_audit") else None
        listed = action_store.of_audit(conn, audit) if audit else []
    if listed or o.kind == "review":
        out["actions"] = [
            {"id": a.id, "title": a.title, "assignee": a.assignee, "due": _iso(a.due), "status": a.shown_status(today),
             **{k: d[k] for k in ("what", "safeguarding", "carried_out")}}
            for a, d in listed
        ]  # fmt: skip
    return out
