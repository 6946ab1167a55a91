"""The OpenAPI document states each operation's agency scope as a security requirement of the key scheme."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        return APIClient().get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").json()


def _agency_requirement(schema, path, method):
    return [r["agencyApiKey"] for r in schema["paths"][path][method].get("security", []) if "agencyApiKey" in r]


def test_scoped_operations_list_their_scope(schema):
    assert _agency_requirement(schema, "/api/v1/registrations/", "get") == [["registrations:read"]]
    assert _agency_requirement(schema, "/api/v1/logistics-events/", "post") == [["logistics:push"]]
    assert _agency_requirement(schema, "/api/v1/case-referrals/", "get") == [["case_referral"]]


def test_operations_closed_to_agencies_omit_the_key_scheme(schema):
    assert _agency_requirement(schema, "/api/v1/declarations/", "post") == []
    assert _agency_requirement(schema, "/api/v1/inspection-tasks/", "get") == []
    assert _agency_requirement(schema, "/api/v1/risk-rules/", "get") == []
