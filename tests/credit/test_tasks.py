import pytest
from django.conf import settings

from credit.choices import CreditEventKind as K
from credit.choices import CreditEventSource as S
from credit.services import credit_event_record
from credit.tasks import credit_grades_recompute_task, enterprise_regrade_task

pytestmark = pytest.mark.django_db


def test_nightly_task_is_scheduled_and_idempotent(enterprise_a):
    entry = settings.CELERY_BEAT_SCHEDULE["credit-grades-nightly"]
    assert entry["task"] == credit_grades_recompute_task.name
    for _ in range(3):
        credit_event_record(enterprise=enterprise_a, kind=K.NON_CONFORMITY, source=S.SYSTEM)
    assert credit_grades_recompute_task.delay().get()["grades_changed"] == 1
    assert credit_grades_recompute_task.delay().get()["grades_changed"] == 0


def test_regrade_task_tolerates_a_missing_enterprise(enterprise_a):
    assert enterprise_regrade_task.delay(999999).get() is None
    assert enterprise_regrade_task.delay(enterprise_a.pk).get() is None
