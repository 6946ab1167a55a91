"""The OpenAPI document states each operation's agency scope as a security requirement of the key scheme."""

import re

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


def test_the_contract_names_are_language_neutral(db):
    schema = APIClient().get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    non_ascii = re.compile(r"[^\x00-\x7f]")
    assert not [name for name in schema["components"]["schemas"] if non_ascii.search(name)]
    titled = [f"{path} {parameter['name']}: {parameter['schema']['title']}"
              for path, operations in schema["paths"].items() for operation in operations.values()
              for parameter in operation.get("parameters", []) if "title" in parameter.get("schema", {})]
    assert not titled


def test_request_bodies_are_json_and_only_uploads_multipart(schema):
    bodies = {f"{method.upper()} {path}": sorted(operation["requestBody"]["content"])
              for path, operations in schema["paths"].items() for method, operation in operations.items()
              if "requestBody" in operation}
    # File uploads: a document, and the bulk files of the reference tables and the staff.
    for upload in ("/api/v1/declarations/{id}/documents/", "/api/v1/hs-editions/", "/api/v1/officers/import/",
                   "/api/v1/roster-duties/import/", "/api/v1/test-limits/import/"):
        assert bodies.pop(f"POST {upload}") == ["multipart/form-data"], upload
    assert {tuple(content) for content in bodies.values()} == {("application/json",)}


def test_a_form_encoded_body_is_refused_as_unsupported(api_as, declarant_a):
    response = api_as(declarant_a).post("/api/v1/declarations/", "port_of_entry=NGB",
                                        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
