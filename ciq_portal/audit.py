"""The append-only, hash-chained audit log, with signed heads.

Services call :func:`audit_record` inside their transaction; the row commits with the change. Rows are chained
afterwards by :func:`audit_seal` in batches, under one lock on the chain head, so concurrent writers never
queue behind one another; each batch's head is signed with the bureau's Ed25519 key (ciq_portal/signing.py, never in
the database) and kept as an :class:`AuditHead`, whose last of each day is published (ciq_portal/transparency.py).
:func:`audit_verify` re-computes the chain, checks it against the signed heads and names the first bad row, so a
row rewritten with the chain recomputed after it is caught by anyone without the key;
:func:`audit_verify_against` checks the chain against heads an outsider kept, which also catches rows removed
together with their heads.

Personal data (``personal=``) is kept beside the row and covered by the chain only through a salted digest, so it
can be masked after its retention (:func:`audit_personal_mask`) without breaking the chain.
"""

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from . import signing
from .journal import journal_follow_up, journal_save
from .models import AuditChainHead, AuditEntry, AuditHead
from .request_context import client_address
from .tasks import audit_seal_task

SEAL_PENDING_KEY = "ciq:audit-seal-pending"
SEAL_BATCH_SIZE = 5000


def _jsonable(value):
    return None if value is None else json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def audit_record(
    *, actor, action: str, obj=None, object_type: str = "", object_id="", before=None, after=None,
    enterprise_id=None, personal: dict | None = None,
) -> AuditEntry:
    """Write one audit row in the caller's transaction (ciq_portal.journal) and queue the chain sealing for after
    commit. ``personal``: {name: text} of personal data (a buyer's phone, a person's name), chained only by its
    salted digest so that it can be masked after its retention."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    kept, digests = {}, {}
    for name, value in (personal or {}).items():
        if value in (None, ""):
            continue
        salt = secrets.token_hex(16)
        kept[name] = {"value": str(value), "salt": salt}
        digests[name] = personal_digest(salt, str(value))
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
        personal=kept,
        personal_digests=digests,
    )
    journal_save(entry, after_commit=_queue_seal)
    return entry


def _queue_seal():
    # A seal chains every row committed before it starts.
    journal_follow_up(SEAL_PENDING_KEY, audit_seal_task)


def personal_digest(salt: str, value: str) -> str:
    # Salted, and the salt goes with the value when it is masked: a short value such as a phone number cannot be
    # found again from the digest by trying every number.
    return hashlib.sha256(f"{salt}|{value}".encode()).hexdigest()


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
    if entry.personal_digests:  # absent from rows without personal data, so rows chained before it still verify
        payload["personal"] = entry.personal_digests
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), cls=DjangoJSONEncoder)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def audit_seal(*, batch_size: int = SEAL_BATCH_SIZE) -> int:
    """Chain every committed unsealed row, oldest first, and sign each batch's head; returns how many rows were
    sealed."""
    cache.delete(SEAL_PENDING_KEY)
    sealed = 0
    while True:
        with transaction.atomic():
            head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
            if head.signed_seq < head.last_seq:
                _heads_catch_up(head, batch_size)
            batch = list(AuditEntry.objects.filter(seq__isnull=True).order_by("id")[:batch_size])
            if not batch:
                return sealed
            seq, prev = head.last_seq, head.last_hash
            first_prev = prev
            for entry in batch:
                seq += 1
                entry.seq, entry.prev_hash = seq, prev
                entry.row_hash = prev = row_digest(entry, prev, seq)
            _chain_write(batch)
            now = timezone.now()
            _head_sign(first_seq=batch[0].seq, prev_hash=first_prev, row_hashes=[e.row_hash for e in batch],
                       sealed_at=now)
            head.last_seq, head.last_hash, head.sealed_at, head.signed_seq = seq, prev, now, seq
            head.save(update_fields=["last_seq", "last_hash", "sealed_at", "signed_seq"])
            sealed += len(batch)


def _heads_catch_up(head: AuditChainHead, batch_size: int) -> None:
    """Sign heads for rows sealed before heads were signed (the first sealing run after the upgrade)."""
    while head.signed_seq < head.last_seq:
        rows = list(AuditEntry.objects.filter(seq__gt=head.signed_seq).order_by("seq")
                    .values_list("seq", "prev_hash", "row_hash")[:batch_size])
        if not rows:
            return
        _head_sign(first_seq=rows[0][0], prev_hash=rows[0][1], row_hashes=[r[2] for r in rows],
                   sealed_at=timezone.now())
        head.signed_seq = rows[-1][0]


def head_signed_fields(*, first_seq: int, last_seq: int, prev_hash: str, head_hash: str, row_hashes: bytes,
                       sealed_at) -> dict:
    """What the signature of a head covers (the key id is added by the signing)."""
    return {"type": "ciq-audit-head/v1", "first_seq": first_seq, "last_seq": last_seq, "prev_hash": prev_hash,
            "head_hash": head_hash, "rows_sha256": hashlib.sha256(row_hashes).hexdigest(),
            "sealed_at": sealed_at.astimezone(UTC).isoformat(timespec="microseconds")}


def head_signed(head: AuditHead) -> dict:
    """The signed payload of a stored head, as it was signed (a change to any of its fields breaks the signature)."""
    return {**head_signed_fields(first_seq=head.first_seq, last_seq=head.last_seq, prev_hash=head.prev_hash,
                                 head_hash=head.head_hash, row_hashes=bytes(head.row_hashes),
                                 sealed_at=head.sealed_at),
            "key_id": head.key_id}


def _head_sign(*, first_seq: int, prev_hash: str, row_hashes: list[str], sealed_at) -> AuditHead:
    packed = b"".join(bytes.fromhex(h) for h in row_hashes)
    last_seq = first_seq + len(row_hashes) - 1
    signed, signature = signing.sign_payload(head_signed_fields(
        first_seq=first_seq, last_seq=last_seq, prev_hash=prev_hash, head_hash=row_hashes[-1], row_hashes=packed,
        sealed_at=sealed_at))
    return AuditHead.objects.create(first_seq=first_seq, last_seq=last_seq, prev_hash=prev_hash,
                                    head_hash=row_hashes[-1], row_hashes=packed, sealed_at=sealed_at,
                                    key_id=signed["key_id"], signature=signature)


def _chain_write(batch: list[AuditEntry]) -> None:
    # One parameterised UPDATE run for every row (psycopg pipelines it): bulk_update's CASE expression over a batch
    # cost the sealing worker twenty times the hashing itself.
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET seq = %s, prev_hash = %s, row_hash = %s WHERE id = %s",
                           [(entry.seq, entry.prev_hash, entry.row_hash, entry.pk) for entry in batch])


def audit_personal_mask(*, object_type: str, object_ids) -> int:
    """Drop the personal values (and their salts) of the audit rows about these objects, past their retention; the
    chain keeps their digests, so it verifies as before. Returns how many rows were masked."""
    masked_at = timezone.now().isoformat(timespec="seconds")
    rows = list(AuditEntry.objects.filter(object_type=object_type, object_id__in=[str(pk) for pk in object_ids])
                .exclude(personal={}).only("pk", "personal"))
    for row in rows:
        row.personal = {name: {"masked_at": kept.get("masked_at", masked_at)} for name, kept in row.personal.items()}
    AuditEntry.objects.bulk_update(rows, ["personal"], batch_size=500)
    return len(rows)


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    unsealed: int
    problem: str = ""


class _Broken(Exception):
    pass


class _SignedHeads:
    """The signed heads in order, checked one by one as the walk of the rows reaches them."""

    def __init__(self, keys):
        self.keys = keys
        self.heads = AuditHead.objects.order_by("first_seq").iterator(chunk_size=100)
        self.current = None
        self.hashes = b""
        self.last_seq, self.last_hash = 0, ""

    def _advance(self) -> bool:
        head = next(self.heads, None)
        if head is None:
            self.current = None
            return False
        where = f"the signed head of rows {head.first_seq}–{head.last_seq} (sealed {head.sealed_at:%Y-%m-%d %H:%M:%S})"
        if not signing.payload_signature_valid(head_signed(head), head.signature, self.keys):
            raise _Broken(f"{where} does not verify against the bureau's public keys (key {head.key_id}): "
                          "it was altered or not signed by the bureau")
        if head.first_seq != self.last_seq + 1 or head.prev_hash != self.last_hash:
            raise _Broken(f"{where} does not follow the signed head before it (which ends at row {self.last_seq}): "
                          "a signed head was removed or replaced")
        self.current, self.hashes = head, bytes(head.row_hashes)
        self.last_seq, self.last_hash = head.last_seq, head.head_hash
        return True

    def check(self, entry: AuditEntry) -> None:
        while self.current is None or entry.seq > self.current.last_seq:
            if not self._advance():
                raise _Broken(f"row id={entry.pk} seq={entry.seq}: no signed head covers it (rows added to the chain "
                              "by someone without the bureau's key, or sealed before signing: `audit_verify --seal`)")
        offset = (entry.seq - self.current.first_seq) * 32
        if self.hashes[offset:offset + 32].hex() != entry.row_hash:
            raise _Broken(f"row id={entry.pk} seq={entry.seq}: not the row that was sealed and signed at "
                          f"{self.current.sealed_at:%Y-%m-%d %H:%M:%S} (it was changed and the chain recomputed "
                          "after it)")

    def finish(self, checked: int) -> None:
        if (self.current is not None and self.current.last_seq > checked) or self._advance():
            raise _Broken(f"rows {checked + 1}–{self.last_seq} are missing: the signed head sealed at "
                          f"{self.current.sealed_at:%Y-%m-%d %H:%M:%S} covers rows up to {self.last_seq} "
                          "(rows at the tail were removed)")


def audit_verify(*, keys: list | None = None) -> ChainReport:
    """Walk the sealed chain in order, against the signed heads (checked with ``keys``, by default the configured key
    ring); the first row or head that breaks it is named in ``problem``."""
    head = AuditChainHead.objects.filter(pk=1).first()
    signed = _SignedHeads(signing.public_keys() if keys is None else keys)
    expected_seq, prev = 1, ""
    checked = 0
    try:
        for entry in AuditEntry.objects.filter(seq__isnull=False).order_by("seq").iterator(chunk_size=2000):
            if entry.seq != expected_seq:
                raise _Broken(f"row id={entry.pk}: sequence {entry.seq}, expected {expected_seq} "
                              "(a row before it was deleted or moved)")
            if entry.prev_hash != prev:
                raise _Broken(f"row id={entry.pk} seq={entry.seq}: does not follow the row before it")
            if row_digest(entry, prev, entry.seq) != entry.row_hash:
                raise _Broken(f"row id={entry.pk} seq={entry.seq}: content changed since sealing")
            for name, kept in (entry.personal or {}).items():
                if "value" in kept and personal_digest(kept.get("salt", ""), kept["value"]) != \
                        (entry.personal_digests or {}).get(name):
                    raise _Broken(f"row id={entry.pk} seq={entry.seq}: personal data “{name}” changed since sealing")
            signed.check(entry)
            prev = entry.row_hash
            expected_seq += 1
            checked += 1
        last_seq = head.last_seq if head else 0
        if checked != last_seq or (head and head.last_hash != prev):
            raise _Broken(f"chain ends at seq {checked} but the head records seq {last_seq} "
                          "(rows at the tail were removed)")
        signed.finish(checked)
    except _Broken as broken:
        return ChainReport(False, checked, 0, str(broken))
    unsealed = AuditEntry.objects.filter(seq__isnull=True).count()
    return ChainReport(True, checked, unsealed)


def audit_verify_against(kept_heads: list[dict], *, keys: list | None = None) -> ChainReport:
    """Check the chain against heads an outsider kept (as published on /public/audit/heads.json or pushed to the
    agencies: ``{"day", "signed": {...}, "signature"}``), then walk it as :func:`audit_verify` does. A head kept
    outside whose rows are gone, or whose row no longer has the signed hash, is a rewrite by someone who also
    removed or replaced the database's own heads."""
    keys = signing.public_keys() if keys is None else keys
    last_row = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", flat=True).first() or 0
    matched = 0
    for kept in sorted(kept_heads, key=lambda h: int(h["signed"]["last_seq"])):
        head = kept["signed"]
        day = kept.get("day") or head.get("sealed_at", "")[:10]
        if not signing.payload_signature_valid(head, kept.get("signature", ""), keys):
            return ChainReport(False, 0, 0, f"the kept head of {day} (rows up to {head.get('last_seq')}) does not "
                                            "verify against the bureau's public keys: not a head the bureau signed")
        last_seq = int(head["last_seq"])
        if last_seq > last_row:
            return ChainReport(False, 0, 0, f"row seq={last_row + 1} is missing: the chain ends at row {last_row} but "
                                            f"the head the bureau published for {day} covers rows up to {last_seq} "
                                            "(rows were removed)")
        row = AuditEntry.objects.filter(seq=last_seq).values_list("pk", "row_hash").first()
        if row[1] != head["head_hash"]:
            report = audit_verify(keys=keys)
            first = report.problem if not report.ok else (
                f"one of rows {matched + 1}–{last_seq} (the database's own signed heads were replaced too)")
            return ChainReport(False, 0, 0, f"row id={row[0]} seq={last_seq} no longer ends the chain the bureau "
                                            f"published for {day}; first bad row: {first}")
        matched = last_seq
    return audit_verify(keys=keys)


def audit_trail(obj, *, limit: int = 50):
    """The change log of one object, newest first: its audit rows (the reference tables' pages show it)."""
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by(
        "-occurred_at", "-id")[:limit]
