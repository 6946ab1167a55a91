"""DRF's token authentication, reading the user's roles and a declarant's enterprise membership in the token's
query: every request needs both (ciq_portal.roles, ciq_portal.scoping), so they cost no query of their own."""

from django.contrib.auth.models import Group
from django.db.models import Aggregate, CharField, OuterRef, Subquery
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ciq_portal.roles import user_roles_remember

SEPARATOR = ","  # role names are identifiers (ciq_portal.roles.Role): never a comma


class _JoinedNames(Aggregate):
    """The names joined by SEPARATOR (Django 5.2 has no database-neutral string aggregate)."""

    function = "STRING_AGG"
    template = f"%(function)s(%(expressions)s, '{SEPARATOR}')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        group_names = (Group.objects.filter(user=OuterRef("user_id")).order_by().values("user")
                       .annotate(names=_JoinedNames("name")).values("names"))
        token = (self.get_model().objects.select_related("user", "user__enterprise_membership")
                 .annotate(group_names=Subquery(group_names)).filter(key=key).first())
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        user_roles_remember(token.user, (token.group_names or "").split(SEPARATOR))
        return token.user, token
