"""The audit log's published heads, after Certificate Transparency (RFC 6962): the last signed head of each day is
published on /public/audit/ (and its JSON) and pushed to partner agencies (event ``audit.head_published``, and
``GET /api/v1/audit-heads/``), so that copies kept outside the bureau catch a rewrite of the log even by someone who
also rewrote the database's own heads (``manage.py audit_verify --against``).
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from .audit import head_signed
from .models import AuditChainHead, AuditHead, EventType
from .notifications import notification_publish


def head_record(head: AuditHead) -> dict:
    """A head as published: what an outsider keeps and checks (the signature is over ``signed``, canonical JSON)."""
    first = head.day_first_seq if head.day_first_seq is not None else head.first_seq
    return {"day": head.published_day.isoformat() if head.published_day else None, "rows": [first, head.last_seq],
            "head_hash": head.head_hash, "key_id": head.key_id, "signed": head_signed(head),
            "signature": head.signature,
            "published_at": head.published_at.isoformat() if head.published_at else None}


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=timezone.get_current_timezone())


def audit_heads_publish(*, today: date | None = None) -> list[date]:
    """Publish the last signed head of every ended day not yet published, oldest first (idempotent); each is pushed
    to the partner agencies that hold the scope ``audit_heads:read``. Returns the days published."""
    today = today or timezone.localdate()
    published = []
    with transaction.atomic():
        AuditChainHead.objects.select_for_update().get_or_create(pk=1)  # one publisher at a time, and no seal beside
        last = AuditHead.objects.filter(published_day__isnull=False).order_by("-last_seq").first()
        after = last.last_seq if last else 0
        while True:
            following = (AuditHead.objects.filter(last_seq__gt=after, sealed_at__lt=_day_start(today))
                         .order_by("last_seq").first())
            if following is None:
                return published
            day = timezone.localdate(following.sealed_at)
            head = (AuditHead.objects.filter(last_seq__gt=after, sealed_at__lt=_day_start(day + timedelta(days=1)))
                    .order_by("-last_seq").first())
            head.published_day, head.day_first_seq, head.published_at = day, after + 1, timezone.now()
            head.save(update_fields=["published_day", "day_first_seq", "published_at"])
            notification_publish(event_type=EventType.AUDIT_HEAD, payload=head_record(head),
                                 audience=("agency", "bureau"), reference=day.isoformat(), in_app=False)
            published.append(day)
            after = head.last_seq


def published_heads():
    """The published heads, newest first (public)."""
    return AuditHead.objects.filter(published_day__isnull=False).order_by("-published_day")


def latest_head() -> AuditHead | None:
    """The newest signed head (today's so far, until its day is published)."""
    return AuditHead.objects.order_by("-last_seq").first()
