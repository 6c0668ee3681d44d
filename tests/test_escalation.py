"""The overdue ladder climbs the assignee's line, never down it and never back to them (issue 13, item 8).

East Sussex: "a notice to the assignee when work becomes overdue, the line
manager after 5 working days, the Head of Service after 20 and the DCS
after 40". A rung is the assignee's line above them: walk the ``manager``
links up from the assignee; the assignee is never a rung, nor anyone below.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from qaf.engine.escalation import due_escalations
from qaf.engine.model import Obligation, ObligationKey
from qaf.rules import bundled
from qaf.rules.loader import load_framework
from tests.council import council

FW = load_framework(bundled.path("east-sussex-2013"))[0]
DUE = date(2024, 4, 30)
LATE = date(2024, 7, 15)  # more than 40 working days after: every rung is due at once (a tick after skipped dates)


def overdue(assignee: str, row: str = "1.1") -> Obligation:
    key = ObligationKey(FW.id, row, 0, date(2024, 4, 1), "assignee", assignee, "visit")
    return Obligation(key.id, FW.id, row, 0, "visit", f"Visit by {assignee}", assignee, "assignee", assignee,
                      date(2024, 4, 1), DUE, DUE)  # fmt: skip


def below(org, person_id: str) -> set[str]:
    """Everyone whose line runs up through ``person_id``."""
    return {p.id for p in org.people if any(m.id == person_id for m in org.line(p.id))}


def rungs(assignee: str, today: date = LATE) -> dict[int, str | None]:
    return {e.level: e.to for e in due_escalations(FW, council(), [overdue(assignee)], set(), today)}


def test_the_dcs_overdue_visit_is_never_escalated_to_anyone_below_her():
    org = council()
    told = rungs("D1")
    assert told[0] == "D1"  # her own overdue notice
    above = {p.id for p in org.line("D1")}
    assert above == {"CE1"}
    assert all(to in above for level, to in told.items() if level > 0), told  # the Chief Executive, never a Head of Service
    assert not {to for to in told.values()} & below(org, "D1")


def test_a_head_of_service_s_own_overdue_work_goes_to_her_line_manager_not_to_herself():
    told = rungs("H1")  # Hana Locality, Head of Service, reports to the AD Safeguarding
    assert told[1] == "AD1"  # line manager, after 5 working days
    assert told[2] == "AD1"  # the Head of Service rung: she is the Head of Service, so the line above her
    assert told[3] == "D1"  # the DCS, after 40
    assert all(to != "H1" for level, to in told.items() if level > 0)


def test_an_owner_who_has_left_is_not_sent_her_overdue_notice_but_her_line_still_hears():
    """Pat Practice left on 4 June 2024 with her April visit undone. Her own rung is recorded with
    nobody told (a leaver's mailbox reads nothing) and says why; the rungs above still go up her line."""
    from dataclasses import replace

    org = council(people=tuple(replace(p, end=date(2024, 6, 4)) if p.id == "PM1" else p for p in council().people))
    found = {e.level: e for e in due_escalations(FW, org, [overdue("PM1")], set(), LATE)}
    assert (found[0].to, found[0].notice) == (None, None)
    assert found[0].reason.endswith(": Pat Practice left on 2024-06-04"), found[0].reason
    assert found[1].to == "OM1" and found[1].notice is not None  # her line manager, Olive Ops
    before = {e.level: e.to for e in due_escalations(FW, org, [overdue("PM1")], set(), date(2024, 5, 1))}
    assert before[0] == "PM1", "while she was there, she was told"


def test_at_the_top_of_the_organisation_a_rung_finds_nobody_and_says_so():
    found = due_escalations(FW, council(), [overdue("CE1")], set(), LATE)
    above = [e for e in found if e.level > 0]
    assert above and all(e.to is None and e.notice is None for e in above)
    assert all("nobody above Chris Chief" in e.reason for e in above), [e.reason for e in above]


@pytest.mark.parametrize("assignee", ["SW1", "PM1", "OM1", "H1", "AD1", "D1", "HS1", "EH1"])
def test_every_rung_is_someone_above_the_assignee(assignee: str):
    org = council()
    above = {p.id for p in org.line(assignee)}
    for level, to in rungs(assignee).items():
        if level > 0:
            assert to is None or to in above, (level, to)


def test_one_person_one_obligation_one_tick_one_notice():
    """Olive Ops's line manager is Hana Locality, who is also the Head of Service rung: after skipped
    dates both rungs fall due on one tick, and she hears about it once."""
    found = due_escalations(FW, council(), [overdue("OM1")], set(), LATE)
    assert {e.level: e.to for e in found}[1] == {e.level: e.to for e in found}[2] == "H1"
    notices = Counter((n.recipient, n.cause) for n in (e.notice for e in found) if n is not None)
    assert set(notices.values()) == {1}, notices
    # every rung is still recorded once, so none of them is raised again tomorrow
    assert sorted(e.level for e in found) == [0, 1, 2, 3]


def test_one_notice_a_person_for_every_assignee_of_the_council_on_a_late_tick():
    org = council()
    obligations = [overdue(p.id) for p in org.people]
    found = due_escalations(FW, org, obligations, set(), LATE)
    notices = Counter((n.recipient, n.cause) for n in (e.notice for e in found) if n is not None)
    assert set(notices.values()) == {1}
    for e in found:  # and nobody is ever told about their own work as an escalation, or their manager's
        ob = next(o for o in obligations if o.id == e.obligation)
        if e.level > 0 and e.to is not None:
            assert e.to in {p.id for p in org.line(ob.assignee)}


def test_a_tick_after_skipped_dates_queues_one_notice_a_person_for_each_obligation(store):
    """Through the tick and the outbox: two months missed, then one tick raises every rung at once."""
    from sqlalchemy import select

    from qaf.clock import utc_now
    from qaf.store.tables import ESCALATIONS, OBLIGATIONS, OUTBOX
    from qaf.usecases.mail import MailSettings
    from qaf.usecases.tick import run_tick

    store.save_framework(FW, bundled.path("east-sussex-2013").read_text())
    store.save_org(council())
    run_tick(store, date(2024, 4, 1), MailSettings(), "test", wall=utc_now)
    run_tick(store, LATE, MailSettings(), "test", wall=utc_now)
    with store.read() as conn:
        rows = [r for r in conn.execute(select(OUTBOX)) if r.reason in ("overdue", "escalation")]
        esc = list(conn.execute(select(ESCALATIONS)))
    assert rows
    per_person = Counter((r.recipient, r.cause) for r in rows)
    assert set(per_person.values()) == {1}, [k for k, n in per_person.items() if n > 1][:5]
    assert {e.level for e in esc} == {0, 1, 2, 3}  # every rung raised, each once
    assert len({(e.obligation, e.level) for e in esc}) == len(esc)
    org = council()
    with store.read() as conn:
        assignees = dict(conn.execute(select(OBLIGATIONS.c.id, OBLIGATIONS.c.assignee)).all())
    for r in rows:  # an escalation goes up the assignee's line, never to them or below
        if r.reason == "escalation":
            assert r.recipient in {p.id for p in org.line(assignees[r.cause])}, (r.recipient, assignees[r.cause])


def test_the_report_says_how_many_rungs_found_nobody_above_the_assignee():
    from qaf.engine.report import escalations
    from qaf.engine.report_model import Raised
    from qaf.engine.report_words import Month
    from qaf.render.report import nobody_line

    raised = [Raised("a", 1, LATE, "CE1"), Raised("b", 1, LATE, None), Raised("b", 2, LATE, None)]
    _, rungs = escalations(FW, raised, Month(2024, 7), {"a", "b"})
    assert [(r.level, r.count, r.nobody) for r in rungs] == [(1, 1, 1), (2, 0, 1)]
    assert nobody_line(rungs) == (
        "Raised with nobody to tell (the top of the organisation's line, or an owner who has left): "
        "the line manager, 5 working days overdue: 1; Head of Service, 20 working days overdue: 1."
    )


def test_a_rung_reached_is_never_taken_back_and_each_obligation_keeps_its_own(store):
    """Rungs recorded for many obligations at once (one statement on PostgreSQL): each obligation's mark is its
    highest rung, a lower rung recorded later (a replayed tick, a takeover) leaves it where it was."""
    from sqlalchemy import select

    from qaf.clock import utc_now
    from qaf.engine.escalation import Escalation
    from qaf.store import ticks
    from qaf.store.tables import OBLIGATIONS
    from qaf.usecases.mail import MailSettings
    from qaf.usecases.tick import run_tick

    store.save_framework(FW, bundled.path("east-sussex-2013").read_text())
    store.save_org(council())
    run_tick(store, date(2024, 4, 1), MailSettings(), "test", wall=utc_now)
    with store.read() as conn:
        ids = sorted(conn.execute(select(OBLIGATIONS.c.id)).scalars())[:3]
    first, second, third = ids

    def rung(oid: str, level: int) -> Escalation:
        return Escalation(oid, level, None, DUE, "test", None, DUE)

    with store.write() as conn:
        ticks.record_escalations(conn, [rung(first, 0), rung(first, 2), rung(second, 1)], utc_now())
    with store.write() as conn:  # later, lower rungs for the first two; a first one for the third
        ticks.record_escalations(conn, [rung(first, 1), rung(second, 0), rung(third, 3)], utc_now())
    with store.read() as conn:
        marks = dict(conn.execute(select(OBLIGATIONS.c.id, OBLIGATIONS.c.escalated).where(OBLIGATIONS.c.id.in_(ids))).all())
    assert marks == {first: 2, second: 1, third: 3}


# --- the ladder amended mid-year ----------------------------------------------------------------

LINE_MANAGER_RUNG = "  - {after: 5, to: line_manager}\n"


def tick_through(store, first: date, last: date) -> None:
    """The daily tick on every date from ``first`` to ``last`` (no email server: notices stay in the outbox)."""
    from qaf.clock import utc_now
    from qaf.usecases.mail import MailSettings
    from qaf.usecases.tick import run_tick

    for n in range((last - first).days + 1):
        run_tick(store, first + timedelta(days=n), MailSettings(), "test", wall=utc_now)


def raised(store, oid: str) -> list[tuple]:
    """An obligation's escalations, reminders too: (on, rung, person told, the due date it was raised against)."""
    from sqlalchemy import select

    from qaf.store.tables import ESCALATIONS

    with store.read() as conn:
        return sorted((r.on, r.level, r.to_person, r.due) for r in conn.execute(select(ESCALATIONS).where(ESCALATIONS.c.obligation == oid)))


def ladder_year(store, tmp_path, change, through: date = date(2024, 8, 30)):
    """East Sussex's April work left undone: ticks every day to 3 June (the Head of Service told of what
    was due on 30 April), the council's ladder amended by ``change``, then ticks every day to ``through``."""
    from pathlib import Path

    from sqlalchemy import select

    from qaf.store.tables import ESCALATIONS, OUTBOX

    text = bundled.path("east-sussex-2013").read_text()
    store.save_framework(FW, text)
    store.save_org(council())
    tick_through(store, date(2024, 4, 1), date(2024, 6, 3))
    amended = Path(tmp_path) / "east-sussex-2013.yaml"
    amended.write_text(change(text))
    fw, problems = load_framework(amended)
    assert fw is not None and not [p for p in problems if p.severity == "error"], problems
    store.save_framework(fw, amended.read_text())
    tick_through(store, date(2024, 6, 4), through)
    with store.read() as conn:
        told = [(r.obligation, r.level, r.to_person, r.on) for r in conn.execute(select(ESCALATIONS))]
        sent = [(r.recipient, r.key) for r in conn.execute(select(OUTBOX)) if r.reason == "escalation"]
    return store.framework(FW.id), told, sent


def test_the_line_managers_rung_struck_out_the_director_is_still_told(store, tmp_path):
    """A 3.16 audit due on 30 April reached the Head of Service (rung 20) on 30 May; in June the council
    strikes out the line manager's rung. At 40 working days the Director is told, as the ladder still says."""
    fw, told, sent = ladder_year(store, tmp_path, lambda text: text.replace(LINE_MANAGER_RUNG, ""))
    audit = next(o for o in store.obligations() if o.row == "3.16" and o.assignee == "PM3" and o.due == date(2024, 4, 30))
    rungs = {level: (who, on) for oid, level, who, on in told if oid == audit.id}
    assert rungs[2] == ("H2", date(2024, 5, 30)) and rungs[3] == ("D1", date(2024, 6, 27)), rungs
    assert [level for level, step in fw.rungs() if step.to == "Director of Children's Services"] == [3], "the Director's rung kept its number"
    assert ("D1", f"esc/{audit.id}/3") in {(who, key) for who, key in sent}


def test_a_rung_put_in_between_tells_its_new_person_once_and_nobody_else_again(store, tmp_path):
    """The council puts the Operations Manager in at 10 working days. Work already past her rung is told to
    her once; the Head of Service, told before, is not told again; the Director's rung comes as before."""
    from qaf.engine.report import rung_label

    fw, told, sent = ladder_year(store, tmp_path, lambda text: text.replace(
        LINE_MANAGER_RUNG, LINE_MANAGER_RUNG + "  - {after: 10, to: Operations Manager}\n"))  # fmt: skip
    assert [n for n, _ in fw.rungs()] == [0, 1, 4, 2, 3], "the new rung takes a number never used; the others keep theirs"
    assert rung_label(fw, 4) == "Operations Manager, 10 working days overdue"
    assert rung_label(fw, 2) == "Head of Service, 20 working days overdue"
    per_rung = Counter((oid, level) for oid, level, _, _ in told)
    assert set(per_rung.values()) == {1}
    per_person = Counter((oid, who) for oid, level, who, _ in told if who is not None and level >= 1)
    audit = next(o for o in store.obligations() if o.row == "3.16" and o.assignee == "PM3" and o.due == date(2024, 4, 30))
    assert per_person[(audit.id, "H2")] == 1, "the Head of Service is told once"
    assert {(level, who) for oid, level, who, _ in told if oid == audit.id and level >= 2} == {(2, "H2"), (3, "D1"), (4, "OM2")}
    assert len(sent) == len(set(sent)), "no escalation email twice"
    climbed: dict[str, set[int]] = {}
    for oid, level, _, on in told:
        climbed.setdefault(oid, set()).add(level)
    skipped = [oid for oid, levels in climbed.items() if 3 in levels and not {0, 1, 2, 4} <= levels]
    assert not skipped, f"work that reached the Director skipped a rung: {skipped[:3]}"
    late_work = [oid for oid, levels in climbed.items() if 4 in levels and 2 in levels and 3 not in levels]
    assert late_work, "work that fell due after the amendment climbed past the new rung to the Head of Service"


# --- more time given, and missed ---------------------------------------------------------------------


def test_more_time_given_and_missed_starts_the_ladder_again_from_the_new_date(store):
    """Tom Fairley's April audit (Pat Practice's, due 30 April) went to Pat on 1 May and to her Operations
    Manager on 8 May. On 9 May the Head of Service gives Pat until 16 May. Pat is reminded before the new
    date, told when it passes, and Olive Ops five working days after; each once. What was raised before stays."""
    from sqlalchemy import select

    from qaf.store.tables import OUTBOX
    from qaf.usecases import recording

    store.save_framework(FW, bundled.path("east-sussex-2013").read_text())
    store.save_org(council())
    tick_through(store, date(2024, 4, 1), date(2024, 5, 9))
    audit = next(o for o in store.obligations() if o.row == "3.16" and o.subject == "SW1" and o.due == date(2024, 4, 30))
    recording.extend(store, audit.id, date(2024, 5, 16), "H1", "Ofsted week", date(2024, 5, 9))
    tick_through(store, date(2024, 5, 10), date(2024, 6, 14))
    told = raised(store, audit.id)
    with store.read() as conn:
        keys = [r.key for r in conn.execute(select(OUTBOX.c.key).where(OUTBOX.c.cause == audit.id))]
    april, may = date(2024, 4, 30), date(2024, 5, 16)
    assert told == [
        (date(2024, 4, 23), -1, "PM1", april), (date(2024, 5, 1), 0, "PM1", april), (date(2024, 5, 8), 1, "OM1", april),
        (date(2024, 5, 10), -1, "PM1", may), (date(2024, 5, 17), 0, "PM1", may), (date(2024, 5, 23), 1, "OM1", may),
        (date(2024, 6, 14), 2, "H1", may),
    ], told  # fmt: skip
    assert len(keys) == len(set(keys)) == 7, keys


def test_a_period_the_framework_lengthens_starts_its_ladder_again_from_the_new_date(store, tmp_path):
    """Row 1.5 (the DCS's front-line visits) made monthly: October's visit, due 31 October, is not done;
    Dana is told on 1 November and her Chief Executive on 7 November. The amendment withdrawn in November
    makes it the quarter's visit, due 31 December: nobody is told again before then, and Dana is told once
    that passes: emailed, not only recorded as told (her first notice's key was the rung's alone)."""
    from sqlalchemy import select

    from qaf.store.tables import OUTBOX
    from tests.test_reconcile import amended_1_5
    from tests.test_tick import check_told_is_queued

    (published, as_published), (monthly, as_monthly) = amended_1_5(tmp_path, False), amended_1_5(tmp_path, True)
    store.save_framework(monthly, as_monthly)
    store.save_org(council())

    def told(oid: str) -> list[tuple]:
        return [r for r in raised(store, oid) if r[1] >= 0]

    tick_through(store, date(2024, 10, 1), date(2024, 11, 12))
    october = next(o for o in store.obligations() if o.row == "1.5" and o.period_start == date(2024, 10, 1))
    assert told(october.id) == [(date(2024, 11, 1), 0, "D1", date(2024, 10, 31)), (date(2024, 11, 7), 1, "CE1", date(2024, 10, 31))]
    store.save_framework(published, as_published)
    tick_through(store, date(2024, 11, 13), date(2025, 1, 3))
    assert told(october.id)[2:] == [(date(2025, 1, 1), 0, "D1", date(2024, 12, 31))], "the ladder again from 31 December"
    with store.read() as conn:
        queued = {r.key: r.recipient for r in conn.execute(select(OUTBOX).where(OUTBOX.c.cause == october.id))}
    assert queued[f"esc/{october.id}/0"] == "D1" and queued[f"esc/{october.id}/0/2024-12-31"] == "D1", "Dana is emailed again, once"
    assert queued[f"esc/{october.id}/1"] == "CE1" and f"esc/{october.id}/1/2024-12-31" not in queued
    check_told_is_queued(store)


def test_a_period_the_framework_shortens_keeps_the_rungs_already_raised(store, tmp_path):
    """Row 1.5 as published: the autumn quarter's visit, due 31 December, is not done, and Dana is told on
    1 January. Made monthly, it is October's visit, due 31 October: Dana is not told again; the rungs above
    her, now due, are raised once each."""
    from tests.test_reconcile import amended_1_5

    (published, as_published), (monthly, as_monthly) = amended_1_5(tmp_path, False), amended_1_5(tmp_path, True)
    store.save_framework(published, as_published)
    store.save_org(council())
    tick_through(store, date(2024, 10, 1), date(2025, 1, 3))
    autumn = next(o for o in store.obligations() if o.row == "1.5" and o.period_start == date(2024, 10, 1))
    store.save_framework(monthly, as_monthly)
    tick_through(store, date(2025, 1, 4), date(2025, 1, 10))
    told = [(on, level, who) for on, level, who, _ in raised(store, autumn.id) if level >= 0]
    assert told[0] == (date(2025, 1, 1), 0, "D1") and [level for _, level, _ in told].count(0) == 1, told
    assert sorted(level for _, level, _ in told) == [0, 1, 2, 3], "each rung once"


def test_a_ladder_started_again_keys_its_notices_by_the_due_date_it_runs_against():
    """The first ladder's notices keep the keys they always had (an upgrade sends nothing twice); a ladder
    started again from a later due date (``restarted``) has keys of its own, or the outbox, holding the
    first ladder's, would queue none of them."""
    ob = overdue("PM1")
    first = {e.level: e.notice.key for e in due_escalations(FW, council(), [ob], set(), LATE) if e.notice}
    again = {e.level: e.notice.key for e in due_escalations(FW, council(), [ob], set(), LATE, {ob.id}) if e.notice}
    assert first[1] == f"esc/{ob.id}/1" and again[1] == f"esc/{ob.id}/1/2024-04-30"
    assert set(first) == set(again) and not set(first.values()) & set(again.values())
