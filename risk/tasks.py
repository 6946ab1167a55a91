"""Celery entry points of the risk engine. The services queue these tasks from this module, so each task imports its
service when it runs (a cycle at import time otherwise)."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone


@shared_task
def risk_reassess_pending_task(reason: dict | str):
    """``reason``: a risk.services.reassessment_reason (JSON), or a caller's own words."""
    from .services import declarations_reassess_pending

    return declarations_reassess_pending(reason=reason)


@shared_task
def risk_model_train_weekly_task():
    from .services import model_train_weekly

    row = model_train_weekly()
    return row.pk if row else None


@shared_task
def risk_reassess_grade_changes_task(minutes: int = 20):
    """Every 15 minutes (beat): grade changes of the last ``minutes`` (overlapping runs are harmless: idempotent)."""
    from .services import declarations_reassess_after_grade_changes

    return declarations_reassess_after_grade_changes(since=timezone.now() - timedelta(minutes=minutes))
