"""Logistics events pushed by the port and agencies: idempotent by their id, validated, ordered, on the timeline."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from ciq_portal.models import AgencyScope, AuditEntry
from declarations.models import Declaration, DeclarationEvent, LogisticsEvent
from tests.ciq_portal.factories import make_agency, make_client, make_key
from tests.factories import DeclarationFactory

pytestmark = pytest.mark.django_db
CONTAINER = "MSCU1234566"
OTHER_CONTAINER = "TGHU7654320"
URL = "/api/v1/logistics-events/"


@pytest.fixture(autouse=True)
def _cache():
    cache.clear()


@pytest.fixture
def declaration(enterprise_a):
    return DeclarationFactory(enterprise=enterprise_a, status="submitted", submitted_at=timezone.now(),
                              containers=[CONTAINER], bill_of_lading="COSU6301234567")


@pytest.fixture
def port(roles):
    agency = make_agency("port", "port_operator", scopes=[AgencyScope.RELEASE_STATUS_READ, AgencyScope.LOGISTICS_PUSH])
    _, _, raw = make_key(make_client(agency, username="port-edi",
                                     scopes=[AgencyScope.RELEASE_STATUS_READ, AgencyScope.LOGISTICS_PUSH]))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def at(hours_ago: float) -> str:
    return (timezone.now() - timedelta(hours=hours_ago)).isoformat()


def body(external_id="NBPORT-1", kind="vessel_berthed", container=CONTAINER, occurred_at=None, **extra):
    return {"external_id": external_id, "kind": kind, "container_no": container,
            "occurred_at": occurred_at or at(10), **extra}


def test_push_builds_the_timeline_and_the_arrival_time(port, declaration):
    response = port.post(URL, body(location="Berth 7"), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["declarations"] == [declaration.number] and response.json()["source"] == "port"
    declaration.refresh_from_db()
    event = LogisticsEvent.objects.get()
    assert declaration.arrived_at == event.occurred_at
    timeline = DeclarationEvent.objects.get(declaration=declaration, kind="logistics_vessel_berthed")
    assert timeline.visible_to_declarant and "Berth 7" in timeline.message
    assert AuditEntry.objects.filter(action="logistics_event.push").exists()
    assert AuditEntry.objects.filter(action="declaration.arrive", object_id=str(declaration.pk)).exists()


def test_push_is_idempotent_by_the_senders_event_id(port, declaration):
    payload = body()
    first = port.post(URL, payload, format="json")
    again = port.post(URL, payload, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert LogisticsEvent.objects.count() == 1
    assert DeclarationEvent.objects.filter(kind="logistics_vessel_berthed").count() == 1
    conflict = port.post(URL, body(kind="container_discharged", occurred_at=at(9)), format="json")
    assert conflict.status_code == 400 and "external_id" in conflict.json()["errors"]


def test_the_same_id_from_another_agency_is_another_event(port, declaration):
    customs = make_client(make_agency("customs"), username="customs-edi")
    _, _, raw = make_key(customs)
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert port.post(URL, body(), format="json").status_code == 201
    assert other.post(URL, body(kind="container_discharged", occurred_at=at(9)), format="json").status_code == 201
    assert LogisticsEvent.objects.count() == 2


def test_out_of_order_events_are_refused_naming_the_field(port, declaration):
    assert port.post(URL, body("E1", "container_discharged", occurred_at=at(8)), format="json").status_code == 201
    # A berthing after the discharge of the same container is out of order.
    refused = port.post(URL, body("E2", "vessel_berthed", occurred_at=at(7)), format="json",
                        HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    message = refused.json()["errors"]["occurred_at"][0]
    assert "Out of order" in message and "Container discharged" in message and "E1" in message
    # ...and a gate-out before the discharge too.
    refused = port.post(URL, body("E3", "site_gate_out", occurred_at=at(9)), format="json")
    assert refused.status_code == 400 and "occurred_at" in refused.json()["errors"]
    # In order: accepted, and nothing half-written stayed behind from the refusals.
    assert port.post(URL, body("E4", "vessel_berthed", occurred_at=at(9)), format="json").status_code == 201
    assert port.post(URL, body("E5", "port_release", occurred_at=at(1)), format="json").status_code == 201
    assert sorted(LogisticsEvent.objects.values_list("external_id", flat=True)) == ["E1", "E4", "E5"]
    declaration.refresh_from_db()
    assert declaration.arrived_at == LogisticsEvent.objects.get(external_id="E4").occurred_at


@pytest.mark.parametrize("payload, field", [
    (body(container=OTHER_CONTAINER), "container_no"),  # on no declaration
    (body(container="MSCU1234567"), "container_no"),  # bad check digit
    (body(kind="teleported"), "kind"),
    (body(occurred_at=(timezone.now() + timedelta(days=1)).isoformat()), "occurred_at"),
    (body(occurred_at="yesterday"), "occurred_at"),
    (body(external_id=""), "external_id"),
    (body(bill_of_lading="NOPE"), "bill_of_lading"),
])
def test_invalid_events_are_refused_naming_the_field(port, declaration, payload, field):
    response = port.post(URL, payload, format="json")
    assert response.status_code == 400 and field in response.json()["errors"], response.content
    assert not LogisticsEvent.objects.exists()


def test_draft_and_withdrawn_declarations_do_not_take_events(port, enterprise_a):
    DeclarationFactory(enterprise=enterprise_a, containers=[CONTAINER])  # a draft
    DeclarationFactory(enterprise=enterprise_a, status="withdrawn", submitted_at=timezone.now(),
                       containers=[CONTAINER])
    response = port.post(URL, body(), format="json")
    assert response.status_code == 400 and "container_no" in response.json()["errors"]


def test_one_container_on_two_declarations(port, declaration, enterprise_b):
    second = DeclarationFactory(enterprise=enterprise_b, status="awaiting_inspection", submitted_at=timezone.now(),
                                containers=[OTHER_CONTAINER, CONTAINER])
    response = port.post(URL, body(), format="json")
    assert sorted(response.json()["declarations"]) == sorted([declaration.number, second.number])
    assert DeclarationEvent.objects.filter(kind="logistics_vessel_berthed").count() == 2


# --- scopes and who sees what ----------------------------------------------------------------------------------


def test_pushing_needs_the_logistics_scope(roles, declaration):
    agency = make_agency("msa", "maritime", scopes=[AgencyScope.RELEASE_STATUS_READ, AgencyScope.LOGISTICS_PUSH])
    _, _, raw = make_key(make_client(agency, username="msa-read", scopes=[AgencyScope.RELEASE_STATUS_READ]))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    for response in (client.post(URL, body(), format="json"), client.get(URL)):
        assert response.status_code == 403
        assert response.json()["code"] == "missing_scope" and "logistics:push" in response.json()["detail"]


def test_who_may_push_and_read(api_as, port, declaration, declarant_a, declarant_b, officer, agency_user):
    assert api_as(declarant_a).post(URL, body(), format="json").status_code == 403
    assert api_as(agency_user).post(URL, body(), format="json").status_code == 403  # unlinked: read scopes only
    assert api_as(officer).post(URL, body("OFF-1"), format="json").status_code == 201  # bureau staff may record
    assert port.post(URL, body("P-1", "container_discharged", occurred_at=at(9)), format="json").status_code == 201
    assert [e["external_id"] for e in port.get(URL).json()["results"]] == ["P-1"]  # its own only
    assert len(api_as(officer).get(URL).json()["results"]) == 2
    assert len(api_as(declarant_a).get(URL).json()["results"]) == 2  # the events of its declaration
    assert api_as(declarant_b).get(URL).json()["results"] == []
    pk = LogisticsEvent.objects.get(external_id="P-1").pk
    assert api_as(declarant_b).get(f"{URL}{pk}/").status_code == 404
    filtered = api_as(officer).get(URL, {"container_no": CONTAINER, "kind": "container_discharged"}).json()
    assert [e["external_id"] for e in filtered["results"]] == ["P-1"]


def test_logistics_event_notifies_subscribers(port, declaration, declarant_a, django_capture_on_commit_callbacks):
    from ciq_portal.models import EventType, Notification, OutboxEvent

    with django_capture_on_commit_callbacks(execute=True):
        port.post(URL, body(), format="json")
    event = OutboxEvent.objects.get(event_type=EventType.LOGISTICS)
    assert event.enterprise_id == declaration.enterprise_id
    assert event.payload["declaration_number"] == declaration.number
    assert Notification.objects.filter(user=declarant_a, event=event).exists()


def test_arrival_time_is_the_earliest_arrival_step(port, declaration):
    port.post(URL, body("A1", "container_discharged", occurred_at=at(5)), format="json")
    port.post(URL, body("A2", "vessel_berthed", occurred_at=at(6)), format="json")
    declaration.refresh_from_db()
    assert declaration.arrived_at == LogisticsEvent.objects.get(external_id="A2").occurred_at
    assert Declaration.objects.filter(arrived_at__isnull=False).count() == 1


def test_a_step_pushed_late_takes_its_place_on_the_timeline(port, declaration, api_as, declarant_a, client):
    """Timelines are in the order things happened, not the order the portal heard of them."""
    from declarations.services.timeline import declaration_event_add

    declaration_event_add(declaration=declaration, kind="submitted", occurred_at=timezone.now() - timedelta(hours=12))
    port.post(URL, body("G1", "site_gate_in", occurred_at=at(2)), format="json")
    port.post(URL, body("D1", "container_discharged", occurred_at=at(5)), format="json")
    port.post(URL, body("B1", "vessel_berthed", occurred_at=at(6)), format="json")  # reported last, happened first
    expected = ["submitted", "logistics_vessel_berthed", "logistics_container_discharged", "logistics_site_gate_in"]

    events = api_as(declarant_a).get(f"/api/v1/declarations/{declaration.pk}/events/").json()
    assert [event["kind"] for event in events] == expected
    berthed = next(event for event in events if event["kind"] == "logistics_vessel_berthed")
    assert berthed["occurred_at"] == LogisticsEvent.objects.get(external_id="B1").occurred_at.astimezone(
        timezone.get_current_timezone()).isoformat()
    assert berthed["created_at"] > berthed["occurred_at"]
    client.force_login(declarant_a)
    page = client.get(f"/declarations/{declaration.pk}/").content.decode()
    timeline = page[page.index('<ol class="timeline">'):]
    times = re.findall(r'<time datetime="([^"]+)"', timeline[:timeline.index("</ol>")])
    assert times == [event["occurred_at"] for event in events] and times == sorted(times)


def test_time_filters_take_any_iso_offset(api_as, officer, db):
    # +20:55 is valid ISO 8601 but beyond what PostgreSQL accepts; the filter compares in UTC.
    response = api_as(officer).get("/api/v1/logistics-events/",
                                   {"occurred_from": "2026-04-13T12:50:00+20:55",
                                    "occurred_to": "2026-06-07T00:00:00Z"})
    assert response.status_code == 200
