"""The bureau's reference tables of declarations: dangerous goods on goods lines, document requirements and the
HS nomenclature with effective dates, a new HS edition imported whole."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ciq_portal.models import AuditEntry
from ciq_portal.roles import Role
from declarations import services
from declarations.models import DocumentRequirement, HSCode, HSEdition
from declarations.nomenclature import hs_code_known
from tests.factories import UserFactory

from .conftest import line

TODAY = timezone.localdate


@pytest.fixture
def administrator(roles):
    return UserFactory(username="admin1", role=Role.ADMINISTRATOR)


# --- Dangerous goods on goods lines -------------------------------------------------------------------------------


def test_a_un_number_is_normalised_and_kept_with_its_class(make_draft):
    declaration = make_draft(lines=[line(un_number="1203", dg_class="3")])
    stored = declaration.lines.get()
    assert (stored.un_number, stored.dg_class) == ("UN1203", "3")


@pytest.mark.parametrize("value", ["UN12", "12345", "UNX203", "UN0000"])
def test_a_malformed_un_number_is_refused_on_its_field(make_draft, value):
    with pytest.raises(ValidationError) as caught:
        make_draft(lines=[line(un_number=value, dg_class="3")])
    assert "lines.0.un_number" in caught.value.message_dict


def test_an_unknown_class_is_refused_on_its_field(make_draft):
    with pytest.raises(ValidationError) as caught:
        make_draft(lines=[line(un_number="UN1203", dg_class="10")])
    assert "lines.0.dg_class" in caught.value.message_dict


def test_a_class_without_a_un_number_is_refused(make_draft):
    with pytest.raises(ValidationError) as caught:
        make_draft(lines=[line(dg_class="3")])
    assert "lines.0.un_number" in caught.value.message_dict


def test_the_api_takes_and_shows_the_un_number(api_as, declarant_a, make_draft):
    draft = make_draft()
    response = api_as(declarant_a).post(f"/api/v1/declarations/{draft.pk}/lines/",
                                        line(un_number="UN1203", dg_class="3"), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["un_number"] == "UN1203"


# --- Document requirements ------------------------------------------------------------------------------------------


def test_an_administrator_adds_a_requirement_audited(administrator):
    requirement = services.document_requirement_create(actor=administrator, kind="health_certificate",
                                                       category="aquatic", valid_from=TODAY())
    assert AuditEntry.objects.filter(action="document_requirement.create", object_id=str(requirement.pk)).exists()


def test_a_requirement_names_its_goods(administrator):
    with pytest.raises(ValidationError) as caught:
        services.document_requirement_create(actor=administrator, kind="health_certificate")
    assert "hs_prefix" in caught.value.message_dict


def test_a_requirement_cannot_end_before_it_starts(administrator):
    with pytest.raises(ValidationError) as caught:
        services.document_requirement_create(actor=administrator, kind="health_certificate", category="aquatic",
                                             valid_from=TODAY(), valid_until=TODAY() - datetime.timedelta(days=1))
    assert "valid_until" in caught.value.message_dict


def test_an_ended_requirement_is_no_longer_asked_for(administrator, make_draft, no_requirements):
    requirement = services.document_requirement_create(actor=administrator, kind="health_certificate",
                                                       category="aquatic")
    draft = make_draft()
    assert services.required_documents(draft) == {"health_certificate"}
    services.document_requirement_update(requirement=requirement, actor=administrator,
                                         valid_until=TODAY() - datetime.timedelta(days=1))
    assert services.required_documents(draft) == set()


def test_only_an_administrator_changes_the_tables(supervisor):
    with pytest.raises(PermissionDenied):
        services.document_requirement_create(actor=supervisor, kind="health_certificate", category="aquatic")


def test_the_requirement_page_creates_and_shows_the_change_log(client, administrator, no_requirements):
    client.force_login(administrator)
    response = client.post(reverse("declarations:document_requirement_create"),
                           {"kind": "health_certificate", "category": "aquatic", "hs_prefix": "", "note": "",
                            "valid_from": "", "valid_until": ""})
    requirement = DocumentRequirement.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("declarations:document_requirement_edit", args=[requirement.pk]))
    assert b"document_requirement.create" in page.content


def test_the_requirement_page_puts_the_error_on_its_field(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("declarations:document_requirement_create"),
                           {"kind": "health_certificate", "category": "", "hs_prefix": "03x", "note": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["hs_prefix"]


# --- HS codes and editions ------------------------------------------------------------------------------------------


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("hs.csv", text.encode("utf-8"), content_type="text/csv")


def test_an_hs_code_with_effective_dates_is_known_only_while_in_force(administrator):
    services.hs_code_create(actor=administrator, code="9901", name_zh="测试", valid_from=TODAY()
                            + datetime.timedelta(days=1))
    assert not hs_code_known("9901000000")
    code = HSCode.objects.get(code="9901")
    services.hs_code_update(hs_code=code, actor=administrator, valid_from=TODAY())
    assert hs_code_known("9901000000")


def test_a_bad_hs_row_writes_nothing_and_every_row_is_reported(client, administrator):
    before = list(HSCode.objects.order_by("code").values_list("code", "name_zh", "valid_until"))
    client.force_login(administrator)
    body = ("code,name_zh,name_en,category\n0306,甲壳动物,Crustaceans,aquatic\n03x6,坏,Bad,aquatic\n"
            "0307,,Molluscs,nope\n")
    response = client.post(reverse("declarations:hs_edition_import"),
                           {"name": "HS 2027", "effective_from": TODAY().isoformat(), "file": _csv(body)})
    assert response.status_code == 200
    assert len(response.context["form"].errors["file"]) == 3
    rows = [{"code": "0306", "name_zh": "甲壳动物", "category": "aquatic"}, {"code": "03x6", "name_zh": "坏"},
            {"code": "0307", "name_zh": "", "category": "nope"}]
    assert [(e["row"], e["field"]) for e in services.hs_edition_errors(rows)] == [
        (3, "code"), (4, "name_zh"), (4, "category")]
    assert list(HSCode.objects.order_by("code").values_list("code", "name_zh", "valid_until")) == before
    assert not HSEdition.objects.exists()


def test_a_new_edition_adds_changes_and_retires_codes(api_as, administrator):
    body = "code,name_zh,name_en,category\n0306,甲壳动物（新）,Crustaceans,aquatic\n9902,新品目,New heading,general\n"
    response = api_as(administrator).post("/api/v1/hs-editions/", {
        "name": "HS 2027", "effective_from": TODAY().isoformat(), "file": _csv(body)}, format="multipart")
    assert response.status_code == 201, response.content
    edition = HSEdition.objects.get()
    assert (edition.added, edition.changed) == (1, 1)
    assert edition.retired == HSCode.objects.exclude(code__in=["0306", "9902"]).count()
    assert hs_code_known("9902000000")
    assert hs_code_known("0306170000")
    assert not hs_code_known("3304990000")
    assert AuditEntry.objects.filter(action="hs_edition.import", object_id=str(edition.pk)).exists()


def test_an_edition_cannot_take_effect_in_the_past(administrator):
    with pytest.raises(ValidationError) as caught:
        services.hs_edition_import(actor=administrator, name="HS old", effective_from=TODAY()
                                   - datetime.timedelta(days=1), rows=[{"code": "0306", "name_zh": "甲壳动物"}])
    assert "effective_from" in caught.value.message_dict


@pytest.mark.parametrize("url", ["/declarations/reference/documents/", "/declarations/reference/hs/",
                                 "/declarations/reference/hs/import/", "/declarations/reference/documents/new/"])
def test_a_declarant_is_refused_the_pages(client, declarant_a, url):
    client.force_login(declarant_a)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/api/v1/document-requirements/", "/api/v1/hs-codes/", "/api/v1/hs-editions/"])
def test_a_declarant_is_refused_the_api(api_as, declarant_a, url):
    client = api_as(declarant_a)
    assert client.get(url).status_code == 403
    assert client.post(url, {}, format="json").status_code in (403, 415)


def test_an_officer_reads_but_does_not_change(api_as, officer):
    client = api_as(officer)
    assert client.get("/api/v1/hs-codes/?code=0306").status_code == 200
    assert client.post("/api/v1/hs-codes/", {"code": "9903", "name_zh": "x"}, format="json").status_code == 403
