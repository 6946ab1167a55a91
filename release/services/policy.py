"""The supervisors' policy tables: the release-mode matrix (edited as a new version, never in place) and the
negative list of goods always inspected at the port."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.activations import activation_announce
from ciq_portal.audit import audit_record
from ciq_portal.reference import reference_forget
from ciq_portal.roles import Role
from declarations.models import HSCode

from .. import matrix
from ..choices import NegativeListKind
from ..models import NegativeListEntry, ReleaseMatrixVersion
from ..selectors import MATRIX_KEY, NEGATIVE_LIST_KEY
from ._shared import _require_role


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
    activation_announce("release_matrix", version.version)
    return version


NEGATIVE_LIST_MODES = (matrix.SAMPLE, matrix.SUPERVISED)


@transaction.atomic
def negative_list_add(*, kind, value, reason, actor, min_mode=matrix.SUPERVISED) -> NegativeListEntry:
    _require_role(actor, Role.SUPERVISOR, Role.ADMINISTRATOR, field="value")
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
