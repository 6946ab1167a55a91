from django.db import models
from django.utils.translation import gettext_lazy as _


class EnterpriseKind(models.TextChoices):
    IMPORTER = "importer", _("Importer")
    CUSTOMS_BROKER = "customs_broker", _("Customs broker")
    OVERSEAS_MANUFACTURER = "overseas_manufacturer", _("Overseas manufacturer")
    OVERSEAS_SELLER = "overseas_seller", _("Overseas seller")
    DISTRIBUTOR = "distributor", _("Distributor")


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DEREGISTERED = "deregistered", _("Deregistered")


class CreditGrade(models.TextChoices):
    AA = "AA", _("AA (advanced certified)")
    A = "A", _("A (certified)")
    B = "B", _("B (general)")
    C = "C", _("C (under watch)")
    D = "D", _("D (dishonest)")
