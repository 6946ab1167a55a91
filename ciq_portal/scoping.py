"""The one place that restricts rows to what a user may see. Every selector goes through it.

Bureau staff see everything; a declarant sees their own enterprise's rows; anyone else sees nothing unless a
selector widens the scope explicitly (partner agencies, by their API scopes). Objects outside the scope are
simply absent, so pages and the API answer 404 for them.
"""

from django.db.models import QuerySet
from django.http import Http404

from .roles import Role, has_role, is_bureau_user


def user_enterprise_id(user) -> int | None:
    """The enterprise a declarant acts for, or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_ciq_enterprise_id"):
        membership = getattr(user, "enterprise_membership", None) if has_role(user, Role.DECLARANT) else None
        user._ciq_enterprise_id = membership.enterprise_id if membership else None
    return user._ciq_enterprise_id


def scope_queryset(queryset: QuerySet, *, user, enterprise_field: str = "enterprise") -> QuerySet:
    """Rows of ``queryset`` the user may see; ``enterprise_field`` is the lookup to the owning enterprise."""
    if is_bureau_user(user):
        return queryset
    enterprise_id = user_enterprise_id(user)
    if enterprise_id is not None:
        return queryset.filter(**{enterprise_field: enterprise_id})
    return queryset.none()


def get_in_scope(queryset: QuerySet, *, user, enterprise_field: str = "enterprise", **lookup):
    """One object within the user's scope, or Http404."""
    try:
        return scope_queryset(queryset, user=user, enterprise_field=enterprise_field).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404 from exc
