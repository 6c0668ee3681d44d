"""A council amends how often a row is done while its work is in flight (SQLite and PostgreSQL): an
amendment withdrawn gives back what it took."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import update

from qaf.engine.query import Filters
from qaf.rules.roles import Vocabulary
from qaf.store.sql import SqlStore
from qaf.store.tables import OBLIGATIONS
from qaf.usecases import scheduling
from qaf.usecases.orgload import load_org
from tests.council import council
from tests.test_reconcile import amended

ROOT = Path(__file__).resolve().parents[1]
LAST = date(2025, 3, 31)

MONTHLY_3_16 = "One case per month for each worker. If"
MONTHLY_3_16_CADENCE = "      - kind: audit\n        every: month\n        per: worker\n        case: true\n"


def quarterly_3_16(text: str) -> str:
    """3.16 as amended: "One case per quarter for each worker"."""
    assert MONTHLY_3_16 in text and MONTHLY_3_16_CADENCE in text
    return text.replace(MONTHLY_3_16, "One case per quarter for each worker. If").replace(
        MONTHLY_3_16_CADENCE, MONTHLY_3_16_CADENCE.replace("every: month", "every: quarter"))  # fmt: skip


def framework(tmp_path: Path, name: str, change=str):
    """East Sussex as the council publishes it (``change``: as it amends it), loaded as a user loads it."""
    return amended(tmp_path, name, change)


def mark_done(store: SqlStore, oid: str) -> None:
    with store.write() as conn:
        conn.execute(update(OBLIGATIONS).where(OBLIGATIONS.c.id == oid).values(status="done", updated_at=datetime.now(timezone.utc)))


def audits_3_16(store: SqlStore) -> dict[str, object]:
    return {o.id: o for o in store.obligations(Filters(row="3.16", statuses=None)) if o.cadence == 0}


def ticked_to_december(store: SqlStore, published, as_published) -> dict[str, object]:
    """3.16 as published, ticked monthly from October 2024 to 2 December: October's and November's audits
    not done are overdue. What the store holds of 3.16 then."""
    store.save_framework(published, as_published)
    for first, today in ((date(2024, 10, 1), date(2024, 10, 1)), (date(2024, 11, 1), date(2024, 11, 4)), (date(2024, 12, 1), date(2024, 12, 2))):
        scheduling.schedule(store, published, council(), first, LAST, today)
    return audits_3_16(store)


def test_3_16_made_quarterly_and_the_amendment_withdrawn_october_s_overdue_audits_are_october_s_again(store: SqlStore, tmp_path: Path):
    """"One case per month for each worker" made "one case per quarter" on 6 December, and the amendment
    withdrawn on the 9th: every audit open before it is open again, for the month it was for, overdue as it
    was; none is cancelled, none is made twice."""
    (published, as_published), (quarterly, as_amended) = framework(tmp_path, "published"), framework(tmp_path, "amended", quarterly_3_16)
    before = ticked_to_december(store, published, as_published)
    october = {i for i, o in before.items() if o.period_start == date(2024, 10, 1) and o.status == "open"}
    assert october and all(before[i].due < date(2024, 12, 2) for i in october), "October's audits are overdue"

    store.save_framework(quarterly, as_amended)
    scheduling.schedule(store, quarterly, council(), date(2024, 12, 1), LAST, date(2024, 12, 6))
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), date(2024, 12, 1), LAST, date(2024, 12, 9))

    after = audits_3_16(store)
    assert set(after) == set(before), "nothing made twice"
    changed = {i: (before[i].period_end, before[i].due, before[i].status, after[i].period_end, after[i].due, after[i].status)
               for i in before if (before[i].period_end, before[i].due, before[i].status) != (after[i].period_end, after[i].due, after[i].status)}  # fmt: skip
    assert changed == {}, "the amendment withdrawn gives back what it took"


def in_the_quarter(audits: dict, worker: str) -> list[tuple[date, date, str]]:
    """A worker's 3.16 audits of October to December 2024: (period start, period end, status)."""
    return sorted((o.period_start, o.period_end, o.status) for o in audits.values()
                  if o.subject == worker and o.period_start <= date(2024, 12, 31) and o.period_end >= date(2024, 10, 1))  # fmt: skip


def test_3_16_made_quarterly_work_done_within_the_quarter_counts_towards_it(store: SqlStore, tmp_path: Path):
    """"One case per month for each worker" made "one case per quarter" on 6 December: a worker whose November
    audit was done has had the quarter's one audit, and her October audit, overdue, is not asked for as the
    quarter's too; cancelled, saying which done audit answers for it. A worker whose October audit was done
    has nothing open either; one with none done owes the quarter's one, October's. Withdrawn on the 9th, the
    months are as they were."""
    (published, as_published), (quarterly, as_amended) = framework(tmp_path, "published"), framework(tmp_path, "amended", quarterly_3_16)
    before = ticked_to_december(store, published, as_published)
    workers = sorted({o.subject for o in before.values()})
    in_november, in_october, none_done = workers[:3]
    november = next(o for o in before.values() if o.subject == in_november and o.period_start == date(2024, 11, 1))
    october = next(o for o in before.values() if o.subject == in_october and o.period_start == date(2024, 10, 1))
    mark_done(store, november.id), mark_done(store, october.id)
    before = audits_3_16(store)

    store.save_framework(quarterly, as_amended)
    scheduling.schedule(store, quarterly, council(), date(2024, 12, 1), LAST, date(2024, 12, 6))
    after = audits_3_16(store)
    open_ = lambda worker: [o for o in after.values() if o.subject == worker and o.status == "open" and o.period_start <= date(2024, 12, 31)]  # noqa: E731
    assert [(o.period_start, o.period_end) for o in open_(none_done)] == [(date(2024, 10, 1), date(2024, 12, 31))]
    assert open_(in_october) == [] and open_(in_november) == []
    theirs = next(o for o in after.values() if o.subject == in_november and o.period_start == date(2024, 10, 1))
    assert (theirs.status, theirs.status_reason) == ("cancelled", (
        "out of scope: the framework now asks for one audit a quarter of row 3.16, and done work counts towards it: "
        f"{november.id} (for 2024-11-01 to 2024-11-30)"))  # fmt: skip
    assert after[november.id].status == after[october.id].status == "done"
    again = scheduling.schedule(store, quarterly, council(), date(2024, 12, 1), LAST, date(2024, 12, 7), force=True)
    assert (again.created, again.updated, again.cancelled, again.reopened) == (0, 0, 0, 0) and audits_3_16(store) == after

    store.save_framework(published, as_published)
    scheduling.schedule(store, published, council(), date(2024, 12, 1), LAST, date(2024, 12, 9))
    back = audits_3_16(store)
    for worker in (in_november, in_october, none_done):
        assert in_the_quarter(back, worker) == in_the_quarter(before, worker), worker


FIVE_4_11 = "        every: quarter\n        count: 5\n"


def three_4_11(text: str) -> str:
    """4.11 as amended: "Quarterly multi-agency audits of three files"."""
    assert text.count(FIVE_4_11) == 1
    return text.replace(FIVE_4_11, FIVE_4_11.replace("count: 5", "count: 3"))


def example_council(fw):
    """examples/council, whose LSCB QA Sub-Group Chair does row 4.11."""
    org, _ = load_org(ROOT / "examples" / "council", Vocabulary(fw.roles))
    assert org is not None
    return org


def multi_agency_audits(store: SqlStore, start: date) -> list:
    """Row 4.11's multi-agency audits (cadence 0) of the quarter beginning ``start``, by their number in it."""
    return sorted((o for o in store.obligations(Filters(row="4.11", statuses=None)) if o.cadence == 0 and o.period_start == start),
                  key=lambda o: o.seq)  # fmt: skip


def test_4_11_five_audits_a_quarter_cut_to_three_after_two_were_done_asks_one_more(store: SqlStore, tmp_path: Path):
    """"Quarterly multi-agency audits of five files" made three in December, after the quarter's 4th and 5th
    were done: the quarter asks for three, the two done and one more; the other two are cancelled saying the
    done work counts. Next quarter's 4th and 5th are cancelled saying the row asks for fewer, never that
    anyone's line manager changed. Withdrawn, each is open again."""
    (published, as_published), (three, as_amended) = framework(tmp_path, "published"), framework(tmp_path, "amended", three_4_11)
    org = example_council(published)
    store.save_framework(published, as_published)
    scheduling.schedule(store, published, org, date(2026, 10, 1), date(2027, 3, 31), date(2026, 10, 1))
    autumn = multi_agency_audits(store, date(2026, 10, 1))
    assert [o.seq for o in autumn] == [0, 1, 2, 3, 4]
    mark_done(store, autumn[3].id), mark_done(store, autumn[4].id)

    store.save_framework(three, as_amended)
    scheduling.schedule(store, three, org, date(2026, 12, 1), date(2027, 3, 31), date(2026, 12, 6))
    after = multi_agency_audits(store, date(2026, 10, 1))
    assert [o.status for o in after] == ["open", "cancelled", "cancelled", "done", "done"]
    assert {o.status_reason for o in after[1:3]} == {
        "out of scope: the framework now asks for 3 audits a quarter of row 4.11, and done work counts towards it: "
        f"{autumn[3].id} (for 2026-10-01 to 2026-12-31), {autumn[4].id} (for 2026-10-01 to 2026-12-31)"}
    winter = multi_agency_audits(store, date(2027, 1, 1))
    assert [o.status for o in winter] == ["open", "open", "open", "cancelled", "cancelled"]
    assert [o.status_reason for o in winter[3:]] == [
        "out of scope: row 4.11 now asks for 3 audits a quarter, fewer than before: this was number 4",
        "out of scope: row 4.11 now asks for 3 audits a quarter, fewer than before: this was number 5"]

    store.save_framework(published, as_published)
    scheduling.schedule(store, published, org, date(2026, 12, 1), date(2027, 3, 31), date(2026, 12, 9))
    assert [o.status for o in multi_agency_audits(store, date(2026, 10, 1))] == ["open", "open", "open", "done", "done"]
    assert [o.status for o in multi_agency_audits(store, date(2027, 1, 1))] == ["open"] * 5


# --- Rotherham R2: a sample cut ----------------------------------------------------------------

TEN_PERCENT = 'sample: {row: "R1", percent: 10}'


def rotherham(tmp_path: Path, name: str, sample: str = TEN_PERCENT):
    """Rotherham as published (10% of last month's Team Manager audits re-audited), or with R2's sample amended."""
    from qaf.rules.loader import load_framework

    text = (ROOT / "rules" / "frameworks" / "rotherham-2016.yaml").read_text()
    assert TEN_PERCENT in text
    path = tmp_path / name / "rotherham-2016.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text.replace(TEN_PERCENT, sample))
    fw, problems = load_framework(path)
    assert fw is not None and not [p for p in problems if p.is_error], problems
    return fw, path.read_text()


def re_audits(store: SqlStore, start: date) -> list:
    return sorted((o for o in store.obligations(Filters(row="R2", statuses=None)) if o.period_start == start), key=lambda o: o.id)


def test_r2_a_sample_of_these_audits_cut_to_one_a_month_after_one_was_re_audited_asks_no_more(store: SqlStore, tmp_path: Path):
    """"A sample of these audits are then re-audited by a senior manager": 10% of April's 42 Team Manager audits
    is five re-audits in May. The council cuts the sample to one a month on 7 May, after one was done: the month
    asks for one, the one done; the other four are cancelled saying the row asks for fewer (they said "5 of 42"
    and stayed open). Withdrawn, the four are open again."""
    from qaf.engine.outcomes import Recording
    from qaf.usecases import recording

    (published, as_published), (one, as_amended) = rotherham(tmp_path, "published"), rotherham(tmp_path, "amended", 'sample: {row: "R1", count: 1}')
    org = example_council(published)
    store.save_framework(published, as_published)
    store.save_org(org)
    scheduling.schedule(store, published, org, date(2026, 4, 1), date(2027, 3, 31), date(2026, 4, 1))
    april = [o for o in store.obligations(Filters(row="R1")) if o.period_start == date(2026, 4, 1) and o.status == "open"]
    for o in april:
        recording.record(store, Recording(o.id, "good", date=date(2026, 4, 28)), date(2026, 4, 30))
    scheduling.schedule(store, published, org, date(2026, 5, 1), date(2027, 3, 31), date(2026, 5, 1))
    may = re_audits(store, date(2026, 5, 1))
    assert len(may) == 5 and {o.sample_reason for o in may} == {f"5 of {len(april)} audits of row R1 completed 2026-04-01..2026-04-30"}
    recording.moderate(store, may[2].id, "good", None, date(2026, 5, 6), date(2026, 5, 6))

    store.save_framework(one, as_amended)
    scheduling.schedule(store, one, org, date(2026, 5, 1), date(2027, 3, 31), date(2026, 5, 7))
    after = re_audits(store, date(2026, 5, 1))
    assert [o.status for o in after] == ["cancelled", "cancelled", "done", "cancelled", "cancelled"]
    assert {o.status_reason for o in after if o.status == "cancelled"} == {
        "out of scope: row R2 now asks for one of row R1's completed audits a month, fewer than were drawn: done work counts first"}

    store.save_framework(published, as_published)
    scheduling.schedule(store, published, org, date(2026, 5, 1), date(2027, 3, 31), date(2026, 5, 8))
    back = re_audits(store, date(2026, 5, 1))
    assert [o.status for o in back] == ["open", "open", "done", "open", "open"]
    assert {o.sample_reason for o in back if o.status == "open"} == {f"5 of {len(april)} audits of row R1 completed 2026-04-01..2026-04-30"}


def test_r2_a_re_audit_cancelled_for_another_reason_is_not_opened_again_by_the_sample(store: SqlStore, tmp_path: Path):
    """Only a re-audit a sample cut cancelled comes back when the sample grows: one cancelled because nobody
    was left to do it keeps its place in May's five, and its reason, when the month is planned again."""
    from sqlalchemy import update

    from qaf.engine.outcomes import Recording
    from qaf.store.tables import OBLIGATIONS
    from qaf.usecases import recording

    published, as_published = rotherham(tmp_path, "published")
    org = example_council(published)
    store.save_framework(published, as_published)
    store.save_org(org)
    scheduling.schedule(store, published, org, date(2026, 4, 1), date(2027, 3, 31), date(2026, 4, 1))
    for o in [o for o in store.obligations(Filters(row="R1")) if o.period_start == date(2026, 4, 1) and o.status == "open"]:
        recording.record(store, Recording(o.id, "good", date=date(2026, 4, 28)), date(2026, 4, 30))
    scheduling.schedule(store, published, org, date(2026, 5, 1), date(2027, 3, 31), date(2026, 5, 1))
    may = re_audits(store, date(2026, 5, 1))
    why = "out of scope: nobody holds Senior Manager up the line"
    with store.write() as conn:
        conn.execute(update(OBLIGATIONS).where(OBLIGATIONS.c.id == may[1].id).values(status="cancelled", status_reason=why))
    scheduling.schedule(store, published, org, date(2026, 5, 1), date(2027, 3, 31), date(2026, 5, 2), force=True)
    after = re_audits(store, date(2026, 5, 1))
    assert [o.id for o in after] == [o.id for o in may]
    assert [(o.status, o.status_reason) for o in after] == [("open", None), ("cancelled", why), ("open", None), ("open", None), ("open", None)]
