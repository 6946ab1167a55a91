"""Faults: a worker killed mid-task, the same task delivered twice, the database lost mid-request.

Worker tests run a real Celery worker on Redis (tests/conftest.py ``celery_workers``) against the test database
on PostgreSQL. A task is caught "in the middle" by holding a table lock in the test that one of its writes needs:
it has started, done its reads and taken its row locks, and waits inside its transaction. The worker is then
SIGKILLed with its pool process; its message, never acknowledged (acks late), comes back after the visibility
timeout to a new worker, and the effect must exist exactly once.
"""

import contextlib
import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from ciq_portal.celery import app

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.worker, pytest.mark.slow]

VISIBILITY = 4  # seconds: the message of a killed worker is handed out again after this


def _dsn():
    s = connection.settings_dict
    return f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} dbname={s['NAME']} user={s['USER'] or 'root'}"


@contextlib.contextmanager
def table_locked(table: str):
    """Hold ``LOCK TABLE <table> IN EXCLUSIVE MODE`` on a connection of its own: reads pass, writes wait."""
    with psycopg.connect(_dsn()) as conn:
        conn.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')
        yield conn
        conn.rollback()


def _waiting_on(table: str) -> list[int]:
    with psycopg.connect(_dsn(), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted "
            "WHERE a.datname = current_database() AND l.relation = %s::regclass", [table]).fetchall()
    return [r[0] for r in rows]


def _wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _terminate(pids):
    """What PostgreSQL does on its own once it notices the dead client: end the killed worker's session."""
    with psycopg.connect(_dsn(), autocommit=True) as conn:
        for pid in pids:
            conn.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture
def short_visibility():
    previous = app.conf.broker_transport_options
    app.conf.broker_transport_options = {**(previous or {}), "visibility_timeout": VISIBILITY}
    yield {"CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY)}
    app.conf.broker_transport_options = previous


def _kill_mid_task(celery_workers, env, send, table):
    """Start a worker, send the task, catch it waiting on ``table``, SIGKILL the worker, start another one."""
    first = celery_workers.start(env=env)
    with table_locked(table):
        send()
        try:
            pids = _wait_for(lambda: _waiting_on(table), 60, f"the task to start and wait on {table}")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nworker log:\n{first['log'].read_text()}") from None
        celery_workers.kill(first)
        _terminate(pids)
    assert "succeeded" not in first["log"].read_text()
    return celery_workers.start(env=env)


# --- the audit sealing task ------------------------------------------------------------------------------------


def test_sealing_killed_mid_run_is_redone_once(celery_workers, short_visibility, roles):
    from ciq_portal.audit import audit_verify
    from ciq_portal.models import AuditChainHead, AuditEntry
    from ciq_portal.tasks import audit_seal_task

    # Written directly (no seal queued after commit): the only sealing task is the one the test sends.
    AuditEntry.objects.bulk_create([AuditEntry(actor_username="system", action="proof.fault", object_type="proof",
                                               object_id=str(n), after={"n": n}) for n in range(30)])
    total = AuditEntry.objects.count()
    AuditEntry.objects.update(seq=None, prev_hash="", row_hash="")
    AuditChainHead.objects.all().delete()

    second = _kill_mid_task(celery_workers, short_visibility, lambda: audit_seal_task.apply_async(),
                            AuditEntry._meta.db_table)
    _wait_for(lambda: not AuditEntry.objects.filter(seq__isnull=True).exists(), VISIBILITY + 40,
              "the redelivered sealing task to run")
    report = audit_verify()
    assert report.ok, report.problem
    assert report.checked == total == AuditChainHead.objects.get(pk=1).last_seq
    assert sorted(AuditEntry.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    assert "audit_seal_task" in second["log"].read_text()


# --- the inspector dispatch task -------------------------------------------------------------------------------


def _queued_task_with_an_officer_on_duty(officer, supervisor):
    """An inspection task of enterprise A left queued (nobody on duty), then an officer coming on duty."""
    from inspection.models import InspectionTask
    from inspection.services import inspection_task_create, officer_profile_ensure, officer_shift_add

    from ..factories import DeclarationFactory, GoodsLineFactory
    from ..inspection.factories import InspectionSiteFactory

    site = InspectionSiteFactory(port="NGB")
    declaration = DeclarationFactory(status="submitted")
    GoodsLineFactory(declaration=declaration, line_no=1)
    app.conf.task_always_eager = True  # the dispatch queued on commit runs here, finding nobody on duty
    try:
        task = inspection_task_create(declaration=declaration, reason="random", mode="supervised", actor=supervisor)
    finally:
        app.conf.task_always_eager = False
    task.refresh_from_db()
    assert task.status == "queued" and task.assigned_to_id is None, "the dispatch ran with nobody on duty"
    profile = officer_profile_ensure(user=officer, badge_no="FAULT1", categories=[task.category] if task.category
                                     else [], sites=[site], actor=supervisor)
    now = timezone.now()
    officer_shift_add(officer=profile, site=site, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=8),
                      actor=supervisor)
    return InspectionTask.objects.get(pk=task.pk)


def _dispatch_effects(task):
    from ciq_portal.models import AuditEntry
    from inspection.models import Draw

    draws = Draw.objects.filter(task=task, kind="people").count()
    audits = sum(1 for ids in AuditEntry.objects.filter(action="inspection_task.dispatch")
                 .values_list("object_id", flat=True) if str(task.pk) in ids.split(","))
    return draws, audits


def test_dispatch_killed_mid_task_runs_again_once(celery_workers, short_visibility, officer, supervisor):
    from inspection.models import Draw, InspectionTask
    from inspection.tasks import inspection_dispatch_pool_task

    task = _queued_task_with_an_officer_on_duty(officer, supervisor)
    _kill_mid_task(celery_workers, short_visibility, lambda: inspection_dispatch_pool_task.apply_async(),
                   Draw._meta.db_table)
    assert _dispatch_effects(task) == (0, 0), "the killed run's writes must not survive"
    _wait_for(lambda: InspectionTask.objects.get(pk=task.pk).status == "assigned", VISIBILITY + 40,
              "the redelivered dispatch to assign the task")
    time.sleep(1)
    assert _dispatch_effects(task) == (1, 1)
    assert InspectionTask.objects.get(pk=task.pk).assigned_to_id == officer.pk


def test_dispatch_delivered_twice_concurrently_has_one_effect(celery_workers, officer, supervisor):
    from inspection.models import Draw, InspectionTask
    from inspection.tasks import inspection_dispatch_pool_task

    task = _queued_task_with_an_officer_on_duty(officer, supervisor)
    celery_workers.start(concurrency=2)
    with table_locked(Draw._meta.db_table):
        results = [inspection_dispatch_pool_task.apply_async() for _ in range(2)]
        _wait_for(lambda: _waiting_on(Draw._meta.db_table), 60, "a delivery to wait inside its transaction")
        time.sleep(1)  # the other delivery is running too by now (or already skipped the locked row)
    # (disable_sync_subtasks: a task run eagerly by an earlier test may leave Celery believing it is inside one)
    outcomes = sorted(str(r.get(timeout=60, disable_sync_subtasks=False)) for r in results)
    assert outcomes == ["0", "1"], outcomes  # tasks assigned by each delivery
    assert _dispatch_effects(task) == (1, 1)
    assert InspectionTask.objects.get(pk=task.pk).status == "assigned"


# --- the database lost in the middle of a request ---------------------------------------------------------------


@contextlib.contextmanager
def database_dies_at_the_audit_write():
    """The request's database session is terminated right when the service writes its audit row, i.e. after the
    service's first writes and before its commit."""
    import ciq_portal.audit as audit

    real = audit.AuditEntry

    class Dying:
        class objects:  # noqa: N801 - stands in for the manager
            @staticmethod
            def create(**kwargs):
                pid = connection.connection.info.backend_pid
                with psycopg.connect(_dsn(), autocommit=True) as conn:
                    conn.execute("SELECT pg_terminate_backend(%s)", [pid])
                return real.objects.create(**kwargs)

    audit.AuditEntry = Dying
    try:
        yield
    finally:
        audit.AuditEntry = real


def _counts(models):
    return {m._meta.label: m.objects.count() for m in models}


@pytest.mark.parametrize("language, text", [("en", "Nothing was saved"), ("zh-hans", None)])
def test_database_outage_mid_request_shows_the_error_page_and_writes_nothing(
        reference_data, transactional_db, declarant_a, language, text):
    from django.test import Client

    from ciq_portal.models import AuditEntry, Subscription

    watched = [Subscription, AuditEntry]
    before = _counts(watched)
    client = Client(raise_request_exception=False)
    client.force_login(declarant_a)
    with database_dies_at_the_audit_write():
        response = client.post("/portal/subscriptions/", {
            "name": "hook", "url": "https://hooks.example.com/x", "event_types": ["declaration.released"]},
            HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 500
    page = response.content.decode()
    assert "500" in page and "<form" not in page
    if text:
        assert text in page
    connection.close()
    assert _counts(watched) == before
