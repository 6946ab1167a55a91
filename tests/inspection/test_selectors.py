import pytest
from django.utils import timezone

from inspection import services
from inspection.models import Draw
from inspection.selectors import control_sample_ids
from risk.selectors import rule_performance

pytestmark = pytest.mark.django_db


def test_the_random_control_sample_feeds_risk_rule_performance(declaration):
    draw = services.object_draw_for_declaration(declaration=declaration)
    Draw.objects.filter(pk=draw.pk).update(selected=True)
    now = timezone.now()
    assert control_sample_ids(now - timezone.timedelta(days=1), now) == [declaration.pk]
    control = rule_performance(days=1)["control"]
    assert control is not None and control["drawn"] == 1
