"""What a server keeps in memory, bounded by its bytes: the least recently asked for goes first.

:class:`Kept` holds rendered answers (calendar feeds, the API's JSON) by
key, each weighed by a function of the caller's (its bytes and an allowance
for the rest). Keeping one that takes the total past ``max_bytes`` drops
the least recently asked for until it fits; one heavier than the whole
budget is not kept at all (it would push everything else out and still not
fit), and a budget of 0 keeps nothing. Not thread-safe: the caller holds its
own lock around each call.

:class:`Answers` keeps the API's whole answers; :class:`Records` the records
they are made of, so an answer worked out again after a change writes only
the records that changed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
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


class Answers:
    """The API's answers (JSON bytes, and their gzip once a client asked for it: :mod:`qaf.web.encoding`), kept by everything they depend on: thread-safe, bounded by
    ``QAF_API_CACHE_MB`` (default 32; 0 keeps none) unless given in bytes.

    The key is the caller's to make complete (:func:`qaf.web.api.create_app` says what it holds);
    ``hits`` and ``misses`` count what was answered from memory and what was not.
    """

    def __init__(self, max_bytes: int | None = None) -> None:
        limit = max_bytes if max_bytes is not None else whole("QAF_API_CACHE_MB") * 1024 * 1024
        self._kept: Kept[Hashable, Encoded] = Kept(limit, lambda body: body.size + ANSWER_OVERHEAD)
        self._lock = threading.Lock()
        self.hits = self.misses = 0

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
            return found

    def keep(self, key: Hashable, body: Encoded) -> None:
        with self._lock:
            self._kept.keep(key, body)


RECORD_OVERHEAD = 2048  # beside its text: the key, the obligation it holds and its strings, the place (2.1 KB measured)


class _Written(dict):
    """The records written on one day under one organisation: a dict (looked up at C speed), its weight counted as
    records are kept, and emptied when the next would take it past its bound."""

    def __init__(self, max_bytes: int, lock: threading.Lock) -> None:
        super().__init__()
        self.max_bytes, self.weight, self.written, self._lock = max_bytes, 0, 0, lock

    def __setitem__(self, key: Hashable, text: str) -> None:
        weight = len(text) + RECORD_OVERHEAD
        with self._lock:
            if self.weight + weight > self.max_bytes:
                if weight > self.max_bytes:
                    return
                self.clear()
                self.weight = 0
            if key not in self:
                self.weight += weight
            self.written += 1
            super().__setitem__(key, text)


class Records:
    """Each obligation's record as the API writes it (:func:`qaf.usecases.queries.records_json`), kept while the day
    and the organisation and frameworks are as they were when it was written.

    After any change a kept answer is worked out again, though most of what it
    lists did not change: its records are then taken from here, and only
    those of obligations (or outcomes) that changed are written again.
    Bounded by ``QAF_API_CACHE_MB`` (default 32; 0 keeps none) as much again
    as the answers, unless given in bytes: when the next record would not
    fit, all are forgotten and keeping starts again. Thread-safe.
    """

    def __init__(self, max_bytes: int | None = None) -> None:
        self.max_bytes = max_bytes if max_bytes is not None else whole("QAF_API_CACHE_MB") * 1024 * 1024
        self._lock = threading.Lock()
        self._written: OrderedDict[Hashable, _Written] = OrderedDict()  # by (day, versions): the last two

    def on(self, today: Hashable, versions: Hashable) -> _Written | None:
        """The records written on ``today`` under ``versions`` (the snapshot's key); None if none are kept."""
        if self.max_bytes <= 0:
            return None
        when = (today, versions)
        with self._lock:
            found = self._written.get(when)
            if found is None:
                # a request that began under the last versions may still be writing: its records stay apart
                found = self._written[when] = _Written(self.max_bytes // 2, threading.Lock())
                while len(self._written) > 2:
                    self._written.popitem(last=False)
            return found

    @property
    def cached_bytes(self) -> int:
        with self._lock:
            return sum(w.weight for w in self._written.values())

    @property
    def written(self) -> int:
        """How many records were written (not found kept) under the day and versions still kept."""
        with self._lock:
            return sum(w.written for w in self._written.values())
