"""Outcomes in the store: recording, moderating, contesting, extending, and what follows.

Every function takes the caller's connection: the caller holds one
transaction for a recording and everything the rules produced from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, timezone
from typing import Any, Iterable

from sqlalchemy import Connection, bindparam, func, insert, literal_column, select, update

from qaf.engine.model import DONE, LIVE, CaseHistory, Obligation
from qaf.engine.notices import Notice
from qaf.engine.periods import months_after
from qaf.rules.problems import QafError
from qaf.store.obligations import OBLIGATIONS, OUTCOMES, _outcome, _OutcomeView, from_row, to_row
from qaf.store.prepared import Prepared, Query, run_together
from qaf.store.tables import EVENTS, EXTENDED, FRAMEWORKS, META, NOT_ESCALATED, OUTBOX
from qaf.store.upsert import chunked, insert_new


class NoSuchObligation(QafError, LookupError):
    pass


def now() -> datetime:
    return datetime.now(timezone.utc)


def resolve(conn: Connection, text: str) -> str:
    """A full obligation id from what the user typed (an id or a unique prefix of one)."""
    text = text.strip().lower()
    if not text or any(ch not in "0123456789abcdef" for ch in text):
        raise NoSuchObligation(f"'{text}' is not an obligation id (ids are hexadecimal, as 'qaf due' shows them)")
    if len(text) == 16:  # a whole id: load() says whether it exists
        return text
    found = [r.id for r in conn.execute(select(OBLIGATIONS.c.id).where(OBLIGATIONS.c.id.like(text + "%")).limit(6))]
    if not found:
        raise NoSuchObligation(f"no obligation '{text}'")
    if len(found) > 1:
        raise NoSuchObligation(f"'{text}' could be any of {', '.join(found[:5])}{', ...' if len(found) > 5 else ''}: give more of the id")
    return text if text in found else found[0]


# statements on the recording path are built once: SQLAlchemy spends ten times the query's own
# cost working out the cache key of a freshly built statement
# only the columns an Obligation and its Outcome are made of (from_row, _outcome): not the timestamps nobody reads
# here (each a string parsed to a datetime), nor the ladder's rung, nor the outcome's key
_UNREAD = {"escalated", "created_at", "updated_at", "obligation", "recorded_at"}
_LOAD = (
    select(*[c for c in OBLIGATIONS.columns if c.name not in _UNREAD],
           *[c.label(f"o_{c.name}") for c in OUTCOMES.columns if c.name not in _UNREAD])  # fmt: skip
    .select_from(OBLIGATIONS.outerjoin(OUTCOMES, OUTCOMES.c.obligation == OBLIGATIONS.c.id))
    .where(OBLIGATIONS.c.id == bindparam("oid"))
)
_LOAD_LOCKED = _LOAD.with_for_update(of=OBLIGATIONS)
# ... and, in the same round trip, the versions of the organisation and of the obligation's framework
_ORG_VERSION = select(META.c.value).where(META.c.key == "org_version")
_FW_VERSION = select(FRAMEWORKS.c.content_hash).where(FRAMEWORKS.c.id == OBLIGATIONS.c.framework)


def _versions(held: bool) -> tuple:
    """The two versions as columns of the obligation's read; ``held``: locked shared (PostgreSQL) until the
    recording commits, so an organisation or a framework loaded meanwhile waits for it (or it for them, and it
    reads theirs). Unheld, a recording that read Moira Moderator in post made her a moderation after HR's file
    said she had left and the schedule had passed her work on: it stayed hers, every later schedule skipped as
    planned on that organisation. Taken before the obligation's own lock (a sub-select's rows are locked as the
    row is made), as :func:`hold_versions` does."""
    org, fw = (_ORG_VERSION.with_for_update(read=True), _FW_VERSION.with_for_update(read=True)) if held else (_ORG_VERSION, _FW_VERSION)
    return org.scalar_subquery().label("v_org"), fw.scalar_subquery().label("v_fw")


_LOAD_VERSIONED = _LOAD.add_columns(*_versions(held=False))
_LOAD_VERSIONED_LOCKED = _LOAD.add_columns(*_versions(held=True)).with_for_update(of=OBLIGATIONS)
# ... run on the driver's cursor (store.prepared.Query): the recording path's one read
_READ_VERSIONED = {False: Query(_LOAD_VERSIONED, ("oid",)), True: Query(_LOAD_VERSIONED_LOCKED, ("oid",))}
_MOVE = (
    update(OBLIGATIONS)
    .where(OBLIGATIONS.c.id == bindparam("oid"), OBLIGATIONS.c.status.in_([literal_column(f"'{s}'") for s in sorted(LIVE)]))
    .values(status=bindparam("status"), status_reason=bindparam("reason"), sequence=bindparam("sequence"),
            updated_at=bindparam("at"))  # fmt: skip
)
# a new due date (more time given): the ladder starts again from it, so the tick's narrow read must see it
_SET_STATUS = _MOVE.values(due=bindparam("due"), escalated=bindparam("restart"))
_AUDITED = frozenset((*LIVE, DONE))


@lru_cache(maxsize=32)
def _history_for(n: int) -> Query:
    """The case history's query for ``n`` cases, run on the driver's cursor (a team's cases: SQLAlchemy's
    expanding ``IN`` cost more than the query).

    Only the case_ref index narrows this: status and kind are filtered in Python, or SQLite's
    planner (without statistics) may pick the status index and scan a council's whole year.
    """
    c = OBLIGATIONS.c
    query = (
        select(c.case_ref, c.period_start, c.status, c.kind, OUTCOMES.c.audit_date)
        .select_from(OBLIGATIONS.outerjoin(OUTCOMES, OUTCOMES.c.obligation == c.id))
        .where(c.case_ref.in_([bindparam(f"ref{i}") for i in range(n)]), c.period_start >= bindparam("since"))
    )
    return Query(query, [f"ref{i}" for i in range(n)] + ["since"])


_INSERT_OUTCOME = insert(OUTCOMES)
_INSERT_EVENT = insert(EVENTS)
# the three writes every recording makes, run on the driver's cursor (store.prepared says why)
_OUTCOME_KEYS = ("obligation", "recorded_at", "grade", "concerns", "areas", "by", "audit_date", "notes")
_SAVE_OUTCOME = Prepared(_INSERT_OUTCOME, _OUTCOME_KEYS)
_SAVE_OUTCOME_KEYS = set(_OUTCOME_KEYS)
_LOG = Prepared(insert(EVENTS).inline(), ("at", "kind", "ref", "payload"))
_MOVE_ON = Prepared(_SET_STATUS, ())
# the due date left as it is: SQLite then leaves the three indexes on ``due`` alone (fewer pages to commit)
_MOVE_ON_SAME_DUE = Prepared(_MOVE, ())


def load(conn: Connection, oid: str, lock: bool = False) -> Obligation:
    query = _LOAD_LOCKED if lock and conn.dialect.name == "postgresql" else _LOAD
    row = conn.execute(query, {"oid": oid}).first()
    if row is None:
        raise NoSuchObligation(f"no obligation '{oid}'")
    return from_row(row, _outcome(_OutcomeView(row)))


def load_versioned(conn: Connection, oid: str, lock: bool = False) -> tuple[Obligation, int, str]:
    """The obligation (locked on PostgreSQL), the organisation's version and its framework's hash."""
    row = _READ_VERSIONED[lock and conn.dialect.name == "postgresql"].first(conn, {"oid": oid})
    if row is None:
        raise NoSuchObligation(f"no obligation '{oid}'")
    return from_row(row, _outcome(_OutcomeView(row))), int(row.v_org or 0), row.v_fw


def hold_versions(conn: Connection) -> None:
    """Hold the organisation's version and every framework's as read (PostgreSQL), shared, until the
    transaction ends: a recording's triggers are worked out on them, and an organisation or framework loaded
    meanwhile (and the schedule after it) waits for what the recording makes. Taken before any obligation's
    lock, in the order the locked read takes them (an organisation load renaming someone takes the version,
    then touches their work)."""
    if conn.dialect.name != "postgresql":
        return  # SQLite's write transaction holds the whole file already
    conn.execute(_ORG_VERSION.with_for_update(read=True)).all()
    conn.execute(select(FRAMEWORKS.c.id).order_by(FRAMEWORKS.c.id).with_for_update(read=True)).all()


def lock_in_order(conn: Connection, oids: Iterable[str]) -> None:
    """Lock these obligations (PostgreSQL) in id order, the order the tick locks the work it escalates: a
    recording of many outcomes that locked them in its file's order, one by one, could hold one the tick
    wanted next while waiting for one the tick held, and PostgreSQL would end one of the two."""
    if conn.dialect.name != "postgresql":
        return  # SQLite's write transaction holds the whole file already
    c = OBLIGATIONS.c
    for part in chunked(sorted(set(oids))):
        conn.execute(select(c.id).where(c.id.in_(part)).order_by(c.id).with_for_update()).all()


def save_outcome(conn: Connection, ob: Obligation, values: dict[str, Any]) -> None:
    row = {"obligation": ob.id, "recorded_at": now(), **values}
    if row.keys() == _SAVE_OUTCOME_KEYS:
        _SAVE_OUTCOME.run(conn, row)
    else:
        conn.execute(_INSERT_OUTCOME, row)


def update_outcome(conn: Connection, oid: str, values: dict[str, Any]) -> None:
    conn.execute(update(OUTCOMES).where(OUTCOMES.c.obligation == oid).values(**values))


def set_status(conn: Connection, ob: Obligation, status: str, reason: str | None = None, due: date | None = None) -> None:
    """Move a live obligation on; refused if someone else moved it first."""
    _moved(ob, _move_on(ob, due).run(conn, _moving(ob, status, reason, due)))


def _move_on(ob: Obligation, due: date | None) -> Prepared:
    return _MOVE_ON if due is not None and due != ob.due else _MOVE_ON_SAME_DUE


def _moving(ob: Obligation, status: str, reason: str | None, due: date | None) -> dict[str, Any]:
    return {"oid": ob.id, "status": status, "reason": reason, "sequence": ob.sequence + 1, "at": now(), "due": due or ob.due,
            "restart": NOT_ESCALATED}  # fmt: skip


def _moved(ob: Obligation, rows: int) -> None:
    if rows != 1:
        raise QafError(f"{ob.id} changed while this was being recorded (it is no longer open): nothing was recorded")


class Batch:
    """Writes of a recording held back to go to the database together (one round trip on PostgreSQL):
    the caller flushes it (:func:`flush`) before anything else reads or writes on the connection."""

    def __init__(self) -> None:
        self.statements: list[tuple[Prepared, Any]] = []
        self.moved: list[tuple[int, Obligation]] = []  # (statement index, obligation): each must move exactly one row


def record_done(conn: Connection, ob: Obligation, values: dict[str, Any], status: str, batch: Batch | None = None) -> None:
    """:func:`save_outcome` and :func:`set_status` (``ob`` moved on to ``status``), in one round trip on
    PostgreSQL; with ``batch``, held in it until it is flushed."""
    row = {"obligation": ob.id, "recorded_at": now(), **values}
    if row.keys() != _SAVE_OUTCOME_KEYS:
        flush(conn, batch)
        save_outcome(conn, ob, values)
        set_status(conn, ob, status)
        return
    held = batch or Batch()
    held.statements.append((_SAVE_OUTCOME, row))
    held.moved.append((len(held.statements), ob))
    held.statements.append((_move_on(ob, None), _moving(ob, status, None, None)))
    if batch is None:
        flush(conn, held)


def flush(conn: Connection, batch: Batch | None, events: list[tuple[str, str, dict[str, Any]]] | None = None) -> None:
    """Write what ``batch`` holds, and the event log lines ``events``, together; refused whole if an
    obligation it moves on was moved by someone else first."""
    statements = list(batch.statements) if batch is not None else []
    if events:
        statements.append((_LOG, _event_rows(events)))
    if not statements:
        return
    moved = list(batch.moved) if batch is not None else []
    if batch is not None:
        batch.statements.clear()
        batch.moved.clear()
    counts = run_together(conn, statements)
    for index, ob in moved:
        _moved(ob, counts[index])


def original_due(conn: Connection, ob: Obligation) -> date:
    """The due date before any extension: the first extension's "from", or the due date as it stands."""
    first = conn.execute(
        select(EVENTS.c.payload).where(EXTENDED, EVENTS.c.ref == ob.id).order_by(EVENTS.c.id).limit(1)
    ).scalar()
    return date.fromisoformat(first["from"]) if first else ob.due


def contested_by(conn: Connection, audit: str) -> str | None:
    """Who contested ``audit``'s grade, as the event log has it (None: the council's administrator, with no name).
    Read only for a grade recorded as contested: no index holds these lines, and a grade is contested rarely."""
    found = conn.execute(
        select(EVENTS.c.payload).where(EVENTS.c.kind == "outcome.contested", EVENTS.c.ref == audit).order_by(EVENTS.c.id.desc()).limit(1)
    ).scalar()
    return found.get("by") if found else None


def open_of_kind(conn: Connection, cause: str, kind: str) -> list[Obligation]:
    query = select(OBLIGATIONS).where(OBLIGATIONS.c.cause == cause, OBLIGATIONS.c.kind == kind, OBLIGATIONS.c.status.in_(LIVE))
    return [from_row(r) for r in conn.execute(query)]


def held_by_assignee(conn: Connection, framework: str, kind: str, first: date, last: date) -> dict[str, int]:
    """How many obligations of ``kind`` each person holds that begin in first..last (cancelled ones left out)."""
    query = (
        select(OBLIGATIONS.c.assignee, func.count())
        .where(OBLIGATIONS.c.framework == framework, OBLIGATIONS.c.kind == kind, OBLIGATIONS.c.status != "cancelled",
               OBLIGATIONS.c.period_start >= first, OBLIGATIONS.c.period_start <= last, OBLIGATIONS.c.assignee.is_not(None))
        .group_by(OBLIGATIONS.c.assignee)
    )  # fmt: skip
    return {r[0]: int(r[1]) for r in conn.execute(query)}


def history(conn: Connection, refs: Iterable[str], day: date, months: int) -> CaseHistory:
    """When these cases were audited (or chosen for an audit) around ``day``."""
    refs = sorted(set(refs))
    out = CaseHistory()
    if not refs:
        return out
    lo = months_after(day, -(months + 1))
    # the list padded to a power of two with its last case repeated (IN ignores repeats): few statements to compile
    size = 1 << (len(refs) - 1).bit_length()
    query = _history_for(size)
    params: dict[str, Any] = dict(zip(query.keys, refs + [refs[-1]] * (size - len(refs))))
    params["since"] = lo
    # column by column: a team's cases share a few dozen dates, each parsed once (not once a row)
    cases, starts, statuses, kinds, audited = query.columns(conn, params)
    for ref, start, status, kind, on in zip(cases, starts, statuses, kinds, audited):
        if status in _AUDITED and kind in ("audit", "follow_up_audit"):
            out.add(ref, on or start)
    return out


# a new notice is due at the first chance, whatever clock the sender runs on (a replayed year included)
FIRST_CHANCE = datetime(1970, 1, 1, tzinfo=timezone.utc)


def outbox_rows(notices: Iterable[Notice], at: datetime) -> list[dict[str, Any]]:
    return [
        {
            "key": n.key, "recipient": n.recipient, "recipient_email": n.email, "cc": ",".join(n.cc) or None, "subject": n.subject,
            "body_text": n.body, "body_html": "", "reason": n.reason, "cause": n.cause, "digest": n.digest,
            "status": "failed" if n.held else "pending", "last_error": n.held, "attempts": 0, "next_attempt_at": FIRST_CHANCE, "created_at": at,
        }  # fmt: skip
        for n in notices
    ]


def log(conn: Connection, kind: str, ref: str, payload: dict[str, Any]) -> None:
    _LOG.run(conn, {"at": now(), "kind": kind, "ref": ref, "payload": payload})


def log_many(conn: Connection, events: list[tuple[str, str, dict[str, Any]]]) -> None:
    if events:
        _LOG.run_many(conn, _event_rows(events))


def _event_rows(events: list[tuple[str, str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The event log's rows for ``(kind, ref, payload)`` lines, all at this moment."""
    at = now()
    return [{"at": at, "kind": k, "ref": r, "payload": p} for k, r, p in events]


@dataclass(frozen=True)
class Persisted:
    created: tuple[Obligation, ...]
    queued: tuple[Notice, ...]


def persist(
    conn: Connection, obligations: tuple[Obligation, ...], notices: tuple[Notice, ...],
    logged: tuple[tuple[str, str, dict[str, Any]], ...], events: list | None = None,
) -> Persisted:  # fmt: skip
    """Write what the rules produced: new obligations, queued notices, event log lines.

    With ``events`` given, log lines are added to it for the caller to write at once.
    """
    if obligations or notices:  # most outcomes set off nothing: no clock read, no rows built
        at = now()
        insert_new(conn, OBLIGATIONS, [to_row(o, at) for o in obligations], ["id"])
        insert_new(conn, OUTBOX, outbox_rows(notices, at), ["key"])
    if events is None:
        log_many(conn, list(logged))
    else:
        events.extend(logged)
    return Persisted(obligations, tuple(n for n in notices if n.held is None))  # a held one is a shortfall, not queued


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    key: str
    recipient: str | None
    recipient_email: str
    subject: str
    reason: str
    cause: str | None
    status: str
    digest: bool
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None


def outbox(conn: Connection, status: str | None = None) -> list[OutboxItem]:
    query = select(OUTBOX).order_by(OUTBOX.c.id)
    if status:
        query = query.where(OUTBOX.c.status == status)
    return [
        OutboxItem(r.id, r.key, r.recipient, r.recipient_email, r.subject, r.reason, r.cause, r.status, r.digest,
                   r.attempts, r.created_at, r.sent_at, r.last_error)  # fmt: skip
        for r in conn.execute(query)
    ]
