"""Celery entry points: fetch by id, call a service. Each may run twice without doing its work twice."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(acks_late=True)
def inspection_dispatch_new() -> int:
    """Queued a second after new tasks commit (a task already assigned is skipped)."""
    return services.inspection_dispatch_new()


@shared_task(acks_late=True, ignore_result=False)  # how many tasks were assigned is the result
def inspection_dispatch_pool() -> int:
    """Run by the beat: the tasks nobody eligible was on duty for are drawn for again."""
    return services.inspection_dispatch_pool()


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
