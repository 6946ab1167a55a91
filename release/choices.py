from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from declarations.choices import ReleaseMode  # noqa: F401  (the four modes are the declarations app's choices)


class RiskTier(models.TextChoices):
    """The risk app's tiers (contract: declaration_assess(...).tier); the matrix's rows."""

    LOW = "low", _("Low risk")
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")
    VERY_HIGH = "very_high", _("Very high risk")


class NegativeListKind(models.TextChoices):
    HS_PREFIX = "hs_prefix", _("HS code (prefix)")
    CATEGORY = "category", _("Commodity category")


class NextStep(models.TextChoices):
    """What the declarant has to do (or wait for) after the release decision."""

    NONE = "none", _("Nothing: the goods are released")
    SUPPLY_REPORT = "supply_report", _("Upload an accredited third-party test report")
    AWAIT_VERIFICATION = "await_verification", _("Wait for an officer to verify the test report")
    AWAIT_SAMPLING = "await_sampling", _("Present the goods for sampling; they are released right after it")
    AWAIT_INSPECTION = "await_inspection", _("Present the goods for on-site inspection")
    ON_HOLD = "on_hold", _("Wait: the declaration is on hold")


class InspectionResult(models.TextChoices):
    NOT_INSPECTED = "not_inspected", _("Released on declaration, not inspected")
    DOCUMENTS_VERIFIED = "documents_verified", _("Third-party test report verified")
    LAB_PENDING = "lab_pending", _("Sampled; laboratory result pending")
    CONFORM = "conform", _("Inspected: conform")
    NON_CONFORM = "non_conform", _("Inspected: non-conform")


class ReleaseStatus(models.TextChoices):
    RELEASED = "released", _("Released")
    RECALLED = "recalled", _("Recalled")


class RecallStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("recall", "Open")
    CLOSED = "closed", _("Closed")


class RecallSource(models.TextChoices):
    LAB_FAILURE = "lab_failure", _("Laboratory failure after sample-release")
    POST_RELEASE_CHECK = "post_release_check", _("Post-release check")
    MANUAL = "manual", _("Decision of the bureau")


class PostCheckStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class PostCheckResult(models.TextChoices):
    CONFORM = "conform", _("Conform")
    NON_CONFORM = "non_conform", _("Non-conform")


class ClearanceBasis(models.TextChoices):
    ARRIVAL = "arrival", _("From arrival")
    SUBMISSION = "submission", _("From submission")


class BulkSubmissionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Submitting")
    DONE = "done", _("Done")


class BulkItemStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SUBMITTED = "submitted", _("Submitted")
    REFUSED = "refused", _("Refused")


class Selection(models.TextChoices):
    """Why a decision inspects, as the inspection budget counts it."""

    FORCED = "forced", _("Forced (negative list, forced mode, tightening, rule)")
    TARGETED = "targeted", _("Risk-targeted within the budget")
    MATRIX = "matrix", _("The matrix's inspecting mode")
    RANDOM = "random", _("Random control sample")
