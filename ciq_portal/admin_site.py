"""The Django admin of the portal: branded, translated, and a window onto every domain record.

Every change to a domain record is a service (audited, checked, in one transaction), so the admin only shows:
each app may register its own admin for a model (columns, filters, search) built on :class:`ReadOnlyAdmin`; every
domain model no app registered is listed with a read-only admin made here after the apps' admin modules ran.
"""

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.db import models
from django.utils.translation import gettext_lazy as _

# Columns of a generated list: at most this many of the model's own fields after its name.
LIST_COLUMNS = 5
_LONG_FIELDS = (models.TextField, models.JSONField, models.BinaryField, models.FileField)


class PortalAdminSite(admin.AdminSite):
    site_header = _("CIQ Portal administration")
    site_title = _("CIQ Portal")
    index_title = _("The portal's records (read-only: changes are made on the portal's pages)")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shows a record; never adds, changes or deletes it (the owning app's services do, with their audit rows)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def generated_admin(model) -> type[ReadOnlyAdmin]:
    """A read-only admin listing ``model`` by its name and first few short fields, filtered by its choices."""
    fields = [f for f in model._meta.concrete_fields
              if not f.primary_key and not isinstance(f, _LONG_FIELDS) and f.name not in ("sha256", "key_hash")]
    return type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {
        "list_display": ["__str__", *(f.name for f in fields[:LIST_COLUMNS])],
        "list_filter": [f.name for f in fields if f.choices or isinstance(f, models.BooleanField)][:4],
        "list_select_related": True,
    })


def register_every_domain_model(site: admin.AdminSite) -> None:
    for app_label in settings.DOMAIN_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if not site.is_registered(model):
                site.register(model, generated_admin(model))


class PortalAdminConfig(AdminConfig):
    default_site = "ciq_portal.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()  # runs every app's admin module
        register_every_domain_model(admin.site)
