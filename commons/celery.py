"""The Celery app, configured from Django's settings (CELERY_* names)."""

import os

from celery import Celery
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commons.settings")

app = Celery("commons")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def send_after_commit(task, *args) -> None:
    """Send `task` once the current transaction commits, so a rolled-back write sends
    nothing; a broker that is down is logged (Django's robust on_commit) and costs only
    this task, never the write or the request."""

    def send_task() -> None:
        task.delay(*args)

    transaction.on_commit(send_task, robust=True)
