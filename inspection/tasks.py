"""Celery entry points: fetch by id, call a service. Each may run twice without doing its work twice."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import services
from .choices import TaskStatus
from .models import InspectionTask


@shared_task(acks_late=True, ignore_result=False)  # the officer drawn (or None) is the result
def inspection_dispatch(task_id: int) -> int | None:
    """Run the draw of people for one queued task (a no-op once it is assigned)."""
    task = InspectionTask.objects.filter(pk=task_id, status=TaskStatus.QUEUED).first()
    if task is None:
        return None
    return services.inspection_task_dispatch(task=task).assigned_to_id


@shared_task(acks_late=True)
def inspection_dispatch_pool() -> int:
    """Retry the draw for tasks left in the pool (nobody eligible was on duty when they were created)."""
    ids = list(InspectionTask.objects.filter(status=TaskStatus.QUEUED, assigned_to__isnull=True)
               .order_by("priority", "created_at").values_list("pk", flat=True)[:2000])
    return len(services.inspection_tasks_dispatch(task_ids=ids)) if ids else 0


@shared_task(acks_late=True)
def inspection_reminders() -> int:
    return services.inspection_reminders_send()


@shared_task(acks_late=True)
def draw_periods_rotate() -> dict:
    """Commit tomorrow's seed and reveal every ended day's seed (idempotent)."""
    from .models import DrawPeriod

    today = timezone.localdate()
    services.draw_period_commit(day=today)
    services.draw_period_commit(day=today + timedelta(days=1))
    revealed = []
    for day in DrawPeriod.objects.filter(day__lt=today, revealed_at__isnull=True).values_list("day", flat=True):
        services.draw_period_reveal(day=day)
        revealed.append(str(day))
    return {"committed": str(today + timedelta(days=1)), "revealed": revealed}
