"""A Redis outage after a commit never turns the committed answer into an error.

A Redis of the test's own (port 6391) is the broker and the cache; it is stopped, and declarations are created and
submitted over the API: each answers its success, its rows exist, and the follow-ups that could not be queued are
logged (the beat's sweeps pick their rows up once Redis is back).
"""

import contextlib
import datetime
import shutil
import subprocess
import time

import pytest
import redis
from django.utils import timezone

from ciq_portal.celery import app
from declarations.models import Declaration, DocumentRequirement
from tests.declarations.conftest import line

pytestmark = [pytest.mark.redis, pytest.mark.slow]

PORT = 6391
URL = f"redis://127.0.0.1:{PORT}/14"


def _ping() -> bool:
    try:
        return redis.Redis(port=PORT, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        return False


@pytest.fixture
def own_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")
    if not _ping():
        subprocess.run(["redis-server", "--port", str(PORT), "--daemonize", "yes", "--save", "", "--appendonly",
                        "no"], check=True, capture_output=True)
        deadline = time.monotonic() + 10
        while not _ping():
            assert time.monotonic() < deadline, "redis-server on 6391 did not start"
            time.sleep(0.1)

    def stop():
        redis.Redis(port=PORT).shutdown(nosave=True)
        while _ping():
            time.sleep(0.1)

    yield stop


@contextlib.contextmanager
def publishing_to(url):
    """Tasks published in this process go to ``url``. Celery keeps two pools bound to the broker it first published
    to: the connections (``app.pool``) and the producers (``app.amqp.producer_pool``, which outlives a reset of the
    first); both are dropped on the way in and out, or the suite's earlier worker tests leave publishes going to the
    shared Redis while the worker under test listens on its own."""
    previous = app.conf.broker_url

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url = url
    reset_pools()
    try:
        yield
    finally:
        app.conf.broker_url = previous
        reset_pools()


@pytest.fixture
def broker_on_own_redis(own_redis, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": URL}}
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    with publishing_to(URL):
        yield own_redis
    app.conf.task_always_eager = previous


def test_writes_that_committed_answer_their_success_while_redis_is_down(reference_data, broker_on_own_redis,
                                                                        api_as, declarant_a, caplog):
    DocumentRequirement.objects.all().delete()
    client = api_as(declarant_a)
    body = {"port_of_entry": "NGB", "transport_mode": "sea", "bill_of_lading": "COSU6301234567",
            "containers": ["CSQU3054383"], "departure_country": "AU", "lines": [line()],
            "arrival_date": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()}
    assert client.post("/api/v1/declarations/", body, format="json").status_code == 201  # Redis up
    broker_on_own_redis()  # Redis down
    created = [client.post("/api/v1/declarations/", body, format="json") for _ in range(3)]
    assert [response.status_code for response in created] == [201, 201, 201]
    assert Declaration.objects.count() == 4
    submitted = client.post(f"/api/v1/declarations/{created[0].json()['id']}/submit/")
    assert submitted.status_code == 200, submitted.content
    assert Declaration.objects.get(pk=created[0].json()["id"]).status != "draft"
    assert any("on_commit" in record.getMessage() for record in caplog.records)  # the outage is logged


@pytest.mark.postgres
@pytest.mark.worker
def test_a_worker_survives_a_broker_loss_and_works_what_is_queued_after(own_redis, celery_workers, roles):
    from ciq_portal.models import AuditChainHead, AuditEntry
    from ciq_portal.tasks import audit_seal_task

    with publishing_to(URL):
        worker = celery_workers.start(env={"REDIS_URL": URL})
        own_redis()  # Redis down under the running worker
        time.sleep(10)  # as long as the outage that once killed the worker for good
        subprocess.run(["redis-server", "--port", str(PORT), "--daemonize", "yes", "--save", "", "--appendonly",
                        "no"], check=True, capture_output=True)
        while not _ping():
            time.sleep(0.1)
        AuditEntry.objects.bulk_create([AuditEntry(actor_username="system", action="proof.broker", object_type="proof",
                                                   object_id=str(n), after={"n": n}) for n in range(5)])
        AuditEntry.objects.update(seq=None, prev_hash="", row_hash="")
        AuditChainHead.objects.all().delete()
        audit_seal_task.apply_async()
        deadline = time.monotonic() + 60
        while AuditEntry.objects.filter(seq__isnull=True).exists():
            assert worker["process"].poll() is None, "the worker died:\n" + worker["log"].read_text()[-3000:]
            assert time.monotonic() < deadline, "the work queued after Redis came back was not done:\n" + (
                worker["log"].read_text()[-3000:])
            time.sleep(0.3)
        assert worker["process"].poll() is None
