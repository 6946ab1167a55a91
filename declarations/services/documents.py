"""Documents: files checked by their bytes (PDF, JPEG, PNG up to DOCUMENT_MAX_BYTES, ciq_portal.stored_files) and
stored under a fresh name, and the document kinds a declaration's goods need."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.reference import reference_cached
from ciq_portal.stored_files import file_check, file_store

from .. import transitions
from ..choices import DocumentKind
from ..models import Document, DocumentRequirement
from ..nomenclature import hs_categories, hs_prefixes, in_force
from ._shared import _check_owner, _lock
from .timeline import declaration_event_add

DOCUMENT_RULES_KEY = "document-requirements"


@transaction.atomic
def document_upload(*, declaration, kind, file, actor, goods_line=None) -> Document:
    """Store a PDF, JPEG or PNG (sniffed from its first bytes, never from its name) up to DOCUMENT_MAX_BYTES."""
    declaration = _lock(declaration)
    _check_owner(declaration, actor)
    if not transitions.may_change("attach_documents", declaration.status):
        raise ValidationError({"file": [_("Documents cannot be added to a closed declaration.")]})
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": [_("Document type: choose a valid type.")]})
    if goods_line is not None and goods_line.declaration_id != declaration.pk:
        raise ValidationError({"goods_line": [_("Goods line: not a line of this declaration.")]})
    document = file_store(Document(declaration=declaration, goods_line=goods_line, kind=kind, uploaded_by=actor),
                           file)
    declaration_event_add(declaration=declaration, kind="document_uploaded", actor=actor,
                          message=lambda: _("Document uploaded: %(name)s") % {"name": document.original_name},
                          data={"document_id": document.pk, "kind": kind})
    audit_record(actor=actor, action="document.upload", obj=document,
                 after={"kind": kind, "sha256": document.sha256, "size": document.size,
                        "declaration": declaration.number},
                 enterprise_id=declaration.enterprise_id)
    return document


def documents_errors(documents) -> dict:
    """What is wrong with documents to be attached (dicts of ``kind`` and ``file``), keyed
    ``documents.<i>.<field>``, checked before anything is written."""
    errors: dict = {}
    for index, document in enumerate(documents):
        if document.get("kind") not in DocumentKind.values:
            errors[f"documents.{index}.kind"] = [_("Document type: choose a valid type.")]
        try:
            file_check(document.get("file"))
        except ValidationError as exc:
            errors[f"documents.{index}.file"] = exc.message_dict["file"]
    return errors


def required_documents(declaration) -> set[str]:
    """The document kinds the goods of ``declaration`` need (DocumentRequirement by HS prefix or category)."""
    rules = reference_cached(DOCUMENT_RULES_KEY, lambda: list(
        DocumentRequirement.objects.filter(in_force(timezone.localdate()))))
    codes = [line.hs_code for line in declaration.lines.all()]
    if not rules or not codes:
        return set()
    prefixes = {prefix for code in codes for prefix in hs_prefixes(code)}
    categories = set().union(*(hs_categories(code) for code in codes))
    return {r.kind for r in rules if (r.hs_prefix and r.hs_prefix in prefixes) or
            (r.category and not r.hs_prefix and r.category in categories)}
