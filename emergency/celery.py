"""The Celery application; tasks live in each app's tasks.py and record their own state."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emergency.settings")

app = Celery("emergency")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
