"""Leave: an officer asks for it, a supervisor approves or refuses it. Only approved leave takes the officer off
duty (whole days, inspection/duty.py), whatever the roster says."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.roles import Role, has_role, require_role

from ..choices import LeaveStatus
from ..duty import plannable
from ..models import OfficerLeave, OfficerProfile

LEAVE_DECIDERS = (Role.SUPERVISOR, Role.ADMINISTRATOR)


def _overlapping(officer_id, first_day, last_day, statuses, exclude=None):
    rows = OfficerLeave.objects.filter(officer_id=officer_id, status__in=statuses, first_day__lte=last_day,
                                       last_day__gte=first_day)
    return rows.exclude(pk=exclude) if exclude else rows


@transaction.atomic
def officer_leave_request(*, actor, officer: OfficerProfile, first_day: date, last_day: date,
                          reason: str = "") -> OfficerLeave:
    """The officer asks for leave (or a supervisor records it for them); it waits for a supervisor's decision."""
    if actor is not None and officer.user_id != actor.pk and not has_role(actor, *LEAVE_DECIDERS):
        raise PermissionDenied
    officer = OfficerProfile.objects.select_for_update().get(pk=officer.pk)
    errors: dict[str, list[str]] = {}
    if not plannable(first_day):
        errors["first_day"] = [_("Enter the first day of leave.")]
    if not plannable(last_day):
        errors["last_day"] = [_("Enter the last day of leave.")]
    elif not errors and last_day < first_day:
        errors["last_day"] = [_("The last day of leave cannot be before the first.")]
    if not errors and _overlapping(officer.pk, first_day, last_day,
                                   (LeaveStatus.APPROVED, LeaveStatus.REQUESTED)).exists():
        errors["first_day"] = [_("This leave overlaps other leave of the officer.")]
    if errors:
        raise ValidationError(errors)
    leave = OfficerLeave.objects.create(officer=officer, first_day=first_day, last_day=last_day,
                                        reason=(reason or "").strip()[:200])
    audit_record(actor=actor, action="officer_leave.request", obj=leave,
                 after={"officer": officer.pk, "first_day": first_day, "last_day": last_day, "reason": leave.reason})
    return leave


def _decide(leave, status, *, actor, note):
    if actor is not None:
        require_role(actor, *LEAVE_DECIDERS)
    leave = OfficerLeave.objects.select_for_update().get(pk=leave.pk)
    if leave.status != LeaveStatus.REQUESTED:
        raise ValidationError({"status": [_("This leave was already decided: %(s)s.") % {
            "s": leave.get_status_display()}]})
    if actor is not None and leave.officer.user_id == actor.pk:
        raise ValidationError({"status": [_("Another supervisor decides on your own leave.")]})
    if status == LeaveStatus.APPROVED and _overlapping(leave.officer_id, leave.first_day, leave.last_day,
                                                       (LeaveStatus.APPROVED,), exclude=leave.pk).exists():
        raise ValidationError({"first_day": [_("This leave overlaps approved leave of the officer.")]})
    if status == LeaveStatus.REFUSED and not (note or "").strip():
        raise ValidationError({"decision_note": [_("Say why the leave is refused.")]})
    leave.status, leave.decided_by, leave.decided_at = status, actor, timezone.now()
    leave.decision_note = (note or "").strip()[:300]
    leave.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(actor=actor, action=f"officer_leave.{'approve' if status == LeaveStatus.APPROVED else 'refuse'}",
                 obj=leave, before={"status": LeaveStatus.REQUESTED},
                 after={"status": status, "note": leave.decision_note})
    return leave


@transaction.atomic
def officer_leave_approve(*, actor, leave: OfficerLeave, note: str = "") -> OfficerLeave:
    """From now the officer is off duty on the leave's days: no draw, claim or reassignment reaches them."""
    return _decide(leave, LeaveStatus.APPROVED, actor=actor, note=note)


@transaction.atomic
def officer_leave_refuse(*, actor, leave: OfficerLeave, note: str) -> OfficerLeave:
    return _decide(leave, LeaveStatus.REFUSED, actor=actor, note=note)
