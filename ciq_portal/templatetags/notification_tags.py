from django import template

from ..notifications import notification_unread_count

register = template.Library()


@register.inclusion_tag("portal/_bell.html", takes_context=True)
def notification_bell(context):
    """The bell in the top bar with the user's unread count (one indexed COUNT per page)."""
    user = context.get("user")
    return {"unread": notification_unread_count(user), "user": user}
