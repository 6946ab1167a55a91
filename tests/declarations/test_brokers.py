"""Customs brokers: an importer's administrator delegates; the broker's declarants file and submit for the importer
within the delegation (goods, ports, dates); the importer sees what they filed; revoking ends it at once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from credit.models import BrokerDelegation
from credit.services import delegation_grant, delegation_revoke
from declarations.models import Declaration
from declarations.services import declaration_create

from .conftest import header, line

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def grant(administrator, broker, **kwargs):
    kwargs.setdefault("valid_from", TODAY)
    kwargs.setdefault("valid_until", TODAY + datetime.timedelta(days=30))
    return delegation_grant(actor=administrator, broker_uscc=broker.uscc, **kwargs)


def toys(**overrides):
    return line(hs_code="9503000090", description="Building-block toys", **overrides)


def file_for(importer, broker_declarant, lines=None, **kwargs):
    return declaration_create(enterprise=importer, actor=broker_declarant, lines=lines or [toys()],
                              **header(**kwargs))


def form_post(**overrides):
    data = {"port_of_entry": "NGB", "transport_mode": "sea", "bill_of_lading": "BRK-0001", "departure_country": "DE",
            "inspection_place": "port", "lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
            "lines-0-hs_code": "9503000090", "lines-0-description": "Toys", "lines-0-origin_country": "DE",
            "lines-0-quantity": "10", "lines-0-unit": "sets", "lines-0-value": "100", "lines-0-currency": "USD"}
    data.update(overrides)
    return data


def test_the_broker_files_for_the_importer_on_the_page_and_the_importer_sees_it(
        client, administrator_a, declarant_a, enterprise_a, broker, broker_declarant):
    grant(administrator_a, broker, hs_chapters="95", ports="NGB")
    client.force_login(broker_declarant)
    page = client.get("/declarations/new/")
    assert "Enterprise A" in page.content.decode() or "甲公司" in page.content.decode()

    response = client.post("/declarations/new/", form_post(enterprise=str(enterprise_a.pk)))

    assert response.status_code == 302, response.content.decode()[:2000]
    declaration = Declaration.objects.get(bill_of_lading="BRK-0001")
    assert (declaration.enterprise, declaration.customs_broker, declaration.created_by) == (
        enterprise_a, broker, broker_declarant)
    client.force_login(declarant_a)
    assert declaration.number in client.get("/declarations/").content.decode()
    assert client.get(f"/declarations/{declaration.pk}/").status_code == 200


def test_the_broker_files_and_submits_for_the_importer_over_the_api(
        api_as, administrator_a, declarant_a, enterprise_a, broker, broker_declarant, no_requirements):
    from release.services import clearance_submit

    grant(administrator_a, broker)
    response = api_as(broker_declarant).post("/api/v1/declarations/", {
        "enterprise": enterprise_a.pk, **header(arrival_date=str(TODAY + datetime.timedelta(days=2))),
        "lines": [toys()]}, format="json")
    assert response.status_code == 201, response.json()
    declaration = Declaration.objects.get(pk=response.json()["id"])

    submitted = clearance_submit(declaration=declaration, actor=broker_declarant)

    assert submitted.status != "draft"
    assert api_as(declarant_a).get(f"/api/v1/declarations/{declaration.pk}/").status_code == 200
    assert api_as(broker_declarant).get(f"/api/v1/declarations/{declaration.pk}/").status_code == 200


def test_an_expired_delegation_is_refused_on_the_importer_field(administrator_a, enterprise_a, broker,
                                                                 broker_declarant, api_as):
    delegation = grant(administrator_a, broker)
    BrokerDelegation.objects.filter(pk=delegation.pk).update(
        valid_from=TODAY - datetime.timedelta(days=30), valid_until=TODAY - datetime.timedelta(days=1))

    with pytest.raises(ValidationError) as refused:
        file_for(enterprise_a, broker_declarant)
    assert list(refused.value.message_dict) == ["enterprise"]
    response = api_as(broker_declarant).post("/api/v1/declarations/", {
        "enterprise": enterprise_a.pk, **header(arrival_date=None), "lines": [toys()]}, format="json")
    assert response.status_code == 400 and "enterprise" in str(response.json())


def test_goods_outside_the_delegated_chapters_are_refused_on_the_line(administrator_a, enterprise_a, broker,
                                                                      broker_declarant):
    grant(administrator_a, broker, hs_chapters="95")

    with pytest.raises(ValidationError) as refused:
        file_for(enterprise_a, broker_declarant, lines=[toys(), line()])  # frozen shrimps: chapter 03
    assert list(refused.value.message_dict) == ["lines.1.hs_code"]


def test_a_port_outside_the_delegation_is_refused_on_the_port(administrator_a, enterprise_a, broker,
                                                               broker_declarant):
    grant(administrator_a, broker, ports="SHA")

    with pytest.raises(ValidationError) as refused:
        file_for(enterprise_a, broker_declarant, port_of_entry="NGB")
    assert list(refused.value.message_dict) == ["port_of_entry"]


def test_a_broker_outside_its_delegation_gets_404(client, api_as, administrator_a, declarant_a, enterprise_a,
                                                  broker, broker_declarant, make_draft):
    importers_own = make_draft(lines=[toys()])  # filed by A itself: never the broker's
    delegation = grant(administrator_a, broker, hs_chapters="95")
    filed = file_for(enterprise_a, broker_declarant)
    # Narrowed afterwards to chapter 84: the declaration the broker filed is no longer delegated.
    BrokerDelegation.objects.filter(pk=delegation.pk).update(hs_chapters=["84"])
    client.force_login(broker_declarant)

    for declaration in (importers_own, filed):
        assert client.get(f"/declarations/{declaration.pk}/").status_code == 404
        assert api_as(broker_declarant).get(f"/api/v1/declarations/{declaration.pk}/").status_code == 404
    assert filed.number not in client.get("/declarations/").content.decode()


def test_a_broker_not_delegated_gets_404(client, administrator_a, enterprise_a, broker, broker_declarant, roles):
    from ciq_portal.roles import Role
    from credit.choices import EnterpriseKind
    from tests.factories import EnterpriseFactory, UserFactory

    grant(administrator_a, broker)
    filed = file_for(enterprise_a, broker_declarant)
    other = UserFactory(role=Role.DECLARANT,
                        enterprise=EnterpriseFactory(kind=EnterpriseKind.CUSTOMS_BROKER))
    client.force_login(other)

    assert client.get(f"/declarations/{filed.pk}/").status_code == 404
    with pytest.raises(ValidationError) as refused:
        file_for(enterprise_a, other)
    assert list(refused.value.message_dict) == ["enterprise"]


def test_revoking_takes_effect_at_once(client, administrator_a, enterprise_a, broker, broker_declarant,
                                       no_requirements):
    from release.services import clearance_submit

    delegation = grant(administrator_a, broker)
    filed = file_for(enterprise_a, broker_declarant)
    client.force_login(broker_declarant)
    assert client.get(f"/declarations/{filed.pk}/").status_code == 200
    client.force_login(administrator_a)

    response = client.post(f"/credit/delegations/{delegation.pk}/revoke/")

    assert response.status_code == 302
    client.force_login(broker_declarant)
    assert client.get(f"/declarations/{filed.pk}/").status_code == 404
    with pytest.raises(ValidationError):
        clearance_submit(declaration=filed, actor=broker_declarant)
    with pytest.raises(ValidationError):
        delegation_revoke(actor=administrator_a, delegation=delegation)


def test_only_the_importers_administrator_delegates(client, declarant_a, administrator_a, broker):
    client.force_login(declarant_a)
    response = client.post("/credit/delegations/", {"broker_uscc": broker.uscc, "valid_from": TODAY,
                                                    "valid_until": TODAY})
    assert response.status_code == 403
    assert not BrokerDelegation.objects.exists()


def test_the_administrator_grants_a_delegation_on_the_page(client, administrator_a, broker):
    client.force_login(administrator_a)
    response = client.post("/credit/delegations/", {"broker_uscc": broker.uscc, "hs_chapters": "03, 84",
                                                    "ports": "ngb", "valid_from": TODAY,
                                                    "valid_until": TODAY + datetime.timedelta(days=90)})
    assert response.status_code == 302
    delegation = BrokerDelegation.objects.get()
    assert (delegation.hs_chapters, delegation.ports) == (["03", "84"], ["NGB"])


@pytest.mark.parametrize(("field", "data"), [
    ("broker_uscc", {"broker_uscc": "91330200MA0000000X"}),
    ("hs_chapters", {"hs_chapters": "3a"}),
    ("hs_chapters", {"hs_chapters": "99"}),
    ("valid_until", {"valid_until": TODAY - datetime.timedelta(days=1)}),
])
def test_a_bad_delegation_is_refused_on_its_field(administrator_a, broker, field, data):
    kwargs = {"broker_uscc": broker.uscc, "valid_from": TODAY - datetime.timedelta(days=5),
              "valid_until": TODAY, **data}
    with pytest.raises(ValidationError) as refused:
        delegation_grant(actor=administrator_a, **kwargs)
    assert list(refused.value.message_dict) == [field]


def test_an_importer_is_no_customs_broker(administrator_a, enterprise_b):
    with pytest.raises(ValidationError) as refused:
        grant(administrator_a, enterprise_b)
    assert list(refused.value.message_dict) == ["broker_uscc"]


def test_delegations_over_the_api(api_as, administrator_a, enterprise_a, broker, broker_declarant, declarant_b):
    granted = api_as(administrator_a).post("/api/v1/delegations/", {
        "broker_uscc": broker.uscc, "hs_chapters": ["95"], "ports": ["NGB"], "valid_from": str(TODAY),
        "valid_until": str(TODAY + datetime.timedelta(days=30))}, format="json")
    assert granted.status_code == 201, granted.json()
    pk = granted.json()["id"]
    held = api_as(broker_declarant).get("/api/v1/delegations/").json()
    assert [d["importer"] for d in held["results"]] == [enterprise_a.pk]
    assert api_as(declarant_b).get(f"/api/v1/delegations/{pk}/").status_code == 404
    assert api_as(broker_declarant).post(f"/api/v1/delegations/{pk}/revoke/").status_code == 403

    revoked = api_as(administrator_a).post(f"/api/v1/delegations/{pk}/revoke/")

    assert revoked.status_code == 200 and revoked.json()["in_force"] is False
    refused = api_as(administrator_a).post("/api/v1/delegations/", {
        "broker_uscc": broker.uscc, "valid_from": str(TODAY), "valid_until": str(TODAY - datetime.timedelta(days=1))},
        format="json")
    assert refused.status_code == 400 and "valid_until" in str(refused.json())
