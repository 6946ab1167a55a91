"""The audit log against an insider: signed heads, published days, heads kept outside, key rotation.

The insider here can write anything to the database (rows, the chain head, the signed heads) but does not hold the
bureau's signing key, which lives in a file (ciq_portal/signing.py)."""

import json
from datetime import datetime, time, timedelta
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIClient

from ciq_portal import signing
from ciq_portal.audit import audit_record, audit_seal, audit_verify, audit_verify_against, row_digest
from ciq_portal.models import AgencyScope, AuditChainHead, AuditEntry, AuditHead, EventType, OutboxEvent
from ciq_portal.transparency import audit_heads_publish, head_record

from .factories import make_key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_key(settings, tmp_path):
    """A key of this test's own, in a file, with its key ring beside it."""
    settings.CIQ = {**settings.CIQ, "SIGNING_KEY": "", "SIGNING_KEY_FILE": str(tmp_path / "keys" / "signing.pem"),
                    "SIGNING_KEYRING": str(tmp_path / "keys" / "keyring.json")}
    signing.key_generate(tmp_path / "keys" / "signing.pem")
    return tmp_path / "keys"


def _rows(n, start=0):
    for k in range(start, start + n):
        audit_record(actor=None, action="thing.change", object_type="tests.thing", object_id=k, before={"n": k},
                     after={"n": k + 1})


def _sealed_on(day, n, start=0):
    """Write and seal ``n`` rows as if it were noon of ``day``."""
    _rows(n, start)
    noon = datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())
    with mock.patch("django.utils.timezone.now", return_value=noon):
        audit_seal()


def _rechain_from(seq):
    """What an insider with SHA-256 but without the key does after editing a row: recompute every hash after it."""
    previous = AuditEntry.objects.get(seq=seq - 1).row_hash if seq > 1 else ""
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        entry.prev_hash = previous
        entry.row_hash = previous = row_digest(entry, previous, entry.seq)
        entry.save(update_fields=["prev_hash", "row_hash"])
    AuditChainHead.objects.filter(pk=1).update(last_hash=previous)


def test_each_sealing_run_signs_its_head_with_the_key_id():
    _rows(3)
    audit_seal()
    _rows(2, 3)
    audit_seal()
    heads = list(AuditHead.objects.order_by("first_seq"))
    assert [(h.first_seq, h.last_seq) for h in heads] == [(1, 3), (4, 5)]
    active = signing.public_keys()[0]
    assert all(h.key_id == active.key_id for h in heads)
    assert heads[1].prev_hash == heads[0].head_hash == AuditEntry.objects.get(seq=3).row_hash
    report = audit_verify()
    assert report.ok and report.checked == 5, report.problem


def test_a_row_edited_and_rechained_with_sha256_is_named():
    _rows(6)
    audit_seal()
    edited = AuditEntry.objects.get(seq=3)
    AuditEntry.objects.filter(pk=edited.pk).update(after={"n": 999})
    _rechain_from(3)
    report = audit_verify()  # the chain itself is consistent again: only the signed head can tell
    assert not report.ok
    assert f"row id={edited.pk} seq=3" in report.problem and "not the row that was sealed and signed" in report.problem
    with pytest.raises(CommandError, match=f"id={edited.pk} seq=3"):
        call_command("audit_verify")


def test_a_signed_head_rewritten_to_match_does_not_verify():
    _rows(4)
    audit_seal()
    AuditEntry.objects.filter(seq=2).update(after={"n": -1})
    _rechain_from(2)
    head = AuditHead.objects.get()
    head.row_hashes = b"".join(bytes.fromhex(h) for h in AuditEntry.objects.order_by("seq")
                               .values_list("row_hash", flat=True))
    head.head_hash = AuditEntry.objects.get(seq=4).row_hash
    head.save()
    report = audit_verify()
    assert not report.ok and "does not verify against the bureau's public keys" in report.problem


def test_heads_signed_by_a_key_of_the_insiders_own_do_not_verify(own_key, settings, tmp_path):
    _rows(2)
    audit_seal()
    settings.CIQ = {**settings.CIQ, "SIGNING_KEY_FILE": str(tmp_path / "insider.pem"),
                    "SIGNING_KEYRING": str(tmp_path / "insider.json")}
    signing.key_generate(tmp_path / "insider.pem")
    insider_keys = signing.public_keys()
    settings.CIQ = {**settings.CIQ, "SIGNING_KEY_FILE": str(own_key / "signing.pem"),
                    "SIGNING_KEYRING": str(own_key / "keyring.json")}
    assert audit_verify().ok
    report = audit_verify(keys=insider_keys)
    assert not report.ok and "does not verify" in report.problem


def test_rows_appended_without_the_key_are_flagged():
    _rows(3)
    audit_seal()
    head = AuditChainHead.objects.get()
    extra = AuditEntry.objects.create(actor_username="insider", action="thing.change", object_type="tests.thing",
                                      object_id="x", seq=4, prev_hash=head.last_hash)
    extra.row_hash = row_digest(extra, head.last_hash, 4)
    extra.save(update_fields=["row_hash"])
    AuditChainHead.objects.filter(pk=1).update(last_seq=4, last_hash=extra.row_hash, signed_seq=4)
    report = audit_verify()
    assert not report.ok and f"row id={extra.pk} seq=4: no signed head covers it" in report.problem


def test_the_last_days_rows_deleted_with_their_heads_are_detected_against_the_published_head(client, tmp_path):
    today = timezone.localdate()
    _sealed_on(today - timedelta(days=2), 3)
    _sealed_on(today - timedelta(days=1), 3, start=3)
    assert audit_heads_publish() == [today - timedelta(days=2), today - timedelta(days=1)]
    kept = client.get("/public/audit/heads.json").json()  # what an outsider downloaded and kept
    assert [h["rows"] for h in kept["heads"]] == [[1, 3], [4, 6]]

    # The insider removes yesterday: its rows, its signed head, and moves the chain head back.
    AuditEntry.objects.filter(seq__gte=4).delete()
    AuditHead.objects.filter(last_seq__gte=4).delete()
    three = AuditEntry.objects.get(seq=3)
    AuditChainHead.objects.filter(pk=1).update(last_seq=3, last_hash=three.row_hash, signed_seq=3)
    assert audit_verify().ok  # the database alone cannot tell

    report = audit_verify_against(kept["heads"])
    assert not report.ok
    assert "row seq=4 is missing" in report.problem and str(today - timedelta(days=1)) in report.problem
    path = tmp_path / "kept.json"
    path.write_text(json.dumps(kept))
    with pytest.raises(CommandError, match="row seq=4 is missing"):
        call_command("audit_verify", "--against", str(path))


def test_a_rewrite_is_detected_against_a_kept_head_when_the_databases_heads_were_replaced_too():
    today = timezone.localdate()
    _sealed_on(today - timedelta(days=1), 4)
    audit_heads_publish()
    kept = [head_record(AuditHead.objects.get())]
    edited = AuditEntry.objects.get(seq=2)
    AuditEntry.objects.filter(pk=edited.pk).update(after={"n": 0})
    _rechain_from(2)
    AuditHead.objects.all().delete()  # and re-seal everything as if it were new, without the bureau's signature
    AuditChainHead.objects.filter(pk=1).update(signed_seq=0)
    with mock.patch.object(signing, "sign_payload", return_value=({"key_id": "0" * 16}, "forged")):
        audit_seal()
    report = audit_verify_against(kept)
    assert not report.ok and "seq=4 no longer ends the chain the bureau published" in report.problem


def test_a_kept_head_whose_signature_was_forged_is_refused():
    _sealed_on(timezone.localdate() - timedelta(days=1), 2)
    audit_heads_publish()
    record = head_record(AuditHead.objects.get())
    record["signed"]["head_hash"] = "0" * 64
    report = audit_verify_against([record])
    assert not report.ok and "not a head the bureau signed" in report.problem


def test_key_rotation_keeps_old_heads_verifiable(client):
    _rows(2)
    audit_seal()
    old = AuditHead.objects.get().key_id
    old_id, new = signing.key_rotate()
    assert old_id == old and new.key_id != old
    _rows(2, 2)
    audit_seal()
    assert list(AuditHead.objects.order_by("first_seq").values_list("key_id", flat=True)) == [old, new.key_id]
    assert audit_verify().ok
    published = client.get("/public/keys/keys.json").json()["keys"]
    assert [(k["key_id"], k["status"]) for k in published] == [(new.key_id, "active"), (old, "retired")]
    assert audit_verify(keys=signing.public_keys_from_json({"keys": published})).ok
    pem = client.get(f"/public/keys/{old}.pem")
    assert pem.status_code == 200 and b"BEGIN PUBLIC KEY" in pem.content
    assert client.get("/public/keys/0000000000000000.pem").status_code == 404


def test_rows_sealed_before_heads_were_signed_are_signed_by_the_next_seal():
    _rows(3)
    audit_seal()
    AuditHead.objects.all().delete()
    AuditChainHead.objects.filter(pk=1).update(signed_seq=0)  # as left by the version that did not sign
    assert not audit_verify().ok
    _rows(1, 3)
    audit_seal()
    assert [(h.first_seq, h.last_seq) for h in AuditHead.objects.order_by("first_seq")] == [(1, 3), (4, 4)]
    assert audit_verify().ok


def test_each_ended_day_is_published_once_and_pushed_to_agencies(roles):
    today = timezone.localdate()
    _sealed_on(today - timedelta(days=3), 2)
    _sealed_on(today - timedelta(days=3), 1, start=2)
    _sealed_on(today - timedelta(days=1), 2, start=3)
    _rows(1, 5)
    audit_seal()  # today's: not published before the day ends
    assert audit_heads_publish() == [today - timedelta(days=3), today - timedelta(days=1)]
    assert audit_heads_publish() == []
    day3 = AuditHead.objects.get(published_day=today - timedelta(days=3))
    assert (day3.day_first_seq, day3.last_seq) == (1, 3)
    events = OutboxEvent.objects.filter(event_type=EventType.AUDIT_HEAD).order_by("created_at")
    assert [e.payload["day"] for e in events] == [str(today - timedelta(days=3)), str(today - timedelta(days=1))]
    assert events[0].payload["rows"] == [1, 3] and events[0].audience == ["agency", "bureau"]
    assert signing.payload_signature_valid(events[0].payload["signed"], events[0].payload["signature"])

    _client, _key, raw = make_key(username="customs-gw", scopes=[AgencyScope.AUDIT_HEADS_READ])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    body = api.get("/api/v1/audit-heads/").json()
    assert [r["day"] for r in body["results"]] == [str(today - timedelta(days=1)), str(today - timedelta(days=3))]
    since = api.get("/api/v1/audit-heads/", {"since": str(today - timedelta(days=2))}).json()
    assert [r["rows"] for r in since["results"]] == [[4, 5]]
    assert api.get("/api/v1/audit-heads/", {"since": "yesterday"}).status_code == 400
    _other, _k, raw_without = make_key(username="port-gw", scopes=[AgencyScope.LOGISTICS_PUSH])
    denied = APIClient()
    denied.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw_without}")
    response = denied.get("/api/v1/audit-heads/")
    assert response.status_code == 403 and response.json()["code"] == "missing_scope"


@pytest.mark.parametrize("language, words", [("en", ["Audit log: published heads", "The rule", "Signing keys"]),
                                             ("zh-hans", ["审计日志", "规则", "签名密钥"])])
def test_the_public_pages_read_in_both_languages_and_link_to_each_other(client, language, words):
    _sealed_on(timezone.localdate() - timedelta(days=1), 2)
    audit_heads_publish()
    head = AuditHead.objects.get()
    page = client.get("/public/audit/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for word in words:
        assert word in page
    assert head.head_hash in page and head.signature in page and "/public/keys/" in page
    assert "/public/draws/" in page and "/verify/" in page
    keys = client.get("/public/keys/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert head.key_id in keys and "BEGIN PUBLIC KEY" in keys and "/public/audit/" in keys
