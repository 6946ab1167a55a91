"""What the task page says is written for people: names, not usernames; the system's custody actions and the risk
reasons in the reader's language, each model factor's weight as a share, never a raw log-odds number."""

import re

import pytest
from django.utils import translation

from inspection import services
from risk.models import RiskAssessment

pytestmark = pytest.mark.django_db

REASONS = [
    {"code": "R-COLD", "kind": "rule", "label": "Cold chain watch", "weight": 20, "effects": {}},
    {"code": "model", "kind": "model", "label": "Learned model", "model_version": "v3", "weight": 41.7},
    {"code": "model:hs6_route", "kind": "model_factor", "label": "commodity × route history", "weight": -0.637},
    {"code": "model:importer", "kind": "model_factor", "label": "importer history", "weight": 1.911},
]


@pytest.fixture
def task(declaration, officers, create_task):
    task = create_task(declaration)
    officer = task.assigned_to
    officer.first_name, officer.last_name = "伟", "王"
    officer.save(update_fields=["first_name", "last_name"])
    return task


def test_risk_reasons_are_sentences_with_shares_not_log_odds(client, task):
    RiskAssessment.objects.create(declaration=task.declaration, score=61.7, tier="high", reasons=REASONS)
    client.force_login(task.assigned_to)
    html = client.get(f"/inspection/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Commodity × route history lowered the score" in html
    assert "Importer history raised the score" in html
    assert "75% of the model's reasons" in html and "25% of the model's reasons" in html
    assert "The rule “Cold chain watch” applies: it adds 20 points." in html
    assert "The learned model gives 42 points of 100" in html
    assert "-0.637" not in html and "1.911" not in html


def test_risk_reasons_in_chinese(client, task):
    RiskAssessment.objects.create(declaration=task.declaration, score=61.7, tier="high", reasons=REASONS)
    client.force_login(task.assigned_to)
    html = client.get(f"/inspection/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    with translation.override("zh-hans"):
        factor = translation.gettext("commodity × route history")
    assert f"{factor}使风险分降低" in html and "75%" in html
    assert "-0.637" not in html and "raised the score" not in html and "lowered the score" not in html


def test_people_by_name_and_custody_in_words(client, task):
    officer = task.assigned_to
    services.sample_take(task=task, description="2 cartons", quantity="3", unit="kg", seal_no="SL9", actor=officer)
    client.force_login(officer)
    html = client.get(f"/inspection/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Inspector: 王伟" in html and officer.username not in html.split("<main", 1)[1]
    assert "Sampled and sealed → 王伟" in html and not re.search(r"\d sealed →", html)


def test_the_declaration_timeline_names_people(client, task, declarant_a):
    declarant_a.first_name, declarant_a.last_name = "Ada", "Lovelace"
    declarant_a.save(update_fields=["first_name", "last_name"])
    from declarations.services import declaration_event_add

    declaration_event_add(declaration=task.declaration, kind="answered", actor=declarant_a, message="Sent")
    client.force_login(task.assigned_to)
    html = client.get(f"/declarations/{task.declaration_id}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "· Ada Lovelace" in html and "· declarant_a" not in html
