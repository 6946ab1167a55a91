"""Uploaded files, checked by their bytes before they are stored: a PDF, JPEG or PNG (sniffed from the first bytes,
never from the name) up to ``DOCUMENT_MAX_BYTES``, kept under a fresh name with what the portal records of it (the
name it came with, its type, size and digest). Every app that takes uploads stores them through here."""

import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAGIC = ((b"%PDF-", "application/pdf", "pdf"), (b"\xff\xd8\xff", "image/jpeg", "jpg"),
         (b"\x89PNG\r\n\x1a\n", "image/png", "png"))
PDF_ONLY = frozenset({"application/pdf"})


def sniff_content_type(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in MAGIC:
        if head.startswith(magic):
            return content_type, ext
    return None


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    ext: str
    size: int
    sha256: str
    original_name: str


def file_check(file, *, field: str = "file", content_types=None) -> CheckedFile:
    """``file`` if it is a PDF, JPEG or PNG (only ``content_types`` when given) up to DOCUMENT_MAX_BYTES, or
    ValidationError naming ``field``."""
    if file is None:
        raise ValidationError({field: [_("File: this field is required.")]})
    size = getattr(file, "size", None)
    if size is None or size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError({field: [_("File: larger than the limit of %(mb).0f MB.")
                                       % {"mb": settings.DOCUMENT_MAX_BYTES / 1024 / 1024}]})
    if size == 0:
        raise ValidationError({field: [_("File: the file is empty.")]})
    file.seek(0)
    sniffed = sniff_content_type(file.read(16))
    if sniffed is None:
        raise ValidationError({field: [_("File: only PDF, JPEG and PNG files are accepted.")]})
    content_type, ext = sniffed
    if content_types is not None and content_type not in content_types:
        raise ValidationError({field: [_("File: only a PDF file is accepted.") if content_types == PDF_ONLY
                                       else _("File: this type of file is not accepted here.")]})
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    name = (getattr(file, "name", "") or f"document.{ext}").rsplit("/", 1)[-1][:250]
    return CheckedFile(content_type, ext, size, digest.hexdigest(), download_name(name, content_type))


def download_name(name: str, content_type: str) -> str:
    """``name`` with the extension of the type its bytes showed: a PDF named ``x.html`` downloads as ``x.pdf``, so
    no browser or desktop opens it as what its name claims."""
    extensions = {content_type_: ext for _magic, content_type_, ext in MAGIC}
    ext = extensions.get(content_type, "bin")
    stem, dot, suffix = name.rpartition(".")
    if dot and suffix.lower() in ({ext, "jpeg"} if ext == "jpg" else {ext}):
        return name
    return f"{stem if dot and stem else name}.{ext}"


def file_store(record, file, *, field: str = "file", content_types=None):
    """Check ``file`` (:func:`file_check`), then store it in ``record.file`` under a fresh name, with what ``record``
    keeps of it (``original_name``, ``content_type``, ``size``, ``sha256``), and save ``record``."""
    checked = file_check(file, field=field, content_types=content_types)
    record.original_name, record.content_type = checked.original_name, checked.content_type
    record.size, record.sha256 = checked.size, checked.sha256
    record.file.save(f"{uuid.uuid4().hex}.{checked.ext}", file, save=False)
    record.save()
    return record
