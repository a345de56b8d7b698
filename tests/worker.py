"""Real Celery workers on the test Redis database and the test database (tests that use them need
`transactional_db`): `celery_worker` runs in a thread of the test process; `worker_process` starts
workers as processes that a test can kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
from celery.contrib.testing.worker import start_worker

from emergency.celery import app

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


@pytest.fixture
def celery_worker(transactional_db):
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30) as worker:
        yield worker


def wait_for(condition: Callable[[], T], timeout: float = 30) -> T:
    """The first true value of `condition()`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := condition():
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")


class WorkerProcess:
    """A Celery worker in its own process group, on the test database and test Redis, that a test
    can kill with SIGKILL like a crashed machine would."""

    def __init__(self, name: str, **env: str):
        from django.db import connection

        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        self.env = {**os.environ, "DATABASE_URL": url, "DJANGO_ALLOW_ASYNC_UNSAFE": "", **env}
        self.name = name
        self.process: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "emergency",
                "worker",
                "--pool=solo",
                "-l",
                "warning",
                "-n",
                f"{self.name}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        return self

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)


@pytest.fixture
def worker_process(transactional_db):
    app.control.purge()
    started: list[WorkerProcess] = []

    def make(name: str, **env: str) -> WorkerProcess:
        worker = WorkerProcess(name, **env).start()
        started.append(worker)
        return worker

    yield make
    for worker in started:
        worker.kill(signal.SIGTERM)
