from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from ciq_portal.page_slots import page_slot_fill


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Enterprise credit")

    def ready(self):
        # The log-in page (the portal's own) offers enterprises without an account the online application.
        page_slot_fill("login.links", template="credit/_login_apply.html", context=lambda request, obj: {})
