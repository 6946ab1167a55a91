from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReleaseConfig(AppConfig):
    name = "release"
    verbose_name = _("Release")

    def ready(self):
        from ciq_portal.reference import reference_forget_on_change

        from .models import NegativeListEntry, ReleaseMatrixVersion
        from .selectors import MATRIX_KEY, NEGATIVE_LIST_KEY

        reference_forget_on_change(ReleaseMatrixVersion, MATRIX_KEY)
        reference_forget_on_change(NegativeListEntry, NEGATIVE_LIST_KEY)
