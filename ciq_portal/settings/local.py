"""`make run`: debug on, SQLite unless DATABASE_URL says otherwise, tasks on Redis (REDIS_URL), on the queue in
files of the worker `make run` starts (EMBEDDED_WORKER) or else in-process; mail and SMS written to files under var/
unless EMAIL_URL / SMS_URL say otherwise."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: E402,F403
from .base import BASE_DIR, env  # noqa: E402

SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")

if "EMAIL_URL" not in env:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
if "SMS_URL" not in env:
    SMS_BACKEND = "sms.backends.filebased.SmsBackend"
    SMS_FILE_PATH = BASE_DIR / "var" / "sms"
