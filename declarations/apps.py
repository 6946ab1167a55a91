from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = _("Declarations")

    def ready(self):
        from ciq_portal.reference import reference_forget_on_change

        from .models import DocumentRequirement, HSCode, RegulatedGoods
        from .nomenclature import NOMENCLATURE_KEY
        from .services import DOCUMENT_RULES_KEY, REGULATED_GOODS_KEY

        reference_forget_on_change(HSCode, NOMENCLATURE_KEY)
        reference_forget_on_change(DocumentRequirement, DOCUMENT_RULES_KEY)
        reference_forget_on_change(RegulatedGoods, REGULATED_GOODS_KEY)
