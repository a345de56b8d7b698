"""Costly figures (the dashboard's panels, the to-do lines) kept in Redis with the database snapshot
they were built under.

A value is current while PostgreSQL's snapshot (which transactions have committed) is the one it
was built under: reading does not change it, any committed write does, in any table (and in any
database of the server: a busy neighbour only costs rebuilds, never correctness). The day counts
too, because overdue and expiry figures count from today; the language is in the key because
labels are translated when built.

When the data has changed, what happens depends on what the last build cost:
- built within `settings.FIGURES_BUILD_BUDGET` seconds (a city's panels are), it is built
  again in the request, so the page always shows the committed data;
- slower than that (a province's panels aggregate millions of records: seconds), the request gets
  the last value at once, marked with the time it was built and as being refreshed, and a Celery
  task builds the new one; the next view shows it. A leader does not wait seconds after every entry
  anywhere in the province, and the worker builds it once however many leaders are looking.
A transaction that has written itself always builds: its own changes are not in the snapshot.

One request builds a missing value; the others asking for it meanwhile wait for that one. A Redis
that has gone away only means building every time; a broker that refuses the refresh, building in
the request."""

from __future__ import annotations

import dataclasses
import datetime
import gc
import hashlib
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language
from kombu.exceptions import OperationalError as BrokerUnavailable
from redis.exceptions import RedisError

# How long a request waits for the value another request is building before building it too, and
# how long a queued refresh keeps others from queueing another.
BUILD_WAIT_SECONDS = 30
# How long a value is kept unread: long enough that a leader's next visit finds the last figures.
KEEP_SECONDS = 7 * 24 * 3600

# name -> build(*args); registered by the modules that own the figures, so a worker can rebuild
# them from the name and the arguments alone.
builders: dict[str, Callable[..., Any]] = {}


def register(name: str, build: Callable[..., Any]) -> None:
    builders[name] = build


# The Celery task that rebuilds a value in a worker (`emergency.tasks.refresh_figures`), given by
# the app config; until then a value is built in the request.
refresher: Any = None


def register_refresher(task) -> None:
    global refresher
    refresher = task


@dataclasses.dataclass(frozen=True)
class Built:
    value: Any
    built_at: datetime.datetime
    seconds: float  # what the build cost
    state: str  # the snapshot it was built under
    day: datetime.date
    refreshing: bool = False  # newer data has committed; a worker is building the new value

    def current(self, state: str) -> bool:
        return self.state == state and self.day == timezone.localdate()


def latest(name: str, key: str, *args) -> Built:
    """`builders[name](*args)` as of the committed data, or, where that takes too long to build in a
    request, the last value built while a worker builds the new one. `key` names the value (the
    arguments that decide it, which may be fewer than those it is built from)."""
    state, writing = _snapshot()
    if writing:
        return _build(name, args, state)
    stored = _key(name, key)
    lock = _lock(stored)
    try:
        last = _stored(stored)
        if last is not None and last.current(state):
            return last
        if last is not None and last.seconds > settings.FIGURES_BUILD_BUDGET and _refresh_later(name, key, args, lock):
            return dataclasses.replace(last, refreshing=True)
        if not cache.add(lock, 1, BUILD_WAIT_SECONDS):
            waited = _wait_for(stored, lock, state)
            if waited is not None:
                return waited
    except RedisError:
        return _build(name, args, state)
    try:
        built = _build(name, args, state)
        with suppress(RedisError):
            cache.set(stored, built, KEEP_SECONDS)
        return built
    finally:
        with suppress(RedisError):
            cache.delete(lock)


def refresh(name: str, key: str, args: list) -> None:
    """Build the value again unless it is already current (the worker's side of `latest`)."""
    stored = _key(name, key)
    try:
        state, _writing = _snapshot()
        last = _stored(stored)
        if last is None or not last.current(state):
            cache.set(stored, _build(name, args, state), KEEP_SECONDS)
    finally:
        cache.delete(_lock(stored))


def _refresh_later(name: str, key: str, args, lock: str) -> bool:
    """Queue a refresh unless one is queued already; False if the broker will not take it."""
    if refresher is None:
        return False
    if not cache.add(lock, 1, BUILD_WAIT_SECONDS):
        return True
    try:
        refresher.delay(name, key, list(args), get_language())
    except BrokerUnavailable:
        cache.delete(lock)
        return False
    return True


def _snapshot() -> tuple[str, bool]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned() IS NOT NULL")
        snapshot, writing = cursor.fetchone()
    return hashlib.sha256(snapshot.encode()).hexdigest()[:32], writing


def _stored(key: str) -> Built | None:
    """The value stored under `key`, read with the cyclic garbage collector paused. A province's
    compliance report holds 40,000 rows; every few hundred objects unpickled the collector runs,
    and the longer-lived generations it walks hold the whole process (Django, templates, …), so
    reading took several times as long. Loading makes no reference cycles to collect."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return cache.get(key)
    finally:
        if paused:
            gc.enable()


def _key(name: str, key: str) -> str:
    return f"figures:{name}:{key}:{get_language()}"


def _lock(stored: str) -> str:
    """Held while a request or a worker builds the value stored under `stored`."""
    return f"{stored}:building"


def _build(name: str, args, state: str) -> Built:
    """Build the value; the time is taken before, so the value is at least as new as it says."""
    built_at, started = timezone.now(), time.perf_counter()
    value = builders[name](*args)
    return Built(value, built_at, time.perf_counter() - started, state, timezone.localdate())


def _wait_for(key: str, lock: str, state: str) -> Built | None:
    """The value another request is building, or None if it failed, was built under another
    snapshot, or has not come in time."""
    deadline = time.monotonic() + BUILD_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(0.1)
        if cache.get(lock) is None:
            last = _stored(key)
            return last if last is not None and last.current(state) else None
    return None
