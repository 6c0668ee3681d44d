"""What every HTML page shares: templates, security headers, form bodies and CSRF tokens.

- Pages are Jinja2 templates (``qaf/web/templates``) with autoescaping on;
  the one stylesheet is served from ``/static``: nothing is fetched from
  elsewhere, and the Content Security Policy (:data:`CSP`) says so.
- Form bodies are read here, not by a multipart library: URL-encoded only
  (415 otherwise), at most :data:`MAX_FORM` bytes (413), UTF-8 (400), at most
  :data:`MAX_FIELDS` fields (400), each once (400). A refused body changes nothing.
- CSRF: a signed-in person's forms carry their session's CSRF token; the two
  forms used before signing in (ask for a link, use it) carry a random token
  that is also in an HttpOnly cookie (double submit). A post whose token
  does not match is refused with 403 before anything else is read.
"""

from __future__ import annotations

import calendar
import hmac
import re
import secrets
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from qaf.engine.model import kind_words, status_words
from qaf.engine.periods import FIRST_DAY, LAST_DAY
from qaf.engine.report_words import Month
from qaf.engine.titles import cut
from qaf.web.guard import number

HERE = Path(__file__).parent
# auto_reload off: the templates ship with the package, and checking each one's mtime on every render
# (a page includes several) was a stat call per template per request under load
TEMPLATES = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]), trim_blocks=True,
                        lstrip_blocks=True, auto_reload=False)  # fmt: skip


def _what(ob) -> str:
    """What to do to which case ("Audit case CS-000123 (Tom Fairley)"): the title before its row's task,
    which the page shows in full under "Task"; a phone shows a heading of two lines, not six."""
    head = (ob.title or "").split(" — ", 1)[0]
    if " " not in head.strip():  # "Task — 4.2 Budget monitoring": the verb alone says nothing
        return ob.title or ob.kind.replace("_", " ").capitalize()
    return head


# a case reference or a day ("CS-000001", "LA/2024/117", "2024-06-21", "21/6/2024"): letters or digits, then digits
# after "-" or "/"; or a day in words ("21 June 2024", "21 Jun 2024")
_WHOLE = re.compile(r"(?<![\w/-])(?:[A-Za-z]{1,6}|\d+)(?:[-/]\d+)+(?![\w/-])"
                    r"|\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{4}\b")


def whole(text: str | None) -> Markup:
    """``text``, escaped, with each case reference and day kept on one line (``<span class="ref">``): a phone
    broke "CS-" from "000001" at a line's end, which reads as two things. One too long for the line still wraps."""
    return Markup(_WHOLE.sub(lambda m: f'<span class="ref">{m[0]}</span>', str(escape(text or ""))))


_PERIOD = re.compile(r"(\d{4})-(\d{2})-(\d{2})\.\.(\d{4})-(\d{2})-(\d{2})")
_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _day_in_words(m: re.Match, at: int = 1) -> str:
    try:
        return f"{date(int(m[at]), int(m[at + 1]), int(m[at + 2])):%-d %b %Y}"
    except ValueError:  # not a day after all: left as it was written
        return m[0][:10] if at == 1 else m[0][11:]


def in_words(text: str | None) -> str:
    """A stored reason with its days as the page writes them: "completed 2024-05-01..2024-05-31" reads
    "completed 1 May 2024 to 31 May 2024", "starts on 2024-06-01" reads "starts on 1 Jun 2024"."""
    text = _PERIOD.sub(lambda m: f"{_day_in_words(m)} to {_day_in_words(m, 4)}", text or "")
    return _DAY.sub(_day_in_words, text)


_TOLD_AS = {"alert": "Alert: ", "copy": "Copy: "}  # the word an email's subject starts with, which the list puts in brackets


def told(notice) -> tuple[str, str]:
    """What a notice tells, as the "recorded" page lists it under its recipient: why, in one word (alert, grade,
    copy), and what, from its email's subject without that word again, its days as the page writes them.
    One way for every notice: ``("alert", "Safeguarding action from the 3.16 audit of case CS-000001 due 21 Jun 2024")``."""
    text = notice.subject
    prefix = _TOLD_AS.get(notice.reason, "")
    if prefix and text.lower().startswith(prefix.lower()):
        text = text[len(prefix):]
    text = in_words(text)
    return notice.reason.replace("_", " "), text[:1].upper() + text[1:]


_BULLET = re.compile(r"^\s*(?:[•▪◦·*-]|[0-9]{1,2}[.)])\s+")


def points(text: str | None) -> list[str]:
    """A framework row's words as the points its council wrote, each without its bullet: East Sussex's 4.2 says
    why in three lines each begun "• "; run together they read "... reprioritising • To inform ...".

    >>> points("• To ensure performance\\n• To inform decisions"), points("Review the file.")
    (['To ensure performance', 'To inform decisions'], ['Review the file.'])
    """
    return [_BULLET.sub("", line).strip() for line in (text or "").splitlines() if line.strip()]


TEMPLATES.filters["what"] = _what
TEMPLATES.filters["points"] = points
TEMPLATES.filters["whole"] = whole  # a case reference kept on one line: {{ o|what|whole }}
TEMPLATES.filters["told"] = told
TEMPLATES.filters["kind"] = kind_words  # "follow-up audit", "QA sign-off"
TEMPLATES.filters["status"] = status_words  # "extended", not the store's "rescheduled"
TEMPLATES.filters["in_words"] = in_words
TEMPLATES.filters["cut"] = lambda text, limit=160: cut(" ".join((text or "").split()), limit)
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")  # fmt: skip
HEADERS = {
    "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY", "Cache-Control": "no-store",
}  # fmt: skip
# The largest form a page sends: notes of 10,000 characters and three actions of 2,000 (engine.typed), each
# character up to 12 bytes as a browser sends it (4 of UTF-8, each '%F0'), and a review's boxes. 32,000 refused
# Welsh or Arabic notes of 6,000 characters, which the page allows, and lost all that was typed
MAX_FORM = 256_000
# A review's form has a box for every action its audit raised (a CSV or the API may raise dozens), beside the
# framework's key areas and the three new action slots: 30 refused Tameside's review of an audit with ten
# actions. MAX_FORM bounds the work of reading a body; this only refuses a body that is no form of ours.
MAX_FIELDS = 1_000
ANON_COOKIE = "qaf_csrf"


class FormError(Exception):
    """A body that is not a form this app reads: answered with ``status`` and a short page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


BANNER: ContextVar[str | None] = ContextVar("qaf_banner", default=None)  # said on every page (qaf demo --serve sets it)


# --- a day as people type one ----------------------------------------------------------------------------

DAY_WORDS = "Enter the date as a day, month and year, for example 3/6/2024 or 3 June 2024"
# the obligation page's date fields: each one's label, beside it (obligation.html's date_field) and in what is said of it
DAY_LABELS = {"date": "Date it was done", "moderated-date": "Date it was moderated", "contest-date": "Date it was contested"}
TEMPLATES.globals["day_labels"] = DAY_LABELS
_MONTHS = {**{m.lower(): n for n, m in enumerate(calendar.month_name) if m},
           **{m.lower(): n for n, m in enumerate(calendar.month_abbr) if m}, "sept": 9}  # fmt: skip
_SEP = r"\s*[/.\- ]\s*"  # 3/6/2024, 3-6-2024, 3.6.2024, 3 6 2024
_DAY_FIRST = re.compile(rf"([0-9]{{1,2}}){_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{4}})")
_YEAR_FIRST = re.compile(rf"([0-9]{{4}}){_SEP}([0-9]{{1,2}}){_SEP}([0-9]{{1,2}})")  # 2024-06-03, 2024/6/3
_IN_WORDS = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+)\.?,?\s+([0-9]{4})")  # 3 June 2024, 3rd Jun. 2024


def typed_day(text: str) -> date:
    """A day as someone in England types it into a form: day first (3/6/2024, 03-06-2024, 3.6.2024), in words
    (3 June 2024, 3rd Sept 2024), or as the pages print it for machines (2024-06-03). A two-figure year is not
    read (which century?), nor month first. ValueError saying which: not a date at all, or not a real day.

    >>> typed_day("3/6/2024"), typed_day("3 June 2024"), typed_day("2024-06-03")
    (datetime.date(2024, 6, 3), datetime.date(2024, 6, 3), datetime.date(2024, 6, 3))
    >>> typed_day("31/2/2024")
    Traceback (most recent call last):
    ...
    ValueError: not a real day: '31/2/2024'
    """
    text = text.strip()
    if m := _DAY_FIRST.fullmatch(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3])
    elif m := _YEAR_FIRST.fullmatch(text):
        year, month, day = int(m[1]), int(m[2]), int(m[3])
    elif (m := _IN_WORDS.fullmatch(text)) and m[2].lower() in _MONTHS:
        day, month, year = int(m[1]), _MONTHS[m[2].lower()], int(m[3])
    else:
        raise ValueError(f"not a date: {text[:40]!r}")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"not a real day: {text[:40]!r}") from None


MONTH_WORDS = "Enter the month as a month and year, for example June 2024"
_MONTH_IN_WORDS = re.compile(r"([A-Za-z]+)\.?,?\s+([0-9]{4})")  # June 2024, Jun 2024, Sept. 2024
_MONTH_FIRST = re.compile(rf"([0-9]{{1,2}}){_SEP}([0-9]{{4}})")  # 6/2024, 06/2024, 6-2024
_MONTH_YEAR_FIRST = re.compile(rf"([0-9]{{4}}){_SEP}([0-9]{{1,2}})")  # 2024-06, as the pages' links write it


def typed_month(text: str) -> Month:
    """A month as someone types it into a form: in words (June 2024, Jun 2024, Sept 2024), month first in
    figures (6/2024, 06/2024), or as the pages' own links write it (2024-06). A two-figure year is not read
    (which century?). ValueError: not a month at all, or one outside the months qaf works with.

    >>> typed_month("Jun 2024") == typed_month("6/2024") == typed_month("2024-06") == Month(2024, 6)
    True
    >>> typed_month("13/2024")
    Traceback (most recent call last):
    ...
    ValueError: not a month
    """
    text = text.strip()
    if m := _MONTH_FIRST.fullmatch(text):
        month, year = int(m[1]), int(m[2])
    elif m := _MONTH_YEAR_FIRST.fullmatch(text):
        year, month = int(m[1]), int(m[2])
    elif (m := _MONTH_IN_WORDS.fullmatch(text)) and m[1].lower() in _MONTHS:
        month, year = _MONTHS[m[1].lower()], int(m[2])
    else:
        raise ValueError("not a month")  # never what was typed: it may be a name
    if not 1 <= month <= 12:
        raise ValueError("not a month")
    return Month.parse(f"{year:04d}-{month:02d}")  # ValueError outside the months qaf works with


def month_problem(error: ValueError) -> str:
    """What a form says beside a month box that :func:`typed_month` could not read: how to write one, or which
    months qaf works with; never what was typed."""
    if str(error) == "not a month":
        return MONTH_WORDS
    return f"The month must be between {Month.of(FIRST_DAY).label} and {Month.of(LAST_DAY).label}"


def day_problem(error: ValueError, label: str) -> str:
    """What a form says beside a date field ``label`` that :func:`typed_day` could not read."""
    if str(error).startswith("not a real day"):
        return f"{label} must be a real date: {str(error).split(': ', 1)[1].strip(chr(39))} is not one"
    return DAY_WORDS


def page(template: str, code: int = 200, /, **context: Any) -> HTMLResponse:
    context.setdefault("banner", BANNER.get())
    return HTMLResponse(TEMPLATES.get_template(template).render(**context), status_code=code, headers=HEADERS)


def secure(request: Request, base: str | None) -> bool:
    """Whether cookies get ``Secure``: served over HTTPS (the configured base URL's scheme, or the request's)."""
    return (base or str(request.base_url)).startswith("https:")


async def form(request: Request) -> dict[str, str]:
    """The URL-encoded body as {name: value}, or :class:`FormError` (a field sent twice too)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise FormError(415, "This page takes a form: send it from the page.")
    length = request.headers.get("content-length")
    if length is not None and (not number(length) or int(length) > MAX_FORM):
        raise FormError(413, "What was sent is too long.")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM:
            raise FormError(413, "What was sent is too long.")
    try:
        text = body.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise FormError(400, "What was sent could not be read (it must be UTF-8 text from the form).") from None
    out: dict[str, str] = {}
    for key, value in pairs:
        if key in out:  # no form of ours sends a field twice: which one was meant? (the first was taken, silently)
            raise FormError(400, f"The field '{key[:40]}' was sent twice: send the form from the page.")
        out[key] = value
    return out


def anon_token(request: Request) -> str:
    """The CSRF token for the forms shown before sign-in: the cookie's, or a new one (set it with :func:`set_anon`)."""
    found = request.cookies.get(ANON_COOKIE, "")
    return found if 30 <= len(found) <= 64 else secrets.token_urlsafe(32)


def set_anon(response: Response, token: str, is_secure: bool, path: str = "/sign-in") -> Response:
    response.set_cookie(ANON_COOKIE, token, httponly=True, samesite="lax", secure=is_secure, path=path)
    return response


def same(expected: str | None, given: str | None) -> bool:
    """Whether a posted CSRF token matches (constant time; a missing one never does)."""
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected).encode(), str(given).encode())


def local_path(text: str | None, default: str = "/my-work") -> str:
    """A path on this site to go to after signing in; anything else (another site, odd characters) is the default."""
    if not text or not text.startswith("/") or text.startswith("//") or "\\" in text or len(text) > 200:
        return default
    if any(ord(ch) < 33 or ord(ch) > 126 for ch in text):
        return default
    return text


# the pages a sign-in link may name (their path only): what an address of them holds is qaf's own ids, never
# words someone typed; anything else (a query, a path nobody serves) waits in the browser (:func:`kept_path`)
PAGES = re.compile(r"/(my-work(/calendar)?|my-line|director|search|obligations/[0-9a-f]{16}(/extension)?|extensions/[0-9]{1,18}/(approve|refuse))")
NEXT_COOKIE = "qaf_next"  # the page asked for, query and all, kept in the browser that asked for a link


def emailed_path(back: str) -> str | None:
    """What of ``back`` (a :func:`local_path`) a sign-in email may carry: its page's path where it is one of
    :data:`PAGES`, never its query (a search's filters, a case reference typed); None: nothing."""
    path = back.split("?", 1)[0]
    return path if PAGES.fullmatch(path) else None


def kept_path(kept: str | None, emailed: str) -> str:
    """Where using a link lands: the page the browser that asked for it kept (``kept``, query and all), when
    it is the page the link names (``emailed``); else that page."""
    wanted = local_path(kept, "")
    return wanted if wanted and (emailed_path(wanted) or "/my-work") == emailed else emailed


def static_file(app, name: str, kind: str) -> None:
    """Serve ``web/static/NAME`` at ``/static/NAME``, read once at start-up, cacheable for an hour."""
    body = (Path(__file__).parent / "static" / name).read_bytes()

    @app.get(f"/static/{name}", include_in_schema=False)
    def served() -> Response:
        return Response(body, media_type=kind, headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"})
