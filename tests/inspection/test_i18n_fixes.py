"""A task's hand-overs are named in the reader's language, not by their stored key."""

import pytest

from inspection import services
from inspection.models import TaskNote, TaskNoteKind

pytestmark = pytest.mark.django_db


def test_hand_overs_show_their_kind_translated(client, declaration, officers, create_task, supervisor):
    task = create_task(declaration)
    holder = task.assigned_to
    other = next(p.user for p in officers if p.user_id != holder.pk)
    task = services.inspection_task_claim(task=task, actor=holder)
    task = services.inspection_task_release(task=task, actor=holder, reason="shift over")
    services.inspection_task_reassign(task=task, officer=other, reason="cover", actor=supervisor)
    assert set(TaskNote.objects.filter(task=task).values_list("kind", flat=True)) <= set(TaskNoteKind.values)
    client.force_login(supervisor)
    html = client.get(f"/inspection/tasks/{task.pk}/").content.decode()
    assert "退回任务池" in html and "已改派" in html
    assert " release · " not in html and " reassign · " not in html
    english = client.get(f"/inspection/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Released back to the pool" in english and "Reassigned" in english
