"""The portal's roles. Each role is a Django group; a user's roles decide their home page and scope."""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DECLARANT = "declarant", _("Declarant")
    OFFICER = "officer", _("Officer")
    RISK_ANALYST = "risk_analyst", _("Risk analyst")
    SUPERVISOR = "supervisor", _("Supervisor")
    PARTNER_AGENCY = "partner_agency", _("Partner agency")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles that work for the bureau and see every enterprise's consignments.
BUREAU_ROLES = frozenset({Role.OFFICER, Role.RISK_ANALYST, Role.SUPERVISOR, Role.ADMINISTRATOR})

# Model permissions each role's group carries (app_label.codename); kept in sync by `manage.py sync_roles`.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.DECLARANT: [
        "credit.view_enterprise",
    ],
    Role.OFFICER: [
        "credit.view_enterprise",
    ],
    Role.RISK_ANALYST: [
        "credit.view_enterprise",
    ],
    Role.SUPERVISOR: [
        "credit.view_enterprise",
        "credit.change_enterprise",
    ],
    Role.PARTNER_AGENCY: [
        "credit.view_enterprise",
    ],
    Role.ADMINISTRATOR: [
        "credit.view_enterprise",
        "credit.add_enterprise",
        "credit.change_enterprise",
    ],
}


def user_roles(user) -> frozenset[str]:
    """The role names of a user, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_ciq_roles", None)
    if cached is None:
        cached = user_roles_remember(user, user.groups.values_list("name", flat=True))
    return cached


def user_roles_remember(user, group_names) -> frozenset[str]:
    """Cache on ``user`` the roles its groups ``group_names`` give (read by whoever loaded the user)."""
    names = set(group_names)
    if user.is_superuser:
        names.add(Role.ADMINISTRATOR)
    user._ciq_roles = frozenset(name for name in names if name in Role.values)
    return user._ciq_roles


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_bureau_user(user) -> bool:
    return bool(user_roles(user) & BUREAU_ROLES)


def require_role(user, *roles: str) -> None:
    """Raise PermissionDenied (403) unless ``user`` holds one of ``roles``: the pages' role check."""
    if not has_role(user, *roles):
        raise PermissionDenied
