"""Settings of the submit benchmark's server: the production profile plus the benchmark's own URLconf, which adds
the bare comparison endpoint next to the product's routes (the product itself has no such endpoint)."""

import os

os.environ.setdefault("SECRET_KEY", "bench-submit-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

from ciq_portal.settings.production import *  # noqa: E402,F403

ROOT_URLCONF = "benchmarks.submit_urls"
# The benchmarks talk plain HTTP on loopback (TLS ends at the reverse proxy in production, which does not change
# the server's work): cookies must not be HTTPS-only here, or the load generator could not keep a session.
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False,  # 4xx/5xx are counted by the client, not logged here
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "ERROR"}}
