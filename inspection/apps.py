from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionConfig(AppConfig):
    name = "inspection"
    verbose_name = _("Inspection")

    def ready(self):
        # Risk (a lower layer) measures its rules against the random control sample that the draws here produce.
        from risk.selectors import set_control_sample_provider

        from .selectors import control_sample_ids

        set_control_sample_provider(control_sample_ids)
