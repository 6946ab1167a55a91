import os
import warnings

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from ciq_portal.celery import app as celery_app
from ciq_portal.models import AuditEntry, User
from credit.models import Enterprise

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["database"]["status"] == "ok" and body["broker"]["status"] == "ok"


def test_schema_generates_without_warnings(capsys):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", os.devnull)


def test_swagger_ui_is_served_offline(client, officer):
    client.force_login(officer)
    page = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in page and "//cdn" not in page and "unpkg.com" not in page


def test_seed_demo_twice_gives_the_same_data(settings, demo_follow_ups_released):
    settings.DEBUG = True
    call_command("seed_demo")
    first = (sorted(User.objects.values_list("username", flat=True)),
             sorted(Enterprise.objects.values_list("uscc", "credit_grade")), AuditEntry.objects.count())
    call_command("seed_demo")
    second = (sorted(User.objects.values_list("username", flat=True)),
              sorted(Enterprise.objects.values_list("uscc", "credit_grade")), AuditEntry.objects.count())
    assert first == second
    assert {"declarant_a", "declarant_b", "officer1", "officer2", "officer3", "analyst", "supervisor",
            "agency_customs", "admin"} <= set(first[0])


def test_seed_demo_refuses_without_debug(settings):
    from django.core.management import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


@pytest.mark.parametrize("language, text", [("zh-hans", "登录"), ("en", "Log in")])
def test_login_page_in_both_languages(client, language, text):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language)
    assert text in response.content.decode()


def test_error_pages_in_both_languages(client, officer):
    client.force_login(officer)
    assert "找不到" in client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Not found" in client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_api_errors_are_translated(api_client, db):
    zh = api_client.post("/api/v1/auth/token/", {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    en = api_client.post("/api/v1/auth/token/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert set(zh["errors"]) == {"username", "password"}
    assert en["errors"]["username"] == ["This field is required."]
    assert zh["errors"]["username"] != en["errors"]["username"]


@pytest.mark.redis
def test_celery_round_trip_through_redis(celery_worker_process):
    from ciq_portal.celery import ping

    assert ping.apply_async().get(timeout=20) == "pong"


def test_every_periodic_job_names_a_task_and_tasks_take_one_style():
    """A renamed task would leave the beat sending a name no worker knows; the apps' tasks are named <service>_task."""
    celery_app.loader.import_default_modules()
    ours = {name for name in celery_app.tasks if name.split(".")[0] in settings.DOMAIN_APPS}
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= ours
    assert all(name.endswith("_task") or name == "ciq_portal.ping" for name in ours), sorted(ours)
