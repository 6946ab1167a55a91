"""Texts the risk app stores or shows are in the reader's language: the tier-change timeline message is built from
translatable pieces (tier labels, reasons), the model's source and a rule version's status are labels; only too little
history makes the weekly training skip."""

import re

import pytest
from django.urls import reverse

from declarations.models import DeclarationEvent
from risk import services, training
from risk.models import RiskModel

from .factories import submitted_declaration


@pytest.mark.django_db
def test_tier_change_message_is_all_chinese_in_chinese(analyst, vn_rule, django_capture_on_commit_callbacks):
    pending = submitted_declaration(origin="VN")
    services.declaration_assess(declaration=pending)
    with django_capture_on_commit_callbacks(execute=True):  # the reassessment the rule change queues
        services.rule_update(rule=vn_rule, actor=analyst, add_score=90)
    event = DeclarationEvent.objects.get(declaration=pending, kind="risk_tier_changed")
    zh, en = event.message_translations["zh-hans"], event.message_translations["en"]
    assert event.message == zh
    assert zh == "因规则 vn-shrimp 修改，风险等级由 中 调整为 很高。"
    assert not re.search(r"[A-Za-z_]", zh.replace("vn-shrimp", "")), zh
    assert en == "Risk tier changed from Medium to Very high after a change to rule vn-shrimp."
    assert event.data["reason"] == {"code": "rule_changed", "rule": "vn-shrimp"}


@pytest.mark.django_db
def test_every_queued_reason_has_words_in_both_languages():
    from django.utils import translation

    for code in services.REASONS:
        reason = services.reassessment_reason(code, rule="r1", bulletin=3, model="m2")
        with translation.override("zh-hans"):
            zh = services.reason_text(reason)
        with translation.override("en"):
            en = services.reason_text(reason)
        assert zh != en and not re.search(r"[A-Za-z]{3,}", re.sub(r"r1|m2", "", zh)), (code, zh)
    # A caller's own words (an older queued task) are kept as given.
    assert services.reason_text("rule vn-shrimp changed") == "rule vn-shrimp changed"
    with pytest.raises(ValueError):
        services.reassessment_reason("no-such-reason")


@pytest.mark.django_db
def test_weekly_training_skips_only_when_history_is_too_short(monkeypatch):
    def too_short(rows, labels, weights=None):
        raise training.NotEnoughHistory("not enough")

    monkeypatch.setattr(training, "train_and_measure", too_short)
    assert services.model_train_weekly() is None

    def broken(rows, labels, weights=None):
        raise ValueError("a bug, not a lack of history")

    monkeypatch.setattr(training, "train_and_measure", broken)
    with pytest.raises(ValueError, match="a bug"):
        services.model_train_weekly()


def _model(source):
    return RiskModel.objects.create(name="model", source=source, booster="", features=[], params={},
                                    metrics={}, encoding={})


@pytest.mark.django_db
def test_model_list_names_the_source_in_the_reader_s_language(client, analyst):
    _model(services.SOURCE_WEEKLY)
    _model("database")
    _model("kcs:/data/train.csv")
    client.force_login(analyst)
    html = client.get(reverse("risk:model_list")).content.decode()
    assert "数据库（每周训练）" in html and "KCS 文件 /data/train.csv" in html
    assert "database (weekly)" not in html and "kcs:" not in html
    english = client.get(reverse("risk:model_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Database (weekly training)" in english and "KCS file /data/train.csv" in english


@pytest.mark.django_db
def test_rule_history_shows_status_labels(client, analyst, vn_rule):
    from django.utils import translation

    from risk.choices import RuleStatus

    client.force_login(analyst)
    html = client.get(reverse("risk:rule_detail", args=[vn_rule.pk])).content.decode()
    with translation.override("zh-hans"):
        draft, active = str(RuleStatus.DRAFT.label), str(RuleStatus.ACTIVE.label)
    assert draft == "草稿" and f"<td>{draft}</td>" in html and f"<td>{active}</td>" in html
    assert "<td>draft</td>" not in html and "<td>active</td>" not in html
