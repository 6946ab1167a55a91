"""A goods line's manufacturer offered from the enterprise's registrations and checked as the declarant types it
(htmx): the answer is in the reader's language, under the field, and no other enterprise's registration shows."""

import datetime

import pytest
from django.utils import timezone

from ciq_portal.reference import reference_forget
from declarations.models import Registration, RegulatedGoods
from declarations.services import REGULATED_GOODS_KEY

pytestmark = pytest.mark.django_db

URL = "/declarations/manufacturers/check/"


def _registration(enterprise, name, *, status="approved", categories=(), days=365):
    today = timezone.localdate()
    return Registration.objects.create(
        enterprise=enterprise, kind="manufacturer_registration", manufacturer_name=name, status=status,
        registration_number=f"REG-{name[:6].upper()}", categories=list(categories),
        valid_from=today - datetime.timedelta(days=10), valid_until=today + datetime.timedelta(days=days))


@pytest.fixture
def shrimps_need_a_registered_manufacturer(db):
    RegulatedGoods.objects.create(hs_prefix="0306", needs_manufacturer_registration=True)
    reference_forget(REGULATED_GOODS_KEY)
    yield
    reference_forget(REGULATED_GOODS_KEY)


def _check(client, name, hs_code="", language="en"):
    response = client.get(URL, {"lines-2-manufacturer_name": name, "lines-2-hs_code": hs_code},
                          HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_a_registered_manufacturer_is_confirmed(client, declarant_a, enterprise_a,
                                                shrimps_need_a_registered_manufacturer):
    _registration(enterprise_a, "Ocean Foods Pty")
    client.force_login(declarant_a)
    answer = _check(client, "ocean foods pty ", "0306170000")
    assert 'class="check-answer ok"' in answer and "REG-OCEAN" in answer
    assert "已注册" in _check(client, "Ocean Foods Pty", "0306170000", language="zh-hans")


def test_an_unknown_manufacturer_is_refused_where_the_goods_need_one(client, declarant_a,
                                                                    shrimps_need_a_registered_manufacturer):
    client.force_login(declarant_a)
    needed = _check(client, "Nobody Ltd", "0306170000")
    assert 'class="check-answer bad"' in needed and "cannot be submitted" in needed
    assert 'class="check-answer warn"' in _check(client, "Nobody Ltd", "847130")
    assert _check(client, "   ").strip() == ""


def test_a_registration_not_in_force_or_out_of_scope_says_so(client, declarant_a, enterprise_a,
                                                             shrimps_need_a_registered_manufacturer):
    _registration(enterprise_a, "Pending Foods", status="pending")
    _registration(enterprise_a, "Machine Works", categories=["machinery"])
    client.force_login(declarant_a)
    assert "not in force (Pending" in _check(client, "Pending Foods", "0306170000")
    assert "not for goods of this HS code" in _check(client, "Machine Works", "0306170000")


def test_another_enterprise_s_registration_does_not_leak(client, declarant_b, enterprise_a,
                                                         shrimps_need_a_registered_manufacturer):
    _registration(enterprise_a, "Ocean Foods Pty")
    client.force_login(declarant_b)
    answer = _check(client, "Ocean Foods Pty", "0306170000")
    assert "REG-OCEAN" not in answer and 'class="check-answer bad"' in answer
    page = client.get("/declarations/new/").content.decode()
    assert "Ocean Foods Pty" not in page


def test_the_form_offers_the_registered_manufacturers_and_wires_the_check(client, declarant_a, enterprise_a):
    _registration(enterprise_a, "Ocean Foods Pty")
    _registration(enterprise_a, "Expired Foods", days=-1)
    client.force_login(declarant_a)
    page = client.get("/declarations/new/").content.decode()
    assert '<datalist id="registered-manufacturers"><option value="Ocean Foods Pty">' in page
    assert "Expired Foods" not in page
    assert f'hx-get="{URL}"' in page and 'list="registered-manufacturers"' in page
    assert 'aria-describedby="id_lines-0-manufacturer_name_check"' in page
    assert '<div class="field-check" id="id_lines-0-manufacturer_name_check" aria-live="polite">' in page


def test_only_declarants_check(client, officer):
    client.force_login(officer)
    assert client.get(URL, {"manufacturer_name": "x"}).status_code == 403
