"""The Celery application; tasks live in each app's tasks.py and record their own state."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emergency.settings")

app = Celery("emergency")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def schedule_registered_jobs(sender, **kwargs):
    """The periodic jobs the apps declared (`registry.beat_jobs`), for beat: the app finalises
    after Django has set up, so every app's registration is in by then."""
    from . import registry

    sender.conf.beat_schedule = {**sender.conf.beat_schedule, **registry.beat_jobs}
