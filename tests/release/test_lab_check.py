"""The verify-release report's laboratory: offered from the laboratories the bureau relies on and checked as the
declarant types its accreditation number (htmx), in the reader's language, under the field."""

import datetime

import pytest
from django.utils import timezone

from inspection.models import Lab

pytestmark = pytest.mark.django_db

URL = "/release/labs/check/"


def _lab(number, *, status="active", days=365, name="Test Lab"):
    today = timezone.localdate()
    return Lab.objects.create(name=name, name_en=name, accreditation_no=number, status=status,
                              valid_from=today - datetime.timedelta(days=400),
                              valid_until=today + datetime.timedelta(days=days))


def _check(client, typed, language="en"):
    response = client.get(URL, {"lab_accreditation_no": typed}, HTTP_HX_REQUEST="true",
                          HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_an_accredited_lab_is_confirmed_and_an_unknown_one_refused(client, declarant_a):
    _lab("CNAS L9001", name="Good Lab")
    client.force_login(declarant_a)
    assert 'class="check-answer ok"' in _check(client, " CNAS L9001 ") and "Good Lab" in _check(client, "CNAS L9001")
    unknown = _check(client, "CNAS L0000")
    assert 'class="check-answer bad"' in unknown and "No registered laboratory" in unknown
    assert "没有" in _check(client, "CNAS L0000", language="zh-hans")
    assert _check(client, "").strip() == ""


def test_a_suspended_or_expired_lab_is_not_relied_on(client, declarant_a):
    _lab("CNAS L9002", status="suspended")
    _lab("CNAS L9003", days=-1)
    client.force_login(declarant_a)
    assert "is not relied on today (Suspended" in _check(client, "CNAS L9002")
    assert "is not relied on today (Active" in _check(client, "CNAS L9003")


def test_the_report_form_is_wired_to_the_check():
    from release.forms import ReportForm

    field = ReportForm()["lab_accreditation_no"]
    html = str(field)
    assert 'list="accredited-labs"' in html and f'hx-get="{URL}"' in html
    assert 'aria-describedby="id_lab_accreditation_no_check"' in html


def test_only_declarants_and_the_desk_check(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x")
    client.force_login(user)
    assert client.get(URL, {"lab_accreditation_no": "CNAS L9001"}).status_code == 403
