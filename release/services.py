"""The clearance pipeline (DESIGN.md §2), sequenced here and nowhere else, and every write of the release app.

Views and API views of every app call these functions for the steps that cross apps: submitting a declaration
(:func:`clearance_submit`), verifying a third-party report (:func:`verify_release_decide`), releasing right
after sampling (:func:`sample_release`) and concluding an inspection (:func:`clearance_conclude`). A Celery beat
task (:func:`clearance_settle_pending`) settles any inspection concluded or sampled through another app's pages,
so a consignment never waits for a release that was due.
"""

from __future__ import annotations

import secrets
import time
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.i18n import choice_label, message_for_reader, stored_text
from ciq_portal.journal import journal_batch, journal_follow_up
from ciq_portal.reference import reference_forget
from ciq_portal.roles import Role, has_role
from declarations import services as declaration_services
from declarations.choices import DeclarationStatus, InspectionPlace, ReleaseMode
from declarations.models import Declaration

from . import clearance, matrix
from .choices import (
    InspectionResult,
    NegativeListKind,
    NextStep,
    PostCheckResult,
    PostCheckStatus,
    RecallSource,
    RecallStatus,
    ReleaseStatus,
    RiskTier,
)
from .models import (
    Certificate,
    DistributionRecord,
    EnterpriseTightening,
    NegativeListEntry,
    PostReleaseCheck,
    Recall,
    RecallNotice,
    Release,
    ReleaseDecision,
    ReleaseMatrixVersion,
)
from .selectors import MATRIX_KEY, NEGATIVE_LIST_KEY, negative_list_matches, release_matrix_current

STATS_PENDING_KEY = "release:stats-refresh-pending"
TIGHTENING_CONSIGNMENTS = 5
TIGHTENING_DAYS = 180
# Statuses in which a declaration still waits for its release.
WAITING_STATUSES = (DeclarationStatus.SUBMITTED, DeclarationStatus.AWAITING_DOCUMENTS,
                    DeclarationStatus.AWAITING_INSPECTION, DeclarationStatus.UNDER_INSPECTION)


def _require_role(actor, *roles, field="actor"):
    if actor is not None and not has_role(actor, *roles):
        raise ValidationError({field: [_("Your role may not do this.")]})


# --- Calls into the declarations app (its services own every write of a declaration) ----------------------------


def _event(*, declaration, kind, actor=None, message="", data=None, visible_to_declarant=True):
    return declaration_services.declaration_event_add(declaration=declaration, kind=kind, actor=actor,
                                                      message=message, data=data or {},
                                                      visible_to_declarant=visible_to_declarant)


# --- The release-mode matrix and the negative list (supervisors) -------------------------------------------------


@transaction.atomic
def release_matrix_update(*, cells, note: str = "", actor) -> ReleaseMatrixVersion:
    """Save a new version of the matrix (the previous ones stay for the decisions that used them)."""
    _require_role(actor, Role.SUPERVISOR, Role.ADMINISTRATOR, field="cells")
    errors = matrix.validate_cells(cells)
    if errors:
        raise ValidationError(errors)
    cells = matrix.normalise_cells(cells)
    last = ReleaseMatrixVersion.objects.select_for_update().order_by("-version").first()
    before = last.cells if last else matrix.DEFAULT_CELLS
    if cells == before:
        raise ValidationError({"cells": [_("The matrix is unchanged.")]})
    version = ReleaseMatrixVersion.objects.create(version=(last.version if last else 0) + 1, cells=cells,
                                                  note=(note or "").strip()[:300], created_by=actor)
    audit_record(actor=actor, action="release_matrix.update", obj=version, before=before,
                 after={"version": version.version, "cells": cells, "note": version.note})
    reference_forget(MATRIX_KEY)
    return version


NEGATIVE_LIST_MODES = (matrix.SAMPLE, matrix.SUPERVISED)


@transaction.atomic
def negative_list_add(*, kind, value, reason, actor, min_mode=matrix.SUPERVISED) -> NegativeListEntry:
    _require_role(actor, Role.SUPERVISOR, Role.ADMINISTRATOR, field="value")
    from declarations.models import HSCode

    value = (value or "").strip()
    errors = {}
    if kind not in NegativeListKind.values:
        errors["kind"] = [_("Choose an HS code prefix or a commodity category.")]
    elif kind == NegativeListKind.HS_PREFIX and not (value.isdigit() and 2 <= len(value) <= 10):
        errors["value"] = [_("An HS code prefix has 2 to 10 digits.")]
    elif kind == NegativeListKind.CATEGORY and not HSCode.objects.filter(category=value).exists():
        errors["value"] = [_("Unknown commodity category.")]
    if min_mode not in NEGATIVE_LIST_MODES:
        errors["min_mode"] = [_("Negative-list goods are inspected at the port: sample- or supervised-release.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason.")]
    if not errors and NegativeListEntry.objects.filter(kind=kind, value=value, active=True).exists():
        errors["value"] = [_("This entry is already on the negative list.")]
    if errors:
        raise ValidationError(errors)
    entry = NegativeListEntry.objects.create(kind=kind, value=value, min_mode=min_mode, reason=reason.strip()[:300],
                                             created_by=actor)
    audit_record(actor=actor, action="negative_list.add", obj=entry,
                 after={"kind": kind, "value": value, "min_mode": min_mode, "reason": entry.reason})
    reference_forget(NEGATIVE_LIST_KEY)
    return entry


@transaction.atomic
def negative_list_retire(*, entry, actor) -> NegativeListEntry:
    _require_role(actor, Role.SUPERVISOR, Role.ADMINISTRATOR, field="entry")
    entry = NegativeListEntry.objects.select_for_update().get(pk=entry.pk)
    if not entry.active:
        return entry
    entry.active, entry.retired_by, entry.retired_at = False, actor, timezone.now()
    entry.save(update_fields=["active", "retired_by", "retired_at"])
    audit_record(actor=actor, action="negative_list.retire", obj=entry, before={"active": True},
                 after={"active": False})
    reference_forget(NEGATIVE_LIST_KEY)
    return entry


# --- The decision -----------------------------------------------------------------------------------------------


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
        from inspection.services import object_draw_for_declaration

        draw = object_draw_for_declaration(declaration=declaration)
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
        from inspection.services import inspection_task_create

        declaration_services.declaration_await_inspection(declaration=declaration, actor=actor,
                                                          release_mode=decision.mode,
                                                          message=decision.get_next_step_display)
        task = inspection_task_create(declaration=declaration, reason=decision.inspection_reason, mode=decision.mode,
                                      actor=actor)
        decision.task = task
        decision.save(update_fields=["task"])
    elif decision.mode == matrix.VERIFY:
        declaration_services.declaration_request_documents(
            declaration=declaration, actor=actor, kinds=["test_report"], release_mode=decision.mode,
            message=lambda: _("Upload a test report of an accredited third-party laboratory for these goods."))
    else:
        _release(decision, declaration, actor=actor, inspection_result=InspectionResult.NOT_INSPECTED)


@transaction.atomic
def clearance_resume(*, declaration, actor, note: str = "") -> ReleaseDecision:
    """An officer lifts the risk hold: the dual-random draw and the decided mode's steps run as they would have at
    submission (the mode stays the one decided, with its matrix version and reasons)."""
    _require_role(actor, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR, field="declaration")
    decision = ReleaseDecision.objects.select_for_update().get(declaration=declaration)
    declaration = Declaration.objects.get(pk=declaration.pk)
    if not decision.on_hold or declaration.status != DeclarationStatus.ON_HOLD:
        raise ValidationError({"declaration": [_("This declaration is not on hold.")]})
    from inspection.services import object_draw_for_declaration

    draw = object_draw_for_declaration(declaration=declaration)
    reason = decision.inputs.get("force_inspection") and "risk" or (
        "release_mode" if decision.mode in (matrix.SAMPLE, matrix.SUPERVISED) else "")
    if draw.selected and not reason:
        reason = "random"
    decision.on_hold = False
    decision.random_selected = draw.selected
    decision.inspection_required, decision.inspection_reason = bool(reason), reason
    decision.next_step = (NextStep.AWAIT_SAMPLING if decision.mode == matrix.SAMPLE else NextStep.AWAIT_INSPECTION) \
        if reason else (NextStep.SUPPLY_REPORT if decision.mode == matrix.VERIFY else NextStep.NONE)
    decision.inputs = {**decision.inputs, "draw": draw.pk, "draw_selected": draw.selected, "resumed_by": actor.pk}
    decision.save(update_fields=["on_hold", "random_selected", "inspection_required", "inspection_reason",
                                 "next_step", "inputs"])
    audit_record(actor=actor, action="release_decision.resume", obj=decision, enterprise_id=decision.enterprise_id,
                 before={"on_hold": True}, after={"next_step": decision.next_step, "note": (note or "")[:500]})
    _start_mode(decision, declaration, actor=actor)
    decision.refresh_from_db()
    return decision


@transaction.atomic
def clearance_submit(*, declaration, actor):
    """Submit a draft and decide its release inside the same request: validation and draft → submitted
    (declarations), risk assessment (risk), release mode (matrix, negative list, forced modes), the dual-random
    overlay and dispatch (inspection), and for declare-release the release itself. Returns the declaration, with
    ``release_decision`` (mode, next step) attached."""
    from risk.services import declaration_assess

    # Several moves in one transaction: their timeline, audit and outbox rows go in one INSERT per table.
    with journal_batch():
        declaration = declaration_services.declaration_submit(declaration=declaration, actor=actor)
        assessment = declaration_assess(declaration=declaration, actor=actor)
        # A draft until a moment ago, and locked since: nothing can have decided it yet.
        decision = _decide(declaration, assessment, actor)
    declaration.release_decision = decision
    return declaration


# --- Release, certificate, trace code ---------------------------------------------------------------------------


def _certificate_number(port: str, on: date) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    tail = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"IQC{port[:4].upper()}{on:%Y%m%d}{tail}"


def _plain(number) -> str:
    """A decimal as people write it: 2000, 12.5 (never 2E+3)."""
    if number is None:
        return ""
    text = format(Decimal(number).normalize(), "f")
    return text


def _certificate_facts(release: Release, number: str, lines) -> dict:
    declaration = release.declaration
    enterprise = declaration.enterprise
    return {
        "number": number,
        "issued_on": timezone.localdate(release.released_at).isoformat(),
        "declaration_number": declaration.number,
        "importer_zh": enterprise.name_zh, "importer_en": enterprise.name_en or "",
        "importer_code": enterprise.uscc or "",
        "port": declaration.port_of_entry, "departure_country": declaration.departure_country,
        "vessel_voyage": declaration.vessel_voyage, "bill_of_lading": declaration.bill_of_lading,
        "release_mode": release.mode, "inspection_result": release.inspection_result,
        "released_on": release.released_on.isoformat(), "trace_code": release.trace_code,
        "lines": [{"hs_code": line.hs_code, "description": line.description, "origin": line.origin_country,
                   "quantity": _plain(line.quantity),
                   "unit": line.unit, "lots": line.lot_numbers}
                  for line in lines],
    }


def _certificate_issue(release: Release, lines) -> Certificate:
    from . import certificates

    number = _certificate_number(release.port, release.released_on)
    facts = _certificate_facts(release, number, lines)
    certificate = Certificate.objects.create(release=release, number=number, issued_at=release.released_at,
                                             facts=facts, signature=certificates.sign(facts))
    return certificate


@transaction.atomic(savepoint=False)  # no savepoint of its own when nested in the caller's transaction
def consignment_release(*, declaration, actor, inspection_result) -> Release:
    """Release a consignment whose mode's steps are done: the declaration moves to released, and the release
    gets its unguessable trace code and its signed certificate. Releasing again returns the first release."""
    decision = ReleaseDecision.objects.select_for_update().get(declaration=declaration)
    existing = Release.objects.filter(decision=decision).first()
    if existing:
        return existing
    declaration = Declaration.objects.select_related("enterprise").get(pk=declaration.pk)
    if declaration.status not in WAITING_STATUSES:
        raise ValidationError({"declaration": [_("This declaration cannot be released: it is %(s)s.") % {
            "s": declaration.get_status_display()}]})
    return _release(decision, declaration, actor=actor, inspection_result=inspection_result)


def _release(decision, declaration, *, actor, inspection_result) -> Release:
    """The release itself, for a decision locked (or made) in this transaction and a declaration waiting for it."""
    lines = list(declaration.lines.all())
    outcome = {InspectionResult.CONFORM: "conform", InspectionResult.NON_CONFORM: "non_conform"}.get(
        inspection_result)
    extra = {"inspection_outcome": outcome} if outcome else {}
    declaration = declaration_services.declaration_release(declaration=declaration, actor=actor,
                                                           release_mode=decision.mode, **extra)
    released_at = declaration.released_at or timezone.now()
    from_submission = clearance.minutes_between(declaration.submitted_at or decision.decided_at, released_at)
    from_arrival = clearance.minutes_between(clearance.arrival_time(declaration), released_at)
    release = Release.objects.create(
        declaration=declaration, enterprise_id=declaration.enterprise_id, decision=decision, mode=decision.mode,
        inspection_result=inspection_result, trace_code=secrets.token_urlsafe(16), released_at=released_at,
        released_on=timezone.localdate(released_at), released_by=actor if getattr(actor, "pk", None) else None,
        port=decision.port, grade=decision.grade, minutes_from_submission=from_submission,
        minutes_from_arrival=from_arrival, bucket_submission=clearance.bucket_of(from_submission),
        bucket_arrival=clearance.bucket_of(from_arrival))
    certificate = _certificate_issue(release, lines)
    if decision.next_step != NextStep.NONE:
        decision.next_step = NextStep.NONE
        decision.save(update_fields=["next_step"])
    transaction.on_commit(_queue_stats_refresh)
    audit_record(actor=actor, action="release.create", obj=release, enterprise_id=release.enterprise_id,
                 after={"declaration": declaration.number, "mode": release.mode,
                        "inspection_result": inspection_result, "certificate": certificate.number,
                        "signature": certificate.signature})
    def message():
        return _("Released (%(mode)s). Certificate %(n)s issued.") % {
            "mode": decision.get_mode_display(), "n": certificate.number}

    _event(declaration=declaration, kind="released", actor=actor, message=message,
           data={"certificate_number": certificate.number, "trace_code": release.trace_code})
    # The paperless release order for the declarant, the port and customs (webhooks after commit).
    _publish("declaration.released", release, message=message, payload={
        "mode": release.mode, "released_at": release.released_at, "inspection_result": release.inspection_result,
        "certificate_number": certificate.number, "trace_code": release.trace_code,
        "bill_of_lading": declaration.bill_of_lading, "containers": declaration.containers,
        "port": release.port}, actor=actor)
    return release


def _publish(event_type, release, *, message, payload, actor):
    from django.urls import reverse

    from ciq_portal.notifications import notification_publish

    declaration = release.declaration
    notification_publish(event_type=event_type, enterprise_id=release.enterprise_id, reference=declaration.number,
                         link=reverse("release:detail", args=[release.pk]), message=message, actor=actor,
                         payload={"declaration": declaration.number, **payload})


def _reject(declaration, actor, reason):
    """``reason``: a function building the bureau's text (stored in every language, ciq_portal.i18n)."""
    return declaration_services.declaration_reject(declaration=declaration, actor=actor, message=reason)


# --- Verify-release ---------------------------------------------------------------------------------------------


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
    from inspection.services import test_report_check

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


# --- Sample-release and inspections -----------------------------------------------------------------------------


@transaction.atomic
def sample_release(*, task, actor) -> Release:
    """Sample-release: the goods are released as soon as the officer has taken and sealed a sample; the
    laboratory result comes later (see :func:`clearance_settle`)."""
    from inspection.models import InspectionTask

    task = InspectionTask.objects.select_related("declaration").get(pk=task.pk)
    decision = ReleaseDecision.objects.select_for_update().get(declaration_id=task.declaration_id)
    if decision.mode != matrix.SAMPLE:
        raise ValidationError({"task": [_("Only sample-release lets the goods go before the inspection ends.")]})
    if not task.samples.exists():
        raise ValidationError({"task": [_("Take and seal a sample first.")]})
    return consignment_release(declaration=task.declaration, actor=actor,
                               inspection_result=InspectionResult.LAB_PENDING)


@transaction.atomic
def clearance_sample(*, task, actor, **sample):
    """Take and seal a sample (inspection.sample_take); under sample-release the goods are released at once."""
    from inspection.services import sample_take

    taken = sample_take(task=task, actor=actor, **sample)
    clearance_settle(declaration=task.declaration, actor=actor)
    return taken


@transaction.atomic
def clearance_conclude(*, task, conclusion: str, actor, disposition: str = "", note: str = ""):
    """Conclude an inspection (inspection.inspection_conclude) and settle the consignment at once: released when
    conform; rejected with the disposition when non-conform; for sample-release, the lab outcome."""
    from inspection.services import inspection_conclude

    task = inspection_conclude(task=task, conclusion=conclusion, disposition=disposition, note=note, actor=actor)
    clearance_settle(declaration=task.declaration, actor=actor)
    return task


def _lab_failure_credit_event(task, actor):
    """The lab failure's credit event, unless the inspection conclusion already recorded it."""
    from credit.models import CreditEvent
    from credit.services import credit_event_record

    if CreditEvent.objects.filter(enterprise_id=task.enterprise_id, kind="lab_failure",
                                  evidence_type="inspection_task", evidence_id=str(task.pk)).exists():
        return
    credit_event_record(enterprise=task.enterprise, kind="lab_failure", source="system",
                        evidence_type="inspection_task", evidence_id=str(task.pk),
                        note=lambda: _("Laboratory failure after sample-release"), actor=None)


@transaction.atomic
def clearance_settle(*, declaration, actor=None) -> ReleaseDecision | None:
    """Move a consignment on from what its inspection shows (idempotent; run after a conclusion and by the sweep).

    - sample-release, sample taken, not yet released → released (lab pending);
    - sample-release, released, task concluded → conform: result recorded; non-conform (lab failure): recall of
      the lot via its trace record, the credit event, stricter supervision of the enterprise's next consignments;
    - any other mode, task concluded → conform: released; non-conform: rejected with the disposition.
    """
    from inspection.choices import TaskStatus

    decision = (ReleaseDecision.objects.select_for_update(of=("self",)).select_related("task")
                .filter(declaration=declaration).first())
    if decision is None or decision.task_id is None:
        return decision
    task = decision.task
    actor = actor or task.concluded_by or task.assigned_to
    release = Release.objects.filter(decision=decision).first()
    if decision.mode == matrix.SAMPLE and release is None and task.samples.exists() \
            and task.status != TaskStatus.CANCELLED and not (task.status == TaskStatus.CONCLUDED
                                                             and task.conclusion == "non_conform"):
        release = consignment_release(declaration=declaration, actor=actor,
                                      inspection_result=InspectionResult.LAB_PENDING)
    if task.status != TaskStatus.CONCLUDED:
        return decision
    conform = task.conclusion == "conform"
    if release is not None:
        release = Release.objects.select_for_update().get(pk=release.pk)
        if release.inspection_result != InspectionResult.LAB_PENDING:
            return decision
        release.inspection_result = InspectionResult.CONFORM if conform else InspectionResult.NON_CONFORM
        release.save(update_fields=["inspection_result"])
        audit_record(actor=actor, action="release.lab_outcome", obj=release, enterprise_id=release.enterprise_id,
                     before={"inspection_result": InspectionResult.LAB_PENDING},
                     after={"inspection_result": release.inspection_result})
        if conform:
            _event(declaration=declaration, kind="lab_passed", actor=actor,
                   message=lambda: _("Laboratory result after sample-release: conform."))
        else:
            _lab_failure_credit_event(task, actor)
            recall_open(release=release, source=RecallSource.LAB_FAILURE, actor=actor,
                        reason=lambda: _("Laboratory failure after sample-release (inspection #%(t)s).")
                        % {"t": task.pk})
            # The reason is kept in the portal's default language; the decision page names the failure in the
            # reader's language from its source (forced_by "source_declaration").
            tightening = EnterpriseTightening.objects.create(
                enterprise_id=release.enterprise_id, min_mode=matrix.SUPERVISED,
                consignments_left=TIGHTENING_CONSIGNMENTS,
                expires_on=timezone.localdate() + timedelta(days=TIGHTENING_DAYS), source_release=release,
                reason=stored_text(lambda: _("Laboratory failure after sample-release of %(n)s")
                                   % {"n": declaration.number})[0][:300])
            audit_record(actor=actor, action="enterprise_tightening.create", obj=tightening,
                         enterprise_id=release.enterprise_id,
                         after={"min_mode": tightening.min_mode, "consignments": tightening.consignments_left,
                                "expires_on": tightening.expires_on})
        return decision
    current = Declaration.objects.get(pk=declaration.pk)
    if current.status not in WAITING_STATUSES:
        return decision
    if conform:
        consignment_release(declaration=current, actor=actor, inspection_result=InspectionResult.CONFORM)
    else:
        decision.next_step = NextStep.NONE
        decision.save(update_fields=["next_step"])
        _reject(current, actor, lambda: _("Non-conform; disposition: %(d)s.") % {"d": task.get_disposition_display()})
    return decision


def clearance_settle_pending(*, limit: int = 500) -> int:
    """The sweep (Celery beat): settle every consignment whose inspection was concluded, or whose sample was
    taken under sample-release, through pages that did not call :func:`clearance_conclude`."""
    from django.db.models import Q

    from inspection.choices import TaskStatus

    pending = (ReleaseDecision.objects.filter(task__isnull=False)
               .filter(Q(task__status=TaskStatus.CONCLUDED, declaration__status__in=WAITING_STATUSES)
                       | Q(task__status=TaskStatus.CONCLUDED, release__inspection_result=InspectionResult.LAB_PENDING)
                       | Q(mode=matrix.SAMPLE, release__isnull=True, task__samples__isnull=False,
                           declaration__status__in=WAITING_STATUSES))
               .values_list("declaration_id", flat=True).distinct()[:limit])
    settled = 0
    for declaration_id in list(pending):
        clearance_settle(declaration=Declaration.objects.get(pk=declaration_id), actor=None)
        settled += 1
    return settled


# --- Distribution, recalls, post-release checks -----------------------------------------------------------------


def _require_enterprise_actor(actor, release, field):
    from ciq_portal.roles import is_bureau_user
    from ciq_portal.scoping import user_enterprise_id

    if is_bureau_user(actor):
        return
    if user_enterprise_id(actor) != release.enterprise_id:
        raise ValidationError({field: [_("Only the importer of these goods may record this.")]})


def _notice(recall, distribution) -> RecallNotice:
    notice, created = RecallNotice.objects.get_or_create(
        recall=recall, distribution=distribution,
        defaults={"token": secrets.token_urlsafe(24), "notified_at": timezone.now()})
    if created:
        from .tasks import recall_notice_send_task

        recall_notice_send_task.delay_on_commit(notice.pk)
    return notice


def recall_notice_send(*, notice) -> bool:
    """Send the notice to the buyer's e-mail address, if one was recorded, with the link to acknowledge it
    (a telephone contact is called by the importer, who records the acknowledgement). Idempotent per notice
    only in effect: a second run sends the same message again, which is harmless for a recall."""
    from django.core.mail import send_mail
    from django.urls import reverse

    from .certificates import public_base_url

    contact = (notice.distribution.buyer_contact or "").strip()
    if "@" not in contact or notice.acknowledged_at:
        return False
    release = notice.recall.release
    goods = ", ".join(release.declaration.lines.values_list("description", flat=True))
    link = public_base_url() + reverse("release:recall_ack", args=[notice.token])
    subject = _("Recall of goods you bought: %(goods)s") % {"goods": goods[:120]}
    body = _("%(importer)s recalls goods you bought on %(date)s (%(quantity)s %(unit)s): %(goods)s.\n"
             "Reason: %(reason)s\nStop selling them, keep them apart and confirm receipt of this notice: %(link)s") % {
        "importer": release.enterprise.name_zh, "date": notice.distribution.distributed_on,
        "quantity": _plain(notice.distribution.quantity), "unit": notice.distribution.unit, "goods": goods,
        "reason": notice.recall.reason, "link": link}
    return bool(send_mail(subject, body, None, [contact], fail_silently=True))


@transaction.atomic
def distribution_record_add(*, release, buyer_name, quantity, unit, distributed_on, actor,
                            buyer_contact: str = "") -> DistributionRecord:
    """The importer records a sale downstream (buyer, quantity, date). Under an open recall, the buyer is
    notified at once."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    _require_enterprise_actor(actor, release, "buyer_name")
    errors = {}
    if not (buyer_name or "").strip():
        errors["buyer_name"] = [_("Name the buyer.")]
    try:
        quantity = Decimal(str(quantity))
        if not quantity.is_finite() or quantity <= 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError, TypeError):
        errors["quantity"] = [_("The quantity must be greater than zero.")]
    if not (unit or "").strip():
        errors["unit"] = [_("This field is required.")]
    if isinstance(distributed_on, str):
        try:
            distributed_on = date.fromisoformat(distributed_on)
        except ValueError:
            errors["distributed_on"] = [_("Enter a date as YYYY-MM-DD.")]
    if isinstance(distributed_on, date):
        if distributed_on < release.released_on:
            errors["distributed_on"] = [_("The goods cannot be sold before their release.")]
        elif distributed_on > timezone.localdate():
            errors["distributed_on"] = [_("The date cannot be in the future.")]
    elif "distributed_on" not in errors:
        errors["distributed_on"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    record = DistributionRecord.objects.create(release=release, buyer_name=buyer_name.strip()[:200],
                                               buyer_contact=(buyer_contact or "").strip()[:200], quantity=quantity,
                                               unit=unit.strip()[:16], distributed_on=distributed_on,
                                               recorded_by=actor)
    audit_record(actor=actor, action="distribution.add", obj=record, enterprise_id=release.enterprise_id,
                 after={"release": release.pk, "buyer": record.buyer_name, "quantity": quantity, "unit": record.unit,
                        "date": distributed_on})
    recall = release.recalls.filter(status=RecallStatus.OPEN).first()
    if recall is not None:
        _notice(recall, record)
    return record


@transaction.atomic
def recall_open(*, release, source, reason, actor) -> Recall:
    """Recall a released lot: its trace page shows the recall at once and every recorded buyer gets a notice to
    acknowledge. A recall decided by the bureau also adds the enterprise's "recall" credit event.

    ``reason``: an officer's words as typed, or a function building the bureau's text (the timeline and the
    notification keep it in every language, ciq_portal.i18n; the recall row in the portal's default language)."""
    if actor is not None and source == RecallSource.MANUAL:
        _require_role(actor, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR, field="reason")
    if source not in RecallSource.values:
        raise ValidationError({"source": [_("Unknown cause of recall.")]})
    reason_text = reason if callable(reason) else None
    if reason_text is not None:
        reason = stored_text(reason_text)[0]
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    release = Release.objects.select_for_update().get(pk=release.pk)
    open_recall = release.recalls.filter(status=RecallStatus.OPEN).first()
    if open_recall is not None:
        return open_recall
    now = timezone.now()
    recall = Recall.objects.create(release=release, source=source, reason=reason.strip(), opened_at=now,
                                   opened_by=actor if getattr(actor, "pk", None) else None)
    for record in release.distributions.all():
        _notice(recall, record)
    before = release.status
    release.status, release.recalled_at = ReleaseStatus.RECALLED, now
    release.save(update_fields=["status", "recalled_at"])
    audit_record(actor=actor, action="recall.open", obj=recall, enterprise_id=release.enterprise_id,
                 before={"status": before}, after={"release": release.pk, "source": source, "reason": recall.reason,
                                                   "buyers": release.distributions.count()})
    def message():
        return _("Recall of the lot: %(r)s") % {"r": reason_text() if reason_text else recall.reason}

    _event(declaration=release.declaration, kind="recalled", actor=actor, message=message, data={"recall": recall.pk})
    _publish("recall.issued", release, message=message, actor=actor, payload={
        "trace_code": release.trace_code, "reason": recall.reason, "cause": source, "opened_at": now,
        "buyers": release.distributions.count()})
    if source == RecallSource.MANUAL:
        from credit.services import credit_event_record

        credit_event_record(enterprise=release.enterprise, kind="recall", source="officer",
                            evidence_type="release", evidence_id=release.declaration.number,
                            note=recall.reason[:400], actor=actor)
    return recall


@transaction.atomic
def recall_notice_acknowledge(*, notice, by_name: str, note: str = "", actor=None) -> RecallNotice:
    """A buyer (through the link of the notice) or the importer on the buyer's behalf confirms receipt."""
    notice = RecallNotice.objects.select_for_update().select_related("recall__release").get(pk=notice.pk)
    if actor is not None:
        _require_enterprise_actor(actor, notice.recall.release, "by_name")
    if not (by_name or "").strip():
        raise ValidationError({"by_name": [_("Say who acknowledges the recall.")]})
    if notice.acknowledged_at:
        return notice
    notice.acknowledged_at = timezone.now()
    notice.acknowledged_by = by_name.strip()[:120]
    notice.acknowledgement_note = (note or "").strip()[:500]
    notice.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    audit_record(actor=actor, action="recall_notice.acknowledge", obj=notice,
                 enterprise_id=notice.recall.release.enterprise_id,
                 after={"by": notice.acknowledged_by, "note": notice.acknowledgement_note})
    return notice


@transaction.atomic
def recall_close(*, recall, note: str, actor) -> Recall:
    _require_role(actor, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR, field="note")
    recall = Recall.objects.select_for_update().get(pk=recall.pk)
    if recall.status != RecallStatus.OPEN:
        raise ValidationError({"note": [_("This recall is already closed.")]})
    waiting = recall.notices.filter(acknowledged_at__isnull=True).count()
    if waiting and not (note or "").strip():
        raise ValidationError({"note": [_("%(n)d buyer(s) have not acknowledged: say why the recall may close.")
                                        % {"n": waiting}]})
    recall.status, recall.closed_at, recall.closed_by = RecallStatus.CLOSED, timezone.now(), actor
    recall.closing_note = (note or "").strip()
    recall.save(update_fields=["status", "closed_at", "closed_by", "closing_note"])
    audit_record(actor=actor, action="recall.close", obj=recall, enterprise_id=recall.release.enterprise_id,
                 before={"status": RecallStatus.OPEN}, after={"status": recall.status, "unacknowledged": waiting,
                                                              "note": recall.closing_note})
    return recall


@transaction.atomic
def post_check_schedule(*, release, scheduled_for, reason, actor) -> PostReleaseCheck:
    _require_role(actor, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR, field="reason")
    errors = {}
    if isinstance(scheduled_for, str):
        try:
            scheduled_for = date.fromisoformat(scheduled_for)
        except ValueError:
            errors["scheduled_for"] = [_("Enter a date as YYYY-MM-DD.")]
    if isinstance(scheduled_for, date) and scheduled_for < timezone.localdate():
        errors["scheduled_for"] = [_("Schedule the check for today or later.")]
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason.")]
    if errors:
        raise ValidationError(errors)
    check = PostReleaseCheck.objects.create(release=release, scheduled_for=scheduled_for,
                                            reason=reason.strip()[:300], created_by=actor)
    audit_record(actor=actor, action="post_check.schedule", obj=check, enterprise_id=release.enterprise_id,
                 after={"release": release.pk, "scheduled_for": scheduled_for, "reason": check.reason})
    _event(declaration=release.declaration, kind="post_check_scheduled", actor=actor, visible_to_declarant=False,
           message=lambda: _("Post-release check scheduled for %(d)s.") % {"d": scheduled_for})
    return check


@transaction.atomic
def post_check_record(*, check, result, findings: str, actor) -> PostReleaseCheck:
    """Record a post-release check; a non-conformity recalls the lot."""
    _require_role(actor, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR, field="result")
    check = PostReleaseCheck.objects.select_for_update().select_related("release").get(pk=check.pk)
    if check.status != PostCheckStatus.SCHEDULED:
        raise ValidationError({"result": [_("This check is already closed.")]})
    if result not in PostCheckResult.values:
        raise ValidationError({"result": [_("Choose conform or non-conform.")]})
    if result == PostCheckResult.NON_CONFORM and not (findings or "").strip():
        raise ValidationError({"findings": [_("Describe what was found.")]})
    check.status, check.result, check.findings = PostCheckStatus.DONE, result, (findings or "").strip()
    check.done_by, check.done_at = actor, timezone.now()
    check.save(update_fields=["status", "result", "findings", "done_by", "done_at"])
    audit_record(actor=actor, action="post_check.record", obj=check, enterprise_id=check.release.enterprise_id,
                 before={"status": PostCheckStatus.SCHEDULED}, after={"result": result, "findings": check.findings})
    if result == PostCheckResult.NON_CONFORM:
        findings = check.findings
        recall_open(release=check.release, source=RecallSource.POST_RELEASE_CHECK, actor=actor,
                    reason=lambda: _("Post-release check found a non-conformity: %(f)s") % {"f": findings})
    return check


# --- Materialised dashboard figures ----------------------------------------------------------------------------


def _queue_stats_refresh():
    # The dashboard shows a release within CIQ["STATS_FOLLOW_UP_SECONDS"], not at the beat's next sweep.
    from .tasks import release_stats_refresh_task

    journal_follow_up(STATS_PENDING_KEY, release_stats_refresh_task, seconds=settings.CIQ["STATS_FOLLOW_UP_SECONDS"])


def release_stats_refresh(*, first_day: date | None = None, last_day: date | None = None) -> int:
    """Recompute the dashboard's summary rows for [first_day, last_day] (default: yesterday and today) in one
    transaction; idempotent, so a task that runs twice leaves the same rows."""
    from . import stats
    from .models import StatsRefresh

    cache.delete(STATS_PENDING_KEY)  # a release committed from now on queues the next refresh
    today = timezone.localdate()
    last_day = last_day or today
    first_day = first_day or (last_day - timedelta(days=1))
    started = time.monotonic()
    with transaction.atomic():
        rows = stats.rebuild(first_day, last_day)
        StatsRefresh.objects.create(refreshed_at=timezone.now(), first_day=first_day, last_day=last_day, rows=rows,
                                    seconds=round(time.monotonic() - started, 3))
    return rows
