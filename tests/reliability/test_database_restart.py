"""A database restart under a running site: gunicorn as deployed (gthread, each thread keeping its
connection between requests) sees every kept connection dropped, and answers the next requests
without a 500."""

import os
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg

from tests.faults import database_params, free_port
from tests.worker import ROOT, wait_for

THREADS = 4
APPLICATION = "emergency-restart-test"  # how the server's connections are told from the test's own


def test_pages_answer_after_the_database_dropped_every_kept_connection(transactional_db, client, personas):
    client.force_login(personas.city_staff)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    db, port = database_params(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {"DATABASE_URL": f"postgres://{db['user']}@{db['host']}:{db['port']}/{db['dbname']}"}
    env |= {"PGAPPNAME": APPLICATION}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "-b", f"127.0.0.1:{port}"]
        + ["-w", "1", "--threads", str(THREADS), "emergency.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def status() -> int:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"Cookie": cookie})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310  (our own server)
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0

    def round_of_requests() -> list[int]:
        with ThreadPoolExecutor(THREADS * 2) as pool:
            return list(pool.map(lambda _: status(), range(THREADS * 2)))

    try:
        wait_for(lambda: status() == 200, timeout=60)
        assert round_of_requests() == [200] * THREADS * 2  # every thread now keeps a connection
        with psycopg.connect(**database_params(), autocommit=True) as watcher:
            killed = watcher.execute(
                "select pg_terminate_backend(pid) from pg_stat_activity where application_name = %s", [APPLICATION]
            ).fetchall()
        assert killed
        assert round_of_requests() == [200] * THREADS * 2
    finally:
        server.terminate()
        server.wait(timeout=30)
