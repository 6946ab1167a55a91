"""Samples and their chain of custody, laboratory orders and their results."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.i18n import message_for_reader
from ciq_portal.signing import partner_signature_valid

from ..choices import CustodyAction, LabOrderStatus, LabStatus
from ..models import CustodyEntry, LabOrder, LabResult, Sample, TestItem
from ..selectors import test_limit_in_force
from ._common import _decimal, _event, _lock_for_record
from .labs import _lab_scope_problems


@transaction.atomic
def sample_take(*, task, description: str, quantity, unit: str, seal_no: str, actor) -> Sample:
    locked = _lock_for_record(task, actor)
    errors = {}
    quantity = _decimal(quantity, "quantity", Sample, "quantity")
    if quantity <= 0:
        errors["quantity"] = [_("The sample quantity must be greater than zero.")]
    for name, value in (("description", description), ("unit", unit), ("seal_no", seal_no)):
        if not (value or "").strip():
            errors[name] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    n = locked.samples.count() + 1
    sample = Sample.objects.create(task=locked, sample_no=f"S{timezone.localdate():%Y%m%d}-{locked.pk}-{n}",
                                   description=description.strip(), quantity=quantity, unit=unit.strip(),
                                   seal_no=seal_no.strip(), taken_by=actor)
    CustodyEntry.objects.create(sample=sample, action=CustodyAction.SEALED,
                                holder=actor.get_full_name() or actor.username, seal_intact=True, actor=actor)
    audit_record(actor=actor, action="sample.take", obj=sample, enterprise_id=locked.enterprise_id,
                 after={"task": locked.pk, "sample_no": sample.sample_no, "quantity": quantity, "seal_no": seal_no})
    _event(declaration=locked.declaration, kind="inspection_sampled", actor=actor,
           message=lambda: _("Sample %(n)s taken and sealed.") % {"n": sample.sample_no},
           data={"sample": sample.sample_no})
    return sample


@transaction.atomic
def sample_custody_add(*, sample, action: str, holder: str, seal_intact: bool, actor) -> CustodyEntry:
    sample = Sample.objects.select_for_update().get(pk=sample.pk)
    if not (holder or "").strip() or not (action or "").strip():
        raise ValidationError({"holder": [_("Say who now holds the sample and what happened.")]})
    entry = CustodyEntry.objects.create(sample=sample, action=action.strip()[:32], holder=holder.strip()[:120],
                                        seal_intact=bool(seal_intact), actor=actor)
    audit_record(actor=actor, action="sample.custody", obj=entry, enterprise_id=sample.task.enterprise_id,
                 after={"sample": sample.sample_no, "action": entry.action, "holder": entry.holder,
                        "seal_intact": entry.seal_intact})
    return entry


@transaction.atomic
def lab_order_create(*, task, sample, lab, test_items, actor) -> LabOrder:
    locked = _lock_for_record(task, actor)
    if sample.task_id != locked.pk:
        raise ValidationError({"sample": [_("The sample belongs to another inspection.")]})
    items = sorted({str(i).strip() for i in (test_items or []) if str(i).strip()})
    if not items:
        raise ValidationError({"test_items": [_("Name at least one test item.")]})
    problems = _lab_scope_problems(lab, category=locked.category, test_items=items, on=timezone.localdate())
    if problems:
        raise ValidationError({"lab": [message_for_reader(p) for p in problems]})
    order = LabOrder.objects.create(task=locked, sample=sample, lab=lab, test_items=items, ordered_by=actor)
    CustodyEntry.objects.create(sample=sample, action=CustodyAction.SENT_TO_LAB, holder=lab.name[:120],
                                seal_intact=True, actor=actor)
    audit_record(actor=actor, action="lab_order.create", obj=order, enterprise_id=locked.enterprise_id,
                 after={"task": locked.pk, "sample": sample.sample_no, "lab": lab.accreditation_no, "items": items})
    _event(declaration=locked.declaration, kind="lab_ordered", actor=actor,
           message=lambda: _("Sample %(n)s sent to the laboratory.") % {"n": sample.sample_no})
    return order


@transaction.atomic
def lab_result_record(*, order, results, actor) -> LabOrder:
    """Record the results of a lab order, one per ordered test item, each judged against the limits table's
    version in force for the task's commodity category (limits are typed only for an item the table lacks). A
    result's unit is its item's."""
    order = LabOrder.objects.select_for_update().select_related("task").get(pk=order.pk)
    if order.status == LabOrderStatus.RESULTED:
        raise ValidationError({"results": [_("The results of this order are already recorded.")]})
    given = {}
    errors = []
    for row in results or []:
        item = str(row.get("test_item", "")).strip()
        if item not in order.test_items:
            errors.append(_("%(i)s was not ordered.") % {"i": item or "?"})
            continue
        given[item] = row
    missing = sorted(set(order.test_items) - set(given))
    if missing:
        errors.append(_("Results missing for: %(i)s.") % {"i": ", ".join(missing)})
    units = dict(TestItem.objects.filter(code__in=list(given)).values_list("code", "unit"))
    for item, row in sorted(given.items()):
        unit = str(row.get("unit") or "").strip()
        if item in units and unit and unit != units[item]:
            errors.append(_("%(i)s is measured in %(u)s, not %(given)s.") % {"i": item, "u": units[item],
                                                                             "given": unit})
    if errors:
        raise ValidationError({"results": errors})
    created = []
    today = timezone.localdate()
    for item, row in sorted(given.items()):
        value = _decimal(row.get("value"), "results", LabResult, "value")
        limit = test_limit_in_force(item_code=item, category=order.task.category, on=today)
        if limit is not None:
            low, high = limit.limit_min, limit.limit_max
        else:
            low = None if row.get("limit_min") in (None, "") else _decimal(row["limit_min"], "results", LabResult,
                                                                               "limit_min")
            high = None if row.get("limit_max") in (None, "") else _decimal(row["limit_max"], "results", LabResult,
                                                                                "limit_max")
        passed = (low is None or value >= low) and (high is None or value <= high)
        unit = units.get(item) or str(row.get("unit", ""))[:16]
        created.append(LabResult(order=order, test_item=item, value=value, unit=unit, limit_min=low, limit_max=high,
                                 limit=limit, passed=passed, recorded_by=actor))
    LabResult.objects.bulk_create(created)
    order.status, order.resulted_at = LabOrderStatus.RESULTED, timezone.now()
    order.save(update_fields=["status", "resulted_at"])
    failed = [r.test_item for r in created if not r.passed]
    audit_record(actor=actor, action="lab_result.record", obj=order, enterprise_id=order.task.enterprise_id,
                 after={"results": [{"item": r.test_item, "value": r.value, "passed": r.passed,
                                     "limit": r.limit.pk if r.limit else None} for r in created]})
    _event(declaration=order.task.declaration, kind="lab_resulted", actor=actor,
           message=lambda: _("Laboratory results recorded: %(n)s item(s) outside limits.") % {"n": len(failed)}
           if failed else _("Laboratory results recorded: all within limits."), data={"failed": failed})
    return order


@transaction.atomic
def lab_result_post(*, order, results, signed_body: bytes, signature: str, actor) -> LabOrder:
    """A laboratory's system posts the results of one of its own orders: the signature over the exact body it sent
    is checked with the public key the laboratory registered, then the results are recorded and judged against the
    limits table exactly as on the page (:func:`lab_result_record`; a result outside its limit is a
    non-conformity), and the signed body and its signature are kept with the order as evidence."""
    lab = order.lab
    if lab.api_client_id is None or lab.api_client.user_id != actor.pk:
        raise PermissionDenied(_("Only the laboratory the order was sent to posts its results."))
    if lab.status != LabStatus.ACTIVE:
        raise PermissionDenied(_("The laboratory is %(s)s: its results are not accepted.")
                               % {"s": lab.get_status_display()})
    if not lab.signing_public_key:
        raise PermissionDenied(_("The laboratory has no registered public key: the bureau cannot check its "
                                 "signatures."))
    if not partner_signature_valid(lab.signing_public_key, signed_body, signature):
        raise PermissionDenied(_("The signature does not match the body under the laboratory's registered key."))
    rows = [{"test_item": row.get("test_item", ""), "value": row.get("value"), "unit": row.get("unit", "")}
            for row in results or []]  # a laboratory reports values; the limits are the bureau's table's
    order = lab_result_record(order=order, results=rows, actor=actor)
    order.results_signed_body = signed_body.decode("utf-8", errors="replace")
    order.results_signature = signature.strip()[:100]
    order.save(update_fields=["results_signed_body", "results_signature"])
    audit_record(actor=actor, action="lab_result.post", obj=order, enterprise_id=order.task.enterprise_id,
                 after={"lab": lab.accreditation_no, "signature": order.results_signature})
    return order
