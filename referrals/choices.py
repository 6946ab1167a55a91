from django.db import models
from django.utils.translation import gettext_lazy as _

from . import transitions


class ReferralDirection(models.TextChoices):
    TO_AGENCY = "to_agency", _("Referred by the bureau to an agency")
    FROM_AGENCY = "from_agency", _("Referred by an agency to the bureau")


class ReferralKind(models.TextChoices):
    SUSPECTED_VIOLATION = "suspected_violation", _("Suspected violation")
    COUNTERFEIT = "counterfeit", _("Counterfeit goods")
    EVASION = "evasion_of_inspection", _("Evasion of inspection")
    SMUGGLING = "smuggling", _("Suspected smuggling")
    OTHER = "other", _("Other")


class ReferralStatus(models.TextChoices):
    REFERRED = transitions.REFERRED, _("Referred")
    ACKNOWLEDGED = transitions.ACKNOWLEDGED, _("Acknowledged")
    CLOSED = transitions.CLOSED, _("Outcome reported")
    WITHDRAWN = transitions.WITHDRAWN, _("Withdrawn")


class ReferralOutcome(models.TextChoices):
    VIOLATION_CONFIRMED = "violation_confirmed", _("Violation confirmed")
    PENALTY_IMPOSED = "penalty_imposed", _("Administrative penalty imposed")
    TRANSFERRED_JUDICIAL = "transferred_judicial", _("Transferred to the judicial authorities")
    NO_VIOLATION = "no_violation", _("No violation found")
    NOT_PURSUED = "not_pursued", _("Not pursued")
