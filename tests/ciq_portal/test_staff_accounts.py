"""Bureau administrators invite their colleagues (supervisors, risk analysts, administrators) on a page: the account
gets its role and no password; the colleague sets one from the mailed link."""

import re

import pytest
from django.core import mail

from ciq_portal.models import AuditEntry, MessageDelivery, MessagePurpose, User
from ciq_portal.roles import Role, has_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(roles):
    return UserFactory(username="bureau_admin", role=Role.ADMINISTRATOR)


def test_an_administrator_invites_a_supervisor_who_sets_a_password_from_the_mail(
        client, administrator, django_capture_on_commit_callbacks):
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/portal/staff/", {"full_name": "孙丽", "email": "Sun.Li@bureau.example",
                                                  "role": Role.SUPERVISOR})

    assert response.status_code == 302
    invited = User.objects.get(username="sun.li@bureau.example")
    assert has_role(invited, Role.SUPERVISOR) and not invited.has_usable_password()
    assert MessageDelivery.objects.get(purpose=MessagePurpose.INVITATION).status == "sent"
    assert AuditEntry.objects.filter(action="user.invite", actor_id=administrator.pk).exists()
    page = client.get("/portal/staff/").content.decode()
    assert "sun.li@bureau.example" in page and "孙丽" in page
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    client.logout()
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "Harbour-cranes-77",
                                                  "new_password2": "Harbour-cranes-77"})
    assert client.post("/accounts/login/", {"username": "sun.li@bureau.example",
                                            "password": "Harbour-cranes-77"}).status_code == 302


@pytest.mark.parametrize(("data", "field"), [
    ({"full_name": "X", "email": "x@bureau.example", "role": Role.OFFICER}, "role"),
    ({"full_name": "X", "email": "x@bureau.example", "role": Role.DECLARANT}, "role"),
    ({"full_name": "X", "email": "not-an-address", "role": Role.SUPERVISOR}, "email"),
    ({"full_name": "", "email": "x@bureau.example", "role": Role.SUPERVISOR}, "full_name"),
])
def test_bad_input_is_refused_on_its_field_and_creates_no_account(client, administrator, data, field):
    client.force_login(administrator)
    before = User.objects.count()
    response = client.post("/portal/staff/", data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response.context["form"].errors[field]
    assert User.objects.count() == before and not mail.outbox


def test_an_address_that_has_an_account_is_refused(client, administrator, supervisor):
    supervisor.email = "boss@bureau.example"
    supervisor.save()
    client.force_login(administrator)
    response = client.post("/portal/staff/", {"full_name": "Y", "email": "Boss@bureau.example",
                                              "role": Role.SUPERVISOR})
    assert response.status_code == 400 and response.context["form"].errors["email"]


def test_only_administrators_see_and_invite_staff(client, supervisor, declarant_a):
    for user in (supervisor, declarant_a):
        client.force_login(user)
        assert client.get("/portal/staff/").status_code == 404
        assert client.post("/portal/staff/", {"full_name": "Z", "email": "z@bureau.example",
                                              "role": Role.ADMINISTRATOR}).status_code == 404
    assert not User.objects.filter(username="z@bureau.example").exists()
