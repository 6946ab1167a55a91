"""Ports by name in the reader's language with their UN/LOCODE (宁波 (CNNGB), Ningbo (CNNGB)), not by office code, on
the declarant's and officer's pages and the dashboard's exports (the public trace page: tests/release/
test_declaration_page.py); the bureau's administrator keeps the port table like the other reference tables."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ciq_portal.models import AuditEntry
from ciq_portal.roles import Role
from declarations import services
from declarations.models import Port
from declarations.ports import port_label
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NAMES = [("zh-hans", "宁波 (CNNGB)"), ("en", "Ningbo (CNNGB)")]


@pytest.fixture
def administrator(roles):
    return UserFactory(username="admin1", role=Role.ADMINISTRATOR)


@pytest.fixture
def draft(make_draft):
    return make_draft(port_of_entry="NGB")


@pytest.mark.parametrize("language, name", NAMES)
def test_the_declarant_sees_the_port_by_name(client, declarant_a, draft, language, name):
    client.force_login(declarant_a)
    detail = client.get(f"/declarations/{draft.pk}/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    listing = client.get("/declarations/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"<dd>{name}</dd>" in detail and f"<td>{name}</td>" in listing


def test_the_officer_sees_the_port_by_name(client, officer, draft):
    client.force_login(officer)
    assert "<dd>宁波 (CNNGB)</dd>" in client.get(f"/declarations/{draft.pk}/").content.decode()


def test_the_dashboard_export_names_the_port(client, supervisor):
    client.force_login(supervisor)
    csv = client.get("/release/dashboard/export.csv?port=ngb", HTTP_ACCEPT_LANGUAGE="en").content.decode("utf-8-sig")
    assert "Ningbo (CNNGB)" in csv.splitlines()[0]


def test_a_code_not_in_the_table_is_shown_as_given(db):
    assert port_label("KCS017") == "KCS017" and port_label("") == ""


def test_the_form_suggests_ports_by_name(client, declarant_a):
    client.force_login(declarant_a)
    html = client.get("/declarations/new/").content.decode()
    assert 'list="ports"' in html and '<option value="NGB">宁波 (CNNGB)</option>' in html


def test_an_administrator_adds_and_renames_a_port_audited(client, administrator):
    client.force_login(administrator)
    response = client.post("/declarations/reference/ports/new/", {"code": "nbg1", "locode": "CNNBG",
                                                                  "name_zh": "北仑", "name_en": "Beilun"})
    assert response.status_code == 302 and port_label("NBG1") == "北仑 (CNNBG)"
    client.post("/declarations/reference/ports/NBG1/", {"locode": "CNNBG", "name_zh": "北仑港", "name_en": "Beilun"})
    assert port_label("NBG1") == "北仑港 (CNNBG)"
    assert list(AuditEntry.objects.filter(action__startswith="port.").values_list("action", flat=True)
                .order_by("id")) == ["port.create", "port.update"]
    assert "北仑港" in client.get("/declarations/reference/ports/?q=beilun").content.decode()


def test_a_bad_locode_is_refused_on_its_field_and_nothing_is_written(client, administrator):
    client.force_login(administrator)
    html = client.post("/declarations/reference/ports/new/", {"code": "XMN", "locode": "CN-XM",
                                                              "name_zh": "厦门", "name_en": ""},
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "UN/LOCODE: the country" in html and "Give the English name." in html
    assert not Port.objects.filter(code="XMN").exists()


def test_a_port_already_in_the_table_is_refused(administrator):
    with pytest.raises(ValidationError) as refused:
        services.port_create(actor=administrator, code="ngb", locode="CNNGB", name_zh="宁波", name_en="Ningbo")
    assert "code" in refused.value.message_dict


def test_only_an_administrator_changes_the_ports(client, supervisor, declarant_a):
    with pytest.raises(PermissionDenied):
        services.port_create(actor=supervisor, code="XMN", locode="CNXMN", name_zh="厦门", name_en="Xiamen")
    client.force_login(supervisor)
    assert client.get("/declarations/reference/ports/").status_code == 200
    assert client.get("/declarations/reference/ports/new/").status_code == 403
    client.force_login(declarant_a)
    assert client.get("/declarations/reference/ports/").status_code == 403


def test_the_api_lists_and_changes_the_ports(api_as, administrator, officer):
    assert {"code": "NGB", "locode": "CNNGB", "name_zh": "宁波", "name_en": "Ningbo"} in \
        api_as(officer).get("/api/v1/ports/").json()["results"]
    response = api_as(administrator).patch("/api/v1/ports/NGB/", {"name_en": "Ningbo-Zhoushan"}, format="json")
    assert response.status_code == 200 and port_label("NGB") == "宁波 (CNNGB)"
    assert api_as(officer).patch("/api/v1/ports/NGB/", {"name_en": "x"}, format="json").status_code == 403
    refused = api_as(administrator).post("/api/v1/ports/", {"code": "XMN", "locode": "XM", "name_zh": "厦门",
                                                            "name_en": "Xiamen"}, format="json")
    assert refused.status_code == 400 and "locode" in refused.json()["errors"]
