"""Headless Chromium for the report's browser test, driven over the DevTools protocol on a pipe.

``--remote-debugging-pipe`` makes Chromium read protocol commands from file
descriptor 3 and write replies and events to 4, each message JSON ended by a
NUL byte, so no websocket client (and no extra dependency) is needed.
:func:`open_page` loads a file, waits for its load event, and returns what
the console said (errors with their level), the chart SVGs' shapes as laid
out, and a PNG screenshot; :func:`png_pixels` decodes a screenshot with the
standard library only.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import struct
import subprocess
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-extensions", "--mute-audio", "--hide-scrollbars",
)  # fmt: skip
CHARTS = """JSON.stringify(Array.from(document.querySelectorAll('svg.chart')).filter(s => s.getBoundingClientRect().width > 0).map(s => {
  const r = s.getBoundingClientRect();
  const shapes = Array.from(s.querySelectorAll('rect, path')).filter(e => { const b = e.getBBox(); return b.width > 0 && b.height > 0; });
  return {id: s.id, shapes: shapes.length, x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height};
}))"""


class ChromiumError(RuntimeError):
    pass


def executable() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class Page:
    console: list[dict[str, Any]] = field(default_factory=list)  # every console message and exception, with its level
    charts: list[dict[str, Any]] = field(default_factory=list)
    screenshot: bytes = b""
    chart_shots: dict[str, bytes] = field(default_factory=dict)

    @property
    def errors(self) -> list[dict[str, Any]]:
        return [m for m in self.console if m["level"] in ("error", "assert", "exception")]


class _Pipe:
    def __init__(self, proc: subprocess.Popen, to_browser: int, from_browser: int, deadline: float) -> None:
        self.proc, self.to, self.frm, self.deadline = proc, to_browser, from_browser, deadline
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.read()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise ChromiumError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def read(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise ChromiumError("Chromium did not answer in time")
            ready, _, _ = select.select([self.frm], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(self.frm, 1 << 20)
                if not chunk:
                    raise ChromiumError(f"Chromium closed the pipe (exit {self.proc.poll()})")
                self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_for(self, method: str, session: str) -> None:
        while not any(e.get("method") == method and e.get("sessionId") == session for e in self.events):
            self.events.append(self.read())


def _high(fd: int) -> int:
    """A copy of ``fd`` numbered 10 or above, so that moving it onto 3 or 4 in the child clobbers nothing."""
    copy = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return copy


def _console(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for e in events:
        p = e.get("params", {})
        if e.get("method") == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            out.append({"level": p.get("type", "log"), "text": text})
        elif e.get("method") == "Runtime.exceptionThrown":
            details = p.get("exceptionDetails", {})
            out.append({"level": "exception", "text": details.get("exception", {}).get("description") or details.get("text", "")})
        elif e.get("method") == "Log.entryAdded":
            entry = p.get("entry", {})
            out.append({"level": entry.get("level", "info"), "text": f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip()})
    return out


def open_page(path: Path, width: int = 1000, height: int = 1400, timeout: float = 60.0) -> Page:
    """Load ``path`` in headless Chromium; raise :class:`ChromiumError` if it cannot run or answer."""
    binary = executable()
    if binary is None:
        raise ChromiumError("no chromium on PATH (Debian: apt-get install chromium)")
    to_r, to_w = (_high(fd) for fd in os.pipe())
    from_r, from_w = (_high(fd) for fd in os.pipe())
    profile = tempfile.mkdtemp(prefix="qaf-chromium-")

    def child() -> None:
        os.dup2(to_r, 3)
        os.dup2(from_w, 4)

    args = [binary, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}", "--remote-debugging-pipe", "about:blank"]
    try:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                preexec_fn=child, pass_fds=(3, 4))  # fmt: skip
    except OSError as exc:
        raise ChromiumError(f"{binary} did not start: {exc}") from exc
    finally:
        os.close(to_r)
        os.close(from_w)
    pipe = _Pipe(proc, to_w, from_r, time.monotonic() + timeout)
    try:
        return _drive(pipe, path, width, height)
    finally:
        try:
            pipe.send("Browser.close")
        except (ChromiumError, OSError):
            pass
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(to_w)
        os.close(from_r)
        shutil.rmtree(profile, ignore_errors=True)


def _drive(pipe: _Pipe, path: Path, width: int, height: int) -> Page:
    target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Runtime", "Log", "Page"):
        pipe.send(f"{domain}.enable", session=session)
    pipe.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session)
    pipe.send("Page.navigate", {"url": path.resolve().as_uri()}, session)
    pipe.wait_for("Page.loadEventFired", session)
    found = pipe.send("Runtime.evaluate", {"expression": CHARTS, "returnByValue": True}, session)
    page = Page(charts=json.loads(found["result"]["value"]))
    shot = pipe.send("Page.captureScreenshot", {"format": "png"}, session)
    page.screenshot = base64.b64decode(shot["data"])
    for chart in page.charts:
        clip = {k: chart[k] for k in ("x", "y", "width", "height")} | {"scale": 1}
        data = pipe.send("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True}, session)
        page.chart_shots[chart["id"]] = base64.b64decode(data["data"])
    page.console = _console(pipe.events)
    return page


# --- PNG, with the standard library ---------------------------------------------------------------


def png_pixels(data: bytes) -> tuple[int, int, list[tuple[int, ...]]]:
    """(width, height, pixels) of an 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes)."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert header is not None
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, interlace {interlace}")
    n = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * n
    previous = bytearray(stride)
    pixels: list[tuple[int, ...]] = []
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - n] if i >= n else 0
            up = previous[i]
            corner = previous[i - n] if i >= n else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        pixels += [tuple(line[i:i + 3]) for i in range(0, stride, n)]
        previous = line
    return width, height, pixels
