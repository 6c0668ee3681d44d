"""Feed and API tokens in the store: only their SHA-256 hashes are kept.

The token itself is shown once, when it is made (:mod:`qaf.usecases.tokens`),
and never stored: a copy of the database gives nobody a working feed URL.
Each function takes the store and runs one short transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update

from qaf.store.feeds import utc
from qaf.store.tables import FEED_TOKENS

TOKENS = FEED_TOKENS
_BY_HASH = select(TOKENS).where(TOKENS.c.token_hash == bindparam("h"))


@dataclass(frozen=True, slots=True)
class StoredToken:
    token_hash: str
    person: str
    scope: str  # person | team | all
    purpose: str  # feed | api
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def id(self) -> str:
        """A short, public name for the token (the start of its hash): safe to list and to revoke by."""
        return self.token_hash[:12]

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def _token(r) -> StoredToken:
    return StoredToken(r.token_hash, r.person, r.scope, r.purpose, utc(r.created_at), utc(r.revoked_at) if r.revoked_at else None)


def save(store, token: StoredToken) -> None:
    with store.write() as conn:
        conn.execute(insert(TOKENS), {
            "token_hash": token.token_hash, "person": token.person, "scope": token.scope,
            "purpose": token.purpose, "created_at": token.created_at, "revoked_at": token.revoked_at,
        })  # fmt: skip


def by_hash(store, token_hash: str) -> StoredToken | None:
    with store.read() as conn:
        return by_hash_in(conn, token_hash)


def by_hash_in(conn, token_hash: str) -> StoredToken | None:
    """The token with that hash, read on the caller's connection (inside its transaction)."""
    row = conn.execute(_BY_HASH, {"h": token_hash}).first()
    return _token(row) if row is not None else None


def every(store) -> list[StoredToken]:
    """All tokens, revoked ones too, oldest first."""
    with store.read() as conn:
        rows = conn.execute(select(TOKENS).order_by(TOKENS.c.created_at, TOKENS.c.token_hash)).all()
    return [_token(r) for r in rows]


def starting(store, prefix: str) -> list[StoredToken]:
    """Tokens whose hash starts with ``prefix`` (hexadecimal only)."""
    if not prefix or any(ch not in "0123456789abcdef" for ch in prefix):
        return []
    with store.read() as conn:
        rows = conn.execute(select(TOKENS).where(TOKENS.c.token_hash.like(prefix + "%")).limit(6)).all()
    return [_token(r) for r in rows]


def revoke(store, token_hash: str, at: datetime) -> bool:
    """Revoke a token; False when it was already revoked (or does not exist)."""
    with store.write() as conn:
        done = conn.execute(
            update(TOKENS).where(TOKENS.c.token_hash == token_hash, TOKENS.c.revoked_at.is_(None)).values(revoked_at=at)
        )
        return done.rowcount == 1
