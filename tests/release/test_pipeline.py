"""clearance_submit end to end with the real declarations, risk and inspection services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from declarations.models import Declaration
from release.models import ReleaseDecision
from release.selectors import release_summary
from release.services import clearance_submit
from tests.factories import DeclarationFactory, GoodsLineFactory

pytestmark = pytest.mark.django_db


def draft(enterprise, hs_code="8418690000", **header):
    header.setdefault("arrival_date", timezone.localdate() - timedelta(days=1))
    declaration = DeclarationFactory(enterprise=enterprise, **header)
    GoodsLineFactory(declaration=declaration, line_no=1, hs_code=hs_code, description="Refrigerating machine",
                     origin_country="DE", unit="set", quantity=10, value=50000)
    return declaration


def test_submit_decides_mode_and_next_step_at_once(hs, draw, enterprise_a, declarant_a):
    enterprise_a.credit_grade = "AA"
    enterprise_a.save(update_fields=["credit_grade"])
    declaration = clearance_submit(declaration=draft(enterprise_a), actor=declarant_a)
    decision = ReleaseDecision.objects.get(declaration=declaration)
    assert declaration.release_decision == decision
    assert declaration.release_mode == decision.mode
    assert decision.inputs["risk_assessment"] is not None  # the risk engine's assessment is recorded
    assert decision.tier in ("low", "medium", "high", "very_high") and decision.grade == "AA"
    summary = release_summary(declaration)
    assert summary["release_mode"] == decision.mode and summary["next_step"] == decision.next_step
    if decision.mode == "declare" and not decision.inspection_required:
        assert Declaration.objects.get(pk=declaration.pk).status == "released"
        assert summary["trace_code"] and summary["certificate_number"]


def test_invalid_submission_leaves_nothing_behind(hs, draw, enterprise_a, declarant_a):
    from django.core.exceptions import ValidationError

    declaration = draft(enterprise_a, arrival_date=None)
    with pytest.raises(ValidationError) as exc:
        clearance_submit(declaration=declaration, actor=declarant_a)
    assert "arrival_date" in exc.value.message_dict
    assert Declaration.objects.get(pk=declaration.pk).status == "draft"
    assert not ReleaseDecision.objects.filter(declaration=declaration).exists()
