"""A hostile JSON body (deeply nested, or larger than any resource) is refused with a 4xx, never a 500, on every
route including the unauthenticated token exchange."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_deep_nesting_on_the_token_exchange_is_a_400(depth):
    response = APIClient().post("/api/v1/auth/token/", nested(depth), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@pytest.mark.parametrize("depth", [33, 5000])
def test_deep_nesting_on_a_declaration_is_a_400(api_as, declarant_a, depth):
    body = '{"lines": [' + nested(depth) + "]}"
    response = api_as(declarant_a).post("/api/v1/declarations/", body, content_type="application/json")
    assert response.status_code == 400


def test_objects_count_as_levels_too(api_as, declarant_a):
    body = '{"a":' * 40 + "1" + "}" * 40
    response = api_as(declarant_a).post("/api/v1/declarations/", body, content_type="application/json")
    assert response.status_code == 400


def test_a_body_beyond_the_limit_is_a_413(settings):
    settings.API_JSON_MAX_BYTES = 1000
    body = '{"username": "' + "x" * 2000 + '", "password": "y"}'
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert response.status_code == 413


def test_ordinary_nesting_still_parses(api_as, declarant_a):
    response = api_as(declarant_a).post("/api/v1/declarations/", '{"lines": [{"hs_code": []}]}',
                                        content_type="application/json")
    assert response.status_code == 400
    assert "lines" in str(response.json()["errors"])
