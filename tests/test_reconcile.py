"""Reconciling the schedule in the store (SQLite and PostgreSQL): idempotent, following the organisation."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select, update

from qaf.cli.main import main
from qaf.engine.query import Filters
from qaf.rules.loader import load_framework
from qaf.store.sql import SqlStore
from qaf.store.tables import OBLIGATIONS
from qaf.usecases import scheduling
from qaf.usecases.queries import KEYS
from tests.conftest import snapshot
from tests.council import council

ROOT = Path(__file__).resolve().parents[1]
YEAR = (date(2024, 4, 1), date(2025, 3, 31))
TODAY = date(2024, 6, 10)


@pytest.fixture(scope="module")
def east_sussex():
    fw, _ = load_framework(ROOT / "rules" / "frameworks" / "east-sussex-2013.yaml")
    return fw


def people_with(**changed):
    """The council's people with some replaced: people_with(SW4={"end": date(...)})."""
    org = council()
    return tuple(dataclasses.replace(p, **changed[p.id]) if p.id in changed else p for p in org.people)


def mark_done(store: SqlStore, oid: str) -> None:
    table = OBLIGATIONS
    with store.write() as conn:
        conn.execute(update(table).where(table.c.id == oid).values(status="done", updated_at=datetime.now(timezone.utc)))


def worker_audits(store: SqlStore, worker: str):
    return [o for o in store.obligations(Filters(row="3.16")) if o.subject == worker]


def test_scheduling_twice_changes_nothing(store: SqlStore, east_sussex):
    first = scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY)
    assert first.created == first.planned > 300
    before = snapshot(store)
    again = scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY)
    assert again.skipped and (again.created, again.updated, again.cancelled, again.unchanged) == (0, 0, 0, first.planned)
    assert snapshot(store) == before
    forced = scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY, force=True)  # planned and compared in full
    assert not forced.skipped and (forced.created, forced.updated, forced.cancelled, forced.unchanged) == (0, 0, 0, first.planned)
    assert {k: v for k, v in snapshot(store).items() if k != "schedule_runs"} == {k: v for k, v in before.items() if k != "schedule_runs"}


def test_a_repeat_is_not_skipped_when_anything_it_depends_on_changed(store: SqlStore, east_sussex):
    scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY)
    assert not scheduling.schedule(store, east_sussex, staying(), *YEAR, TODAY).skipped  # the organisation changed
    assert not scheduling.schedule(store, east_sussex, staying(), *YEAR, date(2024, 7, 1)).skipped  # July has begun
    assert scheduling.schedule(store, east_sussex, staying(), *YEAR, date(2024, 7, 20)).skipped  # no new period began
    mark_done(store, worker_audits(store, "SW1")[0].id)  # 3.16 is moderated by nobody: the plan does not change
    assert scheduling.schedule(store, east_sussex, staying(), *YEAR, date(2024, 7, 20)).skipped
    team_audit = next(o for o in store.obligations(Filters(row="3.14")) if o.kind == "audit")
    mark_done(store, team_audit.id)  # the Head of Service samples 3.14 audits: the sample may grow
    assert not scheduling.schedule(store, east_sussex, staying(), *YEAR, date(2024, 7, 20)).skipped


def test_a_window_is_planned_again_at_once_when_qafs_own_planning_rules_change(store: SqlStore, east_sussex, monkeypatch):
    """The same framework and organisation plan differently under a qaf that plans differently (week blocks
    without a stub at the year's end): the store does not wait for the next month, or the next change of the
    framework or organisation, to hold what this qaf plans."""
    from qaf.engine import fingerprint

    scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY)
    assert scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY).skipped
    monkeypatch.setattr(fingerprint, "PLANNING_RULES", fingerprint.PLANNING_RULES + 1)
    assert not scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY).skipped


def test_a_store_planned_before_1_6s_meetings_were_told_apart_retitles_them_as_the_same_work(store: SqlStore, east_sussex, monkeypatch):
    """1.6's monthly one-to-one and quarterly review, planned by the qaf that titled both "Meeting with Director
    of Children's Services — 1.6 Monitoring via ...", are the same obligations (ids, feeds' UIDs) under this qaf,
    retitled at the next tick without waiting for the framework or the organisation to change."""
    from qaf.engine import fingerprint, titles

    with monkeypatch.context() as before:
        before.setattr(fingerprint, "PLANNING_RULES", 3)  # the planning rules of the qaf before
        before.setattr(titles, "apart", lambda row, c: None)
        scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY)
    old = {o.id: o for o in store.obligations(Filters(row="1.6"))}
    assert len({o.title for o in old.values()}) == 1
    result = scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY)
    assert not result.skipped and result.created == 0 and result.updated == len(old) == 16
    now = {o.id: o for o in store.obligations(Filters(row="1.6"))}
    assert set(now) == set(old) and {o.sequence for o in now.values()} == {o.sequence + 1 for o in old.values()}
    assert {o.cadence: o.title.split(" — ")[0] for o in now.values()} == {
        0: "Monthly meeting with Director of Children's Services", 1: "Quarterly meeting with Director of Children's Services"}


def test_1_6s_two_june_meetings_cancelled_before_they_were_told_apart_are_retitled_and_stay_cancelled(store: SqlStore, east_sussex, monkeypatch):
    """1.6's monthly one-to-one and quarterly review with the DCS in June, both called off by the Chief Executive
    under the qaf that titled both "Meeting with Director of Children's Services": her feed showed
    "CANCELLED: Meeting with ..." twice. At the next tick each says which meeting it was, and stays cancelled for
    the reason given, its reminders and escalations as they were: a title told apart never revives work."""
    from qaf.calendars.events import summary
    from qaf.engine import fingerprint, titles

    with monkeypatch.context() as before:
        before.setattr(fingerprint, "PLANNING_RULES", 3)  # the planning rules of the qaf before
        before.setattr(titles, "apart", lambda row, c: None)
        scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY)
    june = [o for o in store.obligations(Filters(row="1.6")) if o.period_end == date(2024, 6, 30)]
    assert len(june) == 2 and len({o.title for o in june}) == 1
    with store.write() as conn:
        conn.execute(update(OBLIGATIONS).where(OBLIGATIONS.c.id.in_([o.id for o in june])).values(
            status="cancelled", status_reason="called off by the Chief Executive", escalated=0, updated_at=datetime.now(timezone.utc)))
    held = {o.id: o for o in store.obligations(Filters(row="1.6")) if o.id in {j.id for j in june}}
    rest = [c for c in OBLIGATIONS.c if c.name not in ("title", "sequence", "updated_at")]
    with store.engine.connect() as conn:
        as_they_were = sorted(conn.execute(select(*rest).where(OBLIGATIONS.c.id.in_(held))).all())
    scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY)
    now = {o.id: o for o in store.obligations(Filters(row="1.6")) if o.id in held}
    assert sorted(o.title.split(" — ")[0] for o in now.values()) == [
        "Monthly meeting with Director of Children's Services", "Quarterly meeting with Director of Children's Services"]
    assert {(o.status, o.status_reason, o.assignee) for o in now.values()} == {("cancelled", "called off by the Chief Executive", "CE1")}
    with store.engine.connect() as conn:
        assert sorted(conn.execute(select(*rest).where(OBLIGATIONS.c.id.in_(held))).all()) == as_they_were, "all else as it was"
    assert {o.sequence for o in now.values()} == {o.sequence + 1 for o in held.values()}, "its events say they changed"
    assert len({summary(o, council()) for o in now.values()}) == 2
    assert scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY, force=True).updated == 0


def staying():
    """The council before Lee Leaver gave notice."""
    return council(people=people_with(SW4={"end": None}))


def test_a_worker_who_leaves_has_her_later_open_obligations_cancelled_with_the_reason(store: SqlStore, east_sussex):
    scheduling.schedule(store, east_sussex, staying(), *YEAR, TODAY)
    assert len(worker_audits(store, "SW4")) == 12
    result = scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY)
    lee = worker_audits(store, "SW4")
    cancelled = [o for o in lee if o.status == "cancelled"]
    assert [o.period_start.month for o in cancelled] == [10, 11, 12, 1, 2, 3]
    assert {o.status_reason for o in cancelled} == {"out of scope: Lee Leaver left on 2024-10-15"}
    assert {o.status for o in lee if o.period_start.month in (4, 5, 6, 7, 8, 9)} == {"open"}
    assert result.cancelled >= 6
    assert all(o.sequence == 1 for o in cancelled)  # calendars see the change


def test_she_comes_back_if_the_leaving_date_is_withdrawn(store: SqlStore, east_sussex):
    scheduling.schedule(store, east_sussex, staying(), *YEAR, TODAY)
    scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY)
    result = scheduling.schedule(store, east_sussex, staying(), *YEAR, TODAY)
    assert result.reopened >= 6
    assert {o.status for o in worker_audits(store, "SW4")} == {"open"}


def test_a_new_line_manager_inherits_open_obligations_but_not_done_ones(store: SqlStore, east_sussex):
    scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY)
    ruth = worker_audits(store, "SW2")
    april = ruth[0]
    mark_done(store, april.id)
    moved = council(people=people_with(SW2={"manager": "PM2", "team": "T2"}))
    result = scheduling.schedule(store, east_sussex, moved, *YEAR, TODAY)
    assert result.reassigned >= 11
    after = {o.id: o for o in worker_audits(store, "SW2")}
    assert set(after) == {o.id for o in ruth}  # same obligations, same ids and UIDs
    assert after[april.id].assignee == "PM1" and after[april.id].status == "done"
    later = [o for o in after.values() if o.id != april.id]
    assert {o.assignee for o in later} == {"PM2"}
    assert all(o.sequence == 1 for o in later)


def test_3_16_when_a_practice_manager_leaves_mid_month_her_workers_audits_that_month_pass_to_the_next(store: SqlStore, east_sussex):
    """"Practice Managers: one case per month for each worker." Pat Practice leaves on 14 June 2024 and
    Nia New starts on the 15th with Pat's workers. June's audits of them are still owed, and are Nia's,
    with the case already chosen kept; before, they were cancelled as "line manager changed". The May
    audit Pat did stays hers (overdue ones pass on too: tests/test_lifecycle.py)."""
    from tests.council import person

    scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY)
    june_before = {o.subject: o for o in store.obligations(Filters(row="3.16")) if o.period_start == date(2024, 6, 1)}
    mark_done(store, next(o.id for o in worker_audits(store, "SW1") if o.period_start == date(2024, 5, 1)))
    nia = person("PM9", "Nia New", "Practice Manager;Team Manager", "T1", "OM1", start=date(2024, 6, 15))
    pats = {p.id for p in council().people if p.manager == "PM1"}
    people = people_with(PM1={"end": date(2024, 6, 14)}, **{w: {"manager": "PM9"} for w in pats}) + (nia,)
    scheduling.schedule(store, east_sussex, council(people=people), *YEAR, TODAY)
    june = {o.subject: o for o in store.obligations(Filters(row="3.16", statuses=None)) if o.period_start == date(2024, 6, 1)}
    for worker in sorted(pats - {"SW3"}):  # Sam Starter starts in July
        assert (june[worker].assignee, june[worker].status) == ("PM9", "open"), worker
        assert june[worker].id == june_before[worker].id and june[worker].case == june_before[worker].case
    assert {june[w].assignee for w in ("SW5", "SW6")} == {"PM2", "PM3"}, "other teams' audits are untouched"
    may = next(o for o in store.obligations(Filters(row="3.16", statuses=None)) if o.period_start == date(2024, 5, 1) and o.subject == "SW1")
    assert (may.assignee, may.status) == ("PM1", "done"), "what Pat did stays hers"


def test_3_14_when_an_operations_manager_leaves_mid_month_the_teams_audits_that_month_pass_to_the_next(store: SqlStore, east_sussex):
    """"One case file for each team per month within their service" (3.14). Olive Ops leaves on
    14 June 2024; Oscar starts on the 17th, managing her Practice Managers. June's audits of
    Hastings and Eastbourne are his."""
    from tests.council import person

    oscar = person("OM9", "Oscar Ops", "Operations Manager", "T1", "H1", start=date(2024, 6, 17))
    people = people_with(OM1={"end": date(2024, 6, 14)}, PM1={"manager": "OM9"}, PM2={"manager": "OM9"}) + (oscar,)
    scheduling.schedule(store, east_sussex, council(people=people), *YEAR, TODAY)
    june = {o.subject: o for o in store.obligations(Filters(row="3.14", kind="audit")) if o.period_start == date(2024, 6, 1)}
    assert {team: o.assignee for team, o in june.items() if team in ("T1", "T2")} == {"T1": "OM9", "T2": "OM9"}


# --- work a trigger created follows the organisation too (issue 13, item 10) ---------------------


def concerns_in_tom_s_april_audit(store: SqlStore, east_sussex) -> list:
    """3.16: "a further two files from the same worker ... the file of concern must be reviewed within
    three months": Pat Practice, Tom's Practice Manager, is given both files and the review."""
    from qaf.engine.outcomes import Recording
    from qaf.usecases import recording

    store.save_framework(east_sussex, (ROOT / "rules" / "frameworks" / "east-sussex-2013.yaml").read_text())
    store.save_org(council())
    scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY)
    audit = next(o for o in worker_audits(store, "SW1") if o.period_start == date(2024, 4, 1))
    made = recording.record(store, Recording(audit.id, "requires_improvement", concerns=True, date=date(2024, 5, 20)), TODAY).created
    assert sorted(o.kind for o in made) == ["follow_up_audit", "follow_up_audit", "review"] and {o.assignee for o in made} == {"PM1"}
    return made


def made_now(store: SqlStore, made) -> list:
    ids = {o.id for o in made}
    return [o for o in store.obligations(Filters(statuses=None)) if o.id in ids]


def test_3_16_a_leaver_s_follow_up_audits_and_review_pass_to_the_new_practice_manager(store: SqlStore, east_sussex):
    made = concerns_in_tom_s_april_audit(store, east_sussex)
    from tests.council import person

    later = date(2024, 7, 1)
    new_pm = person("PM9", "Nia New", "Practice Manager;Team Manager", "T1", "OM1", start=date(2024, 6, 17))
    people = people_with(PM1={"end": date(2024, 6, 28)}, SW1={"manager": "PM9"}, SW2={"manager": "PM9"},
                         SW3={"manager": "PM9"}, SW4={"manager": "PM9"}) + (new_pm,)  # fmt: skip
    result = scheduling.schedule(store, east_sussex, council(people=people), *YEAR, later)
    after = made_now(store, made)
    assert {(o.assignee, o.status) for o in after} == {("PM9", "open")}
    assert all(o.sequence == m.sequence + 1 for o, m in zip(sorted(after, key=lambda o: o.id), sorted(made, key=lambda o: o.id)))
    assert result.reassigned >= 3


def test_3_16_a_new_line_manager_inherits_the_follow_ups_of_her_worker(store: SqlStore, east_sussex):
    made = concerns_in_tom_s_april_audit(store, east_sussex)
    scheduling.schedule(store, east_sussex, council(people=people_with(SW1={"manager": "PM2"})), *YEAR, TODAY)
    assert {o.assignee for o in made_now(store, made)} == {"PM2"}  # Priya Practice, Tom's Practice Manager now
    again = scheduling.schedule(store, east_sussex, council(people=people_with(SW1={"manager": "PM2"})), *YEAR, TODAY)
    assert (again.updated, again.cancelled) == (0, 0)  # once is enough


def test_3_16_follow_ups_nobody_answers_for_any_more_are_cancelled_with_the_reason(store: SqlStore, east_sussex):
    made = concerns_in_tom_s_april_audit(store, east_sussex)
    people = people_with(PM1={"end": date(2024, 6, 28)}, SW1={"manager": "OM1"})  # no Practice Manager over Tom now
    scheduling.schedule(store, east_sussex, council(people=people), *YEAR, date(2024, 7, 1))
    after = made_now(store, made)
    assert {o.status for o in after} == {"cancelled"}
    assert {o.status_reason for o in after} == {"out of scope: nobody holding Practice Manager answers for Tom Fairley any more"}


def test_done_obligations_are_never_touched_even_out_of_scope(store: SqlStore, east_sussex):
    scheduling.schedule(store, east_sussex, staying(), *YEAR, TODAY)
    lee = worker_audits(store, "SW4")
    october = next(o for o in lee if o.period_start.month == 10)
    mark_done(store, october.id)
    scheduling.schedule(store, east_sussex, council(), *YEAR, TODAY)
    kept = next(o for o in worker_audits(store, "SW4") if o.id == october.id)
    assert (kept.status, kept.status_reason, kept.sequence) == ("done", None, 0)


def test_a_closed_case_is_not_sampled(store: SqlStore, east_sussex):
    org = council()
    toms = [c for c in org.cases if c.worker == "SW1"]
    closed = tuple(dataclasses.replace(c, closed=date(2024, 5, 20)) if c.ref == toms[0].ref else c for c in org.cases)
    scheduling.schedule(store, east_sussex, council(cases=closed), *YEAR, date(2025, 4, 1))
    picks = [o.case for o in worker_audits(store, "SW1") if o.period_start >= date(2024, 6, 1)]
    assert picks and toms[0].ref not in picks


def test_cases_are_chosen_as_periods_begin_and_then_never_change(store: SqlStore, east_sussex):
    scheduling.schedule(store, east_sussex, council(), *YEAR, date(2024, 6, 10))
    before = {o.id: o.case for o in worker_audits(store, "SW1")}
    assert sum(1 for c in before.values() if c) == 3  # April, May, June
    scheduling.schedule(store, east_sussex, council(), *YEAR, date(2024, 9, 2))
    after = {o.id: o.case for o in worker_audits(store, "SW1")}
    assert sum(1 for c in after.values() if c) == 6
    assert all(after[i] == c for i, c in before.items() if c)


# --- qaf due ------------------------------------------------------------------------------


QUARTERLY_1_5 = "    frequency: Quarterly\n    purpose: To gain insight of the experience of front-line practitioners"


def amended_1_5(tmp_path: Path, monthly: bool):
    """East Sussex with row 1.5 ("The DCS should have direct experience of front-line practice") amended by the
    council from Quarterly to Monthly, loaded as a user loads it; or as published (``monthly=False``)."""
    text = (ROOT / "rules" / "frameworks" / "east-sussex-2013.yaml").read_text()
    if monthly:
        start = text.index(QUARTERLY_1_5)
        cut = text.index("every: quarter", start)
        text = text[:start] + text[start:cut].replace("Quarterly", "Monthly") + "every: month" + text[cut + len("every: quarter"):]
    path = tmp_path / ("amended" if monthly else "published") / "east-sussex-2013.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    fw, problems = load_framework(path)
    assert fw is not None and not problems, problems
    return fw, text


def dcs_visits(store: SqlStore) -> dict[date, object]:
    return {o.period_start: o for o in store.obligations(Filters(row="1.5"))}


def test_1_5_made_monthly_mid_year_the_dcs_s_visits_follow_the_new_periods(store: SqlStore, tmp_path: Path):
    """Quarterly becomes Monthly in August: October's visit, begun on the 1st as the quarter's was, is now due
    at the month's end; so is the summer's, begun on 1 July: July's now, overdue (not cancelled, so that the
    amendment withdrawn gives it back); the months are added."""
    (published, as_published), (monthly, as_amended) = amended_1_5(tmp_path, False), amended_1_5(tmp_path, True)
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    quarters = dcs_visits(store)
    assert sorted(quarters) == [date(2024, 4, 1), date(2024, 7, 1), date(2024, 10, 1), date(2025, 1, 1)]
    mark_done(store, quarters[date(2024, 4, 1)].id)

    store.save_framework(monthly, as_amended)
    scheduling.schedule(store, monthly, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12))
    visits = dcs_visits(store)
    assert sorted(visits) == [date(2024, 4, 1), date(2024, 7, 1), *(date(y, m, 1) for y, m in
                              [(2024, 8), (2024, 9), (2024, 10), (2024, 11), (2024, 12), (2025, 1), (2025, 2), (2025, 3)])]  # fmt: skip
    october, january = visits[date(2024, 10, 1)], visits[date(2025, 1, 1)]
    assert october.id == quarters[date(2024, 10, 1)].id and (october.period_end, october.due, october.status) == (
        date(2024, 10, 31), date(2024, 10, 31), "open")
    assert (january.period_end, january.due) == (date(2025, 1, 31), date(2025, 1, 31))
    summer = visits[date(2024, 7, 1)]
    assert (summer.id, summer.period_end, summer.due, summer.status) == (quarters[date(2024, 7, 1)].id, date(2024, 7, 31), date(2024, 7, 31), "open")
    august = visits[date(2024, 8, 1)]
    assert august.status == "open" and august.id not in {o.id for o in quarters.values()}
    spring = visits[date(2024, 4, 1)]
    assert (spring.status, spring.period_end) == ("done", date(2024, 6, 30)), "done work keeps the period it was done for"

    store.save_framework(published, as_published)  # the amendment withdrawn in November
    scheduling.schedule(store, published, council(), date(2024, 11, 1), YEAR[1], date(2024, 11, 4))
    visits = dcs_visits(store)
    assert (visits[date(2024, 10, 1)].period_end, visits[date(2024, 10, 1)].due) == (date(2024, 12, 31), date(2024, 12, 31))
    assert (visits[date(2024, 7, 1)].period_end, visits[date(2024, 7, 1)].due, visits[date(2024, 7, 1)].status) == (
        date(2024, 9, 30), date(2024, 9, 30), "open"), "the summer's visit is the quarter's again"
    assert visits[date(2024, 8, 1)].status == "cancelled" and "(now 'Quarterly')" in (visits[date(2024, 8, 1)].status_reason or "")
    assert (visits[date(2025, 1, 1)].period_end, visits[date(2025, 1, 1)].due) == (date(2025, 3, 31), date(2025, 3, 31))
    for month in (date(2024, 11, 1), date(2024, 12, 1), date(2025, 2, 1), date(2025, 3, 1)):
        assert visits[month].status == "cancelled" and "(now 'Quarterly')" in (visits[month].status_reason or "")


def test_more_time_given_stands_when_the_framework_shortens_the_period(store: SqlStore, tmp_path: Path):
    from qaf.usecases import recording

    (published, as_published), (monthly, as_amended) = amended_1_5(tmp_path, False), amended_1_5(tmp_path, True)
    store.save_framework(published, as_published)
    store.save_org(council())
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    autumn = dcs_visits(store)[date(2024, 10, 1)]
    recording.extend(store, autumn.id, date(2025, 1, 7), "CE1", "Ofsted inspection week", date(2024, 8, 12))
    store.save_framework(monthly, as_amended)
    scheduling.schedule(store, monthly, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12))
    october = dcs_visits(store)[date(2024, 10, 1)]
    assert (october.period_end, october.due, october.status) == (date(2024, 10, 31), date(2025, 1, 7), "rescheduled")


@pytest.fixture
def loaded(db_url: str, tmp_path: Path, capsys):
    """The CLI on a store holding East Sussex, the small council and a scheduled year."""
    from qaf.usecases.orgload import load_org  # noqa: F401  (the council is written as CSV, as a user would)

    folder = tmp_path / "council"
    folder.mkdir()
    org = council()
    (folder / "teams.csv").write_text("id,name,service,kind,area\n" + "".join(f"{t.id},{t.name},{t.service},{t.kind},{t.area}\n" for t in org.teams))
    (folder / "people.csv").write_text("id,name,email,roles,team,manager,start,end\n" + "".join(
        f"{p.id},{p.name},{p.email},{';'.join(p.roles)},{p.team or ''},{p.manager or ''},{p.start or ''},{p.end or ''}\n" for p in org.people
    ))  # fmt: skip
    (folder / "cases.csv").write_text("ref,worker,team,opened,closed\n" + "".join(f"{c.ref},{c.worker or ''},{c.team},{c.opened},\n" for c in org.cases))
    assert main(["--db", db_url, "framework", "load", "east-sussex-2013"]) == 0
    assert main(["--db", db_url, "org", "load", str(folder)]) == 0
    assert main(["--db", db_url, "schedule", "--from", "2024-04-01", "--through", "2025-03-31", "--today", "2024-06-10"]) == 0
    capsys.readouterr()
    return db_url


def due(capsys, db_url, *args):
    code = main(["--db", db_url, "due", "--today", "2024-06-10", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_due_json_has_the_spec_keys(loaded, capsys):
    code, out, _ = due(capsys, loaded, "--person", "PM1", "--format", "json", "--to", "2024-05-31")
    records = json.loads(out)
    assert code == 0 and records
    for r in records:
        assert list(r)[: len(KEYS)] == list(KEYS)
        assert r["assignee"] == "PM1" and r["assignee_email"] == "pat.practice@example-council.gov.uk"
        assert r["status"] == "overdue" and r["outcome"] is None and r["cause"] is None
        assert r["uid"] == r["id"] + "@qaf" and r["due"] <= "2024-05-31"


def test_due_filters_by_role_alias_team_and_status(loaded, capsys):
    _, out, _ = due(capsys, loaded, "--role", "OMs", "--team", "T2", "--row", "3.14", "--status", "open", "--format", "json")
    records = json.loads(out)
    assert records and {r["assignee"] for r in records} == {"OM1"} and {r["team"] for r in records} == {"T2"}
    assert {r["status"] for r in records} == {"open"} and min(r["due"] for r in records) >= "2024-06-10"


def test_due_csv_and_table(loaded, capsys):
    _, out, _ = due(capsys, loaded, "--row", "3.16", "--person", "PM2", "--format", "csv", "--to", "2024-06-30")
    lines = out.splitlines()
    assert lines[0].startswith("id,uid,framework,row,cadence,kind,title,assignee,assignee_email,subject,case,team,")
    assert len(lines) == 1 + 3
    _, out, _ = due(capsys, loaded, "--row", "3.16", "--person", "PM2", "--to", "2024-06-30")
    assert out.splitlines()[-1] == "3 obligations: 1 open, 2 overdue"


def test_due_names_an_unknown_person_or_role(loaded, capsys):
    """A person or role nobody has is a mistyped argument: exit 2, as argparse's, naming the option (it was 1)."""
    code, _, err = due(capsys, loaded, "--person", "NOBODY")
    assert code == 2 and err.strip() == "qaf: --person: no person 'NOBODY' in the organisation"
    code, _, err = due(capsys, loaded, "--role", "Wizard")
    assert code == 2 and "qaf: --role: unknown role 'Wizard'" in err


def test_a_filter_naming_what_is_not_there_is_refused_alike_by_every_command(loaded, capsys):
    """'qaf due --row 9.99' exited 2 naming --row, but '--person NOBODY', '--team T99' or '--framework nope' exited 1
    without naming the option, and 'qaf feed', 'qaf report', 'qaf forecast' and 'qaf schedule' did as they pleased.
    A filter naming what is not there is a bad command argument: exit 2, the message led by the option, nothing done.
    'qaf schedule --framework ""' (a variable left empty in a script) scheduled every framework loaded."""
    before = snapshot(SqlStore.open(loaded))
    window = ["--from", "2024-04-01", "--through", "2024-06-30"]
    for command, option, value in [
        (["due"], "--row", "9.99"), (["due"], "--person", "NOBODY"), (["due"], "--role", "Wizard"), (["due"], "--team", "T99"),
        (["due"], "--service", "Nowhere"), (["due"], "--framework", "nope"),
        (["feed"], "--person", "NOBODY"), (["feed"], "--role", "Wizard"), (["feed"], "--team", "T99"), (["feed"], "--service", "Nowhere"),
        (["report", "--month", "2024-04"], "--framework", "nope"),
        (["forecast", *window], "--role", "Wizard"), (["forecast", *window], "--framework", "nope"),
        (["schedule", *window], "--framework", "nope"),
        (["schedule", *window], "--framework", ""), (["forecast", *window], "--framework", ""), (["due"], "--framework", ""),
        (["report", "--month", "2024-04"], "--framework", ""),
    ]:  # fmt: skip
        code = main(["--db", loaded, *command, option, value])
        out, err = capsys.readouterr()
        assert (code, out) == (2, "") and err.startswith(f"qaf: {option}: ") and f"'{value}'" in err, (command, option, err)
    assert snapshot(SqlStore.open(loaded)) == before


def test_due_names_an_unknown_framework_and_a_window_that_ends_before_it_begins(loaded, capsys):
    """'--framework east-sussex' (the year left off) and '--from' after '--to' said "nothing matches", exit 0:
    nothing due, as far as the auditor could tell. An unknown person was refused; so are these now."""
    code, out, err = due(capsys, loaded, "--framework", "east-sussex")  # a mistyped argument: exit 2 (it was 1)
    assert (code, out) == (2, "") and err.strip() == "qaf: --framework: no framework 'east-sussex' (loaded: east-sussex-2013)"
    code, out, err = due(capsys, loaded, "--from", "2024-06-30", "--to", "2024-06-01")
    assert (code, out) == (2, "") and err.strip() == "qaf: --to: 2024-06-01 is before --from 2024-06-30"
    code, out, _ = due(capsys, loaded, "--framework", "east-sussex-2013", "--person", "PM2", "--row", "3.16", "--to", "2024-06-30")
    assert code == 0 and out.splitlines()[-1] == "3 obligations: 1 open, 2 overdue"


def test_bad_dates_and_statuses_are_refused(loaded, capsys):
    for args in (["--from", "2024-13-01"], ["--status", "finished"], ["--to", "2024W49"], ["--to", "20241231"]):
        with pytest.raises(SystemExit) as exc:
            due(capsys, loaded, *args)
        assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "not a date: '2024-13-01' (expected YYYY-MM-DD)" in err and "unknown status 'finished'" in err
    assert "not a date: '2024W49' (expected YYYY-MM-DD)" in err and "not a date: '20241231'" in err  # Python reads both


def test_work_back_in_scope_keeps_the_more_time_it_was_given(store: SqlStore, east_sussex):
    """Ruth Steady's May audit was given until 7 June; HR's list said she left on 20 May (the audit cancelled),
    then took it back: the audit is hers again with the extension it had, not due on 31 May again."""
    from qaf.usecases import recording

    store.save_framework(east_sussex, (ROOT / "rules" / "frameworks" / "east-sussex-2013.yaml").read_text())
    store.save_org(council())
    scheduling.schedule(store, east_sussex, council(), *YEAR, date(2024, 5, 2))
    [may] = [o for o in worker_audits(store, "SW2") if o.period_start == date(2024, 5, 1)]
    recording.extend(store, may.id, date(2024, 6, 7), "OM1", "Ofsted inspection week", date(2024, 5, 20))
    gone = council(people=people_with(SW2={"end": date(2024, 5, 20)}))
    store.save_org(gone)
    scheduling.schedule(store, east_sussex, gone, *YEAR, date(2024, 5, 21))
    assert {o.id: o for o in store.obligations(Filters(statuses=None))}[may.id].status == "cancelled"
    store.save_org(council())
    scheduling.schedule(store, east_sussex, council(), *YEAR, date(2024, 5, 22))
    back = {o.id: o for o in store.obligations(Filters(statuses=None))}[may.id]
    assert (back.status, back.due, back.assignee) == ("rescheduled", date(2024, 6, 7), "PM1")
    scheduling.schedule(store, east_sussex, council(), *YEAR, date(2024, 5, 23), force=True)  # and it stays so
    again = {o.id: o for o in store.obligations(Filters(statuses=None))}[may.id]
    assert (again.status, again.due) == ("rescheduled", date(2024, 6, 7))


# --- a cadence or a row struck out of the framework -------------------------------------------------

MONTHLY_1_6 = '''      - kind: meeting
        every: month
        with: [Director of Children's Services]
        note: "Monthly monitoring: one-to-one meeting with the DCS."
'''


def amended(tmp_path: Path, name: str, change) -> tuple:
    """East Sussex as the council amends it (``change`` rewrites the text), loaded as a user loads it."""
    text = change((ROOT / "rules" / "frameworks" / "east-sussex-2013.yaml").read_text())
    path = tmp_path / name / "east-sussex-2013.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    fw, problems = load_framework(path)
    assert fw is not None and not problems, problems
    return fw, text


def without_monthly_1_6(text: str) -> str:
    assert MONTHLY_1_6 in text
    return text.replace(MONTHLY_1_6, "").replace("frequency: Monthly monitoring Quarterly review", "frequency: Quarterly review")


def without_row(row: str, following: str):
    return lambda text: text[: text.index(f'  - id: "{row}"')] + text[text.index(f'  - id: "{following}"') :]


def by_row(store: SqlStore, row: str) -> dict[tuple[int, date], object]:
    """A row's work, whatever its status, by (cadence, period start)."""
    return {(o.cadence, o.period_start): o for o in store.obligations(Filters(row=row, statuses=None))}


def chief_executive_s(store: SqlStore) -> dict[tuple[int, date], object]:
    """Row 1.6's meetings by (cadence, period start): the monthly one-to-one (0) and the quarterly review (1)."""
    return by_row(store, "1.6")


def test_1_6_s_monthly_meetings_struck_out_the_quarterly_reviews_stand_once_each(store: SqlStore, tmp_path: Path):
    """"Monthly monitoring Quarterly review" becomes "Quarterly review" in August: the monthly one-to-ones are
    cancelled saying why; each quarter keeps its one review, the one held stays held, none is scheduled twice."""
    (published, as_published), (amendment, as_amended) = amended(tmp_path, "published", str), amended(tmp_path, "amended", without_monthly_1_6)
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    before = chief_executive_s(store)
    mark_done(store, before[(1, date(2024, 4, 1))].id)  # the spring review was held
    mark_done(store, before[(0, date(2024, 7, 1))].id)  # and July's one-to-one

    store.save_framework(amendment, as_amended)
    scheduling.schedule(store, amendment, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12))
    after = chief_executive_s(store)
    assert set(after) == set(before), "nothing new: the quarterly review keeps its number, and so its work"
    reviews = {start: o for (cadence, start), o in after.items() if cadence == 1}
    assert [(o.period_start, o.period_end, o.status) for o in reviews.values()] == [
        (date(2024, 4, 1), date(2024, 6, 30), "done"), (date(2024, 7, 1), date(2024, 9, 30), "open"),
        (date(2024, 10, 1), date(2024, 12, 31), "open"), (date(2025, 1, 1), date(2025, 3, 31), "open")]  # fmt: skip
    assert all(o.id == before[(1, start)].id for start, o in reviews.items())
    monthly = {start: o for (cadence, start), o in after.items() if cadence == 0}
    assert monthly[date(2024, 7, 1)].status == "done", "done work stays done"
    for start in (date(2024, 8, 1), date(2024, 9, 1), date(2025, 3, 1)):
        assert (monthly[start].status, monthly[start].status_reason, monthly[start].period_end) == (
            "cancelled", "out of scope: the framework no longer asks for this: row 1.6 is now 'Quarterly review'",
            before[(0, start)].period_end)  # fmt: skip
    live = [o for o in store.obligations(Filters(row="1.6")) if o.period_start <= date(2024, 9, 30) <= o.period_end and o.status == "open"]
    assert [o.cadence for o in live] == [1], "one meeting under way: the summer review"

    store.save_framework(published, as_published)  # the amendment withdrawn in November
    result = scheduling.schedule(store, published, council(), date(2024, 11, 1), YEAR[1], date(2024, 11, 4))
    back = chief_executive_s(store)
    assert set(back) == set(before) and result.created == 0, "the monthly one-to-ones are back under their old number"
    assert [back[(0, date(y, m, 1))].status for y, m in [(2024, 11), (2024, 12), (2025, 1), (2025, 2), (2025, 3)]] == ["open"] * 5
    assert back[(0, date(2024, 8, 1))].status == "cancelled", "months gone by stay as they were"


def test_a_cadence_added_in_front_leaves_the_others_their_work(store: SqlStore, tmp_path: Path):
    """The council puts a new first cadence on row 1.6 (a yearly meeting with the Lead Member): the monthly
    one-to-ones and quarterly reviews keep their work, done or not; the new meetings are added beside them."""
    lead_member = MONTHLY_1_6.replace("every: month", "every: year").replace("Director of Children's Services", "Lead Member").replace(
        "Monthly monitoring: one-to-one meeting with the DCS.", "A yearly meeting with the Lead Member.")  # fmt: skip
    (published, as_published), (amendment, as_amended) = amended(tmp_path, "published", str), amended(
        tmp_path, "amended", lambda text: text.replace(MONTHLY_1_6, lead_member + MONTHLY_1_6))  # fmt: skip
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    before = chief_executive_s(store)
    mark_done(store, before[(1, date(2024, 4, 1))].id)
    store.save_framework(amendment, as_amended)
    result = scheduling.schedule(store, amendment, council(), *YEAR, date(2024, 8, 12))
    after = chief_executive_s(store)
    assert {k: o.id for k, o in after.items() if k in before} == {k: o.id for k, o in before.items()}
    assert all(after[k].status != "cancelled" for k in before)
    assert sorted(k for k in after if k not in before) == [(2, date(2024, 4, 1))], "the new cadence takes a number never used"
    assert result.cancelled == 0


def test_a_row_struck_out_leaves_no_work_behind_and_comes_back_with_it(store: SqlStore, tmp_path: Path):
    """Row 1.8 (the Chief Executive's annual focus group) struck out: its work is cancelled saying why, not
    left open to be chased; put back, the same work is open again."""
    (published, as_published), (amendment, as_amended) = amended(tmp_path, "published", str), amended(tmp_path, "amended", without_row("1.8", "1.9"))
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    (focus_group,) = store.obligations(Filters(row="1.8"))
    assert focus_group.status == "open"
    store.save_framework(amendment, as_amended)
    scheduling.schedule(store, amendment, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12))
    (gone,) = store.obligations(Filters(row="1.8", statuses=None))
    assert (gone.id, gone.status, gone.status_reason) == (focus_group.id, "cancelled", "out of scope: row 1.8 is no longer in the framework")
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 19))
    (back,) = store.obligations(Filters(row="1.8", statuses=None))
    assert (back.id, back.status) == (focus_group.id, "open")


def test_a_framework_stored_before_cadences_kept_their_numbers_is_numbered_by_place(store: SqlStore, tmp_path: Path):
    """A store upgraded to migration 0011 holds no numbers yet (NULL): its cadences were numbered by place,
    and the first amendment starts from there."""
    from qaf.store.tables import FRAMEWORKS

    (published, as_published), (amendment, as_amended) = amended(tmp_path, "published", str), amended(tmp_path, "amended", without_monthly_1_6)
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    with store.write() as conn:
        conn.execute(update(FRAMEWORKS).values(cadences=None))
    before = chief_executive_s(store)
    store.save_framework(amendment, as_amended)
    scheduling.schedule(store, amendment, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12))
    after = chief_executive_s(store)
    assert set(after) == set(before)
    assert after[(1, date(2024, 10, 1))].status == "open" and after[(0, date(2024, 10, 1))].status == "cancelled"


def test_loading_an_amendment_says_what_it_struck_out(db_url: str, tmp_path: Path, capsys):
    amended(tmp_path, "amended", lambda text: without_row("1.8", "1.9")(without_monthly_1_6(text)).replace("  - {after: 5, to: line_manager}\n", ""))
    assert main(["--db", db_url, "framework", "load", "east-sussex-2013"]) == 0
    assert "struck out" not in capsys.readouterr().out
    assert main(["--db", db_url, "framework", "load", str(tmp_path / "amended" / "east-sussex-2013.yaml")]) == 0
    out = capsys.readouterr().out
    assert ("struck out: row 1.6: the meeting every month; row 1.8; the escalation rung: line manager after 5 working days. "
            "The next schedule or tick cancels the open work of a row or cadence struck out") in out, out  # fmt: skip
    assert main(["--db", db_url, "framework", "load", "east-sussex-2013"]) == 0  # put back: nothing struck out
    assert "struck out" not in capsys.readouterr().out


# --- a case's event with its date corrected -----------------------------------------------------------


def closure_audits(store: SqlStore, closed: date, today: date):
    """A council's row "audit before a case is closed" (within 10 working days of it), Tom Fairley's case
    CS-000004 closing on ``closed``, scheduled June to August on ``today``; the row's obligations."""
    from tests.test_schedule_kinds import HEAD, framework, row

    rows = row("{kind: audit, on: case_closing, due_within: 10 working days}")
    fw = framework(rows)
    org = council()
    org = council(cases=tuple(c if c.ref != "CS-000004" else dataclasses.replace(c, closed=closed) for c in org.cases))
    store.save_framework(fw, HEAD + rows)
    store.save_org(org)
    scheduling.schedule(store, fw, org, date(2024, 6, 1), date(2024, 8, 31), today)
    return sorted(store.obligations(Filters(row="1", statuses=None)), key=lambda o: o.period_start)


def test_a_closure_put_back_a_few_days_moves_its_audit_and_one_done_is_not_asked_again(store: SqlStore):
    (audit,) = closure_audits(store, date(2024, 6, 28), date(2024, 6, 20))
    assert (audit.due, audit.status) == (date(2024, 6, 28), "open")
    (moved,) = closure_audits(store, date(2024, 7, 3), date(2024, 6, 24))
    assert (moved.id, moved.due, moved.status) == (audit.id, date(2024, 7, 3), "open"), "the same audit, due with the closure"
    mark_done(store, audit.id)
    (done,) = closure_audits(store, date(2024, 7, 10), date(2024, 6, 26))
    assert (done.id, done.status) == (audit.id, "done"), "done for this closure: not asked for again when its date moves"


def test_a_case_closed_again_months_later_has_its_own_closure_audit(store: SqlStore):
    (first,) = closure_audits(store, date(2024, 6, 28), date(2024, 6, 20))
    mark_done(store, first.id)
    done, again = closure_audits(store, date(2024, 8, 30), date(2024, 8, 5))  # reopened in July, closing again
    assert (done.id, done.status) == (first.id, "done")
    assert (again.due, again.status) == (date(2024, 8, 30), "open")


# --- a case's anniversary: "6 months after the case is opened, then every year" -----------------------------


def case_reviews(store: SqlStore, cadence: str, case, today: date, window=(date(2024, 4, 1), date(2027, 3, 31))):
    """A council's row of reviews from Tom Fairley's case CS-000004 (``case`` changes it), scheduled over ``window``
    on ``today`` (planned again in full, though nothing the plan's fingerprint holds changed); the case's
    obligations by period."""
    from tests.test_schedule_kinds import HEAD, framework, row

    rows = row(cadence)
    fw = framework(rows)
    org = council()
    org = council(cases=tuple(c if c.ref != "CS-000004" else dataclasses.replace(c, **case) for c in org.cases))
    store.save_framework(fw, HEAD + rows)
    store.save_org(org)
    scheduling.schedule(store, fw, org, *window, today, force=True)
    return sorted((o for o in store.obligations(Filters(row="1", statuses=None)) if o.case == "CS-000004"), key=lambda o: o.period_start)


YEARLY = "{kind: review, anniversary: {date: opened, first: 6 months, then: year}}"


def test_a_case_closed_has_its_later_anniversary_reviews_cancelled_saying_it_closed(store: SqlStore):
    """Opened 9 January 2024: reviews due July 2024, 2025 and 2026. The case closes on 28 January 2026: the
    2026 review is cancelled, "case CS-000004 closed on 2026-01-28"; the two before it stand."""
    reviews = case_reviews(store, YEARLY, {"opened": date(2024, 1, 9)}, date(2024, 4, 1))
    assert [(o.due, o.status) for o in reviews] == [(date(2024, 7, 9), "open"), (date(2025, 7, 9), "open"), (date(2026, 7, 9), "open")]
    closed = case_reviews(store, YEARLY, {"opened": date(2024, 1, 9), "closed": date(2026, 1, 28)}, date(2026, 1, 29))
    assert [(o.id, o.due, o.status, o.status_reason) for o in closed] == [
        (reviews[0].id, date(2024, 7, 9), "open", None), (reviews[1].id, date(2025, 7, 9), "open", None),
        (reviews[2].id, date(2026, 7, 9), "cancelled", "out of scope: case CS-000004 closed on 2026-01-28"),
    ]  # fmt: skip


def test_a_monthly_review_done_does_not_stand_for_the_next_months(store: SqlStore):
    """"A month after the case is opened, then monthly": one done in June is June's; July's is still asked for."""
    monthly = "{kind: review, anniversary: {date: opened, first: 1 month, then: month}}"
    window = (date(2024, 6, 1), date(2024, 9, 30))
    reviews = case_reviews(store, monthly, {"opened": date(2024, 5, 10)}, date(2024, 6, 1), window)
    assert [o.due for o in reviews] == [date(2024, 6, 10), date(2024, 7, 10), date(2024, 8, 9), date(2024, 9, 10)]
    mark_done(store, reviews[0].id)
    again = case_reviews(store, monthly, {"opened": date(2024, 5, 10)}, date(2024, 6, 12), window)
    assert [(o.id, o.status) for o in again] == [(o.id, "done" if o is reviews[0] else "open") for o in reviews]


def test_a_cases_opening_date_corrected_moves_its_reviews_and_one_done_is_not_asked_again(store: SqlStore):
    """Opened 9 January 2024, corrected to 12 January: the reviews are the same work, due 12 July each year;
    the 2024 review, done, is not asked for again."""
    reviews = case_reviews(store, YEARLY, {"opened": date(2024, 1, 9)}, date(2024, 4, 1))
    mark_done(store, reviews[0].id)
    moved = case_reviews(store, YEARLY, {"opened": date(2024, 1, 12)}, date(2024, 8, 1))
    assert [(o.id, o.status) for o in moved] == [(o.id, "done" if o is reviews[0] else "open") for o in reviews]
    assert [o.due for o in moved] == [date(2024, 7, 9), date(2025, 7, 11), date(2026, 7, 10)]



LEAD_MEMBER_1_6 = '''  - id: "1.6"
    section: Key Chief Executive and Elected Member Responsibilities
    role: Chief Executive
    task: Monthly meeting with the Lead Member on the quality of services
    frequency: Monthly
    purpose: To keep the Lead Member informed of the quality of services
    by: [Chief Executive]
    cadences:
      - kind: meeting
        every: month
        with: [Lead Member]
        note: "Monthly meeting with the Lead Member."

'''


def numbered_on(first: int, last: int, by: int):
    """Rows 1.``first`` to 1.``last`` numbered on (``by`` 1) or back (-1), as a council does around a row put in or taken out."""

    def change(text: str) -> str:
        for n in sorted(range(first, last + 1), reverse=by > 0):
            text = text.replace(f'  - id: "1.{n}"\n', f'  - id: "1.{n + by}"\n')
        return text

    return change


def with_a_row_put_in(text: str) -> str:
    """A new row 1.6 (the Chief Executive's monthly meeting with the Lead Member), and 1.6 to 1.13 numbered on."""
    text = numbered_on(6, 13, 1)(text)
    at = text.index('  - id: "1.7"\n')
    return text[:at] + LEAD_MEMBER_1_6 + text[at:]


def test_a_row_put_in_and_the_rest_numbered_on_each_row_keeps_its_work(store: SqlStore, tmp_path: Path):
    """The council puts in a new row 1.6 (the Chief Executive's monthly meeting with the Lead Member) and
    numbers the rest on: 1.6 ("Monitoring via one-to-one meetings with the DCS") is 1.7, 1.7 is 1.8, and so
    on. Each row keeps its work under its new number: the one-to-one held in July stays held, the same
    obligation, and is not taken for a meeting of the new row, whose meetings from August are all to do;
    nothing is cancelled and nothing is scheduled twice."""
    (published, as_published), (amendment, as_amended) = amended(tmp_path, "published", str), amended(tmp_path, "amended", with_a_row_put_in)
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    before = {row: by_row(store, f"1.{row}") for row in range(6, 14)}
    one_to_one = before[6][(0, date(2024, 7, 1))]
    mark_done(store, one_to_one.id)

    change = store.save_framework(amendment, as_amended)
    assert change.renumbered == tuple((f"1.{n}", f"1.{n + 1}") for n in range(6, 14))
    result = scheduling.schedule(store, amendment, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12))
    assert result.cancelled == 0, "nothing the council still asks for is cancelled"
    for row in range(6, 14):
        after = by_row(store, f"1.{row + 1}")
        assert {k: o.id for k, o in after.items()} == {k: o.id for k, o in before[row].items()}, f"1.{row} is 1.{row + 1}: the same work"
    held = by_row(store, "1.7")[(0, date(2024, 7, 1))]
    assert (held.id, held.status, held.row) == (one_to_one.id, "done", "1.7")
    assert " — 1.7 Monitoring via one-to-one meetings" in held.title, "done work's title names its row's new number"
    new = by_row(store, "1.6")
    assert {o.id for o in new.values()}.isdisjoint(o.id for o in before[6].values()), "the new row's meetings are new work"
    assert new[(0, date(2024, 8, 1))].status == "open" and "Lead Member" in new[(0, date(2024, 8, 1))].title
    assert result.created == len([o for o in new.values() if o.status == "open"]) == 8, "a meeting a month from August"
    assert scheduling.schedule(store, amendment, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12)).created == 0


def test_the_renumbering_withdrawn_gives_each_row_its_number_and_cancels_the_row_put_in(store: SqlStore, tmp_path: Path):
    """The new row 1.6 withdrawn in November, the old numbers back: each row's work is back under its own
    number, and the Lead Member meetings are cancelled saying why, under the number they had, marked struck
    out (1.6 is the one-to-ones' number again)."""
    (published, as_published), (amendment, as_amended) = amended(tmp_path, "published", str), amended(tmp_path, "amended", with_a_row_put_in)
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    before = {o.id: o.row for o in store.obligations(Filters(statuses=None))}
    store.save_framework(amendment, as_amended)
    scheduling.schedule(store, amendment, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12))
    lead_member = by_row(store, "1.6")

    change = store.save_framework(published, as_published)
    assert change.renumbered == tuple((f"1.{n + 1}", f"1.{n}") for n in range(6, 14)) and change.replaced == ()
    assert change.struck == ("row 1.6 as the version before had it",), "the Lead Member's row, whose number is the one-to-ones' again"
    result = scheduling.schedule(store, published, council(), date(2024, 11, 1), YEAR[1], date(2024, 11, 4))
    assert {o.id: o.row for o in store.obligations(Filters(statuses=None)) if o.id in before} == before
    withdrawn = by_row(store, "1.6 (struck out)")
    assert {o.id for o in withdrawn.values()} == {o.id for o in lead_member.values()}
    assert {(o.status, o.status_reason) for k, o in withdrawn.items() if k[1] >= date(2024, 11, 1)} == {
        ("cancelled", "out of scope: row 1.6 (struck out) is no longer in the framework")}  # fmt: skip
    assert result.created == 0


def test_a_row_taken_out_and_the_rest_numbered_back(store: SqlStore, tmp_path: Path):
    """Row 1.8 (the annual focus group) taken out, 1.9 to 1.13 numbered back: the focus group is cancelled
    saying why, and the Elected Members' quarterly performance monitoring, 1.9 now 1.8, keeps its work; it
    is not the focus group's."""
    take_out = lambda text: numbered_on(9, 13, -1)(without_row("1.8", "1.9")(text))  # noqa: E731
    (published, as_published), (amendment, as_amended) = amended(tmp_path, "published", str), amended(tmp_path, "amended", take_out)
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    (focus_group,) = store.obligations(Filters(row="1.8"))
    members = by_row(store, "1.9")
    change = store.save_framework(amendment, as_amended)
    assert change.renumbered == tuple((f"1.{n}", f"1.{n - 1}") for n in range(9, 14))
    assert change.struck == ("row 1.8 as the version before had it",) and change.replaced == ()
    scheduling.schedule(store, amendment, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12))
    assert {k: o.id for k, o in by_row(store, "1.8").items()} == {k: o.id for k, o in members.items()}
    (gone,) = store.obligations(Filters(row="1.8 (struck out)", statuses=None))
    assert (gone.id, gone.status, gone.status_reason) == (focus_group.id, "cancelled", "out of scope: row 1.8 (struck out) is no longer in the framework")


def test_a_store_that_kept_no_rows_words_follows_a_renumbered_row_all_the_same(store: SqlStore, tmp_path: Path):
    """A framework loaded before qaf followed renumbered rows (its numbers stored without each row's words,
    or none stored at all) is compared with the version it holds."""
    from qaf.store.tables import FRAMEWORKS

    (published, as_published), (amendment, as_amended) = amended(tmp_path, "published", str), amended(tmp_path, "amended", with_a_row_put_in)
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    one_to_ones = {k: o.id for k, o in by_row(store, "1.6").items()}
    for stored_before in ("no words", "nothing"):
        with store.write() as conn:
            old = json.loads(conn.execute(FRAMEWORKS.select()).one().cadences)
            for entry in old["rows"].values():
                entry.pop("words"), entry.pop("task"), entry.pop("in")
            conn.execute(update(FRAMEWORKS).values(cadences=json.dumps(old) if stored_before == "no words" else None))
        assert store.save_framework(amendment, as_amended).renumbered[0] == ("1.6", "1.7"), stored_before
        scheduling.schedule(store, amendment, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12))
        assert {k: o.id for k, o in by_row(store, "1.7").items()} == one_to_ones, stored_before
        store.save_framework(published, as_published)
        scheduling.schedule(store, published, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12))
        assert {k: o.id for k, o in by_row(store, "1.6").items()} == one_to_ones, stored_before


def test_loading_a_renumbered_framework_says_which_rows_keep_their_work(db_url: str, tmp_path: Path, capsys):
    amended(tmp_path, "amended", with_a_row_put_in)
    assert main(["--db", db_url, "framework", "load", "east-sussex-2013"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "framework", "load", str(tmp_path / "amended" / "east-sussex-2013.yaml")]) == 0
    out = capsys.readouterr().out
    assert ("renumbered: row 1.6 is now row 1.7; row 1.7 is now row 1.8; row 1.8 is now row 1.9; row 1.9 is now row 1.10; "
            "row 1.10 is now row 1.11; row 1.11 is now row 1.12; row 1.12 is now row 1.13; row 1.13 is now row 1.14. Each keeps "
            "its work (qaf follows a row by its role and task, or by the number the file says it was): done work stays done") in out, out  # fmt: skip
    assert "struck out" not in out, "the row put in takes nothing away"
    assert main(["--db", db_url, "framework", "load", str(tmp_path / "amended" / "east-sussex-2013.yaml")]) == 0
    assert "renumbered" not in capsys.readouterr().out, "loaded again: nothing moves"


def test_a_row_renumbered_and_amended_at_once_keeps_the_work_it_still_asks_for(store: SqlStore, tmp_path: Path):
    """The new row 1.6 put in and, in the same amendment, the one-to-ones' "Monthly monitoring" struck out
    of what is now 1.7: the same role and task, so the same row; its quarterly reviews keep their work,
    its monthly meetings from then on are cancelled saying why, and no Lead Member meeting is either."""
    change = lambda text: with_a_row_put_in(without_monthly_1_6(text))  # noqa: E731
    (published, as_published), (amendment, as_amended) = amended(tmp_path, "published", str), amended(tmp_path, "amended", change)
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    before = by_row(store, "1.6")
    change = store.save_framework(amendment, as_amended)
    assert change.renumbered[0] == ("1.6", "1.7") and change.struck == ("row 1.6 (now 1.7): the meeting every month",)
    scheduling.schedule(store, amendment, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12))
    after = by_row(store, "1.7")
    assert {k: o.id for k, o in after.items()} == {k: o.id for k, o in before.items()}
    assert {o.status for k, o in after.items() if k[0] == 1} == {"open"}, "the quarterly reviews stand"
    assert {o.status_reason for k, o in after.items() if k[0] == 0 and k[1] >= date(2024, 8, 1)} == {
        "out of scope: the framework no longer asks for this: row 1.7 is now 'Quarterly review'"}  # fmt: skip
    assert {o.status for o in by_row(store, "1.6").values()} == {"open"}, "the Lead Member meetings are the new row's own"


def test_a_row_taken_out_with_the_rest_numbered_back_and_then_put_back_has_its_work_again(store: SqlStore, tmp_path: Path):
    """The taking out of 1.8 withdrawn: the focus group is row 1.8 again, the same work, open again; the
    Elected Members' monitoring is 1.9 again."""
    take_out = lambda text: numbered_on(9, 13, -1)(without_row("1.8", "1.9")(text))  # noqa: E731
    (published, as_published), (amendment, as_amended) = amended(tmp_path, "published", str), amended(tmp_path, "amended", take_out)
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    (focus_group,) = store.obligations(Filters(row="1.8"))
    members = {k: o.id for k, o in by_row(store, "1.9").items()}
    store.save_framework(amendment, as_amended)
    scheduling.schedule(store, amendment, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12))
    change = store.save_framework(published, as_published)
    assert change.renumbered == (("1.8 (struck out)", "1.8"), *((f"1.{n - 1}", f"1.{n}") for n in range(9, 14))), change.renumbered
    result = scheduling.schedule(store, published, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 19))
    (back,) = store.obligations(Filters(row="1.8", statuses=None))
    assert (back.id, back.status, result.created) == (focus_group.id, "open", 0)
    assert {k: o.id for k, o in by_row(store, "1.9").items()} == members


def test_two_rows_that_swap_numbers_each_keep_their_own_work(store: SqlStore, tmp_path: Path):
    """1.6 (the one-to-ones) and 1.7 (the six-monthly meeting) swap numbers: each keeps its work under the other's."""
    swap = lambda text: text.replace('  - id: "1.6"\n', '  - id: "x"\n').replace('  - id: "1.7"\n', '  - id: "1.6"\n').replace('  - id: "x"\n', '  - id: "1.7"\n')  # noqa: E731
    (published, as_published), (amendment, as_amended) = amended(tmp_path, "published", str), amended(tmp_path, "amended", swap)
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    one_to_ones, six_monthly = ({k: o.id for k, o in by_row(store, row).items()} for row in ("1.6", "1.7"))
    assert store.save_framework(amendment, as_amended).renumbered == (("1.7", "1.6"), ("1.6", "1.7"))
    result = scheduling.schedule(store, amendment, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12))
    assert ({k: o.id for k, o in by_row(store, "1.7").items()}, {k: o.id for k, o in by_row(store, "1.6").items()}) == (one_to_ones, six_monthly)
    assert (result.created, result.cancelled) == (0, 0)


def test_a_row_renumbered_and_reworded_at_once_keeps_its_work_when_the_file_says_what_it_was(store: SqlStore, tmp_path: Path):
    """The row put in, and 1.6's task reworded in the same amendment ("Monitoring through monthly one-to-one
    meetings with the DCS ..."): its words match no row of the version before, so the file says
    ``was: "1.6"``; its work goes with it. Loaded again, the file moves nothing."""
    reworded = lambda text: with_a_row_put_in(text).replace(  # noqa: E731
        '  - id: "1.7"\n', '  - id: "1.7"\n    was: "1.6"\n').replace(
        "task: Monitoring via one-to-one meetings with the DCS", "task: Monitoring through monthly one-to-one meetings with the DCS")  # fmt: skip
    (published, as_published), (amendment, as_amended) = amended(tmp_path, "published", str), amended(tmp_path, "amended", reworded)
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    one_to_ones = {k: o.id for k, o in by_row(store, "1.6").items()}
    assert store.save_framework(amendment, as_amended).renumbered[:2] == (("1.6", "1.7"), ("1.7", "1.8"))
    result = scheduling.schedule(store, amendment, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12))
    assert {k: o.id for k, o in by_row(store, "1.7").items()} == one_to_ones and result.cancelled == 0
    assert store.save_framework(amendment, as_amended + "\n# a comment\n").renumbered == ()


# --- a row replaced under its own number --------------------------------------------------------------

def replaced_1_6(was: str = ""):
    """Row 1.6 (the Chief Executive's one-to-ones with the DCS) replaced, under its own number, by the monthly
    meeting with the Lead Member; ``was`` written on it if given."""
    def change(text: str) -> str:
        start, end = text.index('  - id: "1.6"\n'), text.index('  - id: "1.7"\n')
        row = LEAD_MEMBER_1_6 if not was else LEAD_MEMBER_1_6.replace('  - id: "1.6"\n', f'  - id: "1.6"\n    was: {was}\n')
        return text[:start] + row + text[end:]
    return change


def reworded_1_6(was: str = ""):
    """Row 1.6 reworded where it stands: the same one-to-ones and reviews, said another way."""
    def change(text: str) -> str:
        text = text.replace("task: Monitoring via one-to-one meetings with the DCS and quarterly performance reviews",
                            "task: Monitoring through a one-to-one meeting with the DCS each month, and a quarterly performance review")  # fmt: skip
        return text.replace('  - id: "1.6"\n', f'  - id: "1.6"\n    was: {was}\n') if was else text
    return change


def june_one_to_one_held(store: SqlStore, published, as_published) -> object:
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    june = by_row(store, "1.6")[(0, date(2024, 6, 1))]
    mark_done(store, june.id)
    return june


def test_a_row_replaced_under_its_number_is_new_work_and_the_row_it_replaced_is_struck_out(store: SqlStore, tmp_path: Path):
    """In June the council replaces row 1.6: the Chief Executive meets the Lead Member monthly instead of the
    DCS. June's one-to-one with the DCS was held; that is not June's meeting with the Lead Member, which is
    still to be held. The one-to-ones and reviews still to come are cancelled saying why; the one held stays
    done, under the number it had, marked struck out."""
    (published, as_published), (amendment, as_amended) = amended(tmp_path, "published", str), amended(tmp_path, "amended", replaced_1_6())
    held = june_one_to_one_held(store, published, as_published)
    dcs = by_row(store, "1.6")
    change = store.save_framework(amendment, as_amended)
    assert (change.replaced, change.renumbered, change.struck) == (("1.6",), (), ("row 1.6 as the version before had it",))
    result = scheduling.schedule(store, amendment, council(), date(2024, 6, 1), YEAR[1], date(2024, 6, 12))
    lead_member = by_row(store, "1.6")
    assert {o.id for o in lead_member.values()}.isdisjoint(o.id for o in dcs.values()), "the Lead Member's meetings are new work"
    june = lead_member[(0, date(2024, 6, 1))]
    assert (june.status, june.attendees) == ("open", ("LM1",)) and "Lead Member" in june.title
    struck_out = by_row(store, "1.6 (struck out)")
    assert {o.id for o in struck_out.values()} == {o.id for o in dcs.values()}, "the one-to-ones keep their ids"
    assert struck_out[(0, date(2024, 6, 1))].id == held.id and struck_out[(0, date(2024, 6, 1))].status == "done"
    assert {(o.status, o.status_reason) for k, o in struck_out.items() if k[1] >= date(2024, 7, 1)} == {
        ("cancelled", "out of scope: row 1.6 (struck out) is no longer in the framework")}  # fmt: skip
    assert result.created == len(lead_member) == 10, "a meeting a month from June"
    assert store.save_framework(amendment, as_amended + "\n# a comment\n").replaced == (), "loaded again: nothing is new"
    assert scheduling.schedule(store, amendment, council(), date(2024, 6, 1), YEAR[1], date(2024, 6, 12)).created == 0


def test_the_replacement_withdrawn_gives_the_one_to_ones_back_their_work(store: SqlStore, tmp_path: Path):
    (published, as_published), (amendment, as_amended) = amended(tmp_path, "published", str), amended(tmp_path, "amended", replaced_1_6())
    held = june_one_to_one_held(store, published, as_published)
    dcs = {k: o.id for k, o in by_row(store, "1.6").items()}
    store.save_framework(amendment, as_amended)
    scheduling.schedule(store, amendment, council(), date(2024, 6, 1), YEAR[1], date(2024, 6, 12))
    lead_member = {o.id for o in by_row(store, "1.6").values()}
    change = store.save_framework(published, as_published)
    assert change.renumbered == (("1.6 (struck out)", "1.6"),) and change.replaced == ()
    scheduling.schedule(store, published, council(), date(2024, 6, 1), YEAR[1], date(2024, 6, 20))
    back = by_row(store, "1.6")
    assert {k: o.id for k, o in back.items()} == dcs and back[(0, date(2024, 6, 1))].status == "done"
    assert {o.status for k, o in back.items() if k[1] >= date(2024, 7, 1)} == {"open"}, "the one-to-ones to come are open again"
    assert {o.id for o in by_row(store, "1.6 (struck out 2)").values()} == lead_member
    assert held.id in {o.id for o in store.obligations(Filters(row="1.6", statuses=frozenset({"done"})))}


def test_a_row_reworded_where_it_stands_is_the_same_row(store: SqlStore, tmp_path: Path):
    """Most of its words the same ("a one-to-one meeting with the DCS each month"): the one-to-one held in June stands."""
    (published, as_published), (amendment, as_amended) = amended(tmp_path, "published", str), amended(tmp_path, "amended", reworded_1_6())
    june_one_to_one_held(store, published, as_published)
    before = {k: o.id for k, o in by_row(store, "1.6").items()}
    change = store.save_framework(amendment, as_amended)
    assert (change.replaced, change.struck) == ((), ())
    result = scheduling.schedule(store, amendment, council(), date(2024, 6, 1), YEAR[1], date(2024, 6, 12))
    assert {k: o.id for k, o in by_row(store, "1.6").items()} == before and (result.created, result.cancelled) == (0, 0)


def test_the_file_says_whether_a_row_is_the_same_or_new_work(store: SqlStore, tmp_path: Path):
    """``was: "1.6"`` on row 1.6: the Lead Member's meetings are what the one-to-ones were (June's is held);
    ``was: new`` on the row merely reworded: new work. Left in the file, ``was: new`` is read once: a later
    amendment rewording the row again leaves its work alone."""
    published, as_published = amended(tmp_path, "published", str)
    same, as_same = amended(tmp_path, "same", replaced_1_6('"1.6"'))
    june_one_to_one_held(store, published, as_published)
    before = {k: o.id for k, o in by_row(store, "1.6").items() if k[0] == 0}
    assert store.save_framework(same, as_same).replaced == ()
    scheduling.schedule(store, same, council(), date(2024, 6, 1), YEAR[1], date(2024, 6, 12))
    kept = by_row(store, "1.6")
    assert {k: o.id for k, o in kept.items() if k[0] == 0} == before and kept[(0, date(2024, 6, 1))].status == "done"

    new, as_new = amended(tmp_path, "new", reworded_1_6("new"))
    assert store.save_framework(published, as_published).replaced == ()
    assert store.save_framework(new, as_new).replaced == ("1.6",)
    scheduling.schedule(store, new, council(), date(2024, 6, 1), YEAR[1], date(2024, 6, 12))
    fresh = {o.id for o in by_row(store, "1.6").values()}
    assert fresh.isdisjoint(before.values())
    later, as_later = amended(tmp_path, "later", lambda text: reworded_1_6("new")(text).replace(
        "with the DCS each month, and a quarterly", "with the DCS every month, and a quarterly"))  # fmt: skip
    assert later.row("1.6").task != new.row("1.6").task
    assert store.save_framework(later, as_later).replaced == ()
    scheduling.schedule(store, later, council(), date(2024, 6, 1), YEAR[1], date(2024, 6, 12))
    assert {o.id for o in by_row(store, "1.6").values()} == fresh


def test_loading_a_row_replaced_says_its_work_starts_afresh_and_put_back_says_so(db_url: str, tmp_path: Path, capsys):
    amended(tmp_path, "amended", replaced_1_6())
    assert main(["--db", db_url, "framework", "load", "east-sussex-2013"]) == 0
    capsys.readouterr()
    assert main(["--db", db_url, "framework", "load", str(tmp_path / "amended" / "east-sussex-2013.yaml")]) == 0
    out = capsys.readouterr().out
    assert "new work: row 1.6 asks for other work than the row it replaced" in out and 'was: "1.6"' in out, out
    assert "struck out: row 1.6 as the version before had it." in out and "renumbered" not in out, out
    assert main(["--db", db_url, "framework", "load", "east-sussex-2013"]) == 0
    out = capsys.readouterr().out
    assert "put back: row 1.6, with the work it had before it was struck out." in out and "renumbered" not in out, out


# --- week blocks: the day or two left at the year's end are the last block's, not a period of their own ------


def test_an_older_stores_one_day_period_at_the_years_end_is_cancelled_saying_so_and_the_block_before_takes_it(store: SqlStore):
    """Before, "every 26 weeks" made a third review of 2029/30 for Sunday 31 March 2030 alone, due on the Friday
    before it; the second review's period ended on Saturday 30 March. Scheduled again, the stub is cancelled
    with what became of its day (not "the framework changed"), and the second review's period takes it in."""
    from qaf.engine.model import ObligationKey
    from qaf.store import obligations as ob_store
    from tests.test_schedule_kinds import HEAD, framework, row

    rows = row("{kind: review, every: 26 weeks}", "Operations Manager", "9.4")
    fw, org = framework(rows), council()
    store.save_framework(fw, HEAD + rows)
    store.save_org(org)
    window = (date(2029, 4, 1), date(2030, 3, 31))
    scheduling.schedule(store, fw, org, *window, date(2029, 4, 1))
    second = next(o for o in store.obligations(Filters(row="9.4")) if o.assignee == "OM1" and o.period_start == date(2029, 9, 30))
    stub_id = ObligationKey(fw.id, fw.rows[0].identity, 0, date(2030, 3, 31), "assignee", "OM1", "review").id
    stub = dataclasses.replace(second, id=stub_id, period_start=date(2030, 3, 31), period_end=date(2030, 3, 31))
    with store.write() as conn:
        conn.execute(update(OBLIGATIONS).where(OBLIGATIONS.c.id == second.id).values(period_end=date(2030, 3, 30)))
        ob_store.apply(conn, [stub], [])
    scheduling.schedule(store, fw, org, *window, date(2029, 4, 1), force=True)
    held = {o.id: o for o in store.obligations(Filters(row="9.4", statuses=None)) if o.assignee == "OM1"}
    assert (held[stub_id].status, held[stub_id].status_reason) == (
        "cancelled", "out of scope: 2030-03-31 to 2030-03-31, the days left at the end of the year, are now the end of "
        "row 9.4's period 2029-09-30 to 2030-03-31",
    )  # fmt: skip
    assert (held[second.id].period_end, held[second.id].due, held[second.id].status) == (date(2030, 3, 31), date(2030, 3, 29), "open")


# --- a was that names no row ----------------------------------------------------------------------------

def renumbered_3_16_as(was: str):
    """Row 3.16 renumbered 3.17 and reworded in one amendment, ``was`` written on it (probe D2)."""
    def change(text: str) -> str:
        old = '  - id: "3.16"\n'
        assert old in text and "CareFirst audit record" in text
        return text.replace(old, f'  - id: "3.17"\n    was: "{was}"\n').replace("CareFirst audit record", "Mosaic audit form")
    return change


def test_a_was_naming_no_row_before_is_refused_and_the_store_left_as_it_was(store: SqlStore, tmp_path: Path):
    """``was: "3.61"`` for 3.16: no version had a 3.61. Loaded, 3.16 would be struck out and its open audits
    cancelled at the next schedule; the load refuses it, saying where, and writes nothing. Written right,
    3.16's work goes with it."""
    from qaf.rules.problems import InputError

    (published, as_published), (typo, as_typo) = amended(tmp_path, "published", str), amended(tmp_path, "typo", renumbered_3_16_as("3.61"))
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    before = snapshot(store)
    with pytest.raises(InputError) as refused:
        store.save_framework(typo, as_typo)
    [problem] = refused.value.problems
    assert (problem.source, problem.field) == (typo.row("3.17").source, "row.was")
    assert problem.message.startswith("no row '3.61' in the framework loaded before (rows: 1.1, 1.2, ")
    assert snapshot(store) == before
    right, as_right = amended(tmp_path, "right", renumbered_3_16_as("3.16"))
    audits = {k: o.id for k, o in by_row(store, "3.16").items()}
    assert store.save_framework(right, as_right).renumbered == (("3.16", "3.17"),)
    result = scheduling.schedule(store, right, council(), date(2024, 8, 1), YEAR[1], date(2024, 8, 12))
    assert {k: o.id for k, o in by_row(store, "3.17").items()} == audits and result.cancelled == 0


def test_a_was_on_a_first_load_has_nothing_to_compare(store: SqlStore, tmp_path: Path):
    typo, as_typo = amended(tmp_path, "typo", renumbered_3_16_as("3.61"))
    assert store.save_framework(typo, as_typo).action == "loaded"


def test_loading_a_was_naming_no_row_exits_1_and_leaves_the_file_as_it_was(tmp_path: Path):
    """As a user runs it, each command a process of its own (whose SQLite file is whole when it ends)."""
    import hashlib
    import subprocess
    import sys

    def qaf(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "qaf.cli.main", "--db", f"sqlite:///{db}", *args], capture_output=True, text=True)

    amended(tmp_path, "typo", renumbered_3_16_as("3.61"))
    path, db = tmp_path / "typo" / "east-sussex-2013.yaml", tmp_path / "qaf.db"
    assert qaf("framework", "load", "east-sussex-2013").returncode == 0
    assert qaf("framework", "check", str(path)).returncode == 0, "the file alone is sound: check has no version before"
    digest = hashlib.sha256(db.read_bytes()).hexdigest()
    done = qaf("framework", "load", str(path))
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text == '  - id: "3.17"')
    assert done.returncode == 1 and f"{path}:{line}: row.was: no row '3.61' in the framework loaded before (rows: 1.1, " in done.stderr, done
    assert "not loaded, the store is unchanged" in done.stderr and "struck out" not in done.stdout
    assert hashlib.sha256(db.read_bytes()).hexdigest() == digest


# --- a role renamed in the framework, not in people.csv ---------------------------------------------------

def team_leader(text: str) -> str:
    """Rotherham renames its Team Managers Team Leaders (probe D7); people.csv still says Team Manager."""
    old = "  - name: Team Manager\n    aliases: [TM]"
    assert old in text and "by: [Team Manager]" in text
    return text.replace(old, "  - name: Team Leader\n    aliases: [TL]").replace("by: [Team Manager]", "by: [Team Leader]")


def test_a_role_renamed_in_the_framework_alone_is_warned_on_load_and_named_as_the_cancellations_cause(
        store: SqlStore, db_url: str, tmp_path: Path, capsys):  # fmt: skip
    """The load says which rows nobody in the organisation can do now, and what the next schedule will do;
    the work cancelled says the framework changed, not "line manager or role changed"."""
    rotherham = ROOT / "rules" / "frameworks" / "rotherham-2016.yaml"
    published, _ = load_framework(rotherham)
    renamed = tmp_path / "rotherham-2016.yaml"
    renamed.write_text(team_leader(rotherham.read_text()))
    store.save_framework(published, rotherham.read_text())
    store.save_org(council())
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    live = {o.id for o in store.obligations(Filters(row="R1")) if o.status == "open"}
    assert live
    assert main(["--db", db_url, "framework", "load", str(rotherham), "--today", "2024-06-10"]) == 0
    assert capsys.readouterr().err == "", "loaded again as it was: nothing to say"

    assert main(["--db", db_url, "framework", "load", str(renamed), "--today", "2024-06-10"]) == 0
    err = capsys.readouterr().err
    warned = [line for line in err.splitlines() if "row.by: warning: nobody in the organisation holds Team Leader today" in line]
    assert [line.split(":")[0] for line in warned] == [str(renamed)] * 2 and len(err.splitlines()) == 2, err
    assert "whose work row R1 is (people.csv says 'Team Manager', which the version before knew and this one does not)" in warned[0]
    assert "the next schedule or tick cancels row R1's open work" in warned[0] and "row R9" in warned[1]

    fw, _ = load_framework(renamed)
    scheduling.schedule(store, fw, council(), *YEAR, TODAY)
    cancelled = {o.id: o.status_reason for o in store.obligations(Filters(row="R1", statuses=frozenset({"cancelled"})))}
    assert set(cancelled) == live
    assert {reason.split(" (")[0] for reason in cancelled.values()} == {
        "out of scope: the framework now gives row R1 to Team Leader, a role nobody in the organisation holds"}
    assert all("is 'Team Manager' in people.csv, which the framework does not name" in reason for reason in cancelled.values())


def test_a_worker_out_of_a_row_s_cover_is_said_so_while_someone_holds_its_role(east_sussex):
    from qaf.engine.schedule import plan
    from qaf.engine.scope import out_of_scope_reason

    audit = next(o for o in plan(east_sussex, council(), *YEAR, TODAY).obligations if o.row == "3.16" and o.subject == "SW1")
    moved = council(people=people_with(SW1={"manager": "OM1"}))  # an Operations Manager, no Practice Manager
    assert out_of_scope_reason(audit, east_sussex, moved) == "out of scope: Tom Fairley is no longer covered by row 3.16 (line manager or role changed)"
    roles = east_sussex.row("3.16").by
    nobody = council(people=tuple(dataclasses.replace(p, roles=tuple(r for r in p.roles if r != "Practice Manager")) for p in council().people))
    assert out_of_scope_reason(audit, east_sussex, nobody) == f"out of scope: row 3.16 is for {' or '.join(roles)}, and nobody in the organisation holds that role"


# --- a new edition under a new id; retiring the old one ------------------------------------------------------

def edition_2026(tmp_path: Path):
    """East Sussex's framework published again as a new edition, under a new id (probe D8)."""
    return amended(tmp_path, "2026", lambda text: text.replace("id: east-sussex-2013", "id: east-sussex-2026", 1)
                   .replace('version: "2012/13"', 'version: "2026"', 1))  # fmt: skip


def test_a_new_edition_is_warned_of_and_the_old_one_retired_keeps_its_done_work_and_comes_back_when_loaded(
        store: SqlStore, tmp_path: Path):  # fmt: skip
    from qaf.usecases.frameworkload import load, retire

    (published, as_published), (edition, as_edition) = amended(tmp_path, "published", str), edition_2026(tmp_path)
    assert edition.id == "east-sussex-2026"
    assert load(store, published, as_published, TODAY).warnings == ()
    store.save_org(council())
    scheduling.schedule(store, published, council(), *YEAR, TODAY)
    old = {o.id: o for o in store.obligations(Filters(framework="east-sussex-2013", statuses=None))}
    held = next(o for o in old.values() if o.row == "3.16")
    mark_done(store, held.id)

    [warning] = load(store, edition, as_edition, TODAY).warnings
    assert (warning.source, warning.field, warning.is_error) == (edition.source, "id", False)
    assert warning.message.startswith("east-sussex-2013 (version 2012/13: Quality Assurance in Children's Social Care and Early "
                                      "Help Services), also in use, is East Sussex County Council's too and asks for 50 of these rows' work")
    assert "both are scheduled" in warning.message and "qaf framework retire east-sussex-2013" in warning.message
    rotherham = ROOT / "rules" / "frameworks" / "rotherham-2016.yaml"
    assert load(store, load_framework(rotherham)[0], rotherham.read_text(), TODAY).warnings == (), "another council's: nothing to say"

    done = retire(store, "east-sussex-2013", date(2024, 6, 12))
    live = {i for i, o in old.items() if o.status in ("open", "rescheduled") and i != held.id}
    assert (done.already, done.on, sum(done.cancelled.values())) == (False, date(2024, 6, 12), len(live))
    after = {o.id: o for o in store.obligations(Filters(framework="east-sussex-2013", statuses=None))}
    assert {i for i, o in after.items() if o.status == "cancelled"} == live and after[held.id].status == "done"
    assert {after[i].status_reason for i in live} == {"out of scope: framework east-sussex-2013 (version 2012/13) was retired on 2024-06-12"}
    assert {f.id: f.retired_on for f in store.stored_frameworks()} == {
        "east-sussex-2013": date(2024, 6, 12), "east-sussex-2026": None, "rotherham-2016": None}
    assert [fw.id for fw in store.frameworks()] == ["east-sussex-2026", "rotherham-2016"], "scheduled no more"
    before = snapshot(store)
    assert retire(store, "east-sussex-2013", date(2024, 6, 20)).already and snapshot(store) == before
    assert load(store, edition, as_edition, TODAY).warnings == (), "the old edition retired: nothing to say"

    back = load(store, published, as_published, TODAY)
    assert (back.change.action, back.change.retired) == ("unchanged", date(2024, 6, 12))
    assert store.stored_frameworks()[0].retired_on is None and "east-sussex-2013" in [fw.id for fw in store.frameworks()]
    result = scheduling.schedule(store, published, council(), date(2024, 6, 1), YEAR[1], date(2024, 6, 14))
    again = {o.id: o for o in store.obligations(Filters(framework="east-sussex-2013", statuses=None))}
    reopened = {i for i in live if old[i].period_end >= date(2024, 6, 1)}  # the window's
    assert result.reopened == len(reopened) > 0 and {again[i].status for i in reopened} == {"open"}
    assert again[held.id].status == "done" and result.created == 0
    may = {i for i in live if date(2024, 5, 1) <= old[i].period_end < date(2024, 6, 1)}
    assert may and {again[i].status for i in may} == {"open"}, "last month's too"


def test_qaf_framework_retire_says_what_it_cancelled_and_list_and_schedule_say_it_is_retired(db_url: str, tmp_path: Path, capsys):
    edition_2026(tmp_path)
    run = lambda *args: (main(["--db", db_url, *args]), *capsys.readouterr())  # noqa: E731
    assert run("framework", "load", "east-sussex-2013")[0] == 0
    assert run("org", "load", str(ROOT / "examples" / "council"), "--today", "2026-11-02")[0] == 0
    assert run("schedule", "--through", "2027-01-31", "--today", "2026-11-02")[0] == 0
    code, out, err = run("framework", "load", str(tmp_path / "2026" / "east-sussex-2013.yaml"), "--today", "2026-11-02")
    assert code == 0 and out.startswith("loaded east-sussex-2026 version 2026") and ": id: warning: east-sussex-2013 (version 2012/13" in err, err
    code, out, err = run("framework", "retire", "east-sussex-2013", "--today", "2026-11-03")
    assert code == 0 and out.startswith("retired east-sussex-2013 version 2012/13 on 2026-11-03: ") and " open obligations cancelled (audit " in out, out
    assert "done work stays done" in out and "load it again to bring it back" in out
    assert run("framework", "retire", "east-sussex-2013")[1] == "east-sussex-2013 was retired already, on 2026-11-03: nothing changed\n"
    code, out, _ = run("framework", "list")
    assert [line.split("  ")[:4] for line in out.splitlines()] == [
        ["east-sussex-2013", "version 2012/13", "54 rows (50 schedulable)", "retired on 2026-11-03"],
        ["east-sussex-2026", "version 2026", "54 rows (50 schedulable)", "Quality Assurance in Children's Social Care and Early Help Services"]]
    code, out, err = run("schedule", "--framework", "east-sussex-2013", "--through", "2027-01-31", "--today", "2026-11-03")
    assert code == 1 and "framework 'east-sussex-2013' was retired on 2026-11-03" in err
    code, out, _ = run("schedule", "--through", "2027-01-31", "--today", "2026-11-03")
    assert code == 0 and [line.split(" ")[0] for line in out.splitlines() if not line.startswith(" ")] == ["east-sussex-2026"]
    code, _, err = run("framework", "retire", "east-sussex-2099")
    assert code == 2 and "no framework 'east-sussex-2099' (loaded: east-sussex-2013, east-sussex-2026)" in err  # README: a bad argument
    code, out, _ = run("framework", "load", "east-sussex-2013")
    assert code == 0 and "brought back: east-sussex-2013 was retired on 2026-11-03" in out
