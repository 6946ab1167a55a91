"""People by their names: ``{{ event.actor|person }}`` shows a user as people know them, not as the machine does."""

from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    """The user's full name (written as its language writes it), or the username where no name is on record."""
    if not user:
        return ""
    return user.get_full_name() or user.get_username()
