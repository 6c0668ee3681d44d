"""What a server keeps in memory, bounded by its bytes: the least recently asked for goes first.

:class:`Kept` holds rendered answers (calendar feeds, the API's JSON) by
key, each weighed by a function of the caller's (its bytes and an allowance
for the rest). Keeping one that takes the total past ``max_bytes`` drops
the least recently asked for until it fits; one heavier than the whole
budget is not kept at all (it would push everything else out and still not
fit), and a budget of 0 keeps nothing. Not thread-safe: the caller holds its
own lock around each call.

:class:`Answers` keeps the API's whole answers; :class:`Records` the records
they are made of, and :class:`Events` the events feeds are made of, so an
answer or a feed worked out again after a change writes only what changed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Generic, Hashable, TypeVar

from qaf.store.settings import whole
from qaf.web.encoding import Encoded

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(Generic[K, V]):
    def __init__(self, max_bytes: int, weigh: Callable[[V], int], dropped: Callable[[K], None] | None = None) -> None:
        self.max_bytes, self.weigh, self.dropped = max_bytes, weigh, dropped
        self.entries: OrderedDict[K, V] = OrderedDict()
        self.cached_bytes = 0  # what the kept values weigh now

    def peek(self, key: K) -> V | None:
        """The value kept under ``key``, leaving its place in the order as it is."""
        return self.entries.get(key)

    def get(self, key: K) -> V | None:
        """The value kept under ``key``, now the most recently asked for."""
        found = self.entries.get(key)
        if found is not None:
            self.entries.move_to_end(key)
        return found

    def keep(self, key: K, value: V) -> bool:
        """Keep ``value`` under ``key`` (replacing what was there); False if it is too heavy to keep."""
        old = self.entries.pop(key, None)
        if old is not None:
            self.cached_bytes -= self.weigh(old)
        weight = self.weigh(value)
        if weight > self.max_bytes:
            self._gone(key)
            return False
        self.entries[key] = value
        self.cached_bytes += weight
        while self.cached_bytes > self.max_bytes:
            gone_key, gone = self.entries.popitem(last=False)
            self.cached_bytes -= self.weigh(gone)
            self._gone(gone_key)
        return True

    def _gone(self, key: K) -> None:
        if self.dropped is not None:
            self.dropped(key)


ANSWER_OVERHEAD = 512  # a kept answer's key and bookkeeping, roughly, beside its bytes
RECORD_OVERHEAD = 2048  # beside its text: the key, the obligation it holds and its strings, the place (2.1 KB measured)


@dataclass(frozen=True, slots=True)
class _Rows:
    """The last answer to a question, and the records' keys it was written from (:func:`qaf.usecases.queries.record_key`)."""

    keys: tuple
    body: Encoded
    ends: tuple[int, ...] | None = None  # where each record ends in the body (None: written the long way)


END_OVERHEAD = 40  # an end's place in its tuple and its int


def _answer_weight(value: "Encoded | _Rows") -> int:
    if isinstance(value, _Rows):  # its keys hold the obligations they were read as
        return value.body.size + ANSWER_OVERHEAD + len(value.keys) * (RECORD_OVERHEAD + END_OVERHEAD)
    return value.size + ANSWER_OVERHEAD


class Answers:
    """The API's answers (JSON bytes, and their gzip once a client asked for it: :mod:`qaf.web.encoding`), kept by everything they depend on: thread-safe, bounded by
    ``QAF_API_CACHE_MB`` (default 32; 0 keeps none) unless given in bytes.

    The key is the caller's to make complete (:func:`qaf.web.api.create_app` says what it holds);
    ``hits`` and ``misses`` count what was answered from memory and what was not.

    After a change (the key's counter moved) the answer must be worked out
    again, but a write elsewhere leaves most people's rows as they were. So
    the last answer to each question is kept with the keys of the records it
    was written from (:meth:`last_rows`): rows read again with every value
    as they were give the same bytes, and those bytes (and their gzip) are
    sent again, not written again. ``same`` counts those. Rows of which
    some changed (one of the person's own obligations) give a new answer,
    each unchanged record cut from the last one where it stood there
    (with where each record ends in it).
    """

    def __init__(self, max_bytes: int | None = None) -> None:
        limit = max_bytes if max_bytes is not None else whole("QAF_API_CACHE_MB") * 1024 * 1024
        self._kept: Kept[Hashable, Encoded | _Rows] = Kept(limit, _answer_weight)
        self._lock = threading.Lock()
        self.hits = self.misses = self.same = 0

    @property
    def cached_bytes(self) -> int:
        return self._kept.cached_bytes

    def get(self, key: Hashable) -> Encoded | None:
        with self._lock:
            found = self._kept.get(key)
            if found is None:
                self.misses += 1
            else:
                self.hits += 1
            return found  # an answer: a question's last rows are kept under ("rows", question)

    def last_rows(self, question: Hashable, keys: tuple | None) -> tuple[Encoded | None, tuple[tuple, bytes, tuple[int, ...]] | None]:
        """The last answer to ``question``, looked up once: its bytes if it was written from exactly these records'
        ``keys`` (compared value by value, outside the lock: a tuple of frozen values does not change; counted in
        ``same``); otherwise as :func:`qaf.usecases.queries.records_written` takes it to cut the records that did
        not change from (its keys, its bytes, where each record ends). ``(None, None)``: none is kept, ``keys`` is
        None, or it was written the long way."""
        if keys is None:
            return None, None
        with self._lock:
            last = self._kept.get(("rows", question))
        if last is None:
            return None, None
        if last.keys == keys:
            with self._lock:
                self.same += 1
            return last.body, None
        return None, (None if last.ends is None else (last.keys, last.body.raw, last.ends))

    def keep(self, key: Hashable, body: Encoded, question: Hashable = None, keys: tuple | None = None,
             ends: tuple[int, ...] | None = None) -> None:  # fmt: skip
        """Keep ``body`` under ``key``; and, given them, as the last answer to ``question``, written from ``keys``,
        each record ending in it where ``ends`` says (without ``keys``: the same bytes with their gzip now, for the
        last answer to ``question`` if it holds them)."""
        with self._lock:
            self._kept.keep(key, body)
            if question is None:
                return
            last = self._kept.peek(("rows", question))
            same = isinstance(last, _Rows) and last.body.raw is body.raw  # the last answer's bytes (sent again)
            if keys is None:
                if not same or last.body is body:
                    return
                keys = last.keys
            self._kept.keep(("rows", question), _Rows(keys, body, last.ends if same and ends is None else ends))


EVENT_OVERHEAD = 2304  # beside its bytes: the key, the feed item and obligation it holds, their strings, the place


class _Table(dict):
    """What was written on one day under one set of versions: a dict (looked up at C speed), its weight counted as
    pieces are kept, and emptied when the next would take it past its bound."""

    def __init__(self, max_bytes: int, overhead: int) -> None:
        super().__init__()
        self.max_bytes, self.overhead, self.weight, self.written, self._lock = max_bytes, overhead, 0, 0, threading.Lock()

    def __setitem__(self, key: Hashable, piece: str | bytes) -> None:
        weight = len(piece) + self.overhead
        with self._lock:
            if self.weight + weight > self.max_bytes:
                if weight > self.max_bytes:
                    return
                self.clear()
                self.weight = 0
            if key not in self:
                self.weight += weight
            self.written += 1
            super().__setitem__(key, piece)


class Written:
    """Pieces of answers (an API record, a feed's event) kept by what they were written from, for as long as
    everything else they show is as it was (``when``: the day, the store's versions, ...). Thread-safe.

    After any change an answer is worked out again, though most of what it
    shows did not change: its pieces are then taken from here, and only those
    of obligations (or outcomes) that changed are written again. Bounded by
    ``max_bytes`` (a piece weighs its length and ``overhead``): when the next
    would not fit, all are forgotten and keeping starts again. The pieces of
    the last two ``when`` are kept (a request that began under the last
    versions may still be writing: its pieces stay apart), each table half
    the bytes; 0 keeps none.
    """

    def __init__(self, max_bytes: int, overhead: int) -> None:
        self.max_bytes, self.overhead = max_bytes, overhead
        self._lock = threading.Lock()
        self._tables: OrderedDict[Hashable, _Table] = OrderedDict()

    def on(self, *when: Hashable) -> _Table | None:
        """What was written under ``when``; None if nothing is kept."""
        if self.max_bytes <= 0:
            return None
        with self._lock:
            found = self._tables.get(when)
            if found is None:
                found = self._tables[when] = _Table(self.max_bytes // 2, self.overhead)
                while len(self._tables) > 2:
                    self._tables.popitem(last=False)
            return found

    @property
    def cached_bytes(self) -> int:
        with self._lock:
            return sum(t.weight for t in self._tables.values())

    @property
    def written(self) -> int:
        """How many pieces were written (not found kept) under the ``when`` still kept."""
        with self._lock:
            return sum(t.written for t in self._tables.values())


class Records(Written):
    """Each obligation's record as the API writes it (:func:`qaf.usecases.queries.records_json`), on a day under
    the organisation's and frameworks' versions: ``QAF_API_CACHE_MB`` (default 32; 0 keeps none) as much again as
    the answers, unless given in bytes."""

    def __init__(self, max_bytes: int | None = None) -> None:
        super().__init__(max_bytes if max_bytes is not None else whole("QAF_API_CACHE_MB") * 1024 * 1024, RECORD_OVERHEAD)


class Events(Written):
    """Each feed's events as written (:func:`qaf.calendars.feed.render`), on a day under the store's versions, for
    one address and one reminder: ``QAF_FEED_CACHE_MB`` (default 64) as much again as the feeds, unless given in bytes."""

    def __init__(self, max_bytes: int | None = None) -> None:
        super().__init__(max_bytes if max_bytes is not None else whole("QAF_FEED_CACHE_MB") * 1024 * 1024, EVENT_OVERHEAD)
