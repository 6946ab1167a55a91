"""The release of a consignment whose mode's steps are done: the declaration released, the release with its
unguessable trace code, its signed certificate, the release order published."""

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.audit import audit_record
from ciq_portal.roles import Role
from declarations import services as declaration_services
from declarations.models import Declaration

from .. import certificates, clearance
from ..choices import InspectionResult, NextStep
from ..models import Certificate, Release, ReleaseDecision
from ._shared import WAITING_STATUSES, _event, _plain, _publish, _require_role
from .stats_refresh import _queue_stats_refresh


def _certificate_number(port: str, on: date) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    tail = "".join(secrets.choice(alphabet) for _ in range(8))
    return f"IQC{port[:4].upper()}{on:%Y%m%d}{tail}"


def _certificate_facts(release: Release, number: str, lines) -> dict:
    declaration = release.declaration
    enterprise = declaration.enterprise
    return {
        "number": number,
        "issued_on": timezone.localdate(release.released_at).isoformat(),
        "declaration_number": declaration.number,
        "importer_zh": enterprise.name_zh, "importer_en": enterprise.name_en or "",
        "importer_code": enterprise.uscc or "",
        "port": declaration.port_of_entry, "departure_country": declaration.departure_country,
        "vessel_voyage": declaration.vessel_voyage, "bill_of_lading": declaration.bill_of_lading,
        "release_mode": release.mode, "inspection_result": release.inspection_result,
        "released_on": release.released_on.isoformat(), "trace_code": release.trace_code,
        "lines": [{"hs_code": line.hs_code, "description": line.description, "origin": line.origin_country,
                   "quantity": _plain(line.quantity),
                   "unit": line.unit, "lots": line.lot_numbers}
                  for line in lines],
    }


def _certificate_issue(release: Release, lines) -> Certificate:
    number = _certificate_number(release.port, release.released_on)
    facts = _certificate_facts(release, number, lines)
    key_id, signature = certificates.sign(facts)
    return Certificate.objects.create(release=release, number=number, issued_at=release.released_at, facts=facts,
                                      key_id=key_id, signature=signature)


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, actor) -> Certificate:
    """Revoke a certificate issued in error: it stays genuine (signed by the bureau) but the verification page and
    the public checks say it is no longer valid. Supervisors only; revoking again changes nothing."""
    _require_role(actor, Role.SUPERVISOR, Role.ADMINISTRATOR, field="reason")
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason.")]})
    certificate = Certificate.objects.select_for_update().select_related("release").get(pk=certificate.pk)
    if certificate.revoked_at is not None:
        return certificate
    certificate.revoked_at, certificate.revoked_by = timezone.now(), actor
    certificate.revocation_reason = reason.strip()[:300]
    certificate.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    audit_record(actor=actor, action="certificate.revoke", obj=certificate,
                 enterprise_id=certificate.release.enterprise_id,
                 after={"number": certificate.number, "reason": certificate.revocation_reason})
    _event(declaration=certificate.release.declaration, kind="certificate_revoked", actor=actor,
           message=lambda: _("Certificate %(n)s revoked: %(r)s") % {"n": certificate.number,
                                                                    "r": certificate.revocation_reason},
           data={"certificate": certificate.number})
    return certificate


@transaction.atomic(savepoint=False)  # no savepoint of its own when nested in the caller's transaction
def consignment_release(*, declaration, actor, inspection_result) -> Release:
    """Release a consignment whose mode's steps are done: the declaration moves to released, and the release
    gets its unguessable trace code and its signed certificate. Releasing again returns the first release."""
    decision = ReleaseDecision.objects.select_for_update().get(declaration=declaration)
    existing = Release.objects.filter(decision=decision).first()
    if existing:
        return existing
    declaration = Declaration.objects.select_related("enterprise").get(pk=declaration.pk)
    if declaration.status not in WAITING_STATUSES:
        raise ValidationError({"declaration": [_("This declaration cannot be released: it is %(s)s.") % {
            "s": declaration.get_status_display()}]})
    return _release(decision, declaration, actor=actor, inspection_result=inspection_result)


def _release(decision, declaration, *, actor, inspection_result) -> Release:
    """The release itself, for a decision locked (or made) in this transaction and a declaration waiting for it."""
    lines = list(declaration.lines.all())
    outcome = {InspectionResult.CONFORM: "conform", InspectionResult.NON_CONFORM: "non_conform"}.get(
        inspection_result)
    extra = {"inspection_outcome": outcome} if outcome else {}
    declaration = declaration_services.declaration_release(declaration=declaration, actor=actor,
                                                           release_mode=decision.mode, **extra)
    released_at = declaration.released_at or timezone.now()
    from_submission = clearance.minutes_between(declaration.submitted_at or decision.decided_at, released_at)
    from_arrival = clearance.minutes_between(clearance.arrival_time(declaration), released_at)
    release = Release.objects.create(
        declaration=declaration, enterprise_id=declaration.enterprise_id, decision=decision, mode=decision.mode,
        inspection_result=inspection_result, trace_code=secrets.token_urlsafe(16), released_at=released_at,
        released_on=timezone.localdate(released_at), released_by=actor if getattr(actor, "pk", None) else None,
        port=decision.port, grade=decision.grade, minutes_from_submission=from_submission,
        minutes_from_arrival=from_arrival, bucket_submission=clearance.bucket_of(from_submission),
        bucket_arrival=clearance.bucket_of(from_arrival))
    certificate = _certificate_issue(release, lines)
    if decision.next_step != NextStep.NONE:
        decision.next_step = NextStep.NONE
        decision.save(update_fields=["next_step"])
    transaction.on_commit(_queue_stats_refresh, robust=True)
    audit_record(actor=actor, action="release.create", obj=release, enterprise_id=release.enterprise_id,
                 after={"declaration": declaration.number, "mode": release.mode,
                        "inspection_result": inspection_result, "certificate": certificate.number,
                        "signature": certificate.signature})
    def message():
        return _("Released (%(mode)s). Certificate %(n)s issued.") % {
            "mode": decision.get_mode_display(), "n": certificate.number}

    _event(declaration=declaration, kind="released", actor=actor, message=message,
           data={"certificate_number": certificate.number, "trace_code": release.trace_code})
    # The paperless release order for the declarant, the port and customs (webhooks after commit).
    _publish("declaration.released", release, message=message, payload={
        "mode": release.mode, "released_at": release.released_at, "inspection_result": release.inspection_result,
        "certificate_number": certificate.number, "trace_code": release.trace_code,
        "bill_of_lading": declaration.bill_of_lading, "containers": declaration.containers,
        "port": release.port}, actor=actor)
    return release
