"""People's accounts: the mail that lets someone set a password (a reset they asked for, an invitation someone
sent them), and the time-based one-time passwords (TOTP) bureau staff log in with as a second factor.

Both mails go through :func:`ciq_portal.messaging.message_send`, so each is a delivery the bureau can follow and
send again. The set-password link is Django's password-reset link (``password_reset_confirm``): it works once, and
only until the password changes or ``PASSWORD_RESET_TIMEOUT`` passes.
"""

import os
from base64 import b32encode

import segno
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_record
from .messaging import message_send
from .models import MessageChannel, MessagePurpose, User
from .roles import BUREAU_ROLES, Role, has_role, is_bureau_user
from .services import user_create_invited


def portal_site_url(request) -> str:
    """The portal's address for links in mails: ``CIQ_PUBLIC_BASE_URL`` where the bureau set it, else the address
    the request came to."""
    return (settings.CIQ.get("PUBLIC_BASE_URL") or os.environ.get("CIQ_PUBLIC_BASE_URL")
            or request.build_absolute_uri("/"))


def set_password_url(user: User, *, site_url: str) -> str:
    """The absolute link (``site_url``: the portal's address, e.g. ``https://ciq.example/``) where ``user`` sets a
    new password."""
    path = reverse("password_reset_confirm", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                                                     "token": default_token_generator.make_token(user)})
    return site_url.rstrip("/") + path


def set_password_mail_send(*, user: User, site_url: str, purpose: str, actor=None, template: str,
                           context: dict | None = None, enterprise_id=None):
    """Mail ``user`` a link to set their password, as a delivery record; ``template``: the text's template (it gets
    ``user``, ``link``, ``expiry_days`` and ``context``), its first line the subject."""
    text = render_to_string(template, {"user": user, "link": set_password_url(user, site_url=site_url),
                                       "expiry_days": settings.PASSWORD_RESET_TIMEOUT // 86400, **(context or {})})
    subject, _blank, body = text.strip().partition("\n")
    return message_send(channel=MessageChannel.EMAIL, recipient=user.email, subject=subject.strip(),
                        body=body.strip() + "\n", purpose=purpose, reference=user.username, actor=actor,
                        enterprise_id=enterprise_id)


# Bureau roles an administrator gives by invitation here; officers are created with their profile (staff number,
# qualifications, sites) on the officers' page.
INVITED_STAFF_ROLES = (Role.SUPERVISOR, Role.RISK_ANALYST, Role.ADMINISTRATOR)


def staff_list(*, user):
    """The bureau's accounts with their role groups, for its administrators (anyone else: 404)."""
    if not has_role(user, Role.ADMINISTRATOR):
        raise Http404
    return (User.objects.filter(groups__name__in=BUREAU_ROLES).distinct()
            .prefetch_related("groups").order_by("-is_active", "last_name", "first_name", "username"))


@transaction.atomic
def staff_invite(*, actor, email: str, full_name: str, role: str, site_url: str) -> User:
    """A bureau administrator gives a colleague an account with ``role``; they set a password from the mailed link.
    ValidationError on the field at fault."""
    if not has_role(actor, Role.ADMINISTRATOR):
        raise PermissionDenied
    errors = {}
    if not (full_name or "").strip():
        errors["full_name"] = [_("Name: this field is required.")]
    if role not in INVITED_STAFF_ROLES:
        errors["role"] = [_("Choose a supervisor, risk analyst or administrator role; officers are added on the "
                            "officers' page.")]
    if errors:
        raise ValidationError(errors)
    user = user_create_invited(email=email, role=role, full_name=full_name, actor=actor)
    set_password_mail_send(user=user, site_url=site_url, purpose=MessagePurpose.INVITATION, actor=actor,
                           template="portal/mail/staff_invitation.txt",
                           context={"inviter": actor, "role": Role(role).label})
    return user


# --- two-factor (TOTP) ------------------------------------------------------------------------------------------

def two_factor_required(user) -> bool:
    """Whether ``user`` must prove a second factor before using the portal: bureau staff (officers, risk analysts,
    supervisors, administrators) where ``TWO_FACTOR_REQUIRED_FOR_STAFF`` is on (production)."""
    return settings.TWO_FACTOR_REQUIRED_FOR_STAFF and is_bureau_user(user)


def totp_device_confirmed(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


@transaction.atomic
def totp_device_pending(*, user) -> TOTPDevice:
    """The authenticator ``user`` is setting up (created unconfirmed the first time): its key is shown as a QR
    code until a code from it confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


def totp_qr_svg(device: TOTPDevice) -> str:
    """The setup QR code (the otpauth:// address an authenticator app scans), as inline SVG."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4)


@transaction.atomic
def totp_device_confirm(*, request, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm the authenticator with a code it shows, and count the session as verified."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user, confirmed=False)
    if not device.verify_token((token or "").strip()):
        raise ValidationError({"token": [_("This code is wrong or has expired; enter the code the app shows now.")]})
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    audit_record(actor=request.user, action="user.two_factor_enable", obj=request.user,
                 after={"device": device.pk})
    return device


def two_factor_verify(*, request, token: str) -> None:
    """Count the session as verified by a code from the user's confirmed authenticator."""
    device = match_token(request.user, (token or "").strip())
    if device is None:
        raise ValidationError({"token": [_("This code is wrong or has expired; enter the code the app shows now.")]})
    otp_login(request, device)


def totp_secret_base32(device: TOTPDevice) -> str:
    """The key as people type it into an app that cannot scan (base32, in groups of four)."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@transaction.atomic
def two_factor_reset(*, user: User, actor=None) -> int:
    """Forget ``user``'s authenticators (a lost or replaced phone): at the next log-in they set up a new one. The
    number of authenticators removed."""
    removed, _by_model = TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="user.two_factor_reset", obj=user, after={"devices_removed": removed})
    return removed
