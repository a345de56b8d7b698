"""What the database holds, counted, so a test can prove that nothing was written."""

from __future__ import annotations

from django.apps import apps
from django.db import connection
from pghistory.models import Event

from emergency import registry
from emergency.models import Organization


def event_models() -> list:
    return [m for m in apps.get_models() if issubclass(m, Event)]


def record_counts() -> dict[str, int]:
    """Rows of every kind an import writes, and every history event (an update adds one too)."""
    models = {spec.model for spec in registry.import_specs.values()} | {Organization, *event_models()}
    return {m._meta.label: m._default_manager.count() for m in sorted(models, key=lambda m: m._meta.label)}


def fingerprint() -> dict[str, tuple]:
    """Every table a request could change, by row count and latest change, in one query; sessions
    and failed-login records excepted (signing in writes them by design)."""
    skip = {"sessions", "axes", "admin", "contenttypes", "auth"}
    parts, labels = [], []
    for model in apps.get_models():
        meta = model._meta
        if meta.app_label in skip or meta.proxy or not meta.managed:
            continue
        table = connection.ops.quote_name(meta.db_table)
        changed = "max(updated_at)::text" if any(f.name == "updated_at" for f in meta.concrete_fields) else "''"
        parts.append(f"SELECT {len(labels)}, count(*), {changed} FROM {table}")  # noqa: S608 (table names)
        labels.append(meta.label)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return {labels[i]: (count, latest) for i, count, latest in cursor.fetchall()}
