from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .accounts import two_factor_required
from .request_context import client_address


def forwarded_client(meta: dict, hops: int) -> str | None:
    """The client's address behind ``hops`` reverse proxies that each append the address they saw to
    X-Forwarded-For: the entry the outermost trusted proxy appended (``hops`` from the right). Entries further left
    come from the client and prove nothing. Without proxies, or without the header, the socket peer."""
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if hops and forwarded:
        return forwarded[-min(hops, len(forwarded))]
    return meta.get("REMOTE_ADDR") or None


class ClientAddressMiddleware:
    """Makes the client's address available to the audit log for the duration of the request.

    Behind ``TRUSTED_PROXY_HOPS`` reverse proxies (the compose stack has one), REMOTE_ADDR becomes the client's
    address as the outermost proxy saw it, so failed log-ins (django-axes) count per client, not per proxy.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.hops = settings.TRUSTED_PROXY_HOPS

    def __call__(self, request):
        address = forwarded_client(request.META, self.hops)
        if address and self.hops:
            request.META["REMOTE_ADDR"] = address
        token = client_address.set(address)
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)


class StaffTwoFactorMiddleware:
    """Where ``TWO_FACTOR_REQUIRED_FOR_STAFF`` is on, bureau staff logged in with a password alone reach only their
    account pages until they enter a code from their authenticator app (set up on first log-in). Runs after
    django-otp's OTPMiddleware, which tells whether the session was verified."""

    OPEN_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/healthz", "/public/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (settings.TWO_FACTOR_REQUIRED_FOR_STAFF and user.is_authenticated and not user.is_verified()
                and not request.path.startswith(self.OPEN_PREFIXES) and two_factor_required(user)):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Enter the code from your authenticator app on the portal first."),
                                     "code": "two_factor_required"}, status=403)
            return redirect_to_login(request.get_full_path(), reverse("two_factor"), "next")
        return self.get_response(request)
