"""The feed cache is bounded by bytes (QAF_FEED_CACHE_MB, default 64), least recently asked for going first (issue 16)."""

from __future__ import annotations

import gzip
from datetime import datetime, timezone
from pathlib import Path

import pytest

from qaf.rules.problems import QafError
from qaf.store.sql import SqlStore
from qaf.usecases import tokens
from qaf.web.api import create_app
from qaf.web.encoding import MINIMUM_SIZE
from qaf.web.serving import ENTRY_OVERHEAD, FeedServer
from tests.test_feeds import TODAY, year

NOW = datetime(2024, 6, 10, 9, 0, tzinfo=timezone.utc)
BASE = "https://qaf.example-council.gov.uk"


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory):
    url = f"sqlite:///{tmp_path_factory.mktemp('cache') / 'qaf.db'}"
    store = SqlStore.open(url)
    year(store)
    org, vocab = store.org(), store.vocabulary()
    feeds = {p: tokens.issue(store, org, vocab, p, None, "feed", NOW)[0] for p in ("PM1", "PM2", "OM1", "SW1", "SW2")}
    feeds["D1"] = tokens.issue(store, org, vocab, "D1", "all", "feed", NOW)[0]  # the whole council: the largest feed
    yield store, url, feeds
    store.close()


def sizes(store: SqlStore, feeds: dict[str, str]) -> dict[str, int]:
    probe = FeedServer(store, lambda: TODAY, ttl=60, max_bytes=1 << 30)
    return {p: probe.load(t, "event", BASE).size + ENTRY_OVERHEAD for p, t in feeds.items()}


def test_the_cache_keeps_what_fits_in_its_bytes_and_drops_the_least_recently_asked_for(council):
    store, _, feeds = council
    size = sizes(store, feeds)
    small = ["PM1", "PM2", "OM1", "SW1"]
    cap = size["PM1"] + size["PM2"] + size["OM1"]  # room for three of the small ones, never four
    server = FeedServer(store, lambda: TODAY, ttl=60, max_bytes=cap)
    for p in small[:3]:
        server.load(feeds[p], "event", BASE)
    assert server.renders == 3 and server.cached_bytes == cap
    assert server.cached(feeds["PM1"], "event", BASE) is not None  # PM1 is now the most recently asked for
    server.load(feeds["SW1"], "event", BASE)  # does not fit beside the three: PM2, the least recent, goes
    assert server.cached_bytes <= cap
    assert server.cached(feeds["PM2"], "event", BASE) is None
    assert server.cached(feeds["PM1"], "event", BASE) is not None
    assert server.cached(feeds["SW1"], "event", BASE) is not None
    renders = server.renders
    assert server.load(feeds["PM2"], "event", BASE).body  # rendered again, the same bytes
    assert server.renders == renders + 1 and server.cached_bytes <= cap
    kept = [e.served for e in server._feeds.entries.values()]
    assert sum(s.size + ENTRY_OVERHEAD for s in kept) == server.cached_bytes
    # each is kept with its gzip, made with the render (none for a feed too small to compress), and weighed with it
    assert all(gzip.decompress(s.gzip) == s.body and s.size == len(s.body) + len(s.gzip) for s in kept if len(s.body) >= MINIMUM_SIZE)
    assert all(s.gzip is None and s.size == len(s.body) for s in kept if len(s.body) < MINIMUM_SIZE)
    assert any(s.gzip for s in kept)


def test_a_feed_larger_than_the_whole_cache_is_served_but_not_kept(council):
    store, _, feeds = council
    size = sizes(store, feeds)
    assert size["D1"] > size["PM1"] * 2
    server = FeedServer(store, lambda: TODAY, ttl=60, max_bytes=size["D1"] - 1)
    server.load(feeds["PM1"], "event", BASE)
    whole = server.load(feeds["D1"], "event", BASE)
    assert whole.size + ENTRY_OVERHEAD == size["D1"]
    assert server.cached(feeds["D1"], "event", BASE) is None  # not kept
    assert server.cached(feeds["PM1"], "event", BASE) is not None  # and it pushed nothing out
    assert server.cached_bytes == size["PM1"]


def test_the_cache_size_comes_from_qaf_feed_cache_mb_and_a_bad_value_is_refused(council, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    store, url, _ = council
    monkeypatch.delenv("QAF_FEED_CACHE_MB", raising=False)
    assert FeedServer(store, lambda: TODAY).max_bytes == 64 * 1024 * 1024
    monkeypatch.setenv("QAF_FEED_CACHE_MB", "5")
    assert FeedServer(store, lambda: TODAY).max_bytes == 5 * 1024 * 1024
    app = create_app(url, lambda: TODAY, store=store)
    assert app.state.feeds.max_bytes == 5 * 1024 * 1024
    for bad in ("0", "4097", "64MB", ""):
        monkeypatch.setenv("QAF_FEED_CACHE_MB", bad)
        if bad == "":  # empty is unset: the default
            assert FeedServer(store, lambda: TODAY).max_bytes == 64 * 1024 * 1024
            continue
        with pytest.raises(QafError, match=rf"QAF_FEED_CACHE_MB='{bad}': a whole number from 1 to 4096"):
            create_app(url, lambda: TODAY, store=store)


def test_a_feed_rendered_again_after_a_change_reads_in_two_transactions_and_writes_only_when_its_bytes_change(council):
    """Every council ticks at 06:00 and every feed is rendered again after it: a dozen round trips each would queue."""
    from sqlalchemy import event

    store, _, feeds = council
    server = FeedServer(store, lambda: TODAY, ttl=0, max_bytes=1 << 30)
    first = server.load(feeds["SW1"], "event", BASE)
    began: list[str] = []

    def counted(conn) -> None:
        began.append("write" if not conn.get_execution_options().get("qaf_read") else "read")

    event.listen(store.engine, "begin", counted)
    try:
        again = server.load(feeds["SW1"], "event", BASE)  # nothing changed: the version alone is read
        assert (again, began) == (first, ["read"])
        began.clear()
        org, vocab = store.org(), store.vocabulary()
        tokens.issue(store, org, vocab, "PM1", None, "feed", NOW)  # the store version moves; SW1's feed does not
        began.clear()
        renders = server.renders
        after = server.load(feeds["SW1"], "event", BASE)
        assert server.renders == renders + 1, "a new version renders the feed again"
        assert after.body == first.body and after.last_modified == first.last_modified
        assert began == ["read", "read"], "the version and the token in one, the organisation and rows in the other; no write"
    finally:
        event.remove(store.engine, "begin", counted)


def test_a_leavers_link_is_not_answered_from_memory_when_the_server_was_quiet(tmp_path):
    """A feed is answered from memory while the store version is read again in the background, which
    costs a change at most about a second under traffic. But a server asked nothing for an hour answered
    the first poll after someone left from memory: her feed went out once more after she had gone."""
    import asyncio
    from datetime import date

    from tests.test_feeds import people_with
    from tests.council import council as small_council

    store = SqlStore.open(f"sqlite:///{tmp_path / 'qaf.db'}")
    try:
        year(store)
        token = tokens.issue(store, store.org(), store.vocabulary(), "PM1", None, "feed", NOW)[0]
        seconds = [1000.0]
        server = FeedServer(store, lambda: TODAY, ttl=1, max_bytes=1 << 30, monotonic=lambda: seconds[0])

        async def poll():
            return await server.get(token, "event", BASE)

        assert asyncio.run(poll()) is not None  # rendered and kept
        seconds[0] += 0.5
        assert asyncio.run(poll()) is not None  # from memory: the version was read half a second ago
        store.save_org(small_council(people=people_with(PM1={"end": date(2024, 6, 7)})))  # she has left
        seconds[0] += 3600  # nobody polled for an hour
        assert asyncio.run(poll()) is None
    finally:
        store.close()
