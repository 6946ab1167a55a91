"""The agency world: a partner agency's key reaches an API route only through a scope the route states.

A key is issued for each scope, and one with none. Every API route (tests/proof/routes.py), aimed at enterprise A's
objects as the tenancy matrix aims it, is called with each key. A route some scoped key reaches (2xx, or a 4xx about
the request's content) must refuse the key with no scope by naming the scope it needs (403 ``missing_scope``); the
key with no scope reaches nothing but the client's own records (``AGENCY_OWN``). A route that forgets its scope fails
here before an agency finds it.
"""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from ciq_portal.models import AgencyScope
from tests.ciq_portal.factories import make_agency, make_client, make_key

from .routes import all_routes
from .tenancy_matrix import AGENCY_OWN, MATRIX, Bureau, Own
from .test_tenancy_matrix import _changed, _fingerprint
from .world import build_world

pytestmark = pytest.mark.django_db

# A key's last use is recorded when it authenticates, whatever the route answers.
KEY_BOOKKEEPING = {"ciq_portal.agencyapikey"}
REFUSED = (401, 403, 404, 405)
# A 4xx about the request's content (validation, conflict, idempotency): the request got past the permissions.
REACHED_4XX = (400, 409, 413, 415, 422)


def _key_client(raw) -> APIClient:
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}", HTTP_ACCEPT_LANGUAGE="en")
    return client


def _call(client, method, url):
    return getattr(client, method.lower())(url, {} if method != "GET" else None, format="json")


def test_every_agency_reachable_route_states_its_scope(declarant_a, officer, supervisor, enterprise_a, administrator_a,
                                                       settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    cache.clear()
    world = build_world(enterprise_a=enterprise_a, declarant_a=declarant_a, officer=officer, supervisor=supervisor,
                        administrator_a=administrator_a)
    agency = make_agency(code="all-scopes")
    keys = {scope: _key_client(make_key(make_client(agency, scopes=[scope], username=f"agency-{i}"))[2])
            for i, scope in enumerate(AgencyScope.values)}
    no_scope = _key_client(make_key(make_client(agency, scopes=[], username="agency-none"))[2])
    problems: list[str] = []
    walked = 0

    for route in all_routes():
        if not route.is_api or route.key in AGENCY_OWN:
            continue
        entry = MATRIX.get(route.key)
        try:
            kwargs = (entry.kwargs(world) if isinstance(entry, Own | Bureau)
                      else dict.fromkeys(route.converters, "1"))  # a public detail: its list stands for it
            url = route.url(**kwargs)
        except (LookupError, KeyError) as exc:
            problems.append(f"{route.key}: cannot aim at A: {exc}")
            continue
        for method in route.methods():
            walked += 1
            reached_by = []
            for scope, client in keys.items():
                response = _call(client, method, url)
                if response.status_code >= 500:
                    problems.append(f"{route.key} {method} {url} with scope {scope}: server error")
                if 200 <= response.status_code < 300 or response.status_code in REACHED_4XX:
                    reached_by.append(scope)
            before = _fingerprint()
            response = _call(no_scope, method, url)
            changed = [label for label in _changed(before, _fingerprint()) if label not in KEY_BOOKKEEPING]
            code = response.json().get("code") if response.get("Content-Type", "").startswith(
                "application/json") else None
            if changed:
                problems.append(f"{route.key} {method} {url}: a key with no scope changed {changed}")
            if response.status_code not in REFUSED:
                problems.append(f"{route.key} {method} {url}: a key with no scope got {response.status_code} "
                                f"(reached by {reached_by or 'no scoped key'})")
            elif reached_by and code != "missing_scope":
                problems.append(f"{route.key} {method} {url}: reached by {reached_by} but a key with no scope is "
                                f"refused without naming the scope ({response.status_code} {code})")

    assert walked > 0
    assert not problems, f"{len(problems)} agency scope problem(s) over {walked} operations:\n" + "\n".join(problems)


def test_agency_own_entries_name_routes_and_reasons():
    keys = {route.key for route in all_routes()}
    assert set(AGENCY_OWN) <= keys, sorted(set(AGENCY_OWN) - keys)
    assert all(len(reason) > 10 for reason in AGENCY_OWN.values())
