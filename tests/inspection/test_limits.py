"""The limits table: test items with their unit, versioned limits per commodity category, the CSV import, and lab
results judged by the table without the officer typing a limit."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ciq_portal.models import AuditEntry
from ciq_portal.roles import Role
from inspection import selectors, services
from inspection.models import LabResult, TestLimit
from tests.factories import UserFactory

from .factories import LabFactory

TODAY = timezone.localdate


@pytest.fixture
def administrator(roles):
    return UserFactory(username="admin1", role=Role.ADMINISTRATOR)


@pytest.fixture
def lead(administrator):
    return services.test_item_create(actor=administrator, code="lead", name="铅", name_en="Lead", unit="mg/kg")


def _limit(administrator, item, **overrides):
    data = dict(category="aquatic", limit_max="0.5", unit="mg/kg", valid_from=TODAY(), basis="GB 2762-2022")
    data.update(overrides)
    return services.test_limit_set(actor=administrator, item=item, **data)


def test_a_limit_is_recorded_and_audited(administrator, lead):
    limit = _limit(administrator, lead)
    assert (limit.version, limit.limit_max) == (1, 0.5)
    assert AuditEntry.objects.filter(action="test_limit.set", object_id=str(limit.pk)).exists()


def test_a_limit_in_the_wrong_unit_is_refused_on_its_field(administrator, lead):
    with pytest.raises(ValidationError) as caught:
        _limit(administrator, lead, unit="µg/kg")
    assert "unit" in caught.value.message_dict
    assert not TestLimit.objects.exists()


@pytest.mark.parametrize(("overrides", "field"), [
    (dict(limit_min="", limit_max=""), "limit_max"),
    (dict(limit_min="2", limit_max="1"), "limit_max"),
    (dict(limit_max="abc"), "limit_max"),
    (dict(category="moon_rock"), "category"),
    (dict(valid_from=datetime.date(2000, 1, 1)), "valid_from"),
])
def test_bad_limit_input_is_refused_on_its_field(administrator, lead, overrides, field):
    with pytest.raises(ValidationError) as caught:
        _limit(administrator, lead, **overrides)
    assert field in caught.value.message_dict


def test_a_new_version_ends_the_one_in_force(administrator, lead):
    first = _limit(administrator, lead)
    second = _limit(administrator, lead, limit_max="0.3", valid_from=TODAY() + datetime.timedelta(days=10))
    first.refresh_from_db()
    assert second.version == 2
    assert first.valid_until == second.valid_from - datetime.timedelta(days=1)
    assert selectors.test_limit_in_force(item_code="lead", category="aquatic", on=TODAY()) == first
    assert selectors.test_limit_in_force(item_code="lead", category="aquatic", on=second.valid_from) == second


def test_the_unit_of_an_item_with_limits_stays(administrator, lead):
    _limit(administrator, lead)
    with pytest.raises(ValidationError) as caught:
        services.test_item_update(item=lead, actor=administrator, unit="µg/kg")
    assert "unit" in caught.value.message_dict


def test_only_an_administrator_changes_the_table(supervisor):
    with pytest.raises(PermissionDenied):
        services.test_item_create(actor=supervisor, code="lead", name="铅", unit="mg/kg")


def _csv(text):
    return SimpleUploadedFile("limits.csv", text.encode("utf-8"), content_type="text/csv")


def test_a_bad_limit_row_writes_nothing_and_every_row_is_reported(client, administrator, lead):
    client.force_login(administrator)
    body = (f"item,category,limit_min,limit_max,unit,valid_from,basis\n"
            f"lead,aquatic,,0.5,mg/kg,{TODAY()},GB\nlead,meat,,0.2,ppm,{TODAY()},GB\nnickel,meat,,1,mg/kg,{TODAY()},\n")
    response = client.post(reverse("inspection:test_limit_import"), {"file": _csv(body)})
    assert response.status_code == 200
    assert len(response.context["form"].errors["file"]) == 2
    assert not TestLimit.objects.exists()
    rows = [{"item": "lead", "category": "meat", "limit_max": "0.2", "unit": "ppm", "valid_from": str(TODAY())},
            {"item": "nickel", "category": "meat", "limit_max": "1", "unit": "mg/kg", "valid_from": str(TODAY())}]
    assert [(e["row"], e["field"]) for e in services.test_limits_import_errors(rows)] == [(2, "unit"), (3, "item")]


def test_a_good_limits_file_is_imported(api_as, administrator, lead):
    body = f"item,category,limit_min,limit_max,unit,valid_from,basis\nlead,aquatic,,0.5,mg/kg,{TODAY()},GB\n"
    response = api_as(administrator).post("/api/v1/test-limits/import/", {"file": _csv(body)}, format="multipart")
    assert response.status_code == 201, response.content
    assert TestLimit.objects.get().limit_max == 0.5


def _ordered(declaration, officers, create_task, item="lead"):
    task = create_task(declaration, mode="supervised")
    task = services.inspection_task_claim(task=task, actor=task.assigned_to)
    sample = services.sample_take(task=task, description="2 cartons", quantity="1", unit="kg", seal_no="S1",
                                  actor=task.assigned_to)
    lab = LabFactory(scope_categories=["aquatic"], scope_test_items=[item])
    return task, services.lab_order_create(task=task, sample=sample, lab=lab, test_items=[item],
                                           actor=task.assigned_to)


def test_a_result_outside_the_tables_limit_is_a_non_conformity_without_typing_it(
        administrator, lead, declaration, officers, create_task):
    limit = _limit(administrator, lead)
    task, order = _ordered(declaration, officers, create_task)
    services.lab_result_record(order=order, results=[{"test_item": "lead", "value": "0.8"}], actor=task.assigned_to)
    result = LabResult.objects.get(order=order)
    assert (result.passed, result.limit, result.limit_max, result.unit) == (False, limit, limit.limit_max, "mg/kg")
    with pytest.raises(ValidationError):
        services.inspection_conclude(task=task, conclusion="conform", actor=task.assigned_to)


def test_a_typed_limit_does_not_override_the_table(administrator, lead, declaration, officers, create_task):
    _limit(administrator, lead)
    task, order = _ordered(declaration, officers, create_task)
    services.lab_result_record(order=order, results=[{"test_item": "lead", "value": "0.8", "limit_max": "5"}],
                               actor=task.assigned_to)
    assert not LabResult.objects.get(order=order).passed


def test_a_result_in_another_unit_is_refused(administrator, lead, declaration, officers, create_task):
    _limit(administrator, lead)
    task, order = _ordered(declaration, officers, create_task)
    with pytest.raises(ValidationError) as caught:
        services.lab_result_record(order=order, results=[{"test_item": "lead", "value": "800", "unit": "µg/kg"}],
                                   actor=task.assigned_to)
    assert "results" in caught.value.message_dict
    assert not LabResult.objects.exists()


def test_the_task_page_shows_the_limit_and_the_order_form_offers_the_items(
        client, administrator, lead, declaration, officers, create_task):
    _limit(administrator, lead)
    task, order = _ordered(declaration, officers, create_task)
    client.force_login(task.assigned_to)
    page = client.get(reverse("inspection:task", args=[task.pk]))
    assert b'name="min_lead"' not in page.content
    assert b'value="lead"' in page.content  # the lab order form's choice
    response = client.post(reverse("inspection:lab_results", args=[task.pk, order.pk]), {"value_lead": "0.1",
                                                                                        "unit_lead": "mg/kg"})
    assert response.status_code == 302
    assert LabResult.objects.get(order=order).passed


def test_the_item_page_adds_a_version_and_shows_the_wrong_unit_on_its_field(client, administrator, lead):
    client.force_login(administrator)
    response = client.post(reverse("inspection:test_limit_add", args=[lead.pk]), {
        "category": "aquatic", "limit_max": "0.5", "unit": "ppm", "valid_from": TODAY().isoformat()})
    assert response.status_code == 200
    assert response.context["limit_form"].errors["unit"]
    response = client.post(reverse("inspection:test_limit_add", args=[lead.pk]), {
        "category": "aquatic", "limit_max": "0.5", "unit": "mg/kg", "valid_from": TODAY().isoformat()})
    assert response.status_code == 302
    assert b"test_item.create" in client.get(reverse("inspection:test_item", args=[lead.pk])).content


def test_the_api_refuses_a_limit_in_the_wrong_unit(api_as, administrator, lead):
    response = api_as(administrator).post("/api/v1/test-limits/", {
        "item": "lead", "category": "aquatic", "limit_max": "0.5", "unit": "ppm", "valid_from": str(TODAY())},
        format="json")
    assert response.status_code == 400
    assert "unit" in response.content.decode()


@pytest.mark.parametrize("url", ["/inspection/test-items/", "/inspection/limits/", "/inspection/limits/import/",
                                 "/inspection/test-items/new/"])
def test_a_declarant_is_refused_the_pages(client, declarant_a, url):
    client.force_login(declarant_a)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/api/v1/test-items/", "/api/v1/test-limits/"])
def test_a_declarant_is_refused_the_api(api_as, declarant_a, url):
    assert api_as(declarant_a).get(url).status_code == 403
    assert api_as(declarant_a).post(url, {}, format="json").status_code == 403
