from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from credit.models import Enterprise
from declarations.models import Declaration

from .choices import ReferralDirection, ReferralKind, ReferralOutcome, ReferralStatus

User = settings.AUTH_USER_MODEL


class CaseReferral(models.Model):
    """A case referred between the bureau and a partner agency (案件通报移交), in either direction.

    The receiving side acknowledges it and reports the outcome; evidence comes from either side. Never shown to
    declarants.
    """

    number = models.CharField(_("number"), max_length=32, unique=True)
    direction = models.CharField(_("direction"), max_length=16, choices=ReferralDirection.choices)
    kind = models.CharField(_("kind"), max_length=32, choices=ReferralKind.choices)
    status = models.CharField(_("status"), max_length=16, choices=ReferralStatus.choices,
                              default=ReferralStatus.REFERRED, db_index=True)
    agency = models.ForeignKey("ciq_portal.Agency", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("partner agency"))
    declaration = models.ForeignKey(Declaration, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="case_referrals", verbose_name=_("declaration"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("enterprise"))
    container_no = models.CharField(_("container number"), max_length=16, blank=True)
    summary = models.CharField(_("summary"), max_length=300)
    details = models.TextField(_("details"), blank=True)
    # The agency's own case number (given when it refers or acknowledges).
    external_reference = models.CharField(_("agency's reference"), max_length=64, blank=True)
    referred_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by"))
    referred_at = models.DateTimeField(_("referred at"), default=timezone.now, db_index=True)
    acknowledged_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                        verbose_name=_("acknowledged by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledgement_note = models.TextField(_("acknowledgement note"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=24, choices=ReferralOutcome.choices, blank=True)
    outcome_detail = models.TextField(_("outcome detail"), blank=True)
    outcome_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("outcome reported by"))
    outcome_at = models.DateTimeField(_("outcome reported at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case referral")
        verbose_name_plural = _("case referrals")
        ordering = ["-referred_at", "-id"]
        indexes = [models.Index(fields=["agency", "-referred_at"])]

    def __str__(self):
        return self.number


class CaseEvidence(models.Model):
    """One piece of evidence of a case referral: a description and a reference, or a declaration document."""

    referral = models.ForeignKey(CaseReferral, on_delete=models.CASCADE, related_name="evidence",
                                 verbose_name=_("case referral"))
    description = models.CharField(_("description"), max_length=300)
    # Exhibit number, file name or link at the side that holds it.
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    document = models.ForeignKey("declarations.Document", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("declaration document"))
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by"))
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["added_at", "id"]

    def __str__(self):
        return self.description
