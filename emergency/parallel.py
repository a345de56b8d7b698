"""Aggregates run side by side, for the annual summary's sections and the dashboard's panels: they
mostly wait on PostgreSQL, which has cores of its own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from django.db import connection, connections
from django.utils import translation

T = TypeVar("T")

THREADS = 2


def side_by_side(calls: list[Callable[[], T]]) -> Iterator[T]:
    """The results of `calls`, in order, each as soon as it and those before it are done.

    Outside a transaction THREADS at a time, each thread on a database connection of its own and in
    the caller's language (like one by one, each query sees the data committed when it runs).
    Inside a transaction one by one on its connection: other connections cannot see its writes."""
    if connection.in_atomic_block:
        yield from (call() for call in calls)
        return
    language = translation.get_language()
    with ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="aggregates") as pool:
        futures = [pool.submit(_in_thread, call, language) for call in calls]
        yield from (future.result() for future in futures)


def _in_thread(call: Callable[[], T], language: str) -> T:
    try:
        with translation.override(language):
            return call()
    finally:
        connections.close_all()  # this thread's connections only
