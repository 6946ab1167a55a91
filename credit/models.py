from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ciq_portal.i18n import name_for_reader

from .choices import (
    CreditEventKind,
    CreditEventSource,
    CreditGrade,
    EnterpriseKind,
    EnterpriseStatus,
    GradeChangeMode,
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
    """A declarant user acts for exactly one enterprise."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="enterprise_membership")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="memberships")

    class Meta:
        verbose_name = _("enterprise membership")
        verbose_name_plural = _("enterprise memberships")

    def __str__(self):
        return f"{self.user} @ {self.enterprise}"


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
