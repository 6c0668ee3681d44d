"""The monthly report as a PDF for the Board pack: the HTML report printed by headless Chromium.

The PDF is the same HTML (:mod:`qaf.render.html`) printed with its print
stylesheet (A4, the Board's page alone on page 1, the appendix from page 2)
by ``chromium --headless --print-to-pdf=FILE --no-pdf-header-footer``. The
browser is ``QAF_CHROMIUM`` if set, else the first of ``chromium``,
``chromium-browser`` and ``google-chrome`` on ``PATH``; none, or a run that
fails or writes no PDF, is a :class:`PdfError` saying so (the CLI turns it
into a message and a non-zero exit). The file is written whole or not at all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from qaf.rules.problems import QafError

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-extensions", "--no-pdf-header-footer")  # fmt: skip
TIMEOUT = 120.0  # seconds: a year's report prints in a few


class PdfError(QafError):
    """No Chromium to print with, or it failed."""


def browser() -> str:
    """The Chromium to print with: ``QAF_CHROMIUM``, else the first of :data:`BROWSERS` on ``PATH``."""
    chosen = os.environ.get("QAF_CHROMIUM", "").strip()
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise PdfError(f"QAF_CHROMIUM={chosen!r}: no such program (give the path of a Chromium or Chrome)")
        return found
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise PdfError(f"--format pdf needs headless Chromium to print the report, and none was found (looked for QAF_CHROMIUM, "
                   f"then {', '.join(BROWSERS)} on PATH): install one (Debian: apt-get install chromium) or set QAF_CHROMIUM")  # fmt: skip


def print_pdf(html: str, out: Path, timeout: float = TIMEOUT) -> int:
    """Print ``html`` to the PDF ``out``, a plain file (replaced whole, or left as it was); the PDF's size in bytes.
    ``qaf report`` takes :func:`pdf_of` and writes it as its other formats are (:func:`qaf.cli.common.write_whole`:
    a link's file, the link kept; a pipe or a device written to, never replaced by a file)."""
    browser()
    if out.is_dir():
        raise PdfError(f"--out {out}: is a folder; give a file name such as report.pdf")
    if not out.parent.is_dir():
        raise PdfError(f"{out.parent}: no such folder")
    data = pdf_of(html, timeout)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out.stat().st_size


def pdf_of(html: str, timeout: float = TIMEOUT) -> bytes:
    """``html`` printed by headless Chromium: the PDF's bytes (:class:`PdfError` when there is no Chromium, or it failed)."""
    binary = browser()
    with tempfile.TemporaryDirectory(prefix="qaf-pdf-") as work:
        page, pdf = Path(work) / "report.html", Path(work) / "report.pdf"
        page.write_text(html, encoding="utf-8")
        args = [binary, *FLAGS, f"--user-data-dir={Path(work) / 'profile'}", f"--print-to-pdf={pdf}", page.as_uri()]
        try:
            done = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise PdfError(f"{binary} did not print the report within {timeout:g} seconds") from None
        except OSError as exc:
            raise PdfError(f"{binary} did not start: {exc}") from None
        if done.returncode != 0 or not pdf.is_file() or pdf.read_bytes()[:5] != b"%PDF-":
            said = (done.stderr or b"").decode("utf-8", "replace").strip().splitlines()[-1:] or ["(nothing on stderr)"]
            raise PdfError(f"{binary} did not print the report (exit {done.returncode}): {said[0][:300]}")
        return pdf.read_bytes()
