"""The journal's batch: rows inserted when the block ends (or dropped with it), and rows locked and written once per
batch."""

import pytest

from ciq_portal.journal import batch_lock, batch_save, journal_batch, journal_save
from ciq_portal.models import EventType, Notification

pytestmark = pytest.mark.django_db


def notification_for(user, n):
    return Notification(user=user, event_type=EventType.STATUS_CHANGED, message=f"message {n}")


def test_rows_written_in_a_batch_are_inserted_when_it_ends(declarant_a):
    with journal_batch():
        journal_save(notification_for(declarant_a, 1))
        journal_save(notification_for(declarant_a, 2), notification_for(declarant_a, 3))
        assert not Notification.objects.filter(user=declarant_a).exists()
    assert sorted(Notification.objects.filter(user=declarant_a).values_list("message", flat=True)) == [
        "message 1", "message 2", "message 3"]


def test_rows_of_a_batch_that_raises_are_dropped(declarant_a):
    with pytest.raises(RuntimeError), journal_batch():
        journal_save(notification_for(declarant_a, 1))
        raise RuntimeError("the pipeline failed")
    assert not Notification.objects.filter(user=declarant_a).exists()
    journal_save(notification_for(declarant_a, 2))  # outside a batch: inserted at once
    assert Notification.objects.filter(user=declarant_a).count() == 1


def test_a_batch_locks_each_instance_once(declarant_a):
    locks = []
    first, same_row_again = declarant_a, type(declarant_a).objects.get(pk=declarant_a.pk)

    def lock(instance):
        return lambda: locks.append(instance)

    batch_lock(first, lock(first))
    batch_lock(first, lock(first))
    assert locks == [first, first]  # no batch: every call locks

    locks.clear()
    with journal_batch():
        batch_lock(first, lock(first))
        batch_lock(first, lock(first))
        batch_lock(same_row_again, lock(same_row_again))  # another instance may be stale: locked and reloaded
    assert locks == [first, same_row_again]

    locks.clear()
    with journal_batch():  # a new batch (a new transaction) locks again
        batch_lock(first, lock(first))
    assert locks == [first]


def test_a_batch_writes_each_changed_instance_once_with_every_changed_field(declarant_a,
                                                                            django_assert_num_queries):
    user, model = declarant_a, type(declarant_a)
    user.first_name = "Outside"
    with django_assert_num_queries(1):  # no batch: saved at once
        batch_save(user, ["first_name"])
    with django_assert_num_queries(2), journal_batch():  # the check below, and one UPDATE for both saves
        user.first_name, user.last_name = "Mei", "Chen"
        batch_save(user, ["first_name"])
        batch_save(user, ["last_name"])
        assert model.objects.get(pk=user.pk).first_name == "Outside"  # not yet written
        user.email = "not-asked-for@example.com"
    row = model.objects.get(pk=user.pk)
    assert (row.first_name, row.last_name) == ("Mei", "Chen") and row.email != user.email  # the fields asked for

    with pytest.raises(RuntimeError), journal_batch():
        user.first_name = "Dropped"
        batch_save(user, ["first_name"])
        raise RuntimeError("the pipeline failed")
    assert model.objects.get(pk=user.pk).first_name == "Mei"
