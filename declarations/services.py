"""Every write to declarations, goods lines and documents. Each lifecycle move is one service."""

import datetime
import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.i18n import stored_text
from ciq_portal.journal import batch_atomic, batch_lock, batch_save, journal_save
from ciq_portal.reference import reference_cached
from ciq_portal.roles import user_roles
from ciq_portal.scoping import user_enterprise_id

from . import transitions
from .choices import (
    LOGISTICS_ORDER,
    DeclarationSource,
    DeclarationStatus,
    DocumentKind,
    LogisticsEventKind,
    ReleaseMode,
)
from .models import (
    Declaration,
    DeclarationEvent,
    DeclarationSequence,
    Document,
    DocumentRequirement,
    GoodsLine,
    LogisticsEvent,
    StoredFile,
)
from .nomenclature import hs_categories, hs_category, hs_prefixes
from .reference import is_valid_container
from .validation import clean_header, clean_line

DUPLICATE_WINDOW_DAYS = 30
DOCUMENT_RULES_KEY = "document-requirements"
REGULATED_GOODS_KEY = "regulated-goods"


# --- numbers ------------------------------------------------------------------------------------------------

def declaration_number_next(*, office: str | None = None, day: datetime.date | None = None) -> str:
    """``<office><yyyymmdd><6-digit sequence>``, e.g. NGB20261127000042. The sequence row is locked, so
    concurrent callers never get the same number; call inside the transaction that saves the declaration."""
    office = (office or settings.CIQ["OFFICE_CODE"]).upper()
    day = day or timezone.localdate()
    with transaction.atomic():
        row = DeclarationSequence.objects.select_for_update().filter(office=office, day=day).first()
        if row is None:
            try:
                with transaction.atomic():
                    DeclarationSequence.objects.create(office=office, day=day, last=0)
            except IntegrityError:
                pass
            row = DeclarationSequence.objects.select_for_update().get(office=office, day=day)
        row.last += 1
        row.save(update_fields=["last"])
    return f"{office}{day:%Y%m%d}{row.last:06d}"


# --- helpers ------------------------------------------------------------------------------------------------

def _snapshot(declaration: Declaration) -> dict:
    return {"number": declaration.number, "status": declaration.status, "release_mode": declaration.release_mode,
            "port_of_entry": declaration.port_of_entry, "bill_of_lading": declaration.bill_of_lading,
            "departure_country": declaration.departure_country}


def _line_snapshot(line: GoodsLine) -> dict:
    return {"line_no": line.line_no, "hs_code": line.hs_code, "origin_country": line.origin_country,
            "quantity": str(line.quantity), "value": str(line.value), "currency": line.currency}


def _actor_roles(actor) -> frozenset:
    return frozenset({transitions.SYSTEM}) if actor is None else user_roles(actor)


def _check_owner(declaration: Declaration, actor) -> None:
    """A declarant acts only for their own enterprise (selectors already hide others; this is the last guard)."""
    if actor is not None and transitions.DECLARANT in user_roles(actor) and not (user_roles(actor) &
                                                                                 transitions.BUREAU):
        if user_enterprise_id(actor) != declaration.enterprise_id:
            raise ValidationError({"declaration": [_("This declaration is not yours.")]})


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
    if declaration.status != DeclarationStatus.DRAFT:
        raise ValidationError({"status": [_("Only a draft can be changed; this declaration is %(status)s.")
                                          % {"status": declaration.get_status_display()}]})


def declaration_event_add(*, declaration, kind, actor=None, message="", data=None, visible_to_declarant=True,
                          from_status="", to_status="") -> DeclarationEvent:
    """Append one event to the declaration's timeline (used by every app's services; ciq_portal.journal).
    ``message``: the words a person typed, or a function that builds the bureau's text with gettext (stored in
    every language, ciq_portal.i18n)."""
    text, translations = stored_text(message)
    event = DeclarationEvent(declaration=declaration, kind=kind, actor=actor, message=text,
                             message_translations=translations, data=data or {},
                             visible_to_declarant=visible_to_declarant, from_status=from_status, to_status=to_status)
    journal_save(event)
    return event


def _clean_lines(lines, errors):
    return [clean_line(line, i, errors) for i, line in enumerate(lines)]


def _write_lines(declaration, cleaned) -> None:
    GoodsLine.objects.bulk_create([GoodsLine(declaration=declaration, line_no=i + 1, **data)
                                   for i, data in enumerate(cleaned)])


# --- drafts -------------------------------------------------------------------------------------------------

@transaction.atomic
def declaration_create(*, enterprise, actor, lines=(), source=DeclarationSource.PORTAL, declarant_ref="",
                       **header) -> Declaration:
    """Create a draft with its goods lines; raises ValidationError naming every bad field at once."""
    errors: dict = {}
    header.setdefault("port_of_entry", settings.CIQ["OFFICE_CODE"])
    header.setdefault("departure_country", "")
    cleaned_header = clean_header(header, errors)
    cleaned_lines = _clean_lines(list(lines), errors)
    if errors:
        raise ValidationError(errors)
    declaration = Declaration.objects.create(
        number=declaration_number_next(), enterprise=enterprise, created_by=actor, source=source,
        declarant_ref=declarant_ref, **cleaned_header)
    _write_lines(declaration, cleaned_lines)
    declaration_event_add(declaration=declaration, kind="created", actor=actor, to_status=declaration.status,
                          message=lambda: _("Draft created."))
    audit_record(actor=actor, action="declaration.create", obj=declaration, after=_snapshot(declaration),
                 enterprise_id=enterprise.pk)
    return declaration


@transaction.atomic
def declaration_update(*, declaration, actor, lines=None, **header) -> Declaration:
    """Change a draft's header; when ``lines`` is given it replaces the goods lines."""
    declaration = _lock(declaration)
    _check_owner(declaration, actor)
    _require_draft(declaration)
    before = _snapshot(declaration)
    errors: dict = {}
    cleaned_header = clean_header(header, errors)
    cleaned_lines = _clean_lines(list(lines), errors) if lines is not None else None
    if errors:
        raise ValidationError(errors)
    for name, value in cleaned_header.items():
        setattr(declaration, name, value)
    declaration.save()
    if cleaned_lines is not None:
        declaration.lines.all().delete()
        _write_lines(declaration, cleaned_lines)
    audit_record(actor=actor, action="declaration.update", obj=declaration, before=before,
                 after=_snapshot(declaration), enterprise_id=declaration.enterprise_id)
    return declaration


@transaction.atomic
def declaration_delete(*, declaration, actor) -> None:
    declaration = _lock(declaration)
    _check_owner(declaration, actor)
    _require_draft(declaration)
    before = _snapshot(declaration)
    pk, enterprise_id = declaration.pk, declaration.enterprise_id
    for document in declaration.documents.all():
        document.file.delete(save=False)
    declaration.delete()
    audit_record(actor=actor, action="declaration.delete", object_type="declarations.declaration", object_id=pk,
                 before=before, enterprise_id=enterprise_id)


@transaction.atomic
def goods_line_add(*, declaration, actor, **fields) -> GoodsLine:
    declaration = _lock(declaration)
    _check_owner(declaration, actor)
    _require_draft(declaration)
    errors: dict = {}
    cleaned = _clean_lines([fields], errors)[0]
    if errors:
        raise ValidationError(errors)
    last = declaration.lines.order_by("-line_no").values_list("line_no", flat=True).first() or 0
    line = GoodsLine.objects.create(declaration=declaration, line_no=last + 1, **cleaned)
    audit_record(actor=actor, action="goods_line.add", obj=line, after=_line_snapshot(line),
                 enterprise_id=declaration.enterprise_id)
    return line


@transaction.atomic
def goods_line_update(*, line, actor, **fields) -> GoodsLine:
    declaration = _lock(line.declaration)
    _check_owner(declaration, actor)
    _require_draft(declaration)
    line = GoodsLine.objects.select_for_update().get(pk=line.pk)
    before = _line_snapshot(line)
    current = {name: getattr(line, name) for name in ("hs_code", "description", "origin_country", "quantity", "unit",
                                                       "net_weight_kg", "gross_weight_kg", "value", "currency",
                                                       "manufacturer_name", "lot_numbers")}
    current.update(fields)
    errors: dict = {}
    cleaned = _clean_lines([current], errors)[0]
    if errors:
        raise ValidationError(errors)
    for name, value in cleaned.items():
        setattr(line, name, value)
    line.save()
    audit_record(actor=actor, action="goods_line.update", obj=line, before=before, after=_line_snapshot(line),
                 enterprise_id=declaration.enterprise_id)
    return line


@transaction.atomic
def goods_line_delete(*, line, actor) -> None:
    declaration = _lock(line.declaration)
    _check_owner(declaration, actor)
    _require_draft(declaration)
    before, pk = _line_snapshot(line), line.pk
    line.delete()
    audit_record(actor=actor, action="goods_line.delete", object_type="declarations.goodsline", object_id=pk,
                 before=before, enterprise_id=declaration.enterprise_id)


# --- documents ----------------------------------------------------------------------------------------------

MAGIC = ((b"%PDF-", "application/pdf", "pdf"), (b"\xff\xd8\xff", "image/jpeg", "jpg"),
         (b"\x89PNG\r\n\x1a\n", "image/png", "png"))


def sniff_content_type(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in MAGIC:
        if head.startswith(magic):
            return content_type, ext
    return None


@dataclass(frozen=True)
class _CheckedFile:
    content_type: str
    ext: str
    size: int
    sha256: str
    original_name: str


def _checked_file(file) -> _CheckedFile:
    """A PDF, JPEG or PNG (sniffed from its first bytes, never from its name) up to DOCUMENT_MAX_BYTES, or
    ValidationError naming the file field."""
    if file is None:
        raise ValidationError({"file": [_("File: this field is required.")]})
    size = getattr(file, "size", None)
    if size is None or size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError({"file": [_("File: larger than the limit of %(mb).0f MB.")
                                        % {"mb": settings.DOCUMENT_MAX_BYTES / 1024 / 1024}]})
    if size == 0:
        raise ValidationError({"file": [_("File: the file is empty.")]})
    file.seek(0)
    sniffed = sniff_content_type(file.read(16))
    if sniffed is None:
        raise ValidationError({"file": [_("File: only PDF, JPEG and PNG files are accepted.")]})
    content_type, ext = sniffed
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    name = (getattr(file, "name", "") or f"document.{ext}").rsplit("/", 1)[-1][:255]
    return _CheckedFile(content_type, ext, size, digest.hexdigest(), name)


def _file_store(document: StoredFile, file) -> StoredFile:
    """Check ``file`` (:func:`_checked_file`), then store it under a fresh name with what ``document`` keeps of it,
    and save ``document``."""
    checked = _checked_file(file)
    document.original_name, document.content_type = checked.original_name, checked.content_type
    document.size, document.sha256 = checked.size, checked.sha256
    document.file.save(f"{uuid.uuid4().hex}.{checked.ext}", file, save=False)
    document.save()
    return document


@transaction.atomic
def document_upload(*, declaration, kind, file, actor, goods_line=None) -> Document:
    """Store a PDF, JPEG or PNG (sniffed from its first bytes, never from its name) up to DOCUMENT_MAX_BYTES."""
    declaration = _lock(declaration)
    _check_owner(declaration, actor)
    if declaration.status in transitions.TERMINAL:
        raise ValidationError({"file": [_("Documents cannot be added to a closed declaration.")]})
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": [_("Document type: choose a valid type.")]})
    if goods_line is not None and goods_line.declaration_id != declaration.pk:
        raise ValidationError({"goods_line": [_("Goods line: not a line of this declaration.")]})
    document = _file_store(Document(declaration=declaration, goods_line=goods_line, kind=kind, uploaded_by=actor),
                           file)
    declaration_event_add(declaration=declaration, kind="document_uploaded", actor=actor,
                          message=lambda: _("Document uploaded: %(name)s") % {"name": document.original_name},
                          data={"document_id": document.pk, "kind": kind})
    audit_record(actor=actor, action="document.upload", obj=document,
                 after={"kind": kind, "sha256": document.sha256, "size": document.size,
                        "declaration": declaration.number},
                 enterprise_id=declaration.enterprise_id)
    return document


def required_documents(declaration) -> set[str]:
    """The document kinds the goods of ``declaration`` need (DocumentRequirement by HS prefix or category)."""
    rules = reference_cached(DOCUMENT_RULES_KEY, lambda: list(DocumentRequirement.objects.all()))
    codes = [line.hs_code for line in declaration.lines.all()]
    if not rules or not codes:
        return set()
    prefixes = {prefix for code in codes for prefix in hs_prefixes(code)}
    categories = set().union(*(hs_categories(code) for code in codes))
    return {r.kind for r in rules if (r.hs_prefix and r.hs_prefix in prefixes) or
            (r.category and not r.hs_prefix and r.category in categories)}


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


# --- lifecycle ----------------------------------------------------------------------------------------------

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
    if not declaration.departure_country:
        errors["departure_country"] = [_("Country of departure: this field is required.")]
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


# --- registrations and filings (§4.4) -----------------------------------------------------------------------

REGISTRATION_MOVES = {"approve": ({"pending", "suspended"}, "approved"), "refuse": ({"pending"}, "refused"),
                      "suspend": ({"approved"}, "suspended")}


@transaction.atomic
def registration_apply(*, enterprise, actor, kind, valid_from, valid_until, categories=(), manufacturer_name="",
                       registration_number="", note=""):
    from .models import Registration

    errors: dict = {}
    if kind not in dict(Registration.KIND_CHOICES):
        errors["kind"] = [_("Kind: choose importer filing or manufacturer registration.")]
    if kind == "manufacturer_registration" and not (manufacturer_name or "").strip():
        errors["manufacturer_name"] = [_("Manufacturer name: required for a manufacturer registration.")]
    if valid_from and valid_until and valid_until < valid_from:
        errors["valid_until"] = [_("Valid until: must not be before the start of validity.")]
    if errors:
        raise ValidationError(errors)
    registration = Registration.objects.create(
        enterprise=enterprise, kind=kind, valid_from=valid_from, valid_until=valid_until,
        categories=list(categories), manufacturer_name=(manufacturer_name or "").strip(),
        registration_number=registration_number, note=note)
    audit_record(actor=actor, action="registration.apply", obj=registration,
                 after={"kind": kind, "categories": list(categories)}, enterprise_id=enterprise.pk)
    return registration


@transaction.atomic
def registration_decide(*, registration, action, actor, note=""):
    """Officers approve, refuse or suspend a filing or registration."""
    from .models import Registration

    if action not in REGISTRATION_MOVES:
        raise ValidationError({"action": [_("Action: not allowed.")]})
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    sources, target_status = REGISTRATION_MOVES[action]
    if registration.status not in sources or not (user_roles(actor) & transitions.BUREAU):
        raise ValidationError({"status": [_("This action is not allowed for a registration in this state.")]})
    before = {"status": registration.status}
    registration.status, registration.note = target_status, note or registration.note
    registration.save(update_fields=["status", "note"])
    audit_record(actor=actor, action=f"registration.{action}", obj=registration, before=before,
                 after={"status": registration.status}, enterprise_id=registration.enterprise_id)
    return registration


def registration_errors(declaration) -> dict:
    """Goods lines of regulated goods without a valid filing/registration: {"lines.<i>.<field>": [message]}."""
    from .models import Registration, RegulatedGoods

    rules = reference_cached(REGULATED_GOODS_KEY, lambda: list(RegulatedGoods.objects.all()))
    if not rules:
        return {}
    today = timezone.localdate()
    valid = list(Registration.objects.filter(enterprise_id=declaration.enterprise_id, status="approved",
                                             valid_from__lte=today, valid_until__gte=today))
    errors: dict = {}
    for index, line in enumerate(declaration.lines.all()):
        category = hs_category(line.hs_code)
        matched = [r for r in rules if (r.hs_prefix and line.hs_code.startswith(r.hs_prefix)) or
                   (r.category and r.category == category)]
        if not matched:
            continue

        def covers(reg, category=category):
            return not reg.categories or category in reg.categories

        if any(r.needs_importer_filing for r in matched) and not any(
                r.kind == "importer_filing" and covers(r) for r in valid):
            errors.setdefault(f"lines.{index}.hs_code", []).append(
                _("Line %(line)s: these goods may be declared only by a filed importer; your enterprise has no valid "
                  "filing for them.") % {"line": line.line_no})
        if any(r.needs_manufacturer_registration for r in matched) and not any(
                r.kind == "manufacturer_registration" and covers(r) and line.manufacturer_name and
                r.manufacturer_name.casefold() == line.manufacturer_name.strip().casefold() for r in valid):
            errors.setdefault(f"lines.{index}.manufacturer_name", []).append(
                _("Line %(line)s: the overseas manufacturer “%(name)s” has no valid registration for these goods.")
                % {"line": line.line_no, "name": line.manufacturer_name or "—"})
    return errors


# --- logistics events (single window, §6) ------------------------------------------------------------------

LOGISTICS_LOOKBACK_DAYS = 180
LOGISTICS_FUTURE_TOLERANCE = datetime.timedelta(minutes=10)
# The steps that mark the goods' arrival: Declaration.arrived_at is the earliest of them (clearance time, WCO TRS).
ARRIVAL_KINDS = frozenset({LogisticsEventKind.VESSEL_BERTHED, LogisticsEventKind.CONTAINER_DISCHARGED})
CLOSED_FOR_LOGISTICS = (DeclarationStatus.DRAFT, DeclarationStatus.WITHDRAWN, DeclarationStatus.REJECTED)


def _logistics_fingerprint(fields: dict) -> str:
    import json

    canonical = json.dumps(fields, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def logistics_declarations_for(*, container_no: str, bill_of_lading: str = "") -> list[Declaration]:
    """Open declarations (submitted in the last 180 days, not withdrawn or rejected) that list the container."""
    since = timezone.now() - datetime.timedelta(days=LOGISTICS_LOOKBACK_DAYS)
    candidates = (Declaration.objects.filter(submitted_at__gte=since)
                  .exclude(status__in=CLOSED_FOR_LOGISTICS)
                  .filter(containers__icontains=f'"{container_no}"'))
    if bill_of_lading:
        candidates = candidates.filter(bill_of_lading=bill_of_lading)
    return [d for d in candidates.order_by("pk") if container_no in (d.containers or [])]


def _logistics_check_order(*, kind: str, occurred_at, container_no: str, declarations) -> None:
    """Times in order: no step earlier than a step before it, nor later than a step after it (same container)."""
    rank = LOGISTICS_ORDER[kind]
    others = (LogisticsEvent.objects.filter(container_no=container_no, declarations__in=declarations)
              .distinct().order_by("occurred_at", "id"))
    for other in others:
        other_rank = LOGISTICS_ORDER[other.kind]
        if other_rank < rank and other.occurred_at > occurred_at:
            raise ValidationError({"occurred_at": [
                _("Out of order: %(kind)s at %(time)s is earlier than the step before it, %(other)s at %(other_time)s "
                  "(event %(id)s).") % {"kind": LogisticsEventKind(kind).label, "time": occurred_at.isoformat(),
                                        "other": LogisticsEventKind(other.kind).label,
                                        "other_time": other.occurred_at.isoformat(), "id": other.external_id}]})
        if other_rank > rank and other.occurred_at < occurred_at:
            raise ValidationError({"occurred_at": [
                _("Out of order: %(kind)s at %(time)s is later than the step after it, %(other)s at %(other_time)s "
                  "(event %(id)s).") % {"kind": LogisticsEventKind(kind).label, "time": occurred_at.isoformat(),
                                        "other": LogisticsEventKind(other.kind).label,
                                        "other_time": other.occurred_at.isoformat(), "id": other.external_id}]})


@transaction.atomic
def logistics_event_push(*, actor, external_id: str, kind: str, container_no: str, occurred_at,
                         agency=None, bill_of_lading: str = "", vessel_voyage: str = "", location: str = ""
                         ) -> tuple[LogisticsEvent, bool]:
    """Record one logistics step; returns ``(event, created)``. Idempotent by ``(agency, external_id)``.

    Refused (ValidationError naming the field) when the id was used for another event, the container is on no open
    declaration, the time is in the future or out of order with the container's other steps.
    """
    from ciq_portal.models import EventType
    from ciq_portal.notifications import notification_publish

    errors: dict = {}
    external_id = (external_id or "").strip()
    container_no = (container_no or "").strip().upper()
    bill_of_lading = (bill_of_lading or "").strip()
    if not external_id:
        errors["external_id"] = [_("Event id: required (your own identifier of this event).")]
    if kind not in LogisticsEventKind.values:
        errors["kind"] = [_("Kind: choose one of %(kinds)s.") % {"kinds": ", ".join(LogisticsEventKind.values)}]
    if not is_valid_container(container_no):
        errors["container_no"] = [_("Container number: not a valid ISO 6346 number (4 letters, 7 digits with the "
                                    "check digit).")]
    if occurred_at is None or timezone.is_naive(occurred_at):
        errors["occurred_at"] = [_("Time: give the date, time and time zone (ISO 8601).")]
    elif occurred_at > timezone.now() + LOGISTICS_FUTURE_TOLERANCE:
        errors["occurred_at"] = [_("Time: %(time)s is in the future.") % {"time": occurred_at.isoformat()}]
    if errors:
        raise ValidationError(errors)
    source = agency.code if agency is not None else "bureau"
    fingerprint = _logistics_fingerprint({
        "kind": kind, "container_no": container_no, "occurred_at": occurred_at.astimezone(datetime.UTC),
        "bill_of_lading": bill_of_lading, "vessel_voyage": vessel_voyage or "", "location": location or ""})

    existing = LogisticsEvent.objects.filter(source=source, external_id=external_id).first()
    if existing is not None:
        return _logistics_replay(existing, fingerprint), False

    declarations = logistics_declarations_for(container_no=container_no, bill_of_lading=bill_of_lading)
    if not declarations:
        field = "bill_of_lading" if bill_of_lading and logistics_declarations_for(container_no=container_no) else \
            "container_no"
        raise ValidationError({field: [_("Container %(container)s is on no open declaration%(bl)s.") % {
            "container": container_no, "bl": (_(" with bill of lading %(bl)s") % {"bl": bill_of_lading})
            if bill_of_lading else ""}]})
    # Lock the declarations: steps of one container are checked and written one at a time.
    declarations = list(Declaration.objects.select_for_update().filter(pk__in=[d.pk for d in declarations])
                        .order_by("pk"))
    existing = LogisticsEvent.objects.filter(source=source, external_id=external_id).first()
    if existing is not None:  # a concurrent push of the same event won the race
        return _logistics_replay(existing, fingerprint), False
    _logistics_check_order(kind=kind, occurred_at=occurred_at, container_no=container_no, declarations=declarations)

    try:
        with transaction.atomic():
            event = LogisticsEvent.objects.create(
                source=source, agency=agency, external_id=external_id, kind=kind, container_no=container_no,
                bill_of_lading=bill_of_lading, vessel_voyage=vessel_voyage or "", location=location or "",
                occurred_at=occurred_at, pushed_by=actor if getattr(actor, "pk", None) else None,
                fingerprint=fingerprint)
    except IntegrityError:  # the same id pushed at the same moment for another container
        return _logistics_replay(LogisticsEvent.objects.get(source=source, external_id=external_id), fingerprint), False
    event.declarations.set(declarations)
    def timeline_text():
        return f"{LogisticsEventKind(kind).label} · {container_no}" + (f" · {event.location}" if event.location else "")

    def notification_text():
        return f"{LogisticsEventKind(kind).label} · {container_no}"

    for declaration in declarations:
        data = {"logistics_event": event.pk, "external_id": external_id, "source": source, "kind": kind,
                "container_no": container_no, "occurred_at": occurred_at.isoformat(), "location": event.location}
        declaration_event_add(declaration=declaration, kind=f"logistics_{kind}", actor=actor,
                              message=timeline_text, data=data)
        if kind in ARRIVAL_KINDS and (declaration.arrived_at is None or occurred_at < declaration.arrived_at):
            before = {"arrived_at": declaration.arrived_at}
            declaration.arrived_at = occurred_at
            declaration.save(update_fields=["arrived_at", "updated_at"])
            audit_record(actor=actor, action="declaration.arrive", obj=declaration, before=before,
                         after={"arrived_at": occurred_at, "logistics_event": event.pk},
                         enterprise_id=declaration.enterprise_id)
        notification_publish(event_type=EventType.LOGISTICS, enterprise_id=declaration.enterprise_id,
                             payload={**data, "declaration_number": declaration.number},
                             reference=declaration.number, message=notification_text,
                             link=f"/declarations/{declaration.pk}/")
    audit_record(actor=actor, action="logistics_event.push", obj=event,
                 after={"source": source, "external_id": external_id, "kind": kind, "container_no": container_no,
                        "occurred_at": occurred_at, "declarations": [d.number for d in declarations]})
    return event, True


def _logistics_replay(existing: LogisticsEvent, fingerprint: str) -> LogisticsEvent:
    if existing.fingerprint != fingerprint:
        raise ValidationError({"external_id": [
            _("Event id %(id)s was already used for a different event (%(kind)s of %(container)s at %(time)s); "
              "use a new id for a new event.") % {"id": existing.external_id,
                                                 "kind": LogisticsEventKind(existing.kind).label,
                                                 "container": existing.container_no,
                                                 "time": existing.occurred_at.isoformat()}]})
    return existing


def _status_publish(declaration, *, action, actor, from_status, message="", visible=True, data=None) -> None:
    """Tell subscribers and the enterprise's declarants about a move (ciq_portal.notifications): every move is a
    ``declaration.status_changed``; a request for documents is also ``declaration.documents_requested`` (which
    carries the in-app notification). A release is published by release.services as ``declaration.released``
    (with its release order), so its status change goes to subscribers only. Hidden messages stay hidden."""
    from ciq_portal.models import EventType
    from ciq_portal.notifications import notification_publish

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


@transaction.atomic
def registration_document_upload(*, registration, file, actor, title=""):
    """File a document (PDF, JPEG, PNG, sniffed from its bytes, up to DOCUMENT_MAX_BYTES) with a filing or
    registration application of the actor's enterprise; not once it is refused."""
    from .models import Registration, RegistrationDocument

    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if actor is not None and not (user_roles(actor) & transitions.BUREAU) and \
            user_enterprise_id(actor) != registration.enterprise_id:
        raise ValidationError({"registration": [_("This registration is not yours.")]})
    if registration.status == "refused":
        raise ValidationError({"file": [_("Documents cannot be added to a refused application.")]})
    document = _file_store(RegistrationDocument(registration=registration, title=(title or "").strip()[:200],
                                                uploaded_by=actor), file)
    audit_record(actor=actor, action="registration.document_upload", obj=document,
                 after={"registration": registration.pk, "sha256": document.sha256, "size": document.size},
                 enterprise_id=registration.enterprise_id)
    return document
