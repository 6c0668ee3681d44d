"""A page rendered once per session and store version: "My work" without the work, when nothing changed.

"My work" for a Practice Manager on a large council reads her obligations
through the query core and renders a few hundred rows; working out who she
may see (:mod:`qaf.calendars.access`) walks the organisation. People reload
it far more often than the store changes. :class:`PageMemo` keeps each
session's rendered page keyed by:

- the session (the hash of its cookie): one person's page is never served
  to another, and a page carries its own session's CSRF token;
- the store version (:func:`qaf.store.feeds.version`: the obligations'
  counter, which the database bumps in the same transaction as any write to
  an obligation, recording an outcome, an extension or a tick included; the
  organisation's version; the frameworks; the tokens), read on every request
  (one small query), so a write shows on the very next request;
- the business date;
- whether My line opens for the person (:meth:`qaf.web.site.Site.opens_my_line`, the menu's link): a
  request for more time waiting for them may open it, and its refusal close it, with no obligation changed.

The session itself is checked on every request, hit or not
(:func:`qaf.usecases.signin.current`: signed out, idle for a working day, or
left the organisation, and there is no page). At most ``size`` pages are
kept, the least recently used dropped first; each with its gzip once a
reload asked for it (:mod:`qaf.web.encoding`), not compressed again on every reload.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable

from starlette.requests import Request
from starlette.responses import Response

from qaf.store import feeds as feed_store
from qaf.usecases import signin, tokens
from qaf.web import encoding
from qaf.web.encoding import Encoded
from qaf.web.forms import BANNER, HEADERS
from qaf.web.site import COOKIE, Site, Viewer


HTML = "text/html; charset=utf-8"


class PageMemo:
    def __init__(self, site: Site, size: int = 2048) -> None:
        self.site, self.size = site, size
        self._pages: OrderedDict[tuple[str, str, str, str | None, bool], Encoded] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def _version(self) -> str:
        with self.site.store.read() as conn:
            return feed_store.version(conn)

    def answer(self, request: Request, render: Callable[[Viewer], Response]) -> Response:
        """The page for the signed-in person: from memory if nothing changed, else ``render(viewer)`` (kept if 200)."""
        site = self.site
        found = signin.current(site.store, request.cookies.get(COOKIE), site.now(), site.clock())
        if found is None:
            return site.to_sign_in(request)
        # whether the menu offers My line: a request for more time decided (refused: no obligation changes) may close it
        my_line = site.opens_my_line(found.person)
        key = (tokens.digest(found.token), self._version(), site.clock().isoformat(), BANNER.get(), my_line)
        with self._lock:
            body = self._pages.get(key)
            if body is not None:
                self._pages.move_to_end(key)
                self.hits += 1
        if body is not None:
            sent = encoding.as_wanted(body, request.headers)
            if sent is not body:  # gzipped once, for the first reload that asks
                with self._lock:
                    if key in self._pages:
                        self._pages[key] = sent
            return encoding.answer(request.headers, sent, HTML, HEADERS)
        who = site.viewer_of(found, my_line)  # the session just checked, not read again
        if who is None:
            return site.to_sign_in(request)
        response = render(who)
        if response.status_code == 200:
            with self._lock:
                self.misses += 1
                self._pages[key] = Encoded(bytes(response.body))  # sent as rendered: the middleware compresses it
                while len(self._pages) > self.size:
                    self._pages.popitem(last=False)
        return response

    def forget(self, session_token: str | None) -> None:
        """Drop a session's pages (on sign-out: its pages should not outlive it even in memory)."""
        if not session_token:
            return
        hashed = tokens.digest(session_token)
        with self._lock:
            for key in [k for k in self._pages if k[0] == hashed]:
                del self._pages[key]
