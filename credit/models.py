from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciq_portal.i18n import name_for_reader

from .choices import (
    ApplicationStatus,
    CreditEventKind,
    CreditEventSource,
    CreditGrade,
    EnterpriseKind,
    EnterpriseStatus,
    GradeChangeMode,
    MembershipRole,
    ObjectionStatus,
)
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
    credit_score = models.DecimalField(_("credit score"), max_digits=5, decimal_places=2, default=Decimal("70.00"))
    credit_graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    # Highest credit event id taken into account by the last grade change (names the events of the next one).
    credit_last_event_id = models.BigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name_zh"]

    def __str__(self):  # in choice lists and the admin, as on every page: in the reader's language
        return self.display_name

    @property
    def display_name(self):
        return name_for_reader(self.name_zh, self.name_en)


class EnterpriseMembership(models.Model):
    """A declarant user acts for exactly one enterprise; its administrator also manages the enterprise's users."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="enterprise_membership")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=MembershipRole.choices,
                            default=MembershipRole.DECLARANT)

    class Meta:
        verbose_name = _("enterprise membership")
        verbose_name_plural = _("enterprise memberships")

    def __str__(self):
        return f"{self.user} @ {self.enterprise}"


def application_upload_to(instance, filename):
    return f"applications/{timezone.now():%Y/%m}/{filename}"


class EnterpriseApplication(models.Model):
    """An enterprise's online application for an account, made without one; the bureau approves or refuses it.
    The business licence is a PDF checked by its bytes (ciq_portal.stored_files) and served only to the bureau."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, validators=[validate_uscc])
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    kind = models.CharField(_("kind"), max_length=32, choices=EnterpriseKind.choices, default=EnterpriseKind.IMPORTER)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=32)
    file = models.FileField(_("business licence"), upload_to=application_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.PENDING, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("enterprise"))
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("applicant's account"))

    class Meta:
        verbose_name = _("enterprise application")
        verbose_name_plural = _("enterprise applications")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One open application per code: a second one waits for the bureau's decision on the first.
            models.UniqueConstraint(fields=["uscc"], condition=models.Q(status="pending"),
                                    name="application_one_pending_per_uscc"),
        ]

    def __str__(self):
        return f"{self.name_zh} ({self.uscc})"


class BrokerDelegation(models.Model):
    """An importer lets a customs broker file and submit declarations in its name: for all goods or the listed HS
    chapters, at all ports or the listed ones, between two dates. Revoked, it ends at once."""

    importer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="delegations_granted",
                                 verbose_name=_("importer"))
    broker = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="delegations_received",
                               verbose_name=_("customs broker"))
    # Two-digit HS chapters ("03", "84"); empty: all goods.
    hs_chapters = models.JSONField(_("HS chapters"), default=list, blank=True)
    # Port / office codes ("NGB"); empty: every port.
    ports = models.JSONField(_("ports"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("granted by"))
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("revoked by"))

    class Meta:
        verbose_name = _("broker delegation")
        verbose_name_plural = _("broker delegations")
        ordering = ["-granted_at", "-id"]
        indexes = [models.Index(fields=["broker", "importer"], name="delegation_broker_importer")]

    def __str__(self):
        return f"{self.importer} → {self.broker}"

    def in_force(self, on=None) -> bool:
        on = on or timezone.localdate()
        return self.revoked_at is None and self.valid_from <= on <= self.valid_until

    def covers_port(self, port: str) -> bool:
        return not self.ports or (port or "").upper() in self.ports

    def covers_hs_code(self, hs_code: str) -> bool:
        return not self.hs_chapters or (hs_code or "")[:2] in self.hs_chapters


class CreditEvent(models.Model):
    """One fact about an enterprise's conduct. Never edited: a correction is a new event pointing at this one."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="credit_events",
                                   verbose_name=_("enterprise"))
    kind = models.CharField(_("kind"), max_length=24, choices=CreditEventKind.choices)
    occurred_on = models.DateField(_("occurred on"))
    source = models.CharField(_("source"), max_length=16, choices=CreditEventSource.choices)
    # Who reported it: "system", the officer's or the agency's user name.
    source_name = models.CharField(_("reported by"), max_length=150, blank=True)
    # Generic evidence reference (e.g. "declaration" + its number); credit does not know the other apps' models.
    evidence_type = models.CharField(_("evidence type"), max_length=32, blank=True)
    evidence_id = models.CharField(_("evidence reference"), max_length=64, blank=True)
    weight = models.SmallIntegerField(_("weight"))
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True)
    external_reference = models.CharField(_("external reference"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    corrects = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="correction", verbose_name=_("corrects"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "occurred_on"])]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_name", "external_reference"],
                                    condition=~models.Q(external_reference=""),
                                    name="credit_event_external_reference_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_on}"


class GradeChange(models.Model):
    """A recorded change of an enterprise's grade, with the scores and the events behind it."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="grade_changes",
                                   verbose_name=_("enterprise"))
    old_grade = models.CharField(_("old grade"), max_length=2, choices=CreditGrade.choices)
    new_grade = models.CharField(_("new grade"), max_length=2, choices=CreditGrade.choices)
    score_before = models.DecimalField(_("score before"), max_digits=5, decimal_places=2)
    score_after = models.DecimalField(_("score after"), max_digits=5, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=32)
    mode = models.CharField(_("how"), max_length=16, choices=GradeChangeMode.choices)
    as_of = models.DateField(_("grading date"))
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)
    events = models.ManyToManyField(CreditEvent, blank=True, related_name="grade_changes",
                                    verbose_name=_("events"))

    class Meta:
        verbose_name = _("grade change")
        verbose_name_plural = _("grade changes")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "changed_at"])]

    def __str__(self):
        return f"{self.enterprise_id}: {self.old_grade} → {self.new_grade}"


class GradeObjection(models.Model):
    """An enterprise's objection to a grade change, reviewed by a supervisor within the review deadline."""

    grade_change = models.ForeignKey(GradeChange, on_delete=models.PROTECT, related_name="objections",
                                     verbose_name=_("grade change"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="grade_objections",
                                   verbose_name=_("enterprise"))
    status = models.CharField(_("status"), max_length=16, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.FILED, db_index=True)
    reason = models.TextField(_("grounds"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("filed by"))
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    due_on = models.DateField(_("decision due"))
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("reviewer"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True)

    class Meta:
        verbose_name = _("grade objection")
        verbose_name_plural = _("grade objections")
        ordering = ["due_on", "id"]

    def __str__(self):
        return f"{self.enterprise_id} #{self.pk} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in (ObjectionStatus.FILED, ObjectionStatus.UNDER_REVIEW)

    def is_overdue(self, today=None) -> bool:
        return self.is_open and (today or timezone.localdate()) > self.due_on


class InspectionPolicy(models.Model):
    """One version of the differentiated-supervision table: each grade's inspection budget (the share inspected in
    all, the random control sample included) and its random ratio (the share the dual-random draw selects), 0–1.

    Never edited: a supervisor's change is a new version; the highest version is in force.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    ratio_aa = models.DecimalField(_("AA ratio"), max_digits=6, decimal_places=5)
    ratio_a = models.DecimalField(_("A ratio"), max_digits=6, decimal_places=5)
    ratio_b = models.DecimalField(_("B ratio"), max_digits=6, decimal_places=5)
    ratio_c = models.DecimalField(_("C ratio"), max_digits=6, decimal_places=5)
    ratio_d = models.DecimalField(_("D ratio"), max_digits=6, decimal_places=5)
    budget_aa = models.DecimalField(_("AA budget"), max_digits=6, decimal_places=5)
    budget_a = models.DecimalField(_("A budget"), max_digits=6, decimal_places=5)
    budget_b = models.DecimalField(_("B budget"), max_digits=6, decimal_places=5)
    budget_c = models.DecimalField(_("C budget"), max_digits=6, decimal_places=5)
    budget_d = models.DecimalField(_("D budget"), max_digits=6, decimal_places=5)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("inspection policy")
        verbose_name_plural = _("inspection policies")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"

    def ratios(self) -> dict[str, Decimal]:
        return {CreditGrade.AA: self.ratio_aa, CreditGrade.A: self.ratio_a, CreditGrade.B: self.ratio_b,
                CreditGrade.C: self.ratio_c, CreditGrade.D: self.ratio_d}

    def budgets(self) -> dict[str, Decimal]:
        return {CreditGrade.AA: self.budget_aa, CreditGrade.A: self.budget_a, CreditGrade.B: self.budget_b,
                CreditGrade.C: self.budget_c, CreditGrade.D: self.budget_d}
