"""Secret, revocable tokens: a private feed URL, or a personal API key.

- A token is 32 random bytes from :mod:`secrets` (256 bits), URL-safe
  base64: 43 characters that fit a feed URL (``/feeds/TOKEN.ics``), never
  starting with '-' (a command line would read it as an option).
- Only its SHA-256 is stored (:mod:`qaf.store.tokens`); the token is printed
  once, when it is made. Its public name is the start of that hash
  (``qaf token list`` shows it; ``qaf token revoke`` accepts it).
- Checking a token hashes it, looks the hash up, and compares the two with
  :func:`hmac.compare_digest`. An unknown, revoked or wrong-purpose token is
  simply not found: the caller answers 404 (feeds) or 401 (API) and never
  says which.
- Scope (``person``, ``team``, ``all``) and its meaning are in
  :mod:`qaf.calendars.access`; a purpose is ``feed`` or ``api``, and a token
  works only for its purpose.

>>> token = new_token()
>>> len(token) >= 43 and plausible(token), len(digest(token))
(True, 64)
>>> plausible("../../etc/passwd"), plausible("x" * 500)
(False, False)
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date, datetime

from qaf.calendars.access import OVERSEERS, SCOPES, oversees, widest_scope
from qaf.engine.businesstime import business_date
from qaf.engine.org import Org
from qaf.rules.problems import QafError
from qaf.rules.roles import Vocabulary
from qaf.store import tokens as token_store
from qaf.store.protocols import Store
from qaf.store.tokens import StoredToken

PURPOSES = ("feed", "api")
TOKEN_BYTES = 32  # 256 bits; the issue asks for at least 128
_SHAPE = re.compile(r"[A-Za-z0-9_-]{22,128}")


class TokenError(QafError, ValueError):
    """A token refused; ``field`` is what was asked that cannot be (``person``, ``scope``, ``purpose``), if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def new_token() -> str:
    """A fresh token; never one starting with '-' (``qaf token revoke -x...`` would read it as an option)."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if not token.startswith("-"):
            return token


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def plausible(token: str) -> bool:
    """Whether the text could be a token at all (checked before any hashing or lookup)."""
    return bool(_SHAPE.fullmatch(token))


def issue(
    store: Store, org: Org, vocab: Vocabulary, person: str, scope: str | None, purpose: str, now: datetime,
    overseers: tuple[str, ...] = OVERSEERS,
) -> tuple[str, StoredToken]:  # fmt: skip
    """Make a token for ``person``; returns the token (shown once) and what is stored.

    Without a scope a feed token is ``person`` and an API token the widest the
    person may have (``all`` for an overseer, else ``team``). ``all`` is
    refused for anyone who does not hold an overseeing role.
    """
    if purpose not in PURPOSES:
        raise TokenError(f"unknown purpose '{purpose}' (one of: {', '.join(PURPOSES)})", "purpose")
    found = org.person(person)
    if found is None:
        raise TokenError(f"no person '{person}' in the organisation", "person")
    if found.end is not None and found.end < business_date(now, store.timezone()):  # the council's day, not UTC's
        raise TokenError(f"{found.name} ({person}) left on {found.end}: no token", "person")
    if scope is None:
        scope = "person" if purpose == "feed" else widest_scope(org, vocab, person, overseers)
    if scope not in SCOPES:
        raise TokenError(f"unknown scope '{scope}' (one of: {', '.join(SCOPES)})", "scope")
    if scope == "all" and not oversees(org, vocab, person, overseers):
        raise TokenError(f"{found.name} ({person}) does not hold an overseeing role ({', '.join(overseers)}): "
                         "scope 'all' is refused; use 'team' for their line", "scope")  # fmt: skip
    token = new_token()
    stored = StoredToken(digest(token), person, scope, purpose, now)
    token_store.save(store, stored)
    return token, stored


def check(store: Store, token: str, purpose: str) -> StoredToken | None:
    """The live token of that purpose, or None (unknown, revoked, malformed or the other purpose)."""
    if not plausible(token):
        return None
    with store.read() as conn:
        return check_in(conn, token, purpose)


def check_in(conn, token: str, purpose: str) -> StoredToken | None:
    """:func:`check` on the caller's connection: the API reads the token and the rows in one transaction."""
    if not plausible(token):
        return None
    wanted = digest(token)
    found = token_store.by_hash_in(conn, wanted)
    if found is None or not hmac.compare_digest(found.token_hash, wanted):
        return None
    if found.revoked or found.purpose != purpose:
        return None
    return found


def find(store: Store, text: str) -> StoredToken:
    """A token by itself or by its public name (at least 8 characters of its hash)."""
    text = text.strip()
    if plausible(text):
        found = token_store.by_hash(store, digest(text))
        if found is not None:
            return found
    prefix = text.lower()
    if len(prefix) < 8:
        raise TokenError(f"no token '{text}' (give the token, or at least 8 characters of its id from 'qaf token list')")
    matches = token_store.starting(store, prefix)
    if not matches:
        raise TokenError(f"no token '{text}'")
    if len(matches) > 1:
        raise TokenError(f"'{text}' could be any of {', '.join(t.id for t in matches)}: give more of the id")
    return matches[0]


def revoke(store: Store, text: str, now: datetime) -> StoredToken:
    """Revoke a token (by itself or its id); revoking twice is an error that says when."""
    found = find(store, text)
    if not token_store.revoke(store, found.token_hash, now):
        raise TokenError(f"token {found.id} was already revoked on {found.revoked_at:%Y-%m-%d %H:%M} UTC")
    return found


def feed_path(token: str, todo: bool = False) -> str:
    return f"/feeds/{token}.ics" + ("?kind=todo" if todo else "")


def listing(tokens: list[StoredToken], org: Org, today: date) -> list[str]:
    """``qaf token list``: one line per token, never the token itself."""
    lines = []
    for t in tokens:
        person = org.person(t.person)
        who = f"{person.name} ({t.person})" if person else f"{t.person} (no longer in the organisation)"
        state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
        if not t.revoked and person is not None and not person.active_on(today):
            state = f"inactive (left {person.end})" if person.end is not None and person.end < today else f"inactive (starts {person.start})"
        lines.append(f"{t.id}  {t.purpose:<4}  {t.scope:<6}  {state:<18}  created {t.created_at:%Y-%m-%d %H:%M}  {who}")
    return lines


def renew_feed(store: Store, org: Org, vocab: Vocabulary, person: str, now: datetime) -> str:
    """A new personal feed token for ``person`` (``qaf token`` without a terminal: the "My calendar" page).

    Only hashes are kept, so an earlier link cannot be shown again: making a
    new one revokes the person's earlier personal feed tokens, and the one
    link they hold is the one that works.
    """
    token, _ = issue(store, org, vocab, person, "person", "feed", now)
    fresh = digest(token)
    for t in token_store.every(store):
        if t.person == person and t.purpose == "feed" and t.scope == "person" and not t.revoked and t.token_hash != fresh:
            token_store.revoke(store, t.token_hash, now)
    return token


def feeds_of(store: Store, person: str) -> list[StoredToken]:
    """The person's working personal feed tokens (their calendar links), oldest first."""
    return [t for t in token_store.every(store) if t.person == person and t.purpose == "feed" and not t.revoked]
