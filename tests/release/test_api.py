"""The release REST face: scoping, what declarants see, the verify-release steps, distribution with replay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from release import services
from release.models import Release
from tests.inspection.factories import LabFactory

from .factories import FakeAssessment, submitted_declaration

pytestmark = pytest.mark.django_db


def grade(enterprise, value):
    enterprise.credit_grade = value
    enterprise.save(update_fields=["credit_grade"])
    return enterprise


def test_releases_are_scoped(hs, draw, api_as, enterprise_a, declarant_a, declarant_b, officer):
    declaration = submitted_declaration(grade(enterprise_a, "A"))
    services.release_decide(declaration=declaration, assessment=FakeAssessment(tier="low"), actor=None)
    release = Release.objects.get(declaration=declaration)
    mine = api_as(declarant_a).get("/api/v1/releases/").json()
    assert [r["trace_code"] for r in mine["results"]] == [release.trace_code]
    assert mine["results"][0]["certificate_number"] == release.certificate.number
    assert api_as(declarant_b).get("/api/v1/releases/").json()["results"] == []
    assert api_as(declarant_b).get(f"/api/v1/releases/{release.pk}/").status_code == 404
    assert api_as(officer).get(f"/api/v1/releases/{release.pk}/").json()["mode"] == "declare"


def test_decision_api_hides_reasons_from_declarants(hs, draw, api_as, enterprise_a, declarant_a, officer,
                                                    supervisor):
    services.negative_list_add(kind="hs_prefix", value="0306", reason="Secret shrimp watch", actor=supervisor)
    declaration = submitted_declaration(grade(enterprise_a, "A"))
    services.release_decide(declaration=declaration, assessment=FakeAssessment(tier="low"), actor=None)
    body = api_as(declarant_a).get(f"/api/v1/release-decisions/{declaration.pk}/").json()
    assert body["mode"] == "supervised" and body["next_step"] == "await_inspection"
    assert "forced_by" not in body and "Secret" not in str(body) and "inputs" not in body
    bureau = api_as(officer).get(f"/api/v1/release-decisions/{declaration.pk}/").json()
    assert bureau["forced_by"][0]["code"] == "negative_list" and bureau["matrix_mode"] == "declare"


def test_verify_release_through_the_api(hs, draw, api_as, enterprise_a, declarant_a, declarant_b, officer):
    declaration = submitted_declaration(grade(enterprise_a, "B"))
    services.release_decide(declaration=declaration, assessment=FakeAssessment(tier="low"), actor=None)
    lab = LabFactory()
    url = f"/api/v1/release-decisions/{declaration.pk}/supply-report/"
    payload = {"lab_accreditation_no": lab.accreditation_no, "report_no": "R-77",
               "issued_on": str(timezone.localdate() - timedelta(days=3)), "hs_codes": ["0306"],
               "results": [{"test_item": "lead", "value": "0.01", "unit": "mg/kg"}]}
    assert api_as(declarant_b).post(url, payload, format="json").status_code == 404
    response = api_as(declarant_a).post(url, payload, format="json")
    assert response.status_code == 200 and response.json()["next_step"] == "await_verification"
    report = declaration.test_reports.get()
    refused = api_as(officer).post(f"/api/v1/release-decisions/{declaration.pk}/verify/",
                                   {"report": report.pk, "accept": False}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    ok = api_as(officer).post(f"/api/v1/release-decisions/{declaration.pk}/verify/",
                              {"report": report.pk, "accept": True}, format="json")
    assert ok.status_code == 200 and ok.json()["certificate_number"]
    assert api_as(declarant_a).get(f"/api/v1/release-decisions/{declaration.pk}/").json()["trace_code"]


def test_distribution_with_idempotency_key(hs, draw, api_as, enterprise_a, declarant_a, declarant_b):
    declaration = submitted_declaration(grade(enterprise_a, "A"))
    services.release_decide(declaration=declaration, assessment=FakeAssessment(tier="low"), actor=None)
    release = Release.objects.get(declaration=declaration)
    url = f"/api/v1/releases/{release.pk}/distributions/"
    payload = {"buyer_name": "Shop 1", "quantity": "5", "unit": "kg", "distributed_on": str(timezone.localdate())}
    client = api_as(declarant_a)
    first = client.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(url, payload, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert release.distributions.count() == 1
    bad = client.post(url, {**payload, "quantity": "0"}, format="json")
    assert bad.status_code == 400 and "quantity" in bad.json()["errors"]
    assert api_as(declarant_b).post(url, payload, format="json").status_code == 404


def test_certificate_verify_api_is_public(hs, draw, api_client, enterprise_a):
    declaration = submitted_declaration(grade(enterprise_a, "A"))
    services.release_decide(declaration=declaration, assessment=FakeAssessment(tier="low"), actor=None)
    number = Release.objects.get(declaration=declaration).certificate.number
    body = api_client.get(f"/api/v1/certificates/{number}/verify/").json()
    assert body["genuine"] is True and body["status"] == "valid"
    assert body["signed"]["facts"]["release_mode"] == "declare"
    assert api_client.get("/api/v1/certificates/NOPE/verify/").status_code == 404


def test_partner_agencies_read_releases_with_their_scope(hs, draw, roles, enterprise_a, declarant_a, officer):
    from rest_framework.test import APIClient

    from tests.ciq_portal.factories import make_key

    declaration = submitted_declaration(grade(enterprise_a, "A"))
    services.release_decide(declaration=declaration, assessment=FakeAssessment(tier="low"), actor=None)
    _client, _key, raw = make_key(scopes=["release_status:read"], username="port-edi")
    port = APIClient(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    body = port.get("/api/v1/releases/").json()
    assert [r["declaration_number"] for r in body["results"]] == [declaration.number]
    assert "value" not in str(body)
    release = Release.objects.get(declaration=declaration)
    services.distribution_record_add(release=release, buyer_name="Secret Buyer Ltd", quantity="10", unit="kg",
                                     distributed_on=timezone.localdate(), actor=declarant_a)
    services.recall_open(release=release, source="manual", reason="Labels wrong", actor=officer)
    # The buyers are the importer's: an agency reads the release, not whom the goods were sold to.
    assert port.get(f"/api/v1/releases/{release.pk}/recalls/").status_code == 403
    assert port.get(f"/api/v1/releases/{release.pk}/distributions/").status_code == 403
    assert "Secret Buyer" not in port.get(f"/api/v1/releases/{release.pk}/").content.decode()
    _client, _key, raw = make_key(scopes=["logistics:push"], username="other-edi")
    assert APIClient(HTTP_AUTHORIZATION=f"Api-Key {raw}").get("/api/v1/releases/").status_code == 403


def test_declaration_api_carries_mode_next_step_trace_code_and_certificate(hs, draw, api_as, enterprise_a,
                                                                           declarant_a):
    from tests.release.test_pipeline import draft

    declaration = draft(grade(enterprise_a, "AA"))
    client = api_as(declarant_a)
    before = client.get(f"/api/v1/declarations/{declaration.pk}/").json()
    assert before["release_mode"] == "" and before["trace_code"] is None and before["certificate_number"] is None
    body = client.post(f"/api/v1/declarations/{declaration.pk}/submit/", HTTP_IDEMPOTENCY_KEY="s-1").json()
    release = Release.objects.filter(declaration=declaration).first()
    assert body["release_mode"] in ("declare", "verify", "sample", "supervised") and body["next_step"]
    if release is not None:
        assert body["trace_code"] == release.trace_code
        assert body["certificate_number"] == release.certificate.number
    else:
        assert body["trace_code"] is None and body["next_step"] != "none"


@pytest.mark.parametrize("mode", ["declare", "verify", "sample", "supervised"])
def test_submit_answers_what_a_later_read_returns(mode, hs, draw, api_as, enterprise_a, declarant_a, supervisor):
    from tests.factories import GoodsLineFactory
    from tests.release.test_pipeline import draft

    declaration = draft(grade(enterprise_a, "B" if mode == "verify" else "AA"))  # low-risk goods
    GoodsLineFactory(declaration=declaration, line_no=2, hs_code="8418690000", origin_country="DE", unit="set")
    if mode in ("sample", "supervised"):
        services.negative_list_add(kind="hs_prefix", value="8418", reason="watched", actor=supervisor, min_mode=mode)
    client = api_as(declarant_a)
    submitted = client.post(f"/api/v1/declarations/{declaration.pk}/submit/", HTTP_IDEMPOTENCY_KEY="s-1")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["release_mode"] == mode
    assert submitted.json() == client.get(f"/api/v1/declarations/{declaration.pk}/").json()


def test_bad_ids_are_404_not_500(api_as, officer):
    client = api_as(officer)
    for url in ("/api/v1/releases/x/", "/api/v1/release-decisions/x/", "/api/v1/releases/1e3/distributions/"):
        assert client.get(url).status_code == 404, url
