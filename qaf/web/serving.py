"""Feeds behind their secret URLs, cached so that revalidating costs almost nothing.

Calendar clients poll every few hours and almost always get "304 Not
Modified". :class:`FeedServer` keeps each token's rendered feed (bytes,
ETag, Last-Modified) keyed by a cheap *store version*
(:func:`qaf.store.feeds.version`: obligations' count and latest change, the
organisation's version, the frameworks, the tokens issued and revoked, and
the business date). The version is read at most once every ``ttl`` seconds
(default 1), in the background, however many subscribers ask: a
revalidation is a dictionary lookup on the event loop, and never waits for
the database or a render. Only while feeds are being asked for, though: a
version read more than ``STALE_FOR`` seconds ago (10; a quiet server, between
calendars' polls) is read again before memory answers, so a link whose
person has left since is never answered from memory, not even once.

When the version moves, every feed is re-rendered on its next request and
the token cache is emptied, so a change shows, and a revoked token stops
working, within about ``ttl`` seconds (``ttl=0`` reads the version before
every answer: the tests use it). Rendering and database reads run in worker
threads, one render per feed at a time.

The rendered feeds kept are bounded by their bytes, not their number (one
council-wide feed can be 25 MB): ``QAF_FEED_CACHE_MB`` (default 64, 1 to
4096), the least recently asked for dropped first; a feed larger than the
whole cache is served but not kept. Each is kept with its gzip, made with the
render (:mod:`qaf.web.encoding`), and both count. The events feeds are made
of are kept too, as much again (:class:`qaf.web.kept.Events`): after a change,
a feed is rendered again from the events that did not change, and only those
of obligations that changed are written again. A feed rendered again to the
bytes kept for it (a write that did not touch it, the common case) keeps
their ETag and gzip; its Last-Modified is still the store's word.

:meth:`FeedServer.get` answers ``None`` for a malformed, unknown, revoked or
API token, or for the token of someone who has left: the URL answers 404
with no hint which.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

import anyio.to_thread

from qaf.calendars import access, http
from qaf.calendars.feed import DONE_DAYS
from qaf.calendars.selection import Selection
from qaf.clock import utc_now
from qaf.store import feeds as feed_store
from qaf.store.settings import whole
from qaf.store.tokens import StoredToken
from qaf.usecases import tokens
from qaf.usecases.feeds import build_in
from qaf.web.encoding import Encoded
from qaf.web.kept import Events, Kept


@dataclass(frozen=True, slots=True)
class Served:
    body: bytes
    etag: str
    last_modified: datetime | None
    headers: dict[str, str] = field(default_factory=dict, compare=False)  # for a 200 or a 304, made once
    gzip: bytes | None = field(default=None, compare=False)  # made with the render, sent to every client that accepts it

    @property
    def size(self) -> int:
        """The bytes kept: the feed and its gzip."""
        return self.encoded().size

    def encoded(self) -> Encoded:
        return Encoded(self.body, self.gzip)


@dataclass(frozen=True, slots=True)
class _Entry:
    version: str
    served: Served


STALE_FOR = 10.0  # seconds: memory answers while the version is read again only if it was read this lately
ENTRY_OVERHEAD = 1024  # a kept feed's key, headers and bookkeeping, roughly, beside its body


def _weight(entry: _Entry) -> int:
    """What a kept feed costs the cache: its bytes (its gzip included) and a fixed allowance for the rest."""
    return entry.served.size + ENTRY_OVERHEAD


def _feed_key(key: tuple[str, str, str]) -> str:
    """One feed URL (token, kind, address) as the store names it: a hash, never the token itself."""
    return hashlib.sha256("\x1f".join(key).encode("utf-8")).hexdigest()


class FeedServer:
    def __init__(
        self, store, today: Callable[[], date], *, ttl: float = 1.0, done_days: int = DONE_DAYS,
        overseers: tuple[str, ...] = access.OVERSEERS, max_bytes: int | None = None, now: Callable[[], datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:  # fmt: skip
        self.store, self.today, self.ttl, self.now, self.monotonic = store, today, ttl, now, monotonic
        self.done_days, self.overseers = done_days, overseers
        # the rendered feeds kept, by their size: QAF_FEED_CACHE_MB (default 64) unless given in bytes
        self.max_bytes = max_bytes if max_bytes is not None else whole("QAF_FEED_CACHE_MB") * 1024 * 1024
        self._version = ("", -1.0)  # (version, when it was read: time.monotonic())
        self._tokens: dict[str, StoredToken] = {}
        # a feed pushed out forgets its render gate too (one render per feed at a time, see load())
        self._feeds: Kept[tuple[str, str, str], _Entry] = Kept(self.max_bytes, _weight, lambda key: self._renders.pop(key, None))
        # and their events, as much again: after a change a feed is rendered again from those that did not change
        self.events = Events(self.max_bytes)
        self._lock = threading.Lock()  # guards the dictionaries above
        self._probe = threading.Lock()  # one version read at a time
        self._renders: dict[tuple[str, str, str], threading.Lock] = {}
        self._pending: asyncio.Future | None = None  # the version read under way
        self.renders = 0  # how many feeds were rendered (the tests and the benchmark read it)
        self.same = 0  # of those, how many were the bytes kept for the last version (their tag and gzip not made again)

    # --- the store version ---------------------------------------------------------------

    def _fresh(self) -> bool:
        return self.monotonic() - self._version[1] < self.ttl

    def _in_use(self) -> bool:
        """Whether the version was read lately enough (``STALE_FOR``) that memory may answer while it is read again."""
        return self.monotonic() - self._version[1] < max(STALE_FOR, self.ttl)

    def refresh(self) -> str:
        """The store version, read again if older than ``ttl`` (one reader at a time)."""
        with self._probe:
            if not self._fresh():
                day = self.today().isoformat()  # before the read: the business date may read the store itself
                with self.store.read() as conn:
                    version = f"{feed_store.version(conn)}|{day}"
                with self._lock:
                    if version != self._version[0]:
                        self._tokens.clear()
                    self._version = (version, self.monotonic())
            return self._version[0]

    # --- answering ---------------------------------------------------------------------

    def cached(self, token: str, kind: str, base_url: str) -> Served | None:
        """The feed from memory if it matches the last version read: no I/O at all (None: ask :meth:`load`)."""
        key = (tokens.digest(token), kind, base_url)
        with self._lock:
            entry = self._feeds.peek(key)
            if entry is None or entry.version != self._version[0] or key[0] not in self._tokens:
                return None
            self._feeds.get(key)  # now the most recently asked for
            return entry.served

    def load(self, token: str, kind: str, base_url: str) -> Served | None:
        """Check the token, and render the feed unless the cached one still holds (runs in a thread).

        At most two read transactions: the version and the token (only when
        either is not known), then, one render per feed at a time, the
        organisation, the rows and the feed's last ETag as of one moment; and a
        write only when the bytes changed. A render after every council's 06:00
        tick is then a few round trips, not a dozen, on a busy database. Bytes
        equal to those kept for the last version keep their ETag and gzip (not
        hashed and compressed again: 5 ms of a Head of Service's 532 events).
        """
        version, found = self._checked(token)
        if found is None:
            return None
        key = (found.token_hash, kind, base_url)
        with self._lock:
            entry = self._feeds.peek(key)
            gate = self._renders.setdefault(key, threading.Lock())
        if entry is not None and entry.version == version:  # already rendered for this version
            return entry.served
        with gate:
            with self._lock:
                entry = self._feeds.peek(key)
            if entry is not None and entry.version == version:  # another thread rendered it meanwhile
                return entry.served
            today, feed = self.today(), _feed_key(key)
            with self.store.read() as conn:
                snap = self.store.snapshot_in(conn)
                sel = self._selection(found, snap, today)
                if sel is None:
                    return None
                built = build_in(conn, snap, sel, today, kind, base_url, self.done_days, written=self.events)
                last = feed_store.last_served(conn, feed)
            # after a write elsewhere the bytes are often those kept for the last version: their tag and gzip hold
            before = entry.served if entry is not None and entry.served.body == built.body else None
            tag = before.etag if before is not None else http.etag(built.body)
            filename = "qaf-tasks.ics" if kind == "todo" else "qaf.ics"
            changed = self._changed_at(feed, tag, built.last_modified, last)  # the store's word: another instance may have served other bytes since
            if before is not None and before.last_modified == changed:
                served = before
            else:  # gzipped here, once a render (calendar clients ask for gzip), not by the middleware on every answer
                body, gzip = (before.body, before.gzip) if before is not None else (built.body, Encoded(built.body).zipped().gzip)
                served = Served(body, tag, changed, http.headers(tag, changed, filename), gzip)
            with self._lock:
                self.renders += 1
                self.same += before is not None
                self._feeds.keep(key, _Entry(version, served))  # within max_bytes; a feed larger than that is not kept
            return served

    def _checked(self, token: str) -> tuple[str, StoredToken | None]:
        """The store version and the live feed token, read in one transaction when either is not in memory."""
        wanted = tokens.digest(token)
        if self._fresh():
            with self._lock:
                known = self._tokens.get(wanted)
            if known is not None:
                return self._version[0], known
        with self.store.one_read():  # the version's read and the token's share one transaction
            version = self.refresh()
            with self._lock:
                known = self._tokens.get(wanted)
            found = known if known is not None else tokens.check(self.store, token, "feed")
        if found is not None and known is None:
            with self._lock:
                if self._version[0] == version:  # not a token read before a newer version emptied the cache
                    self._tokens[wanted] = found
        return version, found

    @property
    def cached_bytes(self) -> int:
        """What the kept feeds weigh now (:func:`_weight` each)."""
        return self._feeds.cached_bytes

    def _changed_at(self, feed: str, tag: str, newest: datetime | None, last: tuple[str, datetime] | None) -> datetime:
        """Last-Modified: when these bytes last changed, an event leaving included.

        ``last`` is what the store says the feed last served (ETag, since when).
        Unchanged bytes keep their moment (no write); changed bytes are dated
        now; a feed served for the first time by its newest event.
        """
        if last is not None and last[0] == tag:
            return last[1]
        moment = newest if last is None and newest is not None else self.now()
        with self.store.write() as conn:
            feed_store.served_since(conn, feed, tag, moment)
        return moment

    async def get(self, token: str, kind: str, base_url: str) -> Served | None:
        """What ``GET /feeds/{token}.ics`` serves; a revalidation never leaves the event loop.

        When the version read is older than ``ttl``, the feed in memory is still
        answered while one background read of the version runs (so a change
        shows within ``ttl`` and the time of that read), but only while feeds
        are being asked for: a version read more than ``STALE_FOR`` ago (the
        server idle, as between a calendar's hourly polls) is read again first,
        so a leaver's link, or a change made since, is never answered from
        memory. With ``ttl=0`` the version is read first, every time.
        """
        if not tokens.plausible(token):
            return None
        hit = self.cached(token, kind, base_url)
        if hit is not None and (self._fresh() or (self.ttl > 0 and self._in_use())):
            if not self._fresh():
                self._refreshing()
            return hit
        if not self._fresh():
            await asyncio.shield(self._refreshing())
            hit = self.cached(token, kind, base_url)
            if hit is not None:
                return hit
        return await anyio.to_thread.run_sync(self.load, token, kind, base_url)

    def _refreshing(self) -> asyncio.Future:
        """The version read under way on this event loop, or a new one (one at a time)."""
        loop = asyncio.get_running_loop()
        pending = self._pending
        if pending is None or pending.done() or pending.get_loop() is not loop:
            pending = self._pending = loop.run_in_executor(None, self.refresh)
        return pending

    # --- tokens and what they select ------------------------------------------------------

    def _selection(self, t: StoredToken, snap, today: date) -> Selection | None:
        """What the token's feed shows, by the access rule, on the organisation as ``snap`` has it."""
        org, vocab = snap.org, snap.vocabulary
        seen = access.visible(org, vocab, t.person, t.scope, today, self.overseers)
        if seen is None:
            return Selection("all")
        if not seen:
            return None  # left, or no longer in the organisation
        return Selection("person", t.person) if t.scope == "person" else Selection("line", t.person)
