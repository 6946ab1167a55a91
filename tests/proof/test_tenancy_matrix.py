"""Tenancy: declarant B never sees or changes enterprise A's data, through any route; neither do a customs broker
A did not delegate to, nor A's own broker beyond what A delegated.

Walks every route the URL resolver and the routers know (tests/proof/routes.py) with the entry the matrix gives it
(tests/proof/tenancy_matrix.py), as each outsider against enterprise A's objects (tests/proof/world.py). All the
routes are walked in one test per outsider and every violation is reported together.
"""

import hashlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.conf import settings
from rest_framework.test import APIClient

from ciq_portal.roles import Role
from credit.choices import EnterpriseKind, MembershipRole
from credit.services import delegation_grant

from ..factories import EnterpriseFactory, UserFactory
from .routes import all_routes
from .tenancy_matrix import MATRIX, Bureau, Listing, Own, Public
from .world import build_world, markers

pytestmark = pytest.mark.django_db

# Tables whose rows a request by B might touch legitimately (B's own log-in) or that are large reference data.
NOT_FINGERPRINTED = {"ciq_portal.user", "declarations.hscode"}


def test_every_route_has_an_entry_in_the_matrix():
    keys = {route.key for route in all_routes()}
    missing = sorted(keys - MATRIX.keys())
    stale = sorted(MATRIX.keys() - keys)
    assert not missing, "routes with no entry in tests/proof/tenancy_matrix.py (say what B must get): " + ", ".join(
        missing)
    assert not stale, "entries for routes that no longer exist: " + ", ".join(stale)


def test_public_entries_give_a_reason():
    for key, entry in MATRIX.items():
        if isinstance(entry, Public):
            assert len(entry.reason) > 10, key


def _fingerprint() -> dict[str, str]:
    from django.db import connection

    result = {}
    tables = set(connection.introspection.table_names())
    for app_label in settings.DOMAIN_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if (model._meta.label_lower in NOT_FINGERPRINTED or not model._meta.managed
                    or model._meta.db_table not in tables):
                continue
            rows = list(model._base_manager.order_by("pk").values_list())
            result[model._meta.label_lower] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return result


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(label for label in after if before.get(label) != after[label])


def _send(client, route, method, url, data=None):
    if route.is_api:
        return getattr(client, method.lower())(url, data if data is not None else {}, format="json",
                                               HTTP_ACCEPT_LANGUAGE="en")
    if method == "GET":
        return client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    return client.generic(method, url, "", content_type="application/x-www-form-urlencoded",
                          HTTP_ACCEPT_LANGUAGE="en")


def _refused_by_role(response) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")


def _broker_delegated_by_b(enterprise_b):
    """A customs broker's declarant whose enterprise holds a delegation in force from B (all goods), none from A."""
    administrator_b = UserFactory(role=Role.DECLARANT, enterprise=enterprise_b,
                                  enterprise_role=MembershipRole.ADMINISTRATOR)
    broker = EnterpriseFactory(name_zh="丁报关行", name_en="Broker D", kind=EnterpriseKind.CUSTOMS_BROKER)
    delegation_grant(actor=administrator_b, broker_uscc=broker.uscc, valid_from=date.today(),
                     valid_until=date.today() + timedelta(days=30))
    return UserFactory(role=Role.DECLARANT, enterprise=broker)


@pytest.mark.parametrize("outsider", ["declarant_b", "broker_of_a", "broker_not_delegated_by_a"])
def test_outsiders_cannot_reach_enterprise_a(outsider, declarant_a, declarant_b, officer, supervisor, enterprise_a,
                                             enterprise_b, administrator_a, broker, broker_declarant):
    world = build_world(enterprise_a=enterprise_a, declarant_a=declarant_a, officer=officer, supervisor=supervisor,
                        administrator_a=administrator_a, broker=broker)
    walker = {"declarant_b": lambda: declarant_b, "broker_of_a": lambda: broker_declarant,
              "broker_not_delegated_by_a": lambda: _broker_delegated_by_b(enterprise_b)}[outsider]()
    # A's broker knows whom it works for (A's names on its delegations and filing form), never A's declarations.
    secrets = markers(world, names=outsider != "broker_of_a")
    client = APIClient(raise_request_exception=False)  # a server error is a finding, reported with the others
    client.force_login(walker)
    problems: list[str] = []
    walked = 0

    for route in all_routes():
        entry = MATRIX.get(route.key)
        if entry is None or isinstance(entry, Public):
            continue
        try:
            kwargs = entry.kwargs(world) if isinstance(entry, Own | Bureau) else {}
        except LookupError as exc:
            problems.append(f"{route.key}: cannot aim at A: {exc}")
            continue
        try:
            url = route.url(**kwargs)
        except KeyError as exc:
            problems.append(f"{route.key}: the entry's kwargs do not fill {route.pattern} (missing {exc})")
            continue
        walked += 1
        methods = route.methods()
        if isinstance(entry, Listing):
            for query in entry.queries(world):
                response = client.get(url, query, HTTP_ACCEPT_LANGUAGE="en")
                if response.status_code >= 500:
                    problems.append(f"{route.key} GET {url}?{query}: server error {response.status_code}")
                    continue
                body = response.content.decode(errors="replace")
                # A page may echo the query (a search box, the language switch's "next"): what B typed is no leak.
                typed = " ".join(str(v) for v in query.values())
                leaked = [m for m in secrets if m in body and m not in typed]
                if leaked:
                    problems.append(f"{route.key} GET {url} {query}: B sees A's {leaked}")
            if entry.create is not None and "POST" in methods:
                try:
                    data = entry.create(world)
                except LookupError as exc:
                    problems.append(f"{route.key}: cannot aim at A: {exc}")
                    continue
                before = _fingerprint()
                response = _send(client, route, "POST", url, data)
                changed = _changed(before, _fingerprint())
                if not 400 <= response.status_code < 500 or changed:
                    problems.append(f"{route.key} POST {url} naming A's objects: {response.status_code}, "
                                    f"changed {changed}: {response.content[:200]!r}")
            continue

        for method in methods:
            before = _fingerprint()
            response = _send(client, route, method, url)
            changed = _changed(before, _fingerprint())
            status = response.status_code
            if changed:
                problems.append(f"{route.key} {method} {url}: B's request changed {changed} (status {status})")
            if isinstance(entry, Bureau):
                ok = _refused_by_role(response) or (method != "GET" and 400 <= status < 500)
                expected = "a refusal (403/404/405; 4xx for a write)"
            elif method == "GET":
                ok = status == 404 or (not entry.get and status == 405)
                expected = "404"
            else:
                ok = 400 <= status < 500
                expected = "4xx"
            if not ok:
                problems.append(f"{route.key} {method} {url}: got {status}, expected {expected}: "
                                f"{response.content[:160]!r}")
            if status >= 500:
                problems.append(f"{route.key} {method} {url}: server error {status}")
            if status < 500 and not (200 <= status < 300):
                # The refusal itself must not tell B anything of A's (what B put in the URL is no leak).
                leaked = [m for m in secrets if m in response.content.decode(errors="replace") and m not in url]
                if leaked:
                    problems.append(f"{route.key} {method} {url}: the refusal shows A's {leaked}")

    assert walked > 0
    built = "\n".join(f"  world.{name}: {error}" for name, error in world.errors.items())
    assert not problems, (f"{len(problems)} tenancy problem(s) over {walked} routes:\n" + "\n".join(problems)
                          + (f"\nparts of A's world that could not be built:\n{built}" if built else ""))


def test_admin_site_refuses_declarants(client, declarant_b):
    client.force_login(declarant_b)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_uploaded_files_are_not_served_from_media(client, declarant_a, declarant_b, officer, supervisor, enterprise_a):
    """Uploads are reached only through scoped download views: the media folder itself is never served."""
    world = build_world(enterprise_a=enterprise_a, declarant_a=declarant_a, officer=officer, supervisor=supervisor)
    document = world.need("document")
    for user in (declarant_b, declarant_a, None):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(settings.MEDIA_URL + document.file.name)
        assert response.status_code == 404, user
