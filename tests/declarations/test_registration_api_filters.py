"""The registrations API filters with the page's FilterSet (status, kind), inside the caller's scope."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations import services

pytestmark = pytest.mark.django_db

URL = "/api/v1/registrations/"


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def apply(enterprise, actor, kind, **kw):
    today = timezone.localdate()
    return services.registration_apply(enterprise=enterprise, actor=actor, kind=kind, valid_from=today,
                                       valid_until=today + datetime.timedelta(days=365), **kw)


@pytest.fixture
def registrations(declarant_a, declarant_b, enterprise_a, enterprise_b, officer):
    filing_a = apply(enterprise_a, declarant_a, "importer_filing", categories=["food"])
    manufacturer_a = apply(enterprise_a, declarant_a, "manufacturer_registration", manufacturer_name="Dermalys SA")
    services.registration_decide(registration=manufacturer_a, action="approve", actor=officer)
    filing_b = apply(enterprise_b, declarant_b, "importer_filing", categories=["food"])
    manufacturer_b = apply(enterprise_b, declarant_b, "manufacturer_registration", manufacturer_name="Ostrea Ltd")
    services.registration_decide(registration=manufacturer_b, action="approve", actor=officer)
    return {"filing_a": filing_a.pk, "manufacturer_a": manufacturer_a.pk, "filing_b": filing_b.pk,
            "manufacturer_b": manufacturer_b.pk}


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_filters_narrow_a_declarant_s_list_within_their_enterprise(declarant_a, registrations):
    client = token_client(declarant_a)
    assert ids(client.get(URL)) == {registrations["filing_a"], registrations["manufacturer_a"]}
    assert ids(client.get(URL, {"kind": "importer_filing"})) == {registrations["filing_a"]}
    assert ids(client.get(URL, {"status": "approved"})) == {registrations["manufacturer_a"]}
    assert ids(client.get(URL, {"status": "approved", "kind": "importer_filing"})) == set()


def test_filters_narrow_the_bureau_s_list_across_enterprises(officer, registrations):
    client = token_client(officer)
    assert ids(client.get(URL)) == set(registrations.values())
    assert ids(client.get(URL, {"kind": "manufacturer_registration"})) == {registrations["manufacturer_a"],
                                                                          registrations["manufacturer_b"]}
    assert ids(client.get(URL, {"status": "pending"})) == {registrations["filing_a"], registrations["filing_b"]}


def test_an_unknown_filter_value_is_refused_not_ignored(declarant_a, registrations):
    response = token_client(declarant_a).get(URL, {"status": "nonsense"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]
