"""Production settings refuse to start unsafely, and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-of-sufficient-length-0123456789",
    "DJANGO_ALLOWED_HOSTS": "emergency.example.edu.cn",
}


def manage(*args, **env):
    # The browser tests allow async-unsafe calls in their own process; a deployment never does.
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**base, **env},
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="0", DJANGO_SECRET_KEY="")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_malformed_boolean_fails_loudly():
    result = manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0 and "DJANGO_DEBUG must be 0 or 1" in result.stderr


def test_deploy_check_reports_nothing_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_gunicorn_loads_the_site_with_the_deployed_settings():
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--print-config", "emergency.wsgi"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**base, **PRODUCTION},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    settings = dict(map(str.strip, line.split(" = ", 1)) for line in result.stdout.splitlines() if " = " in line)
    assert settings["worker_class"] == "gthread" and settings["threads"] == "2"
    assert int(settings["workers"]) == 2 * os.cpu_count() + 1


def test_connections_take_work_mem_from_the_environment():
    show = "from django.db import connection as c; k = c.cursor(); k.execute('SHOW work_mem'); print(k.fetchone()[0])"
    assert manage("shell", "--no-imports", "-c", show).stdout.strip() == "16MB"
    assert manage("shell", "--no-imports", "-c", show, DATABASE_WORK_MEM="48MB").stdout.strip() == "48MB"


def test_the_wsgi_module_warms_the_process_without_the_database():
    """gunicorn forks its workers from a master that loaded emergency.wsgi (preload_app): the
    templates are compiled there, and no connection is open to be shared across the fork (the
    test would fail on any query: it has no database access)."""
    import importlib

    from django.conf import settings
    from django.template import engines

    import emergency.wsgi

    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    importlib.reload(emergency.wsgi)
    templates = Path(settings.TEMPLATES[0]["DIRS"][0])
    names = {str(path.relative_to(templates)) for path in templates.rglob("*.html")}
    assert names and names <= set(loader.get_template_cache)


def test_redis_as_deployed_keeps_its_queue_on_disk(tmp_path):
    from tests.faults import free_port
    from tests.worker import wait_for

    port = str(free_port())
    server = subprocess.Popen(
        ["redis-server", str(ROOT / "deploy" / "redis.conf"), "--port", port, "--bind", "127.0.0.1"]
        + ["--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    ask = lambda *words: subprocess.run(["redis-cli", "-p", port, *words], capture_output=True, text=True).stdout  # noqa: E731
    try:
        wait_for(lambda: ask("ping").strip() == "PONG")
        assert ask("config", "get", "appendonly").split() == ["appendonly", "yes"]
        assert ask("config", "get", "appendfsync").split() == ["appendfsync", "everysec"]
    finally:
        server.terminate()
        server.wait(timeout=10)
