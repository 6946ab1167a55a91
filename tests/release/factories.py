"""Helpers for release tests: submitted declarations ready for the release decision, and a controllable draw."""

from datetime import timedelta

import pytest
from django.utils import timezone

from declarations.models import HSCode
from tests.factories import DeclarationFactory, GoodsLineFactory


def hs_codes():
    for code, zh, en, category in (
        ("03", "鱼、甲壳动物", "Fish and crustaceans", "aquatic"),
        ("0306", "甲壳动物", "Crustaceans", "aquatic"),
        ("0306170000", "冻虾", "Frozen shrimps", "aquatic"),
        ("02", "肉及食用杂碎", "Meat and edible offal", "meat"),
        ("0201", "鲜冷牛肉", "Fresh or chilled beef", "meat"),
        ("0201300000", "鲜冷去骨牛肉", "Fresh boneless beef", "meat"),
        ("84", "机器", "Machinery", "machinery"),
        ("8418", "冷藏设备", "Refrigerating equipment", "machinery"),
        ("8418690000", "制冷设备", "Refrigerating machines", "machinery"),
    ):
        HSCode.objects.update_or_create(code=code, defaults={"name_zh": zh, "name_en": en, "category": category})


def submitted_declaration(enterprise, *, hs_code="0306170000", arrival_days_ago=1, **header):
    """A declaration as declaration_submit leaves it (status submitted), with one goods line."""
    now = timezone.now()
    declaration = DeclarationFactory(enterprise=enterprise, status="submitted", submitted_at=now,
                                     arrival_date=(now - timedelta(days=arrival_days_ago)).date(),
                                     vessel_voyage="COSCO TAURUS 031E", **header)
    GoodsLineFactory(declaration=declaration, line_no=1, hs_code=hs_code, lot_numbers="LOT-A1")
    return declaration


class FakeAssessment:
    def __init__(self, tier="low", score=12.0, forced_release_mode="", force_inspection=False, hold=False,
                 reasons=()):
        self.tier, self.score = tier, score
        self.forced_release_mode, self.force_inspection, self.hold = forced_release_mode, force_inspection, hold
        self.reasons = list(reasons) or [{"code": "origin_watch", "label": "Origin on watch list", "weight": 9}]
        self.rules_version, self.model_version, self.pk = 3, "m1", None


@pytest.fixture
def draw(monkeypatch):
    """``draw.selected = True`` makes the next dual-random draws select the declaration."""
    import inspection.services as inspection_services

    class Control:
        selected = False

    real = inspection_services.object_draw_for_declaration

    def fake(*, declaration, at=None):
        result = real(declaration=declaration, at=at)
        if result.selected != Control.selected:
            result.selected = Control.selected
            result.save(update_fields=["selected"])
        return result

    monkeypatch.setattr(inspection_services, "object_draw_for_declaration", fake)
    return Control
