"""Laboratories: registered and edited by administrators (an expired accreditation refused), suspended and
reinstated by supervisors, re-tests recorded by officers, and the automatic suspension past the bureau's rule."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from ciq_portal.models import AuditEntry
from ciq_portal.roles import Role
from inspection import services
from inspection.models import Lab, LabComparison, LabPolicy
from tests.factories import UserFactory

from .factories import LabFactory

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


@pytest.fixture
def administrator(roles):
    return UserFactory(username="admin1", role=Role.ADMINISTRATOR)


def _register(administrator, **overrides):
    data = dict(name="华测检测", name_en="CTI", accreditation_no="CNAS L9999", valid_from=TODAY() - 300 * DAY,
                valid_until=TODAY() + 300 * DAY, scope_categories=["aquatic"], scope_test_items=["lead"])
    data.update(overrides)
    return services.lab_register(actor=administrator, **data)


def _report(declaration, lab, number="R-1", value="0.10", issued_on=None):
    return services.test_report_submit(declaration=declaration, lab_accreditation_no=lab.accreditation_no,
                                       report_no=number, issued_on=issued_on or TODAY(), hs_codes=["0306"],
                                       results=[{"test_item": "lead", "value": value}], actor=None)


def test_an_administrator_registers_a_lab_audited(administrator):
    lab = _register(administrator)
    assert AuditEntry.objects.filter(action="lab.register", object_id=str(lab.pk)).exists()


def test_registering_an_expired_accreditation_is_refused(administrator):
    with pytest.raises(ValidationError) as caught:
        _register(administrator, valid_until=TODAY() - DAY)
    assert "valid_until" in caught.value.message_dict
    assert not Lab.objects.exists()


@pytest.mark.parametrize(("overrides", "field"), [
    (dict(accreditation_no=""), "accreditation_no"),
    (dict(valid_from=TODAY() + 10 * DAY, valid_until=TODAY() + 5 * DAY), "valid_until"),
    (dict(scope_categories=["moon_rock"]), "scope_categories"),
    (dict(kind="secret"), "kind"),
])
def test_bad_lab_input_is_refused_on_its_field(administrator, overrides, field):
    with pytest.raises(ValidationError) as caught:
        _register(administrator, **overrides)
    assert field in caught.value.message_dict


def test_a_renewal_in_the_past_is_refused_too(administrator):
    lab = _register(administrator)
    with pytest.raises(ValidationError) as caught:
        services.lab_update(lab=lab, actor=administrator, valid_until=TODAY() - DAY)
    assert "valid_until" in caught.value.message_dict


def test_a_report_from_an_expired_accreditation_is_refused(declaration):
    lab = LabFactory(valid_from=TODAY() - 400 * DAY, valid_until=TODAY() - 10 * DAY)
    report = _report(declaration, lab, issued_on=TODAY() - 5 * DAY)
    assert not report.check_ok
    assert "lab_accreditation_expired" in [reason["code"] for reason in report.check_reasons]


def test_only_a_supervisor_suspends(officer, lab):
    with pytest.raises(PermissionDenied):
        services.lab_suspend(lab=lab, reason="x", actor=officer)


def test_a_supervisor_sets_the_rule_and_the_lab_is_suspended_past_it(declaration, lab, officer, supervisor):
    services.lab_policy_set(actor=supervisor, disagreement_limit=2, window_days=30, tolerance="0.05")
    report = _report(declaration, lab)
    services.lab_retest_compare(report=report, test_item="lead", bureau_value="0.30", actor=officer)
    lab.refresh_from_db()
    assert lab.status == "active"
    services.lab_retest_compare(report=report, test_item="lead", bureau_value="0.30", actor=officer)
    lab.refresh_from_db()
    assert lab.status == "suspended"
    change = lab.status_changes.get()
    assert change.automatic and "30" in change.reason


def test_the_policy_tolerance_decides_agreement(declaration, lab, officer, supervisor):
    services.lab_policy_set(actor=supervisor, disagreement_limit=3, window_days=365, tolerance="0.01")
    comparison = services.lab_retest_compare(report=_report(declaration, lab), test_item="lead",
                                             bureau_value="0.105", actor=officer)
    assert not comparison.agrees  # 5 % apart: agrees at the default 10 %, not at 1 %


@pytest.mark.parametrize(("limit", "days", "tolerance", "field"), [
    (0, 30, "0.1", "disagreement_limit"), (3, 0, "0.1", "window_days"), (3, 30, "2", "tolerance")])
def test_bad_rule_input_is_refused_on_its_field(supervisor, limit, days, tolerance, field):
    with pytest.raises(ValidationError) as caught:
        services.lab_policy_set(actor=supervisor, disagreement_limit=limit, window_days=days, tolerance=tolerance)
    assert field in caught.value.message_dict


def test_an_officer_may_not_set_the_rule(officer):
    with pytest.raises(PermissionDenied):
        services.lab_policy_set(actor=officer, disagreement_limit=2, window_days=30, tolerance="0.1")


def test_the_lab_pages_register_record_a_retest_and_say_why_it_was_suspended(
        client, administrator, declaration, officer, supervisor):
    client.force_login(administrator)
    response = client.post(reverse("inspection:lab_create"), {
        "name": "页面实验室", "kind": "third_party", "accreditation_no": "CNAS L7777",
        "valid_from": (TODAY() - 10 * DAY).isoformat(), "valid_until": (TODAY() + 300 * DAY).isoformat(),
        "scope_categories": ["aquatic"], "scope_test_items": "lead"})
    assert response.status_code == 302
    lab = Lab.objects.get(accreditation_no="CNAS L7777")
    services.lab_policy_set(actor=supervisor, disagreement_limit=1, window_days=30, tolerance="0.1")
    report = _report(declaration, lab)
    client.force_login(officer)
    response = client.post(reverse("inspection:lab_retest", args=[lab.pk]), {
        "report": report.pk, "test_item": "lead", "bureau_value": "0.5"})
    assert response.status_code == 302
    assert LabComparison.objects.filter(lab=lab, agrees=False).exists()
    page = client.get(reverse("inspection:lab", args=[lab.pk])).content.decode()
    lab.refresh_from_db()
    assert lab.status == "suspended"
    assert escape(lab.status_changes.get().reason) in page


def test_the_lab_form_shows_an_expired_accreditation_on_its_field(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("inspection:lab_create"), {
        "name": "过期", "kind": "third_party", "accreditation_no": "CNAS L6666",
        "valid_from": (TODAY() - 400 * DAY).isoformat(), "valid_until": (TODAY() - DAY).isoformat()})
    assert response.status_code == 200
    assert response.context["form"].errors["valid_until"]


def test_the_rule_page_is_for_supervisors(client, officer, supervisor):
    client.force_login(officer)
    data = {"disagreement_limit": "2", "window_days": "60", "tolerance": "0.1"}
    assert client.post(reverse("inspection:lab_policy"), data).status_code == 403
    client.force_login(supervisor)
    assert client.post(reverse("inspection:lab_policy"), data).status_code == 302
    assert LabPolicy.objects.get().window_days == 60


def test_the_api_registers_suspends_and_records_retests(api_as, administrator, supervisor, officer, declaration):
    response = api_as(administrator).post("/api/v1/labs/", {
        "name": "接口实验室", "kind": "third_party", "accreditation_no": "CNAS L5555",
        "valid_from": str(TODAY() - DAY), "valid_until": str(TODAY() + 100 * DAY), "scope_categories": ["aquatic"],
        "scope_test_items": ["lead"]}, format="json")
    assert response.status_code == 201, response.content
    lab = Lab.objects.get(pk=response.json()["id"])
    report = _report(declaration, lab)
    response = api_as(officer).post(f"/api/v1/labs/{lab.pk}/retests/", {
        "report": report.pk, "test_item": "lead", "bureau_value": "0.1"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["agrees"] is True
    assert api_as(officer).post(f"/api/v1/labs/{lab.pk}/suspend/", {"reason": "x"}, format="json").status_code == 403
    response = api_as(supervisor).post(f"/api/v1/labs/{lab.pk}/suspend/", {"reason": "审核不合格"}, format="json")
    assert response.json()["status"] == "suspended"
    assert api_as(supervisor).post("/api/v1/lab-policies/", {"disagreement_limit": 2, "window_days": 90,
                                                              "tolerance": "0.1"}, format="json").status_code == 201


def test_the_api_refuses_an_expired_accreditation(api_as, administrator):
    response = api_as(administrator).post("/api/v1/labs/", {
        "name": "过期", "kind": "third_party", "accreditation_no": "CNAS L4444",
        "valid_from": str(TODAY() - 100 * DAY), "valid_until": str(TODAY() - DAY)}, format="json")
    assert response.status_code == 400
    assert "valid_until" in response.content.decode()


def test_a_declarant_is_refused_the_lab_management(client, api_as, declarant_a, lab):
    client.force_login(declarant_a)
    for url in (reverse("inspection:labs"), reverse("inspection:lab_create"), reverse("inspection:lab", args=[lab.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("inspection:lab_retest", args=[lab.pk]), {}).status_code == 403
    api = api_as(declarant_a)
    assert api.post("/api/v1/labs/", {}, format="json").status_code == 403
    assert api.patch(f"/api/v1/labs/{lab.pk}/", {"name": "x"}, format="json").status_code == 403
    assert api.post(f"/api/v1/labs/{lab.pk}/suspend/", {"reason": "x"}, format="json").status_code == 403
    assert api.get(f"/api/v1/labs/{lab.pk}/retests/").status_code == 403
    assert api.get("/api/v1/lab-policies/").status_code == 403
