"""Small things a daily user notices: the rule page's buttons look like buttons and say what happened, a Chinese
label ends with a full-width colon, and a freshly seeded demo does not greet each user with its whole history
unread."""

import pytest
from django.urls import reverse

from ciq_portal.demo import DEMO_UNREAD_KEPT, demo_history_read
from ciq_portal.models import Notification
from risk import services as risk_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_rule(analyst):
    return risk_services.rule_create(actor=analyst, code="vn", name="Vietnam watch",
                                     conditions=[{"field": "origin_country", "op": "in", "value": ["VN"]}],
                                     add_score=10)


def test_the_rule_page_buttons_are_styled_and_activation_is_confirmed(client, analyst, supervisor, draft_rule):
    client.force_login(analyst)
    html = client.get(reverse("risk:rule_detail", args=[draft_rule.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<button class="button primary" type="submit">Activate</button>' in html
    assert '<button class="button danger" type="submit">Retire</button>' in html
    assert "<button>" not in html
    response = client.post(reverse("risk:rule_move", args=[draft_rule.pk, "activate"]), HTTP_ACCEPT_LANGUAGE="en",
                           follow=True)
    assert "Activation requested" in " ".join(str(m) for m in response.context["messages"])
    # The second pair of eyes: a supervisor's activation applies the rule, and the page says so.
    client.force_login(supervisor)
    response = client.post(reverse("risk:rule_move", args=[draft_rule.pk, "activate"]), HTTP_ACCEPT_LANGUAGE="en",
                           follow=True)
    assert "Rule vn is active: it applies to every declaration assessed from now on." in [
        str(m) for m in response.context["messages"]]


def test_chinese_labels_end_with_a_full_width_colon(client, analyst, draft_rule):
    client.force_login(analyst)
    zh = client.get(reverse("risk:rule_detail", args=[draft_rule.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "状态：" in zh and "状态:" not in zh
    en = client.get(reverse("risk:rule_detail", args=[draft_rule.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Status: " in en


def test_the_seeded_history_is_read_but_the_newest_few(officer, supervisor):
    Notification.objects.bulk_create([Notification(user=officer, event_type="declaration.status_changed",
                                                   message=f"n{i}") for i in range(12)])
    Notification.objects.create(user=supervisor, event_type="declaration.status_changed", message="only one")
    demo_history_read()
    unread = Notification.objects.filter(user=officer, read_at__isnull=True).order_by("-id")
    assert [n.message for n in unread] == [f"n{i}" for i in range(11, 11 - DEMO_UNREAD_KEPT, -1)]
    assert Notification.objects.filter(user=supervisor, read_at__isnull=True).count() == 1
