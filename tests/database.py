"""The test databases (one a pytest-xdist worker) are copies of one migrated template: migrating an
empty database costs a minute of CPU (Django renders the models' states of every migration, the
history triggers' among them), copying one (`CREATE DATABASE … TEMPLATE`) a fraction of a second.

The template is named after the test database (`test_emergency_template` for `emergency`) and kept
between runs; it is made again when the migrations it was made from change (the database's comment
holds their digest). Drop it to have it made again anyway."""

from __future__ import annotations

import hashlib
from pathlib import Path

import django
from django.apps import apps
from django.core.management import call_command
from django.db import connection


def migrations_digest() -> str:
    """Of every installed app's migration files, and the Django that runs them."""
    digest = hashlib.sha256(django.get_version().encode())
    for app in sorted(apps.get_app_configs(), key=lambda app: app.label):
        for path in sorted(Path(app.path, "migrations").glob("*.py")):
            digest.update(f"{app.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def copy_test_database_from_template() -> None:
    """Have Django create the test database from the template, making the template first where it
    is missing or was made from other migrations (one worker makes it, the others wait)."""
    settings_dict = connection.settings_dict
    template = f"test_{settings_dict['NAME']}_template"
    name = connection.ops.quote_name(template)
    digest = migrations_digest()
    with connection.creation._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [template])
        try:
            cursor.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template]
            )
            made = cursor.fetchone()
            if made is None or made[0] != digest:
                cursor.execute(f"DROP DATABASE IF EXISTS {name}")
                cursor.execute(f"CREATE DATABASE {name}")
                _migrate(template)
                cursor.execute(f"COMMENT ON DATABASE {name} IS '{digest}'")
        finally:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [template])
    settings_dict["TEST"]["TEMPLATE"] = template


def _migrate(database: str) -> None:
    settings_dict = connection.settings_dict
    name = settings_dict["NAME"]
    connection.close()
    settings_dict["NAME"] = database
    try:
        call_command("migrate", verbosity=0, interactive=False)
    finally:
        connection.close()  # a database with a connection open cannot be copied
        settings_dict["NAME"] = name
