"""Samples, laboratory orders and results over the API: an accredited laboratory's system posts the results of its
own orders with its own key, signed and idempotent, judged against the limits table as on the page; officers,
partners and declarants read them as their scope allows."""

import base64
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from ciq_portal.agencies import agency_api_key_issue, agency_client_create, agency_ensure
from ciq_portal.models import AgencyScope, AuditEntry
from ciq_portal.roles import Role
from ciq_portal.signing import public_pem
from inspection import services
from inspection.models import CustodyEntry, LabOrder, LabResult
from tests.factories import UserFactory

from .factories import LabFactory

LAB_SCOPES = [AgencyScope.LAB_WORK_READ, AgencyScope.LAB_RESULTS_POST]


@pytest.fixture
def administrator(roles):
    return UserFactory(username="admin1", role=Role.ADMINISTRATOR)


@pytest.fixture
def lead_limit(administrator):
    item = services.test_item_create(actor=administrator, code="lead", name="铅", name_en="Lead", unit="mg/kg")
    return services.test_limit_set(actor=administrator, item=item, category="aquatic", limit_max="0.5",
                                   unit="mg/kg", valid_from=timezone.localdate(), basis="GB 2762-2022")


class LabSystem:
    """A laboratory's own system: its API key and the private key it signs its postings with."""

    def __init__(self, lab, administrator, scopes=LAB_SCOPES):
        agency = agency_ensure(code=f"lab-{lab.pk}", name_zh=lab.name, kind="laboratory", scopes=LAB_SCOPES,
                               actor=administrator)
        client = agency_client_create(agency=agency, name="LIMS", scopes=scopes, actor=administrator)
        self.raw_key = agency_api_key_issue(client=client, actor=administrator)[1]
        self.private_key = Ed25519PrivateKey.generate()
        self.lab = services.lab_api_access_set(lab=lab, client=client, actor=administrator,
                                               signing_public_key=public_pem(self.private_key.public_key()))
        self.http = Client()

    def headers(self, body: bytes, idempotency_key=""):
        signature = base64.urlsafe_b64encode(self.private_key.sign(body)).rstrip(b"=").decode()
        headers = {"HTTP_AUTHORIZATION": f"Api-Key {self.raw_key}", "HTTP_X_CIQ_LAB_SIGNATURE": signature}
        if idempotency_key:
            headers["HTTP_IDEMPOTENCY_KEY"] = idempotency_key
        return headers

    def post_results(self, order_pk, results, idempotency_key="", tamper=False):
        body = json.dumps({"order": order_pk, "results": results}).encode()
        headers = self.headers(body, idempotency_key)
        if tamper:
            body = body.replace(b'"value": "', b'"value": "0')
        return self.http.post("/api/v1/lab-results/", body, content_type="application/json", **headers)

    def get(self, path):
        return self.http.get(path, HTTP_AUTHORIZATION=f"Api-Key {self.raw_key}")


def _order(declaration, create_task, lab, item="lead"):
    task = create_task(declaration, mode="supervised")
    task = services.inspection_task_claim(task=task, actor=task.assigned_to)
    sample = services.sample_take(task=task, description="2 cartons", quantity="1", unit="kg",
                                  seal_no=f"S{lab.pk}", actor=task.assigned_to)
    return services.lab_order_create(task=task, sample=sample, lab=lab, test_items=[item], actor=task.assigned_to)


@pytest.fixture
def lab_system(administrator):
    return LabSystem(LabFactory(scope_categories=["aquatic"], scope_test_items=["lead"]), administrator)


@pytest.fixture
def order(declaration, officers, create_task, lab_system, lead_limit):
    return _order(declaration, create_task, lab_system.lab)


def test_the_lab_posts_the_results_of_its_own_order_signed_and_audited(lab_system, order, lead_limit):
    response = lab_system.post_results(order.pk, [{"test_item": "lead", "value": "0.12", "unit": "mg/kg"}])
    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["status"], answer["conformity"]) == ("resulted", "conform")
    result = LabResult.objects.get(order=order)
    assert (result.passed, result.limit, result.recorded_by) == (True, lead_limit, lab_system.lab.api_client.user)
    order.refresh_from_db()
    assert order.results_signature and json.loads(order.results_signed_body)["order"] == order.pk
    assert AuditEntry.objects.filter(action="lab_result.post", object_id=str(order.pk)).exists()
    assert AuditEntry.objects.filter(action="lab_result.record", object_id=str(order.pk)).exists()


def test_the_labs_key_posting_for_another_labs_order_gets_404_and_records_nothing(
        administrator, declaration, officers, create_task, lab_system, lead_limit):
    other = LabSystem(LabFactory(scope_categories=["aquatic"], scope_test_items=["lead"]), administrator)
    others_order = _order(declaration, create_task, other.lab)
    response = lab_system.post_results(others_order.pk, [{"test_item": "lead", "value": "0.1"}])
    assert response.status_code == 404
    assert lab_system.get(f"/api/v1/lab-orders/{others_order.pk}/").status_code == 404
    assert lab_system.get(f"/api/v1/samples/{others_order.sample_id}/").status_code == 404
    assert not LabResult.objects.exists()
    assert other.post_results(others_order.pk, [{"test_item": "lead", "value": "0.1"}]).status_code == 201


def test_a_duplicate_result_is_one_row_and_the_replay_answers_the_same(lab_system, order):
    rows = [{"test_item": "lead", "value": "0.12", "unit": "mg/kg"}]
    first = lab_system.post_results(order.pk, rows, idempotency_key="lims-run-1")
    again = lab_system.post_results(order.pk, rows, idempotency_key="lims-run-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert LabResult.objects.filter(order=order).count() == 1
    assert AuditEntry.objects.filter(action="lab_result.post").count() == 1
    # The same results under a new key are refused: the order's results are recorded once.
    assert lab_system.post_results(order.pk, rows, idempotency_key="lims-run-2").status_code == 400
    assert LabResult.objects.filter(order=order).count() == 1


def test_a_result_outside_its_limit_is_a_non_conformity(lab_system, order, lead_limit):
    response = lab_system.post_results(order.pk, [{"test_item": "lead", "value": "0.8"}])
    assert response.status_code == 201, response.content
    assert response.json()["conformity"] == "non_conform"
    result = LabResult.objects.get(order=order)
    assert (result.passed, result.limit_max, result.limit, result.unit) == (False, lead_limit.limit_max, lead_limit,
                                                                            "mg/kg")
    with pytest.raises(ValidationError):  # the inspection cannot then be concluded conform, as after the page
        services.inspection_conclude(task=order.task, conclusion="conform", actor=order.task.assigned_to)


@pytest.mark.parametrize("problem", ["tampered", "unsigned", "another key"])
def test_a_posting_without_the_labs_signature_is_refused(lab_system, order, problem):
    rows = [{"test_item": "lead", "value": "0.1"}]
    if problem == "tampered":
        response = lab_system.post_results(order.pk, rows, tamper=True)
    else:
        body = json.dumps({"order": order.pk, "results": rows}).encode()
        headers = {"HTTP_AUTHORIZATION": f"Api-Key {lab_system.raw_key}"}
        if problem == "another key":
            signature = Ed25519PrivateKey.generate().sign(body)
            headers["HTTP_X_CIQ_LAB_SIGNATURE"] = base64.urlsafe_b64encode(signature).decode()
        response = lab_system.http.post("/api/v1/lab-results/", body, content_type="application/json", **headers)
    assert response.status_code == 403
    assert not LabResult.objects.exists()
    assert LabOrder.objects.get(pk=order.pk).status == "ordered"


def test_a_wrong_value_is_refused_on_its_field(lab_system, order):
    response = lab_system.post_results(order.pk, [{"test_item": "lead", "value": "a lot"}])
    assert response.status_code == 400
    assert "results" in response.json()["errors"]
    assert not LabResult.objects.exists()


def test_only_a_laboratorys_own_system_posts_results(api_as, order, officer, declarant_a, administrator):
    body = {"order": order.pk, "results": [{"test_item": "lead", "value": "0.1"}]}
    assert api_as(officer).post("/api/v1/lab-results/", body, format="json").status_code == 403
    assert api_as(declarant_a).post("/api/v1/lab-results/", body, format="json").status_code == 403
    customs = agency_ensure(code="customs", name_zh="海关", kind="customs", scopes=list(AgencyScope.values),
                            actor=administrator)
    client = agency_client_create(agency=customs, name="all scopes", scopes=list(AgencyScope.values),
                                  actor=administrator)
    raw = agency_api_key_issue(client=client, actor=administrator)[1]
    response = Client().post("/api/v1/lab-results/", json.dumps(body), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert response.status_code == 403  # every scope, but no laboratory of its own
    assert not LabResult.objects.exists()


def test_a_lab_key_without_the_post_scope_is_refused(administrator, declaration, officers, create_task, lead_limit):
    reader = LabSystem(LabFactory(scope_categories=["aquatic"], scope_test_items=["lead"]), administrator,
                       scopes=[AgencyScope.LAB_WORK_READ])
    order = _order(declaration, create_task, reader.lab)
    response = reader.post_results(order.pk, [{"test_item": "lead", "value": "0.1"}])
    assert response.status_code == 403 and response.json()["code"] == "missing_scope"
    assert reader.get("/api/v1/lab-orders/").json()["count"] == 1


def test_reads_follow_the_scope(api_as, administrator, lab_system, order, officer, declarant_a, declarant_b):
    lab_system.post_results(order.pk, [{"test_item": "lead", "value": "0.8"}])
    bureau = api_as(officer).get("/api/v1/lab-results/").json()["results"]
    assert [(r["test_item"], r["passed"], r["inspection_reason"]) for r in bureau] == [("lead", False, "risk")]
    own = api_as(declarant_a).get("/api/v1/lab-results/").json()["results"]
    assert [r["declaration_number"] for r in own] == [order.task.declaration.number]
    assert "inspection_reason" not in own[0]
    assert api_as(declarant_b).get("/api/v1/lab-results/").json()["count"] == 0
    assert api_as(declarant_b).get(f"/api/v1/lab-results/{own[0]['id']}/").status_code == 404
    assert api_as(declarant_a).get("/api/v1/samples/").status_code == 403
    assert api_as(declarant_a).get("/api/v1/lab-orders/").status_code == 403
    port = agency_ensure(code="port", name_zh="港务", kind="port_operator", scopes=[AgencyScope.LAB_WORK_READ],
                         actor=administrator)
    reader = agency_client_create(agency=port, name="reader", scopes=[AgencyScope.LAB_WORK_READ],
                                  actor=administrator)
    blind = agency_client_create(agency=port, name="blind", scopes=[], actor=administrator)
    assert api_as(reader.user).get("/api/v1/lab-results/").json()["count"] == 1
    assert "inspection_reason" not in api_as(reader.user).get("/api/v1/lab-results/").json()["results"][0]
    assert api_as(blind.user).get("/api/v1/lab-results/").status_code == 403
    assert lab_system.get("/api/v1/samples/").json()["count"] == 1


def test_the_lab_records_custody_of_its_samples_only(administrator, lab_system, order, declaration, create_task):
    body = json.dumps({"action": "received", "holder": "LIMS reception", "seal_intact": True})
    response = lab_system.http.post(f"/api/v1/samples/{order.sample_id}/custody/", body,
                                    content_type="application/json",
                                    HTTP_AUTHORIZATION=f"Api-Key {lab_system.raw_key}")
    assert response.status_code == 201, response.content
    assert [e["action"] for e in response.json()["custody"]][-1] == "received"
    assert AuditEntry.objects.filter(action="sample.custody").count() == 1
    other = LabSystem(LabFactory(scope_categories=["aquatic"], scope_test_items=["lead"]), administrator)
    others_order = _order(declaration, create_task, other.lab)
    count = CustodyEntry.objects.count()
    response = lab_system.http.post(f"/api/v1/samples/{others_order.sample_id}/custody/", body,
                                    content_type="application/json",
                                    HTTP_AUTHORIZATION=f"Api-Key {lab_system.raw_key}")
    assert response.status_code == 404
    assert CustodyEntry.objects.count() == count


def test_officers_order_a_test_over_the_api(api_as, declaration, officers, create_task, lead_limit):
    lab = LabFactory(scope_categories=["aquatic"], scope_test_items=["lead"])
    task = create_task(declaration, mode="supervised")
    sample = services.sample_take(task=task, description="1 carton", quantity="1", unit="kg", seal_no="S9",
                                  actor=task.assigned_to)
    response = api_as(task.assigned_to).post("/api/v1/lab-orders/", {"sample": sample.pk, "lab": lab.pk,
                                                                     "test_items": ["lead"]}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["conformity"], response.json()["category"]) == ("pending", "aquatic")
    assert AuditEntry.objects.filter(action="lab_order.create").exists()


def test_a_bad_public_key_is_refused_on_its_field(administrator):
    with pytest.raises(ValidationError) as caught:
        services.lab_api_access_set(lab=LabFactory(), client=None, signing_public_key="not a key",
                                    actor=administrator)
    assert "signing_public_key" in caught.value.message_dict
