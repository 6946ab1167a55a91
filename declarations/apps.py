from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = _("Declarations")


    def ready(self):
        # Imported here: the modules import models, which exist only once the app registry is ready.
        from ciq_portal.search import search_finder_register

        from .selectors import declaration_search

        search_finder_register("declarations", position=10, label=_("Declarations"), find=declaration_search)
