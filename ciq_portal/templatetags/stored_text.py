from django import template

from ciq_portal.i18n import message_for_reader

register = template.Library()


@register.filter
def in_reader_language(item: dict) -> str:
    """``{{ reason|in_reader_language }}``: a stored message in the reader's language (ciq_portal.i18n)."""
    return message_for_reader(item)
