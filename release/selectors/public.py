"""The public pages' reads: nothing private (no values, no risk reasons, no buyers)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from ciq_portal.scoping import get_in_scope
from declarations.models import HSCode

from .. import certificates
from ..models import (
    Certificate,
    Release,
)
from ._shared import NUMBER_RE, TOKEN_RE


def _goods(declaration) -> list[dict]:
    lines = list(declaration.lines.order_by("line_no"))
    names = {h.code: h for h in HSCode.objects.filter(code__in={line.hs_code[:n] for line in lines
                                                                   for n in (4, 6, 8, 10)})}

    def name(code):
        for n in (10, 8, 6, 4):
            if code[:n] in names:
                return names[code[:n]]
        return None

    return [{"hs_code": line.hs_code, "description": line.description, "origin": line.origin_country,
             "quantity": line.quantity, "unit": line.unit, "lots": line.lot_numbers,
             "hs": name(line.hs_code)} for line in lines]


def trace_view(trace_code: str) -> dict:
    if not TOKEN_RE.fullmatch(trace_code or ""):
        raise Http404
    release = (Release.objects.select_related("declaration", "enterprise", "certificate")
               .filter(trace_code=trace_code).first())
    if release is None:
        raise Http404
    recall = release.recalls.order_by("-opened_at").first()
    return {
        "release": release,
        "importer": release.enterprise,
        "goods": _goods(release.declaration),
        "certificate": getattr(release, "certificate", None),
        "recall": recall,
        "recalled": release.status == "recalled",
    }


@dataclass
class Verification:
    """``genuine``: the certificate exists, its content is what the bureau signed, and the signature presented (the
    QR code's, if any) is that signature. ``status`` says whether a genuine certificate still stands."""

    genuine: bool
    certificate: Certificate | None
    reason: str  # "ok", "unknown", "altered", "signature_mismatch"
    status: str = ""  # for a genuine certificate: "valid", "revoked" or "recalled"

    @property
    def valid(self) -> bool:
        return self.genuine and self.status == "valid"


def certificate_verify(number: str, signature: str | None = None) -> Verification:
    number = (number or "").strip()
    certificate = (Certificate.objects.select_related("release__enterprise").filter(number=number).first()
                   if NUMBER_RE.fullmatch(number) else None)
    if certificate is None:
        return Verification(False, None, "unknown")
    if not certificates.is_genuine(certificate.facts, certificate.key_id, certificate.signature):
        return Verification(False, certificate, "altered")
    if signature is not None and signature.strip() != certificate.signature:
        return Verification(False, certificate, "signature_mismatch")
    status = ("revoked" if certificate.revoked_at else
              "recalled" if certificate.release.status == "recalled" else "valid")
    return Verification(True, certificate, "ok", status)


def certificate_record(certificate: Certificate, verification: Verification) -> dict:
    """A certificate as published for anyone to check its signature themselves, with the bureau's verdict."""
    return {"number": certificate.number, "genuine": verification.genuine, "status": verification.status or None,
            "revoked_at": certificate.revoked_at.isoformat() if certificate.revoked_at else None,
            "revocation_reason": certificate.revocation_reason or None,
            "signed": certificates.signed_content(certificate.facts, certificate.key_id),
            "key_id": certificate.key_id, "signature": certificate.signature}


def certificate_get(*, user, number) -> Certificate:
    if not NUMBER_RE.fullmatch(number or ""):
        raise Http404
    return get_in_scope(Certificate.objects.select_related("release__declaration", "release__enterprise"),
                        user=user, enterprise_field="release__enterprise", number=number)
