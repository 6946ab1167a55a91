"""Celery entry points: fetch by id, call a service. Each may run twice without doing its work twice."""

from celery import shared_task

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
    return services.draw_periods_rotate()
