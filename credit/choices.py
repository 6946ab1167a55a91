from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EnterpriseKind(models.TextChoices):
    IMPORTER = "importer", _("Importer")
    CUSTOMS_BROKER = "customs_broker", _("Customs broker")
    OVERSEAS_MANUFACTURER = "overseas_manufacturer", _("Overseas manufacturer")
    OVERSEAS_SELLER = "overseas_seller", _("Overseas seller")
    DISTRIBUTOR = "distributor", _("Distributor")


class EnterpriseStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("enterprise status", "Active")
    SUSPENDED = "suspended", _("Suspended")
    DEREGISTERED = "deregistered", _("Deregistered")


class MembershipRole(models.TextChoices):
    DECLARANT = "declarant", _("Declarant")
    # Invites and removes the enterprise's declarants and grants delegations to customs brokers.
    ADMINISTRATOR = "administrator", _("Enterprise administrator")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class CreditGrade(models.TextChoices):
    AA = "AA", _("AA (advanced certified)")
    A = "A", _("A (certified)")
    B = "B", _("B (general)")
    C = "C", _("C (under watch)")
    D = "D", _("D (dishonest)")


class CreditEventKind(models.TextChoices):
    INSPECTION_PASSED = "inspection_passed", _("Inspection passed")
    NON_CONFORMITY = "non_conformity", _("Non-conformity found")
    LAB_FAILURE = "lab_failure", _("Lab failure after sample-release")
    FALSIFICATION = "falsification", _("Document falsification")
    PENALTY = "penalty", _("Administrative penalty")
    SMUGGLING = "smuggling", _("Smuggling")
    RECALL = "recall", _("Recall")
    CERTIFICATION = "certification", _("Certification (e.g. AEO)")
    AGENCY_INFORMATION = "agency_information", _("Information from another agency")


class CreditEventSource(models.TextChoices):
    SYSTEM = "system", _("System")
    OFFICER = "officer", _("Officer")
    PARTNER_AGENCY = "partner_agency", _("Partner agency")


class GradeChangeMode(models.TextChoices):
    NIGHTLY = "nightly", _("Nightly recomputation")
    IMMEDIATE = "immediate", _("Immediately after a decisive event")  # a severe breach or a certification
    REVIEW = "review", _("After an objection or correction")


class ObjectionStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    UNDER_REVIEW = "under_review", _("Under review")
    UPHELD = "upheld", _("Upheld")
    REJECTED = "rejected", pgettext_lazy("objection", "Rejected")


# Labels of the generic evidence references credit events carry (credit does not import the apps they point to).
EVIDENCE_LABELS = {
    "declaration": _("Declaration"),
    "inspection": _("Inspection record"),
    "inspection_task": _("Inspection task"),
    "lab_report": _("Lab report"),
    "certificate": _("Certificate"),
    "penalty_decision": _("Penalty decision"),
    "recall": _("Recall record"),
    "release": _("Release record"),
    "customs_case": _("Customs case"),
    "credit_event": _("Credit event"),
}
