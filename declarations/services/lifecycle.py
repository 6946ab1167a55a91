"""The lifecycle of a declaration, one service per move (the moves are ``transitions``' table): submission with its
checks, the bureau's and the pipeline's moves, each with its timeline event, audit row and notifications."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.i18n import stored_text
from ciq_portal.journal import batch_atomic, batch_save
from ciq_portal.models import EventType
from ciq_portal.notifications import notification_publish
from ciq_portal.roles import user_roles

from .. import transitions
from ..choices import DeclarationStatus, DocumentKind, ReleaseMode
from ..models import Declaration
from ..validation import clean_header
from ._shared import _check_owner, _clean_lines, _lock, _require_draft, _snapshot
from .documents import required_documents
from .registrations import registration_errors
from .timeline import declaration_event_add

DUPLICATE_WINDOW_DAYS = 30


def _actor_roles(actor) -> frozenset:
    return frozenset({transitions.SYSTEM}) if actor is None else user_roles(actor)


def declaration_duplicates(*, declaration, days: int = DUPLICATE_WINDOW_DAYS) -> list[str]:
    """Numbers of recent declarations of the same enterprise with the same bill of lading, a shared container
    and a shared HS code: a likely duplicate, warned about before submission."""
    if not declaration.bill_of_lading:
        return []
    since = timezone.now() - datetime.timedelta(days=days)
    codes = {line.hs_code for line in declaration.lines.all()}
    containers = set(declaration.containers or [])
    candidates = (Declaration.objects.filter(enterprise_id=declaration.enterprise_id,
                                             bill_of_lading=declaration.bill_of_lading, created_at__gte=since)
                  .exclude(pk=declaration.pk).exclude(status=DeclarationStatus.WITHDRAWN)
                  .prefetch_related("lines"))
    found = []
    for other in candidates:
        if containers and not containers & set(other.containers or []):
            continue
        if codes & {line.hs_code for line in other.lines.all()}:
            found.append(other.number)
    return found


def _move(declaration, **move) -> Declaration:
    return _apply_move(_lock(declaration), **move)


def _apply_move(declaration, *, action, actor, message="", data=None, visible_to_declarant=True, changes=None,
                event_kind=None) -> Declaration:
    """Make one lifecycle move on a declaration the caller has locked: status, event, audit, notifications."""
    _check_owner(declaration, actor)
    if not transitions.allowed(action, declaration.status, _actor_roles(actor)):
        raise ValidationError({"status": [
            _("This action is not allowed for a declaration that is %(status)s.")
            % {"status": declaration.get_status_display()}]})
    before = _snapshot(declaration)
    from_status = declaration.status
    declaration.status = transitions.target(action)
    for name, value in (changes or {}).items():
        setattr(declaration, name, value)
    batch_save(declaration, ["status", "updated_at", *(changes or {})])
    declaration_event_add(declaration=declaration, kind=event_kind or action, actor=actor, message=message,
                          data=data, visible_to_declarant=visible_to_declarant, from_status=from_status,
                          to_status=declaration.status)
    audit_record(actor=actor, action=f"declaration.{action}", obj=declaration, before=before,
                 after=_snapshot(declaration), enterprise_id=declaration.enterprise_id)
    _status_publish(declaration, action=action, actor=actor, from_status=from_status, message=message,
                    visible=visible_to_declarant, data=data)
    return declaration


def declaration_check_complete(declaration) -> dict:
    """Errors that block submission (beyond field validation): lines, bill of lading, arrival, documents."""
    errors: dict = {}
    lines = list(declaration.lines.all())
    if not lines:
        errors["lines"] = [_("Goods lines: add at least one goods line.")]
    if declaration.transport_mode in ("sea", "air") and not declaration.bill_of_lading:
        errors["bill_of_lading"] = [_("Bill of lading: required for sea and air transport.")]
    if not declaration.arrival_date:
        errors["arrival_date"] = [_("Date of arrival: required to submit.")]
    header = {name: getattr(declaration, name) for name in ("port_of_entry", "departure_country", "transport_mode",
                                                            "containers", "arrival_date", "inspection_place",
                                                            "destination_office", "trade_terms")}
    clean_header(header, errors)
    _clean_lines([{f: getattr(line, f) for f in ("hs_code", "description", "origin_country", "quantity", "unit",
                                                 "net_weight_kg", "gross_weight_kg", "value", "currency")}
                  for line in lines], errors)
    errors.update(registration_errors(declaration))
    required = required_documents(declaration)
    missing = required - set(declaration.documents.values_list("kind", flat=True)) if required else set()
    if missing:
        labels = ", ".join(str(DocumentKind(kind).label) for kind in sorted(missing))
        errors["documents"] = [_("Documents: these goods need %(kinds)s.") % {"kinds": labels}]
    return errors


@batch_atomic
def declaration_submit(*, declaration, actor) -> Declaration:
    """Validate a draft and move it to submitted (risk and release mode are sequenced by release)."""
    locked = _lock(declaration, with_lines=True)
    _check_owner(locked, actor)
    _require_draft(locked)
    errors = declaration_check_complete(locked)
    if errors:
        raise ValidationError(errors)
    duplicates = declaration_duplicates(declaration=locked)
    return _apply_move(locked, action="submit", actor=actor, message=lambda: _("Declaration submitted."),
                       data={"duplicates": duplicates} if duplicates else None,
                       changes={"submitted_at": timezone.now()})


def _mode_recorded(release_mode) -> dict:
    """The change that records the release mode the pipeline decided, made with the move that follows it."""
    if release_mode is None:
        return {}
    if release_mode not in ReleaseMode.values:
        raise ValidationError({"release_mode": [_("Release mode: choose one of the four modes.")]})
    return {"release_mode": release_mode}


@batch_atomic
def declaration_request_documents(*, declaration, actor, message, kinds=(), release_mode=None) -> Declaration:
    """An officer's request (``message`` as typed) or the pipeline's (a function building the bureau's text)."""
    if not callable(message):
        message = (message or "").strip()
        if not message:
            raise ValidationError({"message": [_("Message: tell the declarant what is needed.")]})
    bad = [k for k in kinds if k not in DocumentKind.values]
    if bad:
        raise ValidationError({"kinds": [_("Document type: choose a valid type.")]})
    return _move(declaration, action="request_documents", actor=actor, message=message,
                 data={"kinds": list(kinds)}, changes=_mode_recorded(release_mode))


@batch_atomic
def declaration_answer(*, declaration, actor, message="") -> Declaration:
    """The declarant answers an officer's request (after uploading what was asked)."""
    if not callable(message):
        message = (message or "").strip() or (lambda: _("Answered."))
    return _move(declaration, action="answer", actor=actor, message=message)


@batch_atomic
def declaration_await_inspection(*, declaration, actor=None, message="", data=None, visible_to_declarant=True,
                                 release_mode=None) -> Declaration:
    return _move(declaration, action="await_inspection", actor=actor, message=message, data=data,
                 visible_to_declarant=visible_to_declarant, changes=_mode_recorded(release_mode))


@batch_atomic
def declaration_start_inspection(*, declaration, actor=None, message="") -> Declaration:
    return _move(declaration, action="start_inspection", actor=actor, message=message)


@batch_atomic
def declaration_release(*, declaration, actor=None, release_mode=None, message="", data=None,
                        inspection_outcome=None) -> Declaration:
    declaration = _lock(declaration)
    changes = {**_mode_recorded(release_mode or declaration.release_mode), "released_at": timezone.now()}
    if inspection_outcome is not None:
        changes["inspection_outcome"] = inspection_outcome
    return _apply_move(declaration, action="release", actor=actor, message=message or (lambda: _("Released.")),
                       data=data, changes=changes)


@batch_atomic
def declaration_reject(*, declaration, actor, message) -> Declaration:
    """An officer's rejection (``message`` as typed) or the pipeline's (a function building the bureau's text)."""
    if not callable(message):
        message = (message or "").strip()
        if not message:
            raise ValidationError({"message": [_("Message: give the reason for the rejection.")]})
    return _move(declaration, action="reject", actor=actor, message=message)


@batch_atomic
def declaration_withdraw(*, declaration, actor, message="") -> Declaration:
    return _move(declaration, action="withdraw", actor=actor,
                 message=(message or "").strip() or (lambda: _("Withdrawn.")))


@batch_atomic
def declaration_hold(*, declaration, actor=None, message="", data=None, visible_to_declarant=True,
                     release_mode=None) -> Declaration:
    return _move(declaration, action="hold", actor=actor, message=message or (lambda: _("Put on hold.")), data=data,
                 visible_to_declarant=visible_to_declarant, changes=_mode_recorded(release_mode))


def _status_publish(declaration, *, action, actor, from_status, message="", visible=True, data=None) -> None:
    """Tell subscribers and the enterprise's declarants about a move (ciq_portal.notifications): every move is a
    ``declaration.status_changed``; a request for documents is also ``declaration.documents_requested`` (which
    carries the in-app notification). A release is published by release.services as ``declaration.released``
    (with its release order), so its status change goes to subscribers only. Hidden messages stay hidden."""
    payload = {"declaration_id": declaration.pk, "number": declaration.number, "action": action,
               "from_status": from_status, "status": declaration.status,
               "release_mode": declaration.release_mode, "port_of_entry": declaration.port_of_entry,
               "bill_of_lading": declaration.bill_of_lading, "containers": declaration.containers}
    shown = message if visible else ""

    def status_label():
        return DeclarationStatus(declaration.status).label

    common = {"enterprise_id": declaration.enterprise_id, "reference": declaration.number,
              "link": f"/declarations/{declaration.pk}/", "actor": actor}
    in_app = action not in ("release", "request_documents")
    notification_publish(event_type=EventType.STATUS_CHANGED, payload=payload, in_app=in_app,
                         message=shown or status_label, **common)
    if action == "request_documents":
        notification_publish(event_type=EventType.DOCUMENTS_REQUESTED, message=shown, payload={
            **payload, "kinds": list((data or {}).get("kinds") or []), "message": stored_text(shown)[0]}, **common)
