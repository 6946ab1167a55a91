"""Demo data: one case referred by the bureau to customs and one referred by customs to the bureau, about a
consignment of enterprise A (declarations/demo.py). Idempotent."""

from ciq_portal.models import Agency, User
from declarations.models import Declaration

from .models import CaseReferral
from .services import case_referral_create


def seed(*, password: str, stdout) -> None:
    customs = Agency.objects.filter(code="customs").first()
    officer = User.objects.filter(username="officer1").first()
    customs_user = User.objects.filter(username="agency_customs").first()
    declaration = Declaration.objects.filter(declarant_ref="demo-A-1").first()
    if not (customs and officer and customs_user and declaration) or CaseReferral.objects.filter(
            external_reference__startswith="DEMO-").exists():
        return
    case_referral_create(
        actor=officer, agency=customs, kind="counterfeit", declaration=declaration,
        summary="外包装商标疑似假冒 Suspected counterfeit brand marks on the cartons", external_reference="DEMO-HG-1",
        evidence=[{"description": "现场照片 12 张 Photos of the cartons", "reference": "IMG-0001..0012"}])
    case_referral_create(
        actor=customs_user, kind="evasion_of_inspection", declaration=declaration,
        summary="集装箱未经查验提离 Container moved before inspection", external_reference="DEMO-HG-2",
        evidence=[{"description": "卡口记录 Gate log", "reference": "GATE-5521"}])
    stdout.write("  case referrals: 2 (to and from customs)")
