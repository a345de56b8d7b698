"""Security headers and production settings. Every page the access test visits is checked for the
headers and for inline script there; here, the settings production runs with (DJANGO_DEBUG=0), read
in a fresh process as a deployment would, and the answers a browser gets from them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "r" * 20 + "-reliability-production-secret-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "emergency.example.edu.cn",
}
# Runs inside `manage.py shell`: the settings, and two requests through the real middleware.
PROBE = """
import json
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

plain = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=plain):  # no collected static files in a test checkout
    client = Client(HTTP_HOST="emergency.example.edu.cn")
    plain_http = client.get("/accounts/login/")
    page = client.get("/accounts/login/", secure=True)
csrf = page.cookies.get("csrftoken")
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "SECURE_PROXY_SSL_HEADER": list(settings.SECURE_PROXY_SSL_HEADER or ()),
    "http_status": plain_http.status_code,
    "http_location": plain_http.get("Location", ""),
    "status": page.status_code,
    "headers": dict(page.items()),
    "csrf_cookie_secure": bool(csrf and csrf["secure"]),
    "body_has_inline_script": "<script>" in page.content.decode(),
}))
"""


def production(**extra) -> dict:
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**base, **PRODUCTION, **extra},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_are_secure_and_https_is_enforced():
    seen = production()
    assert seen["DEBUG"] is False
    assert seen["SESSION_COOKIE_SECURE"] and seen["CSRF_COOKIE_SECURE"] and seen["SESSION_COOKIE_HTTPONLY"]
    assert seen["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert seen["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    # Plain HTTP is sent to HTTPS; over HTTPS the CSRF cookie is marked Secure.
    assert seen["http_status"] == 301 and seen["http_location"].startswith("https://")
    assert seen["status"] == 200 and seen["csrf_cookie_secure"]


def test_production_pages_carry_the_security_headers():
    headers = production()["headers"]
    csp = headers["Content-Security-Policy"]
    script_src = csp.split("script-src", 1)[1].split(";")[0]
    assert "'self'" in script_src and "unsafe" not in script_src
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp and "base-uri 'self'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_development_settings_stay_usable_over_plain_http():
    seen = production(DJANGO_DEBUG="1")
    assert seen["DEBUG"] is True
    assert not seen["SESSION_COOKIE_SECURE"] and not seen["SECURE_SSL_REDIRECT"]
    assert seen["http_status"] == 200
