"""Email: settings, composing a message from an outbox row, and sending through SMTP.

Settings come from the environment, or from a settings file of ``KEY=VALUE``
lines named by ``QAF_SETTINGS`` (the environment wins; the file is UTF-8, a
BOM allowed, each key once, and one it names that is not there is an error, as
is a misspelt key, ``QAF_SMTP_HOTS`` or ``qaf_smtp_host``):

==================== ===============================================
``QAF_SMTP_HOST``    the SMTP server; unset: notices stay pending
``QAF_SMTP_PORT``    default 25, from 1 to 65535 (587 is usual with STARTTLS)
``QAF_SMTP_STARTTLS`` 0/1 (true/false, yes/no, on/off); anything else is refused
``QAF_SMTP_USER``    with ``QAF_SMTP_PASSWORD``, log in first
``QAF_MAIL_FROM``    the sender address (default ``qaf@localhost``)
``QAF_BASE_URL``     where qaf serves its pages, API and feeds (links, cookies; an http(s) address)
==================== ===============================================

Every message is plain text plus HTML, names case references and staff only,
and carries a Message-ID derived from its outbox key: SMTP gives no way to
make "accepted by the server" and "marked sent" one atomic step, so if qaf is
killed between the two the same message (same Message-ID) is sent again, and
receiving servers and clients treat it as one. A connection that fails
between the message's end and the server's answer leaves it unknown whether
the server took it: that message is not sent again, and the outbox says it
may have been sent (:class:`MayHaveGone`). Headers are built from single
lines only (control characters and line breaks become spaces), so no field
can inject a header.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass
from datetime import date, datetime
from email.header import Header
from email.message import Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace
from time import monotonic
from typing import Callable, Mapping

from qaf.calendars import http
from qaf.engine.notices import one_line
from qaf.rules.plain import EMAIL_ADDRESS, not_utf8
from qaf.rules.problems import QafError
from qaf.store import outbox as ob_store
from qaf.store.outcomes import log_many
from qaf.store.protocols import Store
from qaf.store.settings import SETTINGS as WHOLE_SETTINGS
from qaf.store.settings import whole

KEYS = ("QAF_SMTP_HOST", "QAF_SMTP_PORT", "QAF_SMTP_STARTTLS", "QAF_SMTP_USER", "QAF_SMTP_PASSWORD", "QAF_MAIL_FROM", "QAF_BASE_URL")
# settings read from the environment alone: the database's (--db, QAF_DB; a pooler's QAF_DB_POOLER and QAF_DB_SESSION_URL)
# and qaf's numbers (store/settings.py: the outbox's retention, pools, caches, the tick's spread). One written in the
# QAF_SETTINGS file did nothing, without a word, unless the environment holds it too: QAF_OUTBOX_RETENTION_DAYS=1000
# there, and sent email deleted after 400 days; QAF_DB there, and the tick worked in the SQLite file qaf.db in its
# folder, the council's database untouched. Sign-in's (QAF_OIDC_*), in a file shared with the service's
# environment, are left alone
DATABASE = ("QAF_DB", "QAF_DB_SESSION_URL", "QAF_DB_POOLER")
ENVIRONMENT_ONLY = DATABASE + tuple(k for k in WHOLE_SETTINGS if k not in KEYS)
ADDRESS = EMAIL_ADDRESS  # people.csv is held to the same (qaf.usecases.orgload)
MAX_BODY = 50_000
CONNECT_TIMEOUT = 10.0  # seconds to reach the server: one unreachable is given up on in this time
COMMAND_TIMEOUT = 20.0  # seconds for any one reply
SLOW_FAILURE = 3.0  # seconds: a connection failing after this long failed waiting, whatever it says
END_TIMEOUT = 120.0  # seconds for the answer to a message's end (unanswered, it may have gone, and is not sent again)
SWITCH = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


@dataclass(frozen=True, slots=True)
class MailSettings:
    host: str | None = None
    port: int = 25
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    sender: str = "qaf@localhost"
    base_url: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.host)


def read_settings(env: Mapping[str, str] | None = None) -> MailSettings:
    values = _values(env)
    starttls = values.get("QAF_SMTP_STARTTLS", "0").strip().lower() or "0"
    if starttls not in SWITCH:  # a misspelt setting would fail every email, later, one by one
        raise QafError(f"QAF_SMTP_STARTTLS={values['QAF_SMTP_STARTTLS']!r}: 1 or 0 (true/false, yes/no, on/off) is needed (default 0)")
    sender = values.get("QAF_MAIL_FROM") or "qaf@localhost"
    if sender != "qaf@localhost" and not ADDRESS.fullmatch(sender):
        raise QafError(f"QAF_MAIL_FROM={sender!r}: an email address is needed (default qaf@localhost)")
    return MailSettings(
        host=_host(values.get("QAF_SMTP_HOST") or None),
        port=whole("QAF_SMTP_PORT", values),
        starttls=SWITCH[starttls],
        user=values.get("QAF_SMTP_USER") or None,
        password=values.get("QAF_SMTP_PASSWORD") or None,
        sender=sender,
        base_url=checked_base_url(values.get("QAF_BASE_URL")),
    )


# a name (_ too: some internal names hold it), with its root's dot or without ('smtp.example-council.gov.uk.')
_HOST_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,252}[A-Za-z0-9])?\.?")


def _host(host: str | None) -> str | None:
    """``QAF_SMTP_HOST`` checked: a host's name or an address (a misspelt one would fail every email, later, one by one)."""
    import ipaddress

    if host is None or _HOST_NAME.fullmatch(host):
        return host
    try:
        ipaddress.ip_address(host)  # IPv6, such as ::1
        return host
    except ValueError:
        pass
    if re.fullmatch(r"[A-Za-z0-9.-]+:[0-9]+", host):
        raise QafError(f"QAF_SMTP_HOST={host!r}: the host alone: give the port as QAF_SMTP_PORT")
    raise QafError(f"QAF_SMTP_HOST={host!r}: a host's name (smtp.example-council.gov.uk) or address is needed, not a URL or text")


def read_base_url(env: Mapping[str, str] | None = None) -> str:
    """``QAF_BASE_URL`` from the environment or the ``QAF_SETTINGS`` file, checked ('' if unset): the one reading
    of it, for the web app (its links, sign-in links, the OIDC callback, cookies' ``Secure``) as for email."""
    return checked_base_url(_values(env).get("QAF_BASE_URL"))


def checked_base_url(given: str | None, named: str = "QAF_BASE_URL=") -> str:
    """``given`` as a base URL (no trailing slash), '' if empty; a :class:`QafError` naming it (``named``: where
    it was given, ``qaf feed --base-url`` too) if it is no http(s) address: every link made from it would be broken."""
    base = (given or "").strip()
    if base and not http.base_url(base):
        raise QafError(f"{named}{base!r}: not a usable base URL (e.g. https://qaf.example-council.gov.uk)")
    return http.base_url(base) if base else ""


def check_settings_file(env: Mapping[str, str] | None = None) -> None:
    """The ``QAF_SETTINGS`` file, if one is named, read and checked, before a command opens the store: a database
    written there (:data:`DATABASE`) and not in the environment is refused at its line, not left for the command
    to work in another store (the SQLite file qaf.db in its folder) without a word."""
    _values(env)


def _values(env: Mapping[str, str] | None) -> dict[str, str]:
    """The settings of :data:`KEYS`: the ``QAF_SETTINGS`` file's, then the environment's over them."""
    env = dict(os.environ if env is None else env)
    values: dict[str, str] = {}
    settings_file = env.get("QAF_SETTINGS")
    if settings_file:
        values = _settings_file(Path(settings_file), env)
    values.update({k: env[k] for k in KEYS if env.get(k)})
    return values


def _settings_file(path: Path, env: Mapping[str, str]) -> dict[str, str]:
    """The settings a ``QAF_SETTINGS`` file gives, read once: UTF-8 (a BOM, as Notepad saves it, is not the first
    key's: '\ufeffQAF_SMTP_HOST' was no setting, and no email went), each key once; else a :class:`QafError`
    at its line (a file that is not there is one too: a mistyped name left email off without a word)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise QafError(f"QAF_SETTINGS={str(path)!r}: {'no such file' if isinstance(exc, FileNotFoundError) else exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, message = not_utf8(data, exc, " (save the file as UTF-8)")
        raise QafError(f"QAF_SETTINGS: {path}:{line}: {message}") from None
    values: dict[str, str] = {}
    first: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if "=" in line and not line.lstrip().startswith("#"):
            key, value = (part.strip() for part in line.split("=", 1))
            key, value = key.removeprefix("export ").strip(), _unquoted(value)  # a file a shell sources too: as it reads it
            if key in ENVIRONMENT_ONLY and env.get(key, "").strip() != value.strip():  # one file, the environment's too: said alike
                raise QafError(f"QAF_SETTINGS: {path}:{n}: {key} is read from the environment only, not from this file (it gives "
                               f"email's settings): set it in the environment of qaf serve and qaf tick{', or give --db' * (key == 'QAF_DB')}")  # fmt: skip
            if key not in KEYS and (meant := _meant(key)):  # a misspelt host left email off without a word
                raise QafError(f"QAF_SETTINGS: {path}:{n}: {key[:60]} is not a setting: did you mean {meant}?")
            if key in KEYS:
                if key in first:  # the last was taken, silently
                    raise QafError(f"QAF_SETTINGS: {path}:{n}: {key} is given twice (first on line {first[key]}): give it once")
                first[key], values[key] = n, value
    return values


def _unquoted(value: str) -> str:
    """A value in one pair of matching quotes ('"587"', as systemd's and .env files allow), without them."""
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else value


def _meant(key: str) -> str | None:
    """The email setting a settings file's key misspells ('QAF_SMTP_HOTS', 'qaf_smtp_host'), if any; other keys
    (another program's, or qaf's own read from the environment, in a file shared with it) are left alone."""
    import difflib

    meant = difflib.get_close_matches(key.upper(), KEYS, n=1, cutoff=0.8)
    return meant[0] if meant and key.upper().startswith("QAF") else None


def message_id(key: str) -> str:
    return f"<{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@qaf>"


def not_ascii(address: str) -> str:
    """Why an address with a letter beyond ASCII is not sent to ('' for any other): it needs a server's
    SMTPUTF8, and an address stored before qaf held addresses to ASCII is failed at once, not retried."""
    odd = next((ch for ch in address if ord(ch) > 0x7E), None)
    return f" (U+{ord(odd):04X} {odd!r}: an address qaf sends to is in ASCII; it will not be tried again)" if odd else ""


class Composed(MIMEMultipart):
    """A message as :func:`compose` made it. ``left_out``: the copies it left out, not being one address each
    (the recipient's own, copied again, is not one: it is not sent twice), each with why, as a server's refusal
    for good (553, "mailbox name not allowed") reads, for the outbox to name with those a server refused."""

    left_out: dict[str, tuple[int, bytes]]


def _copies(to: str, cc: tuple[str, ...]) -> tuple[list[str], dict[str, tuple[int, bytes]]]:
    """(the copies a message to ``to`` goes to, those left out with why): one reading of ``cc``."""
    copied: list[str] = []
    left: dict[str, tuple[int, bytes]] = {}
    for a in (a.strip() for a in cc):
        if ADDRESS.fullmatch(a):
            if a != to:
                copied.append(a)
        elif a:
            left[a] = (553, f"left out by qaf, not an email address it sends to{not_ascii(a)}".encode())
    return copied, left


def compose(settings: MailSettings, key: str, to: str, subject: str, text: str, cause: str | None, at: datetime,
            cc: tuple[str, ...] = ()) -> Composed:  # fmt: skip
    """A plain-text and HTML message; raises ValueError for an address that is not one address.

    Built with the classic MIME classes (four times faster than EmailMessage
    over a year of email); every header value is a single line made here.
    """
    to = to.strip()
    if not ADDRESS.fullmatch(to):
        raise ValueError(f"not a single email address: {one_line(to, 80)!r}{not_ascii(to)}")
    text = text if len(text) <= MAX_BODY else text[:MAX_BODY] + "\n[cut: too long]"
    if cause and settings.base_url:
        text += f"\n\nOpen it: {settings.base_url}/obligations/{cause}"
    elif key.startswith("digest/") and settings.base_url:  # a digest names many items: all of them are on "My work"
        text += f"\n\nSee all your work: {settings.base_url}/my-work"
    msg = Composed("alternative")
    msg["From"] = one_line(settings.sender, 200)
    msg["To"] = to
    copied, msg.left_out = _copies(to, cc)  # a bad copy address is left out
    if copied:
        msg["Cc"] = ", ".join(copied)
    msg["Subject"] = Header(one_line(subject, 200), "utf-8")
    msg["Date"] = format_datetime(at)
    msg["Message-ID"] = message_id(key)
    msg["X-Qaf-Key"] = one_line(key, 200)
    msg.attach(MIMEText(text, "plain", "utf-8"))
    paragraphs = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n"))
    msg.attach(MIMEText(f"<!doctype html><html><body style=\"font-family: sans-serif\">{paragraphs}</body></html>", "html", "utf-8"))
    return msg


class MayHaveGone(smtplib.SMTPException):
    """The server had the whole message (its end was written) and the connection failed, or qaf did, before
    it answered: it may have been delivered. Sent again it may be received twice, so it is not: the outbox
    says so (:func:`qaf.usecases.tick.send_outbox`)."""


class Unreachable(smtplib.SMTPException):
    """The server could not be reached, or would not talk to qaf (its greeting, STARTTLS, the login): the
    message was not sent. ``timed_out``: it did not answer in time (packets dropped, a host gone, its name
    not resolved), or refused what only someone's change puts right (:data:`REFUSED_EVERY_TIME`): asking
    again for the next message would wait as long, or be refused alike."""

    def __init__(self, message: str, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


# what the server says to every connection alike until someone puts it right: the login refused, STARTTLS
# not offered, its certificate not trusted
REFUSED_EVERY_TIME = (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError, ssl.SSLError)


def timed_out(exc: BaseException | None) -> bool:
    """Whether ``exc`` is, or came of, a timeout (smtplib says a greeting not read in time was a disconnection)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, TimeoutError):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


class TimeUp(TimeoutError):
    """A message's claim leaves no more time to send it in."""


class _Reply(io.RawIOBase):
    """A reply's bytes off the socket, the whole reply within its conversation's deadline: each read
    waits only the time left (a socket's timeout is a read's: a server answering a byte at a time would
    hold a reply for as long as it liked)."""

    def __init__(self, conversation: _Conversation) -> None:
        self.conversation, self.sock = conversation, conversation.sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self.sock.settimeout(self.conversation.remaining())
        return self.sock.recv_into(buffer)


class _Conversation(smtplib.SMTP):
    """smtplib's client, keeping whether a message's end was written with no reply read since, and
    bounded: reaching the server waits :data:`CONNECT_TIMEOUT` at most, a whole reply
    :data:`COMMAND_TIMEOUT` (the answer to a message's end :data:`END_TIMEOUT`), however it comes, a byte
    at a time or all at once, none past ``left()`` seconds (the time a message's claim leaves it), and
    nothing is begun after."""

    written = False
    left: Callable[[], float] | None = None
    _reply_by = 0.0  # on the monotonic clock: when the reply being read must be whole

    def _bound(self, wait: float) -> float:
        if self.left is None:
            return wait
        left = self.left()
        if left <= 0:
            raise TimeUp("its claim's time to send is up")
        return min(wait, left)

    def _get_socket(self, host, port, timeout):
        sock = socket.create_connection((host, port), self._bound(CONNECT_TIMEOUT), self.source_address)
        sock.settimeout(timeout)
        return sock

    def send(self, s) -> None:  # every command and the message's text go through here
        if self.sock is not None:
            self.sock.settimeout(self._bound(self.timeout))
        super().send(s)
        if isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):  # the message with its end (commands are str)
            self.written = True

    def remaining(self) -> float:
        """The seconds the reply being read may still wait; a timeout once there are none."""
        wait = self._reply_by - monotonic()
        if wait <= 0:
            raise TimeoutError("the reply was not whole in time")
        return self._bound(wait)

    def getreply(self):
        wait = END_TIMEOUT if self.written else self.timeout  # the answer to a message's end may take a server's scan of it
        self._bound(wait)  # its claim's time already up: said so (TimeUp), not read
        self._reply_by = monotonic() + wait
        if self.file is None and self.sock is not None:  # read through the deadline (smtplib makes one per connection)
            self.file = io.BufferedReader(_Reply(self))
        reply = super().getreply()
        self.written = False  # answered: the reply says what became of it
        return reply


def closed_on_us(exc: Exception) -> bool:
    """Whether the server closed the connection with the message not taken: it said 421 ("closing
    channel"), or it was gone as a command was sent (a connection it dropped while idle)."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return any(code == 421 for code, _ in exc.recipients.values())
    return getattr(exc, "smtp_code", None) == 421


class Sender:
    """One SMTP connection for a batch of messages (opened lazily, closed by ``close``).

    ``clock`` (real time) is what a message's ``begin_by`` is read against.
    """

    def __init__(self, settings: MailSettings, clock: Callable[[], datetime] | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self._smtp: _Conversation | None = None

    def _connect(self, left: Callable[[], float] | None) -> _Conversation:
        if self._smtp is None:
            smtp = _Conversation(timeout=COMMAND_TIMEOUT)
            smtp.left = left
            began = monotonic()
            try:
                smtp.connect(self.settings.host or "localhost", self.settings.port)
                if self.settings.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.settings.user:
                    smtp.login(self.settings.user, self.settings.password or "")
            except TimeUp:
                smtp.close()
                raise
            except Exception as exc:
                smtp.close()
                slow = monotonic() - began >= SLOW_FAILURE  # a name not resolved in time fails as gaierror, waited out
                refused = isinstance(exc, REFUSED_EVERY_TIME)  # asked again, the same answer (a login refused again and again locks the account)
                raise Unreachable(f"{type(exc).__name__}: {exc}", timed_out(exc) or slow or refused) from exc
            self._smtp = smtp
        self._smtp.left = left
        return self._smtp

    def send(self, msg: Message, begin_by: datetime | None = None, finish_by: datetime | None = None) -> dict[str, tuple[int, bytes]]:
        """Send ``msg``; the recipients the server refused while it took the message for the others
        (address: (code, reply)), as :meth:`smtplib.SMTP.sendmail` gives them. All refused raises.

        Any failure drops the connection (the next message opens another). One after the message's end
        was written and before the server answered raises :class:`MayHaveGone`; one opening the
        connection :class:`Unreachable`; anything else raised (an SMTP refusal, a connection lost, a
        fault of qaf's own) means the server did not take it. The server closing the connection on it
        (:func:`closed_on_us`) is met once with a new connection and the message sent on it, if that can
        begin by ``begin_by``. Nothing waits past ``finish_by`` (read on ``clock``): a message not
        answered by then may have gone."""
        left = None
        if finish_by is not None and self.clock is not None:
            clock = self.clock

            def left() -> float:
                return (finish_by - clock()).total_seconds()

        again = True
        while True:
            smtp = self._connect(left)
            smtp.written = False
            try:
                return smtp.send_message(msg) or {}
            except Exception as exc:
                written = smtp.written
                self._drop()
                if written:
                    raise MayHaveGone(f"{type(exc).__name__}: {exc}") from exc
                if not (again and closed_on_us(exc) and (begin_by is None or self.clock is None or self.clock() < begin_by)):
                    raise
                again = False

    def _drop(self) -> None:
        """The connection closed without a QUIT: after a failure it may not answer one."""
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            smtp.close()

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            finally:  # a QUIT not answered left the socket open
                self._drop()


def refused_its_person(msg: Message, refused: dict[str, tuple[int, bytes]]) -> tuple[smtplib.SMTPRecipientsRefused | None, tuple[str, ...]]:
    """Of a message sent with copies, the server's refusal of its own recipient (``To``), if it refused it
    while it took a copy, as the error its send is failed with; and the copies it took (refused: none)."""
    def one(a: str) -> str:
        return a.strip().lower()

    to = one(str(msg["To"]))
    mine = {a: r for a, r in refused.items() if one(a) == to}
    if not mine:
        return None, ()
    gone = {one(a) for a in refused}
    copies = [a.strip() for a in str(msg["Cc"] or "").split(",") if a.strip()]
    return smtplib.SMTPRecipientsRefused(mine), tuple(a for a in copies if one(a) not in gone)


def _not_again(what: str) -> str:
    """Why a notice is not put back, from what :func:`send_again`'s checks found it to be."""
    if what == "missing":
        return "no such notice"
    if what == "nobody's":
        return "is held for nobody in post: it goes to whoever holds the post when someone does"
    return what if what.startswith("is for ") else f"is {what}, not failed (only a failed notice is sent again)"


def send_again(store: Store, ids: list[int], today: date | None = None) -> list:
    """Put the failed notices ``ids`` back to be sent (``qaf outbox --send-again``): due at once, with a
    month of tries again. One failed as 'may have been sent' is never sent again by itself; someone who has
    checked with its recipient that it did not arrive sends it again with this. All or none: an id that is
    not a failed notice is refused, named with what it is, and nothing is put back. Each is logged
    (``outbox.sent_again``: its id, reason and the tries it had; never the server's words). The rows, as
    they were but for whom each goes to now (with ``today``: a leaver's goes to her successor). One held for nobody in post (raised while nobody held the post) goes to whoever holds it on
    ``today``, however long it waited; nobody yet, it is refused."""
    with store.write() as conn:
        events: list = []
        if today is not None:
            from qaf.usecases.readdress import held_by_hand

            held_by_hand(store, conn, today, ids, events)
        rows, wrong = ob_store.send_again(conn, ids)
        if not wrong and today is not None:  # one put back for a leaver goes to her successor now, or is refused
            from qaf.usecases.readdress import put_back_for_leavers

            wrong = put_back_for_leavers(store, conn, today, [r.id for r in rows], events)
        if wrong:
            raise QafError("outbox --send-again: " + "; ".join(f"{i}: {_not_again(what)}" for i, what in sorted(wrong.items())) + "; nothing was put back")
        log_many(conn, events + [("outbox.sent_again", str(r.id), {"reason": r.reason, "attempts": r.attempts}) for r in rows])
        if today is not None:  # each to whom it goes now (a leaver's successor), as readdressing left it
            now = {r.id: r for r in ob_store.rows(conn, [r.id for r in rows])}
            rows = [SimpleNamespace(**{**r._asdict(), **{k: getattr(now[r.id], k) for k in ("recipient", "recipient_email", "subject")}})
                    for r in rows]  # fmt: skip
    return rows
