"""Punctuation that follows the reader's language: a Chinese label ends with a full-width colon (“放行模式：”), an
English one with ": ". A colon typed after ``{% translate %}`` in a template would be ASCII in both."""

from django import template
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def colon() -> str:
    """``{% translate "Release mode" %}{% colon %}``."""
    return pgettext("after a label", ": ")
