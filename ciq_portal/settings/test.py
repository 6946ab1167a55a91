"""pytest: the base settings with a fast password hasher and files in a temporary folder."""

import os
import tempfile

from .base import *  # noqa: F403
from .base import CACHES, env

SECRET_KEY = "test-only-secret-key-not-used-anywhere-else-0123456789"
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="ciq-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)

# Tests run tasks in-process; tests about workers start a real one on Redis (tests/conftest.py), and that
# worker queues the tasks it sends (retries, follow-ups) through Redis on the test's private queue.
CELERY_TASK_ALWAYS_EAGER = not env.bool("CIQ_WORKER_UNDER_TEST", default=False)
CELERY_TASK_DEFAULT_QUEUE = env("CIQ_WORKER_QUEUE", default="celery")
WHITENOISE_AUTOREFRESH = True
# Parallel test processes share Redis: each keeps its own cache keys (a follow-up's pending key, say).
CACHES["default"]["KEY_PREFIX"] = os.environ.get("PYTEST_XDIST_WORKER", "")

# Test transactions roll back and ids are reused: no process-level memory of an enterprise's declarants (the
# reference tables' memory is forgotten at the start of each test, tests/conftest.py).
CIQ = {**CIQ, "NOTIFY_DECLARANT_CACHE_SECONDS": 0}  # noqa: F405
