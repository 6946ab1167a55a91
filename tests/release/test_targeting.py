"""Risk targeting within each grade's inspection budget: the cut-offs (pure), the decision they drive, their
recomputation, and what a submission records."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ciq_portal.models import AuditEntry
from credit.services import inspection_policy_update
from release import deciding, matrix, targeting
from release.deciding import DecisionInputs, NegativeListMatch
from release.models import ReleaseDecision, SelectionCutoffs
from release.selectors import selection_cutoffs_current
from release.services import release_decide, selection_cutoffs_compute
from release.targeting import PastDecision

from .factories import FakeAssessment, submitted_declaration

# B: 10 % of the rest after the 0.5 % random share, two of the fixtures' 20 decisions, targeted for sure above them.
BUDGETS = {"AA": "0.004", "A": "0.01", "B": "0.10450", "C": "0.2", "D": "0.9"}
RANDOM = {"AA": "0.001", "A": "0.0025", "B": "0.005", "C": "0.05", "D": "0.1"}


# --- the cut-off (pure) -----------------------------------------------------------------------------------------

def test_targeted_share_makes_forced_targeted_and_random_add_up_to_the_budget():
    share = targeting.targeted_share(budget=0.1, random_ratio=0.02, forced_share=0.03)
    left = 1 - 0.03
    assert 0.03 + left * (share + (1 - share) * 0.02) == pytest.approx(0.1)


def test_forced_and_random_beyond_the_budget_leave_nothing_to_target():
    assert targeting.targeted_share(budget=0.05, random_ratio=0.01, forced_share=0.08) == 0.0
    assert targeting.targeted_share(budget=0.05, random_ratio=0.05, forced_share=0.0) == 0.0


def test_cutoff_takes_the_highest_harm_first_and_counts_the_forced():
    past = [PastDecision(harm=h / 100, probability=h / 100, forced=False) for h in range(100)]
    past += [PastDecision(harm=0.0, probability=0.5, forced=True) for _ in range(10)]
    cut = targeting.grade_cutoff("B", past, budget=0.2, random_ratio=0.0)
    # 110 decisions, 22 to inspect: 10 forced, so the 12 highest of the rest (harm 0.88 to 0.99).
    assert cut.cutoff == pytest.approx(0.88) and cut.expected_rate == pytest.approx(0.2)
    assert cut.forced_share == pytest.approx(10 / 110)
    assert cut.expected_hits == pytest.approx(100 * (10 * 0.5 + sum(range(88, 100)) / 100) / 110)


def test_ties_at_the_cutoff_are_shared_not_all_taken():
    past = [PastDecision(harm=0.0, probability=0.0, forced=False) for _ in range(100)]
    cut = targeting.grade_cutoff("B", past, budget=0.1, random_ratio=0.0)
    assert cut.cutoff == 0.0 and cut.tie_share == pytest.approx(0.1)
    taken = sum(targeting.is_targeted(0.0, cut.cutoff, tie_share=cut.tie_share, tie_draw=targeting.tie_draw(f"N{i}"))
                for i in range(2000))
    assert 150 < taken < 250


def test_a_budget_below_one_consignment_in_the_window_still_targets_its_share():
    past = [PastDecision(harm=h / 100, probability=0.0, forced=False) for h in range(100)]
    cut = targeting.grade_cutoff("AA", past, budget=0.004, random_ratio=0.0)
    # 0.4 of a consignment: the highest harm, at the cut-off, is targeted four times in ten; anything above, always.
    assert cut.cutoff == pytest.approx(0.99) and cut.tie_share == pytest.approx(0.4)
    assert cut.expected_rate == pytest.approx(0.004)
    # Above the highest harm of the window, a new consignment is targeted four times in ten too: one in 101 lands
    # there, and 0.4 in 100 are to be targeted.
    assert cut.above_share == pytest.approx(0.4)
    assert targeting.is_targeted(1.5, cut.cutoff, tie_share=cut.tie_share, tie_draw=0.3, above_share=0.4)
    assert not targeting.is_targeted(1.5, cut.cutoff, tie_share=cut.tie_share, tie_draw=0.5, above_share=0.4)


def test_a_fractional_number_to_target_takes_each_consignment_above_the_cutoff_in_its_share():
    past = [PastDecision(harm=h / 1000, probability=0.0, forced=False) for h in range(1000)]
    cut = targeting.grade_cutoff("A", past, budget=0.0025, random_ratio=0.0)  # 2.5 of 1000: above the 3rd highest
    assert cut.cutoff == pytest.approx(0.997) and cut.above_share == pytest.approx(2.5 / 3)


def test_what_the_window_owes_its_budget_is_made_up_over_the_next_week():
    # 1,000 decisions over 10 days under cut-offs, budget 1 %: 10 to inspect, 6 were (the tail's luck). The next
    # week's 700 decisions aim at 1 % + 4 / 700.
    past = [PastDecision(harm=h / 1000, probability=0.0, forced=False, under_cutoffs=True, inspected=h >= 994)
            for h in range(1000)]
    assert targeting.budget_aim(past, budget=0.01, ahead=100) == pytest.approx(0.05)
    cut = targeting.cutoffs_for({"A": past}, budgets={"A": 0.01}, ratios={"A": 0.0}, days=10)["A"]
    aim = 0.01 + 4 / (100 * targeting.CATCH_UP_DAYS)
    assert cut.budget == 0.01 and cut.aim == pytest.approx(aim) and cut.expected_rate == pytest.approx(aim)
    # Spent beyond it (20 of 10): nothing is targeted until the window is back within it.
    spent = [PastDecision(harm=p.harm, probability=0.0, forced=False, under_cutoffs=True, inspected=p.harm >= 0.98)
             for p in past]
    assert targeting.cutoffs_for({"A": spent}, budgets={"A": 0.01}, ratios={"A": 0.0}, days=10)["A"].cutoff is None
    # Decisions the matrix made alone (before any cut-off) are not the targeting's to make up; a projection (no
    # days) aims at the budget itself.
    matrix_only = [PastDecision(harm=p.harm, probability=0.0, forced=False, inspected=True) for p in past]
    assert targeting.budget_aim(matrix_only, budget=0.01, ahead=100) == 0.01
    assert targeting.cutoffs_for({"A": past}, budgets={"A": 0.01}, ratios={"A": 0.0})["A"].aim == 0.01


def test_no_history_targets_nothing():
    cut = targeting.grade_cutoff("AA", [], budget=0.01, random_ratio=0.001)
    assert cut.cutoff is None and cut.decisions == 0
    assert not targeting.is_targeted(5.0, None)


def test_a_share_to_target_of_a_billionth_targets_nothing():
    # What forced and random inspections leave of the budget can be a rounding error above zero.
    past = [PastDecision(harm=h / 10, probability=0.0, forced=False) for h in range(10)]
    cut = targeting.grade_cutoff("AA", past, budget=1e-12, random_ratio=0.0)
    assert cut.cutoff is None and cut.expected_rate == 0.0


def test_harm_weighs_category_value_bulletin_and_critical_fraud():
    base = targeting.expected_harm(probability=0.1)
    assert base == pytest.approx(0.1)
    assert targeting.expected_harm(probability=0.1, categories={"meat"}) > base
    assert targeting.expected_harm(probability=0.1, value=10_000_000) > base
    assert targeting.expected_harm(probability=0.1, hazards=["animal_disease"]) > base
    assert targeting.expected_harm(probability=0.1, critical_history=True) == pytest.approx(0.2)


# --- the decision (pure) ----------------------------------------------------------------------------------------

def targeted_inputs(tier, grade, harm, cutoff=0.5, **extra):
    return DecisionInputs(tier=tier, grade=grade, cells=matrix.DEFAULT_CELLS, budget_targeting=True, harm=harm,
                          harm_cutoff=cutoff, **extra)


def test_below_the_cutoff_an_inspecting_cell_becomes_verify_release():
    decision = deciding.decide(targeted_inputs("high", "B", harm=0.1))  # the matrix: sample-release
    assert decision.mode == matrix.VERIFY and not decision.inspection_required
    assert decision.budget_lightened and decision.selection == ""


def test_at_the_cutoff_a_light_cell_is_inspected():
    decision = deciding.decide(targeted_inputs("low", "AA", harm=0.5))  # the matrix: declare-release
    assert decision.mode == matrix.SAMPLE and decision.inspection_required and decision.selection == "targeted"


def test_forced_modes_still_override_below_the_cutoff():
    meat = NegativeListMatch(entry=1, kind="category", value="meat", reason="watch", min_mode=matrix.SUPERVISED)
    decision = deciding.decide(targeted_inputs("low", "B", harm=0.0, negative_list=(meat,)))
    assert decision.mode == matrix.SUPERVISED and decision.selection == "forced"
    bulletin = deciding.decide(targeted_inputs("low", "B", harm=0.0, risk_forced_mode=matrix.SAMPLE,
                                               risk_reason_codes=("bulletin-3",)))
    assert bulletin.mode == matrix.SAMPLE and bulletin.selection == "forced"
    assert [s.code for s in bulletin.stricter_by] == ["bulletin"]


def test_the_random_draw_still_adds_an_inspection_below_the_cutoff():
    decision = deciding.decide(targeted_inputs("high", "B", harm=0.1, drawn=True))
    assert decision.mode == matrix.VERIFY and decision.inspection_reason == "random"
    assert decision.selection == "random" and decision.random_selected


def test_without_cutoffs_the_matrix_decides_alone():
    decision = deciding.decide(DecisionInputs(tier="high", grade="B", cells=matrix.DEFAULT_CELLS, harm=0.0))
    assert decision.mode == matrix.SAMPLE and decision.selection == "matrix" and not decision.budget_lightened


# --- recomputation and submission -------------------------------------------------------------------------------

def decide(enterprise, **assessment):
    return release_decide(declaration=submitted_declaration(enterprise), assessment=FakeAssessment(**assessment))


@pytest.fixture
def budgets(supervisor):
    return inspection_policy_update(ratios=RANDOM, budgets=BUDGETS, actor=supervisor)


def test_a_decision_records_its_harm_and_why_it_is_inspected(hs, draw, site, enterprise_a):
    decision = decide(enterprise_a, tier="high", score=40.0)
    assert decision.harm == pytest.approx(targeting.expected_harm(probability=0.4, categories={"aquatic"},
                                                                  value=float(decision.declaration.lines.get().value)))
    assert decision.hit_probability == pytest.approx(0.4)
    assert decision.selection == "matrix" and decision.cutoffs_version is None  # nothing computed yet


def test_cutoffs_recomputed_from_recent_decisions_drive_the_next_submissions(hs, draw, site, enterprise_a, budgets,
                                                                              django_capture_on_commit_callbacks):
    for score in range(0, 100, 5):  # 20 decisions of grade B, harm rising with the score
        decide(enterprise_a, tier="low", score=float(score))
    cutoffs = selection_cutoffs_compute(trigger="test")
    grade_b = cutoffs.grades["B"]
    assert cutoffs.version == 1 and cutoffs.policy_version == budgets.version and grade_b["decisions"] == 20
    # 10 % of 20 after 0.5 % drawn: the two highest harms.
    harms = sorted(ReleaseDecision.objects.values_list("harm", flat=True), reverse=True)
    assert grade_b["cutoff"] == pytest.approx(harms[1]) and grade_b["expected_rate"] == pytest.approx(0.1045, abs=0.001)
    assert grade_b["above_share"] == pytest.approx(1.0)
    assert AuditEntry.objects.filter(action="selection_cutoffs.compute", object_id=str(cutoffs.pk)).exists()
    assert selection_cutoffs_current()["version"] == 1
    high = decide(enterprise_a, tier="low", score=99.0)
    low = decide(enterprise_a, tier="high", score=1.0)
    assert high.selection == "targeted" and high.mode == matrix.SAMPLE and high.cutoffs_version == 1
    assert low.mode == matrix.VERIFY and not low.inspection_required and low.inputs["budget_lightened"]


def test_an_activation_recomputes_the_cutoffs(hs, draw, site, enterprise_a, supervisor,
                                               django_capture_on_commit_callbacks):
    decide(enterprise_a)
    with django_capture_on_commit_callbacks(execute=True):
        inspection_policy_update(ratios=RANDOM, budgets=BUDGETS, actor=supervisor)
    row = SelectionCutoffs.objects.get()
    assert row.trigger == "inspection_policy" and row.window_last == timezone.localdate()


# --- the sites' capacity ----------------------------------------------------------------------------------------

def test_a_full_site_moves_a_targeted_inspection_to_verify_release_never_a_forced_or_random_one():
    full = {"capacity_full": True}
    moved = deciding.decide(targeted_inputs("low", "AA", harm=0.9, **full))
    assert moved.capacity_moved == "verify" and moved.mode == matrix.DECLARE and not moved.inspection_required
    drawn = deciding.decide(targeted_inputs("low", "AA", harm=0.9, drawn=True, **full))
    assert drawn.inspection_reason == "random" and drawn.selection == "random"
    forced = deciding.decide(targeted_inputs("low", "AA", harm=0.9, force_inspection=True, **full))
    assert forced.capacity_moved == "" and forced.selection == "forced" and forced.inspection_required


def test_the_bureau_may_move_it_to_the_next_day_instead():
    moved = deciding.decide(targeted_inputs("low", "AA", harm=0.9, capacity_full=True, capacity_overflow="next_day"))
    assert moved.capacity_moved == "next_day" and moved.inspection_required and moved.selection == "targeted"


@pytest.fixture
def targeting_on(enterprise_a, budgets):
    for score in range(0, 100, 5):
        decide(enterprise_a, tier="low", score=float(score))
    selection_cutoffs_compute(trigger="test")


def test_a_submission_finding_the_site_full_is_moved(hs, draw, site, enterprise_a, targeting_on, settings):
    site.capacity_per_day = 1
    site.save(update_fields=["capacity_per_day"])
    first = decide(enterprise_a, tier="low", score=99.0)
    second = decide(enterprise_a, tier="low", score=98.0)
    assert first.selection == "targeted" and first.task is not None and first.capacity_moved == ""
    assert second.capacity_moved == "verify" and not second.inspection_required and second.task is None
    settings.CIQ = {**settings.CIQ, "CAPACITY_OVERFLOW": "next_day"}
    third = decide(enterprise_a, tier="low", score=97.0)
    assert third.capacity_moved == "next_day"
    assert third.task.scheduled_for == timezone.localdate() + timedelta(days=1)


def test_a_decision_records_its_selection_probability(hs, draw, site, enterprise_a, targeting_on):
    targeted = decide(enterprise_a, tier="low", score=99.0)
    draw.selected = True
    drawn = decide(enterprise_a, tier="high", score=1.0)
    draw.selected = False
    passed = decide(enterprise_a, tier="high", score=1.0)
    assert targeted.selection_probability == 1.0
    assert drawn.selection == "random" and drawn.selection_probability == pytest.approx(0.005)  # B's random ratio
    assert passed.selection_probability is None
