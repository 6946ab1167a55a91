from .navigation import nav_for
from .roles import BUREAU_ROLES, Role, user_roles


def portal(request):
    user = getattr(request, "user", None)
    roles = user_roles(user) if user is not None else frozenset()
    return {
        "nav_items": nav_for(user) if user is not None else [],
        "user_roles": roles,
        # The search box of the top bar, for those search_run serves.
        "search_box": bool(roles & (BUREAU_ROLES | {Role.DECLARANT})),
        "Role": Role,
    }
