"""The release decision's writer: it gathers the inputs (the matrix in force, the negative list, the risk assessment,
the enterprise's tightened supervision, the dual-random draw), lets ``release.deciding`` decide, records the
``ReleaseDecision`` and starts what the mode needs."""

from dataclasses import replace
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.i18n import choice_label, stored_text
from credit.choices import CreditEventKind
from credit.models import CreditEvent
from credit.selectors import inspection_ratio_for_grade
from declarations import services as declaration_services
from declarations.choices import ReleaseMode
from declarations.nomenclature import hs_categories
from inspection import services as inspection_services
from inspection.choices import TaskStatus
from inspection.models import InspectionTask
from risk.selectors import bulletin_hazards

from .. import deciding, matrix, targeting
from ..choices import InspectionResult, NegativeListKind, RiskTier, Selection
from ..models import EnterpriseTightening, Release, ReleaseDecision
from ..selectors import negative_list_matches, release_matrix_current, selection_cutoffs_current
from ._shared import _event
from .releasing import _release

# The credit events that stand for the KCS data's "Critical Fraud" in an enterprise's history.
CRITICAL_FRAUD_KINDS = (CreditEventKind.SMUGGLING, CreditEventKind.FALSIFICATION)


def _stored_label(text) -> str:
    """A ``forced_by`` label as stored (in the portal's default language, whoever's request decided): the page shows
    a label it builds from the entry's code and fields in the reader's language; ``label`` stays for the API and for
    decisions stored before (release/templates/release/decision.html)."""
    return stored_text(text)[0]


def _tightening_source(source_release_id) -> str:
    """The declaration whose lab failure tightened the supervision (the page names it in the reader's language)."""
    if source_release_id is None:
        return ""
    return (Release.objects.filter(pk=source_release_id)
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
    return _decide_release(declaration, assessment, actor)


def _decide_release(declaration, assessment, actor) -> ReleaseDecision:
    """Gather the inputs (the matrix in force, the negative list, the risk assessment, the enterprise's tightened
    supervision, the dual-random draw), decide (release.deciding), record the decision and start what its mode
    needs: the release at once, a request for a report, an inspection, or the hold."""
    now = timezone.now()
    version, cells = release_matrix_current()
    negatives = negative_list_matches(declaration)
    tightening = _active_tightening(declaration.enterprise_id, timezone.localdate(now))
    inputs = _with_targeting(_decision_inputs(declaration, assessment, cells, negatives, tightening),
                             declaration, assessment)
    if tightening is not None:  # every consignment decided while it is in force uses one up
        tightening.consignments_left -= 1
        tightening.save(update_fields=["consignments_left"])
    if deciding.direct_release_refused(inputs):
        _event(declaration=declaration, kind="direct_release_refused", actor=actor,
               message=lambda: _("Goods on the negative list are inspected at the port of entry, "
                                 "not at destination."))
    draw = None if inputs.hold else inspection_services.object_draw_for_declaration(declaration=declaration)
    inputs = replace(inputs, drawn=bool(draw and draw.selected))
    outcome = deciding.decide(inputs)
    if outcome.selection == Selection.TARGETED and _sites_full(declaration, now):
        inputs = replace(inputs, capacity_full=True, capacity_overflow=settings.CIQ["CAPACITY_OVERFLOW"])
        outcome = deciding.decide(inputs)
    decision = _decision_record(declaration, assessment, actor, inputs, outcome, version=version, draw=draw, now=now)
    if outcome.on_hold:
        declaration_services.declaration_hold(declaration=declaration, actor=None, release_mode=outcome.mode,
                                              message=lambda: _("Held by the risk assessment."),
                                              visible_to_declarant=True)
    else:
        _start_mode(decision, declaration, actor=None)
    return decision


def _decision_inputs(declaration, assessment, cells, negatives, tightening) -> deciding.DecisionInputs:
    reasons = getattr(assessment, "reasons", None) or []
    return deciding.DecisionInputs(
        tier=getattr(assessment, "tier", "") or "medium", grade=declaration.enterprise.credit_grade, cells=cells,
        negative_list=tuple(deciding.NegativeListMatch(entry=e.pk, kind=e.kind, value=e.value, reason=e.reason,
                                                       min_mode=e.min_mode) for e in negatives),
        risk_forced_mode=getattr(assessment, "forced_release_mode", "") or "",
        risk_reason_codes=tuple(str(r.get("code", "")) for r in reasons if isinstance(r, dict)),
        force_inspection=bool(getattr(assessment, "force_inspection", False)),
        hold=bool(getattr(assessment, "hold", False)),
        tightening=None if tightening is None else deciding.Tightening(
            tightening=tightening.pk, min_mode=tightening.min_mode, reason=tightening.reason,
            source_release=tightening.source_release_id),
        inspection_place_requested=declaration.inspection_place, destination_office=declaration.destination_office)


def _expected_harm(declaration, assessment) -> tuple[float, float]:
    """(expected harm, probability of non-conformity): the model's probability (the score's share without a model)
    weighted by the goods' category, their value, the hazard of a bulletin they match and the enterprise's history
    of critical fraud (smuggling, falsified documents)."""
    model_score = getattr(assessment, "model_score", None)
    probability = model_score if model_score is not None else (getattr(assessment, "score", 0) or 0) / 100
    lines = list(declaration.lines.values_list("hs_code", "value"))
    categories = set().union(*(hs_categories(code) for code, _value in lines)) if lines else set()
    hazards_by_bulletin = bulletin_hazards()
    hazards = [hazards_by_bulletin.get(int(code.rsplit("-", 1)[1]), "")
               for code in (str(r.get("code", "")) for r in (getattr(assessment, "reasons", None) or [])
                            if isinstance(r, dict) and r.get("kind") == "bulletin")
               if code.rsplit("-", 1)[-1].isdigit()]
    critical = CreditEvent.objects.filter(enterprise_id=declaration.enterprise_id,
                                          kind__in=CRITICAL_FRAUD_KINDS).exists()
    harm = targeting.expected_harm(probability=probability, categories=categories,
                                   value=float(sum(value or 0 for _code, value in lines)), hazards=hazards,
                                   critical_history=critical)
    return harm, probability


def _selection_probability(selection: str, grade: str) -> float | None:
    """1 for an inspection that did not depend on chance, the grade's random ratio for the random control sample."""
    if not selection:
        return None
    return inspection_ratio_for_grade(grade)[0] if selection == Selection.RANDOM else 1.0


def _sites_full(declaration, now) -> bool:
    """Every site able to take the goods has used its capacity for the day (asked only of a targeted inspection)."""
    site = inspection_services.site_route(category=inspection_services.declaration_category(declaration),
                                          port=declaration.port_of_entry, day=timezone.localdate(now))
    if site is None:
        return False
    used = InspectionTask.objects.filter(site=site, scheduled_for=timezone.localdate(now)).exclude(
        status=TaskStatus.CANCELLED).count()
    return used >= site.capacity_per_day


def _with_targeting(inputs: deciding.DecisionInputs, declaration, assessment) -> deciding.DecisionInputs:
    """The expected harm, and the grade's cut-off where the cut-offs in force have one computed from decisions."""
    harm, probability = _expected_harm(declaration, assessment)
    cutoffs = selection_cutoffs_current()
    grade_cut = (cutoffs or {}).get("grades", {}).get(inputs.grade) if cutoffs else None
    enabled = bool(grade_cut and grade_cut.get("decisions"))
    return replace(inputs, budget_targeting=enabled, harm=harm, harm_cutoff=grade_cut["cutoff"] if enabled else None,
                   harm_tie_share=grade_cut.get("tie_share", 1.0) if enabled else 1.0,
                   harm_above_share=grade_cut.get("above_share", 1.0) if enabled else 1.0,
                   harm_tie_draw=targeting.tie_draw(declaration.number),
                   hit_probability=probability, cutoffs_version=cutoffs["version"] if enabled else None)


def _forced_by_entry(stricter: deciding.Stricter) -> dict:
    """A constraint that made the mode stricter, as ``ReleaseDecision.forced_by`` keeps it."""
    source = stricter.source
    if isinstance(source, deciding.NegativeListMatch):
        return {"code": stricter.code, "mode": stricter.mode, "entry": source.entry, "kind": source.kind,
                "value": source.value, "reason": source.reason,
                "label": _stored_label(lambda: f"{choice_label(NegativeListKind, source.kind)} {source.value}: "
                                               f"{source.reason}")}
    if isinstance(source, deciding.Tightening):
        return {"code": stricter.code, "mode": stricter.mode, "tightening": source.tightening,
                "source_declaration": _tightening_source(source.source_release), "label": source.reason}
    return {"code": stricter.code, "mode": stricter.mode, "label": _stored_label(lambda: _("risk assessment"))}


def _decision_record(declaration, assessment, actor, inputs, outcome, *, version, draw, now) -> ReleaseDecision:
    """The decision stored with what it was made from, its audit row and its two timeline events."""
    forced_by = [_forced_by_entry(stricter) for stricter in outcome.stricter_by]
    recorded = {
        "tier": inputs.tier, "grade": inputs.grade, "score": getattr(assessment, "score", None),
        "risk_assessment": getattr(assessment, "pk", None),
        "rules_version": str(getattr(assessment, "rules_version", "") or ""),
        "model_version": str(getattr(assessment, "model_version", "") or ""),
        "force_inspection": inputs.force_inspection, "hold": inputs.hold,
        "hs_codes": sorted({line.hs_code for line in declaration.lines.all()}),
        "inspection_place_requested": inputs.inspection_place_requested,
        "draw": draw.pk if draw else None, "draw_selected": outcome.random_selected,
        "harm": inputs.harm, "harm_cutoff": inputs.harm_cutoff, "cutoffs_version": inputs.cutoffs_version,
        "selection": outcome.selection, "budget_lightened": outcome.budget_lightened,
        "capacity_moved": outcome.capacity_moved,
    }
    decision = ReleaseDecision.objects.create(
        declaration=declaration, enterprise=declaration.enterprise, decided_at=now, decided_on=timezone.localdate(now),
        port=declaration.port_of_entry, grade=inputs.grade, tier=inputs.tier,
        risk_score=getattr(assessment, "score", None), matrix_version=version, matrix_mode=outcome.matrix_mode,
        mode=outcome.mode, forced_by=forced_by, random_selected=outcome.random_selected,
        inspection_required=outcome.inspection_required, inspection_reason=outcome.inspection_reason,
        inspection_place=outcome.inspection_place, destination_office=outcome.destination_office,
        next_step=outcome.next_step, on_hold=outcome.on_hold, inputs=recorded, harm=inputs.harm,
        hit_probability=inputs.hit_probability, selection=outcome.selection, cutoffs_version=inputs.cutoffs_version,
        capacity_moved=outcome.capacity_moved,
        selection_probability=_selection_probability(outcome.selection, inputs.grade))
    audit_record(actor=actor, action="release_decision.create", obj=decision, enterprise_id=declaration.enterprise_id,
                 after={"declaration": declaration.number, "matrix_version": version,
                        "matrix_mode": outcome.matrix_mode, "mode": outcome.mode, "forced_by": forced_by,
                        "inputs": recorded, "next_step": outcome.next_step})
    # The declarant sees the mode and the next step; the reasons stay with the bureau.
    _event(declaration=declaration, kind="release_mode_decided", actor=actor,
           message=lambda: _("Release mode: %(mode)s. Next: %(next)s") % {
               "mode": ReleaseMode(outcome.mode).label, "next": decision.get_next_step_display()},
           data={"mode": outcome.mode, "next_step": outcome.next_step})
    _event(declaration=declaration, kind="release_mode_reasons", actor=actor, visible_to_declarant=False,
           message=lambda: _("Matrix v%(v)s gave %(m)s for tier %(t)s and grade %(g)s.") % {
               "v": version, "m": choice_label(ReleaseMode, outcome.matrix_mode),
               "t": choice_label(RiskTier, inputs.tier), "g": inputs.grade},
           data={"forced_by": forced_by, "inputs": recorded})
    return decision


def _start_mode(decision, declaration, *, actor):
    """Start what the decided mode needs: an inspection, a request for a report, or the release itself. The
    pipeline acts as the system (actor None) unless an officer resumes a held declaration."""
    if decision.inspection_reason:
        declaration_services.declaration_await_inspection(declaration=declaration, actor=actor,
                                                          release_mode=decision.mode,
                                                          message=decision.get_next_step_display)
        next_day = decision.capacity_moved == "next_day"
        task = inspection_services.inspection_task_create(
            declaration=declaration, reason=decision.inspection_reason, mode=decision.mode, actor=actor,
            scheduled_for=timezone.localdate() + timedelta(days=1) if next_day else None)
        decision.task = task
        decision.save(update_fields=["task"])
    elif decision.mode == matrix.VERIFY:
        declaration_services.declaration_request_documents(
            declaration=declaration, actor=actor, kinds=["test_report"], release_mode=decision.mode,
            message=lambda: _("Upload a test report of an accredited third-party laboratory for these goods."))
    else:
        _release(decision, declaration, actor=actor, inspection_result=InspectionResult.NOT_INSPECTED)
