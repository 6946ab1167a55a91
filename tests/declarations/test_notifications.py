"""The lifecycle moves of declarations reach subscribers and declarants (ciq_portal.notifications)."""

import pytest
from django.utils import timezone

from ciq_portal.models import EventType, Notification, OutboxEvent
from declarations import services
from tests.factories import DeclarationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(enterprise_a):
    return DeclarationFactory(enterprise=enterprise_a, status="submitted", submitted_at=timezone.now(),
                              release_mode="declare")


def test_release_publishes_the_status_change_to_subscribers_only(submitted, declarant_a, officer):
    services.declaration_release(declaration=submitted, actor=officer, release_mode="declare")
    event = OutboxEvent.objects.get()
    assert event.event_type == EventType.STATUS_CHANGED and event.payload["status"] == "released"
    assert event.payload["number"] == submitted.number and event.enterprise_id == submitted.enterprise_id
    # declaration.released and its in-app notification come from release.services, with the release order.
    assert not Notification.objects.filter(user=declarant_a).exists()


def test_a_status_change_reaches_the_declarants(submitted, declarant_a, officer):
    services.declaration_hold(declaration=submitted, actor=officer, message="Awaiting the lab")
    note = Notification.objects.get(user=declarant_a)
    assert note.event_type == EventType.STATUS_CHANGED and note.message == "Awaiting the lab"


def test_documents_requested(submitted, declarant_a, officer):
    services.declaration_request_documents(declaration=submitted, actor=officer, message="Upload the invoice",
                                           kinds=["invoice"])
    event = OutboxEvent.objects.get(event_type=EventType.DOCUMENTS_REQUESTED)
    assert event.payload["kinds"] == ["invoice"] and event.payload["message"] == "Upload the invoice"
    assert Notification.objects.get(user=declarant_a).message == "Upload the invoice"


def test_hidden_messages_stay_hidden(submitted, declarant_a, officer):
    services.declaration_hold(declaration=submitted, actor=officer, message="Risk rule R-17 matched",
                              visible_to_declarant=False)
    event = OutboxEvent.objects.get(event_type=EventType.STATUS_CHANGED)
    assert "R-17" not in str(event.payload)
    assert "R-17" not in Notification.objects.get(user=declarant_a).message


def test_the_actor_is_not_notified_of_their_own_move(enterprise_a, declarant_a):
    draft = DeclarationFactory(enterprise=enterprise_a, status="submitted", submitted_at=timezone.now())
    services.declaration_withdraw(declaration=draft, actor=declarant_a)
    assert OutboxEvent.objects.filter(event_type=EventType.STATUS_CHANGED).exists()
    assert not Notification.objects.filter(user=declarant_a).exists()
