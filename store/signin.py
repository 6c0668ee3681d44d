"""Sign-in links and browser sessions in the store: only hashes of the secrets are kept.

A sign-in link's token and a session's cookie are made and hashed by
:mod:`qaf.usecases.signin`; this module keeps and finds their hashes, each
function one short transaction. Using a link is one conditional UPDATE
(unused and unexpired), so two clicks racing each other cannot both win.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update

from qaf.store.tables import SIGNIN_LINKS, WEB_SESSIONS

L, S = SIGNIN_LINKS.c, WEB_SESSIONS.c


@dataclass(frozen=True, slots=True)
class StoredSession:
    session_hash: str
    person: str
    csrf: str
    created_at: datetime
    seen_at: datetime


def save_link(store, link_hash: str, person: str, now: datetime, expires: datetime) -> None:
    with store.write() as conn:
        conn.execute(insert(SIGNIN_LINKS), {"link_hash": link_hash, "person": person, "created_at": now, "expires_at": expires})


def drop_link(store, link_hash: str) -> None:
    """Forget an unused link (its email could not be sent): nobody holds it, and it counts against nobody."""
    with store.write() as conn:
        conn.execute(delete(SIGNIN_LINKS).where(L.link_hash == link_hash, L.used_at.is_(None)))


def links_since(store, person: str, since: datetime) -> int:
    """How many links were made for ``person`` since ``since`` (to limit how many one can ask for)."""
    with store.read() as conn:
        return conn.execute(select(func.count()).where(L.person == person, L.created_at >= since)).scalar_one()


def use_link(store, link_hash: str, now: datetime) -> str | None:
    """Mark the link used and give its person, if it is unused and unexpired; else None (and nothing changes)."""
    with store.write() as conn:
        row = conn.execute(select(L.person).where(L.link_hash == link_hash, L.used_at.is_(None), L.expires_at > now)).first()
        if row is None:
            return None
        done = conn.execute(update(SIGNIN_LINKS).where(L.link_hash == link_hash, L.used_at.is_(None)).values(used_at=now))
        return row.person if done.rowcount == 1 else None


def save_session(store, session: StoredSession) -> None:
    with store.write() as conn:
        conn.execute(insert(WEB_SESSIONS), {
            "session_hash": session.session_hash, "person": session.person, "csrf": session.csrf,
            "created_at": session.created_at, "seen_at": session.seen_at,
        })  # fmt: skip


def session(store, session_hash: str) -> StoredSession | None:
    with store.read() as conn:
        r = conn.execute(select(WEB_SESSIONS).where(S.session_hash == session_hash)).first()
    return None if r is None else StoredSession(r.session_hash, r.person, r.csrf, r.created_at, r.seen_at)


def touch(store, session_hash: str, now: datetime) -> None:
    with store.write() as conn:
        conn.execute(update(WEB_SESSIONS).where(S.session_hash == session_hash).values(seen_at=now))


def end(store, session_hash: str) -> None:
    with store.write() as conn:
        conn.execute(delete(WEB_SESSIONS).where(S.session_hash == session_hash))
