"""Places by their names in the reader's language: ``{{ line.origin_country|country_name }}`` shows 越南 or Viet
Nam for VN, from django-countries' ISO 3166 names and their translations."""

from django import template
from django_countries import countries

register = template.Library()


@register.filter
def country_name(code) -> str:
    """The country's name in the active language; an empty or unknown code is shown as it was given."""
    code = (code or "").strip().upper()
    return str(countries.name(code)) or code if code else ""


@register.inclusion_tag("partials/country_datalist.html")
def country_datalist(list_id="iso-countries"):
    """``{% country_datalist %}``: the countries as suggestions for a code field (``list="iso-countries"``), so a
    user can type a name in their language and pick its code."""
    return {"list_id": list_id, "countries": list(countries)}
