from django.db import transaction

from ciq_portal.reference import reference_cached, reference_forget


def test_a_table_is_remembered_until_forgotten_and_forgotten_again_at_commit(db, django_capture_on_commit_callbacks):
    loads = []

    def load():
        loads.append(1)
        return len(loads)

    assert reference_cached("test-table", load) == 1
    assert reference_cached("test-table", load) == 1  # remembered: not loaded again
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        reference_forget("test-table")
        assert reference_cached("test-table", load) == 2  # read inside the change's transaction
    assert reference_cached("test-table", load) == 3  # forgotten again once it committed


def test_zero_seconds_turns_the_memory_off(settings):
    settings.CIQ = {**settings.CIQ, "REFERENCE_CACHE_SECONDS": 0}
    loads = []
    for _ in range(2):
        reference_cached("test-off", lambda: loads.append(1))
    assert len(loads) == 2
