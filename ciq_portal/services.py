"""Writes owned by the portal itself: role groups and user accounts."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from rest_framework.authtoken.models import Token

from .audit import audit_record
from .models import User
from .roles import ROLE_PERMISSIONS, Role


@transaction.atomic
def roles_sync() -> None:
    """Create each role's group and give it exactly the permissions ROLE_PERMISSIONS lists."""
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = []
        for dotted in ROLE_PERMISSIONS.get(role, []):
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)


@transaction.atomic
def user_ensure(*, username: str, password: str, role: str, first_name: str = "", last_name: str = "",
                email: str = "", actor=None) -> User:
    """Create the user with ``role`` if absent; an existing user keeps its password and gains the role."""
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": last_name, "email": email},
    )
    if created:
        user.set_password(password)
        if role == Role.ADMINISTRATOR:
            user.is_staff = user.is_superuser = True
        user.save()
        audit_record(actor=actor, action="user.create", obj=user, after={"username": username, "role": role})
    user.groups.add(Group.objects.get(name=role))
    return user


@transaction.atomic
def api_token_issue(*, user) -> str:
    """The user's API token, created on first asking (an audited credential); later asks return the same key."""
    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit_record(actor=user, action="api_token.issue", object_type="authtoken.token", object_id=user.pk,
                     after={"username": user.username})
    return token.key
