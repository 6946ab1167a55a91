"""The portal's own public record, mounted at /public/ (the draws, the results and the statistics are the other
apps')."""

from django.urls import path

from . import public_views

app_name = "public"

urlpatterns = [
    path("audit/", public_views.audit, name="audit"),
    path("audit/heads.json", public_views.audit_json, name="audit_json"),
    path("keys/", public_views.keys, name="keys"),
    path("keys/keys.json", public_views.keys_json, name="keys_json"),
    path("keys/<str:key_id>.pem", public_views.key_pem, name="key_pem"),
]
