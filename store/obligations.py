"""Obligations in the store: reconcile a plan, idempotently, and read them back.

Reconciling a plan (:func:`reconcile`) for one framework and window:

- obligations the plan has and the store has not are inserted (a duplicate
  key does nothing, so two schedulers cannot create one twice);
- open ones whose assignee, team, title, case or waiver changed are updated,
  and their iCalendar SEQUENCE grows (a new line manager inherits them);
- open ones the plan no longer has are cancelled with the reason (a worker
  who left, a team that closed);
- ones cancelled that way come back if the plan has them again;
- done obligations are never touched; live work a trigger created is kept
  with whoever answers for it (:func:`trigger_made` reads it for
  :func:`qaf.engine.reconcile.reconcile_follow_ups`).
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from dataclasses import replace as dataclass_replace
from functools import lru_cache
from datetime import date, datetime, timezone
from typing import Any, Iterable

from dateutil.relativedelta import relativedelta
from sqlalchemy import Connection, and_, bindparam, case, delete, false, null, or_, select, union_all, update

from qaf.engine.model import CANCELLED, DONE, LIVE, CaseHistory, Completed, Obligation, Outcome
from qaf.engine.query import Filters
from qaf.rules.problems import QafError
from qaf.store.prepared import Prepared, Query
from qaf.store.tables import ATTENDANCE, NOT_ESCALATED, OBLIGATIONS, OUTCOMES
from qaf.store.upsert import CopyStream, chunked, insert_new, update_rows

COLUMNS = [c.name for c in OBLIGATIONS.columns]
MUTABLE = ("assignee", "team", "subject", "title", "case_ref", "status", "status_reason", "sample_reason", "attendees", "copies",
           "period_end", "due")  # fmt: skip
PEOPLE_COLUMNS = ("attendees", "copies")  # tuples of person ids, stored joined by ";"


def joined(people: tuple[str, ...]) -> str | None:
    return ";".join(people) or None


def split(text: str | None) -> tuple[str, ...]:
    return tuple(text.split(";")) if text else ()


def _now() -> datetime:
    return datetime.now(timezone.utc)


ROW_COLUMNS = (
    "id", "framework", "row", "cadence", "kind", "title", "assignee", "subject_kind", "subject", "case_ref", "team",
    "period_start", "period_end", "due", "status", "status_reason", "cause", "seq", "sequence", "sample_reason",
    "attendees", "copies", "created_at", "updated_at",
)  # fmt: skip


def to_values(ob: Obligation, now: datetime) -> tuple:
    """A new obligation's row: the values of :data:`ROW_COLUMNS`, in that order."""
    return (
        ob.id, ob.framework, ob.row, ob.cadence, ob.kind, ob.title, ob.assignee, ob.subject_kind, ob.subject, ob.case,
        ob.team, ob.period_start, ob.period_end, ob.due, ob.status, ob.status_reason, ob.cause, ob.seq, ob.sequence,
        ob.sample_reason, ";".join(ob.attendees) or None, ";".join(ob.copies) or None, now, now,
    )  # fmt: skip


def to_row(ob: Obligation, now: datetime) -> dict[str, Any]:
    return dict(zip(ROW_COLUMNS, to_values(ob, now)))


def from_row(r: Any, outcome: Outcome | None = None) -> Obligation:
    return Obligation(
        id=r.id, framework=r.framework, row=r.row, cadence=r.cadence, kind=r.kind, title=r.title,
        assignee=r.assignee, subject_kind=r.subject_kind, subject=r.subject, period_start=r.period_start,
        period_end=r.period_end, due=r.due, case=r.case_ref, team=r.team, status=r.status,
        status_reason=r.status_reason, cause=r.cause, seq=r.seq, sample_reason=r.sample_reason,
        sequence=r.sequence, attendees=split(r.attendees), copies=split(r.copies), outcome=outcome,
    )  # fmt: skip


_WINDOW = Query(
    select(OBLIGATIONS).where(OBLIGATIONS.c.framework == bindparam("framework"), OBLIGATIONS.c.cadence >= 0,
                              OBLIGATIONS.c.period_end >= bindparam("first"), OBLIGATIONS.c.period_start <= bindparam("last")),
    ("framework", "first", "last"),
)  # fmt: skip


def planned_window(
    conn: Connection, framework: str, first: date, last: date, rows: set[tuple[str, int]] | None = None
) -> dict[str, Obligation]:
    """Obligations the planner made (cadence >= 0) whose periods overlap first..last,
    of only the (row, cadence) pairs in ``rows`` when given."""
    window = {"framework": framework, "first": first, "last": last}
    if rows is None:  # the calendar's read: a large council's window is 8,000-30,000 rows, on the driver's cursor
        return {o.id: o for o in map(from_row, _WINDOW.all(conn, window))}
    c = OBLIGATIONS.c
    # the rows' and the cadences' lists: the database sends little more than the pairs asked for
    query = _WINDOW.statement.where(c.row.in_(sorted({r for r, _ in rows})), c.cadence.in_(sorted({i for _, i in rows})))
    # only the pairs asked for are made into obligations (a row's other cadences are read, not kept)
    return {o.id: o for o in map(from_row, (r for r in conn.execute(query, window) if (r.row, r.cadence) in rows))}


def live_before(
    conn: Connection, framework: str, first: date, reopenable: tuple[date, str] | None = None, answered: str | None = None
) -> dict[str, Obligation]:
    """The planner's live obligations whose periods ended before ``first``: work no window holds any more; and,
    ``reopenable`` being (a day, a reason's first words), those whose periods ended from that day on, cancelled
    for that reason (out of scope: news withdrawn brings them back); and those of the year before ``first``
    cancelled for a reason beginning ``answered`` (work done answered for them under an amendment: withdrawn,
    they are back)."""
    c = OBLIGATIONS.c
    held = c.status.in_(LIVE)
    if reopenable is not None:
        since, reason = reopenable
        held = or_(held, and_(c.status == CANCELLED, c.status_reason.startswith(reason, autoescape=True), c.period_end >= since))
    if answered is not None:  # for a year: an amendment withdrawn later leaves them as they are
        year = first - relativedelta(years=1)
        held = or_(held, and_(c.status == CANCELLED, c.status_reason.startswith(answered, autoescape=True), c.period_end >= year))
    query = select(OBLIGATIONS).where(c.framework == framework, c.cadence >= 0, held, c.period_end < first)
    return {r.id: from_row(r) for r in conn.execute(query)}


def done_within(conn: Connection, framework: str, since: date, until: date, rows: set[tuple[str, int]]) -> list[Obligation]:
    """The planner's done obligations of the (row, cadence) pairs in ``rows`` whose periods lie within since..until
    (work done counts towards a longer period the framework now has: :func:`qaf.engine.reconcile.done_counts`)."""
    if not rows:
        return []
    c = OBLIGATIONS.c
    query = select(OBLIGATIONS).where(c.framework == framework, c.cadence >= 0, c.status == DONE, c.period_start >= since,
                                      c.period_end <= until, c.row.in_(sorted({r for r, _ in rows})))  # fmt: skip
    return [from_row(r) for r in conn.execute(query) if (r.row, r.cadence) in rows]


def trigger_made(conn: Connection, framework: str, cancelled: str | None = None) -> tuple[dict[str, Obligation], dict[str, Obligation]]:
    """The framework's live obligations a trigger created (cadence < 0), and every obligation up their chains of
    causes, the done ones with their outcomes (who did an audit never moderates it). ``cancelled``: with them
    the cancelled ones whose reason begins so (work that may be taken up again)."""
    c = OBLIGATIONS.c
    which = c.status.in_(LIVE) if cancelled is None else or_(c.status.in_(LIVE), and_(c.status == CANCELLED, c.status_reason.startswith(cancelled, autoescape=True)))
    live = {r.id: from_row(r) for r in conn.execute(select(OBLIGATIONS).where(c.framework == framework, c.cadence < 0, which))}
    known = dict(live)
    asked: set[str] = set(live)
    wanted = {o.cause for o in live.values() if o.cause} - asked
    while wanted:  # usually one step: a follow-up's cause is the scheduled audit
        asked |= wanted
        ids = sorted(wanted)
        for part in chunked(ids, 5000):
            known.update((r.id, from_row(r)) for r in conn.execute(select(OBLIGATIONS).where(c.id.in_(part))))
        wanted = {o.cause for o in known.values() if o.cause} - asked
    causes = sorted(i for i in asked - live.keys() if i in known and known[i].status == DONE)
    for part in chunked(causes, 5000):
        for r in conn.execute(select(OUTCOMES).where(OUTCOMES.c.obligation.in_(part))):
            known[r.obligation] = dataclass_replace(known[r.obligation], outcome=_outcome(r))
    return live, known


def case_history(conn: Connection, first: date, last: date, months: int) -> CaseHistory:
    """Cases audited, or chosen for an audit still to do, around the window."""
    lo, hi = first - relativedelta(months=months + 1), last + relativedelta(months=months + 1)
    query = (
        select(OBLIGATIONS.c.case_ref, OBLIGATIONS.c.period_start, OBLIGATIONS.c.status, OUTCOMES.c.audit_date)
        .select_from(OBLIGATIONS.outerjoin(OUTCOMES, OUTCOMES.c.obligation == OBLIGATIONS.c.id))
        .where(
            OBLIGATIONS.c.case_ref.is_not(None),
            OBLIGATIONS.c.status.in_((*LIVE, DONE)),
            OBLIGATIONS.c.kind.in_(("audit", "follow_up_audit")),
            OBLIGATIONS.c.period_start >= lo,
            OBLIGATIONS.c.period_start <= hi,
        )
    )
    history = CaseHistory()
    for r in conn.execute(query):
        history.add(r.case_ref, r.audit_date or r.period_start)
    return history


def completed_audits(conn: Connection, framework: str, first: date, last: date) -> list[Completed]:
    """Done audits whose outcome dates fall in the year before the window up to its end.

    Each says whether it is moderated already: its grade moderated, or a
    moderation of it (any period's sample, any trigger's) done or still
    to do. A sample never draws such an audit again (a cadence amended from
    monthly to quarterly would otherwise draw December's moderated audit once
    more in January, a moderation nobody can do).
    """
    mod = OBLIGATIONS.alias("moderation")
    moderation = (
        select(mod.c.id)
        .where(mod.c.cause == OBLIGATIONS.c.id, mod.c.kind == "moderation", mod.c.status.in_((DONE, *LIVE)))
        .exists()
    )
    moderated = or_(OUTCOMES.c.moderated_grade.is_not(None), moderation).label("moderated")
    query = (
        select(OBLIGATIONS.c.id, OBLIGATIONS.c.row, OUTCOMES.c.audit_date, OBLIGATIONS.c.assignee, OBLIGATIONS.c.case_ref, OBLIGATIONS.c.team,
               OUTCOMES.c.by, moderated)
        .select_from(OBLIGATIONS.join(OUTCOMES, OUTCOMES.c.obligation == OBLIGATIONS.c.id))
        .where(
            OBLIGATIONS.c.framework == framework,
            OBLIGATIONS.c.status == DONE,
            OBLIGATIONS.c.kind.in_(("audit", "follow_up_audit")),
            OUTCOMES.c.audit_date >= first - relativedelta(years=1),
            OUTCOMES.c.audit_date <= last,
        )
    )
    return [Completed(r.id, r.row, r.audit_date, r.assignee, r.case_ref, r.team, r.by, bool(r.moderated)) for r in conn.execute(query)]


ANALYZE_AT = 2_000  # new obligations in one go from which the database's statistics are refreshed
STATISTICS_TARGET = 30  # PostgreSQL: that refresh samples 300 times this many rows
ANALYZED = ("framework", '"row"', "cadence", "kind", "assignee", "case_ref", "team", "period_start", "period_end", "due",
            "status", "cause", "escalated")  # fmt: skip


class Streamed:
    """PostgreSQL: a plan's obligations written as the planner makes them, into a window the store
    holds nothing of (the planner's ``sink``); :func:`apply` then writes only the rest.

    The server inserts each batch while the next is planned: a council's first
    year costs about the planning or the writing, whichever is longer, not both.
    """

    def __init__(self, conn: Connection) -> None:
        self.now = _now()
        self.ids: set[str] = set()
        self._stream = CopyStream(conn, OBLIGATIONS, ROW_COLUMNS)

    def __call__(self, obligations: list[Obligation]) -> None:
        now = self.now
        self.ids.update(o.id for o in obligations)
        self._stream.add([to_values(o, now) for o in obligations])

    def close(self) -> "Streamed | None":
        """Itself once its obligations are in; None when a key was there first and none are (write them all again)."""
        return self if self._stream.close() is not None else None

    def abort(self) -> None:
        self._stream.abort()


def apply(conn: Connection, new: Iterable[Obligation], updates: Iterable[tuple[Obligation, dict[str, Any]]],
          streamed: Streamed | None = None) -> int:  # fmt: skip
    """Insert new obligations (an id already there is left alone) and update others; the number inserted.

    ``updates`` pairs an obligation as read with the columns to change; its
    ``sequence`` grows by one and ``updated_at`` is now. ``streamed``: the new
    obligations already written as they were planned (only the rest are).

    An update is made only to the obligation as it was read (its ``sequence``
    unchanged): one written meanwhile by another transaction (an outcome
    recorded while a schedule planned, on PostgreSQL) is never overwritten
    with what was read before; :class:`Changed` is raised instead, for the
    caller to roll back and read again.
    """
    now = _now() if streamed is None else streamed.now
    new = list(new)
    rest = new if streamed is None else [o for o in new if o.id not in streamed.ids]
    created = insert_new(conn, OBLIGATIONS, [to_values(o, now) for o in rest], ["id"], ROW_COLUMNS) + len(new) - len(rest)
    if created >= ANALYZE_AT:
        # a fresh council's first schedule: without statistics the planners guess. PostgreSQL's
        # case-history query on the recording path scanned the whole table (8 ms instead of 1.5 ms);
        # SQLite walked every open obligation for one person's `due` (its "assignee = ? OR attends"
        # takes two indexes only when it knows the status index is not selective: 80 ms -> 18 ms
        # for a person of a large council, machine busy). PostgreSQL samples at most 30,000 rows
        # (~0.1 s) and counts this transaction's own new rows.
        # PostgreSQL: only the columns queries filter, join or sort on (titles, reasons and the
        # unique ids cost half of a full ANALYZE and guide no plan), from a sample of 9,000 rows
        # (statistics target 30, not the server's 100: 20 ms, not 45, for a large council's year; the
        # estimates that choose an index need no finer ones, and autovacuum's later analyses take the
        # server's own); SQLite analyses its indexes
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SET LOCAL default_statistics_target = {STATISTICS_TARGET}")
            conn.exec_driver_sql(f"ANALYZE obligations ({', '.join(ANALYZED)})")
        else:
            conn.exec_driver_sql("ANALYZE obligations")
        conn.exec_driver_sql("ANALYZE attendance")
    updates = list(updates)
    changed = len(updates) - _apply_updates(conn, [_update(old, fields, now) for old, fields in updates])
    if changed:
        raise Changed(changed)
    later = sorted(old.id for old, fields in updates if fields.get("due", old.due) > old.due)
    for part in chunked(later):  # due later now (the framework's period grew): its ladder starts again from the new date
        conn.execute(update(OBLIGATIONS).where(OBLIGATIONS.c.id.in_(part)).values(escalated=NOT_ESCALATED))
    _attendance(conn, [(o.id, o.attendees, o.copies) for o in new if o.attendees or o.copies], [])
    regrouped = [(old.id, fields.get("attendees", old.attendees), fields.get("copies", old.copies))
                 for old, fields in updates if set(fields) & set(PEOPLE_COLUMNS)]  # fmt: skip
    _attendance(conn, regrouped, [oid for oid, _, _ in regrouped])
    return created


def _attendance(conn: Connection, groups: list[tuple[str, tuple[str, ...], tuple[str, ...]]], replaced: list[str]) -> None:
    """Keep the attendance index in step with the obligations' ``attendees`` and ``copies``."""
    for part in chunked(replaced):
        conn.execute(delete(ATTENDANCE).where(ATTENDANCE.c.obligation.in_(part)))
    rows = [{"obligation": oid, "person": p, "role": "attending"} for oid, attending, _ in groups for p in attending]
    rows += [{"obligation": oid, "person": p, "role": "copy"} for oid, attending, copies in groups for p in copies
             if p not in attending]  # fmt: skip
    insert_new(conn, ATTENDANCE, rows, ["obligation", "person"])


def touch(conn: Connection, *where: Any) -> int:
    """Mark the obligations ``where`` selects as changed (``sequence`` grows, ``updated_at`` is now); how many.

    For what a calendar shows of an obligation that is not in its row: its
    assignee's name, the title of the obligation that set it off, the row's
    purpose. When one of those changes, its events must say they changed, or a
    subscriber's client keeps the old words.
    """
    c = OBLIGATIONS.c
    stmt = update(OBLIGATIONS).where(and_(True, *where)).values(sequence=c.sequence + 1, updated_at=_now())
    return conn.execute(stmt).rowcount


def touch_set_off_by(conn: Connection, causes: list[str]) -> int:
    """Mark as changed what the obligations ``causes`` set off: their events quote the cause's title."""
    return touch(conn, OBLIGATIONS.c.cause.in_(causes)) if causes else 0


def state(conn: Connection, framework: str) -> str:
    """A digest of the framework's obligations: any insert or update changes it."""
    from sqlalchemy import func

    c = OBLIGATIONS.c
    n, latest = conn.execute(select(func.count(), func.max(c.updated_at)).where(c.framework == framework)).one()
    return f"{n}|{latest}"


def overdue_by_holder(conn: Connection, framework: str, today: date) -> list[tuple[str | None, int, date]]:
    """Each holder of ``framework``'s work overdue on ``today`` (live, due before it; None: nobody): how many
    pieces and the oldest due date, counted by the database on ``ix_obligations_status_due``. Read as
    obligations and counted here, a large council's 10,817 overdue took 100 ms, the count itself 4."""
    from sqlalchemy import func

    c = OBLIGATIONS.c
    found = select(c.assignee, func.count(), func.min(c.due)).where(c.status.in_(LIVE), c.due < today, c.framework == framework)
    return [(who, n, oldest) for who, n, oldest in conn.execute(found.group_by(c.assignee))]


def _update(old: Obligation, fields: dict[str, Any], now: datetime) -> dict[str, Any]:
    row = {c: getattr(old, "case" if c == "case_ref" else c) for c in MUTABLE}
    row.update(fields)
    row.update({c: joined(row[c]) for c in PEOPLE_COLUMNS})
    return {"id": old.id, **row, "sequence": old.sequence + 1, "updated_at": now}


class Changed(QafError):
    """Obligations read to be updated were written by someone else meanwhile: roll back, read again."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} obligation(s) changed while this was being worked out (an outcome recorded meanwhile?): "
                         "nothing was changed; run it again")  # fmt: skip
        self.count = count


def _apply_updates(conn: Connection, updates: list[dict[str, Any]]) -> int:
    """The updates made, each only to an obligation still at the ``sequence`` it was read at; how many."""
    return update_rows(conn, OBLIGATIONS, "id", updates, guard=lambda target, given: target.sequence == given["sequence"] - 1)


# --- reading ---------------------------------------------------------------------


def _outcome(r: Any) -> Outcome | None:
    if r is None or r.grade is None:
        return None
    return Outcome(
        grade=r.grade, concerns=r.concerns, by=r.by, date=r.audit_date,
        areas=tuple(sorted((r.areas or {}).items())), notes=r.notes or "", contested=r.contested,
        moderated_grade=r.moderated_grade, moderated_by=r.moderated_by, moderated_on=r.moderated_on,
        moderated_areas=tuple(sorted((r.moderated_areas or {}).items())),
        signoff_by=r.signoff_by, signoff_on=r.signoff_on,
    )  # fmt: skip


_OB = OBLIGATIONS.c
# the columns in Obligation's own order, then its people and its outcome: rows become objects by position
_FIELDS = (_OB.id, _OB.framework, _OB.row, _OB.cadence, _OB.kind, _OB.title, _OB.assignee, _OB.subject_kind, _OB.subject,
           _OB.period_start, _OB.period_end, _OB.due, _OB.case_ref, _OB.team, _OB.status, _OB.status_reason, _OB.cause,
           _OB.seq, _OB.sample_reason, _OB.sequence)  # fmt: skip
_N = len(_FIELDS)
_O = OUTCOMES.c
_FOUND = (*_FIELDS, _OB.attendees, _OB.copies, _O.grade, _O.concerns, _O.by, _O.audit_date, _O.areas, _O.notes, _O.contested,
          _O.moderated_grade, _O.moderated_by, _O.moderated_on, _O.moderated_areas, _O.signoff_by, _O.signoff_on)  # fmt: skip


CAUSE = OBLIGATIONS.alias("cause_ob")  # the obligation whose outcome set this one off
# its title, looked up by its key for the few obligations that have a cause (follow-ups), not joined: joined,
# PostgreSQL hashed the whole table for a role's 576 rows (15 of its 17 ms), its estimate four times the rows
_CAUSE_TITLE = case((_OB.cause.is_(None), null()), else_=select(CAUSE.c.title).where(CAUSE.c.id == _OB.cause).scalar_subquery())
# a feed's rows: _FOUND's layout, so the same builder makes them, but of its outcome only what a feed shows (grade,
# concerns, by whom, when): the rest of _FOUND (key areas, notes, moderation, sign-off) is never read for a feed,
# each an empty column in its place (contested: false); then its last change and its cause's title
_SHOWN = _N + 6  # the obligation, its people, and the outcome's grade, concerns, by whom and when
_FED = (*_FOUND[:_SHOWN], *((false() if c is _O.contested else null()).label(f"no_{c.name}") for c in _FOUND[_SHOWN:]),
        _OB.updated_at, _CAUSE_TITLE.label("cause_title"))  # fmt: skip
FED = len(_FOUND)  # where a feed row's own columns begin: updated_at, then the cause's title


_SCALARS = ("framework", "team", "row", "kind", "due_from", "due_to")  # a condition when set (truthy)
_SETS = ("teams", "statuses", "ids", "kinds", "subjects", "cases")  # a condition when not None (an empty one selects nothing)


def _shape(f: Filters) -> tuple[bool, bool, tuple[str, ...]]:
    """Which conditions ``f`` sets: one statement is built per shape and reused, its values bound at each call."""
    person = f.assignees is not None and bool(f.attending)
    present = tuple(k for k in _SCALARS if getattr(f, k)) + tuple(k for k in _SETS if getattr(f, k) is not None)
    return person, f.assignees is not None, present


def _values(f: Filters) -> dict[str, Any]:
    values: dict[str, Any] = {k: getattr(f, k) for k in _SCALARS if getattr(f, k)}
    values.update({k: sorted(getattr(f, k)) for k in (*_SETS, "assignees", "attending") if getattr(f, k) is not None})
    return values


_BOUND = {
    "framework": lambda c: c.framework == bindparam("framework"),
    "team": lambda c: c.team == bindparam("team"),
    "row": lambda c: c.row == bindparam("row"),
    "kind": lambda c: c.kind == bindparam("kind"),
    "due_from": lambda c: c.due >= bindparam("due_from"),
    "due_to": lambda c: c.due <= bindparam("due_to"),
    "teams": lambda c: c.team.in_(bindparam("teams", expanding=True)),
    "statuses": lambda c: c.status.in_(bindparam("statuses", expanding=True)),
    "ids": lambda c: c.id.in_(bindparam("ids", expanding=True)),
    "kinds": lambda c: c.kind.in_(bindparam("kinds", expanding=True)),
    "subjects": lambda c: c.subject.in_(bindparam("subjects", expanding=True)),
    "cases": lambda c: c.case_ref.in_(bindparam("cases", expanding=True)),
}


@lru_cache(maxsize=128)
def _statement(shape: tuple[bool, bool, tuple[str, ...]], feed: bool = False, window: bool = False):
    """The SELECT for one shape of filters (see :func:`query`), built once: a fresh statement costs SQLAlchemy
    more to key and compile than the database takes to answer it.

    ``feed``: a feed's rows (:data:`_FED`: with the cause's title); ``window``: and of finished work only what is
    inside the done window (:func:`feed_statement`'s ``live``, ``done_due`` and ``done_on``).
    """
    person, assigned, present = shape
    rest = [_BOUND[k](_OB) for k in present]
    if window:
        rest.append(or_(_OB.status.in_(bindparam("live", expanding=True)), _OB.due >= bindparam("done_due"),
                        _O.audit_date >= bindparam("done_on")))  # fmt: skip
    joined = OBLIGATIONS.outerjoin(OUTCOMES, OUTCOMES.c.obligation == _OB.id)
    columns = _FED if feed else _FOUND
    people = bindparam("assignees", expanding=True)
    if person:
        attended = select(ATTENDANCE.c.obligation).where(ATTENDANCE.c.person.in_(bindparam("attending", expanding=True)))
        own = select(*columns).select_from(joined).where(_OB.assignee.in_(people), *rest)
        others = select(*columns).select_from(joined).where(
            _OB.id.in_(attended), or_(_OB.assignee.is_(None), _OB.assignee.not_in(people)), *rest
        )
        both = union_all(own, others).subquery()
        return select(both).order_by(both.c.due, both.c.row, both.c.id)
    if assigned:
        rest.append(_OB.assignee.in_(people))
    return select(*columns).select_from(joined).where(and_(True, *rest)).order_by(_OB.due, _OB.row, _OB.id)


def feed_statement(f: Filters, finished_since: date | None) -> tuple[Any, dict[str, Any]]:
    """The SELECT a feed runs for ``f`` (its rows: :data:`_FED`), and its values: finished work only if it was
    due, or done, on or after ``finished_since`` (all of it if None)."""
    values = _values(f)
    if finished_since is not None:
        values.update(live=sorted(LIVE), done_due=finished_since, done_on=finished_since)
    return _statement(_shape(f), True, finished_since is not None), values


def query(f: Filters):
    """The SELECT :func:`find` runs for ``f``, its values bound.

    One person's work is their own (``assignee``) and what they attend or are
    copied into (``attendance``). As one ``assignee = X OR id IN (...)``
    PostgreSQL scans the whole table; as two selects, each on its own index,
    joined by UNION ALL (the second leaves out what the first has), it reads
    only the person's rows. No UNION: the outcome's JSON columns cannot be
    compared for duplicates, and there are none to remove.
    """
    return _statement(_shape(f)).params(**_values(f))


def _builder(processors: tuple[Any, ...] = (), feed: bool = False):
    """``build(row)``: one joined row of :data:`_FOUND` as an :class:`Obligation`, outcome included.

    ``processors`` (one per column, None for none): the dialect's result
    processors (SQLAlchemy's own), for rows read straight from the driver's
    cursor; the outcome's only when there is one. ``feed``: rows of
    :data:`_FED` (the first :data:`FED` columns), whose outcome is there
    whenever one was recorded, graded or not; otherwise only when graded.

    Made once, as dataclasses make ``__init__``: the new object's slots are filled
    through their descriptors, in field order, from the row unpacked once. A
    frozen dataclass's ``__init__`` sets each of its 23 fields through
    ``object.__setattr__`` by name and parses keywords: about three times the
    cost (7 us against 2.5 us a row here; a person's 175 rows: 0.8 ms of
    ``due()``). Nothing is validated or defaulted by ``__init__`` that is not set
    here: every field is given (``tests/test_read_path.py`` compares it with the
    constructor, field by field).
    """
    names = [fl.name for fl in dataclass_fields(Obligation)]
    columns = ["case" if c.name == "case_ref" else c.name for c in _FIELDS]
    if names != [*columns, "attendees", "copies", "outcome"]:  # a field added, removed or moved: say so at import
        raise RuntimeError(f"store/obligations.py reads Obligation's fields {columns} + people + outcome; it has {names}")
    if hasattr(Obligation, "__post_init__"):
        raise RuntimeError("Obligation has a __post_init__: build it with its constructor")
    values = [f"v{i}" for i in range(len(columns))]
    outcome = ["grade", "concerns", "by", "on", "areas", "notes", "contested", "m_grade", "m_by", "m_on", "m_areas", "s_by", "s_on"]
    lines = [
        "def build(r, new=object.__new__, cls=Obligation, Outcome=Outcome, sorted=sorted, tuple=tuple, "
        + ", ".join([*(f"s{i}=setters[{i}]" for i in range(len(names))), *(f"p{i}=processors[{i}]" for i, p in enumerate(processors) if p)])
        + "):",
        f"    {', '.join(values)}, attendees, copies, {', '.join(outcome)} = r",
        *(f"    {v} = p{i}({v})" for i, v in enumerate(values) if i < len(processors) and processors[i] is not None),
        "    o = new(cls)",
        *(f"    s{i}(o, {v})" for i, v in enumerate(values)),
        f"    s{len(values)}(o, tuple(attendees.split(';')) if attendees else ())",
        f"    s{len(values) + 1}(o, tuple(copies.split(';')) if copies else ())",
        # find's obligations carry an outcome only when it was graded; a feed's whenever one was recorded (work
        # done that takes no grade still says when and by whom): the outcome's date is never empty
        f"    if {'on' if feed else 'grade'} is not None:",
        *(f"        {v} = p{i}({v})" for i, v in enumerate(outcome, len(values) + 2)
          if i < len(processors) and processors[i] is not None),  # fmt: skip
        f"        s{len(values) + 2}(o, Outcome(grade, concerns, by, on, tuple(sorted((areas or {{}}).items())), notes or '', contested,"
        " m_grade, m_by, tuple(sorted((m_areas or {}).items())), m_on, s_by, s_on))",
        "    else:",
        f"        s{len(values) + 2}(o, None)",
        "    return o",
    ]
    if any(processors[i] is not None for i in (len(values), len(values) + 1, len(values) + 2) if i < len(processors)):
        raise RuntimeError("the people and the grade are read as the driver gives them")
    scope = {"Obligation": Obligation, "Outcome": Outcome, "setters": [getattr(Obligation, n).__set__ for n in names], "processors": processors}
    exec("\n".join(lines), scope)  # noqa: S102 - our own text, as dataclasses' own __init__ is made
    return scope["build"]


build = _builder()
build_fed = _builder(feed=True)  # a feed's rows (:data:`_FED`), on SQLAlchemy's path


def find(conn: Connection, f: Filters) -> list[Obligation]:
    """The obligations ``f`` selects, in due order, each with its outcome: built by position (:func:`build`), not by name.

    Inside a transaction already begun (the read path's: its versions probe
    came first) the statement runs on the driver's cursor, as SQLAlchemy
    would run it: the same SQL and parameters (:meth:`SQLCompiler.construct_expanded_state`,
    the bind processors), the rows fetched at once and converted by the
    dialect's own result processors, without SQLAlchemy's execution context and
    Row objects per row (0.3 ms of a person's ``due()`` on SQLite), as
    :mod:`qaf.store.prepared` runs the hottest writes. An engine with statement
    listeners (tracing, the round-trip tests) takes SQLAlchemy's path, so they see every statement.
    """
    statement, values = _statement(_shape(f)), _values(f)
    fetched = fetch(conn, statement, values)
    if fetched is None:
        return list(map(build, conn.execute(statement, values)))
    rows, made = fetched
    return list(map(made, rows))


def fetch(conn: Connection, statement: Any, values: dict[str, Any], feed: bool = False) -> tuple[list, Any] | None:
    """:func:`find`'s path: ``statement`` (one of :func:`_statement`'s) run on the driver's cursor, its rows as the
    driver gives them and the builder that makes each row's first :data:`FED` columns an Obligation with the
    dialect's result processors; None where SQLAlchemy's path must be taken (outside a transaction, an
    engine with statement listeners, a statement this path does not take). ``feed``: a feed's rows, whose
    obligations carry an outcome whenever one was recorded (:func:`_builder`)."""
    if not conn.in_transaction() or conn.dispatch.before_cursor_execute or conn.dispatch.after_cursor_execute:
        return None
    compiled, binds, made = _compiled(statement, conn.dialect, feed)
    if made is None:  # a statement this path does not take (names escaped, numbered parameters)
        return None
    state = compiled.construct_expanded_state(values)
    every, given = ({**binds, **state.processors} if state.processors else binds), state.parameters
    if compiled.positional:
        params: Any = tuple(every[k](given[k]) if k in every else given[k] for k in state.positiontup)
    else:
        params = {k: every[k](v) if k in every else v for k, v in given.items()}
    rows: list = []

    def run(cursor) -> None:
        cursor.execute(state.statement, params)
        rows.extend(cursor.fetchall())

    Prepared._execute(conn, (state.statement,), run)  # a failure raised as SQLAlchemy would raise it, a dead connection dropped
    return rows, made


@lru_cache(maxsize=64)
def _compiled(statement: Any, dialect: Any, feed: bool = False) -> tuple[Any, dict[str, Any], Any]:
    """One statement compiled for one dialect, its bind processors (as SQLAlchemy applies them), and the builder
    converting its rows with the dialect's result processors; no builder if the statement needs what this path lacks."""
    compiled = statement.compile(dialect=dialect)
    if compiled.escaped_bind_names or getattr(compiled, "_numeric_binds", False) or compiled.literal_execute_params:
        return compiled, {}, None
    binds = {k: v for k, v in compiled._bind_processors.items() if v is not None}
    try:
        return compiled, binds, _builder(result_processors(statement, dialect), feed)
    except RuntimeError:  # the people or the grade would need converting: SQLAlchemy's path
        return compiled, binds, None


@lru_cache(maxsize=64)
def result_processors(statement: Any, dialect: Any) -> tuple[Any, ...]:
    """The dialect's result processor (SQLAlchemy's own; None for none) for each column ``statement`` selects."""
    return tuple(c.type.dialect_impl(dialect).result_processor(dialect, None) for c in statement.selected_columns)


class _OutcomeView:
    """The outcome columns of a joined row, by their own names."""

    def __init__(self, r: Any) -> None:
        self._r = r

    def __getattr__(self, name: str) -> Any:
        return getattr(self._r, f"o_{name}")
