"""Signed webhook HTTP: the signature, its verification (for receivers), the backoff schedule, one POST.

Every delivery is a ``POST`` of a JSON body with these headers::

    Content-Type: application/json
    X-CIQ-Event: declaration.released
    X-CIQ-Event-Id: 6f1c...              (stable across retries and replays: receivers de-duplicate on it)
    X-CIQ-Delivery: 42                   X-CIQ-Attempt: 3
    X-CIQ-Signature: t=1764212400,v1=<hex>

``v1`` is ``HMAC-SHA256(key=subscription secret, message=f"{t}.{body}")`` in lower-case hex, over the exact
bytes of the body; ``t`` is the Unix time of the attempt. A receiver recomputes it, compares in constant time
and refuses timestamps more than five minutes away from its clock (replay protection): see
:func:`signature_verify`.
"""

import hashlib
import hmac
import ipaddress
import json
import random
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

SIGNATURE_HEADER = "X-CIQ-Signature"
TOLERANCE_SECONDS = 300
USER_AGENT = "CIQ-Portal-Webhooks/1"


def _conf(name: str, default):
    return getattr(settings, "CIQ", {}).get(name, default)


def max_attempts() -> int:
    """Attempts before a delivery is dead-lettered (CIQ["WEBHOOK_MAX_ATTEMPTS"], default 8: about an hour)."""
    return int(_conf("WEBHOOK_MAX_ATTEMPTS", 8))


def body_encode(document: dict) -> bytes:
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), str(int(timestamp)).encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={int(timestamp)},v1={signature(secret, timestamp, body)}"


def signature_verify(secret: str, header: str, body: bytes, *, tolerance: int = TOLERANCE_SECONDS,
                     now: float | None = None) -> bool:
    """What a receiver does: True when ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
        given = fields["v1"]
    except (ValueError, KeyError):
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(given, signature(secret, timestamp, body))


def backoff_seconds(attempt: int, *, rng: random.Random | None = None) -> int:
    """Delay after failed attempt number ``attempt`` (1-based): exponential with "equal jitter".

    base × 2^(attempt-1), capped, then a random point in its upper half: 30 s, 1, 2, 4, 8, 16, 30, 30 min…
    (±50 %), so receivers that come back are not hit by every sender at the same instant.
    """
    base = int(_conf("WEBHOOK_BACKOFF_BASE_SECONDS", 30))
    cap = int(_conf("WEBHOOK_BACKOFF_CAP_SECONDS", 1800))
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    rng = rng or random.SystemRandom()
    return max(1, int(ceiling / 2 + rng.uniform(0, ceiling / 2)))


@dataclass(frozen=True)
class SendResult:
    ok: bool
    status_code: int | None
    error: str
    response_excerpt: str
    duration_ms: int


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect could lead the bureau's server anywhere (including its own network): treat it as a failure.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def address_allowed(url: str) -> bool:
    """The one rule for webhook targets, checked when a subscription is saved and again before every POST (DNS
    answers change): refuse a host that is, or resolves to any, loopback, private, link-local or reserved address,
    unless CIQ["WEBHOOK_ALLOW_PRIVATE_NETWORKS"] (or DEBUG)."""
    if _conf("WEBHOOK_ALLOW_PRIVATE_NETWORKS", False) or settings.DEBUG:
        return True
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)  # an IP literal comes back as itself, without a DNS query
    except OSError:
        return True  # the POST will fail with a clear DNS error, logged as the attempt's error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            return False
    return True


def target_validate(url: str) -> str:
    """``url`` when :func:`address_allowed`; a ValidationError on the field ``url`` otherwise."""
    if not address_allowed(url):
        raise ValidationError({"url": [_("This address is in a loopback, private, link-local or reserved network; "
                                          "webhooks are not sent there.")]})
    return url


def send(*, url: str, body: bytes, headers: dict, timeout: float | None = None) -> SendResult:
    """POST once; 2xx is success, anything else (status, timeout, refused connection) a failure."""
    timeout = timeout or float(_conf("WEBHOOK_TIMEOUT_SECONDS", 10))
    started = time.monotonic()
    if not address_allowed(url):
        return SendResult(False, None, "address not allowed (private network)", "", 0)
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "User-Agent": USER_AGENT, **headers})
    try:
        with _opener.open(request, timeout=timeout) as response:
            excerpt = response.read(500).decode("utf-8", "replace")
            code = response.status
            return SendResult(200 <= code < 300, code, "" if 200 <= code < 300 else f"HTTP {code}", excerpt,
                              int((time.monotonic() - started) * 1000))
    except urllib.error.HTTPError as exc:
        excerpt = exc.read(500).decode("utf-8", "replace") if exc.fp else ""
        return SendResult(False, exc.code, f"HTTP {exc.code}", excerpt, int((time.monotonic() - started) * 1000))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return SendResult(False, None, f"{exc.__class__.__name__}: {reason}"[:500], "",
                          int((time.monotonic() - started) * 1000))
