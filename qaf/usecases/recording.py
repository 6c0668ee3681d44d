"""Recording outcomes, moderating, contesting and extending: one transaction each.

Each function validates first (every problem, nothing written), then writes
the change, posts the event to the rules engine, and persists everything the
rules produced, all in the same transaction: an exception anywhere, a rule's
action included, leaves the store exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

from qaf.engine import typed
from qaf.engine.actions import raise_actions, safeguarding_alert
from qaf.engine.model import DONE, LIVE, RESCHEDULED, Obligation, ObligationKey, a_kind
from qaf.engine.notices import Notice
from qaf.engine.outcomes import ACTION_DONE, CLI, EXTEND, MODERATE, Consequences, Recording, check_recording, consequences, contest_refusals, may_act, moderating_roles, signoff_refusals
from qaf.engine.periods import after
from qaf.engine.rules_ref import Event
from qaf.engine.sampling import CaseHistory
from qaf.engine.scope import people_of
from qaf.engine.triggers import rules_for
from qaf.engine.workdays import calendar
from qaf.rules.model import Framework, Span
from qaf.rules.problems import InputError, Problem, Source
from qaf.rules.roles import vocabulary_of
from qaf.rules.settings import grade_key
from qaf.store import actions as action_store
from qaf.store import obligations as ob_store
from qaf.store import outcomes as oc
from qaf.store.protocols import Store


@dataclass(frozen=True)
class RecordResult:
    obligation: str
    created: tuple[Obligation, ...] = ()
    queued: tuple[Notice, ...] = ()
    shortfalls: tuple[str, ...] = ()
    rules: str = ""


def _refuse(problems: list[Problem], oid: str, done: str = "recorded") -> None:
    if problems:
        raise InputError(problems, f"{oid}: nothing {done}, the store is unchanged")


def _case_refs(org, ob: Obligation, fired, day: date) -> list[str]:
    """The cases follow-ups may be chosen from, and so the only ones whose history the choice reads: the
    worker's, or the team's, as the actions ask, open on ``day`` (:meth:`~qaf.engine.org.Org.open_caseload`, as
    the choice takes them), but for the audit's own case, which is never chosen again. A team's cases
    include every one it ever held: reading the history of only those the choice can take is about a
    tenth fewer cases, and none of the audit's own."""
    wanted = {a.cases for f in fired for a in f.trigger.then if a.do == "follow_up_audits"}
    case = org.case(ob.case) if ob.case else None
    refs: list[str] = []  # the history reads each once, in any order
    if "same_team" in wanted or (case is None or not case.worker):
        refs += org.open_team_cases(ob.team or "", day)
    if "same_worker" in wanted and case and case.worker:
        refs += org.open_caseload(case.worker, day)
    return [ref for ref in refs if ref != ob.case]


def _fire(conn, store, fw: Framework, org, ob: Obligation, event: Event, day: date, prefer: str,
          events: list | None = None, author: str | None = None, batch: oc.Batch | None = None,
          ) -> tuple[oc.Persisted, Consequences, str]:  # fmt: skip
    """The triggers ``event`` fires and what they set off, persisted (``batch``: writes held back, written
    before anything here reads or writes)."""
    rules = rules_for(fw, prefer)
    fired = rules.fired(event)
    picks = any(a.do == "follow_up_audits" and a.cases != "same_case" for f in fired for a in f.trigger.then)  # others than its own
    pooled = any(a.do == "moderation" and a.moderator == "pool" for f in fired for a in f.trigger.then)
    if picks or pooled:
        oc.flush(conn, batch)
    history = oc.history(conn, _case_refs(org, ob, fired, day), day, fw.recent_audit_months) if picks else CaseHistory()
    load = oc.held_by_assignee(conn, fw.id, "moderation", *_month_of(day)) if pooled else {}
    cons = consequences(fw, org, ob, event, fired, day, history, load, author)
    if cons.obligations or cons.notices:
        oc.flush(conn, batch)
    return oc.persist(conn, cons.obligations, cons.notices, cons.events, events), cons, rules.name


def _month_of(day: date) -> tuple[date, date]:
    """The calendar month around ``day``: the period a moderator's load is counted over."""
    first = day.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def record(store: Store, rec: Recording, today: date, prefer: str = "auto") -> RecordResult:
    """Store an outcome, mark the obligation done, and set off what the framework says."""
    return record_many(store, [(CLI, rec)], today, prefer)[0]


def record_many(store: Store, recordings: list, today: date, prefer: str = "auto") -> list[RecordResult]:
    """Record many outcomes (``(source, Recording)`` pairs) in one transaction: all of them or none.

    Every problem with every recording is reported, each at its source
    (a CSV line), before anything is kept.
    """
    results: list[RecordResult] = []
    problems: list[Problem] = []
    with store.write() as conn:
        contexts: dict[str, tuple] = {}
        events: list[tuple[str, str, dict]] = []
        batch = oc.Batch()  # the outcome and the status, held back to go with the event lines
        named = [_resolved(conn, rec.obligation) for _, rec in recordings]
        if len(recordings) > 1:
            oc.hold_versions(conn)  # before the obligations, as one recording's read takes them
            oc.lock_in_order(conn, [oid for oid in named if isinstance(oid, str)])
        first: dict[str, Source] = {}  # each obligation's first line: the second would find it done by the first
        for (source, rec), oid in zip(recordings, named):
            oc.flush(conn, batch)  # before the next read (Batch: held writes go before anything else reads)
            if isinstance(oid, oc.NoSuchObligation):
                problems.append(Problem(source, "obligation", str(oid)))
                continue
            if oid in first:
                where = f"on line {first[oid].line}" if first[oid].line else "given"
                problems.append(Problem(source, "obligation", f"{oid} is {where} too: one outcome an obligation, one line"))
                continue
            first[oid] = source
            try:
                ob, org_version, fw_hash = oc.load_versioned(conn, oid, lock=True)
            except oc.NoSuchObligation as exc:
                problems.append(Problem(source, "obligation", str(exc)))
                continue
            if ob.framework not in contexts:
                contexts[ob.framework] = store.context_in(conn, ob.framework, (org_version, fw_hash))
            org, fw = contexts[ob.framework]
            found = check_recording(fw, org, ob, rec, today) + _check_review(conn, ob, rec, source) + _check_signoff(conn, org, ob, rec, source)
            if found:
                problems += [Problem(source, p.field, p.message) for p in found]
                continue
            results.append(_record_one(conn, store, fw, org, ob, rec, today, prefer, events, batch))
        if problems:
            what = "nothing recorded" if len(recordings) > 1 else f"{recordings[0][1].obligation}: nothing recorded"
            raise InputError(problems, f"{what}, the store is unchanged")
        oc.flush(conn, batch, events)
    return results


def _resolved(conn, text: str) -> str | oc.NoSuchObligation:
    """The obligation's id a recording names (or a unique start of it), or why none."""
    try:
        return oc.resolve(conn, text)
    except oc.NoSuchObligation as exc:
        return exc


def _record_one(conn, store, fw: Framework, org, ob: Obligation, rec: Recording, today: date, prefer: str, events: list,
                batch: oc.Batch | None = None) -> RecordResult:  # fmt: skip
    day, by = rec.date or today, rec.by or ob.assignee
    grade = grade_key(rec.grade) if rec.grade else None
    oc.record_done(conn, ob, {
        "grade": grade, "concerns": rec.concerns, "areas": dict(rec.areas), "by": by,
        "audit_date": day, "notes": rec.notes or None,
    }, DONE, batch)  # fmt: skip
    events.append(("outcome.recorded", ob.id, {"grade": grade, "concerns": rec.concerns, "by": by, "date": day.isoformat()}))
    if ob.kind == "qa_signoff" and ob.cause:
        oc.flush(conn, batch)
        oc.update_outcome(conn, ob.cause, {"signoff_by": by, "signoff_on": day})
    event = Event(f"{ob.id}/outcome", "outcome", ob.row, ob.kind, grade, rec.concerns, rec.areas, ob.cadence >= 0)
    done, cons, name = _fire(conn, store, fw, org, ob, event, day, prefer, events, author=by, batch=batch)
    if rec.actions or (rec.carried_out is not None and ob.cause):
        oc.flush(conn, batch)
    raised, queued = _raise(conn, fw, org, ob, rec, day, by, events)
    if rec.carried_out is not None and ob.cause:
        _checked(conn, ob, rec.carried_out, events)
    return RecordResult(ob.id, done.created + raised, done.queued + queued, cons.shortfalls, name)


def _raise(conn, fw: Framework, org, audit: Obligation, rec: Recording, day: date, by: str | None, events: list) -> tuple[tuple, tuple]:
    """The audit's actions: obligations, their text beside them, a safeguarding alert at once."""
    if not rec.actions:
        return (), ()
    raised, _ = raise_actions(fw, org, audit, rec.actions, day)
    obligations = tuple(a.obligation for a in raised)
    alerts = tuple(n for a in raised if a.safeguarding for n in [safeguarding_alert(fw, org, audit, a.obligation, day)] if n)
    logged = tuple(("action.raised", a.obligation.id, {"audit": audit.id, "assignee": a.obligation.assignee,
                    "due": a.obligation.due.isoformat(), "safeguarding": a.safeguarding}) for a in raised)  # fmt: skip
    oc.persist(conn, obligations, alerts, logged, events)
    action_store.save(conn, [
        {"obligation": a.obligation.id, "audit": audit.id, "what": a.what, "safeguarding": a.safeguarding,
         "raised_by": by, "note": None, "checked_by": None, "carried_out": None}
        for a in raised
    ])  # fmt: skip
    return obligations, alerts


def _check_review(conn, ob: Obligation, rec: Recording, source) -> list[Problem]:
    """A review of an audit that raised actions says which were carried out (``none`` is an answer)."""
    if ob.kind != "review" or not ob.cause:
        return []
    actions = action_store.of_audit(conn, ob.cause)
    if not actions or rec.carried_out is None:
        if actions:
            listed = ", ".join(a.id for a, _ in actions)
            return [Problem(source, "carried_out", f"the review checks {len(actions)} action(s) ({listed}): "
                                                   "say which were carried out (or none)")]  # fmt: skip
        return []
    ids = {a.id for a, _ in actions}
    return [Problem(source, "carried_out", f"'{c}' is not one of the actions this review checks ({', '.join(sorted(ids))})")
            for c in rec.carried_out if _match(c, ids) is None]  # fmt: skip


def _check_signoff(conn, org, ob: Obligation, rec: Recording, source) -> list[Problem]:
    """A QA sign-off is not signed by whoever did or moderated its audit (:func:`~qaf.engine.outcomes.signoff_refusals`)."""
    if ob.kind != "qa_signoff" or not ob.cause:
        return []
    try:
        audit = oc.load(conn, ob.cause)
    except oc.NoSuchObligation:
        return []
    return [Problem(source, p.field, p.message) for p in signoff_refusals(org, audit, rec.by or ob.assignee)]


def _match(typed: str, ids: set[str]) -> str | None:
    found = [i for i in ids if i.startswith(typed.strip().lower())] if typed.strip() else []
    return found[0] if len(found) == 1 else None


def _checked(conn, review: Obligation, carried_out: tuple[str, ...], events: list) -> None:
    """What the review found: each action carried out or not; one carried out but still open is closed by it."""
    actions = action_store.of_audit(conn, review.cause or "")
    done = {_match(c, {a.id for a, _ in actions}) for c in carried_out}
    for action, _ in actions:
        action_store.checked(conn, action.id, review.id, action.id in done)
        if action.id in done and action.status in LIVE:
            oc.set_status(conn, action, DONE, "carried out, as the review found")
            action_store.withdraw_digest_items(conn, action.id)
        events.append(("action.checked", action.id, {"review": review.id, "carried_out": action.id in done}))


def close_action(store: Store, target: str, by: str | None, note: str, today: date) -> Obligation:
    """``qaf action done``: the owner (or their line) closes an action; its reminders leave the digest.

    The note is the owner's words: it is kept beside the action, never in a feed or email.
    """
    with store.write() as conn:
        org = store.org_in(conn)
        oid = oc.resolve(conn, target)
        ob = oc.load(conn, oid, lock=True)
        who = by or ob.assignee
        problems: list[Problem] = []
        if ob.kind != "action":
            problems.append(Problem(ACTION_DONE, "action", f"{oid} is {a_kind(ob.kind)}, not an action: record it with 'qaf record'"))
        elif ob.status not in LIVE:
            problems.append(Problem(ACTION_DONE, "action", f"{oid} is {ob.status}: nothing to close"))
        person = org.person(who) if who else None
        if person is None:
            problems.append(Problem(ACTION_DONE, "by", f"no person '{who}' in the organisation"))
        elif not may_act(org, person.id, ob.assignee):
            problems.append(Problem(ACTION_DONE, "by", f"{person.name} may not close this action: only its owner or their line managers may"))
        if note and (why := typed.why_not(note, them="it")):
            problems.append(Problem(ACTION_DONE, "note", f"the note holds {why}"))
        if problems:
            raise InputError(problems, f"{oid}: not closed, the store is unchanged")
        oc.set_status(conn, ob, DONE, f"done, closed by {person.name}")
        action_store.close(conn, oid, note or None)
        withdrawn = action_store.withdraw_digest_items(conn, oid)
        oc.log(conn, "action.done", oid, {"by": who, "date": today.isoformat(), "withdrawn_from_digest": withdrawn})
        return oc.load(conn, oid)


def moderate(store: Store, target: str, grade: str, by: str | None, day: date | None, today: date, prefer: str = "auto",
             areas: tuple[tuple[str, str], ...] = ()) -> RecordResult:  # fmt: skip
    """Store a moderated grade beside the primary one; close the moderation; fire the triple lock."""
    with store.write() as conn:
        oc.hold_versions(conn)  # the organisation and framework its sign-off is worked out on, held to its end
        org = store.org_in(conn)
        oid = oc.resolve(conn, target)
        ob = oc.load(conn, oid, lock=True)
        audit = oc.load(conn, ob.cause, lock=True) if ob.kind == "moderation" and ob.cause else ob
        mods = [ob] if ob.kind == "moderation" else oc.open_of_kind(conn, audit.id, "moderation")
        fw = store.framework_in(conn, audit.framework)
        day = day or today
        problems = _check_moderation(fw, org, audit, mods, grade, by, day, today, _contester(conn, audit))
        _refuse(problems, oid, "moderated")
        who = by or (mods[0].assignee if mods else None)
        g = grade_key(grade)
        oc.update_outcome(conn, audit.id, {"moderated_grade": g, "moderated_by": who, "moderated_on": day,
                                           "moderated_areas": dict(areas) if areas else None})  # fmt: skip
        for m in mods:
            if m.status in LIVE:
                oc.save_outcome(conn, m, {"grade": g, "concerns": audit.outcome.concerns, "areas": dict(areas), "by": who, "audit_date": day, "notes": f"moderation of {audit.id}"})
                oc.set_status(conn, m, DONE)
        oc.log(conn, "outcome.moderated", audit.id, {"primary": audit.outcome.grade, "moderated": g, "by": who, "date": day.isoformat()})
        event = Event(f"{audit.id}/moderation", "moderation", audit.row, audit.kind, g, audit.outcome.concerns, audit.outcome.areas, audit.cadence >= 0)
        done, cons, name = _fire(conn, store, fw, org, audit, event, day, prefer)
    return RecordResult(audit.id, done.created, done.queued, cons.shortfalls, name)


def _check_moderation(fw, org, audit: Obligation, mods: list[Obligation], grade: str, by: str | None, day: date, today: date,
                      contester: str | None = None) -> list[Problem]:  # fmt: skip
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(MODERATE, field, message))

    problems += _moderation_state(audit, org)
    if grade_key(grade) not in fw.grades:
        bad("grade", f"'{grade}' is not on the framework's scale ({', '.join(fw.grades)})")
    if day > today:
        bad("date", f"{day} is in the future (today is {today})")
    problems += _before_audit(audit, day, "moderated", MODERATE)
    return problems + _moderator_refusals(fw, org, audit, mods, by, day, contester)


def _contester(conn, audit: Obligation) -> str | None:
    """Who contested ``audit``'s grade, if it is contested (:func:`qaf.store.outcomes.contested_by`)."""
    return oc.contested_by(conn, audit.id) if audit.outcome is not None and audit.outcome.contested else None


def _before_audit(audit: Obligation, day: date, done: str, source: Source = CLI) -> list[Problem]:
    """A grade is moderated or contested on the day the audit was done or later: [] when ``day`` is."""
    when = audit.outcome.date if audit.outcome is not None else None
    if when is not None and day < when:
        return [Problem(source, "date", f"{day} is before the audit was done ({when}): a grade is {done} after it is given")]
    return []


def _moderation_state(audit: Obligation, org) -> list[Problem]:
    """Why ``audit`` cannot be moderated whoever asks: no outcome yet, or already moderated (by whom, by name, and when)."""
    if audit.outcome is None or audit.status != DONE:
        return [Problem(MODERATE, "obligation", f"{audit.id} has no recorded outcome to moderate")]
    o = audit.outcome
    if o.moderated_grade is not None:
        person = org.person(o.moderated_by) if o.moderated_by else None
        when = f" on {o.moderated_on:%-d %B %Y}" if o.moderated_on else ""
        return [Problem(MODERATE, "obligation", f"{audit.id} was already moderated as {o.moderated_grade} "
                                           f"by {person.name if person else o.moderated_by}{when}")]  # fmt: skip
    return []


def moderation_refusals(store: Store, target: str, by: str, today: date) -> list[Problem]:
    """Why ``by`` may not moderate ``target`` (an audit, or its moderation) today: [] when they may.

    The same checks :func:`moderate` makes of the audit and the moderator, so a
    page offers the moderation form only to someone whose moderation would be
    accepted (the grade and the date are checked when they send it).
    """
    with store.read() as conn:
        org = store.org_in(conn)
        ob = oc.load(conn, oc.resolve(conn, target))
        audit = oc.load(conn, ob.cause) if ob.kind == "moderation" and ob.cause else ob
        mods = [ob] if ob.kind == "moderation" else oc.open_of_kind(conn, audit.id, "moderation")
        fw = store.framework_in(conn, audit.framework)
        return _moderation_state(audit, org) + _moderator_refusals(fw, org, audit, mods, by, today, _contester(conn, audit))


def _not_in_post(person, day: date) -> str:
    """Why someone who has left (or not yet started) may not moderate, contest or extend on ``day``."""
    return f"{person.name} is not in the organisation on {day} (start {person.start}, end {person.end})"


def _moderator_refusals(fw, org, audit: Obligation, mods: list[Obligation], by: str | None, day: date,
                        contester: str | None = None) -> list[Problem]:  # fmt: skip
    """Why ``by`` may not moderate ``audit`` on ``day`` (the moderation's assignee when None): [] when they may.
    Not its authors, nor whoever contested its grade (``contester``): a contested grade is settled by another."""
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(MODERATE, field, message))

    who = by or (mods[0].assignee if mods else None)
    person = org.person(who) if who else None
    roles = moderating_roles(fw)
    if who is None:
        whom = f" (a {' or '.join(sorted(roles))})" if roles else ""
        bad("by", f"no moderation is assigned for this audit: say who moderated it with --by{whom}")
    elif person is None:
        bad("by", f"no person '{who}' in the organisation")
    elif not person.active_on(day):
        bad("by", _not_in_post(person, day))
    elif who in audit.authors:  # its owner, or who did it for them
        bad("by", "an auditor cannot moderate their own audit")
    elif who == contester:
        bad("by", f"{person.name} contested this grade: its moderation, which settles it, is someone else's")
    elif mods and not any(may_act(org, who, m.assignee) for m in mods):
        bad("by", f"{person.name} is not the moderator of {audit.id}, nor above the moderator in the line")
    elif not mods and not _holds(fw, org, who, roles):
        bad("by", f"{person.name} holds no moderating role of {fw.id} (its moderators: {' or '.join(sorted(roles))}), and no moderation of {audit.id} is assigned to them")
    return problems


def _holds(fw: Framework, org, person_id: str, roles: Iterable[str]) -> bool:
    """Whether the person holds one of ``roles`` (the framework's vocabulary resolves what the council wrote)."""
    return bool(people_of(org, vocabulary_of(fw)).roles.get(person_id, frozenset()) & set(roles))


def contest(store: Store, target: str, by: str | None, day: date | None, today: date, prefer: str = "auto") -> RecordResult:
    """A service contests a grade: marked contested, and settled by moderation (never by whoever contested it)."""
    with store.write() as conn:
        oc.hold_versions(conn)  # the organisation and framework its moderation is worked out on, held to its end
        org = store.org_in(conn)
        oid = oc.resolve(conn, target)
        audit = oc.load(conn, oid, lock=True)
        fw = store.framework_in(conn, audit.framework)
        day = day or today
        problems: list[Problem] = []
        if audit.outcome is None or audit.outcome.grade is None:
            problems.append(Problem(CLI, "obligation", f"{oid} has no recorded grade to contest"))
        elif audit.outcome.contested:
            problems.append(Problem(CLI, "obligation", f"{oid}'s grade is already contested"))
        elif audit.outcome.moderated_grade is not None:
            problems.append(Problem(CLI, "obligation", f"{oid} was moderated ({audit.outcome.moderated_grade}): the moderated grade stands"))
        person = org.person(by) if by is not None else None
        if by is not None and person is None:
            problems.append(Problem(CLI, "by", f"no person '{by}' in the organisation"))
        elif person is not None and not person.active_on(day):
            problems.append(Problem(CLI, "by", _not_in_post(person, day)))
        if day > today:
            problems.append(Problem(CLI, "date", f"{day} is in the future (today is {today})"))
        problems += _before_audit(audit, day, "contested")
        if person is not None:
            problems += contest_refusals(org, audit, by)
        _refuse(problems, oid)
        oc.update_outcome(conn, oid, {"contested": True})
        oc.log(conn, "outcome.contested", oid, {"by": by, "date": day.isoformat(), "grade": audit.outcome.grade})
        event = Event(f"{oid}/contest", "contest", audit.row, audit.kind, audit.outcome.grade, audit.outcome.concerns,
                      audit.outcome.areas, audit.cadence >= 0)  # fmt: skip
        # whoever contested is never asked to settle it: not by a framework's trigger (the event's author), nor below
        done, cons, name = _fire(conn, store, fw, org, audit, event, day, prefer, author=by)
        created = list(done.created)
        shortfalls = list(cons.shortfalls)
        if not oc.open_of_kind(conn, oid, "moderation") and not any(o.kind == "moderation" for o in created):
            settle, short = _settling_moderation(fw, org, audit, day, by)
            if settle is not None:
                ob_store.apply(conn, [settle], [])
                oc.log(conn, "obligation.created", settle.id, {"kind": "moderation", "cause": oid, "why": "grade contested"})
                created.append(settle)
            shortfalls += short
    return RecordResult(oid, tuple(created), done.queued, tuple(shortfalls), name)


def _settling_moderation(fw: Framework, org, audit: Obligation, day: date, contester: str | None = None) -> tuple[Obligation | None, list[str]]:
    """The moderation that settles ``audit``'s contested grade: the framework's contest moderator up the auditor's
    line, else the first in the council; never one of its authors, nor ``contester``, who put the grade in question."""
    from qaf.engine.titles import follow_up_title

    people = people_of(org, vocabulary_of(fw))
    passed_over = {*audit.authors, contester}
    who = people.holder_up_line(audit.assignee or "", fw.contest_moderator, day, passed_over)
    if who is None:  # nobody up the auditor's line: the first holder in the council
        holders = [h for h in people.holders((fw.contest_moderator,), day, day) if h.id not in passed_over]
        who = holders[0] if holders else None
    if who is None:
        return None, [f"no {fw.contest_moderator} found to settle the contested grade of {audit.id}"]
    due = after(day, Span(1, "months"), calendar(fw.working_days))
    key = ObligationKey(fw.id, fw.identity(audit.row), -1, day, "cause", audit.id, "moderation", 9000)
    title = follow_up_title(org, fw.row(audit.row), "moderation", audit.case, audit) + " (contested grade)"
    ob = Obligation(
        id=key.id, framework=fw.id, row=audit.row, cadence=-1, kind="moderation", title=title, assignee=who.id,
        subject_kind="obligation", subject=audit.id, period_start=day, period_end=due, due=due, case=audit.case,
        team=audit.team, cause=audit.id, seq=key.seq, sample_reason="the grade was contested",
    )  # fmt: skip
    return ob, []


MAX_EXTENSION = timedelta(days=366)  # no deadline moves more than a year past the original


def extend(store: Store, target: str, to: date, by: str, reason: str, today: date) -> Obligation:
    """Move a deadline: the line up to ``extension_days`` working days in all, longer a senior role.

    The limit is on the whole extension, counted from the due date before any
    extension: three extensions of five days by one line manager are fifteen
    days, and need the senior role as one of fifteen would. No extension
    reaches more than a year past that date. The reason stays in the event
    log and on the obligation's page; the status says only who moved it to when.
    """
    with store.write() as conn:
        return extend_in(conn, store, target, to, by, reason, today)


def may_extend(fw: Framework, org, ob: Obligation, by: str, days: int) -> bool:
    """Whether ``by`` may move ``ob``'s deadline ``days`` working days in all: :func:`extend`'s own rule
    (the assignee's line, and past ``extension_days`` one of the framework's ``extension_roles``)."""
    if not any(p.id == by for p in org.line(ob.assignee or "")):
        return False
    return days <= fw.extension_days or _holds(fw, org, by, fw.extension_roles)


def extension_days(conn, fw: Framework, ob: Obligation, to: date) -> int:
    """Working days from the due date before any extension to ``to`` (what the limits are counted on)."""
    return calendar(fw.working_days).between(oc.original_due(conn, ob), to)


def extend_in(conn, store: Store, target: str, to: date, by: str, reason: str, today: date) -> Obligation:
    """:func:`extend` inside the caller's transaction (an approved extension request writes both at once)."""
    org = store.org_in(conn)
    oid = oc.resolve(conn, target)
    ob = oc.load(conn, oid, lock=True)
    fw = store.framework_in(conn, ob.framework)
    problems: list[Problem] = []

    def bad(field: str, message: str) -> None:
        problems.append(Problem(EXTEND, field, message))

    person = org.person(by)
    first = oc.original_due(conn, ob)
    too_far = to > first + MAX_EXTENSION
    days = 0 if too_far else calendar(fw.working_days).between(first, to)
    if too_far:
        bad("to", f"{to} is more than a year after the original due date {first}: set a new obligation instead")
    if ob.status not in LIVE:
        bad("obligation", f"{oid} is {ob.status}: only open work can be extended")
    if reason and (why := typed.why_not(reason, typed.REASON, "it")):
        bad("reason", f"the reason holds {why}")
    if to <= ob.due:
        bad("to", f"{to} is not after the current due date {ob.due}")
    elif to < today:
        bad("to", f"{to} has passed (today is {today}): more time is time still to come")
    if person is None:
        bad("by", f"no person '{by}' in the organisation")
    elif not person.active_on(today):
        bad("by", _not_in_post(person, today))
    elif not any(p.id == by for p in org.line(ob.assignee or "")):
        bad("by", f"{person.name} is not the assignee's line manager (or above): only the line may extend")
    elif not too_far and days > fw.extension_days:
        if not _holds(fw, org, person.id, fw.extension_roles):
            since = f" in all since the original due date {first}" if first != ob.due else ""
            bad("to", f"{days} working days{since} is more than a line manager may give ({fw.extension_days}); "
                      f"it needs a {' or '.join(fw.extension_roles)}")  # fmt: skip
    if problems:
        raise InputError(problems, f"{oid}: not extended, the store is unchanged")
    note = f"extended to {to:%-d %b %Y} by {person.name}"  # what feeds and emails may say; the reason is the event log's
    oc.set_status(conn, ob, RESCHEDULED, note, due=to)
    oc.log(conn, "obligation.extended", oid, {"from": ob.due.isoformat(), "to": to.isoformat(), "working_days": days, "by": by, "reason": reason, "original": first.isoformat()})
    return oc.load(conn, oid)
