"""The append-only, hash-chained audit log.

Services call :func:`audit_record` inside their transaction; the row commits with the change. Rows are chained
afterwards by :func:`audit_seal` in batches, under one lock on the chain head, so concurrent writers never
queue behind one another. :func:`audit_verify` re-computes the chain and names the first bad row.
"""

import hashlib
import json
from dataclasses import dataclass

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from .journal import journal_follow_up, journal_save
from .models import AuditChainHead, AuditEntry
from .request_context import client_address
from .tasks import audit_seal_task

SEAL_PENDING_KEY = "ciq:audit-seal-pending"
SEAL_BATCH_SIZE = 5000


def _jsonable(value):
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def audit_record(
    *, actor, action: str, obj=None, object_type: str = "", object_id="", before=None, after=None,
    enterprise_id=None,
) -> AuditEntry:
    """Write one audit row in the caller's transaction (ciq_portal.journal) and queue the chain sealing for after
    commit."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    entry = AuditEntry(
        actor_id=getattr(actor, "pk", None),
        actor_username=getattr(actor, "username", "") or "system",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        enterprise_id=enterprise_id,
        before=_jsonable(before),
        after=_jsonable(after),
        client_address=client_address.get(),
    )
    journal_save(entry, after_commit=_queue_seal)
    return entry


def _queue_seal():
    # A seal chains every row committed before it starts.
    journal_follow_up(SEAL_PENDING_KEY, audit_seal_task)


def row_digest(entry: AuditEntry, prev_hash: str, seq: int) -> str:
    payload = {
        "id": entry.pk,
        "seq": seq,
        "occurred_at": entry.occurred_at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_username": entry.actor_username,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "enterprise_id": entry.enterprise_id,
        "before": entry.before,
        "after": entry.after,
        "client_address": entry.client_address,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def audit_seal(*, batch_size: int = SEAL_BATCH_SIZE) -> int:
    """Chain every committed unsealed row, oldest first; returns how many rows were sealed."""
    cache.delete(SEAL_PENDING_KEY)
    sealed = 0
    while True:
        with transaction.atomic():
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
            batch = list(AuditEntry.objects.filter(seq__isnull=True).order_by("id")[:batch_size])
            if not batch:
                return sealed
            seq, prev = head.last_seq, head.last_hash
            for entry in batch:
                seq += 1
                entry.seq, entry.prev_hash = seq, prev
                entry.row_hash = prev = row_digest(entry, prev, seq)
            _chain_write(batch)
            head.last_seq, head.last_hash, head.sealed_at = seq, prev, timezone.now()
            head.save(update_fields=["last_seq", "last_hash", "sealed_at"])
            sealed += len(batch)


def _chain_write(batch: list[AuditEntry]) -> None:
    # One parameterised UPDATE run for every row (psycopg pipelines it): bulk_update's CASE expression over a batch
    # cost the sealing worker twenty times the hashing itself.
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET seq = %s, prev_hash = %s, row_hash = %s WHERE id = %s",
                           [(entry.seq, entry.prev_hash, entry.row_hash, entry.pk) for entry in batch])


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    unsealed: int
    problem: str = ""


def audit_verify() -> ChainReport:
    """Walk the sealed chain in order; the first row that breaks it is named in ``problem``."""
    head = AuditChainHead.objects.filter(pk=1).first()
    expected_seq, prev = 1, ""
    checked = 0
    for entry in AuditEntry.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
        if entry.seq != expected_seq:
            return ChainReport(False, checked, 0, f"row id={entry.pk}: sequence {entry.seq}, expected {expected_seq} "
                                                   "(a row before it was deleted or moved)")
        if entry.prev_hash != prev:
            return ChainReport(False, checked, 0,
                               f"row id={entry.pk} seq={entry.seq}: does not follow the row before it")
        if row_digest(entry, prev, entry.seq) != entry.row_hash:
            return ChainReport(False, checked, 0, f"row id={entry.pk} seq={entry.seq}: content changed since sealing")
        prev = entry.row_hash
        expected_seq += 1
        checked += 1
    last_seq = head.last_seq if head else 0
    if checked != last_seq or (head and head.last_hash != prev):
        return ChainReport(False, checked, 0, f"chain ends at seq {checked} but the head records seq {last_seq} "
                                               "(rows at the tail were removed)")
    unsealed = AuditEntry.objects.filter(seq__isnull=True).count()
    return ChainReport(True, checked, unsealed)
