"""Verify-release: the declarant supplies an accredited third-party test report, an officer verifies it (the
automatic acceptance checks must pass) and the goods are released, or refuses it with a reason."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.i18n import message_for_reader
from ciq_portal.roles import Role
from declarations import services as declaration_services
from declarations.choices import DeclarationStatus
from declarations.models import Declaration
from inspection.services import test_report_check, test_report_submit

from .. import matrix
from ..choices import InspectionResult, NextStep
from ..models import ReleaseDecision
from ._shared import _event, _reject, _require_role
from .releasing import consignment_release


@transaction.atomic
def verify_report_supplied(*, declaration, report, actor) -> ReleaseDecision:
    """The declarant supplied a third-party test report (registered with inspection.test_report_submit): the
    declaration now waits for an officer's verification."""
    decision = ReleaseDecision.objects.select_for_update().get(declaration=declaration)
    if decision.mode != matrix.VERIFY or decision.inspection_required:
        raise ValidationError({"report": [_("This declaration is not released on verification of a report.")]})
    if decision.next_step not in (NextStep.SUPPLY_REPORT, NextStep.AWAIT_VERIFICATION):
        raise ValidationError({"report": [_("A report is no longer needed for this declaration.")]})
    if Declaration.objects.filter(pk=declaration.pk, status=DeclarationStatus.AWAITING_DOCUMENTS).exists():
        declaration_services.declaration_answer(
            declaration=declaration, actor=actor,
            message=lambda: _("Test report %(n)s supplied.") % {"n": report.report_no})
    decision.next_step = NextStep.AWAIT_VERIFICATION
    decision.save(update_fields=["next_step"])
    audit_record(actor=actor, action="release_decision.report_supplied", obj=decision,
                 enterprise_id=decision.enterprise_id, after={"report": report.pk, "next_step": decision.next_step})
    _event(declaration=declaration, kind="report_supplied", actor=actor,
           message=lambda: _("Test report %(n)s supplied; an officer will verify it.") % {"n": report.report_no})
    return decision


@transaction.atomic
def verify_report_supply(*, declaration, actor, **report):
    """The declarant supplies a third-party test report for verify-release: it is registered with its automatic
    acceptance check (inspection.test_report_submit) and the declaration waits for an officer's verification.
    ``report``: lab_accreditation_no, report_no, issued_on, hs_codes, lot_numbers, results."""
    supplied = test_report_submit(declaration=declaration, actor=actor, **report)
    verify_report_supplied(declaration=declaration, report=supplied, actor=actor)
    return supplied


def awaits_verification(decision) -> bool:
    """A report waits for an officer: supplied through the release desk, or registered through the inspection
    API and answered through the declaration's page (the declaration is back to submitted)."""
    if decision.next_step == NextStep.AWAIT_VERIFICATION:
        return True
    return (decision.next_step == NextStep.SUPPLY_REPORT
            and Declaration.objects.filter(pk=decision.declaration_id, status=DeclarationStatus.SUBMITTED,
                                           test_reports__isnull=False).exists())


@transaction.atomic
def verify_release_decide(*, declaration, report, accept: bool, actor, reason: str = "") -> ReleaseDecision:
    """An officer's verification of the report: the automatic acceptance checks (inspection.test_report_check)
    must pass for a release; a refusal needs a reason and rejects the declaration."""
    _require_role(actor, Role.OFFICER, Role.SUPERVISOR, field="report")
    decision = ReleaseDecision.objects.select_for_update().get(declaration=declaration)
    if not awaits_verification(decision):
        raise ValidationError({"report": [_("No report is waiting for verification on this declaration.")]})
    if report.declaration_id != declaration.pk:
        raise ValidationError({"report": [_("The report belongs to another declaration.")]})
    if accept:
        check = test_report_check(declaration=declaration, report=report)
        if not check.ok:
            raise ValidationError({"report": [_("The report fails the acceptance checks: %(r)s") % {
                "r": "; ".join(message_for_reader(r) for r in check.reasons)}]})
        audit_record(actor=actor, action="release_decision.report_verified", obj=decision,
                     enterprise_id=decision.enterprise_id, after={"report": report.pk, "accepted": True})
        consignment_release(declaration=declaration, actor=actor,
                            inspection_result=InspectionResult.DOCUMENTS_VERIFIED)
    else:
        if not (reason or "").strip():
            raise ValidationError({"reason": [_("Give the reason for refusing the report.")]})
        decision.next_step = NextStep.NONE
        decision.save(update_fields=["next_step"])
        audit_record(actor=actor, action="release_decision.report_refused", obj=decision,
                     enterprise_id=decision.enterprise_id, after={"report": report.pk, "reason": reason.strip()})
        refusal = reason.strip()
        _reject(declaration, actor, lambda: _("Test report refused: %(r)s") % {"r": refusal})
    decision.refresh_from_db()
    return decision
