"""The clearance pipeline, sequenced here and nowhere else: submitting a declaration and deciding its release in
the same request, resuming a held one, and settling a consignment from what its inspection shows (after a
conclusion or a sample, and by a beat task for those recorded through the inspection app's own pages)."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.i18n import stored_text
from ciq_portal.journal import journal_batch
from ciq_portal.roles import Role
from credit.models import CreditEvent
from credit.selectors import inspection_ratio_for_grade
from credit.services import credit_event_record
from declarations import services as declaration_services
from declarations.choices import DeclarationStatus
from declarations.models import Declaration
from inspection import services as inspection_services
from inspection.choices import TaskReason, TaskStatus
from inspection.models import InspectionTask
from risk.services import declaration_assess

from .. import deciding, matrix
from ..choices import InspectionResult, NextStep, RecallSource, Selection
from ..models import EnterpriseTightening, Release, ReleaseDecision
from ._shared import WAITING_STATUSES, _event, _reject, _require_role
from .decision import _decide_release, _start_mode
from .recalls import recall_open
from .releasing import consignment_release

TIGHTENING_CONSIGNMENTS = 5
TIGHTENING_DAYS = 180


@transaction.atomic
def clearance_resume(*, declaration, actor, note: str = "") -> ReleaseDecision:
    """An officer lifts the risk hold: the dual-random draw and the decided mode's steps run as they would have at
    submission (the mode stays the one decided, with its matrix version and reasons)."""
    _require_role(actor, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR, field="declaration")
    decision = ReleaseDecision.objects.select_for_update().get(declaration=declaration)
    declaration = Declaration.objects.get(pk=declaration.pk)
    if not resume_possible(decision, declaration):
        raise ValidationError({"declaration": [_("This declaration is not on hold.")]})
    draw = inspection_services.object_draw_for_declaration(declaration=declaration)
    reason, next_step = deciding.inspection_and_next_step(
        mode=decision.mode, force_inspection=bool(decision.inputs.get("force_inspection")), drawn=draw.selected)
    decision.on_hold = False
    decision.random_selected = draw.selected
    decision.inspection_required, decision.inspection_reason = bool(reason), reason
    decision.next_step = next_step
    decision.selection = _resumed_selection(decision, reason)
    decision.selection_probability = (None if not decision.selection else
                                      inspection_ratio_for_grade(decision.grade)[0]
                                      if decision.selection == Selection.RANDOM else 1.0)
    decision.inputs = {**decision.inputs, "draw": draw.pk, "draw_selected": draw.selected, "resumed_by": actor.pk,
                       "selection": decision.selection}
    decision.save(update_fields=["on_hold", "random_selected", "inspection_required", "inspection_reason",
                                 "next_step", "inputs", "selection", "selection_probability"])
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
    # Several moves in one transaction: their timeline, audit and outbox rows go in one INSERT per table.
    with journal_batch():
        declaration = declaration_services.declaration_submit(declaration=declaration, actor=actor)
        assessment = declaration_assess(declaration=declaration, actor=actor)
        # A draft until a moment ago, and locked since: nothing can have decided it yet.
        decision = _decide_release(declaration, assessment, actor)
    declaration.release_decision = decision
    return declaration


def _resumed_selection(decision, reason) -> str:
    """Why a resumed declaration is inspected, as the budget counts it (the mode was decided at submission)."""
    if not reason:
        return ""
    if reason == TaskReason.RANDOM:
        return Selection.RANDOM
    forced = reason == TaskReason.RISK or any(entry.get("mode") in deciding.INSPECTING_MODES
                                              for entry in decision.forced_by or [])
    if forced:
        return Selection.FORCED
    return Selection.TARGETED if decision.cutoffs_version else Selection.MATRIX


def resume_possible(decision, declaration) -> bool:
    """The risk hold may be lifted: the decision holds the declaration and it is still on hold."""
    return decision.on_hold and declaration.status == DeclarationStatus.ON_HOLD


def sample_release_possible(decision, task) -> bool:
    """Sample-release may let the goods go: the mode is sample-release, a sample is taken, and they are not
    released yet."""
    return (task is not None and decision.mode == matrix.SAMPLE and task.samples.exists()
            and not Release.objects.filter(declaration_id=decision.declaration_id).exists())


@transaction.atomic
def sample_release(*, task, actor) -> Release:
    """Sample-release: the goods are released as soon as the officer has taken and sealed a sample; the
    laboratory result comes later (see :func:`clearance_settle`)."""
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
    taken = inspection_services.sample_take(task=task, actor=actor, **sample)
    clearance_settle(declaration=task.declaration, actor=actor)
    return taken


@transaction.atomic
def clearance_conclude(*, task, conclusion: str, actor, disposition: str = "", note: str = ""):
    """Conclude an inspection (inspection.inspection_conclude) and settle the consignment at once: released when
    conform; rejected with the disposition when non-conform; for sample-release, the lab outcome."""
    task = inspection_services.inspection_conclude(task=task, conclusion=conclusion, disposition=disposition,
                                                   note=note, actor=actor)
    clearance_settle(declaration=task.declaration, actor=actor)
    return task


def _lab_failure_credit_event(task, actor):
    """The lab failure's credit event, unless the inspection conclusion already recorded it."""
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
