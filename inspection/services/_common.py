"""Helpers the inspection services share: row locks, the task's audit snapshot, the declaration's timeline."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from ciq_portal.numbers import model_decimal
from ciq_portal.roles import Role, has_role
from declarations.services import declaration_event_add

from ..choices import TaskStatus
from ..models import InspectionTask


def _skip_locked(queryset):
    """Row locks that skip rows another transaction holds (PostgreSQL); SQLite serialises writers anyway."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset.select_for_update()


def _event(*, declaration, kind, actor=None, message="", data=None, visible_to_declarant=True):
    return declaration_event_add(declaration=declaration, kind=kind, actor=actor, message=message, data=data or {},
                                 visible_to_declarant=visible_to_declarant)


def _task_snapshot(task: InspectionTask) -> dict:
    return {"status": task.status, "assigned_to": task.assigned_to_id, "site": task.site_id,
            "priority": task.priority, "conclusion": task.conclusion, "disposition": task.disposition}


def _is_supervisor(actor) -> bool:
    return has_role(actor, Role.SUPERVISOR, Role.ADMINISTRATOR)


def _lock_task(task) -> InspectionTask:
    return InspectionTask.objects.select_for_update().get(pk=task.pk)


def _lock_for_record(task, actor) -> InspectionTask:
    locked = _lock_task(task)
    if locked.status != TaskStatus.CLAIMED:
        raise ValidationError({"task": [_("Claim the task before recording the inspection.")]})
    if locked.assigned_to_id != actor.pk and not _is_supervisor(actor):
        raise ValidationError({"task": [_("Another officer holds this task.")]})
    return locked


def _decimal(value, field, model, column):
    """A number the client typed, for ``model.column``; a missing one is refused like a bad one."""
    number = model_decimal(value, model, column, error_field=field)
    if number is None:
        raise ValidationError({field: [_("Enter a number.")]})
    return number
