"""The organisation in the store: each load is a snapshot, applied whole.

Records in the snapshot are inserted or updated; records the snapshot no
longer lists are kept (obligations and reports still name them) but marked
not present, which takes them out of scope.
"""

from __future__ import annotations

from itertools import repeat
from typing import Any

from sqlalchemy import Connection, Table, select, update

from qaf.engine.org import Body, Case, Org, Person, Team
from qaf.rules.problems import NO_SOURCE
from qaf.store.protocols import Counts, OrgChange
from qaf.store.collector import collector_paused
from qaf.store.prepared import Query
from qaf.store.tables import BODIES, CASES, META, PEOPLE, TEAMS
from qaf.store.upsert import upsert


def _person(p: Person) -> dict[str, Any]:
    return {"id": p.id, "name": p.name, "email": p.email, "roles": ";".join(p.roles), "team": p.team,
            "manager": p.manager, "start": p.start, "end": p.end}  # fmt: skip


def _team(t: Team) -> dict[str, Any]:
    return {"id": t.id, "name": t.name, "service": t.service, "kind": t.kind, "area": t.area}


def _case(c: Case) -> dict[str, Any]:
    return {"ref": c.ref, "worker": c.worker, "team": c.team, "opened": c.opened, "closed": c.closed, "transferred": c.transferred}


def _body(b: Body) -> dict[str, Any]:
    return {"id": b.id, "name": b.name, "chair": b.chair, "members": ";".join(b.members) or None}


def _apply(conn: Connection, table: Table, key: str, rows: list[dict[str, Any]]) -> Counts:
    existing = {r[key]: r for r in (dict(m) for m in conn.execute(select(table)).mappings())}
    new = changed = unchanged = 0
    for row in rows:
        old = existing.get(row[key])
        if old is None:
            new += 1
        elif old["present"] and all(old[c] == v for c, v in row.items()):
            unchanged += 1
        else:
            changed += 1
    listed = {row[key] for row in rows}
    gone = sum(1 for k, r in existing.items() if r["present"] and k not in listed)
    conn.execute(update(table).where(table.c.present.is_(True)).values(present=False))
    upsert(conn, table, [{**row, "present": True} for row in rows], [key])
    return Counts(new, changed, unchanged, gone)


_VERSION = select(META.c.value).where(META.c.key == "org_version")


def version(conn: Connection) -> int:
    """Grows with every organisation load that changed something."""
    row = conn.execute(_VERSION).first()
    return int(row.value) if row else 0


def save(conn: Connection, org: Org) -> OrgChange:
    change = _save(conn, org)
    if any(c.new or c.changed or c.gone for c in (change.people, change.teams, change.cases, change.bodies)):
        upsert(conn, META, [{"key": "org_version", "value": str(version(conn) + 1)}], ["key"])
    return change


def names(conn: Connection) -> dict[str, str]:
    """The people on the organisation now, by id: their names."""
    return {r.id: r.name for r in conn.execute(select(PEOPLE.c.id, PEOPLE.c.name).where(PEOPLE.c.present.is_(True)))}


def _save(conn: Connection, org: Org) -> OrgChange:
    return OrgChange(
        people=_apply(conn, PEOPLE, "id", [_person(p) for p in org.people]),
        teams=_apply(conn, TEAMS, "id", [_team(t) for t in org.teams]),
        cases=_apply(conn, CASES, "ref", [_case(c) for c in org.cases]),
        bodies=_apply(conn, BODIES, "id", [_body(b) for b in org.bodies]),
    )


def _read(table: Table, order: str, columns: tuple[str, ...]) -> Query:
    """What is present of ``table``, by ``order``: run on the driver's cursor and converted a column
    at a time (a large council's 44,000 cases share a few hundred dates and teams)."""
    return Query(select(*(table.c[c] for c in columns)).where(table.c.present.is_(True)).order_by(table.c[order]), ())


_PEOPLE = _read(PEOPLE, "id", ("id", "name", "email", "roles", "team", "manager", "start", "end"))
_TEAMS = _read(TEAMS, "id", ("id", "name", "service", "kind", "area"))
_CASES = _read(CASES, "ref", ("ref", "team", "opened", "worker", "closed", "transferred"))
_BODIES = _read(BODIES, "id", ("id", "name", "chair", "members"))


def _roles(text: str | None) -> tuple[str, ...]:
    return tuple(r for r in (text or "").split(";") if r)


def load(conn: Connection) -> Org:
    """The organisation as the store holds it now (what is present), each kind in its key's order."""
    with collector_paused():
        return _load(conn)


def _load(conn: Connection) -> Org:
    ids, names, emails, roles, teams, managers, starts, ends = _PEOPLE.columns(conn, {})
    people = tuple(map(Person, ids, names, emails, map(_roles, roles), teams, managers, starts, ends))
    team_rows = tuple(map(Team, *_TEAMS.columns(conn, {})))
    refs, case_teams, opened, workers, closed, transferred = _CASES.columns(conn, {})
    cases = tuple(map(Case, refs, case_teams, opened, workers, closed, repeat(NO_SOURCE), transferred))
    ids, names, chairs, members = _BODIES.columns(conn, {})
    bodies = tuple(map(Body, ids, names, chairs, repeat(NO_SOURCE), map(_roles, members)))
    return Org(people=people, teams=team_rows, cases=cases, bodies=bodies)
