"""The public record of the portal itself (no login): the audit log's published heads and the bureau's public
signing keys, each as a page and as files to keep."""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from . import signing
from .filtersets import AuditHeadFilterSet
from .transparency import head_record, latest_head, published_heads


def _json(payload, filename):
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def audit(request):
    heads = AuditHeadFilterSet(request.GET, queryset=published_heads()).qs
    page = Paginator(heads, 60).get_page(request.GET.get("page"))
    latest = latest_head()
    return render(request, "public/audit.html", {
        "page": page, "records": [head_record(head) for head in page], "filter": AuditHeadFilterSet(request.GET),
        "latest": head_record(latest) if latest else None,
        "heads_url": request.build_absolute_uri(reverse("public:audit_json")),
        "keys_url": request.build_absolute_uri(reverse("public:keys_json")),
    })


def audit_json(request):
    """Every published head, oldest first, and the newest signed head: keep this file."""
    heads = AuditHeadFilterSet(request.GET, queryset=published_heads()).qs.order_by("published_day")
    latest = latest_head()
    return _json({"algorithm": signing.ALGORITHM, "keys": request.build_absolute_uri(reverse("public:keys_json")),
                  "heads": [head_record(head) for head in heads],
                  "latest": head_record(latest) if latest else None}, "audit-heads.json")


def keys(request):
    return render(request, "public/keys.html", {"keys": signing.public_keys()})


def keys_json(request):
    return _json({"algorithm": signing.ALGORITHM, "keys": [key.as_json() for key in signing.public_keys()]},
                 "keys.json")


def key_pem(request, key_id):
    key = signing.public_key_get(key_id)
    if key is None:
        raise Http404
    response = HttpResponse(key.pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = f'inline; filename="ciq-{key.key_id}.pem"'
    return response
