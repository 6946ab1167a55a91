from django.db import models
from django.utils.translation import gettext_lazy as _

from . import routing, transitions


class SiteKind(models.TextChoices):
    GENERAL = routing.SITE_GENERAL, _("General port site")
    DANGEROUS_GOODS = routing.SITE_DANGEROUS_GOODS, _("Dangerous goods")
    COLD_CHAIN = routing.SITE_COLD_CHAIN, _("Cold chain")
    LIVE_ANIMALS = routing.SITE_LIVE_ANIMALS, _("Live animals")


class SiteCapability(models.TextChoices):
    """What a site can do besides general inspection; goods needing one go only to a site having it."""

    COLD_CHAIN = routing.SITE_COLD_CHAIN, _("Cold chain")
    DANGEROUS_GOODS = routing.SITE_DANGEROUS_GOODS, _("Dangerous goods")
    LIVE_ANIMALS = routing.SITE_LIVE_ANIMALS, _("Live animals")
    FUMIGATION = "fumigation", _("Fumigation and treatment")
    X_RAY = "x_ray", _("Container X-ray")


class SiteDangerousGoodsClass(models.TextChoices):
    """The UN hazard classes a dangerous-goods site is licensed for (a division counts as its class)."""

    CLASS_1 = "1", _("Class 1 Explosives")
    CLASS_2 = "2", _("Class 2 Gases")
    CLASS_3 = "3", _("Class 3 Flammable liquids")
    CLASS_4 = "4", _("Class 4 Flammable solids")
    CLASS_5 = "5", _("Class 5 Oxidizers and organic peroxides")
    CLASS_6 = "6", _("Class 6 Toxic and infectious substances")
    CLASS_7 = "7", _("Class 7 Radioactive material")
    CLASS_8 = "8", _("Class 8 Corrosives")
    CLASS_9 = "9", _("Class 9 Miscellaneous")


class TaskStatus(models.TextChoices):
    QUEUED = transitions.QUEUED, _("Queued")
    ASSIGNED = transitions.ASSIGNED, _("Assigned")
    CLAIMED = transitions.CLAIMED, _("In progress")
    CONCLUDED = transitions.CONCLUDED, _("Concluded")
    CANCELLED = transitions.CANCELLED, _("Cancelled")


class DeclarantInspectionStatus(models.TextChoices):
    """A task's status as its declarant sees it: whether, not how or by whom, the goods are being inspected."""

    SCHEDULED = "scheduled", _("Scheduled")
    CONCLUDED = transitions.CONCLUDED, _("Concluded")
    CANCELLED = transitions.CANCELLED, _("Cancelled")


class TaskReason(models.TextChoices):
    RISK = "risk", _("Risk targeted")
    RANDOM = "random", _("Random control sample")
    RELEASE_MODE = "release_mode", _("Required by the release mode")
    JOINT = "joint", _("Joint inspection")
    MANUAL = "manual", _("Officer request")


class Priority(models.IntegerChoices):
    URGENT = 1, _("Urgent")
    HIGH = 2, _("High")
    NORMAL = 3, _("Normal")


class CustodyAction(models.TextChoices):
    """The hand-overs the system records itself; an officer's own words for any other are kept as typed."""

    SEALED = "sealed", _("Sampled and sealed")
    SENT_TO_LAB = "sent_to_lab", _("Sent to the laboratory")


class Conclusion(models.TextChoices):
    CONFORM = "conform", _("Conform")
    NON_CONFORM = "non_conform", _("Non-conform")


class Disposition(models.TextChoices):
    RETURN = "return", _("Return")
    DESTROY = "destroy", _("Destroy")
    TECHNICAL_TREATMENT = "technical_treatment", _("Technical treatment")
    RELABEL = "relabel", _("Relabel")


class LabKind(models.TextChoices):
    BUREAU = "bureau", _("Bureau laboratory")
    THIRD_PARTY = "third_party", _("Accredited third-party laboratory")


class LabStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")


class LabOrderStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    RESULTED = "resulted", _("Results recorded")


class DrawKind(models.TextChoices):
    OBJECT = "object", _("Draw of objects")
    PEOPLE = "people", _("Draw of people")


class JointKind(models.TextChoices):
    CONTAINER = "container", _("Container opening (一次开箱)")
    BOARDING = "boarding", _("Boarding of a vessel or aircraft")


class JointStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SCHEDULED = "scheduled", _("Scheduled")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Agency(models.TextChoices):
    CIQ = "ciq", _("Inspection and quarantine")
    CUSTOMS = "customs", _("Customs")
    MARITIME = "maritime", _("Maritime safety administration")
    BORDER = "border", _("Border inspection")
    PORT = "port", _("Port authority")


# The on-site checklist per commodity category; every category also gets the GENERAL items.
CHECKLIST_GENERAL = [
    ("documents_match", _("Documents match the goods (marks, numbers, quantities)")),
    ("packaging_intact", _("Packaging intact, no damage or leakage")),
    ("labels_chinese", _("Chinese labels present and correct")),
    ("container_clean", _("Container clean, no pests or soil")),
]
CHECKLIST_BY_CATEGORY = {
    "food": [("shelf_life", _("Shelf life and production date acceptable")),
             ("sensory", _("Appearance and smell normal"))],
    "aquatic": [("core_temperature", _("Core temperature at or below -18 °C")),
                ("cold_chain_record", _("Cold chain temperature record complete"))],
    "meat": [("core_temperature", _("Core temperature at or below -18 °C")),
             ("establishment_registered", _("Establishment registered, health certificate matches"))],
    "dairy": [("cold_chain_record", _("Cold chain temperature record complete")),
              ("shelf_life", _("Shelf life and production date acceptable"))],
    "fruit_vegetable": [("pests", _("No live pests, rot or soil")),
                        ("phytosanitary", _("Phytosanitary certificate matches"))],
    "grain": [("pests", _("No live pests, rot or soil")), ("weed_seeds", _("No weed seeds or impurities"))],
    "plant": [("pests", _("No live pests, rot or soil")),
              ("phytosanitary", _("Phytosanitary certificate matches"))],
    "live_animal": [("animal_health", _("Animals healthy, no clinical signs")),
                    ("quarantine_permit", _("Quarantine permit and health certificate match"))],
    "cosmetics": [("ingredients_label", _("Ingredient list on the label")),
                  ("filing_record", _("Import filing record present"))],
    "chemical": [("ghs_labels", _("GHS hazard labels and safety data sheet")),
                 ("un_packaging", _("UN packaging marks correct"))],
    "dangerous_goods": [("ghs_labels", _("GHS hazard labels and safety data sheet")),
                        ("un_packaging", _("UN packaging marks correct"))],
    "toy": [("age_warning", _("Age warnings present")), ("small_parts", _("No loose small parts"))],
    "electrical": [("ccc_mark", _("CCC mark where required")), ("plug_type", _("Plug and voltage fit for China"))],
    "machinery": [("nameplate", _("Nameplate and manual in Chinese")),
                  ("used_condition", _("Condition matches the declaration (new or used)"))],
    "textile": [("fibre_label", _("Fibre content label")), ("odour", _("No abnormal odour"))],
}


def checklist_for(category: str) -> list[tuple[str, str]]:
    seen, items = set(), []
    for code, label in CHECKLIST_GENERAL + CHECKLIST_BY_CATEGORY.get(category or "", []):
        if code not in seen:
            seen.add(code)
            items.append((code, label))
    return items


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class LeaveStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
