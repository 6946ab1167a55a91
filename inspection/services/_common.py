"""Helpers the inspection services share: row locks, the task's audit snapshot, the declaration's timeline."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.numbers import model_decimal
from ciq_portal.roles import Role, has_role
from declarations.choices import DeclarationStatus
from declarations.services import declaration_event_add, declaration_start_inspection

from .. import duty
from ..choices import TaskStatus
from ..models import ConflictOfInterest, InspectionTask, OfficerProfile


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


def _check_may_inspect(task, officer_id: int, *, field: str, on_duty_until: datetime | None = None):
    """Refuse an officer with a declared conflict with the enterprise or without the qualification; with
    ``on_duty_until``, also one the roster does not have on duty at the task's site between now and then (not on
    leave), or now when the time is past."""
    profile = OfficerProfile.objects.filter(user_id=officer_id).first()
    if profile is None:
        raise ValidationError({field: [_("This user has no officer profile.")]})
    if not profile.active:
        raise ValidationError({field: [_("This officer is deactivated.")]})
    if ConflictOfInterest.objects.filter(officer=profile, enterprise_id=task.enterprise_id).exists():
        raise ValidationError({field: [_("This officer has declared a conflict of interest with the enterprise.")]})
    if task.category and task.category not in (profile.categories or []):
        raise ValidationError({field: [_("This officer is not qualified for %(c)s goods.") % {"c": task.category}]})
    if task.site_id and not profile.sites.filter(pk=task.site_id).exists():
        raise ValidationError({field: [_("This officer is not qualified for the site.")]})
    if on_duty_until is not None and not duty.on_duty_at_site(profile.pk, task.site_id, timezone.now(),
                                                              on_duty_until):
        raise ValidationError({field: [_("The roster does not have this officer on duty at the site (or the "
                                         "officer is on leave).")]})


def _start_declaration_inspection(task, actor):
    if task.declaration.status == DeclarationStatus.AWAITING_INSPECTION:
        declaration_start_inspection(declaration=task.declaration, actor=actor)


def _claim_locked(locked, actor) -> InspectionTask:
    """``actor`` takes the locked task (a claim's checks passed): audited, and the declaration's inspection starts."""
    # A task from the pool is taken only by an officer on duty at its site; one's own assigned task at any time.
    _check_may_inspect(locked, actor.pk, field="task",
                       on_duty_until=timezone.now() if locked.status == TaskStatus.QUEUED else None)
    before = _task_snapshot(locked)
    locked.status, locked.assigned_to, locked.claimed_at = TaskStatus.CLAIMED, actor, timezone.now()
    locked.assigned_at = locked.assigned_at or locked.claimed_at
    locked.save(update_fields=["status", "assigned_to", "claimed_at", "assigned_at"])
    audit_record(actor=actor, action="inspection_task.claim", obj=locked, enterprise_id=locked.enterprise_id,
                 before=before, after=_task_snapshot(locked))
    _start_declaration_inspection(locked, actor)
    return locked


def _lock_for_record(task, actor) -> InspectionTask:
    """The task locked for ``actor`` to record on. A task assigned to them needs no separate claim: their first
    entry claims it."""
    locked = _lock_task(task)
    if locked.status == TaskStatus.ASSIGNED and locked.assigned_to_id == actor.pk:
        locked = _claim_locked(locked, actor)
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
