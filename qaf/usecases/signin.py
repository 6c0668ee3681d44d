"""Signing in to the web pages without a password: an emailed one-time link, then a session.

- "Email me a sign-in link": the address is matched (case aside) to a person
  in the organisation who has not left. Someone else gets no link and no
  email; the page says so politely, and nothing is written.
- A link carries a fresh 256-bit token (:func:`qaf.usecases.tokens.new_token`)
  and is stored only as its SHA-256 (:mod:`qaf.store.signin`): good for
  :data:`LINK_LIFE` and one use. At most :data:`MAX_LINKS` are made for one
  person in that time, so nobody can flood a colleague's inbox.
- The email goes straight to SMTP (:mod:`qaf.usecases.mail`), never through
  the outbox: the outbox keeps message bodies in plain text until they are
  sent, and a sign-in link must not sit in the database usable.
- Using a link starts a session: a cookie token (hashed in the store as well)
  and a CSRF token every form carries. A session ends on sign-out, when its
  person leaves the organisation, or after :data:`IDLE` (a working day) with
  no request.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import Message

from qaf.engine.org import Org, Person
from qaf.rules.problems import QafError
from qaf.store import signin as signin_store
from qaf.store.protocols import Store
from qaf.store.signin import StoredSession
from qaf.usecases import mail, tokens

LINK_LIFE = timedelta(minutes=15)
MAX_LINKS = 5  # per person per LINK_LIFE
IDLE = timedelta(hours=8)  # a working day
TOUCH_EVERY = timedelta(minutes=1)  # a session's last-seen time is written at most this often


class SigninError(QafError):
    pass


@dataclass(frozen=True, slots=True)
class Session:
    """A signed-in browser: the cookie's token (given to the browser once) and its CSRF token."""

    token: str
    person: str
    csrf: str


def person_by_email(org: Org, email: str, today: date) -> Person | None:
    """The organisation's person with this email who has not left, or None."""
    wanted = email.strip().lower()
    if not wanted or len(wanted) > 320:
        return None
    for p in org.people:
        if p.email and p.email.strip().lower() == wanted and p.active_on(today):
            return p
    return None


def request_link(store: Store, email: str, now: datetime, today: date) -> tuple[Person, str] | None:
    """A new link's token for the person with ``email`` (None: not in the organisation; nothing written)."""
    person = person_by_email(store.org(), email, today)
    if person is None:
        return None
    if signin_store.links_since(store, person.id, now - LINK_LIFE) >= MAX_LINKS:
        raise SigninError("several sign-in links were sent in the last 15 minutes: use one of them, or wait a little")
    token = tokens.new_token()
    signin_store.save_link(store, tokens.digest(token), person.id, now, now + LINK_LIFE)
    return person, token


def withdraw_link(store: Store, token: str) -> None:
    """Forget the link :func:`request_link` made whose email could not be sent: the store as it was before."""
    if tokens.plausible(token):
        signin_store.drop_link(store, tokens.digest(token))


def link_email(settings: mail.MailSettings, person: Person, url: str, now: datetime) -> Message:
    """The email that carries the link: names the person only, says how long it lasts."""
    text = (f"Dear {person.name},\n\nSign in to qaf with this link. It works once, "
            f"for {int(LINK_LIFE.total_seconds() // 60)} minutes:\n\n{url}\n\n"
            "If you did not ask for it, ignore this email: nobody can sign in without the link.")  # fmt: skip
    key = f"signin/{person.id}/{now.isoformat()}"
    return mail.compose(settings, key, person.email, "Your qaf sign-in link", text, None, now)


def send(settings: mail.MailSettings, message: Message) -> None:
    sender = mail.Sender(settings)
    try:
        sender.send(message)
    finally:
        sender.close()


def use_link(store: Store, token: str, now: datetime, today: date) -> Session | None:
    """Spend a link and start a session; None for a used, expired, unknown or malformed link, or a leaver's."""
    if not tokens.plausible(token):
        return None
    person = signin_store.use_link(store, tokens.digest(token), now)
    if person is None or person_by_id(store.org(), person, today) is None:
        return None
    return start_session(store, person, now)


def start_session(store: Store, person: str, now: datetime) -> Session:
    """A new session for ``person`` (already checked: in the organisation, not left), whoever vouched for them:
    an emailed link, the council's identity provider (:mod:`qaf.web.oidc`), or a demo's sign-in."""
    cookie, csrf = tokens.new_token(), secrets.token_urlsafe(32)
    signin_store.save_session(store, StoredSession(tokens.digest(cookie), person, csrf, now, now))
    return Session(cookie, person, csrf)


def person_by_id(org: Org, pid: str, today: date) -> Person | None:
    p = org.person(pid)
    return p if p is not None and p.active_on(today) else None


def current(store: Store, cookie: str | None, now: datetime, today: date) -> Session | None:
    """The live session this cookie names (its idle clock restarted), or None."""
    if not cookie or not tokens.plausible(cookie):
        return None
    hashed = tokens.digest(cookie)
    found = signin_store.session(store, hashed)
    if found is None:
        return None
    if now - found.seen_at > IDLE:
        signin_store.end(store, hashed)
        return None
    if person_by_id(store.org(), found.person, today) is None:
        return None
    if now - found.seen_at > TOUCH_EVERY:
        signin_store.touch(store, hashed, now)
    return Session(cookie, found.person, found.csrf)


def sign_out(store: Store, cookie: str | None) -> None:
    if cookie and tokens.plausible(cookie):
        signin_store.end(store, tokens.digest(cookie))
