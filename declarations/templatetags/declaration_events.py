from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..choices import DeclarationStatus, EventKind

register = template.Library()


@register.filter
def event_kind_label(kind: str) -> str:
    """The translated label of a timeline event kind; an unknown kind (a new app's event not yet in EventKind)
    reads "Other event", never as a raw code (the page keeps the code in a title attribute)."""
    if not kind:
        return ""
    if kind in EventKind.values:
        return str(EventKind(kind).label)
    return _("Other event")


@register.filter
def status_label(status: str) -> str:
    """The translated label of a declaration status code (timeline from/to)."""
    if status in DeclarationStatus.values:
        return str(DeclarationStatus(status).label)
    return status or ""


# "Pending decision": a bare "Pending" is translated differently by other apps' catalogues (a message "to send").
REGISTRATION_STATUS = {"pending": gettext_lazy("Pending decision"),
                       "approved": gettext_lazy("Approved"),
                       "refused": gettext_lazy("Refused"),
                       "suspended": gettext_lazy("Suspended")}


@register.filter
def registration_status_label(status: str) -> str:
    return str(REGISTRATION_STATUS.get(status, status or ""))
