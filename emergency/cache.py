"""Costly aggregates (the dashboard's panels, the to-do lines) kept in Redis under the database's
snapshot, so a cached value is never older than the data.

The key holds PostgreSQL's current snapshot (which transactions have committed): reading does not
change it, any committed write does, in any table (and in any database of the server: a busy
neighbour only costs hits, never correctness). A transaction that has written itself is not
cached: its own changes are not in the snapshot. The day is in the key because overdue and expiry
figures count from today; the language because labels are translated when built.

One request builds a missing entry; the others asking for it meanwhile wait for that one (a
province's panels take seconds, and ten leaders opening the page after a change would otherwise
build them ten times at once). A Redis that has gone away only means building every time."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from contextlib import suppress
from typing import TypeVar

from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language
from redis.exceptions import RedisError

T = TypeVar("T")

# How long a request waits for the value another request is building before building it too.
BUILD_WAIT_SECONDS = 30


def snapshot_cached(name: str, build: Callable[[], T]) -> T:
    """`build()`'s value for `name` as of the committed data, built once per change."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned() IS NOT NULL")
        snapshot, writing = cursor.fetchone()
    if writing:
        return build()
    state = hashlib.sha256(snapshot.encode()).hexdigest()[:32]
    key = f"{name}:{timezone.localdate()}:{get_language()}:{state}"
    lock = f"{key}:building"
    try:
        cached = cache.get(key)
        if cached is None and not cache.add(lock, 1, BUILD_WAIT_SECONDS):
            cached = _wait_for(key, lock)
    except RedisError:
        return build()
    if cached is not None:
        return cached
    try:
        value = build()
        with suppress(RedisError):
            cache.set(key, value)
        return value
    finally:
        with suppress(RedisError):
            cache.delete(lock)


def _wait_for(key: str, lock: str):
    """The value another request is building, or None if it failed or has not come in time."""
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.1)
        if (cached := cache.get(key)) is not None or cache.get(lock) is None:
            return cached
    return None
