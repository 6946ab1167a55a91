"""The inspection record: checklist, findings, photos and the conclusion (with its credit event)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from credit.services import credit_event_record

from ..choices import Conclusion, Disposition, LabOrderStatus, TaskStatus, checklist_for
from ..models import InspectionPhoto, InspectionTask, LabResult
from ._common import _event, _lock_for_record, _task_snapshot


@transaction.atomic
def inspection_checklist_save(*, task, item: str, ok, note: str = "", actor) -> InspectionTask:
    locked = _lock_for_record(task, actor)
    codes = [code for code, _label in checklist_for(locked.category)]
    if item not in codes:
        raise ValidationError({"item": [_("Not an item of this checklist.")]})
    if ok not in (True, False, None):
        raise ValidationError({"ok": [_("Answer yes, no or not checked.")]})
    before = locked.checklist.get(item)
    locked.checklist = {**locked.checklist, item: {"ok": ok, "note": (note or "")[:500]}}
    locked.save(update_fields=["checklist"])
    audit_record(actor=actor, action="inspection.checklist", obj=locked, enterprise_id=locked.enterprise_id,
                 before={item: before}, after={item: locked.checklist[item]})
    return locked


@transaction.atomic
def inspection_findings_save(*, task, findings: str, actor) -> InspectionTask:
    locked = _lock_for_record(task, actor)
    before = locked.findings
    locked.findings = (findings or "").strip()
    locked.save(update_fields=["findings"])
    audit_record(actor=actor, action="inspection.findings", obj=locked, enterprise_id=locked.enterprise_id,
                 before={"findings": before}, after={"findings": locked.findings})
    return locked


@transaction.atomic
def inspection_photo_add(*, task, image, caption: str = "", actor) -> InspectionPhoto:
    locked = _lock_for_record(task, actor)
    content_type = getattr(image, "content_type", "") or ""
    if not content_type.startswith("image/"):
        raise ValidationError({"image": [_("Upload a photo (an image file).")]})
    if image.size > 15 * 1024 * 1024:
        raise ValidationError({"image": [_("A photo may be at most 15 MB.")]})
    photo = InspectionPhoto.objects.create(task=locked, image=image, caption=caption[:200], taken_by=actor)
    audit_record(actor=actor, action="inspection.photo", obj=photo, enterprise_id=locked.enterprise_id,
                 after={"task": locked.pk, "file": photo.image.name, "caption": photo.caption})
    return photo


@transaction.atomic
def inspection_conclude(*, task, conclusion: str, actor, disposition: str = "", note: str = "") -> InspectionTask:
    """Conclude an inspection: conform, or non-conform with a disposition. Refused while required sampling or
    ordered lab results are missing. Records the credit event of the outcome."""
    locked = _lock_for_record(task, actor)
    if conclusion not in Conclusion.values:
        raise ValidationError({"conclusion": [_("Choose conform or non-conform.")]})
    if conclusion == Conclusion.NON_CONFORM and disposition not in Disposition.values:
        raise ValidationError({"disposition": [_("A non-conformity needs a disposition: return, destroy, "
                                                 "technical treatment or relabel.")]})
    if conclusion == Conclusion.CONFORM and disposition:
        raise ValidationError({"disposition": [_("Conform goods take no disposition.")]})
    if locked.sampling_required and not locked.samples.exists():
        raise ValidationError({"conclusion": [_("This inspection requires sampling: take and seal a sample "
                                                "before concluding.")]})
    if locked.lab_orders.filter(status=LabOrderStatus.ORDERED).exists():
        raise ValidationError({"conclusion": [_("Laboratory results are still outstanding.")]})
    failed_lab = LabResult.objects.filter(order__task=locked, passed=False).exists()
    if failed_lab and conclusion == Conclusion.CONFORM:
        raise ValidationError({"conclusion": [_("A laboratory result is outside its limits: the goods cannot be "
                                                "concluded conform.")]})
    before = _task_snapshot(locked)
    locked.conclusion, locked.disposition = conclusion, disposition if conclusion == Conclusion.NON_CONFORM else ""
    locked.status, locked.concluded_at, locked.concluded_by = TaskStatus.CONCLUDED, timezone.now(), actor
    if note:
        locked.findings = (locked.findings + "\n" + note).strip()
    locked.save(update_fields=["conclusion", "disposition", "status", "concluded_at", "concluded_by", "findings"])
    audit_record(actor=actor, action="inspection.conclude", obj=locked, enterprise_id=locked.enterprise_id,
                 before=before, after=_task_snapshot(locked))
    _event(declaration=locked.declaration, kind="inspection_concluded", actor=actor,
           message=lambda: (_("Inspection concluded: conform.") if conclusion == Conclusion.CONFORM else
                    _("Inspection concluded: non-conform; disposition: %(d)s.") % {
                        "d": locked.get_disposition_display()}),
           data={"task": locked.pk, "conclusion": conclusion, "disposition": locked.disposition})
    _credit_event(locked, actor, failed_lab)
    return locked


def _credit_event(task, actor, failed_lab: bool):
    kind = ("lab_failure" if failed_lab else "non_conformity") if task.conclusion == Conclusion.NON_CONFORM \
        else "inspection_passed"
    credit_event_record(enterprise=task.enterprise, kind=kind, source="officer" if actor else "system",
           occurred_on=timezone.localdate(), evidence_type="inspection_task", evidence_id=str(task.pk),
           external_reference=f"inspection-task-{task.pk}", note=task.disposition, actor=actor)
