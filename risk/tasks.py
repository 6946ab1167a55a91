from celery import shared_task


@shared_task
def risk_reassess_pending_task(reason: str = "configuration change"):
    from .services import declarations_reassess_pending

    return declarations_reassess_pending(reason=reason)


@shared_task
def risk_model_train_weekly_task():
    from .services import model_train_weekly

    row = model_train_weekly()
    return row.pk if row else None
