"""Failed log-ins per client address, counted apart from django-axes' lock-out of an account.

Axes locks an account after ``AXES_FAILURE_LIMIT`` failures from anywhere. An address is refused only after
``LOGIN_ADDRESS_FAILURE_LIMIT`` failures (any accounts) within ``AXES_COOLOFF_TIME``: high enough that a bureau
behind one NAT is not locked out by one person, low enough that one client cannot spray guesses over many accounts.
Both the log-in page and the token exchange check it before authenticating and count a failure after.
"""

from django.conf import settings
from django.core.cache import cache


def _key(request) -> str:
    return "login-failures:" + (request.META.get("REMOTE_ADDR") or "unknown")


def login_address_refused(request) -> bool:
    return (cache.get(_key(request)) or 0) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT


def login_address_failure_count(request) -> None:
    key = _key(request)
    cache.add(key, 0, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))


def login_account_locked(request) -> bool:
    """Whether django-axes refused the last authenticate() on ``request`` because the account is locked."""
    return bool(getattr(request, "axes_locked_out", False))
