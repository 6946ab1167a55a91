"""The account pages beside Django's: the second factor (set up an authenticator, then enter its code)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from . import accounts
from .forms import TokenForm, errors_to_forms


def _next_url(request) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return candidate
    return "/"


@login_required
def two_factor(request):
    """Set up an authenticator app (scan the QR code, confirm with a code), or, once set up, enter its code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    confirmed = accounts.totp_device_confirmed(request.user)
    device = None if confirmed else accounts.totp_device_pending(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if device is None:
                accounts.two_factor_verify(request=request, token=form.cleaned_data["token"])
            else:
                accounts.totp_device_confirm(request=request, device=device, token=form.cleaned_data["token"])
        except ValidationError as exc:
            errors_to_forms(exc, form)
        else:
            return redirect(_next_url(request))
    return render(request, "registration/two_factor.html", {
        "form": form, "setting_up": device is not None, "next": _next_url(request),
        "qr_svg": accounts.totp_qr_svg(device) if device else "",
        "secret": accounts.totp_secret_base32(device) if device else ""},
        status=400 if form.errors else 200)
