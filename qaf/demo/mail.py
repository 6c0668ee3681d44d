"""The demo's email: the outbox sent as ``.eml`` files, through the outbox's own claim and mark-sent.

:class:`FileSender` has the :class:`qaf.usecases.mail.Sender` interface (``send``
and ``close``) but writes each message to a folder instead of talking SMTP,
so the demo needs no mail server. :func:`deliver` is the tick's sending loop
with that sender: claim due rows with a lease, compose each message with
:func:`qaf.usecases.mail.compose` (the same bytes an SMTP server would receive),
write it, and mark the rows sent, so the store's outbox says ``sent`` exactly
as after a real run. The demo runs alone, so a batch is marked sent in one
transaction rather than one per message.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Callable

from qaf.store import outbox as ob_store
from qaf.usecases.mail import MailSettings, compose
from qaf.usecases.readdress import standing


class FileSender:
    """Writes each message to ``folder/YYYY-MM-DD-<hash>.eml`` (the date the message is dated)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sent = 0

    def send(self, msg: Message) -> None:
        day = parsedate_to_datetime(msg["Date"]).date().isoformat()
        name = hashlib.sha256(str(msg["Message-ID"]).encode()).hexdigest()[:12]
        (self.folder / f"{day}-{name}.eml").write_bytes(msg.as_bytes())
        self.sent += 1

    def close(self) -> None:
        pass


def deliver(store, settings: MailSettings, sender: FileSender, runner: str, now: datetime, wall: Callable[[], datetime]) -> int:
    """Send every due outbox row with ``sender``; the number marked sent."""
    sent = 0
    while True:
        with store.write() as conn:
            batch = standing(conn, ob_store.claim(conn, runner, now, wall()), runner)
        if not batch:
            return sent
        good, bad = [], []
        for item in batch:
            try:
                msg = compose(settings, item.key, item.recipient_email, item.subject, item.body_text, item.cause, now, item.cc)
            except ValueError as exc:  # not an address: it will not get better
                bad.append((item, str(exc)))
                continue
            sender.send(msg)
            good.append(item)
        with store.write() as conn:
            sent += sum(1 for item in good if ob_store.mark_sent(conn, item, runner, now))
            for item, error in bad:
                ob_store.mark_failed(conn, item, runner, now, error, permanent=True)
