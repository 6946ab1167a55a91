"""Demo data: sites, officers' profiles and calendars, labs, several past days of revealed draws, today's
committed seed and a few tasks in the officers' queues. Idempotent.

The consignments are filed and submitted by the demo declarants through the clearance pipeline, which decides
each release mode and opens the inspections: enterprise A's frozen shrimps come from Viet Nam, whose aquatic
products a risk rule sends to sample-release (risk/demo.py), so each fills the queue; enterprise B's skin care
gets whatever its risk and grade give (usually a test report to supply).
"""

from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ciq_portal.models import User
from credit.demo import ENTERPRISES
from credit.models import Enterprise
from declarations.choices import DocumentKind
from declarations.demo import DEMO_PDF
from declarations.models import Declaration
from declarations.reference import container_check_digit

from . import services
from .choices import LabKind, LabStatus, SiteKind
from .models import DrawPeriod, InspectionSite, Lab, OfficerShift

SITES = [
    ("NGB-G1", "北仑港区综合查验场", "Beilun port general inspection yard", SiteKind.GENERAL, 80),
    ("NGB-DG", "大榭危险品查验场", "Daxie dangerous goods inspection yard", SiteKind.DANGEROUS_GOODS, 20),
    ("NGB-CC", "梅山冷链查验中心", "Meishan cold-chain inspection centre", SiteKind.COLD_CHAIN, 40),
    ("NGB-LA", "穿山活动物隔离场", "Chuanshan live animal quarantine station", SiteKind.LIVE_ANIMALS, 10),
]
OFFICERS = [
    ("officer1", "NB0001", ["aquatic", "meat", "dairy", "food", "fruit_vegetable"], ["NGB-G1", "NGB-CC"]),
    ("officer2", "NB0002", ["cosmetics", "food", "toy", "electrical", "textile", "machinery"], ["NGB-G1"]),
    ("officer3", "NB0003", ["aquatic", "meat", "chemical", "dangerous_goods", "live_animal", "food", "cosmetics"],
     ["NGB-G1", "NGB-CC", "NGB-DG", "NGB-LA"]),
]
LABS = [
    ("宁波检验检疫技术中心", "Ningbo CIQ Technical Centre", LabKind.BUREAU, "CIQ-NB-LAB", [],
     ["chloramphenicol", "lead", "total_bacteria", "heavy_metals", "formaldehyde"], LabStatus.ACTIVE),
    ("华测检测认证集团", "Centre Testing International Group", LabKind.THIRD_PARTY, "CNAS L1234",
     ["aquatic", "food", "meat", "cosmetics"], ["chloramphenicol", "lead", "total_bacteria", "heavy_metals"],
     LabStatus.ACTIVE),
    ("谱尼测试集团", "Pony Testing International Group", LabKind.THIRD_PARTY, "CNAS L5678", ["cosmetics", "toy"],
     ["formaldehyde", "lead"], LabStatus.ACTIVE),
    ("某某检测有限公司", "Example Testing Co., Ltd.", LabKind.THIRD_PARTY, "CNAS L9999", ["food"], ["total_bacteria"],
     LabStatus.SUSPENDED),
]
PAST_DAYS = 5
# What each demo enterprise ships (A's shrimp plant is registered for it by declarations/demo.py).
GOODS = {
    "A": dict(line=dict(hs_code="0306170000", description="冻南美白对虾 Frozen whiteleg shrimps", origin_country="VN",
                        quantity="20000", unit="kg", net_weight_kg="20000", gross_weight_kg="21000", value="120000",
                        currency="USD", manufacturer_name="Mekong Delta Seafood JSC"),
              use_of_goods="food", documents=[DocumentKind.INVOICE, DocumentKind.PACKING_LIST,
                                              DocumentKind.HEALTH_CERTIFICATE]),
    "B": dict(line=dict(hs_code="3304990000", description="护肤品 Skin care preparations", origin_country="KR",
                        quantity="20000", unit="pcs", net_weight_kg="2000", gross_weight_kg="2300", value="800000",
                        currency="USD", manufacturer_name="Seoul Beauty Lab Co."),
              use_of_goods="retail", documents=[DocumentKind.INVOICE, DocumentKind.PACKING_LIST,
                                                DocumentKind.TEST_REPORT]),
}


def _shifts(profile, days):
    tz = timezone.get_current_timezone()
    for day in days:
        start = datetime.combine(day, time(0, 0), tzinfo=tz)
        if not OfficerShift.objects.filter(officer=profile, starts_at=start).exists():
            OfficerShift.objects.create(officer=profile, starts_at=start, ends_at=start + timedelta(days=1))


def _consignment(*, key, shipper, ref, serial, day, at=None):
    """File and submit one consignment of ``GOODS[key]`` through the services, once per ``ref``.

    With ``at`` it is one of a past day's: its object draw is made first, at that time and in that day's period
    (the pipeline keeps a declaration's first draw), and the inspection the pipeline decides is dispatched at that
    time too."""
    from declarations.services import declaration_create, document_upload
    from release.models import ReleaseDecision
    from release.services import clearance_submit

    enterprise, declarant = shipper
    if Declaration.objects.filter(enterprise=enterprise, declarant_ref=ref).exists():
        return
    goods = GOODS[key]
    first_ten = f"MSKU{serial}"
    declaration = declaration_create(
        enterprise=enterprise, actor=declarant, declarant_ref=ref, lines=[goods["line"]], port_of_entry="NGB",
        departure_country=goods["line"]["origin_country"], vessel_voyage="MSC AURORA 046W",
        bill_of_lading=f"MEDU{serial}{key}", containers=[f"{first_ten}{container_check_digit(first_ten)}"],
        arrival_date=day, use_of_goods=goods["use_of_goods"], trade_terms="CIF")
    for kind in goods["documents"]:
        document_upload(declaration=declaration, kind=kind, actor=declarant,
                        file=ContentFile(DEMO_PDF, name=f"{kind}.pdf"))
    if at is not None:
        services.object_draw_for_declaration(declaration=declaration, at=at)
    clearance_submit(declaration=declaration, actor=declarant)
    decision = ReleaseDecision.objects.get(declaration=declaration)
    if at is not None and decision.inspection_required:
        # The pipeline may open the inspection only once its transaction commits; asking for it here opens it
        # now, or returns the one already open, so that it can be dispatched on its day.
        task = services.inspection_task_create(declaration=declaration, reason=decision.inspection_reason,
                                               mode=decision.mode)
        services.inspection_tasks_dispatch(task_ids=[task.pk], at=at)


@transaction.atomic
def seed(*, password: str, stdout) -> None:
    sites = {}
    for code, name, name_en, kind, capacity in SITES:
        site = InspectionSite.objects.filter(code=code).first() or services.site_create(
            code=code, name=name, name_en=name_en, kind=kind, port="NGB", capacity_per_day=capacity)
        sites[code] = site
    today = timezone.localdate()
    days = [today - timedelta(days=n) for n in range(PAST_DAYS, -8, -1)]
    profiles = []
    for username, badge, categories, site_codes in OFFICERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        profile = services.officer_profile_ensure(user=user, badge_no=badge, categories=categories,
                                                  sites=[sites[c] for c in site_codes])
        _shifts(profile, days)
        profiles.append(profile)
    for name, name_en, kind, number, categories, items, status in LABS:
        if not Lab.objects.filter(accreditation_no=number).exists():
            lab = services.lab_register(name=name, name_en=name_en, kind=kind, accreditation_no=number,
                                        scope_categories=categories, scope_test_items=items,
                                        valid_from=today - timedelta(days=700), valid_until=today + timedelta(days=700))
            if status == LabStatus.SUSPENDED:
                services._lab_status_set(lab, LabStatus.SUSPENDED, "演示：复检结果多次不一致", actor=None,
                                         automatic=True)
    shippers = {}
    for key in GOODS:
        enterprise = Enterprise.objects.filter(uscc=ENTERPRISES[key]["uscc"]).first()
        declarant = User.objects.filter(enterprise_membership__enterprise=enterprise).first() if enterprise else None
        if declarant is not None:
            shippers[key] = (enterprise, declarant)
    if not shippers or not profiles:
        stdout.write("  inspection: sites, labs (no declarants or officers yet: no draws)")
        return
    keys = sorted(shippers)
    tz = timezone.get_current_timezone()
    if not DrawPeriod.objects.filter(day=today - timedelta(days=PAST_DAYS)).exists():
        for back in range(PAST_DAYS, 0, -1):
            day = today - timedelta(days=back)
            period = services.draw_period_commit(day=day)
            DrawPeriod.objects.filter(pk=period.pk).update(
                committed_at=datetime.combine(day - timedelta(days=1), time(0, 5), tzinfo=tz))
            for k in range(4):
                key = keys[k % len(keys)]
                _consignment(key=key, shipper=shippers[key], ref=f"demo-draw-{day:%Y%m%d}-{k}",
                             serial=f"{day:%m%d}0{k}", day=day, at=datetime.combine(day, time(9 + k, 15), tzinfo=tz))
            DrawPeriod.objects.filter(pk=period.pk).update(revealed_at=datetime.combine(day + timedelta(days=1),
                                                                                        time(0, 5), tzinfo=tz))
    services.draw_period_commit(day=today)
    services.draw_period_commit(day=today + timedelta(days=1))
    # Today's consignments (once a day): the pipeline queues their inspections and dispatches them after commit.
    for k in range(5):
        key = keys[k % len(keys)]
        _consignment(key=key, shipper=shippers[key], ref=f"demo-queue-{today:%Y%m%d}-{k}",
                     serial=f"{today:%m%d}1{k}", day=today)
    stdout.write(f"  inspection: {len(sites)} sites, {len(profiles)} officer profiles, {Lab.objects.count()} labs, "
                 f"{DrawPeriod.objects.count()} draw periods")


def seed_referrals(*, stdout) -> None:
    """One case referred to customs and one referred by customs (once)."""
    from ciq_portal.models import Agency as PartnerAgency
    from declarations.models import Declaration

    from .models import CaseReferral

    customs = PartnerAgency.objects.filter(code="customs").first()
    officer = User.objects.filter(username="officer1").first()
    customs_user = User.objects.filter(username="agency_customs").first()
    declaration = Declaration.objects.filter(declarant_ref="demo-A-1").first()
    if not (customs and officer and customs_user and declaration) or CaseReferral.objects.filter(
            external_reference__startswith="DEMO-").exists():
        return
    services.case_referral_create(
        actor=officer, agency=customs, kind="counterfeit", declaration=declaration,
        summary="外包装商标疑似假冒 Suspected counterfeit brand marks on the cartons", external_reference="DEMO-HG-1",
        evidence=[{"description": "现场照片 12 张 Photos of the cartons", "reference": "IMG-0001..0012"}])
    services.case_referral_create(
        actor=customs_user, kind="evasion_of_inspection", declaration=declaration,
        summary="集装箱未经查验提离 Container moved before inspection", external_reference="DEMO-HG-2",
        evidence=[{"description": "卡口记录 Gate log", "reference": "GATE-5521"}])
    stdout.write("  case referrals: 2 (to and from customs)")


_seed_inspection = seed


def seed(*, password: str, stdout) -> None:  # noqa: F811 - sites, officers, labs, draws; then case referrals
    _seed_inspection(password=password, stdout=stdout)
    seed_referrals(stdout=stdout)
