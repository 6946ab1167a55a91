"""`make run`: the development server with a Celery worker and the beat schedule beside it, stopped with it."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Seconds a worker has to finish its running tasks when the server stops (a warm shutdown), before it is killed.
WORKER_STOP_SECONDS = 30


class Command(BaseCommand):
    help = ("Serve the portal (runserver) with a Celery worker and beat beside it, on the embedded queue in files "
            "(EMBEDDED_WORKER=1, as `make run` sets) or on Redis (REDIS_URL); Ctrl-C stops all three.")

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--concurrency", type=int, default=2, help="worker processes (default 2)")

    def handle(self, *args, addrport, concurrency, **options):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError("No broker for a worker: set EMBEDDED_WORKER=1 (a queue in files, as `make run` "
                               "does) or REDIS_URL.")
        if os.environ.get("RUN_MAIN") == "true":
            # The autoreloader's child, which serves and restarts on code changes; the worker belongs to its parent.
            call_command("runserver", addrport)
            return
        worker = self.worker_start(concurrency)
        # A plain `kill` stops the server and the worker too (Python would otherwise exit without cleaning up).
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        try:
            call_command("runserver", addrport)
        finally:
            self.worker_stop(worker)

    def worker_start(self, concurrency: int) -> subprocess.Popen:
        folder = settings.CELERY_QUEUE_DIR
        for sub in ("queue", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        log = folder / "worker.log"
        command = [sys.executable, "-m", "celery", "-A", "ciq_portal", "worker", "--beat",
                   "--schedule", str(folder / "beat-schedule"), "--concurrency", str(concurrency),
                   "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
        # A session of its own: Ctrl-C reaches the server only, and the worker gets one orderly stop from here.
        with log.open("a") as output:
            worker = subprocess.Popen(command, cwd=settings.BASE_DIR, env=os.environ.copy(), start_new_session=True,
                                      stdout=output, stderr=subprocess.STDOUT)
        broker = "Redis" if settings.REDIS_URL else f"the queue in {folder / 'queue'}"
        self.stdout.write(f"Celery worker and beat started (pid {worker.pid}) on {broker}; log: {log}")
        return worker

    def worker_stop(self, worker: subprocess.Popen) -> None:
        if worker.poll() is None:
            self.stdout.write("Stopping the Celery worker and beat (running tasks finish first)...")
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=WORKER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait()
        self.stdout.write(f"Celery worker stopped (exit status {worker.returncode}).")
