from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Tier(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    VERY_HIGH = "very_high", _("Very high")


TIER_ORDER = [Tier.LOW, Tier.MEDIUM, Tier.HIGH, Tier.VERY_HIGH]


class RuleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", pgettext_lazy("rule status", "Active")
    RETIRED = "retired", _("Retired")


class BulletinStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Hazard(models.TextChoices):
    ANIMAL_DISEASE = "animal_disease", _("Epidemic or animal disease")
    PLANT_PEST = "plant_pest", _("Plant pest")
    NBC = "nbc", _("Nuclear, biological or chemical")
    FOOD_SAFETY = "food_safety", _("Food safety")
    PRODUCT_QUALITY = "product_quality", _("Product quality")
    FRAUD = "fraud", _("Fraud")
