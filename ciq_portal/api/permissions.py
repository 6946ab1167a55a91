from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from ..roles import has_role


def role_required(*roles: str) -> type[BasePermission]:
    """A DRF permission class admitting users holding any of ``roles``."""

    class HasRole(BasePermission):
        message = _("Your role may not use this operation.")

        def has_permission(self, request, view):
            return bool(request.user and request.user.is_authenticated and has_role(request.user, *roles))

    HasRole.roles = frozenset(roles)  # read by the OpenAPI audience tags (schema.py)
    HasRole.__name__ = "HasRole_" + "_".join(roles)
    return HasRole


# Scopes of partner agencies' credentials (ciq_portal/agencies.py); re-exported here next to role_required.
from .agency_auth import requires_scope  # noqa: E402

__all__ = ["requires_scope", "role_required"]
