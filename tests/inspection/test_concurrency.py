"""Two officers never hold the same task: 16 threads, each on its own database connection, claim 200 queued
tasks at once, 20 times over (PostgreSQL, SELECT ... FOR UPDATE SKIP LOCKED)."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from ciq_portal.roles import Role
from inspection.models import InspectionTask
from inspection.services import inspection_task_claim_next
from tests.factories import DeclarationFactory, UserFactory
from tests.inspection.factories import OfficerProfileFactory

THREADS, TASKS, REPETITIONS = 16, 200, 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_never_hand_out_a_task_twice(roles, enterprise_a):
    officers = [UserFactory(username=f"claimer{n}", role=Role.OFFICER) for n in range(THREADS)]
    for officer in officers:
        OfficerProfileFactory(user=officer)
    declarations = [DeclarationFactory(enterprise=enterprise_a) for _ in range(TASKS)]
    due = timezone.now() + timedelta(hours=8)
    InspectionTask.objects.bulk_create(
        InspectionTask(declaration=d, enterprise=enterprise_a, reason="random", priority=1 + i % 3, due_at=due)
        for i, d in enumerate(declarations))
    for repetition in range(REPETITIONS):
        InspectionTask.objects.update(status="queued", assigned_to=None, assigned_at=None, claimed_at=None)
        barrier = threading.Barrier(THREADS)
        claimed: dict[int, list[int]] = {officer.pk: [] for officer in officers}
        errors = []

        def work(officer, barrier=barrier, claimed=claimed, errors=errors):
            try:
                barrier.wait()
                while True:
                    task = inspection_task_claim_next(actor=officer)
                    if task is None:
                        break
                    claimed[officer.pk].append(task.pk)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                connection.close()

        threads = [threading.Thread(target=work, args=(officer,)) for officer in officers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        counts = Counter(pk for pks in claimed.values() for pk in pks)
        assert all(n == 1 for n in counts.values()), f"repetition {repetition}: a task was claimed twice"
        assert len(counts) == TASKS, f"repetition {repetition}: {TASKS - len(counts)} task(s) left unclaimed"
        holders = dict(InspectionTask.objects.values_list("pk", "assigned_to_id"))
        assert all(holders[pk] == officer_pk for officer_pk, pks in claimed.items() for pk in pks)
        assert InspectionTask.objects.filter(status="claimed").count() == TASKS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_days_first_submissions_at_once_share_one_seed():
    """The chaos test's finding: two of the day's first submissions committing its draw seed at once both made one,
    and the second answered 500 (duplicate key). Each now gets the one that committed."""
    from datetime import date

    from django.db import transaction

    from inspection.models import DrawPeriod
    from inspection.services import draw_period_commit

    day = date(2031, 3, 4)
    for _ in range(5):
        DrawPeriod.objects.filter(day=day).delete()
        barrier = threading.Barrier(4)
        seeds, errors = [], []

        def commit(barrier=barrier, seeds=seeds, errors=errors):
            try:
                with transaction.atomic():
                    barrier.wait()
                    seeds.append(draw_period_commit(day=day).seed)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                connection.close()

        threads = [threading.Thread(target=commit) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        assert len(set(seeds)) == 1 and seeds[0] == DrawPeriod.objects.get(day=day).seed
