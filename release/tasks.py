"""Celery entry points of the release app: fetch by id, call a service; safe to run twice. The services queue these
tasks from this module, so each task imports its service when it runs (a cycle at import time otherwise)."""

from datetime import date

from celery import shared_task


@shared_task
def release_stats_refresh_task(first_day: str | None = None, last_day: str | None = None) -> int:
    from .services import release_stats_refresh

    return release_stats_refresh(first_day=date.fromisoformat(first_day) if first_day else None,
                                 last_day=date.fromisoformat(last_day) if last_day else None)


@shared_task
def clearance_settle_pending_task() -> int:
    from .services import clearance_settle_pending

    return clearance_settle_pending()


@shared_task
def personal_data_mask_task() -> dict:
    from .services import personal_data_mask

    return personal_data_mask()


@shared_task
def bulk_submission_run_task(submission_id: int) -> str:
    from .services import bulk_submission_run

    return bulk_submission_run(submission_id=submission_id).status


@shared_task
def selection_cutoffs_compute_task(trigger: str = "periodic") -> int:
    from .services import selection_cutoffs_compute

    return selection_cutoffs_compute(trigger=trigger).version


@shared_task
def budget_deviations_notify_task() -> list[str]:
    from .services import budget_deviations_notify

    return budget_deviations_notify()
