"""The benchmark (`python -m bench.run [--scales 1,4] [--quick] [--no-http]`), issue 9.

Builds each scale of the synthetic city (`manage.py bench_data`) into the bench database and
measures, pairing every figure with a baseline taken in the same run:

  1. importing a 10,000-row drills workbook through our engine vs django-import-export;
  2. the leader's dashboard at every scale: built (the cache off), viewed just after a committed
     write (with a Celery worker refreshing the panels) and from the cache (median of 20, query
     count, ratio to scale 1), and how long after a write the page shows the new figures;
  3. the drill compliance report of the whole city over the year, measured as the dashboard is;
     list pages (hazards by district and state, page 1 and the last page; every area's list);
  4. the city's annual summary in a subprocess (wall time, peak RSS, workbook size) vs the same
     rows written by openpyxl's default (in-memory) Workbook;
  5. gunicorn on 127.0.0.1 under 50 locust users (one to five seconds between pages) for 60 s;
  6. ten city summaries submitted at once to one Celery worker, then to two (bench/scale_out.py).

It writes `bench/results.json` and prints a table. The database is flushed at every scale, so it
refuses to run on a database whose name does not contain "bench": by default it uses the
DATABASE_URL's database with "_bench" appended, creating and migrating it first."""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS = ROOT / "bench" / "results.json"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/emergency"

IMPORT_RUNS = 3

TARGETS = {
    "import_rows_per_s": 10_000,
    "import_ratio": 25,
    "dashboard_ms": 300,
    "dashboard_ratio": 2,
    "list_ms": 200,
    "summary_s": 60,
    "summary_rss_mb": 400,
    "http_p95_ms": 500,
}


def bench_database_url() -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_URL
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        name = f"{name}_bench"
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def production_env(url: str, static_root: Path) -> dict[str, str]:
    """Production settings throughout: DEBUG off (no query log, cached templates, hashed static files
    collected into `static_root`), a throwaway secret, no HTTPS redirect, and a Redis database of
    the bench's own for the cache, so clearing it touches nothing else."""
    return {
        "DATABASE_URL": url,
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10"),
        "DJANGO_SETTINGS_MODULE": "emergency.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DJANGO_SSL_REDIRECT": "0",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def prepare_database(env: dict) -> None:
    subprocess.run(["scripts/createdb.sh"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)


def run_bench_data(scale: int, year: int, env: dict) -> dict:
    started = time.perf_counter()
    proc = subprocess.run(
        [PYTHON, "manage.py", "bench_data", "--scale", str(scale), "--year", str(year), "--flush"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    counts = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"\s+(\S+): ([\d,]+)$", line)
        if m:
            counts[m.group(1)] = int(m.group(2).replace(",", ""))
    print(proc.stdout.strip().splitlines()[-1], flush=True)
    return {"rows": counts, "load_s": round(elapsed, 1)}


def median_ms(fn, repeat: int, before=None) -> float:
    """Median time of `fn()` over `repeat` calls, after one to warm caches as a running server would
    have them; `before()` runs ahead of each call, untimed."""
    fn()
    times = []
    for _ in range(repeat):
        if before:
            before()
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


# ---------------------------------------------------------------- in-process measurements


def client_for(username: str):
    from django.test import Client

    from emergency.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def timed_get(client, url: str, repeat: int, before=None) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    ms = median_ms(get, repeat, before)
    if before:
        before()
    # Counted in a transaction, where the dashboard's panels are built one by one on the request's
    # connection (emergency.parallel): the same queries, all of them seen.
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        get()
    return {"url": url, "median_ms": ms, "queries": len(queries), "repeat": repeat}


FRESH_RUNS = 3
FRESH_WITHIN_S = 120


def measure_dashboard(year: int, repeat: int, env: dict, tmp: Path) -> dict:
    """The leader's dashboard (`measure_cached_page`)."""
    return measure_cached_page(f"/dashboard/?year={year}", "figures", repeat, env, tmp)


def measure_compliance(year: int, repeat: int, env: dict, tmp: Path) -> dict:
    """The drill compliance report of the whole city over the year, every school judged, the worst
    first (`measure_cached_page`)."""
    from django.urls import reverse

    from emergency.models import Organization, OrganizationKind

    url = f"{reverse('drills:compliance')}?start={year}-01&end={year}-12"
    schools = Organization.objects.filter(kind=OrganizationKind.SCHOOL).count()
    return {**measure_cached_page(url, "built", repeat, env, tmp), "schools": schools}


def measure_cached_page(url: str, built: str, repeat: int, env: dict, tmp: Path) -> dict:
    """A page of figures kept in the cache (emergency/cache.py), as the city's leader: built every
    time (the cache off: the cost of a build, in the request or in the worker); viewed just after a
    committed write, with a worker running as deployed (a slow build is shown as last built while
    the worker builds it again); from the cache (the data unchanged since the last build); and the
    seconds from a write until a view shows figures built after it (median of FRESH_RUNS). `built`
    names the page's context entry holding the cache's `Built`."""
    from django.db.models.functions import Now
    from django.test import override_settings

    from bench.scale_out import worker_running
    from hazards.models import Hazard

    client = client_for("bench_leader")
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}):
        building = timed_get(client, url, repeat)
    cached = timed_get(client, url, repeat)
    hazard = Hazard.objects.order_by("pk").values_list("pk", flat=True).first()

    def write():  # any committed write changes the snapshot the figures were built under
        Hazard.objects.filter(pk=hazard).update(updated_at=Now())

    with worker_running("bench_refresh", env, tmp):
        after = timed_get(client, url, repeat, before=write)
        fresh = []
        for _ in range(FRESH_RUNS):
            write()
            written, started = time.time(), time.perf_counter()
            while True:
                figures = client.get(url).context[built]
                if not figures.refreshing and figures.built_at.timestamp() >= written - 0.01:
                    break
                if time.perf_counter() - started > FRESH_WITHIN_S:
                    raise RuntimeError(f"{url} still showed figures from before a write {FRESH_WITHIN_S} s on")
                time.sleep(0.05)
            fresh.append(time.perf_counter() - started)
    return {
        **building,
        "cached_ms": cached["median_ms"],
        "cached_queries": cached["queries"],
        "after_write_ms": after["median_ms"],
        "after_write_queries": after["queries"],
        "fresh_after_write_s": round(statistics.median(fresh), 2),
    }


def measure_lists(year: int, repeat: int) -> list[dict]:
    from emergency import registry
    from emergency.generic import PER_PAGE, CappedPaginator
    from emergency.models import Organization, OrganizationKind
    from hazards.choices import HazardStatus
    from hazards.models import Hazard

    client = client_for("bench_leader")
    district = Organization.objects.filter(kind=OrganizationKind.DISTRICT).order_by("code").first()
    city = Organization.objects.get(code="BENCH")
    out = []
    state = HazardStatus.RECTIFYING

    def last_page(rows: int) -> int:  # the deepest page a list offers (CappedPaginator)
        return max(1, -(-min(rows, CappedPaginator.limit) // PER_PAGE))

    n = Hazard.objects.filter(organization__path__startswith=district.path, status=state).count()
    base = f"/hazards/?org={district.pk}&status={state}"
    out.append({"name": "隐患 区县+状态 第1页", "rows": n, **timed_get(client, base, repeat)})
    last = last_page(n)
    out.append({"name": f"隐患 区县+状态 第{last}页", "rows": n, **timed_get(client, f"{base}&page={last}", repeat)})
    n_all = Hazard.objects.count()
    last_all = last_page(n_all)
    out.append({"name": "隐患 全市 第1页", "rows": n_all, **timed_get(client, f"/hazards/?org={city.pk}", repeat)})
    out.append(
        {
            "name": f"隐患 全市 第{last_all}页",
            "rows": n_all,
            **timed_get(client, f"/hazards/?org={city.pk}&page={last_all}", repeat),
        }
    )
    from django.urls import reverse

    for area in registry.areas:
        url = reverse(area.url_name)
        out.append(
            {"name": f"{area.label} 列表 第1页", "rows": None, **timed_get(client, f"{url}?year={year}", repeat)}
        )
    # The overdue and major hazards still open (most of the city's at this scale); the drill
    # compliance report is measured as the dashboard is (measure_compliance).
    supervision = timed_get(client, reverse("hazards:supervision"), repeat)
    out.append({"name": "隐患督办 全市 第1页", "rows": None, **supervision})
    return out


def drills_workbook(rows: int, year: int) -> bytes:
    from openpyxl import Workbook

    from drills.choices import DrillForm, DrillType
    from drills.imports import DrillImport
    from emergency.models import Organization, OrganizationKind

    codes = list(
        Organization.objects.filter(kind=OrganizationKind.SCHOOL).order_by("code").values_list("code", flat=True)
    )
    spec = DrillImport()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(spec.sheet_name)
    sheet.append([c.header for c in spec.columns])
    types = [str(label) for _v, label in DrillType.choices]
    forms = [str(label) for _v, label in DrillForm.choices]
    for i in range(rows):
        held = datetime.date(year, 1 + i % 12, 1 + i % 28)
        values = {
            "单位代码": codes[i % len(codes)],
            "演练名称": f"基准导入演练{i:05d}",
            "演练日期": held,
            "演练类型": types[i % len(types)],
            "演练形式": forms[i % len(forms)],
            "关联预案": "",
            "参演学生人数": 100 + i % 900,
            "参演教职工人数": 10 + i % 50,
            "时长(分钟)": 30,
            "发现问题": "",
            "备注": "",
        }
        sheet.append([values.get(c.header, "") for c in spec.columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def measure_import(rows: int, year: int) -> dict:
    import tablib

    from bench.resources import DrillResource
    from drills.models import Drill
    from emergency import registry
    from emergency.imports import apply, validate
    from emergency.models import User

    data = drills_workbook(rows, year)
    staff = User.objects.get(username="bench_staff")
    spec = registry.import_specs["drills"]

    def clear():
        Drill.objects.filter(name__startswith="基准导入演练").delete()

    def ours_once() -> tuple[float, float]:
        clear()
        t = time.perf_counter()
        validation = validate(spec, "bench.xlsx", data, staff)
        assert validation.ok, validation.errors[:5]
        assert len(validation.to_add) == rows, len(validation.to_add)
        t_valid = time.perf_counter() - t
        apply(spec, validation, staff, source="bench")
        total = time.perf_counter() - t
        assert Drill.objects.filter(name__startswith="基准导入演练").count() == rows
        return total, t_valid

    # The median of three (by total time): one run on a shared machine is a sample of its neighbours too.
    ours, t_valid = sorted(ours_once() for _ in range(IMPORT_RUNS))[IMPORT_RUNS // 2]
    clear()

    t = time.perf_counter()
    dataset = tablib.Dataset().load(data, format="xlsx")
    result = DrillResource().import_data(dataset, dry_run=False, raise_errors=True)
    theirs = time.perf_counter() - t
    assert not result.has_errors()
    assert Drill.objects.filter(name__startswith="基准导入演练").count() == rows
    clear()
    return {
        "rows": rows,
        "runs": IMPORT_RUNS,
        "ours_s": round(ours, 2),
        "ours_validate_s": round(t_valid, 2),
        "ours_rows_per_s": round(rows / ours),
        "import_export_s": round(theirs, 2),
        "import_export_rows_per_s": round(rows / theirs),
        "ratio": round(theirs / ours, 1),
        "workbook_bytes": len(data),
    }


# ---------------------------------------------------------------- subprocess measurements


def timed_subprocess(cmd: list[str], env: dict) -> dict:
    """Wall time and peak RSS of a child process (GNU time when present, else getrusage)."""
    import resource

    gnu_time = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    if gnu_time:
        cmd = [gnu_time, "-v", *cmd]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    kb = int(m.group(1)) if m else max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return {"wall_s": round(wall, 1), "peak_rss_mb": round(kb / 1024, 1), "stdout": proc.stdout}


BASELINE_SCRIPT = """
import sys
from openpyxl import Workbook, load_workbook
src = load_workbook(sys.argv[1], read_only=True)
out = Workbook()
out.remove(out.active)
rows = 0
for ws in src.worksheets:
    target = out.create_sheet(ws.title)
    for row in ws.iter_rows(values_only=True):
        target.append(row)
        rows += 1
out.save(sys.argv[2])
print(rows)
"""


def measure_summary(year: int, env: dict, tmp: Path) -> dict:
    out = tmp / "summary.xlsx"
    ours = timed_subprocess(
        [PYTHON, "manage.py", "compile_summary", "--org", "BENCH", "--year", str(year), "--out", str(out)], env
    )
    baseline = timed_subprocess([PYTHON, "-c", BASELINE_SCRIPT, str(out), str(tmp / "baseline.xlsx")], env)
    from openpyxl import load_workbook

    sheets = load_workbook(out, read_only=True).sheetnames
    return {
        "wall_s": ours["wall_s"],
        "peak_rss_mb": ours["peak_rss_mb"],
        "workbook_bytes": out.stat().st_size,
        "sheets": sheets,
        "rows": int(baseline["stdout"].strip() or 0),
        "baseline_wall_s": baseline["wall_s"],
        "baseline_peak_rss_mb": baseline["peak_rss_mb"],
    }


# ---------------------------------------------------------------- HTTP


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_targets(year: int) -> dict[str, list[str]]:
    """The pages the simulated readers open, by kind: the dashboard, every area's list, the hazards
    filtered by district (page 1 and a deep page), the drill compliance report of the city and of
    a district, ten hazards' and ten drills' pages."""
    from django.urls import reverse

    from drills.models import Drill
    from emergency import registry
    from emergency.models import Organization, OrganizationKind
    from hazards.models import Hazard

    district = Organization.objects.filter(kind=OrganizationKind.DISTRICT).order_by("code").first()
    lists = [f"{reverse(a.url_name)}?year={year}" for a in registry.areas]
    lists += [f"/hazards/?org={district.pk}&status=pending", f"/hazards/?org={district.pk}&page=5"]
    report = f"{reverse('drills:compliance')}?start={year}-01&end={year}-12"
    lists += [report, f"{report}&org={district.code}"]
    details = [h.get_absolute_url() for h in Hazard.objects.order_by("?")[:10]]
    details += [d.get_absolute_url() for d in Drill.objects.order_by("?")[:10]]
    return {"dashboard": [f"/dashboard/?year={year}"] * 3, "list": lists, "detail": details}


def measure_http(year: int, env: dict, users: int, seconds: int, tmp: Path) -> dict:
    """gunicorn as deployed (deploy/gunicorn.conf.py) under locust headless: `users` signed-in
    readers with one to five seconds between pages (bench/locustfile.py)."""
    import csv
    import runpy

    port = free_port()
    server_env = {**env, "DJANGO_ALLOWED_HOSTS": "127.0.0.1"}
    config = ROOT / "deploy" / "gunicorn.conf.py"
    workers = runpy.run_path(str(config))["workers"]  # for the table: what the config starts
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "emergency.wsgi",
            "-c",
            str(config),
            "-b",
            f"127.0.0.1:{port}",
            # Longer than the readers' longest pause (5 s): with gunicorn's default of 2 s a reader
            # sometimes sent its next request as the server closed the idle connection (a reset,
            # 2 in 950 requests). In production nginx holds the readers' connections.
            "--keep-alive",
            "10",
            "--log-level",
            "warning",
            # Each request's path and time (µs), to name what makes the tail (`slowest_requests`).
            "--access-logfile",
            str(tmp / "access.log"),
            "--access-logformat",
            "%(t)s %(D)s %(m)s %(U)s?%(q)s %(s)s",
        ],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "gunicorn.log", "w"),  # noqa: SIM115  (closed with the process)
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        pages = http_targets(year)
        load_env = {**os.environ, "BENCH_PAGES": json.dumps(pages), "BENCH_COOKIE": login_cookie(port)}
        subprocess.run(
            [
                str(Path(PYTHON).with_name("locust")),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(users),
                "--spawn-rate",
                str(max(1, users // 5)),
                "--run-time",
                f"{seconds}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(tmp / "locust"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=load_env,
            check=False,  # locust exits 1 when any request failed; the failures are read below
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    with open(tmp / "locust_stats.csv", newline="") as f:
        stats = {row["Name"]: row for row in csv.DictReader(f)}
    with open(tmp / "locust_failures.csv", newline="") as f:
        failures = [f"{row['Error']} {row['Name']}" for row in csv.DictReader(f)]

    def figures(row: dict) -> dict:
        return {
            "requests": int(row["Request Count"]),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
        }

    total = stats["Aggregated"]
    started = os.path.getmtime(tmp / "gunicorn.log")  # opened as the server started
    return {
        "users": users,
        "seconds": seconds,
        "think_time_s": "1–5",
        "gunicorn_workers": workers,
        **figures(total),
        "requests_per_s": round(float(total["Requests/s"]), 1),
        "errors": int(total["Failure Count"]),
        "error_sample": failures[:5],
        "by_kind": {kind: figures(stats[kind]) for kind in pages if kind in stats},
        "slowest": slowest_requests(tmp / "access.log", started),
    }


SLOWEST = 10
ACCESS_LINE = re.compile(r"\[(?P<at>[^\]]+)\] (?P<us>\d+) (?P<method>\S+) (?P<url>\S+) (?P<status>\d+)")


def slowest_requests(log: Path, started: float) -> list[dict]:
    """The SLOWEST requests of the load in gunicorn's access log: path, server time, and seconds
    after the server started (a tail of first requests is each worker process warming up)."""
    requests = []
    for line in log.read_text().splitlines():
        if match := ACCESS_LINE.search(line):
            at = datetime.datetime.strptime(match["at"], "%d/%b/%Y:%H:%M:%S %z").timestamp()
            url = match["url"].removesuffix("?")
            requests.append({"url": url, "ms": int(match["us"]) / 1000, "at_s": round(at - started)})
    return sorted(requests, key=lambda r: -r["ms"])[:SLOWEST]


def login_cookie(port: int) -> str:
    """Sign in as bench_leader through the real login form; returns the Cookie header."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/accounts/login/", headers={"Host": "127.0.0.1"})
    response = conn.getresponse()
    page = response.read().decode()
    cookies = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name] = rest.split(";")[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": "bench_leader", "password": "bench-pass", "csrfmiddlewaretoken": token})
    conn.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Host": "127.0.0.1",
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "Referer": f"http://127.0.0.1:{port}/accounts/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            cookies[name] = rest.split(";")[0]
    if "sessionid" not in cookies:
        raise RuntimeError(f"login failed: {response.status}")
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


# ---------------------------------------------------------------- report


def machine() -> dict:
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    cpu = ""
    try:
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            "",
        )
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "speed": machine_speed(),
    }


def machine_speed() -> dict:
    """Two fixed workloads, so that figures from machines of one kind on different days can be
    compared (a shared machine's speed varies several times over between sessions): ten million
    additions in a Python loop, and PostgreSQL counting ten million generated rows; median of 3."""
    from django.db import connection

    def python_loop():
        total = 0
        for i in range(10_000_000):
            total += i
        return total

    def postgres_count():
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM generate_series(1, 10000000)")
            cursor.fetchone()

    return {"python_loop_ms": median_ms(python_loop, 3), "postgres_count_ms": median_ms(postgres_count, 3)}


def verdict(value, target, smaller_is_better=True) -> str:
    if value is None:
        return "—"
    met = value <= target if smaller_is_better else value >= target
    return (
        "达标" if met else f"未达标 ({value / target:.1f}×)" if smaller_is_better else f"未达标 ({value / target:.0%})"
    )


def table(results: dict) -> list[tuple[str, str, str, str, str]]:
    rows = []
    scales = results["scales"]
    largest = str(max(int(s) for s in scales))
    big = scales[largest]
    schools = big["rows"].get("单位", 0)
    size = f"scale {largest} ({schools:,} units)"
    if imp := big.get("import"):
        rows.append(
            (
                "导入 演练 ours",
                f"{imp['rows']:,} rows, {size}",
                f"{imp['ours_rows_per_s']:,} rows/s (median of {imp.get('runs', 1)})",
                f"django-import-export {imp['import_export_rows_per_s']:,} rows/s",
                verdict(imp["ours_rows_per_s"], TARGETS["import_rows_per_s"], False),
            )
        )
        rows.append(
            (
                "导入 ratio",
                f"{imp['rows']:,} rows",
                f"{imp['ratio']}×",
                "target ≥ 25×",
                verdict(imp["ratio"], TARGETS["import_ratio"], False),
            )
        )
    base = scales[str(min(int(s) for s in scales))]
    # Built: the cache off, what a build costs (in the request where it is within the budget, in the
    # worker otherwise, and in the request at the first view of an organisation's year); after a
    # write: the first view after any committed write; cached: the data unchanged since the build.
    ways = (
        ("built", "median_ms", "queries"),
        ("after a write", "after_write_ms", "after_write_queries"),
        ("cached", "cached_ms", "cached_queries"),
    )
    # The pages of cached figures: the dashboard, and the compliance report, a list page whose ratio
    # across scales has no target.
    pages = (
        ("驾驶舱 (leader)", "dashboard", "dashboard_ms", "dashboard_ratio"),
        ("演练达标情况 全市 全年", "compliance", "list_ms", None),
    )
    for name, page, target, ratio_target in pages:
        for s, data in sorted(scales.items(), key=lambda kv: int(kv[0])):
            if not (d := data.get(page)):
                continue
            for way, ms, queries in ways:
                detail = f"median of {d['repeat']}"
                if way == "after a write":
                    detail += f"; new figures shown {d['fresh_after_write_s']} s after the write"
                rows.append(
                    (
                        f"{name}, {way}",
                        f"scale {s} ({data['rows'].get('单位', 0):,} units)",
                        f"{d[ms]} ms, {d[queries]} queries",
                        detail,
                        verdict(d[ms], TARGETS[target]),
                    )
                )
        if len(scales) > 1 and page in big and page in base:
            for way, ms, queries in ways:
                ratio = round(big[page][ms] / base[page][ms], 2)
                same = big[page][queries] == base[page][queries]
                rows.append(
                    (
                        f"{name} ratio, {way}",
                        f"scale {largest} / scale {min(int(s) for s in scales)}",
                        f"{ratio}×",
                        f"queries {'same' if same else 'DIFFER'}",
                        verdict(ratio, TARGETS[ratio_target]) if ratio_target else "—",
                    )
                )
    for item in big.get("lists", []):
        rows.append(
            (
                item["name"],
                f"{size}" + (f", {item['rows']:,} matching" if item["rows"] else ""),
                f"{item['median_ms']} ms, {item['queries']} queries",
                item["url"],
                verdict(item["median_ms"], TARGETS["list_ms"]),
            )
        )
    for s, data in sorted(scales.items(), key=lambda kv: int(kv[0])):
        if not (sm := data.get("summary")):
            continue
        rows.append(
            (
                "年度总结 city",
                f"scale {s} ({data['rows'].get('单位', 0):,} units), {sm['rows']:,} rows in workbook",
                f"{sm['wall_s']} s, peak {sm['peak_rss_mb']} MB, {sm['workbook_bytes'] / 1e6:.1f} MB file",
                f"openpyxl default mode: peak {sm['baseline_peak_rss_mb']} MB ({sm['baseline_wall_s']} s)",
                verdict(sm["wall_s"], TARGETS["summary_s"])
                + " / "
                + verdict(sm["peak_rss_mb"], TARGETS["summary_rss_mb"]),
            )
        )
    if len(scales) > 1 and (first := base.get("summary")) and (last := big.get("summary")):
        units = big["rows"].get("单位", 0) / max(base["rows"].get("单位", 0), 1)
        memory, wall = last["peak_rss_mb"] / first["peak_rss_mb"], last["wall_s"] / first["wall_s"]
        rows.append(
            (
                "年度总结 growth",
                f"scale {largest} / scale {min(int(s) for s in scales)} ({units:.0f}× the units)",
                f"memory {memory:.2f}×, time {wall:.1f}×",
                f"workbook rows {last['rows'] / max(first['rows'], 1):.1f}×",
                "—",
            )
        )
    for s, data in scales.items():
        if so := data.get("scale_out"):
            from bench.scale_out import table_row

            figure, size, *rest = table_row(so)
            rows.append((figure, f"{size}, scale {s} ({data['rows'].get('单位', 0):,} units)", *rest))
    for s, data in sorted(scales.items(), key=lambda kv: int(kv[0])):
        if not (h := data.get("http")):
            continue
        rows.append(
            (
                "HTTP gunicorn",
                f"scale {s} ({data['rows'].get('单位', 0):,} units), {h['users']} users (think {h['think_time_s']} s)"
                f" × {h['seconds']} s, {h['gunicorn_workers']} workers",
                f"{h['requests_per_s']} req/s; p50 {h['p50_ms']} / p95 {h['p95_ms']} / p99 {h['p99_ms']} ms",
                f"{h['errors']} errors of {h['requests']:,}",
                verdict(h["p95_ms"], TARGETS["http_p95_ms"]) + ("" if h["errors"] == 0 else " (errors)"),
            )
        )
        if slowest := h.get("slowest"):
            rows.append(
                (
                    "HTTP slowest requests",
                    f"scale {s}, gunicorn's access log",
                    "; ".join(f"{r['url']} {r['ms']:.0f} ms ({r['at_s']} s in)" for r in slowest[:3]),
                    f"server time; {len(slowest)} slowest in results.json",
                    "—",
                )
            )
    return rows


def print_table(results: dict) -> None:
    m = results["machine"]
    print(
        f"\nMachine: {m['nproc']} CPU ({m['cpu']}), {m['ram_gb']} GB RAM, Python {m['python']}; year {results['year']}"
    )
    if speed := m.get("speed"):
        print(
            f"  speed: a Python loop of 10 M additions {speed['python_loop_ms']} ms, "
            f"PostgreSQL counting 10 M rows {speed['postgres_count_ms']} ms"
        )
    for s, data in sorted(results["scales"].items(), key=lambda kv: int(kv[0])):
        print(f"  scale {s}: loaded in {data['load_s']} s: " + ", ".join(f"{k} {v:,}" for k, v in data["rows"].items()))
    rows = [("figure", "data size", "value", "baseline / detail", "target")] + table(results)
    widths = [min(60, max(len(str(r[i])) for r in rows)) for i in range(5)]
    for r in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,4", help="comma-separated scales (N × 400 schools)")
    parser.add_argument("--quick", action="store_true", help="fewer rows and repeats: a smoke run")
    parser.add_argument("--no-http", action="store_true", help="skip the gunicorn load test")
    parser.add_argument("--no-scale-out", action="store_true", help="skip the one-vs-two workers figure")
    parser.add_argument("--http-seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--year", type=int, default=datetime.date.today().year - 1)
    args = parser.parse_args(argv)
    scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
    repeat = 5 if args.quick else 20
    import_rows = 1000 if args.quick else 10_000
    http_seconds = 10 if args.quick else args.http_seconds

    url = bench_database_url()
    tmpdir = tempfile.TemporaryDirectory(prefix="bench-")
    tmp = Path(tmpdir.name)
    production = production_env(url, tmp / "static")
    env = {**os.environ, **production}
    os.environ.update(production)
    print(f"Bench database: {urllib.parse.urlsplit(url).path.lstrip('/')}", flush=True)
    prepare_database(env)
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)

    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connections
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test Client's host and response context; no database changes

    results = {"machine": machine(), "year": args.year, "quick": args.quick, "targets": TARGETS, "scales": {}}
    results["started"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    with tmpdir:
        for scale in scales:
            connections.close_all()
            print(f"\n== scale {scale}: building {scale * 400:,} schools …", flush=True)
            data = run_bench_data(scale, args.year, env)
            # The bench's own Redis database: figures kept from the previous scale or run were built
            # from other data under the same ids, and a slow one would be served as last built.
            cache.clear()
            data["dashboard"] = measure_dashboard(args.year, repeat, env, tmp)
            print(
                f"   dashboard {data['dashboard']['median_ms']} ms, {data['dashboard']['queries']} queries", flush=True
            )
            data["compliance"] = measure_compliance(args.year, repeat, env, tmp)
            c = data["compliance"]
            print(f"   compliance built {c['median_ms']} ms, cached {c['cached_ms']} ms", flush=True)
            if scale == scales[0] and not args.no_scale_out:
                # At the smallest scale: ten runs twice over is minutes of summaries at the largest.
                from bench.scale_out import measure_scale_out

                connections.close_all()
                data["scale_out"] = measure_scale_out(args.year, env, 2 if args.quick else 10)
                print(f"   scale-out: {data['scale_out']}", flush=True)
            if scale == scales[-1]:
                data["lists"] = measure_lists(args.year, repeat)
                print("   lists: " + ", ".join(f"{x['name']} {x['median_ms']} ms" for x in data["lists"]), flush=True)
                data["import"] = measure_import(import_rows, args.year)
                print(f"   import: {data['import']}", flush=True)
            # At every scale: whether the summary's time and memory stay flat as the data grows.
            connections.close_all()
            data["summary"] = measure_summary(args.year, env, tmp)
            print(f"   summary: {data['summary']}", flush=True)
            # Over HTTP at the largest scale, and at a city's size (scale 4) when that is run too:
            # on a small machine the province saturates the CPU, and that is not the city's figure.
            if not args.no_http and (scale == scales[-1] or scale == 4):
                from bench.scale_out import worker_running

                with worker_running("bench_http", env, tmp):  # as deployed: the site and a worker
                    data["http"] = measure_http(args.year, env, args.users, http_seconds, tmp)
                print(f"   http: {data['http']}", flush=True)
            results["scales"][str(scale)] = data
            RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    results["finished"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print_table(results)
    print(f"\nWritten {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
