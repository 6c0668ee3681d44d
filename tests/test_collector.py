"""Python's cycle collector kept off what a store keeps (issue 16): paused while a large read or a schedule makes
its objects, and what the store keeps between calls frozen out of later passes, once each time it changes."""

from __future__ import annotations

import dataclasses
import gc

import pytest

from qaf.store import collector
from qaf.store.collector import HeapSettler, collector_paused
from qaf.store.sql import SqlStore
from tests.council import council


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """gc.collect and gc.freeze as the settler calls them, counted and not done."""
    calls: list[str] = []
    monkeypatch.setattr(collector.gc, "collect", lambda *_: calls.append("collect") or 0)
    monkeypatch.setattr(collector.gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(collector.gc, "unfreeze", lambda: calls.append("unfreeze"))
    return calls


def test_the_heap_is_settled_once_each_time_what_the_store_keeps_changes(store: SqlStore, counted: list[str]):
    org = council()
    store.save_org(org)
    settle = HeapSettler(store)
    settling = ["unfreeze", "collect", "freeze"]
    assert settle() and counted == settling  # the first call settles what there is
    store.org()  # the organisation read and kept
    assert settle() and counted == settling * 2
    store.org()  # the same version: nothing new kept
    assert not settle() and not settle() and len(counted) == 6
    store.snapshot()  # the frameworks and vocabulary beside it
    assert settle() and len(counted) == 9
    store.save_org(dataclasses.replace(org, people=org.people[:-1]))  # a nightly import
    assert not settle(), "nothing is kept until the new organisation is read"
    store.org()
    assert settle() and counted == settling * 4
    assert not settle()


def test_settling_freezes_the_organisations_objects_out_of_the_collectors_passes(store: SqlStore):
    store.save_org(council())
    cases = len(store.org().cases)
    before = gc.get_freeze_count()
    try:
        assert HeapSettler(store)()
        assert gc.get_freeze_count() >= before + cases
    finally:
        gc.unfreeze()


def test_an_organisation_replaced_by_a_newer_one_is_freed_though_it_was_frozen(store: SqlStore):
    """A frozen object is never collected: an organisation whose people's cache points back at it (a cycle) would
    stay for the life of the server after each nightly import, unless settling thaws before it collects."""
    import weakref

    from qaf.engine.scope import people_of

    org = council()
    store.save_org(org)
    settle = HeapSettler(store)
    try:
        old = store.org()
        people_of(old, store.vocabulary())  # the cache the planner and the pages build: old -> cache -> People -> old
        gone = weakref.ref(old)
        del old
        assert settle() and gone() is not None  # kept while it is the store's
        store.save_org(dataclasses.replace(org, people=org.people[:-1]))
        store.snapshot()  # the next request's read: the newer organisation, its frameworks and vocabulary
        assert settle()
        assert gone() is None, "the replaced organisation was freed"
    finally:
        gc.unfreeze()


def test_the_collector_is_paused_in_the_block_and_on_again_after_it_even_on_an_error():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: still off, and not turned on by the inner block's end
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("a failed read")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled(), "left off when it was off before"
    finally:
        gc.enable()
