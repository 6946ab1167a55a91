"""Celery entry points of the audit log and the notifications. The services they call import this module to queue
them, so each task imports its service when it runs (a cycle at import time otherwise)."""

from celery import shared_task
from django.conf import settings


class MessageDeferred(Exception):
    """An attempt at a message failed for now: Celery retries the task, with backoff, until the last attempt."""


@shared_task
def audit_seal_task():
    from .audit import audit_seal

    return audit_seal()


@shared_task
def audit_heads_publish_task():
    """Publish the signed head of every ended day (idempotent; the beat runs it every hour)."""
    from .transparency import audit_heads_publish

    return [str(day) for day in audit_heads_publish()]


@shared_task
def outbox_dispatch_due_task():
    """Fan out every event committed and not yet dispatched, and queue each delivery (idempotent)."""
    from .notifications import outbox_dispatch_due

    for delivery_pk in outbox_dispatch_due():
        webhook_deliver_task.delay(delivery_pk, 1)


@shared_task(bind=True, max_retries=None)
def webhook_deliver_task(self, delivery_pk, attempt=1):
    """Attempt ``attempt`` of a delivery; on failure, retry later with backoff until the last attempt."""
    from .notifications import webhook_attempt

    retry_in = webhook_attempt(delivery_pk=delivery_pk, attempt=attempt)
    # In-process (eager) mode has no broker to hold a countdown: the next attempts are made at once.
    while retry_in is not None and self.request.is_eager:
        attempt += 1
        retry_in = webhook_attempt(delivery_pk=delivery_pk, attempt=attempt)
    if retry_in is not None:
        raise self.retry(args=(delivery_pk, attempt + 1), countdown=retry_in)


@shared_task
def notifications_sweep_task():
    from .notifications import notifications_sweep

    return notifications_sweep()


@shared_task(bind=True, autoretry_for=(MessageDeferred,), max_retries=settings.CIQ["MESSAGE_MAX_ATTEMPTS"] - 1,
             retry_backoff=settings.CIQ["MESSAGE_BACKOFF_BASE_SECONDS"],
             retry_backoff_max=settings.CIQ["MESSAGE_BACKOFF_CAP_SECONDS"], retry_jitter=True)
def message_attempt_task(self, delivery_pk):
    """One attempt at an e-mail or SMS; after a failure for now, Celery's retry makes the next one."""
    from .messaging import MessageStatus, message_attempt

    retries = self.request.retries
    status = message_attempt(delivery_pk=delivery_pk, last=retries >= self.max_retries)
    # In-process (eager) mode has no broker to hold a countdown: the next attempts are made at once.
    while status == MessageStatus.RETRYING and self.request.is_eager:
        retries += 1
        status = message_attempt(delivery_pk=delivery_pk, last=retries >= self.max_retries)
    if status == MessageStatus.RETRYING:
        raise MessageDeferred(delivery_pk)
    return status


@shared_task
def messages_sweep_task():
    from .messaging import messages_sweep

    return messages_sweep()
