"""Demo data of the release app (idempotent: nothing is written once the demo releases exist).

- Enterprise A: released consignments of every mode (certificates, trace codes), one of them recalled after a
  laboratory failure with its downstream buyers (one acknowledged), a post-release check, and consignments
  waiting in each state (report to supply, report to verify, sampling, on-site inspection, direct release).
- The negative list (meat and live animals) and a first edited version of the release-mode matrix.
- About four months of release history over the importers of every grade for the supervisors' dashboard and the
  public statistics, with inspections (risk-targeted and random), laboratory turnaround and the summary rows.
"""

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from ciq_portal.models import User
from credit.demo import ENTERPRISES
from credit.models import Enterprise
from declarations import demo as declarations_demo
from declarations.choices import DocumentKind
from declarations.demo import DEMO_PDF
from declarations.models import Declaration, GoodsLine
from declarations.reference import container_check_digit
from declarations.services import declaration_create, document_upload
from inspection import demo as inspection_demo
from inspection import services as inspection_services
from inspection.models import DrawPeriod, InspectionTask, Lab, LabOrder, LabResult, OfficerProfile, Sample
from inspection.services import test_report_submit

from . import clearance, matrix, services
from .choices import InspectionResult, NextStep, RecallSource
from .models import NegativeListEntry, Release, ReleaseDecision, ReleaseMatrixVersion
from .services.releasing import _certificate_issue

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
TIERS = ("low", "low", "low", "medium", "medium", "high", "very_high")
PORTS = ("NGB", "NGB", "NGB", "ZOS")


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


def _history(declaration, *, mode, tier, decided_at, release_minutes, inspection_reason="", random_selected=False,
             result=InspectionResult.NOT_INSPECTED, conclusion="", officer=None, lab_hours=None, lab=None):
    """A past consignment written as the pipeline would have left it (decision, release, certificate, and the
    concluded inspection where there was one) — history, not a re-run of the pipeline."""
    enterprise = declaration.enterprise
    decision = ReleaseDecision.objects.create(
        declaration=declaration, enterprise=enterprise, decided_at=decided_at,
        decided_on=timezone.localdate(decided_at), port=declaration.port_of_entry, grade=enterprise.credit_grade,
        tier=tier, risk_score=round(random.uniform(5, 95), 1), matrix_version=0, matrix_mode=mode, mode=mode,
        random_selected=random_selected, inspection_required=bool(inspection_reason),
        inspection_reason=inspection_reason, next_step=NextStep.NONE,
        inputs={"tier": tier, "grade": enterprise.credit_grade, "demo": True})
    if inspection_reason and officer is not None:
        concluded_at = decided_at + timedelta(minutes=max(30, release_minutes - 20))
        task = InspectionTask.objects.create(
            declaration=declaration, enterprise=enterprise, reason=inspection_reason, mode=mode, category="",
            scheduled_for=timezone.localdate(decided_at), status="concluded", assigned_to=officer,
            sampling_required=mode in ("sample", "supervised"), due_at=decided_at + timedelta(hours=24),
            assigned_at=decided_at, claimed_at=decided_at, concluded_at=concluded_at, concluded_by=officer,
            conclusion=conclusion or "conform", disposition="destroy" if conclusion == "non_conform" else "")
        InspectionTask.objects.filter(pk=task.pk).update(created_at=decided_at)
        decision.task = task
        decision.save(update_fields=["task"])
        if lab_hours is not None and lab is not None:
            sample = Sample.objects.create(task=task, sample_no=f"S-{declaration.number}", description="2 cartons",
                                           quantity=2, unit="carton", seal_no=f"SEAL{task.pk}", taken_by=officer)
            order = LabOrder.objects.create(task=task, sample=sample, lab=lab, test_items=["lead"],
                                            status="resulted", ordered_by=officer)
            LabOrder.objects.filter(pk=order.pk).update(ordered_at=decided_at,
                                                        resulted_at=decided_at + timedelta(hours=lab_hours))
            LabResult.objects.create(order=order, test_item="lead", value=Decimal("0.9" if conclusion ==
                                                                                   "non_conform" else "0.1"),
                                     limit_max=Decimal("0.5"), passed=conclusion != "non_conform",
                                     recorded_by=officer)
    if conclusion == "non_conform" and mode != "sample":
        Declaration.objects.filter(pk=declaration.pk).update(status="rejected", release_mode=mode)
        return decision, None
    released_at = decided_at + timedelta(minutes=release_minutes)
    Declaration.objects.filter(pk=declaration.pk).update(status="released", release_mode=mode,
                                                         released_at=released_at)
    declaration.refresh_from_db()
    from_submission = clearance.minutes_between(declaration.submitted_at, released_at)
    from_arrival = clearance.minutes_between(clearance.arrival_time(declaration), released_at)
    release = Release.objects.create(
        declaration=declaration, enterprise=enterprise, decision=decision, mode=mode, inspection_result=result,
        trace_code=secrets.token_urlsafe(16), released_at=released_at,
        released_on=timezone.localdate(released_at), released_by=officer if inspection_reason else None,
        port=declaration.port_of_entry, grade=enterprise.credit_grade, minutes_from_submission=from_submission,
        minutes_from_arrival=from_arrival, bucket_submission=clearance.bucket_of(from_submission),
        bucket_arrival=clearance.bucket_of(from_arrival))
    _certificate_issue(release, list(declaration.lines.all()))
    return decision, release


MINUTES = {"declare": (2, 40), "verify": (240, 2880), "sample": (120, 900), "supervised": (600, 4320)}


def _release_minutes(mode, rng):
    low, high = MINUTES[mode]
    return int(rng.triangular(low, high, low + (high - low) * 0.25))


def seed(*, password: str, stdout) -> None:
    seed_consignments(stdout=stdout)
    seed_history(stdout=stdout)
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
    for index, (mode, reason, result, goods) in enumerate([
        ("declare", "", InspectionResult.NOT_INSPECTED, GOODS[3]),
        ("verify", "", InspectionResult.DOCUMENTS_VERIFIED, GOODS[2]),
        ("sample", "release_mode", InspectionResult.CONFORM, GOODS[1]),
        ("supervised", "release_mode", InspectionResult.CONFORM, GOODS[0]),
        ("sample", "release_mode", InspectionResult.NON_CONFORM, GOODS[0]),
    ]):
        n += 1
        decided_at = now - timedelta(days=20 - index * 3, hours=3)
        declaration = _declaration(_number(n, today), enterprise_a, goods, submitted_at=decided_at,
                                   status="submitted", quantity=Decimal(2000 + 500 * index))
        conclusion = "non_conform" if result == InspectionResult.NON_CONFORM else ("conform" if reason else "")
        _decision, release = _history(declaration, mode=mode, tier="low", decided_at=decided_at,
                                      release_minutes=_release_minutes(mode, rng), inspection_reason=reason,
                                      result=result, conclusion=conclusion, officer=officer,
                                      lab_hours=52 if mode == "sample" else None, lab=lab)
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

    # Four months of history over the importers of every grade (dashboard and public statistics).
    importers = list(Enterprise.objects.filter(kind="importer").exclude(pk=enterprise_a.pk)) or [enterprise_a]
    cells = matrix.DEFAULT_CELLS
    for days_ago in range(HISTORY_DAYS, 0, -1):
        day = today - timedelta(days=days_ago)
        for _k in range(rng.randint(4, 9)):
            n += 1
            enterprise = rng.choice(importers)
            tier = rng.choice(TIERS)
            mode = matrix.mode_for(cells, tier, enterprise.credit_grade)
            submitted_at = timezone.make_aware(datetime.combine(day, time(rng.randint(7, 18), rng.randint(0, 59))))
            goods = rng.choice(GOODS)
            port = rng.choice(PORTS)
            declaration = _declaration(_number(n, day), enterprise, goods, submitted_at=submitted_at,
                                       status="submitted", port=port, quantity=Decimal(rng.randint(100, 20000)))
            # The draw of objects made on its day, as the pipeline does: the public record re-runs it.
            random_selected = inspection_demo.history_draw(declaration, submitted_at).selected
            reason = "release_mode" if mode in ("sample", "supervised") else ("random" if random_selected else "")
            if reason == "release_mode" and tier in ("high", "very_high"):
                reason = "risk"
            if random_selected and reason != "random" and rng.random() < .5:
                reason = "random"
            nonconform = reason and rng.random() < (0.03 if reason == "random" else 0.12)
            result = (InspectionResult.NON_CONFORM if nonconform else
                      InspectionResult.CONFORM if reason else
                      InspectionResult.DOCUMENTS_VERIFIED if mode == "verify" else InspectionResult.NOT_INSPECTED)
            release_mode = mode if reason != "random" or mode in ("sample", "supervised") else "supervised"
            _history(declaration, mode=mode, tier=tier, decided_at=submitted_at, random_selected=random_selected,
                     release_minutes=_release_minutes(release_mode, rng), inspection_reason=reason, result=result,
                     conclusion=("non_conform" if nonconform else "conform") if reason else "",
                     officer=rng.choice(officers) if officers and officers[0] else None,
                     lab_hours=rng.randint(20, 120) if mode == "sample" else None, lab=lab)
    rows = services.release_stats_refresh(first_day=today - timedelta(days=HISTORY_DAYS + 1), last_day=today)
    stdout.write(f"  {n} demo declarations; enterprise A: 5 released (every mode, one recalled), 5 waiting; "
                 f"{rows} summary rows")


# --- Consignments filed and submitted through the clearance pipeline ----------------------------------------------
# Enterprise A's frozen shrimps come from Viet Nam, whose aquatic products a risk rule sends to sample-release
# (risk/demo.py), so each fills the officers' queue; enterprise B's skin care gets whatever its risk and grade give
# (usually a test report to supply). The past days' consignments are drawn in their day's period, between the
# commitment of its seed and its reveal.

PAST_DAYS = 5
# What each demo enterprise ships to fill the queues (A's shrimp plant is registered for it by declarations/demo.py).
QUEUE_GOODS = {
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


def _consignment(*, key, shipper, ref, serial, day, at=None):
    """File and submit one consignment of ``QUEUE_GOODS[key]`` through the services, once per ``ref``.

    With ``at`` it is one of a past day's: its object draw is made first, at that time and in that day's period
    (the pipeline keeps a declaration's first draw), and the inspection the pipeline decides is dispatched at that
    time too."""
    enterprise, declarant = shipper
    if Declaration.objects.filter(enterprise=enterprise, declarant_ref=ref).exists():
        return
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


def seed_consignments(*, stdout) -> None:
    """The declarations demo's drafts marked to submit, the past days' drawn consignments and today's queue."""
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
    tz = timezone.get_current_timezone()
    if not DrawPeriod.objects.filter(day__lt=today).exists():
        # The first seeding only: a later one finds the past days drawn, and their seeds revealed.
        for back in range(PAST_DAYS, 0, -1):
            day = today - timedelta(days=back)
            for k in range(4):
                key = keys[k % len(keys)]
                _consignment(key=key, shipper=shippers[key], ref=f"demo-draw-{day:%Y%m%d}-{k}",
                             serial=f"{day:%m%d}0{k}", day=day, at=datetime.combine(day, time(9 + k, 15), tzinfo=tz))
    # Today's consignments (once a day): the pipeline queues their inspections and dispatches them after commit.
    for k in range(5):
        key = keys[k % len(keys)]
        _consignment(key=key, shipper=shippers[key], ref=f"demo-queue-{today:%Y%m%d}-{k}",
                     serial=f"{today:%m%d}1{k}", day=today)
    stdout.write(f"  {submitted} demo declarations submitted; {DrawPeriod.objects.count()} draw periods")
