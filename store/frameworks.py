"""Frameworks in the store: the source text kept whole, one row per framework row."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

from sqlalchemy import Connection, bindparam, case, delete, func, insert, select, update

from qaf.rules.model import Framework
from qaf.rules.numbering import Known, number, number_moves, positional, row_order, struck, unknown_was
from qaf.rules.plain import INVISIBLE
from qaf.rules.problems import ADDED_SINCE, InputError, Problem, QafError, errors, format_problem
from qaf.store.protocols import FrameworkChange, StoredFramework
from qaf.store.tables import FRAMEWORKS, META, OBLIGATIONS, RULES
from qaf.store.upsert import upsert

log = logging.getLogger("qaf.store")


class UnknownFrameworkError(QafError, LookupError):
    def __init__(self, framework_id: str, known: list[str]) -> None:
        hint = f" (loaded: {', '.join(known)})" if known else " (none is loaded: run 'qaf framework load FILE')"
        super().__init__(f"no framework '{framework_id}'{hint}")


def save(conn: Connection, fw: Framework, text: str, filename: str) -> FrameworkChange:
    from qaf.rules.loader import content_hash

    previous = conn.execute(select(FRAMEWORKS.c.version, FRAMEWORKS.c.text, FRAMEWORKS.c.cadences, FRAMEWORKS.c.retired_on)
                            .where(FRAMEWORKS.c.id == fw.id)).first()  # fmt: skip
    retired = previous.retired_on if previous is not None else None
    if retired is not None:  # loaded again: in use again
        conn.execute(update(FRAMEWORKS).where(FRAMEWORKS.c.id == fw.id).values(retired_on=None))
    if previous is not None and previous.text.removeprefix("\ufeff") == text.removeprefix("\ufeff"):  # an older qaf kept a BOM
        return FrameworkChange(fw.id, "unchanged", previous.version, retired=retired)
    try:
        was = parse(conn, fw.id)[0] if previous is not None else None
    except InputError:  # the stored text no longer loads: the new one replaces it all the same
        was = None
    if previous is None:
        known = None
    elif previous.cadences is None:  # stored before cadence numbers were kept: they were the places
        known = positional(was) if was is not None else None
    else:
        known = json.loads(previous.cadences)
    if previous is not None and (problems := unknown_was(fw, known, was)):  # before anything is written
        raise InputError(problems, f"{filename}: not loaded, the store is unchanged")
    numbered, after, renamed = number_moves(fw, known, was)
    # the version's digest: of the text, and of the numbers and identities where they are not the places
    # and ids (the same text may number differently after other amendments: what was parsed under the old
    # numbers is not reused)
    numbers: list = [(r.id, r.numbers) for r in numbered.rows if r.numbers]
    numbers += [(r.id, "row", r.key) for r in numbered.rows if r.key]
    if numbered.ladder_numbers:
        numbers.append(("escalation", numbered.ladder_numbers))
    digest = content_hash(text if not numbers else f"{text}\n# qaf numbers: {json.dumps(numbers)}")
    upsert(
        conn,
        FRAMEWORKS,
        [{
            "id": fw.id, "version": fw.version, "title": fw.title, "council": fw.council,
            "content_hash": digest, "filename": filename, "text": text,
            "loaded_at": datetime.now(timezone.utc), "timezone": fw.timezone,
            "cadences": json.dumps(after, separators=(",", ":"), sort_keys=True),
        }],
        ["id"],
    )  # fmt: skip
    conn.execute(delete(RULES).where(RULES.c.framework == fw.id))
    conn.execute(
        insert(RULES),
        [
            {
                "framework": fw.id, "row": row.id, "position": i, "role": row.role, "task": row.task,
                "frequency": row.frequency, "purpose": row.purpose, "schedulable": row.schedulable,
                "reason": row.unschedulable, "cadences": len(row.cadences), "triggers": len(row.triggers),
            }
            for i, row in enumerate(fw.rows)
        ],
    )  # fmt: skip
    ids = {r.id for r in fw.rows}  # the rest of what is renamed: rows struck out, their work kept as "1.8 (struck out)"
    moved = tuple(sorted(((old, new) for old, new in renamed.items() if new in ids), key=lambda m: row_order(m[1])))
    if renamed:  # a row renumbered takes its work along (the ids stay: they are made of the row's identity)
        c = OBLIGATIONS.c
        # a title names its row ("Meeting with ... — 1.6 Monitoring via ..."): done work's too, which no schedule rewrites
        titles = {old: func.replace(c.title, f" — {old} ", f" — {new} ") for old, new in moved}
        conn.execute(update(OBLIGATIONS).where(c.framework == fw.id, c.row.in_(sorted(renamed)))
                     .values(row=case(renamed, value=c.row), title=case(titles, value=c.row, else_=c.title) if titles else c.title,
                             sequence=c.sequence + 1, updated_at=datetime.now(timezone.utc)))  # fmt: skip
    # a number whose row was struck out ("1.6 (struck out)") and that no renumbered row took: the row it holds is new work
    came = {new for _, new in moved}
    new_work = tuple(sorted((old for old, new in renamed.items() if new not in ids and old in ids and old not in came), key=row_order))
    return FrameworkChange(fw.id, "replaced" if previous else "loaded", previous.version if previous else None, struck(known, after),
                           moved, new_work, retired)  # fmt: skip


def retire(conn: Connection, framework_id: str, day) -> None:
    """Mark the framework retired on ``day``, and forget its schedule runs: loaded again, its first schedule
    plans in full (a run's fingerprint would otherwise find nothing changed, and leave the work cancelled)."""
    from qaf.store.tables import SCHEDULE_RUNS

    conn.execute(update(FRAMEWORKS).where(FRAMEWORKS.c.id == framework_id).values(retired_on=day))
    conn.execute(delete(SCHEDULE_RUNS).where(SCHEDULE_RUNS.c.framework == framework_id))


def retired_on(conn: Connection, framework_id: str):
    """The date the framework was retired on; None while in use (or not stored)."""
    return conn.execute(select(FRAMEWORKS.c.retired_on).where(FRAMEWORKS.c.id == framework_id)).scalar()


def shown(conn: Connection, framework_id: str) -> tuple[str, dict[str, str]] | None:
    """What a calendar event quotes of a stored framework: its title, and each row's purpose; None if not stored."""
    title = conn.execute(select(FRAMEWORKS.c.title).where(FRAMEWORKS.c.id == framework_id)).scalar()
    if title is None:
        return None
    purposes = conn.execute(select(RULES.c.row, RULES.c.purpose).where(RULES.c.framework == framework_id))
    return title, {r.row: r.purpose for r in purposes}


def zones(conn: Connection) -> list[str]:
    """The loaded frameworks' timezones, in the order of their ids."""
    return list(conn.execute(select(FRAMEWORKS.c.timezone).order_by(FRAMEWORKS.c.id)).scalars())


def stored(conn: Connection) -> list[StoredFramework]:
    counts = {
        r.framework: (r.rows, r.schedulable)
        for r in conn.execute(
            select(RULES.c.framework, _count().label("rows"), _count(RULES.c.schedulable).label("schedulable")).group_by(RULES.c.framework)
        )
    }
    out = []
    for r in conn.execute(select(FRAMEWORKS).order_by(FRAMEWORKS.c.id)):
        rows, schedulable = counts.get(r.id, (0, 0))
        out.append(StoredFramework(r.id, r.version, r.title, r.council, r.content_hash, r.filename, rows, schedulable, r.loaded_at,
                                   r.retired_on))  # fmt: skip
    return out


def _count(flag=None):
    from sqlalchemy import Integer, case, func

    if flag is None:
        return func.count()
    return func.sum(case((flag, 1), else_=0)).cast(Integer)


_PARSED: dict[tuple[str, str], Framework] = {}
_ALL_HASHES = select(FRAMEWORKS.c.id, FRAMEWORKS.c.content_hash).order_by(FRAMEWORKS.c.id)
_ONE_HASH = _ALL_HASHES.where(FRAMEWORKS.c.id == bindparam("fid"))  # (id, content hash) -> framework: parse each version once
_IN_USE = _ALL_HASHES.where(FRAMEWORKS.c.retired_on.is_(None))
_IDS = select(FRAMEWORKS.c.id).order_by(FRAMEWORKS.c.id)  # named when an id is not among them


_VERSIONS = (
    select(FRAMEWORKS.c.content_hash, select(META.c.value).where(META.c.key == "org_version").scalar_subquery())
    .where(FRAMEWORKS.c.id == bindparam("fid"))
)


def versions(conn: Connection, framework_id: str) -> tuple[int, str]:
    """(the organisation's version, the framework's content hash), in one round trip."""
    row = conn.execute(_VERSIONS, {"fid": framework_id}).first()
    if row is None:
        known = list(conn.execute(_IDS).scalars())
        raise UnknownFrameworkError(framework_id, known)
    return int(row[1] or 0), row[0]


def parsed(conn: Connection, framework_id: str, content_hash: str) -> Framework:
    """The framework of that version, parsed once per process."""
    key = (framework_id, content_hash)
    if key not in _PARSED:
        return parse(conn, framework_id)[0]
    return _PARSED[key]


def parse(conn: Connection, framework_id: str | None = None, in_use: bool = False) -> list[Framework]:
    """The framework ``framework_id`` (retired or not), else every stored one (``in_use``: those not retired)."""
    if framework_id is not None:
        rows = conn.execute(_ONE_HASH, {"fid": framework_id}).all()
    else:
        rows = conn.execute(_IN_USE if in_use else _ALL_HASHES).all()
    out = []
    for r in rows:
        key = (r.id, r.content_hash)
        if key not in _PARSED:
            stored = conn.execute(select(FRAMEWORKS.c.text, FRAMEWORKS.c.filename, FRAMEWORKS.c.cadences).where(FRAMEWORKS.c.id == r.id)).one()
            from qaf.rules.loader import load_text  # only when a framework is first read: YAML costs ~40 ms to import

            fw, problems = load_text(stored.text, stored.filename)
            # stored text was checked on load, so an error now is corruption; but for a case_reference pattern
            # refused since (rules/patterns.py) the framework reads on with qaf's own rule, and for what another
            # check added since refuses (_reads_on) as it did, or the council could not load the framework that fixes it
            if fw is None or [p for p in errors(problems) if not _reads_on(p)]:
                raise InputError(problems, f"stored framework '{r.id}' no longer loads")
            for p in errors(problems):  # said once a version a process, as the framework's words, never a case's
                log.warning("stored framework '%s' reads on, but loading it again is refused until it is mended: %s", r.id, format_problem(p))
            # the content hash is of the text and its numbers (save): a version is parsed, and numbered, once
            _PARSED[key] = number(fw, _known(stored.cadences))[0]
        out.append(_PARSED[key])
    if framework_id is not None and not out:
        known = list(conn.execute(_IDS).scalars())
        raise UnknownFrameworkError(framework_id, known)
    return out


def _reads_on(problem: Problem) -> bool:
    """Whether a stored framework reads on despite ``problem``: a check added since qaf first stored frameworks
    refuses it (:data:`ADDED_SINCE`; a council's own case reference pattern refused since; an invisible or
    direction-changing character, refused since in every value, often pasted from Word with the council's words, whose
    problem's kind names the character). A control character (a NUL, an escape) is not read on: a feed or an
    email holding one is not valid."""
    if problem.field == "case_reference" or problem.kind == ADDED_SINCE:
        return True
    code = problem.kind.removeprefix("character U+")
    return code != problem.kind and INVISIBLE.fullmatch(chr(int(code, 16))) is not None


def _known(column: str | None) -> Known | None:
    return json.loads(column) if column else None


_NUMBERED: dict[tuple[int, str | None], tuple[Framework, Framework]] = {}


def numbered(conn: Connection, fw: Framework) -> Framework:
    """``fw`` with the cadence numbers the store keeps for its rows (each cadence keeps its number when the
    council amends the framework); a framework the store does not hold is numbered by place."""
    column = conn.execute(select(FRAMEWORKS.c.cadences).where(FRAMEWORKS.c.id == fw.id)).scalar()
    key = (id(fw), column)
    held = _NUMBERED.get(key)
    if held is None or held[0] is not fw:
        if len(_NUMBERED) > 64:
            _NUMBERED.clear()
        held = _NUMBERED[key] = (fw, number(fw, _known(column))[0])
    return held[1]
