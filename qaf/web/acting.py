"""An obligation's page, and every act on it: record, moderate, QA-sign-off, contest, close an action.

Routes (server-rendered HTML, one small form per act, each with its CSRF token):

- ``GET /obligations/{id}``: what it is, for whom, by when, what it found, the
  actions it raised or checks, and the forms the viewer may use on it.
- ``POST /obligations/{id}/outcome``: ``qaf record``. An audit, follow-up or
  review: grade from the framework's scale, significant concerns, a grade for
  each of the framework's areas of practice, date, notes, up to
  :data:`ACTION_SLOTS` actions (what, who, by when, safeguarding), and for a
  review which of the audit's actions were carried out. A meeting is marked
  held, a QA sign-off signed (the triple lock), other work marked done, with
  the same route and checks.
- ``POST /obligations/{id}/moderate``: ``qaf moderate`` (moderated grade and
  areas), offered only to someone
  :func:`qaf.usecases.recording.moderation_refusals` does not refuse.
- ``POST /obligations/{id}/contest``: ``qaf record --contest``.
- ``POST /obligations/{id}/close``: ``qaf action done`` with a note.
- ``GET`` of any of these addresses (left in the address bar by the form's
  answer, opened again): 303 to the obligation's page.

Each form is read into the same values the command line builds (actions
through :func:`~qaf.engine.actions.parse_action`, areas through
:func:`~qaf.engine.outcomes.parse_areas`) and goes through the same use case,
so the checks are ``qaf``'s own. Every problem is shown beside its field and
in an error summary, with 422, and nothing is written. Someone else's
obligation is 403 with no detail, for the page and for every post; a post
without its CSRF token is 403. One exception: the worker whose work a graded
audit graded reads its page (grade, concerns, areas, moderation, his own
actions; not the auditor's notes, why the case was chosen, others' actions or
requests for more time) and may contest the grade; every other form is 403. Free text (notes, actions, a closing note) is
kept in the store and shown on this page only: nothing here logs it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from typing import Any, Callable

from fastapi import FastAPI, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import RedirectResponse, Response

from qaf.engine.actions import graded_worker, parse_action, worker_of
from qaf.engine.model import DONE, LIVE, Obligation, is_obligation_id, kind_words
from qaf.engine.outcomes import GRADED, Recording, check_recording, contest_refusals, may_act, parse_areas, signoff_refusals, was_graded
from qaf.rules.problems import InputError, Problem, Source
from qaf.rules.settings import grade_key
from qaf.usecases import queries, recording, signin
from qaf.web import line
from qaf.web.forms import DAY_LABELS, day_problem, form, page, typed_day
from qaf.web.site import Site, Viewer, name_of

WEB = Source("web", 0)
ACTION_SLOTS = 3  # actions one outcome form raises; more through the CLI or a CSV
NOTES_CHARS = 10_000
DONE_WORDS = {  # the outcome form of work with no grade: its heading and button
    "meeting": ("Mark the meeting held", "The meeting was held"),
    "qa_signoff": ("Sign off the moderated audit", "Sign off"),
}
RESULT_TITLES = {
    "outcome": "Outcome recorded", "meeting": "Meeting held", "qa_signoff": "Signed off", "done": "Marked done",
    "moderate": "Moderation recorded", "contest": "Grade contested", "close": "Action closed",
}  # fmt: skip


def install(app: FastAPI, site: Site) -> None:
    """Add the obligation's page and its forms to ``app``."""
    store, one = site.store, site.one

    @app.get("/obligations/{oid}", include_in_schema=False)
    def obligation(request: Request, oid: str) -> Response:
        return site.signed_in(request, lambda who: obligation_page(who, oid))

    def obligation_page(who: Viewer, oid: str) -> Response:
        seen = site.seen(oid, who)  # the worker whose work it graded reads a graded audit, without its notes
        return seen if isinstance(seen, Response) else page("obligation.html", **shown_to(who, *seen))

    def shown_to(who: Viewer, ob: Obligation, cause: Obligation | None, whole: bool) -> dict[str, Any]:
        """The page's context for ``who``: all of it, or the audited worker's part (:func:`about`'s ``whole``);
        ``cause`` the work that set ``ob`` off, read once (:meth:`Site.as_seen`)."""
        shown = about(store, ob, who, site.clock(), whole, cause)
        shown["cause_opens"] = shown["cause"] is not None and site.opens(who, shown["cause"])  # else named, not linked
        return {**shown, **(line.on_page(site, store, who, ob) if whole else {})}

    async def acting(request: Request, oid: str, act: Callable[[Viewer, Obligation, dict[str, str]], Response],
                     audited: bool = False) -> Response:  # fmt: skip
        """Read the form, then (in a worker thread: the store is synchronous) check its poster's CSRF token
        and that they may see the obligation (else the 403/404 page), and do ``act``. ``audited``: the
        worker whose work a graded audit graded may send this form too (the contest)."""
        fields = await form(request)

        def checked() -> Response:
            who = site.posted_by(request, fields)
            if isinstance(who, Response):
                return who
            ob = one(oid, who, audited)
            return ob if isinstance(ob, Response) else act(who, ob, fields)

        return await run_in_threadpool(checked)

    def refused(ob: Obligation, who: Viewer, act: str, fields: dict[str, str], errors: dict[str, str], general: list[str]) -> Response:
        return page("obligation.html", 422, **{**shown_to(who, ob, *site.as_seen(who, ob)), "errors": errors, "general": general, "entered": fields})

    def result(ob: Obligation, who: Viewer, act: str, res: recording.RecordResult | None = None) -> Response:
        shown = res.obligation if res else ob.id  # a moderation's result is the audit's moderated grade
        now_ = queries.obligation(store, shown)
        org = store.org()
        created = sorted(res.created, key=lambda o: (KIND_ORDER.get(o.kind, 9), o.due)) if res else ()
        return page("recorded.html", viewer=who, ob=now_, act=act, title=RESULT_TITLES[act], created=created,
                    queued=res.queued if res else (), shortfalls=res.shortfalls if res else (),
                    name=lambda pid: name_of(org, pid), counts=_counts(created), told_to=lambda n: _told_to(org, n, site.clock()),
                    opens=lambda o: site.opens(who, o))  # a link only to a page that opens for ``who``  # fmt: skip

    def to_its_page(oid: str) -> Response:
        """A form's address opened with GET (a restored tab, a bookmark): the page the form is on, which checks who asks."""
        oid = oid.lower()
        return RedirectResponse(f"/obligations/{oid}" if is_obligation_id(oid) else "/my-work", status_code=303)

    for act in ("outcome", "moderate", "contest", "close"):
        app.add_api_route(f"/obligations/{{oid}}/{act}", to_its_page, methods=["GET"], include_in_schema=False)

    @app.post("/obligations/{oid}/outcome", include_in_schema=False)
    async def record_outcome(request: Request, oid: str) -> Response:
        return await acting(request, oid, record_it)

    def record_it(who: Viewer, ob: Obligation, fields: dict[str, str]) -> Response:
        today = site.clock()
        act = "outcome" if ob.kind in GRADED else ob.kind if ob.kind in DONE_WORDS else "done"
        rec, at, problems = _recording(store, ob, fields, who.person, today)
        try:
            if problems:
                raise InputError(problems, f"{ob.id}: nothing recorded, the store is unchanged")
            res = recording.record(store, rec, today)
        except InputError as exc:
            return refused(ob, who, "outcome", fields, *_shown(exc.problems, at, "outcome", _named(store, ob)))
        return result(ob, who, act, res)

    @app.post("/obligations/{oid}/moderate", include_in_schema=False)
    async def moderate(request: Request, oid: str) -> Response:
        return await acting(request, oid, moderate_it)

    def moderate_it(who: Viewer, ob: Obligation, fields: dict[str, str]) -> Response:
        today = site.clock()
        try:
            grade, areas, day = _moderation(store, ob, fields, who.person, today)
            res = recording.moderate(store, ob.id, grade, who.person, day, today, areas=areas)
        except InputError as exc:
            return refused(ob, who, "moderate", fields, *_shown(exc.problems, {}, "moderate", _named(store, ob)))
        return result(ob, who, "moderate", res)

    @app.post("/obligations/{oid}/contest", include_in_schema=False)
    async def contest(request: Request, oid: str) -> Response:
        return await acting(request, oid, contest_it, audited=True)

    def contest_it(who: Viewer, ob: Obligation, fields: dict[str, str]) -> Response:
        today = site.clock()
        problems: list[Problem] = []
        day = _day(fields, "contest-date", problems)
        try:
            if problems:
                raise InputError(problems, f"{ob.id}: not contested, the store is unchanged")
            res = recording.contest(store, ob.id, who.person, day, today)
        except InputError as exc:
            return refused(ob, who, "contest", fields, *_shown(exc.problems, {}, "contest", _named(store, ob)))
        return result(ob, who, "contest", res)

    @app.post("/obligations/{oid}/close", include_in_schema=False)
    async def close(request: Request, oid: str) -> Response:
        return await acting(request, oid, close_it)

    def close_it(who: Viewer, ob: Obligation, fields: dict[str, str]) -> Response:
        note = fields.get("note", "")
        try:
            if len(note) > NOTES_CHARS:
                raise InputError([Problem(WEB, "note", f"The note must be {NOTES_CHARS:,} characters or fewer")], "not closed")
            recording.close_action(store, ob.id, who.person, note, site.clock())
        except InputError as exc:
            return refused(ob, who, "close", fields, *_shown(exc.problems, {}, "close", _named(store, ob)))
        return result(ob, who, "close")


KIND_ORDER = {"follow_up_audit": 0, "review": 1, "action": 2, "moderation": 3, "qa_signoff": 4}


def _counts(created) -> str:
    """"2 follow-up audits, 1 review, 1 action": what the list below holds, in one line."""
    words = {"follow_up_audit": ("follow-up audit", "follow-up audits"), "review": ("review", "reviews"),
             "action": ("action", "actions"), "moderation": ("moderation", "moderations"),
             "qa_signoff": ("QA sign-off", "QA sign-offs")}  # fmt: skip
    counted: dict[str, int] = {}
    for o in created:
        counted[o.kind] = counted.get(o.kind, 0) + 1
    parts = []
    for kind, n in sorted(counted.items(), key=lambda kv: KIND_ORDER.get(kv[0], 9)):
        one_, many = words.get(kind, (kind.replace("_", " "), kind.replace("_", " ") + "s"))
        parts.append(f"{n} {many}" if n > 1 else f"1 {one_}")
    return ", ".join(parts)


# --- reading the forms into what the command line builds ----------------------------------------


def _as_iso(text: str) -> str:
    """A date typed as people type one, written as the command line reads it; anything else as it was typed."""
    try:
        return typed_day(text).isoformat()
    except ValueError:
        return text


def _day(fields: dict[str, str], name: str, problems: list[Problem]) -> date | None:
    """The date typed in ``name`` as people type one (:func:`typed_day`; empty: None, the use case's today); else a
    problem for "date"."""
    text = fields.get(name, "").strip()
    if not text:
        return None
    try:
        return typed_day(text)
    except ValueError as exc:
        problems.append(Problem(WEB, "date", day_problem(exc, DAY_LABELS.get(name, "The date"))))
        return None


def _areas(fw, fields: dict[str, str], prefix: str, problems: list[Problem]) -> tuple[tuple[str, str], ...]:
    """Each area's grade (``{prefix}-1`` ...; empty: not judged) through ``qaf record --areas``'s parser."""
    out: list[tuple[str, str]] = []
    for i, name in enumerate(fw.areas, start=1):
        grade = fields.get(f"{prefix}-{i}", "").strip()
        if not grade:
            continue
        if "," in grade or "=" in grade:
            problems.append(Problem(WEB, f"{prefix}-{i}", f"Choose a grade for {name} from the list"))
            continue
        parsed, wrong = parse_areas(f"{name}={grade}", fw)
        out += parsed
        problems += [Problem(WEB, f"{prefix}-{i}", w) for w in wrong]
    return tuple(out)


def _actions(org, ob: Obligation, fields: dict[str, str], problems: list[Problem]) -> tuple[tuple, dict[str, str]]:
    """The action slots as :class:`~qaf.engine.actions.ActionSpec` s, each through ``qaf record --action``'s
    parser; and where each of the engine's "action N" (counted among those given) is on the form."""
    specs, at = [], {}
    for n in range(1, ACTION_SLOTS + 1):
        what, who, when = (fields.get(f"action-{n}-{part}", "").strip() for part in ("what", "who", "when"))
        when = _as_iso(when)  # "21/6/2024" as the command line's "2024-06-21"; "within 2 weeks" as it is
        safeguarding = fields.get(f"action-{n}-safeguarding") == "yes"
        if not (what or who or when or safeguarding):
            continue
        piped = [part for part, text in (("what", what), ("who", who), ("when", when)) if "|" in text]
        for part in piped:
            problems.append(Problem(WEB, f"slot {n} {part}", "Use a character other than | here"))
        if piped:
            continue
        who = _person_named(org, who)
        text = " | ".join([what] + ([f"who: {who}"] if who else []) + ([f"due: {when}"] if when else []) + (["safeguarding"] if safeguarding else []))
        spec, wrong = parse_action(text)
        problems += [Problem(WEB, f"slot {n}", w) for w in wrong]
        if spec is not None:
            specs.append(spec)
            at[f"action {len(specs)}"] = f"slot {n}"
    offered = {str(n) for n in range(1, ACTION_SLOTS + 1)}
    if any((m := _SLOT.fullmatch(key)) and m[1] not in offered and value.strip() for key, value in fields.items()):
        # a hand-made request: what was typed in an action the page does not offer is never dropped without a word
        problems.append(Problem(WEB, "actions", f"This page takes at most {ACTION_SLOTS} actions: record more with qaf record --action"))
    return tuple(specs), at


_SLOT = re.compile(r"action-([0-9]+)-(?:what|who|when|safeguarding)")


def _person_named(org, typed: str) -> str:
    """A person typed by name ("Ruth Steady") as their id; anything else (an id, a role) as typed."""
    if not typed or org.person(typed) is not None:
        return typed
    found = [p.id for p in org.people if p.name.lower() == typed.lower()]
    return found[0] if len(found) == 1 else typed


def _recording(store, ob: Obligation, fields: dict[str, str], by: str, today: date) -> tuple[Recording, dict[str, str], list[Problem]]:
    """The outcome form as ``qaf record``'s :class:`Recording`, where its actions are on the form, and
    what is wrong with it: the reading's problems and then ``qaf record``'s, so each is shown at once
    (none: record it, and the use case checks it again in its transaction)."""
    problems: list[Problem] = []
    fw, org = store.framework(ob.framework), store.org()
    day = _day(fields, "date", problems)
    notes = fields.get("notes", "")
    if len(notes) > NOTES_CHARS:
        problems.append(Problem(WEB, "notes", f"Notes must be {NOTES_CHARS:,} characters or fewer"))
    graded = ob.kind in GRADED
    areas = _areas(fw, fields, "area", problems) if graded else ()
    specs, at = _actions(org, ob, fields, problems) if graded else ((), {})
    carried = _carried_out(store, ob, fields, problems)
    grade = (fields.get("grade") or None) if graded else None
    if graded and fields.get("concerns", "yes") != "yes":  # the box sends "yes" or nothing: anything else was made by hand
        problems.append(Problem(WEB, "concerns", "Tick the box if the audit found significant concerns, or leave it clear"))
    rec = Recording(ob.id, grade, graded and fields.get("concerns") == "yes", areas, by, day, notes, specs, carried)
    if problems:
        problems += check_recording(fw, org, ob, rec, today)
    return rec, at, problems


def _carried_out(store, ob: Obligation, fields: dict[str, str], problems: list[Problem]) -> tuple[str, ...] | None:
    """A review's ticks as ``--carried-out``: the actions ticked, () for "none of them", None when unanswered."""
    if ob.kind != "review":
        return None
    ticked = tuple(k[len("carried-"):] for k, v in fields.items() if k.startswith("carried-") and k != "carried-none" and v == "yes")
    none = fields.get("carried-none") == "yes"
    if ticked and none:
        problems.append(Problem(WEB, "carried_out", "Tick the actions carried out, or 'None of them', not both"))
    if ticked:
        return ticked
    return () if none else None


def _moderation(store, ob: Obligation, fields: dict[str, str], by: str, today: date) -> tuple[str, tuple, date | None]:
    """The moderation form as ``qaf moderate``'s grade, areas and date, or every problem with it at once."""
    audit = _audit_of(store, ob)
    fw = store.framework(audit.framework)
    problems: list[Problem] = []
    grade = fields.get("moderated-grade", "").strip()
    if not grade:
        problems.append(Problem(WEB, "grade", "Choose the moderated grade"))
    elif grade_key(grade) not in fw.grades:
        problems.append(Problem(WEB, "grade", f"'{grade}' is not on the framework's scale ({', '.join(fw.grades)})"))
    areas = _areas(fw, fields, "moderated-area", problems)
    day = _day(fields, "moderated-date", problems)
    if day is not None and day > today:
        problems.append(Problem(WEB, "date", f"{day:%-d %B %Y} is in the future (today is {today:%-d %B %Y})"))
    if problems:
        problems += recording.moderation_refusals(store, ob.id, by, today)
        raise InputError(problems, f"{ob.id}: nothing moderated, the store is unchanged")
    return grade, areas, day


def _audit_of(store, ob: Obligation) -> Obligation:
    """The audit a moderation or QA sign-off is of; else (or if it is gone) ``ob`` itself."""
    cause = queries.cause_of(store, ob) if ob.kind in _OF_AN_AUDIT else None
    return ob if cause is None else cause


_OF_AN_AUDIT = ("moderation", "qa_signoff")


# --- problems, as the page shows them -----------------------------------------------------------

FIELD_OF = {  # (form, the engine's or the form reader's field) -> the element it is shown beside
    ("outcome", "grade"): "grade", ("outcome", "date"): "date", ("outcome", "notes"): "notes",
    ("outcome", "carried_out"): "carried-out", ("outcome", "concerns"): "concerns", ("moderate", "grade"): "moderated-grade",
    ("moderate", "date"): "moderated-date", ("contest", "date"): "contest-date", ("close", "note"): "note",
}  # fmt: skip


def _named(store, ob: Obligation) -> dict[str, str]:
    """How the page names the work a problem's message names by id: "this audit", and a moderation's "the audit"."""
    names = {ob.id: f"this {kind_words(ob.kind)}"}
    if ob.cause and is_obligation_id(ob.cause) and ob.kind in _OF_AN_AUDIT:
        names[ob.cause] = f"the {kind_words(_audit_of(store, ob).kind)}"
    return names


def _shown(problems: list[Problem], at: dict[str, str], act: str, named: dict[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """({element id: its first problem}, the problems that belong to no field), in the words of the page
    (``named``: the words for the ids the messages hold)."""
    errors: dict[str, str] = {}
    general: list[str] = []
    for p in problems:
        field, message = p.field, _words(_ID.sub(lambda m: (named or {}).get(m[0], m[0]), p.message))
        if field.startswith("area-") or field.startswith("moderated-area-"):
            element = field
        elif field.startswith("slot ") or field in at:
            element = _action_element(at.get(field, field), p.message)
            message = f"Action {element.split('-')[1]}: {message}"  # the summary says which of the three
        else:
            element = FIELD_OF.get((act, field))
        if element is None:
            if message not in general:
                general.append(message)
        else:
            errors.setdefault(element, message)
    return errors, general


def _action_element(field: str, message: str) -> str:
    """``slot 2`` (or ``slot 2 who``) and what is wrong -> the part of the slot it is about (``action-2-who``)."""
    parts = field.split(" ")
    n = parts[1]
    if len(parts) == 3:
        return f"action-{n}-{parts[2]}"
    low = message.lower()
    part = "who" if low.startswith("who:") else "when" if low.startswith("due:") else "what"
    return f"action-{n}-{part}"


def _words(message: str) -> str:
    """A problem as the page says it: the form's words, not the command line's options."""
    if "needs --grade" in message:
        return "Choose a grade"
    if "before the first |" in message:
        return "Say what must be done"
    if "neither a date (YYYY-MM-DD) nor" in message:
        return "Enter a date like 21/6/2024 or 21 June 2024, or 'within' and a number of working days, weeks or months"
    if "close it with 'qaf action done'" in message:
        return "An action is closed with 'Close this action', not recorded"
    if "say which were carried out" in message:
        return "Tick the actions that were carried out, or 'None of them'"
    for head in ("who: ", "due: "):
        if message.startswith(head):
            message = message[len(head):]
    message = message.replace(" with --by", "").replace("'qaf record'", "this page").replace("_", " ")
    message = message.replace(": say who with 'who: PERSON'", ": say who will do it")
    message = _NOT_IN_POST.sub(lambda m: f"{m[1]}{date.fromisoformat(m[2]):%-d %B %Y}", message)  # a day as the page writes one
    return message[:1].upper() + message[1:]


_ID = re.compile(r"\b[0-9a-f]{16}\b")  # an obligation's id, as the use cases' messages name the work
_NOT_IN_POST = re.compile(r"(is not in the organisation on )(\d{4}-\d{2}-\d{2})")


# --- what the page shows ---------------------------------------------------------------------


def about(store, ob: Obligation, who: Viewer, today: date, whole: bool, cause: Obligation | None) -> dict[str, Any]:
    """What an obligation's page shows, and which forms it offers ``who`` (those the use cases would accept).

    Not ``whole``: ``who`` is the worker whose work this graded audit graded (:func:`qaf.calendars.access.audited`),
    not its owner's line. He reads what it found (grade, concerns, areas, moderation) and may contest it; the
    auditor's notes, why the case was chosen, the actions given to others, the requests for more time and every
    other form are the line's. ``cause``: the work that set ``ob`` off (:func:`qaf.usecases.queries.cause_of`),
    read by the caller; a moderation or sign-off whose audit is gone stands for itself, as :func:`_audit_of` says."""
    if not whole:
        ob = replace(ob, sample_reason=None, outcome=replace(ob.outcome, notes="") if ob.outcome else None)
    org = store.org()
    fw = store.framework(ob.framework)
    try:
        row = fw.row(ob.row)
    except (KeyError, LookupError):
        row = None
    if cause is None and ob.kind in _OF_AN_AUDIT:
        cause = ob
    record = queries.page(store, ob, org, today, who.person, fw)
    if not whole and "actions" in record:  # only his own: he sees those on his My work already
        record = {**record, "actions": [a for a in record["actions"] if a["assignee"] == who.person]}
    mine = may_act(org, who.person, ob.assignee)
    live = ob.status in LIVE
    moderatable = (ob.kind == "moderation" and live) or (ob.kind in ("audit", "follow_up_audit") and ob.status == DONE)
    contestable = was_graded(ob) and not ob.outcome.contested and ob.outcome.moderated_grade is None
    # once graded, the worker is the one whose work it graded (a case passed on since stays his), as on a moderation
    # or QA sign-off of it; before, the case's worker, who an action goes to by default
    judged = cause if ob.kind in _OF_AN_AUDIT else ob  # never None for these: their audit, or (gone) themselves
    worker = graded_worker(org, judged) if was_graded(judged) else worker_of(org, ob)
    acts = {
        "outcome": whole and live and mine and ob.kind not in ("moderation", "action")
                   and not (ob.kind == "qa_signoff" and cause is not None and signoff_refusals(org, cause, who.person)),
        "moderate": whole and moderatable and not recording.moderation_refusals(store, ob.id, who.person, today),
        "contest": contestable and not contest_refusals(org, ob, who.person),
        "close": whole and ob.kind == "action" and live and mine,
    }
    return {
        "viewer": who, "ob": ob, "today": today, "status": queries.shown_status(ob, today, who.person),
        "name": lambda pid: name_of(org, pid), "grades": fw.grades, "areas": fw.areas, "cause": cause, "row": row,
        "framework": fw, "record": record, "acts": acts, "recordable": acts["outcome"] and ob.kind in GRADED,
        "done_words": DONE_WORDS.get(ob.kind, ("Mark as done", "Mark as done")), "slots": range(1, ACTION_SLOTS + 1),
        "worker": worker, "worker_here": worker is not None and worker.active_on(today), "who_options": _who_options(org, fw, ob, worker, today) if acts["outcome"] and ob.kind in GRADED else (),
        "practice": _practice(record.get("practice_to_read")), "errors": {}, "general": [], "entered": {},
    }  # fmt: skip


def _practice(span: dict | None) -> str | None:
    """The months of practice an audit reads: "November 2023 to April 2024 (the previous 6 months)"."""
    if not span:
        return None
    first, last = (date.fromisoformat(span[k]) for k in ("from", "to"))
    return f"{first:%B %Y} to {last:%B %Y} (the previous {span['months']} months)"


def _who_options(org, fw, ob: Obligation, worker, today: date) -> list[str]:
    """Suggestions for an action's "who": the case's team and the worker's line by name, and the framework's roles;
    never someone with nobody above to chase it (the Chief Executive at the top of the line), which is refused."""
    names: list[str] = []
    start = worker or org.person(ob.assignee or "")
    people = list(org.members(ob.team)) if ob.team else []
    if start is not None:
        people += [start, *org.line(start.id)]
    for p in people:
        if p.active_on(today) and p.name not in names and org.manager_on(p.id, today) is not None:
            names.append(p.name)
    return names + sorted(r.name for r in fw.roles if not r.body)


def _told_to(org, notice, today) -> str:
    """Whom a notice reaches, as the "recorded" page names them: its person, or for a copy sent to an address
    alone (a held alert's copy to the Head of Service) whoever in post has that address, else the address."""
    if notice.recipient:
        return name_of(org, notice.recipient)
    found = signin.person_by_email(org, notice.email, today)
    return found.name if found else notice.email
