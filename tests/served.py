"""An app served on a loopback port, in a thread, as ``qaf serve`` serves it (:func:`qaf.service.server_config`)."""

from __future__ import annotations

import threading
import time

from tests.smtp import free_port


class Served:
    """``with Served(app) as served:`` the app answers at ``served.base`` until the block ends.

    A subclass that needs its address to build its app (a base URL in its
    emails) passes no app and makes it in :meth:`make_app`.
    """

    def __init__(self, app=None) -> None:
        import uvicorn

        from qaf.service import server_config

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.app = app if app is not None else self.make_app()
        self.server = uvicorn.Server(server_config(self.app, "127.0.0.1", self.port))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def make_app(self):
        raise TypeError("Served needs an app, or a subclass that makes one")

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.05)
        return self

    def __exit__(self, *_) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


HOLD = 2.0  # seconds another writer holds the store in :func:`stylesheet_while_held`


def stylesheet_while_held(served: Served, store, lock, post, hold: float = HOLD):
    """``post()`` sent while another writer holds ``store`` (``lock(conn)`` in its write transaction) for
    ``hold`` seconds: how long the stylesheet took meanwhile, and what the post answered. A form that waits
    for the store on the server's one event loop holds the stylesheet up as long."""
    import httpx

    holding, answered = threading.Event(), []

    def other_writer() -> None:
        with store.write() as conn:
            lock(conn)
            holding.set()
            time.sleep(hold)

    writer = threading.Thread(target=other_writer)
    writer.start()
    try:
        holding.wait(10)
        sent = threading.Thread(target=lambda: answered.append(post()))
        sent.start()
        time.sleep(0.3)
        start = time.monotonic()
        assert httpx.get(served.base + "/static/qaf.css", timeout=30).status_code == 200
        took = time.monotonic() - start
        sent.join()
    finally:
        writer.join()
    return took, answered[0]
