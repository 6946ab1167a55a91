"""A task the dispatch assigned to an officer is theirs to work on at once: no separate claim, and the page says
when the inspection started."""

import pytest

from inspection import services
from inspection.choices import TaskStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(declaration, officers, create_task):
    task = create_task(declaration)
    assert task.status == TaskStatus.ASSIGNED and task.assigned_to is not None
    return task


def test_the_assigned_officer_records_without_claiming_first(client, assigned):
    client.force_login(assigned.assigned_to)
    page = client.get(f"/inspection/tasks/{assigned.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'action="/inspection/tasks/{assigned.pk}/claim/"' not in page
    assert f'action="/inspection/tasks/{assigned.pk}/findings/"' in page
    assert "Claim the task to record the inspection" not in page
    response = client.post(f"/inspection/tasks/{assigned.pk}/findings/", {"findings": "Cartons intact"},
                           HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assigned.refresh_from_db()
    assert assigned.status == TaskStatus.CLAIMED and assigned.findings == "Cartons intact"
    assert assigned.declaration.status == "under_inspection"
    shown = [str(m) for m in response.context["messages"]]
    assert "Inspection started: the task is now claimed by you." in shown


def test_the_first_entry_of_the_assignee_claims_the_task_in_the_service(assigned):
    services.inspection_findings_save(task=assigned, findings="Seen", actor=assigned.assigned_to)
    assigned.refresh_from_db()
    assert assigned.status == TaskStatus.CLAIMED and assigned.claimed_at is not None


def test_another_officer_still_cannot_record_on_an_assigned_task(assigned, officers):
    from django.core.exceptions import ValidationError

    other = next(p.user for p in officers if p.user_id != assigned.assigned_to_id)
    with pytest.raises(ValidationError):
        services.inspection_findings_save(task=assigned, findings="Seen", actor=other)
    assigned.refresh_from_db()
    assert assigned.status == TaskStatus.ASSIGNED


def test_a_claim_from_the_pool_is_confirmed(client, assigned):
    officer = assigned.assigned_to
    services.inspection_task_release(task=assigned, actor=officer, reason="Shift over")
    client.force_login(officer)
    response = client.post(f"/inspection/tasks/{assigned.pk}/claim/", HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "Task claimed: record the inspection below." in [str(m) for m in response.context["messages"]]
