from datetime import date

from celery import shared_task

from .models import Enterprise
from .services import credit_grades_recompute, enterprise_regrade


@shared_task
def credit_grades_recompute_task(as_of: str | None = None) -> dict:
    """Nightly: regrade every enterprise. Idempotent: a second run on the same day changes nothing more."""
    result = credit_grades_recompute(as_of=date.fromisoformat(as_of) if as_of else None)
    return {"enterprises": result.enterprises, "grades_changed": result.grades_changed,
            "scores_updated": result.scores_updated, "seconds": round(result.seconds, 3)}


@shared_task
def enterprise_regrade_task(enterprise_id: int) -> str | None:
    enterprise = Enterprise.objects.filter(pk=enterprise_id).first()
    if enterprise is None:
        return None
    change = enterprise_regrade(enterprise=enterprise)
    return change.new_grade if change else None
