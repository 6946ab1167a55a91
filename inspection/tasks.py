"""Celery entry points: fetch by id, call a service. Each may run twice without doing its work twice. The services
queue these tasks from this module, so each task imports its service when it runs (a cycle at import time
otherwise)."""

from celery import shared_task


@shared_task
def inspection_dispatch_new_task() -> int:
    """Queued a second after new tasks commit (a task already assigned is skipped)."""
    from .services import inspection_dispatch_new

    return inspection_dispatch_new()


@shared_task(ignore_result=False)  # how many tasks were assigned is the result
def inspection_dispatch_pool_task() -> int:
    """Run by the beat: the tasks nobody eligible was on duty for are drawn for again."""
    from .services import inspection_dispatch_pool

    return inspection_dispatch_pool()


@shared_task
def inspection_reminders_send_task() -> int:
    from .services import inspection_reminders_send

    return inspection_reminders_send()


@shared_task
def inspection_overdue_escalate_task() -> int:
    from .services import inspection_overdue_escalate

    return inspection_overdue_escalate()


@shared_task
def draw_periods_rotate_task() -> dict:
    from .services import draw_periods_rotate

    return draw_periods_rotate()
