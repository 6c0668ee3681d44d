"""durable-rules and the reference evaluator agree on every generated framework and outcome."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qaf.engine.backend import durable_available
from qaf.engine.rules_ref import Event, ReferenceRules
from qaf.engine.triggers import DurableRules, rules_for
from qaf.rules import bundled
from qaf.rules.loader import load_framework
from qaf.rules.model import GRADES, KINDS
from tests.test_roundtrip import AREAS, frameworks

needs_durable = pytest.mark.skipif(not durable_available()[0], reason="durable-rules does not import here (Python 3.13+)")


def events(row_ids):
    return st.builds(
        Event,
        id=st.uuids().map(str),
        on=st.sampled_from(("outcome", "moderation", "contest")),
        row=st.sampled_from(row_ids),
        kind=st.sampled_from(KINDS),
        grade=st.none() | st.sampled_from(GRADES),
        concerns=st.booleans(),
        areas=st.lists(st.tuples(st.sampled_from(AREAS), st.sampled_from(GRADES)), max_size=2, unique_by=lambda t: t[0]).map(tuple),
        scheduled=st.booleans(),
    )


@needs_durable
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_durable_rules_and_the_reference_evaluator_fire_the_same_triggers(data):
    fw = data.draw(frameworks())
    durable, reference = rules_for(fw), ReferenceRules(fw)
    assert isinstance(durable, DurableRules)
    for event in data.draw(st.lists(events([r.id for r in fw.rows]), min_size=1, max_size=8)):
        assert [f.index for f in durable.fired(event)] == [f.index for f in reference.fired(event)], event


@needs_durable
def test_the_bundled_frameworks_agree_on_every_grade_and_concern():
    for name in bundled.names():
        fw, _ = load_framework(bundled.path(name))
        durable, reference = rules_for(fw), ReferenceRules(fw)
        assert durable.name == "durable-rules"
        for row in fw.rows:
            for on in ("outcome", "moderation", "contest"):
                for grade in fw.grades:
                    for concerns in (False, True):
                        for kind, scheduled in (("audit", True), ("follow_up_audit", False), ("review", False)):
                            e = Event(f"{row.id}/{on}/{grade}/{concerns}/{kind}", on, row.id, kind, grade, concerns, (), scheduled)
                            assert [f.index for f in durable.fired(e)] == [f.index for f in reference.fired(e)], e


def test_without_durable_rules_the_reference_evaluator_is_used(monkeypatch):
    from qaf.engine import triggers

    monkeypatch.setattr(triggers, "durable_available", lambda: (False, "ImportError: undefined symbol: PyEval_CallObject"))
    fw, _ = load_framework(bundled.path("east-sussex-2013"))
    assert rules_for(fw).name == "reference evaluator"


@needs_durable
def test_twenty_thousand_unmatched_events_do_not_exhaust_the_engine():
    """Regression: every post opens a durable-rules session; unmatched ones were never closed and the
    engine raised MemoryError after a few thousand outcomes."""
    fw, _ = load_framework(bundled.path("east-sussex-2013"))
    rules = rules_for(fw)
    fired = sum(len(rules.fired(Event(f"leak-{i}", "outcome", "3.16", "audit", "good", i % 10 == 0))) for i in range(20_000))
    assert fired == 2_000


def test_a_trigger_without_kinds_fires_on_its_row_s_scheduled_work_only():
    """East Sussex 3.3's concerns trigger ("If concerns are identified"), which names no kinds: the yearly audit
    sets it off; a follow-up audit, a review or an audit a trigger made does not."""
    fw, _ = load_framework(bundled.path("east-sussex-2013"))
    assert fw.row("3.3").triggers[0].when.kinds == frozenset()
    for rules in {rules_for(fw), ReferenceRules(fw)}:
        fired = [len(rules.fired(Event(f"{rules.name}/{kind}/{scheduled}", "outcome", "3.3", kind, "inadequate", True, (), scheduled)))
                 for kind, scheduled in (("audit", True), ("follow_up_audit", False), ("review", False), ("audit", False))]  # fmt: skip
        assert fired == [1, 0, 0, 0], rules.name
