import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from ciq_portal.models import AgencyScope
from declarations import services
from declarations.models import RegulatedGoods
from tests.ciq_portal.factories import make_agency, make_client, make_key

from .conftest import line

pytestmark = pytest.mark.django_db


def apply(enterprise, actor, kind, **kw):
    today = timezone.localdate()
    return services.registration_apply(enterprise=enterprise, actor=actor, kind=kind,
                                       valid_from=today - datetime.timedelta(days=1),
                                       valid_until=today + datetime.timedelta(days=365), **kw)


def test_regulated_goods_need_filing_and_registration(make_draft, declarant_a, enterprise_a, officer,
                                                      no_requirements):
    RegulatedGoods.objects.create(category="cosmetics")
    draft = make_draft(lines=[line(), line(hs_code="3304990000", manufacturer_name="Dermalys SA")])
    with pytest.raises(ValidationError) as exc:
        services.declaration_submit(declaration=draft, actor=declarant_a)
    errors = exc.value.message_dict
    assert "lines.1.hs_code" in errors and "lines.1.manufacturer_name" in errors and "lines.0.hs_code" not in errors
    filing = apply(enterprise_a, declarant_a, "importer_filing", categories=["cosmetics"])
    registration = apply(enterprise_a, declarant_a, "manufacturer_registration", manufacturer_name="dermalys sa")
    services.registration_decide(registration=filing, action="approve", actor=officer)
    with pytest.raises(ValidationError) as exc:
        services.declaration_submit(declaration=draft, actor=declarant_a)
    assert list(exc.value.message_dict) == ["lines.1.manufacturer_name"]
    services.registration_decide(registration=registration, action="approve", actor=officer)
    assert services.declaration_submit(declaration=draft, actor=declarant_a).status == "submitted"


def test_declarant_cannot_decide(declarant_a, enterprise_a):
    filing = apply(enterprise_a, declarant_a, "importer_filing")
    with pytest.raises(ValidationError):
        services.registration_decide(registration=filing, action="approve", actor=declarant_a)


def test_api_scoping(api_as, declarant_a, declarant_b, enterprise_a, agency_user):
    response = api_as(declarant_a).post("/api/v1/registrations/", {
        "kind": "importer_filing", "categories": ["food"], "valid_from": "2026-01-01", "valid_until": "2027-12-31"},
        format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert api_as(declarant_b).get(f"/api/v1/registrations/{pk}/").status_code == 404
    assert api_as(declarant_b).get("/api/v1/registrations/").json()["count"] == 0
    assert api_as(declarant_a).get("/api/v1/registrations/").json()["count"] == 1
    refused = api_as(agency_user).get(f"/api/v1/registrations/{pk}/")
    assert refused.status_code == 403 and refused.json()["code"] == "missing_scope"
    _, _, raw = make_key(scopes=[AgencyScope.REGISTRATIONS_READ])
    agency = APIClient()
    agency.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert agency.get(f"/api/v1/registrations/{pk}/").status_code == 200
    _, _, other = make_key(make_client(make_agency(code="port"), scopes=[AgencyScope.LOGISTICS_PUSH], username="port"))
    agency.credentials(HTTP_AUTHORIZATION=f"Api-Key {other}")
    assert agency.get("/api/v1/registrations/").status_code == 403
