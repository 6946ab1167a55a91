"""`make run`: debug on, SQLite and in-process tasks unless DATABASE_URL / REDIS_URL say otherwise."""

import os

os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: E402,F403
from .base import env  # noqa: E402

SECRET_KEY = env("SECRET_KEY", default="local-development-only-not-secret")
