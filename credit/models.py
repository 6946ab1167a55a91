from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import CreditGrade, EnterpriseKind, EnterpriseStatus
from .validators import validate_uscc


class Enterprise(models.Model):
    """The tenant: an enterprise that declares goods, or appears in declarations (sellers, manufacturers)."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, null=True, blank=True,
                            validators=[validate_uscc])
    # Identifier used by foreign parties and historical data sets where no USCC exists.
    external_id = models.CharField(_("external identifier"), max_length=64, unique=True, null=True, blank=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    country = models.CharField(_("country"), max_length=2, default="CN")
    kind = models.CharField(_("kind"), max_length=32, choices=EnterpriseKind.choices, default=EnterpriseKind.IMPORTER)
    status = models.CharField(_("status"), max_length=16, choices=EnterpriseStatus.choices,
                              default=EnterpriseStatus.ACTIVE)
    # Maintained only by credit services; the history of changes is in GradeChange.
    credit_grade = models.CharField(_("credit grade"), max_length=2, choices=CreditGrade.choices,
                                    default=CreditGrade.B, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name_zh"]

    def __str__(self):
        return self.name_zh

    @property
    def display_name(self):
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name_zh


class EnterpriseMembership(models.Model):
    """A declarant user acts for exactly one enterprise."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="enterprise_membership")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="memberships")

    class Meta:
        verbose_name = _("enterprise membership")
        verbose_name_plural = _("enterprise memberships")

    def __str__(self):
        return f"{self.user} @ {self.enterprise}"
