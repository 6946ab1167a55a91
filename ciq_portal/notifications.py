"""Notifications: one service every app calls when something happens that others should hear about.

    from ciq_portal.notifications import notification_publish
    notification_publish(event_type=EventType.RELEASED, payload={...}, enterprise_id=declaration.enterprise_id,
                         reference=declaration.number, link=declaration_url)

:func:`notification_publish` runs inside the caller's transaction (the *outbox* pattern): it writes one
``OutboxEvent`` row and the in-app notifications, and queues the fan-out for after the commit, so an event
exists if and only if the change it describes was committed. After commit, :func:`outbox_dispatch_due` (one
task at a time for every event committed meanwhile) creates one ``WebhookDelivery`` per matching subscription
and :func:`webhook_attempt` POSTs it, signed (webhooks.py), retried with exponential backoff and jitter, logged
per attempt, dead-lettered after the last attempt, and replayable from the browser or the API
(:func:`webhook_delivery_replay`). A beat task (:func:`notifications_sweep`) catches outbox rows and retries
whose queue message was lost.

Who receives what:
- a declarant's subscription: only events of its own enterprise whose audience includes "declarant";
- an agency's subscription: events whose audience includes "agency", of the event types its scopes allow
  (:data:`EVENT_SCOPES`) and, for events addressed to one agency (``agency_id``), only that agency;
- a bureau subscription (supervisors, administrators): every event.
In-app notifications go to the enterprise's declarants (audience "declarant") and to ``recipients``.
"""

import json
import secrets
import uuid
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import webhooks
from .agencies import is_agency_principal, principal_scopes
from .audit import audit_record
from .i18n import stored_text
from .journal import journal_follow_up, journal_save
from .models import (
    AgencyClient,
    AgencyScope,
    DeliveryAttempt,
    DeliveryStatus,
    EventType,
    Notification,
    OutboxEvent,
    Subscription,
    User,
    WebhookDelivery,
)
from .reference import reference_cached
from .roles import Role, has_role
from .scoping import user_enterprise_id
from .tasks import outbox_dispatch_due_task, webhook_deliver_task

DECLARANT, AGENCY, BUREAU = "declarant", "agency", "bureau"
AUDIENCES = frozenset({DECLARANT, AGENCY, BUREAU})
DEFAULT_AUDIENCE = (DECLARANT, AGENCY, BUREAU)

# The scope an agency needs to subscribe to (and receive) each event type.
EVENT_SCOPES = {
    EventType.STATUS_CHANGED: AgencyScope.RELEASE_STATUS_READ,
    EventType.RELEASED: AgencyScope.RELEASE_STATUS_READ,
    EventType.DOCUMENTS_REQUESTED: AgencyScope.RELEASE_STATUS_READ,
    EventType.RECALL: AgencyScope.RELEASE_STATUS_READ,
    EventType.INSPECTION_SCHEDULED: AgencyScope.JOINT_INSPECTION,
    EventType.BULLETIN_PUBLISHED: AgencyScope.BULLETINS_READ,
    EventType.LOGISTICS: AgencyScope.LOGISTICS_PUSH,
    EventType.CASE_REFERRAL: AgencyScope.CASE_REFERRAL,
    EventType.AUDIT_HEAD: AgencyScope.AUDIT_HEADS_READ,
}
# Event types for the bureau's own systems only (no agency scope grants them).
BUREAU_EVENT_TYPES = frozenset({EventType.BUDGET_DEVIATION, EventType.INSPECTION_OVERDUE})
# Event types a declarant may subscribe to (case referrals are between authorities; the audit heads are for the
# agencies that keep them, and public on /public/audit/; the bureau's own event types are the bureau's business).
DECLARANT_EVENT_TYPES = frozenset(EventType.values) - {EventType.CASE_REFERRAL, EventType.AUDIT_HEAD} \
    - BUREAU_EVENT_TYPES
LEASE = timedelta(seconds=60)


class MissingScopeError(PermissionDenied):
    """The agency's credentials lack a scope the operation needs (the API answers 403 code "missing_scope")."""


# --- publishing ------------------------------------------------------------------------------------------------


def notification_publish(*, event_type: str, payload: dict, enterprise_id: int | None = None, audience=None,
                         agency_id: int | None = None, recipients=(), message: str | Callable[[], str] = "",
                         reference: str = "", link: str = "", in_app: bool = True, actor=None) -> OutboxEvent:
    """Record an event in the caller's transaction; subscribers and in-app notifications get it after commit.

    ``payload``: JSON-able data sent as the body's ``data`` (never risk reasons when declarants may receive it).
    ``enterprise_id``: the enterprise the event is about (tenancy: declarants receive only their own).
    ``audience``: any of "declarant", "agency", "bureau" (default all three).
    ``agency_id``: deliver to this agency's subscriptions only (e.g. a case referred to it).
    ``recipients``: users (or ids) who also get an in-app notification, e.g. the assigned officer.
    ``message``, ``reference``, ``link``: shown in the in-app notification (reference: e.g. a declaration number;
    message: a person's words, or a function that builds the bureau's text, kept in every language, ciq_portal.i18n).
    ``in_app``: False for events that only go to subscriptions (e.g. the status change behind a release, whose
    in-app notification is the release itself). ``actor``: who caused it; gets no in-app notification of it.
    """
    if event_type not in EventType.values:
        raise ValueError(f"unknown event type {event_type!r}")
    audience = sorted(set(audience or DEFAULT_AUDIENCE))
    if not set(audience) <= AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    data = dict(payload or {})
    if agency_id is not None:
        data.setdefault("agency_id", agency_id)
    event = OutboxEvent(event_id=uuid.uuid4(), event_type=event_type, payload=webhooks_jsonable(data),
                        enterprise_id=enterprise_id, audience=audience, created_at=timezone.now())
    user_ids = {getattr(r, "pk", r) for r in recipients} if in_app else set()
    if in_app and DECLARANT in audience and enterprise_id is not None and event_type in DECLARANT_EVENT_TYPES:
        user_ids |= _declarant_ids(enterprise_id)
    user_ids.discard(getattr(actor, "pk", None))
    text, translations = stored_text(message) if user_ids else ("", {})
    notifications = [Notification(user_id=user_id, event=event, event_type=event_type, message=text[:500],
                                  message_translations={code: t[:500] for code, t in translations.items()},
                                  reference=reference[:64], link=link[:300], created_at=event.created_at)
                     for user_id in sorted(user_ids)]
    with transaction.atomic(savepoint=False):  # the event and its notifications together, even with no caller's
        journal_save(event, *notifications, after_commit=_dispatch_pending)
    return event


def _declarant_ids(enterprise_id: int) -> frozenset[int]:
    """The declarant accounts of an enterprise, remembered for CIQ["NOTIFY_DECLARANT_CACHE_SECONDS"]: status
    changes come in bursts and accounts change rarely. A new colleague may miss the in-app notifications of the
    first seconds; webhooks are not affected."""
    return reference_cached(
        f"notify-declarants:{enterprise_id}",
        lambda: frozenset(User.objects.filter(enterprise_membership__enterprise_id=enterprise_id, is_active=True,
                                              groups__name=Role.DECLARANT).values_list("pk", flat=True)),
        seconds=settings.CIQ.get("NOTIFY_DECLARANT_CACHE_SECONDS", 30))


DISPATCH_PENDING_KEY = "ciq:outbox-dispatch-pending"
DISPATCH_BATCH_SIZE = 500


def _dispatch_pending():
    # A dispatch fans out every event committed before it starts.
    journal_follow_up(DISPATCH_PENDING_KEY, outbox_dispatch_due_task)


def notification_in_app_bulk(*, items) -> int:
    """In-app notifications only (no webhook), many at once, e.g. one per task of a dispatch batch.

    ``items``: iterables of dicts with ``user_id``, ``event_type``, and optionally ``message``, ``reference``,
    ``link``. One INSERT (on PostgreSQL one COPY: a dispatch of 10,000 tasks spent seconds in bulk_create), in the
    caller's transaction.
    """
    now = timezone.now()
    rows = [{"user_id": item["user_id"], "event_type": item["event_type"],
             "message": str(item.get("message", ""))[:500], "reference": str(item.get("reference", ""))[:64],
             "link": str(item.get("link", ""))[:300], "created_at": now}
            for item in items if item.get("user_id") and item.get("event_type") in EventType.values]
    if connection.vendor == "postgresql":
        _notifications_copy(rows)
    else:
        Notification.objects.bulk_create((Notification(**row) for row in rows), batch_size=1000)
    return len(rows)


def _notifications_copy(rows: list[dict]) -> None:
    columns = ("user_id", "event_type", "message", "reference", "link", "created_at")
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {Notification._meta.db_table} ({', '.join(columns)}, message_translations) "
                                "FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*(row[column] for column in columns), "{}"))


def webhooks_jsonable(data: dict) -> dict:
    return json.loads(webhooks.body_encode(data))


def _subscription_receives(subscription: Subscription, event: OutboxEvent, agency_of: dict) -> bool:
    if event.event_type not in subscription.event_types or not subscription.is_active:
        return False
    if not subscription.owner.is_active:
        return False
    if subscription.kind == Subscription.Kind.BUREAU:
        return True
    if subscription.kind == Subscription.Kind.DECLARANT:
        return (DECLARANT in event.audience and event.enterprise_id is not None
                and subscription.enterprise_id == event.enterprise_id
                and event.event_type in DECLARANT_EVENT_TYPES)
    if AGENCY not in event.audience:
        return False
    client = agency_of.get(subscription.owner_id)
    if client is None:
        return False
    target = event.payload.get("agency_id") if isinstance(event.payload, dict) else None
    if target is not None and client.agency_id != target:
        return False
    scopes = principal_scopes(subscription.owner)
    return EVENT_SCOPES.get(event.event_type) in scopes


def _fan_out(events: list[OutboxEvent]) -> list[int]:
    """Deliveries for the locked ``events`` not yet dispatched; returns the ids of every delivery still to send."""
    due = [event for event in events if event.dispatched_at is None]
    if due:
        candidates = list(Subscription.objects.select_related("owner").filter(is_active=True))
        agency_of = {c.user_id: c for c in AgencyClient.objects.select_related("agency").filter(
            user_id__in=[s.owner_id for s in candidates if s.kind == Subscription.Kind.AGENCY])}
        WebhookDelivery.objects.bulk_create(
            [WebhookDelivery(subscription=s, event=event) for event in due for s in candidates
             if _subscription_receives(s, event, agency_of)],
            ignore_conflicts=True,
        )
        OutboxEvent.objects.filter(pk__in=[event.pk for event in due]).update(dispatched_at=timezone.now())
    return list(WebhookDelivery.objects.filter(event__in=events, status=DeliveryStatus.PENDING, attempts=0)
                .order_by("pk").values_list("pk", flat=True))


def outbox_dispatch(*, event_pk: int) -> list[int]:
    """Fan one outbox event out into deliveries (idempotent) and return the ids of those to send now."""
    with transaction.atomic():
        event = OutboxEvent.objects.select_for_update().filter(pk=event_pk).first()
        return _fan_out([event]) if event is not None else []


def outbox_dispatch_due(*, batch_size: int = DISPATCH_BATCH_SIZE) -> list[int]:
    """Fan out every committed, undispatched event, oldest first, in batches; returns the deliveries to send.
    Rows another dispatcher holds are skipped (it is fanning them out)."""
    cache.delete(DISPATCH_PENDING_KEY)
    to_send: list[int] = []
    while True:
        with transaction.atomic():
            queryset = OutboxEvent.objects.filter(dispatched_at__isnull=True).order_by("pk")
            if connection.features.has_select_for_update_skip_locked:
                queryset = queryset.select_for_update(skip_locked=True)
            else:
                queryset = queryset.select_for_update()
            events = list(queryset[:batch_size])
            if not events:
                return to_send
            to_send += _fan_out(events)


# --- delivering ------------------------------------------------------------------------------------------------


def delivery_document(delivery: WebhookDelivery) -> dict:
    event = delivery.event
    return {"id": str(event.event_id), "type": event.event_type, "created_at": event.created_at,
            "enterprise_id": event.enterprise_id, "data": event.payload}


def webhook_attempt(*, delivery_pk: int, attempt: int) -> int | None:
    """Make attempt number ``attempt`` of a delivery; returns seconds until the next attempt, or None when done.

    Idempotent: the attempt is made only if it is the next one (``attempts == attempt - 1``) and no other worker
    holds the delivery, so a task that runs twice, or a message delivered twice, sends once.
    """
    now = timezone.now()
    with transaction.atomic():
        delivery = (WebhookDelivery.objects.select_for_update().select_related("subscription", "event")
                    .filter(pk=delivery_pk).first())
        if (delivery is None or delivery.status not in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING)
                or delivery.attempts != attempt - 1
                or (delivery.leased_until is not None and delivery.leased_until > now)):
            return None
        delivery.leased_until = now + LEASE
        delivery.save(update_fields=["leased_until"])
    subscription = delivery.subscription
    body = webhooks.body_encode(delivery_document(delivery))
    headers = {
        "X-CIQ-Event": delivery.event.event_type,
        "X-CIQ-Event-Id": str(delivery.event.event_id),
        "X-CIQ-Delivery": str(delivery.pk),
        "X-CIQ-Attempt": str(attempt),
        webhooks.SIGNATURE_HEADER: webhooks.signature_header(subscription.secret, int(now.timestamp()), body),
    }
    result = webhooks.send(url=subscription.url, body=body, headers=headers)
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_pk)
        delivery.attempts = attempt
        delivery.round_attempts += 1
        delivery.leased_until = None
        delivery.last_status_code = result.status_code
        delivery.last_error = result.error[:500]
        retry_in = None
        finished = timezone.now()
        if result.ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = DeliveryStatus.SUCCEEDED, finished, None
        elif delivery.round_attempts >= webhooks.max_attempts():
            delivery.status, delivery.dead_at, delivery.next_attempt_at = DeliveryStatus.DEAD, finished, None
        else:
            retry_in = webhooks.backoff_seconds(delivery.round_attempts)
            delivery.status, delivery.next_attempt_at = DeliveryStatus.RETRYING, finished + timedelta(seconds=retry_in)
        delivery.save()
        DeliveryAttempt.objects.create(
            delivery=delivery, number=attempt, started_at=now, duration_ms=result.duration_ms,
            status_code=result.status_code, ok=result.ok, error=result.error[:500],
            response_excerpt=result.response_excerpt[:500], retry_in=retry_in,
        )
    return retry_in


@transaction.atomic
def webhook_delivery_replay(*, delivery: WebhookDelivery, actor) -> WebhookDelivery:
    """Send a delivery again (a dead letter, or a delivered event the receiver lost): a fresh round of attempts."""
    delivery = WebhookDelivery.objects.select_for_update().select_related("subscription").get(pk=delivery.pk)
    if not delivery_may_manage(actor, delivery):
        raise PermissionDenied
    if delivery.status in (DeliveryStatus.PENDING, DeliveryStatus.RETRYING) and delivery.attempts == 0:
        raise ValidationError({"status": [_("This delivery has not been attempted yet.")]})
    before = {"status": delivery.status, "attempts": delivery.attempts}
    delivery.status = DeliveryStatus.PENDING
    delivery.round_attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.leased_until = None
    delivery.dead_at = None
    delivery.save()
    audit_record(actor=actor, action="webhook_delivery.replay", obj=delivery, before=before,
                 after={"status": delivery.status, "attempts": delivery.attempts},
                 enterprise_id=delivery.subscription.enterprise_id)
    webhook_deliver_task.delay_on_commit(delivery.pk, delivery.attempts + 1)
    return delivery


def notifications_sweep(*, older_than: timedelta | None = None) -> dict:
    """Re-queue what a lost message left behind: undispatched outbox rows, overdue retries, expired leases
    (``older_than`` their due time: CIQ["OUTBOX_SWEEP_AFTER"])."""
    now = timezone.now()
    cutoff = now - (older_than if older_than is not None else settings.CIQ["OUTBOX_SWEEP_AFTER"])
    events = OutboxEvent.objects.filter(dispatched_at__isnull=True, created_at__lt=cutoff).count()
    if events:
        outbox_dispatch_due_task.delay()
    stuck = list(WebhookDelivery.objects.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING])
                 .filter(Q(next_attempt_at__lt=cutoff) | Q(next_attempt_at__isnull=True, created_at__lt=cutoff))
                 .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
                 .values_list("pk", "attempts")[:1000])
    for pk, attempts in stuck:
        webhook_deliver_task.delay(pk, attempts + 1)
    return {"events": events, "deliveries": len(stuck)}


# --- subscriptions ---------------------------------------------------------------------------------------------


def subscription_kind_for(user, auth=None) -> str:
    if is_agency_principal(user, auth):
        return Subscription.Kind.AGENCY
    if has_role(user, Role.SUPERVISOR, Role.ADMINISTRATOR):
        return Subscription.Kind.BUREAU
    if has_role(user, Role.DECLARANT) and user_enterprise_id(user) is not None:
        return Subscription.Kind.DECLARANT
    raise PermissionDenied(_("Your role may not subscribe to events."))


def _event_types_validate(event_types, *, user, auth, kind) -> list[str]:
    event_types = list(dict.fromkeys(event_types or []))
    if not event_types:
        raise ValidationError({"event_types": [_("Choose at least one event type.")]})
    unknown = [t for t in event_types if t not in EventType.values]
    if unknown:
        raise ValidationError({"event_types": [_("Unknown event type: %(type)s.") % {"type": ", ".join(unknown)}]})
    if kind == Subscription.Kind.DECLARANT:
        refused = [t for t in event_types if t not in DECLARANT_EVENT_TYPES]
        if refused:
            raise ValidationError({"event_types": [_("Not available to declarants: %(type)s.")
                                                   % {"type": ", ".join(refused)}]})
    if kind == Subscription.Kind.AGENCY:
        refused = [t for t in event_types if t not in EVENT_SCOPES or t in BUREAU_EVENT_TYPES]
        if refused:
            raise ValidationError({"event_types": [_("Not available to partner agencies: %(type)s.")
                                                   % {"type": ", ".join(refused)}]})
        held = principal_scopes(user, auth)
        missing = sorted({EVENT_SCOPES[t] for t in event_types} - held)
        if missing:
            raise MissingScopeError(_("This operation needs the scope “%(scope)s”, which your credentials do not have.")
                               % {"scope": ", ".join(missing)})
    return event_types


def _secret_validate(secret: str) -> str:
    if len(secret) < 16:
        raise ValidationError({"secret": [_("Use at least 16 characters.")]})
    return secret


def _subscription_state(s: Subscription) -> dict:
    return {"url": s.url, "event_types": s.event_types, "is_active": s.is_active, "name": s.name, "kind": s.kind}


@transaction.atomic
def subscription_create(*, actor, url: str, event_types, secret: str = "", name: str = "", auth=None
                        ) -> tuple[Subscription, str]:
    """A subscription owned by ``actor``; returns it and its secret (generated when not given, shown once)."""
    kind = subscription_kind_for(actor, auth)
    event_types = _event_types_validate(event_types, user=actor, auth=auth, kind=kind)
    webhooks.target_validate(url)
    secret = _secret_validate(secret) if secret else "whsec_" + secrets.token_urlsafe(32)
    subscription = Subscription.objects.create(
        owner=actor, kind=kind,
        enterprise_id=user_enterprise_id(actor) if kind == Subscription.Kind.DECLARANT else None,
        name=name, url=url, secret=secret, event_types=event_types)
    audit_record(actor=actor, action="subscription.create", obj=subscription, after=_subscription_state(subscription),
                 enterprise_id=subscription.enterprise_id)
    return subscription, secret


@transaction.atomic
def subscription_update(*, subscription: Subscription, actor, auth=None, **changes) -> Subscription:
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    before = _subscription_state(subscription)
    if "event_types" in changes:
        subscription.event_types = _event_types_validate(changes["event_types"], user=actor, auth=auth,
                                                         kind=subscription.kind)
    if "secret" in changes and changes["secret"]:
        subscription.secret = _secret_validate(changes["secret"])
    # Only a new URL is checked: renaming or pausing must not fail because an old name's DNS changed (each POST
    # is checked anyway).
    if changes.get("url", subscription.url) != subscription.url:
        webhooks.target_validate(changes["url"])
    for field in ("url", "name", "is_active"):
        if field in changes:
            setattr(subscription, field, changes[field])
    subscription.save()
    audit_record(actor=actor, action="subscription.update", obj=subscription, before=before,
                 after=_subscription_state(subscription), enterprise_id=subscription.enterprise_id)
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: Subscription, actor) -> None:
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    audit_record(actor=actor, action="subscription.delete", obj=subscription, before=_subscription_state(subscription),
                 enterprise_id=subscription.enterprise_id)
    subscription.delete()


# --- in-app notifications --------------------------------------------------------------------------------------


def notification_mark_read(*, user, pks=None) -> int:
    """Mark the user's notifications (all, or those in ``pks``) read; returns how many changed.

    Not audited: reading a notification changes nothing the bureau is accountable for.
    """
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if pks is not None:
        rows = rows.filter(pk__in=pks)
    return rows.update(read_at=timezone.now())


# --- reads -----------------------------------------------------------------------------------------------------


def subscription_list(*, user):
    """Supervisors and administrators see every subscription; others their own."""
    rows = Subscription.objects.select_related("owner").order_by("-created_at", "-id")
    if has_role(user, Role.SUPERVISOR, Role.ADMINISTRATOR):
        return rows
    return rows.filter(owner=user)


def delivery_list(*, user, filters=None):
    rows = (WebhookDelivery.objects.select_related("subscription", "event", "subscription__owner")
            .order_by("-created_at", "-id"))
    if not has_role(user, Role.SUPERVISOR, Role.ADMINISTRATOR):
        rows = rows.filter(subscription__owner=user)
    filters = filters or {}
    if filters.get("status"):
        rows = rows.filter(status=filters["status"])
    if filters.get("event_type"):
        rows = rows.filter(event__event_type=filters["event_type"])
    if filters.get("subscription"):
        rows = rows.filter(subscription_id=filters["subscription"])
    return rows


def delivery_may_manage(user, delivery: WebhookDelivery) -> bool:
    return has_role(user, Role.SUPERVISOR, Role.ADMINISTRATOR) or delivery.subscription.owner_id == user.pk


def notification_list(*, user):
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


__all__ = [
    "AGENCY", "BUREAU", "DECLARANT", "EventType", "notification_publish", "notification_in_app_bulk",
    "outbox_dispatch", "webhook_attempt",
    "webhook_delivery_replay", "subscription_create", "subscription_update", "subscription_delete",
    "notification_mark_read", "notifications_sweep",
]
