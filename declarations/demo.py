"""Demo declarations: drafts and submitted declarations of enterprises A and B with realistic goods."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from ciq_portal.models import Agency, User
from ciq_portal.reference import reference_forget
from credit.demo import ENTERPRISES
from credit.models import Enterprise

from .choices import DocumentKind
from .models import Declaration, DocumentRequirement, Registration, RegulatedGoods
from .services import (
    DOCUMENT_RULES_KEY,
    REGULATED_GOODS_KEY,
    declaration_create,
    document_upload,
    logistics_event_push,
    registration_apply,
    registration_decide,
    registration_document_upload,
)

REQUIREMENTS = [
    ("aquatic", DocumentKind.HEALTH_CERTIFICATE), ("meat", DocumentKind.HEALTH_CERTIFICATE),
    ("dairy", DocumentKind.HEALTH_CERTIFICATE), ("fruit_vegetable", DocumentKind.HEALTH_CERTIFICATE),
    ("cosmetics", DocumentKind.TEST_REPORT),
]

SHIPMENTS = {
    "A": [
        dict(ref="demo-A-1", submit=True, header=dict(vessel_voyage="COSCO TAURUS 051E",
             bill_of_lading="COSU6301234567", containers=["CSQU3054383"], departure_country="AU", use_of_goods="food",
             trade_terms="CIF"),
             lines=[dict(hs_code="0306170000", description="Frozen tiger prawns, 2 kg blocks", origin_country="AU",
                         quantity="12000", unit="kg", net_weight_kg="12000", gross_weight_kg="12800", value="168000",
                         currency="USD", manufacturer_name="Sea Harvest Pty Ltd", lot_numbers="SH2411-07")]),
        dict(ref="demo-A-2", submit=True, header=dict(vessel_voyage="MAERSK ESSEN 447N",
             bill_of_lading="MAEU2290187365", containers=["MSKU1234565"], departure_country="NO", use_of_goods="food",
             trade_terms="CFR"),
             lines=[dict(hs_code="030389", description="Frozen Atlantic mackerel, whole round", origin_country="NO",
                         quantity="24000", unit="kg", net_weight_kg="24000", gross_weight_kg="25100", value="52800",
                         currency="USD", manufacturer_name="Lerøy Seafood AS", lot_numbers="LS-4471")]),
        dict(ref="demo-A-3", submit=False, header=dict(vessel_voyage="EVER GIVEN 102W", bill_of_lading="EGLV0300127711",
             departure_country="CL", use_of_goods="food", trade_terms="CIF"),
             lines=[dict(hs_code="0307220000", description="Frozen scallop meat", origin_country="CL", quantity="8000",
                         unit="kg", net_weight_kg="8000", gross_weight_kg="8500", value="96000", currency="USD"),
                    dict(hs_code="0303660000", description="Frozen hake", origin_country="CL", quantity="5000",
                         unit="kg", value="21000", currency="USD")]),
    ],
    "B": [
        dict(ref="demo-B-1", submit=True, header=dict(transport_mode="air", vessel_voyage="AF198",
             bill_of_lading="057-12345675", departure_country="FR", use_of_goods="retail", trade_terms="DAP"),
             lines=[dict(hs_code="3304990000", description="Moisturising face cream, 50 ml jars", origin_country="FR",
                         quantity="6000", unit="pcs", net_weight_kg="420", gross_weight_kg="510", value="54000",
                         currency="EUR", manufacturer_name="Laboratoires Dermalys SA", lot_numbers="DL24-118"),
                    dict(hs_code="3305100000", description="Repair shampoo, 250 ml", origin_country="FR",
                         quantity="4000", unit="pcs", net_weight_kg="1050", gross_weight_kg="1200", value="18000",
                         currency="EUR")]),
        dict(ref="demo-B-2", submit=False, header=dict(transport_mode="air", vessel_voyage="KE891",
             bill_of_lading="180-99887766", departure_country="KR", use_of_goods="retail", trade_terms="FCA"),
             lines=[dict(hs_code="330499", description="Sheet masks, hyaluronic acid", origin_country="KR",
                         quantity="20000", unit="pcs", net_weight_kg="600", gross_weight_kg="720", value="30000",
                         currency="USD", manufacturer_name="Seoul Beauty Lab Co.", lot_numbers="SBL-0925")]),
    ],
}

# A one-page PDF used as the demo documents.
DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def seed_declarations(*, password: str, stdout) -> None:
    for category, kind in REQUIREMENTS:
        DocumentRequirement.objects.get_or_create(category=category, hs_prefix="", kind=kind)
    reference_forget(DOCUMENT_RULES_KEY)
    arrival = timezone.localdate() + datetime.timedelta(days=3)
    created = 0
    for key, shipments in SHIPMENTS.items():
        enterprise = Enterprise.objects.filter(uscc=ENTERPRISES[key]["uscc"]).first()
        if enterprise is None:
            continue
        actor = User.objects.filter(enterprise_membership__enterprise=enterprise).first()
        for shipment in shipments:
            if Declaration.objects.filter(enterprise=enterprise, declarant_ref=shipment["ref"]).exists():
                continue
            declaration = declaration_create(enterprise=enterprise, actor=actor, lines=shipment["lines"],
                                             declarant_ref=shipment["ref"], arrival_date=arrival,
                                             port_of_entry="NGB", **shipment["header"])
            for kind in (DocumentKind.INVOICE, DocumentKind.PACKING_LIST, DocumentKind.HEALTH_CERTIFICATE,
                         DocumentKind.TEST_REPORT):
                document_upload(declaration=declaration, kind=kind, actor=actor,
                                file=ContentFile(DEMO_PDF, name=f"{kind}.pdf"))
            created += 1
    stdout.write(f"declarations: {created} demo declarations (release/demo.py submits those marked to submit)")


def seed_logistics(*, stdout) -> None:
    """The port's logistics steps for enterprise A's first consignment, once it is submitted (release/demo.py
    calls it then; idempotent by their event ids)."""
    port = Agency.objects.filter(code="port").first()
    declaration = Declaration.objects.filter(declarant_ref="demo-A-1").exclude(submitted_at=None).first()
    if port is None or declaration is None or not declaration.containers:
        return
    actor = User.objects.filter(agency_client__agency=port).first()
    base = (declaration.submitted_at or timezone.now()) - datetime.timedelta(hours=30)
    for n, (kind, hours, location) in enumerate([("vessel_berthed", 0, "北仑三期 7 号泊位 Beilun berth 7"),
                                                 ("container_discharged", 3, "北仑三期堆场 Beilun yard"),
                                                 ("moved_to_inspection_site", 20, "NGB-CC")], start=1):
        logistics_event_push(actor=actor, agency=port, external_id=f"DEMO-NBPORT-{n}", kind=kind,
                             container_no=declaration.containers[0], occurred_at=base + datetime.timedelta(hours=hours),
                             bill_of_lading=declaration.bill_of_lading, vessel_voyage=declaration.vessel_voyage,
                             location=location)
    stdout.write("  logistics: 3 port events for demo-A-1")


# Goods declared only by a filed importer and, where the last field says so, only from a registered overseas
# manufacturer (§4.4): (category, importer filing required, manufacturer registration required).
REGULATED_GOODS = [("aquatic", True, True), ("meat", True, True), ("dairy", True, True), ("cosmetics", True, False)]

APPROVE = ("approve", "资料齐全，准予备案/注册 Documents complete: approved")
# Each enterprise's filings and registrations: the approved ones let A declare its seafood (the shipments above)
# and B its cosmetics; A has one application waiting for an
# officer and a suspended registration, B a refused filing. ``since``: days between the application and today.
REGISTRATIONS = {
    "A": [
        dict(kind="importer_filing", categories=["aquatic", "meat", "dairy", "food"],
             registration_number="3302A2023041701", since=420, decisions=[APPROVE]),
        dict(kind="manufacturer_registration", manufacturer_name="Sea Harvest Pty Ltd", categories=["aquatic"],
             registration_number="CAUS03012207", since=380, decisions=[APPROVE]),
        dict(kind="manufacturer_registration", manufacturer_name="Lerøy Seafood AS", categories=["aquatic"],
             registration_number="CNOR04112301", since=300, decisions=[APPROVE]),
        dict(kind="manufacturer_registration", manufacturer_name="Mekong Delta Seafood JSC", categories=["aquatic"],
             registration_number="CVNM02012305", since=200, decisions=[APPROVE]),
        dict(kind="manufacturer_registration", manufacturer_name="Acuícola del Golfo S.A.", categories=["aquatic"],
             registration_number="CECU03021901", since=500,
             decisions=[APPROVE, ("suspend", "境外生产商召回冷冻虾批次，暂停注册待整改 Suspended after the producer's "
                                             "recall of a frozen shrimp lot")]),
        dict(kind="manufacturer_registration", manufacturer_name="Pesquera Austral Ltda", categories=["aquatic"],
             since=2, note="智利扇贝柱加工厂 Scallop meat processing plant, Chile",
             document="境外生产企业注册申请表 Registration application form"),
    ],
    "B": [
        dict(kind="importer_filing", categories=["cosmetics"], registration_number="3302B2024009301", since=600,
             decisions=[APPROVE]),
        dict(kind="importer_filing", categories=["food", "dairy"], since=30,
             note="拟进口婴幼儿配方乳粉 To import infant formula",
             decisions=[("refuse", "经营范围不含食品经营 Food trading is not in the business scope")]),
    ],
    # The history importers' (release/demo.py): the cold-chain trader's seafood, the grade-D trader's shrimps from
    # Viet Nam (the officers' queue), the dairy importer's milk powder.
    "c": [
        dict(kind="importer_filing", categories=["aquatic", "meat"], registration_number="3302C2022007701",
             since=900, decisions=[APPROVE]),
        dict(kind="manufacturer_registration", manufacturer_name="Camaronera del Pacífico S.A.",
             categories=["aquatic"], registration_number="CECU03021755", since=880, decisions=[APPROVE]),
        dict(kind="manufacturer_registration", manufacturer_name="Lerøy Seafood AS", categories=["aquatic"],
             registration_number="CNOR04112301", since=870, decisions=[APPROVE]),
    ],
    "d": [
        dict(kind="importer_filing", categories=["aquatic"], registration_number="3302D2023011901", since=700,
             decisions=[APPROVE]),
        dict(kind="manufacturer_registration", manufacturer_name="Mekong Delta Seafood JSC", categories=["aquatic"],
             registration_number="CVNM02012305", since=690, decisions=[APPROVE]),
    ],
    "recovered": [
        dict(kind="importer_filing", categories=["dairy"], registration_number="3302R2021004401", since=1100,
             decisions=[APPROVE]),
        dict(kind="manufacturer_registration", manufacturer_name="Waikato Dairy Co-operative",
             categories=["dairy"], registration_number="CNZL01022004", since=1090, decisions=[APPROVE]),
    ],
}


def seed_registrations(*, stdout) -> None:
    """The regulated goods and the demo enterprises' filings and registrations, through the services
    (idempotent: an application already on record is left alone)."""
    for category, filing, registration in REGULATED_GOODS:
        RegulatedGoods.objects.get_or_create(category=category, hs_prefix="", defaults={
            "needs_importer_filing": filing, "needs_manufacturer_registration": registration})
    reference_forget(REGULATED_GOODS_KEY)
    officer = User.objects.filter(username="officer1").first()
    today = timezone.localdate()
    created = 0
    for key, applications in REGISTRATIONS.items():
        enterprise = Enterprise.objects.filter(uscc=ENTERPRISES[key]["uscc"]).first()
        if enterprise is None:
            continue
        declarant = User.objects.filter(enterprise_membership__enterprise=enterprise).first()
        for spec in applications:
            identity = dict(enterprise=enterprise, kind=spec["kind"], categories=spec["categories"],
                            manufacturer_name=spec.get("manufacturer_name", ""))
            if Registration.objects.filter(**identity).exists():
                continue
            valid_from = today - datetime.timedelta(days=spec["since"])
            registration = registration_apply(
                actor=declarant, valid_from=valid_from, valid_until=valid_from + datetime.timedelta(days=5 * 365),
                registration_number=spec.get("registration_number", ""), note=spec.get("note", ""), **identity)
            if "document" in spec:
                registration_document_upload(registration=registration, actor=declarant, title=spec["document"],
                                             file=ContentFile(DEMO_PDF, name="application.pdf"))
            for action, note in spec.get("decisions", ()):
                registration_decide(registration=registration, action=action, actor=officer, note=note)
            created += 1
    stdout.write(f"  registrations: {created} filings and registrations; {RegulatedGoods.objects.count()} "
                 "regulated goods")


def seed(*, password: str, stdout) -> None:
    seed_registrations(stdout=stdout)  # first: the declarations need them
    seed_declarations(password=password, stdout=stdout)
