"""DRF's token authentication, reading the declarant's enterprise membership in the token's query: every declarant's
request needs it (ciq_portal.scoping), so it costs no query of its own."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        token = (self.get_model().objects.select_related("user", "user__enterprise_membership")
                 .filter(key=key).first())
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token
