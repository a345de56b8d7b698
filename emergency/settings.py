"""Settings for 应急管理工作台, read from environment variables with working local defaults.

The helpers fail loudly on a malformed value instead of guessing (the healthchecks way), and
production (DJANGO_DEBUG=0) refuses to start without a real secret key.
"""

import os
from pathlib import Path

import dj_database_url
import pghistory
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be 0 or 1, not {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envnetworks(name: str, default: str) -> list[str]:
    """Comma-separated addresses or networks (127.0.0.1, 10.0.0.0/8), each checked now."""
    import ipaddress

    entries = [e.strip() for e in os.environ.get(name, default).split(",") if e.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must list IP addresses or networks, not {entry!r}") from None
    return entries


DEBUG = envbool("DJANGO_DEBUG", "1")
_DEV_SECRET = "dev-only-insecure-key-never-use-in-production"  # noqa: S105  (refused when DJANGO_DEBUG=0)
SECRET_KEY = envstr("DJANGO_SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of 50+ characters in production")
ALLOWED_HOSTS = [h for h in envstr("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    "csp",
    "emergency",
    # Area apps: their order is the order of the navigation bar, the demo and the summary.
    "plans",
    "drills",
    "hazards",
    "supplies",
    "duty",
    "outreach",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "emergency.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "emergency.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    # Last, so that a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "emergency.urls"
WSGI_APPLICATION = "emergency.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "emergency.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/emergency"),
        conn_max_age=60,
        # A connection kept from an earlier request is checked before it is used again, so the first
        # requests after a database restart reconnect instead of failing.
        conn_health_checks=True,
    )
}
# Memory a sort or hash may take before spilling to disk. PostgreSQL's 4 MB sends the dashboard's
# per-district aggregates over a province's hazards to temporary files.
DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c work_mem={envstr('DATABASE_WORK_MEM', '16MB')}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Event tables copy each record's foreign keys without an index: history is read per record
# (pgh_obj, still indexed) and joins its context by the context's key, never by unit, user or
# context, and each of those indexes would only slow every insert (an import writes thousands).
PGHISTORY_FOREIGN_KEY_FIELD = pghistory.ForeignKey(db_index=False)
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=True)

AUTH_USER_MODEL = "emergency.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins: five in a row lock the account and address for 30 minutes.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# The reverse proxies whose X-Forwarded-For names the client (deploy/nginx.conf on 127.0.0.1);
# none by default, so anyone else's header is ignored and the lockout keys on the peer address.
TRUSTED_PROXIES = envnetworks("TRUSTED_PROXIES", "")
AXES_CLIENT_IP_CALLABLE = "emergency.middleware.client_ip"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Pages name their date formats (DATE_FORMAT, MONTH_DAY_FORMAT …), so English pages show English
# dates; Django's own zh_Hans formats are ours but for the few in emergency/formats.
FORMAT_MODULE_PATH = ["emergency.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Uploaded files are never served from a public URL: only scoped views stream them.
MEDIA_ROOT = Path(envstr("DJANGO_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "emergency.storage.MediaStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"  # wide tables scroll in their card on a phone
DJANGO_TABLES2_TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}

REDIS_URL = envstr("REDIS_URL", "redis://127.0.0.1:6379/0")
# The site's address as its readers reach it: links written into workbooks point there.
SITE_URL = envstr("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Reminders by e-mail go through this SMTP server (the bureau's own, often intranet-only); without
# EMAIL_HOST no e-mail is sent: reminders reach the inbox and the group robots. Inbox lines are
# kept MESSAGE_KEEP_DAYS.
EMAIL_HOST = envstr("EMAIL_HOST", "")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envstr("EMAIL_USE_TLS", "") == "1"
EMAIL_USE_SSL = envstr("EMAIL_USE_SSL", "") == "1"
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "emergency@localhost")
MESSAGE_KEEP_DAYS = envint("MESSAGE_KEEP_DAYS", "180")
# A delivery a worker holds this long without finishing is sent again (the worker died mid-send).
MESSAGE_LEASE_SECONDS = envint("MESSAGE_LEASE_SECONDS", "60")
# Shared by every gunicorn worker; the dashboard keeps its panels here (emergency/dashboard.py).
# Short socket timeouts: a Redis that has gone away costs a page a second, not a hang.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "emergency",
        "TIMEOUT": 600,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}
# Figures (dashboard panels, to-do lines) whose last build took longer than this many seconds are
# rebuilt by a worker after a write while the request shows the last ones (emergency/cache.py).
FIGURES_BUILD_BUDGET = float(envstr("FIGURES_BUILD_BUDGET", "0.3"))
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Imports and summaries are taken by one worker under a lease it renews while it runs
# (emergency/jobs.py): a delivery that finds the lease held does nothing, so the broker may hand a
# long job out again, and the visibility timeout can be short. It brings back within a minute a
# task that a killed worker had received but not yet started; a job it had started comes back
# when its lease runs out, through the sweeper that beat runs twice a lease. A publish to a Redis
# that has gone away fails within seconds instead of hanging the request.
_VISIBILITY = envint("CELERY_VISIBILITY_TIMEOUT", "45")
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _VISIBILITY,
    "unacked_restore_interval": max(1, min(10, _VISIBILITY // 4)),
    "unacked_restore_throttle": 1 if _VISIBILITY < 600 else 10,
    "socket_timeout": 5,
    "socket_connect_timeout": 5,
}
JOB_LEASE_SECONDS = envint("JOB_LEASE_SECONDS", "30")
# A queued job sent this long ago and still not taken is sent again: Redis may have restarted empty.
JOB_RESEND_SECONDS = envint("JOB_RESEND_SECONDS", "300")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TIMEZONE = TIME_ZONE

# Upload limits; the import engine checks archives before it parses them.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", str(20 * 1024 * 1024))
IMPORT_MAX_UNCOMPRESSED_BYTES = envint("IMPORT_MAX_UNCOMPRESSED_BYTES", str(200 * 1024 * 1024))
IMPORT_MAX_ROWS = envint("IMPORT_MAX_ROWS", "100000")
# Files with more data rows than this are validated and written by a Celery job with progress.
IMPORT_BACKGROUND_ROWS = envint("IMPORT_BACKGROUND_ROWS", "2000")
ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_BYTES", str(20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Security headers. No inline script anywhere: every script is a file under static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # ECharts tooltips set inline styles (its issues #19938, #19570); styles only, never scripts.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = envbool("DJANGO_SSL_REDIRECT", "0" if DEBUG else "1")
SECURE_HSTS_SECONDS = 0 if DEBUG else envint("DJANGO_HSTS_SECONDS", "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_FAILURE_VIEW = "emergency.errors.csrf_failure"
CSRF_TRUSTED_ORIGINS = [o for o in envstr("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Rules whose details vary between cities (local regulations differ); shown on the settings page.
PLAN_REVISION_YEARS = envint("PLAN_REVISION_YEARS", "3")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("DJANGO_LOG_LEVEL", "WARNING")},
}
