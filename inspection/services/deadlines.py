"""Inspection deadlines in working time (the bureau's calendar, ciq_portal.working_calendar) and the escalation of
overdue inspections to the site's supervisor."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.models import EventType
from ciq_portal.notifications import BUREAU, notification_publish
from ciq_portal.roles import Role, has_role
from ciq_portal.working_calendar import working_deadline

from .. import transitions
from ..choices import Priority
from ..models import InspectionSite, InspectionTask
from ._common import _is_supervisor, _skip_locked

# Working hours from the task's creation to its due time, by priority.
DUE_WORKING_HOURS = {Priority.URGENT: 4, Priority.HIGH: 8, Priority.NORMAL: 16}
ESCALATION_BATCH = 500


def task_due_at(*, created_at: datetime, priority: int) -> datetime:
    return working_deadline(created_at, DUE_WORKING_HOURS[priority])


@transaction.atomic
def site_supervisor_set(*, site: InspectionSite, supervisor, actor) -> InspectionSite:
    """Name the supervisor an inspection site's overdue tasks escalate to (None: the bureau's supervisors)."""
    if not (_is_supervisor(actor) or has_role(actor, Role.ADMINISTRATOR)):
        raise ValidationError({"supervisor": [_("Only a supervisor or an administrator may name it.")]})
    if supervisor is not None and not has_role(supervisor, Role.SUPERVISOR):
        raise ValidationError({"supervisor": [_("%(u)s is not a supervisor.") % {"u": supervisor.get_username()}]})
    site = InspectionSite.objects.select_for_update().get(pk=site.pk)
    before = site.supervisor_id
    site.supervisor = supervisor
    site.save(update_fields=["supervisor"])
    audit_record(actor=actor, action="inspection_site.supervisor", obj=site, before={"supervisor": before},
                 after={"supervisor": getattr(supervisor, "pk", None)})
    return site


def _bureau_supervisor_ids() -> list[int]:
    return list(get_user_model().objects.filter(is_active=True, groups__name=Role.SUPERVISOR)
                .values_list("pk", flat=True))


def _escalation_due(task: InspectionTask, now: datetime) -> bool:
    return working_deadline(task.due_at, settings.CIQ["OVERDUE_ESCALATION_WORKING_HOURS"]) <= now


def _escalate(task: InspectionTask, now: datetime) -> None:
    task.escalated_at = now
    task.save(update_fields=["escalated_at"])
    supervisor_id = task.site.supervisor_id if task.site else None
    recipients = [supervisor_id] if supervisor_id else _bureau_supervisor_ids()
    site = task.site.code if task.site else "—"
    audit_record(actor=None, action="inspection_task.escalate", obj=task, enterprise_id=task.enterprise_id,
                 after={"due_at": task.due_at, "site": site, "recipients": recipients})
    facts = {"n": task.pk, "d": task.declaration.number, "s": site,
             "due": timezone.localtime(task.due_at).strftime("%Y-%m-%d %H:%M")}
    notification_publish(
        event_type=EventType.INSPECTION_OVERDUE, audience=[BUREAU], enterprise_id=task.enterprise_id,
        recipients=recipients, reference=task.declaration.number, link=reverse("inspection:task", args=[task.pk]),
        message=lambda: _("Inspection #%(n)s of %(d)s at site %(s)s is overdue since %(due)s.") % facts,
        payload={"task": task.pk, "declaration": task.declaration.number, "site": site, "due_at": task.due_at})


def inspection_overdue_escalate(*, now: datetime | None = None) -> int:
    """The beat's sweep: each open inspection still open a set number of working hours
    (CIQ["OVERDUE_ESCALATION_WORKING_HOURS"]) after its due time is escalated once, by an in-app notification to
    its site's supervisor (or, for a site without one, to the bureau's supervisors)."""
    now = now or timezone.now()
    candidates = list(InspectionTask.objects.filter(status__in=transitions.OPEN_STATUSES, due_at__lt=now,
                                                    escalated_at__isnull=True)
                      .order_by("due_at").values_list("pk", flat=True)[:ESCALATION_BATCH])
    escalated = 0
    for pk in candidates:
        with transaction.atomic():
            task = _skip_locked(InspectionTask.objects.filter(pk=pk, escalated_at__isnull=True)).first()
            if task is None or not _escalation_due(task, now):
                continue
            _escalate(task, now)
            escalated += 1
    return escalated
