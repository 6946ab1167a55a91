"""Scheduled inspections reach the declarant and subscribed agencies; dispatched tasks reach their inspector."""

import pytest

from ciq_portal.models import EventType, Notification, OutboxEvent

pytestmark = pytest.mark.django_db


def test_a_scheduled_inspection_is_published_without_its_reason(declaration, officers, create_task, declarant_a):
    task = create_task(declaration, reason="risk")
    event = OutboxEvent.objects.get(event_type=EventType.INSPECTION_SCHEDULED)
    assert event.payload["number"] == declaration.number and event.payload["task"] == task.pk
    assert "reason" not in event.payload and "risk" not in str(event.payload)
    assert Notification.objects.filter(user=declarant_a, event=event).exists()
    # The inspector the draw chose hears of the task in the portal.
    inspector_note = Notification.objects.get(user_id=task.assigned_to_id)
    assert inspector_note.event_type == EventType.INSPECTION_SCHEDULED
    assert inspector_note.link == f"/inspection/tasks/{task.pk}/"
