"""Idempotency-Key for POSTs that create: the same key and body replay the first answer, a different body gets 422.

Keys are private to the caller's enterprise (or to the user when they act for none). The work and the stored
answer commit together, so a retry never finds the change without its answer, or the reverse.

A key is claimed (committed, answer pending) before the work starts, so a duplicate that arrives while the first
request is still running gets 409 with ``Retry-After`` and then the replay, never an error about the first one's
success. A refused or failed request gives its claim up, so the same key may be tried again; a claim whose request
died (the process was killed) is taken over after ``IN_FLIGHT_SECONDS``.
"""

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .models import IdempotencyRecord
from .scoping import user_enterprise_id

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
IN_FLIGHT = 0  # response_status of a claimed key whose answer is not stored yet
IN_FLIGHT_SECONDS = 120  # longer than any request may run (gunicorn's timeout)
RETRY_AFTER_SECONDS = 1


def _scope(user) -> str:
    enterprise_id = user_enterprise_id(user)
    return f"enterprise:{enterprise_id}" if enterprise_id is not None else f"user:{user.pk}"


def _fingerprint(request) -> str:
    if request.content_type and request.content_type.startswith("multipart/"):
        body = json.dumps(
            {
                "data": {k: request.data.getlist(k) for k in sorted(request.data.keys())},
                "files": sorted((name, f.name, f.size) for name, f in request.FILES.items()),
            },
            sort_keys=True,
            default=str,
        ).encode()
    else:
        body = json.dumps(request.data, sort_keys=True, default=str).encode()
    return hashlib.sha256(request.method.encode() + request.path.encode() + b"\n" + body).hexdigest()


def _reused(record: IdempotencyRecord, fingerprint: str) -> Response | None:
    if record.request_fingerprint == fingerprint:
        return None
    return Response(
        {
            "detail": _("This Idempotency-Key was already used with a different request."),
            "code": "idempotency_key_reused",
            "errors": {HEADER: [_("Use a new key for a different request.")]},
        },
        status=422,
    )


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    refusal = _reused(record, fingerprint)
    if refusal is not None:
        return refusal
    if record.response_status == IN_FLIGHT:
        response = Response(
            {"detail": _("A request with this Idempotency-Key is in progress; retry shortly to get its answer."),
             "code": "idempotency_key_in_flight", "errors": {}},
            status=409,
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def _claim(scope: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Claim the key (committed at once, visible to concurrent requests), or return the record that holds it. A
    claim abandoned longer than IN_FLIGHT_SECONDS is taken over."""
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(scope=scope, key=key, request_fingerprint=fingerprint,
                                             response_status=IN_FLIGHT, response_body={})
        return None
    except IntegrityError:
        pass
    with transaction.atomic():
        record = IdempotencyRecord.objects.select_for_update().filter(scope=scope, key=key).first()
        if record is None:  # given up between our insert and this read: try once more
            return _claim(scope, key, fingerprint)
        stale = timezone.now() - timedelta(seconds=IN_FLIGHT_SECONDS)
        if record.response_status == IN_FLIGHT and record.created_at < stale and _reused(record, fingerprint) is None:
            record.created_at = timezone.now()
            record.save(update_fields=["created_at"])
            return None
        return record


def idempotent(view_method):
    """Decorate a DRF view method (create or a POST action) to honour the Idempotency-Key header."""

    @wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if not key:
            return view_method(self, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            return Response(
                {"detail": _("Invalid request."), "code": "invalid",
                 "errors": {HEADER: [_("At most %(n)d characters.") % {"n": MAX_KEY_LENGTH}]}},
                status=400,
            )
        scope, fingerprint = _scope(request.user), _fingerprint(request)
        holder = _claim(scope, key, fingerprint)
        if holder is not None:
            return _replay(holder, fingerprint)
        answered = False
        try:
            with transaction.atomic():
                response = view_method(self, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    body = json.loads(JSONRenderer().render(response.data) or b"null")
                    IdempotencyRecord.objects.filter(scope=scope, key=key).update(
                        response_status=response.status_code, response_body=body)
                    answered = True
        finally:
            if not answered:
                IdempotencyRecord.objects.filter(scope=scope, key=key, response_status=IN_FLIGHT).delete()
        return response

    return wrapper
