"""Every write of case referrals (案件通报移交) between the bureau and partner agencies, in either direction.

Each service is atomic, locks what it changes, writes an audit row, notes the step on the referred declaration's
timeline (bureau staff only) and publishes ``case_referral.updated`` to the agency and the bureau."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ciq_portal.agencies import is_agency_principal, principal_agency
from ciq_portal.audit import audit_record
from ciq_portal.models import Agency, AgencyScope, EventType, User
from ciq_portal.notifications import notification_publish
from ciq_portal.roles import Role, has_role, is_bureau_user
from declarations.models import Declaration, Document
from declarations.services import declaration_event_add

from . import transitions
from .choices import ReferralDirection, ReferralKind, ReferralOutcome
from .models import CaseEvidence, CaseReferral


def _referral_side(referral: CaseReferral, actor) -> str:
    """"receiver" or "referrer" for ``actor`` on ``referral``; ValidationError when neither."""
    bureau = is_bureau_user(actor)
    if is_agency_principal(actor):
        agency = principal_agency(actor)
        if agency is None or agency.pk != referral.agency_id:
            raise ValidationError({"agency": [_("This case is not referred to or by your agency.")]})
        return transitions.RECEIVER if referral.direction == ReferralDirection.TO_AGENCY else transitions.REFERRER
    if bureau:
        return transitions.REFERRER if referral.direction == ReferralDirection.TO_AGENCY else transitions.RECEIVER
    raise ValidationError({"referral": [_("Your role may not act on case referrals.")]})


def _referral_state(referral: CaseReferral) -> dict:
    return {"number": referral.number, "direction": referral.direction, "kind": referral.kind,
            "status": referral.status, "agency": referral.agency.code, "outcome": referral.outcome,
            "external_reference": referral.external_reference}


def _referral_publish(referral: CaseReferral, *, what: str, recipients=()) -> None:
    """case_referral.updated to the agency's subscriptions and the bureau (never declarants)."""
    notification_publish(
        event_type=EventType.CASE_REFERRAL, audience=["agency", "bureau"], agency_id=referral.agency_id,
        enterprise_id=referral.enterprise_id,
        payload={"id": referral.pk, "number": referral.number, "change": what, "direction": referral.direction,
                 "kind": referral.kind, "status": referral.status, "outcome": referral.outcome,
                 "declaration_number": referral.declaration.number if referral.declaration_id else "",
                 "container_no": referral.container_no, "external_reference": referral.external_reference},
        recipients=recipients, reference=referral.number, message=referral.summary[:200],
        link=f"/inspection/case-referrals/{referral.pk}/")


def _referral_timeline(referral: CaseReferral, *, step: str, actor, message) -> None:
    """A bureau-only entry on the referred declaration's timeline (kind ``case_referral_<step>``); ``message`` is a
    function building the text, stored in every language (ciq_portal.i18n)."""
    if referral.declaration_id is None:
        return
    declaration_event_add(declaration=referral.declaration, kind=f"case_referral_{step}", actor=actor,
                          visible_to_declarant=False, message=message,
                          data={"case_referral": referral.pk, "direction": referral.direction})


def _referral_number() -> str:
    today = timezone.localdate()
    for _attempt in range(5):
        number = f"CR{today:%Y%m%d}{secrets.token_hex(3).upper()}"
        if not CaseReferral.objects.filter(number=number).exists():
            return number
    raise RuntimeError("could not allocate a case referral number")  # pragma: no cover - 16M per day


def _evidence_clean(evidence, *, declaration, allow_documents: bool = True) -> list[dict]:
    cleaned, errors = [], []
    for index, item in enumerate(evidence or [], start=1):
        description = str(item.get("description") or "").strip()
        reference = str(item.get("reference") or "").strip()
        document = item.get("document")
        if not description:
            errors.append(_("Evidence %(n)d: describe it.") % {"n": index})
            continue
        if document is not None and not allow_documents:
            errors.append(_("Evidence %(n)d: agencies give a reference, not a declaration document.") % {"n": index})
            continue
        if document is not None:
            document_id = getattr(document, "pk", document)
            document = (Document.objects.filter(pk=document_id, declaration=declaration).first()
                        if declaration is not None and str(document_id).isdigit() else None)
            if document is None:
                errors.append(_("Evidence %(n)d: the document must belong to the referred declaration.")
                              % {"n": index})
                continue
        cleaned.append({"description": description[:300], "reference": reference[:200], "document": document})
    if errors:
        raise ValidationError({"evidence": errors})
    return cleaned


@transaction.atomic
def case_referral_create(*, actor, kind: str, summary: str, agency=None, details: str = "",
                         declaration=None, declaration_number: str = "", enterprise=None, container_no: str = "",
                         external_reference: str = "", evidence=()) -> CaseReferral:
    """Refer a case. Bureau staff refer to ``agency`` (direction to_agency); an agency's credentials refer to the
    bureau (from_agency, the agency being theirs). The declaration may be given by object or by number."""
    errors: dict = {}
    if is_agency_principal(actor):
        direction, agency = ReferralDirection.FROM_AGENCY, principal_agency(actor)
        if agency is None:
            raise ValidationError({"agency": [_("Your account is not linked to an agency.")]})
    elif has_role(actor, Role.OFFICER, Role.SUPERVISOR, Role.ADMINISTRATOR):
        direction = ReferralDirection.TO_AGENCY
        if agency is None:
            errors["agency"] = [_("Agency: choose the agency the case is referred to.")]
        elif not isinstance(agency, Agency):
            agency = Agency.objects.filter(code=str(agency)).first()
            if agency is None:
                errors["agency"] = [_("Agency: unknown agency.")]
        if agency is not None and not errors.get("agency") and (
                not agency.is_active or AgencyScope.CASE_REFERRAL not in agency.scopes):
            errors["agency"] = [_("Agency: %(agency)s does not take case referrals.") % {"agency": agency}]
    else:
        raise ValidationError({"referral": [_("Your role may not refer cases.")]})
    if kind not in ReferralKind.values:
        errors["kind"] = [_("Kind: choose one of %(kinds)s.") % {"kinds": ", ".join(ReferralKind.values)}]
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = [_("Summary: say what the case is about.")]
    if declaration is None and (declaration_number or "").strip():
        declaration = Declaration.objects.filter(number=declaration_number.strip()).first()
        if declaration is None:
            errors["declaration_number"] = [_("Declaration number: no declaration %(number)s.")
                                            % {"number": declaration_number.strip()}]
    container_no = (container_no or "").strip().upper()
    if container_no and declaration is not None and container_no not in (declaration.containers or []):
        errors["container_no"] = [_("Container %(container)s is not on declaration %(number)s.")
                                  % {"container": container_no, "number": declaration.number}]
    if errors:
        raise ValidationError(errors)
    evidence = _evidence_clean(evidence, declaration=declaration,
                               allow_documents=direction == ReferralDirection.TO_AGENCY)
    if enterprise is None and declaration is not None:
        enterprise = declaration.enterprise
    referral = CaseReferral.objects.create(
        number=_referral_number(), direction=direction, kind=kind, agency=agency, declaration=declaration,
        enterprise=enterprise, container_no=container_no, summary=summary[:300], details=(details or "").strip(),
        external_reference=(external_reference or "").strip()[:64], referred_by=actor)
    CaseEvidence.objects.bulk_create([CaseEvidence(referral=referral, added_by=actor, **item) for item in evidence])
    _referral_timeline(referral, step="referred", actor=actor,
                       message=lambda: f"{referral.number} · {ReferralKind(kind).label} · {agency}")
    audit_record(actor=actor, action="case_referral.create", obj=referral, after=_referral_state(referral),
                 enterprise_id=referral.enterprise_id)
    # Incoming cases reach the supervisors' bell; outgoing ones the agency's systems.
    recipients = []
    if direction == ReferralDirection.FROM_AGENCY:
        recipients = list(User.objects.filter(groups__name=Role.SUPERVISOR, is_active=True)
                          .values_list("pk", flat=True))
    _referral_publish(referral, what="created", recipients=recipients)
    return referral


def _referral_move(referral, *, move: str, actor, changes: dict, defaults: dict | None = None) -> CaseReferral:
    """Lock the referral, check the move for the actor's side, apply ``changes`` and, on fields the locked row has
    not set yet, ``defaults``."""
    referral = (CaseReferral.objects.select_for_update(of=("self",)).select_related("agency", "declaration")
                .get(pk=referral.pk))
    side = _referral_side(referral, actor)
    if not transitions.can(move, referral.status, side):
        raise ValidationError({"status": [
            _("This case is %(status)s: not possible now, or not for your side.")
            % {"status": referral.get_status_display()}]})
    before = _referral_state(referral)
    target = transitions.target(move)
    if target:
        referral.status = target
    for name, value in changes.items():
        setattr(referral, name, value)
    for name, value in (defaults or {}).items():
        if getattr(referral, name) is None:
            setattr(referral, name, value)
    referral.save()
    audit_record(actor=actor, action=f"case_referral.{move}", obj=referral, before=before,
                 after=_referral_state(referral), enterprise_id=referral.enterprise_id)
    _referral_timeline(referral, step=move, actor=actor,
                       message=lambda: f"{referral.number} · {referral.get_status_display()}")
    _referral_publish(referral, what=move, recipients=[referral.referred_by_id]
                      if referral.direction == ReferralDirection.TO_AGENCY else [])
    return referral


@transaction.atomic
def case_referral_acknowledge(*, referral, actor, note: str = "", external_reference: str = "") -> CaseReferral:
    """The receiving side confirms it has taken the case up (and may give its own case number)."""
    changes = {"acknowledged_by": actor, "acknowledged_at": timezone.now(),
               "acknowledgement_note": (note or "").strip()}
    if (external_reference or "").strip():
        changes["external_reference"] = external_reference.strip()[:64]
    return _referral_move(referral, move="acknowledge", actor=actor, changes=changes)


@transaction.atomic
def case_referral_report_outcome(*, referral, actor, outcome: str, detail: str = "") -> CaseReferral:
    """The receiving side reports how the case ended; this closes it."""
    if outcome not in ReferralOutcome.values:
        raise ValidationError({"outcome": [_("Outcome: choose one of %(outcomes)s.")
                                           % {"outcomes": ", ".join(ReferralOutcome.values)}]})
    if not (detail or "").strip():
        raise ValidationError({"detail": [_("Detail: describe the outcome (decision, penalty, reference).")]})
    now = timezone.now()
    changes = {"outcome": outcome, "outcome_detail": detail.strip(), "outcome_by": actor, "outcome_at": now}
    # Reporting the outcome implies the case was taken up, unless an acknowledgement says when and by whom.
    return _referral_move(referral, move="report_outcome", actor=actor, changes=changes,
                          defaults={"acknowledged_by": actor, "acknowledged_at": now})


@transaction.atomic
def case_referral_withdraw(*, referral, actor, reason: str) -> CaseReferral:
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Reason: say why the referral is withdrawn.")]})
    return _referral_move(referral, move="withdraw", actor=actor, changes={"withdrawn_reason": reason.strip()})


@transaction.atomic
def case_evidence_add(*, referral, actor, description: str, reference: str = "", document=None) -> CaseEvidence:
    """Either side adds evidence while the case is open."""
    referral = CaseReferral.objects.select_for_update().get(pk=referral.pk)
    side = _referral_side(referral, actor)
    if not transitions.can("add_evidence", referral.status, side):
        raise ValidationError({"status": [_("This case is %(status)s: evidence can no longer be added.")
                                          % {"status": referral.get_status_display()}]})
    [item] = _evidence_clean([{"description": description, "reference": reference, "document": document}],
                             declaration=referral.declaration, allow_documents=not is_agency_principal(actor))
    evidence = CaseEvidence.objects.create(referral=referral, added_by=actor, **item)
    audit_record(actor=actor, action="case_referral.add_evidence", obj=referral,
                 after={"evidence": evidence.pk, "description": evidence.description},
                 enterprise_id=referral.enterprise_id)
    _referral_publish(referral, what="add_evidence")
    return evidence
