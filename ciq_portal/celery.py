"""The Celery application: configuration from Django settings (CELERY_*), tasks found in each app's tasks.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ciq_portal.settings.local")

app = Celery("ciq_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="ciq_portal.ping", ignore_result=False)
def ping():
    return "pong"
