"""Hostile values in every field of the write endpoints, for every role including an agency key: numbers that are
not (NaN, ±Infinity, huge and tiny exponents, 32 digits, JSON floats beyond any column), deep nesting, very long
strings. Hypothesis puts one into one field of a valid body at a time; the answer is never a server error, and a
refused body leaves no row behind. (The schema-driven fuzzer, tests/proof/test_api_fuzz.py, draws values the schema
allows; this one draws what a hostile client sends.)"""

import datetime
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from ciq_portal.agencies import agency_api_key_issue, agency_client_create, agency_ensure
from ciq_portal.models import AgencyScope
from declarations.models import Declaration, DocumentRequirement
from tests.declarations.conftest import line

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PLACEHOLDER = "__HOSTILE__"
NUMBERS = ["NaN", "nan", "-Infinity", "Infinity", "inf", "1e400", "-1e400", "1e-400", "1e30", "1e20",
           "12345678901234567890123456789012", "0.0000001", "-0", "0x10", "1_000", " 1 ", "１２３"]
RAW_NUMBERS = ["1e308", "-1e308", "1e400", "1e-400", "123456789012345678901234567890123", "NaN", "Infinity",
               "-Infinity", "0.1e99999"]


hostile = st.one_of(
    st.sampled_from(NUMBERS).map(json.dumps),  # quoted numbers
    st.sampled_from(RAW_NUMBERS),  # bare numbers and non-JSON constants
    st.integers(min_value=2, max_value=3000).map(lambda depth: "[" * depth + "]" * depth),
    st.integers(min_value=2, max_value=200).map(lambda depth: '{"a":' * depth + "1" + "}" * depth),
    st.integers(min_value=300, max_value=100_000).map(lambda n: json.dumps("x" * n)),
    st.text(min_size=1, max_size=40).map(json.dumps),
    st.sampled_from(["null", "true", "[]", "{}", '""', "-1", "0", '["a", 1]']),
)


def _body_text(body: dict, path: tuple, raw: str) -> str:
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = PLACEHOLDER
    return json.dumps(body, default=str).replace(json.dumps(PLACEHOLDER), raw)


def _declaration_body():
    return {"port_of_entry": "NGB", "transport_mode": "sea", "bill_of_lading": "COSU6301234567",
            "containers": ["CSQU3054383"], "departure_country": "AU", "lines": [line()],
            "arrival_date": (datetime.date.today() + datetime.timedelta(days=2)).isoformat()}


DECLARATION_PATHS = [(name,) for name in _declaration_body()] + [
    ("lines", 0, name) for name in line()] + [("containers", 0), ("lines", 0)]


@pytest.fixture
def declarant_client(declarant_a):
    DocumentRequirement.objects.all().delete()
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(declarant_a)
    return client


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(DECLARATION_PATHS), raw=hostile)
def test_declaration_create_never_fails_on_hostile_input(declarant_client, path, raw):
    before = Declaration.objects.count()
    response = declarant_client.post("/api/v1/declarations/", _body_text(_declaration_body(), path, raw),
                                     content_type="application/json")
    assert response.status_code < 500, (path, raw[:80], response.content[:300])
    if response.status_code >= 400:
        assert Declaration.objects.count() == before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(list(line())), raw=hostile, method=st.sampled_from(["post", "patch", "put"]))
def test_line_and_draft_changes_never_fail_on_hostile_input(declarant_client, field, raw, method):
    pk = declarant_client.post("/api/v1/declarations/", _declaration_body(), format="json").json()["id"]
    line_pk = Declaration.objects.get(pk=pk).lines.get().pk
    if method == "post":
        url, text = f"/api/v1/declarations/{pk}/lines/", _body_text(line(), (field,), raw)
    elif method == "patch":
        url, text = f"/api/v1/declarations/{pk}/lines/{line_pk}/", _body_text({field: "1"}, (field,), raw)
    else:
        url, text = f"/api/v1/declarations/{pk}/", _body_text(_declaration_body(), ("lines", 0, field), raw)
    response = getattr(declarant_client, method)(url, text, content_type="application/json")
    assert response.status_code < 500, (method, field, raw[:80], response.content[:300])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(["username", "password"]), raw=hostile)
def test_token_exchange_never_fails_on_hostile_input(db, field, raw):
    text = _body_text({"username": "someone", "password": "secret"}, (field,), raw)
    response = APIClient(raise_request_exception=False).post("/api/v1/auth/token/", text,
                                                             content_type="application/json")
    assert response.status_code < 500, (field, raw[:80], response.content[:300])


AGENCY_WRITES = [
    ("/api/v1/logistics-events/", {"external_id": "NBPORT-1", "kind": "vessel_berthed",
                                   "container_no": "CSQU3054383", "occurred_at": "2026-11-27T08:30:00+08:00"}),
    ("/api/v1/credit-events/", {"enterprise_uscc": "91330200MA0000001X", "kind": "agency_information",
                                "external_reference": "HG-1", "note": "n", "amount": "10"}),
    ("/api/v1/joint-inspections/", {"kind": "container", "agency": "customs", "container_no": "CSQU3054383",
                                    "note": "n"}),
    ("/api/v1/case-referrals/", {"kind": "counterfeit", "summary": "s", "declaration_number": "X",
                                 "evidence": [{"description": "d", "reference": "r"}]}),
]
AGENCY_CASES = [(url, (name,)) for url, body in AGENCY_WRITES for name in body]


@pytest.fixture
def agency_client(supervisor):
    agency = agency_ensure(code="customs-hostile", name_zh="海关", name_en="Customs", kind="customs",
                           scopes=list(AgencyScope.values), actor=supervisor)
    client_row = agency_client_create(agency=agency, name="hostile", scopes=list(AgencyScope.values),
                                      actor=supervisor, rate_limit="100000/min")
    _key, raw = agency_api_key_issue(client=client_row, actor=supervisor)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(AGENCY_CASES), raw=hostile)
def test_agency_writes_never_fail_on_hostile_input(agency_client, case, raw):
    url, path = case
    body = dict(next(body for write_url, body in AGENCY_WRITES if write_url == url))
    response = agency_client.post(url, _body_text(json.loads(json.dumps(body)), path, raw),
                                  content_type="application/json")
    assert response.status_code < 500, (url, path, raw[:80], response.content[:300])


# --- every write route of the API, as every role -------------------------------------------------------------------
ROLES = ["declarant", "enterprise_administrator", "officer", "supervisor", "agency"]
EXAMPLES_PER_FIELD = float(os.environ.get("CIQ_HOSTILE_EXAMPLES_PER_FIELD", "0.5"))
KNOWN_BODIES = {  # bodies that pass validation, so a hostile value reaches the services behind the serializers
    ("/api/v1/declarations/", "POST"): _declaration_body,
    ("/api/v1/declarations/{id}/", "PUT"): _declaration_body,
    ("/api/v1/declarations/{id}/lines/", "POST"): line,
    **{(url, "POST"): (lambda body=body: dict(body)) for url, body in AGENCY_WRITES},
}


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in node:
        merged = {}
        for part in node["allOf"]:
            merged = {**merged, **_resolve(schema, part)}
        return merged
    return node


def _plausible(schema: dict, node: dict, depth: int = 0):
    """A value of the declared type that often passes (enums' first choice, dates two days on, "1" for numbers)."""
    node = _resolve(schema, node)
    if "enum" in node:
        return next((choice for choice in node["enum"] if choice not in (None, "")), "")
    if "oneOf" in node:
        return _plausible(schema, node["oneOf"][0], depth)
    kind, fmt = node.get("type"), node.get("format")
    if kind == "object" or "properties" in node:
        return {name: _plausible(schema, child, depth + 1) for name, child in node.get("properties", {}).items()
                if not _resolve(schema, child).get("readOnly")} if depth < 4 else {}
    if kind == "array":
        return [_plausible(schema, node.get("items", {}), depth + 1)] if depth < 4 else []
    if kind == "integer":
        return 1
    if kind == "number" or fmt == "decimal":
        return "1"
    if kind == "boolean":
        return True
    if fmt == "date":
        return (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
    if fmt == "date-time":
        return datetime.datetime.now(datetime.UTC).isoformat()
    return "x"


def _field_paths(value, prefix=()) -> list[tuple]:
    """Every place a value sits in a body: each key, each list's first item, and what they hold."""
    paths = []
    items = value.items() if isinstance(value, dict) else enumerate(value[:1]) if isinstance(value, list) else []
    for key, child in items:
        paths.append((*prefix, key))
        paths.extend(_field_paths(child, (*prefix, key)))
    return paths


def _json_operations(schema: dict) -> dict:
    """{(schema path, METHOD): request body schema or None} of the API's writes."""
    operations = {}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method.upper() in ("POST", "PUT", "PATCH"):
                content = operation.get("requestBody", {}).get("content", {})
                body = content.get("application/json", {}).get("schema")
                operations[(path, method.upper())] = body
    return operations


def _schema_path_of(url: str, paths) -> str | None:
    import re

    matching = [path for path in paths if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", path), url)]
    return min(matching, key=lambda path: path.count("{")) if matching else None


def _role_client(role, *, declarant_a, administrator_a, officer, supervisor):
    client = APIClient(raise_request_exception=False)
    if role == "agency":
        agency = agency_ensure(code="customs-every-write", name_zh="海关", name_en="Customs", kind="customs",
                               scopes=list(AgencyScope.values), actor=supervisor)
        client_row = agency_client_create(agency=agency, name="every-write", scopes=list(AgencyScope.values),
                                          actor=supervisor, rate_limit="1000000/min")
        _key, raw = agency_api_key_issue(client=client_row, actor=supervisor)
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    else:
        client.force_authenticate({"declarant": declarant_a, "enterprise_administrator": administrator_a,
                                   "officer": officer, "supervisor": supervisor}[role])
    return client


def _write_cases(world, schema):
    """(label, url, schema path, method) for every write route of the API (tests/proof/routes.py), its URL aimed
    at enterprise A's objects as the tenancy matrix aims it (a placeholder id where the world has none)."""
    from .routes import UNSAFE, all_routes
    from .tenancy_matrix import MATRIX

    operations = _json_operations(schema)
    cases, unmatched = [], []
    for route in all_routes():
        served = getattr(getattr(route.callback, "cls", None), "http_method_names", [])
        methods = [method for method in route.methods() if method in UNSAFE and method != "DELETE"
                   and method.lower() in served]
        if not route.is_api or not methods:
            continue
        try:
            kwargs = getattr(MATRIX[route.key], "kwargs", lambda w: {})(world)
        except LookupError:
            kwargs = {}
        url = route.url(**{**{name: 1 for name in route.converters}, **kwargs}).replace("^", "").replace("$", "")
        path = _schema_path_of(url, {path for path, _method in operations})
        for method in methods:
            if path is None or (path, method) not in operations:
                unmatched.append(f"{method} {url}")
            else:
                cases.append((f"{method} {route.key}", url, path, method))
    return cases, operations, unmatched


def _attack(client, label, url, method, base, places):
    from hypothesis import Phase

    @settings(max_examples=max(3, int(len(places) * EXAMPLES_PER_FIELD)), deadline=None, database=None,
              derandomize=True, phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(place=st.sampled_from(places), raw=hostile)
    def attack(place, raw):
        text = _body_text(json.loads(json.dumps(base, default=str)), place, raw) if place else raw
        response = getattr(client, method.lower())(url, text, content_type="application/json",
                                                   HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code < 500, (label, place, raw[:80], response.content[:300])

    attack()


@pytest.mark.parametrize("role", ROLES)
def test_every_write_route_never_fails_on_hostile_input(role, declarant_a, administrator_a,
                                                        officer, supervisor):
    """Each write route of the API (POST, PUT, PATCH), as each role, gets hostile values in each field of a body
    of the declared shape (one at a time), and as the whole body: no answer is a server error."""
    from django.test import Client

    from .world import build_world

    world = build_world(enterprise_a=declarant_a.enterprise_membership.enterprise, declarant_a=declarant_a,
                        officer=officer, supervisor=supervisor, administrator_a=administrator_a)
    schema = Client().get("/api/v1/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE="en").json()
    cases, operations, unmatched = _write_cases(world, schema)
    assert len(cases) > 60  # every API write, not a handful
    client = _role_client(role, declarant_a=declarant_a, administrator_a=administrator_a, officer=officer,
                          supervisor=supervisor)
    assert not unmatched, "write routes with no JSON operation in the schema: " + ", ".join(unmatched)
    failures = []
    for label, url, path, method in cases:
        known = KNOWN_BODIES.get((path, method))
        body_schema = operations[(path, method)]
        base = known() if known else (_plausible(schema, body_schema) if body_schema else {})
        places = [(), *_field_paths(base)]  # () : the whole body is the hostile value

        try:
            _attack(client, label, url, method, base, places)
        except AssertionError as failure:
            failures.append(str(failure)[:600])
    assert not failures, f"{len(failures)} of {len(cases)} write routes failed as {role}:\n" + "\n".join(failures)
