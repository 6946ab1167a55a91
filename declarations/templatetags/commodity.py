from django import template

from ..choices import CommodityCategory

register = template.Library()

_LABELS = dict(CommodityCategory.choices)


@register.filter
def category_label(code: str) -> str:
    """The translated name of a commodity category code (``{{ task.category|category_label }}``)."""
    return str(_LABELS.get(code, code)) if code else ""


@register.filter
def category_labels(codes) -> str:
    """Translated names of several category codes, comma separated."""
    return ", ".join(str(category_label(code)) for code in codes or ())
