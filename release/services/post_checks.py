"""Post-release checks: scheduled by an officer, recorded as conform or non-conform (a non-conformity recalls the
lot)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.roles import Role

from .. import transitions
from ..choices import PostCheckResult, PostCheckStatus, RecallSource
from ..models import PostReleaseCheck
from ._shared import _event, _require_role
from .recalls import recall_open


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
    if not transitions.allows(transitions.POST_CHECK_MOVES, "record", check.status):
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
