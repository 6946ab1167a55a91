"""The REST face of partner agencies: API-key authentication, scope permissions and per-client rate limits.

- :class:`AgencyKeyAuthentication`: ``Authorization: Api-Key ciq_<prefix>_<secret>`` (``Bearer`` is accepted
  too). ``request.user`` is the client's own account (role ``partner_agency``) and ``request.auth`` the key row.
- :func:`requires_scope`: ``permission_classes = [requires_scope("case_referral")]``; an agency principal
  (API key, or a user of role partner_agency) lacking the scope gets 403 naming it.
- :class:`AgencyRateThrottle`: one bucket per agency client, at the client's own rate or the default
  ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["agency"]``; 429 with ``Retry-After``.
"""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from ..agencies import is_agency_principal, key_authenticate, principal_scopes, user_agency_client
from ..models import AgencyApiKey
from ..roles import has_role

KEYWORDS = (b"api-key", b"bearer")


class AgencyKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key <key>`` or ``Authorization: Bearer <key>`` with an agency client's API key."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid API key header: give exactly one key."))
        try:
            raw = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("Invalid API key.")) from None
        key = key_authenticate(raw)
        if key is None:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked API key."))
        user = key.client.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid, expired or revoked API key."))
        user._ciq_agency_client = key.client
        return user, key

    def authenticate_header(self, request):
        return 'Api-Key realm="api"'


class AgencyKeyScheme(OpenApiAuthenticationExtension):
    target_class = "ciq_portal.api.agency_auth.AgencyKeyAuthentication"
    name = "agencyApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Partner agencies: `Authorization: Api-Key ciq_<prefix>_<secret>` (or `Bearer <key>`).",
        }


class MissingScope(exceptions.PermissionDenied):
    default_code = "missing_scope"


def requires_scope(*scopes: str, allow_roles=None) -> type[BasePermission]:
    """A DRF permission: agency principals need every one of ``scopes``.

    Other authenticated users are let through when ``allow_roles`` is None (their access is then decided by the
    view's other permissions and by scoping), or must hold one of ``allow_roles`` otherwise. Combine with
    ``role_required`` as usual: ``permission_classes = [requires_scope("case_referral", allow_roles={Role.OFFICER})]``.
    """
    wanted = tuple(scopes)

    class HasScope(BasePermission):
        required_scopes = wanted
        allowed_roles = frozenset(allow_roles) if allow_roles is not None else None

        def has_permission(self, request, view):
            user = request.user
            if not (user and user.is_authenticated):
                return False
            if is_agency_principal(user, request.auth):
                held = principal_scopes(user, request.auth)
                missing = [scope for scope in wanted if scope not in held]
                if missing:
                    raise MissingScope(
                        _("This operation needs the scope “%(scope)s”, which your credentials do not have.")
                        % {"scope": ", ".join(missing)})
                return True
            if self.allowed_roles is None:
                return True
            return has_role(user, *self.allowed_roles)

    HasScope.__name__ = "HasScope_" + "_".join(s.replace(":", "_") for s in wanted)
    return HasScope


class AgencyRateThrottle(SimpleRateThrottle):
    """Per-client rate limit for agency principals; other users are not throttled by it."""

    scope = "agency"

    def __init__(self):
        # The rate is chosen per request (the client's own or the default), so nothing is read here.
        pass

    def _client_key(self, request):
        if isinstance(request.auth, AgencyApiKey):
            return request.auth.client
        if is_agency_principal(request.user, request.auth):
            return user_agency_client(request.user) or request.user
        return None

    def allow_request(self, request, view):
        principal = self._client_key(request)
        if principal is None:
            return True
        rate = getattr(principal, "rate_limit", "") or self.THROTTLE_RATES.get(self.scope)
        if not rate:
            return True
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        kind = "client" if hasattr(principal, "rate_limit") else "user"
        self.key = f"throttle_agency_{kind}_{principal.pk}"
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()

    def get_cache_key(self, request, view):  # pragma: no cover - allow_request computes the key itself
        return None
