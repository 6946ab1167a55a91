import pytest
from django.conf import settings
from django.urls import reverse

from ciq_portal.roles import Role

from ..factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2_outside_tests():
    from ciq_portal.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_each_role_lands_on_a_home_page(client, declarant_a, officer, supervisor):
    for user in (declarant_a, officer, supervisor):
        client.force_login(user)
        response = client.get(reverse("home"), follow=True)
        assert response.status_code == 200
        client.logout()


def _fail_login(client, username, address):
    return client.post(reverse("login"), {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def test_lockout_holds_across_client_addresses(client, officer):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail_login(client, officer.username, f"203.0.113.{n + 1}")
    response = client.post(reverse("login"), {"username": officer.username, "password": TEST_PASSWORD},
                           REMOTE_ADDR="198.51.100.77")
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_successful_login_before_the_limit(client, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _fail_login(client, officer.username, "203.0.113.9")
    response = client.post(reverse("login"), {"username": officer.username, "password": TEST_PASSWORD},
                           REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(officer.pk)


def test_token_auth(api_client, roles):
    user = UserFactory(username="agency_x", role=Role.PARTNER_AGENCY)
    response = api_client.post("/api/v1/auth/token/", {"username": user.username, "password": TEST_PASSWORD},
                               format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/schema/").status_code == 200
    again = api_client.post("/api/v1/auth/token/", {"username": user.username, "password": TEST_PASSWORD},
                            format="json")
    assert again.json()["token"] == token
    from ciq_portal.models import AuditEntry

    issued = AuditEntry.objects.filter(action="api_token.issue", actor_id=user.pk)
    assert issued.count() == 1 and issued.get().object_id == str(user.pk)  # a credential is issued once, on record


def test_token_auth_refuses_bad_password_naming_the_field(api_client, officer):
    response = api_client.post("/api/v1/auth/token/", {"username": officer.username, "password": "nope"},
                               format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]


def test_token_endpoint_counts_towards_lockout(api_client, officer):
    for n in range(settings.AXES_FAILURE_LIMIT):
        api_client.post("/api/v1/auth/token/", {"username": officer.username, "password": "nope"}, format="json",
                        REMOTE_ADDR=f"203.0.113.{n + 1}")
    response = api_client.post("/api/v1/auth/token/", {"username": officer.username, "password": TEST_PASSWORD},
                               format="json", REMOTE_ADDR="198.51.100.5")
    assert response.status_code in (400, 403, 429)
    assert "token" not in response.json()


def test_anonymous_api_is_refused(api_client, db):
    assert api_client.get("/api/v1/enterprises/").status_code in (401, 403)


def test_token_authentication_reads_the_membership_with_the_token(declarant_a, officer, django_assert_num_queries):
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token
    from rest_framework.exceptions import AuthenticationFailed

    from ciq_portal.api.token_auth import TokenAuthentication
    from ciq_portal.roles import user_roles
    from ciq_portal.scoping import user_enterprise_id

    auth = TokenAuthentication()
    key = Token.objects.create(user=declarant_a).key
    with django_assert_num_queries(1):  # the token with its user, membership and roles
        user, token = auth.authenticate_credentials(key)
        assert user_enterprise_id(user) == declarant_a.enterprise_membership.enterprise_id and token.key == key
        assert user_roles(user) == {Role.DECLARANT}
    officer.groups.add(Group.objects.get_or_create(name="not-a-role")[0])
    officer_user, _token = auth.authenticate_credentials(Token.objects.create(user=officer).key)
    assert officer_user == officer and user_enterprise_id(officer_user) is None
    assert user_roles(officer_user) == {Role.OFFICER}
    nobody = UserFactory()
    assert user_roles(auth.authenticate_credentials(Token.objects.create(user=nobody).key)[0]) == frozenset()
    nobody.is_superuser = True
    nobody.save(update_fields=["is_superuser"])
    assert user_roles(auth.authenticate_credentials(nobody.auth_token.key)[0]) == {Role.ADMINISTRATOR}
    with pytest.raises(AuthenticationFailed):
        auth.authenticate_credentials("not-a-token")
    declarant_a.is_active = False
    declarant_a.save(update_fields=["is_active"])
    with pytest.raises(AuthenticationFailed):
        auth.authenticate_credentials(key)


def test_names_are_written_as_their_language_writes_them():
    from ciq_portal.models import User

    assert User(first_name="伟", last_name="王").get_full_name() == "王伟"
    assert User(first_name="Jane", last_name="Doe").get_full_name() == "Jane Doe"
    assert User(username="edi").get_full_name() == ""


def test_behind_the_proxy_failed_logins_lock_out_the_client_not_everyone_behind_the_proxy(client, settings, roles):
    from ciq_portal.models import AuditEntry

    settings.TRUSTED_PROXY_HOPS = 1
    guesser, colleague = UserFactory(username="guesser"), UserFactory(username="colleague")
    proxy = "172.18.0.5"
    for n in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT):
        # A forged entry on the left is ignored: the proxy's own entry is the rightmost.
        client.post(reverse("login"), {"username": f"nobody{n}", "password": "wrong"}, REMOTE_ADDR=proxy,
                    HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.50")
    refused = client.post(reverse("login"), {"username": guesser.username, "password": TEST_PASSWORD},
                          REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert refused.status_code == 200 and "_auth_user_id" not in client.session
    other = client.post(reverse("login"), {"username": colleague.username, "password": TEST_PASSWORD},
                        REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert other.status_code == 302 and client.session["_auth_user_id"] == str(colleague.pk)
    token = client.post("/api/v1/auth/token/", {"username": colleague.username, "password": TEST_PASSWORD},
                        content_type="application/json", REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8")
    assert token.status_code == 200
    assert AuditEntry.objects.get(action="api_token.issue").client_address == "198.51.100.8"


def test_one_account_locked_does_not_lock_its_neighbours_behind_one_address(client, officer, supervisor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail_login(client, officer.username, "203.0.113.7")
    locked = client.post(reverse("login"), {"username": officer.username, "password": TEST_PASSWORD},
                         REMOTE_ADDR="203.0.113.7")
    assert locked.status_code in (403, 429) and "_auth_user_id" not in client.session
    neighbour = client.post(reverse("login"), {"username": supervisor.username, "password": TEST_PASSWORD},
                            REMOTE_ADDR="203.0.113.7")
    assert neighbour.status_code == 302 and client.session["_auth_user_id"] == str(supervisor.pk)


def test_the_api_says_the_account_is_locked(api_client, officer, supervisor):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post("/api/v1/auth/token/", {"username": officer.username, "password": "nope"}, format="json",
                        REMOTE_ADDR="203.0.113.8")
    locked = api_client.post("/api/v1/auth/token/", {"username": officer.username, "password": TEST_PASSWORD},
                             format="json", REMOTE_ADDR="203.0.113.8", HTTP_ACCEPT_LANGUAGE="en")
    assert locked.status_code == 403 and locked.json()["code"] == "locked"
    assert "locked" in locked.json()["detail"]
    neighbour = api_client.post("/api/v1/auth/token/", {"username": supervisor.username, "password": TEST_PASSWORD},
                                format="json", REMOTE_ADDR="203.0.113.8")
    assert neighbour.status_code == 200


def test_an_address_spraying_guesses_over_many_accounts_is_throttled(api_client, officer, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    for n in range(6):
        api_client.post("/api/v1/auth/token/", {"username": f"someone{n}", "password": "nope"}, format="json",
                        REMOTE_ADDR="203.0.113.9")
    throttled = api_client.post("/api/v1/auth/token/", {"username": officer.username, "password": TEST_PASSWORD},
                                format="json", REMOTE_ADDR="203.0.113.9")
    assert throttled.status_code == 429 and "Retry-After" in throttled
    elsewhere = api_client.post("/api/v1/auth/token/", {"username": officer.username, "password": TEST_PASSWORD},
                                format="json", REMOTE_ADDR="198.51.100.9")
    assert elsewhere.status_code == 200
