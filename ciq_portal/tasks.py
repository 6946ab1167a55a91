from celery import shared_task

from .audit import audit_seal


@shared_task(name="ciq_portal.tasks.audit_seal_task")
def audit_seal_task():
    return audit_seal()
