from django.db import models
from django.utils.translation import gettext_lazy as _


class DeclarationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    AWAITING_DOCUMENTS = "awaiting_documents", _("Awaiting documents")
    AWAITING_INSPECTION = "awaiting_inspection", _("Awaiting inspection")
    UNDER_INSPECTION = "under_inspection", _("Under inspection")
    RELEASED = "released", _("Released")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ON_HOLD = "on_hold", _("On hold")


class ReleaseMode(models.TextChoices):
    DECLARE = "declare", _("Declare-release")
    VERIFY = "verify", _("Verify-release")
    SAMPLE = "sample", _("Sample-release")
    SUPERVISED = "supervised", _("Supervised-release")


class TransportMode(models.TextChoices):
    SEA = "sea", _("Sea")
    AIR = "air", _("Air")
    RAIL = "rail", _("Rail")
    ROAD = "road", _("Road")
    POST = "post", _("Post / courier")
    OTHER = "other", _("Other")


class InspectionPlace(models.TextChoices):
    PORT = "port", _("Port of entry")
    DESTINATION = "destination", _("Destination (direct release)")


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Commercial invoice")
    PACKING_LIST = "packing_list", _("Packing list")
    BILL_OF_LADING = "bill_of_lading", _("Bill of lading")
    CERTIFICATE_OF_ORIGIN = "certificate_of_origin", _("Certificate of origin")
    HEALTH_CERTIFICATE = "health_certificate", _("Health or phytosanitary certificate")
    TEST_REPORT = "test_report", _("Third-party test report")
    OTHER = "other", _("Other")


class DeclarationSource(models.TextChoices):
    PORTAL = "portal", _("Portal")
    API = "api", _("API")
    BULK = "bulk", _("Bulk upload")
    HISTORICAL = "historical", _("Historical import")


class InspectionOutcome(models.TextChoices):
    NONE = "", _("Not inspected")
    CONFORM = "conform", _("Conform")
    NON_CONFORM = "non_conform", _("Non-conformity found")
