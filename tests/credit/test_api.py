import pytest

from credit.choices import CreditEventKind as K
from credit.choices import CreditEventSource as S
from credit.choices import CreditGrade as G
from credit.models import CreditEvent
from credit.services import credit_event_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_user(agency_user):
    """The customs agency's user, linked to a client holding the credit-exchange scope."""
    from ciq_portal.models import AgencyScope

    from ..ciq_portal.factories import make_client

    make_client(user=agency_user, scopes=[AgencyScope.CREDIT_EXCHANGE, AgencyScope.RELEASE_STATUS_READ])
    return agency_user


def push(client, enterprise, ref="CUS-2026-001", **extra):
    body = {"enterprise_uscc": enterprise.uscc, "kind": "agency_information", "weight": -6,
            "external_reference": ref, "evidence_type": "customs_case", "evidence_id": "C-77", **extra}
    return client.post("/api/v1/credit-events/", body, format="json")


def test_enterprises_carry_credit_grade(api_as, supervisor, enterprise_a):
    row = api_as(supervisor).get(f"/api/v1/enterprises/{enterprise_a.pk}/").json()
    assert row["credit_grade"] == G.B and row["credit_score"] == "70.00"


def test_agency_push_is_validated_and_idempotent(api_as, agency_user, enterprise_a):
    client = api_as(agency_user)
    first = push(client, enterprise_a)
    assert first.status_code == 201, first.json()
    again = push(client, enterprise_a)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert CreditEvent.objects.count() == 1
    assert first.json()["source"] == S.PARTNER_AGENCY and first.json()["source_name"] == agency_user.username
    bad = push(client, enterprise_a, ref="", kind="nonsense", occurred_on="2099-01-01")
    assert bad.status_code == 400 and {"kind"} <= set(bad.json()["errors"])
    no_ref = push(client, enterprise_a, ref="")
    assert no_ref.status_code == 400 and "external_reference" in no_ref.json()["errors"]
    penalty = push(client, enterprise_a, ref="P-1", kind="penalty")
    assert penalty.status_code == 400 and "amount" in penalty.json()["errors"]
    unknown = client.post("/api/v1/credit-events/", {"enterprise": 999999, "kind": "recall",
                                                     "external_reference": "x"}, format="json")
    assert unknown.status_code == 400 and "enterprise" in unknown.json()["errors"]


def test_idempotency_key_replays(api_as, agency_user, enterprise_a):
    client = api_as(agency_user)
    body = {"enterprise": enterprise_a.pk, "kind": "recall", "external_reference": "R-1"}
    first = client.post("/api/v1/credit-events/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    second = client.post("/api/v1/credit-events/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 201 and second["Idempotent-Replayed"] == "true"
    enterprise_a.refresh_from_db()
    assert enterprise_a.credit_grade == G.C  # a recall is severe: 70 - 15 = 55 regraded at once
    assert enterprise_a.grade_changes.count() == 1


def test_agency_scopes(api_as, agency_user, enterprise_a, enterprise_b, officer):
    client = api_as(agency_user)
    assert {row["id"] for row in client.get("/api/v1/enterprises/").json()["results"]} == {enterprise_a.pk,
                                                                                           enterprise_b.pk}
    own = push(client, enterprise_a).json()["id"]
    other = credit_event_record(enterprise=enterprise_a, kind=K.NON_CONFORMITY, source=S.OFFICER, actor=officer)
    listed = [row["id"] for row in client.get("/api/v1/credit-events/").json()["results"]]
    assert listed == [own]
    assert client.get(f"/api/v1/credit-events/{other.pk}/").status_code == 404
    assert client.post("/api/v1/credit-policy/", {}, format="json").status_code == 403
    assert client.get("/api/v1/credit-policy/").status_code == 200


def test_declarant_reads_only_own_events(api_as, declarant_a, declarant_b, enterprise_a, enterprise_b, officer):
    mine = credit_event_record(enterprise=enterprise_a, kind=K.NON_CONFORMITY, source=S.OFFICER, actor=officer,
                               evidence_type="declaration", evidence_id="NGB1")
    theirs = credit_event_record(enterprise=enterprise_b, kind=K.NON_CONFORMITY, source=S.OFFICER, actor=officer)
    client = api_as(declarant_a)
    assert [row["id"] for row in client.get("/api/v1/credit-events/").json()["results"]] == [mine.pk]
    assert client.get(f"/api/v1/credit-events/{theirs.pk}/").status_code == 404
    assert client.get("/api/v1/credit-events/", {"enterprise": enterprise_b.pk}).json().get("results", []) == []
    assert client.get(f"/api/v1/credit-events/{mine.pk}/").json()["evidence_id"] == "NGB1"
    assert push(client, enterprise_a).status_code == 403


def test_declarant_does_not_see_agency_evidence(api_as, declarant_a, agency_user, enterprise_a):
    event_id = push(api_as(agency_user), enterprise_a).json()["id"]
    row = api_as(declarant_a).get(f"/api/v1/credit-events/{event_id}/").json()
    assert row["evidence_id"] == "" and row["external_reference"] == "" and row["kind"] == "agency_information"
    # Nor can they test a guessed reference with a filter: every answer is the same.

    def ids(client, reference):
        return [r["id"] for r in client.get("/api/v1/credit-events/", {"external_reference": reference})
                .json()["results"]]

    assert ids(api_as(declarant_a), "CUS-2026-001") == ids(api_as(declarant_a), "CUS-2026-999") == [event_id]
    assert ids(api_as(agency_user), "CUS-2026-001") == [event_id] and ids(api_as(agency_user), "CUS-2026-999") == []


def test_policy_read_and_supervisor_update(api_as, supervisor, declarant_a, django_capture_on_commit_callbacks):
    rows = api_as(declarant_a).get("/api/v1/credit-policy/").json()["results"]
    assert rows[0]["version"] == 1 and rows[0]["ratio_b"] == "0.02440"
    body = {"ratio_aa": "0.004", "ratio_a": "0.0100", "ratio_b": "0.0244", "ratio_c": "0.2", "ratio_d": "0.85"}
    assert api_as(declarant_a).post("/api/v1/credit-policy/", body, format="json").status_code == 403
    refused = api_as(supervisor).post("/api/v1/credit-policy/", {**body, "ratio_d": "0.5"}, format="json")
    assert refused.status_code == 400 and "ratio_d" in refused.json()["errors"]
    with django_capture_on_commit_callbacks(execute=True):
        created = api_as(supervisor).post("/api/v1/credit-policy/", body, format="json")
    assert created.status_code == 201 and created.json()["version"] == 2
    from credit.selectors import inspection_ratio_for_grade

    assert inspection_ratio_for_grade("D") == (0.85, 2)
    budgets = {"budget_aa": "0.004", "budget_a": "0.0100", "budget_b": "0.0244", "budget_c": "0.2",
               "budget_d": "0.85"}
    over = api_as(supervisor).post("/api/v1/credit-policy/", {**body, **budgets, "budget_c": "0.9"}, format="json")
    assert over.status_code == 400 and "budget_c" in over.json()["errors"]
    with django_capture_on_commit_callbacks(execute=True):
        created = api_as(supervisor).post("/api/v1/credit-policy/", {**body, **budgets, "ratio_d": "0.1"},
                                          format="json")
    assert created.status_code == 201 and created.json()["budget_d"] == "0.85000"
    assert created.json()["ratio_d"] == "0.10000"
    partial = api_as(supervisor).post("/api/v1/credit-policy/", {**body, "budget_b": "0.03"}, format="json")
    assert partial.status_code == 400 and "budget_aa" in partial.json()["errors"]  # budgets come all five or none


def test_agency_without_credit_exchange_scope_is_refused(api_as, roles, enterprise_a):
    from ciq_portal.models import AgencyScope

    from ..ciq_portal.factories import make_agency, make_client

    agency = make_agency(code="msa", kind="maritime")
    client = make_client(agency, scopes=[AgencyScope.RELEASE_STATUS_READ], username="msa-client")
    http = api_as(client.user)
    assert http.get("/api/v1/enterprises/").status_code == 403
    assert push(http, enterprise_a).status_code == 403


def test_agency_api_key_pushes_and_reads_grades(api_client, roles, enterprise_a):
    from ..ciq_portal.factories import make_key

    _client, _key, raw = make_key(username="customs-system")
    api_client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert push(api_client, enterprise_a, ref="K-1").status_code == 201
    assert api_client.get(f"/api/v1/enterprises/{enterprise_a.pk}/").json()["credit_grade"] == "B"
