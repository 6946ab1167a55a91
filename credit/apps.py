from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ciq_portal.page_slots import page_slot_fill
from ciq_portal.search import search_finder_register


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Enterprise credit")

    def ready(self):
        # Imported here: the selectors import models, which exist only once the app registry is ready.
        from .selectors import enterprise_search

        search_finder_register("enterprises", position=30, label=_("Enterprises"), find=enterprise_search)
        # The log-in page (the portal's own) offers enterprises without an account the online application.
        page_slot_fill("login.links", template="credit/_login_apply.html", context=lambda request, obj: {})
