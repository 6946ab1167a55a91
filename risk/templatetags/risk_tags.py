import json

from django import template
from django.utils.translation import gettext

from risk.selectors import bulletins_active

register = template.Library()


@register.filter
def risk_reason_label(reason: dict) -> str:
    """A risk reason's label in the reader's language: the model's factors are stored as English source strings
    (translated when shown); a rule's or bulletin's label is the analyst's own words, shown as written."""
    label = reason.get("label") or reason.get("code", "")
    if reason.get("kind") in ("rule", "bulletin"):
        return label
    return gettext(label)


@register.inclusion_tag("risk/_active_bulletins.html")
def active_bulletins():
    """The active risk bulletins, for officers' home page: ``{% load risk_tags %}{% active_bulletins %}``."""
    return {"bulletins": list(bulletins_active()[:10])}


@register.filter
def as_json(value) -> str:
    """A rule's conditions as the analyst writes them in the form: JSON, indented."""
    return json.dumps(value, ensure_ascii=False, indent=2)
