"""What the server keeps is gzipped once, not on every answer (qaf.web.encoding).

A Practice Manager's calendar refreshes, a dashboard asks the API again, a
manager reloads "My work": between two changes the bytes are the same, and
compressing them again each time is CPU every other request waits for.
Each test counts the compressions: the middleware's (Starlette's
``GZipResponder``) and qaf's own (:func:`qaf.web.encoding.gzip_of`).
"""

from __future__ import annotations

import gzip
import zlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.middleware.gzip import GZipResponder

from qaf.engine.outcomes import Recording
from qaf.engine.query import Filters
from qaf.store.sql import SqlStore
from qaf.usecases import recording
from qaf.web import encoding
from qaf.web.api import create_app
from qaf.web.kept import ANSWER_OVERHEAD, END_OVERHEAD, RECORD_OVERHEAD
from tests.test_api import Client, Served, served  # noqa: F401 (the fixture)
from tests.test_api_answers import TODAY, api_token, records
from tests.test_outcomes import april_audit, scheduled
from tests.test_web import PAT, Site, site  # noqa: F401 (the fixture)

GZIP, IDENTITY = {"Accept-Encoding": "gzip"}, {"Accept-Encoding": "identity"}
pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")


class Compressions:
    """How many bodies the middleware compressed, and how many qaf gzipped itself."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.middleware = self.qaf = 0
        middleware, ours = GZipResponder._compress_body, encoding.gzip_of

        def counted_middleware(responder, body: bytes, more_body: bool) -> bytes:
            self.middleware += 1
            return middleware(responder, body, more_body)

        def counted_ours(raw: bytes) -> bytes:
            self.qaf += 1
            return ours(raw)

        monkeypatch.setattr(GZipResponder, "_compress_body", counted_middleware)
        monkeypatch.setattr(encoding, "gzip_of", counted_ours)

    @property
    def both(self) -> tuple[int, int]:
        return self.middleware, self.qaf


def sent_gzipped(response, plain) -> bool:
    """The answer went gzipped, says so as the middleware would, and unzips to the plain answer's bytes."""
    return (
        response.headers.get("content-encoding") == "gzip"
        and "accept-encoding" in response.headers.get("vary", "").lower()
        and int(response.headers["content-length"]) < len(plain.content)
        and response.content == plain.content  # httpx unzips what it was sent
        and "content-encoding" not in plain.headers
    )


def test_a_feed_is_gzipped_with_its_render_and_every_refresh_sends_that_gzip(request: pytest.FixtureRequest, db_url: str, monkeypatch):
    app: Served = request.getfixturevalue("served")  # tests/test_api.py's year, app and tokens
    count = Compressions(monkeypatch)
    path = f"/feeds/{app.feed['PM1']}.ics"
    plain = app.client.get(path, headers=IDENTITY)
    assert plain.status_code == 200 and len(plain.content) > encoding.MINIMUM_SIZE
    assert count.both == (0, 1)  # the render made its gzip, though this client did not ask for it
    refreshes = [app.client.get(path, headers=GZIP) for _ in range(3)]
    assert all(sent_gzipped(r, plain) for r in refreshes)
    assert count.both == (0, 1)  # three refreshes, no compression
    head = app.client.request("HEAD", path, headers=GZIP)
    assert head.status_code == 200 and int(head.headers["content-length"]) == len(plain.content)
    assert app.client.get(path, headers={**GZIP, "If-None-Match": refreshes[0].headers["etag"]}).status_code == 304


def test_a_feed_rendered_again_to_the_same_bytes_sends_the_gzip_it_had(request: pytest.FixtureRequest, db_url: str, monkeypatch):
    """Any write in the council moves the store's version, and every feed is rendered again on its next request;
    most are the bytes they were. Their tag and gzip are kept, not made again; bytes that changed get a new gzip."""
    app: Served = request.getfixturevalue("served")
    count = Compressions(monkeypatch)
    path, feeds = f"/feeds/{app.feed['PM1']}.ics", app.app.state.feeds
    first = app.client.get(path, headers=IDENTITY)
    assert first.status_code == 200 and count.both == (0, 1) and (feeds.renders, feeds.same) == (1, 0)
    elsewhere = next(o for o in app.store.obligations(Filters(kind="audit")) if o.uid.encode() not in first.content)
    recording.record(app.store, Recording(elsewhere.id, "good", date=elsewhere.period_start), TODAY)
    again = app.client.get(path, headers=GZIP)
    assert (feeds.renders, feeds.same) == (2, 1)  # rendered again for the new version: the same bytes
    assert sent_gzipped(again, first) and again.headers["etag"] == first.headers["etag"]
    assert again.headers["last-modified"] == first.headers["last-modified"] and count.both == (0, 1)
    hers = next(o for o in app.store.obligations(Filters(kind="audit")) if o.uid.encode() in first.content and o.status == "open")
    recording.record(app.store, Recording(hers.id, "good", date=hers.period_start), TODAY)
    changed = app.client.get(path, headers=GZIP)
    assert changed.content != first.content and changed.headers["etag"] != first.headers["etag"]
    assert count.both == (0, 2) and (feeds.renders, feeds.same) == (3, 1)  # its new bytes gzipped once
    assert sent_gzipped(changed, app.client.get(path, headers=IDENTITY)) and count.both == (0, 2)


def test_an_api_answer_is_gzipped_once_and_a_change_gzips_the_new_answer_once(store: SqlStore, monkeypatch):
    scheduled(store, "east-sussex-2013")
    audit = april_audit(store, "3.16", "SW1")
    app = create_app(store=store, today=lambda: TODAY)
    client, token, url = Client(app), api_token(store, audit.assignee), f"/api/obligations?person={audit.assignee}&status=all"
    count = Compressions(monkeypatch)
    plain = client.get(url, token, headers=IDENTITY)
    assert len(plain.content) > encoding.MINIMUM_SIZE and count.both == (0, 0)  # kept as it is: nobody asked for gzip
    first = client.get(url, token, headers=GZIP)
    assert sent_gzipped(first, plain) and count.both == (0, 1)  # the kept answer gzipped for the first who asked
    again = [client.get(url, token, headers=GZIP) for _ in range(3)]
    assert all(sent_gzipped(r, plain) for r in again) and count.both == (0, 1)
    assert client.get(url, token, headers=IDENTITY).content == plain.content  # still sent plain to who wants it plain
    # the answer and its gzip both weigh on QAF_API_CACHE_MB, kept for its counter and as the question's last rows
    rows = len(records(plain)) * (RECORD_OVERHEAD + END_OVERHEAD)  # each record's key, and where it ends in the answer
    assert app.state.answers.cached_bytes == 2 * (len(plain.content) + int(first.headers["content-length"]) + ANSWER_OVERHEAD) + rows

    recording.record(store, Recording(audit.id, "good", date=date(2024, 4, 23)), TODAY)
    after = client.get(url, token, headers=GZIP)
    assert records(after)[audit.id]["outcome"]["grade"] == "good" and count.both == (0, 2)
    assert client.get(url, token, headers=GZIP).content == after.content and count.both == (0, 2)
    # an outcome for someone else's audit: the counter moves, and her rows are as they were
    other = next(o for o in store.obligations(Filters(kind="audit")) if audit.assignee not in (o.assignee, *o.attendees, *o.copies))
    recording.record(store, Recording(other.id, "good", date=date(2024, 4, 23)), TODAY)
    same = client.get(url, token, headers=GZIP)
    assert same.content == after.content and count.both == (0, 2) and app.state.answers.same == 1  # its gzip sent again


def test_an_answer_too_small_to_compress_is_sent_as_it_is(store: SqlStore, monkeypatch):
    scheduled(store, "east-sussex-2013")
    app = create_app(store=store, today=lambda: TODAY)
    client, token = Client(app), api_token(store, "SW1")
    count = Compressions(monkeypatch)
    url = "/api/obligations?person=SW1&from=2030-01-01"  # nothing due then: []
    for _ in range(2):
        r = client.get(url, token, headers=GZIP)
        assert r.content == b"[]" and "content-encoding" not in r.headers
    assert count.both == (0, 0)


def test_my_work_reloaded_is_gzipped_once(request: pytest.FixtureRequest, db_url: str, monkeypatch):
    web: Site = request.getfixturevalue("site")
    client = web.signed_in(PAT)
    count = Compressions(monkeypatch)
    first = client.get("/my-work", headers=GZIP)
    assert first.headers["content-encoding"] == "gzip" and count.both == (1, 0)  # rendered: the middleware compressed it
    reloads = [client.get("/my-work", headers=GZIP) for _ in range(3)]
    assert all(r.text == first.text and r.headers["content-encoding"] == "gzip" for r in reloads)
    assert count.both == (1, 1)  # the first reload gzipped the kept page; the others sent that gzip
    assert all(r.headers["content-security-policy"] == first.headers["content-security-policy"] for r in reloads)
    assert all(r.headers["cache-control"] == "no-store" and r.headers["content-type"] == first.headers["content-type"] for r in reloads)
    plain = client.get("/my-work", headers=IDENTITY)
    assert plain.text == first.text and "content-encoding" not in plain.headers
    assert web.app.state.my_work_memo.hits == 4


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=5000) | st.text(max_size=3000).map(str.encode))
def test_qafs_own_gzip_is_one_gzip_stream_of_the_same_bytes(raw: bytes):
    """What any client (or the middleware's own reader) unzips is the body itself, in one gzip member."""
    made = encoding.gzip_of(raw)
    assert made[:3] == b"\x1f\x8b\x08" and gzip.decompress(made) == raw
    unzipper = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert unzipper.decompress(made) == raw and unzipper.eof and unzipper.unused_data == b""


def test_a_feed_gzipped_by_zlib_ng_is_no_bigger_than_the_standard_librarys(request: pytest.FixtureRequest, db_url: str):
    """zlib-ng at qaf's level is as small as zlib at the middleware's on what qaf keeps: a feed and an API answer
    (a few bytes either way: zlib-ng's 7 and zlib's 6 choose their matches differently)."""
    app: Served = request.getfixturevalue("served")
    for body in (app.client.get(f"/feeds/{app.feed['PM1']}.ics", headers=IDENTITY).content,
                 app.client.get("/api/obligations?status=all", app.api["D1"], headers=IDENTITY).content):  # fmt: skip
        assert len(body) > 20_000
        standard = zlib.compressobj(encoding.LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        assert len(encoding.gzip_of(body)) <= 1.02 * len(standard.compress(body) + standard.flush())


def test_without_zlib_ng_the_standard_librarys_zlib_gzips_at_the_middlewares_level(monkeypatch):
    """A platform without zlib-ng's wheel: the module falls back to zlib, and gzips exactly as zlib does at 6."""
    import importlib
    import sys

    monkeypatch.setitem(sys.modules, "zlib_ng", None)  # its import fails, as where it is not installed
    try:
        fallback = importlib.reload(encoding)
        assert fallback._deflate is zlib and fallback.KEPT_LEVEL == fallback.LEVEL == 6
        raw = b"BEGIN:VEVENT\r\nSUMMARY:Case audit\r\nEND:VEVENT\r\n" * 200
        standard = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        assert fallback.gzip_of(raw) == standard.compress(raw) + standard.flush()
    finally:
        monkeypatch.undo()
        importlib.reload(encoding)
    assert encoding._deflate is not zlib and encoding.KEPT_LEVEL == 7
