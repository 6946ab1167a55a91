from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from declarations.choices import ReleaseMode
from declarations.models import Declaration

from .choices import BulletinStatus, Hazard, RuleStatus, Tier


class RulesetVersion(models.Model):
    """One change of the rule set (a rule or a bulletin changed). The highest id is the current rules version."""
    created_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("rule set version")
        verbose_name_plural = _("rule set versions")

    def __str__(self):
        return f"#{self.pk} {self.note}"


class RiskRule(models.Model):
    """A risk profile: conditions (data, see risk.rules) and an effect."""
    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    conditions = models.JSONField(_("conditions"), default=dict)
    add_score = models.FloatField(_("add to score"), default=0)
    force_tier = models.CharField(_("force tier"), max_length=16, choices=Tier.choices, blank=True)
    force_inspection = models.BooleanField(_("force inspection"), default=False)
    force_release_mode = models.CharField(_("force release mode"), max_length=16, choices=ReleaseMode.choices,
                                          blank=True)
    hold = models.BooleanField(_("hold"), default=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=RuleStatus.choices, default=RuleStatus.DRAFT,
                              db_index=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("owner"))
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("risk rule")
        verbose_name_plural = _("risk rules")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} v{self.version}"


class RiskRuleVersion(models.Model):
    rule = models.ForeignKey(RiskRule, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    ruleset_version = models.ForeignKey(RulesetVersion, on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rule", "-version"]
        constraints = [models.UniqueConstraint(fields=["rule", "version"], name="riskruleversion_unique")]

    def __str__(self):
        return f"{self.rule_id} v{self.version}"


class RiskModel(models.Model):
    """A trained model in the registry: booster text, encoding tables, training window, metrics."""
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(_("trained at"), auto_now_add=True)
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    source = models.CharField(_("source"), max_length=200)
    train_from = models.DateField(_("training window from"), null=True, blank=True)
    train_to = models.DateField(_("training window to"), null=True, blank=True)
    train_rows = models.PositiveIntegerField(_("training rows"), default=0)
    features = models.JSONField(_("features"), default=list)
    params = models.JSONField(_("parameters"), default=dict)
    metrics = models.JSONField(_("held-out metrics"), default=dict)
    booster = models.TextField()
    encoding = models.JSONField(default=dict)
    is_active = models.BooleanField(_("active"), default=False, db_index=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    activated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("activated by"))

    class Meta:
        verbose_name = _("risk model")
        verbose_name_plural = _("risk models")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["is_active"], condition=models.Q(is_active=True),
                                               name="riskmodel_one_active")]

    def __str__(self):
        return f"{self.name} #{self.pk}"

    @property
    def version(self) -> str:
        return f"m{self.pk}"


class RiskBulletin(models.Model):
    """A risk bulletin (风险预警) with linked rules that activate and retire with it."""
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    text_zh = models.TextField(_("text (Chinese)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    hazard = models.CharField(_("hazard"), max_length=24, choices=Hazard.choices)
    hs_prefixes = models.JSONField(_("commodities (HS prefixes)"), default=list, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    add_score = models.FloatField(_("add to score on match"), default=15)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=BulletinStatus.choices,
                              default=BulletinStatus.DRAFT, db_index=True)
    rules = models.ManyToManyField(RiskRule, blank=True, related_name="bulletins", verbose_name=_("linked rules"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("risk bulletin")
        verbose_name_plural = _("risk bulletins")
        ordering = ["-valid_from", "-id"]

    def __str__(self):
        return self.title_en

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "").startswith("en") else self.title_zh

    @property
    def text(self) -> str:
        return self.text_en if (get_language() or "").startswith("en") else self.text_zh


class RiskAssessment(models.Model):
    """One assessment of a declaration; reassessment adds a new row (the latest is current)."""
    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="risk_assessments")
    score = models.FloatField(_("score"))
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    model_score = models.FloatField(_("model score"), null=True, blank=True)
    forced_release_mode = models.CharField(_("forced release mode"), max_length=16, choices=ReleaseMode.choices,
                                           blank=True)
    force_inspection = models.BooleanField(_("force inspection"), default=False)
    hold = models.BooleanField(_("hold"), default=False)
    rules_version = models.PositiveIntegerField(_("rules version"), default=0)
    model_version = models.CharField(_("model version"), max_length=32, blank=True)
    rule_codes = models.JSONField(default=list, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    created_at = models.DateTimeField(_("assessed at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["declaration", "-id"])]

    def __str__(self):
        return f"{self.declaration_id} {self.tier} {self.score:.1f}"


class ActivationRequest(models.Model):
    """Four eyes on what bites: an activation of a rule or a model asked by one analyst (or the weekly training) and
    approved by a second analyst or a supervisor, who has seen its what-if projection. A supervisor's activation is
    its own approval."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")

    rule = models.ForeignKey(RiskRule, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="activation_requests", verbose_name=_("rule"))
    model = models.ForeignKey(RiskModel, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="activation_requests", verbose_name=_("model"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    # None: asked by the weekly training.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("activation request")
        verbose_name_plural = _("activation requests")
        ordering = ["-requested_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(rule__isnull=False) | models.Q(model__isnull=False),
                                              name="activation_request_names_rule_or_model")]

    def __str__(self):
        return f"{self.rule_id or self.model_id} {self.status}"
