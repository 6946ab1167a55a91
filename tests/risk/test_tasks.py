import io
import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from risk.models import RiskModel
from risk.tasks import risk_model_train_weekly_task

from .factories import submitted_declaration


@pytest.fixture
def history(db):
    """300 inspected declarations over 60 days: Viet Nam shrimps are mostly non-conform, others mostly conform."""
    rng = random.Random(7)
    now = timezone.now()
    for i in range(300):
        origin = rng.choice(["VN", "AU", "NZ", "TH"])
        bad = rng.random() < (0.7 if origin == "VN" else 0.1)
        submitted_declaration(origin=origin, outcome="non_conform" if bad else "conform", status="released",
                              submitted_at=now - timedelta(days=60 - i // 5), value=rng.randint(1000, 50000))


def test_risk_train_from_database_reports_held_out_metrics(history):
    out = io.StringIO()
    call_command("risk_train", activate=True, stdout=out)
    text = out.getvalue()
    assert "300 rows" in text and "held-out later period" in text and "is now active" in text
    model = RiskModel.objects.get(is_active=True)
    assert model.source == "database" and model.metrics["held_out"]["rows"] == 60


def test_weekly_task_activates_only_a_better_model(history):
    first = risk_model_train_weekly_task.apply().get()
    assert RiskModel.objects.get(pk=first).is_active
    # Same history, same figures: the new model is registered but not activated.
    second = risk_model_train_weekly_task.apply().get()
    assert second != first and not RiskModel.objects.get(pk=second).is_active
    assert RiskModel.objects.get(is_active=True).pk == first


def test_weekly_task_without_history_does_nothing(db):
    assert risk_model_train_weekly_task.apply().get() is None
