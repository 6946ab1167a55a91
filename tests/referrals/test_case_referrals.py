"""Case referrals (案件通报移交) between the bureau and partner agencies, both directions, over the API and pages."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from ciq_portal.models import AgencyScope, AuditEntry, EventType, Notification, OutboxEvent
from declarations.models import DeclarationEvent
from referrals.models import CaseReferral
from tests.ciq_portal.factories import make_agency, make_client, make_key
from tests.factories import DeclarationFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/case-referrals/"
CONTAINER = "MSCU1234566"


@pytest.fixture(autouse=True)
def _cache():
    cache.clear()


@pytest.fixture
def customs(roles):
    return make_agency("customs")


def key_api(agency, username, scopes=(AgencyScope.CASE_REFERRAL,)):
    _, _, raw = make_key(make_client(agency, username=username, scopes=list(scopes)))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


@pytest.fixture
def customs_api(customs):
    return key_api(customs, "customs-cases")


@pytest.fixture
def declaration(enterprise_a):
    return DeclarationFactory(enterprise=enterprise_a, status="under_inspection", submitted_at=timezone.now(),
                              containers=[CONTAINER])


def refer(api, declaration, headers=None, **extra):
    return api.post(URL, {"kind": "counterfeit", "summary": "Fake brand labels on 40 cartons", "agency": "customs",
                          "declaration_number": declaration.number, "container_no": CONTAINER,
                          "evidence": [{"description": "Photos of the labels", "reference": "IMG-001..012"}],
                          **extra}, format="json", **(headers or {}))


def test_officer_refers_a_case_and_the_agency_acknowledges_and_reports(api_as, officer, customs, customs_api,
                                                                       declaration, declarant_a):
    response = refer(api_as(officer), declaration, headers={"HTTP_IDEMPOTENCY_KEY": "ref-1"})
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["direction"] == "to_agency" and case["status"] == "referred" and case["agency"] == "customs"
    assert case["evidence"][0]["description"] == "Photos of the labels"
    assert refer(api_as(officer), declaration, headers={"HTTP_IDEMPOTENCY_KEY": "ref-1"}).json()["id"] == case["id"]
    assert CaseReferral.objects.count() == 1

    listed = customs_api.get(URL).json()["results"]
    assert [row["number"] for row in listed] == [case["number"]]
    ack = customs_api.post(f"{URL}{case['id']}/acknowledge/", {"note": "Taken up", "external_reference": "HG-77"},
                           format="json")
    assert ack.status_code == 200 and ack.json()["status"] == "acknowledged"
    assert ack.json()["external_reference"] == "HG-77"
    more = customs_api.post(f"{URL}{case['id']}/evidence/", {"description": "Seizure record", "reference": "SZ-9"},
                            format="json")
    assert more.status_code == 201 and len(more.json()["evidence"]) == 2
    done = customs_api.post(f"{URL}{case['id']}/outcome/", {"outcome": "penalty_imposed",
                                                             "detail": "Fine of 50,000 CNY, decision HG-77-D"},
                            format="json")
    assert done.status_code == 200 and done.json()["status"] == "closed"
    # The officer who referred it hears back in the portal; the declarant never sees anything of it.
    assert Notification.objects.filter(user=officer, event_type=EventType.CASE_REFERRAL).exists()
    assert not Notification.objects.filter(user=declarant_a).exists()
    assert not DeclarationEvent.objects.filter(declaration=declaration, kind__startswith="case_referral",
                                               visible_to_declarant=True).exists()
    assert DeclarationEvent.objects.filter(declaration=declaration, kind="case_referral_referred").exists()
    actions = set(AuditEntry.objects.filter(object_type="referrals.casereferral").values_list("action", flat=True))
    assert {"case_referral.create", "case_referral.acknowledge", "case_referral.report_outcome"} <= actions
    closed = CaseReferral.objects.get(pk=case["id"])  # the outcome leaves the acknowledgement as it was recorded
    assert closed.acknowledged_at < closed.outcome_at and closed.acknowledgement_note == "Taken up"
    # The timeline entries are the bureau's texts in both languages.
    referred = DeclarationEvent.objects.get(declaration=declaration, kind="case_referral_referred")
    assert "假冒商品" in referred.message_translations["zh-hans"]
    assert "Counterfeit goods" in referred.message_translations["en"]


def test_an_agency_refers_a_case_to_the_bureau(api_as, officer, supervisor, customs_api, declaration):
    response = customs_api.post(URL, {"kind": "evasion_of_inspection", "summary": "Container left before inspection",
                                      "declaration_number": declaration.number, "external_reference": "HG-2026-12",
                                      "evidence": [{"description": "Gate log", "reference": "GATE-5521"}]},
                                format="json")
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["direction"] == "from_agency" and case["agency"] == "customs"
    assert Notification.objects.filter(user=supervisor, event_type=EventType.CASE_REFERRAL).exists()
    # The agency may not acknowledge its own referral; the bureau does.
    assert customs_api.post(f"{URL}{case['id']}/acknowledge/", {}, format="json").status_code == 400
    assert api_as(officer).post(f"{URL}{case['id']}/acknowledge/", {"note": "Opened"},
                                format="json").json()["status"] == "acknowledged"
    assert api_as(officer).post(f"{URL}{case['id']}/withdraw/", {"reason": "x"}, format="json").status_code == 400
    closed = api_as(officer).post(f"{URL}{case['id']}/outcome/", {"outcome": "violation_confirmed",
                                                                  "detail": "Credit event recorded"}, format="json")
    assert closed.json()["status"] == "closed"
    event = OutboxEvent.objects.filter(event_type=EventType.CASE_REFERRAL).order_by("-id").first()
    assert event.payload["change"] == "report_outcome" and "declarant" not in event.audience


def test_the_referring_side_may_withdraw(api_as, officer, customs_api, declaration):
    case = refer(api_as(officer), declaration).json()
    withdrawn = api_as(officer).post(f"{URL}{case['id']}/withdraw/", {"reason": "Referred by mistake"}, format="json")
    assert withdrawn.json()["status"] == "withdrawn"
    assert customs_api.post(f"{URL}{case['id']}/acknowledge/", {}, format="json").status_code == 400


@pytest.mark.parametrize("payload, field", [
    ({"kind": "nope"}, "kind"),
    ({"summary": ""}, "summary"),
    ({"agency": "nowhere"}, "agency"),
    ({"declaration_number": "NGB000"}, "declaration_number"),
    ({"container_no": "TGHU7654320"}, "container_no"),
    ({"evidence": [{"description": "doc", "document": 999999}]}, "evidence"),
])
def test_referral_errors_name_the_field(api_as, officer, customs, declaration, payload, field):
    response = refer(api_as(officer), declaration, **payload)
    assert response.status_code == 400 and field in response.json()["errors"], response.content
    assert not CaseReferral.objects.exists()


def test_agency_without_case_referral_grant_cannot_receive(api_as, officer, declaration, roles):
    make_agency("port", "port_operator", scopes=[AgencyScope.LOGISTICS_PUSH])
    response = refer(api_as(officer), declaration, agency="port")
    assert response.status_code == 400 and "agency" in response.json()["errors"]


def test_scopes_and_tenancy(api_as, officer, customs, customs_api, declaration, declarant_a, agency_user, roles):
    case = refer(api_as(officer), declaration).json()
    # An agency client without the case_referral scope: 403 naming it, for every operation.
    no_scope = key_api(customs, "customs-read", scopes=[AgencyScope.RELEASE_STATUS_READ])
    for response in (no_scope.get(URL), no_scope.get(f"{URL}{case['id']}/"), no_scope.post(URL, {}, format="json"),
                     no_scope.post(f"{URL}{case['id']}/acknowledge/", {}, format="json"),
                     no_scope.post(f"{URL}{case['id']}/outcome/", {}, format="json"),
                     no_scope.post(f"{URL}{case['id']}/evidence/", {}, format="json"),
                     no_scope.post(f"{URL}{case['id']}/withdraw/", {}, format="json")):
        assert response.status_code == 403 and "case_referral" in response.json()["detail"]
    # Another agency with the scope sees nothing of customs' cases.
    border = key_api(make_agency("border", "border"), "border-cases")
    assert border.get(URL).json()["results"] == []
    assert border.get(f"{URL}{case['id']}/").status_code == 404
    assert border.post(f"{URL}{case['id']}/acknowledge/", {}, format="json").status_code == 404
    # Declarants never see referrals; unlinked agency users lack the scope.
    assert api_as(declarant_a).get(URL).status_code == 403
    assert api_as(agency_user).get(URL).status_code == 403
    # Agencies may not attach the bureau's declaration documents.
    response = customs_api.post(f"{URL}{case['id']}/evidence/", {"description": "x", "document": 1}, format="json")
    assert response.status_code == 400 and "evidence" in response.json()["errors"]


def test_officer_pages(client, officer, customs, customs_api, declaration):
    client.force_login(officer)
    page = client.get(reverse("referrals:create"), {"declaration": declaration.number})
    assert page.status_code == 200 and declaration.number in page.content.decode()
    response = client.post(reverse("referrals:create"), {
        "agency": "customs", "kind": "suspected_violation", "declaration_number": declaration.number,
        "summary": "Labels do not match the declared origin", "evidence_description": "Label photos"})
    referral = CaseReferral.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("referrals:detail", args=[referral.pk])
    detail = client.get(reverse("referrals:detail", args=[referral.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "Label photos" in detail.content.decode() and "Withdraw" in detail.content.decode()
    client.post(reverse("referrals:action", args=[referral.pk, "evidence"]),
                {"description": "Invoice copy", "reference": "INV-1"})
    assert referral.evidence.count() == 2
    listing = client.get(reverse("referrals:list"), {"status": "referred"}).content.decode()
    assert referral.number in listing
    bad = client.post(reverse("referrals:create"), {"agency": "customs", "kind": "counterfeit",
                                                           "declaration_number": "NGB-NOPE", "summary": "x"},
                      HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 200 and "NGB-NOPE" in bad.content.decode()


def test_officer_acknowledges_an_incoming_case_in_the_browser(client, officer, customs_api, declaration):
    case = customs_api.post(URL, {"kind": "smuggling", "summary": "Undeclared goods found"}, format="json").json()
    client.force_login(officer)
    client.post(reverse("referrals:action", args=[case["id"], "acknowledge"]), {"note": "Ok"})
    client.post(reverse("referrals:action", args=[case["id"], "outcome"]),
                {"outcome": "transferred_judicial", "detail": "Sent to the anti-smuggling bureau"})
    referral = CaseReferral.objects.get(pk=case["id"])
    assert referral.status == "closed" and referral.outcome == "transferred_judicial"
    assert customs_api.get(f"{URL}{case['id']}/").json()["outcome"] == "transferred_judicial"


def test_declarants_and_agencies_cannot_open_the_pages(client, declarant_a, agency_user, officer, customs_api):
    case = customs_api.post(URL, {"kind": "other", "summary": "x"}, format="json").json()
    for user in (declarant_a, agency_user):
        client.force_login(user)
        assert client.get(reverse("referrals:list")).status_code == 403
        assert client.get(reverse("referrals:detail", args=[case["id"]])).status_code == 403
