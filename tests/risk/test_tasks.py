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


def test_weekly_task_requests_activation_only_of_a_better_model(history, analyst):
    from risk.models import ActivationRequest
    from risk.services import model_activate

    first = risk_model_train_weekly_task.apply().get()
    # A better model (there is none active): its activation is requested, not made; an analyst approves it.
    assert not RiskModel.objects.get(pk=first).is_active
    assert ActivationRequest.objects.get(model_id=first).status == "pending"
    assert model_activate(model=RiskModel.objects.get(pk=first), actor=analyst).is_active
    # Same history, same figures: the new model is registered, nothing requested.
    second = risk_model_train_weekly_task.apply().get()
    assert second != first and not RiskModel.objects.get(pk=second).is_active
    assert not ActivationRequest.objects.filter(model_id=second).exists()
    assert RiskModel.objects.get(is_active=True).pk == first


def test_weekly_task_without_history_does_nothing(db):
    assert risk_model_train_weekly_task.apply().get() is None


def test_training_weighs_each_inspection_by_its_inverse_selection_probability(history):
    from declarations.models import Declaration
    from release.models import ReleaseDecision
    from risk.training import rows_from_database

    drawn, targeted = Declaration.objects.order_by("pk")[:2]
    for declaration, probability in ((drawn, 0.01), (targeted, 1.0)):
        ReleaseDecision.objects.create(
            declaration=declaration, enterprise=declaration.enterprise, decided_at=timezone.now(),
            decided_on=timezone.localdate(), port="NGB", grade="B", tier="low", matrix_version=0,
            matrix_mode="verify", mode="verify", next_step="none", selection_probability=probability)
    rows, labels, weights = rows_from_database(with_weights=True)
    by_number = {row["Declaration ID"]: weight for row, weight in zip(rows, weights, strict=True)}
    assert by_number[drawn.number] == pytest.approx(100.0) and by_number[targeted.number] == 1.0
    assert sorted(set(weights)) == [1.0, 100.0]  # declarations decided before probabilities were kept count once
    assert len(rows) == len(labels) == 300
    first = risk_model_train_weekly_task.apply().get()  # the weekly training trains with the weights
    assert RiskModel.objects.get(pk=first).train_rows == 300
