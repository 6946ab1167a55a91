from django import template

register = template.Library()


@register.inclusion_tag("risk/_active_bulletins.html")
def active_bulletins():
    """The active risk bulletins, for officers' home page: ``{% load risk_tags %}{% active_bulletins %}``."""
    from risk.selectors import bulletins_active

    return {"bulletins": list(bulletins_active()[:10])}
