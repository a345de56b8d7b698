"""Scale-out (`python -m bench.scale_out [--year 2025] [--runs 10]`), issue 9.

Real Celery workers, as `deploy/emergency-worker.service` starts them but with one process each,
compile the whole bench city's annual summary: first `runs` runs submitted at once to one worker,
then the same to two workers with different node names on the same queue. For each phase it
records the wall time (from the first run's request to the last run's finish, as the database
recorded them), which worker ran each run (from the workers' own info-level logs: the task id
that `after_task_publish` reported for each run, in a 'Task … succeeded' line), and checks that
every run is done with its workbook written and the same figures as all the others.

The workers use a Redis database of their own (the first empty one from 11 to 14, or
SCALE_OUT_REDIS_URL) so no other worker on the machine takes the jobs, and a temporary media
directory; the runs it created are deleted at the end. It does not load data: it runs against a
database where `manage.py bench_data` has built the city (by default the bench database of
`bench/run.py`)."""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from bench.run import PYTHON, ROOT, bench_database_url, production_env

PRIVATE_REDIS_DBS = range(11, 15)  # 15 is the test suite's (conftest.py)
SUCCEEDED = re.compile(r"Task emergency\.tasks\.compile_summary\[([0-9a-f-]+)\] succeeded")
SECONDS_PER_RUN = 180  # a generous ceiling per run for one worker; scale 1 takes about 10 s

# Runs in a process configured like the web server (the private broker in REDIS_URL), so the jobs
# go out exactly as the summary page sends them: start_summary in one transaction, sent on commit.
SUBMIT_SCRIPT = """
import json, sys
import django
django.setup()
from celery.signals import after_task_publish
from django.db import transaction
from emergency import tasks
from emergency.models import Organization, SummaryRun, User

sent = {}

@after_task_publish.connect
def record(sender=None, headers=None, body=None, **kwargs):
    sent[body[0][0]] = headers["id"]

year, runs, notice = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
city = Organization.objects.get(code="BENCH")
staff = User.objects.get(username="bench_staff")
with transaction.atomic():
    ids = [tasks.start_summary(city, year, staff, notice).pk for _ in range(runs)]
unsent = dict(SummaryRun.objects.filter(pk__in=ids).exclude(error="").values_list("pk", "error"))
print(json.dumps({"sent": sent, "unsent": unsent}))
"""


class Worker:
    """One `celery worker` in its own process group, logging at info level to a file."""

    def __init__(self, name: str, env: dict, logdir: Path):
        self.name = name
        self.node = f"{name}@{socket.gethostname()}"
        self.log = logdir / f"{name}.log"
        self.err = logdir / f"{name}.err"
        self.log.unlink(missing_ok=True)
        with open(self.err, "w") as err:
            self.process = subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "celery",
                    "-A",
                    "emergency",
                    "worker",
                    "-n",
                    f"{name}@%h",
                    "--pool",
                    "prefork",
                    "--concurrency",
                    "1",
                    "-l",
                    "info",
                    "--logfile",
                    str(self.log),
                ],
                cwd=ROOT,
                env=env,
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )

    def alive(self) -> bool:
        return self.process.poll() is None

    def tail(self) -> str:
        text = ""
        for path in (self.err, self.log):
            if path.exists():
                text += path.read_text(errors="replace")[-2000:]
        return text

    def succeeded(self) -> list[str]:
        return SUCCEEDED.findall(self.log.read_text(errors="replace")) if self.log.exists() else []

    def stop(self) -> None:
        # SIGTERM to the main process only: a warm shutdown that lets the pool child finish its
        # task. Signalling the whole group would kill the child mid-task.
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # a pool child left behind by a dead parent
        except ProcessLookupError:
            pass


@contextlib.contextmanager
def worker_running(name: str, env: dict, logdir: Path):
    """One worker on the broker of `env`, as `deploy/emergency-worker.service` runs it beside the
    site: the dashboard's refreshes need one (emergency/cache.py)."""
    from emergency.celery import app

    app.control.purge()
    worker = Worker(name, env, logdir)
    try:
        wait_for_ping(app, [worker])
        yield worker
    finally:
        worker.stop()


def private_broker(env: dict) -> tuple[str, bool]:
    """The broker URL and whether we picked an empty database (and so may empty it afterwards)."""
    import redis

    if url := env.get("SCALE_OUT_REDIS_URL"):
        return url, False
    base = urllib.parse.urlsplit(env.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    for db in PRIVATE_REDIS_DBS:
        url = urllib.parse.urlunsplit(base._replace(path=f"/{db}"))
        client = redis.Redis.from_url(url)
        try:
            empty = client.dbsize() == 0
        finally:
            client.close()
        if empty:
            return url, True
    raise RuntimeError(f"no empty Redis database among {list(PRIVATE_REDIS_DBS)}; set SCALE_OUT_REDIS_URL")


def wait_for_ping(app, workers: list[Worker], timeout: float = 90) -> None:
    nodes = [w.node for w in workers]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for w in workers:
            if not w.alive():
                raise RuntimeError(f"worker {w.name} exited with {w.process.returncode}:\n{w.tail()}")
        replies = app.control.ping(destination=nodes, timeout=1.0)
        if set(nodes) <= {node for reply in replies for node in reply}:
            return
    raise RuntimeError(f"workers {nodes} did not answer a ping within {timeout} s")


def submit(year: int, runs: int, notice: str, env: dict) -> dict[int, str]:
    proc = subprocess.run(
        [PYTHON, "-c", SUBMIT_SCRIPT, str(year), str(runs), notice],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"submitting the runs failed:\n{proc.stderr[-4000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if out["unsent"]:
        raise RuntimeError(f"runs not sent to the broker: {out['unsent']}")
    return {int(run_id): task_id for run_id, task_id in out["sent"].items()}


def wait_until_final(ids: list[int], workers: list[Worker], timeout: float) -> bool:
    from emergency.models import JobStatus, SummaryRun

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        waiting = SummaryRun.objects.filter(pk__in=ids, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).count()
        if waiting == 0:
            return True
        if not all(w.alive() for w in workers):
            return False
        time.sleep(0.25)
    return False


def run_phase(app, names: list[str], year: int, runs: int, notice: str, env: dict, tmp: Path) -> dict:
    from emergency.models import JobStatus, SummaryRun

    app.control.purge()
    workers = [Worker(name, env, tmp) for name in names]
    problems = []
    try:
        wait_for_ping(app, workers)
        sent = submit(year, runs, notice, env)
        if not wait_until_final(list(sent), workers, SECONDS_PER_RUN * runs):
            dead = [f"{w.name}:\n{w.tail()}" for w in workers if not w.alive()]
            problems.append("not all runs finished" + (f"; worker died: {dead}" if dead else " in time"))
    finally:
        for w in workers:
            w.stop()
    ran_on = {task_id: w.name for w in workers for task_id in w.succeeded()}
    split = collections.Counter({name: 0 for name in names})
    rows = list(SummaryRun.objects.filter(pk__in=list(sent)).order_by("pk"))
    for run in rows:
        worker = ran_on.get(sent[run.pk])
        if worker is None:
            problems.append(f"run {run.pk}: no worker logged its task {sent[run.pk]} as succeeded")
        else:
            split[worker] += 1
        if run.status != JobStatus.DONE:
            problems.append(f"run {run.pk}: {run.status} {run.error}")
        elif not (run.workbook.name and (tmp / "media" / run.workbook.name).is_file()):
            problems.append(f"run {run.pk}: no workbook file")
    if len(names) > 1 and min(split.values()) == 0:
        problems.append(f"a worker took no runs: {dict(split)}")
    finished = [r.finished_at for r in rows if r.finished_at]
    wall = (max(finished) - min(r.created_at for r in rows)).total_seconds() if finished else None
    each = [(r.finished_at - r.started_at).total_seconds() for r in rows if r.finished_at and r.started_at]
    return {
        "wall_s": round(wall, 1) if wall is not None else None,
        "mean_run_s": round(sum(each) / len(each), 1) if each else None,
        "split": dict(split),
        "figures": [r.figures for r in rows],
        "problems": problems,
    }


def measure_scale_out(year: int, env: dict, runs: int = 10) -> dict:
    """`runs` summaries of the bench city on one worker, then on two; the DATABASE_URL in `env`
    must be the database this process's Django is connected to."""
    import redis
    from celery import Celery
    from django.conf import settings
    from django.db import connection

    from emergency.models import SummaryRun

    database = urllib.parse.urlsplit(env["DATABASE_URL"]).path.lstrip("/")
    if connection.settings_dict["NAME"] != database:
        raise RuntimeError(f"workers would use {database}, this process {connection.settings_dict['NAME']}")
    broker, picked = private_broker(env)
    notice = f"扩容基准 {secrets.token_hex(4)}"  # marks our runs, to delete them whatever happens
    with tempfile.TemporaryDirectory(prefix="scale-out-") as tmpdir:
        tmp = Path(tmpdir)
        worker_env = {**env, "REDIS_URL": broker, "DJANGO_MEDIA_ROOT": str(tmp / "media")}
        # Not emergency.celery's app: its control commands publish through a producer pool bound
        # to the broker of this process's settings, whatever connection they are given.
        app = Celery(
            "scale-out",
            broker=broker,
            set_as_current=False,
            broker_transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        )
        # Someone else's worker on this database would take jobs and skew the split; checked
        # before the try, whose cleanup would empty their queue.
        if strangers := app.control.ping(timeout=1.0):
            app.close()
            raise RuntimeError(f"workers already listening on {broker}: {strangers}")
        try:
            one = run_phase(app, ["w1"], year, runs, notice, worker_env, tmp)
            print(f"   scale-out: one worker {one['wall_s']} s, split {one['split']}", flush=True)
            two = run_phase(app, ["w1", "w2"], year, runs, notice, worker_env, tmp)
            print(f"   scale-out: two workers {two['wall_s']} s, split {two['split']}", flush=True)
        finally:
            app.control.purge()
            app.close()
            SummaryRun.objects.filter(notice=notice).delete()
            if picked:
                client = redis.Redis.from_url(broker)
                client.flushdb()  # it was empty when we took it: leave it so
                client.close()
    figures = one.pop("figures") + two.pop("figures")
    problems = one["problems"] + two["problems"]
    if any(f != figures[0] for f in figures):
        problems.append("the runs' figures differ")
    both = one["wall_s"] and two["wall_s"]
    return {
        "runs": runs,
        "one_worker_s": one["wall_s"],
        "two_workers_s": two["wall_s"],
        "speedup": round(one["wall_s"] / two["wall_s"], 2) if both else None,
        "split": two["split"],
        "all_done": not problems,
        "one_worker_split": one["split"],
        "mean_run_s": {"one_worker": one["mean_run_s"], "two_workers": two["mean_run_s"]},
        "figures": len(figures[0]) if figures else 0,
        "broker": broker,
        "problems": problems,
    }


def table_row(result: dict) -> tuple[str, str, str, str, str]:
    """The figure as a row of `bench.run`'s table."""
    split = " / ".join(f"{name} {n}" for name, n in result["split"].items())
    return (
        "年度总结 scale-out",
        f"{result['runs']} city runs at once",
        f"1 worker {result['one_worker_s']} s, 2 workers {result['two_workers_s']} s ({result['speedup']}×)",
        f"split {split}",
        "all done" if result["all_done"] else f"PROBLEMS: {'; '.join(result['problems'])[:200]}",
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=datetime.date.today().year - 1)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--database-url", default=None, help="a database built by bench_data (default: the bench one)")
    args = parser.parse_args(argv)
    # The same production settings as bench/run.py, so the workers run as they would be deployed.
    production = production_env(args.database_url or bench_database_url(), Path(tempfile.mkdtemp()) / "static")
    env = {**os.environ, **production}
    os.environ.update(production)
    import django

    django.setup()
    print(f"Database: {urllib.parse.urlsplit(production['DATABASE_URL']).path.lstrip('/')}", flush=True)
    result = measure_scale_out(args.year, env, args.runs)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    print(" | ".join(table_row(result)))
    return 0 if result["all_done"] else 1


if __name__ == "__main__":
    sys.exit(main())
