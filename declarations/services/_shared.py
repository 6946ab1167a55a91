"""Helpers shared by the declaration services: snapshots for the audit trail, the owner check, the row lock and
the cleaning of goods lines."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import gettext as _

from ciq_portal.journal import batch_lock
from ciq_portal.roles import user_roles
from ciq_portal.scoping import user_enterprise_id
from credit.selectors import delegation_refusals

from .. import transitions
from ..models import Declaration, GoodsLine
from ..validation import clean_line


def _snapshot(declaration: Declaration) -> dict:
    return {"number": declaration.number, "status": declaration.status, "release_mode": declaration.release_mode,
            "port_of_entry": declaration.port_of_entry, "bill_of_lading": declaration.bill_of_lading,
            "departure_country": declaration.departure_country}


def _acts_as_declarant(actor) -> bool:
    return actor is not None and transitions.DECLARANT in user_roles(actor) and not (user_roles(actor) &
                                                                                     transitions.BUREAU)


def _check_owner(declaration: Declaration, actor) -> None:
    """A declarant acts only for their own enterprise, or as its customs broker for an importer whose delegation in
    force covers the declaration as it stands (selectors already hide others; this is the last guard)."""
    if not _acts_as_declarant(actor) or user_enterprise_id(actor) == declaration.enterprise_id:
        return
    if declaration.customs_broker_id is None or declaration.customs_broker_id != user_enterprise_id(actor):
        raise ValidationError({"declaration": [_("This declaration is not yours.")]})
    _check_delegation(declaration.enterprise_id, actor, port=declaration.port_of_entry,
                      hs_codes=[line.hs_code for line in declaration.lines.all()])


def _check_delegation(enterprise_id: int, actor, *, port: str, hs_codes: list[str]) -> int | None:
    """The broker enterprise ``actor`` files for importer ``enterprise_id`` as, or None when ``actor`` files for its
    own enterprise (or is bureau staff); ValidationError naming the field when no delegation in force covers the
    port and every goods line."""
    if not _acts_as_declarant(actor) or user_enterprise_id(actor) == enterprise_id:
        return None
    broker_id = user_enterprise_id(actor)
    refusals = delegation_refusals(broker_id=broker_id, importer_id=enterprise_id, port=port, hs_codes=hs_codes)
    if refusals:
        raise ValidationError(refusals)
    return broker_id


def _lock(declaration: Declaration, *, with_lines: bool = False) -> Declaration:
    """Lock the declaration's row until the transaction ends and reload the caller's instance from it (with its
    enterprise, and its goods lines in ``line_no`` order when asked), so the caller's object shows every move
    the services make on it. A pipeline's batch locks and reloads its instance once."""
    batch_lock(declaration, lambda: declaration.refresh_from_db(
        from_queryset=Declaration.objects.select_for_update(of=("self",)).select_related("enterprise")))
    if with_lines:
        prefetch_related_objects([declaration], Prefetch("lines", queryset=GoodsLine.objects.order_by("line_no")))
    return declaration


def _require_draft(declaration: Declaration) -> None:
    if not transitions.may_change("edit", declaration.status):
        raise ValidationError({"status": [_("Only a draft can be changed; this declaration is %(status)s.")
                                          % {"status": declaration.get_status_display()}]})


def _check_line_count(count: int, errors: dict) -> bool:
    """Whether a declaration may hold ``count`` goods lines (CIQ["MAX_GOODS_LINES"]); if not, say so on ``lines``."""
    limit = settings.CIQ["MAX_GOODS_LINES"]
    if count <= limit:
        return True
    errors.setdefault("lines", []).append(
        _("A declaration holds at most %(limit)s goods lines; split the consignment into several declarations.")
        % {"limit": limit})
    return False


def _clean_lines(lines, errors, *, draft: bool = False):
    if not _check_line_count(len(lines), errors):
        return []
    return [clean_line(line, i, errors, draft=draft) for i, line in enumerate(lines)]
