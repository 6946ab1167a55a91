"""Declared conflicts of interest: an officer declares one with an enterprise and is kept from its inspections
at once (the draw of people, claims and reassignments read the declarations); a supervisor acknowledges it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.roles import Role, require_role

from ..models import ConflictOfInterest, InspectionTask, OfficerProfile
from .queue import _tasks_back_to_pool

CONFLICT_ACKNOWLEDGERS = (Role.SUPERVISOR, Role.ADMINISTRATOR)


@transaction.atomic
def conflict_declare(*, officer: OfficerProfile, enterprise, reason: str, actor=None) -> ConflictOfInterest:
    """The officer's declaration (only the officer declares their own). The officer's open tasks of the enterprise
    go back to the pool and are drawn again for someone else."""
    if actor is not None and officer.user_id != actor.pk:
        raise PermissionDenied
    if enterprise is None:
        raise ValidationError({"enterprise": [_("No such enterprise: give its unified social credit code or its exact "
                                                "name.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say what the conflict of interest is.")]})
    conflict, created = ConflictOfInterest.objects.get_or_create(officer=officer, enterprise=enterprise,
                                                                 defaults={"reason": reason.strip()[:200]})
    if not created:
        raise ValidationError({"enterprise": [_("You have already declared a conflict with this enterprise.")]})
    audit_record(actor=actor, action="conflict.declare", obj=conflict, enterprise_id=enterprise.pk,
                 after={"officer": officer.pk, "enterprise": enterprise.pk, "reason": conflict.reason})
    _tasks_back_to_pool(InspectionTask.objects.filter(assigned_to_id=officer.user_id, enterprise=enterprise),
                        actor=actor, reason=_("Conflict of interest declared."))
    return conflict


@transaction.atomic
def conflict_acknowledge(*, actor, conflict: ConflictOfInterest) -> ConflictOfInterest:
    if actor is not None:
        require_role(actor, *CONFLICT_ACKNOWLEDGERS)
    conflict = ConflictOfInterest.objects.select_for_update().get(pk=conflict.pk)
    if conflict.acknowledged_at is not None:
        return conflict
    conflict.acknowledged_by, conflict.acknowledged_at = actor, timezone.now()
    conflict.save(update_fields=["acknowledged_by", "acknowledged_at"])
    audit_record(actor=actor, action="conflict.acknowledge", obj=conflict, enterprise_id=conflict.enterprise_id,
                 after={"officer": conflict.officer_id, "enterprise": conflict.enterprise_id})
    return conflict
