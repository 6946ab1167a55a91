"""The declaration's timeline, written by the services of every app."""

from django.utils import timezone

from ciq_portal.i18n import stored_text
from ciq_portal.journal import journal_save

from ..models import DeclarationEvent


def declaration_event_add(*, declaration, kind, actor=None, message="", data=None, visible_to_declarant=True,
                          from_status="", to_status="", occurred_at=None) -> DeclarationEvent:
    """Add one event to the declaration's timeline (used by every app's services; ciq_portal.journal).
    ``message``: the words a person typed, or a function that builds the bureau's text with gettext (stored in
    every language, ciq_portal.i18n). ``occurred_at``: when it happened, if not now (a step reported after the
    fact takes its place among the others)."""
    text, translations = stored_text(message)
    event = DeclarationEvent(declaration=declaration, kind=kind, actor=actor, message=text,
                             message_translations=translations, data=data or {},
                             visible_to_declarant=visible_to_declarant, from_status=from_status, to_status=to_status,
                             occurred_at=occurred_at or timezone.now())
    journal_save(event)
    return event
