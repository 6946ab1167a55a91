from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    name = "risk"
    verbose_name = _("Risk")

    def ready(self):
        from ciq_portal.reference import reference_forget_on_change

        from .engine import VERSIONS_KEY
        from .models import RiskModel, RulesetVersion

        reference_forget_on_change(RulesetVersion, VERSIONS_KEY)
        reference_forget_on_change(RiskModel, VERSIONS_KEY)
