"""The officers' queue: claim, claim the next, release, reassign, and reminders of overdue tasks."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.messaging import MessageChannel, MessagePurpose, message_send

from .. import duty, transitions
from ..choices import TaskStatus
from ..models import InspectionTask, OfficerProfile, TaskNote
from ._common import (
    _check_may_inspect,
    _claim_locked,
    _is_supervisor,
    _lock_task,
    _skip_locked,
    _start_declaration_inspection,
    _task_snapshot,
)
from .dispatch import _queue_dispatch

REMINDER_INTERVAL = timedelta(hours=4)


def _note(task, kind, actor, reason="", from_officer=None, to_officer=None):
    TaskNote.objects.create(task=task, kind=kind, actor=actor, reason=reason, from_officer_id=from_officer,
                            to_officer_id=to_officer)


@transaction.atomic
def inspection_task_claim(*, task, actor) -> InspectionTask:
    """Take a task to work on it: a queued task by anyone qualified, an assigned one by its inspector."""
    locked = _skip_locked(InspectionTask.objects.filter(pk=task.pk)).first()
    if locked is None:
        raise ValidationError({"task": [_("Another officer is taking this task right now.")]})
    if locked.status == TaskStatus.CLAIMED and locked.assigned_to_id == actor.pk:
        return locked
    if not transitions.can_move("claim", locked.status):
        raise ValidationError({"task": [_("This task cannot be claimed: it is %(s)s.") % {
            "s": locked.get_status_display()}]})
    if locked.status == TaskStatus.ASSIGNED and locked.assigned_to_id != actor.pk:
        raise ValidationError({"task": [_("This task is assigned to another officer.")]})
    return _claim_locked(locked, actor)


@transaction.atomic
def inspection_task_claim_next(*, actor) -> InspectionTask | None:
    """Claim the most urgent, oldest task in the pool this officer may take (no declared conflict, qualified for
    its goods and site, on duty at the site now, as :func:`_check_may_inspect` asks of a claim); rows locked by
    another officer's claim are skipped, so concurrent officers never get the same task."""
    profile = OfficerProfile.objects.filter(user=actor, active=True).first()
    if profile is None:
        raise ValidationError({"task": [_("This user has no officer profile.")]})
    duties = duty.duties_at(timezone.now(), officer_ids=[profile.pk]).get(profile.pk, [])
    if not duties:
        raise ValidationError({"task": [_("The roster does not have you on duty now (or you are on leave).")]})
    duty_sites = {d.site_id for d in duties}
    sites = profile.sites.all()
    if duty.ANY_SITE not in duty_sites:
        sites = sites.filter(pk__in=duty_sites)
    pool = (InspectionTask.objects.filter(status=TaskStatus.QUEUED, assigned_to__isnull=True)
            .exclude(enterprise_id__in=profile.conflicts.values("enterprise_id"))
            .filter(Q(category="") | Q(category__in=profile.categories or []))
            .filter(Q(site__isnull=True) | Q(site__in=sites)))
    task = _skip_locked(pool.order_by("priority", "created_at", "id")).first()
    if task is None:
        return None
    before = _task_snapshot(task)
    task.status, task.assigned_to, task.claimed_at = TaskStatus.CLAIMED, actor, timezone.now()
    task.assigned_at = task.claimed_at
    task.save(update_fields=["status", "assigned_to", "claimed_at", "assigned_at"])
    audit_record(actor=actor, action="inspection_task.claim", obj=task, enterprise_id=task.enterprise_id,
                 before=before, after=_task_snapshot(task))
    _start_declaration_inspection(task, actor)
    return task


@transaction.atomic
def inspection_task_release(*, task, actor, reason: str = "") -> InspectionTask:
    """Give a task back to the pool (the holder, or a supervisor)."""
    locked = _lock_task(task)
    if not transitions.can_move("release", locked.status):
        raise ValidationError({"task": [_("Only an assigned or claimed task can be released.")]})
    if locked.assigned_to_id != actor.pk and not _is_supervisor(actor):
        raise ValidationError({"task": [_("Only the officer holding the task or a supervisor may release it.")]})
    before = _task_snapshot(locked)
    previous = locked.assigned_to_id
    locked.status, locked.assigned_to, locked.claimed_at = TaskStatus.QUEUED, None, None
    locked.save(update_fields=["status", "assigned_to", "claimed_at"])
    _note(locked, "release", actor, reason, from_officer=previous)
    audit_record(actor=actor, action="inspection_task.release", obj=locked, enterprise_id=locked.enterprise_id,
                 before=before, after={**_task_snapshot(locked), "reason": reason})
    return locked


@transaction.atomic
def inspection_task_reassign(*, task, officer, reason: str, actor) -> InspectionTask:
    """A supervisor moves a task to another officer, with a reason; conflicts and qualifications are checked."""
    if not _is_supervisor(actor):
        raise ValidationError({"task": [_("Only a supervisor may reassign a task.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason for the reassignment.")]})
    locked = _lock_task(task)
    if not transitions.can_move("reassign", locked.status):
        raise ValidationError({"task": [_("A concluded or cancelled task cannot be reassigned.")]})
    # The new inspector must be on duty at the task's site at some time before it is due.
    _check_may_inspect(locked, officer.pk, field="officer", on_duty_until=locked.due_at)
    before = _task_snapshot(locked)
    previous = locked.assigned_to_id
    locked.status, locked.assigned_to, locked.assigned_at, locked.claimed_at = (
        TaskStatus.ASSIGNED, officer, timezone.now(), None)
    locked.save(update_fields=["status", "assigned_to", "assigned_at", "claimed_at"])
    _note(locked, "reassign", actor, reason.strip(), from_officer=previous, to_officer=officer.pk)
    audit_record(actor=actor, action="inspection_task.reassign", obj=locked, enterprise_id=locked.enterprise_id,
                 before=before, after={**_task_snapshot(locked), "reason": reason.strip()})
    return locked


def _tasks_back_to_pool(tasks, *, actor, reason: str) -> int:
    """Give the open ones of ``tasks`` back to the pool (their inspector may no longer take them: a declared
    conflict, a deactivation), noted and audited, and draw again for them after commit."""
    held = list(tasks.select_for_update().filter(status__in=transitions.OPEN_STATUSES, assigned_to__isnull=False))
    for task in held:
        before = _task_snapshot(task)
        previous = task.assigned_to_id
        task.status, task.assigned_to, task.claimed_at, task.drawn_at = TaskStatus.QUEUED, None, None, None
        task.save(update_fields=["status", "assigned_to", "claimed_at", "drawn_at"])
        _note(task, "release", actor, reason, from_officer=previous)
        audit_record(actor=actor, action="inspection_task.release", obj=task, enterprise_id=task.enterprise_id,
                     before=before, after={**_task_snapshot(task), "reason": reason})
    if held:
        transaction.on_commit(_queue_dispatch)
    return len(held)


def _reminder_send(task: InspectionTask) -> None:
    """The overdue reminder to the inspector, in the inspector's language, through the portal's mail."""
    officer = task.assigned_to
    due = timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M")
    with translation.override(officer.preferred_language or settings.LANGUAGE_CODE):
        subject = _("Overdue inspection #%(n)s") % {"n": task.pk}
        body = _("The inspection #%(n)s of declaration %(d)s was due at %(due)s.") % {
            "n": task.pk, "d": task.declaration.number, "due": due}
    message_send(channel=MessageChannel.EMAIL, recipient=officer.email, subject=subject, body=body,
                 purpose=MessagePurpose.OVERDUE_REMINDER, reference=str(task.pk), source_id=task.pk,
                 enterprise_id=task.enterprise_id)


def inspection_reminders_send(*, now: datetime | None = None) -> int:
    """Flag overdue open tasks and e-mail their inspectors (at most every few hours per task), each mail a delivery
    the bureau's page of messages follows."""
    now = now or timezone.now()
    sent = 0
    ids = list(InspectionTask.objects.filter(status__in=transitions.OPEN_STATUSES, due_at__lt=now)
               .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - REMINDER_INTERVAL))
               .values_list("pk", flat=True)[:1000])
    for pk in ids:
        with transaction.atomic():
            task = _skip_locked(InspectionTask.objects.filter(pk=pk)).first()
            if task is None or (task.reminded_at and task.reminded_at >= now - REMINDER_INTERVAL):
                continue
            task.reminded_at = now
            task.save(update_fields=["reminded_at"])
            audit_record(actor=None, action="inspection_task.remind", obj=task, enterprise_id=task.enterprise_id,
                         after={"due_at": task.due_at, "assigned_to": task.assigned_to_id})
            if task.assigned_to and task.assigned_to.email:
                _reminder_send(task)
            sent += 1
    return sent
