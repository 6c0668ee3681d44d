"""The read path (issue 16): one transaction a call, the organisation and vocabulary kept while the store is unchanged,
a person's work read through two indexed selects, and the API's JSON built once, in SPEC §4's shape."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, timezone
from typing import Iterator

import pytest
from sqlalchemy import event, text

from qaf.engine.query import LIVE_SHOWN, DueQuery, Filters, filters
from qaf.store import obligations as ob_store
from qaf.store.sql import SqlStore
from qaf.usecases import queries, tokens
from qaf.web.api import create_app
from tests.council import council
from tests.test_api import Client
from tests.test_feeds import TODAY, year

NOW = datetime(2024, 6, 10, 9, 0, tzinfo=timezone.utc)


class Counted:
    """Transactions begun and statements sent on an engine (SQLAlchemy's events), while in the block."""

    def __init__(self, store: SqlStore) -> None:
        self.engine, self.begun, self.statements = store.engine, 0, []

    def _begin(self, _conn) -> None:
        self.begun += 1

    def _execute(self, _conn, _cursor, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith("BEGIN"):
            self.statements.append(statement)

    def __enter__(self) -> "Counted":
        event.listen(self.engine, "begin", self._begin)
        event.listen(self.engine, "before_cursor_execute", self._execute)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "begin", self._begin)
        event.remove(self.engine, "before_cursor_execute", self._execute)


@pytest.fixture
def served(db_url: str) -> Iterator[SqlStore]:
    store = SqlStore.open(db_url)
    year(store)
    yield store
    store.close()


def attender(store: SqlStore) -> str:
    """Someone who attends (or is copied into) work that is not theirs, and has work of their own."""
    every = store.obligations(Filters(statuses=None))
    owners = {o.assignee for o in every}
    found = sorted({p for o in every for p in (*o.attendees, *o.copies) if p != o.assignee and p in owners})
    assert found, "the test council has shared work"
    return found[0]


def test_due_is_one_transaction_of_two_statements_once_warm(served: SqlStore):
    q = DueQuery(person="PM1")
    first = queries.due(served, q, TODAY)  # reads the organisation and frameworks once
    with Counted(served) as counted:
        again = queries.due(served, q, TODAY)
    assert again == first and first
    assert counted.begun == 1, "one read transaction"
    assert len(counted.statements) == 2, counted.statements  # the versions probe, then the rows


def test_a_change_to_the_organisation_is_seen_at_once_and_nothing_else_is_reread(served: SqlStore):
    before = served.snapshot()
    assert served.snapshot() is before  # unchanged store: the same objects, the vocabulary not rebuilt
    with pytest.raises(queries.QueryError, match="no person 'NEW1'"):
        queries.due(served, DueQuery(person="NEW1"), TODAY)
    org = council()
    newcomer = dataclasses.replace(org.person("SW1"), id="NEW1", name="Nia Newcomer", email="nia@example-council.gov.uk")
    served.save_org(dataclasses.replace(org, people=(*org.people, newcomer)))
    assert queries.due(served, DueQuery(person="NEW1"), TODAY) == []  # known now, on the very next call
    after = served.snapshot()
    assert after is not before and after.org.person("NEW1") is not None
    assert after.frameworks == before.frameworks  # the frameworks were not parsed again


def test_a_days_work_is_listed_in_the_frameworks_row_order_3_3_before_3_12(served: SqlStore):
    """The Head of Service's work due at the year's end, as ``qaf due``, the API and her pages list it: by row as
    the framework numbers them (the report's order), not as text ("3.12" before "3.3")."""
    from qaf.engine.query import row_order

    year_end = [o for o in queries.due(served, DueQuery(person="H1", date_to=date(2025, 3, 31), statuses=queries.parse_statuses("all")), TODAY)
                if o.due == date(2025, 3, 31)]  # fmt: skip
    rows = [o.row for o in year_end]
    assert "3.3" in rows and "3.12" in rows and rows.index("3.3") < rows.index("3.12"), rows
    assert [(o.row, o.id) for o in year_end] == sorted(((o.row, o.id) for o in year_end), key=lambda r: (row_order(r[0]), r[1]))


def test_a_persons_work_is_their_own_and_what_they_attend_each_once(served: SqlStore):
    person = attender(served)
    every = served.obligations(Filters(statuses=None))
    expected = sorted((o for o in every if person in (o.assignee, *o.attendees, *o.copies)), key=lambda o: (o.due, o.row, o.id))
    f = filters(DueQuery(person=person), served.org(), served.vocabulary(), TODAY)
    found = served.obligations(dataclasses.replace(f, statuses=None))
    assert [o.id for o in found] == [o.id for o in expected]
    assert any(o.assignee != person for o in found) and any(o.assignee == person for o in found)
    assert [o.outcome for o in found] == [o.outcome for o in expected]


def test_on_postgresql_a_persons_work_is_read_through_indexes(pg_url: str):
    store = SqlStore.open(pg_url)
    year(store)
    f = filters(DueQuery(person="PM1", statuses=LIVE_SHOWN), store.org(), store.vocabulary(), TODAY)
    compiled = ob_store.query(f).compile(dialect=store.engine.dialect, compile_kwargs={"literal_binds": True})
    with store.read() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))  # what the planner can do without scanning the table
        plan = "\n".join(conn.execute(text(f"EXPLAIN {compiled}")).scalars())
    assert "Seq Scan on obligations" not in plan, plan
    store.close()


def test_the_api_list_is_one_transaction_and_spec_shaped_json(served: SqlStore, db_url: str):
    org, vocab = served.org(), served.vocabulary()
    token = tokens.issue(served, org, vocab, "PM1", None, "api", NOW)[0]
    client = Client(create_app(db_url, lambda: TODAY, feed_ttl=0, store=served))
    assert client.get("/api/obligations?person=PM1&status=open", token).status_code == 200  # warm: the organisation read
    with Counted(served) as counted:
        r = client.get("/api/obligations?person=PM1", token)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert counted.begun == 1, "the token, the versions and the rows in one read transaction"
    assert len(counted.statements) == 3, counted.statements
    with Counted(served) as counted:  # asked again, nothing changed: the versions and the token, not the rows
        again = client.get("/api/obligations?person=PM1", token)
    assert again.content == r.content and counted.begun == 1 and len(counted.statements) == 2, counted.statements
    body = json.loads(r.content)
    expected = [queries.record(o, served.org(), TODAY, "PM1") for o in queries.due(served, DueQuery(person="PM1"), TODAY)]
    assert body == json.loads(json.dumps(expected)) and body
    for record in body:  # SPEC §4: every key, and each of its kind
        assert set(queries.KEYS) <= set(record)
        assert isinstance(record["id"], str) and len(record["id"]) == 16 and record["uid"] == record["id"] + "@qaf"
        assert isinstance(record["cadence"], int) and isinstance(record["attendees"], list)
        for key in ("period_start", "period_end", "due"):
            assert date.fromisoformat(record[key])
        assert record["status"] in ("open", "overdue", "rescheduled") and record["as"] in ("owner", "attending", "copy")
        assert record["outcome"] is None or isinstance(record["outcome"]["grade"], str)
    assert r.content.decode() == json.dumps(body, ensure_ascii=False, separators=(",", ":"))  # the bytes FastAPI would send
    # refusals keep their shape: no token, a person outside the caller's line, a bad status
    assert client.get("/api/obligations?person=PM1").status_code == 401
    other = tokens.issue(served, org, vocab, "SW1", None, "api", NOW)[0]
    assert client.get("/api/obligations?person=PM1", other).status_code == 403
    bad = client.get("/api/obligations?status=finished", token)
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "status"


def test_rows_become_the_obligations_their_constructor_makes(served: SqlStore):
    """:func:`ob_store.build` fills the slots itself: every field, outcome and people included, as ``Obligation(...)`` would."""
    found = served.obligations(Filters(statuses=None))
    assert any(o.outcome is not None for o in found) and any(o.attendees for o in found)
    for o in found:
        made = type(o)(**{f.name: getattr(o, f.name) for f in dataclasses.fields(o)})
        assert all(getattr(o, f.name) == getattr(made, f.name) for f in dataclasses.fields(o)), o.id
        assert o == made and hash(o) == hash(made) and repr(o) == repr(made)
    with served.read() as conn:
        rows = conn.execute(ob_store._statement(ob_store._shape(Filters(statuses=None))), ob_store._values(Filters(statuses=None))).all()
    for r, o in zip(rows, found):  # by name, as the stored row says
        assert (o.id, o.case, o.team, o.sequence, o.due) == (r.id, r.case_ref, r.team, r.sequence, r.due)
        assert o.attendees == (tuple(r.attendees.split(";")) if r.attendees else ())
        assert (o.outcome is None) == (r.grade is None)
        if o.outcome is not None:
            named = {f.name: getattr(r, {"date": "audit_date"}.get(f.name, f.name)) for f in dataclasses.fields(o.outcome)}
            named.update(areas=tuple(sorted((r.areas or {}).items())), notes=r.notes or "",
                         moderated_areas=tuple(sorted((r.moderated_areas or {}).items())))  # fmt: skip
            assert o.outcome == type(o.outcome)(**named)


def _dumped(found, org, today, viewer=None) -> bytes:
    """The API's bytes as they were made before :func:`queries.records_json`: the records, dumped."""
    return json.dumps([queries.record(o, org, today, viewer) for o in found], ensure_ascii=False, separators=(",", ":")).encode()


def test_the_api_json_is_the_records_dumped_byte_for_byte_for_every_person(served: SqlStore):
    """Every person's list (each as the viewer, and as nobody), and the whole store, on both databases."""
    org = served.org()
    every = queries.due(served, DueQuery(statuses=queries.parse_statuses("all")), TODAY)
    assert any(o.outcome is not None for o in every) and any(o.attendees or o.copies for o in every)
    assert b"[" + b",".join(queries._records_json(every, org, TODAY, None)) + b"]" == _dumped(every, org, TODAY)  # the short way
    for day in (TODAY, date(2025, 3, 1)):  # and later: more of it overdue
        known: dict = {}  # the records written this day, as a server keeps them (qaf.web.kept.Records)
        for p in org.people:
            found = queries.due(served, DueQuery(person=p.id, statuses=queries.parse_statuses("all")), day)
            assert queries.records_json(found, org, day, p.id) == _dumped(found, org, day, p.id), p.id
            assert queries.records_json(found, org, day) == _dumped(found, org, day), p.id
            for _ in range(2):  # written and kept, then all taken from those kept: the same bytes
                assert queries.records_json(found, org, day, p.id, known) == _dumped(found, org, day, p.id), p.id
                assert queries.records_json(found, org, day, None, known) == _dumped(found, org, day), p.id
        assert len(known) > len(every)  # each record kept once for each viewer it was written for


def test_the_api_json_escapes_and_falls_back_as_json_dumps_does():
    """Quotes, backslashes, control characters, non-ASCII, None where a string may be missing, moderated outcomes,
    an assignee the organisation does not know; a value of an unexpected type takes the long way, same bytes."""
    from qaf.engine.model import Obligation, Outcome

    org = council()
    odd = 'Q"u\\o\tte\n\x01 é 😀 </script>'
    base = Obligation(id="abcdef0123456789", framework="fw", row="1.2", cadence=0, kind="audit", title=odd, assignee="SW1",
                      subject_kind="worker", subject="SW1", period_start=date(2024, 4, 1), period_end=date(2024, 4, 30),
                      due=date(2024, 4, 30), attendees=("SW2", "PM1"), copies=(odd,))  # fmt: skip
    outcome = Outcome("good", True, "PM1", date(2024, 5, 1), (("a", "good"),), "n", True, "outstanding", "QA1", (("b", odd),),
                      date(2024, 5, 2), "HD1", date(2024, 5, 3))  # fmt: skip
    cases = [
        base,
        dataclasses.replace(base, assignee=None, case=odd, team="T1", status_reason=odd, sample_reason="s", cause="c" * 16),
        dataclasses.replace(base, assignee="NOBODY", status="done", outcome=outcome),
        dataclasses.replace(base, outcome=Outcome("inadequate"), status="waived", sequence=7, cadence=-1),
        dataclasses.replace(base, row=12),  # not a string: the long way
        dataclasses.replace(base, cadence=True),
    ]
    for viewer in (None, "SW1", "SW2", "PM1", "NOBODY"):
        for found in ([], cases[:4], cases):
            assert queries.records_json(found, org, TODAY, viewer) == _dumped(found, org, TODAY, viewer), (viewer, len(found))


def test_a_kept_record_is_never_given_for_an_obligation_that_only_compares_equal():
    """True == 1 and hash(True) == hash(1): with the records of cadence 1 and of concerns 1 kept, an obligation with
    cadence True, or an outcome with concerns True, is not given them (json.dumps writes ``true``, not ``1``); an
    outcome changed while its obligation did not is written again (the obligation's equality leaves its outcome out)."""
    from qaf.engine.model import Obligation, Outcome

    org = council()
    one = Obligation(id="abcdef0123456789", framework="fw", row="1.2", cadence=1, kind="audit", title="t", assignee="SW1",
                     subject_kind="worker", subject="SW1", period_start=date(2024, 4, 1), period_end=date(2024, 4, 30),
                     due=date(2024, 4, 30), outcome=Outcome("good", 1))  # fmt: skip
    known: dict = {}
    for found in ([one], [dataclasses.replace(one, cadence=True)], [dataclasses.replace(one, outcome=Outcome("good", True))],
                  [dataclasses.replace(one, outcome=Outcome("good", 1, contested=True))], [one]):  # fmt: skip
        for viewer in (None, "SW1"):
            assert queries.records_json(found, org, TODAY, viewer, known) == _dumped(found, org, TODAY, viewer), found


def _cut(body: bytes, ends: tuple[int, ...]) -> list[bytes]:
    return [body[(ends[i - 1] + 1 if i else 1) : end] for i, end in enumerate(ends)]


def test_a_record_where_it_stood_in_the_last_answer_is_cut_from_it_and_the_answer_is_the_records_dumped(served: SqlStore):
    """After a change to one of her obligations the records around it are cut from her last answer, not written
    again; after work added or gone (a record moved) the rest are looked up; every answer is the records dumped, and
    each record ends where ``ends`` says."""
    org = served.org()
    person = attender(served)
    found = queries.due(served, DueQuery(person=person, statuses=queries.parse_statuses("all")), TODAY)
    assert len(found) > 3
    keys = queries.record_keys(found, person)
    body, ends = queries.records_written(found, org, TODAY, person, None, keys)
    assert body == _dumped(found, org, TODAY, person) and len(ends) == len(found)
    assert [json.loads(piece)["id"] for piece in _cut(body, ends)] == [o.id for o in found]
    middle = len(found) // 2
    changed = found[:middle] + [dataclasses.replace(found[middle], status="done", sequence=found[middle].sequence + 1)] + found[middle + 1 :]
    for now in (changed, found[1:], [found[-1], *found[:-1]], found[:middle], changed[::-1], []):
        known: dict = {}  # records kept: only those written now land here
        now_keys = queries.record_keys(now, person)
        again, now_ends = queries.records_written(now, org, TODAY, person, known, now_keys, (keys, body, ends))
        assert again == _dumped(now, org, TODAY, person) and len(now_ends) == len(now)
        assert _cut(again, now_ends) == [json.dumps(queries.record(o, org, TODAY, person), ensure_ascii=False, separators=(",", ":")).encode() for o in now]
        moved = sum(1 for i, k in enumerate(now_keys) if i >= len(keys) or keys[i] != k)
        assert len(known) == moved  # what stood where it stood was cut, not written
    assert len(queries.records_written(changed, org, TODAY, person, {}, None, (keys, body, ends))[1]) == len(changed)
    assert queries.records_written(changed, org, TODAY, person, {}, queries.record_keys(changed, person), (keys, body, ends))[1] is not None


def test_a_record_is_not_cut_from_the_last_answer_for_an_obligation_that_only_compares_equal():
    """As with the records kept: cadence True where the last answer had 1, concerns True where it had 1."""
    from qaf.engine.model import Obligation, Outcome

    org = council()
    one = Obligation(id="abcdef0123456789", framework="fw", row="1.2", cadence=1, kind="audit", title="t", assignee="SW1",
                     subject_kind="worker", subject="SW1", period_start=date(2024, 4, 1), period_end=date(2024, 4, 30),
                     due=date(2024, 4, 30), outcome=Outcome("good", 1))  # fmt: skip
    last_found = [one, dataclasses.replace(one, id="bcdef0123456789a")]
    last_keys = queries.record_keys(last_found, "SW1")
    last = (last_keys, *queries.records_written(last_found, org, TODAY, "SW1", None, last_keys))
    for now in ([dataclasses.replace(one, outcome=Outcome("good", True)), last_found[1]],
                [one, dataclasses.replace(last_found[1], cadence=True)]):  # fmt: skip
        assert queries.records_written(now, org, TODAY, "SW1", None, queries.record_keys(now, "SW1"), last)[0] == _dumped(now, org, TODAY, "SW1")


def test_rows_read_on_the_drivers_cursor_are_those_sqlalchemy_reads(served: SqlStore):
    """:func:`ob_store.find` inside a begun transaction runs the statement on the driver's cursor: for every shape of
    filters the read path asks (a person, a team, dates, ids, a kind, a row, statuses) the same obligations, outcomes and all."""
    every = served.obligations(Filters(statuses=None))
    org, vocab = served.org(), served.vocabulary()
    shapes = [Filters(statuses=None), Filters(), Filters(framework=every[0].framework, kind="audit", row=every[0].row),
              Filters(due_from=date(2024, 5, 1), due_to=date(2024, 7, 31), teams=frozenset({"T1", "T2"})),
              Filters(ids=frozenset(o.id for o in every[::7]), statuses=None), Filters(team="T1", statuses=frozenset({"done"})),
              Filters(assignees=frozenset({"SW1"}), due_to=TODAY)]  # fmt: skip
    everything = queries.parse_statuses("all")
    shapes += [filters(DueQuery(person=p.id, statuses=everything), org, vocab, TODAY) for p in org.people]
    shapes += [filters(DueQuery(role=r, statuses=everything), org, vocab, TODAY) for r in list(vocab.roles)[:3]]
    shapes += [filters(DueQuery(team=t.id, service=t.service), org, vocab, TODAY) for t in org.teams]
    for f in shapes:
        statement, values = ob_store._statement(ob_store._shape(f)), ob_store._values(f)
        assert ob_store._compiled(statement, served.engine.dialect)[2] is not None, "the driver's cursor, not SQLAlchemy's path"
        with served.read() as conn:
            served.snapshot_in(conn)  # a transaction begun, as on the read path
            assert conn.in_transaction() and not conn.dispatch.before_cursor_execute
            fast = ob_store.find(conn, f)
            slow = list(map(ob_store.build, conn.execute(statement, values)))
        assert fast == slow and [o.outcome for o in fast] == [o.outcome for o in slow], f
        assert [tuple(map(type, dataclasses.astuple(o))) for o in fast] == [tuple(map(type, dataclasses.astuple(o))) for o in slow]
    with served.engine.connect() as conn:  # no transaction begun: SQLAlchemy's path, the same obligations
        assert ob_store.find(conn, Filters(statuses=None)) == every


def test_a_failing_read_on_the_drivers_cursor_raises_as_sqlalchemy_would(served: SqlStore, monkeypatch):
    from sqlalchemy.exc import DBAPIError

    f = Filters(statuses=None)
    compiled, binds, made = ob_store._compiled(ob_store._statement(ob_store._shape(f)), served.engine.dialect)
    broken = compiled.construct_expanded_state(ob_store._values(f)).statement.replace("FROM obligations", "FROM no_such_table", 1)

    class Broken:
        def construct_expanded_state(self, values):
            return compiled.construct_expanded_state(values)._replace(statement=broken)

        positional = compiled.positional

    monkeypatch.setattr(ob_store, "_compiled", lambda *_: (Broken(), binds, made))
    with served.read() as conn:
        served.snapshot_in(conn)
        with pytest.raises(DBAPIError):
            ob_store.find(conn, f)


def test_the_organisation_reads_back_as_it_was_saved_and_what_left_it_is_left_out(store: SqlStore):
    """:func:`org_store.load` reads a column at a time on the driver's cursor: each person, team, case and body comes
    back as saved (their order by id, dates as dates, roles and members as tuples, a value missing as None), and a
    later snapshot that leaves some out reads back without them."""
    from qaf.demo.synthetic import make_council
    from qaf.engine.org import Body, Case, Org, Person
    from qaf.store import org as org_store

    org = make_council(seed=3, size="small")
    leaver = dataclasses.replace(org.people[-1], end=date(2024, 3, 29))
    moved = Case("C-MOVED-1", org.teams[0].id, date(2023, 1, 9), org.people[0].id, date(2024, 5, 2), transferred=date(2023, 8, 1))
    nobody = Case("C-UNALLOCATED-1", org.teams[-1].id, date(2024, 2, 1))
    board = Body("B-EMPTY", "A panel with no members yet", None)
    people = (*org.people[:-1], leaver, Person("ZZ-NEW", "A new starter", "new@example.org"))
    org = dataclasses.replace(org, people=people, cases=(*org.cases, moved, nobody), bodies=(*org.bodies, board))
    store.save_org(org)

    def by_key(saved):
        return {
            "people": sorted(saved.people, key=lambda p: p.id), "teams": sorted(saved.teams, key=lambda t: t.id),
            "cases": sorted(saved.cases, key=lambda c: c.ref), "bodies": sorted(saved.bodies, key=lambda b: b.id),
        }  # fmt: skip

    with store.engine.connect() as conn:
        read = org_store.load(conn)
    for kind, records in by_key(org).items():
        got = list(getattr(read, kind))
        assert got == records, kind
        assert [tuple(map(type, dataclasses.astuple(r))) for r in got] == [tuple(map(type, dataclasses.astuple(r))) for r in records], kind
    assert read.person("ZZ-NEW").roles == () and read.person("ZZ-NEW").team is None
    assert read.case("C-UNALLOCATED-1").worker is None and read.case("C-MOVED-1").transferred == date(2023, 8, 1)
    assert any(b.id == "B-EMPTY" and b.members == () for b in read.bodies)

    fewer = dataclasses.replace(org, people=people[:-1], cases=org.cases[:-1], bodies=org.bodies[:-1])
    store.save_org(fewer)
    with store.engine.connect() as conn:
        again = org_store.load(conn)
    assert by_key(again) == by_key(fewer)
    assert again.fingerprint == Org(**{k: tuple(v) for k, v in by_key(fewer).items()}).fingerprint  # as the old read gave
    assert "ZZ-NEW" not in {p.id for p in again.people} and "C-UNALLOCATED-1" not in {c.ref for c in again.cases}


def test_the_planners_window_read_on_the_drivers_cursor_is_what_sqlalchemy_reads(served: SqlStore):
    """The calendar's read of a window (a large council's month turn reads 8,000 rows) runs on the driver's cursor:
    the same obligations, field by field and type by type, as SQLAlchemy's rows made into obligations, for windows
    that hold all, part or none of the year; and only the planner's own (no trigger-made work)."""
    from sqlalchemy import select

    from qaf.store.tables import OBLIGATIONS

    fw = served.stored_frameworks()[0].id
    c = OBLIGATIONS.c
    for first, last in ((date(2024, 1, 1), date(2025, 12, 31)), (date(2024, 6, 1), date(2024, 6, 30)), (date(2030, 1, 1), date(2030, 1, 31))):
        with served.write() as conn:
            fast = ob_store.planned_window(conn, fw, first, last)
            query = select(OBLIGATIONS).where(c.framework == fw, c.cadence >= 0, c.period_end >= first, c.period_start <= last)
            slow = {o.id: o for o in map(ob_store.from_row, conn.execute(query))}
        assert fast == slow, (first, last)
        assert [tuple(map(type, dataclasses.astuple(o))) for o in fast.values()] == [
            tuple(map(type, dataclasses.astuple(slow[k]))) for k in fast
        ]
        assert all(o.cadence >= 0 for o in fast.values())
    with served.read() as conn:
        whole = ob_store.planned_window(conn, fw, date(2024, 1, 1), date(2025, 12, 31))
    assert len(whole) > 100 and len({o.kind for o in whole.values()}) > 1


def test_a_feed_reads_what_find_selects_with_its_last_change_and_its_causes_title_and_never_the_notes(served: SqlStore):
    """A feed's rows (:func:`feed_store.items`) on the driver's cursor, the read path's, are SQLAlchemy's rows made
    the same way: for every person's work (their own and what they attend, two selects), a role's, a team's,
    everyone's, with and without the done window. Each is the obligation ``find`` reads, its last change as the
    row has it (UTC), its cause's title, and of its outcome only what a feed shows: the notes and key areas an
    auditor typed stay in the store."""
    from sqlalchemy import select

    from qaf.calendars.feed import finished_since
    from qaf.engine.model import Outcome
    from qaf.store.tables import OUTCOMES
    from qaf.engine.outcomes import GRADED, Recording
    from qaf.store import feeds as feed_store
    from qaf.usecases import recording

    typed = "Spoke to Jo at home; her sister was present"  # free text: never in a feed
    audit = next(o for o in served.obligations(Filters(kind="audit")) if o.assignee == "PM1" and o.status == "open")
    recording.record(served, Recording(audit.id, "inadequate", concerns=True, areas=(("Chronology", "inadequate"),),
                                       date=audit.period_start, notes=typed), TODAY)  # fmt: skip
    ungraded = next(o for o in served.obligations(Filters()) if o.kind not in GRADED and o.assignee)  # work that takes no grade
    recording.record(served, Recording(ungraded.id, None, date=TODAY), TODAY)
    org, vocab = served.org(), served.vocabulary()
    everything = queries.parse_statuses("all")
    shapes = [Filters(statuses=None), Filters(), Filters(teams=frozenset({"T1", "T2"}), due_from=date(2024, 5, 1)),
              Filters(row=audit.row, kind="audit", statuses=None)]  # fmt: skip
    shapes += [filters(DueQuery(person=p.id, statuses=everything), org, vocab, TODAY) for p in org.people]
    shapes += [filters(DueQuery(role=r, statuses=everything), org, vocab, TODAY) for r in list(vocab.roles)[:3]]
    with served.engine.connect() as conn:
        stored = {r.id: r for r in conn.execute(text("SELECT id, updated_at, title, cause FROM obligations"))}
        o = OUTCOMES.c
        outcomes = {r.obligation: Outcome(r.grade, r.concerns, r.by, r.audit_date)
                    for r in conn.execute(select(o.obligation, o.grade, o.concerns, o.by, o.audit_date))}  # fmt: skip
    seen_cause = seen_outcome = seen_ungraded = 0
    for f in shapes:
        for since in (None, finished_since(TODAY)):
            with served.read() as conn:
                served.snapshot_in(conn)  # a transaction begun, as on the read path
                fast = feed_store.items(conn, f, since)
                every = ob_store.find(conn, f)
            with served.engine.connect() as conn:  # no transaction begun: SQLAlchemy's path
                assert ob_store.fetch(conn, *ob_store.feed_statement(f, since)) is None
                slow = feed_store.items(conn, f, since)
            assert fast == slow and [i.obligation.outcome for i in fast] == [i.obligation.outcome for i in slow], f
            assert [tuple(map(type, dataclasses.astuple(i.obligation))) for i in fast] == [
                tuple(map(type, dataclasses.astuple(i.obligation))) for i in slow]  # fmt: skip
            shown = [o for o in every if since is None or o.status in ("open", "rescheduled") or o.due >= since
                     or (o.id in outcomes and outcomes[o.id].date >= since)]  # fmt: skip
            assert [i.obligation for i in fast] == shown, f
            for item, o in zip(fast, shown):
                row = stored[o.id]
                written = row.updated_at if isinstance(row.updated_at, datetime) else datetime.fromisoformat(row.updated_at)
                assert item.updated_at == (written.replace(tzinfo=timezone.utc) if written.tzinfo is None else written)
                assert item.updated_at.utcoffset().total_seconds() == 0
                assert item.cause_title == (stored[o.cause].title if o.cause else None)
                want = outcomes.get(o.id)  # recorded, graded or not: what a feed shows of it, and nothing else
                assert item.obligation.outcome == want
                if want is not None:
                    assert type(item.obligation.outcome.concerns) is bool and item.obligation.outcome.contested is False
                seen_cause += item.cause_title is not None
                seen_outcome += want is not None and want.concerns
                seen_ungraded += want is not None and want.grade is None
    assert seen_cause and seen_outcome and seen_ungraded  # follow-ups with their cause's title, outcomes with concerns
    with served.read() as conn:
        served.snapshot_in(conn)
        mine = feed_store.items(conn, filters(DueQuery(person="PM1", statuses=everything), org, vocab, TODAY))
    found = next(i.obligation.outcome for i in mine if i.obligation.id == audit.id)
    assert found.grade == "inadequate" and found.notes == "" and found.areas == () and typed not in repr(mine)
