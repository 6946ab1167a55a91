"""Inspection sites: registered and changed by administrators, closed for a period with their open tasks re-routed,
and dangerous goods routed by the UN number and class their lines declare."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ciq_portal.models import AuditEntry
from ciq_portal.roles import Role
from inspection import services
from inspection.models import InspectionSite, SiteClosure
from tests.factories import UserFactory

from .factories import InspectionSiteFactory

TODAY = timezone.localdate


@pytest.fixture
def administrator(roles):
    return UserFactory(username="admin1", role=Role.ADMINISTRATOR)


def _site(administrator, **overrides):
    data = dict(code="NGB-X", name="新站", kind="general", port="NGB", capacity_per_day=20)
    data.update(overrides)
    return services.site_create(actor=administrator, **data)


def test_an_administrator_registers_a_site_with_capabilities_and_hours(administrator):
    site = _site(administrator, capabilities=["cold_chain", "dangerous_goods"], dg_classes=["3", "8"],
                 opens_at=datetime.time(8), closes_at=datetime.time(18))
    assert site.abilities == {"general", "cold_chain", "dangerous_goods"}
    assert AuditEntry.objects.filter(action="inspection_site.create", object_id=str(site.pk)).exists()


@pytest.mark.parametrize(("overrides", "field"), [
    (dict(capacity_per_day=0), "capacity_per_day"),
    (dict(capabilities=["teleport"]), "capabilities"),
    (dict(dg_classes=["3"]), "dg_classes"),  # classes without the dangerous-goods capability
    (dict(opens_at=datetime.time(18), closes_at=datetime.time(8)), "closes_at"),
    (dict(opens_at=datetime.time(8)), "closes_at"),
])
def test_bad_site_input_is_refused_on_its_field(administrator, overrides, field):
    with pytest.raises(ValidationError) as caught:
        _site(administrator, **overrides)
    assert field in caught.value.message_dict


def test_a_site_code_is_unique(administrator):
    _site(administrator)
    with pytest.raises(ValidationError) as caught:
        _site(administrator, code="ngb-x")
    assert "code" in caught.value.message_dict


def test_only_an_administrator_registers_a_site(supervisor):
    with pytest.raises(PermissionDenied):
        _site(supervisor)


def test_a_cold_chain_capable_general_site_takes_frozen_goods(administrator):
    site = _site(administrator, capabilities=["cold_chain"])
    assert services.site_route(category="aquatic", port="NGB", day=TODAY()) == site


def test_dangerous_goods_route_by_their_declared_class(administrator, make_declaration, create_task):
    _site(administrator, code="NGB-G")
    _site(administrator, code="NGB-DG3", kind="dangerous_goods", dg_classes=["3"])
    class8 = _site(administrator, code="NGB-DG8", kind="dangerous_goods", dg_classes=["8"])
    declaration = make_declaration()
    declaration.lines.update(un_number="UN1789", dg_class="8")  # HS code of shrimps: the UN number decides
    task = create_task(declaration)
    assert (task.category, task.site) == ("dangerous_goods", class8)


def test_a_declaration_without_un_number_routes_by_its_hs_category(cold_site, general_site, make_declaration,
                                                                   create_task):
    assert create_task(make_declaration()).site == cold_site


def test_closing_a_site_reroutes_its_open_tasks(administrator, cold_site, make_declaration, create_task):
    tasks = [create_task(make_declaration()) for _n in range(2)]
    assert {task.site for task in tasks} == {cold_site}
    other = InspectionSiteFactory(code="NGB-CC2", kind="general", capabilities=["cold_chain"])
    closure = services.site_close(site=cold_site, actor=administrator, first_day=TODAY(),
                                  last_day=TODAY() + datetime.timedelta(days=3), reason="冷库检修")
    assert closure.rerouted == 2
    for task in tasks:
        task.refresh_from_db()
        assert task.site == other
    assert AuditEntry.objects.filter(action="inspection_task.reroute").count() == 2
    assert tasks[0].declaration.events.filter(kind="inspection_rerouted").exists()
    # And nothing new goes to the closed site in the period.
    assert create_task(make_declaration()).site == other


def test_an_assigned_task_whose_officer_does_not_work_at_the_new_site_goes_back_to_the_pool(
        administrator, cold_site, officers, make_declaration, create_task):
    task = create_task(make_declaration())
    assert (task.site, task.status) == (cold_site, "assigned")
    InspectionSiteFactory(code="NGB-CC2", kind="cold_chain")
    services.site_close(site=cold_site, actor=administrator, first_day=TODAY(), last_day=TODAY(), reason="检修")
    task.refresh_from_db()
    assert (task.site.code, task.status, task.assigned_to) == ("NGB-CC2", "queued", None)
    assert task.notes.filter(kind="release").exists()


def test_a_claimed_task_keeps_its_officer_when_rerouted(administrator, cold_site, general_site, officers,
                                                        make_declaration, create_task):
    task = create_task(make_declaration())
    services.inspection_task_claim(task=task, actor=task.assigned_to)
    general_site.capabilities = ["cold_chain"]
    general_site.save()
    services.site_close(site=cold_site, actor=administrator, first_day=TODAY(), last_day=TODAY(), reason="检修")
    task.refresh_from_db()
    assert (task.site, task.status) == (general_site, "claimed")


def test_a_closure_no_other_site_can_absorb_is_refused_and_writes_nothing(administrator, cold_site,
                                                                          make_declaration, create_task):
    task = create_task(make_declaration())
    with pytest.raises(ValidationError) as caught:
        services.site_close(site=cold_site, actor=administrator, first_day=TODAY(), last_day=TODAY(), reason="x")
    assert "site" in caught.value.message_dict
    task.refresh_from_db()
    assert task.site == cold_site
    assert not SiteClosure.objects.exists()


@pytest.mark.parametrize(("first", "last", "reason", "field"), [
    (0, -1, "x", "last_day"), (-5, -2, "x", "last_day"), (0, 1, "", "reason")])
def test_bad_closure_input_is_refused_on_its_field(administrator, cold_site, first, last, reason, field):
    with pytest.raises(ValidationError) as caught:
        services.site_close(site=cold_site, actor=administrator, first_day=TODAY() + datetime.timedelta(days=first),
                            last_day=TODAY() + datetime.timedelta(days=last), reason=reason)
    assert field in caught.value.message_dict


def test_a_site_with_open_tasks_is_not_deactivated(administrator, cold_site, make_declaration, create_task):
    create_task(make_declaration())
    with pytest.raises(ValidationError) as caught:
        services.site_update(site=cold_site, actor=administrator, active=False)
    assert "active" in caught.value.message_dict


def test_the_site_pages_create_edit_and_close(client, administrator, cold_site):
    client.force_login(administrator)
    response = client.post(reverse("inspection:site_create"), {
        "code": "NGB-N", "name": "北仑新站", "kind": "general", "port": "NGB", "capacity_per_day": "30",
        "capabilities": ["cold_chain"], "opens_at": "08:00", "closes_at": "17:30", "active": "on"})
    site = InspectionSite.objects.get(code="NGB-N")
    assert response.status_code == 302
    assert site.capabilities == ["cold_chain"]
    page = client.get(reverse("inspection:site", args=[site.pk]))
    assert b"inspection_site.create" in page.content
    response = client.post(reverse("inspection:site_close", args=[cold_site.pk]), {
        "first_day": TODAY().isoformat(), "last_day": TODAY().isoformat(), "reason": "停电"})
    assert response.status_code == 302
    assert cold_site.closures.exists()
    listing = client.get(reverse("inspection:sites"), {"capability": "cold_chain"})
    assert [s.code for s in listing.context["sites"]] == ["NGB-CC", "NGB-N"]


def test_the_site_form_shows_the_error_on_its_field(client, administrator):
    client.force_login(administrator)
    response = client.post(reverse("inspection:site_create"), {
        "code": "NGB-N", "name": "站", "kind": "general", "port": "NGB", "capacity_per_day": "0"})
    assert response.context["form"].errors["capacity_per_day"]


def test_the_api_registers_and_closes_sites(api_as, administrator, supervisor):
    response = api_as(administrator).post("/api/v1/inspection-sites/", {
        "code": "NGB-API", "name": "接口站", "kind": "dangerous_goods", "port": "NGB", "capacity_per_day": 10,
        "dg_classes": ["3"]}, format="json")
    assert response.status_code == 201, response.content
    site_id = response.json()["id"]
    response = api_as(supervisor).post(f"/api/v1/inspection-sites/{site_id}/close/", {
        "first_day": TODAY().isoformat(), "last_day": TODAY().isoformat(), "reason": "演练"}, format="json")
    assert response.status_code == 201, response.content
    assert api_as(supervisor).patch(f"/api/v1/inspection-sites/{site_id}/", {"capacity_per_day": 5},
                                    format="json").status_code == 403


def test_a_declarant_is_refused_sites(client, api_as, declarant_a, cold_site):
    client.force_login(declarant_a)
    assert client.get(reverse("inspection:sites")).status_code == 403
    assert client.get(reverse("inspection:site", args=[cold_site.pk])).status_code == 403
    assert client.post(reverse("inspection:site_close", args=[cold_site.pk]), {}).status_code == 403
    assert api_as(declarant_a).get("/api/v1/inspection-sites/").status_code == 403
    assert api_as(declarant_a).post(f"/api/v1/inspection-sites/{cold_site.pk}/close/", {},
                                    format="json").status_code == 403
