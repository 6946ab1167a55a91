"""Messages to people, by e-mail or SMS: one service every app sends them through, and a delivery record of each.

    from ciq_portal.messaging import message_send
    message_send(channel=MessageChannel.EMAIL, recipient="buyer@example.com", subject=subject, body=body,
                 purpose=MessagePurpose.RECALL_NOTICE, reference=recall_number, source_id=notice.pk)

:func:`message_send` writes a ``MessageDelivery`` in the caller's transaction and queues its sending for after the
commit, so a message exists if and only if the change that caused it was committed. The task
(``tasks.message_attempt_task``) makes one attempt through Django's mail backend (``EMAIL_URL``) or django-sms's
backend (``SMS_URL``). The delivery is ``sent`` once the mail server or the SMS gateway accepted it. A failure for
now (no connection, a timeout, a 4xx answer) is retried by Celery with exponential backoff and jitter, up to
``CIQ["MESSAGE_MAX_ATTEMPTS"]`` attempts; a refusal for good (a 5xx answer: no such mailbox, relaying denied,
wrong credentials) fails at once. Failed deliveries are listed on the bureau's page and may be sent again
(:func:`message_delivery_retry`); a beat task (:func:`messages_sweep`) re-queues those whose message was lost.

An app that must know when its messages of one purpose were accepted (a recall notice counts as notified only
then) registers a handler for that purpose in its ``AppConfig.ready()`` (:func:`message_sent_handler_register`): it
is called in the transaction that records the delivery as sent, with ``delivery``, whose ``source_id`` says which
of the app's rows it was about.
"""

import re
import smtplib
from collections.abc import Callable
from datetime import timedelta

import sms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_record
from .models import MessageChannel, MessageDelivery, MessagePurpose, MessageStatus
from .roles import Role, has_role, require_role
from .sms import SmsRefused
from .tasks import message_attempt_task

# purpose -> the handler called with ``delivery`` when a mail server or SMS gateway accepted a message of it.
_sent_handlers: dict[str, Callable[..., None]] = {}

# How long an attempt holds its delivery: above the mail and SMS timeouts, so no second worker sends it meanwhile.
LEASE = timedelta(minutes=2)
# Bureau roles who watch deliveries and send failed ones again.
MESSAGE_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
_PHONE = re.compile(r"\+[1-9][0-9]{6,14}")
_CHINA_MOBILE = re.compile(r"(?:0086|86)?(1[3-9][0-9]{9})")


# --- sending ---------------------------------------------------------------------------------------------------


def message_sent_handler_register(purpose: str, handler: Callable[..., None]) -> None:
    """Call ``handler(delivery=...)`` when a message of ``purpose`` was accepted (one handler per purpose)."""
    _sent_handlers[purpose] = handler


def phone_number_normalise(value: str) -> str | None:
    """A mobile number in international form (+8613800138000), or None: E.164 with its "+", or a mainland
    mobile number of 11 digits with or without 86 before it; spaces, dashes, dots and brackets are ignored."""
    value = _PHONE_SEPARATORS.sub("", value or "")
    if match := _CHINA_MOBILE.fullmatch(value):
        return "+86" + match.group(1)
    return value if _PHONE.fullmatch(value) else None


def message_channel_for(contact: str) -> tuple[str, str] | None:
    """The channel and recipient a free-text contact (an e-mail address or a mobile number) can be reached by, or
    None (e.g. a landline to be called by a person)."""
    contact = (contact or "").strip()
    try:
        validate_email(contact)
    except ValidationError:
        number = phone_number_normalise(contact)
        return (MessageChannel.SMS, number) if number else None
    return MessageChannel.EMAIL, contact


def message_send(*, channel: str, recipient: str, body: str, purpose: str, subject: str = "", html_body: str = "",
                 reference: str = "", source_id: int | None = None, enterprise_id: int | None = None,
                 actor=None) -> MessageDelivery:
    """Record a message to one recipient in the caller's transaction; it is sent after the commit.

    ``channel``: ``MessageChannel.EMAIL`` (``subject`` required; ``html_body`` an optional HTML alternative) or
    ``MessageChannel.SMS``. ``recipient``: an e-mail address, or a mobile number (stored in international form).
    ``body``: the text as the recipient reads it (the caller chooses the language). ``purpose``: a
    ``MessagePurpose``. ``reference``: what it is about as people name it (a recall or task number);
    ``source_id``: the id of the sender's row, for a :data:`message_sent` receiver. ``enterprise_id``: the
    enterprise it concerns, if any. ``actor``: who caused it (None for the system).
    """
    if channel not in MessageChannel.values:
        raise ValueError(f"unknown channel {channel!r}")
    if purpose not in MessagePurpose.values:
        raise ValueError(f"unknown purpose {purpose!r}")
    recipient = (recipient or "").strip()
    if channel == MessageChannel.EMAIL:
        try:
            validate_email(recipient)
        except ValidationError:
            raise ValidationError({"recipient": [_("Enter a valid e-mail address.")]}) from None
        if not (subject or "").strip():
            raise ValidationError({"subject": [_("An e-mail needs a subject.")]})
    else:
        recipient = phone_number_normalise(recipient) or ""
        if not recipient:
            raise ValidationError({"recipient": [_("Enter a mobile number, e.g. +86 138 0013 8000.")]})
    if not (body or "").strip():
        raise ValidationError({"body": [_("The message is empty.")]})
    delivery = MessageDelivery.objects.create(
        channel=channel, recipient=recipient, subject=" ".join((subject or "").split())[:200], body=body,
        html_body=html_body, purpose=purpose, reference=(reference or "")[:64], source_id=source_id,
        enterprise_id=enterprise_id, created_by=actor if getattr(actor, "pk", None) else None)
    message_attempt_task.delay_on_commit(delivery.pk)
    return delivery


def _transmit(delivery: MessageDelivery) -> tuple[str, bool] | None:
    """Hand the message to the mail server or SMS gateway: None when accepted, else (error, permanent)."""
    try:
        if delivery.channel == MessageChannel.EMAIL:
            message = EmailMultiAlternatives(delivery.subject, delivery.body, settings.DEFAULT_FROM_EMAIL,
                                             [delivery.recipient])
            if delivery.html_body:
                message.attach_alternative(delivery.html_body, "text/html")
            message.send(fail_silently=False)
        else:
            sms.Message(delivery.body, None, [delivery.recipient]).send(fail_silently=False)
    except smtplib.SMTPRecipientsRefused as exc:
        code, answer = next(iter(exc.recipients.values()))
        return _smtp_answer(code, answer), code >= 500
    except smtplib.SMTPResponseException as exc:
        return _smtp_answer(exc.smtp_code, exc.smtp_error), exc.smtp_code >= 500
    except SmsRefused as exc:
        return str(exc), exc.permanent
    except ImproperlyConfigured as exc:
        return f"{type(exc).__name__}: {exc}", True
    except (smtplib.SMTPException, OSError) as exc:
        return f"{type(exc).__name__}: {exc}", False
    return None


def _smtp_answer(code: int, answer) -> str:
    text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
    return f"SMTP {code} {text}"


def message_attempt(*, delivery_pk: int, last: bool) -> str | None:
    """Make one attempt at a delivery; returns its status after it (None when there was nothing to do).

    ``last``: no retry follows, so a failure for now fails the delivery. Safe to run twice: the attempt is made only
    for a pending or retrying delivery that no other worker holds.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = MessageDelivery.objects.select_for_update().filter(pk=delivery_pk).first()
        if (delivery is None or delivery.status not in (MessageStatus.PENDING, MessageStatus.RETRYING)
                or (delivery.leased_until is not None and delivery.leased_until > now)):
            return None
        delivery.leased_until = now + LEASE
        delivery.save(update_fields=["leased_until"])
    failure = _transmit(delivery)
    with transaction.atomic():
        delivery = MessageDelivery.objects.select_for_update().get(pk=delivery_pk)
        delivery.attempts += 1
        delivery.leased_until = None
        delivery.last_attempt_at = timezone.now()
        if failure is None:
            delivery.status, delivery.sent_at = MessageStatus.SENT, delivery.last_attempt_at
        else:
            error, permanent = failure
            delivery.last_error = error[:500]
            delivery.status = MessageStatus.FAILED if permanent or last else MessageStatus.RETRYING
        delivery.save()
        if delivery.status == MessageStatus.SENT and delivery.purpose in _sent_handlers:
            _sent_handlers[delivery.purpose](delivery=delivery)
    return delivery.status


@transaction.atomic
def message_delivery_retry(*, delivery: MessageDelivery, actor) -> MessageDelivery:
    """Send a failed message again (e.g. once the mail server is fixed), with a fresh round of attempts."""
    require_role(actor, *MESSAGE_ROLES)
    delivery = MessageDelivery.objects.select_for_update().get(pk=delivery.pk)
    if not delivery.may_send_again:
        raise ValidationError({"status": [_("Only a failed message can be sent again.")]})
    before = {"status": delivery.status, "attempts": delivery.attempts, "last_error": delivery.last_error}
    delivery.status, delivery.leased_until = MessageStatus.PENDING, None
    delivery.save(update_fields=["status", "leased_until"])
    audit_record(actor=actor, action="message.retry", obj=delivery, before=before,
                 after={"status": delivery.status}, enterprise_id=delivery.enterprise_id)
    message_attempt_task.delay_on_commit(delivery.pk)
    return delivery


def messages_sweep(*, now=None) -> int:
    """Queue again the pending or retrying deliveries no task is working on: their message was lost (a broker
    restarted without its queue). Quiet longer than the longest backoff, and no live lease."""
    now = now or timezone.now()
    quiet_since = now - timedelta(seconds=settings.CIQ["MESSAGE_BACKOFF_CAP_SECONDS"]) - LEASE
    stuck = list(MessageDelivery.objects
                 .filter(status__in=[MessageStatus.PENDING, MessageStatus.RETRYING])
                 .filter(Q(last_attempt_at__lt=quiet_since) | Q(last_attempt_at__isnull=True,
                                                                created_at__lt=quiet_since))
                 .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
                 .values_list("pk", flat=True)[:1000])
    for pk in stuck:
        message_attempt_task.delay(pk)
    return len(stuck)


# --- reads -----------------------------------------------------------------------------------------------------


def message_delivery_list(*, user):
    """Every delivery, newest first, for supervisors and administrators; nothing for anyone else."""
    if not has_role(user, *MESSAGE_ROLES):
        return MessageDelivery.objects.none()
    return MessageDelivery.objects.select_related("created_by").order_by("-created_at", "-id")


__all__ = [
    "MessageChannel", "MessagePurpose", "MessageStatus", "message_attempt", "message_channel_for",
    "message_delivery_list", "message_delivery_retry", "message_send", "message_sent_handler_register",
    "messages_sweep",
    "phone_number_normalise",
]
