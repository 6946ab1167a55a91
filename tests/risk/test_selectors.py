from datetime import timedelta

import pytest
from django.utils import timezone

from risk import selectors, services

from .factories import submitted_declaration

VN = [{"field": "origin_country", "op": "in", "value": ["VN"]}]


@pytest.fixture
def history(db):
    """A fixed history: 10 days; 6 VN declarations (4 inspected: 3 non-conform, 1 conform), 4 others."""
    now = timezone.now()
    made = []
    for i, (origin, outcome) in enumerate([("VN", "non_conform"), ("VN", "non_conform"), ("VN", "non_conform"),
                                           ("VN", "conform"), ("VN", ""), ("VN", ""), ("AU", "conform"),
                                           ("AU", ""), ("NZ", "non_conform"), ("NZ", "")]):
        made.append(submitted_declaration(origin=origin, outcome=outcome, submitted_at=now - timedelta(days=i)))
    # Outside the window: never counted.
    submitted_declaration(origin="VN", outcome="non_conform", submitted_at=now - timedelta(days=40))
    return made


def test_whatif_numbers_on_a_fixed_history(history):
    result = selectors.rule_whatif(conditions=VN, days=10, force_inspection=True)
    assert result["declarations"] == 10
    assert result["hits"] == 6
    assert result["extra_inspections"] == 6 and result["extra_inspections_per_day"] == 0.6
    assert result["known_outcomes"] == 4 and result["non_conformities"] == 3 and result["hit_rate"] == 0.75


def test_whatif_does_not_count_already_forced_inspections(history):
    services.declaration_assess(declaration=history[0]).__class__.objects.filter(
        declaration=history[0]).update(force_inspection=True)
    result = selectors.rule_whatif(conditions=VN, days=10, force_inspection=True)
    assert result["extra_inspections"] == 5
    no_inspection = selectors.rule_whatif(conditions=VN, days=10)
    assert no_inspection["extra_inspections"] == 0 and no_inspection["hits"] == 6


def test_rule_performance_and_control_sample_hook(history, analyst, supervisor):
    rule = services.rule_create(actor=analyst, code="vn", name="VN", conditions=VN, add_score=10)
    services.rule_activate(rule=rule, actor=supervisor)
    for d in history:
        services.declaration_assess(declaration=d)
    installed = selectors._control_sample_provider
    selectors.set_control_sample_provider(lambda since, until: [history[6].pk, history[8].pk])
    try:
        perf = selectors.rule_performance(days=30)
    finally:
        selectors.set_control_sample_provider(installed)
    row = next(r for r in perf["rules"] if r["code"] == "vn")
    assert (row["hits"], row["inspections"], row["non_conformities"], row["hit_rate"]) == (6, 4, 3, 0.75)
    assert perf["control"] == {"drawn": 2, "inspections": 2, "non_conformities": 1, "hit_rate": 0.5}
