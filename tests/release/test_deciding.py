"""The release decision as a pure function: every risk tier x credit grade x override against a table written out
by hand, and properties that hold for any inputs (Hypothesis)."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from release import deciding, matrix
from release.deciding import DecisionInputs, NegativeListMatch, Tightening

# One column per override, each cell "mode next reason stricter":
#   mode      DEC declare, VER verify, SAM sample, SUP supervised;
#   next      - nothing (released at once), R supply a report, S present for sampling, I present for inspection,
#             H on hold;
#   reason    why an inspection task is opened: - none, m the mode, k the risk assessment, r the random draw;
#   stricter  + made stricter than the matrix's cell by the override, . not.
# The overrides: none; a negative-list match (at least supervised); a risk rule forcing verify-release; an active
# bulletin forcing sample-release; a hold; the enterprise's tightened supervision (at least supervised); drawn by
# the dual-random overlay; a risk-targeted inspection.
OVERRIDES = ("none", "negative_list", "rule", "bulletin", "hold", "tightening", "drawn", "risk_inspection")
TABLE = """
tier      grade | none      | negative  | rule      | bulletin  | hold      | tightened | drawn     | inspect
low       AA    | DEC - - . | SUP I m + | VER R - + | SAM S m + | DEC H - . | SUP I m + | DEC I r . | DEC I k .
low       A     | DEC - - . | SUP I m + | VER R - + | SAM S m + | DEC H - . | SUP I m + | DEC I r . | DEC I k .
low       B     | VER R - . | SUP I m + | VER R - . | SAM S m + | VER H - . | SUP I m + | VER I r . | VER I k .
low       C     | SAM S m . | SUP I m + | SAM S m . | SAM S m . | SAM H - . | SUP I m + | SAM S m . | SAM S k .
low       D     | SUP I m . | SUP I m . | SUP I m . | SUP I m . | SUP H - . | SUP I m . | SUP I m . | SUP I k .
medium    AA    | DEC - - . | SUP I m + | VER R - + | SAM S m + | DEC H - . | SUP I m + | DEC I r . | DEC I k .
medium    A     | VER R - . | SUP I m + | VER R - . | SAM S m + | VER H - . | SUP I m + | VER I r . | VER I k .
medium    B     | VER R - . | SUP I m + | VER R - . | SAM S m + | VER H - . | SUP I m + | VER I r . | VER I k .
medium    C     | SAM S m . | SUP I m + | SAM S m . | SAM S m . | SAM H - . | SUP I m + | SAM S m . | SAM S k .
medium    D     | SUP I m . | SUP I m . | SUP I m . | SUP I m . | SUP H - . | SUP I m . | SUP I m . | SUP I k .
high      AA    | VER R - . | SUP I m + | VER R - . | SAM S m + | VER H - . | SUP I m + | VER I r . | VER I k .
high      A     | SAM S m . | SUP I m + | SAM S m . | SAM S m . | SAM H - . | SUP I m + | SAM S m . | SAM S k .
high      B     | SAM S m . | SUP I m + | SAM S m . | SAM S m . | SAM H - . | SUP I m + | SAM S m . | SAM S k .
high      C     | SUP I m . | SUP I m . | SUP I m . | SUP I m . | SUP H - . | SUP I m . | SUP I m . | SUP I k .
high      D     | SUP I m . | SUP I m . | SUP I m . | SUP I m . | SUP H - . | SUP I m . | SUP I m . | SUP I k .
very_high AA    | SUP I m . | SUP I m . | SUP I m . | SUP I m . | SUP H - . | SUP I m . | SUP I m . | SUP I k .
very_high A     | SUP I m . | SUP I m . | SUP I m . | SUP I m . | SUP H - . | SUP I m . | SUP I m . | SUP I k .
very_high B     | SUP I m . | SUP I m . | SUP I m . | SUP I m . | SUP H - . | SUP I m . | SUP I m . | SUP I k .
very_high C     | SUP I m . | SUP I m . | SUP I m . | SUP I m . | SUP H - . | SUP I m . | SUP I m . | SUP I k .
very_high D     | SUP I m . | SUP I m . | SUP I m . | SUP I m . | SUP H - . | SUP I m . | SUP I m . | SUP I k .
"""
MODES = {"DEC": "declare", "VER": "verify", "SAM": "sample", "SUP": "supervised"}
NEXT = {"-": "none", "R": "supply_report", "S": "await_sampling", "I": "await_inspection", "H": "on_hold"}
REASONS = {"-": "", "m": "release_mode", "k": "risk", "r": "random"}
# What each override records when it makes the mode stricter than the matrix's cell.
STRICTER_BY = {"negative_list": ("negative_list", "supervised"), "rule": ("risk", "verify"),
               "bulletin": ("bulletin", "sample"), "tightening": ("tightening", "supervised")}

MEAT = NegativeListMatch(entry=1, kind="category", value="meat", reason="FMD watch", min_mode=matrix.SUPERVISED)
LAB_FAILURE = Tightening(tightening=7, min_mode=matrix.SUPERVISED, reason="Lab failure", source_release=3)


def inputs_with(override: str, tier: str, grade: str) -> DecisionInputs:
    base = {"tier": tier, "grade": grade, "cells": matrix.DEFAULT_CELLS}
    extra = {
        "none": {},
        "negative_list": {"negative_list": (MEAT,)},
        "rule": {"risk_forced_mode": matrix.VERIFY, "risk_reason_codes": ("origin_watch",)},
        "bulletin": {"risk_forced_mode": matrix.SAMPLE, "risk_reason_codes": ("origin_watch", "bulletin:12")},
        "hold": {"hold": True},
        "tightening": {"tightening": LAB_FAILURE},
        "drawn": {"drawn": True},
        "risk_inspection": {"force_inspection": True},
    }[override]
    return DecisionInputs(**base, **extra)


def table_rows():
    for line in TABLE.strip().splitlines()[1:]:
        head, *cells = (part.strip() for part in line.split("|"))
        tier, grade = head.split()
        for override, cell in zip(OVERRIDES, cells, strict=True):
            yield pytest.param(tier, grade, override, *cell.split(), id=f"{tier}-{grade}-{override}")


def test_the_table_covers_every_tier_grade_and_override():
    rows = list(table_rows())
    assert len(rows) == len(matrix.TIERS) * len(matrix.GRADES) * len(OVERRIDES)
    assert {(p.values[0], p.values[1], p.values[2]) for p in rows} == {
        (t, g, o) for t in matrix.TIERS for g in matrix.GRADES for o in OVERRIDES}


@pytest.mark.parametrize(("tier", "grade", "override", "mode", "next_step", "reason", "stricter"), list(table_rows()))
def test_decision_table(tier, grade, override, mode, next_step, reason, stricter):
    decision = deciding.decide(inputs_with(override, tier, grade))
    assert decision.matrix_mode == matrix.DEFAULT_CELLS[tier][grade]
    assert (decision.mode, decision.next_step, decision.inspection_reason) == (
        MODES[mode], NEXT[next_step], REASONS[reason])
    assert decision.inspection_required == (reason != "-")
    assert decision.on_hold == (override == "hold")
    assert decision.random_selected == (override == "drawn")
    if stricter == "+":
        assert [(s.code, s.mode) for s in decision.stricter_by] == [STRICTER_BY[override]]
    else:
        assert decision.stricter_by == ()
    assert (decision.inspection_place, decision.destination_office, decision.direct_release_refused) == (
        "port", "", False)


def test_what_made_it_stricter_names_its_source():
    decision = deciding.decide(DecisionInputs(tier="low", grade="AA", cells=matrix.DEFAULT_CELLS,
                                              negative_list=(MEAT,), tightening=LAB_FAILURE,
                                              risk_forced_mode=matrix.SAMPLE, risk_reason_codes=("bulletin:4",)))
    assert decision.mode == matrix.SUPERVISED
    assert [(s.code, s.mode, s.source) for s in decision.stricter_by] == [
        ("negative_list", matrix.SUPERVISED, MEAT), ("bulletin", matrix.SAMPLE, None),
        ("tightening", matrix.SUPERVISED, LAB_FAILURE)]


def test_a_constraint_no_stricter_than_the_matrix_is_not_recorded():
    sample_only = NegativeListMatch(entry=2, kind="hs_prefix", value="8418", reason="Freon", min_mode=matrix.SAMPLE)
    decision = deciding.decide(DecisionInputs(tier="low", grade="D", cells=matrix.DEFAULT_CELLS,
                                              negative_list=(sample_only,), risk_forced_mode=matrix.VERIFY))
    assert decision.mode == matrix.SUPERVISED and decision.stricter_by == ()


def test_an_unknown_forced_mode_is_ignored():
    decision = deciding.decide(DecisionInputs(tier="low", grade="AA", cells=matrix.DEFAULT_CELLS,
                                              risk_forced_mode="release_now"))
    assert decision.mode == matrix.DECLARE and decision.stricter_by == ()


@pytest.mark.parametrize(("negative_list", "place", "office", "refused"), [
    ((), "destination", "HZO", False),
    ((MEAT,), "port", "", True),
])
def test_direct_release_goes_to_destination_unless_on_the_negative_list(negative_list, place, office, refused):
    inputs = DecisionInputs(tier="low", grade="C", cells=matrix.DEFAULT_CELLS, negative_list=negative_list,
                            inspection_place_requested="destination", destination_office="HZO")
    decision = deciding.decide(inputs)
    assert (decision.inspection_place, decision.destination_office, decision.direct_release_refused) == (
        place, office, refused)
    assert deciding.direct_release_refused(inputs) == refused


def test_a_hold_overrides_every_inspection():
    decision = deciding.decide(DecisionInputs(tier="very_high", grade="D", cells=matrix.DEFAULT_CELLS, hold=True,
                                              force_inspection=True, negative_list=(MEAT,)))
    assert (decision.mode, decision.next_step, decision.inspection_reason) == (matrix.SUPERVISED, "on_hold", "")


# --- Properties over any inputs ---------------------------------------------------------------------------------

modes = st.sampled_from(matrix.MODES)
cells = st.fixed_dictionaries({tier: st.fixed_dictionaries({grade: modes for grade in matrix.GRADES})
                               for tier in matrix.TIERS})
negative_matches = st.builds(NegativeListMatch, entry=st.integers(1, 99), kind=st.just("category"),
                             value=st.sampled_from(["meat", "aquatic"]), reason=st.just("reason"),
                             min_mode=st.sampled_from(deciding.INSPECTING_MODES))
tightenings = st.builds(Tightening, tightening=st.integers(1, 99), min_mode=modes, reason=st.just("lab failure"))
decision_inputs = st.builds(
    DecisionInputs,
    tier=st.sampled_from(matrix.TIERS + ("", "unknown")), grade=st.sampled_from(matrix.GRADES + ("",)), cells=cells,
    negative_list=st.lists(negative_matches, max_size=3).map(tuple),
    risk_forced_mode=st.sampled_from(matrix.MODES + ("",)),
    risk_reason_codes=st.lists(st.sampled_from(["origin_watch", "bulletin:3", "lab_history"]), max_size=3).map(tuple),
    force_inspection=st.booleans(), hold=st.booleans(), tightening=st.none() | tightenings,
    inspection_place_requested=st.sampled_from(["port", "destination"]), destination_office=st.just("HZO"),
    drawn=st.booleans())
# Each adds a constraint to the inputs (a forced mode or a tightening already there stays, or is made stricter).
overrides = st.sampled_from([
    lambda i, m: {"negative_list": i.negative_list + (NegativeListMatch(0, "category", "meat", "r", m),)},
    lambda i, m: {"risk_forced_mode": matrix.stricter(i.risk_forced_mode, m)},
    lambda i, m: {"risk_forced_mode": matrix.stricter(i.risk_forced_mode, m),
                  "risk_reason_codes": i.risk_reason_codes + ("bulletin:9",)},
    lambda i, m: {"tightening": Tightening(0, matrix.stricter(i.tightening.min_mode if i.tightening else "", m),
                                           "lab failure")},
    lambda i, m: {"force_inspection": True},
    lambda i, m: {"drawn": True},
])


def strictness(mode):
    return matrix.STRICTNESS[mode]


def inspects(decision):
    return decision.next_step in ("await_sampling", "await_inspection")


@given(decision_inputs)
def test_never_lighter_than_the_matrix_cell(inputs):
    decision = deciding.decide(inputs)
    assert decision.matrix_mode == matrix.mode_for(inputs.cells, inputs.tier, inputs.grade)
    assert strictness(decision.mode) >= strictness(decision.matrix_mode)
    for constraint in decision.stricter_by:
        assert strictness(constraint.mode) > strictness(decision.matrix_mode)
        assert strictness(decision.mode) >= strictness(constraint.mode)


@given(decision_inputs, overrides, modes)
def test_an_override_never_makes_it_lighter(inputs, override, mode):
    before = deciding.decide(inputs)
    after = deciding.decide(replace(inputs, **override(inputs, mode)))
    assert strictness(after.mode) >= strictness(before.mode)
    assert inspects(after) or not inspects(before)
    assert after.on_hold == before.on_hold


@given(decision_inputs)
def test_the_random_draw_only_ever_adds_an_inspection(inputs):
    undrawn = deciding.decide(replace(inputs, drawn=False))
    drawn = deciding.decide(replace(inputs, drawn=True))
    assert drawn.mode == undrawn.mode and drawn.stricter_by == undrawn.stricter_by
    if inputs.hold:
        assert drawn == undrawn
    else:
        assert inspects(drawn) and drawn.random_selected
        assert drawn.inspection_reason == (undrawn.inspection_reason or "random")


@given(decision_inputs)
def test_an_inspecting_mode_always_inspects_and_a_hold_never_does(inputs):
    decision = deciding.decide(inputs)
    if inputs.hold:
        assert decision.next_step == "on_hold" and not decision.inspection_required
    elif decision.mode in deciding.INSPECTING_MODES or inputs.force_inspection or inputs.drawn:
        assert inspects(decision) and decision.inspection_required
    else:
        assert decision.next_step == ("supply_report" if decision.mode == matrix.VERIFY else "none")


@given(decision_inputs)
def test_goods_on_the_negative_list_are_inspected_at_the_port(inputs):
    decision = deciding.decide(inputs)
    if inputs.negative_list:
        assert decision.inspection_place == "port" and decision.destination_office == ""
        assert strictness(decision.mode) >= strictness(matrix.SAMPLE)
    assert decision.direct_release_refused == bool(inputs.negative_list and
                                                   inputs.inspection_place_requested == "destination")
