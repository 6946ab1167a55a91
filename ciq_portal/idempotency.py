"""Idempotency-Key for POSTs that create: the same key and body replay the first answer, a different body gets 422.

Keys are private to the caller's enterprise (or to the user when they act for none). The work and the stored
answer commit together, so a retry never finds the change without its answer, or the reverse.
"""

import hashlib
import json
from functools import wraps

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from .models import IdempotencyRecord
from .scoping import user_enterprise_id

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255


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


def _replay(record: IdempotencyRecord, fingerprint: str) -> Response:
    if record.request_fingerprint != fingerprint:
        return Response(
            {
                "detail": _("This Idempotency-Key was already used with a different request."),
                "code": "idempotency_key_reused",
                "errors": {HEADER: [_("Use a new key for a different request.")]},
            },
            status=422,
        )
    response = Response(record.response_body, status=record.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


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
        existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
        if existing:
            return _replay(existing, fingerprint)
        try:
            with transaction.atomic():
                response = view_method(self, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    body = json.loads(JSONRenderer().render(response.data) or b"null")
                    IdempotencyRecord.objects.create(
                        scope=scope, key=key, request_fingerprint=fingerprint,
                        response_status=response.status_code, response_body=body,
                    )
        except IntegrityError:
            # A concurrent request with the same key won; ours rolled back whole. Answer with theirs.
            existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
            if existing is None:
                raise
            return _replay(existing, fingerprint)
        return response

    return wrapper
