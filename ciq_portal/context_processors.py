from .navigation import nav_for
from .roles import Role, user_roles


def portal(request):
    user = getattr(request, "user", None)
    return {
        "nav_items": nav_for(user) if user is not None else [],
        "user_roles": user_roles(user) if user is not None else frozenset(),
        "Role": Role,
    }
