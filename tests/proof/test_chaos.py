"""Chaos: 30 s of create, upload and submit traffic against gunicorn (production settings) and a real worker with
its beat, while the broker goes away for 10 s and every PostgreSQL connection to the database is terminated once.

Gunicorn, the worker and the beat share a Redis of the test's own (a private port; the suite's Redis is left
alone) and the test's database. Clients retry a create or a submit that got no success with the same
Idempotency-Key, as a partner's client would. Afterwards: every 2xx has its rows, every request that never
succeeded wrote nothing, nothing exists twice, the background work (outbox dispatch, audit sealing) catches up with
no one stepping in, and the audit chain verifies. The figures are printed (`pytest -s`; README § Proof).
"""

import collections
import datetime
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
import requests
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from declarations.models import Declaration, Document, DocumentRequirement
from tests.conftest import free_port
from tests.declarations.conftest import line

from .world import PDF

pytestmark = [pytest.mark.redis, pytest.mark.worker, pytest.mark.postgres, pytest.mark.slow]

TRAFFIC_SECONDS = 30
OUTAGE_STARTS, OUTAGE_SECONDS = 8, 10
TERMINATE_AT = 22
CLIENTS = 3
CATCH_UP_LIMIT = 30
ROOT = Path(__file__).resolve().parents[2]


class PrivateRedis:
    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"

    def ping(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.exceptions.ConnectionError:
            return False

    def start(self):
        subprocess.run(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--daemonize", "yes",
                        "--save", "", "--appendonly", "no"], check=True, capture_output=True)
        deadline = time.monotonic() + 10
        while not self.ping():
            assert time.monotonic() < deadline, f"redis-server on {self.port} did not start"
            time.sleep(0.05)

    def stop(self):
        try:
            redis.Redis(port=self.port).shutdown(nosave=True)
        except redis.exceptions.ConnectionError:
            pass
        while self.ping():
            time.sleep(0.05)


@pytest.fixture
def private_redis():
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")
    server = PrivateRedis(free_port())
    server.start()
    yield server
    server.stop()


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _start(command, env, log: Path):
    return subprocess.Popen(command, env=env, cwd=str(ROOT), stdout=log.open("w"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


# The compose file's restart policy, as a shell loop: a worker that exits is started again. kombu 5.7 can still end a
# worker that loses Redis while it holds unacknowledged messages (closing the channel restores them through a
# connection already gone: "'NoneType' object has no attribute 'hostname'"); the test counts the restarts.
RESTARTED = "chaos: the worker exited and was started again, exit status"
RESTART_POLICY = f'until "$@"; do echo "{RESTARTED} $?"; sleep 1; done'


@pytest.fixture
def stack(private_redis, reference_data, tmp_path):
    """gunicorn (2 workers) and a Celery worker with its beat under the restart policy, production settings, on the
    private Redis and the test database; the signing key is the test run's, so the audit chain verifies in this
    process too."""
    from ciq_portal import signing

    signing.active_private_key()  # the test run's key file exists before the servers read it
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ciq_portal.settings.production",
           "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "DATABASE_URL": _database_url(), "REDIS_URL": private_redis.url, "SECURE_SSL_REDIRECT": "0",
           "MEDIA_ROOT": str(tmp_path / "media"), "CIQ_TEST_SWEEP_SECONDS": "3", "OUTBOX_SWEEP_AFTER_SECONDS": "3"}
    env.pop("CIQ_WORKER_QUEUE", None)
    bin_dir = Path(sys.executable).parent
    web = _start([str(bin_dir / "gunicorn"), "ciq_portal.wsgi", "-b", f"127.0.0.1:{port}", "-w", "2",
                  "--timeout", "30"], env, tmp_path / "gunicorn.log")
    worker = _start(["bash", "-c", RESTART_POLICY, "worker",
                     sys.executable, "-m", "celery", "-A", "tests.proof.celery_app", "worker", "-B", "-c", "2",
                     "-s", str(tmp_path / "beat-schedule"), "--without-gossip", "--without-mingle", "-l", "INFO"],
                    env, tmp_path / "worker.log")
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert web.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
            try:
                if requests.get(f"{base}/healthz", timeout=10).status_code == 200 and \
                        "ready" in (tmp_path / "worker.log").read_text():
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "the stack did not come up:\n" + (
                (tmp_path / "gunicorn.log").read_text()[-2000:] + (tmp_path / "worker.log").read_text()[-2000:])
            time.sleep(0.3)
        yield {"base": base, "web": web, "worker": worker, "logs": tmp_path}
    finally:
        _stop(web)
        _stop(worker)


class Traffic:
    """What the clients asked and were answered: per logical operation, every attempt's status (0: no answer)."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base, token
        self.statuses = collections.Counter()
        self.creates: dict[str, list[int]] = {}  # bill of lading -> attempts
        self.created: dict[str, int] = {}  # bill of lading -> declaration id answered
        self.uploads: dict[str, tuple[int, int]] = {}  # file name -> (declaration id, status)
        self.submits: dict[int, list[int]] = {}  # declaration id -> attempts
        self.lock = threading.Lock()

    def _post(self, session, path, key=None, **kwargs) -> requests.Response | None:
        headers = {"Authorization": f"Token {self.token}", "Accept-Language": "en"}
        if key:
            headers["Idempotency-Key"] = key
        try:
            response = session.post(self.base + path, headers=headers, timeout=20, **kwargs)
        except requests.RequestException:
            response = None
        with self.lock:
            self.statuses[response.status_code if response is not None else "no answer"] += 1
        return response

    def _with_retries(self, session, path, attempts: list, **kwargs):
        """As a partner's client does: the same key again after a failure or a 409 "in flight", a few times."""
        key = secrets.token_hex(16)
        for _ in range(4):
            response = self._post(session, path, key=key, **kwargs)
            attempts.append(response.status_code if response is not None else 0)
            if response is not None and response.status_code < 500 and response.status_code != 409:
                return response
            time.sleep(0.5)
        return None

    def client(self, number: int, until: float):
        session = requests.Session()
        n = 0
        while time.monotonic() < until:
            n += 1
            bill = f"CHAOS{number}X{n:05d}"
            body = {"port_of_entry": "NGB", "transport_mode": "sea", "bill_of_lading": bill,
                    "containers": ["CSQU3054383"], "departure_country": "AU", "lines": [line()],
                    "arrival_date": (timezone.localdate() + datetime.timedelta(days=2)).isoformat()}
            attempts = self.creates.setdefault(bill, [])
            created = self._with_retries(session, "/api/v1/declarations/", attempts, json=body)
            if created is None or created.status_code != 201:
                continue
            pk = created.json()["id"]
            self.created[bill] = pk
            name = f"{bill}.pdf"
            uploaded = self._post(session, f"/api/v1/declarations/{pk}/documents/", data={"kind": "invoice"},
                                  files={"file": (name, PDF, "application/pdf")})
            self.uploads[name] = (pk, uploaded.status_code if uploaded is not None else 0)
            self._with_retries(session, f"/api/v1/declarations/{pk}/submit/", self.submits.setdefault(pk, []))


def _terminate_database_connections() -> int:
    """pg_terminate_backend on every other connection to the test database (gunicorn's and the worker's)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


def _background_done() -> bool:
    from ciq_portal.models import AuditEntry, OutboxEvent

    return not (OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()
                or AuditEntry.objects.filter(seq__isnull=True).exists())


def test_chaos_broker_outage_and_terminated_connections(stack, private_redis, declarant_a, capsys):
    DocumentRequirement.objects.all().delete()  # the one invoice uploaded is enough to submit
    traffic = Traffic(stack["base"], Token.objects.get_or_create(user=declarant_a)[0].key)
    started = time.monotonic()
    until = started + TRAFFIC_SECONDS
    clients = [threading.Thread(target=traffic.client, args=(number, until)) for number in range(CLIENTS)]
    for client in clients:
        client.start()
    time.sleep(OUTAGE_STARTS)
    private_redis.stop()
    time.sleep(OUTAGE_SECONDS)
    private_redis.start()
    time.sleep(max(0.0, started + TERMINATE_AT - time.monotonic()))
    terminated = _terminate_database_connections()
    for client in clients:
        client.join(timeout=TRAFFIC_SECONDS + 60)
    traffic_ended = time.monotonic()
    while not _background_done():
        assert stack["worker"].poll() is None, (stack["logs"] / "worker.log").read_text()[-3000:]
        assert time.monotonic() - traffic_ended < CATCH_UP_LIMIT, "background work did not catch up:\n" + (
            (stack["logs"] / "worker.log").read_text()[-3000:])
        time.sleep(0.5)
    catch_up = time.monotonic() - traffic_ended

    rows = {bill: Declaration.objects.filter(bill_of_lading=bill).count() for bill in traffic.creates}
    lost = [bill for bill, attempts in traffic.creates.items() if 201 in attempts and rows[bill] != 1]
    written_by_failure = [bill for bill, attempts in traffic.creates.items() if 201 not in attempts and rows[bill]]
    duplicates = [bill for bill, count in rows.items() if count > 1]
    documents = {name: Document.objects.filter(declaration_id=pk, original_name=name).count()
                 for name, (pk, _status) in traffic.uploads.items()}
    uploads_lost = [name for name, (_pk, status) in traffic.uploads.items() if status == 201 and documents[name] != 1]
    uploads_written_by_failure = [name for name, (_pk, status) in traffic.uploads.items()
                                  if status >= 500 and documents[name]]
    drafts = set(Declaration.objects.filter(pk__in=traffic.submits, status="draft").values_list("pk", flat=True))
    submits_lost = [pk for pk, attempts in traffic.submits.items() if 200 in attempts and pk in drafts]
    submits_written_by_failure = [pk for pk, attempts in traffic.submits.items()
                                  if 200 not in attempts and all(a >= 500 or a == 0 for a in attempts)
                                  and pk not in drafts]
    call_command("audit_verify")

    with capsys.disabled():
        print(f"\nchaos: {TRAFFIC_SECONDS} s, {CLIENTS} clients, Redis down {OUTAGE_SECONDS} s from "
              f"{OUTAGE_STARTS} s, {terminated} PostgreSQL connections terminated at {TERMINATE_AT} s")
        print("  requests by status:", dict(sorted(traffic.statuses.items(), key=str)))
        print(f"  rows: {sum(rows.values())} declarations for {len(traffic.creates)} creates "
              f"({len(traffic.created)} answered 201), {sum(documents.values())} documents for "
              f"{len(traffic.uploads)} uploads, {len(traffic.submits) - len(drafts)} submitted of "
              f"{len(traffic.submits)}; retries with the same key: "
              f"{sum(len(a) - 1 for a in [*traffic.creates.values(), *traffic.submits.values()])}")
        print(f"  background caught up {catch_up:.1f} s after the traffic; audit chain verified; worker restarted "
              f"{(stack['logs'] / 'worker.log').read_text().count(RESTARTED)} time(s) by the restart policy")
    assert traffic.statuses[201] > 10  # traffic went through
    assert not lost and not uploads_lost and not submits_lost, (lost, uploads_lost, submits_lost)
    assert not written_by_failure and not uploads_written_by_failure and not submits_written_by_failure
    assert not duplicates, duplicates
    assert stack["web"].poll() is None and stack["worker"].poll() is None
