import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from inspection import services
from inspection.models import InspectionTask

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(declaration, officers, create_task):
    return create_task(declaration)


def test_officer_home_is_the_queue(client, task):
    client.force_login(task.assigned_to)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].endswith("/inspection/")
    assert task.declaration.number in response.content.decode()


def test_task_page_claim_checklist_htmx_and_conclusion(client, task):
    officer = task.assigned_to
    client.force_login(officer)
    page = client.get(f"/inspection/tasks/{task.pk}/")
    assert page.status_code == 200
    client.post(f"/inspection/tasks/{task.pk}/claim/")
    page = client.get(f"/inspection/tasks/{task.pk}/").content.decode()
    assert 'capture="environment"' in page and 'accept="image/*"' in page and "hx-post" in page
    row = client.post(f"/inspection/tasks/{task.pk}/checklist/", {"item": "packaging_intact", "ok": "yes"},
                      HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and 'id="check-packaging_intact"' in row.content.decode()
    task.refresh_from_db()
    assert task.checklist["packaging_intact"]["ok"] is True
    response = client.post(f"/inspection/tasks/{task.pk}/conclude/", {"conclusion": "conform"})
    assert response.status_code == 400 and "请先抽样加封再作结论" in response.content.decode()
    client.post(f"/inspection/tasks/{task.pk}/samples/", {"description": "2 cartons", "quantity": "3",
                                                          "unit": "kg", "seal_no": "SL9"})
    response = client.post(f"/inspection/tasks/{task.pk}/conclude/", {"conclusion": "conform"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "concluded"


def test_declarant_cannot_open_officer_pages(client, declarant_a, task):
    client.force_login(declarant_a)
    assert client.get("/inspection/").status_code == 403
    assert client.get(f"/inspection/tasks/{task.pk}/").status_code in (403, 404)


def test_public_draw_pages_and_downloads(client, make_declaration):
    today = timezone.localdate()
    period = services.draw_period_commit(day=today)
    page = client.get("/public/draws/")
    assert page.status_code == 200
    assert period.commitment in page.content.decode()
    assert period.seed not in page.content.decode()  # not revealed yet
    assert client.get(f"/public/draws/{today}.csv").status_code == 404
    assert client.get(f"/public/draws/{today}.json").json()["seed"] is None
    yesterday = today - timedelta(days=1)
    services.draw_period_commit(day=yesterday)
    for _ in range(2):
        services.object_draw_for_declaration(declaration=make_declaration(), at=timezone.now() - timedelta(days=1))
    services.draw_period_reveal(day=yesterday)
    data = client.get(f"/public/draws/{yesterday}.json").json()
    assert data["seed"] and len(data["draws"]) == 2
    from inspection import draws

    for row in data["draws"]:
        assert draws.rerun(row["kind"], data["seed"], row["subject"], row["inputs"]) == row["result"]
    rows = list(csv.reader(io.StringIO(b"".join(client.get(f"/public/draws/{yesterday}.csv").streaming_content)
                                       .decode())))
    assert rows[0][0] == "day" and len(rows) == 3
    assert client.get(f"/public/draws/{yesterday}/").status_code == 200
    script = client.get("/public/draws/verify.py")
    assert script.status_code == 200 and b"def day_record_check" in script.content


def test_api_declarant_sees_status_only(api_as, declarant_a, declarant_b, task):
    body = api_as(declarant_a).get("/api/v1/inspection-tasks/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert len(rows) == 1
    assert set(rows[0]) == {"id", "declaration", "declaration_number", "site_name", "scheduled_for", "status",
                            "conclusion", "disposition", "concluded_at"}
    other = api_as(declarant_b).get("/api/v1/inspection-tasks/").json()
    assert (other["results"] if isinstance(other, dict) else other) == []
    assert api_as(declarant_b).get(f"/api/v1/inspection-tasks/{task.pk}/").status_code == 404
    assert api_as(declarant_a).post(f"/api/v1/inspection-tasks/{task.pk}/claim/").status_code == 403


def test_supervisor_finds_every_open_task_and_filters_them(client, supervisor, declarant_a, task):
    client.force_login(supervisor)
    page = client.get("/inspection/tasks/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert task.declaration.number in page and f'href="/inspection/tasks/{task.pk}/"' in page
    assert "All inspection tasks" in client.get("/", follow=True, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert task.declaration.number not in client.get("/inspection/tasks/?status=concluded").content.decode()
    other = "random" if task.reason != "random" else "risk"
    assert task.declaration.number not in client.get(f"/inspection/tasks/?reason={other}").content.decode()
    client.force_login(declarant_a)
    assert client.get("/inspection/tasks/").status_code == 403


def test_claim_next_without_an_officer_profile_says_so(client, supervisor):
    client.force_login(supervisor)
    response = client.post("/inspection/claim-next/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "This user has no officer profile." in response.content.decode()


def test_api_declarant_cannot_filter_by_what_is_hidden_from_them(api_as, declarant_a, officer, task):
    from inspection.choices import Priority, TaskReason

    def ids(client, query):
        body = client.get(f"/api/v1/inspection-tasks/?{query}").json()
        return [row["id"] for row in (body["results"] if isinstance(body, dict) else body)]

    declarant, bureau = api_as(declarant_a), api_as(officer)
    other_reason = next(r for r in TaskReason.values if r != task.reason)
    # Reason, priority and inspector are not filters for a declarant: every answer is the same, telling nothing.
    for query in [f"reason={task.reason}", f"reason={other_reason}", f"priority={task.priority}",
                  f"priority={next(p for p in Priority.values if p != task.priority)}",
                  f"assigned_to={task.assigned_to_id}", f"assigned_to={task.assigned_to_id + 1000}",
                  "ordering=priority", "ordering=-assigned_to"]:
        assert ids(declarant, query) == [task.pk], query
    assert ids(declarant, f"status={task.status}") == [task.pk]
    assert ids(declarant, "status=concluded") == []
    assert ids(bureau, f"reason={other_reason}") == [] and ids(bureau, f"reason={task.reason}") == [task.pk]


def test_api_officer_claims_and_conflicting_reassign_is_refused(api_as, task, supervisor, officers, enterprise_a):
    officer = task.assigned_to
    response = api_as(officer).post(f"/api/v1/inspection-tasks/{task.pk}/claim/")
    assert response.status_code == 200 and response.json()["status"] == "claimed"
    other = next(p for p in officers if p.user_id != officer.pk)
    services.conflict_declare(officer=other, enterprise=enterprise_a, reason="relative")
    response = api_as(supervisor).post(f"/api/v1/inspection-tasks/{task.pk}/reassign/",
                                       {"officer": other.user_id, "reason": "cover"}, format="json")
    assert response.status_code == 400 and "officer" in response.json()["errors"]
    assert InspectionTask.objects.get(pk=task.pk).assigned_to == officer


def test_api_joint_inspection_by_partner_agency(api_as, agency_user, declaration, officers, cold_site,
                                                django_capture_on_commit_callbacks):
    from ciq_portal.agencies import agency_client_create, agency_ensure

    customs = agency_ensure(code="ngb-customs", name_zh="宁波海关", kind="customs",
                            scopes=["joint_inspection", "release_status:read"])
    agency_client_create(agency=customs, name="gateway", scopes=["joint_inspection"], actor=None, user=agency_user)
    declaration.containers = ["MSKU7654321"]
    declaration.save()
    client = api_as(agency_user)
    response = client.post("/api/v1/joint-inspections/", {"kind": "container", "agency": "customs",
                                                           "declaration_number": declaration.number,
                                                           "container_no": "MSKU7654321"}, format="json",
                           HTTP_IDEMPOTENCY_KEY="joint-1")
    assert response.status_code == 201, response.json()
    joint_id = response.json()["id"]
    again = client.post("/api/v1/joint-inspections/", {"kind": "container", "agency": "customs",
                                                       "declaration_number": declaration.number,
                                                       "container_no": "MSKU7654321"}, format="json",
                        HTTP_IDEMPOTENCY_KEY="joint-1")
    assert again.json()["id"] == joint_id
    officer = officers[0].user
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(officer).post(f"/api/v1/joint-inspections/{joint_id}/schedule/",
                                        {"site": cold_site.pk,
                                         "appointment_at": (timezone.now() + timedelta(hours=2)).isoformat()},
                                        format="json")
    assert response.status_code == 200 and response.json()["status"] == "scheduled"
    assert client.post(f"/api/v1/joint-inspections/{joint_id}/findings/",
                       {"agency": "ciq", "result": "conform"}, format="json").status_code == 403
    client.post(f"/api/v1/joint-inspections/{joint_id}/findings/", {"agency": "customs", "result": "conform",
                                                                    "findings": "Seals intact"}, format="json")
    api_as(officer).post(f"/api/v1/joint-inspections/{joint_id}/findings/", {"agency": "ciq", "result": "conform"},
                         format="json")
    outcome = client.get(f"/api/v1/joint-inspections/{joint_id}/").json()
    assert outcome["status"] == "completed" and len(outcome["findings"]) == 2
    assert outcome["outcome"]["conclusion"] == "conform" and outcome["outcome"]["concluded_at"]
    bad = client.post("/api/v1/joint-inspections/", {"kind": "boarding", "agency": "maritime"}, format="json")
    assert bad.status_code == 400 and "conveyance" in bad.json()["errors"]
    by_container = client.post("/api/v1/joint-inspections/", {"kind": "container", "container_no": "MSKU7654321"},
                               format="json")
    assert by_container.status_code == 201 and by_container.json()["declaration"] == declaration.pk
    assert by_container.json()["agency"] == "customs"


def test_api_joint_inspection_needs_the_scope(api_as, agency_user):
    response = api_as(agency_user).post("/api/v1/joint-inspections/", {"kind": "boarding", "conveyance": "V1"},
                                        format="json")
    assert response.status_code == 403


def test_api_test_report_check(api_as, declarant_a, declarant_b, declaration, make_declaration, lab):
    payload = {"declaration": declaration.pk, "lab_accreditation_no": lab.accreditation_no, "report_no": "R-9",
               "issued_on": str(timezone.localdate()), "hs_codes": ["0306"],
               "results": [{"test_item": "lead", "value": "0.01"}]}
    response = api_as(declarant_a).post("/api/v1/test-reports/", payload, format="json")
    assert response.status_code == 201 and response.json()["check_ok"] is True
    assert api_as(declarant_b).post("/api/v1/test-reports/", payload, format="json").status_code == 400
    other = make_declaration()
    api_as(declarant_a).post("/api/v1/test-reports/", {**payload, "declaration": other.pk, "report_no": "R-10"},
                             format="json")
    listed = api_as(declarant_a).get("/api/v1/test-reports/", {"declaration": declaration.pk}).json()
    assert [report["report_no"] for report in listed["results"]] == ["R-9"]


def test_task_page_shows_risk_reasons_and_bulletins_to_officers_only(client, api_as, declarant_a, task):
    from risk.models import RiskAssessment, RiskBulletin

    RiskAssessment.objects.create(declaration=task.declaration, score=72, tier="high",
                                  reasons=[{"code": "origin", "label": "Origin under watch", "weight": 20}])
    RiskBulletin.objects.create(title_zh="对虾白斑病警示", title_en="Shrimp white spot alert", hazard="animal_disease",
                                hs_prefixes=["0306"], valid_from=timezone.localdate(), status="published")
    RiskBulletin.objects.create(title_zh="无关", title_en="Unrelated toys", hazard="animal_disease",
                                hs_prefixes=["9503"], valid_from=timezone.localdate(), status="published")
    client.force_login(task.assigned_to)
    page = client.get(f"/inspection/tasks/{task.pk}/").content.decode()
    assert "Origin under watch" in page and "Shrimp white spot alert" in page and "Unrelated toys" not in page
    body = api_as(declarant_a).get(f"/api/v1/inspection-tasks/{task.pk}/").content.decode()
    assert "Origin under watch" not in body and "reason" not in body and task.assigned_to.username not in body


def test_task_page_shows_model_factors_in_the_officers_language(client, task):
    from risk.models import RiskAssessment

    RiskAssessment.objects.create(declaration=task.declaration, score=40, tier="medium", reasons=[
        {"code": "model", "kind": "model", "label": "Learned model", "weight": 4.5},
        {"code": "model:mass", "kind": "model_factor", "label": "net mass", "weight": -0.41},
        {"code": "net-mass-watch", "kind": "rule", "label": "net mass", "weight": 10}])
    client.force_login(task.assigned_to)
    page = client.get(f"/inspection/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "净重使风险分降低" in page and "-0.41" not in page  # in words, never the raw log-odds
    assert "“net mass”" in page  # an analyst's rule keeps the words it was given


def test_task_page_tells_no_assessment_from_an_assessment_without_reasons(client, task):
    from risk.models import RiskAssessment

    client.force_login(task.assigned_to)
    page = client.get(f"/inspection/tasks/{task.pk}/").content.decode()
    assert "没有风险评估记录" in page and "分值" not in page
    RiskAssessment.objects.create(declaration=task.declaration, score=4.5, tier="low", reasons=[])
    page = client.get(f"/inspection/tasks/{task.pk}/").content.decode()
    assert "分值 4.5 · 低" in page and "没有规则或模型因素提高风险分值" in page and "没有风险评估记录" not in page


def test_api_ids_that_are_not_numbers_are_not_found(api_as, officer):
    assert api_as(officer).post("/api/v1/inspection-tasks/x/claim/").status_code == 404
    assert api_as(officer).get("/api/v1/labs/x/").status_code == 404
