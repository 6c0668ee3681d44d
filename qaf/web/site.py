"""What every page module shares: who is signed in, what they may see, and the standard refusals.

:class:`Site` is made once by :func:`qaf.web.pages.install` and handed to each
page module's ``install(app, site)`` (sign-in and My work in
:mod:`qaf.web.pages`; the rest in their own modules), so every page and every
form post asks the same questions the same way:

- :meth:`Site.viewer`: the signed-in person (from the session cookie) with
  the widest scope :mod:`qaf.calendars.access` allows them, or ``None``;
- :meth:`Site.one`: an obligation the viewer may see, else a 403 page with
  no detail, the same for someone else's and for an id that names nothing
  (ids can be worked out: a 404 told which existed); an overseer, who sees
  everything, gets a 404 for what is not there; the audited worker reads the
  graded audit of his own work (its page and contest form only), without
  what is not his (:meth:`Site.whole_page` says which);
- :meth:`Site.refused` and :meth:`Site.to_sign_in`: the standard answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from qaf.calendars import access
from qaf.engine.model import Obligation, is_obligation_id
from qaf.usecases import extensions, mail, queries, signin
from qaf.web.filters import given_twice
from qaf.web.forms import page, same

COOKIE = "qaf_session"


def name_of(org, pid: str | None) -> str:
    """A person as the pages name them: their name, else their id, else "nobody"."""
    person = org.person(pid) if pid else None
    return person.name if person else (pid or "nobody")


@dataclass(frozen=True, slots=True)
class Viewer:
    person: str
    name: str
    csrf: str
    visible: frozenset[str] | None  # None: everyone's
    my_line: bool = False  # whether My line opens for them (:meth:`Site.opens_my_line`): the menu links to it only then


@dataclass(frozen=True, slots=True)
class Site:
    store: object
    clock: Callable[[], date]
    now: Callable[[], datetime]
    base: str | None
    overseers: tuple[str, ...]
    mail_settings: Callable[[], mail.MailSettings]

    def viewer(self, request: Request) -> Viewer | None:
        return self.viewer_of(signin.current(self.store, request.cookies.get(COOKIE), self.now(), self.clock()))

    def viewer_of(self, found: signin.Session | None, my_line: bool | None = None) -> Viewer | None:
        """The viewer for a session already checked (:func:`qaf.usecases.signin.current`), or None; ``my_line``:
        :meth:`opens_my_line` for them, if the caller has it already."""
        if found is None:
            return None
        snap = self.store.snapshot()  # one read, and nothing re-read or rebuilt while the store is unchanged
        org, vocab = snap.org, snap.vocabulary
        scope = access.widest_scope(org, vocab, found.person, self.overseers)
        seen = access.visible(org, vocab, found.person, scope, self.clock(), self.overseers)
        person = org.person(found.person)
        name = person.name if person else found.person
        return Viewer(found.person, name, found.csrf, seen, self.opens_my_line(found.person) if my_line is None else my_line)

    def opens_my_line(self, person: str) -> bool:
        """Whether My line opens for ``person`` (not its 403): someone in post below them, or a request for more
        time waiting for them. A manager whose whole line has left may have neither; an overseer with nobody below
        (the Head of QA) sees everyone's work and has no line. Requests wait only for managers above the work's
        owner (:func:`qaf.usecases.extensions.approvers`), so someone with nobody below costs no query."""
        store, today = self.store, self.clock()
        org = store.snapshot().org
        if any(p.active_on(today) for p in org.reports(person)):  # someone in post reporting to them: no walk down the line
            return True
        below = access.line_below(org, person)
        if not below:
            return False
        if any(access.active(org, p, today) for p in below):
            return True
        return bool(extensions.waiting_for(store, person, today))

    def signed_in(self, request: Request, render: Callable[[Viewer], Response]) -> Response:
        """``render(viewer)`` for the signed-in person, the whole page from one read transaction; else to sign in."""
        with self.store.one_read():
            who = self.viewer(request)
            return self.to_sign_in(request) if who is None else render(who)

    @staticmethod
    def to_sign_in(request: Request) -> Response:
        # the page asked for, query and all (the Director's /line?month=2024-05), as one parameter
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?next={quote(wanted, safe='/')}", status_code=303)

    @staticmethod
    def refused(status: int, title: str, message: str, who: Viewer | None = None) -> Response:
        return page("message.html", status, title=title, message=message, viewer=who)

    @staticmethod
    def next_twice(request: Request) -> Response | None:
        """The 400 page when a sign-in address gives ``next`` (the page to go to after) more than once, else None:
        one was taken, the last, silently; refused as the OIDC callback refuses its own parameters given twice."""
        if not given_twice(request.query_params, ("next",)):
            return None
        return page("message.html", 400, title="This sign-in address cannot be used",
                    message="It names the page to go to after signing in more than once. Go to the sign-in page and try again.")  # fmt: skip

    def one(self, oid: str, who: Viewer, audited: bool = False) -> Obligation | Response:
        """The obligation ``oid`` if ``who`` may see it; otherwise the 404 or 403 page to answer with.
        ``audited``: also a graded audit of ``who``'s own work (:func:`qaf.calendars.access.audited`), for its
        page and the contest form only (its page shows it without what is not theirs: :meth:`whole_page`)."""
        ob = self._found(oid, who)
        if isinstance(ob, Response) or self.whole_page(who, ob) or (audited and self._audited(who, ob)):
            return ob
        return self._forbidden(who)

    def seen(self, oid: str, who: Viewer) -> tuple[Obligation, Obligation | None, bool] | Response:
        """:meth:`one` with ``audited``, for the obligation's page, which shows the work that set it off:
        (the obligation, that work or None, whether ``who`` sees all of it: :meth:`whole_page`). The cause is
        read here once, and passed down."""
        ob = self._found(oid, who)
        if isinstance(ob, Response):
            return ob
        cause, whole = self.as_seen(who, ob)
        return (ob, cause, whole) if whole or self._audited(who, ob) else self._forbidden(who)

    def as_seen(self, who: Viewer, ob: Obligation) -> tuple[Obligation | None, bool]:
        """(the obligation that set ``ob`` off, read once; whether ``who`` sees all of ``ob``: :meth:`whole_page`)."""
        cause = queries.cause_of(self.store, ob)
        return cause, access.may_see(who.visible, ob, cause)

    def _found(self, oid: str, who: Viewer) -> Obligation | Response:
        """The obligation ``oid`` names, or the page to answer with. An id is a hash of what the work is (framework,
        row, period, subject, kind), which anyone can work out: someone who does not see everyone's work is told
        of an id that names nothing exactly what they are told of someone else's work (:meth:`_forbidden`), or
        each guess would tell them whether that work exists (a follow-up: that an audit found concerns)."""
        found = queries.obligation(self.store, oid)
        if found is not None:
            return found
        # not an id's shape (it names nothing anyone could hold), or to an overseer, who sees all there is: not there
        if who.visible is None or not is_obligation_id(oid.lower()):
            return self.refused(404, "Page not found", "There is no such work here. Check the link, or go to My work.", who)
        return self._forbidden(who)

    def _forbidden(self, who: Viewer) -> Response:
        return self.refused(403, "You do not have access to this page",
                            "This work is not yours or your line's, or there is no such work.", who)  # fmt: skip

    def _audited(self, who: Viewer, ob: Obligation) -> bool:
        return access.audited(self.store.org(), who.person, ob, self.clock())

    def whole_page(self, who: Viewer, ob: Obligation) -> bool:
        """Whether ``who`` sees all of ``ob`` (its owner, their line, an overseer): else at most, as the worker
        its grade is about, the audit's grade, and the contest form."""
        return queries.may_see(self.store, who.visible, ob)

    def opens(self, who: Viewer, ob: Obligation) -> bool:
        """Whether ``ob``'s page opens for ``who`` (:meth:`one` with ``audited``: not 403), so a page links to it
        only then, and names it without a link otherwise (an action's owner outside the line reads of the audit
        that raised it only its title; the worker who contested a grade, of the moderation only who and when)."""
        return self.whole_page(who, ob) or self._audited(who, ob)

    def posted_by(self, request: Request, fields: dict[str, str]) -> Viewer | Response:
        """The signed-in person who posted ``fields`` with their CSRF token, or the 403 page to answer with."""
        who = self.viewer(request)
        if who is None:
            return self.refused(403, "You are not signed in", "Sign in, then send the form again.")
        if not same(who.csrf, fields.get("csrf")):
            return self.refused(403, "This form has expired", "Go back, reload the page and send it again.", who)
        return who
