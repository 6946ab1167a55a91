from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CiqPortalConfig(AppConfig):
    name = "ciq_portal"
    verbose_name = _("CIQ Portal")

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
