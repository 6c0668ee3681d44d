"""``qaf serve``'s HTTP server: uvicorn parsing with httptools on uvloop's event loop, and a port already taken
refused with a non-zero exit."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from datetime import date

import httpx

from qaf.web.api import create_app
from tests.served import Served


def test_qaf_serve_parses_http_with_httptools_and_runs_on_uvloop(tmp_path) -> None:
    """The server qaf serve starts, as configured by ``qaf.service.server_config``: its requests are parsed by httptools,
    its handlers run on a uvloop loop, and a feed, the API and a page still answer as they did on h11."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    app = create_app(f"sqlite:///{tmp_path / 'qaf.db'}", lambda: date(2026, 12, 6))

    @app.get("/test-loop")
    async def loop() -> dict:
        return {"loop": type(asyncio.get_running_loop()).__module__}

    with Served(app) as served:  # as qaf serve serves it (qaf.service.server_config)
        assert served.server.config.http_protocol_class is HttpToolsProtocol
        assert httpx.get(f"{served.base}/test-loop").json() == {"loop": "uvloop"}
        with httpx.Client(base_url=served.base) as client:  # one kept-alive connection, as calendar clients poll
            refused = client.get("/api/obligations", headers={"Accept-Encoding": "gzip"})
            assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
            assert client.get("/feeds/" + "x" * 43 + ".ics").status_code == 404
            page = client.get("/sign-in")
            assert page.status_code == 200 and "<form" in page.text
            assert page.headers["server-timing"].startswith("app;dur=")
            assert client.head("/feeds/" + "x" * 43 + ".ics").status_code == 404


def test_qaf_serve_on_a_port_already_taken_says_so_and_exits_non_zero(tmp_path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "QAF_DB": f"sqlite:///{tmp_path / 'qaf.db'}"}
        done = subprocess.run([sys.executable, "-m", "qaf", "serve", "--host", "127.0.0.1", "--port", str(port)],
                              capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert done.returncode != 0
    assert "address already in use" in done.stderr.lower()
