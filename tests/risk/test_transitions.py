"""Rules' and bulletins' lifecycles: the tables say what is allowed, the services refuse the rest and the pages
offer only what is allowed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from risk import services, transitions
from risk.choices import BulletinStatus, RuleStatus

from .factories import RiskRuleFactory


def test_the_tables():
    assert transitions.rule_actions(RuleStatus.DRAFT) == ["edit", "activate", "retire"]
    assert transitions.rule_actions(RuleStatus.ACTIVE) == ["edit", "retire"]
    assert transitions.rule_actions(RuleStatus.RETIRED) == []
    assert transitions.bulletin_actions(BulletinStatus.DRAFT) == ["edit", "publish"]
    assert transitions.bulletin_actions(BulletinStatus.PUBLISHED) == ["edit", "withdraw"]
    assert transitions.bulletin_actions(BulletinStatus.WITHDRAWN) == []


def _forms(page: str) -> set[str]:
    return {verb for verb in ("activate", "retire", "publish", "withdraw") if f"/{verb}/" in page}


@pytest.mark.django_db
def test_rule_page_offers_what_the_table_allows(client, analyst, supervisor):
    rule = RiskRuleFactory()
    client.force_login(analyst)
    url = reverse("risk:rule_detail", args=[rule.pk])
    assert _forms(client.get(url).content.decode()) == {"activate", "retire"}
    services.rule_activate(rule=rule, actor=supervisor)
    assert _forms(client.get(url).content.decode()) == {"retire"}
    services.rule_retire(rule=rule, actor=analyst)
    page = client.get(url).content.decode()
    assert _forms(page) == set() and reverse("risk:rule_edit", args=[rule.pk]) not in page
    with pytest.raises(ValidationError) as refused:
        services.rule_activate(rule=rule, actor=analyst)
    assert "status" in refused.value.message_dict


@pytest.mark.django_db
def test_a_withdrawn_bulletin_is_offered_nothing_and_cannot_be_edited(client, analyst, officer):
    bulletin = services.bulletin_create(actor=analyst, title_zh="非洲猪瘟", title_en="ASF", hazard="animal_disease",
                                        hs_prefixes=["0203"], valid_from=timezone.localdate())
    client.force_login(analyst)
    url = reverse("risk:bulletin_detail", args=[bulletin.pk])
    assert _forms(client.get(url).content.decode()) == {"publish"}
    services.bulletin_publish(bulletin=bulletin, actor=analyst)
    assert _forms(client.get(url).content.decode()) == {"withdraw"}
    services.bulletin_withdraw(bulletin=bulletin, actor=analyst)
    page = client.get(url).content.decode()
    assert _forms(page) == set() and reverse("risk:bulletin_edit", args=[bulletin.pk]) not in page
    with pytest.raises(ValidationError) as refused:
        services.bulletin_update(bulletin=bulletin, actor=analyst, title_en="ASF (edited)")
    assert "status" in refused.value.message_dict
    client.force_login(officer)
    assert _forms(client.get(reverse("risk:bulletin_detail", args=[bulletin.pk])).content.decode()) == set()
