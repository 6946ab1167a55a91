"""Bulk submit: a declarant submits several drafts together (chosen, or every draft left of a bulk import). A task
runs each through the clearance pipeline (:func:`clearance_submit`) in its own transaction, so each is submitted
whole or stays a draft with the errors that refused it; the page and the API follow the progress."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.roles import Role
from ciq_portal.scoping import user_enterprise_id
from declarations.choices import DeclarationStatus
from declarations.models import Declaration

from ..choices import BulkItemStatus, BulkSubmissionStatus
from ..models import BulkSubmission, BulkSubmissionItem
from ..selectors import BULK_SUBMIT_MAX
from ..tasks import bulk_submission_run_task
from ._shared import _require_role
from .pipeline import clearance_submit


def _chosen_drafts(*, enterprise_id, declaration_ids, import_job) -> list[int]:
    drafts = Declaration.objects.filter(enterprise_id=enterprise_id, status=DeclarationStatus.DRAFT)
    if import_job is not None:
        if import_job.enterprise_id != enterprise_id:
            raise ValidationError({"import_job": [_("This import is not your enterprise's.")]})
        chosen = list(drafts.filter(import_job=import_job).order_by("pk").values_list("pk", flat=True))
        if not chosen:
            raise ValidationError({"import_job": [_("This import has no drafts left to submit.")]})
        return chosen[:BULK_SUBMIT_MAX]
    chosen = list(dict.fromkeys(declaration_ids or ()))
    if not chosen:
        raise ValidationError({"declarations": [_("Choose at least one draft.")]})
    if len(chosen) > BULK_SUBMIT_MAX:
        raise ValidationError({"declarations": [_("Submit at most %(n)s declarations at once.")
                                                % {"n": BULK_SUBMIT_MAX}]})
    found = set(drafts.filter(pk__in=chosen).values_list("pk", flat=True))
    if len(found) != len(chosen):
        raise ValidationError({"declarations": [
            _("Only drafts of your enterprise can be submitted; not: %(ids)s.")
            % {"ids": ", ".join(str(pk) for pk in chosen if pk not in found)}]})
    return chosen


@transaction.atomic
def bulk_submission_start(*, actor, declaration_ids=None, import_job=None) -> BulkSubmission:
    """Queue the drafts ``declaration_ids`` (or every draft left of ``import_job``) for submission together; the
    task starts after commit. Declarants only, their enterprise's drafts only."""
    _require_role(actor, Role.DECLARANT, field="declarations")
    enterprise_id = user_enterprise_id(actor)
    if enterprise_id is None:
        raise ValidationError({"declarations": [_("Only an enterprise's declarant can submit declarations.")]})
    chosen = _chosen_drafts(enterprise_id=enterprise_id, declaration_ids=declaration_ids, import_job=import_job)
    submission = BulkSubmission.objects.create(enterprise_id=enterprise_id, created_by=actor, import_job=import_job,
                                               language=translation.get_language() or settings.LANGUAGE_CODE,
                                               total=len(chosen))
    BulkSubmissionItem.objects.bulk_create([BulkSubmissionItem(submission=submission, declaration_id=pk, position=n)
                                            for n, pk in enumerate(chosen, start=1)])
    audit_record(actor=actor, action="bulk_submission.start", obj=submission, enterprise_id=enterprise_id,
                 after={"declarations": chosen, "import_job": import_job.pk if import_job else None})
    bulk_submission_run_task.delay_on_commit(submission.pk)
    return submission


def _error_dict(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {"declaration": exc.messages}


@transaction.atomic
def _bulk_item_submit(item_id: int, actor) -> None:
    """Submit one draft of the batch and record its outcome in the same transaction, so a worker killed between
    the two never leaves a submitted declaration marked pending (or the reverse)."""
    item = BulkSubmissionItem.objects.select_for_update().get(pk=item_id)
    if item.status != BulkItemStatus.PENDING:
        return
    try:
        with transaction.atomic():  # a refused submit leaves nothing of itself behind
            declaration = clearance_submit(declaration=Declaration.objects.get(pk=item.declaration_id), actor=actor)
    except ValidationError as exc:
        item.status, item.errors = BulkItemStatus.REFUSED, _error_dict(exc)
    else:
        item.status, item.release_mode = BulkItemStatus.SUBMITTED, declaration.release_decision.mode
    item.save(update_fields=["status", "errors", "release_mode"])
    submitted = int(item.status == BulkItemStatus.SUBMITTED)
    BulkSubmission.objects.filter(pk=item.submission_id).update(
        processed=F("processed") + 1, submitted=F("submitted") + submitted, refused=F("refused") + (1 - submitted))


def bulk_submission_run(*, submission_id: int) -> BulkSubmission:
    """Submit each waiting draft of the batch in turn (idempotent: a draft already worked is left alone, so a task
    redelivered after a crash carries on where it stopped)."""
    submission = BulkSubmission.objects.select_related("created_by").get(pk=submission_id)
    if submission.status == BulkSubmissionStatus.DONE:
        return submission
    BulkSubmission.objects.filter(pk=submission.pk).update(status=BulkSubmissionStatus.RUNNING)
    with translation.override(submission.language or settings.LANGUAGE_CODE):
        for item_id in list(submission.items.filter(status=BulkItemStatus.PENDING).values_list("pk", flat=True)):
            _bulk_item_submit(item_id, submission.created_by)
    with transaction.atomic():
        submission = BulkSubmission.objects.select_for_update().get(pk=submission.pk)
        if submission.status != BulkSubmissionStatus.DONE:
            submission.status, submission.finished_at = BulkSubmissionStatus.DONE, timezone.now()
            submission.save(update_fields=["status", "finished_at"])
            audit_record(actor=submission.created_by, action="bulk_submission.finish", obj=submission,
                         enterprise_id=submission.enterprise_id,
                         after={"submitted": submission.submitted, "refused": submission.refused})
    return submission
