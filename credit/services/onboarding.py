"""Enterprises that join online: an application made without an account, the bureau's decision on it (the
applicant is told by mail), and the enterprise's administrator inviting and removing its own declarants."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ciq_portal.accounts import set_password_mail_send
from ciq_portal.audit import audit_record
from ciq_portal.messaging import message_send, phone_number_normalise
from ciq_portal.models import MessageChannel, MessagePurpose, User
from ciq_portal.roles import Role, require_role
from ciq_portal.services import user_create_invited, user_deactivate
from ciq_portal.stored_files import PDF_ONLY, file_store

from ..choices import ApplicationStatus, EnterpriseKind, MembershipRole
from ..models import Enterprise, EnterpriseApplication, EnterpriseMembership
from ..selectors import require_enterprise_administrator
from ..validators import validate_uscc
from .enterprises import enterprise_create

# Who may join online: importers and the customs brokers that file for them.
APPLYING_KINDS = (EnterpriseKind.IMPORTER, EnterpriseKind.CUSTOMS_BROKER)
_REQUIRED = {"name_zh": gettext_lazy("Name (Chinese): this field is required."),
             "name_en": gettext_lazy("Name (English): this field is required."),
             "address": gettext_lazy("Address: this field is required."),
             "contact_name": gettext_lazy("Contact person: this field is required.")}


def _snapshot(application: EnterpriseApplication) -> dict:
    return {"uscc": application.uscc, "name_zh": application.name_zh, "name_en": application.name_en,
            "kind": application.kind, "status": application.status, "enterprise": application.enterprise_id,
            "licence_sha256": application.sha256}


@transaction.atomic
def enterprise_application_submit(*, uscc: str, name_zh: str, name_en: str, address: str, kind: str,
                                  contact_name: str, contact_email: str, contact_phone: str,
                                  licence) -> EnterpriseApplication:
    """Record an enterprise's application (no account needed): every bad field is named at once; the business
    licence must be a PDF."""
    errors: dict[str, list] = {}
    uscc = (uscc or "").strip().upper()
    try:
        validate_uscc(uscc)
    except ValidationError as exc:
        errors["uscc"] = exc.messages
    else:
        if Enterprise.objects.filter(uscc=uscc).exists():
            errors["uscc"] = [_("An enterprise with this code already has an account; its administrator invites "
                                "new users.")]
        elif EnterpriseApplication.objects.filter(uscc=uscc, status=ApplicationStatus.PENDING).exists():
            errors["uscc"] = [_("An application for this code is already waiting for the bureau's decision.")]
    fields = {"name_zh": name_zh, "name_en": name_en, "address": address, "contact_name": contact_name}
    fields = {name: (value or "").strip() for name, value in fields.items()}
    for name, value in fields.items():
        if not value:
            errors[name] = [_REQUIRED[name]]
    if kind not in APPLYING_KINDS:
        errors["kind"] = [_("Kind: an importer or a customs broker.")]
    contact_email = (contact_email or "").strip().lower()
    try:
        validate_email(contact_email)
    except ValidationError:
        errors["contact_email"] = [_("Enter a valid e-mail address.")]
    else:
        if User.objects.filter(username__iexact=contact_email).exists():
            errors["contact_email"] = [_("An account with this e-mail address already exists.")]
    phone = phone_number_normalise(contact_phone) or (contact_phone or "").strip()
    if not phone:
        errors["contact_phone"] = [_("Contact phone: this field is required.")]
    if errors:
        raise ValidationError(errors)
    application = EnterpriseApplication(uscc=uscc, kind=kind, contact_email=contact_email, contact_phone=phone[:32],
                                        **fields)
    file_store(application, licence, field="licence", content_types=PDF_ONLY)
    audit_record(actor=None, action="enterprise_application.submit", obj=application, after=_snapshot(application),
                 personal={"contact_name": application.contact_name, "contact_email": contact_email,
                           "contact_phone": application.contact_phone})
    return application


def _lock_pending(application) -> EnterpriseApplication:
    application = EnterpriseApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise ValidationError({"status": [_("This application was already decided.")]})
    return application


@transaction.atomic
def enterprise_application_approve(*, actor, application, site_url: str) -> EnterpriseApplication:
    """Create the enterprise and its administrator's account (the contact person, who sets a password from the
    mailed link). Bureau administrators only."""
    require_role(actor, Role.ADMINISTRATOR)
    application = _lock_pending(application)
    before = _snapshot(application)
    enterprise = enterprise_create(actor=actor, uscc=application.uscc, name_zh=application.name_zh,
                                   name_en=application.name_en, address=application.address, kind=application.kind)
    try:
        user = user_create_invited(email=application.contact_email, role=Role.DECLARANT,
                                   full_name=application.contact_name, actor=actor)
    except ValidationError as exc:
        raise ValidationError({"contact_email": exc.message_dict.get("email", exc.messages)}) from None
    membership = EnterpriseMembership.objects.create(user=user, enterprise=enterprise,
                                                     role=MembershipRole.ADMINISTRATOR)
    audit_record(actor=actor, action="enterprise.membership_add", obj=membership,
                 after={"user": user.username, "enterprise": enterprise.pk, "role": membership.role},
                 enterprise_id=enterprise.pk)
    application.status, application.decided_by, application.decided_at = (ApplicationStatus.APPROVED, actor,
                                                                            timezone.now())
    application.enterprise, application.applicant = enterprise, user
    application.save()
    audit_record(actor=actor, action="enterprise_application.approve", obj=application, before=before,
                 after=_snapshot(application), enterprise_id=enterprise.pk)
    set_password_mail_send(user=user, site_url=site_url, purpose=MessagePurpose.ONBOARDING_DECISION, actor=actor,
                           template="credit/mail/application_approved.txt", enterprise_id=enterprise.pk,
                           context={"application": application})
    return application


@transaction.atomic
def enterprise_application_refuse(*, actor, application, reason: str) -> EnterpriseApplication:
    """Refuse with the reason the applicant is mailed. Bureau administrators only."""
    require_role(actor, Role.ADMINISTRATOR)
    application = _lock_pending(application)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Reason: say why the application is refused.")]})
    before = _snapshot(application)
    application.status, application.decided_by, application.decided_at = (ApplicationStatus.REFUSED, actor,
                                                                            timezone.now())
    application.refusal_reason = reason
    application.save()
    audit_record(actor=actor, action="enterprise_application.refuse", obj=application, before=before,
                 after={**_snapshot(application), "reason": reason})
    message_send(channel=MessageChannel.EMAIL, recipient=application.contact_email,
                 subject=_("Your application to the CIQ portal was refused"),
                 body=_("Dear %(name)s,\n\nThe bureau refused the application of %(enterprise)s (%(uscc)s) for an "
                        "account on the CIQ portal, for this reason:\n\n%(reason)s\n\nYou may apply again once "
                        "it is remedied.\n") % {"name": application.contact_name, "enterprise": application.name_zh,
                                                "uscc": application.uscc, "reason": reason},
                 purpose=MessagePurpose.ONBOARDING_DECISION, reference=application.uscc, actor=actor)
    return application


# --- the enterprise's own users -----------------------------------------------------------------------------------

@transaction.atomic
def member_invite(*, actor, email: str, full_name: str, site_url: str) -> EnterpriseMembership:
    """The enterprise ``actor`` administers gets a declarant, who sets a password from the mailed link."""
    enterprise_id = require_enterprise_administrator(actor)
    if not (full_name or "").strip():
        raise ValidationError({"full_name": [_("Name: this field is required.")]})
    user = user_create_invited(email=email, role=Role.DECLARANT, full_name=full_name, actor=actor)
    membership = EnterpriseMembership.objects.create(user=user, enterprise_id=enterprise_id)
    audit_record(actor=actor, action="enterprise.membership_add", obj=membership,
                 after={"user": user.username, "enterprise": enterprise_id, "role": membership.role},
                 enterprise_id=enterprise_id)
    set_password_mail_send(user=user, site_url=site_url, purpose=MessagePurpose.INVITATION, actor=actor,
                           template="credit/mail/invitation.txt", enterprise_id=enterprise_id,
                           context={"enterprise": membership.enterprise, "inviter": actor})
    return membership


@transaction.atomic
def member_remove(*, actor, membership: EnterpriseMembership) -> EnterpriseMembership:
    """Close the account of one of the enterprise's users (never the administrator's own)."""
    enterprise_id = require_enterprise_administrator(actor)
    membership = EnterpriseMembership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if membership.enterprise_id != enterprise_id:
        raise ValidationError({"user": [_("This user is not of your enterprise.")]})
    if membership.user_id == actor.pk:
        raise ValidationError({"user": [_("You cannot remove your own account.")]})
    user_deactivate(user=membership.user, actor=actor)
    audit_record(actor=actor, action="enterprise.membership_remove", obj=membership,
                 before={"user": membership.user.username, "active": True},
                 after={"user": membership.user.username, "active": False}, enterprise_id=enterprise_id)
    return membership
