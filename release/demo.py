"""Demo data of the release app (idempotent: nothing is written once the demo releases exist).

- Enterprise A: released consignments of every mode (certificates, trace codes), one of them recalled after a
  laboratory failure with its downstream buyers (one acknowledged), a post-release check, and consignments
  waiting in each state (report to supply, report to verify, sampling, on-site inspection, direct release).
- The negative list (meat and live animals) and a first edited version of the release-mode matrix.
- About four months of release history over the importers of every grade for the supervisors' dashboard and the
  public statistics: each consignment submitted through the clearance pipeline on its day, the cut-offs recomputed
  each night, and what followed (inspection, laboratory, release or refusal) done at its time.
- The past days' drawn consignments and today's queue, filed and submitted through the services.
"""

import random
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from ciq_portal.audit import SEAL_PENDING_KEY
from ciq_portal.models import User
from ciq_portal.notifications import DISPATCH_PENDING_KEY
from credit.demo import ENTERPRISES
from credit.models import Enterprise
from declarations import demo as declarations_demo
from declarations import services as declaration_services
from declarations.choices import DocumentKind
from declarations.demo import DEMO_PDF
from declarations.models import Declaration, Document, GoodsLine
from declarations.reference import container_check_digit
from declarations.services import declaration_create, document_upload, required_documents
from inspection import demo as inspection_demo
from inspection import services as inspection_services
from inspection.models import DrawPeriod, InspectionTask, Lab, LabOrder, LabResult, OfficerProfile, Sample
from inspection.services import INSPECTOR_DISPATCH_PENDING_KEY, test_report_submit

from . import matrix, services
from .choices import InspectionResult, NextStep, RecallSource
from .models import NegativeListEntry, Release, ReleaseDecision, ReleaseMatrixVersion

A_USCC = "91330200MA2H1B7X0N"
PREFIX = "NGBRL"
HISTORY_DAYS = 120
GOODS = [
    ("0306170000", "冻南美白对虾 Frozen whiteleg shrimps", "EC", "kg", "aquatic"),
    ("0303140000", "冻虹鳟鱼 Frozen rainbow trout", "NO", "kg", "aquatic"),
    ("0402210000", "全脂奶粉 Whole milk powder", "NZ", "kg", "dairy"),
    ("2204210000", "葡萄酒 Bottled wine", "FR", "L", "food"),
    ("3304990000", "护肤品 Skin care preparations", "KR", "pcs", "cosmetics"),
    ("8418690000", "制冷设备 Refrigerating equipment", "DE", "set", "machinery"),
    ("0805100000", "鲜橙 Fresh oranges", "ZA", "kg", "fruit_vegetable"),
    ("9503000000", "玩具 Toys", "VN", "pcs", "toy"),
]
PORTS = ("NGB", "NGB", "NGB", "ZOS")


# What each history importer trades (their filings and registrations: declarations/demo.py) and how many
# consignments it files a day (times CIQ["DEMO_HISTORY_SCALE"]). General-credit (B) importers file most of a port's
# consignments. A grade's month is within ±20 % of its budget only when a few inspections more or less stay within
# that: the budget of the month needs to be several inspections (A's 1.22 % of 420 is 5) or, for AA's 0.48 %, the
# nightly cut-offs to keep it at one in about 200.
HISTORY_TRADE = {
    "aa": (7, [(GOODS[3], "Château Lafleur SAS"), (GOODS[5], "Kältetechnik Nord GmbH"),
               (GOODS[7], "Saigon Toys Co.")]),
    "a2": (14, [(GOODS[6], "Sundays River Citrus Co."), (GOODS[3], "Château Lafleur SAS"),
                (GOODS[5], "Kältetechnik Nord GmbH")]),
    "B": (15, [(GOODS[4], "Seoul Beauty Lab Co.")]),
    "recovered": (15, [(GOODS[2], "Waikato Dairy Co-operative"), (GOODS[3], "Château Lafleur SAS")]),
    "c": (4, [(GOODS[0], "Camaronera del Pacífico S.A."), (GOODS[1], "Lerøy Seafood AS")]),
    "d": (2, [(GOODS[7], "Saigon Toys Co."), (GOODS[5], "Kältetechnik Nord GmbH")]),
}
# The share of a past inspection that found the goods not conforming, besides what the model expected of them.
NONCONFORM_BASE, NONCONFORM_MODEL = 0.01, 0.25


@dataclass
class _Assessment:
    """A stated risk assessment for the demo's waiting consignments (the fields release_decide reads)."""
    tier: str = "medium"
    score: float | None = None
    reasons: list = field(default_factory=list)
    forced_release_mode: str = ""
    force_inspection: bool = False
    hold: bool = False
    rules_version: object = None
    model_version: object = None
    pk: int | None = None


def _number(n: int, day) -> str:
    return f"{PREFIX}{day:%Y%m%d}{n:05d}"


def _declaration(number, enterprise, goods, *, submitted_at, status, port="NGB", quantity=1000, place="port",
                 office=""):
    hs_code, description, origin, unit, _category = goods
    declaration = Declaration.objects.create(
        number=number, enterprise=enterprise, consignee=enterprise, status=status, port_of_entry=port,
        departure_country=origin, bill_of_lading=f"BL{number[-9:]}", containers=[],
        vessel_voyage="MSC AURORA 046W", arrival_date=(submitted_at - timedelta(hours=random.randint(6, 40))).date(),
        submitted_at=submitted_at, inspection_place=place, destination_office=office)
    GoodsLine.objects.create(declaration=declaration, line_no=1, hs_code=hs_code, description=description,
                             origin_country=origin, quantity=quantity, unit=unit, net_weight_kg=quantity,
                             gross_weight_kg=quantity * Decimal("1.08"), value=quantity * 4, currency="USD",
                             lot_numbers=f"LOT{number[-5:]}")
    Declaration.objects.filter(pk=declaration.pk).update(created_at=submitted_at)
    return declaration


def _settle(decision, *, rng, officer, lab, nonconform):
    """What followed a past decision, as it ended: the hold lifted by an officer, the inspection concluded (with
    its sample and laboratory result under sample-release), and the release, or the rejection of goods that failed
    inspection. Each step at its time on the history's clock; the releases and rejections through the services."""
    declaration = decision.declaration
    at = decision.decided_at
    if decision.on_hold:
        at += timedelta(minutes=rng.randint(20, 90))
        with _clock_at(at):
            decision = services.clearance_resume(declaration=declaration, actor=officer,
                                                 note="历史 / history")
    if decision.mode == matrix.DECLARE and not decision.inspection_required:
        return  # released when decided
    minutes = _release_minutes(decision.mode if not decision.inspection_required or decision.mode in (
        matrix.SAMPLE, matrix.SUPERVISED) else matrix.SUPERVISED, rng)
    result = (InspectionResult.NON_CONFORM if nonconform else InspectionResult.CONFORM
              if decision.inspection_required else InspectionResult.DOCUMENTS_VERIFIED)
    if decision.inspection_required:
        task = decision.task or inspection_services.inspection_task_create(
            declaration=declaration, reason=decision.inspection_reason, mode=decision.mode)
        concluded_at = at + timedelta(minutes=max(30, minutes - 20))
        InspectionTask.objects.filter(pk=task.pk).update(
            status="concluded", assigned_to=officer, assigned_at=at, claimed_at=at, concluded_at=concluded_at,
            concluded_by=officer, conclusion="non_conform" if nonconform else "conform",
            disposition="destroy" if nonconform else "", created_at=at)
        if decision.task_id is None:
            ReleaseDecision.objects.filter(pk=decision.pk).update(task=task)
        if decision.mode == matrix.SAMPLE and lab is not None:
            lab_hours = rng.randint(20, 120)
            sample = Sample.objects.create(task=task, sample_no=f"S-{declaration.number}", description="2 cartons",
                                           quantity=2, unit="carton", seal_no=f"SEAL{task.pk}", taken_by=officer)
            order = LabOrder.objects.create(task=task, sample=sample, lab=lab, test_items=["lead"],
                                            status="resulted", ordered_by=officer)
            LabOrder.objects.filter(pk=order.pk).update(ordered_at=at, resulted_at=at + timedelta(hours=lab_hours))
            LabResult.objects.create(order=order, test_item="lead", value=Decimal("0.9" if nonconform else "0.1"),
                                     limit_max=Decimal("0.5"), passed=not nonconform, recorded_by=officer)
    if decision.next_step == NextStep.SUPPLY_REPORT:
        with _clock_at(at + timedelta(minutes=minutes - 1)):
            declarant = User.objects.filter(enterprise_membership__enterprise_id=declaration.enterprise_id).first()
            declaration_services.declaration_answer(declaration=declaration, actor=declarant,
                                                    message="已上传检测报告 Test report uploaded")
    with _clock_at(at + timedelta(minutes=minutes)):
        if nonconform and decision.mode != matrix.SAMPLE:
            declaration_services.declaration_reject(
                declaration=declaration, actor=officer,
                message="检验不合格，退运或销毁 Did not conform: returned or destroyed")
        else:
            services.consignment_release(declaration=declaration, actor=officer if decision.inspection_required
                                         else None, inspection_result=result)


@contextmanager
def _clock_at(moment):
    """Run the services as at ``moment`` of the history: what they write carries its time, as if then."""
    now = timezone.now
    timezone.now = lambda: moment
    try:
        yield
    finally:
        timezone.now = now


FOLLOW_UP_KEYS = (SEAL_PENDING_KEY, DISPATCH_PENDING_KEY, INSPECTOR_DISPATCH_PENDING_KEY, services.STATS_PENDING_KEY)
FOLLOW_UPS_DEFERRED_SECONDS = 3600


@contextmanager
def follow_ups_deferred():
    """The follow-ups of every commit (audit seal, outbox, inspector dispatch, summary rows) claimed as queued for
    the length of a simulated history, so that its thousands of submissions do not each queue them. The claims go
    once the transaction commits, after the hooks its submissions registered have found them taken; the beat's
    sweeps and the next commit's follow-ups then handle every row (the history's own inspections are concluded as
    they ended, never dispatched). An error inside lets them go at once; a transaction rolled back later leaves them
    to expire within the hour."""
    cache.set_many(dict.fromkeys(FOLLOW_UP_KEYS, 1), timeout=FOLLOW_UPS_DEFERRED_SECONDS)
    try:
        yield
    except BaseException:
        cache.delete_many(FOLLOW_UP_KEYS)  # the hooks go with the rolled-back transaction: nothing else would
        raise
    # A refresh inside lets its claim go.
    cache.set_many(dict.fromkeys(FOLLOW_UP_KEYS, 1), timeout=FOLLOW_UPS_DEFERRED_SECONDS)
    transaction.on_commit(lambda: cache.delete_many(FOLLOW_UP_KEYS))


def _history_draft(number, shipper, goods, manufacturer, *, submitted_at, rng, document):
    """A past consignment's draft, filed as the single window's message left it (lines and documents); the
    submission is what goes through the pipeline."""
    enterprise, declarant = shipper
    hs_code, description, origin, unit, _category = goods
    quantity = Decimal(rng.randint(100, 20000))
    first_ten = f"HSTU{number[-6:]}"
    declaration = Declaration.objects.create(
        number=number, enterprise=enterprise, consignee=enterprise, created_by=declarant, status="draft",
        port_of_entry=rng.choice(PORTS), departure_country=origin, bill_of_lading=f"BL{number[-9:]}",
        containers=[f"{first_ten}{container_check_digit(first_ten)}"], vessel_voyage="MSC AURORA 046W",
        arrival_date=(submitted_at - timedelta(hours=rng.randint(6, 40))).date(), trade_terms="CIF")
    GoodsLine.objects.create(declaration=declaration, line_no=1, hs_code=hs_code, description=description,
                             origin_country=origin, quantity=quantity, unit=unit, net_weight_kg=quantity,
                             gross_weight_kg=quantity * Decimal("1.08"), value=quantity * 4, currency="USD",
                             manufacturer_name=manufacturer, lot_numbers=f"LOT{number[-5:]}")
    Document.objects.bulk_create(Document(declaration=declaration, kind=kind, file=document.file.name,
                                          original_name=f"{kind}.pdf", content_type="application/pdf",
                                          size=document.size, sha256=document.sha256)
                                 for kind in required_documents(declaration))
    Declaration.objects.filter(pk=declaration.pk).update(created_at=submitted_at - timedelta(minutes=30))
    return declaration


def _history_days(*, today, rng, officers, lab) -> int:
    """HISTORY_DAYS days of the history importers' consignments, each submitted through the clearance pipeline at
    its time of day (risk assessment, the cut-offs in force, the dual-random draw, the release mode), then settled as
    it ended; each night the beat's recomputation of the cut-offs. Returns the number of consignments."""
    trade = []
    scale = settings.CIQ["DEMO_HISTORY_SCALE"]
    for key, (per_day, goods) in HISTORY_TRADE.items():
        enterprise = Enterprise.objects.filter(uscc=ENTERPRISES[key]["uscc"]).first()
        declarant = User.objects.filter(enterprise_membership__enterprise=enterprise).first() if enterprise else None
        if declarant is not None:
            trade.append(((enterprise, declarant), max(1, round(per_day * scale)), goods))
    document = Document.objects.first()  # the declarations demo's uploaded PDF, stored once
    n = 0
    for days_ago in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=days_ago)
        filed = []
        for shipper, per_day, goods in trade:
            for _k in range(per_day):
                at = timezone.make_aware(datetime.combine(day, time(rng.randint(7, 18), rng.randint(0, 59))))
                filed.append((at, shipper, rng.choice(goods)))
        for at, shipper, (goods, manufacturer) in sorted(filed, key=lambda row: row[0]):
            n += 1
            draft = _history_draft(_number(n, day), shipper, goods, manufacturer, submitted_at=at, rng=rng,
                                   document=document)
            with _clock_at(at):
                inspection_demo.history_draw(draft, at)
                declaration = services.clearance_submit(declaration=draft, actor=shipper[1])
            decision = declaration.release_decision
            inspected = decision.inspection_required or decision.on_hold
            nonconform = inspected and rng.random() < NONCONFORM_BASE + NONCONFORM_MODEL * (
                decision.hit_probability or 0.0)
            _settle(decision, rng=rng, officer=rng.choice(officers), lab=lab, nonconform=nonconform)
        with _clock_at(timezone.make_aware(datetime.combine(day, time(23, 50)))):
            services.selection_cutoffs_compute(trigger="periodic", today=day)
    return n


MINUTES = {"declare": (2, 40), "verify": (240, 2880), "sample": (120, 900), "supervised": (600, 4320)}


def _release_minutes(mode, rng):
    low, high = MINUTES[mode]
    return int(rng.triangular(low, high, low + (high - low) * 0.25))


def seed(*, password: str, stdout) -> None:
    seed_past_consignments(stdout=stdout)
    seed_history(stdout=stdout)
    # Today's, once the history's deferred follow-ups are behind them: their inspections are dispatched on commit.
    seed_consignments(stdout=stdout)
    # The past days' draws are all made: their seeds are revealed, as the beat would have done the day after.
    today = timezone.localdate()
    inspection_demo.history_reveal(today - timedelta(days=n) for n in range(HISTORY_DAYS, 0, -1))


def seed_history(*, stdout) -> None:
    if Declaration.objects.filter(number__startswith=PREFIX).exists():
        stdout.write("  release demo data already present")
        return
    rng = random.Random(20261127)
    random.seed(20261127)
    supervisor = User.objects.filter(username="supervisor").first()
    officer = User.objects.filter(username="officer1").first()
    officers = list(User.objects.filter(username__in=["officer1", "officer2", "officer3"])) or [officer]

    lab = Lab.objects.filter(kind="bureau").first()
    enterprise_a = Enterprise.objects.filter(uscc=A_USCC).first()
    if enterprise_a is None:
        stdout.write("  enterprise A missing: run the credit demo first")
        return

    # Policy tables
    if supervisor is not None:
        if not NegativeListEntry.objects.exists():
            services.negative_list_add(kind="hs_prefix", value="0201", reason="牛肉：口蹄疫疫区监测 Beef: FMD watch",
                                       actor=supervisor)
            services.negative_list_add(kind="hs_prefix", value="0106", reason="活动物 Live animals",
                                       actor=supervisor)
        if not ReleaseMatrixVersion.objects.exists():
            cells = {tier: dict(row) for tier, row in matrix.DEFAULT_CELLS.items()}
            cells["medium"]["A"] = matrix.DECLARE
            services.release_matrix_update(cells=cells, actor=supervisor,
                                           note="A 级企业中风险货物申报放行 (pilot: grade A, medium risk → declare)")

    now = timezone.now()
    today = timezone.localdate()
    n = 0

    # Enterprise A: one released consignment of every mode, a recalled one with its buyers.
    a_releases = {}
    for index, (mode, result, goods) in enumerate([
        ("declare", InspectionResult.NOT_INSPECTED, GOODS[3]),
        ("verify", InspectionResult.DOCUMENTS_VERIFIED, GOODS[2]),
        ("sample", InspectionResult.CONFORM, GOODS[1]),
        ("supervised", InspectionResult.CONFORM, GOODS[0]),
        ("sample", InspectionResult.NON_CONFORM, GOODS[0]),
    ]):
        n += 1
        decided_at = now - timedelta(days=20 - index * 3, hours=3)
        declaration = _declaration(_number(n, today), enterprise_a, goods, submitted_at=decided_at,
                                   status="submitted", quantity=Decimal(2000 + 500 * index))
        with _clock_at(decided_at):
            decision = services.release_decide(declaration=declaration, actor=None, assessment=_Assessment(
                tier="low", score=20.0, forced_release_mode=mode, reasons=[{"code": "demo", "weight": 0}]))
        _settle(decision, rng=rng, officer=officer, lab=lab, nonconform=result == InspectionResult.NON_CONFORM)
        release = Release.objects.filter(declaration=declaration).first()
        a_releases[(mode, result)] = release
    recalled = a_releases[("sample", InspectionResult.NON_CONFORM)]
    buyers = [("宁波三江超市有限公司 Ningbo Sanjiang Supermarket", "0574-87000001", 800),
              ("杭州联华华商集团 Hangzhou Lianhua", "0571-86000002", 600),
              ("舟山海鲜批发市场 Zhoushan Seafood Wholesale", "0580-2000003", 400)]
    declarant_a = User.objects.filter(username="declarant_a").first()
    for name, contact, quantity in buyers:
        services.distribution_record_add(release=recalled, buyer_name=name, buyer_contact=contact, quantity=quantity,
                                         unit="kg", distributed_on=recalled.released_on, actor=declarant_a)
    recall = services.recall_open(release=recalled, source=RecallSource.LAB_FAILURE, actor=None,
                                  reason="抽样放行后实验室检出氯霉素超标 Chloramphenicol above the limit in the "
                                         "laboratory result after sample-release")
    services.recall_notice_acknowledge(notice=recall.notices.order_by("id").first(), by_name="王丽 店长 Wang Li",
                                       note="已下架封存 Taken off the shelves and sealed")
    if officer is not None:
        services.post_check_schedule(release=a_releases[("declare", InspectionResult.NOT_INSPECTED)],
                                     scheduled_for=today + timedelta(days=7), reason="市场抽查 Market spot check",
                                     actor=officer)
    services.distribution_record_add(release=a_releases[("declare", InspectionResult.NOT_INSPECTED)],
                                     buyer_name="宁波华润万家 Ningbo Vanguard", buyer_contact="0574-88000004",
                                     quantity=300, unit="L", distributed_on=today - timedelta(days=2),
                                     actor=declarant_a)

    with follow_ups_deferred():
        n += _history_days(today=today, rng=rng, officers=officers, lab=lab)
        rows = services.release_stats_refresh(first_day=today - timedelta(days=HISTORY_DAYS + 1), last_day=today)

    # Enterprise A: consignments waiting in each state, through the real pipeline.
    waiting = [("verify", "low", GOODS[4], "port", ""), ("verify", "low", GOODS[3], "port", ""),
               ("sample", "low", GOODS[1], "port", ""), ("supervised", "medium", GOODS[0], "port", ""),
               ("sample", "low", GOODS[5], "destination", "HZO")]
    for index, (mode, tier, goods, place, office) in enumerate(waiting):
        n += 1
        declaration = _declaration(_number(n, today), enterprise_a, goods, status="submitted", place=place,
                                   office=office, submitted_at=now - timedelta(hours=3 + index))
        decision = services.release_decide(declaration=declaration, actor=None,
                                           assessment=_Assessment(tier=tier, score=30.0, forced_release_mode=mode,
                                                                  reasons=[{"code": "demo", "weight": 0}]))
        if index == 1 and decision.next_step == NextStep.SUPPLY_REPORT and declarant_a is not None:

            report = test_report_submit(declaration=declaration, lab_accreditation_no="CNAS L1234",
                                        report_no="CTI-2026-118845", issued_on=today - timedelta(days=12),
                                        hs_codes=[goods[0][:6]], lot_numbers=f"LOT{declaration.number[-5:]}",
                                        results=[{"test_item": "lead", "value": "0.05", "unit": "mg/kg"}],
                                        actor=declarant_a)
            services.verify_report_supplied(declaration=declaration, report=report, actor=declarant_a)

    stdout.write(f"  {n} demo declarations; enterprise A: 5 released (every mode, one recalled), 5 waiting; "
                 f"{rows} summary rows")


# --- Consignments filed and submitted through the clearance pipeline ----------------------------------------------
# The grade-D importer's frozen shrimps come from Viet Nam, whose aquatic products a risk rule sends to
# sample-release (risk/demo.py), so each fills the officers' queue (grade D is inspected whatever it ships: these
# forced inspections stay within its budget); enterprise B's skin care gets whatever its risk and grade give (usually
# a test report to supply). The past days' consignments are drawn in their day's period, between the
# commitment of its seed and its reveal.

PAST_DAYS = 5
# What each demo enterprise ships to fill the queues (the shrimp plant is registered for it by declarations/demo.py).
QUEUE_GOODS = {
    "d": dict(line=dict(hs_code="0306170000", description="冻南美白对虾 Frozen whiteleg shrimps", origin_country="VN",
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


def _consignment(*, key, shipper, ref, serial, day, at=None):
    """File and submit one consignment of ``QUEUE_GOODS[key]`` through the services, once per ``ref``.

    With ``at`` it is one of a past day's: its object draw is made first, at that time and in that day's period
    (the pipeline keeps a declaration's first draw), and the inspection the pipeline decides is dispatched at that
    time too."""
    enterprise, declarant = shipper
    if Declaration.objects.filter(enterprise=enterprise, declarant_ref=ref).exists():
        return
    with _clock_at(at) if at is not None else nullcontext():
        _consignment_submit(key=key, shipper=shipper, ref=ref, serial=serial, day=day, at=at)


def _consignment_submit(*, key, shipper, ref, serial, day, at):
    enterprise, declarant = shipper
    goods = QUEUE_GOODS[key]
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
        inspection_demo.history_draw(declaration, at)
    services.clearance_submit(declaration=declaration, actor=declarant)
    decision = ReleaseDecision.objects.get(declaration=declaration)
    if at is not None and decision.inspection_required:
        # The pipeline may open the inspection only once its transaction commits; asking for it here opens it
        # now, or returns the one already open, so that it can be dispatched on its day.
        task = inspection_services.inspection_task_create(declaration=declaration, reason=decision.inspection_reason,
                                                          mode=decision.mode)
        inspection_services.inspection_tasks_dispatch(task_ids=[task.pk], at=at)
        inspection_demo.history_draws_dated(at, task=task)


def _shippers() -> dict:
    shippers = {}
    for key in QUEUE_GOODS:
        enterprise = Enterprise.objects.filter(uscc=ENTERPRISES[key]["uscc"]).first()
        declarant = User.objects.filter(enterprise_membership__enterprise=enterprise).first() if enterprise else None
        if declarant is not None:
            shippers[key] = (enterprise, declarant)
    return shippers


def seed_past_consignments(*, stdout) -> None:
    """The past days' drawn consignments (the first seeding only: a later one finds them drawn, their seeds
    revealed), each filed, drawn, submitted and dispatched at its time of its day."""
    shippers = _shippers()
    today = timezone.localdate()
    if not shippers or not OfficerProfile.objects.exists() or DrawPeriod.objects.filter(day__lt=today).exists():
        return
    keys = sorted(shippers)
    tz = timezone.get_current_timezone()
    for back in range(PAST_DAYS, 0, -1):
        day = today - timedelta(days=back)
        for k in range(4):
            key = keys[k % len(keys)]
            _consignment(key=key, shipper=shippers[key], ref=f"demo-draw-{day:%Y%m%d}-{k}",
                         serial=f"{day:%m%d}0{k}", day=day, at=datetime.combine(day, time(9 + k, 15), tzinfo=tz))


def seed_consignments(*, stdout) -> None:
    """The declarations demo's drafts marked to submit and today's queue."""
    submitted = 0
    for shipments in declarations_demo.SHIPMENTS.values():
        for shipment in shipments:
            declaration = Declaration.objects.filter(declarant_ref=shipment["ref"], status="draft").first()
            if shipment["submit"] and declaration is not None:
                services.clearance_submit(declaration=declaration, actor=declaration.created_by)
                submitted += 1
    declarations_demo.seed_logistics(stdout=stdout)
    shippers = _shippers()
    if not shippers or not OfficerProfile.objects.exists():
        stdout.write(f"  {submitted} demo declarations submitted (no declarants or officers: no draws)")
        return
    keys = sorted(shippers)
    today = timezone.localdate()
    # Today's consignments (once a day): the pipeline queues their inspections and dispatches them after commit.
    for k in range(5):
        key = keys[k % len(keys)]
        _consignment(key=key, shipper=shippers[key], ref=f"demo-queue-{today:%Y%m%d}-{k}",
                     serial=f"{today:%m%d}1{k}", day=today)
    stdout.write(f"  {submitted} demo declarations submitted; {DrawPeriod.objects.count()} draw periods")
