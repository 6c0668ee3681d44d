"""Python's cycle collector paused while many long-lived objects are made at once.

A large council's year of obligations (some 100,000 objects) or its
organisation (44,000 cases) all live on after they are made: the collector's
passes over them while they are being made find next to nothing to free and
cost a tenth (the schedule) to half (the organisation's load) of the work.
Nothing is lost: cycles made meanwhile are collected at the next pass after.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the block, and on again after it if it was on (nesting keeps it off)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class HeapSettler:
    """What a store keeps in memory between calls (a large council's organisation is over 100,000
    objects) moved out of the cyclic collector's scans, once each time it changes: call it when the
    process is quiet (a server's start, after a background job, a periodic check).

    Every full collection scanned them all: a pause of 100-300 ms for whatever
    was running (a third of a tick on a day the ladder queues 1,500
    escalations). Each settling thaws what an earlier one froze, collects (so
    a replaced organisation goes, cycles and all: its people's cache points
    back at it, and a frozen cycle is never collected), then freezes what is
    left. ``store`` has ``kept()``: a value that changes when what it keeps does.
    """

    def __init__(self, store) -> None:
        self.store = store
        self.frozen: object = object()  # nothing frozen yet: the first call settles

    def __call__(self) -> bool:
        """Settle if what the store keeps changed since the last time; whether it did."""
        kept = self.store.kept()
        if kept == self.frozen:
            return False
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.frozen = kept
        return True
