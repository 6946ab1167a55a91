"""The release decision: the mode from the matrix (goods risk tier x credit grade), made stricter where the negative
list, the risk assessment or an enterprise's tightened supervision says so, the dual-random overlay, and the start
of what the mode needs."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.i18n import choice_label, stored_text
from declarations import services as declaration_services
from declarations.choices import InspectionPlace, ReleaseMode
from inspection import services as inspection_services

from .. import matrix
from ..choices import InspectionResult, NextStep, RiskTier
from ..models import EnterpriseTightening, Release, ReleaseDecision
from ..selectors import negative_list_matches, release_matrix_current
from ._shared import _event
from .releasing import _release


def _bulletin_forced(reasons) -> bool:
    return any("bulletin" in str(r.get("code", "")) for r in (reasons or []) if isinstance(r, dict))


def _stored_label(text) -> str:
    """A ``forced_by`` label as stored (in the portal's default language, whoever's request decided): the page shows
    a label it builds from the entry's code and fields in the reader's language; ``label`` stays for the API and for
    decisions stored before (release/templates/release/decision.html)."""
    return stored_text(text)[0]


def _tightening_source(tightening) -> str:
    """The declaration whose lab failure tightened the supervision (the page names it in the reader's language)."""
    if tightening.source_release_id is None:
        return ""
    return (Release.objects.filter(pk=tightening.source_release_id)
            .values_list("declaration__number", flat=True).first() or "")


def _active_tightening(enterprise_id, today):
    return (EnterpriseTightening.objects.select_for_update()
            .filter(enterprise_id=enterprise_id, consignments_left__gt=0, expires_on__gte=today)
            .order_by("-created_at").first())


@transaction.atomic(savepoint=False)  # no savepoint of its own when nested in the caller's transaction
def release_decide(*, declaration, assessment, actor=None) -> ReleaseDecision:
    """Choose the release mode of a submitted declaration and start what the mode needs; a declaration is decided
    once (asking again returns its decision)."""
    existing = ReleaseDecision.objects.filter(declaration=declaration).first()
    if existing:
        return existing
    return _decide(declaration, assessment, actor)


def _decide(declaration, assessment, actor) -> ReleaseDecision:
    """Matrix (tier x grade) → stricter where the negative list, the risk assessment (rules, bulletins) or an
    enterprise's tightened supervision says so → dual-random overlay → inspection task where one is needed →
    the declaration's next status (released at once, awaiting a report, awaiting inspection, or on hold)."""
    now = timezone.now()
    today = timezone.localdate(now)
    enterprise = declaration.enterprise
    grade = enterprise.credit_grade
    tier = getattr(assessment, "tier", "") or "medium"
    version, cells = release_matrix_current()
    matrix_mode = matrix.mode_for(cells, tier, grade)
    mode = matrix_mode
    forced_by = []

    negatives = negative_list_matches(declaration)
    # A constraint is recorded as a forcing reason only where it is stricter than the matrix's mode.
    for entry in negatives:
        if matrix.is_stricter(entry.min_mode, matrix_mode):
            forced_by.append({"code": "negative_list", "mode": entry.min_mode, "entry": entry.pk,
                              "kind": entry.kind, "value": entry.value, "reason": entry.reason,
                              "label": _stored_label(lambda e=entry: f"{e.get_kind_display()} {e.value}: {e.reason}")})
        mode = matrix.stricter(mode, entry.min_mode)
    risk_mode = getattr(assessment, "forced_release_mode", "") or ""
    if risk_mode in matrix.MODES:
        if matrix.is_stricter(risk_mode, matrix_mode):
            code = "bulletin" if _bulletin_forced(getattr(assessment, "reasons", None)) else "risk"
            forced_by.append({"code": code, "mode": risk_mode, "label": _stored_label(lambda: _("risk assessment"))})
        mode = matrix.stricter(mode, risk_mode)
    tightening = _active_tightening(enterprise.pk, today)
    if tightening is not None:
        if matrix.is_stricter(tightening.min_mode, matrix_mode):
            forced_by.append({"code": "tightening", "mode": tightening.min_mode, "tightening": tightening.pk,
                              "source_declaration": _tightening_source(tightening), "label": tightening.reason})
        mode = matrix.stricter(mode, tightening.min_mode)
        tightening.consignments_left -= 1
        tightening.save(update_fields=["consignments_left"])

    # Direct release (直通): inspection at destination, unless the goods are on the negative list.
    place, office = InspectionPlace.PORT, ""
    if declaration.inspection_place == InspectionPlace.DESTINATION:
        if negatives:
            _event(declaration=declaration, kind="direct_release_refused", actor=actor,
                   message=lambda: _("Goods on the negative list are inspected at the port of entry, "
                                     "not at destination."))
        else:
            place, office = InspectionPlace.DESTINATION, declaration.destination_office

    hold = bool(getattr(assessment, "hold", False))
    inspection_reason = ""
    if getattr(assessment, "force_inspection", False):
        inspection_reason = "risk"
    elif mode in (matrix.SAMPLE, matrix.SUPERVISED):
        inspection_reason = "release_mode"
    draw = None
    if not hold:
        draw = inspection_services.object_draw_for_declaration(declaration=declaration)
        if draw.selected and not inspection_reason:
            inspection_reason = "random"

    if hold:
        next_step = NextStep.ON_HOLD
    elif inspection_reason:
        next_step = NextStep.AWAIT_SAMPLING if mode == matrix.SAMPLE else NextStep.AWAIT_INSPECTION
    elif mode == matrix.VERIFY:
        next_step = NextStep.SUPPLY_REPORT
    else:
        next_step = NextStep.NONE

    inputs = {
        "tier": tier, "grade": grade, "score": getattr(assessment, "score", None),
        "risk_assessment": getattr(assessment, "pk", None),
        "rules_version": str(getattr(assessment, "rules_version", "") or ""),
        "model_version": str(getattr(assessment, "model_version", "") or ""),
        "force_inspection": bool(getattr(assessment, "force_inspection", False)), "hold": hold,
        "hs_codes": sorted({line.hs_code for line in declaration.lines.all()}),
        "inspection_place_requested": declaration.inspection_place,
        "draw": draw.pk if draw else None, "draw_selected": bool(draw and draw.selected),
    }
    decision = ReleaseDecision.objects.create(
        declaration=declaration, enterprise=enterprise, decided_at=now, decided_on=today,
        port=declaration.port_of_entry, grade=grade, tier=tier, risk_score=getattr(assessment, "score", None),
        matrix_version=version, matrix_mode=matrix_mode, mode=mode, forced_by=forced_by,
        random_selected=bool(draw and draw.selected), inspection_required=bool(inspection_reason) and not hold,
        inspection_reason=inspection_reason if not hold else "", inspection_place=place, destination_office=office,
        next_step=next_step, on_hold=hold, inputs=inputs)
    audit_record(actor=actor, action="release_decision.create", obj=decision, enterprise_id=enterprise.pk,
                 after={"declaration": declaration.number, "matrix_version": version, "matrix_mode": matrix_mode,
                        "mode": mode, "forced_by": forced_by, "inputs": inputs, "next_step": next_step})
    # The declarant sees the mode and the next step; the reasons stay with the bureau.
    _event(declaration=declaration, kind="release_mode_decided", actor=actor,
           message=lambda: _("Release mode: %(mode)s. Next: %(next)s") % {
               "mode": ReleaseMode(mode).label, "next": decision.get_next_step_display()},
           data={"mode": mode, "next_step": next_step})
    _event(declaration=declaration, kind="release_mode_reasons", actor=actor, visible_to_declarant=False,
           message=lambda: _("Matrix v%(v)s gave %(m)s for tier %(t)s and grade %(g)s.") % {
               "v": version, "m": choice_label(ReleaseMode, matrix_mode), "t": choice_label(RiskTier, tier),
               "g": grade},
           data={"forced_by": forced_by, "inputs": inputs})

    if hold:
        declaration_services.declaration_hold(declaration=declaration, actor=None, release_mode=mode,
                                              message=lambda: _("Held by the risk assessment."),
                                              visible_to_declarant=True)
    else:
        _start_mode(decision, declaration, actor=None)
    return decision


def _start_mode(decision, declaration, *, actor):
    """Start what the decided mode needs: an inspection, a request for a report, or the release itself. The
    pipeline acts as the system (actor None) unless an officer resumes a held declaration."""
    if decision.inspection_reason:
        declaration_services.declaration_await_inspection(declaration=declaration, actor=actor,
                                                          release_mode=decision.mode,
                                                          message=decision.get_next_step_display)
        task = inspection_services.inspection_task_create(declaration=declaration, reason=decision.inspection_reason,
                                                          mode=decision.mode, actor=actor)
        decision.task = task
        decision.save(update_fields=["task"])
    elif decision.mode == matrix.VERIFY:
        declaration_services.declaration_request_documents(
            declaration=declaration, actor=actor, kinds=["test_report"], release_mode=decision.mode,
            message=lambda: _("Upload a test report of an accredited third-party laboratory for these goods."))
    else:
        _release(decision, declaration, actor=actor, inspection_result=InspectionResult.NOT_INSPECTED)
