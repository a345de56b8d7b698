"""The readers of `bench/run.py`'s HTTP figure, run by locust headless against gunicorn.

Each simulated user is a signed-in leader who opens a page, reads it for one to five seconds
(locust's `between(1, 5)`, the think time its documentation starts from) and opens the next: the
dashboard, every area's list, filtered and deep hazard pages and record pages, in the mix
`http_targets` builds. The paths and the session cookie come from the environment so that this
file needs no Django: locust's gevent patches the process it runs in."""

import json
import os
import random

from locust import HttpUser, between, task

PAGES: dict[str, list[str]] = json.loads(os.environ["BENCH_PAGES"])
COOKIE = os.environ["BENCH_COOKIE"]
MIX = [kind for kind, paths in PAGES.items() for _ in paths]  # each kind weighted by its number of pages


class Reader(HttpUser):
    wait_time = between(1, 5)

    @task
    def open_a_page(self) -> None:
        kind = random.choice(MIX)  # noqa: S311  (a load mix, not a secret)
        self.client.get(random.choice(PAGES[kind]), name=kind, headers={"Cookie": COOKIE})  # noqa: S311
