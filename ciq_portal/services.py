"""Writes owned by the portal itself: role groups and user accounts."""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
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


@transaction.atomic
def user_create_invited(*, email: str, role: str, full_name: str = "", actor=None) -> User:
    """A new account for a person who sets their own password from a mailed link (it has none until then): the
    e-mail address, lower-cased, is its user name. ValidationError on ``email`` if an account already has it."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": [_("Enter a valid e-mail address.")]}) from None
    if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise ValidationError({"email": [_("An account with this e-mail address already exists.")]})
    # A name as typed goes whole into first_name: get_full_name shows a Chinese one unspaced and any other as typed.
    user = User(username=email, email=email, first_name=(full_name or "").strip()[:150])
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=role))
    audit_record(actor=actor, action="user.invite", obj=user, after={"username": email, "role": role},
                 personal={"name": user.first_name})
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor) -> User:
    """Close an account: it can no longer log in; what it did stays attributed to it."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        Token.objects.filter(user=user).delete()
        audit_record(actor=actor, action="user.deactivate", obj=user, before={"is_active": True},
                     after={"is_active": False})
    return user
