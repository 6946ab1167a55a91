"""Watching the inspection budget: per grade and per site on the dashboard, its export and its API."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from credit.services import inspection_policy_update
from inspection.models import InspectionTask
from release.models import Release, ReleaseDecision
from release.selectors import Period, budget_by_grade, budget_by_site
from release.services import release_stats_refresh
from tests.factories import DeclarationFactory, GoodsLineFactory

pytestmark = pytest.mark.django_db


def decided(enterprise, *, grade="B", selection="", drawn=False, day=None, site=None):
    day = day or timezone.localdate()
    declaration = DeclarationFactory(enterprise=enterprise, status="submitted")
    GoodsLineFactory(declaration=declaration, line_no=1)
    decision = ReleaseDecision.objects.create(
        declaration=declaration, enterprise=enterprise, decided_at=timezone.now(), decided_on=day, port="NGB",
        grade=grade, tier="low", matrix_version=0, matrix_mode="verify", mode="sample" if selection else "verify",
        random_selected=drawn, inspection_required=bool(selection), selection=selection,
        inspection_reason="random" if selection == "random" else ("release_mode" if selection else ""),
        next_step="none", harm=0.1, hit_probability=0.1)
    if site is not None and selection:
        decision.task = InspectionTask.objects.create(declaration=declaration, enterprise=enterprise, site=site,
                                                      reason=decision.inspection_reason, mode=decision.mode,
                                                      due_at=timezone.now() + timedelta(days=1))
        decision.save(update_fields=["task"])
    return decision


@pytest.fixture
def history(enterprise_a, site, supervisor):
    inspection_policy_update(ratios={"AA": "0.001", "A": "0.0025", "B": "0.01", "C": "0.05", "D": "0.1"},
                             budgets={"AA": "0.004", "A": "0.01", "B": "0.1", "C": "0.2", "D": "0.9"},
                             actor=supervisor)
    for n in range(40):  # 4 inspected out of 40 on grade B: 10 %, the budget
        selection = ("forced", "targeted", "targeted", "random")[n] if n < 4 else ""
        decided(enterprise_a, selection=selection, drawn=selection == "random", site=site,
                day=timezone.localdate() - timedelta(days=n % 3))
    release_stats_refresh(first_day=timezone.localdate() - timedelta(days=2))  # the budget reads summary rows


def test_per_grade_budget_achieved_random_share_selection_and_trend(history):
    today = timezone.localdate()
    row = next(r for r in budget_by_grade(Period(today - timedelta(days=29), today)) if r["grade"] == "B")
    assert (row["decided"], row["inspected"], row["achieved"], row["budget"]) == (40, 4, 0.1, 0.1)
    assert row["within"] is True and row["random_ratio"] == pytest.approx(1 / 40) and row["random_target"] == 0.01
    assert (row["forced"], row["targeted"], row["random"]) == (1, 2, 1)
    assert [d["day"] for d in row["trend"]] == [today - timedelta(days=n) for n in range(6, -1, -1)]
    assert sum(d["decided"] for d in row["trend"]) == 40
    aa = next(r for r in budget_by_grade(Period(today - timedelta(days=29), today)) if r["grade"] == "AA")
    assert aa["decided"] == 0 and aa["achieved"] is None and aa["within"] is None


def test_per_site_inspections_against_capacity(history, site):
    today = timezone.localdate()
    [row] = budget_by_site(Period(today - timedelta(days=9), today))
    assert row["site"] == site.code and row["inspections"] == 4 and row["capacity"] == site.capacity_per_day * 10
    assert (row["forced"], row["targeted"], row["random"]) == (1, 2, 1)


def test_api_serves_the_budget_to_supervisors_and_analysts_only(history, api_as, supervisor, analyst, officer,
                                                                 declarant_a):
    body = api_as(analyst).get("/api/v1/release-dashboard/").json()
    row = next(r for r in body["by_grade"] if r["grade"] == "B")
    assert {k: row[k] for k in ("grade", "decided", "inspected", "achieved", "budget", "random_ratio")} == {
        "grade": "B", "decided": 40, "inspected": 4, "achieved": 0.1, "budget": 0.1, "random_ratio": 0.025}
    assert api_as(supervisor).get("/api/v1/release-dashboard/", {"grade": "B"}).json()["by_grade"][0]["grade"] == "B"
    assert api_as(officer).get("/api/v1/release-dashboard/").status_code == 403
    assert api_as(declarant_a).get("/api/v1/release-dashboard/").status_code == 403
    bad = api_as(analyst).get("/api/v1/release-dashboard/", {"first": "2026-02-01", "last": "2026-01-01"})
    assert bad.status_code == 400 and "last" in bad.json()["errors"]


def test_dashboard_page_and_export_show_the_budget_tables(history, client, supervisor):
    client.force_login(supervisor)
    page = client.get("/release/dashboard/")
    assert page.status_code == 200 and 'id="budget"' in page.content.decode() and 'id="sites"' in page.content.decode()
    csv = client.get("/release/dashboard/export.csv").content.decode("utf-8-sig")
    assert "Inspection budget per grade" in csv or "检验预算" in csv


# --- supervisors told of a deviation ------------------------------------------------------------------------------

def deviating_days(enterprise, *, inspected_per_day, days=3, forced_by=None):
    today = timezone.localdate()
    for n in range(1, days + 1):
        for i in range(20):
            decision = decided(enterprise, selection="forced" if i < inspected_per_day else "",
                               day=today - timedelta(days=n))
            if forced_by and i < inspected_per_day:
                decision.forced_by = forced_by
                decision.save(update_fields=["forced_by"])


def test_three_days_over_budget_notify_the_supervisors_once_with_the_cause(enterprise_a, supervisor, analyst):
    from ciq_portal.models import Notification
    from release.services import budget_deviations_notify

    deviating_days(enterprise_a, inspected_per_day=5,  # 25 % against B's 2.44 %
                   forced_by=[{"code": "bulletin", "mode": "sample", "label": "bulletin"}])
    assert budget_deviations_notify() == ["B"]
    note = Notification.objects.get(user=supervisor, event_type="inspection.budget_deviation")
    assert "B" in note.message and "25.0 %" in note.message and "bulletin (15)" in note.message
    assert not Notification.objects.filter(user=analyst).exists()
    assert budget_deviations_notify() == []  # once a day


def test_within_budget_or_too_few_days_notify_nobody(enterprise_a, supervisor):
    from release.services import budget_deviations_notify

    deviating_days(enterprise_a, inspected_per_day=5, days=2)  # two days over the budget only
    assert budget_deviations_notify() == []
    inspection_policy_update(ratios={"AA": "0.001", "A": "0.0025", "B": "0.01", "C": "0.05", "D": "0.1"},
                             budgets={"AA": "0.004", "A": "0.01", "B": "0.1", "C": "0.2", "D": "0.9"},
                             actor=supervisor)
    deviating_days(enterprise_a, inspected_per_day=2, days=3)  # 10 % a day on top: within a 10 % budget
    assert budget_deviations_notify() == []


def test_analysts_see_the_cutoffs_and_recompute_them(history, client, analyst, officer):
    from release.models import SelectionCutoffs

    client.force_login(officer)
    assert client.get("/release/targeting/").status_code == 403
    assert client.post("/release/targeting/recompute/").status_code == 403
    client.force_login(analyst)
    assert client.get("/release/targeting/").context["current"] is None
    assert client.post("/release/targeting/recompute/").status_code == 302
    row = SelectionCutoffs.objects.get()
    assert row.trigger == "manual" and row.grades["B"]["decisions"] == 40
    page = client.get("/release/targeting/")
    assert page.status_code == 200 and page.context["rows"][2]["grade"] == "B"
    assert page.context["rows"][2]["budget"] == 0.1


def test_a_rule_whatif_shows_the_budget_projection_per_grade(client, analyst, enterprise_a, supervisor):
    from risk import services as risk_services
    from tests.risk.factories import submitted_declaration

    inspection_policy_update(ratios={"AA": "0.001", "A": "0.0025", "B": "0.01", "C": "0.05", "D": "0.1"},
                             budgets={"AA": "0.004", "A": "0.01", "B": "0.1", "C": "0.2", "D": "0.9"},
                             actor=supervisor)
    for n in range(20):
        declaration = submitted_declaration(enterprise=enterprise_a, origin="VN" if n < 6 else "AU")
        ReleaseDecision.objects.create(
            declaration=declaration, enterprise=enterprise_a, decided_at=timezone.now(),
            decided_on=timezone.localdate(), port="NGB", grade="B", tier="low", matrix_version=0,
            matrix_mode="verify", mode="verify", next_step="none", harm=n / 20, hit_probability=n / 40)
    rule = risk_services.rule_create(actor=analyst, code="vn-all", name="Everything from Viet Nam",
                                     conditions=[{"field": "origin_country", "op": "in", "value": ["VN"]}],
                                     force_inspection=True)
    client.force_login(analyst)
    page = client.get(f"/risk/rules/{rule.pk}/?days=30", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Inspection budget: today and with this change" in page.content.decode()
    [row] = [r for r in page.context["projection"] if r["grade"] == "B"]
    # Today 10 % of 20; with the rule its 6 hits are inspected whatever the cut-off (30 %, beyond the budget: nothing
    # is targeted) and the random 1 % draws among the 14 others (0.7 %).
    assert row["rate_today"] == pytest.approx(10.0) and row["rate_projected"] == pytest.approx(30.7)
    assert row["forced_projected"] == pytest.approx(30.0) and row["hits_projected"] != row["hits_today"]


def test_a_proposed_policy_is_projected_before_it_is_saved(history, client, supervisor):
    from credit.models import InspectionPolicy

    client.force_login(supervisor)
    before = InspectionPolicy.objects.count()
    form = {"ratio_aa": "0.001", "ratio_a": "0.0025", "ratio_b": "0.01", "ratio_c": "0.05", "ratio_d": "0.1",
            "budget_aa": "0.004", "budget_a": "0.01", "budget_b": "0.05", "budget_c": "0.2", "budget_d": "0.9"}
    page = client.post("/credit/policy/", {**form, "project": "1"})
    assert page.status_code == 200 and InspectionPolicy.objects.count() == before  # nothing saved
    [row] = [r for r in page.context["projection"] if r["grade"] == "B"]
    assert row["budget"] == 10.0 and row["budget_projected"] == 5.0
    assert row["rate_today"] == pytest.approx(10.0) and row["rate_projected"] == pytest.approx(5.0)
    bad = client.post("/credit/policy/", {**form, "ratio_b": "0.2", "project": "1"})
    assert "ratio_b" in bad.context["form"].errors and bad.context["proposed"] is None


def test_api_periods_at_the_edge_of_the_calendar_answer(api_as, analyst):
    answer = api_as(analyst).get("/api/v1/release-dashboard/", {"first": "0001-01-01", "last": "0001-01-03"})
    assert answer.status_code == 200 and len(answer.json()["by_grade"][0]["trend"]) == 3


def test_the_budget_is_watched_over_the_last_quarter_of_a_longer_period(history, api_as, supervisor):
    body = api_as(supervisor).get("/api/v1/release-dashboard/", {"first": "2025-01-01"}).json()
    assert body["first"] == str(timezone.localdate() - timedelta(days=91))
    assert next(r for r in body["by_grade"] if r["grade"] == "B")["decided"] == 40


# --- projections of a matrix and of a model ----------------------------------------------------------------------

def released_long_ago(enterprise, *, mode, minutes):
    """A release of 40 days ago (outside the projection's window): what the mode's clearance time is estimated from."""
    day = timezone.localdate() - timedelta(days=40)
    decision = decided(enterprise, day=day)
    return Release.objects.create(
        declaration=decision.declaration, enterprise=enterprise, decision=decision, mode=mode,
        inspection_result="not_inspected", trace_code=f"T{decision.pk}-{mode}", released_at=timezone.now(),
        released_on=day, port="NGB", grade="B", minutes_from_submission=minutes)


@pytest.fixture
def b_decisions(enterprise_a, supervisor):
    """Twenty grade-B decisions of low risk (harm 0 to 0.95), verify-release, none drawn; a 10.9 % budget with 1 %
    drawn at random (the two highest harms targeted: 2 + 1 % of 18 = 10.9 % of 20); releases that put
    declare-release at 1 h, verify-release at 10 h and sample-release at 20 h."""
    inspection_policy_update(ratios={"AA": "0.001", "A": "0.0025", "B": "0.01", "C": "0.05", "D": "0.1"},
                             budgets={"AA": "0.004", "A": "0.01", "B": "0.109", "C": "0.2", "D": "0.9"},
                             actor=supervisor)
    for mode, minutes in (("declare", 60), ("verify", 600), ("sample", 1200)):
        released_long_ago(enterprise_a, mode=mode, minutes=minutes)
    decisions = []
    for n in range(20):
        decision = decided(enterprise_a)
        decision.harm, decision.hit_probability = n / 20, n / 40
        decision.save(update_fields=["harm", "hit_probability"])
        decisions.append(decision)
    return decisions


def test_a_proposed_matrix_is_projected_with_its_clearance_time(b_decisions, client, supervisor):
    from release.models import ReleaseMatrixVersion

    client.force_login(supervisor)
    form = client.get("/release/matrix/").context["form"]
    data = {name: field.initial for name, field in form.fields.items() if name != "note"}
    data["low__B"] = "declare"  # low risk at grade B: declare-release instead of verify-release
    page = client.post("/release/matrix/", {**data, "note": "pilot", "project": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and not ReleaseMatrixVersion.objects.exists()  # nothing saved
    assert "Projected clearance time (h)" in page.content.decode()
    [row] = [r for r in page.context["projection"] if r["grade"] == "B"]
    # The inspection rate stays with the budget (the targeting decides it); the 2 targeted of 20 are sampled
    # (20 h), the 18 others verify today (10 h) and declare with the matrix (1 h).
    assert row["rate_today"] == row["rate_projected"] == pytest.approx(10.9)
    assert row["hours_today"] == pytest.approx((2 * 20 + 18 * 10) / 20)
    assert row["hours_projected"] == pytest.approx((2 * 20 + 18 * 1) / 20)
    bad = client.post("/release/matrix/", {**data, "very_high__D": "declare", "project": "1"})
    assert bad.context["projection"] is None and bad.context["form"].errors


def test_a_model_is_projected_where_it_is_activated_and_approved(b_decisions, client, analyst, supervisor):
    from risk.ml.dataset import read_kcs
    from risk.selectors import model_whatif
    from risk.services import model_register
    from risk.training import train_and_measure

    rows, labels = read_kcs(settings.KCS_DATA_DIR / "df_syn_train_eng.csv", with_labels=True)
    model = model_register(result=train_and_measure(rows[:2000], labels[:2000]), source="kcs:test")
    ids = [d.declaration_id for d in b_decisions]
    scored = model_whatif(model=model, declaration_ids=ids)
    assert set(scored) == set(ids) and all(0 <= p <= 1 for p, _tier in scored.values())
    client.force_login(analyst)
    assert client.post(f"/risk/models/{model.pk}/activate/").status_code == 302  # asked: waits for a second pair
    client.force_login(supervisor)
    page = client.get(f"/risk/models/{model.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Inspection budget: today and with this change" in page.content.decode()
    assert "Approve and activate" in page.content.decode()
    [row] = [r for r in page.context["projection"] if r["grade"] == "B"]
    # The expected hits are the new model's probabilities over what it targets and the random draw.
    assert row["hits_today"] != row["hits_projected"]
    assert row["rate_projected"] == pytest.approx(10.9) and row["hours_projected"] is not None
