from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from credit.charts import grade_history_svg
from credit.choices import CreditEventKind as K
from credit.choices import CreditEventSource as S
from credit.choices import CreditGrade as G
from credit.choices import ObjectionStatus
from credit.models import GradeChange, GradeObjection
from credit.services import credit_event_record, grade_objection_file

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def change_a(enterprise_a, officer):
    credit_event_record(enterprise=enterprise_a, kind=K.LAB_FAILURE, source=S.OFFICER, actor=officer,
                        evidence_type="declaration", evidence_id="NGB20260001")
    return GradeChange.objects.get(enterprise=enterprise_a)


def test_declarant_page_shows_grade_ratio_events_and_chart(declarant_a, change_a):
    page = login(declarant_a).get("/credit/mine/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "NGB20260001" in body and "58.00" in body
    assert f"/credit/mine/changes/{change_a.pk}/object/" in body


def test_objection_form_files_and_shows_status(declarant_a, change_a):
    client = login(declarant_a)
    assert client.post(f"/credit/mine/changes/{change_a.pk}/object/", {"reason": ""}).status_code == 200
    response = client.post(f"/credit/mine/changes/{change_a.pk}/object/", {"reason": "Wrong lot"})
    assert response.status_code == 302
    objection = GradeObjection.objects.get()
    assert objection.status == ObjectionStatus.FILED
    assert objection.due_on == timezone.localdate() + timedelta(days=20)


def test_tenancy_pages_answer_404(declarant_a, declarant_b, change_a):
    objection = grade_objection_file(grade_change=change_a, reason="x", actor=declarant_a)
    other = login(declarant_b)
    assert other.get(f"/credit/mine/changes/{change_a.pk}/object/").status_code == 404
    assert other.post(f"/credit/mine/changes/{change_a.pk}/object/", {"reason": "y"}).status_code == 404
    assert other.get(f"/credit/objections/{objection.pk}/").status_code == 404
    assert "NGB20260001" not in other.get("/credit/mine/").content.decode()
    assert login(declarant_a).get(f"/credit/objections/{objection.pk}/").status_code == 200
    assert other.get("/credit/enterprises/").status_code == 403


def test_supervisor_pages(supervisor, declarant_a, change_a, enterprise_a):
    objection = grade_objection_file(grade_change=change_a, reason="x", actor=declarant_a)
    GradeObjection.objects.filter(pk=objection.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    client = login(supervisor)
    listing = client.get("/credit/enterprises/", {"credit_grade": G.C, "changed_within": "7"})
    assert listing.status_code == 200 and enterprise_a.name_zh in listing.content.decode()
    assert enterprise_a.name_zh not in client.get("/credit/enterprises/", {"credit_grade": G.A}).content.decode()
    assert client.get(f"/credit/enterprises/{enterprise_a.pk}/").status_code == 200
    overview = client.get("/credit/overview/")
    assert overview.status_code == 200 and "<svg" in overview.content.decode()
    queue = client.get("/credit/objections/", {"overdue": "true"})
    assert queue.status_code == 200 and f'/credit/objections/{objection.pk}/' in queue.content.decode()
    response = client.post(f"/credit/objections/{objection.pk}/", {"decision": "rejected", "decision_note": "ok"})
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.REJECTED


def test_policy_editor(supervisor, officer):
    client = login(supervisor)
    assert client.get("/credit/policy/").status_code == 200
    bad = client.post("/credit/policy/", {"ratio_aa": "0.001", "ratio_a": "0.01", "ratio_b": "0.0244",
                                          "ratio_c": "0.2", "ratio_d": "0.9", "budget_aa": "0.01", "budget_a": "0.01",
                                          "budget_b": "0.0244", "budget_c": "0.2", "budget_d": "0.9"})
    assert bad.status_code == 200 and "budget_aa" in bad.context["form"].errors
    budgets = {"budget_aa": "0.004", "budget_a": "0.01", "budget_b": "0.0244", "budget_c": "0.2", "budget_d": "0.9"}
    over = client.post("/credit/policy/", {"ratio_aa": "0.004", "ratio_a": "0.01", "ratio_b": "0.03",
                                           "ratio_c": "0.2", "ratio_d": "0.9", **budgets})
    assert over.status_code == 200 and "ratio_b" in over.context["form"].errors
    good = client.post("/credit/policy/", {"ratio_aa": "0.002", "ratio_a": "0.005", "ratio_b": "0.01",
                                           "ratio_c": "0.05", "ratio_d": "0.1", **budgets, "note": "test"})
    assert good.status_code == 302
    assert login(officer).post("/credit/policy/", {}).status_code == 403


def test_chart_escapes_and_has_no_script():
    today = timezone.localdate()
    svg = grade_history_svg([(today - timedelta(days=300), "B"), (today - timedelta(days=30), "D")],
                            start=today - timedelta(days=365), end=today, title="<x>")
    assert "<script" not in svg and "&lt;x&gt;" in svg and svg.count("<circle") == 1
