"""The Django admin: every domain model listed, branded and translated, and nothing editable there (a service
makes every change, with its audit row)."""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from ciq_portal.roles import Role
from credit.models import Enterprise
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DOMAIN_MODELS = [model for label in settings.DOMAIN_APPS for model in apps.get_app_config(label).get_models()]


@pytest.fixture
def admin_client_of_bureau(client, roles):
    client.force_login(UserFactory(username="root", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


def test_every_domain_model_is_listed():
    missing = [model._meta.label for model in DOMAIN_MODELS if not admin.site.is_registered(model)]
    assert not missing


@pytest.mark.parametrize("model", [*DOMAIN_MODELS, Group], ids=lambda m: m._meta.label)
def test_every_list_opens_and_nothing_is_added_changed_or_deleted(admin_client_of_bureau, model):
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(None)
    assert not model_admin.has_change_permission(None)
    assert not model_admin.has_delete_permission(None)
    opts = model._meta
    response = admin_client_of_bureau.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert response.status_code == 200


def test_an_enterprise_cannot_be_edited_in_the_admin(admin_client_of_bureau, enterprise_a):
    url = reverse("admin:credit_enterprise_change", args=[enterprise_a.pk])
    page = admin_client_of_bureau.get(url)
    assert page.status_code == 200 and b'name="_save"' not in page.content

    response = admin_client_of_bureau.post(url, {"name_zh": "改名", "uscc": enterprise_a.uscc, "kind": "importer",
                                                 "status": "active", "country": "CN"})

    assert response.status_code == 403
    enterprise_a.refresh_from_db()
    assert enterprise_a.name_zh == "甲公司"
    assert admin_client_of_bureau.get(reverse("admin:credit_enterprise_add")).status_code == 403


def test_users_cannot_be_edited_in_the_admin(admin_client_of_bureau, declarant_a):
    response = admin_client_of_bureau.post(reverse("admin:ciq_portal_user_change", args=[declarant_a.pk]),
                                           {"username": "renamed", "is_superuser": "on"})
    assert response.status_code == 403
    declarant_a.refresh_from_db()
    assert (declarant_a.username, declarant_a.is_superuser) == ("declarant_a", False)
    assert admin_client_of_bureau.get(reverse("admin:auth_group_add")).status_code == 403
    assert Enterprise.objects.count() == 1


def test_the_admin_is_branded_in_both_languages(admin_client_of_bureau):
    english = admin_client_of_bureau.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "CIQ Portal administration" in english
    chinese = admin_client_of_bureau.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "检验检疫门户管理后台" in chinese
