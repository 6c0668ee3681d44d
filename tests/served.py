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
