"""Frameworks in the store: the source text kept whole, one row per framework row."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Connection, delete, insert, select

from engine.problems import InputError, QafError, errors
from rules.loader import content_hash, load_text
from rules.model import Framework
from store.protocols import FrameworkChange, StoredFramework
from store.tables import FrameworkRecord, RuleRecord
from store.upsert import upsert

FRAMEWORKS = FrameworkRecord.__table__
RULES = RuleRecord.__table__


class UnknownFrameworkError(QafError, LookupError):
    def __init__(self, framework_id: str, known: list[str]) -> None:
        hint = f" (loaded: {', '.join(known)})" if known else " (none is loaded: run 'qaf framework load FILE')"
        super().__init__(f"no framework '{framework_id}'{hint}")


def save(conn: Connection, fw: Framework, text: str, filename: str) -> FrameworkChange:
    digest = content_hash(text)
    previous = conn.execute(select(FRAMEWORKS.c.version, FRAMEWORKS.c.content_hash).where(FRAMEWORKS.c.id == fw.id)).first()
    if previous is not None and previous.content_hash == digest:
        return FrameworkChange(fw.id, "unchanged", previous.version)
    upsert(
        conn,
        FRAMEWORKS,
        [{
            "id": fw.id, "version": fw.version, "title": fw.title, "council": fw.council,
            "content_hash": digest, "filename": filename, "text": text,
            "loaded_at": datetime.now(timezone.utc),
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
    return FrameworkChange(fw.id, "replaced" if previous else "loaded", previous.version if previous else None)


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
        out.append(StoredFramework(r.id, r.version, r.title, r.council, r.content_hash, r.filename, rows, schedulable, r.loaded_at))
    return out


def _count(flag=None):
    from sqlalchemy import Integer, case, func

    if flag is None:
        return func.count()
    return func.sum(case((flag, 1), else_=0)).cast(Integer)


def parse(conn: Connection, framework_id: str | None = None) -> list[Framework]:
    query = select(FRAMEWORKS.c.id, FRAMEWORKS.c.text, FRAMEWORKS.c.filename).order_by(FRAMEWORKS.c.id)
    if framework_id is not None:
        query = query.where(FRAMEWORKS.c.id == framework_id)
    out = []
    for r in conn.execute(query):
        fw, problems = load_text(r.text, r.filename)
        if fw is None or errors(problems):  # stored text was checked on load; this is corruption
            raise InputError(problems, f"stored framework '{r.id}' no longer loads")
        out.append(fw)
    if framework_id is not None and not out:
        known = [r.id for r in conn.execute(select(FRAMEWORKS.c.id))]
        raise UnknownFrameworkError(framework_id, known)
    return out
