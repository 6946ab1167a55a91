from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from inspection import services
from inspection.models import Draw, DrawPeriod

pytestmark = pytest.mark.django_db


@pytest.fixture
def revealed_day(make_declaration, officers, create_task):
    """Yesterday's period with object and people draws, revealed."""
    day = timezone.localdate() - timedelta(days=1)
    services.draw_period_commit(day=day)
    at = timezone.now() - timedelta(days=1)
    for officer in officers:
        officer.shifts.create(starts_at=at - timedelta(hours=1), ends_at=at + timedelta(hours=1))
    for _ in range(6):
        declaration = make_declaration()
        services.object_draw_for_declaration(declaration=declaration, at=at)
        task = services.inspection_task_create(declaration=declaration, reason="random", mode="sample")
        services.inspection_tasks_dispatch(task_ids=[task.pk], at=at)
    services.draw_period_reveal(day=day)
    return day


def test_draw_verify_passes_on_an_untouched_record(revealed_day):
    out = StringIO()
    call_command("draw_verify", "--date", str(revealed_day), stdout=out)
    assert "12 draw(s), OK" in out.getvalue()
    call_command("draw_verify", stdout=StringIO())


def test_draw_verify_detects_a_tampered_people_draw(revealed_day, officers):
    draw = Draw.objects.filter(kind="people").first()
    other = next(p.user_id for p in officers if p.user_id != draw.chosen_id)
    Draw.objects.filter(pk=draw.pk).update(chosen_id=other, result={"chosen": other})
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("draw_verify", "--date", str(revealed_day), stdout=StringIO(), stderr=err)
    assert error.value.returncode == 1
    assert f"draw {draw.pk} ({draw.subject})" in err.getvalue()


def test_draw_verify_detects_tampered_inputs_and_seed(revealed_day):
    draw = Draw.objects.filter(kind="object").first()
    inputs = {**draw.inputs, "ratio": 0.0 if draw.selected else 1.0}
    Draw.objects.filter(pk=draw.pk).update(inputs=inputs)
    with pytest.raises(CommandError):
        call_command("draw_verify", stdout=StringIO(), stderr=StringIO())
    Draw.objects.filter(pk=draw.pk).update(inputs=draw.inputs)
    DrawPeriod.objects.filter(day=revealed_day).update(seed="0" * 64)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("draw_verify", "--date", str(revealed_day), stdout=StringIO(), stderr=err)
    assert "does not match the commitment published before the day" in err.getvalue()


def test_draw_verify_refuses_an_unrevealed_day():
    today = services.draw_period_commit(day=timezone.localdate())
    with pytest.raises(CommandError):
        call_command("draw_verify", "--date", str(today.day), stdout=StringIO())


def test_rotate_task_commits_tomorrow_and_reveals_ended_days():
    from inspection.tasks import draw_periods_rotate_task

    yesterday = services.draw_period_commit(day=timezone.localdate() - timedelta(days=1))
    result = draw_periods_rotate_task()
    assert DrawPeriod.objects.filter(day=timezone.localdate() + timedelta(days=1), revealed_at=None).exists()
    assert str(yesterday.day) in result["revealed"]
    assert draw_periods_rotate_task()["revealed"] == []  # idempotent
