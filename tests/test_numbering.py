"""A row's cadences keep their numbers when the council amends the framework (qaf/rules/numbering.py).

Row 1.6 of East Sussex, "Monthly monitoring Quarterly review": the Chief
Executive's monthly one-to-one with the DCS (cadence 0) and the quarterly
performance review (cadence 1). The obligations' identities hold these
numbers, so an amendment that moved them would take scheduled work for other
work. Played over many amendments at random: the numbers a row has are
distinct, the same text always gets the same numbers, a cadence the
amendment did not touch keeps its number, and an amendment withdrawn gives
back what it took.
"""

from __future__ import annotations

import dataclasses
import os

import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

from qaf.rules import bundled
from qaf.rules.loader import load_framework
from qaf.rules.model import Cadence, Every, Framework
from qaf.rules.numbering import moves, number, number_moves, replaced, same_task, signature, unknown_was

PUBLISHED, _ = load_framework(bundled.path("east-sussex-2013"))
ROW = PUBLISHED.row("1.6")
MONTHLY, QUARTERLY = ROW.cadences
HALF_YEARLY = dataclasses.replace(QUARTERLY, every=Every(months=6), note="Half-yearly performance review.")
LEAD_MEMBER = dataclasses.replace(MONTHLY, every=Every(months=12), with_=("Lead Member",), note="A yearly meeting.")
VISIT = Cadence(kind="visit", every=Every(months=3), note="A visit to a front-line team.")
POOL = (MONTHLY, QUARTERLY, HALF_YEARLY, LEAD_MEMBER, VISIT)


def with_1_6(*cadences: Cadence) -> Framework:
    return dataclasses.replace(PUBLISHED, rows=tuple(dataclasses.replace(r, cadences=cadences) if r.id == "1.6" else r for r in PUBLISHED.rows))


def numbers(fw: Framework) -> list[int]:
    return [n for n, _ in fw.row("1.6").numbered()]


def load(known, *cadences: Cadence):
    fw, known = number(with_1_6(*cadences), known)
    return numbers(fw), known


def test_first_loaded_cadences_are_numbered_by_their_place():
    fw, known = number(PUBLISHED, None)
    assert numbers(fw) == [0, 1] and fw == PUBLISHED, "nothing to record on a first load: the places are the numbers"
    assert known["rows"]["1.6"]["now"] == [[0, signature(MONTHLY)], [1, signature(QUARTERLY)]]


def test_the_monthly_meetings_struck_out_the_quarterly_review_keeps_its_number():
    _, known = number(PUBLISHED, None)
    assert load(known, QUARTERLY)[0] == [1]


def test_a_note_reworded_changes_nothing():
    _, known = number(PUBLISHED, None)
    assert load(known, dataclasses.replace(MONTHLY, note="One-to-one with the DCS, monthly."), QUARTERLY)[0] == [0, 1]


def test_a_cadence_put_in_front_takes_a_number_never_used():
    _, known = number(PUBLISHED, None)
    assert load(known, LEAD_MEMBER, MONTHLY, QUARTERLY)[0] == [2, 0, 1]


def test_quarterly_made_half_yearly_is_the_same_review():
    """Like row 1.5 made monthly: the review is still the review, its periods change."""
    _, known = number(PUBLISHED, None)
    assert load(known, MONTHLY, HALF_YEARLY)[0] == [0, 1]


def test_a_cadence_struck_out_and_put_back_has_its_number_again_even_after_others_came():
    _, known = number(PUBLISHED, None)
    _, known = load(known, QUARTERLY)
    _, known = load(known, QUARTERLY, LEAD_MEMBER)
    assert load(known, MONTHLY, QUARTERLY, LEAD_MEMBER)[0] == [0, 1, 2]


versions = st.lists(st.lists(st.sampled_from(POOL), min_size=0, max_size=4), min_size=1, max_size=8)


@settings(max_examples=int(os.environ.get("QAF_NUMBERING_EXAMPLES", "120")), deadline=None)  # 120 for the suite's time; ask for more to explore
@given(versions)
def test_amended_at_random_the_numbers_hold(amendments):
    fw, known = number(PUBLISHED, None)
    previous = ROW.cadences
    before, before_sigs = numbers(fw), [signature(c) for c in previous]
    for cadences in amendments:
        fw, after = number(with_1_6(*cadences), known)
        got, sigs = numbers(fw), [signature(c) for c in cadences]
        assert len(set(got)) == len(got), "a row's numbers are distinct"
        assert numbers(number(fw, after)[0]) == got, "the store reads the text it saved with the numbers it gave"
        for sig in set(sigs):
            if sigs.count(sig) == 1 and before_sigs.count(sig) == 1:
                assert got[sigs.index(sig)] == before[before_sigs.index(sig)], "a cadence left as it was keeps its number"
        if len(set(before_sigs)) == len(before_sigs):
            assert numbers(number(with_1_6(*previous), after)[0]) == before, "the amendment withdrawn gives back the numbers it took"
        known, previous, before, before_sigs = after, cadences, got, sigs


# --- rows renumbered -------------------------------------------------------------------------------------

LEAD_MEMBER_ROW = dataclasses.replace(ROW, id="1.6", task="Monthly meeting with the Lead Member", frequency="Monthly", cadences=(LEAD_MEMBER,))


def renumbered(fw: Framework, shift: dict[str, str], put_in=()) -> Framework:
    """``fw`` with rows given new numbers (``shift``), and rows put in before the first of them."""
    rows = [dataclasses.replace(r, id=shift.get(r.id, r.id)) for r in fw.rows]
    at = next(i for i, r in enumerate(fw.rows) if r.id in shift)
    return dataclasses.replace(fw, rows=(*rows[:at], *put_in, *rows[at:]))


def keys(fw: Framework, *ids: str) -> list[str]:
    return [fw.row(i).identity for i in ids]


SECTION_1_ON = {f"1.{n}": f"1.{n + 1}" for n in range(6, 14)}


def test_a_row_put_in_before_1_6_leaves_each_row_its_identity_and_numbers():
    _, known = number(PUBLISHED, None)
    fw, after, renamed = number_moves(renumbered(PUBLISHED, SECTION_1_ON, [LEAD_MEMBER_ROW]), known)
    assert renamed == {old: new for old, new in SECTION_1_ON.items()}
    assert keys(fw, "1.7", "1.8", "1.14") == ["1.6", "1.7", "1.13"], "each row is known by the number it was first loaded under"
    assert fw.row("1.7").numbered() == ((0, MONTHLY), (1, QUARTERLY))
    assert keys(fw, "1.6") == ["1.6#2"], "the row put in is new: a number no row had is its identity"
    again, _, moved = number_moves(fw, after)
    assert again == fw and moved == {}, "the store reads the text it saved as it numbered it"
    back, _, moved = number_moves(PUBLISHED, after)
    assert moved == {**{new: old for old, new in SECTION_1_ON.items()}, "1.6": "1.6 (struck out)"}
    assert back == PUBLISHED, "the renumbering withdrawn: each row is known by its own number again"


def test_rows_that_read_alike_keep_their_numbers():
    """Two rows with the same role, task and frequency: which went where cannot be told, so neither moves."""
    twin = dataclasses.replace(ROW, id="1.6a")
    fw = dataclasses.replace(PUBLISHED, rows=(*PUBLISHED.rows, twin))
    _, known = number(fw, None)
    shifted = renumbered(fw, {"1.6": "1.6b"})
    assert moves(shifted, known["rows"]) == {}


def test_a_row_amended_where_it_stands_is_the_same_row():
    _, known = number(PUBLISHED, None)
    amended = dataclasses.replace(PUBLISHED, rows=tuple(dataclasses.replace(r, frequency="Monthly") if r.id == "1.6" else r for r in PUBLISHED.rows))
    fw, _, moved = number_moves(amended, known)
    assert moved == {} and keys(fw, "1.6") == ["1.6"]


def test_a_row_renumbered_and_made_quarterly_at_once_is_known_by_its_role_and_task():
    _, known = number(PUBLISHED, None)
    quarterly = dataclasses.replace(ROW, frequency="Quarterly review", cadences=(QUARTERLY,))
    rows = tuple(quarterly if r.id == "1.6" else r for r in PUBLISHED.rows)
    fw, _, moved = number_moves(renumbered(dataclasses.replace(PUBLISHED, rows=rows), SECTION_1_ON, [LEAD_MEMBER_ROW]), known)
    assert moved["1.6"] == "1.7" and keys(fw, "1.6", "1.7") == ["1.6#2", "1.6"]
    assert fw.row("1.7").numbered() == ((1, QUARTERLY),), "the review keeps its number"


def test_a_row_struck_out_keeps_its_work_under_a_number_that_fits_and_is_no_other_rows():
    """A council's longest row id (50 characters) struck out, its number taken by a renumbered row: its work
    is kept under a number the store's row column holds."""
    long_id = "A" * 50
    rows = (dataclasses.replace(ROW, id=long_id), dataclasses.replace(LEAD_MEMBER_ROW, id="B"), *PUBLISHED.rows[:3])
    fw = dataclasses.replace(PUBLISHED, rows=rows)
    _, known = number(fw, None)
    moved = dataclasses.replace(fw, rows=(dataclasses.replace(LEAD_MEMBER_ROW, id=long_id), *PUBLISHED.rows[:3]))
    _, after, renamed = number_moves(moved, known)
    assert renamed == {"B": long_id, long_id: "A" * 37 + " (struck out)"}
    again = dataclasses.replace(moved, rows=(dataclasses.replace(ROW, id=long_id), dataclasses.replace(LEAD_MEMBER_ROW, id="C"), *PUBLISHED.rows[:3]))
    assert number_moves(again, after)[2] == {long_id: "C", "A" * 37 + " (struck out)": long_id}, "put back, it has its work again"


# --- a row replaced under its own number ---------------------------------------------------------------

@pytest.mark.parametrize("before, after, same", [
    (("Practice Managers", "One case per month for each worker"), ("Practice Managers", "Two cases per month for each worker"), True),
    (("Practice Managers", "Audit one case per month for each worker"), ("Team Managers", "Audit one case a month per worker"), True),
    (("Chief Executive", "Monitoring via one-to-one meetings with the DCS and quarterly performance reviews"),
     ("Chief Executive", "Monthly one-to-one meetings with the DCS"), True),
    (("Chief Executive", "Monitoring via one-to-one meetings with the DCS and quarterly performance reviews"),
     ("Chief Executive", "Monthly meeting with the Lead Member on the quality of services"), False),
    (("Chief Executive", "Annual focus group with front-line social care and early help workers and managers"),
     ("Chief Executive", "Quarterly meeting with the Lead Member"), False),
])  # fmt: skip
def test_a_row_under_its_number_is_the_same_row_while_it_asks_much_the_same(before, after, same):
    as_row = lambda role_task: dataclasses.replace(ROW, role=role_task[0], task=role_task[1])  # noqa: E731
    assert same_task(as_row(before), as_row(after)) is same


def test_a_row_replaced_is_new_work_and_its_number_s_row_is_kept_struck_out():
    _, known = number(PUBLISHED, None)
    amendment = dataclasses.replace(PUBLISHED, rows=tuple(LEAD_MEMBER_ROW if r.id == "1.6" else r for r in PUBLISHED.rows))
    assert replaced(amendment, known["rows"], PUBLISHED, {}) == ("1.6",)
    fw, after, renamed = number_moves(amendment, known, PUBLISHED)
    assert renamed == {"1.6": "1.6 (struck out)"} and keys(fw, "1.6", "1.7") == ["1.6#2", "1.7"]
    assert after["rows"]["1.6 (struck out)"]["key"] == "1.6" and not after["rows"]["1.6 (struck out)"]["in"]
    assert replaced(amendment, known["rows"], None, {}) == (), "without the version before, qaf cannot read what the row said"
    said_so = dataclasses.replace(amendment, rows=tuple(dataclasses.replace(r, was="1.6") if r.id == "1.6" else r for r in amendment.rows))
    assert keys(number_moves(said_so, known, PUBLISHED)[0], "1.6") == ["1.6"], "was: its own number: the same row"


def _was(fw: Framework, row: str, was: str) -> Framework:
    return dataclasses.replace(fw, rows=tuple(dataclasses.replace(r, was=was) if r.id == row else r for r in fw.rows))


def test_a_was_naming_no_row_of_the_version_before_is_a_problem_at_its_row():
    """Probe D2: row 3.16 renumbered 3.17 and reworded, ``was: "3.61"`` (a typo): loaded, 3.16's open audits
    would be cancelled as struck out. Its own number, ``new``, a row of the version before (even one still
    in place, which is not read) and a first load are fine."""
    _, known = number(PUBLISHED, None)
    typo = _was(dataclasses.replace(PUBLISHED, rows=tuple(
        dataclasses.replace(r, id="3.17", task="Practice Managers will do a supervision file audit with the new Mosaic form")
        if r.id == "3.16" else r for r in PUBLISHED.rows)), "3.17", "3.61")  # fmt: skip
    [problem] = unknown_was(typo, known, PUBLISHED)
    assert (problem.field, problem.source) == ("row.was", typo.row("3.17").source)
    assert problem.message.startswith("no row '3.61' in the framework loaded before (rows: 1.1, 1.2, ")
    assert "3.15, 3.16, 4.1" in problem.message
    assert unknown_was(typo, known, None), "the store's rows alone tell too"
    assert unknown_was(typo, None, None) == [], "a first load: nothing to compare"
    for fine in ("3.16", "3.17", "new", "1.6"):
        assert unknown_was(_was(typo, "3.17", fine), known, PUBLISHED) == [], fine
    assert unknown_was(_was(PUBLISHED, "1.6", "9.9"), known, PUBLISHED) == [], "its number holds it: the was is not read"
