"""The project's Celery app for fault tests: the Redis transport sweeps unacknowledged messages every second.

Production keeps kombu's defaults (a sweep every ~100 s, a visibility timeout above the longest task); the fault
tests set CELERY_VISIBILITY_TIMEOUT to a few seconds and need the sweep to follow it closely.
"""

from ciq_portal.celery import app

app.conf.broker_transport_options = {
    **(app.conf.broker_transport_options or {}),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}

__all__ = ["app"]
