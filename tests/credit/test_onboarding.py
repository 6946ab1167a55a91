"""Enterprises joining online: the application (USCC check character, both names, a PDF licence), the bureau's
decision mailed to the applicant, and the enterprise administrator's own users."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from ciq_portal.models import MessageDelivery, MessagePurpose, User
from ciq_portal.roles import Role, has_role
from credit.choices import ApplicationStatus, EnterpriseKind, MembershipRole
from credit.models import Enterprise, EnterpriseApplication, EnterpriseMembership
from tests.factories import UserFactory, make_uscc

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
USCC = make_uscc(4242)


def application_data(**overrides):
    data = {"uscc": USCC, "name_zh": "宁波海鲜进口有限公司", "name_en": "Ningbo Seafood Imports Co., Ltd.",
            "address": "浙江省宁波市北仑区 1 号", "kind": EnterpriseKind.IMPORTER, "contact_name": "陈红",
            "contact_email": "chen.hong@seafood.example", "contact_phone": "138 0013 8000",
            "licence": SimpleUploadedFile("licence.pdf", PDF, content_type="application/pdf")}
    data.update(overrides)
    return data


@pytest.fixture
def administrator(roles):
    return UserFactory(username="bureau_admin", role=Role.ADMINISTRATOR)


@pytest.fixture
def application(client):
    response = client.post("/credit/apply/", application_data())
    assert response.status_code == 302, response.content.decode()[:3000]
    return EnterpriseApplication.objects.get()


def test_an_enterprise_applies_without_an_account(client, application):
    assert (application.status, application.uscc, application.contact_phone) == (
        ApplicationStatus.PENDING, USCC, "+8613800138000")
    assert application.content_type == "application/pdf" and application.file.read() == PDF


def test_a_wrong_uscc_check_character_is_refused_on_its_field(client, db):
    wrong = USCC[:17] + ("0" if USCC[17] != "0" else "1")
    response = client.post("/credit/apply/", application_data(uscc=wrong), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["form"].errors["uscc"] == [
        "The check character of this unified social credit code is wrong."]
    assert not EnterpriseApplication.objects.exists()


def test_the_licence_must_be_a_pdf(client, db):
    response = client.post("/credit/apply/", application_data(
        licence=SimpleUploadedFile("licence.pdf", PNG, content_type="application/pdf")))
    assert response.status_code == 400 and response.context["form"].errors["licence"]
    assert not EnterpriseApplication.objects.exists()


def test_both_names_are_required(db):
    from django.core.exceptions import ValidationError

    from credit.services import enterprise_application_submit

    with pytest.raises(ValidationError) as refused:
        enterprise_application_submit(**application_data(name_en=" ", address=""))
    assert sorted(refused.value.message_dict) == ["address", "name_en"]


def test_a_code_that_already_has_an_account_is_refused(client, enterprise_a):
    response = client.post("/credit/apply/", application_data(uscc=enterprise_a.uscc))
    assert response.status_code == 400 and response.context["form"].errors["uscc"]


def test_the_bureau_approves_and_the_applicant_sets_a_password_as_the_enterprises_administrator(
        client, application, administrator, django_capture_on_commit_callbacks):
    client.force_login(administrator)
    assert application.uscc in client.get("/credit/applications/").content.decode()
    assert client.get(f"/credit/applications/{application.pk}/licence/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/credit/applications/{application.pk}/", {"decision": "approve"})

    assert response.status_code == 302
    enterprise = Enterprise.objects.get(uscc=USCC)
    assert (enterprise.name_en, enterprise.kind) == ("Ningbo Seafood Imports Co., Ltd.", EnterpriseKind.IMPORTER)
    applicant = User.objects.get(email="chen.hong@seafood.example")
    assert not applicant.has_usable_password() and has_role(applicant, Role.DECLARANT)
    assert applicant.display_name == "陈红"
    assert (applicant.enterprise_membership.enterprise, applicant.enterprise_membership.role) == (
        enterprise, MembershipRole.ADMINISTRATOR)
    delivery = MessageDelivery.objects.get(purpose=MessagePurpose.ONBOARDING_DECISION)
    assert (delivery.recipient, delivery.status) == ("chen.hong@seafood.example", "sent")
    [message] = mail.outbox
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    client.logout()
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "Harbour-cranes-77",
                                                  "new_password2": "Harbour-cranes-77"})
    logged_in = client.post("/accounts/login/", {"username": "chen.hong@seafood.example",
                                                 "password": "Harbour-cranes-77"})
    assert logged_in.status_code == 302
    assert client.get("/credit/users/").status_code == 200


def test_the_bureau_refuses_with_a_reason_the_applicant_is_mailed(client, application, administrator,
                                                                  django_capture_on_commit_callbacks):
    client.force_login(administrator)
    assert client.post(f"/credit/applications/{application.pk}/", {"decision": "refuse", "reason": ""}
                       ).status_code == 400

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/credit/applications/{application.pk}/",
                    {"decision": "refuse", "reason": "The licence is not legible."})

    application.refresh_from_db()
    assert application.status == ApplicationStatus.REFUSED
    assert not Enterprise.objects.filter(uscc=USCC).exists()
    [message] = mail.outbox
    assert message.to == ["chen.hong@seafood.example"] and "The licence is not legible." in message.body


def test_only_bureau_administrators_decide(client, application, supervisor, declarant_a):
    for user in (supervisor, declarant_a):
        client.force_login(user)
        assert client.get(f"/credit/applications/{application.pk}/").status_code == 403
        assert client.post(f"/credit/applications/{application.pk}/", {"decision": "approve"}).status_code == 403
        assert client.get(f"/credit/applications/{application.pk}/licence/").status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PENDING


def test_the_enterprise_administrator_invites_a_declarant(client, administrator_a, enterprise_a,
                                                          django_capture_on_commit_callbacks):
    client.force_login(administrator_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/credit/users/", {"full_name": "Li Na", "email": "Li.Na@a.example"})

    assert response.status_code == 302
    invited = User.objects.get(username="li.na@a.example")
    assert invited.enterprise_membership.enterprise == enterprise_a
    assert invited.enterprise_membership.role == MembershipRole.DECLARANT
    delivery = MessageDelivery.objects.get(purpose=MessagePurpose.INVITATION)
    assert delivery.status == "sent" and "/accounts/reset/" in mail.outbox[0].body
    again = client.post("/credit/users/", {"full_name": "Li Na", "email": "li.na@a.example"})
    assert again.status_code == 400 and again.context["form"].errors["email"]


def test_a_declarant_who_is_no_administrator_manages_no_users(client, declarant_a):
    client.force_login(declarant_a)
    assert client.get("/credit/users/").status_code == 403
    assert client.post("/credit/users/", {"full_name": "X", "email": "x@a.example"}).status_code == 403


def test_the_administrator_removes_a_declarant_of_its_own_enterprise_only(client, administrator_a, declarant_a,
                                                                          declarant_b):
    client.force_login(administrator_a)
    other = EnterpriseMembership.objects.get(user=declarant_b)
    assert client.post(f"/credit/users/{other.pk}/remove/").status_code == 404
    own = client.post(f"/credit/users/{administrator_a.enterprise_membership.pk}/remove/")
    assert own.status_code == 302
    administrator_a.refresh_from_db()
    assert administrator_a.is_active

    response = client.post(f"/credit/users/{declarant_a.enterprise_membership.pk}/remove/")

    assert response.status_code == 302
    declarant_a.refresh_from_db()
    declarant_b.refresh_from_db()
    assert not declarant_a.is_active and declarant_b.is_active
