"""`make run`'s embedded default runs what production runs: a Celery worker with beat beside the server, on a queue in
files (kombu's filesystem transport) and the SQLite file the server uses, with real retries and backoff, stopped
cleanly with the server."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings

from tests.conftest import free_port

pytestmark = pytest.mark.slow

QUEUE_MESSAGES = """
from django.db import transaction
from ciq_portal.messaging import MessageChannel, MessagePurpose, message_send
for n in range(10):
    with transaction.atomic():
        message_send(channel=MessageChannel.EMAIL, recipient=f"buyer{n}@example.com", subject=f"Notice {n}",
                     body="Stop selling.", purpose=MessagePurpose.RECALL_NOTICE)
"""


def wait_for(condition, *, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.3)


def healthz(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            return answer.read().decode()
    except OSError:
        return ""


def test_runportal_serves_with_a_worker_and_beat_on_the_embedded_queue(tmp_path, smtp_server):
    database = tmp_path / "db.sqlite3"
    queue = tmp_path / "celery"
    env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "DATABASE_URL", "DEBUG")}
    env.update(DJANGO_SETTINGS_MODULE="ciq_portal.settings.local", DATABASE_URL=f"sqlite:///{database}",
               EMBEDDED_WORKER="1", CELERY_QUEUE_DIR=str(queue), EMAIL_URL=f"smtp://127.0.0.1:{smtp_server.port}",
               MESSAGE_BACKOFF_BASE_SECONDS="1", MESSAGE_BACKOFF_CAP_SECONDS="2")
    manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=tmp_path)
    port = free_port()
    output = tmp_path / "runportal.out"
    server = subprocess.Popen([*manage, "runportal", f"127.0.0.1:{port}", "--concurrency", "1"], env=env,
                              cwd=tmp_path, stdout=output.open("w"), stderr=subprocess.STDOUT, start_new_session=True)
    worker_log = queue / "worker.log"
    try:
        wait_for(lambda: worker_log.exists() and " ready." in worker_log.read_text(), seconds=90, what="the worker")
        wait_for(lambda: '"mode": "filesystem"' in healthz(port), seconds=60, what="the server")

        # The first message is deferred by the mail server: the worker retries it after a backoff.
        smtp_server.defer = 1
        subprocess.run([*manage, "shell", "-c", QUEUE_MESSAGES], env=env, check=True, cwd=tmp_path)

        def statuses():
            with sqlite3.connect(database, timeout=20) as db:
                return db.execute("SELECT status, attempts FROM ciq_portal_messagedelivery ORDER BY id").fetchall()

        wait_for(lambda: [status for status, _ in statuses()] == ["sent"] * 10, seconds=90,
                 what="every message sent")
        assert sorted(attempts for _, attempts in statuses()) == [1] * 9 + [2]
        assert len(smtp_server.messages) == 10
        # The deferred one was received twice: its retry went through the queue with Celery's countdown.
        received = re.findall(r"message_attempt_task\[([^]]+)\] received", worker_log.read_text())
        assert len(received) == 11 and len(set(received)) == 10
        # Beat sends the periodic jobs (the audit seal every ten seconds; the seeds, reminders... on their schedule).
        wait_for(lambda: "Sending due task audit-seal" in worker_log.read_text(), seconds=30, what="beat")
        assert "database is locked" not in worker_log.read_text()
    finally:
        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C in the terminal of `make run`
        server.wait(timeout=60)
    said = output.read_text()
    worker_pid = int(re.search(r"Celery worker and beat started \(pid (\d+)\)", said).group(1))
    assert "Celery worker stopped (exit status 0)." in said
    with pytest.raises(ProcessLookupError):
        os.kill(worker_pid, 0)
