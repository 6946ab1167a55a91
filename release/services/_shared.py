"""Helpers shared by the release services: the role check, the calls into the declarations app (its services own
every write of a declaration) and the notification of a release's news."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from ciq_portal.notifications import notification_publish
from ciq_portal.roles import has_role
from declarations import services as declaration_services
from declarations.choices import DeclarationStatus

# Statuses in which a declaration still waits for its release.
WAITING_STATUSES = (DeclarationStatus.SUBMITTED, DeclarationStatus.AWAITING_DOCUMENTS,
                    DeclarationStatus.AWAITING_INSPECTION, DeclarationStatus.UNDER_INSPECTION)


def _require_role(actor, *roles, field="actor"):
    if actor is not None and not has_role(actor, *roles):
        raise ValidationError({field: [_("Your role may not do this.")]})


def _event(*, declaration, kind, actor=None, message="", data=None, visible_to_declarant=True):
    return declaration_services.declaration_event_add(declaration=declaration, kind=kind, actor=actor,
                                                      message=message, data=data or {},
                                                      visible_to_declarant=visible_to_declarant)


def _reject(declaration, actor, reason):
    """``reason``: a function building the bureau's text (stored in every language, ciq_portal.i18n)."""
    return declaration_services.declaration_reject(declaration=declaration, actor=actor, message=reason)


def _publish(event_type, release, *, message, payload, actor):
    declaration = release.declaration
    notification_publish(event_type=event_type, enterprise_id=release.enterprise_id, reference=declaration.number,
                         link=reverse("release:detail", args=[release.pk]), message=message, actor=actor,
                         payload={"declaration": declaration.number, **payload})


def _plain(number) -> str:
    """A decimal as people write it: 2000, 12.5 (never 2E+3)."""
    if number is None:
        return ""
    text = format(Decimal(number).normalize(), "f")
    return text
