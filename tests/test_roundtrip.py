"""framework -> canonical text -> loader gives the same framework (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qaf.rules import bundled
from qaf.rules.loader import load_framework, load_text
from qaf.rules.model import (
    ACTIONS,
    EVENTS,
    GRADES,
    KINDS,
    MODERATORS,
    PEER,
    ROTATE,
    TEAM_KINDS,
    Action,
    Cadence,
    Condition,
    Every,
    Framework,
    Role,
    Row,
    Sample,
    Span,
    Step,
    Target,
    Trigger,
    Variation,
)  # fmt: skip
from qaf.rules.plain import INVISIBLE
from qaf.rules.printer import print_framework

ROLES = ("Practice Manager", "Operations Manager", "Head of Service", "Director of Children's Services")
BODIES = ("CSCMT", "LSCB")
AREAS = ("Chronology", "Voice of the child")

# text as councils write it: letters, digits, punctuation, quotes, colons, hashes, newlines (no invisible format
# character but ZWNJ and ZWJ: a framework holds none, rules.plain.INVISIBLE)
text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cf"), include_characters="\n\u200c\u200d"),
    max_size=60,
).filter(lambda s: (s == s.strip(" \t\n") or "\n" not in s) and not INVISIBLE.search(s))  # Unicode 15's Cf, unassigned to 3.11
word = st.from_regex(r"[A-Za-z][A-Za-z0-9 .,'&()/-]{0,30}", fullmatch=True).map(str.strip).filter(bool)
every = st.one_of(st.sampled_from([1, 2, 3, 4, 6, 12]).map(lambda m: Every(months=m)), st.integers(1, 52).map(lambda w: Every(weeks=w)))
span = st.builds(Span, st.integers(1, 24), st.sampled_from(Span.UNITS))
roles = st.lists(st.sampled_from(ROLES), max_size=2, unique=True).map(tuple)


@st.composite
def cadences(draw) -> Cadence:
    every_ = draw(every)
    kind = draw(st.sampled_from([k for k in KINDS if k != "action"]))  # an action is raised by an outcome, never by a row
    per = draw(st.sampled_from(("assignee", "worker", "team", "case_holder")))
    return Cadence(
        kind=kind,
        every=every_,
        count=draw(st.integers(1, 5)),
        count_max=draw(st.none() | st.integers(5, 9)),
        per=per,
        roles=("Practice Manager",) if per == "case_holder" else (),
        within=draw(st.sampled_from(("all", "own_service", "own_team"))),
        peer=draw(st.sampled_from(PEER)) if per == "team" and draw(st.booleans()) else None,
        rotate=draw(st.none() | st.sampled_from(ROTATE)) if per == "assignee" else None,
        rota=draw(st.booleans()) if per == "assignee" else False,
        team_kind=draw(st.none() | st.sampled_from(TEAM_KINDS)),
        case=draw(st.booleans()),
        share=draw(st.none() | st.floats(0.5, 100)),
        by=draw(roles),
        to=draw(st.lists(st.sampled_from(BODIES + ROLES), max_size=2, unique=True).map(tuple)),
        with_=draw(roles),
        copy=draw(roles),
        except_months=tuple(sorted(draw(st.sets(st.integers(1, 12), max_size=3)))) if every_.months else (),
        variations=(Variation("early_help", draw(every), draw(st.integers(1, 3))),) if per == "team" and draw(st.booleans()) else (),
        sample=sample(draw(st.none() | st.integers(1, 5)), draw(st.sampled_from(MODERATORS))) if kind == "moderation" else None,
        on=None,
        note=draw(text),
        hours=draw(st.none() | st.floats(0.25, 40, allow_nan=False, allow_infinity=False)),
    )


def sample(count: int | None, moderator: str) -> Sample:
    """Row 1's audits: ``count`` of them, or 10% where no count is drawn (a sample is one size or the other)."""
    return Sample("1", count, None if count is not None else 10.0, moderator)


@st.composite
def event_cadences(draw) -> Cadence:
    return Cadence(kind="audit", on=draw(st.sampled_from(EVENTS)), due_within=draw(span), case=True, per="assignee")


@st.composite
def triggers(draw) -> Trigger:
    actions = []
    for do in draw(st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3)):
        actions.append(Action(
            do=do,
            count=draw(st.integers(1, 3)),
            cases="same_worker" if do == "follow_up_audits" else None,
            within=draw(span),
            role=draw(st.sampled_from(ROLES)),
            of=draw(st.sampled_from(("assignee", "worker", "team"))),
            note=draw(text),
            moderator=draw(st.sampled_from(MODERATORS)) if do == "moderation" else "pool",
        ))  # fmt: skip
    when = Condition(
        on=draw(st.sampled_from(("outcome", "moderation", "contest"))),
        concerns=draw(st.none() | st.booleans()),
        grades=frozenset(draw(st.sets(st.sampled_from(GRADES)))),
        areas=tuple(sorted((a, frozenset(draw(st.sets(st.sampled_from(GRADES))))) for a in draw(st.sets(st.sampled_from(AREAS))))),
        kinds=frozenset(draw(st.sets(st.sampled_from(KINDS), max_size=2))),
    )
    return Trigger(when, tuple(actions), draw(st.sampled_from(("", "concerns"))))


@st.composite
def rows(draw, row_id: str) -> Row:
    unschedulable = draw(st.booleans()) and row_id != "1"
    return Row(
        id=row_id,
        role=draw(text.filter(lambda s: s.strip())),
        task=draw(text),
        frequency=draw(text),
        purpose=draw(text),
        by=(draw(st.sampled_from(ROLES)),),
        cadences=() if unschedulable else tuple(draw(st.lists(cadences() | event_cadences(), min_size=1, max_size=3))),
        triggers=() if unschedulable else tuple(draw(st.lists(triggers(), max_size=2, unique_by=lambda t: t.id or id(t)))),  # a row's ids its own
        unschedulable=draw(text.filter(lambda s: s.strip())) if unschedulable else None,
        section=draw(text),
        notes=tuple(draw(st.lists(text, max_size=2))),
    )


@st.composite
def frameworks(draw) -> Framework:
    ids = ["1", *draw(st.lists(st.from_regex(r"[1-5]\.[0-9]{1,2}", fullmatch=True), unique=True, max_size=4))]
    return Framework(
        id=draw(st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True)),
        title=draw(word),
        version=draw(st.sampled_from(["1", "2012/13", "3.10", "no", "2023-10"])),
        council=draw(st.sampled_from(["", "East Sussex County Council"])),
        rows=tuple(draw(rows(i)) for i in ids),
        roles=tuple(Role(r, (r.upper() + "S",) if i % 2 else ()) for i, r in enumerate(ROLES)) + tuple(Role(b, body=True) for b in BODIES),
        year_start=(draw(st.integers(1, 12)), draw(st.integers(1, 28))),
        lookback_months=draw(st.integers(1, 12)),
        areas=AREAS,
        escalation=(Step(0, "assignee"), Step(5, "line_manager"), Step(20, "Head of Service", True)),
        escalate_grades=tuple(draw(st.lists(st.sampled_from(GRADES), min_size=1, max_size=2, unique=True))),
        digest_roles=("Director of Children's Services",),
        targets=(Target("inadequate", draw(st.floats(0, 100))),),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frameworks())
def test_printed_framework_loads_back_equal(fw: Framework):
    printed = print_framework(fw)
    loaded, problems = load_text(printed, "printed.yaml")
    assert not problems, [str(p) for p in problems]
    assert loaded == fw


def test_bundled_frameworks_round_trip():
    for name in bundled.names():
        fw, problems = load_framework(bundled.path(name))
        assert not problems, name
        again, problems = load_text(print_framework(fw), name)
        assert not problems and again == fw, name
        # and the canonical text is a fixed point
        assert print_framework(again) == print_framework(fw)
