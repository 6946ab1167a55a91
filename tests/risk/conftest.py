import pytest
from django.conf import settings

from risk import engine, services

from .factories import VN_SHRIMP


@pytest.fixture(autouse=True)
def _fresh_engine():
    engine.reset_cache()
    yield
    engine.reset_cache()


@pytest.fixture(scope="session")
def small_training():
    """A model trained on the first 4,000 rows of the public training file (a few seconds), shared by tests."""
    from risk.ml.dataset import read_kcs
    from risk.training import train_and_measure

    rows, labels = read_kcs(settings.KCS_DATA_DIR / "df_syn_train_eng.csv", with_labels=True)
    return train_and_measure(rows[:4000], labels[:4000])


@pytest.fixture
def active_model(db, small_training):
    from risk.services import model_activate, model_register

    row = model_register(result=small_training, source="kcs:test")
    model_activate(model=row)
    return row


@pytest.fixture
def vn_rule(analyst, supervisor):
    rule = services.rule_create(actor=analyst, code="vn-shrimp", name="Shrimps from Viet Nam", conditions=VN_SHRIMP,
                                add_score=40, force_release_mode="sample")
    return services.rule_activate(rule=rule, actor=supervisor)
