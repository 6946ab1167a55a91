"""Schemathesis against /api/v1/schema/, once per role ("a schema-driven fuzzer finds no server
error"): no 5xx, responses conform to the schema (body and content type), and no operation that declares
authentication accepts a request without it or with bad credentials (schemathesis' ``ignored_auth`` probes).

Bounded: CIQ_FUZZ_EXAMPLES examples per operation and generation mode (default 6) keep the four roles' run within
a few minutes on 2 cores. The requests go through the real WSGI stack in-process (from_wsgi), on the test
database with committed data (transactional), each with the role's real credentials: ``Token`` for declarants,
officers and supervisors, an ``Api-Key`` for the partner agency and for enterprise A's laboratory's own system (its
postings unsigned or wrongly signed by the fuzzer: refused, never a server error).
"""

import os
import warnings

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token

pytestmark = [pytest.mark.slow]

EXAMPLES = int(os.environ.get("CIQ_FUZZ_EXAMPLES", "6"))
ROLES = ["declarant", "officer", "supervisor", "agency", "laboratory"]
# Operations whose declared security lists none (public by design): nothing to refuse.
PUBLIC_OPERATIONS = {"POST /api/v1/auth/token/"}


def _credentials(role, *, declarant_a, officer, supervisor, supervisor_actor, world):
    if role == "laboratory":
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        from ciq_portal.agencies import agency_api_key_issue, agency_client_create, agency_ensure
        from ciq_portal.models import AgencyScope
        from ciq_portal.signing import public_pem
        from inspection.services import lab_api_access_set

        from ..factories import UserFactory

        lab_scopes = [AgencyScope.LAB_WORK_READ, AgencyScope.LAB_RESULTS_POST]
        agency = agency_ensure(code="lab-fuzz", name_zh="检测实验室", kind="laboratory", scopes=lab_scopes,
                               actor=supervisor_actor)
        client = agency_client_create(agency=agency, name="LIMS", scopes=lab_scopes, actor=supervisor_actor,
                                      rate_limit="100000/min")
        administrator = UserFactory(username="fuzz-admin", role="administrator")
        lab_api_access_set(lab=world.lab, client=client, actor=administrator,
                           signing_public_key=public_pem(Ed25519PrivateKey.generate().public_key()))
        _key, raw = agency_api_key_issue(client=client, actor=supervisor_actor)
        return {"Authorization": f"Api-Key {raw}"}
    if role == "agency":
        from ciq_portal.agencies import agency_api_key_issue, agency_client_create, agency_ensure
        from ciq_portal.models import AgencyScope

        agency = agency_ensure(code="customs-fuzz", name_zh="海关", name_en="Customs", kind="customs",
                               scopes=list(AgencyScope.values), actor=supervisor_actor)
        client = agency_client_create(agency=agency, name="fuzz", scopes=list(AgencyScope.values),
                                      actor=supervisor_actor, rate_limit="100000/min")
        _key, raw = agency_api_key_issue(client=client, actor=supervisor_actor)
        return {"Authorization": f"Api-Key {raw}"}
    user = {"declarant": declarant_a, "officer": officer, "supervisor": supervisor}[role]
    token, _ = Token.objects.get_or_create(user=user)
    return {"Authorization": f"Token {token.key}"}


def _load_schema():
    import schemathesis
    from django.core.wsgi import get_wsgi_application

    return schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        ignored_auth,
        response_schema_conformance,
    )

    return [not_a_server_error, response_schema_conformance, content_type_conformance, ignored_auth]


def _fuzz_operation(operation, headers, mode, checks):
    strategy = operation.as_strategy(generation_mode=mode)

    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        # The role's credentials go into the case itself, marked as the configured (explicit) auth, so the auth
        # probes take them away and try without and with bad ones; a generated session cookie is dropped.
        if case.cookies:
            case.cookies.pop("sessionid", None)
        case.headers = {**(case.headers or {}), **headers}
        object.__setattr__(case, "_has_explicit_auth", True)
        response = case.call()
        case.validate_response(response, checks=checks)

    run()


@pytest.mark.parametrize("role", ROLES)
def test_api_fuzz_per_role(role, reference_data, transactional_db, declarant_a, declarant_b, officer, supervisor,
                           agency_user):
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error

    from .world import build_world

    # Enterprise A's objects exist, so ids the fuzzer tries may hit real rows (theirs or another's).
    world = build_world(enterprise_a=declarant_a.enterprise_membership.enterprise, declarant_a=declarant_a,
                        officer=officer, supervisor=supervisor)
    headers = _credentials(role, declarant_a=declarant_a, officer=officer, supervisor=supervisor,
                           supervisor_actor=supervisor, world=world)
    schema = _load_schema()
    checks = _checks()
    failures, operations = [], 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for result in schema.get_all_operations():
            operation = result.ok()
            operations += 1
            for mode, mode_checks in ((GenerationMode.POSITIVE, checks), (GenerationMode.NEGATIVE,
                                                                          [not_a_server_error])):
                try:
                    _fuzz_operation(operation, headers, mode, mode_checks)
                except Unsatisfiable:
                    assert mode == GenerationMode.NEGATIVE, operation.label  # nothing to negate (no parameters)
                except Exception as exc:  # noqa: BLE001 - every operation's failure is collected and reported
                    failures.append(f"--- {operation.label} ({mode.value}) as {role}:\n{str(exc)[:1500]}")
    assert operations > 0
    assert not failures, f"{len(failures)} failing operation(s) of {operations} as {role}:\n" + "\n".join(failures)


def test_every_api_operation_refuses_anonymous_and_bad_credentials(reference_data, transactional_db,
                                                                   declarant_a):
    """Besides the fuzzer's probes: each operation, called with no credentials or a wrong token, is refused."""
    from django.test import Client

    schema = _load_schema()
    client = Client(raise_request_exception=False)
    problems, checked = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        security = operation.definition.raw.get("security", schema.raw_schema.get("security", []))
        if operation.label in PUBLIC_OPERATIONS or {} in security:
            continue  # public by its own schema (an empty security requirement): nothing to refuse
        path = operation.path
        for parameter in operation.path_parameters:
            path = path.replace("{" + parameter.name + "}", "1")
        url = schema.get_full_path(path) if hasattr(schema, "get_full_path") else path
        for headers in ({}, {"HTTP_AUTHORIZATION": "Token 0000000000000000000000000000000000000000"},
                        {"HTTP_AUTHORIZATION": "Api-Key ciq_nope_nope"}):
            response = client.generic(operation.method.upper(), url, "{}", content_type="application/json", **headers)
            checked += 1
            if response.status_code not in (401, 403):
                problems.append(f"{operation.label} {headers or 'anonymous'}: {response.status_code}")
    assert checked and not problems, "\n".join(problems)
