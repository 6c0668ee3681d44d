"""What a server keeps in memory, bounded by its bytes: the least recently asked for goes first.

:class:`Kept` holds rendered answers (calendar feeds, the API's JSON) by
key, each weighed by a function of the caller's (its bytes and an allowance
for the rest). Keeping one that takes the total past ``max_bytes`` drops
the least recently asked for until it fits; one heavier than the whole
budget is not kept at all (it would push everything else out and still not
fit), and a budget of 0 keeps nothing. Not thread-safe: the caller holds its
own lock around each call.
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
