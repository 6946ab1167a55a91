"""SMS backends beside django-sms's own (file, console, locmem): an HTTP gateway set by URL, and the backend of a
portal with no SMS configured. The setting ``SMS_URL`` picks one (settings/base.py)."""

import json
import urllib.error
import urllib.request

from django.conf import settings
from sms.backends.base import BaseSmsBackend

# Answers after which the same message may be accepted later: a timeout, too many requests.
RETRYABLE_CLIENT_STATUSES = frozenset({408, 429})


class SmsRefused(Exception):
    """The SMS was not accepted. ``permanent``: sending the same message again will not help (a 4xx answer, no
    gateway configured); otherwise it may be tried again later (a 5xx answer, a timeout, no connection)."""

    def __init__(self, message: str, *, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


class HttpGatewayBackend(BaseSmsBackend):
    """POSTs each message to ``SMS_GATEWAY_URL`` as JSON ``{"to", "from", "text"}``, with ``Authorization: Bearer
    SMS_GATEWAY_TOKEN`` when a token is set. Any 2xx answer means the gateway accepted it."""

    def send_messages(self, messages) -> int:
        sent = 0
        for message in messages:
            for recipient in message.recipients:
                try:
                    self._post({"to": recipient, "from": message.originator, "text": message.body})
                except SmsRefused:
                    if not self.fail_silently:
                        raise
                else:
                    sent += 1
        return sent

    def _post(self, document: dict) -> None:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if settings.SMS_GATEWAY_TOKEN:
            headers["Authorization"] = f"Bearer {settings.SMS_GATEWAY_TOKEN}"
        request = urllib.request.Request(settings.SMS_GATEWAY_URL, method="POST", headers=headers,
                                         data=json.dumps(document, ensure_ascii=False).encode())
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_TIMEOUT) as response:
                response.read(2048)
        except urllib.error.HTTPError as exc:
            excerpt = exc.read(300).decode("utf-8", "replace").strip()
            permanent = 400 <= exc.code < 500 and exc.code not in RETRYABLE_CLIENT_STATUSES
            raise SmsRefused(f"HTTP {exc.code} {excerpt}".strip(), permanent=permanent) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SmsRefused(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}", permanent=False) from exc


class UnconfiguredBackend(BaseSmsBackend):
    """No SMS gateway is configured: every message fails, visibly, on the bureau's page of deliveries."""

    def send_messages(self, messages) -> int:
        if self.fail_silently:
            return 0
        raise SmsRefused("No SMS gateway is configured (SMS_URL).", permanent=True)
