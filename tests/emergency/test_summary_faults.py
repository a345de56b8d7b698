"""Faults around the summary job, against real services: a worker killed with SIGKILL in the
middle of a run, and Redis stopped when a run is asked for."""

import socket
import subprocess

import kombu.pools
import psycopg
import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.urls import reverse

from emergency import tasks
from emergency.celery import app
from emergency.compiler import compile_sections, figures_of
from emergency.models import SummaryRun
from tests.worker import wait_for, worker_process  # noqa: F401

from .conftest import YEAR

VISIBILITY = "4"  # seconds before Redis hands an unacknowledged task to another worker


def test_worker_killed_mid_run_then_restarted_finishes_the_run_once(personas, known_tree, worker_process):  # noqa: F811
    expected = {f["key"]: f["value"] for f in figures_of(compile_sections(known_tree.city, YEAR))}
    db = connection.settings_dict
    # Hold a lock the compiler needs, so the first worker is caught mid-run, wherever it is slow or fast.
    blocker = psycopg.connect(
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"]
    )
    blocker.execute("LOCK TABLE emergency_leadershipgroup IN ACCESS EXCLUSIVE MODE")

    run = tasks.start_summary(known_tree.city, YEAR, personas.city_staff)
    first = worker_process("first", CELERY_VISIBILITY_TIMEOUT=VISIBILITY)
    wait_for(lambda: SummaryRun.objects.get(pk=run.pk).status == "running")
    first.kill()  # SIGKILL to the worker's whole process group: no chance to reject or clean up
    blocker.rollback()
    blocker.close()
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("running", 1)

    worker_process("second", CELERY_VISIBILITY_TIMEOUT=VISIBILITY)
    wait_for(lambda: SummaryRun.objects.get(pk=run.pk).status == "done", timeout=60)
    run.refresh_from_db()
    assert run.attempts == 2
    assert {f["key"]: f["value"] for f in run.figures} == expected
    assert SummaryRun.objects.count() == 1


def reset_broker_connections() -> None:
    # Forget pooled connections so the next publish connects to the broker configured now.
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of the test's own on another port, so stopping it disturbs nobody else."""
    with socket.socket() as probe:  # a port nobody uses now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        "redis-server",
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(tmp_path),
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    answers = lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout == b"PONG\n"  # noqa: E731
    wait_for(answers)
    previous = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    reset_broker_connections()
    state = {"server": server}

    def stop():
        state["server"].terminate()
        state["server"].wait(timeout=10)
        reset_broker_connections()

    def start():
        state["server"] = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for(answers)

    yield stop, start
    stop()
    app.conf.broker_url = previous
    reset_broker_connections()


def test_redis_down_pages_serve_and_the_request_waits_for_the_queue(
    transactional_db, client, personas, known_tree, private_redis
):
    stop, start = private_redis
    stop()
    client.force_login(personas.city_staff)
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("emergency:summaryrun_list"), {"organization": "C", "year": YEAR}, follow=True)
    run = SummaryRun.objects.get()
    assert run.status == "queued" and "任务队列暂时不可用" in run.error
    assert "任务队列暂时不可用" in response.content.decode()
    start()
    assert tasks.requeue_waiting_summaries() == 1  # what beat does every minute
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        wait_for(lambda: SummaryRun.objects.get().status == "done")
    run.refresh_from_db()
    assert run.error == "" and run.figures
