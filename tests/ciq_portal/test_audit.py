import pytest
from django.core.management import CommandError, call_command

from ciq_portal.audit import audit_record, audit_seal, audit_verify
from ciq_portal.models import AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain():
    for n in range(6):
        audit_record(actor=None, action="thing.change", object_type="tests.thing", object_id=n,
                     before={"n": n}, after={"n": n + 1})
    audit_seal()
    return list(AuditEntry.objects.order_by("seq"))


def test_intact_chain_verifies(chain):
    report = audit_verify()
    assert report.ok and report.checked == 6
    call_command("audit_verify")


def test_rows_are_chained_in_order(chain):
    assert [e.seq for e in chain] == [1, 2, 3, 4, 5, 6]
    assert chain[0].prev_hash == "" and all(b.prev_hash == a.row_hash for a, b in zip(chain, chain[1:], strict=False))


def test_edited_row_is_named(chain):
    AuditEntry.objects.filter(pk=chain[2].pk).update(after={"n": 999})
    report = audit_verify()
    assert not report.ok and f"id={chain[2].pk}" in report.problem and "content changed" in report.problem
    with pytest.raises(CommandError, match=f"id={chain[2].pk}"):
        call_command("audit_verify")


def test_deleted_row_is_detected(chain):
    AuditEntry.objects.filter(pk=chain[3].pk).delete()
    report = audit_verify()
    assert not report.ok and f"id={chain[4].pk}" in report.problem


def test_reordered_rows_are_detected(chain):
    a, b = chain[1], chain[2]
    AuditEntry.objects.filter(pk=a.pk).update(seq=-1)
    AuditEntry.objects.filter(pk=b.pk).update(seq=a.seq)
    AuditEntry.objects.filter(pk=a.pk).update(seq=b.seq)
    report = audit_verify()
    assert not report.ok and f"id={b.pk}" in report.problem


def test_truncated_tail_is_detected(chain):
    AuditEntry.objects.filter(pk__in=[chain[-1].pk, chain[-2].pk]).delete()
    report = audit_verify()
    assert not report.ok and "tail" in report.problem


def test_new_rows_extend_the_chain(chain):
    audit_record(actor=None, action="thing.change", object_type="tests.thing", object_id=99)
    assert audit_verify().unsealed == 1
    audit_seal()
    report = audit_verify()
    assert report.ok and report.checked == 7
    assert AuditChainHead.objects.get().last_seq == 7


def test_audit_rows_commit_with_the_change_only(chain):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="thing.change", object_type="tests.thing", object_id=100)
        raise RuntimeError("the change fails")
    assert not AuditEntry.objects.filter(object_id="100").exists()
