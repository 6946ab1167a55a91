"""pytest: the base settings with a fast password hasher and files in a temporary folder."""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# One signing key for the test run, shared with the Celery workers the tests start (they inherit the environment);
# generated on first use (ciq_portal/signing.py).
os.environ.setdefault("CIQ_SIGNING_KEY_FILE",
                      str(Path(tempfile.mkdtemp(prefix="ciq-test-keys-")) / "signing-key.pem"))

from .base import *  # noqa: E402,F403
from .base import CACHES, env  # noqa: E402

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
# Parallel test processes (pytest-xdist's gw0, gw1...) share one Redis server: each caches in a database of its
# own (the next ones after REDIS_URL's), so that one's cache.clear() (FLUSHDB) or pending key is not another's.
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if CACHES["default"]["BACKEND"].endswith("RedisCache") and _xdist_worker.startswith("gw"):
    _url = urlsplit(CACHES["default"]["LOCATION"])
    _db = (int(_url.path.strip("/") or 0) + 1 + int(_xdist_worker[2:])) % 16
    CACHES["default"]["LOCATION"] = urlunsplit(_url._replace(path=f"/{_db}"))

# Test transactions roll back and ids are reused: no process-level memory of an enterprise's declarants (the
# reference tables' memory is forgotten at the start of each test, tests/conftest.py).
# The tests that seed the demo need its shape, not its volume.
CIQ = {**CIQ, "NOTIFY_DECLARANT_CACHE_SECONDS": 0, "SIGNING_KEY_AUTOGENERATE": True,  # noqa: F405
       "DEMO_HISTORY_SCALE": env.float("CIQ_DEMO_HISTORY_SCALE", default=0.1)}  # noqa: F405

# Mail and SMS stay in memory (django.core.mail.outbox, sms.outbox); tests of the delivery path point EMAIL_* at a
# real SMTP server they start (tests/ciq_portal/test_messaging.py), and a worker they start at it by EMAIL_URL.
if not (env.bool("CIQ_WORKER_UNDER_TEST", default=False) and "EMAIL_URL" in env):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SMS_BACKEND = "sms.backends.locmem.SmsBackend"
