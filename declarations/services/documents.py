"""Documents: files checked by their bytes (PDF, JPEG, PNG up to DOCUMENT_MAX_BYTES) and stored under a fresh name,
and the document kinds a declaration's goods need."""

import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.reference import reference_cached

from .. import transitions
from ..choices import DocumentKind
from ..models import Document, DocumentRequirement, StoredFile
from ..nomenclature import hs_categories, hs_prefixes, in_force
from ._shared import _check_owner, _lock
from .timeline import declaration_event_add

DOCUMENT_RULES_KEY = "document-requirements"
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
    name = (getattr(file, "name", "") or f"document.{ext}").rsplit("/", 1)[-1][:250]
    return _CheckedFile(content_type, ext, size, digest.hexdigest(), document_download_name(name, content_type))


def document_download_name(name: str, content_type: str) -> str:
    """``name`` with the extension of the type its bytes showed: a PDF named ``x.html`` downloads as ``x.pdf``, so
    no browser or desktop opens it as what its name claims."""
    extensions = {content_type_: ext for _magic, content_type_, ext in MAGIC}
    ext = extensions.get(content_type, "bin")
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix.lower() in ({ext, "jpeg"} if ext == "jpg" else {ext}):
        return name
    return f"{stem if dot and stem else name}.{ext}"


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
    if not transitions.may_change("attach_documents", declaration.status):
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
    rules = reference_cached(DOCUMENT_RULES_KEY, lambda: list(
        DocumentRequirement.objects.filter(in_force(timezone.localdate()))))
    codes = [line.hs_code for line in declaration.lines.all()]
    if not rules or not codes:
        return set()
    prefixes = {prefix for code in codes for prefix in hs_prefixes(code)}
    categories = set().union(*(hs_categories(code) for code in codes))
    return {r.kind for r in rules if (r.hs_prefix and r.hs_prefix in prefixes) or
            (r.category and not r.hs_prefix and r.category in categories)}
