"""The project's Celery app for fault tests: the Redis transport sweeps unacknowledged messages every second.

Production keeps kombu's defaults (a sweep every ~100 s, a visibility timeout above the longest task); the fault
tests set CELERY_VISIBILITY_TIMEOUT to a few seconds and need the sweep to follow it closely. With
CIQ_TEST_SWEEP_SECONDS, the beat's audit seal and outbox sweep run that often (the chaos test's minute would
otherwise end before the production schedule's first sweep).
"""

import os
from datetime import timedelta

from ciq_portal.celery import app

app.conf.broker_transport_options = {
    **(app.conf.broker_transport_options or {}),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
if os.environ.get("CIQ_TEST_SWEEP_SECONDS"):
    every = timedelta(seconds=float(os.environ["CIQ_TEST_SWEEP_SECONDS"]))
    app.conf.beat_schedule = {name: {**entry, "schedule": every} for name, entry in app.conf.beat_schedule.items()
                              if name in ("audit-seal", "notifications-sweep")}

__all__ = ["app"]
