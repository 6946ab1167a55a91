from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Enterprise credit")

    def ready(self):
        # Imported here: the modules import models, which exist only once the app registry is ready.
        from ciq_portal.search import search_finder_register

        from .selectors import enterprise_search

        search_finder_register("enterprises", position=30, label=_("Enterprises"), find=enterprise_search)
