"""Demo enterprises: importers A and B, a customs broker, and importers of every credit grade with believable
histories of credit events, grade changes and one objection (enterprise A's).

Idempotent: an enterprise's history is written only while it has no credit events yet.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from ciq_portal.models import User
from ciq_portal.roles import Role
from ciq_portal.services import user_ensure

from . import grading
from .choices import CreditEventKind as K
from .choices import CreditEventSource as S
from .choices import EnterpriseKind, GradeChangeMode, MembershipRole
from .models import CreditEvent, GradeChange, GradeObjection, InspectionPolicy
from .policy import DEFAULT_BUDGETS
from .services import (
    _credit_event_create,
    enterprise_ensure,
    enterprise_regrade,
    grade_objection_file,
    grade_objection_start_review,
    inspection_policy_update,
    membership_ensure,
)
from .validators import uscc_check_character


def _uscc(body17: str) -> str:
    return body17 + uscc_check_character(body17)


# Unified social credit codes with valid check characters (see validators.uscc_check_character).
ENTERPRISES = {
    "A": dict(uscc="91330200MA2H1B7X0N", name_zh="宁波海鲜进口贸易有限公司",
              name_en="Ningbo Seafood Import Trading Co., Ltd.",
              address="浙江省宁波市北仑区港城大道 88 号", kind=EnterpriseKind.IMPORTER),
    "B": dict(uscc="91330206MA2CL4X619", name_zh="甬城化妆品进出口有限公司",
              name_en="Yongcheng Cosmetics Import & Export Co., Ltd.",
              address="浙江省宁波市鄞州区天童南路 500 号", kind=EnterpriseKind.IMPORTER),
    "broker": dict(uscc="913302011440759636", name_zh="宁波港通报关有限公司",
                   name_en="Ningbo Gangtong Customs Brokerage Co., Ltd.",
                   address="浙江省宁波市海曙区中山西路 12 号", kind=EnterpriseKind.CUSTOMS_BROKER),
    "aa": dict(uscc=_uscc("91330201MA2GQ8101"), name_zh="宁波保税区优品供应链有限公司",
               name_en="Ningbo Free Trade Zone Youpin Supply Chain Co., Ltd.",
               address="浙江省宁波市北仑区保税区东方大道 9 号", kind=EnterpriseKind.IMPORTER),
    "a2": dict(uscc=_uscc("91330203MA2GQ8202"), name_zh="浙江四明粮油进口有限公司",
               name_en="Zhejiang Siming Grain & Oil Import Co., Ltd.",
               address="浙江省宁波市江北区长兴路 166 号", kind=EnterpriseKind.IMPORTER),
    "c": dict(uscc=_uscc("91330206MA2GQ8303"), name_zh="北仑冷链食品贸易有限公司",
              name_en="Beilun Cold Chain Food Trading Co., Ltd.",
              address="浙江省宁波市北仑区新碶街道明州路 301 号", kind=EnterpriseKind.IMPORTER),
    "d": dict(uscc=_uscc("91330205MA2GQ8404"), name_zh="宁波东岸进出口贸易有限公司",
              name_en="Ningbo East Bank Import & Export Trading Co., Ltd.",
              address="浙江省宁波市江东区百丈路 77 号", kind=EnterpriseKind.IMPORTER),
    "recovered": dict(uscc=_uscc("91330212MA2GQ8505"), name_zh="宁波鄞州乳品进口有限公司",
                      name_en="Ningbo Yinzhou Dairy Import Co., Ltd.",
                      address="浙江省宁波市鄞州区钱湖北路 2 号", kind=EnterpriseKind.IMPORTER),
}
DECLARANTS = [("declarant_a", "A", "晓明", "周"), ("declarant_b", "B", "丽", "吴"),
              # The history importers' declarants (release/demo.py files their months of consignments).
              ("declarant_aa", "aa", "静", "陈"), ("declarant_a2", "a2", "伟", "郑"), ("declarant_c", "c", "军", "孙"),
              ("declarant_d", "d", "强", "马"), ("declarant_r", "recovered", "敏", "许")]


def _passes(every_days: int, since_days: int, until_days: int = 0):
    return [(days, K.INSPECTION_PASSED, {}) for days in range(since_days, until_days, -every_days)]


# (days ago, kind, extra fields); written oldest first and graded as of each day, as the bureau would have.
HISTORIES = {
    "A": [(430, K.CERTIFICATION, {"evidence_type": "certificate", "evidence_id": "AEO-CN-3302-0417",
                                  "note": "AEO 一般认证 / AEO general certification"}),
          *_passes(25, 420, 20),
          (200, K.NON_CONFORMITY, {"evidence_type": "inspection", "evidence_id": "NGB2026051100417",
                                  "note": "标签不符 / labelling does not match the declaration"}),
          (12, K.RECALL, {"evidence_type": "recall", "evidence_id": "RC-2026-031",
                          "note": "境外生产商主动召回冷冻虾批次 / voluntary recall of a frozen shrimp lot"})],
    "B": [*_passes(40, 700, 30),
          (200, K.NON_CONFORMITY, {"evidence_type": "inspection", "evidence_id": "NGB2026051200093",
                                   "note": "中文标签缺失 / Chinese label missing"})],
    "aa": [(700, K.CERTIFICATION, {"evidence_type": "certificate", "evidence_id": "AEO-CN-3302-0088",
                                   "note": "AEO 高级认证 / AEO advanced certification"}),
           (300, K.CERTIFICATION, {"evidence_type": "certificate", "evidence_id": "AEO-CN-3302-0088-R",
                                   "note": "AEO 高级认证复核通过 / advanced certification renewed"}),
           *_passes(12, 360, 0)],
    "a2": [(150, K.CERTIFICATION, {"evidence_type": "certificate", "evidence_id": "AEO-CN-3302-0251",
                                   "note": "AEO 一般认证 / AEO general certification"}),
           *_passes(45, 330, 0)],
    "c": [*_passes(60, 600, 100),
          (240, K.NON_CONFORMITY, {"evidence_type": "inspection", "evidence_id": "NGB2026032000211"}),
          (95, K.LAB_FAILURE, {"evidence_type": "lab_report", "evidence_id": "LAB-2026-08817",
                               "note": "菌落总数超标 / aerobic plate count above the limit"}),
          (60, K.PENALTY, {"amount": Decimal("120000"), "evidence_type": "penalty_decision",
                           "evidence_id": "甬检罚字〔2026〕45号"})],
    "d": [*_passes(45, 800, 300),
          (240, K.SMUGGLING, {"source": S.PARTNER_AGENCY, "evidence_type": "customs_case",
                              "evidence_id": "NBCUS-2026-ZS-0192",
                              "note": "海关移送：低报价格走私 / under-valuation smuggling (customs referral)"}),
          (200, K.FALSIFICATION, {"evidence_type": "declaration", "evidence_id": "NGB2026040700802",
                                  "note": "伪造原产地证书 / forged certificate of origin"})],
    "recovered": [(1000, K.FALSIFICATION, {"evidence_type": "declaration", "evidence_id": "NGB2024030100077"}),
                  (760, K.NON_CONFORMITY, {"evidence_type": "inspection", "evidence_id": "NGB2024081500301"}),
                  *_passes(50, 720, 0)],
}
OBJECTION_A = "召回系境外生产商主动预防性召回，产品检验合格，不应降级。 / " \
              "The recall was a voluntary precautionary recall by the " \
              "overseas manufacturer; the lot passed inspection. The downgrade should be reviewed."


def _write_history(enterprise, history, today):
    last_day = None
    for days, kind, extra in sorted(history, key=lambda row: -row[0]):
        day = today - timedelta(days=days)
        fields = {"source": S.SYSTEM if kind == K.INSPECTION_PASSED else S.OFFICER, "evidence_type": "declaration",
                  "evidence_id": f"NGB{day:%Y%m%d}{enterprise.pk:03d}{days:03d}", **extra}
        source = fields.pop("source")
        weight = grading.default_weight(kind)
        event = _credit_event_create(enterprise=enterprise, kind=kind, source=source,
                                     source_name="agency_customs" if source == S.PARTNER_AGENCY else "system",
                                     occurred_on=day, weight=weight,
                                     external_reference=f"demo-{enterprise.uscc}-{days}-{kind}",
                                     actor=None, **fields)
        # Severe events regrade at once; the others are picked up by the next nightly run.
        if grading.is_severe(kind, weight):
            enterprise_regrade(enterprise=enterprise, as_of=day, mode=GradeChangeMode.IMMEDIATE, events=[event])
        elif last_day is None or (day - last_day).days >= 30:
            enterprise_regrade(enterprise=enterprise, as_of=day, mode=GradeChangeMode.NIGHTLY)
            last_day = day
    enterprise_regrade(enterprise=enterprise, as_of=today, mode=GradeChangeMode.NIGHTLY)


DEMO_POLICY_NOTE = "预算 = 全国检验率，随机抽查占四分之一 / Budgets at the national rates, a quarter drawn at random"


def seed(*, password: str, stdout) -> None:
    enterprises = {key: enterprise_ensure(actor=None, **fields) for key, fields in ENTERPRISES.items()}
    users = {}
    for username, key, first_name, last_name in DECLARANTS:
        user = user_ensure(username=username, password=password, role=Role.DECLARANT, first_name=first_name,
                           last_name=last_name, email=f"{username}@demo.example.com")
        # Each demo enterprise's declarant also administers it (its users, its delegations to customs brokers).
        membership_ensure(user=user, enterprise=enterprises[key], role=MembershipRole.ADMINISTRATOR)
        users[key] = user
    today = timezone.localdate()
    for key, history in HISTORIES.items():
        enterprise = enterprises[key]
        if not CreditEvent.objects.filter(enterprise=enterprise).exists():
            _write_history(enterprise, history, today)
    change = GradeChange.objects.filter(enterprise=enterprises["A"]).order_by("-changed_at").first()
    if change and not GradeObjection.objects.filter(enterprise=enterprises["A"]).exists():
        objection = grade_objection_file(grade_change=change, reason=OBJECTION_A, actor=users["A"])
        supervisor = User.objects.filter(username="supervisor").first()
        if supervisor:
            grade_objection_start_review(objection=objection, actor=supervisor)
    supervisor = User.objects.filter(username="supervisor").first()
    if not InspectionPolicy.objects.filter(note=DEMO_POLICY_NOTE).exists():
        # The national rates as each grade's budget, a quarter of it drawn at random: risk targeting fills the rest.
        inspection_policy_update(
            budgets=dict(DEFAULT_BUDGETS),
            ratios={grade: (budget / 4).quantize(Decimal("0.00001")) for grade, budget in DEFAULT_BUDGETS.items()},
            note=DEMO_POLICY_NOTE, actor=supervisor)
    for enterprise in enterprises.values():
        enterprise.refresh_from_db()
    stdout.write("  enterprises: " + ", ".join(f"{e.name_zh} ({e.credit_grade})" for e in enterprises.values()))
