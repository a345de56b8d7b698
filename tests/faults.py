"""Real faults for tests: a private Redis a test can stop and start empty, and a PostgreSQL that
drops the connections caught inside a statement and refuses new ones for a while, as a restarting
server does (pg_terminate_backend, ALLOW_CONNECTIONS)."""

from __future__ import annotations

import socket
import subprocess
import time

import kombu.pools
import psycopg
import pytest
from django.db import connection

from emergency.celery import app
from tests.worker import wait_for


def free_port() -> int:
    with socket.socket() as probe:  # a port nobody uses now
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def reset_broker_connections() -> None:
    # Forget pooled connections so the next publish connects to the broker configured now.
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of the test's own on another port, without persistence: stopping it disturbs nobody
    else, and starting it again starts it empty. Yields (stop, start)."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    command += ["--dir", str(tmp_path)]
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


def database_params() -> dict:
    db = connection.settings_dict
    return {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"], "dbname": db["NAME"]}


class DatabaseOutage:
    """Holds a lock so that the code under test waits inside its statement, then drops every
    connection waiting on it and refuses new ones for `refuse_for` seconds."""

    def __init__(self, lock_sql: str, *args):
        self.blocker = psycopg.connect(**database_params())
        # Activity statistics are frozen for the length of a transaction: watch from another connection.
        self.watcher = psycopg.connect(**database_params(), autocommit=True)
        # A database cannot refuse connections from a session inside it.
        self.admin = psycopg.connect(**{**database_params(), "dbname": "postgres"}, autocommit=True)
        self.blocker.execute(lock_sql, args or None)

    def blocked(self) -> list[int]:
        rows = self.watcher.execute(
            "select pid from pg_stat_activity where %s = any(pg_blocking_pids(pid))", [self.blocker.info.backend_pid]
        ).fetchall()
        return [pid for (pid,) in rows]

    def cut(self, refuse_for: float = 2, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not self.blocked():
            assert time.monotonic() < deadline, "the code under test never reached the locked table"
            time.sleep(0.1)
        name = database_params()["dbname"]
        self.admin.execute(f'alter database "{name}" allow_connections false')
        try:
            for pid in self.blocked():
                self.watcher.execute("select pg_terminate_backend(%s)", [pid])
            self.blocker.rollback()
            time.sleep(refuse_for)
        finally:
            self.admin.execute(f'alter database "{name}" allow_connections true')

    def close(self) -> None:
        self.blocker.rollback()  # a failing test must not leave the table locked for the next one
        self.blocker.close()
        name = database_params()["dbname"]
        self.admin.execute(f'alter database "{name}" allow_connections true')
        self.admin.close()
        self.watcher.close()
