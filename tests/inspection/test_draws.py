"""Property tests of the pure draws (inspection/draws.py)."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chisquare

from inspection import draws

AT = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
ON_SHIFT = ((AT - timedelta(hours=2), AT + timedelta(hours=6)),)
OFF_SHIFT = ((AT + timedelta(hours=1), AT + timedelta(hours=9)),)
CATEGORIES = ["aquatic", "food", "cosmetics", "meat", "chemical"]

seeds = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
candidate_lists = st.lists(
    st.fixed_dictionaries({"id": st.integers(1, 10_000), "weight": st.integers(1, draws.WEIGHT_SCALE)}),
    min_size=1, max_size=40, unique_by=lambda c: c["id"])


@given(seed=seeds, subject=st.text(min_size=1, max_size=30), candidates=candidate_lists, data=st.data())
def test_people_draw_same_inputs_same_result_in_any_order(seed, subject, candidates, data):
    shuffled = data.draw(st.permutations(candidates))
    first = draws.people_draw(seed, subject, candidates)
    assert first == draws.people_draw(seed, subject, shuffled)
    assert first.chosen in {c["id"] for c in candidates}


@given(seed=seeds, subject=st.text(min_size=1, max_size=30), ratio=st.floats(0, 1))
def test_object_draw_is_a_pure_function(seed, subject, ratio):
    assert draws.object_draw(seed, subject, ratio) == draws.object_draw(seed, subject, ratio)
    assert draws.rerun("object", seed, subject, {"ratio": ratio})["selected"] == \
        draws.object_draw(seed, subject, ratio).selected


officers_strategy = st.lists(
    st.builds(
        lambda i, cats, sites, on, leave, conflicts, load: draws.OfficerSnapshot(
            id=i, categories=frozenset(cats), site_ids=frozenset(sites), shifts=ON_SHIFT if on else OFF_SHIFT,
            leave=((date(2026, 11, 27), date(2026, 11, 27)),) if leave else (),
            conflicted_enterprise_ids=frozenset(conflicts), load=load),
        st.integers(1, 500), st.sets(st.sampled_from(CATEGORIES)), st.sets(st.integers(1, 4)), st.booleans(),
        st.booleans(), st.sets(st.integers(1, 5)), st.integers(0, 30)),
    min_size=0, max_size=30, unique_by=lambda o: o.id)


@settings(max_examples=300)
@given(officers=officers_strategy, category=st.sampled_from(CATEGORIES), site=st.integers(1, 4),
       enterprise=st.integers(1, 5), last=st.one_of(st.none(), st.integers(1, 500)), seed=seeds, data=st.data())
def test_never_off_duty_unqualified_or_conflicted(officers, category, site, enterprise, last, seed, data):
    candidates, excluded = draws.eligible_candidates(officers, at=AT, category=category, site_id=site,
                                                     enterprise_id=enterprise, last_inspector_id=last)
    by_id = {o.id: o for o in officers}
    eligible = {o.id for o in officers if o.on_duty(AT) and category in o.categories and site in o.site_ids
                and enterprise not in o.conflicted_enterprise_ids}
    ids = {c["id"] for c in candidates}
    assert ids <= eligible
    if last in eligible and len(eligible) > 1:
        assert last not in ids and ids == eligible - {last}
    else:
        assert ids == eligible
    for officer_id, reason in excluded.items():
        assert officer_id in by_id and reason
    if candidates:
        chosen = draws.people_draw(seed, "task:1", data.draw(st.permutations(candidates))).chosen
        officer = by_id[chosen]
        assert officer.on_duty(AT) and category in officer.categories and site in officer.site_ids
        assert enterprise not in officer.conflicted_enterprise_ids
        # weighted towards the least loaded: the chosen one is never lighter-weighted because of a lower load
        min_load = min(by_id[c["id"]].load for c in candidates)
        assert all(c["weight"] == draws.WEIGHT_SCALE for c in candidates if by_id[c["id"]].load == min_load)


def test_last_inspector_kept_when_no_one_else():
    alone = draws.OfficerSnapshot(id=7, categories=frozenset({"food"}), site_ids=frozenset({1}), shifts=ON_SHIFT)
    candidates, _ = draws.eligible_candidates([alone], at=AT, category="food", site_id=1, enterprise_id=1,
                                              last_inspector_id=7)
    assert [c["id"] for c in candidates] == [7]


# Default policy (credit/policy.py): AA 0.57 %, A 1.69 %, B 2.44 %, C between, D 84.76 %.
POLICY = {"AA": 0.0057, "A": 0.0169, "B": 0.0244, "C": 0.2, "D": 0.8476}


def test_achieved_ratio_per_grade_matches_policy_chi_square():
    seed = draws.commitment_of("chi-square")  # any 64-hex string
    n = 100_000
    for grade, ratio in POLICY.items():
        selected = sum(draws.object_draw(seed, f"declaration:{grade}:{i}", ratio).selected for i in range(n))
        expected = [n * ratio, n * (1 - ratio)]
        statistic, p_value = chisquare([selected, n - selected], expected)
        assert p_value > 0.001, (grade, selected / n, ratio, statistic)


def test_chi_square_detects_a_wrong_ratio():
    seed = draws.commitment_of("control")
    n = 100_000
    selected = sum(draws.object_draw(seed, f"d:{i}", 0.03).selected for i in range(n))
    assert chisquare([selected, n - selected], [n * 0.0244, n * 0.9756]).pvalue < 0.001


def test_workload_stays_balanced_over_many_draws():
    rng = random.Random(5)
    seed = draws.commitment_of("workload")
    officers = {i: draws.OfficerSnapshot(id=i, categories=frozenset(CATEGORIES), site_ids=frozenset({1}),
                                         shifts=ON_SHIFT) for i in range(1, 41)}
    loads = Counter({i: 0 for i in officers})
    for task in range(20_000):
        snapshots = [draws.OfficerSnapshot(**{**o.__dict__, "load": loads[o.id]}) for o in officers.values()]
        candidates, _ = draws.eligible_candidates(snapshots, at=AT, category="food", site_id=1,
                                                  enterprise_id=rng.randint(1, 50))
        chosen = draws.people_draw(seed, f"task:{task}", candidates).chosen
        loads[chosen] += 1
        if task % 3 == 0:  # officers conclude work as they go
            busiest = max(loads, key=loads.get)
            loads[busiest] -= 1
    values = list(loads.values())
    assert max(values) - min(values) <= 3, values


def test_bad_inputs_refused():
    import pytest

    with pytest.raises(ValueError):
        draws.object_draw("ab" * 32, "x", 1.5)
    with pytest.raises(ValueError):
        draws.people_draw("ab" * 32, "x", [{"id": 1, "weight": 1}, {"id": 1, "weight": 2}])
    with pytest.raises(ValueError):
        draws.people_draw("ab" * 32, "x", [{"id": 1, "weight": 0}])
