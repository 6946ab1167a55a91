"""Partner agencies: API keys (hash only, rotation, revocation), scopes (403 naming the scope), rate limits (429)."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.test import APIClient, APIRequestFactory
from rest_framework.views import APIView

from ciq_portal.agencies import (
    UNLINKED_USER_SCOPES,
    agency_api_key_revoke,
    agency_api_key_rotate,
    agency_client_update,
    agency_update,
    key_hash,
    principal_scopes,
)
from ciq_portal.api.permissions import requires_scope
from ciq_portal.models import AgencyApiKey, AgencyScope, AuditEntry
from ciq_portal.roles import Role

from .factories import make_agency, make_client, make_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def key_client(raw, keyword="Api-Key"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {raw}")
    return client


# --- keys ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("keyword", ["Api-Key", "Bearer", "api-key"])
def test_a_key_authenticates_as_its_client(roles, keyword):
    client, key, raw = make_key(username="customs-gw")
    response = key_client(raw, keyword).get("/api/v1/agency/me/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["agency"] == "customs" and body["username"] == "customs-gw"
    assert body["authenticated_by"] == "api_key" and sorted(body["scopes"]) == sorted(AgencyScope.values)
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_only_a_hash_of_the_key_is_stored(roles):
    client, key, raw = make_key()
    assert key.key_hash == key_hash(raw) and raw not in key.key_hash
    stored = AgencyApiKey.objects.filter(pk=key.pk).values().get()
    assert not any(raw in str(value) for value in stored.values())
    assert not any(raw in str(entry.after) for entry in AuditEntry.objects.all())


@pytest.mark.parametrize("header", ["Api-Key ciq_nope_nope", "Api-Key garbage", "Api-Key a b", "Bearer ciq_x_"])
def test_bad_keys_are_refused(roles, header):
    make_key()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/agency/me/")
    assert response.status_code == 403 and response.json()["code"] in ("authentication_failed", "not_authenticated")


def test_a_wrong_secret_with_a_real_prefix_is_refused(roles):
    _, key, raw = make_key()
    forged = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    assert key_client(forged).get("/api/v1/agency/me/").status_code == 403


def test_several_keys_per_client_and_several_clients_per_agency(roles):
    agency = make_agency()
    first, _, raw1 = make_key(make_client(agency, username="c1"))
    _, _, raw2 = make_key(first)
    _, _, raw3 = make_key(make_client(agency, username="c2"))
    names = {key_client(raw).get("/api/v1/agency/me/").json()["username"] for raw in (raw1, raw2, raw3)}
    assert names == {"c1", "c2"}


def test_rotation_keeps_the_old_key_for_the_grace_period(roles):
    client, key, raw = make_key()
    new_key, new_raw = agency_api_key_rotate(key=key, actor=None, grace=timedelta(hours=1))
    assert key_client(raw).get("/api/v1/agency/me/").status_code == 200
    assert key_client(new_raw).get("/api/v1/agency/me/").status_code == 200
    AgencyApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert key_client(raw).get("/api/v1/agency/me/").status_code == 403
    assert key_client(new_raw).get("/api/v1/agency/me/").status_code == 200


def test_rotation_over_the_api_with_the_key_itself(roles):
    client, key, raw = make_key()
    response = key_client(raw).post("/api/v1/agency/keys/rotate/", {"grace_hours": 0}, format="json")
    assert response.status_code == 201, response.content
    new_raw = response.json()["key"]
    assert response.json()["previous_prefix"] == key.prefix
    assert key_client(raw).get("/api/v1/agency/me/").status_code == 403
    listed = key_client(new_raw).get("/api/v1/agency/keys/").json()
    assert {row["prefix"]: row["usable"] for row in listed} == {key.prefix: False,
                                                                 response.json()["prefix"]: True}
    assert AuditEntry.objects.filter(action="agency_api_key.rotate", object_id=str(key.pk)).exists()


def test_rotating_needs_an_api_key_not_a_token(roles):
    client = make_client()
    token = Token.objects.create(user=client.user)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.post("/api/v1/agency/keys/rotate/", {}, format="json").status_code == 403


def test_revocation_stops_a_key_at_once(roles):
    _, key, raw = make_key()
    agency_api_key_revoke(key=key, actor=None)
    assert key_client(raw).get("/api/v1/agency/me/").status_code == 403
    with pytest.raises(ValidationError):
        agency_api_key_rotate(key=key, actor=None)


def test_disabling_the_client_or_the_agency_stops_its_keys(roles):
    client, _, raw = make_key()
    agency_client_update(client=client, actor=None, is_active=False)
    assert key_client(raw).get("/api/v1/agency/me/").status_code == 403
    agency_client_update(client=client, actor=None, is_active=True)
    assert key_client(raw).get("/api/v1/agency/me/").status_code == 200
    agency_update(agency=client.agency, actor=None, is_active=False)
    assert key_client(raw).get("/api/v1/agency/me/").status_code == 403


def test_client_scopes_stay_within_the_agency_grant(roles):
    agency = make_agency(scopes=[AgencyScope.RELEASE_STATUS_READ])
    with pytest.raises(ValidationError) as exc:
        make_client(agency, scopes=[AgencyScope.CASE_REFERRAL])
    assert "case_referral" in str(exc.value)
    with pytest.raises(ValidationError):
        make_client(agency, scopes=["bogus"])


def test_non_agency_users_cannot_use_agency_endpoints(api_as, declarant_a, officer):
    assert api_as(declarant_a).get("/api/v1/agency/me/").status_code == 403
    assert api_as(officer).get("/api/v1/agency/keys/").status_code == 403


# --- scopes ----------------------------------------------------------------------------------------------------


class ScopedView(APIView):
    permission_classes = [requires_scope(AgencyScope.CASE_REFERRAL)]

    def get(self, request):
        return Response({"ok": True})


class ScopedOfficersView(APIView):
    permission_classes = [requires_scope(AgencyScope.CASE_REFERRAL, allow_roles={Role.OFFICER})]

    def get(self, request):
        return Response({"ok": True})


def call(view, raw=None, user=None):
    request = APIRequestFactory().get("/x/", HTTP_AUTHORIZATION=f"Api-Key {raw}" if raw else "")
    if user is not None:
        from rest_framework.test import force_authenticate

        force_authenticate(request, user=user)
    response = view.as_view()(request)
    response.render()
    return response


def test_requires_scope_names_the_missing_scope(roles):
    _, _, raw = make_key(scopes=[AgencyScope.RELEASE_STATUS_READ])
    response = call(ScopedView, raw)
    assert response.status_code == 403
    body = response.data
    assert body["code"] == "missing_scope" and "case_referral" in body["detail"]
    _, _, allowed = make_key(make_client(username="c-ok", scopes=[AgencyScope.CASE_REFERRAL]))
    assert call(ScopedView, allowed).status_code == 200


def test_requires_scope_for_people_of_an_agency(roles, agency_user):
    # Unlinked partner_agency users hold only the read scopes.
    assert principal_scopes(agency_user) == UNLINKED_USER_SCOPES
    assert call(ScopedView, user=agency_user).status_code == 403
    make_client(user=agency_user, scopes=[AgencyScope.CASE_REFERRAL])
    agency_user.refresh_from_db()
    del agency_user._ciq_agency_client
    assert call(ScopedView, user=agency_user).status_code == 200


def test_requires_scope_other_users(roles, officer, declarant_a):
    assert call(ScopedView, user=officer).status_code == 200  # not an agency: other permissions decide
    assert call(ScopedOfficersView, user=officer).status_code == 200
    assert call(ScopedOfficersView, user=declarant_a).status_code == 403


# --- rate limits -----------------------------------------------------------------------------------------------


def test_per_client_rate_limit_answers_429_with_retry_after(roles):
    _, _, slow = make_key(make_client(username="slow", rate_limit="2/min"))
    _, _, fast = make_key(make_client(make_agency("port", "port_operator"), username="fast"))
    api = key_client(slow)
    assert [api.get("/api/v1/agency/me/").status_code for _ in range(2)] == [200, 200]
    refused = api.get("/api/v1/agency/me/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["code"] == "throttled"
    assert key_client(fast).get("/api/v1/agency/me/").status_code == 200  # its own bucket


def test_the_default_rate_applies_without_a_client_rate(roles, settings):
    from ciq_portal.api.agency_auth import AgencyRateThrottle

    AgencyRateThrottle.THROTTLE_RATES = {"agency": "1/min"}
    try:
        _, _, raw = make_key()
        api = key_client(raw)
        assert api.get("/api/v1/agency/me/").status_code == 200
        assert api.get("/api/v1/agency/me/").status_code == 429
    finally:
        AgencyRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]


def test_bureau_users_are_not_throttled_by_the_agency_limit(api_as, officer):
    from ciq_portal.api.agency_auth import AgencyRateThrottle

    AgencyRateThrottle.THROTTLE_RATES = {"agency": "1/min"}
    try:
        api = api_as(officer)
        assert {api.get("/api/v1/notifications/").status_code for _ in range(3)} == {200}
    finally:
        from django.conf import settings

        AgencyRateThrottle.THROTTLE_RATES = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]


# --- pages -----------------------------------------------------------------------------------------------------


def test_partner_agency_lands_on_the_api_guide(client, agency_user):
    client.force_login(agency_user)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("portal:agency_guide")


@pytest.mark.parametrize("language, text", [("zh-hans", "合作机构"), ("en", "partner agencies")])
def test_agency_guide_shows_one_example_per_scope(client, agency_user, language, text):
    client.force_login(agency_user)
    page = client.get(reverse("portal:agency_guide"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert text in page
    for scope in AgencyScope.values:
        assert f"<code>{scope}</code>" in page
    assert page.count("curl -s") >= len(AgencyScope.values)
    assert "X-CIQ-Signature" in page


def test_administrator_issues_rotates_and_revokes_keys_in_the_browser(client, roles):
    from tests.factories import UserFactory

    admin = UserFactory(username="admin1", role=Role.ADMINISTRATOR)
    agency_client = make_client(username="gw")
    client.force_login(admin)
    url = reverse("portal:agency_key_action", args=[agency_client.pk])
    response = client.post(url, {"op": "issue", "label": "primary"}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    raw = re.search(r"ciq_\S+", shown[0]).group(0)
    assert key_client(raw).get("/api/v1/agency/me/").status_code == 200
    key = AgencyApiKey.objects.get(client=agency_client)
    client.post(url, {"op": "revoke", "prefix": key.prefix})
    assert key_client(raw).get("/api/v1/agency/me/").status_code == 403
    page = client.get(reverse("portal:agencies")).content.decode()
    assert key.prefix in page and raw not in page


def test_agencies_page_is_for_administrators_only(client, officer, agency_user):
    for user in (officer, agency_user):
        client.force_login(user)
        assert client.get(reverse("portal:agencies")).status_code == 404


def test_administrator_creates_a_client_in_the_browser(client, roles):
    from tests.factories import UserFactory

    admin = UserFactory(username="admin2", role=Role.ADMINISTRATOR)
    agency = make_agency(scopes=[AgencyScope.RELEASE_STATUS_READ])
    client.force_login(admin)
    response = client.post(reverse("portal:agencies"), {"agency": agency.pk, "name": "EDI",
                                                         "scopes": [AgencyScope.CASE_REFERRAL]})
    assert response.status_code == 200 and "case_referral" in response.content.decode()  # refused, named
    response = client.post(reverse("portal:agencies"), {"agency": agency.pk, "name": "EDI",
                                                         "scopes": [AgencyScope.RELEASE_STATUS_READ],
                                                         "rate_limit": "60/min"})
    assert response.status_code == 302
    assert agency.clients.get(name="EDI").rate_limit == "60/min"


def test_agencies_page_reads_in_the_readers_language(client, roles):
    from tests.factories import UserFactory

    make_agency(scopes=[AgencyScope.RELEASE_STATUS_READ])
    client.force_login(UserFactory(username="admin3", role=Role.ADMINISTRATOR))
    english = client.get(reverse("portal:agencies"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Granted scopes: Read release status" in english and ">Customs</option>" in english
    chinese = client.get(reverse("portal:agencies"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert ">customs机构</option>" in chinese and "release_status:read, " not in chinese
    assert re.search(r"授予的权限范围：\s*查询放行状态", chinese)


def test_agency_client_command(roles):
    from io import StringIO

    from django.core.management import call_command

    make_agency()
    call_command("agency_client", "create", "customs", "edi-1", "--scopes", "release_status:read", stdout=StringIO())
    out = StringIO()
    call_command("agency_client", "issue-key", "edi-1", stdout=out)
    raw = out.getvalue().strip()
    assert key_client(raw).get("/api/v1/agency/me/").json()["scopes"] == ["release_status:read"]
    call_command("agency_client", "revoke-key", raw.split("_")[1], stdout=StringIO())
    assert key_client(raw).get("/api/v1/agency/me/").status_code == 403


def test_openapi_operations_carry_their_audience():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert "partner-agency" in paths["/api/v1/agency/me/"]["get"]["tags"]
    assert {"partner-agency", "declarant"} <= set(paths["/api/v1/subscriptions/"]["post"]["tags"])
    assert "partner-agency" not in paths["/api/v1/notifications/"]["get"]["tags"]
    # Other apps' operations get audience tags from their permissions (requires_scope, role_required).
    assert "partner-agency" in paths["/api/v1/credit-events/"]["get"]["tags"]
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete") and path != "/api/v1/auth/token/":
                assert set(operation["tags"]) & {"partner-agency", "declarant", "bureau"}, (path, method)
    tag_names = {tag["name"] for tag in schema.get("tags", [])}
    assert {"partner-agency", "declarant", "bureau"} <= tag_names


def test_risk_bulletins_need_the_bulletins_scope(roles):
    _client, _key, with_scope = make_key(username="msa-gw", scopes=[AgencyScope.BULLETINS_READ])
    assert key_client(with_scope).get("/api/v1/risk-bulletins/").status_code == 200
    _client, _key, without = make_key(make_client(make_agency(code="port", kind="port"), username="port-gw",
                                                  scopes=[AgencyScope.LOGISTICS_PUSH]))
    response = key_client(without).get("/api/v1/risk-bulletins/")
    assert response.status_code == 403 and AgencyScope.BULLETINS_READ in response.json()["detail"]
