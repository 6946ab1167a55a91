"""The Celery application: configuration from Django settings (CELERY_*), tasks found in each app's tasks.py."""

import functools
import os

from celery import Celery
from celery.contrib.django.task import DjangoTask
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ciq_portal.settings.local")


class AfterCommitTask(DjangoTask):
    """Queued after a commit, a task never turns the committed answer into an error: a broker outage is logged
    (Django's robust on_commit) and the beat's sweeps pick the work up from the rows that committed."""

    def delay_on_commit(self, *args, **kwargs) -> None:
        transaction.on_commit(functools.partial(self.delay, *args, **kwargs), robust=True)

    def apply_async_on_commit(self, *args, **kwargs) -> None:
        transaction.on_commit(functools.partial(self.apply_async, *args, **kwargs), robust=True)


app = Celery("ciq_portal", task_cls=AfterCommitTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="ciq_portal.ping", ignore_result=False)
def ping():
    return "pong"
