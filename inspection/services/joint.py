"""Joint inspections with partner agencies (一次开箱, 联合登临): request, schedule, each agency's finding."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record

from .. import transitions
from ..choices import Agency, Conclusion, JointKind, JointStatus, TaskReason
from ..models import JointFinding, JointInspection
from .dispatch import inspection_task_create


@transaction.atomic
def joint_inspection_request(*, actor, agency: str, kind: str, declaration=None, container_no: str = "",
                             conveyance: str = "", participants=(), note: str = "") -> JointInspection:
    errors = {}
    if agency not in Agency.values or agency == Agency.CIQ:
        errors["agency"] = [_("Unknown partner agency.")]
    if kind == JointKind.CONTAINER and declaration is None and container_no.strip():
        errors["container_no"] = [_("No declaration lists this container.")]
    if kind not in JointKind.values:
        errors["kind"] = [_("Choose a container opening or a boarding.")]
    elif kind == JointKind.CONTAINER and (declaration is None or not container_no.strip()):
        errors["container_no"] = [_("A container opening names the declaration and the container.")]
    elif kind == JointKind.CONTAINER and container_no.strip() not in (declaration.containers or []) \
            and declaration.containers:
        errors["container_no"] = [_("The container is not on the declaration.")]
    if kind == JointKind.BOARDING and not conveyance.strip():
        errors["conveyance"] = [_("A boarding names the vessel or the flight.")]
    bad = [p for p in participants if p not in Agency.values]
    if bad:
        errors["participants"] = [_("Unknown agency: %(a)s.") % {"a": ", ".join(bad)}]
    if errors:
        raise ValidationError(errors)
    parties = sorted({Agency.CIQ, agency, *participants})
    joint = JointInspection.objects.create(kind=kind, requested_by=actor, agency=agency, declaration=declaration,
                                           container_no=container_no.strip(), conveyance=conveyance.strip(),
                                           participants=parties, note=note)
    audit_record(actor=actor, action="joint_inspection.request", obj=joint,
                 enterprise_id=declaration.enterprise_id if declaration else None,
                 after={"kind": kind, "agency": agency, "container_no": joint.container_no,
                        "conveyance": joint.conveyance, "participants": parties})
    return joint


@transaction.atomic
def joint_inspection_schedule(*, joint, site, appointment_at: datetime, actor) -> JointInspection:
    """Set the one appointment at one site; a container opening becomes the declaration's inspection task."""
    joint = JointInspection.objects.select_for_update().get(pk=joint.pk)
    if not transitions.joint_allows("schedule", joint.status):
        raise ValidationError({"status": [_("This joint inspection is closed.")]})
    if appointment_at <= timezone.now():
        raise ValidationError({"appointment_at": [_("The appointment must be in the future.")]})
    if site is None or not site.active:
        raise ValidationError({"site": [_("Choose an active inspection site.")]})
    before = {"status": joint.status, "site": joint.site_id, "appointment_at": joint.appointment_at}
    joint.site, joint.appointment_at, joint.status = site, appointment_at, JointStatus.SCHEDULED
    if joint.kind == JointKind.CONTAINER and joint.task_id is None:
        task = inspection_task_create(declaration=joint.declaration, reason=TaskReason.JOINT,
                                      mode=joint.declaration.release_mode, actor=actor)
        if task.site_id != site.pk:
            task.site = site
            task.scheduled_for = timezone.localdate(appointment_at)
            task.save(update_fields=["site", "scheduled_for"])
        joint.task = task
    joint.save(update_fields=["site", "appointment_at", "status", "task"])
    audit_record(actor=actor, action="joint_inspection.schedule", obj=joint, before=before,
                 after={"status": joint.status, "site": site.pk, "appointment_at": appointment_at,
                        "task": joint.task_id})
    return joint


@transaction.atomic
def joint_finding_record(*, joint, agency: str, result: str, findings: str, actor) -> JointFinding:
    """One agency's result on the shared inspection; the joint inspection completes when every party has one."""
    joint = JointInspection.objects.select_for_update().get(pk=joint.pk)
    if not transitions.joint_allows("record_finding", joint.status):
        raise ValidationError({"status": [_("Results are recorded on a scheduled joint inspection.")]})
    if agency not in joint.participants:
        raise ValidationError({"agency": [_("This agency does not take part in the inspection.")]})
    if result not in Conclusion.values:
        raise ValidationError({"result": [_("Choose conform or non-conform.")]})
    if joint.findings.filter(agency=agency).exists():
        raise ValidationError({"agency": [_("This agency's result is already recorded.")]})
    finding = JointFinding.objects.create(joint=joint, agency=agency, recorded_by=actor, result=result,
                                          findings=(findings or "").strip())
    if set(joint.findings.values_list("agency", flat=True)) >= set(joint.participants):
        joint.status, joint.completed_at = JointStatus.COMPLETED, timezone.now()
        joint.save(update_fields=["status", "completed_at"])
    audit_record(actor=actor, action="joint_inspection.finding", obj=finding,
                 enterprise_id=joint.declaration.enterprise_id if joint.declaration_id else None,
                 after={"joint": joint.pk, "agency": agency, "result": result, "status": joint.status})
    return finding
