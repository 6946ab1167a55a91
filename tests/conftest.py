"""Fixtures shared by the whole suite, and the rule that in CI nothing may be skipped."""

import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from celery.result import allow_join_result
from django.db import connection
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from ciq_portal.roles import Role
from ciq_portal.services import roles_sync
from credit.choices import EnterpriseKind, MembershipRole

from .factories import EnterpriseFactory, UserFactory

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# No time limit per example: speed is measured by the benchmarks, and a shared machine must not fail a property.
hypothesis_settings.register_profile("ciq", deadline=None)
hypothesis_settings.load_profile("ciq")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "browser" in item.keywords and not shutil.which(CHROMIUM):
            item.add_marker(pytest.mark.skip(reason=f"needs Debian's chromium at {CHROMIUM}"))
        if ("redis" in item.keywords or "worker" in item.keywords) and not os.environ.get("REDIS_URL"):
            item.add_marker(pytest.mark.skip(reason="needs Redis: set REDIS_URL"))


@pytest.fixture(autouse=True)
def _skip_postgres_only(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")


def pytest_sessionfinish(session, exitstatus):
    # CI provides PostgreSQL, Redis and chromium: a skipped test there means something is missing.
    if os.environ.get("CIQ_FORBID_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"CIQ_FORBID_SKIPS=1 and {len(skipped)} test(s) were skipped: failing the run.", red=True)
        session.exitstatus = 1


@pytest.fixture
def roles(db):
    roles_sync()


@pytest.fixture
def enterprise_a(db):
    return EnterpriseFactory(name_zh="甲公司", name_en="Enterprise A")


@pytest.fixture
def enterprise_b(db):
    return EnterpriseFactory(name_zh="乙公司", name_en="Enterprise B")


@pytest.fixture
def declarant_a(roles, enterprise_a):
    return UserFactory(username="declarant_a", role=Role.DECLARANT, enterprise=enterprise_a)


@pytest.fixture
def declarant_b(roles, enterprise_b):
    return UserFactory(username="declarant_b", role=Role.DECLARANT, enterprise=enterprise_b)


@pytest.fixture
def administrator_a(roles, enterprise_a):
    """Enterprise A's own administrator (manages its users and delegations to customs brokers)."""
    return UserFactory(username="administrator_a", first_name="Anna", last_name="Admin", email="anna@a.example",
                       role=Role.DECLARANT, enterprise=enterprise_a, enterprise_role=MembershipRole.ADMINISTRATOR)


@pytest.fixture
def broker(db):
    return EnterpriseFactory(name_zh="丙报关行", name_en="Broker C", kind=EnterpriseKind.CUSTOMS_BROKER)


@pytest.fixture
def broker_declarant(roles, broker):
    return UserFactory(username="broker_declarant", role=Role.DECLARANT, enterprise=broker)


@pytest.fixture
def officer(roles):
    return UserFactory(username="officer1", role=Role.OFFICER)


@pytest.fixture
def analyst(roles):
    return UserFactory(username="analyst", role=Role.RISK_ANALYST)


@pytest.fixture
def supervisor(roles):
    return UserFactory(username="supervisor", role=Role.SUPERVISOR)


@pytest.fixture
def agency_user(roles):
    return UserFactory(username="agency_customs", role=Role.PARTNER_AGENCY)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def api_as():
    """``api_as(user)``: an API client authenticated as ``user``."""

    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def celery_worker_process(transactional_db, tmp_path):
    """A real Celery worker (separate process, prefetch 1) on Redis, consuming a queue private to this test.

    Tasks sent while the fixture is active go to Redis, not in-process; the worker reaches the test database.
    """
    import subprocess
    import sys
    import time
    import uuid

    from ciq_portal.celery import app

    queue = f"ciq-test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ciq_portal.settings.test", "CIQ_WORKER_UNDER_TEST": "1",
           "CIQ_WORKER_QUEUE": queue}
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = (f"postgres://{db['USER'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                               f"{db['NAME']}")
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ciq_portal", "worker", "-Q", queue, "-c", "1", "--pool", "prefork",
         "--prefetch-multiplier", "1", "-n", f"{queue}@%h", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-l", "INFO"],
        env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    previous = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        deadline = time.monotonic() + 60
        while "ready" not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker did not start:\n{log.read_text()}")
            time.sleep(0.2)
        # Celery keeps "a join would block" in a process-wide flag that eager tasks run in other tests' threads can
        # leave set (denied_join_result saves and restores it without a lock); this test waits for real results.
        with allow_join_result():
            yield {"process": process, "queue": queue, "log": log, "env": env}
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def _run_seeding_migrations():
    """Run again every RunPython step of the project's migrations (each is idempotent): the data they seed."""
    from django.apps import apps as django_apps
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(connection, ignore_no_migrations=True)
    plan = []
    for leaf in loader.graph.leaf_nodes():
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    for key in plan:
        if key[0] not in settings.DOMAIN_APPS:
            continue
        for operation in loader.graph.nodes[key].operations:
            if isinstance(operation, RunPython):
                operation.code(django_apps, None)


@pytest.fixture
def reference_data(transactional_db):
    """The data the migrations seed (HS code table, default inspection policy, ...), back in place.

    A transactional test's database is flushed after each such test, which empties those tables for the next one.
    (Django's serialized rollback would clash with the content types that other transactional tests re-create.)
    """
    _run_seeding_migrations()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's default language: a request with Accept-Language en in an earlier test
    leaves English active in the thread otherwise."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _reference_tables_forgotten():
    """Rows of the previous test rolled back without a signal: no process memory of them (ciq_portal.reference)."""
    from ciq_portal.reference import reference_forget

    reference_forget()
    yield
    reference_forget()


@pytest.fixture
def demo_follow_ups_released():
    """For a test that seeds the demo: its history defers the follow-ups until the transaction commits, which a
    test's never does; the claims are released when the test ends, or they would stop the next tests' follow-ups."""
    from django.core.cache import cache

    from release.demo import FOLLOW_UP_KEYS

    yield
    cache.delete_many(FOLLOW_UP_KEYS)


@pytest.fixture(autouse=True)
def _reference_data_present(request):
    """Any database test finds the seeded reference data, even in a database kept (--reuse-db) from a run whose
    last transactional test flushed it."""
    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    if "transactional_db" in names or "live_server" in names or (marker and marker.kwargs.get("transaction")):
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker:
        request.getfixturevalue("db")
    else:
        return
    try:
        from declarations.models import HSCode

        if HSCode.objects.exists():
            return
    except Exception:  # noqa: BLE001 - no database access for this test after all
        return
    _run_seeding_migrations()


@pytest.fixture
def celery_workers(reference_data, transactional_db, tmp_path):
    """Real Celery workers started on demand, for fault tests (tests/proof/test_faults.py).

    ``start(queue=None, concurrency=1, env=None)`` starts a worker (prefetch 1, acks late) consuming ``queue`` (a
    queue private to the test by default) in its own process group and returns a handle; ``kill(handle)``
    SIGKILLs the worker and its pool processes at once, as a crash or an OOM kill would. Tasks sent while the
    fixture is active go to Redis on ``handle["queue"]``. The app is ``tests.proof.celery_app``: the project's
    app whose Redis transport sweeps unacknowledged messages every second, so a test's short
    CELERY_VISIBILITY_TIMEOUT is honoured within a second or two.
    """
    import signal
    import subprocess
    import sys
    import time
    import uuid

    from ciq_portal.celery import app

    started = []
    default_queue = f"ciq-test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    base_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ciq_portal.settings.test", "CIQ_WORKER_UNDER_TEST": "1"}
    if connection.vendor == "postgresql":
        base_env["DATABASE_URL"] = (f"postgres://{db['USER'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                                    f"{db['NAME']}")

    def start(queue=None, concurrency=1, env=None):
        queue = queue or default_queue
        name = f"{queue}-{len(started)}"
        log = tmp_path / f"{name}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tests.proof.celery_app", "worker", "-Q", queue,
             "-c", str(concurrency), "--pool", "prefork", "--prefetch-multiplier", "1", "-n", f"{name}@%h",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO"],
            env={**base_env, "CIQ_WORKER_QUEUE": queue, **(env or {})}, stdout=log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True, cwd=str(Path(__file__).resolve().parents[1]),
        )
        handle = {"process": process, "queue": queue, "log": log}
        started.append(handle)
        deadline = time.monotonic() + 60
        while "ready" not in log.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Celery worker did not start:\n{log.read_text()}")
            time.sleep(0.2)
        return handle

    def kill(handle):
        try:
            os.killpg(handle["process"].pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        handle["process"].wait(timeout=10)

    previous = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, default_queue
    try:
        with allow_join_result():  # as in celery_worker_process: the test waits for real results
            yield SimpleNamespace(start=start, kill=kill, queue=default_queue)
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        for handle in started:
            if handle["process"].poll() is None:
                try:
                    os.killpg(handle["process"].pid, signal.SIGTERM)
                    handle["process"].wait(timeout=15)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    kill(handle)


class SmtpMailbox:
    """What a real SMTP server (aiosmtpd, in this process) received, and how it answers: ``refuse`` (e.g.
    "550 5.1.1 No such mailbox") refuses every recipient; ``defer`` answers that many recipients "451" first."""

    def __init__(self):
        self.messages = []
        self.refuse = ""
        self.defer = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return self.refuse
        if self.defer:
            self.defer -= 1
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.original_content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server in this process on a free port, and the portal's mail settings pointing at it; yields
    its :class:`SmtpMailbox`."""
    from aiosmtpd.controller import Controller

    mailbox = SmtpMailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = controller.hostname, controller.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    mailbox.port = controller.port
    try:
        yield mailbox
    finally:
        controller.stop()
