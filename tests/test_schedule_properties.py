"""Properties of scheduling over random organisations and horizons (hypothesis)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qaf.demo.synthetic import make_council
from qaf.engine.schedule import plan
from qaf.engine.workdays import WorkingDays
from qaf.rules import bundled
from qaf.rules.loader import load_framework
from qaf.store.sql import SqlStore
from qaf.usecases import scheduling

FRAMEWORKS = {name: load_framework(bundled.path(name))[0] for name in bundled.names()}
WORKDAYS = WorkingDays()


@st.composite
def organisations(draw):
    """A small synthetic council, with some people and cases coming and going at random."""
    org = make_council(seed=draw(st.integers(0, 10_000)), size="small")
    day = st.dates(date(2025, 1, 1), date(2027, 6, 30))
    people = list(org.people)
    for i in draw(st.lists(st.integers(0, len(people) - 1), max_size=8, unique=True)):
        start = draw(st.none() | day)
        end = draw(st.none() | day)
        if start and end and end < start:
            start, end = end, start
        people[i] = dataclasses.replace(people[i], start=start, end=end)
    return dataclasses.replace(org, people=tuple(people))


windows = st.tuples(st.dates(date(2025, 1, 1), date(2027, 3, 31)), st.integers(0, 400), st.integers(-60, 400)).map(
    lambda t: (t[0], t[0] + timedelta(days=t[1]), t[0] + timedelta(days=t[2]))
)
frameworks = st.sampled_from(sorted(FRAMEWORKS))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations(), windows, frameworks)
def test_planning_is_deterministic_and_every_obligation_is_sound(org, window, name):
    first, last, today = window
    fw = FRAMEWORKS[name]
    a = plan(fw, org, first, last, today)
    assert a == plan(fw, org, first, last, today)
    assert len({o.id for o in a.obligations}) == len(a.obligations), "two obligations share an identity"
    for o in a.obligations:
        assert WORKDAYS.is_working(o.due), o
        assert o.period_start <= o.due <= o.period_end, o
        assert o.period_end >= first and o.period_start <= last, o
        if o.assignee is not None:
            assert org.person(o.assignee).active_on(o.due), f"{o.title} assigned to someone inactive on {o.due}"
        if o.case is not None and o.subject_kind != "obligation":
            assert org.case(o.case).open_on(o.period_start), o


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations(), windows)
def test_peer_audits_never_land_in_the_assignees_own_service(org, window):
    fw = FRAMEWORKS["east-sussex-2013"]
    services = {t.id: t.service for t in org.teams}
    peer_rows = {row.id for row in fw.rows for c in row.cadences if c.peer == "different_service"}
    for o in plan(fw, org, *window).obligations:
        if o.row in peer_rows and o.subject_kind == "team" and o.kind == "audit":
            assignee = org.person(o.assignee)
            assert services.get(assignee.team or "") != services[o.subject], o


@pytest.mark.parametrize("name", ["east-sussex-2013", "rotherham-2016"])
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(org=organisations(), window=windows)
def test_scheduling_twice_in_the_store_changes_nothing(tmp_path_factory, name, org, window):
    first, last, today = window
    store = SqlStore.open(f"sqlite:///{tmp_path_factory.mktemp('db') / 'qaf.db'}")
    try:
        fw = FRAMEWORKS[name]
        once = scheduling.schedule(store, fw, org, first, last, today)
        twice = scheduling.schedule(store, fw, org, first, last, today, force=True)
        assert (twice.created, twice.updated, twice.cancelled, twice.reopened) == (0, 0, 0, 0)
        assert twice.unchanged == twice.planned == once.planned
    finally:
        store.close()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organisations(), st.dates(date(2025, 1, 1), date(2027, 6, 30)), frameworks)
def test_the_nearest_holder_up_the_line_is_found_without_listing_every_holder(org, day, name):
    """"Alert the Operations Manager": walking the worker's line finds the same person as listing every
    Operations Manager in the council on the day and taking the nearest, for every role and person
    (people who have left or not yet started included)."""
    from qaf.engine.scope import people_of
    from qaf.rules.roles import vocabulary_of

    vocab = vocabulary_of(FRAMEWORKS[name])
    people = people_of(org, vocab)
    for role in sorted(vocab.roles):
        holders = people.holders((role,), day, day)
        for person in org.people:
            assert people.holds_on(person, role, day) == (person.id in {h.id for h in holders})
            assert people.holder_up_line(person.id, role, day) == people.nearest_up_line(person.id, holders)
