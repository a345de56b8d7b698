"""Tests get their own Redis database, so a running development worker never takes a test's task (and
a test never takes one of the development worker's), and emptying the cache empties no one else's.
Each pytest-xdist worker has one of its own, gw0 the one named and gwN the Nth below it, since
fixtures empty the whole database and tests run Celery workers on it.

pytest-django has loaded the settings before this file is read: the address goes into them as well
as into the environment, which the Celery workers that tests start inherit."""

import os
from urllib.parse import urlsplit

from django.conf import settings

pytest_plugins = ["tests.alone", "tests.figures"]


def _redis_url_of_this_worker() -> str:
    url = urlsplit(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15"))
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    db = int(url.path.strip("/") or 0) - worker
    if db < 0:
        raise RuntimeError(f"TEST_REDIS_URL's database is too low for pytest-xdist worker gw{worker}")
    return url._replace(path=f"/{db}").geturl()


os.environ["REDIS_URL"] = settings.REDIS_URL = settings.CELERY_BROKER_URL = _redis_url_of_this_worker()
settings.CACHES["default"]["LOCATION"] = settings.REDIS_URL
# Celery reads these before its settings: one left in the environment would make every worker's tests
# (and the workers they start) share its broker.
for name in ("CELERY_BROKER_URL", "CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL", "CELERY_RESULT_BACKEND"):
    os.environ.pop(name, None)
