"""The public record (一公开): what the bureau keeps out of it. A declaration marked confidential shows neither its
enterprise nor its goods in the draw record, and its inspection's outcome is not published."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.roles import Role, has_role

from ..models import ConfidentialMark
from ._common import _event


def _require_supervisor(actor):
    if not has_role(actor, Role.SUPERVISOR, Role.ADMINISTRATOR):
        raise ValidationError({"reason": [_("Only a supervisor may keep a declaration out of the public record.")]})


@transaction.atomic
def declaration_confidential_mark(*, declaration, reason: str, actor) -> ConfidentialMark:
    """Keep a declaration out of the public record: supervisors only, with the reason, audited, on the bureau's
    timeline. Marking again keeps the first mark."""
    _require_supervisor(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason.")]})
    existing = ConfidentialMark.objects.select_for_update().filter(declaration=declaration).first()
    if existing:
        return existing
    mark = ConfidentialMark.objects.create(declaration=declaration, reason=reason[:300], marked_by=actor)
    audit_record(actor=actor, action="declaration.confidential_mark", obj=mark,
                 enterprise_id=declaration.enterprise_id, after={"declaration": declaration.pk, "reason": mark.reason})
    _event(declaration=declaration, kind="confidential_marked", actor=actor, visible_to_declarant=False,
           message=lambda: _("Kept out of the public record: %(r)s") % {"r": mark.reason})
    return mark


@transaction.atomic
def declaration_confidential_unmark(*, declaration, actor) -> None:
    """Publish a declaration again (supervisors only, audited)."""
    _require_supervisor(actor)
    mark = ConfidentialMark.objects.select_for_update().filter(declaration=declaration).first()
    if mark is None:
        return
    audit_record(actor=actor, action="declaration.confidential_unmark", obj=mark,
                 enterprise_id=declaration.enterprise_id, before={"declaration": declaration.pk, "reason": mark.reason})
    mark.delete()
    _event(declaration=declaration, kind="confidential_unmarked", actor=actor, visible_to_declarant=False,
           message=lambda: _("Back in the public record."))
