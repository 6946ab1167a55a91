"""Accounts: password change and reset by e-mail (a delivery record), the second factor for bureau staff, and
people named by their names."""

import importlib
import re
import sys

import pytest
from django.core import mail
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ciq_portal.models import MessageDelivery, MessagePurpose
from ciq_portal.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_password_reset_mail_arrives_and_its_link_sets_a_new_password(client, roles,
                                                                        django_capture_on_commit_callbacks):
    user = UserFactory(username="wang", email="wang@bureau.example", role=Role.OFFICER)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password_reset/", {"email": "wang@bureau.example"})

    assert response.status_code == 302 and response["Location"] == "/accounts/password_reset/done/"
    delivery = MessageDelivery.objects.get(purpose=MessagePurpose.PASSWORD_RESET)
    assert (delivery.recipient, delivery.status) == ("wang@bureau.example", "sent")
    [message] = mail.outbox
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": "Harbour-cranes-77",
                                                         "new_password2": "Harbour-cranes-77"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Harbour-cranes-77")


def test_no_mail_for_an_unknown_address(client, db):
    response = client.post("/accounts/password_reset/", {"email": "nobody@bureau.example"})
    assert response.status_code == 302
    assert not MessageDelivery.objects.exists()


def test_the_reset_pages_are_the_portals_and_translated(client, db):
    response = client.get("/accounts/password_reset/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "base.html" in [t.name for t in response.templates]
    assert "忘记密码" in response.content.decode()


def test_a_user_changes_their_password(client, declarant_a):
    client.force_login(declarant_a)
    response = client.post("/accounts/password_change/", {
        "old_password": TEST_PASSWORD, "new_password1": "Harbour-cranes-77", "new_password2": "Harbour-cranes-77"})
    assert response.status_code == 302
    declarant_a.refresh_from_db()
    assert declarant_a.check_password("Harbour-cranes-77")


def _log_in(client, user):
    response = client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302


def test_staff_set_up_and_enter_a_second_factor_when_the_setting_is_on(client, officer, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_STAFF = True
    _log_in(client, officer)

    refused = client.get("/declarations/all/")
    assert refused.status_code == 302 and refused["Location"].startswith("/accounts/two-factor/?next=")
    assert client.get("/api/v1/declarations/").status_code == 403
    setup = client.get(refused["Location"])
    assert setup.status_code == 200 and b"<svg" in setup.content
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    wrong = client.post("/accounts/two-factor/", {"token": "000000" if totp(device.bin_key) != 0 else "111111",
                                                  "next": "/declarations/all/"})
    assert wrong.status_code == 400 and wrong.context["form"].errors["token"]

    confirmed = client.post("/accounts/two-factor/", {"token": f"{totp(device.bin_key):06d}",
                                                      "next": "/declarations/all/"})

    assert confirmed.status_code == 302 and confirmed["Location"] == "/declarations/all/"
    assert client.get("/declarations/all/").status_code == 200
    client.logout()
    _log_in(client, officer)
    assert client.get("/declarations/all/")["Location"].startswith("/accounts/two-factor/")
    device.refresh_from_db()
    device.last_t = -1  # the code just used may not be used twice; the next one of the same window may
    device.save()
    verified = client.post("/accounts/two-factor/", {"token": f"{totp(device.bin_key):06d}", "next": "/"})
    assert verified.status_code == 302
    assert client.get("/declarations/all/").status_code == 200


def test_declarants_need_no_second_factor(client, declarant_a, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_STAFF = True
    _log_in(client, declarant_a)
    assert client.get("/declarations/").status_code == 200


def test_staff_need_no_second_factor_when_the_setting_is_off(client, officer, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_STAFF = False
    _log_in(client, officer)
    assert client.get("/declarations/all/").status_code == 200


def test_production_requires_the_second_factor_and_the_other_profiles_do_not(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "ciq.example")
    monkeypatch.delenv("TWO_FACTOR_REQUIRED_FOR_STAFF", raising=False)
    for profile in ("production", "local"):
        sys.modules.pop(f"ciq_portal.settings.{profile}", None)
    production = importlib.import_module("ciq_portal.settings.production")
    local = importlib.import_module("ciq_portal.settings.local")
    assert production.TWO_FACTOR_REQUIRED_FOR_STAFF is True
    assert local.TWO_FACTOR_REQUIRED_FOR_STAFF is False


def test_people_are_named_by_their_names(roles):
    named = UserFactory(username="u1", first_name="伟", last_name="王")
    unnamed = UserFactory(username="u2")
    assert (str(named), named.display_name, str(unnamed)) == ("王伟", "王伟", "u2")


def test_a_lost_authenticator_is_forgotten_by_command(client, officer, settings):
    from django.core.management import call_command

    from ciq_portal.models import AuditEntry

    settings.TWO_FACTOR_REQUIRED_FOR_STAFF = True
    TOTPDevice.objects.create(user=officer, name="old phone", confirmed=True)

    call_command("two_factor_reset", officer.username)

    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEntry.objects.filter(action="user.two_factor_reset", object_id=str(officer.pk)).exists()
    _log_in(client, officer)
    setup = client.get("/accounts/two-factor/")
    assert b"<svg" in setup.content
