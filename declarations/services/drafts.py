"""Drafts: a declaration's header, goods lines and documents, created and changed by the declarant until submission.
A draft may be incomplete (what only submission needs may be missing: ``validation``'s ``draft`` mode); what it
says must be right. Documents posted with the draft are written in its transaction or not at all."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record

from ..choices import DeclarationSource
from ..models import Declaration, GoodsLine
from ..validation import clean_header
from ._shared import _check_delegation, _check_line_count, _check_owner, _clean_lines, _lock, _require_draft, _snapshot
from .documents import document_upload, documents_errors
from .numbering import declaration_number_next
from .timeline import declaration_event_add


def _line_snapshot(line: GoodsLine) -> dict:
    return {"line_no": line.line_no, "hs_code": line.hs_code, "origin_country": line.origin_country,
            "quantity": str(line.quantity), "value": str(line.value), "currency": line.currency,
            "un_number": line.un_number, "dg_class": line.dg_class}


def _write_lines(declaration, cleaned) -> None:
    GoodsLine.objects.bulk_create([GoodsLine(declaration=declaration, line_no=i + 1, **data)
                                   for i, data in enumerate(cleaned)])


def declaration_draft_errors(*, header: dict, lines: list[dict], draft: bool = True) -> dict:
    """The draft's checks without saving anything: every message by field (``lines.<i>.<field>`` for a goods
    line), as declaration_create would raise them; with ``draft=False`` also what only submission needs."""
    errors: dict = {}
    clean_header(dict(header), errors, draft=draft)
    _clean_lines(list(lines), errors, draft=draft)
    return errors


def _attach(declaration, actor, documents) -> None:
    """Store the documents posted with a draft; if one fails, the files already stored go too (the rows go with
    the transaction)."""
    stored = []
    try:
        for document in documents:
            stored.append(document_upload(declaration=declaration, actor=actor, **document))
    except BaseException:
        for document in stored:
            document.file.delete(save=False)
        raise


@transaction.atomic
def declaration_create(*, enterprise, actor, lines=(), documents=(), source=DeclarationSource.PORTAL,
                       declarant_ref="", **header) -> Declaration:
    """Create a draft with its goods lines and ``documents`` (dicts of ``kind`` and ``file``); raises
    ValidationError naming every bad field at once (``documents.<i>.<field>`` for a document). A customs broker's
    declarant files for an importer (``enterprise``) whose delegation in force covers the port and goods: the
    declaration is the importer's, with the broker named."""
    errors: dict = {}
    header.setdefault("port_of_entry", settings.CIQ["OFFICE_CODE"])
    header.setdefault("departure_country", "")
    cleaned_header = clean_header(header, errors, draft=True)
    cleaned_lines = _clean_lines(list(lines), errors, draft=True)
    errors.update(documents_errors(documents))
    if errors:
        raise ValidationError(errors)
    broker_id = _check_delegation(enterprise.pk, actor, port=cleaned_header.get("port_of_entry", ""),
                                  hs_codes=[line["hs_code"] for line in cleaned_lines])
    declaration = Declaration.objects.create(
        number=declaration_number_next(), enterprise=enterprise, created_by=actor, source=source,
        declarant_ref=declarant_ref, customs_broker_id=broker_id, **cleaned_header)
    _write_lines(declaration, cleaned_lines)
    declaration_event_add(declaration=declaration, kind="created", actor=actor, to_status=declaration.status,
                          message=lambda: _("Draft created."))
    audit_record(actor=actor, action="declaration.create", obj=declaration, after=_snapshot(declaration),
                 enterprise_id=enterprise.pk)
    _attach(declaration, actor, documents)
    return declaration


@transaction.atomic
def declaration_update(*, declaration, actor, lines=None, documents=(), **header) -> Declaration:
    """Change a draft's header; when ``lines`` is given it replaces the goods lines; ``documents`` are added."""
    declaration = _lock(declaration)
    _check_owner(declaration, actor)
    _require_draft(declaration)
    before = _snapshot(declaration)
    errors: dict = {}
    cleaned_header = clean_header(header, errors, draft=True)
    cleaned_lines = _clean_lines(list(lines), errors, draft=True) if lines is not None else None
    errors.update(documents_errors(documents))
    if errors:
        raise ValidationError(errors)
    if declaration.customs_broker_id is not None:
        codes = ([line["hs_code"] for line in cleaned_lines] if cleaned_lines is not None
                 else [line.hs_code for line in declaration.lines.all()])
        _check_delegation(declaration.enterprise_id, actor,
                          port=cleaned_header.get("port_of_entry", declaration.port_of_entry), hs_codes=codes)
    for name, value in cleaned_header.items():
        setattr(declaration, name, value)
    declaration.save()
    if cleaned_lines is not None:
        declaration.lines.all().delete()
        _write_lines(declaration, cleaned_lines)
    audit_record(actor=actor, action="declaration.update", obj=declaration, before=before,
                 after=_snapshot(declaration), enterprise_id=declaration.enterprise_id)
    _attach(declaration, actor, documents)
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
    cleaned = _clean_lines([fields], errors, draft=True)[0]
    _check_line_count(declaration.lines.count() + 1, errors)
    if errors:
        raise ValidationError(errors)
    _check_delegation(declaration.enterprise_id, actor, port=declaration.port_of_entry,
                      hs_codes=[*(line.hs_code for line in declaration.lines.all()), cleaned["hs_code"]])
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
                                                       "manufacturer_name", "lot_numbers", "un_number",
                                                       "dg_class")}
    current.update(fields)
    errors: dict = {}
    cleaned = _clean_lines([current], errors, draft=True)[0]
    if errors:
        raise ValidationError(errors)
    _check_delegation(declaration.enterprise_id, actor, port=declaration.port_of_entry,
                      hs_codes=[cleaned["hs_code"] if other.pk == line.pk else other.hs_code
                                for other in declaration.lines.all()])
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
