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


class CommodityCategory(models.TextChoices):
    """Commodity categories of the HS nomenclature (HSCode.category): documents, registration, routing, skills."""

    LIVE_ANIMAL = "live_animal", _("Live animals")
    MEAT = "meat", _("Meat")
    AQUATIC = "aquatic", _("Aquatic products")
    DAIRY = "dairy", _("Dairy products")
    ANIMAL_PRODUCT = "animal_product", _("Other animal products")
    FRUIT_VEGETABLE = "fruit_vegetable", _("Fruit and vegetables")
    GRAIN = "grain", _("Grain")
    PLANT = "plant", _("Plants")
    FEED = "feed", _("Feed")
    FOOD = "food", _("Food")
    TOBACCO = "tobacco", _("Tobacco")
    COSMETICS = "cosmetics", _("Cosmetics")
    PHARMACEUTICAL = "pharmaceutical", _("Pharmaceuticals")
    MEDICAL_DEVICE = "medical_device", _("Medical devices")
    CHEMICAL = "chemical", _("Chemicals")
    DANGEROUS_GOODS = "dangerous_goods", _("Dangerous goods")
    COATING = "coating", _("Coatings")
    PLASTIC = "plastic", _("Plastics")
    RUBBER = "rubber", _("Rubber")
    LEATHER = "leather", _("Leather")
    WOOD = "wood", _("Wood")
    PAPER = "paper", _("Paper")
    TEXTILE = "textile", _("Textiles")
    FOOTWEAR = "footwear", _("Footwear")
    CERAMIC = "ceramic", _("Ceramics")
    GLASS = "glass", _("Glass")
    MINERAL = "mineral", _("Minerals")
    METAL = "metal", _("Metals")
    MACHINERY = "machinery", _("Machinery")
    ELECTRICAL = "electrical", _("Electrical equipment")
    VEHICLE = "vehicle", _("Vehicles")
    FURNITURE = "furniture", _("Furniture")
    TOY = "toy", _("Toys")
    GENERAL = "general", _("General goods")


class EventKind(models.TextChoices):
    """Kinds of declaration timeline events written across the apps (DeclarationEvent.kind), with their labels.
    An unknown kind is shown by ``event_kind_label`` as a readable fallback."""

    CREATED = "created", _("Draft created")
    DOCUMENT_UPLOADED = "document_uploaded", _("Document uploaded")
    SUBMIT = "submit", _("Submitted")
    REQUEST_DOCUMENTS = "request_documents", _("Documents requested")
    ANSWER = "answer", _("Declarant answered")
    AWAIT_INSPECTION = "await_inspection", _("Awaiting inspection")
    START_INSPECTION = "start_inspection", _("Inspection started")
    RELEASE = "release", _("Released")
    REJECT = "reject", _("Rejected")
    WITHDRAW = "withdraw", _("Withdrawn")
    HOLD = "hold", _("Put on hold")
    # No longer written (the mode is recorded with the move that follows the decision); kept so that timelines
    # holding events written before that still show their label rather than "Other event".
    RELEASE_MODE_SET = "release_mode_set", _("Release mode recorded")
    HISTORICAL_IMPORT = "historical_import", _("Imported from history")
    # risk
    RISK_TIER_CHANGED = "risk_tier_changed", _("Risk tier changed")
    # inspection
    RANDOM_DRAW = "random_draw", _("Random inspection draw")
    INSPECTION_SCHEDULED = "inspection_scheduled", _("Inspection scheduled")
    INSPECTION_REROUTED = "inspection_rerouted", _("Inspection moved to another site")
    INSPECTION_SAMPLED = "inspection_sampled", _("Samples taken")
    LAB_ORDERED = "lab_ordered", _("Laboratory test ordered")
    LAB_RESULTED = "lab_resulted", _("Laboratory result received")
    INSPECTION_CONCLUDED = "inspection_concluded", _("Inspection concluded")
    TEST_REPORT_CHECKED = "test_report_checked", _("Test report checked")
    # release
    DIRECT_RELEASE_REFUSED = "direct_release_refused", _("Direct release refused")
    RELEASE_MODE_DECIDED = "release_mode_decided", _("Release mode decided")
    RELEASE_MODE_REASONS = "release_mode_reasons", _("Reasons for the release mode")
    RELEASED = "released", _("Goods released")
    REPORT_SUPPLIED = "report_supplied", _("Test report supplied")
    LAB_PASSED = "lab_passed", _("Laboratory test passed")
    RECALLED = "recalled", _("Recalled")
    CERTIFICATE_REVOKED = "certificate_revoked", _("Certificate revoked")
    CONFIDENTIAL_MARKED = "confidential_marked", _("Kept out of the public record")
    CONFIDENTIAL_UNMARKED = "confidential_unmarked", _("Back in the public record")
    POST_CHECK_SCHEDULED = "post_check_scheduled", _("Post-release check scheduled")
    # single window: logistics steps pushed by the port and agencies (declarations.services.logistics_event_push)
    LOGISTICS_VESSEL_BERTHED = "logistics_vessel_berthed", _("Vessel berthed")
    LOGISTICS_CONTAINER_DISCHARGED = "logistics_container_discharged", _("Container discharged")
    LOGISTICS_MOVED_TO_INSPECTION_SITE = "logistics_moved_to_inspection_site", _("Moved to the inspection site")
    LOGISTICS_SITE_GATE_IN = "logistics_site_gate_in", _("Inspection site gate in")
    LOGISTICS_SITE_GATE_OUT = "logistics_site_gate_out", _("Inspection site gate out")
    LOGISTICS_PORT_RELEASE = "logistics_port_release", _("Port release (gate out of the port)")
    # single window: case referrals (referrals.services; bureau-only entries)
    CASE_REFERRAL_REFERRED = "case_referral_referred", _("Case referred")
    CASE_REFERRAL_ACKNOWLEDGE = "case_referral_acknowledge", _("Case referral acknowledged")
    CASE_REFERRAL_REPORT_OUTCOME = "case_referral_report_outcome", _("Case referral outcome reported")
    CASE_REFERRAL_WITHDRAW = "case_referral_withdraw", _("Case referral withdrawn")


class LogisticsEventKind(models.TextChoices):
    """Steps of the logistics chain pushed by the port and agencies, in their natural order (see LOGISTICS_ORDER)."""

    VESSEL_BERTHED = "vessel_berthed", _("Vessel berthed")
    CONTAINER_DISCHARGED = "container_discharged", _("Container discharged")
    MOVED_TO_INSPECTION_SITE = "moved_to_inspection_site", _("Moved to the inspection site")
    SITE_GATE_IN = "site_gate_in", _("Inspection site gate in")
    SITE_GATE_OUT = "site_gate_out", _("Inspection site gate out")
    PORT_RELEASE = "port_release", _("Port release (gate out of the port)")


# Rank of each step: an event may not be earlier than a lower-ranked one, nor later than a higher-ranked one.
LOGISTICS_ORDER = {kind: rank for rank, kind in enumerate(LogisticsEventKind.values, start=1)}


class DangerousGoodsClass(models.TextChoices):
    """UN Model Regulations hazard classes and divisions a goods line may carry beside its UN number."""

    EXPLOSIVES = "1", _("1 Explosives")
    FLAMMABLE_GAS = "2.1", _("2.1 Flammable gases")
    NON_FLAMMABLE_GAS = "2.2", _("2.2 Non-flammable, non-toxic gases")
    TOXIC_GAS = "2.3", _("2.3 Toxic gases")
    FLAMMABLE_LIQUID = "3", _("3 Flammable liquids")
    FLAMMABLE_SOLID = "4.1", _("4.1 Flammable solids")
    SPONTANEOUSLY_COMBUSTIBLE = "4.2", _("4.2 Substances liable to spontaneous combustion")
    DANGEROUS_WHEN_WET = "4.3", _("4.3 Substances dangerous when wet")
    OXIDIZER = "5.1", _("5.1 Oxidizing substances")
    ORGANIC_PEROXIDE = "5.2", _("5.2 Organic peroxides")
    TOXIC = "6.1", _("6.1 Toxic substances")
    INFECTIOUS = "6.2", _("6.2 Infectious substances")
    RADIOACTIVE = "7", _("7 Radioactive material")
    CORROSIVE = "8", _("8 Corrosive substances")
    MISCELLANEOUS = "9", _("9 Miscellaneous dangerous goods")


def dangerous_goods_main_class(dg_class: str) -> str:
    """The class (1 to 9) of a class or division ("2.1" -> "2")."""
    return (dg_class or "").split(".")[0]
