"""Threads in a test: what each raises is kept for the test to assert on, never lost in the thread."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Callable, Iterator


@contextmanager
def running(*targets: Callable[[], None], stop: threading.Event | None = None) -> Iterator[list[Exception]]:
    """Each target in a thread of its own for the block; after it, ``stop`` is set and every thread joined.

    Yields the list of what the threads raised, complete once the block has ended.
    """
    failures: list[Exception] = []

    def kept(target: Callable[[], None]) -> None:
        try:
            target()
        except Exception as exc:
            failures.append(exc)

    threads = [threading.Thread(target=kept, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    try:
        yield failures
    finally:
        if stop is not None:
            stop.set()
        for t in threads:
            t.join()
